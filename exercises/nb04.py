"""Notebook 04 (training comparison): the exercises' checks, hints and solutions."""

from pathlib import Path
from typing import Any

from torch import nn

from exercises.checking import (
    Exercise,
    NotAttempted,
    Wrong,
    ____,
    call,
    check_model,
    close,
    is_blank,
    loss_decreases,
)
from helpers.compare import beats

__all__ = ["____", "ex1", "ex2", "ex3", "ex4"]

DEFAULT_LR, SEEDS_LR = 1e-3, 0.02  # the notebook's settings cell: Adam's default, the seed's lr
NO_BN_PARAMETERS = 61_728 - 2 * (6 + 16) + (6 + 16)  # LeNet-5, less BatchNorm's 44, plus 22 biases


def _fast() -> bool:
    from helpers.settings import fast_mode  # read when a check runs, as the notebook does

    return fast_mode()


def _span(values: list[float], scale: float = 100) -> str:
    """`2.1-3.0`: the range of some numbers, in points."""
    return f"{scale * min(values):.1f} to {scale * max(values):.1f}"


# Exercise 1: does BatchNorm protect LeNet-5 from lr 0.02? Only BatchNorm changes.
def _check_network(build: Any) -> None:
    """LeNet5NoBN: a class whose networks are LeNet-5's layers without BatchNorm."""
    if not (isinstance(build, type) and issubclass(build, nn.Module)):
        raise Wrong(
            "LeNet5NoBN should be the class itself (class LeNet5NoBN(nn.Module): ...), not "
            f"{type(build).__name__}"
        )
    net = call(build)
    if is_blank(net):
        raise NotAttempted(
            "LeNet5NoBN's forward is still `...`: write it, then run the cell again."
        )
    check_model(net, layer_types={nn.BatchNorm2d: 0, nn.Conv2d: 2, nn.Linear: 3})
    if any(m.bias is None for m in net.modules() if isinstance(m, nn.Conv2d)):
        raise Wrong(
            "a convolution has bias=False: that was there because BatchNorm's shift replaced the "
            "bias; without BatchNorm, give the convolutions their bias back"
        )
    check_model(net, n_params=NO_BN_PARAMETERS)
    loss_decreases(net)


def _accuracy_lists(results: Any) -> dict[tuple[str, float], list[float]]:
    """results[(network, lr)] for the four settings, each a list of accuracies, one per seed."""
    if not isinstance(results, dict):
        raise Wrong(
            "results should be a dict: results[('BN', 0.02)] = [the validation accuracy of "
            f"each seed], ...; you gave {type(results).__name__}"
        )
    found = {}
    for name in ("BN", "no BN"):
        for lr in (DEFAULT_LR, SEEDS_LR):
            keys = [
                k
                for k in results
                if isinstance(k, tuple) and len(k) == 2 and k[0] == name and close(k[1], lr)
            ]
            if not keys:
                raise Wrong(f"results has no entry for ({name!r}, {lr}): four settings, 2 x 2")
            values = results[keys[0]]
            if not isinstance(values, (list, tuple)) or not all(
                isinstance(v, float) and 0 <= v <= 1 for v in values
            ):
                raise Wrong(
                    f"results[({name!r}, {lr})] should be a list of validation accuracies "
                    "between 0 and 1 (meta['val_accuracy']), one per seed"
                )
            found[name, lr] = list(values)
    lengths = {len(v) for v in found.values()}
    if len(lengths) > 1:
        raise Wrong(f"the four lists have {sorted(lengths)} runs: one run per seed, the same seeds")
    if lengths.pop() < 2:
        raise Wrong(
            "one run per setting cannot show how much the seed moves it: use every seed in SEEDS"
        )
    return found


