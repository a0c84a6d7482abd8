"""Does every slide fit a 1280x720 projector? Walk each notebook's RISE deck in Chromium, measure.

    uv run python -m course_tools.slide_fit        # every notebook; exit 1 if a slide overflows
    uv run python -m course_tools.slide_fit 03 07  # only the notebooks named 03... or 07...
    uv run python -m course_tools.slide_fit --all  # also list the slides that fit

Starts JupyterLab on 127.0.0.1 (a free port, a token, settings in a temporary folder), opens
/rise/notebooks/NN_name.ipynb with every request off the machine blocked (as in a classroom without
internet), and visits each slide and sub-slide (reveal's section `slide-H-V`). A slide overflows
when its content is taller than the slide area (the viewport, in RISE), or when a code cell or an
output is wider than its box and scrolls sideways, or anything is drawn past the right edge (over 4
px). Fragments are measured with the space they take once shown.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from course_tools.jupyter import START_S, find_browser, launch, running_lab  # noqa: F401 (the tests use them from here)
from course_tools.notebooks import NOTEBOOKS, ROOT, notebook_paths

VIEWPORT = {"width": 1280, "height": 720}
TOLERANCE_PX = 4  # rounding and borders: a slide 4 px over still shows everything

# One slide's size: its content against the slide area, and the widest sideways scroll inside it.
MEASURE_JS = """(id) => {
    const section = document.getElementById(id);
    const slides = document.querySelector('.reveal .slides');
    const heading = section.querySelector('h1, h2, h3, h4');
    let wide = 0;
    const boxes = '.cm-scroller, .jp-OutputArea-output, .jp-RenderedHTMLCommon pre';
    section.querySelectorAll(boxes).forEach(e => {
        // shown ones only
        if (e.clientWidth > 0 && e.offsetParent) {
            wide = Math.max(wide, e.scrollWidth - e.clientWidth);
        }
    });
    // and anything drawn past the slide's right edge, clipped or not (from the section's own left
    // edge, so that a slide still moving in from the side measures the same)
    const right = section.getBoundingClientRect().left + slides.clientWidth;
    section.querySelectorAll('*').forEach(e => {
        const box = e.getBoundingClientRect();
        if (box.width > 0 && box.height > 0) wide = Math.max(wide, box.right - right);
    });
    return {
        height: Math.ceil(section.scrollHeight), width: Math.ceil(section.scrollWidth),
        slide_height: slides.clientHeight, slide_width: slides.clientWidth,
        sideways: Math.ceil(wide),
        heading: heading ? heading.textContent.replace(/\u00b6$/, '').trim() : '',
    };
}"""


@dataclass(frozen=True)
class SlideFit:
    """One slide or sub-slide of one deck, measured."""

    notebook: str
    index: str  # reveal's horizontal-vertical index, e.g. "3-1" (section 3, its first sub-slide)
    heading: str
    height: int
    width: int
    slide_height: int
    slide_width: int
    sideways: int  # px a code cell or output would scroll sideways

    @property
    def too_tall(self) -> int:
        """Pixels of content below the slide's bottom edge."""
        over = self.height - self.slide_height
        return over if over > TOLERANCE_PX else 0

    @property
    def too_wide(self) -> int:
        """Pixels of content beyond the slide's right edge, or hidden in a sideways scroll."""
        over = max(self.width - self.slide_width, self.sideways)
        return over if over > TOLERANCE_PX else 0

    @property
    def fits(self) -> bool:
        """True when nothing is cut off."""
        return not self.too_tall and not self.too_wide

    def describe(self) -> str:
        """One line of the report."""
        where = f"{self.notebook} slide {self.index} {self.heading[:60]!r}"
        if self.fits:
            return f"{where}: fits ({self.height} px of {self.slide_height})"
        parts = (
            [f"{self.too_tall} px too tall ({self.height} of {self.slide_height})"]
            if self.too_tall
            else []
        )
        parts += [f"{self.too_wide} px too wide"] if self.too_wide else []
        return f"{where}: " + ", ".join(parts)


def offline(page) -> list[str]:
    """Block every request that leaves the machine, as in a room without internet; return the list
    of blocked URLs.
    """
    blocked: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    return blocked


def open_slideshow(page, base: str, token: str, relative: str) -> None:
    """Open notebook `relative` (e.g. notebooks/03_cnn.ipynb) as a RISE slideshow; wait for its
    first slide.
    """
    page.goto(f"{base}/rise/{relative}?token={token}")
    page.wait_for_selector(
        ".reveal .slides section.present section.present, .reveal .slides > section.present",
        timeout=START_S * 1000,
    )
    page.wait_for_load_state("networkidle")


