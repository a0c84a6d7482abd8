"""Plots added for notebooks 03 and 04 draw what they are given (Agg backend, no window)."""

import matplotlib

matplotlib.use("Agg")

import torch  # noqa: E402

from helpers.plots import plot_prediction  # noqa: E402


def test_prediction_plot_highlights_the_predicted_digit():
    probs = torch.full((10,), 0.02)
    probs[6] = 0.82
    fig = plot_prediction(torch.zeros(1, 28, 28), probs, label=6)
    img_ax, bar_ax = fig.axes
    assert img_ax.get_title() == "the image (true label: 6)"
    assert bar_ax.get_title() == "predicted: 6 (82.0% sure)"
    heights = [patch.get_height() for patch in bar_ax.patches]
    assert len(heights) == 10 and abs(heights[6] - 82.0) < 1e-4
    assert bar_ax.patches[6].get_facecolor() != bar_ax.patches[0].get_facecolor()
