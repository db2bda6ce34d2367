"""States of an imported feed file and their named transitions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FileStatus(models.TextChoices):
    PENDING = "pending", _("Checked, awaiting confirmation")
    IMPORTED = "imported", _("Imported")
    SUPERSEDED = "superseded", _("Replaced by a corrected file")
    DISCARDED = "discarded", _("Discarded")


#: A checked file is imported or discarded; an imported one is superseded when a corrected file for the
#: same source and months replaces all of its figures.
FILE_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "commit": (frozenset({FileStatus.PENDING}), FileStatus.IMPORTED),
    "discard": (frozenset({FileStatus.PENDING}), FileStatus.DISCARDED),
    "supersede": (frozenset({FileStatus.IMPORTED}), FileStatus.SUPERSEDED),
}
