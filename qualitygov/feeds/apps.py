from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    """Data feeds (数据接入): periodic exports of the national and provincial systems, mapped per source
    into figures by period, town and category, dry-run before an audited commit that keeps the file."""

    name = "qualitygov.feeds"
    label = "feeds"
    verbose_name = _("Data feeds")
