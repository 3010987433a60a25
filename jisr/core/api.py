"""Shared pieces of the REST API: pagination, the one error format, the exception handler.

Every error body has the same shape, translated into the request's language
(``Accept-Language`` or the language cookie)::

    {"error": {"code": "validation_failed", "message": "…", "fields": {"cin": ["…"]}},
     "request_id": "…"}
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from jisr.core.exceptions import DomainError


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


@extend_schema_serializer(examples=[OpenApiExample("Validation error", value={
    "error": {"code": "validation_failed", "message": "Some values are not valid.",
              "fields": {"username": ["This field is required."]}},
    "request_id": "3f2b…"})])
class ErrorBodySerializer(serializers.Serializer):
    class _Error(serializers.Serializer):
        code = serializers.CharField()
        message = serializers.CharField()
        fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                       required=False)

    error = _Error()
    request_id = serializers.CharField()


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{key}.{sub}"] = msgs
            elif isinstance(value, list):
                out[key] = [str(v) for v in value if not isinstance(v, dict)] or [
                    str(m) for v in value if isinstance(v, dict) for m in _flatten(v).values()]
            else:
                out[key] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(d) for d in detail]}
    return {}


def error_body(request, *, code: str, message: str, fields: dict | None = None) -> dict:
    body = {"error": {"code": code, "message": str(message)},
            "request_id": getattr(getattr(request, "_request", request), "request_id", "")}
    if fields:
        body["error"]["fields"] = {k: [str(m) for m in v] for k, v in fields.items()}
    return body


def exception_handler(exc, context):
    request = context.get("request")
    if isinstance(exc, DomainError):
        return Response(error_body(request, code=exc.code, message=exc.message,
                                   fields=exc.fields), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {
            "non_field_errors": exc.messages}
        return Response(error_body(request, code="validation_failed",
                                   message=_("Some values are not valid."), fields=fields),
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(request, code="validation_failed",
                          message=_("Some values are not valid."), fields=_flatten(exc.detail))
    elif isinstance(exc, exceptions.ParseError):
        body = error_body(request, code="malformed_request",
                          message=_("The request body could not be read."))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = error_body(request, code=str(code), message=str(detail))
    response.data = body
    return response
