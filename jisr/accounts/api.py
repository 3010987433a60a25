"""REST API of staff accounts: tokens, the current user, and user management (admins)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from django_otp import match_token
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.accounts import policy, selectors, services
from jisr.accounts.models import User
from jisr.accounts.roles import ROLE_SCOPE, TWO_FACTOR_ROLES, Role
from jisr.core.api import ErrorBodySerializer, Pagination, error_body
from jisr.core.exceptions import DomainError
from jisr.network.models import Centre, PartnerOrganisation
from jisr.territory.models import Province, Region


class UserOutput(serializers.ModelSerializer):
    scope_kind = serializers.CharField(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "first_name", "last_name", "full_name_ar",
                  "phone", "role", "role_label", "scope_kind", "centre", "partner",
                  "province", "region", "is_active", "last_login", "date_joined"]
        read_only_fields = fields


class _UserFields(serializers.Serializer):
    email = serializers.EmailField()
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    full_name_ar = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices)
    centre = serializers.PrimaryKeyRelatedField(queryset=Centre.objects.all(), required=False,
                                                allow_null=True)
    partner = serializers.PrimaryKeyRelatedField(
        queryset=PartnerOrganisation.objects.all(), required=False, allow_null=True)
    province = serializers.PrimaryKeyRelatedField(queryset=Province.objects.all(),
                                                  required=False, allow_null=True)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), required=False,
                                                allow_null=True)


class UserCreateInput(_UserFields):
    username = serializers.RegexField(r"^[\w.@+-]{3,150}$", max_length=150)


class UserUpdateInput(_UserFields):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class TokenInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})
    otp = serializers.RegexField(r"^\d{6}$", required=False, help_text=_(
        "Six-digit one-time code; required for roles with two-factor login."))


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    user = UserOutput()


class TokenView(APIView):
    """Exchange a username and password (and a one-time code where the role requires it)
    for an API token. Failures count towards the same lockout as the web login."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=TokenInput, responses={200: TokenOutput, 400: ErrorBodySerializer,
                                                   401: ErrorBodySerializer,
                                                   429: ErrorBodySerializer},
                   operation_id="auth_token_create", tags=["auth"])
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(request=django_request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if getattr(django_request, "axes_locked_out", False):
            return Response(locked_out_body(django_request), status=429)
        if user is None:
            return Response(error_body(request, code="invalid_credentials", message=_(
                "Username or password is not correct.")), status=status.HTTP_401_UNAUTHORIZED)
        if user.requires_two_factor and policy_requires_otp():
            otp = data.validated_data.get("otp")
            if not otp:
                return Response(error_body(request, code="otp_required", message=_(
                    "This account logs in with a one-time code: send it as 'otp'.")),
                    status=status.HTTP_401_UNAUTHORIZED)
            if match_token(user, otp) is None:
                return Response(error_body(request, code="otp_invalid", message=_(
                    "This one-time code is not valid.")), status=status.HTTP_401_UNAUTHORIZED)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key, "user": UserOutput(user).data})

    @extend_schema(request=None, responses={204: None}, operation_id="auth_token_delete",
                   tags=["auth"])
    def delete(self, request):
        """Revoke the token used for this request (log out of the API)."""
        from rest_framework.authentication import TokenAuthentication

        result = TokenAuthentication().authenticate(request)
        if result is None:
            return Response(error_body(request, code="not_authenticated", message=_(
                "Authentication credentials were not provided.")), status=401)
        result[1].delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


def policy_requires_otp() -> bool:
    from django.conf import settings

    return settings.JISR_REQUIRE_TWO_FACTOR


def locked_out_body(request) -> dict:
    return error_body(request, code="locked_out", message=_(
        "Too many failed attempts: this account is locked for a while. An administrator "
        "can unlock it."))


class MeView(APIView):
    @extend_schema(responses={200: UserOutput}, operation_id="me_retrieve", tags=["accounts"])
    def get(self, request):
        return Response(UserOutput(request.user).data)


class RoleOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    scope_kind = serializers.CharField()
    two_factor_required = serializers.BooleanField()
    permissions = serializers.ListField(child=serializers.CharField())


class RoleListView(APIView):
    @extend_schema(responses={200: RoleOutput(many=True)}, operation_id="roles_list",
                   tags=["accounts"])
    def get(self, request):
        policy.check_perm(request.user, "accounts.manage_staff")
        return Response([{
            "code": role.value, "label": str(role.label), "scope_kind": ROLE_SCOPE[role],
            "two_factor_required": role in TWO_FACTOR_ROLES,
            "permissions": sorted(p for p, roles in policy.PERMISSIONS.items() if role in roles),
        } for role in Role])


class UserListView(APIView):
    @extend_schema(parameters=[inline_serializer("UserFilter", {
        "q": serializers.CharField(required=False),
        "role": serializers.ChoiceField(choices=Role.choices, required=False),
        "active": serializers.ChoiceField(choices=["1", "0"], required=False)})],
        responses={200: UserOutput(many=True)}, operation_id="users_list", tags=["accounts"])
    def get(self, request):
        policy.check_perm(request.user, "accounts.manage_staff")
        qs = selectors.user_list(user=request.user, filters=request.query_params)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(UserOutput(page, many=True).data)

    @extend_schema(request=UserCreateInput, responses={201: UserOutput,
                                                       400: ErrorBodySerializer},
                   operation_id="users_create", tags=["accounts"])
    def post(self, request):
        policy.check_perm(request.user, "accounts.manage_staff")
        data = UserCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, base_url=request.build_absolute_uri("/"),
                                    **data.validated_data)
        return Response(UserOutput(user).data, status=status.HTTP_201_CREATED)


class UserDetailView(APIView):
    @extend_schema(responses={200: UserOutput, 404: ErrorBodySerializer},
                   operation_id="users_retrieve", tags=["accounts"])
    def get(self, request, user_id: int):
        policy.check_perm(request.user, "accounts.manage_staff")
        return Response(UserOutput(selectors.user_get_for_user(user=request.user,
                                                               user_id=user_id)).data)

    @extend_schema(request=UserUpdateInput, responses={200: UserOutput,
                                                       400: ErrorBodySerializer},
                   operation_id="users_partial_update", tags=["accounts"])
    def patch(self, request, user_id: int):
        policy.check_perm(request.user, "accounts.manage_staff")
        member = selectors.user_get_for_user(user=request.user, user_id=user_id)
        data = UserUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        reason = changes.pop("reason", "")
        user = services.user_update(actor=request.user, user=member, reason=reason, **changes)
        return Response(UserOutput(user).data)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class UserActivationView(APIView):
    active: bool = False

    @extend_schema(request=ReasonInput, responses={200: UserOutput, 400: ErrorBodySerializer},
                   tags=["accounts"])
    def post(self, request, user_id: int):
        policy.check_perm(request.user, "accounts.manage_staff")
        member = selectors.user_get_for_user(user=request.user, user_id=user_id)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        if member.pk == request.user.pk:
            raise DomainError(_("You cannot deactivate your own account."), code="own_account")
        user = services.user_set_active(actor=request.user, user=member, active=self.active,
                                        reason=data.validated_data["reason"])
        return Response(UserOutput(user).data)


class UserDeactivateView(UserActivationView):
    active = False


class UserActivateView(UserActivationView):
    active = True

