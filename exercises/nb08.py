"""Notebook 08 (your own handwriting): the exercises' checks, hints and solutions."""

from __future__ import annotations

import contextlib
import functools
import io
import tempfile
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torchvision.transforms.v2 import functional as TF

from exercises.checking import Exercise, NotAttempted, Wrong, ____, call, close
from helpers.data import MEAN, STD
from helpers.settings import REPO_ROOT
from helpers.training import predict_proba
from viz.drawing import Steps, StrokeError, StrokeFileError, load_drawing, load_drawings, preprocess

__all__ = ["____", "ex1", "ex2", "ex3"]

HANDWRITING = REPO_ROOT / "notebooks" / "handwriting"
TRIED_ON = ("six", "three")  # stored drawings the student's corner_input is called on
BLANK = -MEAN / STD  # a blank pixel after normalisation, as in the notebook


# --- Exercise 1: skip the centring --------------------------------------------------------------


def _corner_reference(boxed: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(the 20x20 box pasted top-left, unnormalised [28, 28]; the normalised [1, 28, 28] input)."""
    field = torch.zeros(28, 28)
    field[: boxed.shape[0], : boxed.shape[1]] = boxed
    return field, ((field - MEAN) / STD)[None]


@functools.cache
def _stored_drawings() -> tuple[dict[str, list], dict[str, int], dict[str, Steps]]:
    """The course's stored drawings, their labels and preprocessing (0.2 s each: done once)."""
    with contextlib.redirect_stdout(io.StringIO()):  # a bad file is skipped quietly here
        drawings, labels, _ = load_drawings(HANDWRITING)
    return drawings, labels, {name: preprocess(strokes) for name, strokes in drawings.items()}


def _read(model: nn.Module, inputs: torch.Tensor) -> list[int]:
    """The digits `model` reads in `inputs` ([N, 1, 28, 28]), on the model's own device."""
    device = next(model.parameters(), torch.empty(0)).device
    training = model.training
    try:
        return predict_proba(model, inputs, device).argmax(dim=1).tolist()
    except Exception as error:  # the student's network: say so in one line
        raise Wrong(f"the network `model` raised {type(error).__name__}: {error}") from None
    finally:
        model.train(training)


def _check_corner_input(corner_input: Any, model: Any) -> str:
    """Exercise 1: `corner_input(strokes)`, the 20x20 box pasted top-left, normalised."""
    if not callable(corner_input):
        raise Wrong(f"corner_input should be a function; you gave {type(corner_input).__name__}")
    if not isinstance(model, nn.Module):
        raise Wrong(
            f"pass the course CNN `model` as the second argument, not {type(model).__name__}"
        )
    drawings, labels, steps = _stored_drawings()
    for name in TRIED_ON:  # the student's function on two of them: a small 6 and a large 3
        out = call(corner_input, drawings[name])
        if not isinstance(out, torch.Tensor):
            raise Wrong(f"corner_input should return a tensor; it returned {type(out).__name__}")
        field, expected = _corner_reference(steps[name].boxed)
        if tuple(out.shape) == (28, 28):
            raise Wrong(
                "corner_input returns shape (28, 28); the network takes [1, 28, 28] per image "
                "(one channel): add it with [None]"
            )
        if tuple(out.shape) != (1, 28, 28):
            raise Wrong(f"corner_input returns shape {tuple(out.shape)}; expected (1, 28, 28)")
        out = out.detach().cpu().float()
        if close(out, expected, abs_tol=1e-4):
            continue
        if close(out, field[None], abs_tol=1e-4):
            raise Wrong(
                "your pixels run from 0 (blank) to 1 (ink): normalise them as step 5 does, "
                "(x - MEAN) / STD"
            )
        if close(out, steps[name].normalized, abs_tol=1e-4):
            raise Wrong(
                "that is the centred input of step 4; paste the 20x20 box (`.boxed`) into the "
                "top-left corner instead"
            )
        raise Wrong(
            f"for the stored drawing {name!r} your input differs from the 20x20 box pasted at "
            "rows and columns from 0, normalised: compare it with preprocess(strokes).boxed"
        )
    names = list(drawings)
    corner = torch.stack([_corner_reference(steps[n].boxed)[1] for n in names])
    centred = torch.stack([steps[n].normalized for n in names])
    read_corner, read_centred = _read(model, corner), _read(model, centred)
    right_corner = sum(d == labels[n] for d, n in zip(read_corner, names))
    right_centred = sum(d == labels[n] for d, n in zip(read_centred, names))
    return (
        f"pasted top-left, the course CNN reads {right_corner} of {len(names)} stored drawings "
        f"correctly (as {', '.join(map(str, read_corner))}); centred, {right_centred} of "
        f"{len(names)}."
    )


ex1 = Exercise(
    "ex1",
    _check_corner_input,
    hints=[
        "`preprocess(strokes).boxed` is the digit after steps 1-3 (the 20x20 box). Start from a "
        "blank image, torch.zeros(28, 28).",
        "Paste it with slicing: `field[:h, :w] = boxed`, where h, w = boxed.shape. Then "
        "normalise as step 5 does.",
        "Return ((field - MEAN) / STD)[None]: the [None] adds the one channel the network expects.",
    ],
    solution="""
        def corner_input(strokes):
            boxed = preprocess(strokes).boxed            # steps 1-3: raster, crop, 20x20 box
            field = torch.zeros(28, 28)                  # blank paper
            field[: boxed.shape[0], : boxed.shape[1]] = boxed   # top-left, not centred
            return ((field - MEAN) / STD)[None]          # step 5, and the channel dimension
    """,
    why="Every MNIST digit the network trained on has its centre of mass near the middle of the "
    "28x28 image. A digit in the corner puts its strokes where the network's filters and weights "
    "rarely saw ink; the check prints how many stored drawings it still reads this way, against "
    "how many it reads centred. Preparing the input as the training data were prepared is part "
    "of the model.",
    answer_names=("corner_input", "model"),
)


# --- Exercise 2: accuracy against size ------------------------------------------------------------

SIZES = (1.0, 0.8, 0.6, 0.4)
SCALE = (0.8, 1.1)  # the notebook's augmentation range
INK = 2.8  # a fully inked pixel after normalisation


class SizeReader(nn.Module):
    """A stand-in network that reads a digit from its height (the rows holding ink, // 3) and
    records every batch it is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.offset = nn.Parameter(torch.zeros(10))
        self.seen: list[torch.Tensor] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.seen.append(x.detach().cpu().clone())
        rows = (x[:, 0] > BLANK + 0.2).any(dim=-1).sum(dim=-1)
        return 10.0 * nn.functional.one_hot((rows // 3).clamp(max=9), 10).float() + self.offset


def _size_images() -> tuple[torch.Tensor, torch.Tensor]:
    """Centred ink squares, 6 to 27 px tall, on blank paper; labelled as SizeReader reads them."""
    images = torch.full((22, 1, 28, 28), float(BLANK))
    for i, side in enumerate(range(6, 28)):
        top = (28 - side) // 2
        images[i, 0, top : top + side, top : top + side] = INK
    return images, SizeReader()(images).argmax(dim=1)


def _shrunk(images: torch.Tensor, scale: float, fill: float) -> torch.Tensor:
    return TF.affine(images, angle=0.0, translate=[0, 0], scale=scale, shear=[0.0, 0.0], fill=fill)


def _numbers(value: Any) -> list[float] | None:
    """Floats from a list or tuple of numbers (or of 0-dim tensors), or a 1-d tensor; else None."""
    if isinstance(value, torch.Tensor):
        value = value.flatten().tolist() if value.dim() <= 1 else None
    if not isinstance(value, (list, tuple)):
        return None
    items = [v.item() if isinstance(v, torch.Tensor) and v.numel() == 1 else v for v in value]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in items):
        return None
    return [float(v) for v in items]


def _check_size_curve(size_curve: Any, covered: Any) -> str:
    """Exercise 2: `size_curve(net, images, labels)`, accuracy per factor; what SCALE covered."""
    if not callable(size_curve):
        raise Wrong(f"size_curve should be a function; you gave {type(size_curve).__name__}")
    images, labels = _size_images()
    net = SizeReader()
    accs = _numbers(call(size_curve, net, images, labels))
    if accs is None:
        raise Wrong("size_curve should return a list of accuracies, one number per factor")
    if len(accs) != len(SIZES):
        raise Wrong(f"size_curve returns {len(accs)} accuracies; expected one per factor in SIZES")
    shown = [batch for batch in net.seen if batch.shape == images.shape]

    def same(a: torch.Tensor, b: torch.Tensor) -> bool:
        return torch.allclose(a, b, atol=1e-4)

    expected = []
    for f in SIZES:
        right = _shrunk(images, f, float(BLANK))
        if not any(same(batch, right) for batch in shown):
            if any(same(batch, _shrunk(images, f, 0.0)) for batch in shown):
                raise Wrong(
                    "the border your shrinking uncovers is 0, which is grey ink after "
                    "normalisation: fill it with BLANK, as section 3's functions do"
                )
            if any(same(batch, _shrunk(images, 1 / f, float(BLANK))) for batch in shown):
                raise Wrong("your digits grow: scale= is the new size, so 0.4 means 40% as large")
            raise Wrong(
                f"the network never saw the images shrunk to {f}: use TF.affine(images, "
                f"angle=0.0, translate=[0, 0], scale={f}, shear=[0.0, 0.0], fill=BLANK)"
            )
        expected.append((net(right).argmax(dim=1) == labels).float().mean().item())
    if any(a > 1.0 + 1e-6 for a in accs):
        raise Wrong("an accuracy above 1: return fractions (0-1), as `accuracy` does")
    if not all(abs(a - e) < 1e-4 for a, e in zip(accs, expected)):
        if all(abs(a - e) < 1e-4 for a, e in zip(accs, expected[::-1])):
            raise Wrong("your accuracies come in reverse order: one per factor of SIZES, in order")
        raise Wrong(
            f"on a test network your accuracies {[round(a, 2) for a in accs]} differ from what it "
            "read on your shrunk images: measure each with accuracy(net, shrunk, labels)"
        )
    picked = _numbers(sorted(covered) if isinstance(covered, (set, frozenset)) else covered)
    if picked is None:
        raise Wrong(
            f"covered should be a list of factors from SIZES, e.g. [1.0]; you gave {covered!r}"
        )
    inside = {f for f in SIZES if SCALE[0] <= f <= SCALE[1]}
    if not set(picked) <= set(SIZES):
        raise Wrong(f"covered should hold factors from SIZES {list(SIZES)}; you gave {picked}")
    if set(picked) != inside:
        missing, extra = inside - set(picked), set(picked) - inside
        why = (
            f"{sorted(extra)} lies outside SCALE = {SCALE}: augmentation never drew it"
            if extra
            else f"{sorted(missing, reverse=True)} lies inside SCALE = {SCALE} (its ends included)"
        )
        raise Wrong(f"not quite which sizes augmentation covered: {why}")
    return (
        f"size_curve matches on a test network, and SCALE = {SCALE} covered "
        f"{sorted(inside, reverse=True)}: read the plot for how each network fares inside and "
        "outside that range."
    )


ex2 = Exercise(
    "ex2",
    _check_size_curve,
    hints=[
        "For each f in SIZES: shrink the images with TF.affine (as `rotated` and `shifted` in "
        "section 3 do, with scale=f), then measure `accuracy(net, shrunk, labels)`.",
        "TF.affine(images, angle=0.0, translate=[0, 0], scale=f, shear=[0.0, 0.0], fill=BLANK); "
        "return a list with one accuracy per factor.",
        "`covered`: RandomAffine draws each scale between SCALE[0] and SCALE[1]; keep the factors "
        "of SIZES that lie in that range.",
    ],
    solution="""
        SIZES = [1.0, 0.8, 0.6, 0.4]

        def size_curve(net, images, labels):
            return [accuracy(net, TF.affine(images, angle=0.0, translate=[0, 0], scale=f,
                                            shear=[0.0, 0.0], fill=BLANK), labels)
                    for f in SIZES]

        covered = [f for f in SIZES if SCALE[0] <= f <= SCALE[1]]   # [1.0, 0.8]
    """,
    why="TF.affine shrinks every digit about the image's centre and fills the uncovered border "
    "with blank paper (BLANK, not 0, which is grey after normalisation). Augmentation drew "
    "scales from SCALE = (0.8, 1.1), so the augmented network saw digits as small as 0.8 and "
    "none at 0.6 or 0.4: the plot shows how each network fares inside and outside that range. "
    "(Your own drawings are scaled to 20 px by preprocessing, so their size matters less.)",
    answer_names=("size_curve", "covered"),
)


# --- Exercise 3: save your own digit --------------------------------------------------------------

# Two test drawings the check saves with save_digit: a 7 and a 2, in canvas pixels.
TEST_DRAWINGS = {
    7: [[[60.0, 50.0], [210.0, 50.0], [120.0, 230.0]], [[90.0, 140.0], [180.0, 140.0]]],
    2: [[[70.0, 80.0], [140.0, 40.0], [200.0, 90.0], [70.0, 230.0], [210.0, 230.0]]],
}


def _points(strokes: list) -> list[list[tuple[float, float]]]:
    return [[(float(x), float(y)) for x, y in stroke] for stroke in strokes]


def _saved(save_digit: Any, strokes: list, label: int, folder: Path) -> tuple[Path, int]:
    """Save with the student's function; the path it returned, read back and checked."""
    path = call(save_digit, strokes, label, folder)
    if isinstance(path, str) and path.lstrip().startswith("{"):
        raise Wrong(
            "save_digit returned the JSON text: write it to a file in `folder` "
            "(path.write_text(...)) and return the file's path"
        )
    if not isinstance(path, (str, Path)):
        raise Wrong(f"save_digit should return the path of the file it wrote; it returned {path!r}")
    path = Path(path)
    if not path.is_file():
        raise Wrong(f"save_digit returned {path}, but no such file exists: write the file")
    if not path.resolve().is_relative_to(Path(folder).resolve()):
        raise Wrong(f"save_digit wrote {path}, outside the folder it was given ({folder})")
    if path.suffix != ".json":
        raise Wrong(f"name the file ....json ({path.name}): load_drawings reads only .json files")
    try:
        drawing = load_drawing(path)
    except StrokeFileError as error:
        raise Wrong(f"load_drawing cannot read the file save_digit wrote: {error.reason}") from None
    if drawing.label != label:
        raise Wrong(
            f"save_digit wrote label {drawing.label} for a drawing given label {label}: "
            "save the `label` it is given"
        )
    if drawing.strokes != _points(strokes):
        raise Wrong("the strokes read back differ from the strokes save_digit was given")
    return path, len(drawing.strokes)


def _check_save_digit(save_digit: Any, my_strokes: Any, my_label: Any, my_folder: Any) -> str:
    """Exercise 3: `save_digit(strokes, label, folder)` writes a stroke file; then the student's."""
    if not callable(save_digit):
        raise Wrong(f"save_digit should be a function; you gave {type(save_digit).__name__}")
    if isinstance(my_label, bool) or not isinstance(my_label, int) or not 0 <= my_label <= 9:
        raise Wrong(
            f"my_label should be the digit you drew, a whole number 0-9; you gave {my_label!r}"
        )
    if not isinstance(my_folder, (str, Path)) or not str(my_folder):
        raise Wrong(f"my_folder should be a folder's path (a Path or str); you gave {my_folder!r}")
    if Path(my_folder).resolve().is_relative_to(REPO_ROOT.resolve()):
        raise Wrong(
            "my_folder is inside the course's folder (notebook 08 would list a drawing saved in "
            "notebooks/handwriting, and git would show it): keep your digits elsewhere"
        )
    with tempfile.TemporaryDirectory() as scratch:
        for label, strokes in TEST_DRAWINGS.items():
            _saved(save_digit, strokes, label, Path(scratch) / "new folder")
        with contextlib.redirect_stdout(io.StringIO()):
            found = load_drawings(Path(scratch) / "new folder")
        if sorted(found.labels.values()) != sorted(TEST_DRAWINGS):
            raise Wrong(
                "two digits saved in one folder should give two files (name each after its label "
                f"or a number); load_drawings found {len(found.drawings)}"
            )
    if not isinstance(my_strokes, list) or not any(my_strokes):
        raise NotAttempted(
            "save_digit passed its test; now draw a digit first, in the pad of section 1 "
            "(pad.strokes is empty), then run your cell and this one again."
        )
    try:
        preprocess(my_strokes)
    except StrokeError as error:
        raise Wrong(
            f"your drawing cannot be read ({error}): Clear the pad and draw again"
        ) from None
    path, n_strokes = _saved(save_digit, my_strokes, my_label, my_folder)
    return (
        f"saved your {my_label} to {path}; load_drawing reads it back: label {my_label}, "
        f"{n_strokes} stroke(s), and preprocess turns it into the network's 28x28 input."
    )


ex3 = Exercise(
    "ex3",
    _check_save_digit,
    hints=[
        "Make the folder if needed (Path(folder).mkdir(parents=True, exist_ok=True)), pick a file "
        'name with the label in it, and write json.dumps({"label": label, "strokes": strokes}).',
        "Number the files, so a second drawing of the same digit gets a new name: "
        "path = Path(folder) / f'my_{label}_{number}.json', with the first number not taken yet; "
        "path.write_text(json.dumps(...)); return path. json.dumps alone only makes the text.",
        "my_label is the digit you drew (a number, not a string); leave my_strokes = pad.strokes.",
    ],
    solution="""
        import tempfile
        from pathlib import Path

        my_strokes = pad.strokes       # what you drew in section 1 ([] until you draw)
        my_label = int(input("Which digit did you draw (0-9)? "))   # you say which: no guess
        my_folder = Path(tempfile.gettempdir()) / "my_digits"   # outside the course's folder

        def save_digit(strokes, label, folder):
            folder = Path(folder)
            folder.mkdir(parents=True, exist_ok=True)
            number = 0
            while (folder / f"my_{label}_{number}.json").exists():   # never overwrite a file
                number += 1
            path = folder / f"my_{label}_{number}.json"
            path.write_text(json.dumps({"label": label, "strokes": strokes}))
            return path
    """,
    why="A stroke file is the pad's strokes and their label as JSON; json.dumps makes the text and "
    "write_text saves it. The label comes from the caller (your drawing's digit), the file goes "
    "to a folder you chose (a temporary one here, not the course's folders), and its name "
    "carries a number so a second digit does not overwrite the first. load_drawing reads it "
    "back with the same checks as the course's stored drawings, so load_drawings(my_folder) "
    "lists all your digits.",
    answer_names=("save_digit", "my_strokes", "my_label", "my_folder"),
)
