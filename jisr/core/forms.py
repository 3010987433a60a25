from __future__ import annotations

from django import forms

from jisr.core.exceptions import DomainError


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal on the form: field errors where the field is on the form,
    the rest (and the general message) at the top."""
    placed = False
    for name, messages in exc.fields.items():
        for message in messages:
            if name in form.fields:
                form.add_error(name, message)
                placed = True
            else:
                form.add_error(None, message)
    if not placed:
        form.add_error(None, exc.message)
