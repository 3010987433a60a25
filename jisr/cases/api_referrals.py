"""REST API of referrals: sending one from a case, the lists of both sides, one referral as
the caller may read it, the receiver's answers and the slip (PDF).

Like the rest of the cases API, input is validated before the services' permission checks,
and referrals outside the caller's two sides answer 404. The receiver's representation
carries the identity card and what the referral shares, never the case (``case`` is null).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.cases import referral_selectors as selectors
from jisr.cases import referral_services as services
from jisr.cases import selectors as case_selectors
from jisr.cases.referrals import Referral
from jisr.cases.views_referrals import slip_language, slip_pdf
from jisr.core.api import ErrorBodySerializer, Pagination
from jisr.core.pdf import pdf_response
from jisr.network.models import ServiceOffering

TAGS = ["referrals"]
_ERRORS = {400: ErrorBodySerializer, 403: ErrorBodySerializer, 404: ErrorBodySerializer,
           409: ErrorBodySerializer}


class IdentityOutput(serializers.Serializer):
    name_ar = serializers.CharField()
    name_lat = serializers.CharField()
    sex = serializers.CharField()
    birth = serializers.CharField()
    commune = serializers.CharField(source="commune.code", default=None)
    masked_cin = serializers.CharField()


class ReferralOutput(serializers.Serializer):
    id = serializers.IntegerField(source="referral.pk")
    reference = serializers.CharField(source="referral.reference")
    case = serializers.SerializerMethodField(help_text="Null for the receiving side.")
    offering = serializers.IntegerField(source="referral.offering_id")
    service = serializers.CharField(source="referral.offering.service.code")
    provider_centre = serializers.CharField(source="referral.offering.centre.code",
                                            default=None)
    provider_partner = serializers.CharField(source="referral.offering.partner.code",
                                             default=None)
    from_centre = serializers.CharField(source="referral.from_centre.code")
    status = serializers.ChoiceField(source="referral.status",
                                     choices=Referral.Status.choices)
    queue_position = serializers.IntegerField(source="position", allow_null=True,
                                              help_text="Place on the waiting list (1: next).")
    shared = serializers.ListField(source="referral.shared", child=serializers.ChoiceField(
        choices=Referral.Share.choices))
    person = IdentityOutput(source="*")
    request = serializers.CharField(help_text="Empty unless shared.")
    needs = serializers.ListField(child=serializers.CharField(),
                                  help_text="Need domains (labels); empty unless shared.")
    note = serializers.CharField(help_text="Empty unless shared (or for the sender).")
    consent_withdrawn = serializers.BooleanField()
    referred_by = serializers.IntegerField(source="referral.referred_by_id")
    created_at = serializers.DateTimeField(source="referral.created_at")
    sent_at = serializers.DateTimeField(source="referral.sent_at")
    due_at = serializers.DateTimeField(source="referral.due_at",
                                       help_text="The answer's deadline.")
    delivery_due_at = serializers.DateTimeField(
        source="referral.delivery_due_at",
        help_text="Once accepted, the delivery's deadline (null before).")
    overdue = serializers.BooleanField(
        source="referral.is_overdue",
        help_text="Past the answer's deadline while sent, or the delivery's once accepted.")
    answered_at = serializers.DateTimeField(source="referral.answered_at")
    decline_reason = serializers.CharField(source="referral.decline_reason")
    outcome_at = serializers.DateTimeField(source="referral.outcome_at")
    outcome_note = serializers.CharField(source="referral.outcome_note")

    def get_case(self, card) -> int | None:
        return card.referral.case_id if card.sender else None


class ReferralInput(serializers.Serializer):
    offering = serializers.PrimaryKeyRelatedField(queryset=ServiceOffering.objects.select_related(
        "service", "centre", "partner"))
    shared = serializers.ListField(child=serializers.ChoiceField(
        choices=Referral.Share.choices), required=False, help_text=(
        "Beyond the identity card (always shared). With a partner, anything here needs the "
        "person's consent to sharing with a partner (else 409 consent_missing)."))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReferralReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReferralAcceptInput(serializers.Serializer):
    delivery_days = serializers.IntegerField(
        required=False, allow_null=True,
        help_text="Days the service commits to deliver within, from now (1 to 365); by "
                  "default the offering's delivery time.")


class ReferralDeliverInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _out(user, referral_id) -> dict:
    referral = selectors.referral_get_for_user(user=user, referral_id=referral_id)
    return ReferralOutput(selectors.referral_card(user=user, referral=referral)).data


class CaseReferralView(APIView):
    @extend_schema(responses={200: ReferralOutput(many=True), **_ERRORS},
                   operation_id="cases_referrals_list", tags=TAGS,
                   description="The referrals of a case the caller reads.")
    def get(self, request, case_id: int):
        case = case_selectors.case_get_for_user(user=request.user, case_id=case_id)
        return Response(ReferralOutput(
            selectors.case_referral_cards(user=request.user, case=case), many=True).data)

    @extend_schema(request=ReferralInput, responses={201: ReferralOutput, **_ERRORS},
                   operation_id="cases_referrals_send", tags=TAGS,
                   description="Refer the case to a service offering. A listened case "
                   "becomes oriented (an urgent one may be referred straight away); a service "
                   "at capacity queues the person (status `waiting`, `queue_position`).")
    def post(self, request, case_id: int):
        data = _valid(ReferralInput, request.data)
        case = case_selectors.case_get_for_user(user=request.user, case_id=case_id)
        referral = services.referral_send(actor=request.user, case=case, **data)
        return Response(_out(request.user, referral.pk), status=status.HTTP_201_CREATED)


class ReferralListView(APIView):
    @extend_schema(parameters=[
        OpenApiParameter("box", str, required=False, enum=["sent", "received"],
                         description="Sent from the caller's cases, or received by their "
                         "organisation; both by default."),
        OpenApiParameter("status", str, required=False, enum=Referral.Status.values)],
        responses={200: ReferralOutput(many=True), **_ERRORS},
        operation_id="referrals_list", tags=TAGS)
    def get(self, request):
        qs = selectors.referral_list(user=request.user,
                                     box=request.query_params.get("box", ""),
                                     status=request.query_params.get("status", ""))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        sent = set(selectors.referral_list(user=request.user, box="sent").filter(
            pk__in=[r.pk for r in page]).values_list("pk", flat=True))
        received = [r for r in page if r.pk not in sent]
        if received:
            from jisr.core import audit

            audit.record_reads(actor=request.user, objs=received, action="cases.referral.read")
        cards = [selectors.card_of(r, sender=r.pk in sent, receiver=r.pk not in sent,
                                   with_content=False) for r in page]
        return paginator.get_paginated_response(ReferralOutput(cards, many=True).data)


class ReferralDetailView(APIView):
    @extend_schema(responses={200: ReferralOutput, **_ERRORS},
                   operation_id="referrals_retrieve", tags=TAGS,
                   description="One referral as the caller may read it (a receiver's "
                   "reading is audited).")
    def get(self, request, referral_id: int):
        return Response(_out(request.user, referral_id))


def _answer(request, referral_id, step, input_class=None) -> Response:
    data = _valid(input_class, request.data) if input_class else {}
    referral = selectors.referral_get_for_user(user=request.user, referral_id=referral_id)
    step(actor=request.user, referral=referral, **data)
    return Response(_out(request.user, referral_id))


class ReferralAcceptView(APIView):
    @extend_schema(request=ReferralAcceptInput, responses={200: ReferralOutput, **_ERRORS},
                   operation_id="referrals_accept", tags=TAGS,
                   description="The receiving service accepts (sent only; else 409), "
                   "committing to deliver by `delivery_due_at`: `delivery_days` from now, by "
                   "default the offering's delivery time.")
    def post(self, request, referral_id: int):
        return _answer(request, referral_id, services.referral_accept, ReferralAcceptInput)


class ReferralDeclineView(APIView):
    @extend_schema(request=ReferralReasonInput, responses={200: ReferralOutput, **_ERRORS},
                   operation_id="referrals_decline", tags=TAGS,
                   description="Decline a sent or waiting referral, with the reason.")
    def post(self, request, referral_id: int):
        return _answer(request, referral_id, services.referral_decline, ReferralReasonInput)


class ReferralDeliverView(APIView):
    @extend_schema(request=ReferralDeliverInput, responses={200: ReferralOutput, **_ERRORS},
                   operation_id="referrals_deliver", tags=TAGS,
                   description="Report the service delivered (accepted only; else 409).")
    def post(self, request, referral_id: int):
        return _answer(request, referral_id, services.referral_deliver, ReferralDeliverInput)


class ReferralNotDeliverView(APIView):
    @extend_schema(request=ReferralReasonInput, responses={200: ReferralOutput, **_ERRORS},
                   operation_id="referrals_not_deliver", tags=TAGS,
                   description="Report the service not delivered, with the reason.")
    def post(self, request, referral_id: int):
        return _answer(request, referral_id, services.referral_not_deliver, ReferralReasonInput)


class ReferralWithdrawView(APIView):
    @extend_schema(request=ReferralReasonInput, responses={200: ReferralOutput, **_ERRORS},
                   operation_id="referrals_withdraw", tags=TAGS,
                   description="The referring side withdraws a referral still open "
                               "(waiting, sent or accepted), with the reason; else 409.")
    def post(self, request, referral_id: int):
        return _answer(request, referral_id, services.referral_withdraw, ReferralReasonInput)


class ReferralSlipView(APIView):
    @extend_schema(parameters=[OpenApiParameter("lang", str, required=False,
                                                enum=["ar", "fr"])],
                   responses={(200, "application/pdf"): OpenApiResponse(
                       OpenApiTypes.BINARY, description="The slip the person carries."),
                       **_ERRORS}, operation_id="referrals_slip", tags=TAGS)
    def get(self, request, referral_id: int):
        referral = selectors.referral_get_for_user(user=request.user, referral_id=referral_id)
        language = slip_language(request.query_params, "ar")
        return pdf_response(slip_pdf(request.user, referral, language),
                            filename=f"referral-{referral.reference}-{language}.pdf")
