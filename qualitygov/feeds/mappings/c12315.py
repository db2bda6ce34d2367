"""全国12315平台 monthly statistics by town and category (投诉举报统计月报)."""

TOWN_HEADERS = ["镇街", "乡镇街道", "乡镇（街道）", "属地", "所属镇街", "所属乡镇街道", "辖区", "单位", "属地单位"]

MAPPING = {
    "key": "c12315",
    "label": "12315投诉举报月度统计",
    "system": "全国12315平台",
    "version": 1,
    "owner": "区市场监管分局",
    "period_kind": "month",
    "fields": {
        "period": {"label": "统计月份", "headers": ["统计月份", "月份", "统计期间", "期间"], "required": False},
        "town": {"label": "镇街", "headers": TOWN_HEADERS, "fill_down": True},
        "category": {"label": "类别", "headers": ["类别", "投诉类别", "诉求类别", "业务类别"], "required": False},
    },
    "figures": [
        {"measure": "accepted", "label": "受理量", "headers": ["受理量", "受理数", "受理件数", "受理数量"],
         "kind": "count"},
        {"measure": "ontime_rate", "label": "按时办结率", "headers": ["按时办结率", "按期办结率"], "kind": "rate",
         "weight": "accepted", "required": False},
        {"measure": "mediation_rate", "label": "调解成功率", "headers": ["调解成功率"], "kind": "rate",
         "weight": "accepted", "required": False},
        {"measure": "disclosure_rate", "label": "投诉公示率", "headers": ["投诉公示率", "公示率"], "kind": "rate",
         "weight": "accepted", "required": False},
    ],
}
