from __future__ import annotations

import contextlib
import functools

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from jisr.accounts import policy
from jisr.core import panels, selectors
from jisr.core.forms_audit import AuditFilterForm


def permission_required(perm: str):
    """Login, then the policy's named permission (refusals render the 403 page)."""

    def decorator(view):
        @login_required
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            policy.check_perm(request.user, perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def language_set(request):
    """Django's language switch; a signed-in staff member's choice is also remembered on
    their account, so that their notifications are written in it."""
    from django.views.i18n import set_language

    from jisr.accounts.services import user_set_language
    from jisr.core.exceptions import ValidationFailed

    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated:
        # An unknown code: Django's view ignored it too, nothing to remember.
        with contextlib.suppress(ValidationFailed):
            user_set_language(user=request.user, language=language)
    return response


@login_required
def home(request):
    return render(request, "core/home.html", {"panels": panels.panels_for(request.user)})


@permission_required("audit.browse")
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    qs = selectors.audit_list(user=request.user,
                              filters=form.cleaned_data if form.is_valid() else {})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    template = "core/_audit_rows.html" if request.htmx else "core/audit_list.html"
    return render(request, template, {"page": page, "form": form})


def error_page(request, *, status: int, message: str = ""):
    return render(request, "core/error.html", {"status": status, "message": message},
                  status=status)


def handler403(request, exception=None):
    return error_page(request, status=403, message=getattr(exception, "message", ""))


def handler404(request, exception=None):
    return error_page(request, status=404)


def handler500(request):
    return render(request, "core/error.html", {"status": 500}, status=500)
