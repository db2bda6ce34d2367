from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanImportConfig(AppConfig):
    name = "qualitygov.planimport"
    label = "planimport"
    verbose_name = _("Plan import")

    def ready(self) -> None:
        from qualitygov.core import registry

        registry.register_demo_loader(registry.DemoLoader("plans", "qualitygov.planimport.demo.load", order=20))
