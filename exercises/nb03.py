"""Notebook 03 (CNN): the exercises' checks, hints and solutions."""

from typing import Any

import torch
from torch import nn

from exercises.checking import Exercise, Wrong, ____, call, check_model, close
from helpers.compare import beats

__all__ = ["____", "ex1", "ex2", "ex3", "ex4", "ex5"]

# Exercise 1's typical wrong sizes, and what each one means.
CONV_SIZE_MISTAKES = {
    26: "that is stride 1: stride 2 moves the kernel 2 pixels at a time",
    12: "that is what you get without the padding (1 pixel on each side) or without the + 1",
    14: "the division rounds down: 25 / 2 = 12.5 gives 12 steps, then + 1",
    24: "that is a 5x5 kernel with no padding and stride 1",
}


def _check_conv_shapes(out_shape: Any, padding_7x7: Any) -> str:
    """Exercise 1: Conv2d(1, 8, 5, stride=2, padding=1) on [1, 1, 28, 28]; padding for a 7x7."""
    if not isinstance(out_shape, (tuple, list)) or not all(isinstance(n, int) for n in out_shape):
        raise Wrong(
            "out_shape should be a shape such as (1, 1, 28, 28), a tuple of whole numbers; "
            f"you gave {out_shape!r}"
        )
    if len(out_shape) != 4:
        raise Wrong(
            "a Conv2d output has 4 dimensions, [batch, channels, height, width]; "
            f"yours has {len(out_shape)}"
        )
    batch, channels, height, width = out_shape
    if batch != 1:
        raise Wrong(
            f"the batch dimension is {batch}: a convolution keeps the batch size, 1 in, 1 out"
        )
    if channels != 8:
        raise Wrong(f"{channels} channels: the output has one channel per filter, out_channels=8")
    if height != width:
        raise Wrong(
            f"height {height} and width {width} differ: a square input gives a square output"
        )
    if height != 13:
        formula = "use (n + 2p - k) // s + 1 with n=28, k=5, p=1, s=2"
        raise Wrong(f"height and width {height}: {CONV_SIZE_MISTAKES.get(height, formula)}")
    if isinstance(padding_7x7, bool) or not isinstance(padding_7x7, int):
        raise Wrong(f"padding_7x7 should be a whole number of pixels; you gave {padding_7x7!r}")
    if padding_7x7 == 6:
        raise Wrong("padding_7x7 = 6 pads 6 pixels on each side: `padding=` is per side")
    if padding_7x7 != 3:
        size = 28 + 2 * padding_7x7 - 7 + 1
        raise Wrong(f"with padding {padding_7x7}, a 7x7 kernel at stride 1 gives {size}x{size}")
    return "(1, 8, 13, 13), and padding 3 = (7 - 1) / 2 keeps 28x28."


ex1 = Exercise(
    "ex1",
    _check_conv_shapes,
    hints=[
        "Each of height and width becomes (n + 2p - k) // s + 1; the channels are out_channels.",
        "Here n = 28, k = 5, p = 1, s = 2. Or ask PyTorch: nn.Conv2d(1, 8, kernel_size=5, "
        "stride=2, padding=1)(torch.zeros(1, 1, 28, 28)).shape",
        "Bonus: at stride 1 a 7x7 kernel gives 28 + 2p - 7 + 1 pixels; set it to 28, solve for p.",
    ],
    solution="""
        conv = nn.Conv2d(1, 8, kernel_size=5, stride=2, padding=1)
        out_shape = tuple(conv(torch.zeros(1, 1, 28, 28)).shape)  # (28 + 2 - 5) // 2 + 1 = 13
        padding_7x7 = 3  # (7 - 1) / 2: 28 + 2*3 - 7 + 1 = 28
    """,
    why="The padded image is 28 + 2 = 30 pixels wide; a 5-pixel kernel has 30 - 5 = 25 pixels "
    "to travel, which stride 2 covers in 25 // 2 = 12 steps: 13 positions. One channel per "
    "filter: 8. At stride 1 a k x k kernel keeps the size when p = (k - 1) / 2, which is why "
    "odd kernel sizes are the usual choice.",
    answer_names=("out_shape", "padding_7x7"),
)


# Exercise 2: the seeds' unpadded LeNet, fixed in its first linear layer instead.
SEEDS_LENET_PARAMETERS = 156 + 2_416 + 48_120 + 10_164 + 850  # conv1, conv2, fc1, fc2, fc3: 61,706
FIXED_LENET_PARAMETERS = SEEDS_LENET_PARAMETERS - (400 - 256) * 120  # fc1 takes 256 inputs


