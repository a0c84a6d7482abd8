"""Figures of predictions (viz.evaluation) draw what they are given (Agg backend, no window)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from viz.evaluation import plot_confusion_matrix, plot_prediction, plot_projections  # noqa: E402


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


def test_confusion_matrix_labels_every_nonzero_cell():
    cm = np.array([[50, 2, 0], [1, 40, 0], [0, 3, 60]])
    fig = plot_confusion_matrix(cm, "CNN")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "predicted digit" and ax.get_ylabel() == "true digit"
    assert sorted(t.get_text() for t in ax.texts) == sorted(["50", "2", "1", "40", "3", "60"])


def test_projections_one_panel_per_method():
    points = np.random.default_rng(0).normal(size=(30, 2))
    fig = plot_projections({"PCA": points, "t-SNE": points}, np.arange(30) % 10, "2-D")
    assert [ax.get_title() for ax in fig.axes] == ["PCA", "t-SNE"]
    assert len(fig.axes[0].collections) == 10


def test_percent_never_rounds_to_100_or_0_unless_it_is():
    from viz.evaluation import percent

    assert percent(0.82) == "82.0%" and percent(1.0) == "100.0%" and percent(0.0) == "0.0%"
    assert percent(0.99991) == "99.99%" and percent(0.9999991) == "99.9999%"
    assert percent(0.0004) == "0.04%" and percent(0.996, 0) == "99.6%"
    probs = torch.zeros(10)
    probs[3], probs[5] = 0.99991, 0.00009
    assert plot_prediction(torch.zeros(1, 28, 28), probs).axes[1].get_title() == (
        "predicted: 3 (99.99% sure)"
    )
