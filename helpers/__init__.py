"""Thin, tested helpers: settings, data, models, training, checkpoints, timing, analysis.

Every notebook imports from here (`from helpers import ...`); the pictures are in `viz`.
"""

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
from .checkpoints import (
    CheckpointError,
    architecture_key,
    checkpoint_metadata,
    checkpoint_path,
    ensure_checkpoint_folder,
    save_checkpoint,
)
from .compare import compare
from .data import (
    MEAN,
    STD,
    Splits,
    TensorLoader,
    denormalize,
    load_mnist,
    load_splits,
    mnist_tensors,
    train_val_split,
)
from .device import Timer, describe_device, mps_available, pick_device, synchronize
from .models import (
    ANN,
    CompactCNN,
    LeNet5,
    TwoConvTwoLinear,
    TwoLayerNN,
    build_model,
    count_parameters,
    multiply_adds,
)
from .recipes import (
    ANN_RECIPE,
    CNN_RECIPE,
    Recipe,
    load_or_train_recipe,
    make_optimizer,
    train_recipe,
)
from .settings import REPO_ROOT, data_dir, describe_mode, epochs, fast_mode
from .timing import (
    num_threads,
    quiet_stderr,
    step_cost_fit,
    steps_for,
    throughput_sweep,
    time_repeats,
    training_throughput,
)
from .training import evaluate, fit, predict_proba, seed_everything, train_one_epoch
