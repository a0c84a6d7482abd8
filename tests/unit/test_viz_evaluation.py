"""Figures of predictions (viz.evaluation) draw what they are given (Agg backend, no window)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from viz.evaluation import (  # noqa: E402
    plot_confusion_matrices,
    plot_confusion_matrix,
    plot_prediction,
    plot_projections,
)


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


def test_confusion_matrix_counts_fit_their_cells():
    cm = np.full((10, 10), 1)
    np.fill_diagonal(cm, 1134)
    fig = plot_confusion_matrices({"ANN": cm, "CNN": cm}, "two")
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    (x0, _), (x1, _) = ax.transData.transform([(0, 0), (1, 1)])
    widest = max(t.get_window_extent(renderer).width for t in ax.texts)
    assert widest < abs(x1 - x0)
    assert fig.get_size_inches()[0] <= 12.8


def test_confusion_matrices_share_one_colour_scale():
    small = np.array([[50, 2], [1, 40]])
    large = np.array([[50, 20], [9, 40]])
    fig = plot_confusion_matrices({"ANN": large, "CNN": small}, "two")
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 1
    norms = [ax.images[-1].norm for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(norms) == 2 and norms[0] is norms[1] and norms[0].vmax == 20
    assert [ax.get_title() for ax in fig.axes[:2]] == ["ANN", "CNN"]


def test_projections_one_panel_per_method():
    points = np.random.default_rng(0).normal(size=(30, 2))
    fig = plot_projections({"PCA": points, "t-SNE": points}, np.arange(30) % 10, "2-D")
    assert [ax.get_title() for ax in fig.axes] == ["PCA", "t-SNE"]
    assert len(fig.axes[0].collections) == 10
    assert fig.get_size_inches()[0] <= 12.8  # two panels fit a 1280-pixel slide
    fig = plot_projections(
        {"PCA": points}, np.arange(30) % 10, "2-D", ncols=1, axis_labels=("a", "b")
    )
    assert (fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()) == ("a", "b")
    assert len(fig.axes[0].texts) == 10  # one label per digit, at its median


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
