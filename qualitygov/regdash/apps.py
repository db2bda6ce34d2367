from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegdashConfig(AppConfig):
    """The regulatory dashboard (监管数据看板): tiles by period and town over the feeds and ledgers.

    It reads registered measures only (`qualitygov.indicators.measures`), so it shows whatever the
    installed apps provide; it writes nothing but its seeded threshold rules.
    """

    name = "qualitygov.regdash"
    label = "regdash"
    verbose_name = _("Regulatory dashboard")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import action_rule
        from qualitygov.core.permissions import Action

        # The rule lets every viewer reach the menu; the page itself answers 404 to a reader who
        # neither reads the whole district nor a town (a department's liaison).
        registry.register_nav(registry.NavEntry("regdash", _("Regulatory dashboard"), "regdash:dashboard",
                                                action_rule(Action.VIEW), order=70, menu="regulation",
                                                visible="qualitygov.regdash.selectors.may_open_dashboard"))
        # Budget: scope and towns (≤ 4), the thresholds in force (1), then the headline measure of each
        # tile judged by them (6 in the shipped rules, ≤ 5 queries each with the feeds' and ledgers' own
        # measures: 36 on the demo district).
        registry.register_home_card(registry.HomeCard("regdash", "regdash/home_card.html",
                                                      "qualitygov.regdash.cards.home_card", order=40,
                                                      query_budget=40))
