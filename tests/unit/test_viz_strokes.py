"""Strokes as a drawing pad produces them (viz/drawing.py): validation, clipping to the canvas,
"nothing drawn", and stroke files checked on load, a bad one named and skipped."""

import json
import math
import subprocess
import sys

import pytest
import torch

from helpers.settings import REPO_ROOT
from viz.drawing import (
    CANVAS,
    MIN_EXTENT,
    DrawingPad,
    NothingDrawn,
    StrokeError,
    StrokeFileError,
    clip_segment,
    clip_to_canvas,
    load_drawing,
    load_drawings,
    load_strokes,
    preprocess,
    rasterize,
    validate_strokes,
)

HANDWRITING = REPO_ROOT / "notebooks" / "handwriting"
SEVEN = [[(60, 50), (220, 55), (130, 230)]]  # a readable digit, well inside the canvas

# (strokes, what the message says): each once broke viz with a raw TypeError, KeyError...
BAD_STROKES = {
    "nan": (
        [[(10, 10), (math.nan, 20)]],
        "stroke 0, point 1: expected finite numbers, got (nan, 20)",
    ),
    "inf": (
        [SEVEN[0], [(10, 10), (20, -math.inf)]],
        "stroke 1, point 1: expected finite numbers, got (20, -inf)",
    ),
    "one level too few": (
        [[10, 20], [30, 40]],
        "stroke 0, point 0: expected [x, y] numbers, got 10 (strokes nest",
    ),
    "one level too many": (
        [[[[10, 20]]]],
        "stroke 0, point 0: expected [x, y] numbers, got [[10, 20]]",
    ),
    "a point, not a stroke": ([(10, 20)], "stroke 0, point 0: expected [x, y] numbers, got 10"),
    "3-value point": (
        [[(10, 20), (30, 40, 50)]],
        "stroke 0, point 1: expected [x, y] numbers, got (30, 40, 50)",
    ),
    "1-value point": ([[(10,)]], "stroke 0, point 0: expected [x, y] numbers, got (10,)"),
    "dict point": (
        [SEVEN[0], SEVEN[0], [(1, 2)] * 5 + [{"x": 1}]],
        "stroke 2, point 5: expected [x, y] numbers, got {'x': 1}",
    ),
    "string strokes": ("7", "expected a list of strokes, each a list of [x, y] points, got '7'"),
    "string stroke": (["abc"], "stroke 0: expected a list of [x, y] points, got 'abc'"),
    "string point": ([["ab"]], "stroke 0, point 0: expected [x, y] numbers, got 'ab'"),
    "string coordinate": (
        [[("10", 20)]],
        "stroke 0, point 0: expected [x, y] numbers, got ('10', 20)",
    ),
    "bool coordinate": (
        [[(True, 20)]],
        "stroke 0, point 0: expected [x, y] numbers, got (True, 20)",
    ),
    "None coordinate": (
        [[(None, 20)]],
        "stroke 0, point 0: expected [x, y] numbers, got (None, 20)",
    ),
    "dict of strokes": ({"strokes": []}, "expected a list of strokes"),
    "a number": (7, "expected a list of strokes"),
    "absurdly far": ([[(10, 10), (1e300, 10)]], "stroke 0, point 1: coordinates beyond ±1e+12 px"),
    "int beyond float": (
        [[(10, 10), (10**400, 10)]],
        "stroke 0, point 1: coordinates beyond ±1e+12 px",
    ),
}


@pytest.mark.parametrize("strokes, message", BAD_STROKES.values(), ids=BAD_STROKES.keys())
@pytest.mark.parametrize(
    "step", [validate_strokes, rasterize, preprocess], ids=lambda f: f.__name__
)
def test_bad_strokes_stop_with_one_line_saying_what_and_where(step, strokes, message):
    with pytest.raises(StrokeError) as caught:
        step(strokes)
    assert isinstance(caught.value, ValueError)
    text = str(caught.value)
    assert text.startswith(message), text
    assert "\n" not in text and len(text) < 200, text


def test_a_huge_stroke_is_shown_short_in_the_message():
    with pytest.raises(StrokeError) as caught:
        validate_strokes([[(1, 2)] * 1000 + [list(range(1000))]])
    assert str(caught.value).startswith(
        "stroke 0, point 1000: expected [x, y] numbers, got [0, 1, 2, 3, ...]"
    )


