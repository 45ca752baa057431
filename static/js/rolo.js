// Rolo's small helpers: confirmation of destructive forms. No framework, no network.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // Close an open menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.switcher[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  // Escape closes the open menus (and the phone's folded top bar), and gives the focus back
  // to the control that opened the one it was in.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.switcher[open]").forEach(function (menu) {
      var inside = menu.contains(document.activeElement);
      menu.removeAttribute("open");
      if (inside) menu.querySelector("summary").focus();
    });
    var toggle = document.querySelector(".menu-toggle[aria-expanded=true]");
    if (toggle && !(event.target.closest && event.target.closest(".navsearch-results:not(:empty), .switcher"))) {
      setMenu(toggle, false);
      toggle.focus();
    }
  });
  // The top bar's menu button, for narrow screens: shown only when this script runs, so
  // without it the bar simply wraps.
  function setMenu(toggle, open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.closest(".topbar").classList.toggle("open", open);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".menu-toggle");
    if (!toggle) return;
    toggle.closest(".topbar").classList.add("foldable");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      setMenu(toggle, toggle.getAttribute("aria-expanded") !== "true");
    });
  });
})();

// Pickers: an input with [data-autocomplete] asks data-url?q=... for <li><button
// data-value data-label> options and writes the chosen value into data-target.
(function () {
  "use strict";
  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }
  function choose(list, button) {
    list.hidden = true;
    list.roloPick(button.getAttribute("data-value"), button.getAttribute("data-label"));
  }
  function fetchOptions(url, q, list, onPick) {
    var sep = url.indexOf("?") === -1 ? "?" : "&";
    var asked = (list.roloAsked || 0) + 1;
    list.roloAsked = asked;
    fetch(url + sep + "q=" + encodeURIComponent(q), { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (asked !== list.roloAsked) return;  // a later keystroke asked again
        list.innerHTML = html;
        list.hidden = !html.trim();
        list.roloPick = onPick;
        list.querySelectorAll("button.option").forEach(function (button) {
          button.setAttribute("tabindex", "-1");
          button.addEventListener("mousedown", function (event) {
            event.preventDefault();
            choose(list, button);
          });
        });
      });
  }
  // Arrow keys move through the offered options, Enter picks one, Escape closes them.
  function navigate(event, list) {
    if (list.hidden) return;
    var options = Array.prototype.slice.call(list.querySelectorAll("button.option"));
    if (!options.length) return;
    var current = -1;
    options.forEach(function (button, index) { if (button.classList.contains("active")) current = index; });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var next = current + (event.key === "ArrowDown" ? 1 : -1);
      if (next < 0) next = options.length - 1;
      if (next >= options.length) next = 0;
      options.forEach(function (button, index) {
        button.classList.toggle("active", index === next);
        button.setAttribute("aria-selected", index === next ? "true" : "false");
      });
      options[next].scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      choose(list, options[current]);
    } else if (event.key === "Escape") {
      list.hidden = true;
    }
  }
  function setupPicker(box) {
    var input = box.querySelector("input[type=text], input:not([type])");
    var list = box.querySelector("ul.options");
    var target = document.querySelector(box.getAttribute("data-target"));
    if (!input || !list || !target) return;
    input.setAttribute("autocomplete", "off");
    input.addEventListener("input", debounce(function () {
      target.value = "";
      var q = input.value.trim();
      if (!q) { list.hidden = true; return; }
      fetchOptions(box.getAttribute("data-url"), q, list, function (value, label) {
        target.value = value;
        input.value = label;
      });
    }, 200));
    input.addEventListener("keydown", function (event) { navigate(event, list); });
    input.addEventListener("blur", function () { setTimeout(function () { list.hidden = true; }, 150); });
  }
  // Mentions: typing "@" and a few letters in a description offers members; picking
  // one inserts their mention token, "@" + email address.
  function setupMentions(box) {
    var area = box.querySelector("textarea");
    var list = box.querySelector("ul.options");
    if (!area || !list) return;
    area.addEventListener("input", debounce(function () {
      var before = area.value.slice(0, area.selectionStart);
      var match = /(^|\s)@([^\s@]*)$/.exec(before);
      if (!match) { list.hidden = true; return; }
      var start = area.selectionStart - match[2].length - 1;
      fetchOptions(box.getAttribute("data-mentions-url"), match[2], list, function (email) {
        var token = "@" + email + " ";
        area.value = area.value.slice(0, start) + token + area.value.slice(area.selectionStart);
        var caret = start + token.length;
        area.focus();
        area.setSelectionRange(caret, caret);
      });
    }, 150));
    area.addEventListener("keydown", function (event) { navigate(event, list); });
    area.addEventListener("blur", function () { setTimeout(function () { list.hidden = true; }, 150); });
  }
  function init(root) {
    root.querySelectorAll("[data-autocomplete]").forEach(setupPicker);
    root.querySelectorAll("[data-mentions-url]").forEach(setupMentions);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();

// The nav search's dropdown closes on Escape or a click outside the search box; the arrow
// keys move from the box through its result links and back (Home/End: first/last).
(function () {
  "use strict";
  function close() {
    var panel = document.getElementById("navsearch-results");
    if (panel) panel.innerHTML = "";
  }
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest(".navsearch")) close();
  });
  document.addEventListener("keydown", function (event) {
    var search = event.target.closest && event.target.closest(".navsearch");
    if (!search) return;
    var input = search.querySelector("input[type=search]");
    if (event.key === "Escape") {
      close();
      input.focus();
      return;
    }
    var links = Array.prototype.slice.call(search.querySelectorAll(".navsearch-results a"));
    if (!links.length || ["ArrowDown", "ArrowUp", "Home", "End"].indexOf(event.key) === -1) return;
    var at = links.indexOf(document.activeElement);
    if (at === -1 && (event.key === "Home" || event.key === "End")) return;  // the box's own keys
    event.preventDefault();
    var next;
    if (event.key === "Home") next = 0;
    else if (event.key === "End") next = links.length - 1;
    else if (event.key === "ArrowDown") next = at + 1 < links.length ? at + 1 : 0;
    else next = at - 1;
    if (next < 0) input.focus();
    else links[next].focus();
  });
})();

