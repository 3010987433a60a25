"""The access policy: the one module that decides what a user may see and do.

Selectors of every app start from the querysets here (``centres_for``, ``staff_for``…), and
services call the ``check_*`` functions before changing anything, so a new page, export or API
endpoint cannot forget the rules (shared/DESIGN.md, "Who sees what"). Records outside a user's
scope are reported as *not found*, not *forbidden*, so their existence does not leak.

Permissions are named ``<app>.<verb>``; each is listed in :data:`PERMISSIONS` with the roles
that hold it, and documented in ``docs/access.md`` (a test checks both lists agree).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jisr.accounts.roles import CENTRE_ROLES, COORDINATOR_ROLES, Role, ScopeKind
from jisr.core.exceptions import AccessDenied, NotFound, ValidationFailed

_ALL = frozenset(Role)

PERMISSIONS: dict[str, frozenset[str]] = {
    # Staff accounts: create, deactivate, re-scope, reset second factor, unlock.
    "accounts.manage_staff": frozenset({Role.ADMINISTRATOR}),
    # The team page: colleagues within the user's own scope.
    "accounts.view_team": _ALL - {Role.NATIONAL_ANALYST},
    # The audit trail.
    "audit.browse": frozenset({Role.ADMINISTRATOR}),
    # Changing a centre's description, hours, capacity (within scope).
    "network.edit_centre": frozenset({Role.CENTRE_MANAGER, *COORDINATOR_ROLES,
                                      Role.ADMINISTRATOR}),
    # Seeing the centres of one's scope with their staff counts.
    "network.view_centres": _ALL - {Role.PARTNER_AGENT},
    # The partner organisations serving one's region, with their contact person (referrals).
    "network.view_partners": _ALL,
    # Opening a new centre in one's territory.
    "network.create_centre": frozenset({*COORDINATOR_ROLES, Role.ADMINISTRATOR}),
    # Registering a new partner organisation serving one's territory.
    "network.create_partner": frozenset({*COORDINATOR_ROLES, Role.ADMINISTRATOR}),
    # Changing a partner organisation's description and contacts: its own agents, the
    # coordinators of its territory.
    "network.edit_partner": frozenset({Role.PARTNER_AGENT, *COORDINATOR_ROLES,
                                       Role.ADMINISTRATOR}),
    # Adding and changing service offerings (capacity, waiting list, response time) of the
    # centres and partners one may edit.
    "network.manage_offerings": frozenset({Role.CENTRE_MANAGER, Role.PARTNER_AGENT,
                                           *COORDINATOR_ROLES, Role.ADMINISTRATOR}),
    # Persons followed at (or registered by) one's centre(s): centre staff their centre,
    # coordinators the centres of their territory. Analysts and administrators work on
    # aggregates, partners on referrals: no person-level access.
    "registry.view_persons": frozenset({*CENTRE_ROLES, *COORDINATOR_ROLES}),
    # Registering a new person (after searching for them), opening a household.
    "registry.register_person": CENTRE_ROLES,
    # Changing a person's identity, documents, phones, household, consents.
    "registry.edit_person": CENTRE_ROLES,
    # The national identity search: identity cards of persons followed elsewhere, only for a
    # specific search (an identifier, or a name with the birth year).
    "registry.search_network": CENTRE_ROLES,
    # Emergency access to a person followed by another centre, with a written reason;
    # audited and reported to that centre's manager.
    "registry.break_the_glass": frozenset({Role.SOCIAL_WORKER, Role.CENTRE_MANAGER,
                                           Role.EMERGENCY_AGENT}),
    # Reading health, disability and protection details (each reading audited).
    "registry.view_sensitive": frozenset({Role.SOCIAL_WORKER, Role.CENTRE_MANAGER}),
    # Starting a batch duplicate detection over the registry (it reveals only counts).
    "registry.detect_duplicates": frozenset({Role.CENTRE_MANAGER, *COORDINATOR_ROLES,
                                             Role.ADMINISTRATOR}),
    # The review queue: pairs of possible duplicates of which one's scope holds at least
    # one person; deciding "same person" or "different persons".
    "registry.review_duplicates": frozenset({Role.SOCIAL_WORKER, Role.CENTRE_MANAGER,
                                             *COORDINATOR_ROLES}),
    # Merging two records of one person (field by field) and undoing a merge.
    "registry.merge_persons": frozenset({Role.CENTRE_MANAGER, *COORDINATOR_ROLES}),
    # Cases of one's centre (cases_for); content is local, coordinators see aggregates only.
    "cases.view": CENTRE_ROLES,
    # Reception: opening a case (with consent and the listening appointment).
    "cases.open": CENTRE_ROLES,
    # Booking and cancelling appointments in the centre's calendar.
    "cases.book": CENTRE_ROLES,
    # Moving a case through its stages, closing and reopening it.
    "cases.transition": frozenset({Role.SOCIAL_WORKER, Role.CENTRE_MANAGER,
                                   Role.EMERGENCY_AGENT}),
    # Filling in the listening interview.
    "cases.listen": frozenset({Role.SOCIAL_WORKER, Role.CENTRE_MANAGER}),
    # Giving a case to another worker of the centre, restricting it or lifting it.
    "cases.assign": frozenset({Role.CENTRE_MANAGER}),
    # Restricting a case (violence, child protection, health).
    "cases.restrict": frozenset({Role.SOCIAL_WORKER, Role.CENTRE_MANAGER}),
    # Restricted cases of one's centre, beyond those assigned to oneself, and the restricted
    # sections of their listening interviews (can_read_restricted_sections).
    "cases.view_restricted": frozenset({Role.CENTRE_MANAGER}),
    # Proposing a transfer to another centre, accepting or declining one.
    "cases.transfer": frozenset({Role.SOCIAL_WORKER, Role.CENTRE_MANAGER}),
    # Referring a case to a service offering (orientation) and printing its slip.
    "cases.refer": frozenset({Role.SOCIAL_WORKER, Role.CENTRE_MANAGER, Role.EMERGENCY_AGENT}),
    # The inbox of referrals received: a partner's agents for its offerings, the social
    # workers and manager of a centre for its own; accepting, declining, reporting delivery.
    "cases.answer_referrals": frozenset({Role.PARTNER_AGENT, Role.SOCIAL_WORKER,
                                         Role.CENTRE_MANAGER}),
    # Counts of cases by centre and stage for one's territory (small cells suppressed).
    "cases.view_aggregates": frozenset({*COORDINATOR_ROLES, Role.NATIONAL_ANALYST,
                                        Role.ADMINISTRATOR}),
    # The questionnaire builder: sections, questions, conditions, scoring, publishing.
    "cases.manage_questionnaires": frozenset({Role.ADMINISTRATOR}),
    # The centre's activity figures (KPIs) and monthly reports: a manager their centre (exact
    # counts), coordinators their territory with drill-down to centres, analysts and
    # administrators the country; without person-level access small cells are suppressed.
    "reports.view_kpis": frozenset({Role.CENTRE_MANAGER, *COORDINATOR_ROLES,
                                    Role.NATIONAL_ANALYST, Role.ADMINISTRATOR}),
    # Writing notes on a case of one's centre (a sensitive note is read only by its author,
    # the case's assigned worker and the centre's manager: can_read_sensitive_note).
    "cases.write_notes": frozenset({Role.SOCIAL_WORKER, Role.CENTRE_MANAGER,
                                    Role.EMERGENCY_AGENT}),
    # Adding documents to a case of one's centre and downloading them (each download
    # audited).
    "cases.documents": CENTRE_ROLES,
    # Handing a worker's open cases and future appointments over to a colleague of the
    # centre (a worker who leaves or is away).
    "cases.handover": frozenset({Role.CENTRE_MANAGER}),
    # The pathway template builder: templates, their steps, publishing (docs/pathways.md).
    "cases.manage_pathway_templates": frozenset({Role.ADMINISTRATOR}),
    # Creating, adapting and finishing a case's pathway plans, recording step outcomes,
    # scheduling and recording follow-ups (the case's worker and the centre's manager).
    "cases.manage_plans": frozenset({Role.SOCIAL_WORKER, Role.CENTRE_MANAGER}),
    # Importing persons and households from a spreadsheet for one's centre: its import
    # sources, runs and reports (docs/imports.md).
    "imports.import_persons": frozenset({Role.CENTRE_MANAGER}),
}


def _is_staff_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role)


def has_perm(user, perm: str) -> bool:
    if perm not in PERMISSIONS:
        raise KeyError(f"unknown permission {perm!r}: add it to jisr.accounts.policy.PERMISSIONS")
    return _is_staff_user(user) and user.role in PERMISSIONS[perm]


def check_perm(user, perm: str) -> None:
    if not has_perm(user, perm):
        raise AccessDenied()


def _territory_q(user, *, commune_path: str, arrondissement_path: str | None = None
                 ) -> Q | None:
    """Q selecting rows whose commune lies in the user's territory; None means everything.

    A province's coordinator also gets the rows whose arrondissement its prefecture groups:
    Casablanca's eight prefectures of arrondissements have no commune of their own, their
    territory is arrondissements of the commune of Casablanca, while the prefecture of
    Casablanca (their parent) keeps the whole commune through ``commune__province``."""
    kind = user.scope_kind
    if kind == ScopeKind.NATION:
        return None
    if kind == ScopeKind.REGION:
        return Q(**{f"{commune_path}__province__region_id": user.region_id})
    if kind == ScopeKind.PROVINCE:
        q = Q(**{f"{commune_path}__province_id": user.province_id})
        if arrondissement_path:
            q |= Q(**{f"{arrondissement_path}__prefecture_id": user.province_id})
        return q
    return Q(pk__in=[])


def centres_for(user) -> QuerySet:
    """Centres the user works in or supervises."""
    from jisr.network.models import Centre

    qs = Centre.objects.select_related("commune__province__region",
                                       "arrondissement__prefecture")
    if not has_perm(user, "network.view_centres"):
        return qs.none()
    if user.scope_kind == ScopeKind.CENTRE:
        return qs.filter(pk__in=centre_ids_for(user))
    q = _territory_q(user, commune_path="commune", arrondissement_path="arrondissement")
    return qs if q is None else qs.filter(q)


def centre_ids_for(user) -> list[int]:
    """The ids of :func:`centres_for`, as values: a centre's staff need no query for them.
    Given ids rather than a subquery, PostgreSQL plans a scoped query on what it finds
    instead of on every row of the scope (see :func:`persons_for`)."""
    if not has_perm(user, "network.view_centres"):
        return []
    if user.scope_kind == ScopeKind.CENTRE:
        return [user.centre_id] if user.centre_id else []
    return list(centres_for(user).values_list("pk", flat=True))


def staff_for(user) -> QuerySet:
    """Staff accounts the user may see: their team, their territory's teams, or everyone."""
    from jisr.accounts.models import User

    qs = User.objects.select_related("centre", "partner", "province", "region")
    if not _is_staff_user(user):
        return qs.none()
    if has_perm(user, "accounts.manage_staff"):
        return qs
    if not has_perm(user, "accounts.view_team"):
        return qs.none()
    kind = user.scope_kind
    if kind == ScopeKind.CENTRE:
        return qs.filter(centre_id=user.centre_id)
    if kind == ScopeKind.PARTNER:
        return qs.filter(partner_id=user.partner_id)
    # Coordinators see the staff of the centres they supervise, and fellow coordinators of
    # their own territory; not partners' staff (partners manage their own people).
    centres = centres_for(user).values("pk")
    if kind == ScopeKind.PROVINCE:
        # The prefecture of Casablanca's coordinators see those of its prefectures of
        # arrondissements too, as they see their centres.
        coordinators = Q(province_id=user.province_id) | Q(province__parent_id=user.province_id)
    else:  # a region's coordinators and those of its provinces
        coordinators = Q(region_id=user.region_id) | Q(province__region_id=user.region_id)
    return qs.filter(Q(centre__in=centres) | (coordinators & Q(role__in=COORDINATOR_ROLES)))


