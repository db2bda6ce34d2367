"""The district's own quality registers (§6 of the regulatory workflows): award rounds and applications,
brands (品字标浙江制造 certificates, well-known trademarks), standards led, chief quality officers
(首席质量官), enterprise visits (质量巡诊/帮扶) and publicity (宣传).

Every record belongs to the unit that keeps it (`unit`, e.g. 区市场监管分局) and `visible_to` scopes it by
that unit; a record about a firm refers to it in the market-entity directory, whose town is where the
record counts by town.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.scoping import ScopedQuerySet
from qualitygov.core.versioning import VersionedModel
from qualitygov.registry.models import MarketEntity

from .choices import (
    AwardKind,
    AwardResult,
    AwardStage,
    BrandKind,
    PublicityKind,
    StandardLevel,
    StandardRole,
    VisitKind,
)


class UnitQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class RegisterRecord(VersionedModel):
    """Abstract: the owning unit, notes, demo flag and who created the record."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("keeping unit"))
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        abstract = True


class AwardRound(RegisterRecord):
    """One round of a quality award: its notice and application window."""

    kind = models.CharField(_("award"), max_length=10, choices=AwardKind.choices, default=AwardKind.DISTRICT)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("round"), max_length=200, help_text=_("e.g. 2026年度普陀区政府质量奖"))
    notice = models.CharField(_("notice"), max_length=300, blank=True,
                              help_text=_("The notice that opened the round (title and document number)."))
    opens_on = models.DateField(_("applications open"))
    closes_on = models.DateField(_("applications close"))
    max_winners = models.PositiveSmallIntegerField(_("at most winners"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "title", "id"]
        verbose_name = _("award round")
        verbose_name_plural = _("award rounds")
        constraints = [models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                              name="registers_round_window",
                                              violation_error_message=_("Applications cannot close before they open."))]

    def __str__(self) -> str:
        return self.title


class AwardApplication(RegisterRecord):
    """A firm's application in a round: the town's recommendation, the stage reached (named transitions),
    the scores of each review stage, the 公示 period, the result and the reward paid."""

    round = models.ForeignKey(AwardRound, on_delete=models.PROTECT, related_name="applications",
                              verbose_name=_("award round"))
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+", verbose_name=_("firm"))
    applied_on = models.DateField(_("applied on"))
    recommended = models.BooleanField(_("recommended by the town"), default=False)
    stage = models.CharField(_("stage"), max_length=14, choices=AwardStage.choices, default=AwardStage.APPLIED,
                             db_index=True)
    qualification_passed = models.BooleanField(_("passed the qualification review"), null=True, blank=True)
    materials_score = models.DecimalField(_("materials review score"), max_digits=5, decimal_places=1,
                                          null=True, blank=True)
    site_score = models.DecimalField(_("on-site review score"), max_digits=5, decimal_places=1, null=True, blank=True)
    defence_score = models.DecimalField(_("defence score"), max_digits=5, decimal_places=1, null=True, blank=True)
    publicity_from = models.DateField(_("publicity from"), null=True, blank=True)
    publicity_to = models.DateField(_("publicity to"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=AwardResult.choices, default=AwardResult.PENDING,
                              db_index=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    reward = models.DecimalField(_("reward (10,000 yuan)"), max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-applied_on", "id"]
        verbose_name = _("award application")
        verbose_name_plural = _("award applications")
        constraints = [models.UniqueConstraint(
            fields=["round", "entity"], name="registers_one_application",
            violation_error_message=_("This firm has applied in this round already."))]

    def __str__(self) -> str:
        return f"{self.round.title} · {self.entity.name}"


class Brand(RegisterRecord):
    """A 品字标浙江制造 certificate or a well-known trademark of a firm."""

    kind = models.CharField(_("kind"), max_length=8, choices=BrandKind.choices, default=BrandKind.PINZI)
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+", verbose_name=_("firm"))
    number = models.CharField(_("certificate or registration no."), max_length=60)
    product = models.CharField(_("product or mark"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    certifier = models.CharField(_("certification body"), max_length=120, blank=True)

    class Meta:
        ordering = ["-issued_on", "id"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        constraints = [models.UniqueConstraint(
            fields=["kind", "number"], name="registers_brand_number",
            violation_error_message=_("A brand of this kind with this number is recorded already."))]

    def __str__(self) -> str:
        return f"{self.number} {self.product}"


class StandardLed(RegisterRecord):
    """A standard a firm led or took part in drafting; `leader`: named 企业标准领跑者."""

    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+", verbose_name=_("firm"))
    level = models.CharField(_("level"), max_length=14, choices=StandardLevel.choices)
    number = models.CharField(_("standard no."), max_length=60)
    title = models.CharField(_("standard title"), max_length=200)
    role = models.CharField(_("role"), max_length=10, choices=StandardRole.choices, default=StandardRole.LEAD)
    published_on = models.DateField(_("published on"))
    leader = models.BooleanField(_("enterprise standard leader (企业标准领跑者)"), default=False)

    class Meta:
        ordering = ["-published_on", "id"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        constraints = [models.UniqueConstraint(
            fields=["entity", "number"], name="registers_standard_once",
            violation_error_message=_("This standard is recorded for this firm already."))]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class QualityOfficer(RegisterRecord):
    """A firm's 首席质量官. `person` is personal data: shown to the keeping unit only, never published."""

    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+", verbose_name=_("firm"))
    person = models.CharField(_("name of the officer"), max_length=60)
    appointed_on = models.DateField(_("appointed on"))
    left_on = models.DateField(_("left office on"), null=True, blank=True)
    trained_on = models.DateField(_("training passed on"), null=True, blank=True)
    training = models.CharField(_("training record"), max_length=300, blank=True)

    class Meta:
        ordering = ["-appointed_on", "id"]
        verbose_name = _("chief quality officer")
        verbose_name_plural = _("chief quality officers")

    def __str__(self) -> str:
        return f"{self.entity.name} · {self.appointed_on:%Y-%m-%d}"


class EnterpriseVisit(RegisterRecord):
    """A 质量巡诊 or 帮扶 visit to a firm: what was found, what follows, whether it is closed."""

    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices, default=VisitKind.DIAGNOSIS)
    visited_on = models.DateField(_("visited on"))
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+", verbose_name=_("firm"))
    problems = models.TextField(_("problems found"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        ordering = ["-visited_on", "id"]
        verbose_name = _("enterprise visit")
        verbose_name_plural = _("enterprise visits")

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.entity.name}"


class PublicityItem(RegisterRecord):
    """A publicity event or article: when, what, how many people it reached; evidence is an attachment."""

    kind = models.CharField(_("kind"), max_length=16, choices=PublicityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    medium = models.CharField(_("venue or medium"), max_length=120, blank=True)
    reach = models.PositiveIntegerField(_("people reached"), null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("publicity item")
        verbose_name_plural = _("publicity items")

    def __str__(self) -> str:
        return self.title
