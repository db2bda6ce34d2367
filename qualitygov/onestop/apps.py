from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnestopConfig(AppConfig):
    """The one-stop quality-infrastructure service window (质量基础设施一站式服务): requests,
    assignment, completion against an SLA in working days, the firm's rating."""

    name = "qualitygov.onestop"
    label = "onestop"
    verbose_name = _("One-stop NQI services")