def _check_fixed_lenet(fixed_lenet: Any, fewer_parameters: Any) -> str:
    """Exercise 2: seeds_lenet with its convolutions unpadded and fc1 taking 16 * 4 * 4 inputs."""
    if not isinstance(fixed_lenet, nn.Module):
        raise Wrong(
            "fixed_lenet should be a network, an nn.Sequential like seeds_lenet; "
            f"you gave {type(fixed_lenet).__name__}"
        )
    convs = [m for m in fixed_lenet.modules() if isinstance(m, nn.Conv2d)]
    linears = [m for m in fixed_lenet.modules() if isinstance(m, nn.Linear)]
    if len(convs) != 2 or len(linears) != 3:
        raise Wrong(
            f"your network has {len(convs)} Conv2d and {len(linears)} Linear layers; "
            "seeds_lenet has 2 and 3: keep its layers, change one number"
        )
    if any(conv.padding != (0, 0) for conv in convs):
        raise Wrong(
            "a convolution is padded: that is the first fix; this exercise keeps the unpadded "
            "convolutions of seeds_lenet and fixes the linear layer instead"
        )
    if any(conv.kernel_size != (5, 5) for conv in convs):
        raise Wrong("keep seeds_lenet's 5x5 kernels: only the first linear layer should change")
    if linears[0].in_features == 400:
        raise Wrong(
            "your first linear layer still takes 16 * 5 * 5 = 400 inputs: print the shapes "
            "(show_shapes) to see how many numbers the unpadded layers leave"
        )
    widths = [m.out_features for m in linears]
    if widths != [120, 84, 10]:
        raise Wrong(f"your linear layers give {widths}; keep seeds_lenet's 120, 84 and 10")
    check_model(fixed_lenet, input_shape=(5, 1, 28, 28), out_shape=(5, 10))
    found = sum(p.numel() for p in fixed_lenet.parameters() if p.requires_grad)
    if found != FIXED_LENET_PARAMETERS:
        raise Wrong(
            f"your network has {found:,} parameters: compare it layer by layer with seeds_lenet "
            "(print both); only fc1's inputs should differ"
        )
    expected = SEEDS_LENET_PARAMETERS - found
    if isinstance(fewer_parameters, bool) or not isinstance(fewer_parameters, int):
        raise Wrong(
            "fewer_parameters should be a whole number of parameters; you gave "
            f"{fewer_parameters!r}"
        )
    if fewer_parameters == -expected:
        raise Wrong("that is negative: how many *fewer* than seeds_lenet, seeds_lenet minus yours")
    if fewer_parameters == 400 - 256:
        raise Wrong(
            "that is how many fewer inputs fc1 has; each input has a weight to each of fc1's units"
        )
    if fewer_parameters != expected:
        raise Wrong(
            f"{fewer_parameters:,} is not the difference: count_parameters(seeds_lenet) - "
            "count_parameters(fixed_lenet) gives it"
        )
    return (
        f"a batch of 5 gives (5, 10), and {expected:,} = (400 - 256) x 120 fewer: fc1 lost 144 "
        "inputs, each with a weight to each of its 120 units."
    )


ex2 = Exercise(
    "ex2",
    _check_fixed_lenet,
    hints=[
        "Copy seeds_lenet's nn.Sequential and change a single number: the inputs of the first "
        "nn.Linear, which must equal what nn.Flatten() produces.",
        "The unpadded shapes go 28 -> 24 -> 12 -> 8 -> 4, with 16 channels at the end: the "
        "flattened vector has 16 * 4 * 4 numbers. count_parameters gives both totals.",
        "fixed_lenet = nn.Sequential(..., nn.Flatten(), nn.Linear(16 * 4 * 4, 120), nn.ReLU(), "
        "...); fewer_parameters = count_parameters(seeds_lenet) - count_parameters(fixed_lenet)",
    ],
    solution="""
        fixed_lenet = nn.Sequential(
            nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),       # 28 -> 24 -> 12
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),      # 12 -> 8 -> 4
            nn.Flatten(),
            nn.Linear(16 * 4 * 4, 120), nn.ReLU(),                # 256 inputs: what is left
            nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10),
        )
        print("output:", tuple(fixed_lenet(torch.zeros(5, 1, 28, 28)).shape))
        fewer_parameters = count_parameters(seeds_lenet) - count_parameters(fixed_lenet)
        print(f"{count_parameters(fixed_lenet):,} parameters, {fewer_parameters:,} fewer")
    """,
    why="Without padding, each 5x5 convolution trims 4 pixels: 28 -> 24, pooled 12, -> 8, pooled "
    "4. The flattened vector has 16 * 4 * 4 = 256 numbers, so fc1 takes 256 inputs. Every input of "
    "a linear layer has one weight per unit, so fc1 has (400 - 256) * 120 = 17,280 fewer weights; "
    "its 120 biases stay. The network sees the same digit through smaller final maps.",
    answer_names=("fixed_lenet", "fewer_parameters"),
)


