"""The indicator app's entry in the navigation bar (its label is translated in this app's catalogue)."""

from django.utils.translation import gettext_lazy as _

NAV_LABEL = _("Indicators")
