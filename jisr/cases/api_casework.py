"""REST API of the appointments calendar (calendar, reschedule, no-show, cancel, card PDF),
notes, documents and the caseload handover. Scoped like the pages: cases outside the
caller's scope answer 404; input is validated before the services' permission checks."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.accounts import policy
from jisr.accounts.models import User
from jisr.cases import calendar, selectors
from jisr.cases import casework_services as casework
from jisr.cases.api import AppointmentOutput, _valid
from jisr.cases.casework import AppointmentChange, CaseDocument, CaseNote
from jisr.core.api import ErrorBodySerializer, Pagination
from jisr.core.exceptions import NotFound
from jisr.core.pdf import PDF_LANGUAGES, pdf_response

TAGS = ["cases"]
_ERRORS = {400: ErrorBodySerializer, 403: ErrorBodySerializer, 404: ErrorBodySerializer,
           409: ErrorBodySerializer}


class _Worker(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        super().__init__(queryset=User.objects.filter(is_active=True), **kwargs)


# --- appointments ------------------------------------------------------------------------

class CalendarQuery(serializers.Serializer):
    view = serializers.ChoiceField(choices=["day", "week"], required=False)
    date = serializers.DateField(required=False)
    worker = serializers.IntegerField(required=False, min_value=1)


class CalendarEntryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    worker = serializers.IntegerField(source="worker_id")
    status = serializers.CharField()
    purpose = serializers.CharField()
    visible = serializers.BooleanField(help_text="False: a slot taken for a case the caller "
                                       "does not see (no case, no person given).")
    case = serializers.SerializerMethodField()
    person_name = serializers.SerializerMethodField()

    def get_case(self, obj) -> int | None:
        return obj.case_id if obj.visible else None

    def get_person_name(self, obj) -> str | None:
        return obj.case.person.display_name if obj.visible else None


class CalendarOutput(serializers.Serializer):
    view = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    appointments = CalendarEntryOutput(many=True)


class CalendarView(APIView):
    @extend_schema(parameters=[CalendarQuery], responses={200: CalendarOutput, **_ERRORS},
                   operation_id="cases_calendar", tags=TAGS,
                   description="The caller's centre's calendar for a day or a week (Monday "
                   "to Sunday), optionally one worker's. Slots of cases the caller does not "
                   "see are given as taken, without the case.")
    def get(self, request):
        data = _valid(CalendarQuery, request.query_params)
        policy.check_perm(request.user, "cases.view")
        cal = calendar.calendar_for(user=request.user, view=data.get("view", "week"),
                                    day=data.get("date"), worker_id=data.get("worker"))
        return Response(CalendarOutput({"view": cal.view, "start": cal.start, "end": cal.end,
                                        "appointments": cal.appointments}).data)


class AppointmentRescheduleInput(serializers.Serializer):
    start = serializers.DateTimeField()
    worker = _Worker(required=False)
    duration_minutes = serializers.IntegerField(min_value=10, max_value=240, required=False)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class AppointmentChangeOutput(serializers.ModelSerializer):
    class Meta:
        model = AppointmentChange
        fields = ["from_start", "to_start", "from_worker", "to_worker", "reason",
                  "changed_by", "changed_at"]


class AppointmentDetailOutput(AppointmentOutput):
    changes = AppointmentChangeOutput(many=True, read_only=True)

    class Meta(AppointmentOutput.Meta):
        fields = [*AppointmentOutput.Meta.fields, "changes"]


def _appointment(request, appointment_id):
    return calendar.appointment_get_for_user(user=request.user,
                                             appointment_id=appointment_id)


class AppointmentDetailView(APIView):
    @extend_schema(responses={200: AppointmentDetailOutput, **_ERRORS},
                   operation_id="cases_appointments_detail", tags=TAGS)
    def get(self, request, appointment_id: int):
        policy.check_perm(request.user, "cases.view")
        return Response(AppointmentDetailOutput(_appointment(request, appointment_id)).data)


class AppointmentRescheduleView(APIView):
    @extend_schema(request=AppointmentRescheduleInput, responses={200: AppointmentDetailOutput,
                                                       **_ERRORS},
                   operation_id="cases_appointments_reschedule", tags=TAGS,
                   description="Move a booked appointment to another time or worker (its "
                   "history keeps the former ones); the worker already booked then: 409.")
    def post(self, request, appointment_id: int):
        data = _valid(AppointmentRescheduleInput, request.data)
        appointment = calendar.appointment_reschedule(
            actor=request.user, appointment=_appointment(request, appointment_id), **data)
        return Response(AppointmentDetailOutput(appointment).data)


class AppointmentNoShowInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class AppointmentNoShowView(APIView):
    @extend_schema(request=AppointmentNoShowInput, responses={200: AppointmentOutput, **_ERRORS},
                   operation_id="cases_appointments_no_show", tags=TAGS,
                   description="The person did not come (once the time has begun).")
    def post(self, request, appointment_id: int):
        data = _valid(AppointmentNoShowInput, request.data)
        appointment = calendar.appointment_mark_no_show(
            actor=request.user, appointment=_appointment(request, appointment_id), **data)
        return Response(AppointmentOutput(appointment).data)


class AppointmentCardView(APIView):
    @extend_schema(parameters=[OpenApiParameter("lang", str, enum=list(PDF_LANGUAGES),
                                                required=False)],
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY, **_ERRORS},
                   operation_id="cases_appointments_card", tags=TAGS,
                   description="The appointment card to print, in Arabic or French (PDF).")
    def get(self, request, appointment_id: int):
        from jisr.cases.views_calendar import card_pdf

        policy.check_perm(request.user, "cases.view")
        appointment = _appointment(request, appointment_id)
        language = request.query_params.get("lang") or "ar"
        language = language if language in PDF_LANGUAGES else "ar"
        return pdf_response(card_pdf(request.user, appointment, language),
                            filename=f"appointment-{appointment.pk}-{language}.pdf")


# --- notes -------------------------------------------------------------------------------

class CaseNoteInput(serializers.Serializer):
    text = serializers.CharField(max_length=casework.MAX_NOTE_LENGTH)
    sensitive = serializers.BooleanField(required=False, default=False)


class CaseNoteOutput(serializers.ModelSerializer):
    text = serializers.SerializerMethodField(help_text="Null for a sensitive note in a list: "
                                             "read it on its own (audited).")

    class Meta:
        model = CaseNote
        fields = ["id", "case", "author", "written_at", "sensitive", "text"]

    def get_text(self, obj) -> str | None:
        if not obj.sensitive:
            return obj.text
        return obj.secret_text if self.context.get("reveal") else None


class NoteListView(APIView):
    @extend_schema(responses={200: CaseNoteOutput(many=True), **_ERRORS},
                   operation_id="cases_notes_list", tags=TAGS,
                   description="The case's notes, latest first; sensitive ones without "
                   "their text.")
    def get(self, request, case_id: int):
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        paginator = Pagination()
        page = paginator.paginate_queryset(casework.notes_for(user=request.user, case=case),
                                           request, view=self)
        return paginator.get_paginated_response(CaseNoteOutput(page, many=True).data)

    @extend_schema(request=CaseNoteInput, responses={201: CaseNoteOutput, **_ERRORS},
                   operation_id="cases_notes_create", tags=TAGS,
                   description="Write a note; a sensitive one is encrypted at rest.")
    def post(self, request, case_id: int):
        data = _valid(CaseNoteInput, request.data)
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        note = casework.note_add(actor=request.user, case=case, **data)
        return Response(CaseNoteOutput(note, context={"reveal": True}).data,
                        status=status.HTTP_201_CREATED)


class NoteDetailView(APIView):
    @extend_schema(responses={200: CaseNoteOutput, **_ERRORS}, operation_id="cases_notes_read",
                   tags=TAGS, description="One note with its text; a sensitive one only for "
                   "its author, the assigned worker and the centre's manager (audited).")
    def get(self, request, case_id: int, note_id: int):
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        note = casework.note_read(user=request.user, case=case, note_id=note_id)
        return Response(CaseNoteOutput(note, context={"reveal": True}).data)


# --- documents ---------------------------------------------------------------------------

class CaseDocumentInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseDocument.Kind.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    file = serializers.FileField(allow_empty_file=False)


class CaseDocumentOutput(serializers.ModelSerializer):
    class Meta:
        model = CaseDocument
        fields = ["id", "case", "kind", "title", "original_name", "content_type", "size",
                  "uploaded_by", "uploaded_at"]


class DocumentListView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses={200: CaseDocumentOutput(many=True), **_ERRORS},
                   operation_id="cases_documents_list", tags=TAGS)
    def get(self, request, case_id: int):
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        policy.check_perm(request.user, "cases.documents")
        paginator = Pagination()
        page = paginator.paginate_queryset(casework.documents_for(user=request.user,
                                                                  case=case),
                                           request, view=self)
        return paginator.get_paginated_response(CaseDocumentOutput(page, many=True).data)

    @extend_schema(request={"multipart/form-data": CaseDocumentInput},
                   responses={201: CaseDocumentOutput, **_ERRORS},
                   operation_id="cases_documents_upload", tags=TAGS,
                   description="Add a PDF, JPEG or PNG file (checked by its content) of at "
                   "most JISR_DOCUMENT_MAX_BYTES.")
    def post(self, request, case_id: int):
        data = _valid(CaseDocumentInput, request.data)
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        document = casework.document_add(actor=request.user, case=case, upload=data["file"],
                                         kind=data["kind"], title=data.get("title", ""))
        return Response(CaseDocumentOutput(document).data, status=status.HTTP_201_CREATED)


class DocumentDownloadView(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY,
                              **_ERRORS},
                   operation_id="cases_documents_download", tags=TAGS,
                   description="The document's file (audited).")
    def get(self, request, case_id: int, document_id: int):
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        document, handle = casework.document_open(user=request.user, case=case,
                                                  document_id=document_id)
        return casework.document_response(document, handle)


# --- caseload handover -------------------------------------------------------------------

class CaseloadOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    role = serializers.CharField()
    is_active = serializers.BooleanField()
    open_cases = serializers.IntegerField()
    upcoming = serializers.IntegerField(help_text="Future booked appointments.")


class CaseloadView(APIView):
    @extend_schema(responses={200: CaseloadOutput(many=True), **_ERRORS},
                   operation_id="cases_caseload", tags=TAGS,
                   description="The workers of the manager's centre with their open cases "
                   "and future appointments.")
    def get(self, request):
        return Response(CaseloadOutput(casework.handover_workers(user=request.user),
                                       many=True).data)


class CaseloadHandoverInput(serializers.Serializer):
    from_worker = serializers.IntegerField(min_value=1)
    to_worker = _Worker()
    cases = serializers.ListField(child=serializers.IntegerField(min_value=1),
                                  required=False, allow_empty=False,
                                  help_text="Omitted: every open case of the worker.")
    reason = serializers.CharField(max_length=2000)


class CaseloadHandoverOutput(serializers.Serializer):
    cases = serializers.ListField(child=serializers.IntegerField())
    appointments = serializers.IntegerField()
    conflicts = serializers.ListField(child=serializers.IntegerField(), help_text=(
        "Appointments left with the former worker: the new one is booked at that time."))
    others = serializers.DictField(child=serializers.IntegerField())


class HandoverView(APIView):
    @extend_schema(request=CaseloadHandoverInput,
                   responses={200: CaseloadHandoverOutput, **_ERRORS},
                   operation_id="cases_caseload_handover", tags=TAGS,
                   description="Hand a worker's open cases (all or some) and their future "
                   "appointments over to another worker of the centre.")
    def post(self, request):
        data = _valid(CaseloadHandoverInput, request.data)
        workers = casework.handover_workers(user=request.user)
        from_worker = workers.filter(pk=data["from_worker"]).first()
        if from_worker is None:
            raise NotFound()
        result = casework.caseload_handover(
            actor=request.user, from_worker=from_worker, to_worker=data["to_worker"],
            cases=data.get("cases"), reason=data["reason"])
        return Response(CaseloadHandoverOutput({
            "cases": [c.pk for c in result.cases], "appointments": result.appointments,
            "conflicts": [a.pk for a in result.conflicts], "others": result.others}).data)


