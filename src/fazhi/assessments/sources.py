"""The registers that back scoring items: each register app declares a `Source` in its
AppConfig.ready(), and the scoring page, the evidence file and the API use them alike.

    register_source(Source("decisions", "重大行政决策", frozenset({"7"}), summarise))

`summarise(zone, year, as_of)` returns a `fazhi.core.summary.Summary` for the zone's year,
counting only what was known on `as_of`; it must run a fixed number of queries whatever the
number of records (the scoring page calls every source once per page)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from fazhi.core.summary import Summary


@dataclass(frozen=True)
class Source:
    key: str  # URL-safe: decisions, normative-documents, counsel, ...
    title: str  # 重大行政决策
    codes: frozenset[str]  # the seed table's item codes it backs ("3", "6", "7", ...)
    summarise: Callable[..., Summary]  # (zone: Org, year: int, as_of: date) -> Summary


_SOURCES: dict[str, Source] = {}


def register_source(source: Source) -> None:
    if source.key in _SOURCES and _SOURCES[source.key] != source:
        raise ValueError(f"source {source.key} declared twice")
    _SOURCES[source.key] = source


def sources_for(code: str) -> list[Source]:
    return [s for s in _SOURCES.values() if str(code) in s.codes]


def source(key: str) -> Source | None:
    return _SOURCES.get(key)


def all_sources() -> list[Source]:
    return list(_SOURCES.values())


def summarise(key: str, zone, year: int, as_of: date) -> Summary:
    return _SOURCES[key].summarise(zone, year, as_of)
