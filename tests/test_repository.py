"""The repository stays hostable: no committed file is over 25 MB (git hosts warn at 50 MB and refuse 100 MB), so
the whole-dataset dumps are committed gzipped, and every added text keeps them far under the bar."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import ROOT

LIMIT = 25 * 1024 * 1024


def committed_files() -> list[str]:
    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [name for name in listed.decode("utf-8").split("\0") if name]


def test_no_committed_file_is_over_25_mb():
    files = committed_files()
    assert "build/dataset.nq.gz" in files and "build/dataset.nq" not in files
    sizes = {name: (ROOT / name).stat().st_size for name in files if (ROOT / name).is_file()}
    too_big = {name: size for name, size in sizes.items() if size > LIMIT}
    assert not too_big, f"files over 25 MB: {too_big}"
