from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "qualitygov.progress"
    label = "progress"
    verbose_name = _("Task progress")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import LOGIN
        from qualitygov.core.events import events_of, register_events

        from . import events

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
        registry.register_daily_job(registry.DailyJob("progress.daily", events.PROGRESS_DAILY, order=30))
        register_events(self.label, events_of(events), keys=events.KEYS, values=getattr(events, "VALUES", None),
                        pairs=events.PAIRS, object_types=events.OBJECT_TYPES)
        # The notices this app sends, for the user's 通知设置 page.
        for kind, label in (("progress.reminder", _("Report reminders")), ("progress.yellow", _("Yellow notices")),
                            ("progress.red", _("Red notices")),
                            ("progress.supervised", _("Entries on the supervised follow-up list")),
                            ("progress.report_returned", _("Progress reports returned")),
                            ("progress.part_returned", _("Report parts returned")),
                            ("progress.finding", _("Problems to rectify"))):
            registry.register_notice_kind(kind, label)
