"""Save every figure stored in a notebook's outputs as PNG files, to look at them outside Jupyter.

uv run python scripts/extract_figures.py notebooks/03_cnn.ipynb /tmp/figures03
"""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import nbformat


def extract(notebook: Path, out: Path) -> list[Path]:
    """Write each image/png output as <out>/cell<index>_<n>.png; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for index, cell in enumerate(nbformat.read(notebook, as_version=4).cells):
        for n, output in enumerate(cell.get("outputs", [])):
            png = output.get("data", {}).get("image/png")
            if png:
                path = out / f"cell{index:02d}_{n}.png"
                path.write_bytes(base64.b64decode(png))
                written.append(path)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    for path in extract(Path(sys.argv[1]), Path(sys.argv[2])):
        print(path)
