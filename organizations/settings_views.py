"""Owners edit their organization's settings: the type and sector lists, the country."""

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from organizations.forms import OrganizationForm
from organizations.models import RecordType, Sector
from organizations.permissions import owner_required

LISTS = {"types": RecordType, "sectors": Sector}


class ListEntryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


@owner_required
def organization_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The organization's name and default country, and its editable lists."""
    organization = request.organization
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("organization_settings", slug=organization.slug)
    return render(
        request,
        "organizations/organization_settings.html",
        {
            "form": form,
            "types": RecordType.objects.filter(organization=organization),
            "sectors": Sector.objects.filter(organization=organization),
            "entry_form": ListEntryForm(),
        },
        status=400 if form.errors else 200,
    )


def _list_model(kind: str):
    model = LISTS.get(kind)
    if model is None:
        raise Http404
    return model


@require_POST
@owner_required
def list_entry_add(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    model = _list_model(kind)
    form = ListEntryForm(request.POST)
    if form.is_valid():
        name = form.cleaned_data["name"]
        try:
            with transaction.atomic():
                model.objects.create(
                    organization=request.organization,
                    name=name,
                    position=model.objects.filter(organization=request.organization).count(),
                )
        except IntegrityError:
            messages.error(request, _("“%(name)s” is already in the list.") % {"name": name})
        else:
            messages.success(request, _("“%(name)s” added.") % {"name": name})
    else:
        messages.error(request, _("Enter a name to add."))
    return redirect("organization_settings", slug=slug)


@require_POST
@owner_required
def list_entry_rename(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    model = _list_model(kind)
    entry = get_object_or_404(model.objects.filter(organization=request.organization), pk=pk)
    form = ListEntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a name."))
        return redirect("organization_settings", slug=slug)
    entry.name = form.cleaned_data["name"]
    try:
        with transaction.atomic():
            entry.save(update_fields=["name"])
    except IntegrityError:
        messages.error(request, _("“%(name)s” is already in the list.") % {"name": entry.name})
    else:
        messages.success(request, _("Renamed to “%(name)s”.") % {"name": entry.name})
    return redirect("organization_settings", slug=slug)


@require_POST
@owner_required
def list_entry_delete(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    """Remove an entry; records that used it keep everything else and lose only this value."""
    model = _list_model(kind)
    entry = get_object_or_404(model.objects.filter(organization=request.organization), pk=pk)
    entry.delete()
    messages.success(request, _("“%(name)s” removed.") % {"name": entry.name})
    return redirect("organization_settings", slug=slug)
