"""Surface water, 省控断面 monthly classes (地表水环境质量月报): one row per section and month; a section
is good when its class is Ⅲ or better (GB 3838-2002)."""

import unicodedata
from decimal import Decimal

MAPPING = {
    "key": "water",
    "label": "地表水省控断面水质月报",
    "system": "地表水环境质量监测",
    "version": 1,
    "owner": "区生态环境分局",
    "period_kind": "month",
    "fields": {
        "period": {"label": "月份", "headers": ["月份", "监测月份", "统计月份"], "required": False},
        "subject": {"label": "断面", "headers": ["断面名称", "断面", "监测断面"]},
        "town": {"label": "所在镇街", "headers": ["所在镇街", "镇街", "乡镇街道", "所在地"]},
    },
    "raw": {
        "water_class": {"label": "水质类别", "headers": ["水质类别", "类别", "本月水质", "水质"]},
    },
    "derived": {"sections": "断面数", "good_sections": "达到或优于Ⅲ类断面数"},
}

_CLASSES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5,
            "一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


def water_class(text: str) -> int:
    """1–5 for Ⅰ–Ⅴ, 6 for 劣Ⅴ; ValueError otherwise. Accepts Ⅲ, III, 3, Ⅲ类, 三类."""
    clean = unicodedata.normalize("NFKC", str(text)).strip().upper().replace(" ", "").removesuffix("类")
    worse = clean.startswith("劣")
    clean = clean.removeprefix("劣")
    if clean in _CLASSES:
        number = _CLASSES[clean]
        if worse:
            if number != 5:
                raise ValueError(f"水质类别“{text}”无法识别")
            return 6
        return number
    raise ValueError(f"水质类别“{text}”无法识别（应为Ⅰ～Ⅴ类或劣Ⅴ类）")


def derive(values: dict) -> dict:
    number = water_class(values.get("water_class") or "")
    return {"sections": Decimal(1), "good_sections": Decimal(1 if number <= 3 else 0)}
