"""Figures of images (viz.images) draw what they are given (Agg backend, no window)."""

import matplotlib

matplotlib.use("Agg")

import torch  # noqa: E402

from viz.evaluation import mistake_titles  # noqa: E402
from viz.images import plot_feature_maps, plot_filters, show_digits, show_image_grid  # noqa: E402


def test_image_grid_shows_each_label_under_its_image():
    fig = show_image_grid(torch.zeros(15, 1, 28, 28), torch.arange(15) % 10, nrow=12)
    ax = fig.axes[0]
    texts = ax.texts
    assert [t.get_text() for t in texts] == [str(i % 10) for i in range(15)]
    height = ax.images[0].get_array().shape[0]
    assert height == 2 + 2 * (30 + 14)  # two rows of images, a label strip under each
    for i, t in enumerate(texts):
        r, c = divmod(i, 12)
        x, y = t.get_position()
        assert 2 + 30 * c <= x <= 2 + 30 * c + 27  # under its own image's columns
        top = 2 + r * 44  # its row's first pixel
        assert top + 28 <= y <= top + 44  # below the image, above the next row
    assert not ax.get_title()


def test_show_digits_draws_one_titled_panel_per_image():
    fig = show_digits(
        torch.rand(7, 1, 28, 28), [f"digit {i}" for i in range(7)], ncols=4, suptitle="seven digits"
    )
    assert len(fig.axes) == 8  # 2 rows x 4 columns, the last panel left empty
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 7 and shown[6].get_title() == "digit 6"
    assert fig._suptitle.get_text() == "seven digits"


def test_show_digits_can_share_one_colour_scale_with_a_colour_bar():
    images = torch.stack([torch.full((28, 28), 0.2), torch.full((28, 28), 0.6)])
    fig = show_digits(images, ncols=2, vmin=0, vmax=0.8, colorbar="share")
    panels = [ax for ax in fig.axes if ax.images]
    assert all(ax.images[0].get_clim() == (0, 0.8) for ax in panels)
    assert len(fig.axes) == 3 and fig.axes[-1].get_ylabel() == "share"  # the colour bar


def test_show_digits_accepts_images_without_a_channel_axis():
    fig = show_digits(torch.zeros(3, 28, 28), ncols=3)
    assert all(ax.images[0].get_array().shape == (28, 28) for ax in fig.axes)


def test_mistake_titles_and_grid():
    titles = mistake_titles([4, 7, 2], [9, 1, 3], [0.874, 0.5, 0.998])
    assert titles == [
        "true 4 → pred 9\n(87% sure)",
        "true 7 → pred 1\n(50% sure)",
        "true 2 → pred 3\n(99.8% sure)",  # never rounded up to 100%
    ]
    titles = titles[:2]
    fig = show_digits(
        torch.zeros(2, 1, 28, 28), titles, ncols=6, suptitle="Mistakes", normalized=True
    )
    assert [
        ax.get_title() for ax in fig.axes[:2]
    ] == titles and fig._suptitle.get_text() == "Mistakes"


def test_filters_one_panel_each():
    fig = plot_filters(torch.randn(6, 1, 5, 5), "conv1")
    assert [ax.get_title() for ax in fig.axes[:6]] == [f"filter {i}" for i in range(6)]


def test_feature_maps_grid_rows_and_input_column():
    rows = {"conv1": torch.randn(6, 28, 28), "pool2": torch.rand(16, 5, 5)}
    fig = plot_feature_maps(rows, "maps", inputs=[torch.zeros(1, 28, 28)] * 2)
    # 16 channels wrap into 2 lines of 8: 3 lines of 1 + 8 panels, and one colour bar per row
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(fig.axes) == 3 * 9 + 2 and len(bars) == 2
    assert fig.axes[0].get_ylabel() == "conv1\n6×28×28"
    assert fig.axes[0].get_title() == "input"
    assert fig.get_size_inches()[0] <= 12.8  # fits a 1280-pixel slide at the course's 100 dpi


def test_feature_maps_shared_scale_has_one_colour_bar():
    rows = {"a": torch.rand(16, 5, 5), "b": 3 * torch.rand(16, 5, 5)}
    fig = plot_feature_maps(rows, "maps", per_line=16, shared_scale=True)
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 1
    limits = {im.get_clim() for ax in fig.axes for im in ax.images}
    assert len(limits) == 1  # every map on the same scale
    assert fig.get_size_inches()[0] <= 12.8
