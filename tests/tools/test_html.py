"""The static HTML course, on sample notebooks and on the course's own.

Pages keep their outputs, draw progress bars without widgets and formulas as MathML, link the
previous and next notebook, carry the notebook's title; the index lists the syllabus with times.
"""

import html
import json
import re
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from script_loader import load_script

from course_tools.notebooks import (
    ROOT,
    TIMINGS,
    format_seconds,
    full_run_seconds,
    notebook_paths,
    syllabus,
    title_and_learn,
)

build_html = load_script("scripts/build_html.py")

TITLE_CELL = """# 99 · Sample notebook

What this is about.

**What you will learn**

- how `tensors` look
- what a *loss* is,
  over two lines

**Time:** 2 minutes.

*If something looks wrong, use Kernel → Restart Kernel and Run All Cells.*"""


def model(name: str, **state) -> dict:
    """One entry of a notebook's widget state, as ipywidgets stores it."""
    return {
        "model_name": name,
        "model_module": "@jupyter-widgets/controls",
        "model_module_version": "2.0.0",
        "state": state,
    }


def sample_notebook() -> nbformat.NotebookNode:
    """An executed notebook: a tqdm progress bar (widget), a printed line and a hidden solution."""
    bar = new_output(
        "display_data",
        data={
            "text/plain": "epoch 1:   0%|          | 0/5 [00:00<?, ?it/s]",
            "application/vnd.jupyter.widget-view+json": {
                "version_major": 2,
                "version_minor": 0,
                "model_id": "box",
            },
        },
    )
    solution = new_code_cell(
        "print('solution here')",
        execution_count=2,
        outputs=[new_output("stream", name="stdout", text="solution output\n")],
    )
    solution.metadata.update(tags=["solution"], jupyter={"source_hidden": True})
    nb = new_notebook(
        cells=[
            new_markdown_cell(TITLE_CELL),
            new_markdown_cell(
                "The size: $$\\text{out} = "
                "\\left\\lfloor \\frac{n + 2p - k}{s} \\right\\rfloor + 1$$ "
                "where $k$ is the kernel size; `$HOME` and $5 are not formulas."
            ),
            new_code_cell(
                "train()",
                execution_count=1,
                outputs=[bar, new_output("stream", name="stdout", text="accuracy 0.97\n")],
            ),
            solution,
        ]
    )
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "version_major": 2,
            "version_minor": 0,
            "state": {
                "box": model(
                    "HBoxModel", children=["IPY_MODEL_left", "IPY_MODEL_bar", "IPY_MODEL_right"]
                ),
                "left": model("HTMLModel", value="epoch\u20071:\u2007100%"),
                "bar": model("FloatProgressModel", value=5.0, max=5.0, bar_style="success"),
                "right": model("HTMLModel", value="\u20075/5\u2007[00:01&lt;00:00,\u20074.2it/s]"),
            },
        }
    }
    return nb


@pytest.fixture
def built(tmp_path):
    """build/html for a three-notebook course (98, 99, 99b), with a timings file."""
    (tmp_path / "notebooks").mkdir()
    paths = [
        tmp_path / "notebooks" / name
        for name in ("98_first.ipynb", "99_sample.ipynb", "99b_last.ipynb")
    ]
    for path, heading in zip(paths, ["# 98 · First one", None, "# 99b · Last one"]):
        nb = sample_notebook()
        if heading:
            nb.cells[0].source = heading
        nbformat.write(nb, path)
    timings = tmp_path / "notebooks_full.json"
    timings.write_text(
        json.dumps({"total_seconds": 200.0, "notebooks": {"99_sample.ipynb": {"seconds": 125.4}}})
    )
    index, *pages = build_html.build_all(paths, tmp_path / "html", timings_file=timings)
    return [index, pages[1], pages[0], pages[2]]  # index, the sample, the first, the last


def test_page_keeps_outputs_and_draws_progress_bars(built):
    page = built[1].read_text()
    assert built[1].name == "99_sample.html"
    assert "accuracy 0.97" in page
    bar = re.search(r'class="course-progress".*?</div>', page, flags=re.DOTALL).group()
    assert "<progress" in bar and 'value="5.0"' in bar and 'max="5.0"' in bar and "5/5" in bar
    assert (
        "widget-view+json" not in page
        and "widget-state+json" not in page
        and "unpkg.com" not in page
    )
    assert "0/5 [00:00" not in page  # the bar's stale first state is not shown
    assert "<details" in page and "Solution (click to show)" in page and "solution output" in page
    assert 'href="index.html"' in page


