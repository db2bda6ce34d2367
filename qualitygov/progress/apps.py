from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgressConfig(AppConfig):
    name = "qualitygov.progress"
    label = "progress"
    verbose_name = _("Task progress")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import LOGIN
        from qualitygov.core.events import events_of, register_events

        from . import events

        registry.register_search_source(registry.SearchSource(
            "work_items", pgettext_lazy("search group", "Work items"), "qualitygov.progress.search.search_work_items", order=20,
            list_url_name="progress:work_item_list"))
        registry.register_search_source(registry.SearchSource(
            "findings", pgettext_lazy("search group", "Findings"), "qualitygov.progress.search.search_findings", order=40,
            list_url_name="progress:finding_list"))
        registry.register_nav(registry.NavEntry("inbox", _("Inbox"), "progress:inbox", LOGIN, order=30))
        registry.register_nav(registry.NavEntry("board", _("Board"), "progress:board", LOGIN, order=31))
        registry.register_nav(
            registry.NavEntry("findings", _("Findings"), "progress:finding_list", LOGIN, order=32)
        )
        registry.register_page_link(registry.PageLink(
            "task-progress", "plans:task_detail", _("Progress reports and findings"), "progress:task_timeline",
            object_arg=True, testid="task-progress-link"))
        registry.register_home_card(registry.HomeCard(
            "progress", "progress/home_card.html", "qualitygov.progress.cards.home_card", order=20, query_budget=6))
        registry.register_demo_loader(registry.DemoLoader("progress", "qualitygov.progress.demo.load", order=40))
        registry.register_daily_job(registry.DailyJob(
            "progress.daily", events.PROGRESS_DAILY, order=30, run="qualitygov.progress.jobs.progress_daily_job",
            label=_("Task progress: cycles, escalation and lights")))
        register_events(self.label, events_of(events), keys=events.KEYS, values=getattr(events, "VALUES", None),
                        pairs=events.PAIRS, object_types=events.OBJECT_TYPES)
