"""Peak resident memory of a running process, sampled in the background."""

from __future__ import annotations

import threading

import psutil


class PeakMemory(threading.Thread):
    """Context manager sampling the resident memory (MB) of this process, or of its children."""

    def __init__(self, children: bool = False, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.children, self.interval = children, interval
        self.peak_mb = 0.0
        self._done = threading.Event()

    def sample(self) -> float:
        """The current resident memory in MB (the largest child's when watching children)."""
        me = psutil.Process()
        procs = me.children(recursive=True) if self.children else [me]
        sizes = []
        for proc in procs:
            try:
                sizes.append(proc.memory_info().rss / 2**20)
            except psutil.Error:  # a child may exit between listing and reading
                pass
        return max(sizes, default=0.0)

    def run(self) -> None:
        while True:
            self.peak_mb = max(self.peak_mb, self.sample())
            if self._done.wait(self.interval):
                break

    def __enter__(self) -> PeakMemory:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self.join()
        self.peak_mb = max(self.peak_mb, self.sample())
