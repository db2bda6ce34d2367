"""Audit events of the market-entity directory."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

IMPORT_PREVIEW = EventType("entity_import.preview", _("Market entity file checked (dry run)"))
IMPORT_CONFIRM = EventType("entity_import.confirm", _("Market entities imported"))
IMPORT_CANCEL = EventType("entity_import.cancel", _("Market entity import cancelled"))
ENTITY_UPDATE = EventType("market_entity.update", _("Market entity changed"))

KEYS = {"file": _("file"), "rows": _("rows"), "new": _("new"), "changed": _("changed"),
        "unchanged": _("unchanged"), "errors": _("errors"), "sha256": _("SHA-256")}
