"""Masking: every declared personal field is treated in every snapshot, at any depth; phone numbers, ID
numbers and e-mail addresses are masked in any text; the office may make the policy stricter, never
weaker; a register kind added through `selector_kind` is masked like the built-in ones."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitygov.core.models import AuditEvent
from qualitygov.portal import masking, services
from qualitygov.portal.choices import Treatment
from qualitygov.portal.kinds import KINDS, register_kind, selector_kind
from qualitygov.portal.masking import DEFAULT_FIELDS, mask_payload

#: A value for every built-in field and what the public sees of it.
EXPECTED = {
    Treatment.NAME: ("欧阳娜娜", "欧***"),
    Treatment.PHONE: ("13812345678", "138****5678"),
    Treatment.ID_NUMBER: ("33090319850101123X", "**************123X"),
    Treatment.ADDRESS: ("舟山市普陀区沈家门街道东海路12号3单元401室", "舟山市普陀区***"),
    Treatment.REDACT: ("zhang.san@example.com", "***"),
}


@pytest.mark.parametrize("field", sorted(DEFAULT_FIELDS))
def test_every_builtin_personal_field_is_masked_at_any_depth(field):
    treatment = DEFAULT_FIELDS[field]
    raw, shown = EXPECTED.get(treatment, ("张三", None))
    payload = {field: raw, "rows": [{"entity": "某公司", field.upper(): raw, "nested": {field: raw}}]}
    out = mask_payload(payload, dict(DEFAULT_FIELDS))
    if treatment == Treatment.DROP:
        assert field not in out and field.upper() not in out["rows"][0] and field not in out["rows"][0]["nested"]
    else:
        assert out[field] == shown
        assert out["rows"][0][field.upper()] == shown and out["rows"][0]["nested"][field] == shown
    assert out["rows"][0]["entity"] == "某公司"
    assert raw not in str(out)


@pytest.mark.parametrize(("text", "shown"), [
    ("投诉人电话13912345678，请回电", "投诉人电话139****5678，请回电"),
    ("手机 +86 139-1234-5678", "手机 139****5678"),
    ("座机0580-3012345转", "座机0580-****45转"),
    ("身份证号330903198501011234已核验", "身份证号**************1234已核验"),
    ("身份证330903850101123x", "身份证330903850101123x"),  # 18 characters but no valid birth date: not an ID
    ("联系邮箱 li.si@zj.gov.cn", "联系邮箱 ***@***"),
    ("合格率98.5%，抽检120批次，2026-06-30", "合格率98.5%，抽检120批次，2026-06-30"),
    ("统一社会信用代码91330903MA2A1B2C3D", "统一社会信用代码91330903MA2A1B2C3D"),
])
def test_patterns_mask_phone_id_and_email_in_any_text(text, shown):
    assert masking.mask_text(text) == shown


@pytest.mark.django_db
def test_the_office_may_declare_fields_and_make_builtin_ones_stricter_not_weaker(cast):
    services.masking_rule_save(actor=cast.office, field="Inspector_Name", treatment=Treatment.NAME, note="检查人员")
    services.masking_rule_save(actor=cast.office, field="phone", treatment=Treatment.DROP)
    services.masking_rule_save(actor=cast.office, field="complainant", treatment=Treatment.ADDRESS)  # weaker
    policy = masking.policy()
    assert (policy["inspector_name"], policy["phone"], policy["complainant"]) == (
        Treatment.NAME, Treatment.DROP, Treatment.NAME)
    out = mask_payload({"inspector_name": "王五", "phone": "13812345678", "complainant": "赵六"})
    assert out == {"inspector_name": "王*", "complainant": "赵*"}
    assert AuditEvent.objects.filter(action="portal_masking.save").count() == 3
    with pytest.raises(Exception):  # noqa: B017 - NotFoundError for anyone but the office
        services.masking_rule_save(actor=cast.leader, field="x", treatment=Treatment.DROP)


def award_public_snapshot(obj) -> dict:
    """Stands for a register app's selector that (wrongly) returns personal fields."""
    return {"entity_name": "舟山某水产有限公司", "award": obj.title, "legal_representative": "陈大文",
            "contact_phone": "0580-3012345", "remark": "联系人手机13700001111"}


@pytest.mark.django_db
def test_a_register_kind_added_later_is_masked_and_published_like_the_others(cast, monkeypatch):
    """What a register app's `<thing>_public_snapshot(obj)` returns is masked even when it forgets a field."""
    from qualitygov.plans.tests.factories import plan_factory

    plan = plan_factory(title="某公司质量奖")
    monkeypatch.setitem(KINDS, "award", None)
    register_kind(selector_kind("award", "质量奖", "plans.Plan",
                                "qualitygov.portal.tests.test_masking.award_public_snapshot",
                                title=lambda obj, data: data["entity_name"], category=lambda obj, data: "区长质量奖"))
    item = services.item_publish(actor=cast.office, kind="award", obj=plan)
    assert item.payload == {"entity_name": "舟山某水产有限公司", "award": "某公司质量奖", "legal_representative": "陈**",
                            "contact_phone": "058****2345", "remark": "联系人手机137****1111"}
    assert (item.title, item.category, item.slug) == ("舟山某水产有限公司", "区长质量奖", f"award-{plan.pk}")


def _walk(value):
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                    lambda children: st.lists(children, max_size=4)
                    | st.dictionaries(st.sampled_from(["phone", "name", "x", "id_number", "email", "note"]), children,
                                      max_size=4), max_leaves=20))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_masking_never_crashes_and_leaves_no_declared_field_in_clear(payload):
    out = mask_payload(payload, dict(DEFAULT_FIELDS))
    for node in _walk(out):
        for key, value in node.items():
            if isinstance(value, str) and value:
                if key == "email":
                    assert value == "***"
                if key == "id_number":
                    assert value == "***" or set(value[:-4]) == {"*"}
                if key == "phone":
                    assert value == "***" or value[3:7] == "****"
