"""Notebook 06 (intermediate activations): the exercises' checks, hints and solutions."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from exercises.checking import Exercise, Wrong, ____, call

__all__ = ["____", "ex1", "ex2", "ex3"]


def _letter(answer: Any, options: dict[str, str]) -> str:
    """The multiple-choice letter the student wrote, or `Wrong` saying how to write one."""
    letter = answer.strip().strip("().").lower() if isinstance(answer, str) else None
    if letter not in options:
        letters = ", ".join(f'"{k}"' for k in options)
        raise Wrong(f"for `answer`, write one of {letters} (in quotes); you wrote {answer!r}")
    return letter


def _conv(in_channels: int, out_channels: int, k: int, seed: int) -> nn.Conv2d:
    """A convolution with seeded random weights, built by the checker."""
    with torch.random.fork_rng(devices=[]):  # the notebook's random state stays as it was
        torch.manual_seed(seed)
        return nn.Conv2d(in_channels, out_channels, k, bias=False)


EX1_OPTIONS = {
    "a": "yes, just as clearly: each slice is an edge detector on the image's pixels",
    "b": "less clearly: each slice weighs a map of pool1 (where one kind of edge is), so it "
    "looks for an arrangement of edges, not a pattern of pixels",
    "c": "no: conv2's weights stay random; only the first layer learns",
}
EX1_WRONG = {
    "a": "conv2 never sees pixels: its input is pool1's six maps of edges",
    "c": "every layer is trained by the same backpropagation; conv2's weights learn too",
}


def _check_input_slices(input_slices: Any, answer: Any) -> str:
    """Exercise 1: `input_slices(conv, channel)` = conv.weight[:, channel]; what a slice means."""
    if not callable(input_slices):
        raise Wrong(f"input_slices should be a function; you gave {type(input_slices).__name__}")
    conv = _conv(6, 16, 5, seed=0)
    weight = conv.weight.detach()
    result = call(input_slices, conv, 2)
    if not isinstance(result, torch.Tensor):
        raise Wrong(f"input_slices returned {type(result).__name__}; return a tensor")
    shape = tuple(result.shape)
    if shape == (6, 5, 5) and torch.equal(result.detach(), weight[2]):
        raise Wrong(
            "that is filter 2 (its 6 slices, one per input map): you want every filter's slice "
            "for input channel 2, weight[:, channel]"
        )
    if shape == (16, 1, 5, 5):
        raise Wrong("shape (16, 1, 5, 5): index the channel with one number, so that it is dropped")
    if shape != (16, 5, 5):
        raise Wrong(
            f"for a Conv2d(6, 16, 5) your slices have shape {shape}; "
            "one 5x5 slice per filter gives (16, 5, 5)"
        )
    if not torch.equal(result.detach(), weight[:, 2]):
        raise Wrong("shape (16, 5, 5), but not the weights that read input channel 2")
    other = _conv(3, 4, 3, seed=1)
    again = call(input_slices, other, 0)
    if not isinstance(again, torch.Tensor) or not torch.equal(again.detach(), other.weight[:, 0]):
        raise Wrong("right for conv2, but not for a Conv2d(3, 4, 3): use conv's own weight")
    if result.requires_grad:
        raise Wrong("the slices still track gradients: .detach() them before drawing")
    letter = _letter(answer, EX1_OPTIONS)
    if letter != "b":
        raise Wrong(f"input_slices is right, but not ({letter}): {EX1_WRONG[letter]}")
    return "draw them with plot_feature_maps, as the statement shows."


ex1 = Exercise(
    "ex1",
    _check_input_slices,
    hints=[
        "conv.weight has shape [out_channels, in_channels, k, k]: first the filter, then the "
        "input map it reads.",
        "Keep every filter (`:`) and pick the input channel: conv.weight[:, channel]; "
        "then .detach() it, so it can be drawn.",
        "For the question: what does conv2 read? Not the image: pool1's maps, each marking "
        "where one filter of conv1 (mostly an edge detector) fired.",
    ],
    solution="""
        def input_slices(conv, channel):
            return conv.weight[:, channel].detach()    # [out_channels, k, k]

        answer = "b"
    """,
    why="conv.weight[f, c] is the 5x5 grid filter f lays over input map c; keeping all filters "
    "and one input channel gives the 16 grids that read pool1's channel 0. They are harder to "
    "read than conv1's filters because their input is not ink but maps of edges: a slice says "
    "where, around a point, that kind of edge should (red) or should not (blue) be.",
    answer_names=("input_slices", "answer"),
)


class _TwoStages(nn.Module):
    """A small network with named stages, as LeNet5 has them."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = _conv(1, 3, 3, seed=2)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(3 * 2 * 2, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.flatten(self.pool1(self.relu1(self.conv1(x)))))


def _hooks_left(model: nn.Module) -> int:
    return sum(len(m._forward_hooks) for m in model.modules())


