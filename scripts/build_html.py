"""Build a static, read-only HTML copy of the executed course into build/html/ (not committed).

    uv run python scripts/build_html.py    # each notebook -> build/html/NN_name.html; index.html
    uv run python scripts/build_html.py --out /tmp/course-html

The pages show the notebooks as stored (run `scripts/run_notebooks.py` first), with their outputs.
Progress bars (ipywidgets) are drawn as plain HTML from their final state, images are embedded and
solutions are folded (click to show), and formulas ($$...$$ and $...$) are converted to MathML,
which browsers draw themselves, so a page works offline without Jupyter or MathJax. Each page is
titled with the notebook's title and links to the previous and next notebook at its top and bottom.
index.html lists each notebook with its title, what you will learn, and the time a full run took
(from benchmarks/results/notebooks_full.json, when present).
"""

from __future__ import annotations

import argparse
import html
import re
from pathlib import Path

import jinja2
from latex2mathml.converter import convert as latex_to_mathml
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbformat import NotebookNode

from course_tools.notebooks import (
    NOTEBOOKS,
    ROOT,
    TIMINGS,
    SyllabusEntry,
    format_seconds,
    full_run_seconds,
    images_relative_to,
    notebook_paths,
    read,
    syllabus,
    title,
)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# Code (fenced blocks and inline spans), where a $ is not math; display math; inline math.
CODE = re.compile(r"(```.*?```|`[^`\n]*`)", flags=re.DOTALL)
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", flags=re.DOTALL)
MATH_MARK = "coursemath{}end"  # stands for a formula while nbconvert renders the Markdown
INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])")

# The lab template without require.js (widgets are drawn as static HTML) and MathJax (formulas are
# MathML), so nothing comes from a CDN; with previous/next links at the top and the
# bottom, and solutions folded in <details>.
PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block html_head_js_requirejs %}{% endblock html_head_js_requirejs %}
{% block html_head_js_mathjax %}{% endblock html_head_js_mathjax %}
{% block body_header %}{{ super() }}
{{ resources.course_nav }}
{% endblock body_header %}
{% block body_footer %}
{{ resources.course_nav }}
{{ super() }}
{% endblock body_footer %}
{% block any_cell %}
{%- if 'solution' in cell.metadata.get('tags', []) -%}
<details class="course-solution" style="margin: 0.5em 0">
<summary style="cursor: pointer; padding-left: 1em">Solution (click to show)</summary>
{{ super() }}
</details>
{%- else -%}
{{ super() }}
{%- endif -%}
{% endblock any_cell %}
"""

INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 70em; margin: 2em auto; padding: 0 1em;
       line-height: 1.5; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.6em; text-align: left; vertical-align: top; }}
td ul {{ margin: 0; padding-left: 1.2em; }}
.time {{ white-space: nowrap; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>A read-only copy of the executed notebooks, with their outputs. To run them yourself, open the
course in JupyterLab (<code>uv run jupyter lab</code>).</p>
<table>
<thead><tr><th>#</th><th>notebook</th><th>what you will learn</th><th>time (full run)</th></tr>
</thead>
<tbody>
{rows}
</tbody>
</table>
<p>{timing_note}</p>
</body>
</html>
"""


def formulas_out(markdown: str, formulas: list[str]) -> str:
    """Markdown with each TeX formula ($$...$$, $...$; not in code) moved to `formulas` as MathML, a
    marker left.
    """

    def keep(mathml: str) -> str:
        formulas.append(mathml)
        return MATH_MARK.format(len(formulas) - 1)

    parts = CODE.split(markdown)
    for i in range(0, len(parts), 2):  # the even parts are outside code
        text = DISPLAY_MATH.sub(
            lambda m: keep(latex_to_mathml(m.group(1).strip(), display="block")), parts[i]
        )
        parts[i] = INLINE_MATH.sub(lambda m: keep(latex_to_mathml(m.group(1))), text)
    return "".join(parts)


def formulas_in(page: str, formulas: list[str]) -> str:
    """The rendered page with each marker replaced by its MathML (Markdown rendering would break
    MathML).
    """
    return re.sub(MATH_MARK.format(r"(\d+)"), lambda m: formulas[int(m.group(1))], page)


def nav_links(paths: list[Path], index: int) -> str:
    """The links of page `index`: the previous notebook, all notebooks, the next notebook."""

    def link(position: int, arrow_before: str = "", arrow_after: str = "") -> str:
        name = title(read(paths[position])) or paths[position].stem
        text = f"{arrow_before}{html.escape(name)}{arrow_after}"
        return f'<a href="{paths[position].stem}.html">{text}</a>'

    links = [link(index - 1, "← ")] if index > 0 else []
    links.append('<a href="index.html">All notebooks</a>')
    links += [link(index + 1, "", " →")] if index + 1 < len(paths) else []
    return f'<nav class="course-nav" style="padding: 0.5em 1em">{" · ".join(links)}</nav>'


