"""`published_changed(item=)`: sent after the commit of every publish, revision and withdrawal, so caches of
public pages and of the open-data API can be dropped."""

from django.dispatch import Signal

published_changed = Signal()
