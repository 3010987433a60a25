"""Web pages of the registry: search before create, registration, the person's page and its
forms, households, sensitive details on request, emergency access."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jisr.accounts import policy
from jisr.core.exceptions import DomainError, NotFound
from jisr.core.forms import add_domain_error
from jisr.core.pagination import CappedPaginator, KeyedPaginator
from jisr.core.views import permission_required
from jisr.registry import duplicates, households, merging, review, selectors, services
from jisr.registry.forms import (
    BreakGlassForm,
    ConsentForm,
    DocumentForm,
    DuplicateDraftForm,
    HouseholdForm,
    HouseholdJoinForm,
    MergeForm,
    PairDecisionForm,
    PersonCreateForm,
    PersonForm,
    PersonSearchForm,
    PhoneForm,
    ReasonForm,
    SensitiveForm,
    initial_from_search,
)
from jisr.registry.models import DuplicatePair
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
    # A narrow search matches a few hundred persons at most: found once, then counted
    paginator = KeyedPaginator if query.is_narrow else CappedPaginator
    page = paginator(selectors.person_list(user=request.user, query=query), 25).get_page(
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
    try:
        person = selectors.person_detail(user=request.user, person_id=person_id)
    except NotFound:
        survivor = selectors.person_survivor_for(user=request.user, person_id=person_id)
        if survivor is None:
            raise
        messages.info(request, _("This record was merged into record no. %(n)s.") % {
            "n": survivor})
        return redirect("registry:person_detail", person_id=survivor)
    can_edit = policy.has_perm(request.user, "registry.edit_person")
    return render(request, "registry/person_detail.html", {
        "person": person, "can_edit": can_edit,
        "can_view_sensitive": policy.has_perm(request.user, "registry.view_sensitive"),
        "document_form": DocumentForm(), "phone_form": PhoneForm(),
        "consent_form": ConsentForm(), "join_form": HouseholdJoinForm(),
        "current_membership": next((m for m in person.memberships.all() if m.end is None),
                                   None),
        "merges": selectors.person_merges(user=request.user, person=person)})


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



# --- duplicate review and merges ---------------------------------------------------------

@permission_required("registry.review_duplicates")
def duplicate_queue(request):
    """The review queue: possible duplicates touching the reviewer's scope, by tab."""
    status = request.GET.get("status") or DuplicatePair.Status.OPEN
    if status not in DuplicatePair.Status.values:
        status = DuplicatePair.Status.OPEN
    page = Paginator(selectors.duplicate_pair_list(user=request.user, status=status), 25)\
        .get_page(request.GET.get("page"))
    visible = set(policy.persons_for(request.user).filter(pk__in={
        pk for pair in page for pk in (pair.person_a_id, pair.person_b_id)}).values_list(
        "pk", flat=True))
    counts = selectors.duplicate_pair_counts(user=request.user)
    for pair in page:
        pair.reason_texts = _reason_texts(pair)
    return render(request, "registry/duplicate_queue.html", {
        "page": page, "status": status, "visible": visible,
        "tabs": [(value, label, counts.get(value, 0))
                 for value, label in DuplicatePair.Status.choices],
        "scan": selectors.duplicate_scan_latest(user=request.user),
        "can_scan": policy.has_perm(request.user, "registry.detect_duplicates")})


@permission_required("registry.detect_duplicates")
@require_POST
def duplicate_scan_start(request):
    try:
        review.duplicate_scan_start(actor=request.user)
        messages.success(request, _("Duplicate scan started: the queue fills in when it "
                                    "ends."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("registry:duplicate_queue")


@login_required
def duplicate_scan(request, scan_id: int):
    """A scan's progress bar (polled by htmx while the scan runs)."""
    scan = selectors.duplicate_scan_get_for_user(user=request.user, scan_id=scan_id)
    return render(request, "registry/_scan.html", {"scan": scan})


def _reason_texts(pair) -> list[str]:
    return [duplicates.reason_text(duplicates.stored_reason(r)) for r in pair.reasons]


def _pair_page(request, pair, *, merge_form=None, decision_form=None, status=200):
    side_a, side_b = selectors.duplicate_pair_sides(user=request.user, pair=pair)
    can_merge = policy.has_perm(request.user, "registry.merge_persons") and pair.status in (
        DuplicatePair.Status.OPEN, DuplicatePair.Status.CONFIRMED)
    if can_merge and merge_form is None:
        merge_form = MergeForm(side_a=side_a, side_b=side_b)
    return render(request, "registry/duplicate_pair.html", {
        "pair": pair, "a": side_a, "b": side_b,
        "reasons": _reason_texts(pair),
        "decision_form": decision_form or PairDecisionForm(),
        "merge_form": merge_form if can_merge else None,
        "merge_rows": merge_form.bound_rows() if can_merge else [],
        "merge": selectors.pair_merge(user=request.user, pair=pair)}, status=status)


@permission_required("registry.review_duplicates")
def duplicate_pair(request, pair_id: int):
    pair = selectors.duplicate_pair_get_for_user(user=request.user, pair_id=pair_id)
    return _pair_page(request, pair)


@permission_required("registry.review_duplicates")
@require_POST
def duplicate_decide(request, pair_id: int):
    pair = selectors.duplicate_pair_get_for_user(user=request.user, pair_id=pair_id)
    form = PairDecisionForm(request.POST)
    decision = request.POST.get("decision", "")
    if form.is_valid() and _attempt(form, lambda: review.duplicate_pair_decide(
            actor=request.user, pair_id=pair.pk, decision=decision,
            note=form.cleaned_data["note"])):
        messages.success(request, _("Decision recorded."))
        return redirect(f"{reverse('registry:duplicate_queue')}?status={decision}"
                        if decision == DuplicatePair.Status.DISMISSED
                        else reverse("registry:duplicate_pair", args=[pair.pk]))
    return _pair_page(request, pair, decision_form=form, status=400)


@permission_required("registry.merge_persons")
@require_POST
def duplicate_merge(request, pair_id: int):
    pair = selectors.duplicate_pair_get_for_user(user=request.user, pair_id=pair_id)
    side_a, side_b = selectors.duplicate_pair_sides(user=request.user, pair=pair)
    form = MergeForm(request.POST, side_a=side_a, side_b=side_b)
    if form.is_valid():
        merge = _attempt(form, lambda: merging.person_merge(
            actor=request.user, base_url=request.build_absolute_uri("/"),
            **form.merge_arguments()))
        if merge:
            messages.success(request, _("Records merged. The merge can be undone from its "
                                        "page."))
            return redirect("registry:merge_detail", merge_id=merge.pk)
    return _pair_page(request, pair, merge_form=form, status=400)


@permission_required("registry.merge_persons")
def merge_detail(request, merge_id: int):
    merge = selectors.merge_get_for_user(user=request.user, merge_id=merge_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _attempt(
            form, lambda: merging.person_unmerge(
                actor=request.user, merge_id=merge.pk, reason=form.cleaned_data["reason"],
                base_url=request.build_absolute_uri("/"))):
        messages.success(request, _("Merge undone: both records are back as they were."))
        return redirect("registry:merge_detail", merge_id=merge.pk)
    return render(request, "registry/merge_detail.html", {
        "merge": merge, "form": form, "rows": merging.describe(merge)},
        status=400 if form.errors else 200)
