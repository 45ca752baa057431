"""Tenant scopes: reading a tenant model outside a scope raises instead of leaking.

The tenancy middleware activates the scope of the organization named in the URL for the
whole request (view and template rendering). Code that legitimately works across
organizations (admin, management commands, invitation acceptance) opts out with
`scopes_disabled()` and says why next to it. A query may also name its tenant itself
(`.filter(organization=...)`, `visible_to(user, organization)`), and a related manager
(`contact.emails`) reads within its instance's organization. The idea is django-scopes' (as used by
pretix), reduced to the one dimension Rolo has: the organization.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models

_DISABLED = object()
_current: ContextVar[object | None] = ContextVar("rolo_tenant_scope", default=None)


class ScopeError(RuntimeError):
    """A tenant model was read without an active organization scope."""


@contextmanager
def scope(*, organization) -> Iterator[None]:
    """Run the block with `organization` as the only tenant whose rows can be read."""
    token = _current.set(organization)
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def scopes_disabled() -> Iterator[None]:
    """Run the block with tenant scoping switched off; every caller must say why."""
    token = _current.set(_DISABLED)
    try:
        yield
    finally:
        _current.reset(token)


def current_organization():
    """Return the organization of the active scope, or None when there is none."""
    value = _current.get()
    return None if value is _DISABLED else value


class _UnscopedQuerySetMixin:
    """A queryset built outside any scope: it can be chained, never evaluated.

    Building stays possible so that class-level querysets (a ModelForm's choices) can
    exist at import time; forms replace them with scoped ones before use.
    """

    def _refuse(self, *args, **kwargs):
        raise ScopeError(
            f"{self.model._meta.label} is a tenant model: read it inside "
            "organizations.scoping.scope(organization=...) or, deliberately, "
            "scopes_disabled()."
        )

    _fetch_all = count = exists = iterator = aggregate = update = delete = _refuse
    in_bulk = contains = explain = _update = _raw_delete = _refuse

    def _filter_or_exclude(self, negate, args, kwargs):
        clone = super()._filter_or_exclude(negate, args, kwargs)
        if not negate and NAMES_ORGANIZATION.intersection(kwargs):
            # Naming the organization is what a scope would have done: the query is
            # confined to one tenant, so it may run.
            clone.__class__ = self._scoped_base
        return clone


NAMES_ORGANIZATION = frozenset(
    {"organization", "organization_id", "organization__pk", "organization__id"}
)


_unscoped_classes: dict[type, type] = {}


def _unscoped_class(queryset_class: type) -> type:
    if queryset_class not in _unscoped_classes:
        _unscoped_classes[queryset_class] = type(
            f"Unscoped{queryset_class.__name__}",
            (_UnscopedQuerySetMixin, queryset_class),
            {"_scoped_base": queryset_class},
        )
    return _unscoped_classes[queryset_class]


class ScopedManager(models.Manager):
    """A manager that refuses to read outside a scope and filters to the scope's tenant."""

    def get_queryset(self) -> models.QuerySet:
        value = _current.get()
        queryset = super().get_queryset()
        if value is _DISABLED:
            return queryset
        if value is None:
            instance = getattr(self, "instance", None)
            if getattr(instance, "organization_id", None) is not None:
                # A related manager (contact.emails): the rows belong to the instance's
                # organization, which names the tenant as a scope would.
                return queryset.filter(organization_id=instance.organization_id)
            queryset.__class__ = _unscoped_class(queryset.__class__)
            return queryset
        return queryset.filter(organization=value)


class TenantModel(models.Model):
    """Base for every row that belongs to an organization.

    The organization is set once at creation and never changes; filter on it directly
    even where it could be derived through another foreign key (docs/scaling.md).
    """

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        abstract = True