def prepare(nb: NotebookNode, formulas: list[str]) -> NotebookNode:
    """The notebook as the page shows it: its title, images from the root, formulas out."""
    nb.metadata["title"] = title(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = formulas_out(cell.source, formulas)
    return static_widgets(images_relative_to(nb, "images/"))


def progress_html(model_id: str, state: dict) -> str | None:
    """A tqdm-style progress bar (HBox of HTML, progress, HTML) drawn as static HTML from its final
    state.
    """
    box = state.get(model_id, {})
    if box.get("model_name") != "HBoxModel":
        return None
    parts = []
    for ref in box.get("state", {}).get("children", []):
        child = state.get(ref.removeprefix("IPY_MODEL_"), {})
        values = child.get("state", {})
        if child.get("model_name") == "HTMLModel":
            parts.append(values.get("value", ""))  # already HTML, written by tqdm
        elif child.get("model_name") in {"FloatProgressModel", "IntProgressModel"}:
            parts.append(
                f'<progress value="{values.get("value", 0)}" '
                f'max="{values.get("max", 100)}"></progress>'
            )
    if not any(p.startswith("<progress") for p in parts):
        return None
    return f'<div class="course-progress" style="font-family: monospace">{" ".join(parts)}</div>'


def static_widgets(nb: NotebookNode) -> NotebookNode:
    """Replace widget outputs by static HTML (progress bars) or their text, and drop the widget
    state.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            view = data.pop(WIDGET_VIEW)
            drawn = progress_html(view.get("model_id", ""), state)
            if drawn:
                data["text/html"] = drawn
                data.pop("text/plain", None)  # the text is the bar's first state (0%), not its last
    # Without state the page loads no widget JavaScript from a CDN.
    nb.metadata.pop("widgets", None)
    return nb


def make_exporter() -> HTMLExporter:
    """nbconvert's HTMLExporter (lab look) with images embedded and the course's page template."""
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"course.html.j2": PAGE_TEMPLATE})],
        embed_images=True,
    )
    exporter.template_file = "course.html.j2"
    return exporter


def build_page(path: Path, out: Path, exporter: HTMLExporter, nav: str = "") -> Path:
    """Write one notebook as <out>/<name>.html, with the navigation links `nav`; return the path."""
    formulas: list[str] = []
    nb = prepare(read(path), formulas)
    if not any(cell.get("outputs") for cell in nb.cells):
        print(
            f"warning: {path.name} has no outputs; "
            "run `uv run python scripts/run_notebooks.py` first"
        )
    # nbconvert embeds only images below this path, so it is the course root, not notebooks/.
    resources = {
        "metadata": {"path": str(path.parent.parent), "name": path.stem},
        "course_nav": nav,
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    target = out / f"{path.stem}.html"
    target.write_text(formulas_in(body, formulas), encoding="utf-8")
    return target


def inline_markdown(text: str) -> str:
    """Markdown of one bullet as inline HTML (code, emphasis, links)."""
    rendered = markdown2html_mistune(text).strip()
    return re.sub(r"^<p>(.*)</p>$", r"\1", rendered, flags=re.DOTALL)


def index_row(entry: SyllabusEntry, timings: dict[str, float]) -> str:
    """One table row of the index: number, linked title, what you will learn, time."""
    items = "".join(f"<li>{inline_markdown(b)}</li>" for b in entry.learn)
    seconds = timings.get(entry.path.name)
    time_text = format_seconds(seconds) if seconds is not None else "not measured yet"
    return (
        f"<tr><td>{html.escape(entry.number)}</td>"
        f'<td><a href="{entry.path.stem}.html">{html.escape(entry.name)}</a></td>'
        f'<td><ul>{items}</ul></td><td class="time">{time_text}</td></tr>'
    )


def index_page(
    paths: list[Path],
    timings: dict[str, float],
    title: str = "Image classification with PyTorch on MNIST",
) -> str:
    """The index page: the syllabus, with a link to each notebook's page and its time."""
    rows = "\n".join(index_row(entry, timings) for entry in syllabus(paths))
    note = (
        "Times: one full run (COURSE_FAST=0) of each notebook in a fresh kernel, "
        "measured by scripts/run_notebooks.py."
        if timings
        else "Times are not measured yet: run <code>uv run python scripts/run_notebooks.py</code>, "
        "then build again."
    )
    return INDEX_TEMPLATE.format(title=html.escape(title), rows=rows, timing_note=note)


def build_all(paths: list[Path], out: Path, timings_file: Path = TIMINGS) -> list[Path]:
    """Write a page for every notebook in `paths` and index.html into `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    exporter = make_exporter()
    pages = [build_page(path, out, exporter, nav_links(paths, i)) for i, path in enumerate(paths)]
    index = out / "index.html"
    index.write_text(index_page(paths, full_run_seconds(timings_file)), encoding="utf-8")
    return [index, *pages]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "build" / "html",
        help="output folder (default: build/html)",
    )
    args = parser.parse_args()
    paths = notebook_paths()
    if not paths:
        raise SystemExit(f"no notebooks found in {NOTEBOOKS}")
    for target in build_all(paths, args.out):
        print(target)


if __name__ == "__main__":
    main()
