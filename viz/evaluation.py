"""Figures of predictions: one image's probabilities, the confusion matrix, mistakes, 2-D maps."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import patheffects
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


def _fit_texts(fig: Figure, texts: Sequence, width: float, height: float) -> None:
    """Shrink the font of `texts` (all alike) until each fits a cell `width` x `height` pixels."""
    renderer = fig.canvas.get_renderer()
    for text in texts:
        box = text.get_window_extent(renderer)
        scale = min(0.9 * width / max(box.width, 1), 0.8 * height / max(box.height, 1))
        if scale < 1:
            for other in texts:
                other.set_fontsize(other.get_fontsize() * scale)


def plot_confusion_matrices(
    matrices: dict[str, np.ndarray], title: str, size: tuple[float, float] | None = None
) -> Figure:
    """Confusion matrices side by side on one colour scale: mistakes in reds (log scale, one
    colour bar for all panels), the diagonal (correct) in grey, every non-zero count written in
    its cell in a font that fits the cell.
    """
    mats = [np.asarray(m) for m in matrices.values()]
    n = len(mats[0])
    eye = np.eye(n, dtype=bool)
    offs = []
    for cm in mats:
        off = np.where(eye, np.nan, cm).astype(float)
        off[off == 0] = np.nan  # empty cells stay white
        offs.append(off)
    finite = [o[np.isfinite(o)] for o in offs]
    top = max((float(f.max()) for f in finite if f.size), default=1.0)
    norm = LogNorm(vmin=1, vmax=max(top, 2))
    width, height = size or (min(12.8, 6.2 * len(mats) + 0.6), 5.8)
    fig, axes = plt.subplots(
        1, len(mats), figsize=(width, height), squeeze=False, layout="constrained"
    )
    texts = []
    for ax, name, cm, off in zip(axes[0], matrices, mats, offs):
        ax.imshow(np.where(eye, 1.0, np.nan), cmap="Greys", vmin=0, vmax=4)
        image = ax.imshow(off, cmap="Reds", norm=norm)
        for t in range(n):
            for p in range(n):
                if cm[t, p]:
                    dark = t != p and cm[t, p] > np.sqrt(top)
                    texts.append(
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
                    )
        ax.set(xticks=range(n), yticks=range(n), xlabel="predicted digit", ylabel="true digit")
        if len(mats) > 1:
            ax.set_title(name)
        ax.set_xticks(np.arange(n + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(n + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="white", linewidth=2)
        ax.tick_params(which="both", length=0)
    label = "mistakes (off the diagonal, log scale)"
    bar = fig.colorbar(image, ax=list(axes[0]), shrink=0.85, label=label)
    ticks = [t for t in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000) if t <= max(top, 2)]
    bar.set_ticks(ticks, labels=[str(t) for t in ticks])
    bar.minorticks_off()
    fig.suptitle(title, fontsize=15)
    fig.canvas.draw()  # lays the figure out, so that the cells have their final size
    corner = axes[0][0].transData.transform([(0, 0), (1, 1)])
    cell_w, cell_h = np.abs(corner[1] - corner[0])
    _fit_texts(fig, texts, cell_w, cell_h)
    return fig


def plot_confusion_matrix(
    cm: np.ndarray, title: str, size: tuple[float, float] = (6.4, 5.4)
) -> Figure:
    """One labelled heatmap of counts: mistakes in reds, the diagonal (correct) in grey."""
    return plot_confusion_matrices({title: cm}, title, size=size)


def mistake_titles(
    true: Sequence[int], pred: Sequence[int], confidence: Sequence[float]
) -> list[str]:
    """Two-line titles like "true 4 → pred 9\n(87% sure)", "(99.8% sure)": never a rounded 100%."""
    return [
        f"true {int(t)} → pred {int(p)}\n({percent(c, 0)} sure)"
        for t, p, c in zip(true, pred, confidence)
    ]


def plot_projections(
    panels: dict[str, np.ndarray],
    labels: Sequence[int] | torch.Tensor,
    title: str,
    ncols: int = 2,
    axis_labels: tuple[str, str] | None = None,
) -> Figure:
    """Scatter plots of 2-D points coloured by digit; each digit's label, small and outlined in
    white, sits at its points' median so that it hides few points; `axis_labels` names the axes.
    """
    labels = np.asarray(labels)
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(5.7 * ncols + 1.2, 5.4 * nrows + 0.4),
        squeeze=False,
        layout="constrained",
    )
    outline = [patheffects.withStroke(linewidth=3, foreground="white")]
    for ax, (name, points) in zip(axes.flat, panels.items()):
        size = 4 if len(points) > 3000 else 10
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
        for digit in range(10):  # labels drawn after every digit's points, so none hides them
            mine = points[labels == digit]
            if len(mine):
                x, y = np.median(mine, axis=0)
                ax.text(
                    x,
                    y,
                    str(digit),
                    fontsize=14,
                    fontweight="bold",
                    ha="center",
                    va="center",
                    color="black",
                    path_effects=outline,
                )
        ax.set(title=name, xticks=[], yticks=[])
        if axis_labels is not None:
            ax.set(xlabel=axis_labels[0], ylabel=axis_labels[1])
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(
        handles, names, title="digit", loc="outside right center", markerscale=3, frameon=False
    )
    fig.suptitle(title, fontsize=15)
    return fig