# Exercise 3: a diagonal edge kernel on test image 4142 (a 7).
SEVEN_INDEX = 4142


def _correlate(kernel: torch.Tensor, image: torch.Tensor) -> float:
    """The kernel's response at the centre of a 3x3 patch of `image`."""
    return float((kernel * image).sum())


def _check_diagonal(diagonal: Any, diagonal_map: Any) -> str:
    """Exercise 3: a 3x3 kernel comparing the top-left with the bottom-right; its map of the 7."""
    if not isinstance(diagonal, torch.Tensor):
        raise Wrong(
            f"diagonal should be a tensor, torch.tensor([[...], [...], [...]]); you gave "
            f"{type(diagonal).__name__}"
        )
    if tuple(diagonal.shape) != (3, 3):
        raise Wrong(f"diagonal has shape {tuple(diagonal.shape)}; a 3x3 kernel has shape (3, 3)")
    k = diagonal.detach().double()
    rows, cols = torch.meshgrid(torch.arange(3.0), torch.arange(3.0), indexing="ij")
    rows, cols = rows.double(), cols.double()
    scale = float(k.abs().sum())
    if scale == 0:
        raise Wrong("your kernel is all zeros: it responds to nothing")
    along = _correlate(k, rows + cols)  # brightness growing towards the bottom-right
    across = _correlate(k, rows - cols)  # brightness growing towards the bottom-left
    vertical = torch.tensor([[-1.0, 0, 1]] * 3, dtype=torch.float64)
    if close(k, vertical) or close(k, -vertical) or close(k, vertical.T) or close(k, -vertical.T):
        raise Wrong("that is the vertical (or horizontal) edge kernel: turn it by 45 degrees")
    if abs(float(k.sum())) > 1e-6 * scale:
        raise Wrong(
            f"your kernel's weights add up to {float(k.sum()):g}, so it responds to a flat patch "
            "too; an edge kernel's weights add up to 0, as the vertical one's do"
        )
    if abs(across) > 1e-6 * scale or abs(along) < 1e-6 * scale:
        raise Wrong(
            "your kernel does not compare the top-left corner with the bottom-right one: put "
            "weights of one sign towards the top-left, the opposite sign towards the bottom-right, "
            "mirror images of each other across the other diagonal"
        )
    if not isinstance(diagonal_map, torch.Tensor):
        raise Wrong(
            f"diagonal_map should be the tensor F.conv2d returns; you gave "
            f"{type(diagonal_map).__name__}"
        )
    fmap = diagonal_map.detach().cpu().double().squeeze()
    if fmap.dim() != 2:
        raise Wrong(f"diagonal_map has shape {tuple(diagonal_map.shape)}: one 28x28 map, please")
    if tuple(fmap.shape) != (28, 28):
        raise Wrong(
            f"diagonal_map is {fmap.shape[0]}x{fmap.shape[1]}: padding=1 keeps the 7 at 28x28"
        )
    from helpers.data import MEAN, STD, load_mnist  # the test images, loaded only when needed

    raw = load_mnist(train=False).data[SEVEN_INDEX].double() / 255  # pixels 0-1, as denormalize
    expected = torch.nn.functional.conv2d(raw[None, None], k[None, None], padding=1)[0, 0]
    if close(fmap, expected, rel=1e-3, abs_tol=1e-3):
        return (
            "an edge kernel for edges that run like '/' (its weights add up to 0); "
            "now compare its map of the 7 with the vertical kernel's."
        )
    normalised = torch.nn.functional.conv2d(
        ((raw - MEAN) / STD)[None, None], k[None, None], padding=1
    )[0, 0]
    if close(fmap, normalised, rel=1e-3, abs_tol=1e-3):
        raise Wrong("your map is of the normalised image: denormalize it first (pixels 0-1)")
    raise Wrong(
        "diagonal_map is not your kernel applied to test image 4142: use "
        "F.conv2d(seven, diagonal[None, None], padding=1), with seven = "
        "denormalize(all_test_x[4142])[None]"
    )


