from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """The open-data API at /api/open/v1/: read-only, no sign-in, published snapshots only."""

    name = "qualitygov.opendata"
    label = "opendata"
    verbose_name = _("Open data")