def _check_batchnorm(LeNet5NoBN: Any, results: Any, verdict: Any) -> str:
    """Exercise 1: the network, the 2 x 2 x seeds accuracies, and a verdict that they support."""
    _check_network(LeNet5NoBN)
    found = _accuracy_lists(results)
    threshold = 0.3 if _fast() else 0.9
    # Two seeds can share an accuracy by chance (500 validation images in fast mode), but
    # hardly for both networks at once: then the seed did not reach the runs.
    if all(len(set(found[name, DEFAULT_LR])) == 1 for name in ("BN", "no BN")):
        raise Wrong(
            f"every seed gave the same accuracy at lr {DEFAULT_LR}, for both networks: pass "
            "seed=seed to the Recipe, so each run starts differently"
        )
    for name in ("BN", "no BN"):
        low = found[name, DEFAULT_LR]
        if min(low) < threshold:
            raise Wrong(
                f"({name!r}, {DEFAULT_LR}) reached only {min(low):.1%} (expected at least "
                f"{threshold:.0%} at Adam's default lr): check the training"
            )
    drops = {
        name: [a - b for a, b in zip(found[name, DEFAULT_LR], found[name, SEEDS_LR])]
        for name in ("BN", "no BN")
    }
    if beats(drops["no BN"], drops["BN"]):  # the course's rule: beyond the seeds' spread
        correct = "a"
    elif beats(drops["BN"], drops["no BN"]):
        correct = "c"
    else:
        correct = "b"
    numbers = (
        f"lr 0.02 cost LeNet-5 {_span(drops['BN'])} points with BatchNorm and "
        f"{_span(drops['no BN'])} without ({len(drops['BN'])} seeds)"
    )
    letter = verdict.strip().strip("().").lower() if isinstance(verdict, str) else None
    if letter not in ("a", "b", "c"):
        raise Wrong(f'verdict: answer with one of the letters "a", "b", "c"; you wrote {verdict!r}')
    if letter != correct:
        need = {
            "a": "that needs every drop without BatchNorm to be larger than every drop with it",
            "b": "the drops do not overlap, so the difference is beyond these seeds' spread",
            "c": "that needs every drop with BatchNorm to be larger than every drop without it",
        }[letter]
        raise Wrong(f"not ({letter}): {numbers}; {need}")
    reading = {
        "a": "BatchNorm protected it, beyond the seeds' spread",
        "b": "the ranges overlap: not shown on these runs",
        "c": "BatchNorm did not protect it here: the opposite, beyond the spread",
    }[correct]
    return f"{numbers}: {reading}."


