"""Web pages of the registry: search before create, registration, the person's page and its
forms, households, sensitive details on request, emergency access."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jisr.accounts import policy
from jisr.core.exceptions import DomainError
from jisr.core.forms import add_domain_error
from jisr.core.views import permission_required
from jisr.registry import duplicates, households, selectors, services
from jisr.registry.forms import (
    BreakGlassForm,
    ConsentForm,
    DocumentForm,
    DuplicateDraftForm,
    HouseholdForm,
    HouseholdJoinForm,
    PersonCreateForm,
    PersonForm,
    PersonSearchForm,
    PhoneForm,
    ReasonForm,
    SensitiveForm,
    initial_from_search,
)
from jisr.registry.search import PersonQuery


def _attempt(form, call):
    try:
        return call()
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


@permission_required("registry.view_persons")
def search(request):
    """Reception's first step: find the person before registering anyone."""
    form = PersonSearchForm(request.GET or None, user=request.user)
    query = PersonQuery.from_data(form.cleaned_data) if form.is_valid() else PersonQuery()
    page = Paginator(selectors.person_list(user=request.user, query=query), 25).get_page(
        request.GET.get("page"))
    cards = selectors.identity_cards(user=request.user, query=query) \
        if not query.is_empty else []
    context = {"form": form, "page": page, "cards": cards, "query": query,
               "searched": not query.is_empty,
               "can_register": policy.has_perm(request.user, "registry.register_person"),
               "can_break_glass": policy.has_perm(request.user, "registry.break_the_glass"),
               "carry": request.GET.urlencode()}
    template = "registry/_results.html" if request.htmx else "registry/search.html"
    return render(request, template, context)


@permission_required("registry.register_person")
def person_create(request):
    form = PersonCreateForm(request.POST or None, user=request.user,
                            initial=initial_from_search(request.GET.dict()))
    if request.method == "POST" and form.is_valid():
        person = _attempt(form, lambda: form.rename_errors(lambda: services.person_create(
            actor=request.user, documents=form.documents(), phones=form.phones(),
            **form.changes())))
        if person:
            messages.success(request, _("Person registered."))
            return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "creating": True})


@permission_required("registry.register_person")
@require_POST
def duplicate_candidates(request):
    """The panel beside the registration form: persons the draft may duplicate (htmx). The
    worker who finds none is the right one simply goes on registering."""
    draft = DuplicateDraftForm(request.POST).draft()
    candidates = duplicates.duplicate_candidates(user=request.user, draft=draft)
    return render(request, "registry/_duplicates.html", {"candidates": candidates})


@permission_required("registry.view_persons")
def person_detail(request, person_id: int):
    person = selectors.person_detail(user=request.user, person_id=person_id)
    can_edit = policy.has_perm(request.user, "registry.edit_person")
    return render(request, "registry/person_detail.html", {
        "person": person, "can_edit": can_edit,
        "can_view_sensitive": policy.has_perm(request.user, "registry.view_sensitive"),
        "document_form": DocumentForm(), "phone_form": PhoneForm(),
        "consent_form": ConsentForm(), "join_form": HouseholdJoinForm(),
        "current_membership": next((m for m in person.memberships.all() if m.end is None),
                                   None)})


@permission_required("registry.edit_person")
def person_edit(request, person_id: int):
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid() and _attempt(
            form, lambda: services.person_update(actor=request.user, person=person,
                                                 **form.changes())):
        messages.success(request, _("Changes saved."))
        return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person})


def _person_form_page(request, person_id: int, form_class, call, title: str):
    """A small form about a person: shown alone on GET or after a refusal, otherwise
    saved and back to the person's page."""
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid() and _attempt(
            form, lambda: call(person, form.cleaned_data)) is not None:
        messages.success(request, _("Saved."))
        return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/form.html", {"form": form, "person": person,
                                                  "title": title})


@permission_required("registry.edit_person")
def document_add(request, person_id: int):
    return _person_form_page(request, person_id, DocumentForm, lambda p, d: (
        services.identity_document_add(actor=request.user, person=p, **d)),
        _("Add an identity document"))


@permission_required("registry.edit_person")
def phone_add(request, person_id: int):
    return _person_form_page(request, person_id, PhoneForm, lambda p, d: (
        services.phone_add(actor=request.user, person=p, **d)), _("Add a phone"))


