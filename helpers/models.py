"""The course's networks: a fully connected network, the seeds' compact CNN, and LeNet-5.

Each returns raw scores (logits); CrossEntropyLoss applies log-softmax itself.
Layers are named modules so forward hooks and feature extraction can reach each stage.
"""

from __future__ import annotations

from torch import nn


class ANN(nn.Sequential):
    """Fully connected network: 784 pixels -> hidden layers (ReLU, dropout) -> 10 logits."""

    def __init__(self, hidden: tuple[int, ...] = (512, 256), dropout: float = 0.2) -> None:
        layers: list[nn.Module] = [nn.Flatten()]
        width = 28 * 28
        for size in hidden:
            layers += [nn.Linear(width, size), nn.ReLU(), nn.Dropout(dropout)]
            width = size
        layers.append(nn.Linear(width, 10))
        super().__init__(*layers)


class _ConvNet(nn.Module):
    """Two conv -> ReLU -> 2x2 max-pool stages, then 400 -> 120 -> 84 -> 10."""

    def __init__(self, kernel_size: int, padding: int) -> None:
        super().__init__()
        self.features = nn.Sequential()
        self.features.add_module("conv1", nn.Conv2d(1, 6, kernel_size, padding=padding))
        self.features.add_module("relu1", nn.ReLU())
        self.features.add_module("pool1", nn.MaxPool2d(2))
        self.features.add_module("conv2", nn.Conv2d(6, 16, kernel_size))
        self.features.add_module("relu2", nn.ReLU())
        self.features.add_module("pool2", nn.MaxPool2d(2))
        self.classifier = nn.Sequential()
        self.classifier.add_module("flatten", nn.Flatten())
        self.classifier.add_module("fc1", nn.Linear(16 * 5 * 5, 120))
        self.classifier.add_module("relu3", nn.ReLU())
        self.classifier.add_module("fc2", nn.Linear(120, 84))
        self.classifier.add_module("relu4", nn.ReLU())
        self.classifier.add_module("fc3", nn.Linear(84, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


class CompactCNN(_ConvNet):
    """The seeds' CNN: 3x3 kernels, no padding: 28 -> 26 -> 13 -> 11 -> 5, so 16x5x5 = 400."""

    def __init__(self) -> None:
        super().__init__(kernel_size=3, padding=0)


class LeNet5(_ConvNet):
    """LeNet-5: 5x5 kernels; padding 2 keeps 28x28 so 28 -> 14 -> 10 -> 5, and 16x5x5 = 400 holds."""

    def __init__(self) -> None:
        super().__init__(kernel_size=5, padding=2)


MODELS: dict[str, type[nn.Module]] = {"ann": ANN, "compact_cnn": CompactCNN, "lenet5": LeNet5}


def build_model(name: str) -> nn.Module:
    """A fresh, untrained model by its course name: "ann", "compact_cnn" or "lenet5"."""
    try:
        return MODELS[name]()
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of {sorted(MODELS)}") from None


def count_parameters(model: nn.Module) -> int:
    """The number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