def can_edit_centre(user, centre) -> bool:
    return has_perm(user, "network.edit_centre") and centres_for(user).filter(
        pk=centre.pk).exists()


def check_edit_centre(user, centre) -> None:
    if not centres_for(user).filter(pk=centre.pk).exists():
        raise NotFound()
    if not has_perm(user, "network.edit_centre"):
        raise AccessDenied(_("Only the centre's manager or a coordinator of its territory may "
                             "change it."))


def _user_region_id(user):
    """The region a user works in, whatever the kind of their scope (None: the nation), as a
    value or a subquery, so scoping a queryset by it costs no extra query."""
    from django.db.models import Subquery

    from jisr.network.models import Centre
    from jisr.territory.models import Province

    kind = user.scope_kind
    if kind == ScopeKind.REGION:
        return user.region_id
    if kind == ScopeKind.PROVINCE:
        return Subquery(Province.objects.filter(pk=user.province_id).values("region_id")[:1])
    if kind == ScopeKind.CENTRE:
        return Subquery(Centre.objects.filter(pk=user.centre_id).values(
            "commune__province__region_id")[:1])
    if kind == ScopeKind.PARTNER:
        from jisr.network.models import PartnerOrganisation

        return Subquery(PartnerOrganisation.objects.filter(pk=user.partner_id).values(
            "region_id")[:1])
    return None


