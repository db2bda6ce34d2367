from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "qualitygov.plans"
    label = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import LOGIN

        registry.register_nav(registry.NavEntry("plans", _("Plans"), "plans:list", LOGIN, order=10))
