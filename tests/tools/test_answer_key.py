"""scripts/answer_key.py: every exercise's solution lands under its check, the key runs to
"correct", and a notebook that disagrees with its exercises module is refused."""

import contextlib
import io

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from script_loader import load_script

from course_tools.notebooks import notebook_paths
from exercises.nb03 import ex1

answer_key = load_script("scripts/answer_key.py")
SETUP = "import torch\nfrom torch import nn\nfrom exercises.nb03 import ____, ex1"
CHECK = "ex1.check(out_shape, padding_7x7)"


def sample_notebook(check: str = CHECK) -> nbformat.NotebookNode:
    """A tiny notebook 03: setup, an exercise, its blank cell, its check (stored: not attempted)."""
    return new_notebook(
        cells=[
            new_markdown_cell("# 03 · Sample\n\n![diagram](../images/diagram.png)"),
            new_code_cell(SETUP),
            new_markdown_cell("**Exercise 1: output sizes.** ...", metadata={"tags": ["exercise"]}),
            new_code_cell("out_shape = ____\npadding_7x7 = ____", metadata={"tags": ["exercise"]}),
            new_code_cell(
                check,
                execution_count=3,
                outputs=[new_output("stream", name="stdout", text="… not attempted\n")],
            ),
        ]
    )


def run_cells(nb: nbformat.NotebookNode) -> str:
    """Run the notebook's code cells in one namespace, as a kernel would; what they printed."""
    scope: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        for cell in nb.cells:
            if cell.cell_type == "code":
                exec(cell.source, scope)
    return out.getvalue()


def test_solution_after_its_check_and_the_key_passes():
    key = answer_key.answer_key(sample_notebook(), {"ex1": ex1})
    nbformat.validate(key)
    assert [c.source for c in key.cells[:5]] == [c.source for c in sample_notebook().cells]
    assert key.cells[4].outputs == [] and key.cells[5].cell_type == "markdown"
    assert (
        key.cells[5].source.startswith("**Solution** (Exercise 1).")
        and ex1.why in key.cells[5].source
    )
    assert key.cells[6].source == f"{ex1.solution_code}\n{CHECK}" and len(key.cells) == 7
    printed = run_cells(key).splitlines()
    assert printed[0].startswith("… Exercise 1: not attempted") and printed[1].startswith(
        "✔ Exercise 1: correct."
    )


def test_every_notebook_gets_a_key_with_every_solution(tmp_path):
    paths = notebook_paths()
    written = answer_key.write_answer_keys(paths, tmp_path / "key")
    assert [p.name for p in written] == [p.name for p in paths]
    for path in written:
        key = nbformat.read(path, as_version=4)
        solutions = [c for c in key.cells if "solution" in c.metadata.get("tags", [])]
        checks = [
            c
            for c in key.cells
            if answer_key.check_calls(c.source) and "solution" not in c.metadata.get("tags", [])
        ]
        assert len(solutions) == len(checks) * 2 >= 2, path.name  # a note and the code, each
        assert "../images/" not in "".join(c.source for c in key.cells), path.name
    assert (tmp_path / "key" / "images").is_dir()


@pytest.mark.parametrize(
    "check, message",
    [
        ("ex2.check(out_shape)", "has no ex2"),
        ("ex1.check(padding_7x7, out_shape)", "answer_names is ('out_shape', 'padding_7x7')"),
        ("print('no check')", "no cell checks ex1"),
    ],
)
def test_notebook_and_exercises_must_agree(check, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        answer_key.answer_key(sample_notebook(check), {"ex1": ex1})


def test_exercises_found_by_notebook_number(tmp_path):
    assert answer_key.exercises_for(tmp_path / "03_cnn.ipynb")["ex1"] is ex1
    assert answer_key.exercises_for(tmp_path / "98_none.ipynb") == {}
    assert answer_key.check_calls("%timeit f()") == []
