"""Inputs are regular files read through a checked descriptor: links, devices and FIFOs are refused unread."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tracker.files import InputRefused, input_problem, read_input
from tracker.text import excerpt

SECRET = "ghp_FAKE_TOKEN_0123456789"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "outside.txt").write_text(f"https://user:{SECRET}@github.com\n")
    inside = tmp_path / "scenarios"
    inside.mkdir()
    (inside / "ok.yaml").write_text("id: ok\n")
    (inside / "creds.yaml").symlink_to(tmp_path / "outside.txt")
    (inside / "dangling.yaml").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(inside / "pipe.yaml")
    return inside


def test_a_regular_file_is_read(folder: Path) -> None:
    assert read_input(folder / "ok.yaml", folder=folder) == b"id: ok\n"
    assert input_problem(folder / "ok.yaml", folder) is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [("creds.yaml", "a symbolic link"), ("dangling.yaml", "a symbolic link"), ("pipe.yaml", "a FIFO (named pipe)")],
)
def test_links_and_fifos_are_refused_without_reading_them(folder: Path, name: str, kind: str) -> None:
    expected = f"not read: it is {kind}, and the tracker reads only regular files (it never follows links)"
    assert input_problem(folder / name, folder) == expected
    with pytest.raises(InputRefused) as raised:  # a FIFO must not hang the reader either
        read_input(folder / name, folder=folder)
    assert str(raised.value) == expected
    assert SECRET not in str(raised.value)


def test_devices_are_refused() -> None:
    assert input_problem(Path("/dev/zero")) == _device()
    with pytest.raises(InputRefused, match="a device"):
        read_input(Path("/dev/zero"), follow=True)


def _device() -> str:
    return "not read: it is a device, and the tracker reads only regular files (it never follows links)"


def test_a_configured_link_to_a_regular_file_may_be_followed(folder: Path) -> None:
    assert SECRET.encode() in read_input(folder / "creds.yaml", follow=True)


def test_a_path_outside_its_folder_is_refused(folder: Path) -> None:
    outside = folder.parent / "outside.txt"
    assert input_problem(outside, folder) == "not read: it is outside its folder"
    with pytest.raises(InputRefused, match="outside its folder"):
        read_input(folder / ".." / "outside.txt", folder=folder)


def test_a_size_limit_is_checked_before_reading(folder: Path) -> None:
    with pytest.raises(InputRefused, match="7 bytes, more than the 3"):
        read_input(folder / "ok.yaml", max_bytes=3)


def test_excerpts_are_escaped_and_short() -> None:
    assert excerpt("a\x07b") == "'a\\x07b'"
    assert excerpt("x" * 100) == repr("x" * 60) + "…"
