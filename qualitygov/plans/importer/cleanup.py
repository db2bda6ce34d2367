"""Cleanup of damaged web copies of plan documents.

Contract: ``clean_text(text) -> CleanupResult``; ``result.text`` is Simplified Chinese with spam, site
chrome and pinyin annotations removed, punctuation normalised and lost brackets repaired;
``result.report`` matches the schema's ``cleanup`` object; ``clean_text(result.text).text ==
result.text``. Never raises on any ``str``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .textutil import (
    CN_DIGITS,
    HANZI,
    NOTE_LABELS,
    cn_to_int,
    int_to_cn,
    is_hanzi,
    readings,
    t2s_converter,
    toned_syllables,
)

__all__ = ["CleanupResult", "clean_text"]


@dataclass
class CleanupResult:
    """Cleaned text, the change report (schema ``cleanup``), warnings and metadata read from chrome."""

    text: str
    report: dict
    warnings: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass
class _Acc:
    spam_lines: int = 0
    chrome_lines: int = 0
    pinyin: int = 0
    traditional: int = 0
    fixes: list[str] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    suspect: list[str] = field(default_factory=list)

    def count(self, key: str, n: int = 1) -> None:
        if n:
            self.counters[key] = self.counters.get(key, 0) + n


# --- characters -------------------------------------------------------------------------------

_INVISIBLE = re.compile("[\ufeff\u200b-\u200d\u2060\u00ad\u200e\u200f]")
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\v\f]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


_FULLWIDTH = str.maketrans({**{chr(0xFF10 + k): str(k) for k in range(10)}, "％": "%"})
_FW_POINT = re.compile(r"(?<=\d)．(?=\d)")


def _normalise_chars(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    # Full-width digits and ％ (２０２５年、９８．５％) as copied from some mirrors.
    text = _FW_POINT.sub(".", text.translate(_FULLWIDTH))
    return _SPACES.sub(" ", text)


# --- pinyin annotations -----------------------------------------------------------------------

_PY_CHARS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿɑ\u0300-\u030c"
_PINYIN = re.compile(rf"([{HANZI}])[ ]?[(（][ ]?([{_PY_CHARS}]{{1,8}}[1-5]?)[ ]?[)）]")


def _remove_pinyin(text: str, acc: _Acc) -> str:
    if "(" not in text and "（" not in text:
        return text
    removed = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal removed
        syllable = unicodedata.normalize("NFC", m.group(2))
        if syllable in readings(m.group(1)):
            removed += 1
            return m.group(1)
        return m.group(0)

    # A character may carry several annotations in a row; repeat until none is left.
    while True:
        before = removed
        text = _PINYIN.sub(repl, text)
        if removed == before:
            break
    acc.pinyin += removed
    return _remove_orphan_pinyin(text, acc)


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_ORPHAN = re.compile(
    rf"[(（]([a-zü{_TONED}]{{1,7}})[)）]|(?<![A-Za-z{_TONED}ü])([a-zü{_TONED}]{{1,7}})[)）]"
)


def _remove_orphan_pinyin(text: str, acc: _Acc) -> str:
    """Drop toned annotations left behind by garbling: ``_(dá)`` or a bare ``cái)`` residue."""
    if not any(c in text for c in _TONED):
        return text
    syllables = toned_syllables()
    hits: list[str] = []

    def repl(m: re.Match[str]) -> str:
        syllable = unicodedata.normalize("NFC", m.group(1) or m.group(2))
        if syllable in syllables:
            hits.append(text[max(0, m.start() - 6): m.end() + 6].replace("\n", " "))
            return ""
        return m.group(0)

    text = _ORPHAN.sub(repl, text)
    if hits:
        acc.pinyin += len(hits)
        acc.suspect.extend(hits)
    return text


# --- Traditional → Simplified -----------------------------------------------------------------


def _to_simplified(text: str, acc: _Acc) -> str:
    converted = t2s_converter().convert(text)
    if converted == text:
        return text
    if len(converted) == len(text):
        acc.traditional += sum(1 for a, b in zip(text, converted, strict=True) if a != b)
    else:
        old_lines, new_lines = text.split("\n"), converted.split("\n")
        if len(old_lines) == len(new_lines):
            for a, b in zip(old_lines, new_lines, strict=True):
                if a != b:
                    acc.traditional += (
                        sum(1 for x, y in zip(a, b, strict=True) if x != y)
                        if len(a) == len(b)
                        else max(len(a), len(b))
                    )
        else:
            acc.traditional += abs(len(text) - len(converted)) or 1
    return converted


# --- punctuation and whitespace ---------------------------------------------------------------

_H = f"[{HANZI}]"
_HP = f"[{HANZI}，。；：？！、（）《》〈〉“”‘’【】〔〕]"
_Q_NBSP = re.compile(r"(?:(?<=\s)|(?<=\d)|^)\?+|\?+(?=\s|$)(?<![" + HANZI + r"]\?)")
_Q_CJK = re.compile(rf"(?<={_H})\?|\?(?={_H})")
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_PUNCT_AFTER = re.compile(rf"(?<={_HP})[,;:!]|[,;!](?={_H})|(?<!\d):(?={_H})")
_PAIR = re.compile(r"([(（])([^()（）\n]{0,120})([)）])")
_MULTISPACE = re.compile(r" {2,}")
_SPACE_PUNCT = re.compile(r" +(?=[，。；：？！、（）《》〈〉“”‘’【】〔〕%％])|(?<=[，。；：？！、（）《》〈〉“”‘’【】〔〕]) +")
_SPACE_CJK_ASCII = re.compile(rf"(?<={_H}) +(?=[0-9A-Za-z])|(?<=[0-9A-Za-z%]) +(?={_H})")
_DATE_SPACES = re.compile(r"(\d{4}) *([-/.]) *(\d{1,2}) *\2 *(\d{1,2})(?!\d)")
_YMD_SPACES = re.compile(r"(?<=\d) +(?=[年月日号])|(?<=[年月]) +(?=\d)")


_ORG_TOKEN = re.compile(r"(?:局|委|政府|委员会|办公室|小组|管委会|工委|厅|院|部|中心|办|会|公司|集团)$")


def _join_cjk_spaces(line: str) -> str:
    """A space between hanzi is a line-wrap artefact unless it separates two organisation names."""
    parts = line.split(" ")
    out = [parts[0]]
    for part in parts[1:]:
        left = out[-1]
        if left and part and is_hanzi(left[-1]) and is_hanzi(part[0]) and not _ORG_TOKEN.search(left):
            out[-1] = left + part
        else:
            out.append(part)
    return " ".join(out)


def _fix_pairs(line: str) -> str:
    def repl(m: re.Match[str]) -> str:
        inner = m.group(2)
        if m.group(1) == "(" and m.group(3) == ")" and not re.search(_H, inner):
            return m.group(0)  # ASCII content such as (VOCs), (NOx) stays as written
        return f"（{inner}）"

    return _PAIR.sub(repl, line)


def _fix_lone_parens(line: str) -> str:
    if "(" not in line and ")" not in line:
        return line
    chars = list(line)
    stack: list[int] = []
    lone: list[int] = []
    for i, ch in enumerate(chars):
        if ch in "(（":
            stack.append(i)
        elif ch in ")）":
            if stack:
                stack.pop()
            else:
                lone.append(i)
    lone.extend(stack)
    for i in lone:
        ch = chars[i]
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        prev = chars[i - 1] if i else ""
        if ch == "(" and (nxt.isdigit() or re.match(_HP, nxt or " ")):
            chars[i] = "（"
        elif ch == ")" and (not prev or prev.isdigit() or re.match(_HP, prev)):
            chars[i] = "）"
    return "".join(chars)


_PAGE_NO = re.compile(r"\s*[—－–-]{1,2}\s*\d{1,3}\s*[—－–-]{1,2}\s*$")
_TOC_LEADER = re.compile(r"(?:…{2,}|\.{4,}|·{4,}|．{4,}|-{4,})\s*\d{1,3}$")


def _normalise_line(line: str, acc: _Acc) -> str:
    original = line
    if "—" in line or "-" in line or "－" in line:
        # A PDF page footer (— 3 —) on its own line or glued to the end of a line.
        line = _PAGE_NO.sub("", line)
    if "?" in line:
        line = _Q_NBSP.sub(" ", line)
        line = _Q_CJK.sub("？", line)
    line = _PUNCT_AFTER.sub(lambda m: _HALF_TO_FULL[m.group(0)], line)
    if "(" in line or ")" in line or "（" in line:
        line = _fix_pairs(line)
        line = _fix_lone_parens(line)
    line = line.strip()
    if " " in line:
        line = _MULTISPACE.sub(" ", line)
        line = _SPACE_PUNCT.sub("", line)
        line = _SPACE_CJK_ASCII.sub("", line)
        line = _DATE_SPACES.sub(r"\1\2\3\2\4", line)
        line = _YMD_SPACES.sub("", line)
    if line != original.strip():
        acc.count("punct")
    return line


# --- spam ------------------------------------------------------------------------------------

_SPAM_STRONG = (
    "在线观看", "免费观看", "在线播放", "日本一区", "一区二区", "二区三区", "国产精品", "精品国产",
    "亚洲精品", "中文字幕", "永久免费", "永免费", "无码", "日本网址", "成人影院", "成人视频", "伦理片",
    "偷拍", "自拍偷", "四虎", "人妻", "色综合", "色婷婷", "欧美日韩", "日韩", "久久精品", "久久久",
    "精品视频", "视频一区", "高清无码", "午夜福利", "福利视频", "黄色网站", "娱乐城", "百家乐", "六合彩",
    "新葡京", "开奖结果", "开奖记录", "开奖直播", "真人视讯", "老虎机", "麻豆", "一本道", "三级片", "毛片", "黄片", "国产视频", "国产亚洲",
    "av天堂", "AV天堂", "不卡视频", "手机在线", "无遮挡", "开元棋牌", "棋牌游戏", "博彩",
    "彩票", "走势图", "彩金", "破解版", "影视大全", "电影大全", "注册送", "时时彩", "北京赛车", "幸运飞艇",
    "体育投注", "真人娱乐", "电子游艺", "赔率", "外挂", "私服", "高清影视", "免费高清", "最新电影",
)
_SPAM_WEAK = (
    "视频", "日本", "韩国", "网址", "一区", "二区", "三区", "国产", "精品", "免费", "观看", "在线",
    "中文", "字幕", "高清", "电影", "影院", "影视", "永久", "亚洲", "欧美", "线路", "最新", "不卡", "播放",
    "乱码", "手机版", "入口", "首页", "网站", "av", "AV", "今日推荐", "手机游戏", "游戏", "下载", "平台",
    "注册", "大全", "推荐", "官网", "送",
)
_SPAM_TOKEN = "|".join(sorted(map(re.escape, set(_SPAM_STRONG + _SPAM_WEAK)), key=len, reverse=True))
_SPAM_RUN = re.compile(rf"(?:{_SPAM_TOKEN})(?:[,，、|｜/ ]*(?:{_SPAM_TOKEN}))*[,，、|｜/ ]*")
_SPAM_STRONG_RE = re.compile("|".join(sorted(map(re.escape, _SPAM_STRONG), key=len, reverse=True)))
_SPAM_TOKEN_RE = re.compile(_SPAM_TOKEN)
_SPAM_SEPS = ",，、|｜/ "
_JUNK = re.compile(r"^[\s,，、|｜/.。;；:：\-_·\d]*$")


# Weak words that are also ordinary plan vocabulary (建设平台, 海岳精品, 一区多园, 报送): at the outer
# edge of a spam run, glued to real text without a separator, they belong to the text.
_SPAM_AMBIGUOUS = frozenset((
    "视频", "日本", "韩国", "网址", "一区", "二区", "三区", "国产", "精品", "免费", "在线", "中文", "高清",
    "电影", "影视", "永久", "亚洲", "欧美", "线路", "最新", "播放", "入口", "首页", "网站", "游戏", "下载",
    "平台", "注册", "推荐", "官网", "送",
))
_STRUCTURAL = re.compile(rf"^(?:[{CN_DIGITS}]{{1,3}}、|（[{CN_DIGITS}]{{1,3}}）|\d{{1,3}}[.．、](?!\d))|。$")


def _glued(ch: str) -> bool:
    """True when ``ch`` (a neighbour of a spam run) is running text rather than a break."""
    return bool(ch) and (is_hanzi(ch) or ch.isalnum() or ch in "“”‘’《》〈〉")


def _trim_run(run: str, before: str, after: str, known: frozenset[str]) -> tuple[str, str]:
    """(head, tail) of a spam run that are real text: ordinary words cut off by a separator, or
    ambiguous words glued to the surrounding text that the document also uses outside spam."""
    tokens = [(t.start(), t.end(), t.group(0)) for t in _SPAM_TOKEN_RE.finditer(run)]
    strong = [k for k, (_, _, tok) in enumerate(tokens) if _SPAM_STRONG_RE.fullmatch(tok) or _SPAM_STRONG_RE.search(tok)]
    first, last = tokens[strong[0]], tokens[strong[-1]]
    # Head: everything up to the last separator before the first strong word (建设平台，彩票… keeps 平台，).
    head_cut = max((k for k in range(first[0]) if run[k] in _SPAM_SEPS), default=-1)
    head_end = head_cut + 1 if head_cut >= 0 else 0
    if head_end == 0 and _glued(before):
        k = 0
        while k < strong[0] and tokens[k][2] in known and tokens[k][0] == head_end:
            head_end = tokens[k][1]
            k += 1
    # Tail: everything after the first separator following the last strong word, or glued ambiguous words.
    tail_cut = next((k for k in range(last[1], len(run)) if run[k] in _SPAM_SEPS), None)
    tail_start = len(run)
    if tail_cut is not None and run[tail_cut:].strip(_SPAM_SEPS):
        tail_start = tail_cut
    elif tail_cut is None and _glued(after):
        k = len(tokens) - 1
        while k > strong[-1] and tokens[k][2] in known and tokens[k][1] == tail_start:
            tail_start = tokens[k][0]
            k -= 1
    return run[:head_end], run[tail_start:]


def _known_words(lines: list[str]) -> frozenset[str]:
    """Ambiguous words the document uses in lines free of spam: they are part of its vocabulary."""
    clean = "\n".join(line for line in lines if not _SPAM_STRONG_RE.search(line))
    return frozenset(w for w in _SPAM_AMBIGUOUS if w in clean)


# Short lines that are real although they carry few hanzi — the signature date, a 文号, the
# period line under a heading: spam glued to them must not take them along.
_DATE_ONLY = re.compile(
    r"^(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日$"
    r"|^\d{4}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}$"
    r"|^\S{1,12}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d{1,4}\s*号$"
    r"|^[(（]\s*\d{4}\s*[—–\-－~至]+\s*\d{4}\s*年?\s*[)）]?$"
)


def _remove_spam(line: str, acc: _Acc, known: frozenset[str] = frozenset()) -> str | None:
    """Line without spam runs; None when the whole line was spam."""
    if not _SPAM_STRONG_RE.search(line):
        return line
    removed_chars = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal removed_chars
        run = m.group(0)
        strong = _SPAM_STRONG_RE.findall(run)
        tokens = _SPAM_TOKEN_RE.findall(run)
        # One spam word alone may be a real phrase; a run of them, or a line of nothing else, is spam.
        if strong and (len(tokens) >= 2 or len(run.strip(" ,，、|｜/")) >= len(line.strip()) - 1):
            before = line[m.start() - 1] if m.start() else ""
            after = line[m.end()] if m.end() < len(line) else ""
            head, tail = _trim_run(run, before, after, known)
            if len(run) - len(head) - len(tail) >= len(line.strip()) - 1:
                head = tail = ""
            removed_chars += len(run) - len(head) - len(tail)
            return head + tail
        return run

    new = _SPAM_RUN.sub(repl, line)
    if not removed_chars:
        return line
    rest = new.strip(" ,，、|｜/")
    if _JUNK.match(rest) or (
        removed_chars >= 0.6 * len(line) and len(re.findall(_H, rest)) < 6 and not _STRUCTURAL.search(rest)
        and not _DATE_ONLY.match(rest)
    ):
        acc.spam_lines += 1
        return None
    acc.fixes.append(f"删除句中垃圾词：{line[:40]}")
    return rest


# --- site chrome ------------------------------------------------------------------------------

_BUTTONS = re.compile(
    r"打印此页|打印本页|打印页面|打印文章|打印|关闭窗口|关闭本页|关闭页面|关闭|返回顶部|返回首页|返回列表|返回|"
    r"加入收藏|收藏本页|收藏|设为首页|分享到|分享|字号|字体|默认|扫一扫在手机打开当前页|扫一扫|"
    r"在手机上打开|微信|微博|QQ空间|纠错|大|中|小|[【】\[\]|｜:：\s]"
)
_BUTTON_WORD = re.compile(r"打印|关闭|返回|收藏|分享|字号|字体|扫一扫|设为首页")
_LABEL_LINE = re.compile(
    r"^(?:浏览次数|访问次数|阅读次数|点击数|点击次数|点击量|浏览量|阅读量|信息来源|文章来源|来源|发布日期|发布时间|"
    r"更新时间|更新日期|发布者|作者|责任编辑|编辑|审核|校对|当前位置|您当前的位置|您的位置|当前的位置|所在位置)"
    r"(?:[：:\s]|\d|$)"
)
_META_LABELS = (
    "信息索引号", "索引号", "公开日期", "发布机构", "发布机关", "发文机关", "发文字号", "文号", "组配分类",
    "主题分类", "体裁分类", "信息分类", "内容分类", "公开方式", "公开范围", "公开时限", "有效性", "效力状态",
    "统一编号", "规范性文件登记编号", "登记号", "成文日期", "生效日期", "废止日期", "有效期", "主题词",
    "所属机构", "发布日期", "文件编号", "来源单位", "信息来源", "发文日期", "名称", "标题",
)
_META_ALT = "|".join(sorted(map(re.escape, _META_LABELS), key=len, reverse=True))
_META_START = re.compile(rf"^(?:{_META_ALT})(?:[：:\s]|$|(?=[\w〔]))")
_META_ANY = re.compile(_META_ALT)
_META_PAIR = re.compile(rf"({_META_ALT})[：:\s]*(.*?)\s*(?=(?:{_META_ALT})(?:[：:\s]|$)|$)")
_ATTACHMENT = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|et|ofd|zip|rar|7z|txt|png|jpe?g)\s*$", re.I)
_BREADCRUMB = re.compile(r"^(?:首页|主页|网站首页)\s*[>»›＞/]|[>»›＞].*[>»›＞]")
_FOOTER = re.compile(
    r"版权所有|ICP备|网站标识码|公网安备|技术支持[：:]|^主办[：:]|^主办单位[：:]|^承办单位[：:]|网站地图|联系我们|"
    r"^上一篇|^下一篇|^相关链接|^相关文件|^相关阅读|^附件下载|^政策解读[：:]?$|^【?图文解读】?$"
)


_TABLE_RULE = re.compile(r"^[\s\-|｜:+=_]+$")
_CELL_MARKS = re.compile(r"[\[\]【】|｜•·]")
_SPACED_LABEL = re.compile(rf"(?<![{HANZI}])([{HANZI}]) ([{HANZI}])(?![{HANZI}])")


def _is_chrome(line: str, acc: _Acc) -> bool:
    if _TABLE_RULE.match(line) and len(line) >= 3:
        return True
    if len(line) <= 300 and (_CELL_MARKS.search(line) or _SPACED_LABEL.search(line)):
        # Metadata tables come as pipes, [ label ] cells or bullets, labels sometimes spaced (文 号).
        probe = _CELL_MARKS.sub(" ", line)
        for _ in range(3):
            probe = _SPACED_LABEL.sub(r"\1\2", probe)
        probe = probe.strip()
        if probe and probe != line and (_META_START.match(probe) or len(set(_META_ANY.findall(probe))) >= 2):
            _read_metadata(probe, acc)
            return True
    if len(line) <= 60 and _BUTTON_WORD.search(line) and not _BUTTONS.sub("", line):
        return True
    if len(line) <= 120 and _LABEL_LINE.match(line):
        _read_metadata(line, acc)
        return True
    if len(line) <= 200 and (_META_START.match(line) or len(set(_META_ANY.findall(line))) >= 2):
        if "。" not in line or len(set(_META_ANY.findall(line))) >= 2:
            _read_metadata(line, acc)
            return True
    if len(line) <= 300 and _ATTACHMENT.search(line):
        acc.metadata.setdefault("附件", line)
        return True
    if len(line) <= 200 and (_BREADCRUMB.search(line) or _FOOTER.search(line)):
        return True
    return False


def _read_metadata(line: str, acc: _Acc) -> None:
    for m in _META_PAIR.finditer(line):
        value = _CELL_MARKS.sub(" ", m.group(2)).strip(" ：:")
        if value:
            acc.metadata.setdefault(m.group(1), value)


# --- bracket repair ---------------------------------------------------------------------------

_SECTION = re.compile(rf"^[{CN_DIGITS}]{{1,3}}、")
_GROUP = re.compile(rf"^（([{CN_DIGITS}]{{1,3}})）")
_LOST_OPEN_GROUP = re.compile(rf"^(?:）|([{CN_DIGITS}]{{1,3}})）)(?=[{HANZI}])")
_PERIOD_NO_CLOSE = re.compile(r"（(\d{4}(?:[—\-－–~～]{1,2}\d{4})?年)(?![）\d])")
_PERIOD_NO_OPEN = re.compile(r"^(\d{4}(?:[—\-－–~～]{1,2}\d{4})?年)）")
_LABEL_ALT = "|".join(NOTE_LABELS)
_NOTE_LABEL = re.compile(rf"({_LABEL_ALT})：")


def _repair_brackets(lines: list[str], acc: _Acc) -> list[str]:
    out = list(lines)
    for i, line in enumerate(out):
        if not line:
            continue
        m = _LOST_OPEN_GROUP.match(line)
        if m and not _GROUP.match(line):
            number = m.group(1) or _infer_group_number(out, i)
            fixed = f"（{number}）" + line[m.end():]
            acc.fixes.append(f"补全任务组编号括号：{line[:20]} → {fixed[:22]}")
            out[i] = line = fixed
        if "年" in line:
            fixed = _PERIOD_NO_CLOSE.sub(r"（\1）", line)
            fixed = _PERIOD_NO_OPEN.sub(r"（\1）", fixed)
            if fixed != line:
                acc.fixes.append(f"补全年份括号：{fixed[:40]}")
                out[i] = line = fixed
        if "：" in line:
            fixed = _repair_note(line)
            if fixed != line:
                acc.fixes.append(f"补全责任部门括号：{fixed[-30:]}")
                out[i] = fixed
    return out


def _infer_group_number(lines: list[str], i: int) -> str:
    """Number of a task-group heading that lost it: next group in the section minus one, else previous + 1."""
    for j in range(i + 1, len(lines)):
        if _SECTION.match(lines[j]):
            break
        m = _GROUP.match(lines[j])
        if m:
            n = cn_to_int(m.group(1)) or 0
            if n > 1:
                return int_to_cn(n - 1)
            break
    for j in range(i - 1, -1, -1):
        if _SECTION.match(lines[j]):
            break
        m = _GROUP.match(lines[j])
        if m:
            return int_to_cn((cn_to_int(m.group(1)) or 0) + 1)
    return "一"


def _repair_note(line: str) -> str:
    m = _NOTE_LABEL.search(line)
    if m is None:
        return line
    start = m.start()
    opened = start > 0 and line[start - 1] == "（"
    depth = 0
    unmatched_close = None
    for k in range(start, len(line)):
        ch = line[k]
        if ch == "（":
            depth += 1
        elif ch == "）":
            if depth == 0:
                unmatched_close = k
                break
            depth -= 1
    if opened and unmatched_close is None and depth == 0:
        tail = line[start:].rstrip()
        if not tail.endswith("）"):
            # The note runs to the end of the line but its closing bracket was lost.
            return line.rstrip() + "）"
        return line
    if not opened and unmatched_close is not None:
        before = line[start - 1] if start else ""
        if not before or before in "。；;. ":
            return line[:start] + "（" + line[start:]
    return line


# --- duplicates ------------------------------------------------------------------------------

_NUMBERED = re.compile(rf"^(?:[{CN_DIGITS}]{{1,3}}、|（[{CN_DIGITS}]{{1,3}}）|\d{{1,3}}[.．、])")
_NOTE_LINE = re.compile(rf"^（?(?:{_LABEL_ALT})")


_HEADLINE_LIKE = re.compile(r"关于|通知|印发|〔\d{4}〕|\d{4}-\d{1,2}-\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日")


def _drop_duplicates(lines: list[str], acc: _Acc) -> list[str]:
    seen: set[str] = set()
    recent: list[str] = []
    out: list[str] = []
    previous_dup = False
    for line in lines:
        if not line:
            out.append(line)
            continue
        dup = False
        if line in recent:
            dup = not _NOTE_LINE.match(line)
        elif line in seen and len(line) >= 6 and "。" not in line and not _NUMBERED.match(line):
            # A repeated headline or metadata line; other repeats (a heading line that also ends a
            # wrapper line, 加快建设质量强市的实施方案) are content unless they continue a repeated block.
            dup = not _NOTE_LINE.match(line) and (previous_dup or bool(_HEADLINE_LIKE.search(line)))
        previous_dup = dup
        if dup:
            acc.count("dup")
            acc.fixes.append(f"删除重复行：{line[:30]}")
            continue
        seen.add(line)
        recent.append(line)
        if len(recent) > 3:
            recent.pop(0)
        out.append(line)
    return out


_TOC_HEAD = re.compile(r"^目\s*录$")
_TERMINAL = set("。；;：:！!？?”）)】》")


def _drop_toc(lines: list[str], acc: _Acc) -> list[str]:
    """A table of contents: lines with dot leaders and page numbers, and the 目录 block of headings
    that the body repeats (up to the first heading seen twice)."""
    if not any(_TOC_HEAD.match(line) or _TOC_LEADER.search(line) for line in lines):
        return lines
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    out: list[str] = []
    in_toc = False
    seen: set[str] = set()
    for line in lines:
        if _TOC_HEAD.match(line):
            in_toc = True
            continue
        entry = _TOC_LEADER.sub("", line).rstrip("…. ·") if line else line
        # Only entries the body repeats are dropped: a copy that stops after the contents keeps them.
        if line and _TOC_LEADER.search(line) and len(line) <= 80 and counts.get(entry):
            seen.add(entry)
            acc.count("toc")
            continue
        if in_toc and line:
            if entry not in seen and counts.get(entry, 0) >= 2 and _NUMBERED.match(line) and len(line) <= 40 and "。" not in line:
                seen.add(entry)
                acc.count("toc")
                continue
            in_toc = False
        out.append(line)
    if acc.counters.get("toc") and not any("目录" in f for f in acc.fixes):
        acc.fixes.append("删除目录")
    return out


def _unwrap(lines: list[str], acc: _Acc) -> list[str]:
    """Rejoin a paragraph that a PDF copy broke into fixed-width lines without punctuation at the
    breaks. Only when the text shows such a width: three or more near-equal lines that do not end
    a sentence; only runs of two or more such lines in a row are joined."""
    def open_end(k: int) -> bool:
        line = lines[k]
        return (len(line) >= 16 and line[-1] not in _TERMINAL and not _SECTION.match(line) and not _GROUP.match(line)
                and not _NOTE_LINE.match(line) and "|" not in line and "｜" not in line)

    cands = [k for k in range(len(lines) - 1) if lines[k] and open_end(k)]
    if len(cands) < 3:
        return lines
    widths = [len(lines[k]) for k in cands]
    width = max(set(widths), key=lambda w: sum(1 for x in widths if abs(x - w) <= 2))
    wrapped = {k for k in cands if abs(len(lines[k]) - width) <= 2}
    wrapped = {k for k in wrapped if k - 1 in wrapped or k + 1 in wrapped}
    if len(wrapped) < 2:
        return lines
    out: list[str] = []
    joining = False
    for k, line in enumerate(lines):
        if joining and line and not _NUMBERED.match(line) and not _NOTE_LINE.match(line):
            out[-1] += line
            acc.count("unwrap")
        else:
            out.append(line)
        joining = k in wrapped
    if acc.counters.get("unwrap") and not any("断行" in f for f in acc.fixes):
        acc.fixes.append("合并PDF断行")
    return out


# --- pipeline --------------------------------------------------------------------------------


_SPACED_TABLE_HEAD = re.compile(r"指标名称.*?(?<!\S)\d{4}年\S*\s+\d{4}年")
_SPACED_TABLE_ROW = re.compile(r"^\s*\d{1,3}\s+\S+(?:\s+\S+){2,}\s*$")


def _pipe_spaced_tables(lines: list[str], acc: _Acc) -> list[str]:
    """An indicator table copied as text with spaces between cells (序号 指标名称 单位 2022年 2025年…,
    then rows 1 制造业产品质量合格率 % 93.5 94 95): cells joined with | so that the space cleanup,
    which joins hanzi across spaces, cannot merge them."""
    out: list[str] = []
    width = 0
    for line in lines:
        cells = line.split()
        if "|" not in line and "｜" not in line and _SPACED_TABLE_HEAD.search(line) and len(cells) >= 4:
            width = len(cells)
            out.append(" | ".join(cells))
            acc.count("table")
            continue
        if width and "|" not in line and _SPACED_TABLE_ROW.match(line) and len(cells) == width:
            out.append(" | ".join(cells))
            continue
        if line.strip():
            width = 0
        out.append(line)
    return out


def _clean_once(text: str, acc: _Acc) -> str:
    text = _normalise_chars(text)
    text = _remove_pinyin(text, acc)
    text = _to_simplified(text, acc)
    lines: list[str] = []
    raw_lines = text.split("\n")
    if "指标名称" in text:
        raw_lines = _pipe_spaced_tables(raw_lines, acc)
    known = _known_words(raw_lines)
    for raw in raw_lines:
        line = _normalise_line(raw, acc)
        if line:
            spam_free = _remove_spam(line, acc, known)
            if spam_free is None:
                continue
            line = spam_free
            if _is_chrome(line, acc):
                acc.chrome_lines += 1
                continue
            if " " in line:
                joined = _join_cjk_spaces(line)
                if joined != line:
                    acc.count("punct")
                    line = joined
        lines.append(line)
    lines = _repair_brackets(lines, acc)
    lines = _drop_toc(lines, acc)
    lines = _drop_duplicates(lines, acc)
    lines = _unwrap(lines, acc)
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def clean_text(text: str) -> CleanupResult:
    """Clean ``text``; see the module docstring for the contract."""
    acc = _Acc()
    current = text if isinstance(text, str) else str(text)
    # Each pass is close to idempotent; repeating to a fixpoint makes the contract hold exactly.
    for _ in range(6):
        cleaned = _clean_once(current, acc)
        if cleaned == current:
            break
        current = cleaned
    fixes = list(acc.fixes)
    if acc.counters.get("punct"):
        fixes.append(f"规范标点与空白：{acc.counters['punct']} 行")
    warnings: list[str] = []
    bad = current.count("\ufffd")
    if bad:
        where = [str(n) for n, line in enumerate(current.split("\n"), 1) if "\ufffd" in line][:5]
        warnings.append(f"发现乱码字符（�）{bad} 处，见第 {'、'.join(where)} 行，请核对原文")
    for snippet in acc.suspect[:5]:
        warnings.append(f"疑似乱码（拼音残留，原字可能丢失）：{t2s_converter().convert(snippet)}，请核对原文")
    report = {
        "spam_lines_removed": acc.spam_lines,
        "chrome_lines_removed": acc.chrome_lines,
        "pinyin_annotations_removed": acc.pinyin,
        "traditional_converted": acc.traditional,
        "other_fixes": fixes,
    }
    return CleanupResult(text=current, report=report, warnings=warnings, metadata=dict(acc.metadata))