def partners_for(user) -> QuerySet:
    """Partner organisations whose staff-only details (the contact person) the user may see:
    their own for partner agents, those serving their region for centre staff and
    coordinators, all of them nationally. Their public details are in the directory."""
    from jisr.network.models import PartnerOrganisation

    qs = PartnerOrganisation.objects.select_related("region", "province")
    if not _is_staff_user(user):
        return qs.none()
    kind = user.scope_kind
    if kind == ScopeKind.PARTNER:
        return qs.filter(pk=user.partner_id)
    region_id = _user_region_id(user)
    return qs if region_id is None else qs.filter(region_id=region_id)


def partner_in_edit_scope(user, partner) -> bool:
    kind = user.scope_kind
    if kind == ScopeKind.PARTNER:
        return partner.pk == user.partner_id
    if kind == ScopeKind.REGION:
        return partner.region_id == user.region_id
    if kind == ScopeKind.PROVINCE:
        # A province's coordinator answers for partners serving that province only (or one of
        # its prefectures of arrondissements), not for those serving the whole region (the
        # regional coordinator's).
        return partner.province_id is not None and user.province_id in (
            partner.province_id, partner.province.parent_id)
    return kind == ScopeKind.NATION


def can_edit_partner(user, partner) -> bool:
    return (has_perm(user, "network.edit_partner") and partners_for(user).filter(
        pk=partner.pk).exists() and partner_in_edit_scope(user, partner))


