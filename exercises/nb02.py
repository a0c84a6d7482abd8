"""Notebook 02 (ANN baseline): the exercises' checks, hints and solutions."""

from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from exercises.checking import Exercise, Wrong, ____, call, check_model, close
from helpers import ANN, MEAN, STD, denormalize, epochs, fast_mode, load_splits
from helpers.settings import SEED

__all__ = ["____", "ex1", "ex2", "ex3"]

BEGINNER_PARAMETERS = 669_706  # 784 -> 512 -> 512 -> 10
ANN_PARAMETERS = 535_818  # 784 -> 512 -> 256 -> 10
BACKGROUND = (0 - MEAN) / STD  # a blank pixel, normalised


@torch.no_grad()
def _predictions(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """The student's network's predicted digits for `images` (dropout off, mode restored)."""
    device = next(model.parameters(), torch.empty(0)).device
    training = model.training
    model.eval()
    try:
        outputs = [
            call(model, batch.to(device)).argmax(dim=1).cpu() for batch in images.split(1000)
        ]
    finally:
        model.train(training)
    return torch.cat(outputs)


def _history(history: Any, name: str) -> list[float]:
    """The validation accuracies of a history from train_by_hand, checked; `Wrong` otherwise."""
    if not isinstance(history, Mapping) or "val_acc" not in history:
        raise Wrong(f"{name} should be the history train_by_hand returns (a dict with 'val_acc')")
    accuracies = history["val_acc"]
    if not isinstance(accuracies, (list, tuple)) or not all(
        isinstance(a, (int, float)) for a in accuracies
    ):
        raise Wrong(f"{name}['val_acc'] should be a list of accuracies, one per epoch")
    return list(accuracies)


# Exercise 1: SGD made to work, with a larger learning rate and momentum.
def _check_momentum(sgd_model: Any, momentum_optimizer: Any, momentum_history: Any) -> str:
    """Exercise 1: SGD(lr=0.05, momentum=0.9) on the beginner's network, epochs(2), trained."""
    check_model(sgd_model, layer_types={nn.Linear: 3}, n_params=BEGINNER_PARAMETERS)
    if not isinstance(momentum_optimizer, torch.optim.Optimizer):
        raise Wrong(
            "momentum_optimizer should be an optimizer, torch.optim.SGD(...); "
            f"you gave {type(momentum_optimizer).__name__}"
        )
    if not isinstance(momentum_optimizer, torch.optim.SGD):
        raise Wrong(
            f"momentum_optimizer is {type(momentum_optimizer).__name__}: this exercise makes "
            "plain SGD work (torch.optim.SGD)"
        )
    group = momentum_optimizer.param_groups[0]
    if not close(group["lr"], 0.05):
        raise Wrong(f"the learning rate is {group['lr']}; this exercise uses lr=0.05")
    if group.get("momentum", 0) == 0:
        raise Wrong("momentum is 0, plain SGD: add momentum=0.9")
    if not close(group["momentum"], 0.9):
        raise Wrong(f"momentum is {group['momentum']}; this exercise uses momentum=0.9")
    updated = {id(p) for g in momentum_optimizer.param_groups for p in g["params"]}
    if updated != {id(p) for p in sgd_model.parameters()}:
        raise Wrong(
            "momentum_optimizer updates other weights than sgd_model's: "
            "build it from sgd_model.parameters()"
        )
    if not momentum_optimizer.state:
        raise Wrong("momentum_optimizer has not taken a step yet: train with it (train_by_hand)")
    accuracies = _history(momentum_history, "momentum_history")
    if len(accuracies) != epochs(2):
        raise Wrong(
            f"momentum_history has {len(accuracies)} epochs; train epochs(2) "
            f"(here {epochs(2)}), as the statement says"
        )
    threshold = 0.70 if fast_mode() else 0.96
    if accuracies[-1] < threshold:
        raise Wrong(
            f"validation accuracy {accuracies[-1]:.2%}, below {threshold:.0%}: train sgd_model "
            "with momentum_optimizer, from the seeded start"
        )
    return f"{accuracies[-1]:.2%} validation accuracy in {len(accuracies)} epoch(s) of SGD."


ex1 = Exercise(
    "ex1",
    _check_momentum,
    hints=[
        "torch.optim.SGD takes the parameters to update, then `lr=` and `momentum=`.",
        "momentum_optimizer = torch.optim.SGD(sgd_model.parameters(), lr=0.05, momentum=0.9); "
        "train_by_hand takes the model, the optimizer and the number of epochs.",
        "momentum_history = train_by_hand(sgd_model, momentum_optimizer, epochs(2))",
    ],
    solution="""
        seed_everything(SEED)
        sgd_model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 512), nn.ReLU(),
                                  nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
        momentum_optimizer = torch.optim.SGD(sgd_model.parameters(), lr=0.05, momentum=0.9)
        momentum_history = train_by_hand(sgd_model, momentum_optimizer, epochs(2))
        print(f"SGD, lr=0.05, momentum 0.9: {momentum_history['val_acc'][-1]:.2%} "
              f"after {len(momentum_history['val_acc'])} epoch(s)")
        print(f"SGD, lr=0.001 (beginner):   {sgd_history['val_acc'][-1]:.2%} "
              f"after {len(sgd_history['val_acc'])} epoch(s)")
    """,
    why="Nothing was wrong with SGD itself: at lr=0.001 its steps were too small. Fifty times the "
    "learning rate makes each step larger, and momentum keeps a running average of recent "
    "gradients, so steps that agree add up while noisy ones cancel. In fewer epochs it passes "
    "the beginner's recipe by a wide margin; set it beside section 7's printed Adam numbers.",
    answer_names=("sgd_model", "momentum_optimizer", "momentum_history"),
)


# Exercise 2: a fully connected network learns shuffled pixels as well as the real images.
CHECK_IMAGES = 3


def _pixel_order(shuffle_pixels: Any) -> torch.Tensor:
    """The permutation `shuffle_pixels` applies, after checking that it is one fixed shuffle."""
    if not callable(shuffle_pixels) or isinstance(shuffle_pixels, (nn.Module, type)):
        raise Wrong(f"shuffle_pixels should be your function, not {shuffle_pixels!r:.60}")
    numbered = torch.arange(CHECK_IMAGES * 784, dtype=torch.float32).reshape(-1, 1, 28, 28)
    out = call(shuffle_pixels, numbered.clone())
    if not isinstance(out, torch.Tensor):
        raise Wrong(f"shuffle_pixels returned {type(out).__name__}, not a tensor of images")
    if tuple(out.shape) != tuple(numbered.shape):
        raise Wrong(
            f"shuffle_pixels turned images of shape {tuple(numbered.shape)} into "
            f"{tuple(out.shape)}: give them back as [N, 1, 28, 28] (reshape)"
        )
    rows = out.detach().cpu().flatten(1).long() - 784 * torch.arange(CHECK_IMAGES).view(-1, 1)
    if not all(torch.equal(row.sort().values, torch.arange(784)) for row in rows):
        raise Wrong("shuffle_pixels does more than reorder each image's own 784 pixels")
    if not all(torch.equal(row, rows[0]) for row in rows):
        raise Wrong("shuffle_pixels shuffles each image differently: use one `permutation` for all")
    again = call(shuffle_pixels, numbered.clone())
    if not isinstance(again, torch.Tensor) or not torch.equal(again.detach().cpu(), out.cpu()):
        raise Wrong(
            "shuffle_pixels shuffles differently on each call: draw the permutation once "
            "(section 2's `permutation`), not inside the function"
        )
    if torch.equal(rows[0], torch.arange(784)):
        raise Wrong("shuffle_pixels leaves every pixel where it was: apply `permutation`")
    return rows[0]


def _share_unshuffled_with_ink_on_frame(images: torch.Tensor, order: torch.Tensor) -> float:
    """Undo `order` on the images; the share with ink on the outermost frame (real digits: ~1%)."""
    originals = images.detach().cpu().flatten(1)[:, order.argsort()].reshape(-1, 28, 28)
    frame = torch.ones(28, 28, dtype=torch.bool)
    frame[1:-1, 1:-1] = False
    return (originals[:, frame] > BACKGROUND + 1e-3).any(dim=1).float().mean().item()


def _check_shuffled(
    shuffle_pixels: Any, shuffled_splits: Any, normal_model: Any, shuffled_model: Any
) -> str:
    """Exercise 2: one fixed pixel shuffle for all three splits; both ANNs learn it equally well."""
    order = _pixel_order(shuffle_pixels)
    names = ("train_x", "train_y", "val_x", "val_y", "test_x", "test_y")
    if getattr(shuffled_splits, "_fields", None) != names:
        raise Wrong("shuffled_splits should be like `splits`: splits._replace(train_x=..., ...)")
    for name in ("train_x", "val_x", "test_x"):
        images = getattr(shuffled_splits, name)
        if not isinstance(images, torch.Tensor) or images.dim() != 4 or len(images) == 0:
            raise Wrong(f"shuffled_splits.{name} should be images [N, 1, 28, 28]")
        if _share_unshuffled_with_ink_on_frame(images, order) > 0.1:
            unchanged = _share_unshuffled_with_ink_on_frame(images, torch.arange(784)) < 0.1
            raise Wrong(
                f"shuffled_splits.{name} holds the original images: shuffle it too, or the "
                "network meets pixels in an order it never learned"
                if unchanged
                else f"shuffled_splits.{name} is not shuffled with shuffle_pixels"
            )
    if normal_model is shuffled_model:
        raise Wrong("normal_model and shuffled_model are one network: train two, one on each")
    accuracies = {}
    for name, model in (("normal_model", normal_model), ("shuffled_model", shuffled_model)):
        check_model(model, layer_types={nn.Linear: 3}, n_params=ANN_PARAMETERS)
        images = shuffled_splits.val_x
        if name == "normal_model":  # undo the shuffle: the original validation images
            images = images.flatten(1)[:, order.argsort()].reshape(images.shape)
        predicted = _predictions(model, images)
        accuracies[name] = (predicted == shuffled_splits.val_y.cpu()).float().mean().item()
    threshold = 0.50 if fast_mode() else 0.95
    for name, accuracy in accuracies.items():
        if accuracy < threshold:
            other = "shuffled_splits" if name == "shuffled_model" else "splits (the real images)"
            raise Wrong(
                f"{name} gets {accuracy:.2%} of its validation images right, below "
                f"{threshold:.0%}: train it with the short recipe on {other}"
            )
    gap = abs(accuracies["normal_model"] - accuracies["shuffled_model"])
    if not fast_mode() and gap > 0.02:
        raise Wrong(
            f"the two differ by {gap:.2%}: trained with the same recipe they come within about "
            "a point of each other; train both with short_recipe"
        )
    return (
        f"validation accuracy {accuracies['normal_model']:.2%} on the images, "
        f"{accuracies['shuffled_model']:.2%} on the shuffled pixels."
    )


ex2 = Exercise(
    "ex2",
    _check_shuffled,
    hints=[
        "Section 2 shuffles five images with `images.flatten(1)[:, permutation]`, then reshapes "
        "them back to [N, 1, 28, 28]. Every split must be shuffled the same way, validation too.",
        "`splits._replace(train_x=shuffle_pixels(train_x), val_x=..., test_x=...)` keeps the "
        "labels. train_recipe(ANN, short_recipe, device, some_splits, verbose=False) returns "
        "(model, meta).",
        "normal_model, _ = train_recipe(ANN, short_recipe, device, splits, verbose=False); "
        "the same with shuffled_splits gives shuffled_model.",
    ],
    solution="""
        from dataclasses import replace

        short_recipe = replace(ANN_RECIPE, epochs=2)  # the course recipe, 2 epochs (1 in fast mode)

        def shuffle_pixels(images):
            return images.flatten(1)[:, permutation].reshape(-1, 1, 28, 28)

        shuffled_splits = splits._replace(train_x=shuffle_pixels(train_x),
                                          val_x=shuffle_pixels(val_x),
                                          test_x=shuffle_pixels(test_x))
        normal_model, normal_meta = train_recipe(ANN, short_recipe, device, splits,
                                                 verbose=False)
        shuffled_model, shuffled_meta = train_recipe(ANN, short_recipe, device, shuffled_splits,
                                                     verbose=False)
        print(f"real images:     validation accuracy {normal_meta['val_accuracy']:.2%}")
        print(f"shuffled pixels: validation accuracy {shuffled_meta['val_accuracy']:.2%}")
    """,
    why="A fully connected layer gives every input its own weight and ignores their order, so "
    "shuffling the inputs only shuffles which weight meets which pixel: same random seed, same "
    "batches, and the two networks end within about a point of each other. The validation "
    "(and test) images must be shuffled with the same permutation: a network that learned the "
    "shuffled order cannot read real digits. A CNN would lose its advantage here (notebook 03).",
    answer_names=("shuffle_pixels", "shuffled_splits", "normal_model", "shuffled_model"),
)


# Exercise 3: one epoch on training data sorted by label.
_VALIDATION: dict[bool, tuple[torch.Tensor, torch.Tensor]] = {}


def _validation() -> tuple[torch.Tensor, torch.Tensor]:
    """The notebook's validation images and labels (load_splits(), this mode), read once."""
    if fast_mode() not in _VALIDATION:
        splits = load_splits()
        _VALIDATION[fast_mode()] = (splits.val_x, splits.val_y)
    return _VALIDATION[fast_mode()]


def _loader_data(sorted_loader: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """All the images and labels `sorted_loader` gives in one epoch, in its order."""
    if isinstance(sorted_loader, (str, bytes, torch.Tensor, nn.Module)) or not hasattr(
        sorted_loader, "__iter__"
    ):
        raise Wrong(f"sorted_loader should be a TensorLoader; you gave {sorted_loader!r:.60}")
    images, labels = [], []
    try:
        for batch in sorted_loader:
            x, y = batch
            images.append(x.detach().cpu())
            labels.append(y.detach().cpu())
    except Exception:  # not batches of (images, labels)
        raise Wrong(
            "sorted_loader should give batches of (images, labels): a TensorLoader"
        ) from None
    if not images:
        raise Wrong("sorted_loader gives no batches")
    return torch.cat(images), torch.cat(labels)


def _check_sorted(sorted_loader: Any, sorted_model: Any, val_counts: Any) -> str:
    """Exercise 3: batches in label order, one epoch of Adam, predictions on the validation set."""
    images, labels = _loader_data(sorted_loader)
    if len(labels.unique()) != 10:
        raise Wrong(f"sorted_loader gives {len(labels.unique())} digits: sort all of train_x")
    if not bool((labels[1:] >= labels[:-1]).all()):
        raise Wrong(
            "sorted_loader's batches are not in label order: sort with `order` and keep "
            "shuffle=False"
        )
    ink = [denormalize(images[labels == d]).mean().item() for d in (0, 1)]
    if not ink[1] < ink[0] - 0.03:
        raise Wrong("sorted_loader's images do not match their labels: index both with `order`")
    check_model(sorted_model)
    if isinstance(val_counts, (list, tuple)):
        try:
            val_counts = torch.tensor(val_counts)
        except (TypeError, ValueError, RuntimeError):
            raise Wrong("val_counts should be 10 whole numbers") from None
    if not isinstance(val_counts, torch.Tensor) or val_counts.is_floating_point():
        raise Wrong("val_counts should be the 10 counts torch.bincount(..., minlength=10) gives")
    if tuple(val_counts.shape) != (10,):
        raise Wrong(f"val_counts has shape {tuple(val_counts.shape)}: use minlength=10, 10 counts")
    val_x, val_y = _validation()
    if int(val_counts.sum()) != len(val_y):
        raise Wrong(
            f"val_counts adds up to {int(val_counts.sum())}; there are {len(val_y)} validation "
            "images, one prediction each"
        )
    if torch.equal(val_counts.cpu(), torch.bincount(val_y, minlength=10)):
        raise Wrong("val_counts are the validation labels' counts: count the model's predictions")
    predicted = _predictions(sorted_model, val_x)
    accuracy = (predicted == val_y).float().mean().item()
    if accuracy > 0.5:
        raise Wrong(
            f"sorted_model gets {accuracy:.0%} of the validation images right: that is not a "
            "fresh ANN() trained one epoch on sorted_loader only"
        )
    if (val_counts.cpu() - torch.bincount(predicted, minlength=10)).abs().sum() > 2:
        raise Wrong("val_counts are not sorted_model's predictions on the validation images")
    with torch.random.fork_rng(devices=[]):  # the notebook's random state stays as it was
        torch.manual_seed(SEED)
        fresh = ANN()  # what seed_everything(SEED); ANN() starts from
    if all(
        a.shape == b.shape and torch.equal(a.detach().cpu(), b)
        for a, b in zip(sorted_model.parameters(), fresh.parameters())
    ):
        raise Wrong("sorted_model has its initial weights: train it one epoch on sorted_loader")
    top = int(val_counts.argmax())
    return (
        f"{accuracy:.0%} right, and {int(val_counts.max())} of {len(val_y)} validation images "
        f"called {top}: sorted batches teach one digit at a time."
    )


ex3 = Exercise(
    "ex3",
    _check_sorted,
    hints=[
        "`train_x[order]` and `train_y[order]` are the training set in label order; "
        "TensorLoader(..., shuffle=False) hands them out in that order.",
        "A fresh model and optimizer: sorted_model = ANN().to(device) and "
        "torch.optim.Adam(sorted_model.parameters(), lr=1e-3); train_one_epoch(model, loader, "
        "loss_fn, optimizer, device).",
        "predictions = sorted_model.eval()(val_x.to(device)).argmax(dim=1).cpu() under "
        "torch.no_grad(); val_counts = torch.bincount(predictions, minlength=10)",
    ],
    solution="""
        order = train_y.argsort(stable=True)
        sorted_loader = TensorLoader(train_x[order], train_y[order], BATCH_SIZE, shuffle=False)
        seed_everything(SEED)
        sorted_model = ANN().to(device)
        train_one_epoch(sorted_model, sorted_loader, loss_fn,
                        torch.optim.Adam(sorted_model.parameters(), lr=1e-3), device)
        _, sorted_accuracy = evaluate(sorted_model, TensorLoader(val_x, val_y, 1000, shuffle=False),
                                      loss_fn, device)
        with torch.no_grad():
            predictions = sorted_model.eval()(val_x.to(device)).argmax(dim=1).cpu()
        val_counts = torch.bincount(predictions, minlength=10)
        print(f"validation accuracy after one epoch on sorted data: {sorted_accuracy:.2%}")
        print("predictions per digit:", val_counts.tolist())
    """,
    why="Sorted, the model sees hundreds of batches of 0s, then of 1s, and so on: each stretch "
    "pushes it towards always answering the current digit, and it ends the epoch having just "
    "learned to answer mostly the last digits it saw (expect 9 to lead the printed counts), so its "
    "validation accuracy is expected near that of always answering one digit. "
    "Shuffling makes every batch a fair sample of all ten digits, so no stretch can undo the rest.",
    answer_names=("sorted_loader", "sorted_model", "val_counts"),
)
