"""Test helpers: the fixed cast of users every permission test runs over, and query budgets.

The cast: office admin, leader, liaison of department A (区经信局), liaison of department B
(区住建局), town liaison (沈家门街道), and anonymous; with `build_cast(scoped_office=True)` also an
office admin granted on department B only (`office_dept`), who must not act outside it (the
permission matrix and the scope tests use it). Built through the real services.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualitygov.accounts.choices import OrgUnitKind as K
from qualitygov.accounts.choices import Role
from qualitygov.accounts.models import OrgUnit, User
from qualitygov.accounts.services import org_unit_create, user_create

PASSWORD = "Cast-password-2026"


@dataclass
class Cast:
    district: OrgUnit
    office_unit: OrgUnit
    dept_a: OrgUnit
    dept_b: OrgUnit
    town: OrgUnit
    office: User
    leader: User
    liaison_a: User
    liaison_b: User
    town_liaison: User
    office_dept: User | None = None

    @property
    def members(self) -> dict[str, User | None]:
        scoped = {"office_dept": self.office_dept} if self.office_dept is not None else {}
        return {
            "office": self.office, "leader": self.leader, "liaison_a": self.liaison_a,
            "liaison_b": self.liaison_b, "town_liaison": self.town_liaison, **scoped, "anonymous": None,
        }


def build_cast(*, scoped_office: bool = False) -> Cast:
    district = org_unit_create(actor=None, name="舟山市普陀区", kind=K.DISTRICT, short_name="普陀区")
    group = org_unit_create(actor=None, name="普陀区质量强区工作领导小组", kind=K.LEADING_GROUP, parent=district)
    office_unit = org_unit_create(actor=None, name="普陀区质量强区工作领导小组办公室", kind=K.OFFICE, parent=group,
                                  short_name="质量强区办")
    dept_a = org_unit_create(actor=None, name="舟山市普陀区经济和信息化局", kind=K.DEPARTMENT, parent=district,
                             short_name="区经信局")
    dept_b = org_unit_create(actor=None, name="舟山市普陀区住房和城乡建设局", kind=K.DEPARTMENT, parent=district,
                             short_name="区住建局")
    town = org_unit_create(actor=None, name="舟山市普陀区沈家门街道", kind=K.SUBDISTRICT, parent=district,
                           short_name="沈家门街道")

    def person(username: str, unit: OrgUnit, role: str, grant_unit: OrgUnit, descendants: bool) -> User:
        return user_create(actor=None, username=username, password=PASSWORD, display_name=username, unit=unit,
                           grants=[(role, grant_unit, descendants)])

    cast = Cast(
        district=district, office_unit=office_unit, dept_a=dept_a, dept_b=dept_b, town=town,
        office=person("office", office_unit, Role.OFFICE_ADMIN, district, True),
        leader=person("leader", district, Role.LEADER, district, True),
        liaison_a=person("liaison_a", dept_a, Role.DEPARTMENT_LIAISON, dept_a, False),
        liaison_b=person("liaison_b", dept_b, Role.DEPARTMENT_LIAISON, dept_b, False),
        town_liaison=person("town_liaison", town, Role.TOWN_LIAISON, town, False),
    )
    if scoped_office:
        cast.office_dept = person("office_dept", dept_b, Role.OFFICE_ADMIN, dept_b, False)
    return cast
