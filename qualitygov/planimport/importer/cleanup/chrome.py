"""Site chrome: buttons, labels, breadcrumbs and footers of the web page a plan was copied from;
metadata (issuer, date, 文号) read from them."""

from __future__ import annotations

import re

from ..textutil import HANZI
from .base import Acc

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


def is_chrome(line: str, acc: Acc) -> bool:
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


def _read_metadata(line: str, acc: Acc) -> None:
    for m in _META_PAIR.finditer(line):
        value = _CELL_MARKS.sub(" ", m.group(2)).strip(" ：:")
        if value:
            acc.metadata.setdefault(m.group(1), value)
