"""What every cleanup pass shares: the result and the running tally of changes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CleanupResult:
    """Cleaned text, the change report (schema ``cleanup``), warnings and metadata read from chrome."""

    text: str
    report: dict
    warnings: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass
class Acc:
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
