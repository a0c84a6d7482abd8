"""Figures of training: learning curves, call times, throughput and speed-up."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator

from helpers.training import History


def plot_history(histories: dict[str, History]) -> Figure:
    """Loss and accuracy per epoch, train (dashed) and validation (solid), for one or more runs."""
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(13, 4.5))
    for i, (name, h) in enumerate(histories.items()):
        # each run its own colour, marker and marker size, so a curve under another stays visible
        style = {"color": f"C{i}", "marker": "os^Dv"[i % 5]}
        if i:  # the first run as before; later ones larger or smaller, odd ones hollow
            style["markersize"] = (6, 10, 4, 8)[i % 4]
            style["markerfacecolor"] = "none" if i % 2 else style["color"]
        epochs = range(1, len(h["train_loss"]) + 1)
        prefix = f"{name} " if len(histories) > 1 else ""
        loss_ax.plot(epochs, h["train_loss"], "--", label=f"{prefix}train", **style)
        loss_ax.plot(epochs, h["val_loss"], "-", label=f"{prefix}validation", **style)
        acc_ax.plot(
            epochs, [100 * a for a in h["train_acc"]], "--", label=f"{prefix}train", **style
        )
        acc_ax.plot(
            epochs, [100 * a for a in h["val_acc"]], "-", label=f"{prefix}validation", **style
        )
    loss_ax.set(title="Loss (cross-entropy)", xlabel="epoch", ylabel="mean loss per image")
    acc_ax.set(title="Accuracy", xlabel="epoch", ylabel="accuracy (%)")
    longest = max(len(h["train_loss"]) for h in histories.values())
    for ax in (loss_ax, acc_ax):
        ax.grid(alpha=0.3)
        ax.legend()
        # whole epochs, also for a 1-epoch run
        ax.set_xticks(range(1, longest + 1, max(1, longest // 10)))
    fig.tight_layout()
    return fig


def plot_call_times(seconds: Sequence[float], title: str) -> Figure:
    """One bar per timed call, in milliseconds, to show the slow first (warm-up) calls."""
    ms = 1000 * np.asarray(seconds)
    fig, ax = plt.subplots(figsize=(11, 4.5))
    ax.bar(np.arange(1, len(ms) + 1), ms, color=["C3"] + ["C0"] * (len(ms) - 1))
    ax.axhline(np.median(ms), color="k", linestyle="--", label=f"median {np.median(ms):.1f} ms")
    ax.set(
        xlabel="call number", ylabel="milliseconds", title=title, xticks=np.arange(1, len(ms) + 1)
    )
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_throughput(table: pd.DataFrame, title: str) -> Figure:
    """Images per second and seconds per epoch against batch size, one line per model and device."""
    fig, (rate_ax, epoch_ax) = plt.subplots(1, 2, figsize=(14, 5.5))
    markers = {"cpu": "o", "cuda": "s", "mps": "^"}
    for i, ((model, device), group) in enumerate(table.groupby(["model", "device"], sort=False)):
        style = {
            "marker": markers.get(device, "o"),
            "color": f"C{i}",
            "label": f"{model} on {device}",
            "linewidth": 2,
        }
        rate_ax.plot(group["batch_size"], group["images_per_s"], **style)
        epoch_ax.plot(group["batch_size"], group["s_per_epoch"], **style)
    rate_ax.set(title="Training throughput (higher is better)", ylabel="images per second")
    epoch_ax.set(title="One epoch (lower is better)", ylabel="seconds per epoch (extrapolated)")
    batch_sizes = sorted(table["batch_size"].unique())
    for ax in (rate_ax, epoch_ax):
        ax.set(xscale="log", yscale="log", xlabel="batch size")
        ax.set_xticks(batch_sizes, [str(b) for b in batch_sizes])
        ax.minorticks_off()
        # 1-2-5 steps: several labelled ticks per decade
        ax.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}")
        )
        ax.grid(alpha=0.3, which="both")
        ax.legend()
    fig.suptitle(title, fontsize=16)
    fig.tight_layout()
    return fig


def plot_speedup(speedup: pd.DataFrame, title: str) -> Figure:
    """Speedup (a column per model, indexed by batch size) as grouped bars, break-even line at 1."""
    fig, ax = plt.subplots(figsize=(11, 5))
    width = 0.8 / len(speedup.columns)
    x = np.arange(len(speedup))
    for i, column in enumerate(speedup.columns):
        ax.bar(
            x + (i - (len(speedup.columns) - 1) / 2) * width,
            speedup[column],
            width,
            label=str(column),
            color=f"C{i}",
        )
    ax.axhline(1, color="k", linestyle="--", label="break-even")
    ax.set(
        xticks=x,
        xticklabels=[str(b) for b in speedup.index],
        xlabel="batch size",
        ylabel="× faster",
        title=title,
    )
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
