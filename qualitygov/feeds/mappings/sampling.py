"""Product and food sampling results (国家食品安全抽样检验信息系统 and the provincial product systems):
one row per sampled batch; each row counts one batch, and one failed batch when its verdict is 不合格."""

from decimal import Decimal

MAPPING = {
    "key": "sampling",
    "label": "产品和食品抽检结果",
    "system": "国家食品安全抽样检验信息系统 / 产品质量监督抽查系统",
    "version": 1,
    "owner": "区市场监管分局",
    "period_kind": "day",
    "fields": {
        "period": {"label": "抽样日期", "headers": ["抽样日期", "抽样时间", "抽检日期"]},
        "town": {"label": "镇街", "headers": ["所在镇街", "镇街", "乡镇街道", "被抽样单位所在镇街", "属地"]},
        "category": {"label": "抽检类别", "headers": ["抽检类别", "类别", "抽检类型", "任务类别"],
                     "values": {"食品": ["食品", "食品评价性抽检", "评价性抽检", "食品安全评价性抽检"],
                                "药品": ["药品", "基本药物", "集采药品", "基本药物/集采", "药品抽检"],
                                "食用农产品": ["食用农产品", "例行监测", "食用农产品例行监测"],
                                "工业产品": ["工业产品", "产品质量监督抽查", "工业产品监督抽查"]}},
        "subject": {"label": "抽样单编号", "headers": ["抽样单编号", "抽样编号", "样品编号"]},
    },
    "raw": {
        "verdict": {"label": "检验结论", "headers": ["检验结论", "结论", "判定结论"]},
    },
    "derived": {"batches": "抽检批次", "failed": "不合格批次"},
}

_PASS = ("合格", "符合")
_FAIL = ("不合格", "不符合", "问题")


def derive(values: dict) -> dict:
    """One batch; failed when the verdict says 不合格 (ValueError for a verdict that is neither)."""
    verdict = str(values.get("verdict") or "").strip().replace(" ", "")
    if any(word in verdict for word in _FAIL):
        return {"batches": Decimal(1), "failed": Decimal(1)}
    if any(verdict.startswith(word) for word in _PASS):
        return {"batches": Decimal(1), "failed": Decimal(0)}
    raise ValueError(f"检验结论“{verdict}”应为“合格”或“不合格”")
