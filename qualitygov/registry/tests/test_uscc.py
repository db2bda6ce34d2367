"""统一社会信用代码 (GB 32100-2015): real published codes pass, every single-character substitution of a
valid code is refused, input is normalised, and the check never crashes."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitygov.utilities.uscc import ALPHABET, WEIGHTS, check, check_character, is_valid, normalise

#: Codes published by the firms themselves (business licences, invoices, public notices).
REAL = [
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330000747735638J",  # 浙江吉利控股集团有限公司
    "91330212MA281ATH4G",  # 浙江智加信息科技有限公司
    "913302117532974515",  # 宁波镇海区企业（银行查询样例中的真实代码）
    "91330105MA7C4PL8XP",  # 杭州勤合能源科技有限公司（发票购买方）
    "91330109MAEPG1CB16",  # 杭州岂飞品牌管理有限公司
    "91330106MAEUDLLYXY",  # 杭州无尽像素科技有限公司
    "91330108MA27YJ5H56",
]
#: Everything a mutation may put in a position: the code's alphabet, the letters it leaves out, lower
#: case, punctuation, blanks, full-width and other non-ASCII characters.
REPLACEMENTS = sorted(set(string.ascii_letters + string.digits + string.punctuation + " \t")
                      | set("ＡＢ０１　ｏ中〇Ｏ·—"))


def test_weights_are_powers_of_three_mod_31():
    assert WEIGHTS == tuple(pow(3, i, 31) for i in range(17))
    assert len(ALPHABET) == 31 and not set("IOZSV") & set(ALPHABET)


@pytest.mark.parametrize("code", REAL)
def test_real_codes_are_valid(code):
    result = check(code)
    assert (result.valid, result.code, result.reason) == (True, code, "")
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL)
def test_every_single_substitution_is_refused(code):
    """Proof by exhaustion over the alphabet and beyond: no single substitution yields another valid
    code, and each one is refused (a case change normalises back to the same code)."""
    accepted_others = []
    refused = 0
    for position in range(18):
        for ch in REPLACEMENTS:
            if ch == code[position]:
                continue
            mutated = code[:position] + ch + code[position + 1:]
            result = check(mutated)
            if result.valid:
                if result.code != code:
                    accepted_others.append(mutated)
            else:
                refused += 1
                assert result.reason
    assert accepted_others == []
    assert refused > 18 * 30


def test_substitutions_within_the_alphabet_change_the_check_character():
    code = REAL[0]
    for position in range(17):
        for ch in ALPHABET:
            if ch != code[position]:
                mutated = code[:position] + ch + code[position + 1:17]
                assert check_character(mutated) != code[17], (position, ch)


def test_normalisation_trims_blanks_and_upper_cases():
    assert check("  91330100716105852f\t").code == "91330100716105852F"
    assert check("\u300091330100716105852f\u3000").valid
    assert check("９１３３０１００７１６１０５８５２Ｆ").code == "91330100716105852F"
    assert normalise(None) == ""


@pytest.mark.parametrize(("text", "reason"), [
    ("", "统一社会信用代码为空"),
    ("9133010071610585", "统一社会信用代码应为18位，此处为16位"),
    ("91330100716105852FF", "统一社会信用代码应为18位，此处为19位"),
    ("913301007161O5852F", "第13位字符“O”不是统一社会信用代码允许的字符（代码不使用字母I、O、Z、S、V）"),
    ("91330100 716105852", "第9位字符U+0020不是统一社会信用代码允许的字符"),
    ("B1330100716105852F", "第1位登记管理部门代码“B”不存在"),
    ("94330100716105852F", "第2位机构类别代码“4”不适用于登记管理部门“9”（工商（市场监管）），"
                           "应为1（企业）、2（个体工商户）、3（农民专业合作社）"),
    ("9133A100716105852F", "第5位字符“A”有误：第3至8位是行政区划码，只能是数字"),
    ("91990100716105852F", "第3至8位行政区划码“990100”不存在（前两位“99”不是省级代码）"),
    ("91330100716105852X", "第18位校验码“X”有误，按前17位计算应为“F”"),
])
def test_reasons_name_the_character_and_position(text, reason):
    result = check(text)
    assert (result.valid, result.reason) == (False, reason)


def test_a_transposition_is_caught_too():
    code = REAL[1]
    swapped = code[:9] + code[10] + code[9] + code[11:]
    assert swapped != code and not is_valid(swapped)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.text(alphabet=ALPHABET + "iozsv ", min_size=16, max_size=20),
                 st.integers(), st.none(), st.floats(allow_nan=True)))
def test_check_never_crashes(value):
    result = check(value)
    assert isinstance(result.valid, bool)
    if result.valid:
        assert len(result.code) == 18 and check_character(result.code[:17]) == result.code[17]
    else:
        assert result.reason