def check_edit_partner(user, partner) -> None:
    if not partners_for(user).filter(pk=partner.pk).exists():
        raise NotFound()
    if not (has_perm(user, "network.edit_partner") and partner_in_edit_scope(user, partner)):
        raise AccessDenied(_("Only the partner's own agents or a coordinator of its territory "
                             "may change it."))


def communes_for(user) -> QuerySet:
    """Communes of the user's territory, where a coordinator may open centres (for a
    prefecture of arrondissements, the city whose arrondissements it groups: the centre then
    needs one of them, :func:`check_centre_location`)."""
    from jisr.territory.models import Arrondissement, Commune

    grouped = Arrondissement.objects.filter(prefecture_id=user.province_id)
    return _within_territory(
        user, Commune.objects.select_related("province__region"),
        region="province__region_id",
        province=Q(province_id=user.province_id) | Q(pk__in=grouped.values("commune_id")))


def arrondissements_for(user) -> QuerySet:
    """Arrondissements of the user's territory, where a coordinator may place a centre."""
    from jisr.territory.models import Arrondissement

    return _within_territory(
        user, Arrondissement.objects.select_related("commune", "prefecture"),
        region="commune__province__region_id",
        province=Q(commune__province_id=user.province_id) | Q(prefecture_id=user.province_id))


def _within_territory(user, qs: QuerySet, *, region: str, province: Q) -> QuerySet:
    """``qs`` narrowed to a staff member's territory: all of it for a national scope, the
    rows whose ``region`` lookup is their region, ``province`` for a province's coordinator,
    nothing for any other scope."""
    if not _is_staff_user(user):
        return qs.none()
    kind = user.scope_kind
    if kind == ScopeKind.NATION:
        return qs
    if kind == ScopeKind.REGION:
        return qs.filter(**{region: user.region_id})
    if kind == ScopeKind.PROVINCE:
        return qs.filter(province)
    return qs.none()


