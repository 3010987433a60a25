"""REST API of cases: reception (open a case with consent, appointment and SMS), stages,
assignment and restriction, appointments and free slots, transfers, the listening interview
and the questionnaire versions it is answered with.

Input is validated before the services' permission checks, so a malformed body gets its 400
whoever sends it; cases outside the caller's scope answer 404.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.accounts import policy
from jisr.accounts.models import User
from jisr.cases import listening, reception, selectors, services
from jisr.cases.models import (
    Appointment,
    Case,
    CaseEvent,
    Channel,
    CloseReason,
    RestrictionCategory,
    Satisfaction,
    Stage,
    Transfer,
    Urgency,
)
from jisr.cases.questionnaires import (
    Listening,
    NeedDomain,
    Option,
    Question,
    QuestionnaireVersion,
    ScoringRule,
    Section,
)
from jisr.core.api import ErrorBodySerializer, Pagination
from jisr.core.exceptions import NotFound
from jisr.network.models import Centre
from jisr.registry import selectors as registry_selectors
from jisr.registry.models import Consent

TAGS = ["cases"]
_ERRORS = {400: ErrorBodySerializer, 403: ErrorBodySerializer, 404: ErrorBodySerializer,
           409: ErrorBodySerializer}


# --- output ------------------------------------------------------------------------------

class EventOutput(serializers.ModelSerializer):
    centre = serializers.CharField(source="centre.code")

    class Meta:
        model = CaseEvent
        fields = ["id", "at", "actor", "kind", "from_stage", "to_stage", "centre", "note"]


class AppointmentOutput(serializers.ModelSerializer):
    centre = serializers.CharField(source="centre.code")

    class Meta:
        model = Appointment
        fields = ["id", "case", "centre", "worker", "start", "duration_minutes", "status",
                  "purpose"]


class TransferOutput(serializers.ModelSerializer):
    from_centre = serializers.CharField(source="from_centre.code")
    to_centre = serializers.CharField(source="to_centre.code")
    person = serializers.IntegerField(source="case.person_id")

    class Meta:
        model = Transfer
        fields = ["id", "case", "person", "from_centre", "to_centre", "status", "reason",
                  "proposed_by", "proposed_at", "decided_by", "decided_at", "decision_note"]


class CaseListOutput(serializers.ModelSerializer):
    lead_centre = serializers.CharField(source="lead_centre.code")

    class Meta:
        model = Case
        fields = ["id", "reference", "person", "lead_centre", "stage", "channel", "urgency",
                  "assigned_to", "restricted", "opened_at", "stage_changed_at"]


class CaseOutput(CaseListOutput):
    events = EventOutput(many=True)
    appointments = AppointmentOutput(many=True)

    class Meta(CaseListOutput.Meta):
        fields = [*CaseListOutput.Meta.fields, "household", "request",
                  "restriction_category", "close_reason", "close_note", "closed_at",
                  "satisfaction",
                  "opened_by", "events", "appointments"]


class ListeningOutput(serializers.ModelSerializer):
    answers = serializers.DictField()
    result = serializers.DictField()
    partial = serializers.BooleanField(help_text=(
        "True when the caller is neither the case's assigned worker nor the centre's "
        "manager and the questionnaire has restricted sections: their answers are left out "
        "of `answers`, their points out of `result` and `score`."))
    restricted_sections = serializers.ListField(
        child=serializers.ChoiceField(choices=RestrictionCategory.choices),
        help_text="Categories of the questionnaire's restricted sections.")

    class Meta:
        model = Listening
        fields = ["id", "case", "version", "status", "answers", "result", "score", "partial",
                  "restricted_sections", "started_by", "started_at", "updated_at",
                  "completed_by", "completed_at"]


def _listening_out(user, found: Listening, *, audit_read: bool = True) -> dict:
    return ListeningOutput(selectors.listening_for_reader(user=user, listening=found,
                                                          audit_read=audit_read)).data


class RuleOutput(serializers.ModelSerializer):
    option = serializers.CharField(source="option.code", default=None)

    class Meta:
        model = ScoringRule
        fields = ["id", "option", "min_value", "max_value", "domain", "points",
                  "explanation_ar", "explanation_fr"]


class OptionOutput(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "code", "label_ar", "label_fr"]


class QuestionOutput(serializers.ModelSerializer):
    options = OptionOutput(many=True)
    rules = RuleOutput(many=True)
    condition_question = serializers.CharField(source="condition_question.code", default=None)

    class Meta:
        model = Question
        fields = ["id", "code", "kind", "label_ar", "label_fr", "required",
                  "condition_question", "condition_values", "options", "rules"]


class SectionOutput(serializers.ModelSerializer):
    questions = QuestionOutput(many=True)

    class Meta:
        model = Section
        fields = ["id", "title_ar", "title_fr", "restricted", "restriction_category",
                  "questions"]


class VersionOutput(serializers.ModelSerializer):
    questionnaire = serializers.CharField(source="questionnaire.code")
    sections = SectionOutput(many=True)

    class Meta:
        model = QuestionnaireVersion
        fields = ["id", "questionnaire", "number", "status", "published_at", "sections"]


class SlotOutput(serializers.Serializer):
    worker = serializers.IntegerField(source="worker.pk")
    worker_name = serializers.CharField(source="worker.display_name")
    start = serializers.DateTimeField()


# --- input -------------------------------------------------------------------------------

class _Worker(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        super().__init__(queryset=User.objects.filter(is_active=True), **kwargs)


class AppointmentInput(serializers.Serializer):
    worker = _Worker()
    start = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=10, max_value=240, required=False)
    purpose = serializers.ChoiceField(choices=Appointment.Purpose.choices, required=False)


class CaseOpenInput(serializers.Serializer):
    person = serializers.IntegerField(min_value=1)
    channel = serializers.ChoiceField(choices=Channel.choices)
    request = serializers.CharField(max_length=5000)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    assigned_to = _Worker(required=False, allow_null=True)
    restricted = serializers.BooleanField(required=False)
    restriction_category = serializers.ChoiceField(choices=RestrictionCategory.choices,
                                                   required=False, allow_blank=True)
    consent_method = serializers.ChoiceField(
        choices=Consent.Method.choices, required=False, allow_blank=True,
        help_text="Records the consent to the follow-up of the case, if not given yet.")
    witness_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    sms_consent = serializers.BooleanField(required=False)
    appointment = AppointmentInput(required=False, allow_null=True)
    send_sms = serializers.BooleanField(required=False)


class TransitionInput(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=[s for s in Stage.values if s not in (
        Stage.RECEIVED, Stage.CLOSED)])
    expected_stage = serializers.ChoiceField(choices=Stage.choices, required=False,
                                             help_text="Refused (409) if the case is no "
                                             "longer at this stage.")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CloseInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CloseReason.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    expected_stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, required=False, allow_null=True,
        help_text="The person's satisfaction, 5 (very satisfied) to 1 (very dissatisfied); "
        "optional.")


class CaseReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AssignInput(serializers.Serializer):
    worker = _Worker()


class RestrictInput(serializers.Serializer):
    restricted = serializers.BooleanField()
    category = serializers.ChoiceField(choices=RestrictionCategory.choices, required=False,
                                       allow_blank=True)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class TransferInput(serializers.Serializer):
    to_centre = serializers.SlugRelatedField(slug_field="code", queryset=Centre.objects.all())
    reason = serializers.CharField(max_length=2000)

    def to_internal_value(self, data):
        if isinstance(data, dict) and "\x00" in str(data.get("to_centre", "")):
            raise serializers.ValidationError({"to_centre": ["Unknown centre."]})
        return super().to_internal_value(data)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class AnswersInput(serializers.Serializer):
    answers = serializers.DictField(help_text="Answers by question code: an option code "
                                    "(choice, yes/no), a list of codes (multiple), a number, "
                                    "a date (YYYY-MM-DD) or a text.")


class DayParams(serializers.Serializer):
    day = serializers.DateField(required=False)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _case_out(user, case_id) -> dict:
    return CaseOutput(selectors.case_detail(user=user, case_id=case_id)).data


# --- cases -------------------------------------------------------------------------------

class CaseListView(APIView):
    @extend_schema(parameters=[OpenApiParameter("stage", str, required=False, enum=Stage.values),
                               OpenApiParameter("mine", bool, required=False)],
                   responses={200: CaseListOutput(many=True), **_ERRORS},
                   operation_id="cases_list", tags=TAGS,
                   description="Cases of the caller's centre (restricted ones only for their "
                   "assigned worker and the manager).")
    def get(self, request):
        policy.check_perm(request.user, "cases.view")
        stage = request.query_params.get("stage", "")
        qs = selectors.case_list(user=request.user, stage=stage if stage in Stage.values
                                 else "", mine=request.query_params.get("mine") in (
                                     "1", "true"))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(CaseListOutput(page, many=True).data)

    @extend_schema(request=CaseOpenInput, responses={201: CaseOutput, **_ERRORS},
                   operation_id="cases_open", tags=TAGS,
                   description="Reception in one call: the consent (if not given yet), the "
                   "case, the listening appointment and the SMS confirmation (queued: no "
                   "SMS gateway is connected yet). All or nothing.")
    def post(self, request):
        data = _valid(CaseOpenInput, request.data)
        policy.check_perm(request.user, "cases.open")
        person = registry_selectors.person_get_for_user(user=request.user,
                                                        person_id=data.pop("person"))
        extra = {k: data.pop(k) for k in ("consent_method", "witness_name", "sms_consent",
                                          "appointment", "send_sms") if k in data}
        case = reception.reception_record(actor=request.user, person=person, case=data,
                                          **extra)
        return Response(_case_out(request.user, case.pk), status=status.HTTP_201_CREATED)


class CaseDetailView(APIView):
    @extend_schema(responses={200: CaseOutput, **_ERRORS}, operation_id="cases_retrieve",
                   tags=TAGS, description="The case with its timeline (reading a restricted "
                   "case is audited).")
    def get(self, request, case_id: int):
        policy.check_perm(request.user, "cases.view")
        return Response(_case_out(request.user, case_id))


class CaseTransitionView(APIView):
    @extend_schema(request=TransitionInput, responses={200: CaseOutput, **_ERRORS},
                   operation_id="cases_transition", tags=TAGS,
                   description="Move the case to the next stage: listened (after a completed "
                   "listening), oriented (after listening, or straight away if urgent), "
                   "in_pathway, follow_up. Out-of-order or repeated: 409.")
    def post(self, request, case_id: int):
        data = _valid(TransitionInput, request.data)
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        services.TRANSITIONS[data.pop("to_stage")](actor=request.user, case=case, **data)
        return Response(_case_out(request.user, case_id))


class CaseCloseView(APIView):
    @extend_schema(request=CloseInput, responses={200: CaseOutput, **_ERRORS},
                   operation_id="cases_close", tags=TAGS)
    def post(self, request, case_id: int):
        data = _valid(CloseInput, request.data)
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        services.case_close(actor=request.user, case=case, **data)
        return Response(_case_out(request.user, case_id))


class CaseReopenView(APIView):
    @extend_schema(request=CaseReasonInput, responses={200: CaseOutput, **_ERRORS},
                   operation_id="cases_reopen", tags=TAGS)
    def post(self, request, case_id: int):
        data = _valid(CaseReasonInput, request.data)
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        services.case_reopen(actor=request.user, case=case, **data)
        return Response(_case_out(request.user, case_id))


class CaseAssignView(APIView):
    @extend_schema(request=AssignInput, responses={200: CaseOutput, **_ERRORS},
                   operation_id="cases_assign", tags=TAGS)
    def post(self, request, case_id: int):
        data = _valid(AssignInput, request.data)
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        services.case_assign(actor=request.user, case=case, **data)
        return Response(_case_out(request.user, case_id))


class CaseRestrictView(APIView):
    @extend_schema(request=RestrictInput, responses={200: CaseListOutput, **_ERRORS},
                   operation_id="cases_restrict", tags=TAGS)
    def post(self, request, case_id: int):
        data = _valid(RestrictInput, request.data)
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        case = services.case_restrict(actor=request.user, case=case, **data)
        return Response(CaseListOutput(case).data)


# --- appointments ------------------------------------------------------------------------

class CaseAppointmentView(APIView):
    @extend_schema(request=AppointmentInput, responses={201: AppointmentOutput, **_ERRORS},
                   operation_id="cases_appointments_book", tags=TAGS,
                   description="Book a slot of the centre's calendar; a worker already "
                   "booked at that time: 409.")
    def post(self, request, case_id: int):
        data = _valid(AppointmentInput, request.data)
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        appointment = services.appointment_book(actor=request.user, case=case, **data)
        return Response(AppointmentOutput(appointment).data, status=status.HTTP_201_CREATED)


class AppointmentListView(APIView):
    @extend_schema(parameters=[OpenApiParameter("day", str, required=False)],
                   responses={200: AppointmentOutput(many=True), **_ERRORS},
                   operation_id="cases_appointments_list", tags=TAGS)
    def get(self, request):
        policy.check_perm(request.user, "cases.view")
        day = _valid(DayParams, request.query_params).get("day")
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.appointment_list(user=request.user,
                                                                      day=day),
                                           request, view=self)
        return paginator.get_paginated_response(AppointmentOutput(page, many=True).data)


class FreeSlotsView(APIView):
    @extend_schema(responses={200: SlotOutput(many=True), **_ERRORS},
                   operation_id="cases_appointments_free_slots", tags=TAGS,
                   description="The next free listening slots of the caller's centre.")
    def get(self, request):
        policy.check_perm(request.user, "cases.book")
        if request.user.centre_id is None:
            return Response([])
        return Response(SlotOutput(selectors.free_slots(centre_id=request.user.centre_id),
                                   many=True).data)


class AppointmentCancelView(APIView):
    @extend_schema(request=CancelInput, responses={200: AppointmentOutput, **_ERRORS},
                   operation_id="cases_appointments_cancel", tags=TAGS)
    def post(self, request, appointment_id: int):
        data = _valid(CancelInput, request.data)
        appointment = policy.get_or_404(policy.of_cases_for(
            Appointment.objects.select_related("case"), request.user), pk=appointment_id)
        appointment = services.appointment_cancel(actor=request.user, appointment=appointment,
                                                  **data)
        return Response(AppointmentOutput(appointment).data)


# --- transfers ---------------------------------------------------------------------------

class CaseTransferView(APIView):
    @extend_schema(request=TransferInput, responses={201: TransferOutput, **_ERRORS},
                   operation_id="cases_transfers_propose", tags=TAGS)
    def post(self, request, case_id: int):
        data = _valid(TransferInput, request.data)
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        transfer = services.transfer_propose(actor=request.user, case=case, **data)
        return Response(TransferOutput(transfer).data, status=status.HTTP_201_CREATED)


class TransferListView(APIView):
    @extend_schema(responses={200: TransferOutput(many=True), **_ERRORS},
                   operation_id="cases_transfers_list", tags=TAGS,
                   description="Transfers out of and into the caller's centre.")
    def get(self, request):
        policy.check_perm(request.user, "cases.view")
        paginator = Pagination()
        page = paginator.paginate_queryset(policy.transfers_for(request.user), request,
                                           view=self)
        return paginator.get_paginated_response(TransferOutput(page, many=True).data)


def _answer(request, transfer_id, step, **kwargs) -> Response:
    data = _valid(NoteInput, request.data)
    transfer = selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id)
    if step is not services.transfer_cancel:
        kwargs.update(data)
    transfer = step(actor=request.user, transfer=transfer, **kwargs)
    return Response(TransferOutput(transfer).data)


class TransferAcceptView(APIView):
    @extend_schema(request=NoteInput, responses={200: TransferOutput, **_ERRORS},
                   operation_id="cases_transfers_accept", tags=TAGS,
                   description="The receiving centre takes the case over (with its whole "
                   "history). Already answered: 409.")
    def post(self, request, transfer_id: int):
        return _answer(request, transfer_id, services.transfer_accept)


class TransferDeclineView(APIView):
    @extend_schema(request=NoteInput, responses={200: TransferOutput, **_ERRORS},
                   operation_id="cases_transfers_decline", tags=TAGS)
    def post(self, request, transfer_id: int):
        return _answer(request, transfer_id, services.transfer_decline)


class TransferCancelView(APIView):
    @extend_schema(request=NoteInput, responses={200: TransferOutput, **_ERRORS},
                   operation_id="cases_transfers_cancel", tags=TAGS)
    def post(self, request, transfer_id: int):
        return _answer(request, transfer_id, services.transfer_cancel)


# --- listening ---------------------------------------------------------------------------

def _current_listening(user, case_id, *, start: bool) -> Listening:
    case = selectors.case_get_for_user(user=user, case_id=case_id)
    policy.check_perm(user, "cases.listen")
    draft = case.listenings.filter(status=Listening.Status.DRAFT).first()
    if draft or not start:
        found = draft or case.listenings.order_by("-completed_at").first()
        if found is None:
            raise NotFound()
        return found
    return listening.listening_start(actor=user, case=case)


class ListeningView(APIView):
    @extend_schema(responses={200: ListeningOutput, **_ERRORS},
                   operation_id="cases_listening_retrieve", tags=TAGS,
                   description="The case's listening interview: the draft, or the latest "
                   "completed one with its frozen needs and score.")
    def get(self, request, case_id: int):
        return Response(_listening_out(request.user, _current_listening(
            request.user, case_id, start=False)))

    @extend_schema(request=AnswersInput, responses={200: ListeningOutput, **_ERRORS},
                   operation_id="cases_listening_save", tags=TAGS,
                   description="Save the draft answers (started on the published version "
                   "if none).")
    def put(self, request, case_id: int):
        data = _valid(AnswersInput, request.data)
        draft = _current_listening(request.user, case_id, start=True)
        draft = listening.listening_save(actor=request.user, listening=draft, **data)
        return Response(_listening_out(request.user, draft))


class ListeningCompleteView(APIView):
    @extend_schema(request=AnswersInput, responses={200: ListeningOutput, **_ERRORS},
                   operation_id="cases_listening_complete", tags=TAGS,
                   description="Complete the interview: needs by domain and the score, every "
                   "point explained, kept with the interview; the case becomes 'listened'.")
    def post(self, request, case_id: int):
        data = _valid(AnswersInput, request.data)
        draft = _current_listening(request.user, case_id, start=True)
        done = listening.listening_complete(actor=request.user, listening=draft, **data)
        return Response(_listening_out(request.user, done))


class ListeningListView(APIView):
    @extend_schema(responses={200: ListeningOutput(many=True), **_ERRORS},
                   operation_id="cases_listenings_list", tags=TAGS,
                   description="Every listening interview of the case, the latest first, "
                   "each with its version and its frozen score. Restricted sections as the "
                   "caller may read them (`partial`); reading them is audited.")
    def get(self, request, case_id: int):
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        policy.check_perm(request.user, "cases.listen")
        found = case.listenings.select_related("version").order_by("-started_at", "-pk")
        return Response([_listening_out(request.user, x) for x in found])

    @extend_schema(request=None, responses={201: ListeningOutput, **_ERRORS},
                   operation_id="cases_listenings_start", tags=TAGS,
                   description="Start another listening interview (e.g. at follow-up) on "
                   "the version published today; earlier ones keep their version, answers "
                   "and score. A draft already open is returned (200).")
    def post(self, request, case_id: int):
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        had_draft = case.listenings.filter(status=Listening.Status.DRAFT).exists()
        started = listening.listening_new(actor=request.user, case=case)
        return Response(_listening_out(request.user, started),
                        status=status.HTTP_200_OK if had_draft else status.HTTP_201_CREATED)


class ListeningDetailView(APIView):
    @extend_schema(responses={200: ListeningOutput, **_ERRORS},
                   operation_id="cases_listenings_retrieve", tags=TAGS,
                   description="One listening interview of the case, earlier ones included.")
    def get(self, request, case_id: int, listening_id: int):
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        policy.check_perm(request.user, "cases.listen")
        found = policy.get_or_404(case.listenings.all(), pk=listening_id)
        return Response(_listening_out(request.user, found))


class VersionDetailView(APIView):
    @extend_schema(responses={200: VersionOutput, **_ERRORS},
                   operation_id="cases_questionnaire_version", tags=TAGS,
                   description="A questionnaire version: sections, questions (with their "
                   "conditions), answers and scoring rules, in Arabic and French. Need "
                   f"domains: {', '.join(NeedDomain.values)}.")
    def get(self, request, version_id: int):
        version = selectors.version_get(user=request.user, version_id=version_id)
        version = QuestionnaireVersion.objects.prefetch_related(
            "sections__questions__options", "sections__questions__rules__option",
            "sections__questions__condition_question").get(pk=version.pk)
        return Response(VersionOutput(version).data)
