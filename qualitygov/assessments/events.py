"""Audit events of the assessment app."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

SCHEME_IMPORT = EventType("assessment_scheme.import", _("Assessment scheme imported"))
SCHEME_UPDATE = EventType("assessment_scheme.update", _("Assessment scheme changed"))
SCHEME_PUBLISH = EventType("assessment_scheme.publish", _("Assessment scheme published"))
SCHEME_NEW_VERSION = EventType("assessment_scheme.new_version", _("Assessment scheme: new version"))

KEYS = {"key": _("scheme id"), "sha256": _("SHA-256"), "from_version": _("from version"), "leaves": _("items")}
