"""Audit events of data feeds."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

SOURCE_OWNER = EventType("feed_source.owner", _("Feed source's responsible unit set"))
FILE_STAGE = EventType("feed_file.stage", _("Feed file uploaded and checked"))
FILE_COMMIT = EventType("feed_file.commit", _("Feed file imported"))
FILE_DISCARD = EventType("feed_file.discard", _("Checked feed file discarded"))
FILE_SUPERSEDE = EventType("feed_file.supersede", _("Feed file replaced by a corrected file"))

KEYS = {"source": _("source"), "file": _("file"), "sha256": _("checksum"), "months": _("months"),
        "new": _("new figures"), "changed": _("changed figures"), "unchanged": _("unchanged figures"),
        "removed": _("removed figures"), "errors": _("errors"), "replaced_by": _("replaced by"),
        "replaces": _("replaces"), "owner": _("responsible unit"), "rows": _("rows")}