def test_too_many_points_is_refused_before_any_drawing():
    with pytest.raises(StrokeError, match="more than 100,000 points"):
        validate_strokes([[(1.0, 2.0)] * 100_001])


def test_valid_strokes_come_back_as_float_pairs():
    assert validate_strokes([[[1, 2], (3.5, 4)], [[5, 6]]]) == [
        [(1.0, 2.0), (3.5, 4.0)],
        [(5.0, 6.0)],
    ]
    assert validate_strokes([]) == []


def test_clip_segment_keeps_inside_cuts_crossing_and_drops_missing():
    assert clip_segment((10, 20), (30, 40)) == ((10, 20), (30, 40))
    assert clip_segment((140, 140), (140, 1e9)) == ((140, 140), (140.0, float(CANVAS)))
    assert clip_segment((-100, 140), (CANVAS + 100, 140)) == ((0.0, 140.0), (float(CANVAS), 140.0))
    assert clip_segment((-10, -10), (-10, 500)) is None  # beside the canvas, parallel to its edge
    assert (
        clip_segment((-100, 50), (50, -100)) is None
    )  # crosses the corner's lines, misses the canvas


def test_a_stroke_that_leaves_and_comes_back_is_split_there():
    stroke = [(100, 100), (100, -100), (150, -100), (150, 100)]
    assert clip_to_canvas([stroke]) == [[(100, 100), (100.0, 0.0)], [(150.0, 0.0), (150, 100)]]


def test_drawings_on_the_canvas_are_not_changed_by_clipping():
    drawings = load_drawings(HANDWRITING).drawings
    assert drawings
    for strokes in drawings.values():
        assert clip_to_canvas(strokes) == strokes


