"""统一社会信用代码 (unified social credit code, GB 32100-2015): normalise and check one code.

A code is 18 characters from the standard's 31-character set `0-9A-HJ-NPQRTUWXY` (no I, O, Z, S, V):

    position 1      登记管理部门代码 (registration authority: 9 = 工商/市场监管, 5 = 民政, 1 = 机构编制…)
    position 2      机构类别代码 (kind of body within that authority: 9-1 企业, 9-2 个体工商户, 9-3 农民专业合作社…)
    positions 3–8   登记管理机关行政区划码 (GB/T 2260 region code of the registering office: six digits)
    positions 9–17  主体标识码 (the body's 组织机构代码, GB 11714)
    position 18     校验码: with values 0–30 for the characters in set order and weights
                    3^(i-1) mod 31 = 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
                    C18 = 31 − (Σ value × weight mod 31), where 31 stands for 0.

Why the check catches every single-character substitution: changing position i from value a to b
changes the weighted sum by weight_i × (b − a). 31 is prime, no weight is a multiple of 31 and
0 < |b − a| < 31, so the change is never a multiple of 31 and the expected check character changes
too; a change of the check character itself no longer matches the sum.

`check(text)` never raises: it answers a `UsccResult` with the normalised code (surrounding blanks,
full-width characters and lower case undone) or a reason in Chinese naming the character, its position
and, for a bad check character, the one expected. The 9th–17th characters' own GB 11714 check is not
enforced: the standard does not make it part of the code's validity.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
_VALUE = {ch: index for index, ch in enumerate(ALPHABET)}

#: 登记管理部门代码 → (authority, {机构类别代码: kind}), GB 32100-2015 附录A with the later additions
#: (A 中央军委改革和编制办公室, N 农业农村 for collective economic organisations).
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": ("司法行政", {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所", "4": "司法鉴定机构",
                       "5": "仲裁委员会", "9": "其他"}),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": ("旅游", {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"}),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商（市场监管）", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业农村", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}

#: First two digits of a GB/T 2260 region code (provinces, 71 台湾, 81/82 港澳) and 10 for national bodies.
PROVINCES = frozenset({
    "10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82",
})

#: Characters people type for a blank around a pasted code (full-width space, no-break space, BOM…).
_BLANKS = " \t\r\n\u3000\u00a0\ufeff\u200b"


@dataclass(frozen=True)
class UsccResult:
    """`code` is the normalised code when `valid`; `reason` (Chinese) says why not otherwise."""

    valid: bool
    code: str
    reason: str = ""

    def __bool__(self) -> bool:
        return self.valid


def check_character(first17: str) -> str:
    """The check character for the first 17 characters (which must all be in `ALPHABET`)."""
    total = sum(_VALUE[ch] * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(text: object) -> str:
    """`text` as it would be checked: full-width forms folded (ＡＢ１ → AB1), surrounding blanks
    removed, upper-cased. Inner characters are left alone so that the check can name them."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text)).strip(_BLANKS)
    return value.upper()


def _describe(ch: str) -> str:
    if ch.isprintable() and not ch.isspace():
        return f"“{ch}”"
    return f"U+{ord(ch):04X}"


def check(text: object) -> UsccResult:
    """Normalise and check one 统一社会信用代码; never raises (any input gives a result)."""
    code = normalise(text)
    if not code:
        return UsccResult(False, code, "统一社会信用代码为空")
    if len(code) != LENGTH:
        return UsccResult(False, code, f"统一社会信用代码应为18位，此处为{len(code)}位")
    for position, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            extra = "（代码不使用字母I、O、Z、S、V）" if ch in "IOZSV" else ""
            return UsccResult(False, code, f"第{position}位字符{_describe(ch)}不是统一社会信用代码允许的字符{extra}")
    authority = AUTHORITIES.get(code[0])
    if authority is None:
        return UsccResult(False, code, f"第1位登记管理部门代码“{code[0]}”不存在")
    name, kinds = authority
    if code[1] not in kinds:
        allowed = "、".join(f"{k}（{v}）" for k, v in kinds.items())
        return UsccResult(False, code, f"第2位机构类别代码“{code[1]}”不适用于登记管理部门“{code[0]}”（{name}），"
                                       f"应为{allowed}")
    region = code[2:8]
    if not region.isdigit():
        position = next(i for i, ch in enumerate(region, start=3) if not ch.isdigit())
        return UsccResult(False, code, f"第{position}位字符“{code[position - 1]}”有误：第3至8位是行政区划码，只能是数字")
    if region[:2] not in PROVINCES:
        return UsccResult(False, code, f"第3至8位行政区划码“{region}”不存在（前两位“{region[:2]}”不是省级代码）")
    expected = check_character(code[:17])
    if code[17] != expected:
        return UsccResult(False, code, f"第18位校验码“{code[17]}”有误，按前17位计算应为“{expected}”")
    return UsccResult(True, code)


def is_valid(text: object) -> bool:
    return check(text).valid


def entity_kind_code(code: str) -> str:
    """The first two characters of a valid code: "91" 企业, "92" 个体工商户, "93" 农民专业合作社…"""
    return code[:2]
