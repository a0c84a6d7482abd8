"""Notebook 03's exercises: each check on the blank, typical wrong answers and the solution."""

import torch
from exercise_cases import assert_exercise
from torch import nn

from exercises.nb03 import ex1

NAMESPACE = {"torch": torch, "nn": nn}  # the notebook's names the solutions use


def test_ex1_conv_output_shape():
    assert_exercise(
        ex1,
        namespace=NAMESPACE,
        wrong=[
            (((1, 8, 12, 12), 3), "without the padding"),
            (((1, 8, 26, 26), 3), "stride 1"),
            (((1, 8, 14, 14), 3), "rounds down"),
            (((1, 1, 13, 13), 3), "out_channels=8"),
            (((8, 13, 13), 3), "4 dimensions"),
            (("(1, 8, 13, 13)", 3), "a tuple of whole numbers"),
            (((1, 8, 13, 13), 6), "per side"),
            (((1, 8, 13, 13), 2), "gives 26x26"),
        ],
    )
    assert ex1.evaluate(torch.Size([1, 8, 13, 13]), 3).status == "correct"  # what `.shape` gives
