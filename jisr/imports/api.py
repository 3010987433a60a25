"""REST API of imports: start an import by uploading a file, follow a run's progress, read
its report. Scoped like the pages: a centre manager sees the sources and runs of their
centre; anyone else gets 403 or 404."""

from __future__ import annotations

import json

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.accounts import policy
from jisr.core.api import ErrorBodySerializer, Pagination
from jisr.imports import report, selectors, services
from jisr.imports.fields import FIELD_NAMES
from jisr.imports.messages import message
from jisr.imports.models import ImportIssue, ImportRun, ImportSource

TAGS = ["imports"]
PERMISSION = "imports.import_persons"
_ERRORS = {400: ErrorBodySerializer, 403: ErrorBodySerializer, 404: ErrorBodySerializer}


class SourceOutput(serializers.ModelSerializer):
    centre = serializers.CharField(source="centre.code")

    class Meta:
        model = ImportSource
        fields = ["id", "name", "centre", "mapping", "created_at", "updated_at"]


class RunOutput(serializers.ModelSerializer):
    source = serializers.CharField(source="source.name")
    percent = serializers.IntegerField()
    error_message = serializers.SerializerMethodField()

    class Meta:
        model = ImportRun
        fields = ["id", "source", "dry_run", "status", "file_name", "file_size",
                  "file_format", "encoding", "delimiter", "headers", "mapping", "total_rows",
                  "cursor", "percent", *ImportRun.COUNT_FIELDS, "error", "error_message",
                  "created_at", "started_at", "finished_at"]

    def get_error_message(self, run) -> str:
        return message(run.error) if run.error else ""


class IssueOutput(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    value = serializers.CharField(help_text=_("Control characters and text-direction "
                                              "overrides shown as [U+XXXX]."))
    severity = serializers.ChoiceField(choices=ImportIssue.Severity.choices)
    message = serializers.CharField()
    person_id = serializers.IntegerField(allow_null=True, help_text=_(
        "The registered person the row is or may duplicate, when the caller may see them."))
    elsewhere = serializers.BooleanField(help_text=_(
        "The row concerns a person followed by another centre (not identified here)."))
    other_row = serializers.IntegerField(allow_null=True)


class RunStartInput(serializers.Serializer):
    file = serializers.FileField(help_text=_("CSV (any usual encoding and delimiter) or XLSX; "
                                             "the first row names the columns."))
    source = serializers.CharField(max_length=120, help_text=_(
        "The source's name; created at its first import."))
    dry_run = serializers.BooleanField(default=True, help_text=_(
        "Check and report without registering anyone (the default)."))
    mapping = serializers.CharField(required=False, allow_blank=True, help_text=_(
        'JSON object of column header → field, e.g. {"Prénom": "first_name_lat"}; '
        "completes the source's saved mapping and the guess."))
    encoding = serializers.ChoiceField(choices=["", "utf-8", "cp1256", "cp1252", "latin-1",
                                                "utf-16"], required=False, allow_blank=True)

    def validate_mapping(self, value):
        if not value:
            return {}
        try:
            mapping = json.loads(value)
        except ValueError:
            mapping = None
        if not isinstance(mapping, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and (not v or v in FIELD_NAMES)
                for k, v in mapping.items()):
            raise serializers.ValidationError(_(
                "A JSON object of column header → field name, with fields from the list in "
                "docs/imports.md."))
        return mapping


class SourceListView(APIView):
    @extend_schema(responses={200: SourceOutput(many=True), **_ERRORS},
                   operation_id="imports_sources_list", tags=TAGS)
    def get(self, request):
        policy.check_perm(request.user, PERMISSION)
        return Response(SourceOutput(selectors.sources_for(request.user).order_by("name"),
                                     many=True).data)


class RunListView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses={200: RunOutput(many=True), **_ERRORS},
                   operation_id="imports_runs_list", tags=TAGS)
    def get(self, request):
        policy.check_perm(request.user, PERMISSION)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.runs_for(request.user), request,
                                           view=self)
        return paginator.get_paginated_response(RunOutput(page, many=True).data)

    @extend_schema(request={"multipart/form-data": RunStartInput},
                   responses={201: RunOutput, **_ERRORS}, operation_id="imports_runs_create",
                   tags=TAGS, description=(
                       "Upload a file and start its import (a dry run unless dry_run is "
                       "false) in the background; follow it at the run's URL. At most "
                       "JISR_IMPORT_MAX_MB megabytes."))
    def post(self, request):
        serializer = RunStartInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        if upload.size > services.max_bytes():
            raise serializers.ValidationError({"file": [message(
                "file_too_large", {"max": services.max_bytes() // (1024 * 1024)})]})
        run = services.import_run_start(
            actor=request.user, source_name=data["source"], file_name=upload.name,
            content=upload.read(), dry_run=data["dry_run"], mapping=data.get("mapping"),
            encoding=data.get("encoding", ""), confirm=True)
        return Response(RunOutput(run).data, status=status.HTTP_201_CREATED)


class RunDetailView(APIView):
    @extend_schema(responses={200: RunOutput, **_ERRORS}, operation_id="imports_runs_retrieve",
                   tags=TAGS, description="The run's progress (cursor out of total_rows) "
                   "and counts.")
    def get(self, request, run_id: int):
        policy.check_perm(request.user, PERMISSION)
        return Response(RunOutput(selectors.run_get_for_user(user=request.user,
                                                             run_id=run_id)).data)


class RunIssuesView(APIView):
    @extend_schema(responses={200: IssueOutput(many=True), **_ERRORS},
                   operation_id="imports_runs_issues", tags=TAGS, description=(
                       "The run's report, one line per refused cell or reported row, in "
                       "the request's language (Accept-Language: ar or fr)."))
    def get(self, request, run_id: int):
        policy.check_perm(request.user, PERMISSION)
        run = selectors.run_get_for_user(user=request.user, run_id=run_id)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.run_issues(user=request.user, run=run),
                                           request, view=self)
        visible = selectors.visible_persons(user=request.user, issues=page)
        return paginator.get_paginated_response(IssueOutput(report.lines(page, visible),
                                                            many=True).data)