ex1 = Exercise(
    "ex1",
    _check_batchnorm,
    hints=[
        "LeNet5NoBN: copy LeNet5 from notebook 03 (or helpers/models.py), delete bn1 and bn2 from "
        "__init__ and forward, and drop bias=False from the two convolutions.",
        "results: loop over ('BN', LeNet5) and ('no BN', LeNet5NoBN), over the lrs DEFAULT_LR and "
        "SEEDS_LR, and over SEEDS; each run is train_recipe(build, Recipe(epochs=LR_EPOCHS, "
        "batch_size=BATCH_SIZE, lr=lr, one_cycle=False, seed=seed), device, sweep, "
        "verbose=False, test=False), and its meta['val_accuracy'] goes into results[(name, lr)].",
        "verdict: for each network and seed, drop = accuracy at 0.001 - accuracy at 0.02. "
        "Is every 'no BN' drop larger than every 'BN' drop (a), the other way round (c), or do "
        "the two ranges overlap (b)?",
    ],
    solution='''
        class LeNet5NoBN(nn.Module):
            """LeNet-5 without BatchNorm; otherwise the same layers (convolutions with a bias)."""

            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 6, kernel_size=5, padding=2)   # [B, 6, 28, 28]
                self.relu1 = nn.ReLU()
                self.pool1 = nn.MaxPool2d(2)                             # [B, 6, 14, 14]
                self.conv2 = nn.Conv2d(6, 16, kernel_size=5)             # [B, 16, 10, 10]
                self.relu2 = nn.ReLU()
                self.pool2 = nn.MaxPool2d(2)                             # [B, 16, 5, 5]
                self.flatten = nn.Flatten()                              # [B, 400]
                self.fc1 = nn.Linear(16 * 5 * 5, 120)
                self.relu3 = nn.ReLU()
                self.fc2 = nn.Linear(120, 84)
                self.relu4 = nn.ReLU()
                self.fc3 = nn.Linear(84, 10)

            def forward(self, x):
                x = self.pool1(self.relu1(self.conv1(x)))
                x = self.pool2(self.relu2(self.conv2(x)))
                x = self.flatten(x)
                x = self.relu3(self.fc1(x))
                x = self.relu4(self.fc2(x))
                return self.fc3(x)


        results = {}
        for name, build in (("BN", LeNet5), ("no BN", LeNet5NoBN)):
            for lr in (DEFAULT_LR, SEEDS_LR):
                results[name, lr] = []
                for seed in SEEDS:
                    recipe = Recipe(epochs=LR_EPOCHS, batch_size=BATCH_SIZE, lr=lr,
                                    one_cycle=False, seed=seed)
                    _, meta = train_recipe(build, recipe, device, sweep, verbose=False,
                                           test=False)
                    results[name, lr].append(meta["val_accuracy"])
                print(f"{name:5} lr {lr}: " + ", ".join(f"{a:.2%}" for a in results[name, lr]))
        drops = {name: [a - b for a, b in zip(results[name, DEFAULT_LR], results[name, SEEDS_LR])]
                 for name in ("BN", "no BN")}
        print("drops from lr 0.001 to 0.02 (points):",
              {name: [round(100 * d, 1) for d in ds] for name, ds in drops.items()})
        if min(drops["no BN"]) > max(drops["BN"]):
            verdict = "a"
        elif min(drops["BN"]) > max(drops["no BN"]):
            verdict = "c"
        else:
            verdict = "b"
    ''',
    why="Only BatchNorm differs between the two networks (with the convolutions' bias back, which "
    "BatchNorm's shift had replaced), and each network is its own baseline: what lr 0.02 costs "
    "it against lr 0.001, seed by seed. Section 2's runs could not say whether BatchNorm "
    "matters (every one of them has it), nor could the seeds' compact CNN, which differs in its"
    " kernels and padding too. Three seeds are few: a verdict counts only when every drop of "
    "one network exceeds every drop of the other; otherwise the honest answer is 'not shown'. "
    "The expectation from the BatchNorm paper (Ioffe and Szegedy, 2015) is that normalised "
    "layers tolerate larger steps; the check judges your verdict by your own runs, whatever "
    "they show.",
    answer_names=("LeNet5NoBN", "results", "verdict"),
)


# Exercise 2: the per-sample loop without PIL, and the share of the cost the PIL image was.
def _check_pipeline(per_sample_loader: Any, pil_share: Any) -> str:
    """Exercise 2: a shuffled DataLoader of batch 10 over a TensorDataset; the PIL share."""
    from torch.utils.data import DataLoader, RandomSampler, TensorDataset

    if not isinstance(per_sample_loader, DataLoader):
        raise Wrong(
            "per_sample_loader should be a torch DataLoader (the per-sample loop); you gave "
            f"{type(per_sample_loader).__name__}"
        )
    dataset = per_sample_loader.dataset
    if not isinstance(dataset, TensorDataset):
        raise Wrong(
            f"your DataLoader reads a {type(dataset).__name__}: wrap the in-memory tensors, "
            "TensorDataset(train_x, train_y), so no PIL image is made"
        )
    if per_sample_loader.batch_size != 10:
        raise Wrong(f"batch size {per_sample_loader.batch_size}: compare at the seeds' 10")
    if not isinstance(per_sample_loader.sampler, RandomSampler):
        raise Wrong("shuffle=True, as the seeds' loader: the same work as the table's rows")
    images = dataset.tensors[0]
    if tuple(images.shape[1:]) != (1, 28, 28) or not images.is_floating_point():
        raise Wrong(
            f"the dataset's images have shape {tuple(images.shape)} and dtype {images.dtype}: "
            "use the normalised training tensors train_x, train_y"
        )
    if not callable(pil_share) or isinstance(pil_share, nn.Module):
        raise Wrong(f"pil_share should be a function; you gave {type(pil_share).__name__}")
    for seeds, per_sample, tensors in ((1.0, 0.2, 0.05), (0.774, 0.082, 0.030)):
        share = call(pil_share, seeds, per_sample, tensors)
        expected = (seeds - per_sample) / seeds
        if close(share, expected):
            continue
        mistakes = {
            (seeds - tensors) / seeds: "that counts the per-sample loop too; only PIL + ToTensor "
            "differ between the seeds' loader and yours",
            per_sample / seeds: "that is what is left without PIL: the per-sample loop's time",
            (per_sample - tensors) / seeds: "that is the per-sample loop's share, not PIL's",
            100 * expected: "a share between 0 and 1, please (0.8, not 80)",
            seeds / per_sample: "that is how many times slower, not a share",
        }
        for value, message in mistakes.items():
            if close(share, value):
                raise Wrong(f"pil_share{(seeds, per_sample, tensors)} gave {share:.3g}: {message}")
        raise Wrong(
            f"pil_share{(seeds, per_sample, tensors)} gave {share!r}: what share of the seeds' "
            "time is gone when only PIL + ToTensor are removed?"
        )
    return "now time per_sample_loader and read your machine's share."


