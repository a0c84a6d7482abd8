"""The three networks: output shapes, parameter counts, named layers, logits, multiply-adds."""

import pytest
import torch
from torch import nn

from helpers.models import (
    ANN,
    MODELS,
    CompactCNN,
    LeNet5,
    TwoConvTwoLinear,
    TwoLayerNN,
    build_model,
    count_parameters,
    multiply_adds,
)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_models_map_a_batch_of_digits_to_ten_logits(name):
    model = build_model(name)
    assert model(torch.zeros(4, 1, 28, 28)).shape == (4, 10)


def test_parameter_counts():
    # 784*512+512 + 512*256+256 + 256*10+10
    assert count_parameters(ANN()) == 535_818
    # conv1 6*9+6, conv2 16*54+16, fc 400*120+120, 120*84+84, 84*10+10
    assert count_parameters(CompactCNN()) == 60_074
    # conv1 6*25+6, conv2 16*150+16, then the same fully connected layers
    assert count_parameters(LeNet5()) == 61_728
    # the assignment's Q1: 784*512+512 + 512*10+10
    assert count_parameters(TwoLayerNN()) == 407_050
    # the assignment's Q2: the compact CNN's convolutions (940), then 400*120+120 + 120*10+10
    assert count_parameters(TwoConvTwoLinear()) == 50_270


def test_layers_counted_as_the_course_counts_them():
    """A layer is one with weights (Linear or Conv2d): Q1's network has 2, Q2's has 2 + 2."""

    def count(model, kind):
        return sum(isinstance(m, kind) for m in model.modules())

    assert count(TwoLayerNN(), nn.Linear) == 2 and count(TwoLayerNN(), nn.Conv2d) == 0
    assert count(TwoConvTwoLinear(), nn.Conv2d) == 2 and count(TwoConvTwoLinear(), nn.Linear) == 2
    assert count(ANN(), nn.Linear) == 3 and count(CompactCNN(), nn.Linear) == 3


@pytest.mark.parametrize("model_class", [CompactCNN, TwoConvTwoLinear, LeNet5])
def test_convolutional_part_gives_16x5x5(model_class):
    model, x = model_class(), torch.zeros(1, 1, 28, 28)
    # the named layers notebook 06 hooks
    for name in ("conv1", "relu1", "pool1", "conv2", "relu2", "pool2"):
        x = getattr(model, name)(x)
    assert x.shape == (1, 16, 5, 5)


def test_dropout_only_in_training_mode():
    model, x = ANN(), torch.randn(8, 1, 28, 28)
    assert torch.equal(model.eval()(x), model(x))
    torch.manual_seed(0)
    assert not torch.equal(model.train()(x), model.eval()(x))


def test_unknown_model_name_lists_the_choices():
    with pytest.raises(ValueError, match="choose one of"):
        build_model("resnet")


def test_models_return_logits_not_probabilities():
    torch.manual_seed(0)
    out = LeNet5()(torch.randn(8, 1, 28, 28))
    assert not torch.allclose(out.exp().sum(dim=1), torch.ones(8))


def test_multiply_adds_counts_every_output_times_what_it_reads():
    # ANN: 784*512 + 512*256 + 256*10
    assert multiply_adds(ANN()) == 784 * 512 + 512 * 256 + 256 * 10
    # LeNet-5: conv1 6*28*28 outputs x 25, conv2 16*10*10 x 150, then 400*120 + 120*84 + 84*10
    assert (
        multiply_adds(LeNet5())
        == 6 * 28 * 28 * 25 + 16 * 10 * 10 * 150 + 400 * 120 + 120 * 84 + 84 * 10
    )
    # a grouped convolution reads only its group's channels
    grouped = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.Conv2d(4, 4, 3, padding=1, groups=2))
    assert multiply_adds(grouped) == 4 * 28 * 28 * 9 + 4 * 28 * 28 * 2 * 9


def test_multiply_adds_leaves_the_mode_and_no_hooks_behind():
    model = ANN().train()
    multiply_adds(model)
    assert model.training
    assert all(not m._forward_hooks for m in model.modules())
