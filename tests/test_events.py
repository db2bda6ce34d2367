"""Every audit event the code writes is registered with a label, so pages never show a raw name."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from qualitygov.core import events
from qualitygov.core.models import AuditEvent

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for p in (ROOT / "qualitygov").rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]
LITERAL = re.compile(r'\baction="([a-z_]+\.[a-z_]+)"')
CONSTANT = re.compile(r'\baction=(events|audit_events|plan_events)\.([A-Z_]+)\b')
#: Modules that pass another app's constants name it by alias.
ALIASES = {"plan_events": "plans"}


def _audit_writers() -> list[Path]:
    return [p for p in SOURCES if "audit_record(" in p.read_text(encoding="utf-8")]


def test_audit_calls_pass_constants_not_literal_names():
    literals = {(p.relative_to(ROOT).as_posix(), name) for p in _audit_writers()
                for name in LITERAL.findall(p.read_text(encoding="utf-8"))}
    assert sorted(literals) == []


def test_every_constant_passed_as_an_action_is_a_registered_event_type():
    checked = 0
    for path in _audit_writers():
        text = path.read_text(encoding="utf-8")
        names = CONSTANT.findall(text)
        if not names:
            continue
        own = path.relative_to(ROOT / "qualitygov").parts[0]
        for alias, name in names:
            module = importlib.import_module(f"qualitygov.{ALIASES.get(alias, own)}.events")
            value = getattr(module, name)
            for event in value.values() if isinstance(value, dict) else [value]:  # a transition → event table
                assert isinstance(event, events.EventType) and events.is_registered(event), (path, name)
                checked += 1
    assert checked >= 55


@pytest.mark.parametrize("app", ["accounts", "indicators", "progress", "plans", "planimport"])
def test_each_app_registers_every_event_it_declares_with_a_label(app):
    module = importlib.import_module(f"qualitygov.{app}.events")
    declared = events.events_of(module)
    assert declared
    for event in declared:
        assert events.is_registered(event) and event.app_label == app
        assert str(event.label) and str(event.label) != event.name


def test_the_registry_labels_and_falls_back_to_the_raw_name():
    assert events.event_label("user.update") == "修改用户"
    assert events.event_label("indicator.status_change") == "指标信号灯变化"
    assert events.event_label("no_such.event") == "no_such.event"
    assert events.object_type_label("indicators.observation") == "指标数据"
    assert events.object_type_label("progress.bulletin") == "工作进展通报"
    assert events.object_type_label("legacy.thing") == "legacy.thing"
    with pytest.raises(ValueError):
        events.register_events("plans", [events.EventType("user.update", "x")])


def test_the_cast_writes_only_registered_events(cast):
    written = set(AuditEvent.objects.values_list("action", flat=True))
    assert written == {"org_unit.create", "user.create", "grant.create"}
    assert all(events.is_registered(name) for name in written)
