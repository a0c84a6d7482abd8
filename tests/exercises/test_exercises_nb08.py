"""Notebook 08's exercises: each check on the blank, typical wrong answers and the solution."""

import json
import tempfile
from pathlib import Path

import torch
from exercise_cases import assert_exercise, assert_result
from torchvision.transforms.v2 import functional as TF

from exercises.nb08 import TEST_DRAWINGS, ex1, ex2, ex3
from helpers import MEAN, STD, LeNet5, predict_proba
from helpers.settings import REPO_ROOT
from viz import preprocess

BLANK = -MEAN / STD
DEVICE = torch.device("cpu")


def accuracy(net, images, labels):
    """As notebook 08 defines it."""
    return (predict_proba(net, images, DEVICE).argmax(dim=1) == labels).float().mean().item()


class Pad:
    """The drawing pad as the check sees it: only its strokes."""

    def __init__(self, strokes):
        self.strokes = strokes


NAMESPACE = {  # the notebook's names the solutions use (an untrained LeNet-5 as the course CNN)
    "torch": torch,
    "json": json,
    "TF": TF,
    "MEAN": MEAN,
    "STD": STD,
    "BLANK": BLANK,
    "SCALE": (0.8, 1.1),
    "accuracy": accuracy,
    "preprocess": preprocess,
    "model": LeNet5().eval(),
    "pad": Pad(TEST_DRAWINGS[7]),
}


def test_ex1_corner_input():
    model = NAMESPACE["model"]

    def unnormalised(strokes):
        boxed = preprocess(strokes).boxed
        field = torch.zeros(28, 28)
        field[: boxed.shape[0], : boxed.shape[1]] = boxed
        return field[None]

    def bottom_right(strokes):
        boxed = preprocess(strokes).boxed
        field = torch.zeros(28, 28)
        field[28 - boxed.shape[0] :, 28 - boxed.shape[1] :] = boxed
        return ((field - MEAN) / STD)[None]

    assert_exercise(
        ex1,
        namespace=NAMESPACE,
        wrong=[
            ((unnormalised, model), "normalise them"),
            ((lambda strokes: unnormalised(strokes)[0], model), "add it with [None]"),
            ((lambda strokes: preprocess(strokes).normalized, model), "centred input of step 4"),
            ((bottom_right, model), "rows and columns from 0"),
            ((lambda strokes: preprocess(strokes).boxed, model), "shape (20,"),
            ((lambda strokes: None, model), "returned NoneType"),
            ((bottom_right, "model"), "pass the course CNN"),
        ],
    )


def curve_with(fill=BLANK, grow=False, reverse=False, percent=False):
    """A size_curve written with one of the typical mistakes."""

    def size_curve(net, images, labels):
        accs = [
            accuracy(
                net,
                TF.affine(
                    images,
                    angle=0.0,
                    translate=[0, 0],
                    scale=1 / f if grow else f,
                    shear=[0.0, 0.0],
                    fill=fill,
                ),
                labels,
            )
            for f in [1.0, 0.8, 0.6, 0.4]
        ]
        return [100 * a for a in accs] if percent else accs[::-1] if reverse else accs

    return size_curve


def test_ex2_accuracy_against_size():
    right = curve_with()
    assert_exercise(
        ex2,
        namespace=NAMESPACE,
        wrong=[
            ((curve_with(fill=0.0), [1.0, 0.8]), "fill it with BLANK"),
            ((curve_with(grow=True), [1.0, 0.8]), "your digits grow"),
            ((curve_with(reverse=True), [1.0, 0.8]), "reverse order"),
            ((curve_with(percent=True), [1.0, 0.8]), "fractions (0-1)"),
            ((lambda net, images, labels: [1.0, 0.8], [1.0, 0.8]), "expected one per factor"),
            ((lambda net, images, labels: [1.0, 0.9, 0.5, 0.1], [1.0, 0.8]), "never saw"),
            ((right, [1.0]), "[0.8] lies inside SCALE"),
            ((right, [1.0, 0.8, 0.6]), "[0.6] lies outside SCALE"),
            ((right, [1.1, 0.8]), "factors from SIZES"),
            ((right, "1.0 and 0.8"), "a list of factors"),
        ],
    )
    assert ex2.evaluate(right, (0.8, 1.0)).status == "correct"
    assert ex2.evaluate(right, {0.8, 1}).status == "correct"


def save_with(label=None, text_only=False, mkdir=True, name="my_{label}.json", where=None):
    """A save_digit written with one of the typical mistakes (the old solution's among them)."""

    def save_digit(strokes, label_given, folder):
        folder = Path(where or folder)
        if mkdir:
            folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(
            {"label": label if label is not None else label_given, "strokes": strokes}
        )
        if text_only:
            return text
        path = folder / name.format(label=label_given)
        path.write_text(text)
        return path

    return save_digit


def test_ex3_save_your_digit(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the solution's folder, in the test's
    monkeypatch.setattr("builtins.input", lambda prompt="": "7")  # the solution asks the label
    mine = tmp_path / "mine"
    seven = TEST_DRAWINGS[7]
    right = save_with()
    assert_exercise(
        ex3,
        namespace=NAMESPACE,
        wrong=[
            ((save_with(label=3), seven, 7, mine), "wrote label 3 for a drawing given label 7"),
            ((save_with(text_only=True), seven, 7, mine), "returned the JSON text"),
            ((save_with(mkdir=False), seven, 7, mine), "raised FileNotFoundError"),
            ((save_with(where=tmp_path / "elsewhere"), seven, 7, mine), "outside the folder"),
            ((save_with(name="my_digit.json"), seven, 7, mine), "two files"),
            ((save_with(name="my_{label}.txt"), seven, 7, mine), ".json"),
            ((lambda strokes, label, folder: None, seven, 7, mine), "returned None"),
            ((right, seven, "7", mine), "a whole number 0-9"),
            ((right, seven, 7, REPO_ROOT / "notebooks" / "handwriting"), "inside the course's"),
            ((right, seven, 7, REPO_ROOT), "inside the course's"),
            ((right, [[[100, 100], [110, 105]]], 7, mine), "cannot be read (too small"),
        ],
    )
    # no drawing yet: the check says so honestly, after testing save_digit on drawings of its own
    result = assert_result(ex3, [right, [], 7, mine], "not attempted", "draw a digit first")
    assert "save_digit passed its test" in result.message and not mine.exists()
    assert_result(ex3, [save_with(label=3), [], 7, mine], "wrong", "label 3")
    # the student's digit is saved in their folder with their label, and reads back
    assert_result(ex3, [right, TEST_DRAWINGS[2], 2, mine], "correct", "saved your 2")
    assert [p.name for p in mine.iterdir()] == ["my_2.json"]
    assert json.loads((mine / "my_2.json").read_text())["label"] == 2
