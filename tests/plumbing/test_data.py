"""The data layer: offline mirror, clear errors on bad input, in-memory tensors, fast mode."""

import gzip

import pytest
import torch

from helpers import _mnist_files as mnist_files
from helpers._mnist_files import ARCHIVES, EXTRACTED_BYTES, EXTRACTED_MD5, copy_from_mirror
from helpers.data import (
    BLANK,
    MnistDataError,
    TensorLoader,
    balanced_indices,
    denormalize,
    load_mnist,
    mnist_tensors,
    random_shift,
    raw_dir,
    train_val_split,
)
from helpers.settings import FAST_TEST_PER_CLASS, FAST_TRAIN_PER_CLASS, mnist_mirror


def truncate(path, keep=1000):
    data = path.read_bytes()[:keep]
    path.write_bytes(data)


# --- loading through a mirror -------------------------------------------------------------


def test_mirror_gives_both_splits_without_network(
    empty_data_dir, mirror_copy, no_network, monkeypatch
):
    monkeypatch.setenv("MNIST_MIRROR", str(mirror_copy))
    train, test = load_mnist(train=True), load_mnist(train=False)
    assert (len(train), len(test)) == (60_000, 10_000)
    assert train.targets[0] == 5 and test.targets[100] == 6 and test.targets[4142] == 7
    assert (empty_data_dir / "MNIST" / "raw" / "train-images-idx3-ubyte.gz").is_file()


def test_data_root_does_not_depend_on_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    before = raw_dir()
    monkeypatch.chdir(tmp_path)
    assert raw_dir() == before and before.parts[-3:] == ("data", "MNIST", "raw")


# --- bad input: each gets one clear message -----------------------------------------------


def test_no_network_no_mirror_names_both_fixes(empty_data_dir, no_network):
    with pytest.raises(MnistDataError) as info:
        load_mnist(train=True)
    message = str(info.value)
    assert "MNIST_MIRROR" in message and "internet" in message
    assert all(name in message for name in ARCHIVES)
    assert "Traceback" not in message


