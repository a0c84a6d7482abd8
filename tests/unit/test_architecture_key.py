"""The architecture key: the same code gives the same key (notebook or helpers, comments aside);
any change to layers, widths or forward gives another, and such a checkpoint never loads."""

import ast
import importlib.util
import inspect
import json

import nbformat
import pytest
import torch
from nbclient import NotebookClient
from torch import nn

from helpers import models
from helpers.checkpoints import (
    CheckpointError,
    architecture_key,
    load_checkpoint,
    load_or_train,
    read_checkpoint,
    save_checkpoint,
)
from helpers.settings import REPO_ROOT

META = {"val_accuracy": 0.9, "test_accuracy": 0.9, "train_seconds": 1.0}
CPU = torch.device("cpu")
SOURCE = inspect.getsource(models)


def variant(tmp_path, changes: dict[str, str], name: str = "variant"):
    """helpers/models.py with `changes` from LeNet5 on, imported from its own file (with source)."""
    before, lenet = SOURCE.split("class LeNet5", 1)
    for old, new in changes.items():
        assert old in lenet, old
        lenet = lenet.replace(old, new)
    path = tmp_path / f"{name}.py"
    path.write_text(before + "class LeNet5" + lenet)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_key_names_the_class_and_is_stable():
    key = architecture_key(models.LeNet5())
    assert key.startswith("LeNet5:") and len(key.split(":")[1]) == 12
    assert key == architecture_key(models.LeNet5())  # new random weights: the same network
    assert architecture_key(models.ANN()) != architecture_key(models.CompactCNN())


def test_comments_docstrings_and_formatting_do_not_count(tmp_path):
    copy = variant(tmp_path, {"LeNet-5 with BatchNorm": "Another docstring;\n# and a comment"})
    spaced = variant(
        tmp_path, {"x = self.flatten(x)": "x = self.flatten( x )  # a comment\n"}, name="spaced"
    )
    helpers_key = architecture_key(models.LeNet5())
    assert architecture_key(copy.LeNet5()) == helpers_key
    assert architecture_key(spaced.LeNet5()) == helpers_key


RELU_TO_TANH = {"self.relu1 = nn.ReLU()": "self.relu1 = nn.Tanh()"}
CHANGES = {
    "ReLU->Tanh": RELU_TO_TANH,
    "width": {"nn.Linear(120, 84)": "nn.Linear(120, 64)", "nn.Linear(84, 10)": "nn.Linear(64, 10)"},
    # the same layers wired differently: every layer and shape as before
    "forward": {"x = self.relu4(self.fc2(x))": "x = self.relu3(self.fc2(x))"},
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_to_the_network_changes_the_key(tmp_path, change):
    changed = variant(tmp_path, CHANGES[change]).LeNet5()
    assert changed(torch.zeros(2, 1, 28, 28)).shape == (2, 10)  # still a working network
    assert architecture_key(changed) != architecture_key(models.LeNet5())


def test_without_source_the_compiled_code_still_tells_forwards_apart():
    def define(body: str) -> type:
        namespace = {"nn": nn}
        exec(  # exec'd code has no source file: the key falls back to the bytecode
            "class Net(nn.Module):\n"
            "    def __init__(self):\n        super().__init__()\n"
            "        self.fc = nn.Linear(2, 2)\n"
            f"    def forward(self, x):\n        return {body}\n",
            namespace,
        )
        return namespace["Net"]

    same, other = define("self.fc(x)"), define("self.fc(x) * 2")
    assert architecture_key(same()) == architecture_key(define("self.fc(x)")())
    assert architecture_key(same()) != architecture_key(other())


def test_a_custom_block_inside_counts(tmp_path):
    module = variant(
        tmp_path,
        {
            "MODELS:": "class Block(nn.Module):\n    def forward(self, x):\n        return x\n\n\n"
            "class Wrapped(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.block = Block()\n\n    def forward(self, x):\n"
            "        return self.block(x)\n\n\nMODELS:"
        },
    )
    changed = variant(
        tmp_path,
        {
            "MODELS:": "class Block(nn.Module):\n    def forward(self, x):\n        return -x\n\n\n"
            "class Wrapped(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.block = Block()\n\n    def forward(self, x):\n"
            "        return self.block(x)\n\n\nMODELS:"
        },
        name="changed",
    )
    assert architecture_key(module.Wrapped()) != architecture_key(changed.Wrapped())


def test_relu_to_tanh_lenet5_never_gets_the_old_weights(tmp_path, monkeypatch, capsys):
    """Issue 22 item 2: the shape-preserving ReLU -> Tanh in 03's LeNet5 retrains, never loads."""
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(tmp_path / "ckpt"))
    monkeypatch.setenv("COURSE_FAST", "0")
    tanh = variant(tmp_path, RELU_TO_TANH)
    original = models.LeNet5()
    save_checkpoint(tmp_path / "ckpt" / "cnn.pt", original, META | {"settings": {}})

    with pytest.raises(CheckpointError, match="different LeNet5 .its layers or forward changed"):
        load_checkpoint(tmp_path / "ckpt" / "cnn.pt", tanh.LeNet5())

    trained = []

    def train():
        trained.append(1)
        return tanh.LeNet5(), dict(META)

    model, _ = load_or_train("cnn", tanh.LeNet5, {}, train, CPU)
    out = capsys.readouterr().out
    assert trained == [1] and isinstance(model.relu1, nn.Tanh)
    assert (
        "cnn.pt was trained for a different LeNet5 (its layers or forward changed); kept it as cnn."
        in out
    )
    assert len(list((tmp_path / "ckpt").glob("cnn.*.old.pt"))) == 1  # the old weights kept aside
    saved = read_checkpoint(tmp_path / "ckpt" / "cnn.pt")["architecture"]
    assert saved == architecture_key(tanh.LeNet5()) != architecture_key(original)
    # and the original LeNet5 now retrains in its turn instead of taking the Tanh weights
    load_or_train("cnn", models.LeNet5, {}, lambda: (models.LeNet5(), dict(META)), CPU)
    assert "different LeNet5" in capsys.readouterr().out


def class_sources(notebook: str) -> dict[str, str]:
    """The source of each top-level class in the notebook's code cells, comments and layout kept."""
    cells = json.loads((REPO_ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    found = {}
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or "class " not in source:
            continue
        lines = "\n".join(
            line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        for node in ast.parse(lines).body:
            if isinstance(node, ast.ClassDef):
                found[node.name] = ast.get_source_segment(lines, node)
    return found


def test_notebook_classes_defined_in_a_kernel_get_the_helpers_keys():
    """In a real Jupyter kernel, where cells have no file, the notebook's ANN, CompactCNN and LeNet5
    get the same keys as the helpers' classes (the syntax-tree test keeps their code equal)."""
    sources = class_sources("02_ann_baseline.ipynb") | class_sources("03_cnn.ipynb")
    names = ["ANN", "CompactCNN", "LeNet5"]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n"
            "from helpers.checkpoints import architecture_key"
        ),
        *(nbformat.v4.new_code_cell(sources[name]) for name in names),
        nbformat.v4.new_code_cell(
            "import inspect\nprint(inspect.getsourcefile(LeNet5.forward))\n"
            + "".join(f"print(architecture_key({name}()))\n" for name in names)
        ),
    ]
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    lines = notebook.cells[-1].outputs[0]["text"].split()
    assert not lines[0].endswith("models.py")  # the source came from the kernel's cell, not helpers
    assert lines[1:] == [architecture_key(getattr(models, name)()) for name in names]
