"""Audit events of public disclosure."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

ITEM_PUBLISH = EventType("portal_item.publish", _("Published to the public site"))
ITEM_REVISE = EventType("portal_item.revise", _("Publication revised"))
ITEM_WITHDRAW = EventType("portal_item.withdraw", _("Publication withdrawn"))
RULE_SAVE = EventType("portal_rule.save", _("Publication rule saved"))
RULE_APPLY = EventType("portal_rule.apply", _("Publication rule applied"))
MASKING_SAVE = EventType("portal_masking.save", _("Masking policy changed"))

KEYS = {"kind": _("kind"), "key": _("key"), "version": _("version"), "slug": _("stable address"),
        "published": _("published"), "field": _("field"), "treatment": _("treatment")}
RULES_RUN = EventType("portal_rules.run", _("Publication rules checked"))
