"""The diagram script draws each figure from the numbers it is given (no data needed)."""

import importlib.util
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "make_diagrams.py"


@pytest.fixture(scope="module")
def diagrams():
    spec = importlib.util.spec_from_file_location("make_diagrams", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def digit() -> np.ndarray:
    """A fake 28x28 'digit': a diagonal stroke of bright pixels."""
    image = np.zeros((28, 28), dtype=np.uint8)
    for i in range(4, 24):
        image[i, i - 1 : i + 2] = 250
    return image


def test_conv2d_valid_matches_torch(diagrams, digit):
    import torch
    import torch.nn.functional as F

    kernel = diagrams.EDGE_KERNEL
    ours = diagrams.conv2d_valid(digit[8:15, 8:15], kernel)
    theirs = F.conv2d(
        torch.tensor(digit[8:15, 8:15], dtype=torch.float32)[None, None],
        torch.tensor(kernel, dtype=torch.float32)[None, None],
    )[0, 0]
    assert ours.shape == (5, 5)
    assert np.array_equal(ours, theirs.numpy().astype(np.int64))


@pytest.mark.parametrize("name", ["flattening", "convolution", "pooling", "lenet"])
def test_each_diagram_draws_a_titled_figure(diagrams, digit, name):
    fig = diagrams.DIAGRAMS[name](digit)
    assert fig._suptitle is not None and fig._suptitle.get_text()
    assert fig.axes
    fig.canvas.draw()  # renders without error
    plt.close(fig)


def test_pooling_shows_max_and_mean(diagrams):
    fig = diagrams.draw_pooling(np.array([[1, 3, 2, 0], [4, 6, 1, 1], [0, 2, 5, 7], [1, 1, 3, 8]]))
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"6", "8", "3.5", "5.75"} <= texts
    plt.close(fig)


def test_flattening_names_the_positions(diagrams, digit):
    fig = diagrams.draw_flattening(digit, pixel=(14, 14))
    texts = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "position 406" in texts and "378" in texts and "434" in texts
    plt.close(fig)
