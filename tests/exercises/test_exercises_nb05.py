"""Notebook 05's exercises: each check on the blank, typical wrong answers and the solution."""

import numpy as np
import torch
from exercise_cases import assert_exercise, solution_answers
from sklearn.metrics import confusion_matrix

from exercises.nb05 import TARGET, THRESHOLDS, ex1, ex2, ex3
from helpers.settings import FAST_TEST_PER_CLASS, FAST_VAL_PER_CLASS, fast_mode

NAMESPACE = {"np": np, "torch": torch, "confusion_matrix": confusion_matrix}


def test_ex1_top_pairs():
    def with_diagonal(true, pred, k=5):
        cm = confusion_matrix(true.numpy(), pred.numpy(), labels=range(10))
        return [divmod(int(i), 10) for i in np.argsort(-cm, axis=None, kind="stable")[:k]]

    def reversed_pairs(true, pred, k=5):
        cm = confusion_matrix(pred.numpy(), true.numpy(), labels=range(10))
        np.fill_diagonal(cm, 0)
        return [divmod(int(i), 10) for i in np.argsort(-cm, axis=None, kind="stable")[:k]]

    def ascending(true, pred, k=5):
        return sorted(solution(true, pred, k), key=lambda p: p[::-1])

    def always_five(true, pred, k=5):
        return solution(true, pred, 5)

    def both_ways(true, pred, k=5):
        cm = confusion_matrix(true.numpy(), pred.numpy(), labels=range(10))
        cm = np.triu(cm + cm.T, 1)
        return [divmod(int(i), 10) for i in np.argsort(-cm, axis=None, kind="stable")[:k]]

    def crashes(true, pred, k=5):
        return confusion_matrix(true, pred)[k, k, k]

    (solution,) = solution_answers(ex1, NAMESPACE)
    assert_exercise(
        ex1,
        namespace=NAMESPACE,
        wrong=[
            ((with_diagonal,), "the diagonal counts correct answers"),
            ((reversed_pairs,), "your pairs are (predicted, true)"),
            ((ascending,), "in the wrong order"),
            ((always_five,), "k=2 asks for the 2"),
            ((both_ways,), "count each direction on its own"),
            ((crashes,), "your `crashes` raised IndexError"),
            ((lambda true, pred, k=5: "4 -> 9",), "return a list of (true, predicted)"),
            ((lambda true, pred, k=5: ["4 -> 9"] * k,), "each item should be a pair"),
            ((confusion_matrix(range(3), range(3)),), "should be a function"),
        ],
    )


