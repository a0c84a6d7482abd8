"""Drawing a digit (viz/drawing.py): MNIST's preprocessing (crop, 20x20 box, centre of mass,
normalisation) and the pad."""

import json

import pytest
import torch

from helpers.data import MEAN, STD
from helpers.settings import REPO_ROOT
from viz.drawing import (
    CANVAS,
    DrawingPad,
    Steps,
    centre_by_mass,
    centre_of_mass,
    crop_to_ink,
    fit_in_box,
    load_strokes,
    preprocess,
    rasterize,
)

STROKE_FILES = sorted((REPO_ROOT / "notebooks" / "handwriting").glob("*.json"))


def square(left: float, top: float, side: float) -> list[list[tuple[float, float]]]:
    """One closed stroke around a square, in canvas pixels."""
    right, bottom = left + side, top + side
    return [[(left, top), (right, top), (right, bottom), (left, bottom), (left, top)]]


def ink_box(image: torch.Tensor) -> tuple[int, int]:
    """(height, width) of the inked part of `image`."""
    return tuple(crop_to_ink(image).shape)


def test_rasterize_is_grey_antialiased_and_blank_when_empty():
    image = rasterize(square(40, 40, 200))
    assert image.shape == (CANVAS, CANVAS) and image.min() == 0 and image.max() == 1
    assert ((image > 0) & (image < 1)).any(), "edges should be anti-aliased (grey values)"
    assert rasterize([]).sum() == 0


def test_fit_in_box_keeps_aspect_ratio():
    assert fit_in_box(torch.ones(100, 50)).shape == (20, 10)
    assert fit_in_box(torch.ones(30, 90)).shape == (7, 20)


def test_centred_square_stays_centred():
    steps = preprocess(square(40, 40, 200))
    row, col = centre_of_mass(steps.centred)
    assert abs(row - 14) <= 0.5 and abs(col - 14) <= 0.5
    assert ink_box(steps.centred) == (20, 20)


def test_small_off_centre_digit_comes_out_centred_and_scaled_like_mnist():
    # A small "7" in the top-left corner of the canvas: 40 px wide, 60 px tall.
    seven = [[(10, 10), (50, 12), (25, 70)]]
    steps = preprocess(seven)
    assert isinstance(steps, Steps)
    row, col = centre_of_mass(steps.centred)
    assert abs(row - 14) <= 0.5 and abs(col - 14) <= 0.5, (row, col)
    assert max(ink_box(steps.centred)) == 20, "MNIST scales the box's longer side to 20 px"
    assert steps.normalized.shape == (1, 28, 28)
    torch.testing.assert_close(steps.normalized[0], (steps.centred - MEAN) / STD)


def test_centre_by_mass_moves_an_off_centre_blob():
    blob = torch.zeros(5, 5)
    blob[0, 0] = 1.0  # all the mass in a corner: the whole 5x5 piece must shift
    field = centre_by_mass(blob)
    assert field.shape == (28, 28) and centre_of_mass(field) == (14.0, 14.0)


@pytest.mark.parametrize("path", STROKE_FILES, ids=lambda p: p.name)
def test_stored_handwriting_is_a_labelled_digit(path):
    data = json.loads(path.read_text())
    assert data["label"] in range(10) and data["strokes"]
    steps = preprocess(load_strokes(path))
    assert max(ink_box(steps.centred)) == 20


def test_widget_runs_classify_after_a_stroke_and_clears():
    calls = []

    def classify(strokes):
        calls.append(strokes)
        return preprocess(strokes).centred, torch.full((10,), 0.1)

    pad = DrawingPad(classify)
    pad.strokes = square(40, 40, 200)
    assert len(calls) == 1 and len(pad.pixels) == 28 * 28 and len(pad.probabilities) == 10
    pad.strokes = []
    assert pad.pixels == [] and pad.probabilities == [] and len(calls) == 1


def test_widget_front_end_files_ship_with_the_package():
    source = (REPO_ROOT / "viz" / "drawing.js").read_text()
    assert (REPO_ROOT / "viz" / "drawing.css").is_file()
    assert "export default" in source and "pointerdown" in source
