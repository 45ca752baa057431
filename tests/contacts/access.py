"""PRODUCT §3 as a table: who gets which status on a directory record's URLs.

The people are the cast of tests/conftest.py: anonymous, mallory (outsider), gina
(guest), bob (member) and alice (owner) act; carol (a member) creates the records that
are "someone else's". Each record is one of four kinds, seen from the acting user:

- public: created by carol, public;
- private_by_carol: created by carol, private, mentioning nobody;
- private_mentioning_actor: created by carol, private, its description mentions the actor;
- private_by_actor: created by the actor, private.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from organizations.scoping import scopes_disabled

LOGIN = "login"
ACTORS = ["anonymous", "mallory", "gina", "bob", "alice"]
NEED_AN_ACTOR = ("private_mentioning_actor", "private_by_actor")
KINDS = ["public", "private_by_carol", "private_mentioning_actor", "private_by_actor"]


@dataclass(frozen=True)
class Action:
    """One request on a directory URL and the check of what it did (or did not) change.

    `right` is what the request needs beyond seeing the record: "" (any owner or
    member who sees it may), "delete" (creator or owner) or "visibility" (creator).
    `verify(world, response, allowed=..., sees=...)` asserts the effect when the request
    was allowed and no effect otherwise; `sees` says whether the actor sees the record.
    """

    name: str
    send: Callable[[Any, Any], Any]
    success: int
    on_record: bool = True
    right: str = ""
    verify: Callable[..., None] | None = None

    def __str__(self) -> str:
        return self.name


def matrix(actions: list[Action], kinds=KINDS) -> list:
    """Parameters (action, actor, kind), leaving out kinds that need an acting user."""
    params = []
    for action in actions:
        for actor in ACTORS:
            for kind in kinds if action.on_record or action.verify else ["public"]:
                if actor == "anonymous" and kind in NEED_AN_ACTOR:
                    continue
                params.append(pytest.param(action, actor, kind, id=f"{action}-{actor}-{kind}"))
    return params


def sees(actor: str, kind: str) -> bool:
    """Rule 3: owners and members see public records and private ones they created or are
    mentioned in; being owner grants nothing more. Nobody else sees anything."""
    return actor in ("bob", "alice") and kind != "private_by_carol"


def expected_status(action: Action, actor: str, kind: str) -> int | str:
    """The status PRODUCT §3 prescribes for `actor` doing `action` on a `kind` record."""
    if actor == "anonymous":
        return LOGIN
    if actor == "mallory":
        return 404  # rule 1: nothing of the organization exists for a non-member
    if actor == "gina":
        return 403  # rule 2: guests get 403 on contact and company pages
    if action.on_record and not sees(actor, kind):
        return 404  # rule 4: invisible is the same 404 as missing
    if action.right == "delete" and not (kind == "private_by_actor" or actor == "alice"):
        return 403  # rule 6: only the creator or an owner deletes
    if action.right == "visibility" and kind != "private_by_actor":
        return 403  # rule 6: only the creator changes the visibility
    return action.success


def assert_status(response, expected: int | str) -> None:
    if expected == LOGIN:
        login = reverse("login") + "?next=/o/acme/"
        if response.wsgi_request.headers.get("HX-Request") == "true":
            # htmx is told to load the login page as a whole page (TenantMiddleware).
            assert response["HX-Redirect"].startswith(login)
        else:
            assert response.status_code == 302
            assert response.url.startswith(login)
    else:
        assert response.status_code == expected, response.content[:500]


def make_record(factory, *, kind: str, actor, carol, acme, **fields):
    """Create the record of `kind` as seen by `actor` (None for anonymous)."""
    creator = actor if kind == "private_by_actor" else carol
    visibility = "public" if kind == "public" else "private"
    description = "Met at the fair."
    if kind == "private_mentioning_actor":
        description = f"Ask @{actor.email} about the contract."
    record = factory(
        organization=acme,
        created_by=creator,
        visibility=visibility,
        description=description,
        **fields,
    )
    if kind == "private_mentioning_actor":
        # Saving resolved the mention for a member. For a guest or an outsider store it
        # anyway: the worst case (a stale row) must still give them nothing.
        model = record.mention_model()
        with scopes_disabled():
            model.objects.get_or_create(
                organization=acme, user=actor, **{model.target_field: record}
            )
    return record
