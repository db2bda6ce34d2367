"""Audit events of the quality registers: each register's create, update, delete and import, and the
award application's stage transitions and decision."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

ROUND_CREATE = EventType("award_round.create", _("Award round recorded"))
ROUND_UPDATE = EventType("award_round.update", _("Award round changed"))
ROUND_DELETE = EventType("award_round.delete", _("Award round deleted"))
ROUND_IMPORT = EventType("award_round.import", _("Award rounds imported"))
APPLICATION_CREATE = EventType("award_application.create", _("Award application recorded"))
APPLICATION_UPDATE = EventType("award_application.update", _("Award application changed"))
APPLICATION_DELETE = EventType("award_application.delete", _("Award application deleted"))
APPLICATION_IMPORT = EventType("award_application.import", _("Award applications imported"))
APPLICATION_ADVANCE = EventType("award_application.advance", _("Award application moved to the next stage"))
APPLICATION_DECIDE = EventType("award_application.decide", _("Award application decided"))
BRAND_CREATE = EventType("brand.create", _("Brand recorded"))
BRAND_UPDATE = EventType("brand.update", _("Brand changed"))
BRAND_DELETE = EventType("brand.delete", _("Brand deleted"))
BRAND_IMPORT = EventType("brand.import", _("Brands imported"))
STANDARD_CREATE = EventType("standard_led.create", _("Standard recorded"))
STANDARD_UPDATE = EventType("standard_led.update", _("Standard changed"))
STANDARD_DELETE = EventType("standard_led.delete", _("Standard deleted"))
STANDARD_IMPORT = EventType("standard_led.import", _("Standards imported"))
OFFICER_CREATE = EventType("quality_officer.create", _("Chief quality officer recorded"))
OFFICER_UPDATE = EventType("quality_officer.update", _("Chief quality officer changed"))
OFFICER_DELETE = EventType("quality_officer.delete", _("Chief quality officer deleted"))
OFFICER_IMPORT = EventType("quality_officer.import", _("Chief quality officers imported"))
VISIT_CREATE = EventType("enterprise_visit.create", _("Enterprise visit recorded"))
VISIT_UPDATE = EventType("enterprise_visit.update", _("Enterprise visit changed"))
VISIT_DELETE = EventType("enterprise_visit.delete", _("Enterprise visit deleted"))
VISIT_IMPORT = EventType("enterprise_visit.import", _("Enterprise visits imported"))
PUBLICITY_CREATE = EventType("publicity.create", _("Publicity item recorded"))
PUBLICITY_UPDATE = EventType("publicity.update", _("Publicity item changed"))
PUBLICITY_DELETE = EventType("publicity.delete", _("Publicity item deleted"))
PUBLICITY_IMPORT = EventType("publicity.import", _("Publicity items imported"))

KEYS = {"file": _("file"), "created": _("records created"), "updated": _("records updated"),
        "sha256": _("file fingerprint"), "stage": _("stage"), "step": _("step")}
