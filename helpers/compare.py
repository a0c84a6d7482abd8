"""Is a difference real? Repeated runs of two or more settings: medians, ranges and a verdict."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


def beats(runs: Sequence[float], others: Sequence[float]) -> bool:
    """True when every one of `runs` is above every one of `others`: a lead beyond the spread."""
    return min(runs) > max(others)


@dataclass(frozen=True)
class Comparison:
    """Runs per setting, the best setting, and which of the others it beats beyond the spread."""

    runs: dict[str, tuple[float, ...]]
    higher_is_better: bool
    fmt: str

    @property
    def best(self) -> str:
        """The setting with the best median."""
        pick = max if self.higher_is_better else min
        return pick(self.runs, key=lambda s: statistics.median(self.runs[s]))

    def beyond_spread(self, other: str) -> bool:
        """True when every run of the best setting beats every run of `other` (no overlap)."""
        best, rest = self.runs[self.best], self.runs[other]
        return beats(best, rest) if self.higher_is_better else beats(rest, best)

    def __str__(self) -> str:
        width = max(map(len, self.runs))
        lines = [
            f"{name:{width}}  median {self.fmt.format(statistics.median(v))}  "
            f"range {self.fmt.format(min(v))} to {self.fmt.format(max(v))}  ({len(v)} runs)"
            for name, v in self.runs.items()
        ]
        for other in (s for s in self.runs if s != self.best):
            verdict = (
                "beyond the spread" if self.beyond_spread(other) else "within noise on this run"
            )
            lines.append(f"{self.best} vs {other}: {verdict}")
        return "\n".join(lines)


def compare(
    runs: Mapping[str, Sequence[float]], higher_is_better: bool = True, fmt: str = "{:.2%}"
) -> Comparison:
    """Compare settings by repeated runs (seeds for accuracy, repeats for timings); print it."""
    if len(runs) < 2 or any(len(v) < 2 for v in runs.values()):
        raise ValueError("compare needs two or more settings with at least two runs each")
    return Comparison({k: tuple(map(float, v)) for k, v in runs.items()}, higher_is_better, fmt)
