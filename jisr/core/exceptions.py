"""Domain exceptions. Services raise them; one handler per channel turns them into responses.

Messages are translated lazily so the same exception reads in Arabic on an Arabic page and in
French in a French API call.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the operation; nothing was changed."""

    code = "invalid"
    status = 400
    default_message = _("The operation was refused.")

    def __init__(self, message=None, *, fields: dict | None = None, code: str | None = None):
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        if code:
            self.code = code
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    code = "validation_failed"
    default_message = _("Some values are not valid.")


class AccessDenied(DomainError):
    code = "access_denied"
    status = 403
    default_message = _("You do not have access to this.")


class NotFound(DomainError):
    """Also raised for records outside the user's scope, so their existence is not revealed."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This was changed by someone else in the meantime; reload and retry.")