def slide_ids(page) -> list[str]:
    """reveal's ids of every slide and sub-slide, in order (`slide-H-V`)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.reveal .slides section[id^=\"slide-\"]')]"
        ".map(s => s.id)"
    )


SHOW_JS = """(id) => {
    if (document.getElementById(id).classList.contains('present')) return true;
    location.hash = '#/' + id;  // again, if RISE moved back (it follows the selected cell)
    return false;
}"""


def go_to(page, slide_id: str) -> None:
    """Show slide `slide_id` (through reveal's URL hash) and wait until its images have loaded and
    it stays.
    """
    page.wait_for_function(SHOW_JS, arg=slide_id, polling=300)
    page.wait_for_function(
        "(id) => [...document.getElementById(id).querySelectorAll('img')].every(i => i.complete)",
        arg=slide_id,
    )
    # RISE selects the slide's first code cell after 450 ms; reveal lays it out
    page.wait_for_timeout(500)
    page.wait_for_function(SHOW_JS, arg=slide_id, polling=300)


def measure_deck(page, base: str, token: str, relative: str) -> list[SlideFit]:
    """Every slide of one notebook's RISE deck, measured at the page's viewport."""
    open_slideshow(page, base, token, relative)
    fits = []
    for slide_id in slide_ids(page):
        go_to(page, slide_id)
        size = page.evaluate(MEASURE_JS, slide_id)
        fits.append(
            SlideFit(notebook=Path(relative).name, index=slide_id.removeprefix("slide-"), **size)
        )
    return fits


def course_copy(paths: list[Path], target: Path) -> Path:
    """Copy the notebooks `paths` (with any RISE CSS beside them) and images/ into `target`: a
    slideshow that saves (RISE saves a notebook whose cell was run) never touches the course. Return
    `target`.
    """
    (target / "notebooks").mkdir(parents=True)
    for path in [*paths, *NOTEBOOKS.glob("*.css")]:
        shutil.copy2(path, target / "notebooks" / path.name)
    if (ROOT / "images").is_dir():
        shutil.copytree(ROOT / "images", target / "images")
    return target


def measure_course(paths: list[Path], browser: str) -> list[SlideFit]:
    """Measure the decks of `paths` (course notebooks, served from a copy) in one JupyterLab and one
    browser.
    """
    from playwright.sync_api import sync_playwright

    results: list[SlideFit] = []
    with tempfile.TemporaryDirectory(prefix="slide-fit-") as folder:
        tmp = Path(folder)
        root = course_copy(paths, tmp / "course")
        (tmp / "state").mkdir()
        with running_lab(tmp / "state", root) as (base, token), sync_playwright() as playwright:
            chromium = launch(playwright, browser)
            try:
                for path in paths:
                    print(f"measuring {path.name}", file=sys.stderr, flush=True)
                    page = chromium.new_page(viewport=VIEWPORT)
                    page.set_default_timeout(START_S * 1000)
                    offline(page)
                    results += measure_deck(page, base, token, f"notebooks/{path.name}")
                    page.close()
            finally:
                chromium.close()
    return results


def report(fits: list[SlideFit], everything: bool = False) -> str:
    """The overflowing slides (or all, with `everything`), one a line, and a count per notebook."""
    lines = [f.describe() for f in fits if everything or not f.fits]
    for notebook in dict.fromkeys(f.notebook for f in fits):
        deck = [f for f in fits if f.notebook == notebook]
        lines.append(f"{notebook}: {sum(not f.fits for f in deck)} of {len(deck)} slides overflow")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "only", nargs="*", help="only notebooks whose file name starts with one of these"
    )
    parser.add_argument("--all", action="store_true", help="list the slides that fit, too")
    args = parser.parse_args(argv)
    browser = find_browser()
    if not browser:
        print(
            "no Chromium or Chrome found: install one (Debian: apt-get install -y chromium) "
            "or set CHROME_PATH"
        )
        return 2
    paths = notebook_paths(args.only)
    if not paths:
        print(f"no notebooks found in {NOTEBOOKS}")
        return 2
    fits = measure_course(paths, browser)
    print(report(fits, everything=args.all))
    return 0 if all(f.fits for f in fits) else 1


if __name__ == "__main__":
    sys.exit(main())
