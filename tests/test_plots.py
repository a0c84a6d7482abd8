"""Plots draw what they are given (Agg backend, no window)."""

import matplotlib

matplotlib.use("Agg")

import torch  # noqa: E402

from helpers.plots import plot_history, show_image_grid  # noqa: E402

H = {"train_loss": [1.0, 0.5], "train_acc": [0.7, 0.9], "test_loss": [0.9, 0.6], "test_acc": [0.75, 0.88], "seconds": [1, 1]}


def test_image_grid_shows_labels():
    fig = show_image_grid(torch.zeros(12, 1, 28, 28), torch.arange(12) % 10, nrow=12)
    title = fig.axes[0].get_title()
    assert title.startswith("labels: 0  1  2") and title.endswith("0  1")


def test_history_plot_has_train_and_test_curves_per_run():
    fig = plot_history({"ANN": H, "CNN": H})
    loss_ax, acc_ax = fig.axes
    assert len(loss_ax.lines) == 4 and len(acc_ax.lines) == 4
    assert list(acc_ax.lines[1].get_ydata()) == [75.0, 88.0]
    assert [t.get_text() for t in acc_ax.get_legend().get_texts()][:2] == ["ANN train", "ANN test"]


def test_course_style_enlarges_fonts():
    import matplotlib.pyplot as plt

    from helpers.plots import use_course_style

    use_course_style()
    assert plt.rcParams["font.size"] >= 13 and plt.rcParams["axes.titlesize"] >= 15
