"""The core code in sight: the networks, loops and optimizer written in notebooks 02 and 03 are the
helpers' code.

Each notebook cell is parsed with `ast`; the class or function of the same name in helpers must have
the same syntax tree, docstrings aside (comments and formatting never reach the tree).
"""

from __future__ import annotations

import ast
import inspect
import json
import textwrap
from pathlib import Path

import pytest

from helpers import models, recipes, training

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

# notebook -> (helpers module, names the notebook must define)
IN_SIGHT = {
    "02_ann_baseline.ipynb": [
        (models, "ANN"),
        (models, "TwoLayerNN"),
        (training, "train_one_epoch"),
        (training, "evaluate"),
    ],
    "03_cnn.ipynb": [
        (models, "CompactCNN"),
        (models, "LeNet5"),
        (models, "TwoConvTwoLinear"),
        (recipes, "make_optimizer"),
    ],
}
CASES = [(nb, module, name) for nb, pairs in IN_SIGHT.items() for module, name in pairs]

Definition = ast.ClassDef | ast.FunctionDef


def strip_docstrings(node: ast.AST) -> ast.AST:
    """Remove the docstring of every class and function in `node` (in place) and return it."""
    for child in ast.walk(node):
        if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = child.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                child.body = body[1:] or [ast.Pass()]
    return node


def dump(node: ast.AST) -> str:
    """The syntax tree without docstrings or positions, as a comparable string."""
    return ast.dump(strip_docstrings(node), annotate_fields=True, include_attributes=False)


def notebook_definitions(source_cells: list[str]) -> dict[str, list[Definition]]:
    """Every top-level class and function defined in the given code cells, by name."""
    found: dict[str, list[Definition]] = {}
    for source in source_cells:
        # IPython magics
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        for node in ast.parse("\n".join(lines)).body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                found.setdefault(node.name, []).append(node)
    return found


def code_cells(path: Path) -> list[str]:
    """The sources of the notebook's code cells."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def helper_definition(module, name: str) -> Definition:
    """The class or function `name` as written in the helpers module."""
    node = ast.parse(textwrap.dedent(inspect.getsource(getattr(module, name)))).body[0]
    assert isinstance(node, (ast.ClassDef, ast.FunctionDef))
    return node


def assert_same_code(notebook_node: Definition, helper_node: Definition, where: str) -> None:
    """Fail with both sources when the two definitions differ."""
    if dump(notebook_node) != dump(helper_node):
        pytest.fail(
            f"{where}: the notebook's {helper_node.name} differs from the helpers' one; "
            "make them the same code.\n"
            f"--- notebook ---\n{ast.unparse(notebook_node)}\n"
            f"--- helpers ---\n{ast.unparse(helper_node)}"
        )


@pytest.mark.parametrize(
    ("notebook", "module", "name"), CASES, ids=[f"{nb[:2]}-{name}" for nb, _, name in CASES]
)
def test_notebook_defines_the_helpers_code(notebook, module, name):
    definitions = notebook_definitions(code_cells(NOTEBOOKS / notebook))
    assert name in definitions, (
        f"{notebook} must define {name} in a code cell (the helpers hold the same code)"
    )
    assert len(definitions[name]) == 1, (
        f"{notebook} defines {name} {len(definitions[name])} times; keep one"
    )
    assert_same_code(definitions[name][0], helper_definition(module, name), notebook)


def test_a_changed_notebook_class_fails():
    """The check can fail: one changed layer in a copy of notebook 03's LeNet5 makes it fail."""
    cells = [
        s.replace("nn.Linear(120, 84)", "nn.Linear(120, 80)")
        for s in code_cells(NOTEBOOKS / "03_cnn.ipynb")
    ]
    changed = notebook_definitions(cells)["LeNet5"][0]
    with pytest.raises(pytest.fail.Exception, match="differs"):
        assert_same_code(changed, helper_definition(models, "LeNet5"), "modified copy")


def test_a_changed_notebook_loop_fails():
    """A loop without the scheduler step (the drift issue 10 found) is caught too."""
    cells = [
        s.replace("scheduler.step()", "pass")
        for s in code_cells(NOTEBOOKS / "02_ann_baseline.ipynb")
    ]
    changed = notebook_definitions(cells)["train_one_epoch"][0]
    with pytest.raises(pytest.fail.Exception, match="differs"):
        assert_same_code(changed, helper_definition(training, "train_one_epoch"), "modified copy")


def test_a_different_docstring_does_not_count():
    """Only code counts: the notebook may explain a class in its own words."""
    helper = helper_definition(models, "ANN")
    source = ast.unparse(helper).replace("Fully connected network", "A different docstring")
    assert dump(ast.parse(source).body[0]) == dump(helper)
