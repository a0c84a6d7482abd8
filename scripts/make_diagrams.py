"""Draw the course's diagrams (matplotlib) into images/, from real MNIST pixels where it helps.

    uv run python scripts/make_diagrams.py            # all diagrams
    uv run python scripts/make_diagrams.py flattening # only some of them

Each draw_* function returns a matplotlib Figure and takes its numbers as arguments, so it
can be tested without the data. The digit is training image 0 (a 5), as in notebook 01;
notebook 03 recomputes the convolution example below with numpy and F.conv2d.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import ConnectionPatch, FancyArrowPatch, Rectangle
from torch import nn

from course_tools.notebooks import IMAGES, ROOT
from helpers.models import LeNet5

matplotlib.use("Agg")  # files only, no window (switching after pyplot's import is fine)

DIGIT_INDEX = 0  # training image 0, a 5
# The convolution example: a 7x7 crop of that digit (rows 12-18, columns 12-18: a diagonal stroke)
CROP_TOP, CROP_LEFT, CROP_SIZE = 12, 12, 7
# A vertical-edge kernel: large where pixels get brighter from left to right
EDGE_KERNEL = np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]])
# The output position computed by hand in the diagram (row, column)
CONV_OUTPUT_AT = (1, 1)
# The flattening example: a pixel on the digit's stroke (row, column)
FLAT_PIXEL = (14, 14)

BLUE, ORANGE, GREEN, RED, PURPLE, GREY = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#7f7f7f",
)


def load_digit(index: int = DIGIT_INDEX) -> np.ndarray:
    """A 28x28 uint8 MNIST training image (pixel values 0-255), via the course's data loader."""
    from helpers import load_mnist

    return load_mnist(train=True).data[index].numpy()


def conv2d_valid(image: np.ndarray, kernel: np.ndarray, stride: int = 1) -> np.ndarray:
    """Cross-correlation without padding (what nn.Conv2d computes), by explicit loops."""
    k = kernel.shape[0]
    n_out = (image.shape[0] - k) // stride + 1
    out = np.zeros((n_out, n_out), dtype=np.int64)
    for i in range(n_out):
        for j in range(n_out):
            window = image[i * stride : i * stride + k, j * stride : j * stride + k].astype(
                np.int64
            )
            out[i, j] = int((window * kernel).sum())
    return out


def _number_grid(
    ax,
    values: np.ndarray,
    x0: float,
    y0: float,
    cmap: str = "Greys",
    vmin=0,
    vmax=255,
    fontsize: float = 12,
    fmt: str = "{:d}",
    facecolors=None,
) -> None:
    """Draw a grid of numbered cells with its top-left corner at (x0, y0), one unit per cell (y
    grows down).
    """
    norm = plt.Normalize(vmin, vmax)
    colormap = plt.get_cmap(cmap)
    rows, cols = values.shape
    for r in range(rows):
        for c in range(cols):
            v = values[r, c]
            face = facecolors[r][c] if facecolors is not None else colormap(norm(v))
            ax.add_patch(
                Rectangle(
                    (x0 + c, y0 + r), 1, 1, facecolor=face, edgecolor="#999999", linewidth=0.8
                )
            )
            shade = norm(v) if facecolors is None else 0.0
            text_colour = "white" if (cmap == "Greys" and shade > 0.55) else "black"
            ax.text(
                x0 + c + 0.5,
                y0 + r + 0.5,
                fmt.format(v),
                ha="center",
                va="center",
                fontsize=fontsize,
                color=text_colour,
            )


def _outline(
    ax, x: float, y: float, w: float, h: float, colour: str, lw: float = 3.5, **kw
) -> None:
    ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor=colour, linewidth=lw, **kw))


