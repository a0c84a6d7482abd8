"""Root pytest configuration: fast mode unless COURSE_FAST is already set.

It lives at the root so it also applies when only notebooks are collected
(`uv run pytest notebooks/03_cnn.ipynb`); nbval's kernels inherit the variable.
"""

import os

os.environ.setdefault("COURSE_FAST", "1")
