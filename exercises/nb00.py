"""Notebook 00 (environment check): the exercises' checks, hints and solutions."""

from pathlib import Path
from typing import Any

import torch

from exercises.checking import Exercise, Wrong, ____, close
from helpers import data_dir, pick_device

__all__ = ["____", "ex1", "ex2"]


def _as_path(value: Any, name: str) -> Path:
    """`value` as a Path (a str is fine); `Wrong` for anything else."""
    if isinstance(value, (str, Path)) and str(value).strip():
        return Path(value).expanduser()
    raise Wrong(f"{name} should be a folder path such as data_dir() / 'sub'; you gave {value!r}")


def _check_raw_folder(raw_folder: Any, raw_files: Any) -> str:
    """Exercise 1: data_dir() / "MNIST" / "raw", and the sorted names of what it holds now."""
    expected = data_dir() / "MNIST" / "raw"
    folder = _as_path(raw_folder, "raw_folder")
    if folder.resolve() != expected.resolve():
        if folder.resolve() == data_dir().resolve():
            raise Wrong("raw_folder is the data folder itself: the archives are in its MNIST/raw")
        if folder.resolve() == (data_dir() / "MNIST").resolve():
            raise Wrong("raw_folder stops at MNIST: the archives are one level deeper, in raw")
        raise Wrong(f"raw_folder is {folder}, which is not where the course reads MNIST from")
    names = sorted(p.name for p in expected.iterdir()) if expected.is_dir() else []
    if not isinstance(raw_files, (list, tuple)):
        raise Wrong(f"raw_files should be a list of names; you gave {type(raw_files).__name__}")
    if any(isinstance(item, Path) or "/" in str(item) or "\\" in str(item) for item in raw_files):
        raise Wrong("raw_files holds paths: list just the names (each path's `.name`)")
    if not all(isinstance(item, str) for item in raw_files):
        raise Wrong("raw_files should hold the file names as strings")
    if sorted(raw_files) != names:
        missing, extra = set(names) - set(raw_files), set(raw_files) - set(names)
        what = f"{len(missing)} missing" if missing else f"{len(extra)} that are not there"
        raise Wrong(f"raw_files has {len(raw_files)} names ({what}): list the folder as it is now")
    if list(raw_files) != names:
        raise Wrong("raw_files has the right names in another order: sort them (sorted(...))")
    found = f"{len(names)} files" if names else "nothing yet (notebook 01 fills it)"
    return f"the course reads MNIST from {expected}; it holds {found}."


ex1 = Exercise(
    "ex1",
    _check_raw_folder,
    hints=[
        "`data_dir()` returns a `pathlib.Path`; `/` joins folder names onto a path.",
        'raw_folder = data_folder / "MNIST" / "raw". Its contents: `raw_folder.iterdir()` '
        "(each item is a path; `.name` is its name), but only when `raw_folder.is_dir()`.",
        "raw_files = sorted(p.name for p in raw_folder.iterdir()) if raw_folder.is_dir() else []",
    ],
    solution="""
        data_folder = data_dir()
        raw_folder = data_folder / "MNIST" / "raw"
        raw_files = sorted(p.name for p in raw_folder.iterdir()) if raw_folder.is_dir() else []
        print(raw_folder)
        print(raw_files or "not there yet: notebook 01 creates it")
    """,
    why='Every notebook reads MNIST from `data_dir() / "MNIST" / "raw"` (`COURSE_DATA_DIR` '
    "moves `data_dir()`). Before notebook 01 has run, the folder may not exist, hence the "
    "`is_dir()` test; afterwards it holds the four `.gz` archives and the four files extracted "
    "from them.",
    answer_names=("raw_folder", "raw_files"),
)


def _check_ones_on_device(ones: Any, total: Any) -> str:
    """Exercise 2: a 2 x 3 tensor of ones on the course's device, and its sum as a Python number."""
    if not isinstance(ones, torch.Tensor):
        raise Wrong(f"ones should be a tensor (torch.ones makes one), not {type(ones).__name__}")
    if tuple(ones.shape) != (2, 3):
        raise Wrong(f"ones has shape {tuple(ones.shape)}; the exercise asks for 2 rows of 3")
    if not torch.equal(ones.detach().cpu().float(), torch.ones(2, 3)):
        raise Wrong("ones holds other values than 1: torch.ones(2, 3) fills it with ones")
    device = pick_device()
    if ones.device.type != device.type:
        raise Wrong(
            f"ones is on {ones.device.type}, but the course computes on {device.type}: "
            "create it with device=device (or move it with .to(device))"
        )
    if isinstance(total, torch.Tensor):
        raise Wrong("total is still a tensor: `.item()` turns a one-number tensor into a number")
    if isinstance(total, bool) or not isinstance(total, (int, float)):
        raise Wrong(f"total should be a number; you gave {type(total).__name__}")
    if not close(float(total), 6.0):
        raise Wrong(f"total is {total}: it should be the sum of all the entries of ones")
    return f"6 ones on {device.type}, summed there and read back as a Python number."


ex2 = Exercise(
    "ex2",
    _check_ones_on_device,
    hints=[
        "`torch.ones(rows, columns)` makes a tensor of ones; its `device=` argument says where.",
        "ones = torch.ones(2, 3, device=device). A tensor's `.sum()` is again a tensor (on the "
        "same device); `.item()` gives the plain number.",
        "total = ones.sum().item()",
    ],
    solution="""
        ones = torch.ones(2, 3, device=device)
        total = ones.sum().item()
        print("a tensor:", torch.is_tensor(ones), "| total:", total)
    """,
    why="Tensors live on a device, and PyTorch computes where they are: the sum is computed on "
    "`device`, then `.item()` copies the one number back to Python. A network and its inputs "
    "must be on the same device, which is why every notebook moves both with `.to(device)`.",
    answer_names=("ones", "total"),
)
