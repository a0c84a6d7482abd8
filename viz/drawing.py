"""Drawing a digit: a drawing pad (anywidget), and MNIST's preprocessing of what you drew.

The preprocessing follows how the dataset's digits were made: crop, 20x20 box, centre of mass,
28x28. Strokes are accepted only as the pad produces them (lists of [x, y] points of finite
numbers, in pixels of its 280x280 canvas); anything else stops with one `StrokeError` line
saying what is wrong and where.
"""

from __future__ import annotations

import json
import math
import numbers
import reprlib
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import anywidget
import torch
import torch.nn.functional as F
import traitlets
from PIL import Image, ImageDraw

from helpers.data import MEAN, STD

Point = tuple[float, float]
Strokes = list[list[Point]]  # strokes of (x, y) points, in canvas pixels
CANVAS = 280  # the drawing pad's area, in pixels (10x MNIST's 28); SIZE in drawing.js
PEN = 0.13  # pen width / the drawing's longer side: about 2.5 px once it fills 20 px, like MNIST
SUPERSAMPLE = 4  # draw 4x larger, then shrink: smooth (anti-aliased) edges
PAD_PEN = 18  # the pad's own pen width in pixels (lineWidth in drawing.js): what the student sees
MIN_EXTENT = (
    3 * PAD_PEN
)  # a drawing spanning fewer pixels is a dot or a blob on the pad, not a digit
MAX_POINTS = 100_000  # the pad sends a few hundred; far more would only make the kernel wait
MAX_COORDINATE = 1e12  # beyond this, float arithmetic in the clipping loses the line's direction


class StrokeError(ValueError):
    """Strokes unlike what a drawing pad produces, or a drawing that cannot be read as a digit."""


class NothingDrawn(StrokeError):
    """No ink on the canvas (empty, every stroke outside it), or too little to read as a digit."""


class StrokeFileError(StrokeError):
    """A stroke file that cannot be used: the message names the file and says what is wrong."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = Path(path), reason


class Drawing(NamedTuple):
    """One stroke file: what was drawn and which digit it is meant to be."""

    strokes: Strokes
    label: int


class Drawings(NamedTuple):
    """Every usable stroke file of a folder, keyed by file stem; a line for each file skipped."""

    drawings: dict[str, Strokes]
    labels: dict[str, int]
    skipped: list[str]


_short = reprlib.Repr()
(
    _short.maxlevel,
    _short.maxlist,
    _short.maxtuple,
    _short.maxdict,
    _short.maxstring,
    _short.maxother,
) = 3, 4, 4, 3, 30, 30


def _show(value: object) -> str:
    """A short repr for messages (a huge list must not flood the screen)."""
    return _short.repr(value)


def _coordinate(value: object, where: str, point: object) -> float:
    """One coordinate as a float, or StrokeError: a real number (not bool), finite, not far off."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise StrokeError(f"{where}: expected [x, y] numbers, got {_show(point)}")
    try:
        number = float(value)
    except OverflowError:  # an int beyond float's range: far away, not "not finite"
        number = 2 * MAX_COORDINATE
    if not math.isfinite(number):
        raise StrokeError(f"{where}: expected finite numbers, got {_show(point)}")
    if abs(number) > MAX_COORDINATE:
        raise StrokeError(
            f"{where}: coordinates beyond ±{MAX_COORDINATE:g} px (the pad is {CANVAS} px), "
            f"got {_show(point)}"
        )
    return number


def validate_strokes(strokes: object) -> Strokes:
    """The strokes as lists of (x, y) floats, or a StrokeError saying what is wrong and where."""
    if not isinstance(strokes, (list, tuple)):
        raise StrokeError(
            f"expected a list of strokes, each a list of [x, y] points, got {_show(strokes)}"
        )
    clean: Strokes = []
    count = 0
    for i, stroke in enumerate(strokes):
        if not isinstance(stroke, (list, tuple)):
            raise StrokeError(f"stroke {i}: expected a list of [x, y] points, got {_show(stroke)}")
        count += len(stroke)
        if count > MAX_POINTS:
            raise StrokeError(
                f"more than {MAX_POINTS:,} points: a drawing on the pad has a few hundred"
            )
        points = []
        for j, point in enumerate(stroke):
            where = f"stroke {i}, point {j}"
            # strings and dicts are sequences/containers too: only a 2-item list or tuple is a point
            if not isinstance(point, (list, tuple)) or len(point) != 2:
                hint = (
                    " (strokes nest three deep: [[[x, y], ...], ...])"
                    if isinstance(point, numbers.Number)
                    else ""
                )
                raise StrokeError(f"{where}: expected [x, y] numbers, got {_show(point)}{hint}")
            points.append(
                (_coordinate(point[0], where, point), _coordinate(point[1], where, point))
            )
        clean.append(points)
    return clean


