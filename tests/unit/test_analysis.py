"""Predictions, mistakes, confusions, activations and 2-D projections (helpers.analysis)."""

import numpy as np
import pytest
import torch
from torchvision.models.feature_extraction import create_feature_extractor

from helpers import analysis
from helpers.models import LeNet5

STAGES = ("conv1", "relu1", "pool1", "conv2", "relu2", "pool2")

CM = np.array([[5, 1, 0], [3, 4, 2], [0, 0, 6]])  # rows: true class, columns: predicted


class Fixed(torch.nn.Module):
    """A 'model' that returns the logits it was built with, whatever the input."""

    def __init__(self, logits: torch.Tensor) -> None:
        super().__init__()
        self.logits = logits
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.logits[: len(x)]


def test_predict_returns_argmax_and_its_probability():
    logits = torch.tensor([[0.0, 2.0, 0.0], [3.0, 0.0, 0.0]])
    predicted, confidence = analysis.predict(
        Fixed(logits), torch.zeros(2, 1, 28, 28), torch.device("cpu")
    )
    assert predicted.tolist() == [1, 0]
    assert torch.allclose(confidence, torch.softmax(logits, 1).max(1).values)


def test_mistakes_table_lists_only_mistakes_most_confident_first():
    probs = torch.tensor([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.7, 0.3]])
    labels = torch.tensor([0, 0, 0, 1])
    table = analysis.mistakes_table(labels, probs)
    assert table["index"].tolist() == [1, 3, 2]
    assert table["pred"].tolist() == [1, 0, 1]
    assert table["confidence"].tolist() == pytest.approx([0.8, 0.7, 0.6])
    assert table["p_true"].tolist() == pytest.approx([0.2, 0.3, 0.4])


def test_confused_pairs_one_way_and_both_ways():
    one_way = analysis.confused_pairs(CM, top=2)
    assert one_way[["true", "pred", "count"]].values.tolist() == [[1, 0, 3], [1, 2, 2]]
    assert one_way["share of true class"][0] == pytest.approx(3 / 9)
    both = analysis.confused_pairs(CM, both_ways=True)
    assert both["pair"].tolist() == ["0 ↔ 1", "1 ↔ 2"]  # 0 ↔ 2 never happens and is left out
    assert both[["count", "a → b", "b → a"]].values.tolist() == [[4, 1, 3], [2, 2, 0]]


def test_describe_confusions_reads_the_numbers():
    text = analysis.describe_confusions(CM, top=1)
    assert "**21**" in text and "**15**" in text  # total and correct
    assert "A true **1** was taken for a **0** 3 times" in text


def test_compare_mistakes_splits_every_image_once():
    labels = torch.tensor([0, 1, 2, 3, 4])
    first = torch.tensor([0, 9, 9, 3, 4])
    second = torch.tensor([0, 1, 9, 9, 4])
    groups = analysis.compare_mistakes(labels, first, second)
    assert {k: v.tolist() for k, v in groups.items()} == {
        "both right": [0, 4],
        "only first wrong": [1],
        "both wrong": [2],
        "only second wrong": [3],
    }


def test_capture_activations_records_each_stage_and_removes_hooks():
    torch.manual_seed(0)
    model, x = LeNet5(), torch.randn(2, 1, 28, 28)
    acts = analysis.capture_activations(model, STAGES, x)
    assert list(acts) == ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2"]
    assert acts["pool1"].shape == (2, 6, 14, 14) and acts["pool2"].shape == (2, 16, 5, 5)
    assert all(not m._forward_hooks for m in model.modules())
    expected = create_feature_extractor(model, {"relu2": "r"})(x)["r"]
    assert torch.equal(acts["relu2"], expected)


def test_hooks_are_removed_even_when_the_forward_pass_fails():
    model = LeNet5()
    with pytest.raises(RuntimeError):
        # wrong channel count
        analysis.capture_activations(model, STAGES, torch.zeros(1, 3, 28, 28))
    assert all(not m._forward_hooks for m in model.modules())


def test_extract_features_batches_and_matches_one_pass():
    torch.manual_seed(0)
    model, x = LeNet5(), torch.randn(5, 1, 28, 28)
    feats = analysis.extract_features(model, "relu4", x, torch.device("cpu"), batch_size=2)
    assert feats.shape == (5, 84)
    whole = create_feature_extractor(model.eval(), {"relu4": "f"})(x)["f"]
    assert torch.allclose(feats, whole, atol=1e-6)


def test_strongest_inputs_ranks_by_peak_per_channel():
    acts = torch.zeros(4, 2, 3, 3)
    acts[2, 0, 1, 1] = 5.0
    acts[0, 0, 0, 0] = 1.0
    acts[3, 1, 2, 2] = 7.0
    top = analysis.strongest_inputs(acts, k=2)
    assert top.shape == (2, 2)
    assert top[0].tolist() == [2, 0] and top[1, 0].item() == 3


def test_first_of_each_digit():
    assert analysis.first_of_each(torch.tensor([3, 1, 3, 0, 1]), [0, 1, 3]) == [3, 1, 0]


@pytest.mark.parametrize("method", ["pca", "tsne"])
def test_project_2d_keeps_separate_groups_apart(method):
    rng = np.random.default_rng(0)
    features = np.concatenate([rng.normal(0, 1, (40, 60)), rng.normal(8, 1, (40, 60))])
    points = analysis.project_2d(features, method)
    assert points.shape == (80, 2)
    gap = np.linalg.norm(points[:40].mean(0) - points[40:].mean(0))
    assert gap > 2 * points[:40].std(0).max()


def test_project_2d_rejects_unknown_methods():
    with pytest.raises(ValueError, match="unknown method"):
        analysis.project_2d(np.zeros((5, 3)), "umap")