ex2 = Exercise(
    "ex2",
    _check_pipeline,
    hints=[
        "TensorDataset(train_x, train_y) gives one (image, label) pair per index, from memory; "
        "DataLoader(that, batch_size=10, shuffle=True) fetches them one at a time, as the "
        "seeds' did.",
        "Three loaders: the seeds' (per sample, PIL), yours (per sample, no PIL), the course's "
        "(per batch). The seeds' and yours differ only in PIL + ToTensor.",
        "return (seeds_seconds - per_sample_seconds) / seeds_seconds",
    ],
    solution="""
        from torch.utils.data import TensorDataset

        per_sample_loader = DataLoader(TensorDataset(train_x, train_y), batch_size=10, shuffle=True)


        def pil_share(seeds_seconds, per_sample_seconds, tensor_seconds):
            '''The share (0 to 1) of the seeds' loading time spent on PIL images and ToTensor.'''
            return (seeds_seconds - per_sample_seconds) / seeds_seconds


        seconds = time_loading(per_sample_loader, n_images // 10)
        seeds, batched = pipeline.loc[10, "median seconds"]
        print(f"per-sample DataLoader over tensors: {seconds:.3f} s (seeds {seeds:.3f} s, "
              f"TensorLoader {batched:.3f} s)")
        share = pil_share(seeds, seconds, batched)
        print(f"PIL + ToTensor: {share:.0%} of the seeds' loading time")
    """,
    why="Your loader does everything the seeds' does except build a PIL image and convert it back, "
    "so the time it saves against the seeds' is the PIL + ToTensor cost: (seeds - yours) / seeds. "
    "What remains of its time, against the TensorLoader's, is the per-sample loop (index, "
    "collate 10 samples). One timing each moves by some percent between runs; the split between "
    "the two causes is what to read, not the last digit.",
    answer_names=("per_sample_loader", "pil_share"),
)


# Exercise 3: the linear scaling rule from the course's reference (lr 0.001 at batch 128).
REFERENCE_LR, REFERENCE_BATCH = 1e-3, 128  # BATCH_LR at the course's BATCH_SIZE


