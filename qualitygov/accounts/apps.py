from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountsConfig(AppConfig):
    name = "qualitygov.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisation")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import LOGIN, action_rule
        from qualitygov.core.events import events_of, register_events

        from . import checks, events  # noqa: F401 - checks registers the deploy checks

        registry.register_hook(registry.SCOPE_RESOLVER, "qualitygov.accounts.scoping.grant_scope")
        registry.register_hook(registry.DEMO_LOGINS, "qualitygov.accounts.demo.logins")
        registry.register_search_source(registry.SearchSource(
            "units", pgettext_lazy("search group", "Units"), "qualitygov.accounts.search.search_units", order=50))
        registry.register_nav(registry.NavEntry("org", _("Organisation"), "accounts:org_tree", LOGIN, order=80, menu="admin",
                                                active_url_names=("accounts:robot_edit",)))
        registry.register_nav(
            registry.NavEntry("users", _("Users"), "accounts:user_list", action_rule("manage"), order=81, menu="admin",
                              active_url_names=("accounts:grant_delete",))
        )
        registry.register_home_card(registry.HomeCard(
            "my-roles", "accounts/home_card_roles.html", "qualitygov.accounts.views.home_card_roles", order=0,
            query_budget=8,
        ))
        registry.register_page_link(registry.PageLink(
            "own-unit-robots", "core:notification_settings", _("My unit's group robots"), "accounts:unit_robots",
            allowed="qualitygov.accounts.robots.can_manage_own_unit_robots", object_arg=True,
            testid="own-unit-robots-link"))
        registry.register_demo_loader(registry.DemoLoader("accounts", "qualitygov.accounts.demo.load", order=10))
        register_events(self.label, events_of(events), keys=events.KEYS, values=getattr(events, "VALUES", None),
                        pairs=getattr(events, "PAIRS", ()))