def clip_segment(a: Point, b: Point, size: int = CANVAS) -> tuple[Point, Point] | None:
    """The part of segment a-b inside the size x size canvas (Liang-Barsky); None if it misses."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0), (dx, size - x0), (-dy, y0), (dy, size - y0)):
        if p == 0:
            if q < 0:  # parallel to this edge and outside it
                return None
        elif p < 0:
            t0 = max(t0, q / p)
        else:
            t1 = min(t1, q / p)
    if t0 > t1:
        return None
    # keep the original endpoints when inside, so a stroke's points come out exactly as they went in
    start = a if t0 == 0 else (x0 + t0 * dx, y0 + t0 * dy)
    end = b if t1 == 1 else (x0 + t1 * dx, y0 + t1 * dy)
    return start, end


def clip_to_canvas(strokes: Strokes, size: int = CANVAS) -> Strokes:
    """What the pad shows: the parts of strokes inside the canvas, split where a stroke leaves."""
    visible: Strokes = []
    for stroke in strokes:
        if len(stroke) == 1:  # a tap: kept when on the canvas
            ((x, y),) = stroke
            if 0 <= x <= size and 0 <= y <= size:
                visible.append(list(stroke))
            continue
        run: list[Point] = []  # the stroke's current stretch on the canvas
        for a, b in zip(stroke, stroke[1:]):
            piece = clip_segment(a, b, size)
            if run and (
                piece is None or piece[0] != run[-1]
            ):  # it left the canvas: that stretch ends
                visible.append(run)
                run = []
            if piece is not None:
                run = run or [piece[0]]
                run.append(piece[1])
        if run:
            visible.append(run)
    return visible


def extent(strokes: Strokes) -> float:
    """The longer side of the points' bounding box, in pixels (0 for a single point or nothing)."""
    points = [p for stroke in strokes for p in stroke]
    if not points:
        return 0.0
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def check_readable(strokes: Strokes, size: int = CANVAS) -> Strokes:
    """The visible part of valid strokes, or NothingDrawn: empty, off the canvas, or too small."""
    visible = clip_to_canvas(strokes, size)
    if not any(strokes):
        raise NothingDrawn("nothing drawn: draw a digit on the pad")
    if not visible:
        raise NothingDrawn(f"nothing drawn: every stroke lies outside the {size}x{size} pad")
    span = extent(visible)
    # cropping and the 20x20 box blow any drawing up to 20 px: a dot becomes a disc, read as 8
    if span < MIN_EXTENT:
        raise NothingDrawn(
            f"too small to read: the drawing spans {span:.0f} px of the {size} px pad; "
            f"draw a larger digit (at least {MIN_EXTENT} px)"
        )
    return visible


class Steps(NamedTuple):
    """Every stage of the preprocessing, values 0-1 except `normalized`."""

    raster: torch.Tensor  # the drawing as a grey image, CANVAS x CANVAS
    cropped: torch.Tensor  # cut to the bounding box of the ink
    boxed: torch.Tensor  # scaled to fit 20x20, aspect ratio kept
    centred: torch.Tensor  # pasted into 28x28, centre of mass in the middle
    normalized: torch.Tensor  # [1, 28, 28], (x - MEAN) / STD, what the network receives


def load_drawing(path: Path | str) -> Drawing:
    """A stroke file {"label": 0-9, "strokes": [[[x, y], ...], ...]}, checked (StrokeFileError)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise StrokeFileError(path, f"cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise StrokeFileError(path, "not a text file (not UTF-8)") from None
    except json.JSONDecodeError as error:
        raise StrokeFileError(
            path, f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise StrokeFileError(path, "not valid JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise StrokeFileError(
            path, f'expected a JSON object {{"label": ..., "strokes": ...}}, got {_show(data)}'
        )
    for key in ("label", "strokes"):
        if key not in data:
            raise StrokeFileError(path, f'no "{key}" (keys: {", ".join(map(str, data)) or "none"})')
    label = data["label"]
    if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label <= 9:
        raise StrokeFileError(path, f'"label" must be a whole number 0-9, got {_show(label)}')
    if (
        data.get("canvas", CANVAS) != CANVAS
    ):  # other coordinates would be read as if drawn on this pad
        raise StrokeFileError(
            path, f"drawn on a canvas of {_show(data['canvas'])} px; the pad is {CANVAS} px"
        )
    try:
        strokes = validate_strokes(data["strokes"])
        check_readable(strokes)  # so every file that loads can be preprocessed
    except StrokeError as error:
        raise StrokeFileError(path, f"strokes: {error}") from None
    return Drawing(strokes, label)


def load_strokes(path: Path | str) -> Strokes:
    """The strokes of a checked stroke file (see `load_drawing`)."""
    return load_drawing(path).strokes


def load_drawings(folder: Path | str) -> Drawings:
    """Every *.json stroke file in `folder`, by name; a bad file is skipped, named in one line."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder of stroke files")
    drawings, labels, skipped = {}, {}, []
    for path in sorted(folder.glob("*.json")):
        try:
            strokes, label = load_drawing(path)
        except StrokeFileError as error:
            skipped.append(f"{path.name}: {error.reason}")
            print(f"skipped {skipped[-1]}")
            continue
        drawings[path.stem], labels[path.stem] = strokes, label
    return Drawings(drawings, labels, skipped)


