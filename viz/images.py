"""Figures of images: digits, grids, learned filters and feature maps."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from torchvision.utils import make_grid

from helpers.data import denormalize

# Large type so figures read from the back of a classroom.
COURSE_STYLE = {
    "figure.dpi": 100,
    "font.size": 13,
    "axes.titlesize": 15,
    "axes.labelsize": 13,
    "legend.fontsize": 12,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
}


def use_course_style() -> None:
    """Apply the course's figure style (large fonts) to every following plot."""
    plt.rcParams.update(COURSE_STYLE)


def show_image_grid(
    images: torch.Tensor,
    labels: torch.Tensor | None = None,
    nrow: int = 12,
    normalized: bool = True,
) -> Figure:
    """One make_grid picture of a batch (at most 8 rows), each image's label printed under it."""
    pixels = denormalize(images) if normalized else images
    pixels = pixels[: 8 * nrow].detach().cpu()
    grid = make_grid(pixels, nrow=nrow, padding=2, pad_value=1.0)
    size, pad = pixels.shape[-1], 2
    step = size + pad  # from one image's top (or left) edge to the next one's
    band = 14 if labels is not None else 0  # blank strip under each row of images for its labels
    nrows = -(-len(pixels) // nrow)
    pieces = [grid[:, :pad]]
    for r in range(nrows):
        pieces.append(grid[:, pad + r * step : pad + (r + 1) * step])
        pieces.append(torch.ones(3, band, grid.shape[-1]))
    picture = torch.cat(pieces, dim=1)
    height, width = picture.shape[1:]
    scale = min(14, 1.1 * nrow) / width  # inches per pixel
    fig, ax = plt.subplots(figsize=(width * scale, height * scale + 0.3))
    ax.imshow(picture.permute(1, 2, 0).numpy(), cmap="gray")
    ax.axis("off")
    if labels is not None:
        for i, value in enumerate(labels[: len(pixels)].tolist()):
            r, c = divmod(i, nrow)
            x = pad + c * step + (size - 1) / 2
            y = pad + r * (step + band) + step + (band - 1) / 2  # the middle of its strip
            ax.text(x, y, str(int(value)), ha="center", va="center", fontsize=13)
    fig.tight_layout(pad=0.2)
    return fig


def show_digits(
    images: torch.Tensor,
    titles: Sequence[str] | None = None,
    ncols: int = 5,
    cmap: str = "gray_r",
    suptitle: str | None = None,
    normalized: bool = False,
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar: str | None = None,
    width: float = 13.0,
) -> Figure:
    """Single-channel images ([N, 1, H, W] or [N, H, W]) in `ncols` columns, optional titles.

    `normalized` images are shown on the scale 0 to 1 after undoing the normalisation; `vmin` and
    `vmax` set one colour scale for all panels, and `colorbar` (its label) draws it beside them.
    The figure is at most `width` inches wide (13: a 1280-pixel slide).
    """
    pixels = (
        (denormalize(images) if normalized else images)
        .detach()
        .cpu()
        .reshape(len(images), *images.shape[-2:])
    )
    nrows = -(-len(pixels) // ncols)
    panel = min(2.35, width / ncols)  # at most `width` inches wide, however many columns
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(panel * ncols, (panel + 0.25) * nrows + (0.8 if suptitle else 0)),
        squeeze=False,
    )
    scale = {"vmin": 0, "vmax": 1} if normalized else {}
    scale.update({k: v for k, v in (("vmin", vmin), ("vmax", vmax)) if v is not None})
    shown = None
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(pixels):
            shown = ax.imshow(pixels[i].numpy(), cmap=cmap, **scale)
            if titles is not None:
                ax.set_title(titles[i], fontsize=13)
    if suptitle:
        fig.suptitle(suptitle, fontsize=16)
    fig.tight_layout()
    if colorbar is not None and shown is not None:
        fig.colorbar(shown, ax=list(axes.flat), fraction=0.02, pad=0.01, label=colorbar)
    return fig


def plot_filters(weight: torch.Tensor, title: str) -> Figure:
    """Each filter of a first conv layer ([C, 1, k, k]) as an image; blue negative, red positive."""
    weight = weight.detach().cpu()[:, 0]
    limit = float(weight.abs().max())
    fig, axes = plt.subplots(1, len(weight), figsize=(2.3 * len(weight) + 1.2, 3.1))
    for i, (ax, w) in enumerate(zip(np.atleast_1d(axes), weight)):
        image = ax.imshow(w.numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set(title=f"filter {i}", xticks=[], yticks=[])
    fig.colorbar(image, ax=list(np.atleast_1d(axes)), shrink=0.85, label="weight")
    fig.suptitle(title, fontsize=16)
    return fig


def plot_feature_maps(
    rows: dict[str, torch.Tensor],
    title: str,
    inputs: Sequence[torch.Tensor | None] | None = None,
    per_line: int = 8,
    shared_scale: bool = False,
) -> Figure:
    """One block per entry of `rows` ([C, H, W] maps, `per_line` channels per line), each with its
    colour scale and colour bar (`shared_scale`: one scale and one bar for all); `inputs` adds a
    first column with each block's input image (None leaves it blank). At most 12.8 inches wide.
    """
    blocks = {name: maps.detach().cpu() for name, maps in rows.items()}
    offset = 1 if inputs is not None else 0
    widest = min(per_line, max(len(m) for m in blocks.values()))
    ncols = widest + offset
    lines = [-(-len(m) // per_line) for m in blocks.values()]
    wrapped = any(n > 1 for n in lines)
    cell = min(1.1, 10.0 / ncols)
    fig, axes = plt.subplots(
        sum(lines),
        ncols,
        figsize=(cell * ncols + 2.5, (cell + (0.25 if wrapped else 0.1)) * sum(lines) + 1.0),
        squeeze=False,
        layout="constrained",
    )
    for ax in axes.flat:
        ax.set(xticks=[], yticks=[])
        ax.spines[:].set_visible(False)

    def style(maps: torch.Tensor) -> dict:
        # signed values: blue-white-red centred on 0; non-negative ones: magma from 0
        low, high = float(maps.min()), float(maps.max())
        limit = max(-low, high, 1e-6)
        if low < 0:
            return {"cmap": "RdBu_r", "norm": TwoSlopeNorm(0, -limit, limit)}
        return {"cmap": "magma", "vmin": 0, "vmax": limit}

    common = style(torch.cat([m.flatten() for m in blocks.values()])) if shared_scale else None
    first, previous = 0, None
    for b, ((name, maps), n) in enumerate(zip(blocks.items(), lines)):
        look = common or style(maps)
        mine = axes[first : first + n]
        for c in range(len(maps)):
            ax = mine[c // per_line, offset + c % per_line]
            image = ax.imshow(maps[c].numpy(), **look)
            if wrapped or previous != len(maps):
                ax.set_title(f"ch {c}", fontsize=10 if wrapped else 11)
        if inputs is not None and inputs[b] is not None:
            mine[0, 0].imshow(
                denormalize(inputs[b]).squeeze(0).numpy(), cmap="gray_r", vmin=0, vmax=1
            )
            if b == 0:
                mine[0, 0].set_title("input", fontsize=11)
        for ax in mine[:, offset:].flat[len(maps) :]:
            ax.axis("off")
        label = f"{name}\n" + "×".join(str(size) for size in maps.shape)
        mine[0, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=13)
        if not shared_scale:
            fig.colorbar(image, ax=list(mine[:, offset:].flat), shrink=0.9, aspect=8 * n, pad=0.02)
        first, previous = first + n, len(maps)
    if shared_scale:
        fig.colorbar(image, ax=list(axes[:, offset:].flat), shrink=0.8, label="value", pad=0.02)
    fig.suptitle(title, fontsize=15)
    return fig
