"""`qualitygov createadmin --district NAME --username U [--password-stdin]`: the first office admin.

Creates the district (the root of the tree) when no unit has that name, then the user with an
office-admin grant at the district including every subordinate unit. All writes go through the
accounts services, so they are audited; nothing is written when any step is refused.
"""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import OrgUnitKind, Role
from qualitygov.accounts.models import User
from qualitygov.accounts.selectors import org_unit_lookup
from qualitygov.accounts.services import org_unit_create, user_create
from qualitygov.core.errors import ServiceError

ACTOR = "createadmin"


class Command(BaseCommand):
    help = "Create an office admin for a district (the district is created when missing)."
    #: `stdin` lets callers (and tests) hand in the stream the password is read from.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="full name of the district, e.g. 舟山市普陀区")
        parser.add_argument("--username", required=True, help="user name of the new office admin")
        parser.add_argument("--display-name", default="", help="name shown in the interface")
        parser.add_argument("--password-stdin", action="store_true",
                            help="read the password from the first line of standard input instead of asking")

    def handle(self, *args, district: str, username: str, display_name: str = "", password_stdin: bool = False,
               **options):
        district_name = district.strip()
        username = username.strip()
        if not district_name:
            raise CommandError(_("Give the district's name with --district."))
        if not username:
            raise CommandError(_("Give the user name with --username."))
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(_("The user name “%(name)s” is taken; nothing was changed.") % {"name": username})
        existing = org_unit_lookup(district_name)
        if existing is not None and existing.parent_id is not None:
            raise CommandError(
                _("“%(name)s” is already a unit below “%(parent)s”, not the top of the tree; nothing was changed.")
                % {"name": district_name, "parent": existing.parent}
            )
        password = self._read_password(password_stdin, options.get("stdin") or sys.stdin)
        try:
            with transaction.atomic():
                created = existing is None
                unit = existing or org_unit_create(actor=ACTOR, name=district_name, kind=OrgUnitKind.DISTRICT)
                user = user_create(actor=ACTOR, username=username, password=password, display_name=display_name,
                                   unit=unit, grants=[(Role.OFFICE_ADMIN, unit, True)])
        except ServiceError as exc:
            raise CommandError(_("Refused: %(reason)s Nothing was changed.") % {"reason": exc.message}) from exc
        if created:
            self.stdout.write(_("Created the district “%(name)s”.") % {"name": unit.name})
        self.stdout.write(self.style.SUCCESS(
            _("Created office admin “%(user)s” for “%(unit)s” and every unit below it.")
            % {"user": user.username, "unit": unit.name}
        ))

    def _read_password(self, from_stdin: bool, stdin) -> str:
        if from_stdin:
            line = stdin.readline()
            password = line.rstrip("\r\n")
            if not password:
                raise CommandError(_("No password on standard input."))
            return password
        if not stdin.isatty():
            raise CommandError(_("Standard input is not a terminal: use --password-stdin to pass the password."))
        first = getpass.getpass(_("Password: "))
        second = getpass.getpass(_("Password (again): "))
        if first != second:
            raise CommandError(_("The two passwords do not match; nothing was changed."))
        if not first:
            raise CommandError(_("The password cannot be empty."))
        return first
