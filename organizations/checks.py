"""System checks: tenant models ready to be distributed; a cache all workers share."""

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models

from organizations.scoping import ScopedManager, TenantModel


@checks.register(checks.Tags.models)
def check_tenant_models(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Run `check_tenant_model` on every model of `app_configs` (all apps when None)."""
    if app_configs is None:
        models_to_check = apps.get_models()
    else:
        models_to_check = [model for config in app_configs for model in config.get_models()]
    errors: list[checks.CheckMessage] = []
    for model in models_to_check:
        if issubclass(model, TenantModel):
            errors.extend(check_tenant_model(model))
    return errors


def check_tenant_model(model: type[TenantModel]) -> list[checks.CheckMessage]:
    """A tenant model is scoped by default, and its unique constraints name the tenant."""
    errors: list[checks.CheckMessage] = []
    label = model._meta.label
    if label != "organizations.Membership" and not isinstance(
        model._default_manager, ScopedManager
    ):
        errors.append(
            checks.Error(
                f"{label}'s default manager does not refuse unscoped reads.",
                hint="Use organizations.scoping.ScopedManager (or a subclass).",
                obj=model,
                id="rolo.E001",
            )
        )
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and (
            "organization" not in (constraint.fields or ())
        ):
            errors.append(
                checks.Error(
                    f"{label} constraint {constraint.name!r} does not include organization.",
                    hint="Uniqueness must stay within one organization.",
                    obj=model,
                    id="rolo.E002",
                )
            )
    for field in model._meta.local_fields:
        if field.unique and not field.primary_key and field.name != "token_hash":
            errors.append(
                checks.Error(
                    f"{label}.{field.name} is unique across organizations.",
                    hint="Use a UniqueConstraint that includes organization.",
                    obj=model,
                    id="rolo.E003",
                )
            )
    return errors


PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Production needs a cache all workers share: the login throttle counts in it."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            f"The default cache ({backend}) is private to each worker process, so login "
            "and sign-up throttling counts in each worker apart and forgets on restart.",
            hint="Unset CACHE_URL (the database cache) or point it at Redis.",
            id="rolo.W001",
        )
    ]
