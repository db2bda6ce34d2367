from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplingConfig(AppConfig):
    """The district's own supervision sampling and its follow-up (后处置): plans, batches, notices,
    objections and re-tests, orders to correct, re-inspection clocks, escalation and publication."""

    name = "qualitygov.sampling"
    label = "sampling"
    verbose_name = _("Sampling follow-up")
