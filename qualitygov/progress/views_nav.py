"""The progress entries' labels in the navigation bar (core/navigation.py), declared in this app so its
catalogue translates them. No model imports: the navigation module may be imported early."""

from django.utils.translation import gettext_lazy as _

NAV_LABELS = {"inbox": _("Inbox"), "board": _("Board"), "findings": _("Findings")}
