from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    """The district's own quality registers: awards, brands, standards, chief quality officers,
    enterprise visits and publicity."""

    name = "qualitygov.registers"
    label = "registers"
    verbose_name = _("Quality registers")
