"""The plots added for notebooks 01 and 02 draw what they are given (Agg backend, no window)."""

import matplotlib

matplotlib.use("Agg")

import torch  # noqa: E402

from helpers.plots import show_digits  # noqa: E402


def test_show_digits_draws_one_titled_panel_per_image():
    fig = show_digits(torch.rand(7, 1, 28, 28), [f"digit {i}" for i in range(7)], ncols=4, suptitle="seven digits")
    assert len(fig.axes) == 8  # 2 rows x 4 columns, the last panel left empty
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 7 and shown[6].get_title() == "digit 6"
    assert fig._suptitle.get_text() == "seven digits"


def test_show_digits_accepts_images_without_a_channel_axis():
    fig = show_digits(torch.zeros(3, 28, 28), ncols=3)
    assert all(ax.images[0].get_array().shape == (28, 28) for ax in fig.axes)