def test_mirror_that_is_not_a_folder(empty_data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_MIRROR", str(tmp_path / "nowhere"))
    with pytest.raises(MnistDataError, match="is not a folder"):
        load_mnist(train=True)


def test_mirror_missing_an_archive_names_it(empty_data_dir, mirror_copy, monkeypatch):
    (mirror_copy / "t10k-labels-idx1-ubyte.gz").unlink()
    monkeypatch.setenv("MNIST_MIRROR", str(mirror_copy))
    with pytest.raises(MnistDataError, match="t10k-labels-idx1-ubyte.gz missing"):
        load_mnist(train=False)


def test_truncated_archive_in_mirror_is_reported_by_name(
    empty_data_dir, mirror_copy, no_network, monkeypatch
):
    truncate(mirror_copy / "train-labels-idx1-ubyte.gz")
    monkeypatch.setenv("MNIST_MIRROR", str(mirror_copy))
    with pytest.raises(MnistDataError, match="train-labels-idx1-ubyte.gz corrupted"):
        load_mnist(train=True)
    assert not (empty_data_dir / "MNIST" / "raw" / "train-labels-idx1-ubyte.gz").exists()


def test_corrupted_archive_in_raw_is_reported_and_kept(empty_data_dir, mirror_copy, no_network):
    raw = empty_data_dir / "MNIST" / "raw"
    copy_from_mirror(mirror_copy, raw)
    corrupted = raw / "t10k-images-idx3-ubyte.gz"
    data = bytearray(corrupted.read_bytes())
    data[5000] ^= 0xFF  # same size, one flipped byte: only the md5 can tell
    corrupted.write_bytes(bytes(data))
    with pytest.raises(MnistDataError, match="t10k-images-idx3-ubyte.gz") as info:
        load_mnist(train=False)
    assert "md5" in str(info.value)
    kept = list(raw.glob("t10k-images-idx3-ubyte.*.old.gz"))
    assert len(kept) == 1 and kept[0].read_bytes() == bytes(data)


def test_corrupted_archive_in_raw_is_repaired_from_mirror(
    empty_data_dir, mirror_copy, no_network, monkeypatch
):
    raw = empty_data_dir / "MNIST" / "raw"
    copy_from_mirror(mirror_copy, raw)
    truncate(raw / "t10k-labels-idx1-ubyte.gz")
    monkeypatch.setenv("MNIST_MIRROR", str(mirror_copy))
    assert len(load_mnist(train=False)) == 10_000


def test_truncated_extraction_is_detected_and_extracted_again(
    empty_data_dir, mirror_copy, no_network, monkeypatch
):
    monkeypatch.setenv("MNIST_MIRROR", str(mirror_copy))
    expected = load_mnist(train=False).targets.clone()
    extracted = empty_data_dir / "MNIST" / "raw" / "t10k-labels-idx1-ubyte"
    truncate(extracted, keep=5008)  # half the labels
    reloaded = load_mnist(train=False)
    assert extracted.stat().st_size == EXTRACTED_BYTES["t10k-labels-idx1-ubyte"]
    assert torch.equal(reloaded.targets, expected)


def test_mirror_archives_extract_to_expected_sizes(good_archives):
    for name, size in EXTRACTED_BYTES.items():
        with gzip.open(good_archives / f"{name}.gz") as f:
            assert len(f.read()) == size


# --- tensors, fast mode, batches ----------------------------------------------------------


def test_tensors_are_normalised_and_unchanged(good_archives):
    images, labels = mnist_tensors(train=True, fast=False)
    assert images.shape == (60_000, 1, 28, 28) and images.dtype == torch.float32
    assert labels.dtype == torch.int64 and labels[0] == 5
    assert abs(images.mean().item()) < 1e-3 and abs(images.std().item() - 1) < 1e-3
    raw = load_mnist(train=True).data
    assert torch.allclose(denormalize(images[:5]).squeeze(1) * 255, raw[:5].float(), atol=1e-3)


def test_fast_subset_is_small_balanced_and_fixed(good_archives):
    images, labels = mnist_tensors(train=True, fast=True)
    assert torch.bincount(labels).tolist() == [FAST_TRAIN_PER_CLASS] * 10
    again, _ = mnist_tensors(train=True, fast=True)
    assert torch.equal(images, again)
    _, test_labels = mnist_tensors(train=False, fast=True)
    assert torch.bincount(test_labels).tolist() == [FAST_TEST_PER_CLASS] * 10


def test_fast_mode_switch_selects_the_subset(good_archives, monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    assert len(mnist_tensors(train=False)[1]) == 1_000
    monkeypatch.setenv("COURSE_FAST", "0")
    assert len(mnist_tensors(train=False)[1]) == 10_000


def test_balanced_indices_take_the_first_of_each_class():
    labels = torch.tensor([0, 1, 0, 2, 1, 0, 2, 3, 4, 5, 6, 7, 8, 9] * 2)
    picked = balanced_indices(labels, 1)
    assert sorted(labels[picked].tolist()) == list(range(10))
    assert picked.tolist() == sorted(picked.tolist())


def test_loader_visits_every_sample_once_per_epoch_in_a_new_order():
    images = torch.arange(25).float().view(25, 1, 1, 1)
    loader = TensorLoader(images, torch.arange(25), batch_size=10, seed=1)
    assert len(loader) == 3
    first = torch.cat([y for _, y in loader])
    second = torch.cat([y for _, y in loader])
    assert sorted(first.tolist()) == list(range(25)) == sorted(second.tolist())
    assert not torch.equal(first, second)
    assert [len(y) for _, y in loader] == [10, 10, 5]
    replay = torch.cat(
        [y for _, y in TensorLoader(images, torch.arange(25), batch_size=10, seed=1)]
    )
    assert torch.equal(replay, first)


def test_loader_without_shuffle_keeps_order_and_checks_lengths():
    loader = TensorLoader(torch.zeros(5, 1, 2, 2), torch.arange(5), batch_size=2, shuffle=False)
    assert torch.cat([y for _, y in loader]).tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="5 images but 4 labels"):
        TensorLoader(torch.zeros(5, 1, 2, 2), torch.arange(4), batch_size=2)


def test_random_shift_moves_each_image_by_at_most_the_shift_and_fills_blank():
    images = torch.full((200, 1, 28, 28), BLANK)
    images[:, :, 13, 13] = 1.0  # one ink pixel in the middle of each image
    shifted = random_shift(images, 1, torch.Generator().manual_seed(0))
    assert shifted.shape == images.shape and torch.equal(
        shifted.sum(dim=(1, 2, 3)), images.sum(dim=(1, 2, 3))
    )
    rows, cols = (torch.nonzero(shifted[:, 0] == 1.0)[:, k] for k in (1, 2))
    moves = set(zip((rows - 13).tolist(), (cols - 13).tolist()))
    assert moves == {
        (dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
    }  # all nine moves, no larger one
    edge = torch.ones(1, 1, 28, 28)
    assert (
        random_shift(edge.repeat(50, 1, 1, 1), 2, torch.Generator().manual_seed(0)) == BLANK
    ).any()


def test_loader_shift_moves_training_images_but_keeps_the_batches():
    images = torch.randn(30, 1, 28, 28)
    plain = list(TensorLoader(images, torch.arange(30), batch_size=8, seed=5))
    moved = list(TensorLoader(images, torch.arange(30), batch_size=8, seed=5, shift=1))
    assert all(
        torch.equal(a[1], b[1]) for a, b in zip(plain, moved)
    )  # the same images in the same batches
    assert not all(torch.equal(a[0], b[0]) for a, b in zip(plain, moved))
    assert torch.equal(
        moved[0][0],
        next(iter(TensorLoader(images, torch.arange(30), batch_size=8, seed=5, shift=1)))[0],
    )


def test_train_val_split_is_disjoint_and_seeded():
    images, labels = torch.arange(100).float().view(100, 1, 1, 1), torch.arange(100)
    (tx, ty), (vx, vy) = train_val_split(images, labels, val_fraction=0.2, seed=3)
    assert len(vy) == 20 and len(ty) == 80
    assert set(ty.tolist()).isdisjoint(vy.tolist())
    assert torch.equal(train_val_split(images, labels, 0.2, seed=3)[1][1], vy)


def test_relative_mirror_is_read_from_the_course_root(monkeypatch, tmp_path):
    from helpers.settings import REPO_ROOT

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MNIST_MIRROR", "../shared/data/mnist")
    assert mnist_mirror() == (REPO_ROOT / "../shared/data/mnist").resolve()
    monkeypatch.setenv("MNIST_MIRROR", "")
    assert mnist_mirror() is None


# --- data folders: every problem a clear message, and the environment check agrees ---------


def extraction_in(tmp_path, good_archives, copy=False, archives=False):
    """A data root whose MNIST/raw holds the four extracted files (symlinks, or copies to break)."""
    import shutil

    raw = tmp_path / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    names = list(EXTRACTED_MD5) + (list(ARCHIVES) if archives else [])
    for name in names:
        if copy:
            shutil.copyfile(good_archives / name, raw / name)
        else:
            (raw / name).symlink_to(good_archives / name)
    return tmp_path / "data"


def check_says(monkeypatch):
    from course_tools.environment import check_mnist

    return check_mnist()


def test_complete_read_only_mnist_loads_without_a_lock_file(
    tmp_path, good_archives, monkeypatch, no_network
):
    import helpers.data

    root = extraction_in(tmp_path, good_archives)
    monkeypatch.setenv("COURSE_DATA_DIR", str(root))
    monkeypatch.delenv("MNIST_MIRROR", raising=False)
    monkeypatch.setattr(helpers.data, "locked", lambda lock_file: pytest.fail("a lock was taken"))
    monkeypatch.setattr(
        mnist_files, "folder_problem", lambda folder: f"{folder} is read-only"
    )  # a shared copy
    assert len(load_mnist(train=False)) == 10_000
    assert not list(root.rglob(".lock"))
    assert check_says(monkeypatch).ok


@pytest.mark.parametrize("case", ["a file", "under /proc", "unwritable and incomplete"])
def test_data_folder_problems_are_clear_errors_and_the_check_agrees(
    tmp_path, monkeypatch, case, good_archives
):

    monkeypatch.setenv("MNIST_MIRROR", str(good_archives))
    if case == "a file":
        (tmp_path / "data").write_text("")
        monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
        expected = "is a file"
    elif case == "under /proc":
        monkeypatch.setenv("COURSE_DATA_DIR", "/proc/mnist-data")
        expected = "cannot be written"
    else:
        monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setattr(mnist_files, "folder_problem", lambda folder: f"{folder} is read-only")
        expected = "read-only"
    with pytest.raises(MnistDataError, match=expected) as info:
        load_mnist(train=False)
    assert "COURSE_DATA_DIR" in str(info.value)
    check = check_says(monkeypatch)
    assert not check.ok and expected in check.found and "COURSE_DATA_DIR" in check.fix


def test_corrupted_archive_beside_a_good_extraction_is_reported_the_same_by_both(
    tmp_path, good_archives, monkeypatch
):
    root = extraction_in(tmp_path, good_archives)
    raw = root / "MNIST" / "raw"
    (raw / "t10k-images-idx3-ubyte.gz").write_bytes(b"broken")
    monkeypatch.setenv("COURSE_DATA_DIR", str(root))
    monkeypatch.delenv("MNIST_MIRROR", raising=False)
    with pytest.warns(UserWarning, match="t10k-images-idx3-ubyte.gz .*corrupted") as record:
        assert len(load_mnist(train=False)) == 10_000
    check = check_says(monkeypatch)
    assert check.ok and str(record[0].message) in check.found
    assert (
        raw / "t10k-images-idx3-ubyte.gz"
    ).read_bytes() == b"broken"  # reported, not renamed aside


def scramble(path):
    data = bytearray(path.read_bytes())
    data[100:200] = data[100:200][::-1]  # same size, other bytes
    data[150] ^= 0xFF
    path.write_bytes(bytes(data))


def test_scrambled_extraction_is_never_loaded_it_is_extracted_again(
    tmp_path, good_archives, monkeypatch, no_network
):
    root = extraction_in(tmp_path, good_archives, copy=True, archives=True)
    labels = root / "MNIST" / "raw" / "t10k-labels-idx1-ubyte"
    scramble(labels)
    monkeypatch.setenv("COURSE_DATA_DIR", str(root))
    monkeypatch.delenv("MNIST_MIRROR", raising=False)
    assert check_says(monkeypatch).ok  # the intact archives will be extracted again
    reloaded = load_mnist(train=False)
    assert torch.equal(reloaded.targets, load_mnist_from(good_archives))


def load_mnist_from(raw):
    from torchvision.datasets.mnist import read_label_file

    return read_label_file(str(raw / "t10k-labels-idx1-ubyte"))


def test_scrambled_extraction_without_archives_is_a_clear_error(
    tmp_path, good_archives, monkeypatch, no_network
):
    root = extraction_in(tmp_path, good_archives, copy=True)
    scramble(root / "MNIST" / "raw" / "train-images-idx3-ubyte")
    monkeypatch.setenv("COURSE_DATA_DIR", str(root))
    monkeypatch.delenv("MNIST_MIRROR", raising=False)
    assert not check_says(monkeypatch).ok
    with pytest.raises(MnistDataError, match="MNIST_MIRROR"):
        load_mnist(train=True)


@pytest.mark.parametrize("length", range(1, 60, 3))
def test_the_data_folder_message_never_breaks_its_command(tmp_path, monkeypatch, length):
    """Issue 22: the advice wrapped at the hyphen of `~/mnist-data`, breaking the copied command."""
    (tmp_path / ("d" * length)).write_text(
        ""
    )  # a data "folder" that is a file, at many path lengths
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / ("d" * length)))
    with pytest.raises(MnistDataError) as info:
        load_mnist(train=False)
    assert any(
        "`export COURSE_DATA_DIR=~/mnist-data`" in line for line in str(info.value).splitlines()
    )


def test_fill_keeps_every_command_whole_at_any_width():
    from helpers._safe_files import fill

    text = (
        "What to do: set it (`export COURSE_DATA_DIR=~/mnist-data`), "
        "then `uv run pytest -p no:xdist`."
    )
    for width in range(10, 101):
        lines = fill(text, width).splitlines()
        assert any("`export COURSE_DATA_DIR=~/mnist-data`" in line for line in lines), width
        assert any("`uv run pytest -p no:xdist`" in line for line in lines), width
        assert " ".join(lines) == text
