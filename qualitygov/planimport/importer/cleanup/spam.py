"""Spam removal: SEO keyword runs pasted into copies of plan documents."""

from __future__ import annotations

import re

from ..textutil import CN_DIGITS, is_hanzi
from .base import Acc
from .chars import HANZI_CHAR

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


def known_words(lines: list[str]) -> frozenset[str]:
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


def remove_spam(line: str, acc: Acc, known: frozenset[str] = frozenset()) -> str | None:
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
        removed_chars >= 0.6 * len(line) and len(re.findall(HANZI_CHAR, rest)) < 6 and not _STRUCTURAL.search(rest)
        and not _DATE_ONLY.match(rest)
    ):
        acc.spam_lines += 1
        return None
    acc.fixes.append(f"删除句中垃圾词：{line[:40]}")
    return rest
