"""Build reveal.js slides of the notebooks with nbconvert, into build/slides/ (not committed).

    uv run python scripts/build_slides.py                  # every notebook -> build/slides/NN_name.slides.html
    uv run python scripts/build_slides.py 03               # only notebooks whose name starts with 03
    uv run python scripts/build_slides.py --with-solutions # keep the exercise solutions in the slides

Each `## ` section is a slide, `### ` a sub-slide (arrow down), `fragment` cells appear one by one
and `notes` cells are speaker notes (press S). The stored outputs are shown as they are: run
`scripts/run_notebooks.py` first. Open a file in a browser; arrow keys move between slides.

Offline: by default the slides load reveal.js 4 and require.js from a CDN (unpkg, cdnjs), so the
browser needs the internet once (it caches them). For a room without a network, pass local
copies: `--reveal-prefix path/to/reveal.js` (a reveal.js 4.x folder holding dist/ and plugin/)
and `--require-js path/to/require.min.js`; both are copied next to the slides, so build/slides/
works on its own. Without them and without a network the slides still open as one long page.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def _sibling(name: str):
    """Import scripts/<name>.py (scripts/ is not a package, and this file may itself be loaded by path)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# One place for what the HTML and the slides share: which notebooks, image links, static progress bars.
_html = _sibling("build_html")
notebook_paths, images_from_root, static_widgets = _html.notebook_paths, _html.images_from_root, _html.static_widgets


def local_or_url(value: str, out: Path, name: str) -> str:
    """A URL as it is; a local file or folder copied into `out` as `name`, returned as a relative link."""
    if "://" in value:
        return value
    source = Path(value).expanduser().resolve()
    if not source.exists():
        raise SystemExit(f"{source} does not exist (give a URL or a local copy)")
    target = out / name
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copyfile(source, target)
    return name


def make_exporter(reveal_prefix: str | None = None, require_js: str | None = None, with_solutions: bool = False) -> SlidesExporter:
    """nbconvert's SlidesExporter set up for the course: scrolling slides, embedded images, solutions out."""
    config = Config()
    # Long cells (a figure with its code) scroll instead of running off the bottom of the slide.
    config.SlidesExporter.reveal_scroll = True
    config.SlidesExporter.reveal_number = "c/t"
    # Markdown images (../images/...) embedded as data, so the slides work from any folder.
    config.SlidesExporter.embed_images = True
    if reveal_prefix:
        config.SlidesExporter.reveal_url_prefix = reveal_prefix
    if require_js:
        config.SlidesExporter.require_js_url = require_js
    if not with_solutions:
        # Students may see the slides: solutions stay in the notebook, collapsed.
        config.TagRemovePreprocessor.remove_cell_tags = {"solution"}
        config.TagRemovePreprocessor.enabled = True
    return SlidesExporter(config=config)


def build(path: Path, out: Path, exporter: SlidesExporter) -> Path:
    """Write the slides of one notebook as <out>/<name>.slides.html; return the path."""
    nb = static_widgets(images_from_root(nbformat.read(path, as_version=4)))
    # nbconvert embeds only images below this path, so it is the course root, not notebooks/.
    resources = {"metadata": {"path": str(path.parent.parent), "name": path.stem}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    target = out / f"{path.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    return target


def build_all(paths: list[Path], out: Path, reveal_prefix: str | None = None, require_js: str | None = None,
              with_solutions: bool = False) -> list[Path]:
    """Slides for every notebook in `paths`, written into `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    reveal = local_or_url(reveal_prefix, out, "reveal.js") if reveal_prefix else None
    require = local_or_url(require_js, out, "require.min.js") if require_js else None
    exporter = make_exporter(reveal, require, with_solutions)
    return [build(path, out, exporter) for path in paths]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", help="only notebooks whose file name starts with one of these")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "slides", help="output folder (default: build/slides)")
    parser.add_argument("--reveal-prefix", help="reveal.js 4.x: a URL, or a local folder to copy next to the slides (offline)")
    parser.add_argument("--require-js", help="require.js: a URL, or a local require.min.js to copy next to the slides (offline)")
    parser.add_argument("--with-solutions", action="store_true", help="keep the cells tagged `solution`")
    args = parser.parse_args()
    paths = notebook_paths(args.only)
    if not paths:
        raise SystemExit(f"no notebooks found in {NOTEBOOKS}")
    for target in build_all(paths, args.out, args.reveal_prefix, args.require_js, args.with_solutions):
        print(target)


if __name__ == "__main__":
    main()
