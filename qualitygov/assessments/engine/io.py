"""Reading a scheme or units file: UTF-8 JSON, numbers with a fraction or exponent as Decimal."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import AssessmentError


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def parse_json(text: str) -> Any:
    """JSON text → Python; NaN/Infinity are refused; AssessmentError on anything that is not JSON."""
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise AssessmentError(f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）") from None
    except (ValueError, RecursionError):
        raise AssessmentError("不是有效的 JSON（含 NaN、Infinity、过大的数字或嵌套过深）") from None


def load_json(path: str | Path) -> Any:
    """The parsed file; AssessmentError when it cannot be read, is not UTF-8 or is not JSON."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise AssessmentError("文件不存在") from None
    except IsADirectoryError:
        raise AssessmentError("这是一个目录，不是文件") from None
    except PermissionError:
        raise AssessmentError("没有读取该文件的权限") from None
    except OSError as exc:
        raise AssessmentError(f"无法读取文件（错误号 {exc.errno}）") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AssessmentError("不是 UTF-8 编码的文本文件") from None
    return parse_json(text)
