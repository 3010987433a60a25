"""Web pages of the network: the public directory (no login) and the staff pages."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from jisr.accounts import policy
from jisr.core.exceptions import DomainError
from jisr.core.forms import add_domain_error
from jisr.core.views import permission_required
from jisr.network import selectors, services
from jisr.network.forms import (
    CentreCreateForm,
    CentreForm,
    DirectoryFilterForm,
    OfferingForm,
    PartnerForm,
)
from jisr.network.models import ServiceOffering

# The map shows at most this many centres of a search; the list pages through all of them.
MAP_POINTS = 1500
MAP_PARTNERS = 30


def _points(qs) -> str:
    from django.urls import reverse

    rows = qs.exclude(latitude=None).values_list("code", "name_ar", "name_fr", "latitude",
                                                  "longitude")[:MAP_POINTS]
    return json.dumps([{"code": code, "name_ar": ar, "name_fr": fr, "lat": float(lat),
                        "lon": float(lon), "href": reverse("directory:centre", args=[code])}
                       for code, ar, fr, lat, lon in rows], ensure_ascii=False)


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.directory_centres(filters=filters)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    # Partners serve a whole région or province: shown once the search names a territory or
    # a service, where the list stays short.
    partners = selectors.directory_partners(filters={
        k: filters.get(k) for k in ("region", "province", "service")})[:MAP_PARTNERS] \
        if any(filters.get(k) for k in ("region", "province", "service")) else []
    return render(request, "network/directory.html", {
        "form": form, "page": page, "points": _points(qs), "partners": partners,
        "geojson": static("territory/regions.geojson")})


def directory_centre(request, code: str):
    centre = selectors.directory_centre_get(code=code)
    return render(request, "network/directory_centre.html", {
        "centre": centre, "geojson": static("territory/regions.geojson"),
        "points": _points(selectors.directory_centres(filters={}).filter(pk=centre.pk))})


def directory_partner(request, code: str):
    return render(request, "network/directory_partner.html", {
        "partner": selectors.directory_partner_get(code=code)})


def catalogue(request):
    return render(request, "network/catalogue.html", {"domains": selectors.catalogue()})


# --- staff ---------------------------------------------------------------------------

def _save(form, call) -> object | None:
    try:
        return call()
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


@permission_required("network.view_centres")
def centre_list(request):
    qs = selectors.centre_list(user=request.user, filters=request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "network/centre_list.html", {
        "page": page, "q": request.GET.get("q", ""),
        "can_edit": policy.has_perm(request.user, "network.edit_centre"),
        "can_create": policy.has_perm(request.user, "network.create_centre")})


@permission_required("network.create_centre")
def centre_create(request):
    form = CentreCreateForm(request.POST or None, user=request.user,
                            communes=policy.communes_for(request.user).order_by("code"))
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        centre = not form.errors and _save(form, lambda: services.centre_create(
            actor=request.user, **changes))
        if centre:
            messages.success(request, _("Centre created."))
            return redirect("network:centre_edit", centre_id=centre.pk)
    return render(request, "network/centre_form.html", {"form": form, "creating": True})


@permission_required("network.view_centres")
def centre_edit(request, centre_id: int):
    centre = selectors.centre_get_for_user(user=request.user, centre_id=centre_id)
    policy.check_edit_centre(request.user, centre)
    form = CentreForm(request.POST or None, instance=centre, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not form.errors and _save(form, lambda: services.centre_update(
                actor=request.user, centre=centre, **changes)):
            messages.success(request, _("Changes saved."))
            return redirect("network:centre_edit", centre_id=centre.pk)
    return render(request, "network/centre_form.html", {
        "form": form, "centre": centre,
        "offerings": selectors.offering_list(user=request.user, centre=centre),
        "can_manage_offerings": policy.can_manage_offerings(request.user, centre=centre)})


@permission_required("network.view_partners")
def partner_list(request):
    qs = selectors.partner_list(user=request.user, filters=request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    # Rows already come from the user's scope: only the finer edit rule is left to apply.
    editable = {p.pk for p in page if policy.has_perm(request.user, "network.edit_partner")
                and policy.partner_in_edit_scope(request.user, p)}
    return render(request, "network/partner_list.html", {
        "page": page, "q": request.GET.get("q", ""), "editable": editable})


@permission_required("network.edit_partner")
def partner_edit(request, partner_id: int):
    partner = selectors.partner_get_for_user(user=request.user, partner_id=partner_id)
    policy.check_edit_partner(request.user, partner)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if _save(form, lambda: services.partner_update(actor=request.user, partner=partner,
                                                       **changes)):
            messages.success(request, _("Changes saved."))
            return redirect("network:partner_edit", partner_id=partner.pk)
    return render(request, "network/partner_form.html", {
        "form": form, "partner": partner,
        "offerings": selectors.offering_list(user=request.user, partner=partner)})


@permission_required("network.manage_offerings")
def offering_create(request, centre_id: int | None = None, partner_id: int | None = None):
    centre = selectors.centre_get_for_user(user=request.user, centre_id=centre_id) \
        if centre_id else None
    partner = selectors.partner_get_for_user(user=request.user, partner_id=partner_id) \
        if partner_id else None
    policy.check_manage_offerings(request.user, centre=centre, partner=partner)
    form = OfferingForm(request.POST or None,
                        instance=ServiceOffering(centre=centre, partner=partner))
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not form.errors and _save(form, lambda: services.offering_create(
                actor=request.user, centre=centre, partner=partner, **changes)):
            messages.success(request, _("Service added."))
            return redirect(*(("network:centre_edit", centre.pk) if centre
                              else ("network:partner_edit", partner.pk)))
    return render(request, "network/offering_form.html", {
        "form": form, "provider": centre or partner, "creating": True})


@permission_required("network.manage_offerings")
def offering_edit(request, offering_id: int):
    offering = selectors.offering_get_for_user(user=request.user, offering_id=offering_id)
    policy.check_manage_offerings(request.user, centre=offering.centre,
                                  partner=offering.partner)
    form = OfferingForm(request.POST or None, instance=offering)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not form.errors and _save(form, lambda: services.offering_update(
                actor=request.user, offering=offering, **changes)):
            messages.success(request, _("Changes saved."))
            return redirect("network:offering_edit", offering_id=offering.pk)
    return render(request, "network/offering_form.html", {
        "form": form, "provider": offering.provider, "offering": offering})