ex3 = Exercise(
    "ex3",
    _check_diagonal,
    hints=[
        "The vertical kernel is -1 in the left column, +1 in the right: it compares left with "
        "right. Turned by 45 degrees, the +1s sit around the top-left corner, the -1s around the "
        "bottom-right, and the diagonal from top-right to bottom-left is 0.",
        "The image: seven = denormalize(all_test_x[EXAMPLE_INDICES[1]])[None] has shape "
        "[1, 1, 28, 28]; F.conv2d wants the kernel as [1, 1, 3, 3]: diagonal[None, None].",
        "diagonal = torch.tensor([[1.0, 1, 0], [1, 0, -1], [0, -1, -1]]); diagonal_map = "
        "F.conv2d(seven, diagonal[None, None], padding=1)[0, 0]",
    ],
    solution="""
        vertical = torch.tensor([[-1.0, 0, 1], [-1, 0, 1], [-1, 0, 1]])
        diagonal = torch.tensor([[1.0, 1, 0],          # the top-left corner minus the bottom-right:
                                 [1, 0, -1],           # large on edges that run like "/"
                                 [0, -1, -1]])
        seven = denormalize(all_test_x[EXAMPLE_INDICES[1]])[None]       # [1, 1, 28, 28], pixels 0-1
        diagonal_map = F.conv2d(seven, diagonal[None, None], padding=1)[0, 0]
        fig, axes = plt.subplots(1, 3, figsize=(15, 5))
        axes[0].imshow(seven[0, 0], cmap="gray_r")
        axes[0].set_title("test image 4142")
        titles = ("vertical edges", "diagonal (/) edges")
        for ax, k, title in zip(axes[1:], (vertical, diagonal), titles):
            fmap = F.conv2d(seven, k[None, None], padding=1)[0, 0]
            ax.imshow(fmap, cmap="RdBu_r", vmin=-3, vmax=3)
            ax.set_title(title)
        for ax in axes:
            ax.axis("off")
        fig.tight_layout()
    """,
    why="Turning the vertical kernel by 45 degrees puts +1 around the top-left corner and -1 "
    "around the bottom-right: it responds where brightness changes from top-left to bottom-right, "
    "that is on edges that run like '/'. The 7's slanted stem runs that way, so the diagonal map "
    "lights up along both borders of the stem (red on one, blue on the other), while the "
    "vertical kernel sees the tilted stem more weakly and the horizontal top bar hardly at all. "
    "The weights add up to 0, so flat areas (paper or solid ink) give 0.",
    answer_names=("diagonal", "diagonal_map"),
)


# Exercise 4: the least confident prediction, as a function the check calls on its own numbers.
def _check_least_confident(least_confident: Any) -> str:
    """Exercise 4: `least_confident(probs)`, the row whose largest probability is smallest."""
    if not callable(least_confident) or isinstance(least_confident, nn.Module):
        raise Wrong(
            f"least_confident should be a function of probs; you gave "
            f"{type(least_confident).__name__}"
        )
    generator = torch.Generator().manual_seed(3)
    for rows in (50, 7):
        probs = torch.softmax(3 * torch.randn(rows, 10, generator=generator), dim=1)
        before = probs.clone()
        found = call(least_confident, probs)
        if not torch.equal(probs, before):
            raise Wrong("your function changed probs: read them, leave them as they are")
        if isinstance(found, torch.Tensor) and found.numel() != 1:
            raise Wrong(
                f"your function returned a tensor of shape {tuple(found.shape)}: return one index"
            )
        if isinstance(found, bool) or not isinstance(found, (int, torch.Tensor)):
            raise Wrong(f"your function returned {type(found).__name__}; return an index (an int)")
        index = int(found)
        top = probs.max(dim=1).values
        expected = int(top.argmin())
        if index == expected:
            continue
        if not 0 <= index < rows:
            raise Wrong(
                f"your function returned {index} for {rows} rows: a flat argmin counts all "
                f"{rows * 10} entries; take each row's largest probability first (dim=1)"
            )
        if index == int(probs.min(dim=1).values.argmin()):
            raise Wrong(
                "that row holds the smallest single probability; you want the row whose "
                "*largest* probability (its confidence) is the smallest"
            )
        if index == int(top.argmax()):
            raise Wrong("that is the most confident row: argmax, where argmin was asked")
        raise Wrong(
            f"on {rows} rows you returned row {index}, confidence {top[index]:.3f}; row "
            f"{expected} has a smaller largest probability"
        )
    return "the row whose largest probability is smallest; now show that test image."


