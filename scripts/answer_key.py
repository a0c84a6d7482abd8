"""Write the answer key for instructors: notebooks with each exercise's solution under its check.

    uv run python scripts/answer_key.py                 # all notebooks -> build/answer_key/
    uv run python scripts/answer_key.py 03              # only notebooks whose name starts with 03
    uv run python scripts/answer_key.py --out /tmp/key

The notebooks hold no solutions: notebook NN's live in `exercises/nbNN.py`. After each cell that
calls `exN.check(...)`, the key adds a Markdown cell "Solution" (with why it is right) and a code
cell with the solution followed by the same check, so the key, run top to bottom, shows every check
passing. The key refuses a notebook and its exercises that disagree: a check of an exercise the
module lacks, a check whose arguments are not the exercise's `answer_names`, or an exercise that no
cell checks. A notebook without an `exercises/nbNN.py` is copied as it is. Images are copied beside
the key, as for student copies.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib
import importlib.util
from collections.abc import Mapping
from pathlib import Path

from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell

from course_tools.notebooks import IMAGES, NOTEBOOKS, ROOT, notebook_paths, read, write_with_images
from exercises.checking import Exercise


def exercises_for(path: Path) -> dict[str, Exercise]:
    """Notebook `path`'s exercises (NN_name.ipynb -> exercises/nbNN.py) by variable name, or {}."""
    name = f"exercises.nb{path.name[:2]}"
    if importlib.util.find_spec(name) is None:
        return {}
    module = importlib.import_module(name)
    return {var: value for var, value in vars(module).items() if isinstance(value, Exercise)}


def check_calls(source: str) -> list[tuple[str, tuple[str, ...], str]]:
    """The `exN.check(a, b)` calls in a code cell: (exercise, argument sources, call source)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: not a check cell
        return []
    return [
        (node.func.value.id, tuple(ast.unparse(arg) for arg in node.args), ast.unparse(node))
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "check"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id.startswith("ex")
    ]


def answer_key(
    nb: NotebookNode, exercises: Mapping[str, Exercise], label: str = "notebook"
) -> NotebookNode:
    """A copy of `nb` with each exercise's solution (and its check again) after its check cell."""
    key = copy.deepcopy(nb)
    cells, checked = [], []
    for cell in key.cells:
        cells.append(cell)
        for name, args, call in check_calls(cell.source) if cell.cell_type == "code" else []:
            if name not in exercises:
                raise ValueError(
                    f"{label}: a cell calls {name}.check(...); its exercises module has no {name}"
                )
            ex = exercises[name]
            if args != ex.answer_names:
                raise ValueError(
                    f"{label}: {call} passes {args}; {name}.answer_names is {ex.answer_names}"
                )
            # Its stored "not attempted" would mislead here.
            cell.outputs, cell.execution_count = [], None
            tags = {"tags": ["solution"]}
            cells.append(
                new_markdown_cell(f"**Solution** ({ex.title}). {ex.why}".strip(), metadata=tags)
            )
            cells.append(new_code_cell(f"{ex.solution_code}\n{call}", metadata=tags))
            checked.append(name)
    if missing := sorted(set(exercises) - set(checked)):
        raise ValueError(f"{label}: no cell checks {', '.join(missing)}")
    key.cells = cells
    return key


def write_answer_keys(paths: list[Path], out: Path, images: Path = IMAGES) -> list[Path]:
    """Write each notebook's answer key into `out` (and the images they show); return the paths."""
    keys = {out / p.name: answer_key(read(p), exercises_for(p), p.name) for p in paths}
    return write_with_images(keys, images)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "only", nargs="*", help="only notebooks whose file name starts with one of these"
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "build" / "answer_key", help="output folder"
    )
    args = parser.parse_args()
    paths = notebook_paths(args.only)
    if not paths:
        raise SystemExit(f"no notebooks found in {NOTEBOOKS}")
    try:
        for target in write_answer_keys(paths, args.out):
            print(target)
    except ValueError as error:
        raise SystemExit(f"answer key: {error}") from None


if __name__ == "__main__":
    main()
