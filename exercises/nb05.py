"""Notebook 05 (misclassifications): the exercises' checks, hints and solutions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from exercises.checking import Exercise, Wrong, ____, call, close
from helpers.settings import FAST_TEST_PER_CLASS, FAST_VAL_PER_CLASS, VAL_SIZE, fast_mode

__all__ = ["____", "ex1", "ex2", "ex3"]


def _labels(counts: dict[tuple[int, int], int]) -> tuple[torch.Tensor, torch.Tensor]:
    """True and predicted label tensors holding `counts[(true, pred)]` images of each pair."""
    pairs = [pair for pair, n in counts.items() for _ in range(n)]
    order = torch.randperm(len(pairs), generator=torch.Generator().manual_seed(0))
    true, pred = torch.tensor(pairs)[order].T
    return true.clone(), pred.clone()


# Exercise 1's labels: many correct answers, and confusions whose counts all differ; 4 -> 9 is
# more frequent than 9 -> 4, so a reversed or a both-ways count gives another order.
EX1_COUNTS = {
    **{(d, d): 30 + d for d in range(10)},
    (4, 9): 7,
    (9, 4): 2,
    (3, 5): 6,
    (7, 2): 5,
    (5, 3): 4,
    (8, 3): 3,
    (2, 7): 1,
}
EX1_TOP = [(4, 9), (3, 5), (7, 2), (5, 3), (8, 3), (9, 4), (2, 7)]


def _as_pairs(result: Any, what: str) -> list[tuple[int, int]]:
    """`result` as a list of (int, int) pairs, or `Wrong` saying what it is instead."""
    if isinstance(result, (torch.Tensor, np.ndarray)):
        result = result.tolist()
    if not isinstance(result, (list, tuple)):
        raise Wrong(f"{what} returned {type(result).__name__}; return a list of (true, predicted)")
    pairs = []
    for item in result:
        if isinstance(item, (torch.Tensor, np.ndarray)):
            item = item.tolist()
        if isinstance(item, (list, tuple)):  # 0-d tensors inside a pair: (tensor(4), tensor(9))
            item = [
                v.item() if isinstance(v, (torch.Tensor, np.ndarray)) and v.ndim == 0 else v
                for v in item
            ]
        ok = isinstance(item, (list, tuple)) and len(item) == 2
        if not ok or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in item
        ):
            raise Wrong(
                f"{what} returned an item {item!r}; each item should be a pair of digits "
                "(true, predicted), e.g. (4, 9)"
            )
        pairs.append((int(item[0]), int(item[1])))
    return pairs


def _check_top_pairs(top_pairs: Any) -> str:
    """Exercise 1: `top_pairs(true, pred, k)`, the k most frequent confusions, largest first."""
    if not callable(top_pairs):
        raise Wrong(f"top_pairs should be a function; you gave {type(top_pairs).__name__}")
    true, pred = _labels(EX1_COUNTS)
    found = _as_pairs(call(top_pairs, true, pred, 5), "top_pairs(true, pred, 5)")
    if [frozenset(p) for p in found[:3]] == [frozenset(p) for p in ((3, 5), (4, 9), (2, 7))]:
        raise Wrong(
            "a true 4 taken for a 9 and a true 9 taken for a 4 are two different cells: "
            "count each direction on its own"
        )
    if any(t == p for t, p in found):
        diagonal = next((t, p) for t, p in found if t == p)
        raise Wrong(
            f"your list holds {diagonal}: the diagonal counts correct answers, not confusions; "
            "leave it out"
        )
    if found == [(p, t) for t, p in EX1_TOP[:5]]:
        raise Wrong(
            "your pairs are (predicted, true): rows of the matrix are the true digits, "
            "confusion_matrix(true, pred)"
        )
    if len(found) != 5:
        raise Wrong(f"top_pairs(true, pred, 5) returned {len(found)} pairs; k=5 asks for 5")
    if found != EX1_TOP[:5] and sorted(found) == sorted(EX1_TOP[:5]):
        raise Wrong("the right pairs in the wrong order: the most frequent confusion comes first")
    if found != EX1_TOP[:5]:
        raise Wrong(
            f"on labels with the confusions 4->9 (7 times), 3->5 (6), 7->2 (5), 5->3 (4), "
            f"8->3 (3), your function gave {found}"
        )
    other = _as_pairs(call(top_pairs, true, pred, 2), "top_pairs(true, pred, 2)")
    if other != EX1_TOP[:2]:
        raise Wrong(f"top_pairs(true, pred, 2) gave {other}; k=2 asks for the 2 most frequent")
    return (
        "now compare the two networks: top_pairs(test_y, ann_pred) and top_pairs(test_y, cnn_pred)."
    )


ex1 = Exercise(
    "ex1",
    _check_top_pairs,
    hints=[
        "Build the matrix as section 2 did: confusion_matrix(true.numpy(), pred.numpy(), "
        "labels=range(10)). Row = true digit, column = prediction.",
        "Set the diagonal to zero (np.fill_diagonal(cm, 0)): what is left are the mistakes. "
        "Then visit the cells from the largest count down.",
        "np.argsort(-cm, axis=None) orders the flattened cells, largest first; "
        "divmod(i, 10) turns a flat index i back into (row, column).",
    ],
    solution="""
        def top_pairs(true, pred, k=5):
            cm = confusion_matrix(true.numpy(), pred.numpy(), labels=range(10))
            np.fill_diagonal(cm, 0)                         # keep only the mistakes
            order = np.argsort(-cm, axis=None, kind="stable")[:k]   # largest counts first
            return [divmod(int(i), 10) for i in order]     # flat index -> (true, predicted)
    """,
    why="A confusion is an off-diagonal cell (row = true digit, column = prediction), so the "
    "diagonal is cleared first; sorting the 100 cells by count and turning each flat index "
    "back into (row, column) lists the confusions, most frequent first. `confused_pairs` in the "
    "helpers does the same and returns a table.",
    answer_names=("top_pairs",),
)


# Exercise 2: a matrix with a digit that never occurs (an empty row), as on a tiny test set.
EX2_MATRIX = np.array([[8, 2, 0], [1, 6, 3], [0, 0, 0]])
EX2_SHARES = np.array([[0.8, 0.2, 0.0], [0.1, 0.6, 0.3], [0.0, 0.0, 0.0]])

EX2_OPTIONS = {
    "a": "the recall of each digit",
    "b": "the precision of each digit",
    "c": "the accuracy, the same number on every diagonal cell",
    "d": "the F1 score of each digit",
}
EX2_WRONG = {
    "a": 'recall is what normalize="true" puts there: each row (true digit) divided by its sum',
    "c": "each diagonal cell is divided by its own column's sum, so the cells differ",
    "d": "F1 combines precision and recall; one normalisation gives only one of them",
}


def _check_row_shares(row_shares: Any, answer: Any) -> str:
    """Exercise 2: `row_shares(matrix)` divides each row by its sum; what normalize="pred" gives."""
    if not callable(row_shares):
        raise Wrong(f"row_shares should be a function; you gave {type(row_shares).__name__}")
    full = EX2_MATRIX[:2, :2].copy()  # no empty row first
    result = call(row_shares, full.copy())
    if not isinstance(result, (np.ndarray, torch.Tensor)) or tuple(result.shape) != (2, 2):
        raise Wrong(
            f"row_shares on a 2x2 matrix returned {type(result).__name__} "
            f"{tuple(getattr(result, 'shape', ()))}; return an array of the matrix's shape"
        )
    result = np.asarray(result, dtype=float)
    if np.allclose(result, full / full.sum(axis=0, keepdims=True)):
        raise Wrong(
            'your columns sum to 1: that divides by the column sums (normalize="pred"); '
            "divide each row by its own sum"
        )
    if np.allclose(result, full / full.sum()):
        raise Wrong("you divided by the total of the whole matrix; divide each row by its own sum")
    if not np.allclose(result, full / full.sum(axis=1, keepdims=True)):
        raise Wrong(
            f"row_shares([[8, 2], [1, 6]]) gave {np.round(result, 3).tolist()}; each row divided "
            "by its sum gives [[0.8, 0.2], [0.143, 0.857]]"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.asarray(call(row_shares, EX2_MATRIX.copy()), dtype=float)
    if result.shape != EX2_SHARES.shape or not np.isfinite(result).all():
        raise Wrong(
            "a digit with no images (a row of zeros) gives 0/0 = nan: return 0 there, "
            'as confusion_matrix(..., normalize="true") does'
        )
    if not np.allclose(result, EX2_SHARES):
        raise Wrong(f"row_shares({EX2_MATRIX.tolist()}) gave {np.round(result, 3).tolist()}")
    letter = answer.strip().strip("().").lower() if isinstance(answer, str) else None
    if letter not in EX2_OPTIONS:
        raise Wrong(
            f'row_shares is right. For `answer`, write one of "a", "b", "c", "d" (in quotes); '
            f"you wrote {answer!r}"
        )
    if letter != "b":
        raise Wrong(
            f"row_shares is right, but not ({letter}) {EX2_OPTIONS[letter]}: {EX2_WRONG[letter]}"
        )
    return (
        'the diagonal of row_shares(cm) is the recall; normalize="pred" puts the precision there.'
    )


ex2 = Exercise(
    "ex2",
    _check_row_shares,
    hints=[
        "Row d holds the true d's; its sum is how many there are. matrix.sum(axis=1, "
        "keepdims=True) keeps that sum as a column, so the division lines up row by row.",
        "For an empty row, divide by np.maximum(sums, 1) instead: 0 / 1 = 0. For the question: "
        'normalize="pred" divides each column (a predicted digit) by its sum.',
        "A column's diagonal cell divided by the column's sum: of all images called d, the share "
        "that really are d. Which of the report's columns is that?",
    ],
    solution="""
        def row_shares(matrix):
            sums = matrix.sum(axis=1, keepdims=True)       # images of each true digit
            return matrix / np.maximum(sums, 1)            # an empty row stays 0, not 0/0

        answer = "b"   # normalize="pred": the diagonal holds each digit's precision
    """,
    why="Dividing row d by its sum turns counts into shares of the true d's, so cell (d, d) is "
    "the share of d's found: the recall (`np.allclose(np.diag(row_shares(cm)), "
    'report["recall"])` is True). Dividing by the column sums instead makes cell (d, d) the '
    "share of 'd' answers that are right: the precision.",
    answer_names=("row_shares", "answer"),
)


# Exercise 3: choose a reject threshold on the validation split, then measure the test set once.
THRESHOLDS = (0.5, 0.7, 0.9, 0.99, 0.999)
TARGET = 0.995


def _ex3_probs() -> tuple[torch.Tensor, torch.Tensor]:
    """Eight images with confidences exact in binary; right: the 1st, 2nd, 3rd, 5th and 8th."""
    confidence = [0.875, 0.875, 0.75, 0.75, 0.5, 0.5, 0.375, 0.25]
    predicted = [1, 2, 3, 4, 5, 6, 7, 8]
    labels = torch.tensor([1, 2, 3, 0, 5, 0, 0, 8])  # right: 1, 2, 3, 5, 8
    probs = torch.zeros(8, 10)
    for i, (c, p) in enumerate(zip(confidence, predicted)):
        probs[i] = (1 - c) / 9
        probs[i, p] = c
    return probs, labels


def reference_coverage(probs: torch.Tensor, labels: torch.Tensor, threshold: float):
    """The share of images answered (confidence >= threshold) and the accuracy on them."""
    confidence, predicted = probs.max(dim=1)
    answered = confidence >= threshold
    right = (predicted == labels) & answered
    accuracy = right.sum().item() / answered.sum().item() if answered.any() else math.nan
    return answered.float().mean().item(), accuracy


def reference_threshold(probs: torch.Tensor, labels: torch.Tensor) -> float | None:
    """The smallest of THRESHOLDS whose accuracy on the answered images reaches TARGET."""
    return next((t for t in THRESHOLDS if reference_coverage(probs, labels, t)[1] >= TARGET), None)


def _pair_of_numbers(result: Any, what: str) -> tuple[float, float]:
    """`result` as (coverage, accuracy) floats, or `Wrong`."""
    if isinstance(result, torch.Tensor) and result.numel() == 2:
        result = result.tolist()
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Wrong(f"{what} returned {result!r}; return two numbers: (coverage, accuracy)")
    values = [
        v.item() if isinstance(v, (torch.Tensor, np.ndarray, np.generic)) and v.ndim == 0 else v
        for v in result
    ]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise Wrong(f"{what} returned {result!r}; return two numbers: (coverage, accuracy)")
    return float(values[0]), float(values[1])


def _check_coverage(coverage_and_accuracy: Any, val_probs: Any, val_y: Any, threshold: Any) -> str:
    """Exercise 3: the function on built probabilities, then the threshold chosen on validation."""
    if not callable(coverage_and_accuracy):
        raise Wrong(
            "coverage_and_accuracy should be a function; "
            f"you gave {type(coverage_and_accuracy).__name__}"
        )
    probs, labels = _ex3_probs()
    what = "coverage_and_accuracy(probs, labels, 0.75)"
    coverage, accuracy = _pair_of_numbers(call(coverage_and_accuracy, probs, labels, 0.75), what)
    if close(coverage, 4) or close(coverage, 2):
        raise Wrong(f"{what} gave coverage {coverage:g}, a count: divide by the number of images")
    if close(coverage, 0.25):
        raise Wrong(
            f"{what} gave coverage 0.25: an image whose confidence equals the threshold is "
            "answered too (>=, not >)"
        )
    if not close(coverage, 0.5):
        raise Wrong(
            f"{what} gave coverage {coverage:g}; 4 of these 8 images have confidence >= 0.75 "
            "(the confidence is each row's largest probability)"
        )
    if close(accuracy, 5 / 8):
        raise Wrong(
            f"{what} gave accuracy {accuracy:g}, over all images: count only the answered ones"
        )
    if close(accuracy, 3 / 8):
        raise Wrong(
            f"{what} gave accuracy {accuracy:g}: divide the right answers by the answered "
            "images, not by all images"
        )
    if not close(accuracy, 0.75):
        raise Wrong(f"{what} gave accuracy {accuracy:g}; 3 of the 4 answered images are right")
    coverage, accuracy = _pair_of_numbers(
        call(coverage_and_accuracy, probs, labels, 0.5), "coverage_and_accuracy(probs, labels, 0.5)"
    )
    if not (close(coverage, 0.75) and close(accuracy, 4 / 6)):
        raise Wrong(
            f"coverage_and_accuracy(probs, labels, 0.5) gave ({coverage:g}, {accuracy:g}); "
            "expected 6 of 8 answered, 4 of those 6 right"
        )

    n_val = 10 * FAST_VAL_PER_CLASS if fast_mode() else VAL_SIZE
    n_test = 10 * FAST_TEST_PER_CLASS if fast_mode() else 10_000
    if not isinstance(val_probs, torch.Tensor) or val_probs.dim() != 2 or val_probs.shape[1] != 10:
        raise Wrong(
            "val_probs should be a tensor of shape [images, 10], from predict_proba; you gave "
            f"{type(val_probs).__name__} {tuple(getattr(val_probs, 'shape', ()))}"
        )
    if len(val_probs) == n_test:
        raise Wrong(
            f"val_probs has {n_test:,} rows, the test set: choose the threshold on the "
            "validation images (splits.val_x), and keep the test set for the final measurement"
        )
    if not isinstance(val_y, torch.Tensor) or len(val_y) != n_val:
        raise Wrong(f"val_y should be the {n_val:,} validation labels, splits.val_y")
    if len(val_probs) != n_val:
        raise Wrong(
            f"val_probs has {len(val_probs):,} rows; the validation split has {n_val:,} images"
        )
    val_probs, val_y = val_probs.detach().float().cpu(), val_y.cpu()
    if not torch.allclose(val_probs.sum(dim=1), torch.ones(len(val_probs)), atol=1e-3):
        raise Wrong(
            "the rows of val_probs do not sum to 1: these are logits; predict_proba returns "
            "the softmax probabilities"
        )
    expected = reference_threshold(val_probs, val_y)
    if (
        threshold is None
        and expected is not None
        or (threshold is not None and not isinstance(threshold, (int, float)))
    ):
        raise Wrong(
            f"threshold should be one of {THRESHOLDS}, or None if none reaches {TARGET:.1%}; "
            f"you gave {threshold!r}"
        )
    if threshold != expected:
        raise Wrong(
            f"threshold {threshold!r} is not the smallest of THRESHOLDS whose accuracy on the "
            f"answered validation images is >= TARGET ({TARGET:.1%}): go through them from 0.5 up"
        )
    if expected is None:
        return (
            f"no threshold reaches {TARGET:.1%} on validation (fast mode trains briefly): this "
            "model should not answer alone."
        )
    coverage, accuracy = reference_coverage(val_probs, val_y, expected)
    return (
        f"on validation, {expected} answers {coverage:.1%} of the images with {accuracy:.2%} "
        "accuracy. Now measure it once on the test set: "
        "coverage_and_accuracy(cnn_probs, test_y, threshold)."
    )


ex3 = Exercise(
    "ex3",
    _check_coverage,
    hints=[
        "The confidence is each row's largest probability: probs.max(dim=1) gives the "
        "confidences and the predicted digits. `answered = confidence >= threshold` is a mask.",
        "Coverage: answered.float().mean(). Accuracy on the answered images: "
        "(predicted == labels)[answered].float().mean(). Return both with .item().",
        "val_probs = predict_proba(cnn, val_x, device). Then go through THRESHOLDS from the "
        "smallest and keep the first t whose coverage_and_accuracy(val_probs, val_y, t)[1] "
        ">= TARGET (next(..., None) gives None when there is none).",
    ],
    solution="""
        def coverage_and_accuracy(probs, labels, threshold):
            confidence, predicted = probs.max(dim=1)
            answered = confidence >= threshold
            right = (predicted == labels)[answered]
            return answered.float().mean().item(), right.float().mean().item()

        val_probs = predict_proba(cnn, val_x, device)
        threshold = next((t for t in THRESHOLDS
                          if coverage_and_accuracy(val_probs, val_y, t)[1] >= TARGET), None)
    """,
    why="A reject threshold is a setting like a learning rate: chosen on the test set, the test "
    "accuracy would no longer be an honest estimate, because the threshold was fitted to those "
    "very images. The validation split chooses; the test set then measures the chosen threshold "
    "once. The higher the threshold, the fewer images the model answers and the more of its "
    "mistakes go to a person.",
    answer_names=("coverage_and_accuracy", "val_probs", "val_y", "threshold"),
)
