"""The demo district: Putuo (舟山市普陀区), its leading group and office, the departments the seed
plan names, its 4 subdistricts and 5 towns (2022), and one demo user per kind of user.

`load` is idempotent: it creates what is missing and leaves what exists alone.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from .choices import OrgUnitKind as K
from .choices import Role
from .models import OrgUnit, User
from .services import org_unit_create, user_create

DEMO_PASSWORD = "Putuo-demo-2026"
DISTRICT = "舟山市普陀区"

#: (full name, short name as the plan writes it, other aliases)
DEPARTMENTS: list[tuple[str, str, list[str]]] = [
    ("舟山市普陀区发展和改革局", "区发改局", []),
    ("舟山市普陀区经济和信息化局", "区经信局", []),
    ("舟山市市场监督管理局普陀分局", "区市场监管分局", ["区市场监督管理分局"]),
    ("舟山市普陀区住房和城乡建设局", "区住建局", []),
    ("舟山市普陀区交通运输局", "区交通运输局", []),
    ("舟山市普陀区农业农村局", "区农业农村局", []),
    ("舟山市自然资源和规划局普陀分局", "区资源规划分局", ["区资规分局"]),
    ("舟山市生态环境局普陀分局", "区生态环境分局", []),
    ("舟山市港航和口岸管理局普陀分中心", "区港航分中心", []),
    ("舟山市普陀区商务局", "区商务局", []),
    ("舟山市普陀区海洋与渔业局", "区海洋与渔业局", []),
    ("舟山市普陀区教育局", "区教育局", []),
    ("舟山市普陀区民政局", "区民政局", []),
    ("舟山市普陀区文化和广电旅游体育局", "区文广旅体局", []),
    ("舟山市普陀区卫生健康局", "区卫健局", []),
    ("舟山市普陀区综合行政执法局", "区综合行政执法局", []),
    ("舟山沈家门海事处", "沈家门海事处", []),
    ("舟山市公安局普陀区分局", "区公安分局", []),
    ("舟山市普陀区人民法院", "区人民法院", []),
    ("舟山市普陀区人民检察院", "区人民检察院", []),
    ("舟山市普陀区司法局", "区司法局", []),
    ("舟山市普陀区财政局", "区财政局", []),
    ("舟山市普陀区人力资源和社会保障局", "区人力社保局", []),
]
SUBDISTRICTS = ["沈家门街道", "东港街道", "朱家尖街道", "展茅街道"]
TOWNS = ["六横镇", "虾峙镇", "桃花镇", "东极镇", "普陀山镇"]

#: username, display name, home unit (short or full name), role, grant unit, include descendants
USERS: list[tuple[str, str, str, str, str, bool]] = [
    ("office", "质量强区办 王主任", "质量强区办", Role.OFFICE_ADMIN, DISTRICT, True),
    ("leader", "分管区长 李区长", DISTRICT, Role.LEADER, DISTRICT, True),
    ("jxj", "区经信局 联络员 张", "区经信局", Role.DEPARTMENT_LIAISON, "区经信局", False),
    ("zjj", "区住建局 联络员 陈", "区住建局", Role.DEPARTMENT_LIAISON, "区住建局", False),
    ("sjm", "沈家门街道 联络员 刘", "沈家门街道", Role.TOWN_LIAISON, "沈家门街道", False),
    ("reviewer", "质量强区办 审核员 赵", "质量强区办", Role.REVIEWER, DISTRICT, True),
    ("viewer", "质量强区办 观察员 孙", "质量强区办", Role.VIEWER, DISTRICT, True),
    ("inspector", "区市场监管分局 执法检查员 周", "区市场监管分局", Role.INSPECTOR, "区市场监管分局", False),
]


def _unit(name: str) -> OrgUnit:
    return OrgUnit.objects.named(name).get()


def _ensure_unit(name: str, kind: str, parent: OrgUnit | None, short: str = "", aliases=(), order: int = 0) -> OrgUnit:
    existing = OrgUnit.objects.named(name).first()
    if existing is not None:
        return existing
    return org_unit_create(actor=None, name=name, kind=kind, parent=parent, short_name=short,
                           aliases=list(aliases), sort_order=order)


@transaction.atomic
def load(stdout=None) -> dict[str, int]:
    """Create the Putuo organisation and demo users where missing; return counts created."""
    units_before = OrgUnit.objects.count()
    users_before = User.objects.count()
    district = _ensure_unit(DISTRICT, K.DISTRICT, None, short="普陀区")
    group = _ensure_unit("舟山市普陀区质量强区工作领导小组", K.LEADING_GROUP, district, short="区质量强区工作领导小组",
                         aliases=["普陀区质量强区工作领导小组"], order=1)
    _ensure_unit("舟山市普陀区质量强区工作领导小组办公室", K.OFFICE, group, short="质量强区办",
                 aliases=["区质量强区办"], order=2)
    for i, (full, short, aliases) in enumerate(DEPARTMENTS):
        _ensure_unit(full, K.DEPARTMENT, district, short=short, aliases=aliases, order=100 + i)
    for i, name in enumerate(SUBDISTRICTS):
        _ensure_unit(f"舟山市普陀区{name}", K.SUBDISTRICT, district, short=name, aliases=[f"{name}办事处"], order=300 + i)
    for i, name in enumerate(TOWNS):
        _ensure_unit(f"舟山市普陀区{name}", K.TOWN, district, short=name, aliases=[f"{name}人民政府"], order=400 + i)
    password_hash = None
    for username, display, home, role, grant_unit, descendants in USERS:
        if User.objects.filter(username=username).exists():
            continue
        if password_hash is None:
            validate_password(DEMO_PASSWORD)
            password_hash = make_password(DEMO_PASSWORD)
        user_create(actor=None, username=username, password=DEMO_PASSWORD, password_hash=password_hash,
                    display_name=display, unit=_unit(home),
                    grants=[(role, _unit(grant_unit), descendants)])
    return {"units": OrgUnit.objects.count() - units_before, "users": User.objects.count() - users_before}


def logins() -> list[tuple[str, str, str]]:
    """(username, password, what the user is) for the demo banner."""
    return [(u[0], DEMO_PASSWORD, u[1]) for u in USERS]
