from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadershipConfig(AppConfig):
    """The leading group (质量强区工作领导小组): members and posts, meetings, attendance and decisions.

    A decision (议定事项) is carried out as a progress work item, so the inbox, the board, the cycles,
    the lights and the bulletin chase it like any other; this app keeps the meeting it came from.
    """

    name = "qualitygov.leadership"
    label = "leadership"
    verbose_name = _("Leading group")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import LOGIN
        from qualitygov.core.events import events_of, register_events

        from . import events

        register_events(self.label, events_of(events), keys=events.KEYS)
        registry.register_hook(registry.MEETING_ABSENCES, "qualitygov.leadership.selectors.absences")
        registry.register_nav(registry.NavEntry("leadership", _("Leading group"), "leadership:group", LOGIN, order=60,
                                                        menu="cycle"))
        registry.register_demo_loader(registry.DemoLoader("leadership", "qualitygov.leadership.demo.load", order=50))
