from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "qualitygov.assessments"
    label = "assessments"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import LOGIN
        from qualitygov.core.events import events_of, register_events

        from . import events

        register_events(self.label, events_of(events), keys=events.KEYS)
        registry.register_nav(registry.NavEntry(
            "assessments", _("Assessment"), "assessments:rounds", LOGIN, order=65, menu="assessment",
            active_url_names=tuple(f"assessments:{name}" for name in (
                "schemes", "scheme_import", "scheme", "scheme_edit", "scheme_publish", "scheme_new_version",
                "scheme_export", "sheet", "sheet_group", "sheet_submit", "sheet_result", "objection_new",
                "entry_fill", "entry_review", "entry_file", "objection_answer", "rules_upload", "rules_review",
                "scheme_new", "scheme_header", "item_new", "item_edit", "item_delete", "item_move"))))
        registry.register_inbox_source(registry.InboxSource("assessments", "qualitygov.assessments.inbox.inbox_items",
                                                            order=40))
        registry.register_demo_loader(registry.DemoLoader("assessments", "qualitygov.assessments.demo.load", order=60))
