"""Thin, tested helpers for the MNIST course. Every notebook imports from here."""

from .checkpoints import CheckpointError, checkpoint_path, load_checkpoint, load_or_train, save_checkpoint
from .data import (
    MEAN,
    STD,
    MnistDataError,
    TensorLoader,
    denormalize,
    load_mnist,
    mnist_tensors,
    train_val_split,
)
from .device import Timer, describe_device, pick_device, synchronize, time_repeats
from .models import ANN, CompactCNN, LeNet5, build_model, count_parameters
from .recipes import ANN_RECIPE, CNN_RECIPE, Recipe, load_or_train_recipe, load_tensors, train_recipe
from .seeding import seed_everything
from .plots import plot_history, plot_prediction, show_digits, show_image_grid, use_course_style
from .settings import checkpoint_dir, data_dir, describe_mode, epochs, fast_mode
from .training import History, evaluate, fit, predict_proba, train_one_epoch
from .analysis import (
    capture_activations,
    compare_mistakes,
    confused_pairs,
    describe_confusions,
    extract_features,
    first_of_each,
    mistakes_table,
    predict,
    project_2d,
    strongest_inputs,
)
from .timing import Throughput, num_threads, step_cost_fit, steps_for, throughput_sweep, training_throughput
from .plots_analysis import (
    mistake_titles,
    plot_call_times,
    plot_confusion_matrix,
    plot_feature_maps,
    plot_filters,
    plot_projections,
    plot_speedup,
    plot_throughput,
)
from .drawing import DrawingPad, Steps, load_strokes, preprocess
