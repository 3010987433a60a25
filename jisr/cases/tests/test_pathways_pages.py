"""Pathway pages: the template builder (administrators only), the case page's panels, the
plan page, step actions with htmx, follow-ups and closing with satisfaction; the outsider
and the partner agent get nothing."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from jisr.accounts.roles import Role
from jisr.cases import pathway_services as svc
from jisr.cases import services
from jisr.cases.pathways import FollowUp, PathwayTemplate, Plan, PlanStep


@pytest.fixture
def oriented(world, open_case):
    case = open_case(urgency="urgent", assigned_to=world.users["youssef"])
    return services.case_orient(actor=world.users["youssef"], case=case)


@pytest.fixture
def women(world):
    return PathwayTemplate.objects.get(code="women-economic-empowerment", status="published")


@pytest.fixture
def draft(world):
    return svc.template_create(actor=world.users["admin"], code="jeunes",
                               name_ar="إدماج الشباب", name_fr="Insertion des jeunes")


def _step_data(**values):
    return {"action": "add", "name_ar": "التكوين", "name_fr": "Formation",
            "owner_role": "social_worker", "duration_days": "30",
            "outcome_label_ar": "هل أتم التكوين؟", "outcome_label_fr": "Formation achevée ?",
            "outcome_choices": "yes | نعم | Oui\nno | لا | Non", **values}


# --- the builder -----------------------------------------------------------------------------

def test_the_builder_lists_every_template_in_few_queries(client_for, django_assert_max_num_queries):
    client = client_for("admin", "fr")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:pathway_templates"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "التمكين الاقتصادي للنساء" in body and "Autonomisation économique des femmes" in body


@pytest.mark.parametrize("persona", ["youssef", "khadija", "rachid", "karim", "omar"])
def test_only_administrators_open_the_builder(client_for, persona, women):
    client = client_for(persona)
    assert client.get(reverse("cases:pathway_templates")).status_code == 403
    assert client.get(reverse("cases:pathway_template", args=[women.pk])).status_code == 403
    response = client.post(reverse("cases:pathway_template_steps", args=[women.pk]),
                           _step_data())
    assert response.status_code == 403


def test_an_administrator_creates_a_template_and_adds_steps_with_htmx(client_for):
    client = client_for("admin", "fr")
    response = client.post(reverse("cases:pathway_templates"), {
        "code": "jeunes", "name_ar": "إدماج الشباب", "name_fr": "Insertion des jeunes"})
    template = PathwayTemplate.objects.get(code="jeunes")
    assert response.status_code == 302
    url = reverse("cases:pathway_template_steps", args=[template.pk])
    response = client.post(url, _step_data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="template-steps"' in response.content.decode()
    client.post(url, _step_data(name_fr="Emploi", name_ar="التشغيل"), HTTP_HX_REQUEST="true")
    second = template.steps.get(name_fr="Emploi")
    client.post(url, {"action": "move", "step": second.pk, "position": 1},
                HTTP_HX_REQUEST="true")
    assert list(template.steps.values_list("name_fr", flat=True)) == ["Emploi", "Formation"]
    first = template.steps.get(name_fr="Formation")
    prefix = f"s{first.pk}"
    response = client.post(url, {"action": "edit", "step": first.pk,
                                 **{f"{prefix}-{k}": v for k, v in _step_data(
                                     name_fr="Formation qualifiante").items()}},
                           HTTP_HX_REQUEST="true")
    assert "Formation qualifiante" in response.content.decode()
    client.post(url, {"action": "remove", "step": second.pk}, HTTP_HX_REQUEST="true")
    assert list(template.steps.values_list("name_fr", flat=True)) == ["Formation qualifiante"]
    response = client.post(reverse("cases:pathway_template", args=[template.pk]),
                           {"action": "publish"})
    template.refresh_from_db()
    assert template.status == "published"


def test_a_bad_step_shows_a_translated_error_and_adds_nothing(client_for, draft):
    client = client_for("admin", "fr")
    url = reverse("cases:pathway_template_steps", args=[draft.pk])
    response = client.post(url, _step_data(duration_days="0", outcome_choices="oui"),
                           HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "code | arabe | français" in body
    assert "has-error" in body
    assert not draft.steps.exists()


def test_a_published_template_refuses_changes_with_a_message(client_for, women):
    client = client_for("admin", "fr")
    step = women.steps.first()
    response = client.post(reverse("cases:pathway_template_steps", args=[women.pk]),
                           {"action": "remove", "step": step.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "nouvelle version" in response.content.decode()
    assert women.steps.count() == 4


def test_a_new_version_copies_the_steps(client_for, women):
    client = client_for("admin")
    response = client.post(reverse("cases:pathway_template", args=[women.pk]),
                           {"action": "new_version"})
    draft = PathwayTemplate.objects.get(code=women.code, status="draft")
    assert response.url == reverse("cases:pathway_template", args=[draft.pk])
    assert draft.version == 2 and draft.steps.count() == 4


# --- the case page and plans -------------------------------------------------------------------

def _drawn_for_nobody_else(client_for, url: str, listed: str) -> None:
    """A form the case page draws when opened (htmx): reception, a colleague the case is
    not assigned to, the outsider (another centre) and a national analyst get no form and
    none of what it lists."""
    for name in ("amina", "marrakech_worker", "karim", "nadia"):
        response = client_for(name).get(url, HTTP_HX_REQUEST="true")
        assert response.status_code in (403, 404), name
        assert listed not in response.content.decode(), name


def test_the_case_page_shows_pathways_and_follow_ups(world, client_for,
                                                     django_assert_max_num_queries):
    client = client_for("youssef", "fr")
    case = world.cases["marrakech"]
    with django_assert_max_num_queries(45):
        response = client.get(reverse("cases:detail", args=[case.pk]))
    body = response.content.decode()
    assert "Parcours d'insertion" in body
    assert "Autonomisation économique des femmes" in body
    assert "Suivis" in body and "Appel téléphonique" in body


def test_the_case_page_query_count_does_not_grow_with_plans(world, client_for, oriented,
                                                           django_assert_max_num_queries):
    client = client_for("youssef")
    url = reverse("cases:detail", args=[oriented.pk])
    for code in ("women-economic-empowerment", "disability"):
        svc.plan_create(actor=world.users["youssef"], case=oriented,
                        template=PathwayTemplate.objects.get(code=code, status="published"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for code in ("elderly-care", "child-family", "homeless-person"):
        svc.plan_create(actor=world.users["youssef"], case=oriented,
                        template=PathwayTemplate.objects.get(code=code, status="published"))
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(five) == len(two)


def test_a_worker_creates_a_plan_from_the_case_page(world, client_for, oriented, women):
    client = client_for("youssef", "fr")
    response = client.post(reverse("cases:plan_create", args=[oriented.pk]), {
        "template": women.pk, "expected_stage": "oriented"})
    assert response.status_code == 302
    plan = Plan.objects.get(case=oriented)
    oriented.refresh_from_db()
    assert oriented.stage == "in_pathway"
    body = unescape(client.get(reverse("cases:detail", args=[oriented.pk])).content.decode())
    assert "Formation qualifiante" in body and "Parcours d'insertion créé" in body
    assert plan.steps.count() == 4


def test_the_plan_form_is_open_without_a_plan_and_drawn_when_opened_with_one(
        world, client_for, oriented, women, django_assert_max_num_queries):
    client = client_for("youssef", "fr")
    page_url = reverse("cases:detail", args=[oriented.pk])
    url = reverse("cases:plan_create", args=[oriented.pk])
    # no plan yet: the form is on the page, open, with the published pathways
    page = unescape(client.get(page_url).content.decode())
    assert 'class="plan-create-box" open' in page and 'class="plan-create"' in page
    assert women.name_fr in page and f'hx-get="{url}"' not in page
    svc.plan_create(actor=world.users["youssef"], case=oriented, template=women)
    # with a plan, folded: the pathways are read when "Start a pathway plan" is opened
    page = unescape(client.get(page_url).content.decode())
    assert f'hx-get="{url}"' in page and 'class="plan-create"' not in page
    with django_assert_max_num_queries(8):
        form = unescape(client.get(url, HTTP_HX_REQUEST="true").content.decode())
    assert "<html" not in form and 'class="plan-create"' in form
    assert f'<option value="{women.pk}">{women.name_fr}</option>' in form
    assert 'name="expected_stage" value="in_pathway"' in form
    assert ">Créer le parcours</button>" in form
    # in Arabic, the pathways' Arabic names
    arabic = client_for("youssef", "ar").get(url, HTTP_HX_REQUEST="true").content.decode()
    assert women.name_ar in arabic
    # without JavaScript, a page of its own with the same form, which creates the plan
    full = client.get(url).content.decode()
    assert "<html" in full and 'name="template"' in full
    disability = PathwayTemplate.objects.get(code="disability", status="published")
    client.post(url, {"template": disability.pk, "expected_stage": "in_pathway"})
    assert Plan.objects.filter(case=oriented).count() == 2
    # the manager gets it; reception, a colleague not assigned, the outsider and a national
    # analyst get no list
    assert 'name="template"' in client_for("khadija").get(
        url, HTTP_HX_REQUEST="true").content.decode()
    _drawn_for_nobody_else(client_for, url, women.name_ar)
    # nor the assigned worker on a case not yet oriented or closed
    received = world.cases["marrakech"]
    early = reverse("cases:plan_create", args=[received.pk])
    assert client.get(early, HTTP_HX_REQUEST="true").status_code in (403, 404)
    services.case_close(actor=world.users["youssef"], case=oriented, reason="resolved",
                        expected_stage="in_pathway")
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 403
    assert f'hx-get="{url}"' not in client.get(page_url).content.decode()
    assert client.delete(url).status_code == 405
    assert Plan.objects.filter(case=oriented).count() == 2


def test_a_plan_for_a_case_not_oriented_is_refused_with_a_message(world, client_for,
                                                                  open_case, women):
    case = open_case(assigned_to=world.users["youssef"])
    client = client_for("youssef", "fr")
    response = client.post(reverse("cases:plan_create", args=[case.pk]),
                           {"template": women.pk}, follow=True)
    assert "Orientez la personne" in unescape(response.content.decode())
    assert not Plan.objects.filter(case=case).exists()


def test_completing_a_step_inline_with_htmx(world, client_for, oriented, women):
    plan = svc.plan_create(actor=world.users["youssef"], case=oriented, template=women)
    step = plan.steps.first()
    client = client_for("youssef", "fr")
    url = reverse("cases:plan_step", args=[step.pk])
    response = client.post(url, {"action": "complete", "outcome": ""},
                           HTTP_HX_REQUEST="true")
    assert "Enregistrez le résultat" in response.content.decode()
    step.refresh_from_db()
    assert step.status == "pending"
    response = client.post(url, {"action": "complete", "outcome": "certified"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Achevée, attestation obtenue" in response.content.decode()
    step.refresh_from_db()
    assert step.status == "done"


def test_the_plan_page_adapts_and_finishes_the_plan(world, client_for, oriented, women):
    plan = svc.plan_create(actor=world.users["youssef"], case=oriented, template=women)
    client = client_for("youssef", "fr")
    response = client.get(reverse("cases:plan", args=[plan.pk]))
    assert response.status_code == 200
    # each open step's owner is chosen among the centre's staff, by name and role
    khadija = world.users["khadija"]
    with translation.override("fr"):
        label = f"{khadija.display_name} ({Role.CENTRE_MANAGER.label})"
    assert f'<option value="{khadija.pk}">{label}</option>' in unescape(
        response.content.decode())
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = client.post(reverse("cases:plan_step_add", args=[plan.pk]), {
        "name_ar": "محو الأمية", "name_fr": "Alphabétisation", "owner_role": "social_worker",
        "due_date": due, "outcome_label_ar": "هل أتمت البرنامج؟",
        "outcome_label_fr": "Programme achevé ?"})
    assert response.status_code == 302
    added = plan.steps.get(name_fr="Alphabétisation")
    client.post(reverse("cases:plan_step", args=[added.pk]),
                {"action": "edit", "owner": world.users["khadija"].pk, "due_date": due,
                 "page": "1"})
    added.refresh_from_db()
    assert added.owner == world.users["khadija"]
    response = client.post(reverse("cases:plan_finish", args=[plan.pk]),
                           {"outcome": "partial", "note": ""}, follow=True)
    assert "Décrivez ce qui s'est passé" in unescape(response.content.decode())
    assert Plan.objects.get(pk=plan.pk).is_active
    client.post(reverse("cases:plan_finish", args=[plan.pk]),
                {"outcome": "partial", "note": "Formation faite, pas de coopérative"})
    plan.refresh_from_db()
    assert plan.outcome == "partial"
    body = client.get(reverse("cases:detail", args=[oriented.pk])).content.decode()
    assert "offer-follow-up" in body


@pytest.mark.parametrize("persona", ["karim", "rachid", "oriental_partner", "omar", "admin"])
def test_outsiders_get_nothing_of_plans(world, client_for, persona):
    client = client_for(persona)
    plan, step = world.plans["marrakech"], world.plans["marrakech"].steps.all()[1]
    follow_up = world.follow_ups["marrakech"]
    assert client.get(reverse("cases:plan", args=[plan.pk])).status_code in (403, 404)
    for url, data in ((reverse("cases:plan_step", args=[step.pk]),
                       {"action": "start"}),
                      (reverse("cases:plan_finish", args=[plan.pk]),
                       {"outcome": "abandoned", "note": "Une note assez longue"}),
                      (reverse("cases:follow_up_record", args=[follow_up.pk]),
                       {"status": "missed"}),
                      (reverse("cases:plan_create", args=[world.cases["marrakech"].pk]),
                       {"template": plan.template_id})):
        assert client.post(url, data).status_code in (403, 404), url
    step.refresh_from_db()
    follow_up.refresh_from_db()
    assert step.status == "pending" and follow_up.status == "scheduled"
    assert Plan.objects.filter(case=world.cases["marrakech"]).count() == 1


def test_reception_reads_the_plan_but_does_not_change_it(world, client_for):
    client = client_for("amina")
    plan = world.plans["marrakech"]
    assert client.get(reverse("cases:plan", args=[plan.pk])).status_code == 200
    step = plan.steps.all()[1]
    client.post(reverse("cases:plan_step", args=[step.pk]), {"action": "start"})
    step.refresh_from_db()
    assert step.status == PlanStep.Status.PENDING


def test_a_follow_up_is_scheduled_and_recorded_from_the_case_page(world, client_for,
                                                                 oriented):
    client = client_for("youssef", "fr")
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    client.post(reverse("cases:follow_up_schedule", args=[oriented.pk]), {
        "kind": "visit", "due_date": day, "worker": world.users["youssef"].pk})
    follow_up = FollowUp.objects.get(case=oriented)
    response = client.post(reverse("cases:follow_up_record", args=[follow_up.pk]),
                           {"status": "done", "note": "court"}, follow=True)
    assert "Écrivez ce qu'a donné le suivi" in unescape(response.content.decode())
    client.post(reverse("cases:follow_up_record", args=[follow_up.pk]),
                {"status": "done", "note": "Visite faite, tout va bien"})
    follow_up.refresh_from_db()
    assert follow_up.status == "done"


def test_the_follow_up_form_is_drawn_when_opened_with_the_centre_workers(world, client_for,
                                                                         oriented):
    client = client_for("youssef", "ar")
    url = reverse("cases:follow_up_schedule", args=[oriented.pk])
    # The case page asks for the form when "Schedule a follow-up" is opened (htmx)
    page = client.get(reverse("cases:detail", args=[oriented.pk])).content.decode()
    assert f'hx-get="{url}"' in page and 'name="worker"' not in page
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in form and 'class="follow-up-schedule"' in form
    # each worker by name and role, in the page's language; the assigned worker chosen
    youssef = world.users["youssef"]
    with translation.override("ar"):
        label = f"{youssef.display_name} ({Role.SOCIAL_WORKER.label})"
    assert f'<option value="{youssef.pk}" selected>{label}</option>' in form
    # without JavaScript, a page of its own with the same form, which schedules
    full = client.get(url).content.decode()
    assert "<html" in full and 'name="worker"' in full
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    client.post(url, {"kind": "visit", "due_date": day, "worker": youssef.pk})
    assert FollowUp.objects.filter(case=oriented, worker=youssef).exists()
    # the centre's manager gets it too, in French, its button a verb
    manager = client_for("khadija", "fr").get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="worker"' in manager and ">Programmer</button>" in manager
    # reception, a colleague not assigned, the outsider (another centre) and a national
    # analyst get no list
    _drawn_for_nobody_else(client_for, url, youssef.display_name)
    # nor the assigned worker on a case not yet oriented, which the page offers no form
    received = world.cases["marrakech"]
    early = reverse("cases:follow_up_schedule", args=[received.pk])
    assert client.get(early, HTTP_HX_REQUEST="true").status_code == 403
    assert early not in client.get(reverse("cases:detail", args=[received.pk])).content.decode()
    # nor anyone on a closed case
    services.case_close(actor=youssef, case=oriented, reason="resolved",
                        expected_stage=oriented.stage)
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 403
    assert client.delete(url).status_code == 405


def test_closing_with_satisfaction_shows_it_on_the_case_page(world, client_for, oriented):
    client = client_for("youssef", "fr")
    client.post(reverse("cases:close", args=[oriented.pk]), {
        "reason": "resolved", "satisfaction": "5", "expected_stage": "oriented"})
    oriented.refresh_from_db()
    assert oriented.satisfaction == 5
    body = client.get(reverse("cases:detail", args=[oriented.pk])).content.decode()
    assert "Très satisfait" in body


def test_the_home_lists_my_steps_due_soon_and_my_follow_ups(world, client_for):
    body = client_for("youssef", "fr").get(reverse("core:home")).content.decode()
    assert "panel-my_pathway_steps-title" in body
    assert "Appui au démarrage (financement ou équipement)" in body  # due within two weeks
    assert "Appel téléphonique" in body
    karim = client_for("karim", "fr").get(reverse("core:home")).content.decode()
    assert world.persons["marrakech"].family_name_lat not in karim
