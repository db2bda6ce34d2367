"""Daily air quality (环境空气质量日报): one row per day; a day is good (优良) when AQI ≤ 100, or, without
an AQI, when the level is 优 or 良 (HJ 633-2012)."""

from decimal import Decimal, InvalidOperation

MAPPING = {
    "key": "air",
    "label": "环境空气质量日报",
    "system": "环境空气质量监测网",
    "version": 1,
    "owner": "区生态环境分局",
    "period_kind": "day",
    "fields": {
        "period": {"label": "日期", "headers": ["日期", "监测日期", "时间"]},
        "subject": {"label": "站点", "headers": ["站点", "监测点位", "点位名称", "站点名称"], "required": False},
    },
    "raw": {
        "aqi": {"label": "AQI", "headers": ["AQI", "空气质量指数", "AQI指数"], "required": False},
        "level": {"label": "质量级别", "headers": ["空气质量级别", "质量级别", "级别", "空气质量类别", "类别"],
                  "required": False},
    },
    "derived": {"days": "监测天数", "good_days": "优良天数"},
}

_GOOD = ("优", "良", "一级", "二级")
_BAD = ("轻度", "中度", "重度", "严重", "三级", "四级", "五级", "六级")


def derive(values: dict) -> dict:
    aqi = values.get("aqi")
    if aqi not in (None, ""):
        try:
            number = Decimal(str(aqi).strip())
        except (InvalidOperation, ValueError):
            raise ValueError(f"AQI“{aqi}”不是数字") from None
        if not number.is_finite() or number < 0 or number > 1000:
            raise ValueError(f"AQI“{aqi}”应在0～1000之间")
        return {"days": Decimal(1), "good_days": Decimal(1 if number <= 100 else 0)}
    level = str(values.get("level") or "").strip()
    if any(word in level for word in _BAD):
        return {"days": Decimal(1), "good_days": Decimal(0)}
    if any(level.startswith(word) for word in _GOOD):
        return {"days": Decimal(1), "good_days": Decimal(1)}
    raise ValueError("缺少AQI和空气质量级别" if not level else f"空气质量级别“{level}”无法识别")
