"""How the stored digits were made: each digit as a few strokes of points, with a smooth random
wobble and slant.

Run from the course folder: `uv run python notebooks/handwriting/generate.py` (seeded: the same
files each time).
"""

import json
import math
import random
from pathlib import Path

random.seed(8)
OUT = Path(__file__).resolve().parent


def sample(path_fn, n):
    return [path_fn(i / (n - 1)) for i in range(n)]


def humanise(points, scale, dx, dy, tilt, wobble):
    out, wx, wy = [], 0.0, 0.0
    for x, y in points:
        wx = 0.8 * wx + random.gauss(0, wobble)
        wy = 0.8 * wy + random.gauss(0, wobble)
        x2 = x + tilt * (0.5 - y)  # slant
        out.append([round(dx + scale * x2 + wx, 1), round(dy + scale * y + wy, 1)])
    return out


def arc(cx, cy, rx, ry, a0, a1):
    return lambda t: (
        cx + rx * math.cos(a0 + (a1 - a0) * t),
        cy + ry * math.sin(a0 + (a1 - a0) * t),
    )


def line(x0, y0, x1, y1):
    return lambda t: (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)


def chain(*parts):  # concatenate path pieces into one stroke
    pts = []
    for fn, n in parts:
        pts += sample(fn, n)[1 if pts else 0 :]
    return pts


# unit-square shapes (x right, y down), strokes as point lists
SHAPES = {
    "two": [
        chain(
            (arc(0.5, 0.28, 0.3, 0.25, math.pi * 1.1, math.pi * 2.15), 22),
            (line(0.78, 0.38, 0.18, 0.95), 18),
            (line(0.18, 0.95, 0.85, 0.93), 14),
        )
    ],
    "three": [
        chain(
            (arc(0.48, 0.27, 0.3, 0.22, math.pi * 1.15, math.pi * 2.5), 24),
            (arc(0.48, 0.72, 0.33, 0.25, -math.pi * 0.5, math.pi * 0.85), 26),
        )
    ],
    "four": [
        chain((line(0.55, 0.02, 0.12, 0.65), 16), (line(0.12, 0.65, 0.9, 0.63), 16)),
        sample(line(0.66, 0.3, 0.63, 1.0), 16),
    ],
    "seven": [chain((line(0.12, 0.05, 0.85, 0.07), 16), (line(0.85, 0.07, 0.38, 1.0), 22))],
    "zero": [sample(arc(0.5, 0.5, 0.32, 0.48, -math.pi * 0.55, math.pi * 1.5), 40)],
    "six": [
        chain(
            (arc(0.62, 0.45, 0.45, 0.45, -math.pi * 0.45, -math.pi * 1.0), 14),
            (line(0.17, 0.45, 0.2, 0.7), 6),
            (arc(0.48, 0.72, 0.29, 0.26, math.pi, math.pi * 3.05), 30),
        )
    ],
    "nine": [
        chain(
            (arc(0.5, 0.3, 0.3, 0.27, -math.pi * 0.1, -math.pi * 2.1), 28),
            (line(0.8, 0.3, 0.62, 1.0), 14),
        )
    ],
}
# (label, name, scale in canvas px, left, top, slant, wobble): sizes and places vary as a student's
# would
PLAN = [
    (2, "two", 170, 60, 50, 0.1, 1.2),
    (3, "three", 190, 50, 40, 0.15, 1.5),
    (4, "four", 180, 55, 45, 0.2, 1.2),
    (7, "seven", 150, 80, 60, 0.1, 1.0),
    (0, "zero", 200, 40, 40, 0.15, 1.5),
    (6, "six", 90, 20, 20, 0.2, 0.8),
    (9, "nine", 80, 185, 170, 0.15, 0.7),
]
for label, name, scale, dx, dy, tilt, wobble in PLAN:
    strokes = [humanise(s, scale, dx, dy, tilt, wobble) for s in SHAPES[name]]
    note = {
        "six": "drawn small in the top-left corner",
        "nine": "drawn small in the bottom-right corner",
    }.get(name, "drawn across most of the canvas")
    (OUT / f"{name}.json").write_text(
        json.dumps({"label": label, "canvas": 280, "note": note, "strokes": strokes}) + "\n"
    )
print(sorted(p.name for p in OUT.iterdir()))
