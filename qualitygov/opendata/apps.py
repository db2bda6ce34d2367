from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """The open-data API at /api/open/v1/: read-only, no sign-in, published snapshots only."""

    name = "qualitygov.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from qualitygov.portal.signals import published_changed

        from .caching import on_published_changed

        # After the commit of every publish, revision and withdrawal: every cached public answer is stale.
        published_changed.connect(on_published_changed, dispatch_uid="opendata-public-cache")