def in_territory(user, *, commune, arrondissement=None) -> bool:
    """Whether a centre in this commune (and arrondissement) lies in the user's territory:
    the rule of :func:`centres_for`, for a centre not saved yet."""
    kind = user.scope_kind
    if kind == ScopeKind.NATION:
        return True
    if kind == ScopeKind.REGION:
        return commune.province.region_id == user.region_id
    if kind == ScopeKind.PROVINCE:
        return commune.province_id == user.province_id or (
            arrondissement is not None and arrondissement.prefecture_id == user.province_id)
    return False


def check_centre_location(user, *, commune, arrondissement=None) -> None:
    """A coordinator opens (or moves) a centre only inside their territory, so it never
    leaves their sight; a prefecture of arrondissements' coordinator names one of its
    arrondissements."""
    if in_territory(user, commune=commune, arrondissement=arrondissement):
        return
    if communes_for(user).filter(pk=commune.pk).exists():
        raise ValidationFailed(fields={"arrondissement": [_(
            "Choose one of the arrondissements of your prefecture.")]})
    raise AccessDenied(_("You may open centres only in your own territory."))


def check_create_centre(user, commune, arrondissement=None) -> None:
    check_perm(user, "network.create_centre")
    check_centre_location(user, commune=commune, arrondissement=arrondissement)


def check_create_partner(user, region, province=None) -> None:
    check_perm(user, "network.create_partner")
    kind = user.scope_kind
    allowed = (kind == ScopeKind.NATION
               or (kind == ScopeKind.REGION and region.pk == user.region_id)
               or (kind == ScopeKind.PROVINCE and province is not None
                   and user.province_id in (province.pk, province.parent_id)))
    if not allowed:
        raise AccessDenied(_("You may register partners only for your own territory."))


def offerings_for(user) -> QuerySet:
    """Service offerings at the centres the user sees or by the partners they see, with
    the staff-only figures."""
    from jisr.network.models import ServiceOffering

    qs = ServiceOffering.objects.select_related("service__domain", "centre__commune",
                                                "partner")
    if not _is_staff_user(user):
        return qs.none()
    return qs.filter(Q(centre__in=centres_for(user).values("pk"))
                     | Q(partner__in=partners_for(user).values("pk")))


def can_manage_offerings(user, *, centre=None, partner=None) -> bool:
    if not has_perm(user, "network.manage_offerings"):
        return False
    if centre is not None:
        return centres_for(user).filter(pk=centre.pk).exists()
    return partner is not None and partners_for(user).filter(pk=partner.pk).exists() \
        and partner_in_edit_scope(user, partner)


def check_manage_offerings(user, *, centre=None, partner=None) -> None:
    """Who may add or change offerings of this centre or partner (NotFound outside scope)."""
    visible = (centres_for(user).filter(pk=centre.pk) if centre is not None
               else partners_for(user).filter(pk=partner.pk))
    if not visible.exists():
        raise NotFound()
    if not can_manage_offerings(user, centre=centre, partner=partner):
        raise AccessDenied(_("Only the manager of the centre, the partner's agents or a "
                             "coordinator of the territory may change its services."))


def person_centres_for(user) -> QuerySet:
    """Centres whose persons the user sees (their own, or those of their territory)."""
    if not has_perm(user, "registry.view_persons"):
        return centres_for(user).none()
    return centres_for(user)


def person_centre_ids(user) -> list[int]:
    """The ids of :func:`person_centres_for`, as values rather than a subquery. Given a
    subquery, PostgreSQL hashed every follow-up of the centre before looking at the few
    persons a name search finds (76,403 of them at a busy centre: a search took 73 ms);
    given the ids, it probes each person's follow-ups (23 ms)."""
    if not has_perm(user, "registry.view_persons"):
        return []
    return centre_ids_for(user)


def persons_for(user, *, few: bool = False) -> QuerySet:
    """Persons whose full record the user may open: those registered by or followed (now
    or before) at the centres they work in or supervise, plus those they hold an unexpired
    emergency access to. Identity is national, but the record is local (DESIGN, "Who sees
    what"); persons elsewhere are reached only through :func:`person_identity_search`.

    ``few``: the caller narrows the persons down to a few hundred at most by another
    criterion (a search by two names, a document, a phone), so each one's follow-ups are
    looked up (see :class:`ProbedExists`); the same persons either way."""
    return _persons_at(user, person_centre_ids(user), few=few)