ex4 = Exercise(
    "ex4",
    _check_least_confident,
    hints=[
        "A prediction's confidence is its largest probability: one number per row of probs.",
        "probs.max(dim=1) gives each row's largest value (.values) and where it is (.indices); "
        "the least confident row is where that value is smallest.",
        "return int(probs.max(dim=1).values.argmin())",
    ],
    solution="""
        probs = predict_proba(model, all_test_x[:2000], device)   # [2000, 10] probabilities

        def least_confident(probs):
            '''The row index (an int) of `probs` whose largest probability is the smallest.'''
            return int(probs.max(dim=1).values.argmin())

        i = least_confident(probs)
        print(f"test image {i}: true label {int(all_test_y[i])}, "
              f"predicted {int(probs[i].argmax())} with {probs[i].max():.1%}")
        plot_prediction(all_test_x[i], probs[i], int(all_test_y[i]));
    """,
    why="The network's confidence in an image is the largest of its ten probabilities, so the "
    "least confident image is the argmin, over the images, of each row's max. Its bar chart "
    "shows the two or three digits the network hesitated between; whether it is right, and "
    "whether you would have read it, depends on the image your run finds.",
    answer_names=("least_confident",),
)


# Exercise 5: is the 84-unit layer worth keeping? Both networks, the same brief training, 3 seeds.
LAYER_84_PARAMETERS = 120 * 84 + 84 + 84 * 10 + 10 - (120 * 10 + 10)  # 9,804: fc2 + fc3 vs fc2


def _final_accuracies(name: str, histories: Any) -> tuple[list[float], list[int]]:
    """The last validation accuracy and the number of epochs of each history in `histories`."""
    if isinstance(histories, dict) or not isinstance(histories, (list, tuple)):
        raise Wrong(
            f"{name} should be a list of histories (what fit returns), one per seed; you gave "
            f"{type(histories).__name__}"
        )
    finals, lengths = [], []
    for history in histories:
        accs = history.get("val_acc") if isinstance(history, dict) else None
        if not isinstance(accs, (list, tuple)) or not accs:
            raise Wrong(
                f"{name} holds {type(history).__name__}, not a history: a dict with "
                "'val_acc', as fit (or train_briefly) returns"
            )
        if not all(isinstance(a, (int, float)) and 0 <= a <= 1 for a in accs):
            raise Wrong(f"{name}: 'val_acc' should hold accuracies between 0 and 1")
        finals.append(float(accs[-1]))
        lengths.append(len(accs))
    if len(finals) < 3:
        raise Wrong(
            f"{name} holds {len(finals)} run(s): one or two runs cannot show how much seeds "
            "move the result; train one per seed in SEEDS (3)"
        )
    return finals, lengths


def _span(values: list[float]) -> str:
    """`97.90-98.30%`: the range of some accuracies."""
    return f"{100 * min(values):.2f}-{100 * max(values):.2f}%"


