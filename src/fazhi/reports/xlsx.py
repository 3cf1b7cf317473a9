"""Shared pieces of the spreadsheet exports."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell_text(s: str) -> str:
    """Text a spreadsheet must never read as a formula gets a leading quote (OWASP CSV/XLSX injection)."""
    return "'" + s if s.startswith(FORMULA_STARTS) else s
