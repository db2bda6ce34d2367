from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanImportConfig(AppConfig):
    name = "qualitygov.planimport"
    label = "planimport"
    verbose_name = _("Plan import")
