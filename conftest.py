"""Root pytest configuration: fast mode unless COURSE_FAST is set to a value.

It lives at the root so it also applies when only notebooks are collected
(`uv run pytest notebooks/03_cnn.ipynb`); nbval's kernels inherit the variable.
"""

import os

# Unset or empty (`COURSE_FAST= uv run pytest`) both mean fast; any other value is read strictly by helpers.settings.
if not os.environ.get("COURSE_FAST", "").strip():
    os.environ["COURSE_FAST"] = "1"
