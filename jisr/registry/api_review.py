"""REST API of duplicate review: batch scans, the review queue and its decisions, merges
and their undoing. Same rules as the pages: pairs touching the caller's scope, the other
record as its identity card (an audited read)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.accounts import policy
from jisr.core.api import Pagination
from jisr.registry import duplicates, merging, review, selectors
from jisr.registry.api import (
    _ERRORS,
    CandidatePersonOutput,
    IdentityCardOutput,
    _valid,
)
from jisr.registry.models import DuplicatePair, DuplicateScan, PersonMerge

TAGS = ["registry: duplicates"]


class ScanOutput(serializers.ModelSerializer):
    percent = serializers.IntegerField()

    class Meta:
        model = DuplicateScan
        fields = ["id", "status", "phase", "done", "total", "percent", "persons",
                  "pairs_found", "pairs_new", "created_at", "started_at", "finished_at"]


class StoredReasonOutput(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.SerializerMethodField()

    def get_text(self, data) -> str:
        return duplicates.reason_text(duplicates.stored_reason(data))


class PairOutput(serializers.ModelSerializer):
    reasons = StoredReasonOutput(many=True)
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True)

    class Meta:
        model = DuplicatePair
        fields = ["id", "person_a", "person_b", "decision", "score", "reasons", "status",
                  "found_at", "decided_by", "decided_at", "note"]


class SideOutput(serializers.Serializer):
    person_id = serializers.IntegerField()
    person = CandidatePersonOutput(allow_null=True)
    identity_card = IdentityCardOutput(source="card", allow_null=True)


class PairDetailOutput(serializers.Serializer):
    pair = PairOutput()
    a = SideOutput()
    b = SideOutput()


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[DuplicatePair.Status.CONFIRMED,
                                                DuplicatePair.Status.DISMISSED])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class MergeInput(serializers.Serializer):
    survivor = serializers.IntegerField(min_value=1, help_text="The record kept.")
    absorbed = serializers.IntegerField(min_value=1, help_text="The record merged into it.")
    choices = serializers.DictField(
        child=serializers.ChoiceField(choices=[merging.SURVIVOR, merging.ABSORBED]),
        required=False, help_text="For each of " + ", ".join(merging.CHOICES)
        + ": whose value to keep (the survivor's when not given).")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class MergeOutput(serializers.ModelSerializer):
    class Meta:
        model = PersonMerge
        fields = ["id", "survivor", "absorbed", "pair", "choices", "note", "merged_by",
                  "merged_at", "undone_by", "undone_at", "undo_reason"]


class UndoInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ScanListView(APIView):
    @extend_schema(request=None, responses={201: ScanOutput, 409: _ERRORS[400], **_ERRORS},
                   operation_id="duplicate_scans_create", tags=TAGS, description=(
                       "Queue a duplicate scan of the whole registry (one at a time); "
                       "follow it with duplicate_scans_retrieve."))
    def post(self, request):
        scan = review.duplicate_scan_start(actor=request.user)
        return Response(ScanOutput(scan).data, status=status.HTTP_201_CREATED)


class ScanDetailView(APIView):
    @extend_schema(responses={200: ScanOutput, **_ERRORS},
                   operation_id="duplicate_scans_retrieve", tags=TAGS)
    def get(self, request, scan_id: int):
        scan = selectors.duplicate_scan_get_for_user(user=request.user, scan_id=scan_id)
        return Response(ScanOutput(scan).data)


class PairListView(APIView):
    @extend_schema(parameters=[OpenApiParameter(
        "status", str, enum=DuplicatePair.Status.values, required=False)],
        responses={200: PairOutput(many=True), **_ERRORS},
        operation_id="duplicate_pairs_list", tags=TAGS, description=(
            "The review queue: pairs of which the caller's scope holds at least one record, "
            "most probable first."))
    def get(self, request):
        policy.check_perm(request.user, "registry.review_duplicates")
        wanted = request.query_params.get("status") or DuplicatePair.Status.OPEN
        if wanted not in DuplicatePair.Status.values:
            raise serializers.ValidationError({"status": [
                serializers.ChoiceField(choices=DuplicatePair.Status.values)
                .error_messages["invalid_choice"].format(input=wanted)]})
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.duplicate_pair_list(
            user=request.user, status=wanted), request, view=self)
        return paginator.get_paginated_response(PairOutput(page, many=True).data)


class PairDetailView(APIView):
    @extend_schema(responses={200: PairDetailOutput, **_ERRORS},
                   operation_id="duplicate_pairs_retrieve", tags=TAGS)
    def get(self, request, pair_id: int):
        policy.check_perm(request.user, "registry.review_duplicates")
        pair = selectors.duplicate_pair_get_for_user(user=request.user, pair_id=pair_id)
        a, b = selectors.duplicate_pair_sides(user=request.user, pair=pair)
        return Response(PairDetailOutput({"pair": pair, "a": a, "b": b}).data)


class PairDecisionView(APIView):
    @extend_schema(request=DecisionInput, responses={200: PairOutput, 409: _ERRORS[400],
                                                     **_ERRORS},
                   operation_id="duplicate_pairs_decide", tags=TAGS)
    def post(self, request, pair_id: int):
        data = _valid(DecisionInput, request.data)
        pair = review.duplicate_pair_decide(actor=request.user, pair_id=pair_id, **data)
        return Response(PairOutput(pair).data)


class MergeListView(APIView):
    @extend_schema(request=MergeInput, responses={201: MergeOutput, 409: _ERRORS[400],
                                                  **_ERRORS},
                   operation_id="person_merges_create", tags=TAGS, description=(
                       "Merge the absorbed record into the survivor, field by field; every "
                       "row linked to the absorbed record moves to the survivor. Undo with "
                       "person_merges_undo."))
    def post(self, request):
        data = _valid(MergeInput, request.data)
        merge = merging.person_merge(
            actor=request.user, survivor_id=data["survivor"], absorbed_id=data["absorbed"],
            choices=data.get("choices") or {}, note=data.get("note", ""),
            base_url=request.build_absolute_uri("/"))
        return Response(MergeOutput(merge).data, status=status.HTTP_201_CREATED)


class MergeDetailView(APIView):
    @extend_schema(responses={200: MergeOutput, **_ERRORS},
                   operation_id="person_merges_retrieve", tags=TAGS)
    def get(self, request, merge_id: int):
        merge = selectors.merge_get_for_user(user=request.user, merge_id=merge_id)
        return Response(MergeOutput(merge).data)


class MergeUndoView(APIView):
    @extend_schema(request=UndoInput, responses={200: MergeOutput, 409: _ERRORS[400],
                                                 **_ERRORS},
                   operation_id="person_merges_undo", tags=TAGS)
    def post(self, request, merge_id: int):
        data = _valid(UndoInput, request.data)
        merge = merging.person_unmerge(actor=request.user, merge_id=merge_id,
                                       reason=data["reason"],
                                       base_url=request.build_absolute_uri("/"))
        return Response(MergeOutput(merge).data)
