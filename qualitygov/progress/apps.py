from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: Pages reached from the inbox (filing, reviewing, deciding): they light 待办.
INBOX_PAGES = tuple(f"progress:{name}" for name in (
    "inbox", "report_detail", "part_detail", "report_extension", "work_item_extension", "extension_list"))
#: Pages reached from the board (work items, tasks, cycles, the 督办 list, the bulletin): they light 推进看板.
BOARD_PAGES = tuple(f"progress:{name}" for name in (
    "board", "work_item_list", "work_item_create", "work_item_propose", "work_item_detail", "work_item_edit",
    "task_timeline", "cycle_list", "supervised_list", "bulletin", "board_rule"))


class ProgressConfig(AppConfig):
    name = "qualitygov.progress"
    label = "progress"
    verbose_name = _("Task progress")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import LOGIN, any_action_rule
        from qualitygov.core.events import events_of, register_events
        from qualitygov.core.permissions import Action

        from . import events

        registry.register_search_source(registry.SearchSource(
            "work_items", pgettext_lazy("search group", "Work items"), "qualitygov.progress.search.search_work_items", order=20,
            list_url_name="progress:work_item_list"))
        registry.register_search_source(registry.SearchSource(
            "findings", pgettext_lazy("search group", "Findings"), "qualitygov.progress.search.search_findings", order=40,
            list_url_name="progress:finding_list"))
        # The inbox is for whoever files, reviews, approves or manages; a viewer has no work waiting
        # and reads the home page and the board instead (the inbox page says so if opened).
        registry.register_nav(registry.NavEntry(
            "inbox", _("Inbox"), "progress:inbox",
            any_action_rule(Action.CHANGE, Action.REVIEW, Action.APPROVE, Action.MANAGE), order=30,
            active_url_names=INBOX_PAGES))
        registry.register_nav(registry.NavEntry("board", _("Board"), "progress:board", LOGIN, order=31,
                                                active_url_names=BOARD_PAGES))
        registry.register_nav(
            registry.NavEntry("findings", _("Rectification ledger"), "progress:finding_list", LOGIN, order=32)
        )
        registry.register_inbox_source(registry.InboxSource("progress", "qualitygov.progress.inbox.inbox_items",
                                                            order=10))
        registry.register_page_link(registry.PageLink(
            "task-progress", "plans:task_detail", _("Progress reports and findings"), "progress:task_timeline",
            object_arg=True, testid="task-progress-link"))
        registry.register_home_card(registry.HomeCard(
            "progress", "progress/home_card.html", "qualitygov.progress.cards.home_card", order=20, query_budget=11))
        registry.register_demo_loader(registry.DemoLoader("progress", "qualitygov.progress.demo.load", order=40))
        registry.register_daily_job(registry.DailyJob(
            "progress.daily", events.PROGRESS_DAILY, order=30, run="qualitygov.progress.jobs.progress_daily_job",
            label=_("Task progress: cycles, escalation and lights")))
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
