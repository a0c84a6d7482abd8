"""Figures the notebooks share. Plotting only: every number is computed elsewhere."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure
from torchvision.utils import make_grid

from .data import denormalize
from .training import History

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


def show_image_grid(images: torch.Tensor, labels: torch.Tensor | None = None, nrow: int = 12, normalized: bool = True) -> Figure:
    """One make_grid picture of a batch, with its labels printed underneath."""
    pixels = denormalize(images) if normalized else images
    grid = make_grid(pixels[: 8 * nrow], nrow=nrow, padding=2, pad_value=1.0)
    fig, ax = plt.subplots(figsize=(min(14, 1.1 * nrow), 1.3 * -(-len(grid[0]) // 30) + 0.8))
    ax.imshow(grid.permute(1, 2, 0).numpy(), cmap="gray")
    ax.axis("off")
    if labels is not None:
        shown = [str(int(v)) for v in labels[: 8 * nrow]]
        rows = ["  ".join(shown[i : i + nrow]) for i in range(0, len(shown), nrow)]
        ax.set_title("labels, row by row:\n" + "\n".join(rows) if len(rows) > 1 else "labels: " + rows[0], fontsize=13)
    return fig


def plot_history(histories: dict[str, History]) -> Figure:
    """Loss and accuracy per epoch, train (dashed) and validation (solid), for one or more runs."""
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(13, 4.5))
    for i, (name, h) in enumerate(histories.items()):
        colour = f"C{i}"
        epochs = range(1, len(h["train_loss"]) + 1)
        prefix = f"{name} " if len(histories) > 1 else ""
        loss_ax.plot(epochs, h["train_loss"], "--o", color=colour, label=f"{prefix}train")
        loss_ax.plot(epochs, h["val_loss"], "-o", color=colour, label=f"{prefix}validation")
        acc_ax.plot(epochs, [100 * a for a in h["train_acc"]], "--o", color=colour, label=f"{prefix}train")
        acc_ax.plot(epochs, [100 * a for a in h["val_acc"]], "-o", color=colour, label=f"{prefix}validation")
    loss_ax.set(title="Loss (cross-entropy)", xlabel="epoch", ylabel="mean loss per image")
    acc_ax.set(title="Accuracy", xlabel="epoch", ylabel="accuracy (%)")
    longest = max(len(h["train_loss"]) for h in histories.values())
    for ax in (loss_ax, acc_ax):
        ax.grid(alpha=0.3)
        ax.legend()
        ax.set_xticks(range(1, longest + 1, max(1, longest // 10)))  # whole epochs, also for a 1-epoch run
    fig.tight_layout()
    return fig


def plot_prediction(image: torch.Tensor, probabilities: torch.Tensor, label: int | None = None, normalized: bool = True) -> Figure:
    """One digit beside a bar chart of its predicted probabilities, the predicted class highlighted."""
    pixels = denormalize(image) if normalized else image
    probs = probabilities.detach().cpu().flatten()
    predicted = int(probs.argmax())
    fig, (img_ax, bar_ax) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [1, 2.2]})
    img_ax.imshow(pixels.squeeze().cpu().numpy(), cmap="gray_r")
    img_ax.set_title("the image" if label is None else f"the image (true label: {label})")
    img_ax.axis("off")
    colours = ["C2" if d == predicted else "C0" for d in range(len(probs))]
    bars = bar_ax.bar(range(len(probs)), 100 * probs.numpy(), color=colours)
    bar_ax.bar_label(bars, labels=[f"{100 * p:.1f}" if p >= 0.005 else "" for p in probs.tolist()], fontsize=11)
    bar_ax.set(title=f"predicted: {predicted} ({probs[predicted]:.1%} sure)", xlabel="digit",
               ylabel="probability (%)", ylim=(0, 110), xticks=range(len(probs)))
    bar_ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def show_digits(
    images: torch.Tensor,
    titles: Sequence[str] | None = None,
    ncols: int = 5,
    cmap: str = "gray_r",
    suptitle: str | None = None,
    normalized: bool = False,
) -> Figure:
    """Single-channel images ([N, 1, H, W] or [N, H, W]) in a grid of `ncols` columns, each with an optional title."""
    pixels = (denormalize(images) if normalized else images).detach().cpu().reshape(len(images), *images.shape[-2:])
    nrows = -(-len(pixels) // ncols)
    width = min(2.35, 15.0 / ncols)  # at most 15 inches wide, however many columns
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, (width + 0.25) * nrows + (0.8 if suptitle else 0)), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(pixels):
            ax.imshow(pixels[i].numpy(), cmap=cmap, **({"vmin": 0, "vmax": 1} if normalized else {}))
            if titles is not None:
                ax.set_title(titles[i], fontsize=13)
    if suptitle:
        fig.suptitle(suptitle, fontsize=16)
    fig.tight_layout()
    return fig
