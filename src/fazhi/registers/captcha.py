"""A distorted drawing of a short sum (e.g. "37+5="), as SVG paths only: the characters are
strokes with random scale, rotation and jitter among noise curves, so the answer is not
in the markup as text. Served by the app itself: no outside service."""

from __future__ import annotations

import math
import secrets

# Strokes on a unit box (x right, y down), one list of polylines per character.
GLYPHS: dict[str, list[list[tuple[float, float]]]] = {
    "0": [[(0.5, 0), (0.85, 0.2), (0.85, 0.8), (0.5, 1), (0.15, 0.8), (0.15, 0.2), (0.5, 0)]],
    "1": [[(0.3, 0.2), (0.55, 0), (0.55, 1)], [(0.3, 1), (0.8, 1)]],
    "2": [
        [(0.15, 0.25), (0.35, 0.02), (0.7, 0.02), (0.85, 0.25), (0.8, 0.45), (0.15, 1), (0.88, 1)]
    ],
    "3": [
        [
            (0.15, 0.1),
            (0.5, 0),
            (0.8, 0.15),
            (0.8, 0.35),
            (0.45, 0.5),
            (0.85, 0.65),
            (0.85, 0.85),
            (0.5, 1),
            (0.15, 0.9),
        ]
    ],
    "4": [[(0.7, 1), (0.7, 0), (0.1, 0.7), (0.9, 0.7)]],
    "5": [
        [
            (0.85, 0),
            (0.2, 0),
            (0.15, 0.45),
            (0.55, 0.4),
            (0.85, 0.6),
            (0.8, 0.9),
            (0.5, 1),
            (0.15, 0.92),
        ]
    ],
    "6": [
        [
            (0.8, 0.05),
            (0.45, 0),
            (0.18, 0.3),
            (0.15, 0.75),
            (0.4, 1),
            (0.75, 0.95),
            (0.85, 0.7),
            (0.6, 0.5),
            (0.3, 0.55),
            (0.17, 0.7),
        ]
    ],
    "7": [[(0.1, 0), (0.9, 0), (0.4, 1)]],
    "8": [
        [
            (0.5, 0.5),
            (0.2, 0.3),
            (0.25, 0.05),
            (0.5, 0),
            (0.75, 0.05),
            (0.8, 0.3),
            (0.5, 0.5),
            (0.15, 0.72),
            (0.25, 0.95),
            (0.5, 1),
            (0.75, 0.95),
            (0.85, 0.72),
            (0.5, 0.5),
        ]
    ],
    "9": [
        [
            (0.83, 0.3),
            (0.6, 0.5),
            (0.3, 0.48),
            (0.15, 0.25),
            (0.4, 0),
            (0.75, 0.05),
            (0.85, 0.3),
            (0.8, 0.7),
            (0.5, 1),
            (0.2, 0.95),
        ]
    ],
    "+": [[(0.5, 0.25), (0.5, 0.75)], [(0.2, 0.5), (0.8, 0.5)]],
    "-": [[(0.2, 0.5), (0.8, 0.5)]],
    "=": [[(0.2, 0.38), (0.8, 0.38)], [(0.2, 0.62), (0.8, 0.62)]],
}
ADVANCE, HEIGHT, MARGIN = 34, 64, 12


def _uniform(lo: float, hi: float) -> float:
    return lo + (hi - lo) * secrets.randbelow(10_001) / 10_000


def render_svg(text: str) -> str:
    width = MARGIN * 2 + ADVANCE * len(text)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" viewBox="0 0 {width} {HEIGHT}" role="img" aria-label="验证题">',
        f'<rect width="{width}" height="{HEIGHT}" fill="#f4f6fa"/>',
    ]
    for _ in range(5):  # noise curves under the characters
        x0, x1 = _uniform(0, width * 0.3), _uniform(width * 0.7, width)
        parts.append(
            f'<path d="M{x0:.1f} {_uniform(5, HEIGHT - 5):.1f} Q{_uniform(0, width):.1f} {_uniform(0, HEIGHT):.1f} {x1:.1f} {_uniform(5, HEIGHT - 5):.1f}" '
            f'stroke="#{secrets.randbelow(0x666666) + 0x888888:06x}" stroke-width="{_uniform(1, 2.2):.1f}" fill="none"/>'
        )
    for i, ch in enumerate(text):
        size = _uniform(26, 36)
        angle = math.radians(_uniform(-22, 22))
        cx = MARGIN + ADVANCE * i + ADVANCE / 2 + _uniform(-3, 3)
        cy = HEIGHT / 2 + _uniform(-5, 5)
        cos, sin = math.cos(angle), math.sin(angle)
        shear = _uniform(-0.25, 0.25)
        colour = f"#{secrets.randbelow(0x50):02x}{secrets.randbelow(0x50):02x}{secrets.randbelow(0x70):02x}"
        for stroke in GLYPHS[ch]:
            points = []
            for x, y in stroke:
                dx, dy = (x - 0.5 + shear * (y - 0.5)) * size * 0.7, (y - 0.5) * size
                px = cx + dx * cos - dy * sin + _uniform(-1.4, 1.4)
                py = cy + dx * sin + dy * cos + _uniform(-1.4, 1.4)
                points.append(f"{px:.1f} {py:.1f}")
            parts.append(
                f'<path d="M{" L".join(points)}" stroke="{colour}" stroke-width="{_uniform(2.2, 3.4):.1f}" '
                'fill="none" stroke-linecap="round" stroke-linejoin="round"/>'
            )
    for _ in range(3):  # a few strokes over the characters
        parts.append(
            f'<path d="M{_uniform(0, width):.1f} {_uniform(0, HEIGHT):.1f} L{_uniform(0, width):.1f} {_uniform(0, HEIGHT):.1f}" '
            f'stroke="#{secrets.randbelow(0x444444) + 0x777777:06x}" stroke-width="1.2"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