def _check_shift_and_hook(shift_right: Any, stage_output: Any) -> str:
    """Exercise 2: `shift_right(images, pixels)`, `stage_output(model, name, images)` (a hook)."""
    for name, fn in (("shift_right", shift_right), ("stage_output", stage_output)):
        if not callable(fn):
            raise Wrong(f"{name} should be a function; you gave {type(fn).__name__}")
    images = torch.arange(2 * 6 * 8, dtype=torch.float32).reshape(2, 1, 6, 8)
    moved = call(shift_right, images, 3)
    if not isinstance(moved, torch.Tensor) or tuple(moved.shape) != (2, 1, 6, 8):
        raise Wrong(
            f"shift_right on images of shape (2, 1, 6, 8) returned {type(moved).__name__} "
            f"{tuple(getattr(moved, 'shape', ()))}; it should keep the shape"
        )
    if torch.equal(moved, torch.roll(images, 3, dims=-2)):
        raise Wrong("your images moved down: dims=-2 is the height; the width is dims=-1")
    if torch.equal(moved, torch.roll(images, -3, dims=-1)):
        raise Wrong("your images moved left: a positive shift moves them right")
    if torch.equal(moved, torch.roll(images, 3)):
        raise Wrong("without dims, torch.roll shifts the flattened tensor: give dims=-1")
    if not torch.equal(moved, torch.roll(images, 3, dims=-1)):
        raise Wrong("shift_right(images, 3) did not move each image 3 pixels to the right")

    model = _TwoStages()  # in training mode, as a freshly built model is
    x = torch.randn(2, 1, 6, 6, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        expected = {"relu1": model.relu1(model.conv1(x))}
        expected["pool1"] = model.pool1(expected["relu1"])
    for stage in ("relu1", "pool1"):
        found = call(stage_output, model, stage, x)
        left = _hooks_left(model)
        if left:
            raise Wrong(
                f"after stage_output(model, {stage!r}, images) {left} hook(s) are still attached: "
                "call handle.remove() (in a `finally:`), or every later forward pass records too"
            )
        if not isinstance(found, torch.Tensor):
            raise Wrong(f"stage_output returned {type(found).__name__}; return the stage's tensor")
        if tuple(found.shape) == (2, 10):
            raise Wrong(
                "stage_output returned the network's output (2, 10): return what the hook "
                "stored, the stage's output"
            )
        if tuple(found.shape) != tuple(expected[stage].shape):
            raise Wrong(
                f"stage_output(model, {stage!r}, images) gave shape {tuple(found.shape)}; "
                f"model.{stage} outputs {tuple(expected[stage].shape)}: hook the layer named "
                "`name` (getattr(model, name))"
            )
        if not torch.allclose(found.detach(), expected[stage], atol=1e-6):
            raise Wrong(
                f"stage_output(model, {stage!r}, images) has the right shape but not the values "
                f"of model.{stage}'s output: hook the layer named `name` (getattr(model, name))"
            )
        if model.training:
            raise Wrong(
                "the values are right, but the model is still in training mode: call "
                "model.eval() first, as section 3 does (LeNet-5's BatchNorm then uses the "
                "statistics stored in training, not those of the images you pass)"
            )
        model.train()  # the next stage starts in training mode again
    return (
        "a convolution applies the same filter at every position, so shifting the input should "
        "shift the maps (equivariance); now look, as the statement shows."
    )


ex2 = Exercise(
    "ex2",
    _check_shift_and_hook,
    hints=[
        "shift_right: torch.roll(images, shifts=pixels, dims=-1); the last dimension is the "
        "width. stage_output: section 3's cell does this for eight stages; you need one.",
        "In stage_output, the hook stores `output` (e.g. in a dict or a list); "
        "handle = getattr(model, name).register_forward_hook(hook); call model.eval(), run "
        "model(images) under torch.no_grad(); return what the hook stored.",
        "Remove the hook whatever happens: put handle.remove() in the `finally:` of a "
        "try/finally around the forward pass.",
    ],
    solution="""
        def shift_right(images, pixels):
            return torch.roll(images, shifts=pixels, dims=-1)    # the last dimension: width

        def stage_output(model, name, images):
            stored = {}
            def hook(module, inputs, output):
                stored["output"] = output.detach()
            handle = getattr(model, name).register_forward_hook(hook)
            model.eval()                                 # BatchNorm: the stored statistics
            try:
                with torch.no_grad():
                    model(images.to(next(model.parameters()).device))
            finally:
                handle.remove()                      # no hook left behind
            return stored["output"]
    """,
    why="torch.roll moves every pixel `pixels` columns to the right (those that fall off the "
    "edge come back on the left: blank paper for a centred digit). A forward hook sees each "
    "call's output; removing it in `finally` keeps the model clean even if the forward pass "
    "fails, and eval() makes BatchNorm use the statistics stored in training. A convolution "
    "applies the same filter at every position, so the relu1 maps of the shifted digit are the "
    "original maps shifted by the same 4 pixels, apart from the frame at the border "
    "(equivariance); the fully connected layers weigh each position with its own weights, so "
    "the prediction may change.",
    answer_names=("shift_right", "stage_output"),
)


def _blobs() -> tuple[torch.Tensor, torch.Tensor]:
    """Three tight clusters of 12 points (labels 0, 1, 2), plus two strays inside cluster 0."""
    g = torch.Generator().manual_seed(4)
    centres = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    points = torch.cat([c + 0.5 * torch.randn(12, 2, generator=g) for c in centres])
    labels = torch.arange(3).repeat_interleave(12)
    strays = torch.tensor([[0.1, 0.1], [-0.1, 0.0]])
    return torch.cat([points, strays]), torch.cat([labels, torch.tensor([1, 2])])


def reference_agreement(points: torch.Tensor, labels: torch.Tensor, k: int) -> float:
    """The share of points whose k nearest other points mostly carry the point's own label."""
    distances = torch.cdist(points, points)
    distances.fill_diagonal_(float("inf"))  # a point is not its own neighbour
    nearest = distances.topk(k, largest=False).indices
    return (labels[nearest].mode(dim=1).values == labels).float().mean().item()


EX3_OPTIONS = {
    "a": "a small perplexity gives many small, tight clumps (a digit may break into several); "
    "a large one gives fewer, larger, smoother clusters",
    "b": "the perplexity is the number of clusters t-SNE draws",
    "c": "the perplexity changes only the running time; the picture stays the same",
}
EX3_WRONG = {
    "b": "t-SNE has no number of clusters; perplexity is roughly how many neighbours each point "
    "tries to keep close",
    "c": "the perplexity changes which neighbours count, so the picture changes too",
}


def _check_agreement(neighbour_agreement: Any, answer: Any) -> str:
    """Exercise 3: `neighbour_agreement(points, labels, k)` on built clusters; perplexity."""
    if not callable(neighbour_agreement):
        raise Wrong(
            "neighbour_agreement should be a function; "
            f"you gave {type(neighbour_agreement).__name__}"
        )
    points, labels = _blobs()
    for k in (5, 1):
        expected = reference_agreement(points, labels, k)
        got = call(neighbour_agreement, points.numpy(), labels, k)
        if isinstance(got, torch.Tensor) and got.numel() == 1 or isinstance(got, np.generic):
            got = got.item()
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            raise Wrong(
                f"neighbour_agreement returned {type(got).__name__}; return one number, a share"
            )
        if abs(got - expected * len(labels)) < 1e-6:
            raise Wrong(
                f"neighbour_agreement gave {got:g}, a count: divide by the number of points"
            )
        if abs(got - 1.0) < 1e-6:
            raise Wrong(
                f"with k={k} every point agrees with its neighbours: each point is its own nearest "
                "neighbour; leave it out (ask for k + 1 neighbours and drop the first)"
            )
        if abs(got - expected) > 1e-6:
            raise Wrong(
                f"on three clusters of 12 points with 2 strays in one of them, "
                f"neighbour_agreement(points, labels, {k}) gave {got:.3f}, expected {expected:.3f}"
            )
    letter = _letter(answer, EX3_OPTIONS)
    if letter != "a":
        raise Wrong(f"neighbour_agreement is right, but not ({letter}): {EX3_WRONG[letter]}")
    return "now measure both pictures, as the statement shows."


ex3 = Exercise(
    "ex3",
    _check_agreement,
    hints=[
        "sklearn's NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(points) gives "
        "each point's nearest points; the first is the point itself.",
        "Drop column 0 (the point itself), look up the labels of the others, and take the most "
        "common one per row: torch.as_tensor(labels)[idx].mode(dim=1).values.",
        "The share is (majority == labels).mean(). For the question: perplexity is roughly the "
        "number of neighbours each point tries to keep close.",
    ],
    solution="""
        def neighbour_agreement(points, labels, k=10):
            _, idx = NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(points)
            labels = torch.as_tensor(labels)
            neighbours = torch.as_tensor(idx[:, 1:])            # drop the point itself
            majority = labels[neighbours].mode(dim=1).values
            return (majority == labels).float().mean().item()

        answer = "a"
    """,
    why="Each point's k nearest other points vote; the share of points whose vote matches their "
    "own digit measures how well a 2-D picture keeps the digits apart, a number to compare "
    "pictures by rather than an impression. With perplexity 5 each point cares about few "
    "neighbours, so t-SNE tends to form many small clumps; with 50 it balances more neighbours "
    "and the clusters tend to grow larger and smoother (Wattenberg, Viégas and Johnson, 'How to "
    "Use t-SNE Effectively', Distill 2016, show this on many data sets). One seed shows one "
    "picture: measure both perplexities over three seeds with helpers.compare before calling "
    "either better; when the ranges overlap, the difference is within noise.",
    answer_names=("neighbour_agreement", "answer"),
)