def _blank_axes(
    fig: Figure, xlim: tuple[float, float], ylim: tuple[float, float], rect=(0, 0, 1, 1)
):
    """An axes without frame in grid units, y pointing down, equal aspect."""
    ax = fig.add_axes(rect)
    ax.set_xlim(*xlim)
    ax.set_ylim(ylim[1], ylim[0])
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_flattening(digit: np.ndarray, pixel: tuple[int, int] = FLAT_PIXEL) -> Figure:
    """A 28x28 digit unrolled row by row into 784 numbers: a pixel's neighbours above and below end
    up 28 apart.
    """
    r, c = pixel
    n = digit.shape[0]
    idx = r * n + c
    neighbours = {  # name: (row, column, colour)
        "above": (r - 1, c, BLUE),
        "left": (r, c - 1, ORANGE),
        "right": (r, c + 1, ORANGE),
        "below": (r + 1, c, GREEN),
    }
    fig = plt.figure(figsize=(16, 8.3))
    fig.suptitle(
        "Flattening: a 28x28 image becomes a vector of 784 numbers, row after row",
        fontsize=19,
        y=0.98,
    )

    # Left: the image with the chosen pixel and its four neighbours.
    img_ax = fig.add_axes((0.02, 0.42, 0.36, 0.49))
    img_ax.imshow(digit, cmap="gray_r", vmin=0, vmax=255)
    img_ax.set_title(f"the image (28 x 28), pixel (row {r}, col {c})", fontsize=14)
    img_ax.set_xticks(range(0, n, 7))
    img_ax.set_yticks(range(0, n, 7))
    img_ax.set_xlabel("column")
    img_ax.set_ylabel("row")
    # Outlines inset a little, so touching neighbours do not hide each other.
    _outline(img_ax, c - 0.4, r - 0.4, 0.8, 0.8, RED, lw=3)
    for rr, cc, colour in neighbours.values():
        _outline(img_ax, cc - 0.4, rr - 0.4, 0.8, 0.8, colour, lw=3)

    # Right: the rule, in words.
    text_ax = fig.add_axes((0.40, 0.42, 0.58, 0.48))
    text_ax.axis("off")
    lines = [
        ("pixel (row, col)  ->  position  row x 28 + col", "black"),
        (f"the pixel ({r}, {c})  ->  position {idx}", RED),
        (f"left and right neighbours  ->  {idx - 1} and {idx + 1}:  still next to it", ORANGE),
        (f"neighbour above  ->  {idx - n}:  28 positions away", BLUE),
        (f"neighbour below  ->  {idx + n}:  28 positions away", GREEN),
        ("", "black"),
        ("A fully connected layer sees 784 separate inputs:", "black"),
        ("which ones were neighbours in the picture is lost.", "black"),
    ]
    for i, (line, colour) in enumerate(lines):
        text_ax.text(
            0.0,
            0.95 - i * 0.12,
            line,
            fontsize=16,
            color=colour,
            transform=text_ax.transAxes,
            fontweight="bold" if colour != "black" else "normal",
            va="top",
        )

    # Middle: a zoomed stretch of the vector around the pixel, cell by cell.
    half = 32
    lo, hi = idx - half, idx + half + 1
    flat = digit.reshape(-1)
    zoom_ax = fig.add_axes((0.02, 0.19, 0.96, 0.11))
    zoom_ax.imshow(
        flat[lo:hi][None, :],
        cmap="gray_r",
        vmin=0,
        vmax=255,
        aspect="auto",
        extent=(lo - 0.5, hi - 0.5, 0.5, -0.5),
    )
    for x in range(lo, hi + 1):
        zoom_ax.axvline(x - 0.5, color="#bbbbbb", linewidth=0.6)
    marks = {idx: RED, idx - 1: ORANGE, idx + 1: ORANGE, idx - n: BLUE, idx + n: GREEN}
    for pos, colour in marks.items():
        zoom_ax.add_patch(
            Rectangle((pos - 0.42, -0.45), 0.84, 0.9, fill=False, edgecolor=colour, linewidth=3.5)
        )
    for row_start in range((lo // n + 1) * n, hi, n):
        zoom_ax.axvline(row_start - 0.5, color=PURPLE, linewidth=3)
        zoom_ax.text(
            row_start - 0.3,
            -0.6,
            f"row {row_start // n} starts",
            fontsize=12,
            va="bottom",
            color=PURPLE,
        )
    zoom_ax.set_xticks([idx - n, idx, idx + n])
    for label, colour in zip(zoom_ax.get_xticklabels(), (BLUE, RED, GREEN)):
        label.set_color(colour)
        label.set_fontweight("bold")
    zoom_ax.set_yticks([])
    zoom_ax.set_xlim(lo - 0.5, hi - 0.5)
    zoom_ax.set_title(
        f"zoom: positions {lo} to {hi - 1} of the vector (one cell per pixel)", fontsize=14, pad=22
    )

    # Bottom: the whole vector, with the row boundaries.
    full_ax = fig.add_axes((0.02, 0.08, 0.96, 0.05))
    full_ax.imshow(
        flat[None, :],
        cmap="gray_r",
        vmin=0,
        vmax=255,
        aspect="auto",
        extent=(-0.5, n * n - 0.5, 0.5, -0.5),
    )
    full_ax.set_xticks(range(0, n * n + 1, 112))
    full_ax.set_yticks([])
    full_ax.set_xlabel(
        "the whole vector: 784 numbers; each dark band is one image row's piece of the stroke",
        fontsize=14,
    )
    full_ax.add_patch(
        Rectangle((lo - 0.5, -0.5), hi - lo, 1, fill=False, edgecolor=PURPLE, linewidth=2.5)
    )
    for x_full, x_zoom in ((lo - 0.5, lo - 0.5), (hi - 0.5, hi - 0.5)):
        fig.add_artist(
            ConnectionPatch(
                (x_full, -0.5),
                (x_zoom, 0.5),
                "data",
                "data",
                axesA=full_ax,
                axesB=zoom_ax,
                color=PURPLE,
                linewidth=1.5,
                linestyle="--",
            )
        )
    return fig


def draw_convolution(
    digit: np.ndarray, kernel: np.ndarray = EDGE_KERNEL, at: tuple[int, int] = CONV_OUTPUT_AT
) -> Figure:
    """A 3x3 kernel over a 7x7 crop of real pixels: one output value worked out, and the output-size
    formula.
    """
    crop = digit[CROP_TOP : CROP_TOP + CROP_SIZE, CROP_LEFT : CROP_LEFT + CROP_SIZE].astype(
        np.int64
    )
    out = conv2d_valid(crop, kernel)
    k, n, n_out = kernel.shape[0], crop.shape[0], out.shape[0]
    i, j = at
    window = crop[i : i + k, j : j + k]

    fig = plt.figure(figsize=(16, 8))
    fig.suptitle(
        "Convolution: a 3x3 kernel slides over the image; each position gives one output number",
        fontsize=19,
        y=0.98,
    )
    ax = _blank_axes(fig, (-0.5, 24.5), (-1.6, 11.4), rect=(0.01, 0.02, 0.98, 0.88))

    # input crop, with the kernel's first position (dashed) and the position worked out (red)
    _number_grid(ax, crop, 0, 0, fontsize=13)
    ax.text(
        n / 2,
        -0.4,
        f"input: 7x7 pixels (0-255)\nrows {CROP_TOP}-{CROP_TOP + n - 1}, cols "
        f"{CROP_LEFT}-{CROP_LEFT + n - 1} of a real 5",
        ha="center",
        va="bottom",
        fontsize=14,
    )
    _outline(ax, 0.06, 0.06, k - 0.12, k - 0.12, GREY, lw=2.5, linestyle="--")
    _outline(ax, j, i, k, k, RED, lw=4)
    ax.text(
        0,
        n + 0.25,
        "dashed: the kernel's first position; red: the position worked out below",
        fontsize=12.5,
        va="top",
        color=GREY,
    )

    # kernel
    kx = n + 1.5
    kernel_colours = [
        [("#f4a6a6" if v < 0 else "#a6c8f4" if v > 0 else "#eeeeee") for v in row] for row in kernel
    ]
    _number_grid(ax, kernel, kx, 2, fontsize=15, facecolors=kernel_colours)
    ax.text(
        kx + k / 2,
        2 + k + 0.3,
        "kernel (3x3):\nits weights are\nlearned in training",
        ha="center",
        va="top",
        fontsize=14,
    )
    ax.text(kx - 0.75, 3.5, "\u2217", ha="center", va="center", fontsize=30)  # the convolution star
    ax.text(kx + k + 0.75, 3.5, "=", ha="center", va="center", fontsize=30)

    # output map
    ox = kx + k + 1.5
    oy = 1
    faces = [["#fde0dd" if (r, c) == at else "white" for c in range(n_out)] for r in range(n_out)]
    _number_grid(ax, out, ox, oy, fontsize=13, facecolors=faces)
    _outline(ax, ox + j, oy + i, 1, 1, RED, lw=4)
    ax.text(
        ox + n_out / 2,
        oy - 0.4,
        f"output: {n_out}x{n_out} feature map",
        ha="center",
        va="bottom",
        fontsize=14,
    )
    ax.add_patch(
        FancyArrowPatch(
            (j + k - 0.2, i),
            (ox + j + 0.3, oy + i),
            connectionstyle="arc3,rad=-0.3",
            arrowstyle="-|>",
            mutation_scale=25,
            color=RED,
            linewidth=2,
        )
    )

    # the arithmetic for the highlighted output
    terms = [
        f"({kernel[r, c]:+d})\u00b7{window[r, c]}"
        for r in range(k)
        for c in range(k)
        if kernel[r, c] != 0
    ]
    y = n + 1.3
    ax.text(
        0, y, "one output value = sum of (kernel weight x pixel under it):", fontsize=15, va="top"
    )
    ax.text(
        0,
        y + 1.0,
        " + ".join(terms) + f"  =  {out[i, j]}",
        fontsize=15,
        va="top",
        color=RED,
        fontweight="bold",
    )
    ax.text(
        0,
        y + 2.1,
        "(the zero weights drop out; nn.Conv2d also adds a learned bias, 0 here)",
        fontsize=13,
        va="top",
        color=GREY,
    )
    ax.text(
        ox + n_out + 0.8,
        oy + 0.4,
        "Output size\n\nout = \u230a(n + 2p \u2212 k) / s\u230b + 1\n\n"
        f"n = {n} (input), k = {k} (kernel)\np = 0 (padding), s = 1 (stride)\n\n"
        f"out = (7 + 0 \u2212 3) / 1 + 1 = {n_out}",
        fontsize=14,
        va="top",
        bbox=dict(boxstyle="round,pad=0.6", facecolor="#f3f3f3", edgecolor="#999999"),
    )
    return fig


def draw_pooling(values: np.ndarray | None = None) -> Figure:
    """2x2 max and average pooling (stride 2) on a 4x4 example: each coloured window becomes one
    number.
    """
    if values is None:
        values = np.array([[1, 3, 2, 0], [4, 6, 1, 1], [0, 2, 5, 7], [1, 1, 3, 8]])
    colours = [["#a6c8f4", "#f9c38c"], ["#b5e3a8", "#d9c2ec"]]
    faces = [[colours[r // 2][c // 2] for c in range(4)] for r in range(4)]
    blocks = values.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(2, 2, 4)
    max_out, mean_out = blocks.max(axis=2), blocks.mean(axis=2)
    small_faces = colours

    fig = plt.figure(figsize=(14, 7))
    fig.suptitle(
        "Pooling: each 2x2 window (stride 2) becomes one number, so 4x4 becomes 2x2",
        fontsize=19,
        y=0.98,
    )
    ax = _blank_axes(fig, (-0.3, 15.0), (-0.6, 7.6), rect=(0.01, 0.02, 0.98, 0.88))
    _number_grid(ax, values, 0, 0.8, fontsize=20, facecolors=faces)
    for r in (0, 2):
        for c in (0, 2):
            _outline(ax, c, 0.8 + r, 2, 2, "black", lw=3)
    ax.text(2, 0.5, "input: 4x4 feature map", ha="center", va="bottom", fontsize=15)

    b = blocks[0, 0]
    for y0, result, name, detail in (
        (
            -0.3,
            max_out,
            "max pooling: nn.MaxPool2d(2)",
            f"keeps the strongest response\nblue window: max({', '.join(map(str, b))}) = {b.max()}",
        ),
        (
            3.4,
            mean_out,
            "average pooling: nn.AvgPool2d(2)",
            "keeps the mean of the window\n"
            f"blue window: ({' + '.join(map(str, b))}) / 4 = {b.mean():g}",
        ),
    ):
        fmt = "{:d}" if result.dtype.kind in "iu" else "{:g}"
        _number_grid(ax, result, 7.0, y0 + 0.6, fontsize=20, facecolors=small_faces, fmt=fmt)
        ax.text(9.4, y0 + 0.9, name, ha="left", va="top", fontsize=16, fontweight="bold")
        ax.text(
            9.4,
            y0 + 1.7,
            detail,
            ha="left",
            va="top",
            fontsize=14,
            color="#444444",
            linespacing=1.5,
        )
        ax.add_patch(
            FancyArrowPatch(
                (4.3, 2.8),
                (6.8, y0 + 1.6),
                arrowstyle="-|>",
                mutation_scale=22,
                color=GREY,
                linewidth=2,
            )
        )
    ax.text(
        0,
        6.6,
        "Pooling has no weights to learn. It shrinks each feature map "
        "(fewer numbers for the next layer)\n"
        "and makes the network less sensitive to small shifts of the digit.",
        fontsize=14,
        va="top",
    )
    return fig


@dataclass
class Stage:
    """One arrow of the LeNet diagram: the layers it stands for and the shape they produce."""

    lines: list[str]  # one per layer: its attribute name on the model, and what it does
    shape: tuple[int, ...]  # the output of the last layer, for one image


def describe_layer(name: str, layer: nn.Module) -> str:
    """`name: what it does`, e.g. 'conv1: conv 5x5, pad 2' (the name alone when it says it all)."""
    if isinstance(layer, nn.Conv2d):
        padding = f", pad {layer.padding[0]}" if layer.padding[0] else ""
        return f"{name}: conv {layer.kernel_size[0]}x{layer.kernel_size[1]}{padding}"
    if isinstance(layer, nn.MaxPool2d):
        return f"{name}: max-pool {layer.kernel_size}x{layer.kernel_size}"
    kinds = {
        nn.BatchNorm2d: "BatchNorm",
        nn.ReLU: "ReLU",
        nn.Linear: "linear",
        nn.Dropout: "dropout",
    }
    kind = next(
        (text for cls, text in kinds.items() if isinstance(layer, cls)), type(layer).__name__
    )
    return name if kind.lower() == name else f"{name}: {kind}"


def lenet_stages(model: nn.Module) -> list[Stage]:
    """The model's named layers in the order a forward pass calls them, grouped into arrows.

    A layer that changes the shape (convolution, pooling, flatten, linear) starts an arrow; the
    layers that keep it (BatchNorm, ReLU, dropout) join the arrow before them.
    """
    names = {layer: name for name, layer in model.named_children()}
    calls: list[tuple[str, nn.Module, tuple[int, ...]]] = []
    hooks = [
        layer.register_forward_hook(
            lambda layer, inputs, output: calls.append(
                (names[layer], layer, tuple(output.shape[1:]))
            )
        )
        for layer in names
    ]
    try:
        with torch.no_grad():
            model.eval()(torch.zeros(1, 1, 28, 28))
    finally:
        for hook in hooks:
            hook.remove()
    keeps_shape = (nn.BatchNorm2d, nn.ReLU, nn.Dropout)
    stages: list[Stage] = []
    for name, layer, shape in calls:
        if stages and isinstance(layer, keeps_shape):
            stages[-1].lines.append(describe_layer(name, layer))
            stages[-1].shape = shape
        else:
            stages.append(Stage([describe_layer(name, layer)], shape))
    return stages


def draw_lenet(model: nn.Module | None = None) -> Figure:
    """The course's LeNet5 drawn from the model: arrows name its layers, blocks show shapes."""
    stages = lenet_stages(model if model is not None else LeNet5())
    conv_c, pool_c, fc_c, out_c = "#a6c8f4", "#b5e3a8", "#f9c38c", "#f4a6a6"
    fontsize = 12.5
    char_w = 0.23  # the width of one character of the arrows' text, in the axes' units

    def gap(stage: Stage) -> float:
        return max(1.8, 0.7 + char_w * max(len(line) for line in stage.lines))

    def block_width(shape: tuple[int, ...]) -> float:
        return 0.55 if len(shape) == 1 else shape[-1] * 0.15 + (min(shape[0], 6) - 1) * 0.22

    width = 0.6 + block_width((1, 28, 28)) + sum(gap(s) + block_width(s.shape) for s in stages)
    width += 3.0  # the words after the last block
    fig = plt.figure(figsize=(width * 0.42, 4.9))
    fig.suptitle(
        "LeNet-5 as built in this course (helpers.models.LeNet5): each arrow names the model's "
        "layers, each block is their output (channels x height x width)",
        fontsize=16,
        y=0.98,
    )
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.86))
    ax.set_xlim(0, width)
    ax.set_ylim(-5.4, 3.3)
    ax.set_aspect("equal")
    ax.axis("off")

    def label(x: float, y: float, text: str) -> None:
        ax.text(x, y, text, ha="center", va="top", fontsize=15, fontweight="bold")

    def stack(x: float, shape: tuple[int, ...], colour: str) -> float:
        """Offset squares (at most 6 shown) for a C x H x W block; return the right edge."""
        size, shown, step = shape[-1] * 0.15, min(shape[0], 6), 0.22
        for d in range(shown):
            off = d * step
            ax.add_patch(
                Rectangle(
                    (x + off, -size / 2 + off), size, size, facecolor=colour, edgecolor="black"
                )
            )
        right = x + (shown - 1) * step + size
        label((x + right) / 2, -size / 2 - 0.5, "x".join(str(n) for n in shape))
        return right

    def vector(x: float, length: int, colour: str) -> float:
        height = 1.2 + 4.0 * (length / 400) ** 0.5
        ax.add_patch(Rectangle((x, -height / 2), 0.55, height, facecolor=colour, edgecolor="black"))
        label(x + 0.275, -height / 2 - 0.5, str(length))
        return x + 0.55

    def arrow(x0: float, x1: float, lines: list[str], colour: str) -> None:
        ax.add_patch(
            FancyArrowPatch(
                (x0 + 0.15, 0),
                (x1 - 0.15, 0),
                arrowstyle="-|>",
                mutation_scale=20,
                color=colour,
                linewidth=2,
            )
        )
        text = "\n".join(lines)
        ax.text((x0 + x1) / 2, 0.6, text, ha="center", va="bottom", fontsize=fontsize, color=colour)

    x = 0.3
    right = stack(x, (1, 28, 28), "#dddddd")
    ax.text((x + right) / 2, 2.6, "input image", ha="center", fontsize=13)
    first_linear = conv_end = None
    for i, stage in enumerate(stages):
        kind = stage.lines[0].split(":")[-1].strip()
        colour = {"flatten": GREY}.get(stage.lines[0], BLUE if "conv" in kind else GREEN)
        if "linear" in kind:
            colour = ORANGE
        x = right + gap(stage)
        arrow(right, x, stage.lines, colour)
        if len(stage.shape) == 3:
            right = stack(x, stage.shape, conv_c if "conv" in kind else pool_c)
            conv_end = right
        else:
            if first_linear is None and "linear" in kind:
                first_linear = right - 0.55
            last = i == len(stages) - 1
            right = vector(
                x, stage.shape[0], out_c if last else ("#eeeeee" if colour == GREY else fc_c)
            )
    ax.text(
        right + 0.3, 0, "scores\n(logits)\nfor the\ndigits 0-9", ha="left", va="center", fontsize=13
    )
    for x0, x1, colour, text in (
        (0.3, conv_end, BLUE, "convolutions find local patterns, pooling halves the size"),
        (first_linear, right, ORANGE, "fully connected layers: 400 numbers -> 10 scores"),
    ):
        ax.plot([x0, x0, x1, x1], [-4.3, -4.6, -4.6, -4.3], color=colour, linewidth=2)
        ax.text((x0 + x1) / 2, -4.85, text, ha="center", va="top", fontsize=13.5, color=colour)
    return fig


DIAGRAMS = {
    "flattening": lambda digit: draw_flattening(digit),
    "convolution": lambda digit: draw_convolution(digit),
    "pooling": lambda digit: draw_pooling(),
    "lenet": lambda digit: draw_lenet(),
}


def main(names: list[str]) -> None:
    IMAGES.mkdir(exist_ok=True)
    plt.rcParams.update({"font.family": "DejaVu Sans"})
    digit = load_digit() if set(names) & {"flattening", "convolution"} else None
    for name in names:
        fig = DIAGRAMS[name](digit)
        path = IMAGES / f"{name}.png"
        fig.savefig(path, dpi=100, facecolor="white")
        plt.close(fig)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    chosen = sys.argv[1:] or list(DIAGRAMS)
    unknown = sorted(set(chosen) - set(DIAGRAMS))
    if unknown:
        sys.exit(f"unknown diagram(s) {unknown}; choose from {sorted(DIAGRAMS)}")
    main(chosen)
