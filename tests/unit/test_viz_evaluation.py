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
