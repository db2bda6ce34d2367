"""浙江省市场监管“双随机、一公开”监管平台: results of random inspections by town."""

MAPPING = {
    "key": "inspections",
    "label": "双随机抽查结果统计",
    "system": "双随机、一公开监管平台",
    "version": 1,
    "owner": "区市场监管分局",
    "period_kind": "month",
    "fields": {
        "period": {"label": "统计月份", "headers": ["统计月份", "月份", "统计期间", "期间"], "required": False},
        "town": {"label": "镇街", "headers": ["镇街", "乡镇街道", "乡镇（街道）", "属地", "所属镇街", "辖区"],
                 "fill_down": True},
    },
    "figures": [
        {"measure": "planned", "label": "计划抽查户数", "headers": ["计划抽查户数", "计划检查户数", "计划抽查数"]},
        {"measure": "completed", "label": "完成抽查户数", "headers": ["完成抽查户数", "已完成户数", "完成检查户数"]},
        {"measure": "ontime_publication_rate", "label": "按时公示率", "headers": ["按时公示率", "结果按时公示率"],
         "kind": "rate", "weight": "completed"},
        {"measure": "followup_rate", "label": "后续处置率", "headers": ["后续处置率", "问题后续处置率"],
         "kind": "rate", "weight": "problems"},
        {"measure": "problems", "label": "发现问题户数", "headers": ["发现问题户数", "发现问题数", "问题户数"]},
    ],
}