// finish: contact points (issue 18). A form shows one empty email, phone and address row;
// "Add another" copies the formset's empty row (a <template>), numbers it, and counts it in
// TOTAL_FORMS, up to the block's data-max. Without JavaScript the button stays hidden and
// each save offers one more empty row.
(function () {
  "use strict";
  function total(block) {
    return block.querySelector('input[name$="-TOTAL_FORMS"]');
  }
  function refresh(block) {
    var button = block.querySelector("[data-add-row]");
    var max = parseInt(block.getAttribute("data-max"), 10);
    if (button) button.hidden = parseInt(total(block).value, 10) >= max;
  }
  document.querySelectorAll("[data-formset]").forEach(refresh);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-row]");
    if (!button) return;
    var block = button.closest("[data-formset]");
    var count = total(block);
    var index = parseInt(count.value, 10);
    var template = block.querySelector("template[data-empty-row]");
    var row = template.content.firstElementChild.cloneNode(true);
    row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (element) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value) element.setAttribute(attribute, value.replace(/__prefix__/g, String(index)));
      });
    });
    block.querySelector("[data-rows]").appendChild(row);
    count.value = String(index + 1);
    refresh(block);
    var first = row.querySelector("input, select");
    if (first) first.focus();
  });
})();

// The opportunities' board: drag a card onto another column to move it to that stage.
// The card's own form (a stage select and Move) is the keyboard and no-JS alternative;
// a drop posts the same form's data with the CSRF header, then reloads the totals.
(function () {
  "use strict";
  function setup(board) {
    var dragged = null;
    board.addEventListener("dragstart", function (event) {
      var card = event.target.closest && event.target.closest(".board-card");
      if (!card) return;
      dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.id);
    });
    board.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("dragging");
      board.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
    });
    board.addEventListener("dragover", function (event) {
      var column = event.target.closest && event.target.closest(".board-column");
      if (!column || !dragged) return;
      event.preventDefault();
      column.classList.add("drop-target");
    });
    board.addEventListener("dragleave", function (event) {
      var column = event.target.closest && event.target.closest(".board-column");
      if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
    });
    board.addEventListener("drop", function (event) {
      var column = event.target.closest && event.target.closest(".board-column");
      if (!column || !dragged) return;
      event.preventDefault();
      var card = dragged;
      dragged = null;
      var form = card.querySelector("form.move-form");
      var stage = column.getAttribute("data-stage");
      if (!form || form.elements.stage.value === stage) return;
      var data = new FormData(form);
      data.set("stage", stage);
      column.querySelector(".board-cards").appendChild(card);
      fetch(form.getAttribute("action"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: {
          "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
          "X-Requested-With": "fetch"
        }
      }).then(function () { window.location.reload(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-board]").forEach(setup);
  });
})();
