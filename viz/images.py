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
) -> Figure:
    """Single-channel images ([N, 1, H, W] or [N, H, W]) in `ncols` columns, optional titles.

    `normalized` images are shown on the scale 0 to 1 after undoing the normalisation; `vmin` and
    `vmax` set one colour scale for all panels, and `colorbar` (its label) draws it beside them.
    """
    pixels = (
        (denormalize(images) if normalized else images)
        .detach()
        .cpu()
        .reshape(len(images), *images.shape[-2:])
    )
    nrows = -(-len(pixels) // ncols)
    width = min(2.35, 13.0 / ncols)  # at most 13 inches (a 1280-pixel slide), however many columns
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(width * ncols, (width + 0.25) * nrows + (0.8 if suptitle else 0)),
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
    rows: dict[str, torch.Tensor], title: str, inputs: Sequence[torch.Tensor | None] | None = None
) -> Figure:
    """One row per entry of `rows` ([C, H, W] maps, one per column), each with its colour scale;
    `inputs` adds a first column with each row's input image (None leaves it blank).
    """
    offset = 1 if inputs is not None else 0
    ncols = max(len(m) for m in rows.values()) + offset
    cell = min(1.6, 17.0 / ncols)
    fig, axes = plt.subplots(
        len(rows), ncols, figsize=(cell * ncols + 1.6, cell * len(rows) + 1.0), squeeze=False
    )
    for r, (name, maps) in enumerate(rows.items()):
        maps = maps.detach().cpu()
        low, high = float(maps.min()), float(maps.max())
        # signed values: blue-white-red centred on 0; non-negative ones: magma
        limit = max(-low, high, 1e-6)
        style = (
            {"cmap": "RdBu_r", "norm": TwoSlopeNorm(0, -limit, limit)}
            if low < 0
            else {"cmap": "magma", "vmin": 0, "vmax": limit}
        )
        for c in range(ncols):
            ax = axes[r, c]
            ax.set(xticks=[], yticks=[])
            ax.spines[:].set_visible(False)
            if inputs is not None and c == 0:
                if inputs[r] is None:
                    continue
                ax.imshow(denormalize(inputs[r]).squeeze(0).numpy(), cmap="gray_r", vmin=0, vmax=1)
            elif c - offset < len(maps):
                ax.imshow(maps[c - offset].numpy(), **style)
                if r == 0 or len(rows[list(rows)[r - 1]]) != len(maps):
                    ax.set_title(f"ch {c - offset}", fontsize=11)
        label = f"{name}\n" + "×".join(str(size) for size in maps.shape)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=13)
    if inputs is not None and inputs[0] is not None:
        axes[0, 0].set_title("input", fontsize=11)
    fig.suptitle(title, fontsize=16)
    fig.tight_layout()
    return fig
