import pytest

from jisr.accounts import policy
from jisr.accounts.models import User
from jisr.testing.personas import PERSONAS


def _centres(user):
    return set(policy.centres_for(user).values_list("code", flat=True))


def _staff(user):
    return set(policy.staff_for(user).values_list("username", flat=True))


def test_each_persona_sees_the_centres_of_its_scope_only(world):
    assert _centres(world.amina) == {"JIS-07.351.01.0"}
    assert _centres(world.said) == {"MOB-07.351.01.0"}
    assert _centres(world.laila) == {"JIS-07.351.01.0", "MOB-07.351.01.0"}
    assert _centres(world.omar) == {"JIS-07.351.01.0", "MOB-07.351.01.0", "JIS-07.441.01.11"}
    assert _centres(world.nadia) == _centres(world.admin) == {
        "JIS-07.351.01.0", "MOB-07.351.01.0", "JIS-07.441.01.11", "JIS-02.411.01.23"}
    assert _centres(world.rachid) == set()
    assert _centres(world.karim) == {"JIS-02.411.01.23"}


def test_each_persona_sees_the_staff_of_its_scope_only(world):
    marrakech_centre = {"amina", "youssef", "khadija", "marrakech_worker"}
    assert _staff(world.youssef) == marrakech_centre
    assert _staff(world.rachid) == {"rachid"}
    assert _staff(world.laila) == marrakech_centre | {"said", "laila"}
    assert _staff(world.omar) == marrakech_centre | {"said", "safi", "laila", "omar"}
    assert _staff(world.nadia) == set()
    assert _staff(world.admin) == set(User.objects.values_list("username", flat=True))
    assert _staff(world.karim) == {"karim"}


def test_a_deactivated_user_sees_nothing(world):
    world.youssef.is_active = False
    assert _centres(world.youssef) == set() and _staff(world.youssef) == set()


def test_anonymous_users_see_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    assert not policy.centres_for(AnonymousUser()).exists()
    assert not policy.staff_for(AnonymousUser()).exists()


@pytest.mark.parametrize("name", PERSONAS)
def test_only_administrators_manage_staff_and_browse_the_audit(world, name):
    user = world.users[name]
    assert policy.has_perm(user, "accounts.manage_staff") == (name == "admin")
    assert policy.has_perm(user, "audit.browse") == (name == "admin")


def test_centre_edits_follow_the_territory(world):
    assert policy.can_edit_centre(world.khadija, world.centre_marrakech)
    assert not policy.can_edit_centre(world.khadija, world.samu_marrakech)
    assert not policy.can_edit_centre(world.youssef, world.centre_marrakech)
    assert policy.can_edit_centre(world.omar, world.centre_safi)
    assert not policy.can_edit_centre(world.omar, world.centre_oujda)
    assert not policy.can_edit_centre(world.laila, world.centre_safi)


def test_an_unknown_permission_is_a_programming_error(world):
    with pytest.raises(KeyError):
        policy.has_perm(world.admin, "accounts.fly")


@pytest.mark.parametrize("name", PERSONAS)
def test_person_centre_ids_are_the_centres_whose_persons_one_sees(world, name,
                                                                  django_assert_max_num_queries):
    user = world.users[name]
    expected = set(policy.person_centres_for(user).values_list("pk", flat=True))
    # A centre's staff (most of the requests) need no query for it
    with django_assert_max_num_queries(0 if user.scope_kind == "centre" else 1):
        ids = policy.person_centre_ids(user)
    assert set(ids) == expected
    assert set(policy.centre_ids_for(user)) == set(
        policy.centres_for(user).values_list("pk", flat=True))
    if name == "rachid":  # a partner's agent reads the registry of no centre
        assert ids == []


@pytest.mark.parametrize("name", PERSONAS)
def test_sees_case_is_the_rule_of_cases_for_on_the_row_in_hand(world, name,
                                                               django_assert_num_queries):
    from jisr.cases.models import Case

    user = world.users[name]
    cases = list(Case.objects.all())
    assert any(c.restricted for c in cases) and len({c.lead_centre_id for c in cases}) > 1
    expected = set(policy.cases_for(user).values_list("pk", flat=True))
    with django_assert_num_queries(0):
        seen = {c.pk for c in cases if policy.sees_case(user, c)}
    assert seen == expected


