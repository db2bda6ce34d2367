"""国家企业信用信息公示系统: listings and removals by town in the period (列入/移出)."""

MAPPING = {
    "key": "credit",
    "label": "信用监管名单列入移出统计",
    "system": "国家企业信用信息公示系统",
    "version": 1,
    "owner": "区市场监管分局",
    "period_kind": "month",
    "fields": {
        "period": {"label": "统计月份", "headers": ["统计月份", "月份", "统计期间", "期间"], "required": False},
        "town": {"label": "镇街", "headers": ["镇街", "乡镇街道", "乡镇（街道）", "属地", "所属镇街", "辖区"],
                 "fill_down": True},
    },
    # Exports use a two-row header (严重违法失信名单 over 列入/移出); a header matches either the cell or
    # the cell under its merged parent, so both spellings are listed.
    "figures": [
        {"measure": "serious_listed", "label": "列入严重违法失信名单",
         "headers": ["列入严重违法失信名单", "严重违法失信名单列入", "严重违法失信名单列入户数", "列入严重违法失信名单户数"]},
        {"measure": "serious_removed", "label": "移出严重违法失信名单",
         "headers": ["移出严重违法失信名单", "严重违法失信名单移出", "严重违法失信名单移出户数", "移出严重违法失信名单户数"]},
        {"measure": "abnormal_listed", "label": "列入经营异常名录",
         "headers": ["列入经营异常名录", "经营异常名录列入", "经营异常名录列入户数", "列入经营异常名录户数"]},
        {"measure": "abnormal_removed", "label": "移出经营异常名录",
         "headers": ["移出经营异常名录", "经营异常名录移出", "经营异常名录移出户数", "移出经营异常名录户数"]},
    ],
}
