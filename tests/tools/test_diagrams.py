"""The diagram script draws each figure from the numbers it is given (no data needed)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from script_loader import load_script
from torch import nn

from helpers.models import LeNet5


@pytest.fixture(scope="module")
def diagrams():
    return load_script("scripts/make_diagrams.py")  # it switches matplotlib to Agg


@pytest.fixture
def digit() -> np.ndarray:
    """A fake 28x28 'digit': a diagonal stroke of bright pixels."""
    image = np.zeros((28, 28), dtype=np.uint8)
    for i in range(4, 24):
        image[i, i - 1 : i + 2] = 250
    return image


def test_conv2d_valid_matches_torch(diagrams, digit):
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


def test_lenet_diagram_names_every_layer_of_the_course_model_in_order(diagrams):
    model = LeNet5()
    fig = diagrams.draw_lenet(model)
    texts = [t.get_text() for t in fig.axes[0].texts]
    # Each arrow's text holds one line per layer, starting with the layer's attribute name.
    drawn = [
        line.split(":")[0]
        for text in texts
        for line in text.splitlines()
        if any(line.split(":")[0] == name for name, _ in model.named_children())
    ]
    assert drawn == [name for name, _ in model.named_children()]
    assert "bn1: BatchNorm" in " ".join(texts) and "bn2: BatchNorm" in " ".join(texts)
    plt.close(fig)


def test_lenet_diagram_shapes_come_from_a_forward_pass(diagrams):
    class Wider(nn.Module):  # another network: the diagram follows it, not a typed-in LeNet
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 8, kernel_size=3, padding=1)
            self.relu1 = nn.ReLU()
            self.pool1 = nn.MaxPool2d(2)
            self.flatten = nn.Flatten()
            self.fc1 = nn.Linear(8 * 14 * 14, 10)

        def forward(self, x):
            return self.fc1(self.flatten(self.pool1(self.relu1(self.conv1(x)))))

    stages = diagrams.lenet_stages(Wider())
    assert [s.lines for s in stages] == [
        ["conv1: conv 3x3, pad 1", "relu1: ReLU"],
        ["pool1: max-pool 2x2"],
        ["flatten"],
        ["fc1: linear"],
    ]
    assert [s.shape for s in stages] == [(8, 28, 28), (8, 14, 14), (1568,), (10,)]
    fig = diagrams.draw_lenet(Wider())
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"8x28x28", "8x14x14", "1568", "10"} <= texts
    plt.close(fig)
    assert torch.is_grad_enabled()