def test_page_title_navigation_and_formula(built):
    page = built[1].read_text()
    assert "<title>99 · Sample notebook</title>" in page
    nav = '<a href="98_first.html">← 98 · First one</a> · <a href="index.html">All notebooks</a>'
    nav += ' · <a href="99b_last.html">99b · Last one →</a>'
    assert page.count(nav) == 2  # at the top and at the bottom
    assert page.index(nav) < page.index("accuracy 0.97") < page.rindex(nav)
    first, last = built[2].read_text(), built[3].read_text()
    assert "←" not in first.split("</nav>")[0] and "99_sample.html" in first
    assert "→" not in last.split("</nav>")[0] and "99_sample.html" in last
    # The formula is MathML (browsers draw it without MathJax or a network); code and prices keep
    # their $.
    assert 'display="block"><mrow><mtext>out</mtext>' in page and "<mfrac>" in page
    assert "\\frac" not in page and "mathjax" not in page.lower()
    assert "<mi>k</mi>" in page and "$HOME" in page and "$5" in page


def test_index_lists_title_learning_goals_link_and_time(built):
    index = built[0].read_text()
    assert built[0].name == "index.html"
    assert '<a href="99_sample.html">Sample notebook</a>' in index
    assert "<code>tensors</code>" in index and "<em>loss</em> is, over two lines" in index
    assert "2 min 5 s" in index


def test_index_without_timings(tmp_path):
    (tmp_path / "notebooks").mkdir()
    path = tmp_path / "notebooks" / "99_sample.ipynb"
    nbformat.write(sample_notebook(), path)
    index = build_html.index_page([path], full_run_seconds(tmp_path / "missing.json"))
    assert "not measured yet" in index and "run_notebooks.py" in index


def test_title_and_learn_parsing():
    title, learn = title_and_learn(sample_notebook())
    assert title == "99 · Sample notebook"
    assert learn == ["how `tensors` look", "what a *loss* is, over two lines"]
    assert format_seconds(45.2) == "45 s" and format_seconds(3600) == "60 min 0 s"


@pytest.fixture(scope="module")
def course_html(tmp_path_factory):
    """The course's own notebooks built by the script, as an instructor runs it."""
    out = tmp_path_factory.mktemp("html")
    script = ROOT / "scripts" / "build_html.py"
    run = subprocess.run(
        [sys.executable, str(script), "--out", str(out)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stdout  # every notebook is stored with its outputs
    return out


def test_the_course_builds_a_page_per_notebook_linked_in_order(course_html):
    paths = notebook_paths()
    assert len(paths) >= 9
    assert sorted(p.name for p in course_html.iterdir()) == sorted(
        ["index.html", *(f"{p.stem}.html" for p in paths)]
    )
    for i, path in enumerate(paths):
        page = (course_html / f"{path.stem}.html").read_text(encoding="utf-8")
        heading = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0][2:]
        assert f"<title>{heading}</title>" in page
        nav = re.findall(r'<nav class="course-nav".*?</nav>', page, flags=re.DOTALL)
        assert len(nav) == 2 and nav[0] == nav[1]  # the same links at the top and the bottom
        links = re.findall(r'href="([^"]+)"', nav[0])
        expected = [f"{paths[i - 1].stem}.html"] if i else []
        expected += ["index.html"] + ([f"{paths[i + 1].stem}.html"] if i + 1 < len(paths) else [])
        assert links == expected, path.name
        # Offline: no script or image from the internet, every image embedded, no widget state.
        assert not re.search(r'<script[^>]+src="https?:', page), path.name
        assert not re.search(r'<img[^>]+src="(?!data:)', page), path.name
        assert "widget-state+json" not in page


def test_the_course_index_holds_the_syllabus_and_the_times(course_html):
    index = (course_html / "index.html").read_text(encoding="utf-8")
    timings = full_run_seconds(TIMINGS)
    for entry in syllabus():
        assert f'<a href="{entry.path.stem}.html">{html.escape(entry.name)}</a>' in index
        assert len(entry.learn) >= 3, entry.path.name  # every notebook says what you will learn
        row = index.split(f'href="{entry.path.stem}.html"')[1].split("</tr>")[0]
        assert row.count("<li>") == len(entry.learn)
        assert format_seconds(timings[entry.path.name]) in row
