"""`{% page_links "plans:list" %}` / `{% page_links "plans:task_detail" task %}`: the buttons higher apps
registered for a page (`core.registry.PageLink`), for the signed-in user."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html_join

from qualitygov.core.registry import page_links as registered

register = template.Library()


@register.simple_tag(takes_context=True)
def page_links(context, page: str, obj=None) -> str:
    user = context["request"].user
    buttons = []
    for link in registered(page):
        if not link.allows(user):
            continue
        try:
            url = reverse(link.url_name, args=[obj.pk]) if link.object_arg else reverse(link.url_name)
        except NoReverseMatch:
            continue
        style = "btn-primary" if link.primary else "btn-outline-primary"
        buttons.append((style, url, link.testid or link.key, link.label))
    return format_html_join("\n", '<a class="btn btn-sm {}" href="{}" data-testid="{}">{}</a>', buttons)
