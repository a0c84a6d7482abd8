"""The course's pictures: figures by subject, and drawing your own digit.

Notebooks import from here: `from viz import ...`.
"""

from .drawing import (
    DrawingPad,
    NothingDrawn,
    StrokeError,
    centre_of_mass,
    load_drawings,
    load_strokes,
    preprocess,
)
from .evaluation import (
    mistake_titles,
    percent,
    plot_confusion_matrices,
    plot_confusion_matrix,
    plot_prediction,
    plot_projections,
)
from .images import plot_feature_maps, plot_filters, show_digits, show_image_grid, use_course_style
from .training import plot_call_times, plot_history, plot_speedup, plot_throughput
