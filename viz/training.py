"""Figures of training: learning curves, call times, throughput and speed-up."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator

from helpers.training import History


def _plain_number(value: float, _position: object = None) -> str:
    """A log axis tick as a plain number: 0.05, 1, 20."""
    return f"{value:g}"


def _plain_minor(value: float, _position: object = None) -> str:
    """Label the minor ticks at 2 and 5 times a power of 10 on a log axis; the others blank."""
    mantissa = value / 10 ** np.floor(np.log10(value))
    return _plain_number(value) if round(mantissa) in (2, 5) else ""


def plot_history(
    histories: dict[str, History], log_scale: bool = False, legend_below: bool = False
) -> Figure:
    """Loss and accuracy per epoch, train (dashed) and validation (solid), for one or more runs.

    `log_scale`: the loss on a log axis and, instead of the accuracy, the error rate (100% minus
    it) on a log axis, so runs far apart both keep their shape. `legend_below`: one legend under
    the panels, where it covers no data.
    """
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
        for key, line, part in (("train_acc", "--", "train"), ("val_acc", "-", "validation")):
            shown = [100 * (1 - a) if log_scale else 100 * a for a in h[key]]
            acc_ax.plot(epochs, shown, line, label=f"{prefix}{part}", **style)
    loss_ax.set(title="Loss (cross-entropy)", xlabel="epoch", ylabel="mean loss per image")
    if log_scale:
        loss_ax.set(yscale="log", ylabel="mean loss per image (log scale)")
        acc_ax.set(
            title="Error rate (100% - accuracy)",
            xlabel="epoch",
            ylabel="error rate (%, log scale)",
            yscale="log",
        )
        for ax in (loss_ax, acc_ax):  # plain numbers (0.1, 0.2, 0.5, 1, 2, 5 ...), not powers of 10
            ax.yaxis.set_major_formatter(FuncFormatter(_plain_number))
            ax.yaxis.set_minor_formatter(FuncFormatter(_plain_minor))
    else:
        acc_ax.set(title="Accuracy", xlabel="epoch", ylabel="accuracy (%)")
    longest = max(len(h["train_loss"]) for h in histories.values())
    for ax in (loss_ax, acc_ax):
        ax.grid(alpha=0.3, which="both" if log_scale else "major")
        if not legend_below:
            ax.legend()
        # whole epochs, also for a 1-epoch run
        ax.set_xticks(range(1, longest + 1, max(1, longest // 10)))
    if legend_below:
        handles, labels = loss_ax.get_legend_handles_labels()
        rows = 1 if len(histories) < 3 else len(histories)  # legend rows: all in one, or 2 a row
        fig.tight_layout(rect=(0, 0.06 + 0.06 * rows, 1, 1))
        fig.legend(handles, labels, loc="lower center", ncols=4 if rows == 1 else 2)
    else:
        fig.tight_layout()
    return fig


def plot_call_times(seconds: Sequence[float], title: str) -> Figure:
    """One bar per timed call, in milliseconds, to show the slow first (warm-up) calls."""
    ms = 1000 * np.asarray(seconds)
    fig, ax = plt.subplots(figsize=(11, 4.5))
    ax.bar(np.arange(1, len(ms) + 1), ms, color=["C3"] + ["C0"] * (len(ms) - 1))
    rest = np.median(ms[1:]) if len(ms) > 1 else ms[0]  # the lesson leaves out the warm-up call
    ax.axhline(rest, color="k", linestyle="--", label=f"median of calls 2-{len(ms)}: {rest:.1f} ms")
    ax.set(
        xlabel="call number", ylabel="milliseconds", title=title, xticks=np.arange(1, len(ms) + 1)
    )
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def _ticks_around(low: float, high: float) -> tuple[float, float]:
    """The 1-2-5 tick values just below `low` and just above `high` (for a log axis)."""
    ticks = [m * 10.0**e for e in range(-6, 10) for m in (1, 2, 5)]
    return max(t for t in ticks if t <= low), min(t for t in ticks if t >= high)


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
        rate, epoch = group["images_per_s"], group["s_per_epoch"]
        rate_ax.plot(group["batch_size"], rate, **style)
        epoch_ax.plot(group["batch_size"], epoch, **style)
        if {"images_per_s_min", "images_per_s_max"} <= set(group.columns):  # the repeats' range
            low, high = group["images_per_s_min"], group["images_per_s_max"]
            rate_ax.fill_between(group["batch_size"], low, high, color=f"C{i}", alpha=0.2)
            epoch_ax.fill_between(
                group["batch_size"],
                epoch * rate / high,
                epoch * rate / low,
                color=f"C{i}",
                alpha=0.2,
            )
    rate_ax.set(
        title="Training throughput (higher is better; log scales)",
        ylabel="images per second (log scale)",
    )
    epoch_ax.set(
        title="One epoch (lower is better; log scales)",
        ylabel="seconds per epoch, extrapolated (log scale)",
    )
    batch_sizes = sorted(table["batch_size"].unique())
    for ax in (rate_ax, epoch_ax):
        ax.set(xscale="log", yscale="log", xlabel="batch size (log scale)")
        ax.set_xticks(batch_sizes, [str(b) for b in batch_sizes])
        ax.minorticks_off()
        # 1-2-5 steps: several labelled ticks per decade, the limits on ticks around the data
        ax.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
        ax.set_ylim(*_ticks_around(*ax.dataLim.intervaly))
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
