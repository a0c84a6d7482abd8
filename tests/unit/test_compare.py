"""helpers.compare: medians and ranges per setting; a difference claimed only beyond the spread."""

import pytest

from helpers.compare import beats, compare


def test_non_overlapping_ranges_are_beyond_the_spread():
    result = compare({"adam": [0.98, 0.97, 0.985], "sgd": [0.90, 0.92, 0.91]})
    assert result.best == "adam" and result.beyond_spread("sgd")
    text = str(result)
    assert "adam vs sgd: beyond the spread" in text
    assert "median 98.00%" in text and "range 97.00% to 98.50%" in text and "(3 runs)" in text


def test_overlapping_ranges_are_within_noise():
    result = compare({"dropout 0.5": [0.960, 0.955, 0.962], "dropout 0.2": [0.958, 0.961, 0.950]})
    assert not result.beyond_spread("dropout 0.2")
    assert "within noise on this run" in str(result)


def test_lower_is_better_for_timings():
    result = compare(
        {"batch 128": [4.1, 4.3, 4.0], "batch 10": [15.0, 17.2, 16.1]},
        higher_is_better=False,
        fmt="{:.1f} s",
    )
    assert result.best == "batch 128" and result.beyond_spread("batch 10")
    assert "median 4.1 s" in str(result)


def test_three_settings_each_judged_against_the_best():
    result = compare({"a": [3, 4], "b": [1, 2], "c": [3.5, 5]}, fmt="{:.1f}")
    assert result.best == "c"
    assert result.beyond_spread("b") and not result.beyond_spread("a")


def test_one_run_is_no_comparison():
    with pytest.raises(ValueError, match="at least two runs"):
        compare({"a": [1.0], "b": [2.0, 3.0]})
    with pytest.raises(ValueError, match="two or more settings"):
        compare({"a": [1.0, 2.0]})


def test_beats_means_every_run_above_every_other():
    assert beats([0.98, 0.99], [0.95, 0.97])
    assert not beats([0.98, 0.99], [0.95, 0.985])  # overlapping ranges: within noise
