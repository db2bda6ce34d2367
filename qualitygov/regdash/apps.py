from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegdashConfig(AppConfig):
    """The regulatory dashboard (监管数据看板): tiles by period and town over the feeds and ledgers."""

    name = "qualitygov.regdash"
    label = "regdash"
    verbose_name = _("Regulatory dashboard")
