"""Drawing a digit: a drawing pad (anywidget), and MNIST's preprocessing of what you drew.

The preprocessing follows how the dataset's digits were made: crop, 20x20 box, centre of mass, 28x28.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import anywidget
import torch
import torch.nn.functional as F
import traitlets
from PIL import Image, ImageDraw

from helpers.data import MEAN, STD

Strokes = list[list[tuple[float, float]]]  # strokes of (x, y) points, in canvas pixels
CANVAS = 280  # the drawing pad's area, in pixels (10x MNIST's 28)
PEN = 0.13  # pen width as a fraction of the drawing's longer side: about 2.5 px once it fills 20 px, like MNIST
SUPERSAMPLE = 4  # draw 4x larger, then shrink: smooth (anti-aliased) edges


class Steps(NamedTuple):
    """Every stage of the preprocessing, values 0-1 except `normalized`."""

    raster: torch.Tensor  # the drawing as a grey image, CANVAS x CANVAS
    cropped: torch.Tensor  # cut to the bounding box of the ink
    boxed: torch.Tensor  # scaled to fit 20x20, aspect ratio kept
    centred: torch.Tensor  # pasted into 28x28, centre of mass in the middle
    normalized: torch.Tensor  # [1, 28, 28], (x - MEAN) / STD, what the network receives


def load_strokes(path: Path | str) -> Strokes:
    """Strokes stored as JSON: {"label": ..., "strokes": [[[x, y], ...], ...]}."""
    return [[(float(x), float(y)) for x, y in stroke] for stroke in json.loads(Path(path).read_text())["strokes"]]


def rasterize(strokes: Strokes, size: int = CANVAS) -> torch.Tensor:
    """Draw the strokes as round-capped lines, white on black, anti-aliased; a size x size tensor in 0-1."""
    points = [p for stroke in strokes for p in stroke]
    if not points:
        return torch.zeros(size, size)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    pen = max(PEN * max(max(xs) - min(xs), max(ys) - min(ys)), 2.0) * SUPERSAMPLE
    image = Image.new("L", (size * SUPERSAMPLE, size * SUPERSAMPLE))
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        scaled = [(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in stroke]
        if len(scaled) > 1:
            draw.line(scaled, fill=255, width=round(pen), joint="curve")
        for x, y in scaled:  # round caps and joints
            draw.ellipse([x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2], fill=255)
    image = image.resize((size, size), Image.Resampling.BOX)
    return torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8).reshape(size, size).float() / 255


def crop_to_ink(image: torch.Tensor, threshold: float = 0.05) -> torch.Tensor:
    """The smallest rectangle holding every pixel brighter than `threshold` (the whole image when blank)."""
    rows, cols = torch.nonzero(image > threshold, as_tuple=True)
    if len(rows) == 0:
        return image
    return image[int(rows.min()) : int(rows.max()) + 1, int(cols.min()) : int(cols.max()) + 1]


def fit_in_box(image: torch.Tensor, box: int = 20) -> torch.Tensor:
    """Scale so the longer side is `box` pixels, keeping the aspect ratio, with anti-aliasing."""
    height, width = image.shape
    scale = box / max(height, width)
    size = (max(1, round(height * scale)), max(1, round(width * scale)))
    return F.interpolate(image[None, None], size=size, mode="bilinear", antialias=True, align_corners=False)[0, 0].clamp(0, 1)


def centre_of_mass(image: torch.Tensor) -> tuple[float, float]:
    """(row, column) of the intensity-weighted mean pixel position."""
    rows = torch.arange(image.shape[0], dtype=image.dtype)
    cols = torch.arange(image.shape[1], dtype=image.dtype)
    total = image.sum().clamp_min(1e-8)
    return float((image.sum(1) * rows).sum() / total), float((image.sum(0) * cols).sum() / total)


def centre_by_mass(image: torch.Tensor, size: int = 28) -> torch.Tensor:
    """Paste into a size x size field, shifted by whole pixels so the centre of mass lands on pixel (14, 14)."""
    row, col = centre_of_mass(image)  # MNIST's digits have theirs at (14.0, 14.0) on average: size / 2
    top = min(max(round(size / 2 - row), 0), size - image.shape[0])
    left = min(max(round(size / 2 - col), 0), size - image.shape[1])
    field = torch.zeros(size, size)
    field[top : top + image.shape[0], left : left + image.shape[1]] = image
    return field


def preprocess(strokes: Strokes, size: int = CANVAS) -> Steps:
    """MNIST's recipe: raster -> crop -> 20x20 box -> 28x28 by centre of mass -> normalise."""
    raster = rasterize(strokes, size)
    cropped = crop_to_ink(raster)
    boxed = fit_in_box(cropped)
    centred = centre_by_mass(boxed)
    return Steps(raster, cropped, boxed, centred, ((centred - MEAN) / STD)[None])


class DrawingPad(anywidget.AnyWidget):
    """A canvas to draw a digit on; after each stroke `classify(strokes)` fills in the input and the ten bars."""

    _esm = Path(__file__).with_name("drawing.js")
    _css = Path(__file__).with_name("drawing.css")
    strokes = traitlets.List().tag(sync=True)  # set by the browser after each stroke
    pixels = traitlets.List().tag(sync=True)  # the 28x28 input, values 0-1, row by row
    probabilities = traitlets.List().tag(sync=True)  # ten numbers

    def __init__(self, classify: Callable[[Strokes], tuple[torch.Tensor, torch.Tensor]], **kwargs) -> None:
        super().__init__(**kwargs)
        self._classify = classify
        self.observe(self._update, names="strokes")

    def _update(self, change: dict) -> None:
        """Run the preprocessing and the network on the new strokes (nothing when cleared)."""
        if not any(change["new"]):
            self.pixels, self.probabilities = [], []
            return
        image, probabilities = self._classify(change["new"])
        self.pixels = image.reshape(-1).tolist()
        self.probabilities = probabilities.reshape(-1).tolist()
