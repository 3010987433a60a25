from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from jisr.accounts import policy
from jisr.core import selectors
from jisr.core.api import Pagination
from jisr.core.forms_audit import AuditFilterForm
from jisr.core.models import AuditEntry


class AuditEntryOutput(serializers.ModelSerializer):
    actor_username = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "actor_username", "kind", "action", "object_type",
                  "object_id", "object_label", "fields", "before", "after", "reason", "count",
                  "request_id", "channel"]
        read_only_fields = fields


class AuditListView(APIView):
    @extend_schema(responses={200: AuditEntryOutput(many=True)}, operation_id="audit_list",
                   tags=["audit"])
    def get(self, request):
        """Browse the audit trail (administrators), filtered like the audit page."""
        policy.check_perm(request.user, "audit.browse")
        form = AuditFilterForm(request.query_params)
        qs = selectors.audit_list(user=request.user,
                                  filters=form.cleaned_data if form.is_valid() else {})
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(AuditEntryOutput(page, many=True).data)
