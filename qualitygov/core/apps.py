from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qualitygov.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import events
        from .access import LOGIN, action_rule
        from .permissions import Action
        from .registry import NavEntry, register_nav

        events.register_events(self.label, [events.ATTACHMENT_CREATE, events.UNIT_ROBOT_CREATE, events.UNIT_ROBOT_UPDATE,
                                                events.CALENDAR_DAY_SET, events.CALENDAR_DAY_DELETE,
                                                events.JOB_ENQUEUE, events.JOB_SUCCEED, events.JOB_RETRY_SCHEDULE,
                                                events.JOB_FAIL, events.JOB_RETRY,
                                                events.UNIT_ROBOT_TEST, events.NOTIFICATION_PREFERENCE_SET],
                               keys=events.KEYS)

        from django_q.signals import post_execute

        from .worker import task_finished

        post_execute.connect(task_finished, dispatch_uid="qualitygov.core.worker.task_finished")

        register_nav(NavEntry("home", _("Home"), "core:home", LOGIN, order=0))
        register_nav(NavEntry("notifications", _("Notifications"), "core:notification_list", LOGIN, order=95,
                              badge="qualitygov.core.views_notifications.unread_badge"))
        # Everyone may read the calendar (linked where deadlines are shown); the office keeps it.
        register_nav(NavEntry("calendar", _("Calendar"), "core:calendar", action_rule(Action.MANAGE), order=85,
                              menu="admin"))
        register_nav(NavEntry("api", _("API"), "api-docs", LOGIN, order=100, menu="admin"))
        register_nav(NavEntry("jobs", _("Background jobs"), "core:job_list", action_rule(Action.MANAGE), order=92,
                              menu="admin"))
