"""helpers._safe_files: atomic writes, kept files never overwritten, folders checked by looking."""

import pytest

from helpers._safe_files import atomic_write, folder_problem, keep_aside, locked


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path):
    target = tmp_path / "f.bin"
    atomic_write(target, lambda f: f.write(b"old"))

    def crash(f):
        f.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, crash)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["f.bin"]


def test_keep_aside_never_overwrites(tmp_path):
    kept = []
    for content in (b"1", b"2", b"3"):
        (tmp_path / "m.pt").write_bytes(content)
        kept.append(keep_aside(tmp_path / "m.pt"))
    assert len(set(kept)) == 3 and [k.read_bytes() for k in kept] == [b"1", b"2", b"3"]
    assert all(k.name.startswith("m.") and k.name.endswith(".old.pt") for k in kept)


def test_folder_problem_names_a_file_and_locked_creates_its_folder(tmp_path):
    (tmp_path / "file").write_text("")
    assert "is a file" in folder_problem(tmp_path / "file" / "below")
    with locked(tmp_path / "new" / ".lock"):
        assert (tmp_path / "new" / ".lock").is_file()