class ProbedExists(Exists):
    """EXISTS that PostgreSQL checks row by row. Otherwise it may turn the subquery into a
    hashed list when it expects many outer rows: for a registry search by two names it
    hashed a large centre's 76,000 follow-ups to keep 50 of 715 persons (40 ms, against
    15 ms probing each one's). ``OFFSET 0`` keeps the subquery as it is written (PostgreSQL
    does not flatten a subquery with an offset); SQLite takes it as well."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


def _persons_at(user, centres: list[int], *, few: bool = False) -> QuerySet:
    """:func:`persons_for`, the user's centres given (``person_centre_ids``)."""
    from django.utils import timezone

    from jisr.registry.models import BreakGlassGrant, Person, PersonFollow

    qs = Person.objects.filter(merged_into=None).select_related("commune", "registered_at")
    if not has_perm(user, "registry.view_persons"):
        return qs.none()
    # EXISTS rather than IN: asked about a few persons (a check, the live duplicate panel),
    # PostgreSQL then probes each one's follow-ups instead of hashing every follow-up of the
    # centre (tens of thousands in a national registry), and still hashes for long lists.
    exists = ProbedExists if few else Exists
    followed = PersonFollow.objects.filter(person=OuterRef("pk"), centre__in=centres)
    granted = BreakGlassGrant.objects.filter(person=OuterRef("pk"), user=user,
                                             expires_at__gt=timezone.now())
    return qs.filter(Q(registered_at__in=centres) | exists(followed) | exists(granted))


def duplicate_pairs_for(user) -> QuerySet:
    """Possible duplicates a reviewer may see: pairs of which their scope holds at least one
    person (the other shows as its identity card)."""
    from jisr.registry.models import DuplicatePair

    if not has_perm(user, "registry.review_duplicates"):
        return DuplicatePair.objects.none()
    visible = persons_for(user).values("pk")
    return DuplicatePair.objects.filter(Q(person_a__in=visible) | Q(person_b__in=visible))


def merges_for(user) -> QuerySet:
    """Merges of records into a person the user may open (to read them or undo them)."""
    from jisr.registry.models import PersonMerge

    if not has_perm(user, "registry.merge_persons"):
        return PersonMerge.objects.none()
    return PersonMerge.objects.filter(survivor__in=persons_for(user).values("pk"))


def person_identity_search(user, query) -> QuerySet:
    """Persons *outside* the user's scope matching a specific query (a
    :class:`jisr.registry.search.PersonQuery`): the caller shows only their identity card.
    A name alone, a commune, a list: nothing."""
    from jisr.registry.models import Person
    from jisr.registry.search import match

    if not has_perm(user, "registry.search_network") or not query.is_specific:
        return Person.objects.none()
    # A correlated NOT EXISTS: checked for the few persons the search names, where
    # ``NOT IN (persons_for)`` made PostgreSQL list the user's whole scope first.
    in_scope = persons_for(user).filter(pk=OuterRef("pk"))
    return match(Person.objects.filter(merged_into=None).select_related("commune"), query,
                 whole_words=True).filter(~Exists(in_scope))


def check_person_perm(user, perm: str, person) -> None:
    """NotFound unless the user sees the person, then AccessDenied without the permission."""
    if not persons_for(user).filter(pk=person.pk).exists():
        raise NotFound()
    check_perm(user, perm)


def households_for(user) -> QuerySet:
    """Households registered at the user's centres or with a member (past or present) the
    user sees."""
    from jisr.registry.models import Household, HouseholdMembership

    qs = Household.objects.select_related("commune", "registered_at")
    if not has_perm(user, "registry.view_persons"):
        return qs.none()
    centres = person_centre_ids(user)
    members = HouseholdMembership.objects.filter(
        person__in=_persons_at(user, centres).values("pk")).values("household_id")
    return qs.filter(Q(registered_at__in=centres) | Q(pk__in=members))


def notifications_for(user) -> QuerySet:
    """The user's own inbox (in-app notifications). Nobody reads another's inbox, an
    administrator neither: e-mails and SMS are reached through their delivery records only."""
    from jisr.notifications.models import Notification

    qs = Notification.objects.filter(channel=Notification.Channel.IN_APP)
    if not _is_staff_user(user):
        return qs.none()
    return qs.filter(recipient=user)


