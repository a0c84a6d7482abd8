"""Notebook 06's exercises: each check on the blank, typical wrong answers and the solution."""

import numpy as np
import torch
from exercise_cases import assert_exercise, solution_answers
from sklearn.neighbors import NearestNeighbors

from exercises.nb06 import ex1, ex2, ex3
from helpers import LeNet5

NAMESPACE = {"np": np, "torch": torch, "NearestNeighbors": NearestNeighbors}


def test_ex1_input_slices():
    assert_exercise(
        ex1,
        namespace=NAMESPACE,
        wrong=[
            ((lambda conv, c: conv.weight[c].detach(), "b"), "that is filter 2"),
            ((lambda conv, c: conv.weight[:, c : c + 1].detach(), "b"), "index the channel"),
            ((lambda conv, c: conv.weight[:, c], "b"), ".detach() them"),
            ((lambda conv, c: conv.weight[:, c + 1].detach(), "b"), "not the weights that read"),
            ((lambda conv, c: conv.weight[:, c].detach().numpy(), "b"), "return a tensor"),
            ((lambda conv, c: conv.weight.detach()[:, :, c], "b"), "have shape (16, 6, 5)"),
            (
                (lambda conv, c: LeNet5().conv2.weight[:, c].detach(), "b"),
                "not the weights that read",
            ),
            ((lambda conv, c: conv.weight[:, c].detach(), "a"), "conv2 never sees pixels"),
            ((lambda conv, c: conv.weight[:, c].detach(), "c"), "same backpropagation"),
            ((lambda conv, c: conv.weight[:, c].detach(), 2), 'one of "a", "b", "c"'),
        ],
    )
    real = LeNet5().conv2  # the notebook's layer: 16 filters reading 6 maps
    (input_slices, _) = solution_answers(ex1, NAMESPACE)
    assert tuple(input_slices(real, 0).shape) == (16, 5, 5)


def test_ex2_shift_and_hook():
    (shift_right, stage_output) = solution_answers(ex2, NAMESPACE)

    def forgets_remove(model, name, images):
        stored = {}
        getattr(model, name).register_forward_hook(lambda m, i, o: stored.update(out=o))
        model(images)
        return stored["out"]

    def returns_logits(model, name, images):
        return model(images)

    def always_conv1(model, name, images):
        return stage_output(model, "conv1", images)

    def forgets_eval(model, name, images):
        stored = {}
        handle = getattr(model, name).register_forward_hook(lambda m, i, o: stored.update(out=o))
        try:
            with torch.no_grad():
                model(images)
        finally:
            handle.remove()
        return stored["out"]

    assert_exercise(
        ex2,
        namespace=NAMESPACE,
        wrong=[
            ((lambda x, p: torch.roll(x, p, dims=-2), stage_output), "moved down"),
            ((lambda x, p: torch.roll(x, -p, dims=-1), stage_output), "moved left"),
            ((lambda x, p: torch.roll(x, p), stage_output), "give dims=-1"),
            ((lambda x, p: x[..., p:], stage_output), "it should keep the shape"),
            ((shift_right, forgets_remove), "hook(s) are still attached"),
            ((shift_right, returns_logits), "the network's output (2, 10)"),
            ((shift_right, always_conv1), "not the values of model.relu1"),
            ((shift_right, forgets_eval), "still in training mode"),
            ((shift_right, lambda m, n, x: None), "returned NoneType"),
        ],
    )
    model = LeNet5()  # the notebook's network: the solution works on it, and cleans up
    out = stage_output(model, "relu1", shift_right(torch.zeros(1, 1, 28, 28), 4))
    assert tuple(out.shape) == (1, 6, 28, 28) and not model.training
    assert sum(len(m._forward_hooks) for m in model.modules()) == 0


def test_ex3_neighbour_agreement():
    (solution, _) = solution_answers(ex3, NAMESPACE)

    def with_itself(points, labels, k=10):
        _, idx = NearestNeighbors(n_neighbors=k).fit(points).kneighbors(points)
        labels = torch.as_tensor(labels)
        return (labels[torch.as_tensor(idx)].mode(dim=1).values == labels).float().mean().item()

    def counts(points, labels, k=10):
        return solution(points, labels, k) * len(labels)

    def k_ignored(points, labels, k=10):
        return solution(points, labels, 10)

    assert_exercise(
        ex3,
        namespace=NAMESPACE,
        wrong=[
            ((with_itself, "a"), "its own nearest neighbour"),
            ((counts, "a"), "a count"),
            ((k_ignored, "a"), "neighbour_agreement(points, labels, 1) gave"),
            ((lambda p, y, k=10: [0.9], "a"), "return one number"),
            ((solution, "b"), "no number of clusters"),
            ((solution, "c"), "the picture changes too"),
        ],
    )
    assert ex3.evaluate(lambda p, y, k=10: torch.tensor(solution(p, y, k)), "a").status == "correct"