def _check_layer_84(with_84: Any, without_84: Any, verdict: Any) -> str:
    """Exercise 5: same training for both networks, one run per seed, and a verdict that holds."""
    from helpers.settings import fast_mode

    with_acc, with_epochs = _final_accuracies("with_84", with_84)
    without_acc, without_epochs = _final_accuracies("without_84", without_84)
    if len(with_acc) != len(without_acc):
        raise Wrong(
            f"with_84 has {len(with_acc)} runs and without_84 {len(without_acc)}: give both "
            "networks the same seeds"
        )
    if len(set(with_epochs + without_epochs)) > 1:
        raise Wrong(
            f"the runs trained for different numbers of epochs (with_84: {with_epochs}, "
            f"without_84: {without_epochs}): a fair comparison trains both networks the same way"
        )
    for name, histories in (("with_84", with_84), ("without_84", without_84)):
        # the training loss too: on 500 validation images two seeds can share an accuracy
        curves = [(tuple(h["val_acc"]), repr(h.get("train_loss"))) for h in histories]
        if len(set(curves)) < len(curves):
            raise Wrong(
                f"two runs in {name} are identical: each seed should give a different start; "
                "seed_everything(seed) before building, and seed=seed for the loader"
            )
    if [(tuple(h["val_acc"]), repr(h.get("train_loss"))) for h in with_84] == [
        (tuple(h["val_acc"]), repr(h.get("train_loss"))) for h in without_84
    ]:
        raise Wrong(
            "with_84 and without_84 hold the same runs: CompactCNN for with_84, the Q2 network "
            "(two linear layers) for without_84"
        )
    threshold = 0.5 if fast_mode() else 0.9
    if min(with_acc + without_acc) < threshold:
        raise Wrong(
            f"a run reached only {100 * min(with_acc + without_acc):.1f}% validation accuracy "
            f"(expected at least {threshold:.0%}): check train_briefly's training"
        )
    if beats(with_acc, without_acc):  # the course's rule: a difference beyond the seeds' spread
        correct, reading = "a", "every run with the layer beats every run without it"
    elif beats(without_acc, with_acc):
        correct, reading = "b", "every run without the layer beats every run with it"
    else:
        correct, reading = "c", "the ranges overlap"
    numbers = (
        f"with the 84-unit layer {_span(with_acc)}, without it {_span(without_acc)} "
        f"({len(with_acc)} seeds, {with_epochs[0]} epoch(s) each)"
    )
    letter = verdict.strip().strip("().").lower() if isinstance(verdict, str) else None
    if letter not in ("a", "b", "c"):
        raise Wrong(f'verdict: answer with one of the letters "a", "b", "c"; you wrote {verdict!r}')
    if letter != correct:
        why = {
            "a": "that needs every run with the layer to beat every run without it",
            "b": "that needs every run without the layer to beat every run with it",
            "c": "they do not overlap, so the difference is beyond these seeds' spread",
        }[letter]
        raise Wrong(f"not ({letter}): your runs give {numbers}; {why}")
    return f"{numbers}: {reading}."


ex5 = Exercise(
    "ex5",
    _check_layer_84,
    hints=[
        "train_briefly repeats the training cells of section 7 for any network: "
        "seed_everything(seed), build(), a TensorLoader over train_x[:Q2_IMAGES] with "
        "seed=seed and shift=SHIFT, make_optimizer, then fit(..., verbose=False).",
        "Use epochs(2) for every run, so both networks train alike; then "
        "with_84 = [train_briefly(CompactCNN, seed) for seed in SEEDS], and the same with the Q2 "
        "network for without_84.",
        "For the verdict, take each list's final val_acc values: do the two ranges (lowest to "
        "highest) overlap? Overlapping ranges mean these runs cannot tell the networks apart.",
    ],
    solution="""
        SEEDS = (0, 1, 2)
        Q2_IMAGES = 10_000

        def train_briefly(build, seed):
            '''Train a fresh `build()` for epochs(2) on the first Q2_IMAGES training images with
            the settings cell's recipe and this `seed`; return fit's history.'''
            seed_everything(seed)
            net = build()
            loader = TensorLoader(train_x[:Q2_IMAGES], train_y[:Q2_IMAGES], BATCH_SIZE,
                                  shuffle=True, seed=seed, shift=SHIFT)
            n = epochs(2)
            optimizer, scheduler = make_optimizer(net, LEARNING_RATE, n * len(loader), WARMUP)
            return fit(net, loader, val_loader, loss_fn, optimizer, n, device, scheduler,
                       verbose=False)

        with_84 = [train_briefly(CompactCNN, seed) for seed in SEEDS]
        without_84 = [train_briefly(TwoConvTwoLinear, seed) for seed in SEEDS]
        with_acc = [h["val_acc"][-1] for h in with_84]
        without_acc = [h["val_acc"][-1] for h in without_84]
        print("with the 84-unit layer:", [f"{a:.2%}" for a in with_acc])
        print("without it:            ", [f"{a:.2%}" for a in without_acc])
        if min(with_acc) > max(without_acc):
            verdict = "a"
        elif min(without_acc) > max(with_acc):
            verdict = "b"
        else:
            verdict = "c"   # the ranges overlap: within the seeds' noise
    """,
    why="Both networks get the same images, epochs, schedule and seeds, so only the 84-unit layer "
    "differs. One run each would compare two numbers that each move with the seed; three seeds "
    "show that spread, and a difference counts only when the ranges do not overlap. When they "
    "overlap, these runs "
    f"cannot tell the networks apart: the layer's {LAYER_84_PARAMETERS:,} parameters buy no "
    "accuracy we can measure here, which is an argument for the simpler Q2 network. Longer "
    "training (the recipe's 5 epochs on all images) or more seeds could still separate them.",
    answer_names=("with_84", "without_84", "verdict"),
)