def get_or_404(queryset: QuerySet, **lookup):
    """Fetch one row of an already scoped queryset, or raise the domain's NotFound."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound()


# --- cases ------------------------------------------------------------------------------

def _case_visibility_q(user, prefix: str = "") -> Q:
    """Restricted cases (violence, child protection, health) only for their assigned worker
    and the centre's manager, even inside the centre (DESIGN, "Who sees what")."""
    if has_perm(user, "cases.view_restricted"):
        return Q()
    return Q(**{f"{prefix}restricted": False}) | Q(**{f"{prefix}assigned_to": user})


def cases_for(user) -> QuerySet:
    """Cases whose content the user may read: those led by their centre, restricted ones
    only for the assigned worker and the manager. Coordinators, analysts and administrators
    read aggregates (``case_counts_for``), partners referrals, so none here; a case of
    another centre is reached only by a transfer (or, later, a referral that shares it)."""
    from jisr.cases.models import Case

    return of_cases_for(Case.objects.select_related("person", "lead_centre", "assigned_to"),
                        user, "")


def _cases_q(user, path: str) -> Q | None:
    """The rule of :func:`cases_for` on the case at ``path`` ("case__", "plan__case__"),
    or None when the user reads no case."""
    if not has_perm(user, "cases.view") or user.scope_kind != ScopeKind.CENTRE:
        return None
    return Q(**{f"{path}lead_centre_id": user.centre_id}) & _case_visibility_q(user, path)


def of_cases_for(qs: QuerySet, user, path: str = "case__") -> QuerySet:
    """Rows of ``qs`` whose case (at ``path``) is one of :func:`cases_for`: the rule on the
    joined case, not ``case__in=cases_for(...)``. The work views read a worker's referrals,
    steps, follow-ups and interviews through their cases, which a join reads once a row
    where the subquery read each case twice (the same rows; tested for every persona)."""
    rule = _cases_q(user, path)
    return qs.none() if rule is None else qs.filter(rule)


def sees_case(user, case) -> bool:
    """Whether ``case``, a row in hand, is one of :func:`cases_for`: the same rule on the
    row's values, no query (the case page asks it of the case it has just read)."""
    if not has_perm(user, "cases.view") or user.scope_kind != ScopeKind.CENTRE:
        return False
    return case.lead_centre_id == user.centre_id and (
        has_perm(user, "cases.view_restricted") or not case.restricted
        or case.assigned_to_id == user.pk)


def of_case(qs: QuerySet, user, case, field: str = "case") -> QuerySet:
    """Rows of ``qs`` belonging to ``case`` (at ``field``), a case in hand, when the user
    reads it (:func:`sees_case`, no query): the rule asked of the row the page has already
    read, so the query filters on the case's key alone where :func:`of_cases_for` joined
    the case again to ask it of every row (the case page reads its plans, follow-ups and
    referrals so)."""
    return qs.filter(**{field: case.pk}) if sees_case(user, case) else qs.none()


def check_case_perm(user, perm: str, case) -> None:
    """NotFound unless the user sees the case, then AccessDenied without the permission."""
    if not cases_for(user).filter(pk=case.pk).exists():
        raise NotFound()
    check_perm(user, perm)


def can_read_restricted_sections(user, case) -> bool:
    """Whether the user reads the answers and the score lines of the restricted sections
    (violence, child protection, health) of a case's listening interviews: the case's
    assigned worker and the manager of its lead centre, nobody else even in the centre (the
    others see the section as restricted, the score as partial). ``case`` comes from
    :func:`cases_for`; callers audit every reading."""
    if not has_perm(user, "cases.view") or user.scope_kind != ScopeKind.CENTRE \
            or case.lead_centre_id != user.centre_id:
        return False
    return has_perm(user, "cases.view_restricted") or (
        case.assigned_to_id is not None and case.assigned_to_id == user.pk)


def transfers_for(user) -> QuerySet:
    """Transfers out of the user's centre (of cases they see) and into it. An incoming
    proposal shows the person's name and the reason, not the case content, until accepted;
    an incoming restricted case is offered to the receiving manager only."""
    from jisr.cases.models import Transfer

    qs = Transfer.objects.select_related("case__person", "from_centre", "to_centre",
                                         "proposed_by", "decided_by")
    cases = _cases_q(user, "case__")  # None: the user reads no case, nor any transfer
    if cases is None:
        return qs.none()
    outgoing = Q(from_centre_id=user.centre_id) & cases
    incoming = Q(to_centre_id=user.centre_id)
    if not has_perm(user, "cases.view_restricted"):
        incoming &= Q(case__restricted=False)
    return qs.filter(outgoing | incoming)


