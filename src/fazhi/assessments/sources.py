"""The registers that back scoring items: each register app declares a `Source` in its
AppConfig.ready(), and the scoring page, the evidence file and the API use them alike.

    register_source(Source("decisions", "重大行政决策", frozenset({"7"}), summarise))

The codes are those of the seed's table unless `framework` names another. Only a zone's own
assessment shows them (a department's annual assessment has its own table).
`summarise(zone, year, as_of)` returns a `fazhi.core.summary.Summary` for the zone's year,
counting only what was known on `as_of`; it must run a fixed number of queries whatever the
number of records (the scoring page calls every source once per page)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from fazhi.core.summary import Summary

SEED_FRAMEWORK = "sc-sti-law-zone-2019"  # the seed's 自查评分表


@dataclass(frozen=True)
class Source:
    key: str  # URL-safe: decisions, normative-documents, counsel, ...
    title: str  # 重大行政决策
    codes: frozenset[str]  # the seed table's item codes it backs ("3", "6", "7", ...)
    summarise: Callable[..., Summary]  # (zone: Org, year: int, as_of: date) -> Summary
    # The table whose item codes `codes` are: another table (a department's, an imported one)
    # numbers its items its own way.
    framework: str = SEED_FRAMEWORK
    # The same Summary without its records (rows=()), quicker where the records are many: what
    # the scoring page shows. None: the page calls `summarise`.
    figures: Callable[..., Summary] | None = None

    def page_summary(self, zone, year: int, as_of: date) -> Summary:
        return (self.figures or self.summarise)(zone, year, as_of)


_SOURCES: dict[str, Source] = {}


def register_source(source: Source) -> None:
    if source.key in _SOURCES and _SOURCES[source.key] != source:
        raise ValueError(f"source {source.key} declared twice")
    _SOURCES[source.key] = source


def sources_for(code: str, framework: str = SEED_FRAMEWORK) -> list[Source]:
    return [s for s in _SOURCES.values() if str(code) in s.codes and s.framework == framework]


def source(key: str) -> Source | None:
    return _SOURCES.get(key)


def all_sources() -> list[Source]:
    return list(_SOURCES.values())


def summarise(key: str, zone, year: int, as_of: date) -> Summary:
    return _SOURCES[key].summarise(zone, year, as_of)
