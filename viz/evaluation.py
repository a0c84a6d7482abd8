"""Figures of predictions: one image's probabilities, the confusion matrix, mistakes, 2-D maps."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from helpers.data import denormalize


def percent(p: float, decimals: int = 1) -> str:
    """p as a percentage, with more decimals where rounding would show 0% or 100% for 0 < p < 1."""
    p = float(p)
    for places in range(decimals, 9):
        text = f"{100 * p:.{places}f}"
        if not 0 < p < 1 or 0 < float(text) < 100:
            return text + "%"
    return ">99.999999%" if p > 0.5 else "<0.000001%"


def plot_prediction(
    image: torch.Tensor,
    probabilities: torch.Tensor,
    label: int | None = None,
    normalized: bool = True,
) -> Figure:
    """A digit beside a bar chart of its predicted probabilities, the prediction highlighted."""
    pixels = denormalize(image) if normalized else image
    probs = probabilities.detach().cpu().flatten()
    predicted = int(probs.argmax())
    fig, (img_ax, bar_ax) = plt.subplots(
        1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [1, 2.2]}
    )
    img_ax.imshow(pixels.squeeze().cpu().numpy(), cmap="gray_r")
    img_ax.set_title("the image" if label is None else f"the image (true label: {label})")
    img_ax.axis("off")
    colours = ["C2" if d == predicted else "C0" for d in range(len(probs))]
    bars = bar_ax.bar(range(len(probs)), 100 * probs.numpy(), color=colours)
    bar_ax.bar_label(
        bars, labels=[percent(p)[:-1] if p >= 0.005 else "" for p in probs.tolist()], fontsize=11
    )
    bar_ax.set(
        title=f"predicted: {predicted} ({percent(probs[predicted])} sure)",
        xlabel="digit",
        ylabel="probability (%)",
        ylim=(0, 110),
        xticks=range(len(probs)),
    )
    bar_ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(cm: np.ndarray, title: str) -> Figure:
    """A large labelled heatmap of counts: mistakes in reds, the diagonal (correct) in grey."""
    cm, n = np.asarray(cm), len(cm)
    off = np.where(np.eye(n, dtype=bool), np.nan, cm).astype(float)
    off[off == 0] = np.nan  # empty cells stay white
    fig, ax = plt.subplots(figsize=(11, 9.5))
    ax.imshow(np.where(np.eye(n, dtype=bool), 1.0, np.nan), cmap="Greys", vmin=0, vmax=4)
    top = np.nanmax(off) if np.isfinite(off).any() else 1
    image = ax.imshow(off, cmap="Reds", norm=LogNorm(vmin=1, vmax=max(top, 2)))
    for t in range(n):
        for p in range(n):
            if cm[t, p]:
                dark = t != p and cm[t, p] > np.sqrt(top)
                ax.text(
                    p,
                    t,
                    f"{cm[t, p]:,}",
                    ha="center",
                    va="center",
                    fontsize=12,
                    fontweight="bold" if t == p else "normal",
                    color="white" if dark else "black",
                )
    ax.set(
        xticks=range(n), yticks=range(n), xlabel="predicted digit", ylabel="true digit", title=title
    )
    ax.set_xticks(np.arange(n + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(n + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="both", length=0)
    bar = fig.colorbar(image, ax=ax, shrink=0.8, label="mistakes (off the diagonal, log scale)")
    ticks = [t for t in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000) if t <= max(top, 2)]
    bar.set_ticks(ticks, labels=[str(t) for t in ticks])
    bar.minorticks_off()
    fig.tight_layout()
    return fig


def mistake_titles(
    true: Sequence[int], pred: Sequence[int], confidence: Sequence[float]
) -> list[str]:
    """Titles like "true 4 → pred 9 (87%)"; a confidence below 1 never reads 100%."""
    return [
        f"true {int(t)} → pred {int(p)} ({percent(c, 0)})"
        for t, p, c in zip(true, pred, confidence)
    ]


def plot_projections(
    panels: dict[str, np.ndarray], labels: Sequence[int] | torch.Tensor, title: str, ncols: int = 2
) -> Figure:
    """Scatter plots of 2-D points coloured by digit, each digit's label at its median point."""
    labels = np.asarray(labels)
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(7 * ncols, 6.4 * nrows), squeeze=False)
    for ax, (name, points) in zip(axes.flat, panels.items()):
        size = 4 if len(points) > 3000 else 12
        for digit in range(10):
            mine = points[labels == digit]
            if len(mine) == 0:
                continue
            ax.scatter(
                mine[:, 0],
                mine[:, 1],
                s=size,
                color=f"C{digit}",
                alpha=0.6,
                label=str(digit),
                linewidths=0,
            )
            x, y = np.median(mine, axis=0)
            ax.text(
                x,
                y,
                str(digit),
                fontsize=20,
                fontweight="bold",
                ha="center",
                va="center",
                color="black",
                bbox={
                    "boxstyle": "circle,pad=0.2",
                    "facecolor": f"C{digit}",
                    "alpha": 0.75,
                    "linewidth": 0,
                },
            )
        ax.set(title=name, xticks=[], yticks=[])
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, names, title="digit", loc="center right", markerscale=3, frameon=False)
    fig.suptitle(title, fontsize=16)
    fig.tight_layout(rect=(0, 0, 0.93, 1))
    return fig
