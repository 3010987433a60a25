"""``jisr create-admin``: the first administrator of a new installation (later ones are
created by administrators in the staff pages). The password is asked twice, or read from
``--password-file``; the administrator enrols two-factor at first login."""

from __future__ import annotations

import getpass
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jisr.accounts.models import User
from jisr.accounts.roles import Role
from jisr.core import audit


class Command(BaseCommand):
    help = "Create an administrator account (for the first administrator of an installation)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password-file", type=Path,
                            help="Read the password from this file instead of asking.")

    @transaction.atomic
    def handle(self, *args, username, email, password_file, **options):
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"the username {username!r} is already taken")
        if password_file:
            password = password_file.read_text(encoding="utf-8").strip()
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the two passwords differ")
        user = User(username=username, email=email, role=Role.ADMINISTRATOR)
        try:
            validate_password(password, user)
            user.set_password(password)
            user.full_clean()
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages))
        user.save()
        audit.record_security(actor=None, action="accounts.user.create_admin", obj=user)
        self.stdout.write(f"administrator {username} created; two-factor enrolment at first "
                          "login")
