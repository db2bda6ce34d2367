from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    """The district's own quality registers: awards, brands, standards, chief quality officers,
    enterprise visits and publicity — each declared once and served by one small engine (`qualitygov.registry.ledgers`).

    Records are kept by a unit and scoped by it; the registers' counts are measures for computed
    indicators and, through the `register_counts` hook, bonus inputs of the annual assessment.
    """

    name = "qualitygov.registers"
    label = "registers"
    verbose_name = _("Quality registers")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import action_rule
        from qualitygov.core.events import events_of, register_events
        from qualitygov.core.permissions import Action

        from . import events, measures
        from .choices import AwardResult, AwardStage

        register_events(self.label, events_of(events), keys=events.KEYS,
                        values={"stage": AwardStage, "result": AwardResult})
        registry.register_nav(registry.NavEntry("registers", _("Quality registers"), "registers:home",
                                                action_rule(Action.VIEW), order=82, menu="regulation"))
        registry.register_hook(registry.REGISTER_COUNTS, "qualitygov.registers.selectors.register_counts")
        registry.register_demo_loader(registry.DemoLoader("registers", "qualitygov.registers.demo.load", order=85))
        measures.register_all()
