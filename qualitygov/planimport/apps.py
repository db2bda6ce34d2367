from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanImportConfig(AppConfig):
    name = "qualitygov.planimport"
    label = "planimport"
    verbose_name = _("Plan import")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.events import events_of, register_events

        from . import events

        register_events(self.label, events_of(events), keys=events.KEYS)
        allowed = "qualitygov.plans.permissions.can_import_plans"
        registry.register_page_link(registry.PageLink(
            "plan-import", "plans:list", _("Import a plan"), "planimport:import_upload", allowed=allowed, primary=True))
        registry.register_page_link(registry.PageLink(
            "plan-import-first", "plans:list:empty", _("Import the plan document"), "planimport:import_upload",
            allowed=allowed, primary=True))

        registry.register_demo_loader(registry.DemoLoader("plans", "qualitygov.planimport.demo.load", order=20))
