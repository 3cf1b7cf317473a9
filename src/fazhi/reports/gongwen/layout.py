"""The GB/T 9704-2012 measures shared by the .docx and the PDF writer."""

from __future__ import annotations

# Font roles; each writer maps them to its own fonts.
FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONG = "fangsong", "xiaobiaosong", "heiti", "kaiti", "song"

# Page and margins in twips (1/20 pt), as Word stores them: A4, top 37 mm, left 28 mm,
# right 26 mm, bottom 35 mm, leaving the 156 x 225 mm 版心.
PAGE_W_TW, PAGE_H_TW = 11906, 16838
TOP_TW, LEFT_TW, RIGHT_TW, BOTTOM_TW = 2098, 1588, 1474, 1984
FOOTER_TW = 1587  # page number 7 mm below the 版心: 35 mm - 7 mm - the number's height
TEXT_W_PT = (PAGE_W_TW - LEFT_TW - RIGHT_TW) / 20

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
MARK_PT = 26  # 发文机关标志 (red); the standard leaves its size to the issuer
PAGE_NO_PT = 14  # 4号
COLOPHON_PT = 14  # 4号
TABLE_PT = 10.5  # 5号 in attachment tables
TABLE_LINE_PT = 14
LINE_PT = 28.95  # 22 lines in the 225 mm 版心
TITLE_CHARS = 20  # a title line holds about 20 characters of 2号


def title_lines(title: str) -> list[str]:
    """A title's lines: the explicit breaks first, then lines of balanced length at most TITLE_CHARS."""
    lines = []
    for part in title.split("\n"):
        if not part:
            continue
        n = -(-len(part) // TITLE_CHARS)  # lines needed
        size = -(-len(part) // n)  # balanced, so no line is left with a word or two
        lines += [part[i : i + size] for i in range(0, len(part), size)]
    return lines


def column_widths(table) -> list[float]:
    """Column widths in points over the text width."""
    n = len(table.header)
    shares = list(table.widths) if table.widths else [1.0] * n
    total = sum(shares)
    return [TEXT_W_PT * s / total for s in shares]
