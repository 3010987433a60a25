from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from jisr.accounts import policy, selectors, services
from jisr.accounts.forms import LoginForm, OTPTokenForm, ReasonForm, StaffFilterForm, StaffForm
from jisr.core import audit
from jisr.core.exceptions import DomainError, NotFound
from jisr.core.forms import add_domain_error
from jisr.core.views import permission_required


def locked_out(request, credentials=None, *args, **kwargs):
    """Answered by django-axes instead of the login while an account is locked."""
    if request.path.startswith("/api/"):
        from jisr.accounts.api import locked_out_body

        return JsonResponse(locked_out_body(request), status=429)
    return render(request, "accounts/locked_out.html", status=429)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        audit.record_security(actor=user, action="accounts.login", obj=user)
        # On a browser where nobody chose a language yet (a new computer at the centre),
        # the staff member finds the one they chose last time, wherever they chose it.
        if (user.preferred_language in dict(settings.LANGUAGES)
                and settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, user.preferred_language,
                max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE)
        return response


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.record_security(actor=request.user, action="accounts.logout", obj=request.user)
    return auth_views.LogoutView.as_view()(request)


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@login_required
def two_factor(request):
    """Second step of the login: enrol an authenticator the first time, then enter its code."""
    user = request.user
    if getattr(user, "is_verified", lambda: False)():
        return redirect("core:home")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "authenticator"})
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = device if (enrolling and device.verify_token(form.cleaned_data["token"])) \
            else (None if enrolling else match_token(user, form.cleaned_data["token"]))
        if verified is not None:
            if enrolling:
                verified.confirmed = True
                verified.save(update_fields=["confirmed"])
                audit.record_security(actor=user, action="accounts.two_factor.enrol", obj=user)
            otp_login(request, verified)
            return redirect(request.GET.get("next") or "core:home")
        audit.record_security(actor=user, action="accounts.two_factor.failure", obj=user)
        form.add_error("token", _("This code is not valid. Check the time on your phone and "
                                  "try the next code."))
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        context["secret"] = base64.b32encode(device.bin_key).decode()
        context["qr_svg"] = _qr_svg(device.config_url)
    return render(request, "accounts/two_factor.html", context)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/set_password_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record_security(actor=form.user, action="accounts.password.reset", obj=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record_security(actor=self.request.user, action="accounts.password.change",
                              obj=self.request.user)
        messages.success(self.request, _("Your password was changed."))
        return response


@login_required
def team(request):
    policy.check_perm(request.user, "accounts.view_team")
    members = selectors.user_list(user=request.user, filters={"active": "1"}).exclude(
        pk=request.user.pk)
    return render(request, "accounts/team.html", {"members": members})


@permission_required("accounts.manage_staff")
def staff_list(request):
    filters = StaffFilterForm(request.GET or None)
    qs = selectors.user_list(user=request.user,
                             filters=filters.cleaned_data if filters.is_valid() else {})
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    locked = selectors.locked_usernames([u.username for u in page])
    template = "accounts/_staff_rows.html" if request.htmx else "accounts/staff_list.html"
    return render(request, template, {"page": page, "filters": filters, "locked": locked})


def _save_staff(request, form, *, instance=None):
    try:
        if instance is None:
            return services.user_create(actor=request.user, base_url=request.build_absolute_uri(
                "/"), **form.cleaned_data)
        return services.user_update(actor=request.user, user=instance, **{
            k: v for k, v in form.cleaned_data.items() if k in services.EDITABLE_FIELDS})
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


@permission_required("accounts.manage_staff")
def staff_create(request):
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = _save_staff(request, form)
        if user:
            messages.success(request, _("Account created; an invitation to choose a password "
                                        "was sent to %(email)s.") % {"email": user.email})
            return redirect("accounts:staff_detail", user_id=user.pk)
    return render(request, "accounts/staff_form.html", {"form": form, "creating": True})


@permission_required("accounts.manage_staff")
def staff_detail(request, user_id: int):
    member = selectors.user_get_for_user(user=request.user, user_id=user_id)
    form = StaffForm(request.POST or None, instance=member, editing=True)
    if request.method == "POST" and form.is_valid() and _save_staff(request, form,
                                                                    instance=member):
        messages.success(request, _("Changes saved."))
        return redirect("accounts:staff_detail", user_id=member.pk)
    return render(request, "accounts/staff_form.html", {
        "form": form, "member": member, "reason_form": ReasonForm(),
        "locked": member.username in selectors.locked_usernames([member.username]),
        "has_device": TOTPDevice.objects.filter(user=member, confirmed=True).exists()})


STAFF_ACTIONS = ("deactivate", "activate", "reset-two-factor", "unlock")


@permission_required("accounts.manage_staff")
@require_POST
def staff_action(request, user_id: int, action: str):
    if action not in STAFF_ACTIONS:
        raise NotFound()
    member = selectors.user_get_for_user(user=request.user, user_id=user_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action in ("deactivate", "activate"):
            if action == "deactivate" and not reason:
                raise DomainError(_("Give a reason for deactivating this account."))
            services.user_set_active(actor=request.user, user=member,
                                     active=action == "activate", reason=reason)
        elif action == "reset-two-factor":
            services.user_reset_two_factor(actor=request.user, user=member, reason=reason)
        elif action == "unlock":
            services.user_unlock(actor=request.user, user=member)
        messages.success(request, _("Done."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("accounts:staff_detail", kwargs={"user_id": member.pk}))