@permission_required("registry.edit_person")
def consent_record(request, person_id: int):
    return _person_form_page(request, person_id, ConsentForm, lambda p, d: (
        services.consent_record(actor=request.user, person=p, **d)), _("Record a consent"))


@permission_required("registry.edit_person")
def consent_withdraw(request, consent_id: int):
    consent = selectors.consent_get_for_user(user=request.user, consent_id=consent_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _attempt(
            form, lambda: services.consent_withdraw(
                actor=request.user, consent=consent, reason=form.cleaned_data["reason"])):
        messages.success(request, _("Consent withdrawn."))
        return redirect("registry:person_detail", person_id=consent.person_id)
    return render(request, "registry/form.html", {
        "form": form, "person": consent.person, "danger": True,
        "title": _("Withdraw the consent: %(purpose)s") % {
            "purpose": consent.get_purpose_display()}})


@permission_required("registry.view_sensitive")
def sensitive(request, person_id: int):
    """Sensitive details appear only after an explicit request (a POST, audited); saving
    changes is a second POST with ``save``."""
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    context = {"person": person, "revealed": False}
    if request.method == "POST":
        details = selectors.person_sensitive_get(user=request.user, person=person)
        form = SensitiveForm(request.POST if "save" in request.POST else None, initial={
            name: getattr(details, name) for name in details.FIELDS})
        if "save" in request.POST and form.is_valid() and _attempt(
                form, lambda: services.person_sensitive_update(
                    actor=request.user, person=person, **form.cleaned_data)):
            messages.success(request, _("Changes saved."))
            return redirect("registry:person_detail", person_id=person.pk)
        context.update(revealed=True, details=details, form=form,
                       can_edit=policy.has_perm(request.user, "registry.edit_person"))
    return render(request, "registry/sensitive.html", context)


@permission_required("registry.break_the_glass")
def break_glass(request, person_id: int):
    # Nothing about the person is shown here: whoever reaches this page may not see them yet.
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        grant = _attempt(form, lambda: services.break_the_glass(
            actor=request.user, person_id=person_id, reason=form.cleaned_data["reason"],
            base_url=request.build_absolute_uri("/")))
        if grant:
            messages.warning(request, _("Emergency access granted; the centre's manager has "
                                        "been informed."))
            return redirect("registry:person_detail", person_id=grant.person_id)
    return render(request, "registry/break_glass.html", {
        "form": form, "hours": settings.JISR_BREAK_GLASS_HOURS})


@permission_required("registry.register_person")
@require_POST
def household_create(request, person_id: int):
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    form = HouseholdForm(request.POST, user=request.user)
    if form.is_valid():
        household = _attempt(form, lambda: households.household_create(
            actor=request.user, head=person, **form.cleaned_data))
        if household:
            messages.success(request, _("Household created."))
            return redirect("registry:household_detail", household_id=household.pk)
    return render(request, "registry/form.html", {"form": form, "person": person,
                                                  "title": _("New household")})


@permission_required("registry.edit_person")
def household_join(request, person_id: int):
    """Join a household, or move to it from the current one."""
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    form = HouseholdJoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def join():
            household = selectors.household_get_for_user(user=request.user,
                                                         household_id=data["household"])
            return households.household_member_move(
                actor=request.user, person=person, household=household,
                relationship=data["relationship"], date=data["date"])

        if _attempt(form, join):
            messages.success(request, _("Household changed."))
            return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/form.html", {"form": form, "person": person,
                                                  "title": _("Join or move to a household")})


@permission_required("registry.view_persons")
def household_detail(request, household_id: int):
    household = selectors.household_get_for_user(user=request.user,
                                                 household_id=household_id)
    form = HouseholdForm(request.POST or None, user=request.user,
                         initial={"commune": household.commune_id,
                                  "address": household.address})
    if request.method == "POST" and form.is_valid() and _attempt(
            form, lambda: households.household_update(
                actor=request.user, household=household, **form.cleaned_data)):
        messages.success(request, _("Changes saved."))
        return redirect("registry:household_detail", household_id=household.pk)
    return render(request, "registry/household_detail.html", {
        "household": household, "form": form,
        "members": selectors.household_members(user=request.user, household=household),
        "can_edit": policy.has_perm(request.user, "registry.edit_person")})

