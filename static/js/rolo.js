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
  function fetchOptions(url, q, list, onPick) {
    var sep = url.indexOf("?") === -1 ? "?" : "&";
    fetch(url + sep + "q=" + encodeURIComponent(q), { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        list.innerHTML = html;
        list.hidden = !html.trim();
        list.querySelectorAll("button.option").forEach(function (button) {
          button.addEventListener("mousedown", function (event) {
            event.preventDefault();
            onPick(button.getAttribute("data-value"), button.getAttribute("data-label"));
            list.hidden = true;
          });
        });
      });
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
    area.addEventListener("blur", function () { setTimeout(function () { list.hidden = true; }, 150); });
  }
  function init(root) {
    root.querySelectorAll("[data-autocomplete]").forEach(setupPicker);
    root.querySelectorAll("[data-mentions-url]").forEach(setupMentions);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
