"""Cleanup of damaged web copies of plan documents.

Contract: ``clean_text(text) -> CleanupResult``; ``result.text`` is Simplified Chinese with spam, site
chrome and pinyin annotations removed, punctuation normalised and lost brackets repaired;
``result.report`` matches the schema's ``cleanup`` object; ``clean_text(result.text).text ==
result.text``. Never raises on any ``str``.
"""

from .base import CleanupResult
from .pipeline import clean_text

__all__ = ["CleanupResult", "clean_text"]
