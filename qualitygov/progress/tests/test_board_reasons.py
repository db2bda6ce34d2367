"""Each coloured board cell says why it has its light as text (not only on hover): a button named by
its reason for keyboards and screen readers, the panel it fills, and the phone list of a unit's own column."""

from __future__ import annotations

import re

from django.urls import reverse

from .test_views_board import _cells, _text, mixed_task  # noqa: F401  (the fixture is used by name)


def _without_attributes(html: str) -> str:
    """The page with every tag's attributes dropped, so text found in it is not in a title or aria-label."""
    return re.sub(r"<(/?\w+)[^>]*>", r"<\1>", html)


def _cell_buttons(html: str) -> list[str]:
    return [_text(b) for b in re.findall(r'<button type="button" class="board-cell"[^>]*>(.*?)</button>', html)]


def test_each_coloured_cell_is_a_button_named_by_its_reason_in_text(client_for, mixed_task):  # noqa: F811
    plan, _task = mixed_task
    html = client_for("office").get(reverse("progress:board") + f"?plan={plan.pk}").content.decode()
    assert _cells(html) == {"1": ["red", "green", "red"]}
    reasons = ["区经信局：绿灯，1 项工作事项（牵头 1 项），最差一项：符合序时进度",
               "区住建局：红灯，3 项工作事项（牵头 3 项），最差一项：严重落后于序时进度"]
    assert _cell_buttons(html) == reasons
    bare = _without_attributes(html)
    for reason in reasons:
        assert f'<span>{reason}</span>' in bare  # text of the page, not an attribute
    assert 'title="区' not in html  # no longer only on hover
    assert _text(re.search(r'data-testid="board-why"[^>]*>(.*?)</p>', html).group(1)) == (
        "点击有颜色的单元格，或用 Tab 键移到该单元格，即可在此看到它亮此灯的原因。")


def test_a_liaisons_list_says_why_its_own_cell_has_its_light(client_for, mixed_task):  # noqa: F811
    plan, _task = mixed_task
    html = client_for("liaison_a").get(reverse("progress:board") + f"?plan={plan.pk}").content.decode()
    own = [_text(m) for m in re.findall(r'data-testid="own-reason">(.*?)</div>', html)]
    assert own == ["区经信局：绿灯，1 项工作事项（牵头 1 项），最差一项：符合序时进度"]