def test_a_deactivated_or_anonymous_user_has_no_person_centres(world):
    from django.contrib.auth.models import AnonymousUser

    world.amina.is_active = False
    assert policy.person_centre_ids(world.amina) == []
    assert policy.person_centre_ids(AnonymousUser()) == []


def _copy_onto_every_case(model, path: str) -> None:
    """A row of ``model`` on every case (restricted, another centre's, closed...) by copying
    one: ``path`` leads from the row to its case ("case", "plan")."""
    import uuid

    from jisr.cases.models import Case

    row = model.objects.order_by("pk").first()
    assert row is not None
    for case in Case.objects.all():
        row.pk = row.id = None
        if hasattr(row, "uuid"):
            row.uuid = uuid.uuid4()
        if path == "case":
            row.case = case
        else:  # a plan step: a copy of its plan on the case first
            plan = row.plan
            plan.pk = plan.id = None
            if hasattr(plan, "uuid"):
                plan.uuid = uuid.uuid4()
            plan.case = case
            plan.save()
            row.plan = plan
        row.save()


@pytest.mark.parametrize("name", PERSONAS)
def test_the_rows_of_the_cases_a_user_reads_are_those_of_cases_for(world, name):
    """referrals_sent_for, plans_for, plan_steps_for and follow_ups_for apply cases_for's
    rule on the joined case: the same rows as ``case__in=cases_for(user)``."""
    from jisr.cases.pathways import FollowUp, Plan, PlanStep
    from jisr.cases.referrals import Referral

    for model, path in ((Referral, "case"), (Plan, "case"), (PlanStep, "plan"),
                        (FollowUp, "case")):
        _copy_onto_every_case(model, path)
    user = world.users[name]
    cases = policy.cases_for(user).values("pk")
    for rows, expected in (
            (policy.referrals_sent_for(user), Referral.objects.filter(case__in=cases)),
            (policy.plans_for(user), Plan.objects.filter(case__in=cases)),
            (policy.plan_steps_for(user), PlanStep.objects.filter(plan__case__in=cases)),
            (policy.follow_ups_for(user), FollowUp.objects.filter(case__in=cases))):
        assert set(rows.values_list("pk", flat=True)) == set(
            expected.values_list("pk", flat=True)), (name, rows.model)
    # of_case, on each case in hand (the case page's): the same rows, case by case, for
    # every case the user reads and none of any other
    from jisr.cases.models import Case

    readable = set(cases.values_list("pk", flat=True))
    for case in Case.objects.all():
        for model, expected in ((Referral, policy.referrals_sent_for(user)),
                                (Plan, policy.plans_for(user)),
                                (FollowUp, policy.follow_ups_for(user))):
            rows = policy.of_case(model.objects.all(), user, case)
            got = set(rows.values_list("pk", flat=True))
            assert got == set(expected.filter(case=case).values_list("pk", flat=True)), (
                name, case.pk, rows.model)
            assert got if case.pk in readable else not got, (name, case.pk, rows.model)
    # the appointments of those cases (interviews of my work, the calendar's), and the
    # transfers out of them
    from django.db.models import Q

    from jisr.cases.models import Appointment, Transfer

    assert set(policy.of_cases_for(Appointment.objects.all(), user).values_list(
        "pk", flat=True)) == set(Appointment.objects.filter(case__in=cases).values_list(
            "pk", flat=True))
    if user.scope_kind == "centre" and policy.has_perm(user, "cases.view"):
        incoming = Q(to_centre_id=user.centre_id)
        if not policy.has_perm(user, "cases.view_restricted"):
            incoming &= Q(case__restricted=False)
        assert set(policy.transfers_for(user).values_list("pk", flat=True)) == set(
            Transfer.objects.filter(Q(from_centre_id=user.centre_id, case__in=cases)
                                    | incoming).values_list("pk", flat=True))
    if name in ("youssef", "khadija"):
        assert policy.referrals_sent_for(user).filter(case__restricted=True).exists()
    if name in ("amina", "marrakech_worker", "karim"):
        assert policy.referrals_sent_for(user).exists()
        assert not policy.referrals_sent_for(user).filter(case__restricted=True).exists()
