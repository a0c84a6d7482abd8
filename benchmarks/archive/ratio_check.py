"""One-off side-by-side check: the chosen CNN (experiments.cnn_bn_warm10, seed 42) then the seeds recipe, 1 thread."""

import json
import os
import sys

os.environ["COURSE_FAST"] = "0"
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2] / "tests"))
import torch

torch.set_num_threads(1)
from script_loader import load_script

bench = load_script("benchmarks/training_speed.py")
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
import experiments as exp

print("load", bench.loadavg(), flush=True)
splits = exp.full_splits()
cnn = exp.train(exp.CONFIGS["cnn_bn_warm10"], 42, splits)
print(
    "cnn",
    json.dumps(
        {
            k: cnn[k]
            for k in (
                "train_seconds",
                "val_time_to_985_s",
                "val_acc_per_epoch",
                "test_acc",
                "load_before",
                "load_after",
            )
        }
    ),
    flush=True,
)
seeds = bench.seeds_recipe(torch.device("cpu"), 10, True, 0)
print("seeds", json.dumps(seeds), flush=True)
print(
    "ratio whole-train",
    round(seeds["time_to_985_s"] / cnn["train_seconds"], 2),
    "ratio to-98.5",
    round(seeds["time_to_985_s"] / cnn["val_time_to_985_s"], 2),
    flush=True,
)
