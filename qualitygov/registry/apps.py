from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """Market entities (市场主体) keyed by 统一社会信用代码: the directory every local ledger refers to."""

    name = "qualitygov.registry"
    label = "registry"
    verbose_name = _("Market entities")
