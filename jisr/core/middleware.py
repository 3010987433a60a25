from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from jisr.core import context


class RequestContextMiddleware:
    """Gives every request an id (echoed in ``X-Request-ID``) that audit entries carry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.request_id = request_id
        channel = "api" if request.path.startswith("/api/") else "web"
        token = context._current.set(context.ActorContext(
            request_id=request_id, ip=request.META.get("REMOTE_ADDR"), channel=channel))
        try:
            response = self.get_response(request)
        finally:
            context._current.reset(token)
        response["X-Request-ID"] = request_id
        return response


class SlidingSessionMiddleware:
    """Slides a signed-in session's idle window (``JISR_SESSION_IDLE_MINUTES``) forward.

    Saving the session on every request (``SESSION_SAVE_EVERY_REQUEST``) is one more
    committed write per page view, which at a centre's pace is most of the database's
    writing. Saving it when the last save is a minute old or more keeps the window within a
    minute of exact for one write a minute per person. Sits inside the session middleware,
    which saves a modified session on the way out.
    """

    REFRESH_SECONDS = 60
    KEY = "_jisr_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Signed in through the session (an API token opens none)
        if session is not None and session.get(SESSION_KEY) is not None:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.REFRESH_SECONDS:
                session[self.KEY] = now
        return response

    @classmethod
    def logged_in(cls, sender, request, user, **kwargs) -> None:
        """A login saves the session: the window starts there (``user_logged_in``)."""
        session = getattr(request, "session", None)
        if session is not None:
            session[cls.KEY] = int(time.time())


class DomainErrorMiddleware:
    """Turns a domain exception escaping a web view into the matching error page.

    Views handle the refusals they expect (showing them on a form); this catches the rest,
    notably NotFound for records outside the user's scope. API views never reach here: DRF's
    exception handler (jisr.core.api) answers them in JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from jisr.core.exceptions import DomainError
        from jisr.core.views import error_page

        if not isinstance(exception, DomainError):
            return None
        status = exception.status if exception.status in (403, 404, 409) else 400
        return error_page(request, status=status, message=exception.message)


class LanguageMiddleware(LocaleMiddleware):
    """Arabic unless the person chose otherwise with the language switch (a cookie).

    Browsers in Moroccan offices are often set to French or English, so a staff page follows
    the person's explicit choice rather than the browser's ``Accept-Language``. API clients
    still choose the language of error messages with ``Accept-Language``.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulMiddleware:
    """Refuses a request whose query string or form/JSON body holds a NUL character.

    No text Jisr stores may contain one, and PostgreSQL refuses them outright, so one that
    slipped past a field (a lookup by code, say) would surface as a server error. Checking
    once here keeps every form and endpoint from needing its own guard.
    """

    _TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            from django.http import JsonResponse
            from django.utils.translation import gettext as _

            from jisr.core.views import error_page

            message = _("The request contains a character that is not allowed (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"code": "malformed_request", "message": message},
                                     "request_id": getattr(request, "request_id", "")},
                                    status=400)
            return error_page(request, status=400, message=message)
        return self.get_response(request)

    def _has_nul(self, request) -> bool:
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get(
                "QUERY_STRING", ""):
            return True
        if request.content_type in self._TEXT_BODIES and request.method in ("POST", "PUT",
                                                                            "PATCH"):
            body = request.body
            return b"\x00" in body or b"%00" in body or b"\\u0000" in body
        return False
