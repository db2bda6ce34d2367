"""Kinds, levels, stages and results of the quality registers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AwardKind(models.TextChoices):
    DISTRICT = "district", _("District government quality award (区政府质量奖)")
    CITY = "city", _("City government quality award (市政府质量奖)")
    PROVINCE = "province", _("Provincial government quality award (浙江省政府质量奖)")
    CHINA = "china", _("China Quality Award (中国质量奖)")


class AwardStage(models.TextChoices):
    """How far an application has gone (the 建湖 procedure: towns recommend, then five review stages)."""

    APPLIED = "applied", _("Applied")
    RECOMMENDED = "recommended", _("Recommended by the town")
    QUALIFICATION = "qualification", _("Qualification review (资格审查)")
    MATERIALS = "materials", _("Materials review (材料评审)")
    SITE = "site", _("On-site review (现场评审)")
    DEFENCE = "defence", _("Defence (答辩)")
    APPROVAL = "approval", _("Approval and publicity (审定公示)")
    DECIDED = "decided", _("Review finished")


class AwardResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    WON = "won", _("Won")
    NOMINATED = "nominated", _("Nominated (提名奖)")
    NOT_WON = "not_won", _("Not won")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: Named transitions of an application: name → (stages it may start from, stage it leads to).
_ORDER = [AwardStage.APPLIED, AwardStage.RECOMMENDED, AwardStage.QUALIFICATION, AwardStage.MATERIALS,
          AwardStage.SITE, AwardStage.DEFENCE, AwardStage.APPROVAL]
STAGE_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "recommend": (frozenset({AwardStage.APPLIED}), AwardStage.RECOMMENDED),
    "qualify": (frozenset({AwardStage.APPLIED, AwardStage.RECOMMENDED}), AwardStage.QUALIFICATION),
    "review_materials": (frozenset({AwardStage.QUALIFICATION}), AwardStage.MATERIALS),
    "visit_site": (frozenset({AwardStage.MATERIALS}), AwardStage.SITE),
    "defend": (frozenset({AwardStage.SITE}), AwardStage.DEFENCE),
    "approve": (frozenset({AwardStage.DEFENCE}), AwardStage.APPROVAL),
    "decide": (frozenset(_ORDER), AwardStage.DECIDED),
}
#: The transition that leads on from each stage (the "next stage" button).
NEXT_STEP = {AwardStage.APPLIED: "recommend", AwardStage.RECOMMENDED: "qualify",
             AwardStage.QUALIFICATION: "review_materials", AwardStage.MATERIALS: "visit_site",
             AwardStage.SITE: "defend", AwardStage.DEFENCE: "approve"}


class BrandKind(models.TextChoices):
    PINZI = "pinzi", _("品字标浙江制造 certificate")
    FAMOUS = "famous", _("Well-known trademark (驰名商标)")


class StandardLevel(models.TextChoices):
    INTERNATIONAL = "international", _("International")
    NATIONAL = "national", _("National")
    INDUSTRY = "industry", _("Industry")
    LOCAL = "local", _("Local")
    GROUP = "group", _("Group (团体标准)")
    ENTERPRISE = "enterprise", _("Enterprise")


class StandardRole(models.TextChoices):
    LEAD = "lead", _("Led (主导)")
    TAKE_PART = "take_part", _("Took part (参与)")


class VisitKind(models.TextChoices):
    DIAGNOSIS = "diagnosis", _("Quality diagnosis (质量巡诊)")
    ASSISTANCE = "assistance", _("Assistance (帮扶)")


class PublicityKind(models.TextChoices):
    QUALITY_MONTH = "quality_month", _("Quality Month (质量月)")
    STANDARDS_DAY = "standards_day", _("World Standards Day (世界标准日)")
    CONSUMER_DAY = "consumer_day", _("3·15 consumer rights day")
    MEASUREMENT_DAY = "measurement_day", _("World Metrology Day (世界计量日)")
    MEDIA = "media", _("Media piece")
    OTHER = "other", _("Other event")
