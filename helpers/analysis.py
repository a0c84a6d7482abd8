"""What a trained model gets wrong and computes: predictions, mistakes, activations, 2-D maps."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import torch
from torch import nn

from .settings import SEED
from .training import predict_proba


def predict(
    model: nn.Module, images: torch.Tensor, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """Each image's predicted digit and the confidence in it (the largest softmax probability)."""
    confidence, predicted = predict_proba(model, images, device).max(dim=1)
    return predicted, confidence


def mistakes_table(labels: torch.Tensor, probs: torch.Tensor) -> pd.DataFrame:
    """One row per wrong prediction (index, true, pred, confidence, p_true), surest first."""
    confidence, predicted = probs.max(dim=1)
    wrong = torch.nonzero(predicted != labels).flatten()
    table = pd.DataFrame(
        {
            "index": wrong.numpy(),
            "true": labels[wrong].numpy(),
            "pred": predicted[wrong].numpy(),
            "confidence": confidence[wrong].numpy(),
            "p_true": probs[wrong, labels[wrong]].numpy(),
        }
    )
    return table.sort_values("confidence", ascending=False, kind="stable").reset_index(drop=True)


def confused_pairs(cm: np.ndarray, top: int = 10, both_ways: bool = False) -> pd.DataFrame:
    """The largest off-diagonal counts of a confusion matrix: true → pred, or a ↔ b both ways."""
    cm, n = np.asarray(cm), len(cm)
    if both_ways:
        rows = [
            {
                "pair": f"{a} ↔ {b}",
                "count": int(cm[a, b] + cm[b, a]),
                "a → b": int(cm[a, b]),
                "b → a": int(cm[b, a]),
            }
            for a in range(n)
            for b in range(a + 1, n)
        ]
    else:
        rows = [
            {
                "true": t,
                "pred": p,
                "count": int(cm[t, p]),
                "share of true class": cm[t, p] / max(cm[t].sum(), 1),
            }
            for t in range(n)
            for p in range(n)
            if p != t
        ]
    table = pd.DataFrame(rows)
    table = table[table["count"] > 0]
    return (
        table.sort_values("count", ascending=False, kind="stable").head(top).reset_index(drop=True)
    )


def describe_confusions(cm: np.ndarray, top: int = 3) -> str:
    """The confusion matrix in Markdown words: accuracy, hardest digits, commonest confusions."""
    cm = np.asarray(cm)
    per_class, correct = cm.sum(axis=1), np.diag(cm)
    error_rate = 1 - correct / np.maximum(per_class, 1)
    hardest = np.argsort(-error_rate, kind="stable")[:top]
    easiest = int(np.argmin(error_rate))
    lines = [
        f"- Of **{cm.sum():,}** test images, **{correct.sum():,}** lie on the diagonal "
        f"(accuracy {correct.sum() / cm.sum():.2%}); **{cm.sum() - correct.sum():,}** are off it.",
        "- The digits most often misread (row by row): "
        + ", ".join(
            f"**{d}** ({per_class[d] - correct[d]} of {per_class[d]} wrong, {error_rate[d]:.1%})"
            for d in hardest
        )
        + f"; the easiest is **{easiest}** ({error_rate[easiest]:.1%} wrong).",
    ]
    lines += [
        f"- A true **{row['true']}** was taken for a **{row['pred']}** {row['count']} times "
        f"({row['share of true class']:.1%} of all {row['true']}s)."
        for row in confused_pairs(cm, top).to_dict("records")
    ]
    return "\n".join(lines)


def compare_mistakes(
    labels: torch.Tensor, first: torch.Tensor, second: torch.Tensor
) -> dict[str, torch.Tensor]:
    """Image indices: both right, only the first wrong, both wrong, only the second wrong."""
    first_ok, second_ok = first == labels, second == labels
    groups = {
        "both right": first_ok & second_ok,
        "only first wrong": ~first_ok & second_ok,
        "both wrong": ~first_ok & ~second_ok,
        "only second wrong": first_ok & ~second_ok,
    }
    return {name: torch.nonzero(mask).flatten() for name, mask in groups.items()}


@torch.inference_mode()
def capture_activations(
    model: nn.Module, layers: Sequence[str], images: torch.Tensor
) -> dict[str, torch.Tensor]:
    """Run `model` on `images`, recording each named layer's output (hooks removed afterwards)."""
    captured: dict[str, torch.Tensor] = {}

    def recorder(name: str) -> Callable:
        def hook(module: nn.Module, inputs: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
            captured[name] = output.detach().cpu().clone()

        return hook

    handles = [model.get_submodule(name).register_forward_hook(recorder(name)) for name in layers]
    try:
        model.eval()
        model(images.to(next(model.parameters()).device))
    finally:
        for handle in handles:
            handle.remove()
    return captured


@torch.inference_mode()
def extract_features(
    model: nn.Module, node: str, images: torch.Tensor, device: torch.device, batch_size: int = 1000
) -> torch.Tensor:
    """The output of graph node `node` (e.g. "relu4") for every image, batched, on the CPU."""
    # slow to import: only when used
    from torchvision.models.feature_extraction import create_feature_extractor

    extractor = create_feature_extractor(model.eval().to(device), return_nodes={node: "out"})
    chunks = [
        extractor(images[i : i + batch_size].to(device))["out"].cpu()
        for i in range(0, len(images), batch_size)
    ]
    return torch.cat(chunks)


def strongest_inputs(activations: torch.Tensor, k: int = 8) -> torch.Tensor:
    """For each channel of [N, C, H, W] activations, the k inputs with the largest peak response."""
    # [N, C]: how strongly each channel fires anywhere in the image
    peaks = activations.amax(dim=(2, 3))
    return peaks.topk(k, dim=0).indices.T  # [C, k]


def first_of_each(labels: torch.Tensor, digits: Sequence[int]) -> list[int]:
    """The index of the first image of each digit in `digits`."""
    return [int(torch.nonzero(labels == d).flatten()[0]) for d in digits]


def project_2d(
    features: torch.Tensor | np.ndarray,
    method: str = "pca",
    seed: int = SEED,
    perplexity: float = 30.0,
) -> np.ndarray:
    """Rows of `features` (flattened) mapped to 2-D by PCA or t-SNE (t-SNE after a 50-d PCA)."""
    # imported here: only the notebooks that project pay for it
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    if method not in ("pca", "tsne"):
        raise ValueError(f"unknown method {method!r}; use 'pca' or 'tsne'")
    x = np.asarray(features, dtype=np.float32).reshape(len(features), -1)
    # One thread: on a small, busy machine, parallel BLAS/OpenMP threads mostly wait for each other.
    with threadpool_limits(limits=1):
        if method == "pca":
            return PCA(n_components=2, random_state=seed).fit_transform(x)
        if x.shape[1] > 50 and len(x) > 50:
            x = PCA(n_components=50, random_state=seed).fit_transform(x)
        # t-SNE needs more points than 3 x perplexity
        perplexity = min(perplexity, (len(x) - 1) / 3)
        return TSNE(
            n_components=2, perplexity=perplexity, init="pca", random_state=seed
        ).fit_transform(x)