def test_ex1_accepts_pairs_of_zero_dimensional_tensors():
    def with_topk(true, pred, k=5):  # a natural PyTorch answer: pairs of 0-d tensors
        cm = torch.zeros(10, 10, dtype=torch.long)
        cm.index_put_(
            (torch.as_tensor(true), torch.as_tensor(pred)),
            torch.ones(len(true), dtype=torch.long),
            accumulate=True,
        )
        cm.fill_diagonal_(0)
        return [(i // 10, i % 10) for i in cm.flatten().topk(k).indices]

    assert ex1.evaluate(with_topk).status == "correct"


def test_ex2_row_shares():
    def by_columns(m):
        return m / m.sum(axis=0, keepdims=True)

    def by_total(m):
        return m / m.sum()

    def nan_on_empty_row(m):
        return m / m.sum(axis=1, keepdims=True)

    def floor_division(m):
        return m // m.sum(axis=1, keepdims=True)

    (solution, _) = solution_answers(ex2, NAMESPACE)
    assert_exercise(
        ex2,
        namespace=NAMESPACE,
        wrong=[
            ((by_columns, "b"), "divides by the column sums"),
            ((by_total, "b"), "the total of the whole matrix"),
            ((nan_on_empty_row, "b"), "return 0 there"),
            ((floor_division, "b"), "[[0.8, 0.2], [0.143, 0.857]]"),
            ((solution, "a"), "not (a) the recall"),
            ((solution, "c"), "its own column's sum"),
            ((solution, "precision"), 'one of "a", "b", "c", "d"'),
        ],
    )
    assert ex2.evaluate(lambda m: torch.as_tensor(solution(m)), " B ").status == "correct"


def fake_probs(n: int, accurate: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Probabilities for `n` images: 90% answered with confidence 0.995 (right when `accurate`),
    the rest with confidence 0.8 (half of them wrong)."""
    labels = torch.arange(n) % 10
    confidence = torch.where(torch.arange(n) % 10 < 9, 0.995, 0.8)
    predicted = labels.clone()
    predicted[(torch.arange(n) % 20) == 19] += 1  # half of the unsure ones are wrong
    if not accurate:
        predicted[::7] += 1
    predicted %= 10
    probs = ((1 - confidence) / 9).unsqueeze(1).repeat(1, 10)
    probs[torch.arange(n), predicted] = confidence
    return probs, labels


def test_ex3_reject_threshold_on_validation():
    assert fast_mode()
    n_val, n_test = 10 * FAST_VAL_PER_CLASS, 10 * FAST_TEST_PER_CLASS
    val_probs, val_y = fake_probs(n_val)
    test_probs, _ = fake_probs(n_test)
    namespace = {
        **NAMESPACE,
        "predict_proba": lambda model, images, device: val_probs,
        "cnn": None,
        "device": torch.device("cpu"),
        "val_x": torch.zeros(n_val, 1, 28, 28),
        "val_y": val_y,
        "THRESHOLDS": THRESHOLDS,
        "TARGET": TARGET,
    }
    answers = solution_answers(ex3, namespace)
    fn, _, _, threshold = answers
    assert threshold == 0.9 and np.allclose(fn(val_probs, val_y, 0.9), (0.9, 1.0))

    def strictly_above(probs, labels, t):
        confidence, predicted = probs.max(dim=1)
        answered = confidence > t
        return answered.float().mean().item(), (predicted == labels)[answered].float().mean().item()

    def over_all_images(probs, labels, t):
        confidence, predicted = probs.max(dim=1)
        return (confidence >= t).float().mean().item(), (predicted == labels).float().mean().item()

    def counts(probs, labels, t):
        confidence, predicted = probs.max(dim=1)
        answered = confidence >= t
        return answered.sum().item(), (predicted == labels)[answered].float().mean().item()

    def right_over_all(probs, labels, t):
        confidence, predicted = probs.max(dim=1)
        answered = confidence >= t
        right = (predicted == labels) & answered
        return answered.float().mean().item(), right.float().mean().item()

    logits = torch.log(val_probs) + 3.0
    assert_exercise(
        ex3,
        namespace=namespace,
        wrong=[
            ((strictly_above, val_probs, val_y, 0.9), "(>=, not >)"),
            ((over_all_images, val_probs, val_y, 0.9), "count only the answered ones"),
            ((right_over_all, val_probs, val_y, 0.9), "not by all images"),
            ((counts, val_probs, val_y, 0.9), "a count"),
            ((lambda p, y, t: p.max(dim=1), val_probs, val_y, 0.9), "return two numbers"),
            ((fn, test_probs, val_y, 0.9), "the test set"),
            ((fn, logits, val_y, 0.9), "these are logits"),
            ((fn, val_probs, val_y[:100], 0.9), "the 500 validation labels"),
            ((fn, val_probs, val_y, 0.99), "is not the smallest of THRESHOLDS"),
            ((fn, val_probs, val_y, 0.5), "is not the smallest of THRESHOLDS"),
            ((fn, val_probs, val_y, "0.9"), "should be one of"),
            ((fn, val_probs, val_y, None), "should be one of"),
        ],
    )
    # A model that reaches the target at no threshold: None is the answer.
    weak_probs, weak_y = fake_probs(n_val, accurate=False)
    assert ex3.evaluate(fn, weak_probs, weak_y, None).status == "correct"
    assert ex3.evaluate(fn, weak_probs, weak_y, 0.999).status == "wrong"
