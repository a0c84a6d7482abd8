"""PeakMemory records the largest resident size seen while it runs."""

import numpy as np

from course_tools.memory import PeakMemory


def test_peak_memory_sees_a_large_allocation():
    with PeakMemory() as baseline:
        pass
    with PeakMemory(interval=0.01) as peak:
        block = np.ones(200 * 2**20 // 8)  # 200 MB, touched
        block.sum()
        del block
    assert baseline.peak_mb > 10
    assert peak.peak_mb > baseline.peak_mb + 150


def test_children_mode_reads_zero_without_children():
    with PeakMemory(children=True) as peak:
        pass
    assert peak.peak_mb == 0.0
