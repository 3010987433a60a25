"""REST API of integration pathways: the template builder (administrators,
``cases.manage_pathway_templates``), a case's plans (create from a template, adapt, record
step outcomes, finish with an outcome) and follow-ups (schedule, record).

Every change goes through pathway_services.py, as the pages do. Input is validated first,
so a malformed body gets its 400 whoever sends it; plans and follow-ups outside the
caller's cases answer 404 (plans_for, follow_ups_for); templates answer 403 to those who
neither build them nor build plans.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.accounts import policy
from jisr.accounts.models import User
from jisr.cases import pathway_selectors as sel
from jisr.cases import pathway_services as svc
from jisr.cases import selectors
from jisr.cases.api import _ERRORS, _valid
from jisr.cases.pathways import (
    MAX_STEP_DAYS,
    OWNER_ROLE_CHOICES,
    FollowUp,
    PathwayTemplate,
    Plan,
    PlanOutcome,
    PlanStep,
    TemplateStep,
    validate_outcome_choices,
)
from jisr.core.exceptions import AccessDenied, ValidationFailed
from jisr.network.models import Service

TAGS = ["pathways"]
BUILDER_TAGS = ["pathway builder"]


# --- output ------------------------------------------------------------------------------

class _Choice(serializers.Serializer):
    code = serializers.CharField()
    ar = serializers.CharField()
    fr = serializers.CharField()


class TemplateStepOutput(serializers.ModelSerializer):
    service = serializers.CharField(source="service.code", allow_null=True, default=None)
    outcome_choices = _Choice(many=True)

    class Meta:
        model = TemplateStep
        fields = ["id", "order", "name_ar", "name_fr", "service", "owner_role",
                  "duration_days", "outcome_label_ar", "outcome_label_fr", "outcome_choices"]


class TemplateOutput(serializers.ModelSerializer):
    steps = TemplateStepOutput(many=True)

    class Meta:
        model = PathwayTemplate
        fields = ["id", "code", "version", "name_ar", "name_fr", "description_ar",
                  "description_fr", "status", "published_at", "steps"]


class PlanStepOutput(serializers.ModelSerializer):
    service = serializers.CharField(source="service.code", allow_null=True, default=None)
    outcome_choices = _Choice(many=True)
    is_overdue = serializers.BooleanField(help_text="Still to do and past its due date.")

    class Meta:
        model = PlanStep
        fields = ["id", "plan", "order", "name_ar", "name_fr", "service", "owner_role",
                  "owner", "due_date", "status", "is_overdue", "outcome_label_ar",
                  "outcome_label_fr", "outcome_choices", "outcome", "outcome_note",
                  "completed_at", "completed_by"]


class PlanOutput(serializers.ModelSerializer):
    template = serializers.CharField(source="template.code", allow_null=True, default=None)
    template_version = serializers.IntegerField(source="template.version", allow_null=True,
                                                default=None)
    steps = PlanStepOutput(many=True)

    class Meta:
        model = Plan
        fields = ["id", "case", "template", "template_version", "name_ar", "name_fr",
                  "status", "started_on", "created_at", "created_by", "outcome",
                  "outcome_note", "finished_at", "finished_by", "steps"]


class FollowUpOutput(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "case", "plan", "kind", "due_date", "worker", "purpose", "status",
                  "note", "scheduled_by", "scheduled_at", "recorded_by", "recorded_at"]


# --- input -------------------------------------------------------------------------------

def _text(max_length: int, **kwargs):
    return serializers.CharField(max_length=max_length, **kwargs)


class _ChoicesField(serializers.ListField):
    child = serializers.DictField(child=serializers.CharField(max_length=300))

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            validate_outcome_choices(value)
        except Exception as exc:  # django ValidationError → the serializer's
            raise serializers.ValidationError(list(getattr(exc, "messages", [str(exc)])))
        return value


def _choices(**kwargs):
    return _ChoicesField(max_length=20, help_text=(
        'Answers the outcome is chosen from: [{"code": "yes", "ar": "نعم", "fr": "Oui"}]; '
        "empty: a written outcome."), **kwargs)


class TemplateInput(serializers.Serializer):
    code = serializers.SlugField(max_length=50)
    name_ar = _text(200)
    name_fr = _text(200)
    description_ar = _text(2000, required=False, allow_blank=True, default="")
    description_fr = _text(2000, required=False, allow_blank=True, default="")


class TemplateEditInput(serializers.Serializer):
    name_ar = _text(200, required=False)
    name_fr = _text(200, required=False)
    description_ar = _text(2000, required=False, allow_blank=True)
    description_fr = _text(2000, required=False, allow_blank=True)


class NewVersionInput(serializers.Serializer):
    from_version = serializers.IntegerField(min_value=1, help_text=(
        "The latest version the caller saw: another one created since refuses (409)."))


def _service_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=Service.objects.all(),
                                        allow_null=True, help_text=(
                                            "Code of a service of the catalogue."), **kwargs)


class TemplateStepInput(serializers.Serializer):
    name_ar = _text(200)
    name_fr = _text(200)
    service = _service_field(required=False, default=None)
    owner_role = serializers.ChoiceField(choices=OWNER_ROLE_CHOICES)
    duration_days = serializers.IntegerField(min_value=1, max_value=MAX_STEP_DAYS)
    outcome_label_ar = _text(300)
    outcome_label_fr = _text(300)
    outcome_choices = _choices(required=False, default=list)


class TemplateStepEditInput(serializers.Serializer):
    name_ar = _text(200, required=False)
    name_fr = _text(200, required=False)
    service = _service_field(required=False)
    owner_role = serializers.ChoiceField(choices=OWNER_ROLE_CHOICES, required=False)
    duration_days = serializers.IntegerField(min_value=1, max_value=MAX_STEP_DAYS,
                                             required=False)
    outcome_label_ar = _text(300, required=False)
    outcome_label_fr = _text(300, required=False)
    outcome_choices = _choices(required=False)


class PositionInput(serializers.Serializer):
    position = serializers.IntegerField(min_value=1, max_value=1000, help_text="1 = first.")


class PlanCreateInput(serializers.Serializer):
    template = serializers.IntegerField(help_text="Id of a published template.")
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    owners = serializers.DictField(child=serializers.IntegerField(), required=False,
                                   help_text="Step order → user id (otherwise each step's "
                                   "default owner: the case's worker for social workers' "
                                   "steps).")
    expected_stage = serializers.CharField(required=False, allow_blank=True)


class PlanStepAddInput(serializers.Serializer):
    name_ar = _text(200)
    name_fr = _text(200)
    service = _service_field(required=False, default=None)
    owner_role = serializers.ChoiceField(choices=OWNER_ROLE_CHOICES)
    owner = serializers.IntegerField(required=False, allow_null=True, default=None)
    due_date = serializers.DateField()
    outcome_label_ar = _text(300)
    outcome_label_fr = _text(300)
    outcome_choices = _choices(required=False, default=list)
    position = serializers.IntegerField(min_value=1, max_value=1000, required=False,
                                        allow_null=True, default=None)


class PlanStepEditInput(serializers.Serializer):
    owner = serializers.IntegerField(required=False, allow_null=True, help_text=(
        "null removes the owner."))
    due_date = serializers.DateField(required=False)
    name_ar = _text(200, required=False)
    name_fr = _text(200, required=False)


class StepCompleteInput(serializers.Serializer):
    outcome = _text(50, required=False, allow_blank=True, default="", help_text=(
        "The chosen answer's code, for a step with answers to choose."))
    note = _text(2000, required=False, allow_blank=True, default="", help_text=(
        "The written outcome, for a step without answers to choose."))


class ReasonInput(serializers.Serializer):
    reason = _text(2000)


class PlanFinishInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=PlanOutcome.choices)
    note = _text(2000, required=False, allow_blank=True, default="")


class FollowUpInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FollowUp.Kind.choices)
    due_date = serializers.DateField()
    worker = serializers.IntegerField()
    plan = serializers.IntegerField(required=False, allow_null=True, default=None)
    purpose = _text(300, required=False, allow_blank=True, default="")


class FollowUpRecordInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=[FollowUp.Status.DONE, FollowUp.Status.MISSED])
    note = _text(2000, required=False, allow_blank=True, default="")


# --- helpers -----------------------------------------------------------------------------

def _user(pk, field: str):
    if pk is None:
        return None
    found = User.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(fields={field: [_("No such user.")]})
    return found


def _template_out(template) -> dict:
    return TemplateOutput(PathwayTemplate.objects.prefetch_related(
        "steps__service").get(pk=template.pk)).data


def _plan_out(user, plan) -> dict:
    return PlanOutput(sel.plan_get_for_user(user=user, plan_id=plan.pk)).data


def _builder(user) -> None:
    policy.check_perm(user, "cases.manage_pathway_templates")


# --- templates ---------------------------------------------------------------------------

class TemplateListView(APIView):
    @extend_schema(responses={200: TemplateOutput(many=True), **_ERRORS},
                   operation_id="pathway_templates_list", tags=BUILDER_TAGS,
                   description="Administrators: every version of every template. Those who "
                   "build plans (social workers, centre managers): the published ones.")
    def get(self, request):
        user = request.user
        if policy.has_perm(user, "cases.manage_pathway_templates"):
            qs = sel.template_list(user=user).prefetch_related("steps__service")
        elif policy.has_perm(user, "cases.manage_plans"):
            qs = sel.published_templates(user=user).prefetch_related("steps__service")
        else:
            raise AccessDenied()
        return Response(TemplateOutput(qs, many=True).data)

    @extend_schema(request=TemplateInput, responses={201: TemplateOutput, **_ERRORS},
                   operation_id="pathway_templates_create", tags=BUILDER_TAGS,
                   description="A new template: an empty draft, version 1.")
    def post(self, request):
        data = _valid(TemplateInput, request.data)
        template = svc.template_create(actor=request.user, **data)
        return Response(_template_out(template), status=status.HTTP_201_CREATED)


def _template(user, template_id, *, builder: bool = True):
    if builder:
        return sel.template_get_for_builder(user=user, template_id=template_id)
    if policy.has_perm(user, "cases.manage_pathway_templates"):
        return sel.template_get_for_builder(user=user, template_id=template_id)
    if not policy.has_perm(user, "cases.manage_plans"):
        raise AccessDenied()
    return sel.published_template_get(user=user, template_id=template_id)


class TemplateDetailView(APIView):
    @extend_schema(responses={200: TemplateOutput, **_ERRORS},
                   operation_id="pathway_templates_detail", tags=BUILDER_TAGS)
    def get(self, request, template_id: int):
        return Response(_template_out(_template(request.user, template_id, builder=False)))

    @extend_schema(request=TemplateEditInput, responses={200: TemplateOutput, **_ERRORS},
                   operation_id="pathway_templates_update", tags=BUILDER_TAGS,
                   description="Change a draft's names or descriptions (a published version "
                   "answers 409 version_frozen).")
    def patch(self, request, template_id: int):
        data = _valid(TemplateEditInput, request.data)
        template = svc.template_edit(actor=request.user,
                                     template=_template(request.user, template_id), **data)
        return Response(_template_out(template))


class TemplateNewVersionView(APIView):
    @extend_schema(request=NewVersionInput, responses={201: TemplateOutput, **_ERRORS},
                   operation_id="pathway_templates_versions_create", tags=BUILDER_TAGS,
                   description="A new draft version of the template's code, a copy of its "
                   "latest version (409 draft_exists, 409 version_changed).")
    def post(self, request, template_id: int):
        data = _valid(NewVersionInput, request.data)
        draft = svc.template_new_version(actor=request.user,
                                         template=_template(request.user, template_id), **data)
        return Response(_template_out(draft), status=status.HTTP_201_CREATED)


class TemplatePublishView(APIView):
    @extend_schema(request=None, responses={200: TemplateOutput, **_ERRORS},
                   operation_id="pathway_templates_publish", tags=BUILDER_TAGS,
                   description="Publish a draft: new plans use it, the previous published "
                   "version is retired; plans already made keep their copy of the steps.")
    def post(self, request, template_id: int):
        template = svc.template_publish(actor=request.user,
                                        template=_template(request.user, template_id))
        return Response(_template_out(template))


class TemplateStepCreateView(APIView):
    @extend_schema(request=TemplateStepInput, responses={201: TemplateStepOutput, **_ERRORS},
                   operation_id="pathway_templates_steps_create", tags=BUILDER_TAGS,
                   description="Add a step at the end of a draft.")
    def post(self, request, template_id: int):
        data = _valid(TemplateStepInput, request.data)
        step = svc.template_step_add(actor=request.user,
                                     template=_template(request.user, template_id), **data)
        return Response(TemplateStepOutput(step).data, status=status.HTTP_201_CREATED)


class TemplateStepView(APIView):
    @extend_schema(request=TemplateStepEditInput, responses={200: TemplateStepOutput,
                                                             **_ERRORS},
                   operation_id="pathway_templates_steps_update", tags=BUILDER_TAGS,
                   description="Change a draft's step; `service: null` removes the service.")
    def patch(self, request, template_step_id: int):
        data = _valid(TemplateStepEditInput, request.data)
        step = sel.template_step_get_for_builder(user=request.user, step_id=template_step_id)
        clear = "service" in data and data["service"] is None
        step = svc.template_step_edit(actor=request.user, step=step, clear_service=clear,
                                      **data)
        return Response(TemplateStepOutput(step).data)

    @extend_schema(request=None, responses={204: None, **_ERRORS},
                   operation_id="pathway_templates_steps_delete", tags=BUILDER_TAGS)
    def delete(self, request, template_step_id: int):
        step = sel.template_step_get_for_builder(user=request.user, step_id=template_step_id)
        svc.template_step_remove(actor=request.user, step=step)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplateStepMoveView(APIView):
    @extend_schema(request=PositionInput, responses={200: TemplateOutput, **_ERRORS},
                   operation_id="pathway_templates_steps_move", tags=BUILDER_TAGS)
    def post(self, request, template_step_id: int):
        data = _valid(PositionInput, request.data)
        step = sel.template_step_get_for_builder(user=request.user, step_id=template_step_id)
        svc.template_step_move(actor=request.user, step=step, **data)
        return Response(_template_out(step.template))


# --- plans -------------------------------------------------------------------------------

class CasePlanListView(APIView):
    @extend_schema(responses={200: PlanOutput(many=True), **_ERRORS},
                   operation_id="cases_plans_list", tags=TAGS)
    def get(self, request, case_id: int):
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        return Response(PlanOutput(sel.plan_list(user=request.user, case_id=case.pk),
                                   many=True).data)

    @extend_schema(request=PlanCreateInput, responses={201: PlanOutput, **_ERRORS},
                   operation_id="cases_plans_create", tags=TAGS,
                   description="Instantiate a published template for the case (oriented or "
                   "later): its steps are copied with owners and due dates. The first plan "
                   "of an oriented case moves it to in_pathway.")
    def post(self, request, case_id: int):
        data = _valid(PlanCreateInput, request.data)
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        template = PathwayTemplate.objects.filter(pk=data["template"]).first()
        owners = {}
        for order, user_id in (data.get("owners") or {}).items():
            if not str(order).isdigit():
                raise ValidationFailed(fields={"owners": [_("Keys are step orders.")]})
            owners[int(order)] = _user(user_id, "owners")
        plan = svc.plan_create(actor=request.user, case=case, template=template,
                               started_on=data["started_on"], owners=owners,
                               expected_stage=data.get("expected_stage") or None)
        return Response(_plan_out(request.user, plan), status=status.HTTP_201_CREATED)


class PlanDetailView(APIView):
    @extend_schema(responses={200: PlanOutput, **_ERRORS}, operation_id="plans_detail",
                   tags=TAGS)
    def get(self, request, plan_id: int):
        return Response(PlanOutput(sel.plan_get_for_user(user=request.user,
                                                         plan_id=plan_id)).data)


class PlanStepCreateView(APIView):
    @extend_schema(request=PlanStepAddInput, responses={201: PlanOutput, **_ERRORS},
                   operation_id="plans_steps_create", tags=TAGS,
                   description="Adapt a plan with a step of its own (at the end, or at "
                   "`position` among the steps still to do).")
    def post(self, request, plan_id: int):
        data = _valid(PlanStepAddInput, request.data)
        plan = sel.plan_get_for_user(user=request.user, plan_id=plan_id)
        data["owner"] = _user(data.get("owner"), "owner")
        svc.plan_step_add(actor=request.user, plan=plan, **data)
        return Response(_plan_out(request.user, plan), status=status.HTTP_201_CREATED)


class PlanFinishView(APIView):
    @extend_schema(request=PlanFinishInput, responses={200: PlanOutput, **_ERRORS},
                   operation_id="plans_finish", tags=TAGS,
                   description="The pathway's outcome: completed (every step closed), "
                   "partial or abandoned (with a note; open steps are skipped).")
    def post(self, request, plan_id: int):
        data = _valid(PlanFinishInput, request.data)
        plan = sel.plan_get_for_user(user=request.user, plan_id=plan_id)
        svc.plan_finish(actor=request.user, plan=plan, **data)
        return Response(_plan_out(request.user, plan))


def _step(user, plan_step_id):
    return sel.plan_step_get_for_user(user=user, step_id=plan_step_id)


class PlanStepView(APIView):
    @extend_schema(request=PlanStepEditInput, responses={200: PlanOutput, **_ERRORS},
                   operation_id="plans_steps_update", tags=TAGS,
                   description="Change a step still to do: owner, due date, names.")
    def patch(self, request, plan_step_id: int):
        data = _valid(PlanStepEditInput, request.data)
        step = _step(request.user, plan_step_id)
        clear = "owner" in data and data["owner"] is None
        if "owner" in data:
            data["owner"] = _user(data["owner"], "owner")
        svc.plan_step_edit(actor=request.user, step=step, clear_owner=clear, **data)
        return Response(_plan_out(request.user, step.plan))

    @extend_schema(request=None, responses={200: PlanOutput, **_ERRORS},
                   operation_id="plans_steps_delete", tags=TAGS,
                   description="Remove a step still to do (closed steps stay: 409).")
    def delete(self, request, plan_step_id: int):
        step = _step(request.user, plan_step_id)
        svc.plan_step_remove(actor=request.user, step=step)
        return Response(_plan_out(request.user, step.plan))


def _step_call(request, plan_step_id: int, service, input_class=None) -> Response:
    """One change of a plan step through its service; the plan as it now is."""
    data = _valid(input_class, request.data) if input_class else {}
    step = _step(request.user, plan_step_id)
    service(actor=request.user, step=step, **data)
    return Response(_plan_out(request.user, step.plan))


class PlanStepMoveView(APIView):
    @extend_schema(request=PositionInput, responses={200: PlanOutput, **_ERRORS},
                   operation_id="plans_steps_move", tags=TAGS)
    def post(self, request, plan_step_id: int):
        return _step_call(request, plan_step_id, svc.plan_step_move, PositionInput)


class PlanStepStartView(APIView):
    @extend_schema(request=None, responses={200: PlanOutput, **_ERRORS},
                   operation_id="plans_steps_start", tags=TAGS)
    def post(self, request, plan_step_id: int):
        return _step_call(request, plan_step_id, svc.plan_step_start)


class PlanStepCompleteView(APIView):
    @extend_schema(request=StepCompleteInput, responses={200: PlanOutput, **_ERRORS},
                   operation_id="plans_steps_complete", tags=TAGS,
                   description="Record the step's required outcome and close it; steps "
                   "close in their order (409 step_out_of_order).")
    def post(self, request, plan_step_id: int):
        return _step_call(request, plan_step_id, svc.plan_step_complete, StepCompleteInput)


class PlanStepSkipView(APIView):
    @extend_schema(request=ReasonInput, responses={200: PlanOutput, **_ERRORS},
                   operation_id="plans_steps_skip", tags=TAGS)
    def post(self, request, plan_step_id: int):
        return _step_call(request, plan_step_id, svc.plan_step_skip, ReasonInput)


class OverdueStepListView(APIView):
    @extend_schema(responses={200: PlanStepOutput(many=True), **_ERRORS},
                   operation_id="plans_steps_overdue", tags=TAGS,
                   description="Steps still to do past their due date, of the caller's "
                   "cases (at most 200, oldest first).")
    def get(self, request):
        policy.check_perm(request.user, "cases.view")
        return Response(PlanStepOutput(sel.overdue_steps(user=request.user)[:200],
                                       many=True).data)


# --- follow-ups --------------------------------------------------------------------------

class CaseFollowUpListView(APIView):
    @extend_schema(responses={200: FollowUpOutput(many=True), **_ERRORS},
                   operation_id="cases_follow_ups_list", tags=TAGS)
    def get(self, request, case_id: int):
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        return Response(FollowUpOutput(sel.case_follow_ups(user=request.user, case=case),
                                       many=True).data)

    @extend_schema(request=FollowUpInput, responses={201: FollowUpOutput, **_ERRORS},
                   operation_id="cases_follow_ups_create", tags=TAGS,
                   description="Schedule a visit, call or meeting (case oriented or later).")
    def post(self, request, case_id: int):
        data = _valid(FollowUpInput, request.data)
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        data["worker"] = _user(data["worker"], "worker")
        plan_id = data.pop("plan")
        plan = None
        if plan_id is not None:
            plan = policy.plans_for(request.user).filter(pk=plan_id, case=case).first()
            if plan is None:
                raise ValidationFailed(fields={"plan": [_("Choose a pathway of this case.")]})
        follow_up = svc.follow_up_schedule(actor=request.user, case=case, plan=plan, **data)
        return Response(FollowUpOutput(follow_up).data, status=status.HTTP_201_CREATED)


class FollowUpRecordView(APIView):
    @extend_schema(request=FollowUpRecordInput, responses={200: FollowUpOutput, **_ERRORS},
                   operation_id="follow_ups_record", tags=TAGS,
                   description="What came of it: done (with a note) or missed.")
    def post(self, request, follow_up_id: int):
        data = _valid(FollowUpRecordInput, request.data)
        follow_up = sel.follow_up_get_for_user(user=request.user, follow_up_id=follow_up_id)
        follow_up = svc.follow_up_record(actor=request.user, follow_up=follow_up, **data)
        return Response(FollowUpOutput(follow_up).data)


# Registered in jisr/urls.py's api_v1 (namespace "api").
urlpatterns = [
    path("pathway-templates/", TemplateListView.as_view(), name="pathway_templates"),
    path("pathway-templates/<int:template_id>/", TemplateDetailView.as_view(),
         name="pathway_template"),
    path("pathway-templates/<int:template_id>/versions/", TemplateNewVersionView.as_view(),
         name="pathway_template_versions"),
    path("pathway-templates/<int:template_id>/publish/", TemplatePublishView.as_view(),
         name="pathway_template_publish"),
    path("pathway-templates/<int:template_id>/steps/", TemplateStepCreateView.as_view(),
         name="pathway_template_steps"),
    path("pathway-template-steps/<int:template_step_id>/", TemplateStepView.as_view(),
         name="pathway_template_step"),
    path("pathway-template-steps/<int:template_step_id>/move/",
         TemplateStepMoveView.as_view(), name="pathway_template_step_move"),
    path("cases/<int:case_id>/plans/", CasePlanListView.as_view(), name="case_plans"),
    path("cases/<int:case_id>/follow-ups/", CaseFollowUpListView.as_view(),
         name="case_follow_ups"),
    path("plans/<int:plan_id>/", PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:plan_id>/steps/", PlanStepCreateView.as_view(), name="plan_steps"),
    path("plans/<int:plan_id>/finish/", PlanFinishView.as_view(), name="plan_finish"),
    path("plan-steps/overdue/", OverdueStepListView.as_view(), name="plan_steps_overdue"),
    path("plan-steps/<int:plan_step_id>/", PlanStepView.as_view(), name="plan_step"),
    path("plan-steps/<int:plan_step_id>/move/", PlanStepMoveView.as_view(),
         name="plan_step_move"),
    path("plan-steps/<int:plan_step_id>/start/", PlanStepStartView.as_view(),
         name="plan_step_start"),
    path("plan-steps/<int:plan_step_id>/complete/", PlanStepCompleteView.as_view(),
         name="plan_step_complete"),
    path("plan-steps/<int:plan_step_id>/skip/", PlanStepSkipView.as_view(),
         name="plan_step_skip"),
    path("follow-ups/<int:follow_up_id>/record/", FollowUpRecordView.as_view(),
         name="follow_up_record"),
]
