"""The declarations of the district's registers (see `qualitygov.registry.ledgers`): one `Register` each."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitygov.registry.ledgers import BOOL, CHOICE, DATE, DECIMAL, ENTITY, FK, INT, Col, ListCol, Register

from . import events
from .models import (
    AwardApplication,
    AwardRound,
    Brand,
    EnterpriseVisit,
    PublicityItem,
    QualityOfficer,
    StandardLed,
)


def _entity(obj) -> str:
    return obj.entity.name


def _town(obj) -> str:
    town = obj.entity.town
    return town.label if town is not None else "—"


def _unit(obj) -> str:
    return obj.unit.label


def _date(name: str):
    return lambda obj: getattr(obj, name)


def _display(name: str):
    return lambda obj: getattr(obj, f"get_{name}_display")()


def _check_round(obj) -> dict[str, str]:
    if obj.opens_on and obj.closes_on and obj.closes_on < obj.opens_on:
        return {"closes_on": _("Applications cannot close before they open.")}
    return {}


def _check_application(obj) -> dict[str, str]:
    errors = {}
    if obj.publicity_from and obj.publicity_to and obj.publicity_to < obj.publicity_from:
        errors["publicity_to"] = _("The publicity period cannot end before it starts.")
    if obj.round_id and obj.applied_on and obj.round.closes_on and obj.applied_on > obj.round.closes_on:
        errors["applied_on"] = _("The round's applications closed on %(date)s.") % {"date": obj.round.closes_on}
    return errors


def _check_dates(first: str, then: str, message: str):
    def check(obj) -> dict[str, str]:
        a, b = getattr(obj, first), getattr(obj, then)
        return {then: str(message)} if a and b and b < a else {}
    return check


ENTITY_COL = Col("entity", "统一社会信用代码", ENTITY, required=True)

ROUNDS = Register(
    key="rounds", model=AwardRound, label=gettext_lazy("Award rounds"), noun=gettext_lazy("award round"),
    description=gettext_lazy("Rounds of the government quality awards and the China Quality Award: the notice and "
                             "the application window."),
    columns=(Col("kind", "奖项", CHOICE, required=True), Col("year", "年度", INT, required=True),
             Col("title", "评选名称", required=True), Col("notice", "通知文件"),
             Col("opens_on", "申报开始", DATE, required=True), Col("closes_on", "申报截止", DATE, required=True),
             Col("max_winners", "名额上限", INT), Col("notes", "备注")),
    list_columns=(ListCol(gettext_lazy("Round"), lambda o: o.title, "title"),
                  ListCol(gettext_lazy("Award"), _display("kind"), "kind"),
                  ListCol(gettext_lazy("Year"), lambda o: o.year, "year"),
                  ListCol(gettext_lazy("Applications open"), _date("opens_on"), "date", ("opens_on",)),
                  ListCol(gettext_lazy("Applications close"), _date("closes_on"), "closes_on"),
                  ListCol(gettext_lazy("Keeping unit"), _unit)),
    date_field="opens_on", filters=("kind",), search=("title", "notice"), natural_key=("title",),
    events=(events.ROUND_CREATE, events.ROUND_UPDATE, events.ROUND_DELETE, events.ROUND_IMPORT),
    filename="质量奖评选", check=_check_round,
)

APPLICATIONS = Register(
    key="awards", model=AwardApplication, label=gettext_lazy("Quality award applications"),
    noun=gettext_lazy("award application"),
    description=gettext_lazy("Each firm's application: town recommendation, stage reached, scores per stage, "
                             "publicity, result and reward."),
    columns=(Col("round", "评选名称", FK, required=True, fk_lookup="title"), ENTITY_COL,
             Col("applied_on", "申报日期", DATE, required=True), Col("recommended", "镇街推荐", BOOL),
             Col("qualification_passed", "资格审查通过", BOOL), Col("materials_score", "材料评审得分", DECIMAL),
             Col("site_score", "现场评审得分", DECIMAL), Col("defence_score", "答辩得分", DECIMAL),
             Col("publicity_from", "公示开始", DATE), Col("publicity_to", "公示结束", DATE),
             Col("reward", "奖励金额（万元）", DECIMAL), Col("notes", "备注")),
    list_columns=(ListCol(gettext_lazy("Firm"), _entity, "entity", ("entity__name",)),
                  ListCol(gettext_lazy("Round"), lambda o: o.round.title, "round", ("round__title",)),
                  ListCol(gettext_lazy("Town"), _town),
                  ListCol(gettext_lazy("Applied on"), _date("applied_on"), "date", ("applied_on",)),
                  ListCol(gettext_lazy("Stage"), _display("stage"), "stage"),
                  ListCol(gettext_lazy("Result"), _display("result"), "result"),
                  ListCol(gettext_lazy("Reward (10,000 yuan)"), lambda o: o.reward, "reward")),
    date_field="applied_on", filters=("stage", "result", "recommended"), search=("entity__name", "entity__uscc"),
    natural_key=("round", "entity"), select_related=("unit", "entity__town", "round"),
    events=(events.APPLICATION_CREATE, events.APPLICATION_UPDATE, events.APPLICATION_DELETE,
            events.APPLICATION_IMPORT),
    measures=("registers.award_applications", "registers.awards_won"), filename="质量奖申报",
    check=_check_application,
)

BRANDS = Register(
    key="brands", model=Brand, label=gettext_lazy("Brands"), noun=gettext_lazy("brand"),
    description=gettext_lazy("品字标浙江制造 certificates and well-known trademarks of the district's firms."),
    columns=(Col("kind", "类别", CHOICE, required=True), ENTITY_COL,
             Col("number", "证书编号/注册号", required=True), Col("product", "产品/商标", required=True),
             Col("issued_on", "发证日期", DATE, required=True), Col("expires_on", "有效期至", DATE),
             Col("certifier", "认证机构"), Col("notes", "备注")),
    list_columns=(ListCol(gettext_lazy("Firm"), _entity, "entity", ("entity__name",)),
                  ListCol(gettext_lazy("Kind"), _display("kind"), "kind"),
                  ListCol(gettext_lazy("Certificate or registration no."), lambda o: o.number, "number"),
                  ListCol(gettext_lazy("Product or mark"), lambda o: o.product),
                  ListCol(gettext_lazy("Town"), _town),
                  ListCol(gettext_lazy("Date of issue"), _date("issued_on"), "date", ("issued_on",)),
                  ListCol(gettext_lazy("Expires on"), _date("expires_on"), "expires_on")),
    date_field="issued_on", filters=("kind",), search=("entity__name", "number", "product"),
    natural_key=("kind", "number"), select_related=("unit", "entity__town"),
    events=(events.BRAND_CREATE, events.BRAND_UPDATE, events.BRAND_DELETE, events.BRAND_IMPORT),
    measures=("registers.brand_certificates", "registers.famous_trademarks"), filename="品牌登记",
    check=_check_dates("issued_on", "expires_on", gettext_lazy("A certificate cannot expire before it is issued.")),
)

STANDARDS = Register(
    key="standards", model=StandardLed, label=gettext_lazy("Standards led"), noun=gettext_lazy("standard"),
    description=gettext_lazy("International, national, industry, local, group and enterprise standards the "
                             "district's firms led or took part in; 企业标准领跑者."),
    columns=(ENTITY_COL, Col("level", "标准层级", CHOICE, required=True), Col("number", "标准编号", required=True),
             Col("title", "标准名称", required=True), Col("role", "参与方式", CHOICE, required=True),
             Col("published_on", "发布日期", DATE, required=True), Col("leader", "企业标准领跑者", BOOL),
             Col("notes", "备注")),
    list_columns=(ListCol(gettext_lazy("Standard no."), lambda o: o.number, "number"),
                  ListCol(gettext_lazy("Standard title"), lambda o: o.title),
                  ListCol(gettext_lazy("Firm"), _entity, "entity", ("entity__name",)),
                  ListCol(gettext_lazy("Level"), _display("level"), "level"),
                  ListCol(gettext_lazy("Role"), _display("role"), "role"),
                  ListCol(gettext_lazy("Published on"), _date("published_on"), "date", ("published_on",)),
                  ListCol(gettext_lazy("Standard leader"), lambda o: o.leader, "leader")),
    date_field="published_on", filters=("level", "role", "leader"), search=("number", "title", "entity__name"),
    natural_key=("entity", "number"), select_related=("unit", "entity__town"),
    events=(events.STANDARD_CREATE, events.STANDARD_UPDATE, events.STANDARD_DELETE, events.STANDARD_IMPORT),
    measures=("registers.standards_led", "registers.standard_leaders"), filename="标准制定",
)

OFFICERS = Register(
    key="officers", model=QualityOfficer, label=gettext_lazy("Chief quality officers"),
    noun=gettext_lazy("chief quality officer"),
    description=gettext_lazy("首席质量官 of the district's firms: appointed, left, training. The officer's name "
                             "is personal data: kept by the unit, never published."),
    columns=(ENTITY_COL, Col("person", "首席质量官姓名", required=True),
             Col("appointed_on", "任命日期", DATE, required=True), Col("left_on", "离任日期", DATE),
             Col("trained_on", "培训合格日期", DATE), Col("training", "培训记录"), Col("notes", "备注")),
    list_columns=(ListCol(gettext_lazy("Firm"), _entity, "entity", ("entity__name",)),
                  ListCol(gettext_lazy("Name of the officer"), lambda o: o.person),
                  ListCol(gettext_lazy("Town"), _town),
                  ListCol(gettext_lazy("Appointed on"), _date("appointed_on"), "date", ("appointed_on",)),
                  ListCol(gettext_lazy("Left office on"), _date("left_on"), "left_on"),
                  ListCol(gettext_lazy("Training passed on"), _date("trained_on"), "trained_on")),
    date_field="appointed_on", search=("entity__name", "person"), natural_key=("entity", "appointed_on"),
    select_related=("unit", "entity__town"), personal=("person",),
    events=(events.OFFICER_CREATE, events.OFFICER_UPDATE, events.OFFICER_DELETE, events.OFFICER_IMPORT),
    measures=("registers.cqo_count", "registers.cqo_coverage"), filename="首席质量官",
    check=_check_dates("appointed_on", "left_on", gettext_lazy("An officer cannot leave before being appointed.")),
)

VISITS = Register(
    key="visits", model=EnterpriseVisit, label=gettext_lazy("Enterprise visits"), noun=gettext_lazy("visit"),
    description=gettext_lazy("质量巡诊 and 帮扶 visits: the problems found, the follow-up, whether closed."),
    columns=(Col("kind", "类型", CHOICE, required=True), Col("visited_on", "走访日期", DATE, required=True),
             ENTITY_COL, Col("problems", "发现问题"), Col("follow_up", "跟进措施"), Col("closed", "已办结", BOOL),
             Col("notes", "备注")),
    list_columns=(ListCol(gettext_lazy("Visited on"), _date("visited_on"), "date", ("visited_on",)),
                  ListCol(gettext_lazy("Firm"), _entity, "entity", ("entity__name",)),
                  ListCol(gettext_lazy("Kind"), _display("kind"), "kind"),
                  ListCol(gettext_lazy("Town"), _town),
                  ListCol(gettext_lazy("Problems found"), lambda o: o.problems[:60]),
                  ListCol(gettext_lazy("Closed"), lambda o: o.closed, "closed"),
                  ListCol(gettext_lazy("Keeping unit"), _unit)),
    date_field="visited_on", filters=("kind", "closed"), search=("entity__name", "problems"),
    select_related=("unit", "entity__town"),
    events=(events.VISIT_CREATE, events.VISIT_UPDATE, events.VISIT_DELETE, events.VISIT_IMPORT),
    measures=("registers.visits",), filename="企业走访",
)

PUBLICITY = Register(
    key="publicity", model=PublicityItem, label=gettext_lazy("Publicity"), noun=gettext_lazy("publicity item"),
    description=gettext_lazy("Events and articles: 质量月, 世界标准日, 3·15, media pieces; reach and evidence."),
    columns=(Col("kind", "类型", CHOICE, required=True), Col("title", "活动/稿件名称", required=True),
             Col("held_on", "日期", DATE, required=True), Col("medium", "地点/媒体"), Col("reach", "覆盖人次", INT),
             Col("notes", "备注")),
    list_columns=(ListCol(gettext_lazy("Date"), _date("held_on"), "date", ("held_on",)),
                  ListCol(gettext_lazy("Title"), lambda o: o.title, "title"),
                  ListCol(gettext_lazy("Kind"), _display("kind"), "kind"),
                  ListCol(gettext_lazy("Venue or medium"), lambda o: o.medium),
                  ListCol(gettext_lazy("People reached"), lambda o: o.reach, "reach"),
                  ListCol(gettext_lazy("Keeping unit"), _unit)),
    date_field="held_on", filters=("kind",), search=("title", "medium"),
    events=(events.PUBLICITY_CREATE, events.PUBLICITY_UPDATE, events.PUBLICITY_DELETE, events.PUBLICITY_IMPORT),
    measures=("registers.publicity_events",), filename="质量宣传",
)

REGISTERS: tuple[Register, ...] = (ROUNDS, APPLICATIONS, BRANDS, STANDARDS, OFFICERS, VISITS, PUBLICITY)
BY_KEY = {r.key: r for r in REGISTERS}

