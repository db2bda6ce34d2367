"""The accounts catalogue covers every label the app shows: choices, model and field names, templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from qualitygov.accounts import models
from qualitygov.accounts.choices import Action, OrgUnitKind, Role

LOCALE = Path(models.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def test_choice_labels_are_chinese():
    assert [zh(label) for label in Role.labels] == [
        "质量强区办管理员", "领导", "部门联络员", "镇街联络员", "审核员", "观察员", "执法检查人员",
    ]
    assert [zh(label) for label in OrgUnitKind.labels] == [
        "区县", "领导小组", "领导小组办公室", "区直部门", "街道", "镇", "管委会", "其他单位",
    ]
    assert [zh(label) for label in Action.labels] == ["查看", "修改", "审核", "审批", "管理用户、单位和方案", "查阅审计日志"]


@pytest.mark.parametrize("model", [models.OrgUnit, models.OrgUnitAlias, models.User, models.Grant])
def test_model_and_field_names_are_chinese(model):
    names = [model._meta.verbose_name, model._meta.verbose_name_plural]
    own_fields = [f for f in model._meta.get_fields()
                  if getattr(f, "model", None) is model and not f.auto_created and f.concrete
                  and f.name not in {"path", "depth", "created_at", "password", "last_login", "is_superuser",
                                     "username", "first_name", "last_name", "email", "is_staff", "is_active",
                                     "date_joined", "groups", "user_permissions"}]
    names += [f.verbose_name for f in own_fields]
    untranslated = [str(n) for n in names if not re.search(r"[\u4e00-\u9fff]", zh(n))]
    assert untranslated == []


def test_catalogue_has_no_empty_or_fuzzy_entries():
    text = LOCALE.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    assert entries, "catalogue is empty"
    assert [e for e in entries if 'msgstr ""' in e.splitlines()[-1] and "msgstr[" not in e] == []
    assert "#, fuzzy" not in text
    assert LOCALE.with_suffix(".mo").stat().st_mtime >= LOCALE.stat().st_mtime - 1