def _check_scaling(scaled_lr: Any, history_1024: Any, seeds_lr_times: Any) -> str:
    """Exercise 3: scaled_lr(b) = 0.001 * b / 128; one epoch at 1,024; 0.02 / scaled_lr(10)."""
    if not callable(scaled_lr) or isinstance(scaled_lr, nn.Module):
        raise Wrong(f"scaled_lr should be a function; you gave {type(scaled_lr).__name__}")
    for batch in (1024, 256, 10, REFERENCE_BATCH):
        lr = call(scaled_lr, batch)
        expected = REFERENCE_LR * batch / REFERENCE_BATCH
        if close(lr, expected):
            continue
        if close(lr, REFERENCE_LR * batch / 256):
            raise Wrong(
                f"scaled_lr({batch}) gave {lr:g}: that takes batch 256 as the reference; BATCH_LR "
                "is the course's lr at its batch size, BATCH_SIZE"
            )
        if close(lr, REFERENCE_LR * (batch / REFERENCE_BATCH) ** 0.5):
            raise Wrong(
                f"scaled_lr({batch}) gave {lr:g}: that is the square-root rule; use the linear one"
            )
        if close(lr, REFERENCE_LR * REFERENCE_BATCH / batch):
            raise Wrong(f"scaled_lr({batch}) gave {lr:g}: the ratio is upside down")
        raise Wrong(f"scaled_lr({batch}) gave {lr!r}: multiply BATCH_LR by batch_size / BATCH_SIZE")
    accs = history_1024.get("val_acc") if isinstance(history_1024, dict) else None
    if not isinstance(accs, list) or not all(isinstance(a, float) for a in accs):
        raise Wrong(
            "history_1024 should be a history, a dict with 'val_acc' (meta['history'] from "
            "train_recipe)"
        )
    if len(accs) != 1:
        raise Wrong(f"history_1024 has {len(accs)} epochs: train one, as the table's rows")
    threshold = 0.2 if _fast() else 0.5
    if accs[0] < threshold:
        raise Wrong(
            f"one epoch at batch 1,024 reached only {accs[0]:.1%} (expected at least "
            f"{threshold:.0%}): check the run's batch_size=1024 and lr=scaled_lr(1024)"
        )
    expected = 0.02 / (REFERENCE_LR * 10 / REFERENCE_BATCH)
    if isinstance(seeds_lr_times, bool) or not isinstance(seeds_lr_times, (int, float)):
        raise Wrong(f"seeds_lr_times should be a number; you gave {seeds_lr_times!r}")
    if close(seeds_lr_times, 1 / expected):
        raise Wrong("seeds_lr_times is upside down: the seeds' 0.02 divided by the rule's lr")
    if close(seeds_lr_times, 0.02 / REFERENCE_LR):
        raise Wrong(
            "that compares 0.02 with the lr of batch 128; the rule's lr for batch 10 is smaller"
        )
    if not close(seeds_lr_times, expected):
        raise Wrong(f"seeds_lr_times is {seeds_lr_times:g}: compute 0.02 / scaled_lr(10)")
    return (
        f"one epoch at batch 1,024 and lr {REFERENCE_LR * 8:g}: {accs[0]:.2%} validation "
        f"accuracy; the seeds' 0.02 at batch 10 is {expected:.0f} times the rule's lr."
    )


ex3 = Exercise(
    "ex3",
    _check_scaling,
    hints=[
        "BATCH_LR = 0.001 is the course's lr at BATCH_SIZE = 128, so the rule scales from there: "
        "a batch k times larger gets an lr k times larger.",
        "The run: Recipe(epochs=1, batch_size=1024, lr=scaled_lr(1024), one_cycle=False) and "
        "train_recipe(LeNet5, recipe, device, sweep, verbose=False, test=False)[1]['history'], "
        "as section 3.",
        "return BATCH_LR * batch_size / BATCH_SIZE; seeds_lr_times = SEEDS_LR / scaled_lr(10)",
    ],
    solution="""
        def scaled_lr(batch_size):
            '''The linear scaling rule: BATCH_LR at BATCH_SIZE, in proportion to batch_size.'''
            return BATCH_LR * batch_size / BATCH_SIZE


        recipe = Recipe(epochs=1, batch_size=1024, lr=scaled_lr(1024), one_cycle=False)
        _, meta = train_recipe(LeNet5, recipe, device, sweep, verbose=False, test=False)
        history_1024 = meta["history"]
        print(f"batch 1024, lr {scaled_lr(1024):g}: {history_1024['val_acc'][0]:.2%} validation "
              f"(lr {BATCH_LR}, median of the seeds: "
              f"{batch_table.loc[1024, 'median validation accuracy (%)']:.2f}%)")
        seeds_lr_times = SEEDS_LR / scaled_lr(10)
        print(f"the rule's lr at batch 10: {scaled_lr(10):.2g}; "
              f"the seeds used {seeds_lr_times:.0f}x it")
    """,
    why="The table's lr of 0.001 is the course's at batch 128, so the rule starts there: 1,024 is 8"
    " x 128, lr 0.008 (not 4 x: that would take batch 256 as the reference). With 8x fewer "
    "steps per epoch, we expect steps 8x larger to move the weights about as far per epoch. "
    "Your run is one seed: set it against the table's range over seeds for 1,024, not its "
    "median; only a run outside that range differs beyond the seeds' spread. Run backwards to "
    "batch 10, the rule gives 0.001 x 10 / 128, about 0.00008: the seeds' 0.02 is 256 times "
    "that, which is why their lr looks so risky at their batch size. The rule is a rule of "
    "thumb (Goyal et al., 2017, with a warm-up); it holds less well for Adam and very large "
    "batches.",
    answer_names=("scaled_lr", "history_1024", "seeds_lr_times"),
)


