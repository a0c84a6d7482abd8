"""The course's networks, the same code as notebooks 02 and 03 (a test checks).

02: ANN, TwoLayerNN; 03: CompactCNN, TwoConvTwoLinear, LeNet5. The course counts as a layer one
with weights (Linear or Conv2d).

Each returns logits (nn.CrossEntropyLoss applies log-softmax); each layer is a named attribute,
for hooks.
"""

from __future__ import annotations

import torch
from torch import nn


class ANN(nn.Module):
    """Fully connected network: 784 pixels -> 512 -> 256 -> 10 logits, ReLU and dropout between."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()  # [B, 1, 28, 28] -> [B, 784]
        self.fc1 = nn.Linear(28 * 28, 512)  # [B, 512]
        self.relu1 = nn.ReLU()
        self.drop1 = nn.Dropout(0.2)  # training only: zeroes 20% of the values at random
        self.fc2 = nn.Linear(512, 256)  # [B, 256]
        self.relu2 = nn.ReLU()
        self.drop2 = nn.Dropout(0.2)
        self.fc3 = nn.Linear(256, 10)  # [B, 10] logits, one score per digit

    def forward(self, x):
        x = self.flatten(x)
        x = self.drop1(self.relu1(self.fc1(x)))
        x = self.drop2(self.relu2(self.fc2(x)))
        return self.fc3(x)


class TwoLayerNN(nn.Module):
    """The assignment's Q1 as asked: 2 layers with weights, 784 pixels -> 512 -> 10 logits."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()  # [B, 1, 28, 28] -> [B, 784]
        self.fc1 = nn.Linear(28 * 28, 512)  # layer 1: [B, 512]
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(512, 10)  # layer 2: [B, 10] logits

    def forward(self, x):
        return self.fc2(self.relu1(self.fc1(self.flatten(x))))


class CompactCNN(nn.Module):
    """The seeds' CNN: 3x3 kernels, no padding, then 400 -> 120 -> 84 -> 10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=3)  # [B, 1, 28, 28] -> [B, 6, 26, 26]
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)  # [B, 6, 13, 13]
        self.conv2 = nn.Conv2d(6, 16, kernel_size=3)  # [B, 16, 11, 11]
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)  # [B, 16, 5, 5] (odd row and column dropped)
        self.flatten = nn.Flatten()  # [B, 400]
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # [B, 120]
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(120, 84)  # [B, 84]
        self.relu4 = nn.ReLU()
        self.fc3 = nn.Linear(84, 10)  # [B, 10] logits

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        x = self.flatten(x)
        x = self.relu3(self.fc1(x))
        x = self.relu4(self.fc2(x))
        return self.fc3(x)


class TwoConvTwoLinear(nn.Module):
    """The assignment's Q2: the compact CNN's 2 convolutions, 2 linear layers (400 -> 120 -> 10)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=3)  # [B, 6, 26, 26]
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)  # [B, 6, 13, 13]
        self.conv2 = nn.Conv2d(6, 16, kernel_size=3)  # [B, 16, 11, 11]
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)  # [B, 16, 5, 5]
        self.flatten = nn.Flatten()  # [B, 400]
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # [B, 120]
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(120, 10)  # [B, 10] logits

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        x = self.flatten(x)
        x = self.relu3(self.fc1(x))
        return self.fc2(x)


class LeNet5(nn.Module):
    """LeNet-5 with BatchNorm: 5x5 kernels; padding 2 keeps 28x28.

    So 28 -> 14 -> 10 -> 5, and 16x5x5 = 400 holds.
    """

    def __init__(self):
        super().__init__()
        # bias=False: BatchNorm's shift is the bias
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5, padding=2, bias=False)  # [B, 6, 28, 28]
        # each channel: normalise, scale, shift
        self.bn1 = nn.BatchNorm2d(6)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)  # [B, 6, 14, 14]
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5, bias=False)  # [B, 16, 10, 10]
        self.bn2 = nn.BatchNorm2d(16)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)  # [B, 16, 5, 5]
        self.flatten = nn.Flatten()  # [B, 400]
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # [B, 120]
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(120, 84)  # [B, 84]
        self.relu4 = nn.ReLU()
        self.fc3 = nn.Linear(84, 10)  # [B, 10] logits

    def forward(self, x):
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.pool2(self.relu2(self.bn2(self.conv2(x))))
        x = self.flatten(x)
        x = self.relu3(self.fc1(x))
        x = self.relu4(self.fc2(x))
        return self.fc3(x)


MODELS: dict[str, type[nn.Module]] = {
    "ann": ANN,
    "two_layer_nn": TwoLayerNN,
    "compact_cnn": CompactCNN,
    "two_conv_two_linear": TwoConvTwoLinear,
    "lenet5": LeNet5,
}


def build_model(name: str) -> nn.Module:
    """A fresh, untrained model by its course name (a key of MODELS, e.g. "ann" or "lenet5")."""
    try:
        return MODELS[name]()
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of {sorted(MODELS)}") from None


def count_parameters(model: nn.Module) -> int:
    """The number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def multiply_adds(model: nn.Module) -> int:
    """Forward multiply-adds for one 28x28 image, counted by hooks on the Conv2d and Linear layers."""
    total = 0

    def count(module: nn.Module, inputs: object, output: torch.Tensor) -> None:
        nonlocal total
        if isinstance(module, nn.Linear):
            per_output = module.in_features  # each output value reads every input once
        else:
            k_h, k_w = module.kernel_size
            per_output = module.in_channels // module.groups * k_h * k_w
        total += output[0].numel() * per_output  # output[0]: one image's outputs

    hooks = [
        m.register_forward_hook(count)
        for m in model.modules()
        if isinstance(m, (nn.Conv2d, nn.Linear))
    ]
    try:
        with torch.no_grad():
            was_training = model.training
            model.eval()(torch.zeros(1, 1, 28, 28, device=next(model.parameters()).device))
            model.train(was_training)
    finally:
        for hook in hooks:
            hook.remove()
    return total
