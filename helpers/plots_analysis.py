"""Figures for notebooks 05-07: mistakes, feature maps, 2-D projections, throughput. Plotting only."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from matplotlib.colors import LogNorm, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator

from .data import denormalize


def plot_confusion_matrix(cm: np.ndarray, title: str) -> Figure:
    """A large labelled heatmap of counts: mistakes in shades of red, the diagonal (correct) in grey."""
    cm = np.asarray(cm)
    n = len(cm)
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
                ax.text(p, t, f"{cm[t, p]:,}", ha="center", va="center", fontsize=12,
                        fontweight="bold" if t == p else "normal", color="white" if dark else "black")
    ax.set(xticks=range(n), yticks=range(n), xlabel="predicted digit", ylabel="true digit", title=title)
    ax.tick_params(length=0)
    ax.set_xticks(np.arange(n + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(n + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    bar = fig.colorbar(image, ax=ax, shrink=0.8, label="mistakes (off the diagonal, log scale)")
    ticks = [t for t in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000) if t <= max(top, 2)]
    bar.set_ticks(ticks, labels=[str(t) for t in ticks])
    bar.minorticks_off()
    fig.tight_layout()
    return fig


def mistake_titles(true: Sequence[int], pred: Sequence[int], confidence: Sequence[float]) -> list[str]:
    """Titles like "true 4 → pred 9 (87%)"."""
    return [f"true {int(t)} → pred {int(p)} ({float(c):.0%})" for t, p, c in zip(true, pred, confidence)]


def plot_filters(weight: torch.Tensor, title: str) -> Figure:
    """Each filter of a first conv layer ([C, 1, k, k]) as a small image; blue negative, red positive."""
    weight = weight.detach().cpu()[:, 0]
    limit = float(weight.abs().max())
    fig, axes = plt.subplots(1, len(weight), figsize=(2.3 * len(weight) + 1.2, 3.1))
    for i, (ax, w) in enumerate(zip(np.atleast_1d(axes), weight)):
        image = ax.imshow(w.numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"filter {i}")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(image, ax=list(np.atleast_1d(axes)), shrink=0.85, label="weight")
    fig.suptitle(title, fontsize=16)
    return fig


def plot_feature_maps(rows: dict[str, torch.Tensor], title: str, inputs: Sequence[torch.Tensor | None] | None = None) -> Figure:
    """One row per entry of `rows` ([C, H, W] maps, one per column); a shared colour scale per row.

    Rows with negative values use a blue-white-red scale centred on 0; non-negative rows use "magma".
    `inputs`, when given, adds a first column with the input image of each row (None leaves it blank).
    """
    offset = 1 if inputs is not None else 0
    ncols = max(len(m) for m in rows.values()) + offset
    cell = min(1.6, 17.0 / ncols)
    fig, axes = plt.subplots(len(rows), ncols, figsize=(cell * ncols + 1.6, cell * len(rows) + 1.0), squeeze=False)
    for r, (name, maps) in enumerate(rows.items()):
        maps = maps.detach().cpu()
        low, high = float(maps.min()), float(maps.max())
        if low < 0:
            limit = max(-low, high, 1e-6)
            style = {"cmap": "RdBu_r", "norm": TwoSlopeNorm(0, -limit, limit)}
        else:
            style = {"cmap": "magma", "vmin": 0, "vmax": max(high, 1e-6)}
        for c in range(ncols):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            for side in ax.spines.values():
                side.set_visible(False)
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


def plot_projections(panels: dict[str, np.ndarray], labels: Sequence[int] | torch.Tensor, title: str, ncols: int = 2) -> Figure:
    """Scatter plots of 2-D points coloured by digit, with each digit's label written at its median point."""
    labels = np.asarray(labels)
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(7 * ncols, 6.4 * nrows), squeeze=False)
    for ax, (name, points) in zip(axes.flat, panels.items()):
        size = 4 if len(points) > 3000 else 12
        for digit in range(10):
            mine = points[labels == digit]
            if len(mine) == 0:
                continue
            ax.scatter(mine[:, 0], mine[:, 1], s=size, color=f"C{digit}", alpha=0.6, label=str(digit), linewidths=0)
            x, y = np.median(mine, axis=0)
            ax.text(x, y, str(digit), fontsize=20, fontweight="bold", ha="center", va="center", color="black",
                    bbox={"boxstyle": "circle,pad=0.2", "facecolor": f"C{digit}", "alpha": 0.75, "linewidth": 0})
        ax.set_title(name)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, names, title="digit", loc="center right", markerscale=3, frameon=False)
    fig.suptitle(title, fontsize=16)
    fig.tight_layout(rect=(0, 0, 0.93, 1))
    return fig


def plot_call_times(seconds: Sequence[float], title: str) -> Figure:
    """One bar per timed call, in milliseconds, to show the slow first (warm-up) calls."""
    ms = 1000 * np.asarray(seconds)
    fig, ax = plt.subplots(figsize=(11, 4.5))
    ax.bar(np.arange(1, len(ms) + 1), ms, color=["C3"] + ["C0"] * (len(ms) - 1))
    ax.axhline(np.median(ms), color="k", linestyle="--", label=f"median {np.median(ms):.1f} ms")
    ax.set(xlabel="call number", ylabel="milliseconds", title=title, xticks=np.arange(1, len(ms) + 1))
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_throughput(table: pd.DataFrame, title: str) -> Figure:
    """Images per second and extrapolated seconds per epoch against batch size, one line per model and device."""
    fig, (rate_ax, epoch_ax) = plt.subplots(1, 2, figsize=(14, 5.5))
    markers = {"cpu": "o", "cuda": "s", "mps": "^"}
    for i, ((model, device), group) in enumerate(table.groupby(["model", "device"], sort=False)):
        style = {"marker": markers.get(device, "o"), "color": f"C{i}", "label": f"{model} on {device}", "linewidth": 2}
        rate_ax.plot(group["batch_size"], group["images_per_s"], **style)
        epoch_ax.plot(group["batch_size"], group["s_per_epoch"], **style)
    rate_ax.set(title="Training throughput (higher is better)", ylabel="images per second")
    epoch_ax.set(title="One epoch of 60,000 images (lower is better)", ylabel="seconds (extrapolated)")
    batch_sizes = sorted(table["batch_size"].unique())
    for ax in (rate_ax, epoch_ax):
        ax.set(xscale="log", yscale="log", xlabel="batch size")
        ax.set_xticks(batch_sizes, [str(b) for b in batch_sizes])
        ax.minorticks_off()
        ax.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))  # 1-2-5 steps: several labelled ticks per decade
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
        ax.grid(alpha=0.3, which="both")
        ax.legend()
    fig.suptitle(title, fontsize=16)
    fig.tight_layout()
    return fig


def plot_speedup(speedup: pd.DataFrame, title: str) -> Figure:
    """Speedup (a column per model, indexed by batch size) as grouped bars, with the break-even line at 1."""
    fig, ax = plt.subplots(figsize=(11, 5))
    width = 0.8 / len(speedup.columns)
    x = np.arange(len(speedup))
    for i, column in enumerate(speedup.columns):
        ax.bar(x + (i - (len(speedup.columns) - 1) / 2) * width, speedup[column], width, label=str(column), color=f"C{i}")
    ax.axhline(1, color="k", linestyle="--", label="break-even")
    ax.set(xticks=x, xticklabels=[str(b) for b in speedup.index], xlabel="batch size", ylabel="× faster", title=title)
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