# Exercise 4: the learning-rate runs in TensorBoard.
def _check_logs(lr_log_dirs: Any) -> str:
    """Exercise 4: one folder per learning-rate run under lr/, each with its own val_acc."""
    if isinstance(lr_log_dirs, (str, Path)) or not isinstance(lr_log_dirs, (list, tuple)):
        raise Wrong(
            "lr_log_dirs should be a list of the folders you logged into, one per run; you gave "
            f"{type(lr_log_dirs).__name__}"
        )
    if not all(isinstance(d, (str, Path)) for d in lr_log_dirs):
        raise Wrong("lr_log_dirs should hold folders (paths such as LOG_DIR / 'lr' / 'lr_0.02')")
    dirs = [Path(d) for d in lr_log_dirs]
    if len(dirs) < 3:
        raise Wrong(
            f"{len(dirs)} folder(s): log every learning-rate run of section 2, each its own"
        )
    if len(set(dirs)) < len(dirs):
        raise Wrong("two runs went into the same folder: give each run its own short name")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    curves = []
    for d in dirs:
        if d.parent.name != "lr":
            raise Wrong(f"{d} is not under LOG_DIR / 'lr': keep the learning-rate runs together")
        if not d.is_dir() or not list(d.glob("events.out.tfevents.*")):
            raise Wrong(
                f"{d.name} holds no TensorBoard event file: did log_to_tensorboard write it?"
            )
        events = EventAccumulator(str(d))
        events.Reload()
        if "accuracy/val_acc" not in events.Tags().get("scalars", []):
            raise Wrong(f"{d.name} has no accuracy/val_acc curve: log each run's history there")
        curves.append(tuple(e.value for e in events.Scalars("accuracy/val_acc")))
    if len(set(curves)) < len(curves):
        raise Wrong("two folders hold the same val_acc curve: log each run's own history")
    return f"{len(dirs)} runs logged; open TensorBoard (uv run tensorboard --logdir runs)."


ex4 = Exercise(
    "ex4",
    _check_logs,
    hints=[
        "lr_histories holds each learning-rate run's history by name, lr_runs its recipe: loop "
        "over lr_histories.items().",
        "A folder name without spaces or brackets, e.g. short = name.split(' (')[0].replace(' ', "
        "'_').replace(',', ''); then log_to_tensorboard(LOG_DIR / 'lr' / short, history, "
        "lr_runs[name]).",
        "Collect the folders as you go: lr_log_dirs.append(LOG_DIR / 'lr' / short).",
    ],
    solution="""
        lr_log_dirs = []
        for name, history in lr_histories.items():
            short = name.split(" (")[0].replace(" ", "_").replace(",", "")
            log_to_tensorboard(LOG_DIR / "lr" / short, history, lr_runs[name])
            lr_log_dirs.append(LOG_DIR / "lr" / short)
        print(sorted(p.name for p in lr_log_dirs))
    """,
    why="One folder per run is what TensorBoard shows as one line; grouping them under lr/ lets "
    "you switch the learning-rate runs on and off together, beside 04/q1 and 04/q2. Compare the "
    "val_acc curves: one run each, so read only differences larger than a seed would make.",
    answer_names=("lr_log_dirs",),
)