def kpi_centres_for(user) -> QuerySet:
    """Centres whose activity figures the user may read: a manager their own centre, the
    others the centres of their territory."""
    if not has_perm(user, "reports.view_kpis"):
        return centres_for(user).none()
    if user.scope_kind == ScopeKind.CENTRE:
        return centres_for(user).filter(pk=user.centre_id)
    return centres_for(user)


def kpi_exact_for(user) -> bool:
    """Whether the user's figures may show small counts: only with person-level access to
    the cases behind them (centre staff); others see "fewer than 5"."""
    return has_perm(user, "cases.view")
def referrals_sent_for(user) -> QuerySet:
    """Referrals of the cases the user reads (cases_for): the referring side."""
    from jisr.cases.referrals import Referral

    return of_cases_for(Referral.objects.all(), user)


def referrals_received_for(user) -> QuerySet:
    """Referrals addressed to the user's organisation: a partner agent those to their
    partner's offerings, a centre's social workers and manager those to the centre's own
    offerings (a restricted case to the manager only). Receivers read the identity card and
    what each referral shares, never the case itself."""
    from jisr.cases.referrals import Referral

    if not has_perm(user, "cases.answer_referrals"):
        return Referral.objects.none()
    if user.scope_kind == ScopeKind.PARTNER and user.partner_id:
        return Referral.objects.filter(offering__partner_id=user.partner_id)
    if user.scope_kind == ScopeKind.CENTRE and user.centre_id:
        incoming = Q(offering__centre_id=user.centre_id)
        if not has_perm(user, "cases.view_restricted"):
            incoming &= Q(case__restricted=False) | Q(case__assigned_to=user)
        return Referral.objects.filter(incoming)
    return Referral.objects.none()


def referrals_for(user) -> QuerySet:
    """Every referral the user may open: sent from cases they read, or received."""
    from jisr.cases.referrals import Referral

    sent = referrals_sent_for(user).values("pk")
    received = referrals_received_for(user).values("pk")
    return Referral.objects.filter(Q(pk__in=sent) | Q(pk__in=received))


def case_aggregate_centres_for(user) -> QuerySet:
    """Centres whose case counts the user may read (coordinators: their territory)."""
    if not has_perm(user, "cases.view_aggregates"):
        return centres_for(user).none()
    return centres_for(user)


def appointments_for(user) -> QuerySet:
    """Appointments of the calendar of the user's centre (staff of a centre only). The
    calendar shows every slot taken, so nobody is booked twice; those of cases the user
    does not see (restricted, another team's) show as taken, without the person."""
    from jisr.cases.models import Appointment

    qs = Appointment.objects.select_related("case__person", "worker", "centre")
    if not has_perm(user, "cases.view") or user.scope_kind != ScopeKind.CENTRE:
        return qs.none()
    return qs.filter(centre_id=user.centre_id)


def can_read_sensitive_note(user, note) -> bool:
    """A sensitive note of a case the user sees is read by its author, the case's assigned
    worker and the manager of the case's lead centre; nobody else, even in the centre."""
    case = note.case
    if not has_perm(user, "cases.view") or user.scope_kind != ScopeKind.CENTRE \
            or case.lead_centre_id != user.centre_id:
        return False
    return (note.author_id == user.pk or has_perm(user, "cases.view_restricted")
            or (case.assigned_to_id is not None and case.assigned_to_id == user.pk))
def plans_for(user) -> QuerySet:
    """Pathway plans of the cases the user reads (cases_for): same centre, same
    restriction rules; partners and other centres see none."""
    from jisr.cases.pathways import Plan

    return of_cases_for(Plan.objects.select_related("case", "template"), user)


def plan_steps_for(user) -> QuerySet:
    from jisr.cases.pathways import PlanStep

    return of_cases_for(PlanStep.objects.select_related("plan__case", "owner", "service"),
                        user, "plan__case__")


def follow_ups_for(user) -> QuerySet:
    from jisr.cases.pathways import FollowUp

    return of_cases_for(FollowUp.objects.select_related("case", "worker", "plan"), user)