def test_a_point_at_1e9_is_clipped_and_returns_in_milliseconds():
    # Unclipped, PIL drew this line for over 90 s: a subprocess, so a regression fails, not hangs.
    code = (
        "import time\n"
        "from viz.drawing import preprocess, rasterize\n"
        "preprocess([[(0, 0), (280, 280)]])  # warm-up: the first torch calls are slow\n"
        "start = time.perf_counter()\n"
        "steps = preprocess([[(0, 0), (1e9, 1e9)], [(140, 140), (-1e9, 1e9)]])\n"
        "print(time.perf_counter() - start)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert float(run.stdout.split()[-1]) < 2.0, run.stdout
    # and the picture is what the pad shows: the parts of the lines inside the canvas
    far = rasterize([[(20, 30), (1e9, 30)], [(140, 140), (140, -1e9)]])
    near = rasterize([[(20, 30), (CANVAS, 30)], [(140, 140), (140, 0)]])
    torch.testing.assert_close(far, near, atol=0, rtol=0)


@pytest.mark.parametrize(
    "strokes, message",
    [
        ([], "nothing drawn: draw a digit on the pad"),
        ([[]], "nothing drawn: draw a digit on the pad"),
        ([[(-50, 100), (-20, 200)]], "nothing drawn: every stroke lies outside the 280x280 pad"),
        (
            [[(300, 10), (900, 500)], [(-5, -5)]],
            "nothing drawn: every stroke lies outside the 280x280 pad",
        ),
    ],
    ids=["empty", "an empty stroke", "left of the canvas", "right of it, and a tap outside"],
)
def test_nothing_on_the_canvas_is_nothing_drawn_not_a_blank_input(strokes, message):
    with pytest.raises(NothingDrawn, match=f"^{message}$"):
        preprocess(strokes)


def test_a_stroke_crossing_the_canvas_from_outside_is_drawn():
    steps = preprocess(
        [[(-100, 140), (CANVAS + 100, 140)]]
    )  # both points outside, the line through the middle
    assert steps.raster[140].max() == 1 and steps.raster[:, 0].max() > 0


@pytest.mark.parametrize(
    "strokes",
    [
        [[(140, 140)]],  # a tap: once a filled disc read as 8
        [[(140, 140)], [(141, 141)], [(140, 141)]],
        [[(100, 100), (100 + MIN_EXTENT - 1, 100)]],
        [[(-300, 10), (10, 10)]],  # only the last 10 px are on the canvas
    ],
    ids=["a tap", "three taps", "just too short", "a sliver on the canvas"],
)
def test_a_dot_or_a_tiny_scribble_is_too_small_to_read(strokes):
    with pytest.raises(NothingDrawn) as caught:
        preprocess(strokes)
    assert str(caught.value).startswith("too small to read: the drawing spans ")
    assert str(caught.value).endswith(
        f"px of the 280 px pad; draw a larger digit (at least {MIN_EXTENT} px)"
    )


def test_a_small_digit_just_above_the_limit_is_read():
    assert preprocess([[(100, 100), (100, 100 + MIN_EXTENT)]]).centred.max() > 0.5


def test_rasterize_draws_what_there_is_even_a_tap():
    # rasterize only draws; deciding whether it is a digit is preprocess's job
    assert rasterize([[(140, 140)]]).sum() > 0 and rasterize([[(-10, -10)]]).sum() == 0


def fake_network(calls: list):
    """A classify function for the pad, recording its calls: the preprocessing, ten equal odds."""

    def classify(strokes):
        calls.append(strokes)
        return preprocess(strokes).centred, torch.full((10,), 0.1)

    return classify


@pytest.mark.parametrize(
    "strokes, message",
    [
        ([[(-50, 100), (-20, 200)]], "nothing drawn: every stroke lies outside the 280x280 pad"),
        ([[[140, 140]]], "too small to read: the drawing spans 0 px"),
        ([[[1, 2], [3, math.nan]]], "stroke 0, point 1: expected finite numbers, got [3, nan]"),
        ([[[1, 2, 3]]], "stroke 0, point 0: expected [x, y] numbers, got [1, 2, 3]"),
        ([[{"x": 1, "y": 2}]], "stroke 0, point 0: expected [x, y] numbers, got {'x': 1, 'y': 2}"),
        (["abc"], "stroke 0: expected a list of [x, y] points, got 'abc'"),
    ],
    ids=["off the canvas", "a tap", "nan", "3 values", "dict", "string"],
)
def test_pad_shows_the_message_instead_of_a_prediction(strokes, message):
    pad = DrawingPad(fake_network([]))
    pad.strokes = SEVEN
    assert len(pad.probabilities) == 10 and pad.message == ""
    pad.strokes = strokes
    assert pad.message.startswith(message), pad.message
    assert pad.probabilities == [] and pad.pixels == []
    pad.strokes = SEVEN  # a readable drawing again: the bars come back, the message goes
    assert len(pad.probabilities) == 10 and pad.message == ""


def test_pad_answers_every_stroke_even_when_the_reply_repeats():
    pad = DrawingPad(fake_network([]))
    pad.strokes = [[(-50, 100), (-20, 200)]]
    first = pad.answered
    pad.strokes = [[(-50, 100), (-20, 200)], [(-60, 10), (-70, 20)]]  # the same message again
    assert pad.answered == first + 1, "the page waits on `answered` to replace 'thinking...'"


def test_pad_front_end_shows_the_message_and_listens_for_every_reply():
    source = (REPO_ROOT / "viz" / "drawing.js").read_text()
    assert (
        'model.get("message")' in source
        and '"change:message"' in source
        and '"change:answered"' in source
    )


# ---- stroke files ----

GOOD = {"label": 7, "canvas": 280, "strokes": [[[60, 50], [220, 55], [130, 230]]]}

BAD_FILES = {
    "malformed JSON": ('{"label": 7, "strokes": [[[60, 50]', "not valid JSON (Expecting "),
    "empty file": ("", "not valid JSON (Expecting value at line 1, column 1)"),
    "a list": (
        "[[[60, 50], [220, 55]]]",
        'expected a JSON object {"label": ..., "strokes": ...}, got [[[60, 50], ',
    ),
    "missing label": (json.dumps({"strokes": GOOD["strokes"]}), 'no "label" (keys: strokes)'),
    "missing strokes": (json.dumps({"label": 7}), 'no "strokes" (keys: label)'),
    "label 10": (json.dumps({**GOOD, "label": 10}), '"label" must be a whole number 0-9, got 10'),
    "label -1": (json.dumps({**GOOD, "label": -1}), '"label" must be a whole number 0-9, got -1'),
    "label text": (
        json.dumps({**GOOD, "label": "7"}),
        "\"label\" must be a whole number 0-9, got '7'",
    ),
    "label float": (
        json.dumps({**GOOD, "label": 7.0}),
        '"label" must be a whole number 0-9, got 7.0',
    ),
    "label bool": (
        json.dumps({**GOOD, "label": True}),
        '"label" must be a whole number 0-9, got True',
    ),
    "label null": (
        json.dumps({**GOOD, "label": None}),
        '"label" must be a whole number 0-9, got None',
    ),
    "other canvas": (
        json.dumps({**GOOD, "canvas": 500}),
        "drawn on a canvas of 500 px; the pad is 280 px",
    ),
    "NaN in strokes": (
        '{"label": 7, "strokes": [[[60, 50], [NaN, 55]]]}',
        "strokes: stroke 0, point 1: expected finite numbers, got [nan, 55]",
    ),
    "3-value point": (
        json.dumps({**GOOD, "strokes": [[[60, 50, 1]]]}),
        "strokes: stroke 0, point 0: expected [x, y] numbers, got [60, 50, 1]",
    ),
    "no strokes": (
        json.dumps({**GOOD, "strokes": []}),
        "strokes: nothing drawn: draw a digit on the pad",
    ),
    "a tap": (
        json.dumps({**GOOD, "strokes": [[[140, 140]]]}),
        "strokes: too small to read: the drawing spans 0 px",
    ),
}


@pytest.mark.parametrize("text, reason", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_stroke_file_is_named_with_what_is_wrong(tmp_path, text, reason):
    path = tmp_path / "bad.json"
    path.write_text(text)
    for load in (load_drawing, load_strokes):
        with pytest.raises(StrokeFileError) as caught:
            load(path)
        assert str(caught.value).startswith(f"{path}: {reason}"), str(caught.value)
        assert caught.value.reason.startswith(reason) and caught.value.path == path
        assert isinstance(caught.value, ValueError) and "\n" not in str(caught.value)


def test_unreadable_stroke_files_are_named(tmp_path):
    binary = tmp_path / "photo.json"
    binary.write_bytes(b"\xff\xd8\xff\xe0 not text")
    with pytest.raises(StrokeFileError, match=r"photo.json: not a text file \(not UTF-8\)"):
        load_drawing(binary)
    with pytest.raises(
        StrokeFileError, match=r"missing.json: cannot be read \(No such file or directory\)"
    ):
        load_drawing(tmp_path / "missing.json")


def test_a_good_stroke_file_loads_its_label_and_strokes(tmp_path):
    path = tmp_path / "seven.json"
    path.write_text(json.dumps(GOOD))
    assert load_drawing(path) == ([[(60.0, 50.0), (220.0, 55.0), (130.0, 230.0)]], 7)
    assert load_strokes(path) == load_drawing(path).strokes
    path.write_text(
        json.dumps({"label": 0, "strokes": GOOD["strokes"]})
    )  # "canvas" may be left out
    assert load_drawing(path).label == 0


def test_a_folder_with_one_bad_file_loads_the_others_and_names_the_bad_one(tmp_path, capsys):
    for name in ("four", "seven", "zero"):
        (tmp_path / f"{name}.json").write_text((HANDWRITING / f"{name}.json").read_text())
    (tmp_path / "broken.json").write_text('{"label": 3, "strokes": [[[1, 2]')
    (tmp_path / "unlabelled.json").write_text(json.dumps({"strokes": GOOD["strokes"]}))
    (tmp_path / "notes.txt").write_text("not a stroke file, not looked at")
    drawings, labels, skipped = load_drawings(tmp_path)
    assert list(drawings) == ["four", "seven", "zero"] and labels == {
        "four": 4,
        "seven": 7,
        "zero": 0,
    }
    assert skipped == [
        "broken.json: not valid JSON (Expecting ',' delimiter at line 1, column 33)",
        'unlabelled.json: no "label" (keys: strokes)',
    ]
    assert capsys.readouterr().out.splitlines() == [f"skipped {line}" for line in skipped]


def test_the_course_stroke_files_all_load(capsys):
    drawings, labels, skipped = load_drawings(HANDWRITING)
    assert skipped == [] and capsys.readouterr().out == ""
    assert sorted(labels.values()) == [0, 2, 3, 4, 6, 7, 9] and set(drawings) == set(labels)


def test_a_missing_folder_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere: no such folder of stroke files"):
        load_drawings(tmp_path / "nowhere")