def rasterize(strokes: Strokes, size: int = CANVAS) -> torch.Tensor:
    """Draw the strokes as round-capped lines, white on black, anti-aliased; size x size, 0-1."""
    # clipped first: PIL walks every pixel of a line, so a point at 1e9 would take minutes
    visible = clip_to_canvas(validate_strokes(strokes), size)
    if not visible:
        return torch.zeros(size, size)
    pen = max(PEN * extent(visible), 2.0) * SUPERSAMPLE
    image = Image.new("L", (size * SUPERSAMPLE, size * SUPERSAMPLE))
    draw = ImageDraw.Draw(image)
    for stroke in visible:
        scaled = [(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in stroke]
        if len(scaled) > 1:
            draw.line(scaled, fill=255, width=round(pen), joint="curve")
        for x, y in scaled:  # round caps and joints
            draw.ellipse([x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2], fill=255)
    image = image.resize((size, size), Image.Resampling.BOX)
    return (
        torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8).reshape(size, size).float()
        / 255
    )


def crop_to_ink(image: torch.Tensor, threshold: float = 0.05) -> torch.Tensor:
    """The smallest rectangle holding every pixel brighter than `threshold` (all of a blank)."""
    rows, cols = torch.nonzero(image > threshold, as_tuple=True)
    if len(rows) == 0:
        return image
    return image[int(rows.min()) : int(rows.max()) + 1, int(cols.min()) : int(cols.max()) + 1]


def fit_in_box(image: torch.Tensor, box: int = 20) -> torch.Tensor:
    """Scale so the longer side is `box` pixels, keeping the aspect ratio, with anti-aliasing."""
    height, width = image.shape
    scale = box / max(height, width)
    size = (max(1, round(height * scale)), max(1, round(width * scale)))
    return F.interpolate(
        image[None, None], size=size, mode="bilinear", antialias=True, align_corners=False
    )[0, 0].clamp(0, 1)


def centre_of_mass(image: torch.Tensor) -> tuple[float, float]:
    """(row, column) of the intensity-weighted mean pixel position."""
    rows = torch.arange(image.shape[0], dtype=image.dtype)
    cols = torch.arange(image.shape[1], dtype=image.dtype)
    total = image.sum().clamp_min(1e-8)
    return float((image.sum(1) * rows).sum() / total), float((image.sum(0) * cols).sum() / total)


def centre_by_mass(image: torch.Tensor, size: int = 28) -> torch.Tensor:
    """Paste into a size x size field, shifted by whole pixels: centre of mass on pixel (14, 14)."""
    row, col = centre_of_mass(
        image
    )  # MNIST's digits have theirs at (14.0, 14.0) on average: size / 2
    top = min(max(round(size / 2 - row), 0), size - image.shape[0])
    left = min(max(round(size / 2 - col), 0), size - image.shape[1])
    field = torch.zeros(size, size)
    field[top : top + image.shape[0], left : left + image.shape[1]] = image
    return field


def preprocess(strokes: Strokes, size: int = CANVAS) -> Steps:
    """MNIST's recipe: raster, crop, 20x20 box, 28x28 by centre of mass, normalise."""
    # refuse what is not a digit first (StrokeError): a blank or a dot would still get ten bars
    raster = rasterize(check_readable(validate_strokes(strokes), size), size)
    cropped = crop_to_ink(raster)
    boxed = fit_in_box(cropped)
    centred = centre_by_mass(boxed)
    return Steps(raster, cropped, boxed, centred, ((centred - MEAN) / STD)[None])


class DrawingPad(anywidget.AnyWidget):
    """A canvas to draw a digit on; after each stroke `classify(strokes)` fills in the bars."""

    _esm = Path(__file__).with_name("drawing.js")
    _css = Path(__file__).with_name("drawing.css")
    strokes = traitlets.List().tag(sync=True)  # set by the browser after each stroke
    pixels = traitlets.List().tag(sync=True)  # the 28x28 input, values 0-1, row by row
    probabilities = traitlets.List().tag(sync=True)  # ten numbers
    message = traitlets.Unicode("").tag(
        sync=True
    )  # shown instead of a prediction ("nothing drawn: ...")
    answered = traitlets.Int(0).tag(
        sync=True
    )  # counts replies, so the page hears one even when nothing else changed

    def __init__(
        self, classify: Callable[[Strokes], tuple[torch.Tensor, torch.Tensor]], **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self._classify = classify
        self.observe(self._update, names="strokes")

    def _update(self, change: dict) -> None:
        """Preprocess and classify the new strokes (nothing if cleared, a message if unreadable)."""
        with self.hold_sync():  # one message to the page: it never sees bars and a message together
            self.pixels, self.probabilities, self.message = [], [], ""
            if any(change["new"]):
                try:
                    image, probabilities = self._classify(change["new"])
                except StrokeError as error:  # not a digit the network can be asked about: say why
                    self.message = str(error)
                else:
                    self.pixels = image.reshape(-1).tolist()
                    self.probabilities = probabilities.reshape(-1).tolist()
            self.answered += 1
