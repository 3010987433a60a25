"""REST API of the inbox: the caller's own in-app notifications, and marking them read."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.core.api import ErrorBodySerializer, Pagination
from jisr.notifications import selectors, services
from jisr.notifications.models import Notification

TAGS = ["notifications"]
_ERRORS = {400: ErrorBodySerializer, 403: ErrorBodySerializer, 404: ErrorBodySerializer}


class NotificationOutput(serializers.ModelSerializer):
    unread = serializers.BooleanField()

    class Meta:
        model = Notification
        fields = ["id", "reference", "event", "language", "subject", "body", "link_label",
                  "link_url", "status", "unread", "created_at", "read_at"]


class NotificationListView(APIView):
    @extend_schema(parameters=[OpenApiParameter("unread", bool, required=False, description=(
        "Only the notifications not read yet."))],
        responses={200: NotificationOutput(many=True), **_ERRORS},
        operation_id="notifications_list", tags=TAGS, description=(
            "The caller's own inbox, latest first. Nobody sees another's notifications."))
    def get(self, request):
        unread = request.query_params.get("unread", "").lower()
        if unread not in ("", "true", "false", "1", "0"):
            raise serializers.ValidationError({"unread": [
                serializers.BooleanField.default_error_messages["invalid"]]})
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.inbox(
            user=request.user, unread_only=unread in ("true", "1")), request, view=self)
        return paginator.get_paginated_response(NotificationOutput(page, many=True).data)


class NotificationReadView(APIView):
    @extend_schema(request=None, responses={200: NotificationOutput, **_ERRORS},
                   operation_id="notifications_mark_read", tags=TAGS)
    def post(self, request, notification_id: int):
        notification = services.notification_mark_read(user=request.user,
                                                       notification_id=notification_id)
        return Response(NotificationOutput(notification).data)


class NotificationReadAllView(APIView):
    @extend_schema(request=None, responses={200: inline_serializer(
        "NotificationsReadAll", {"count": serializers.IntegerField()}), **_ERRORS},
        operation_id="notifications_mark_all_read", tags=TAGS)
    def post(self, request):
        return Response({"count": services.notifications_mark_all_read(user=request.user)})
