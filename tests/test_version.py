"""The version that goes into void.ttl is the real one, installed or not."""
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError
from pathlib import Path

import crimecongress
from crimecongress import _version

ROOT = Path(__file__).resolve().parents[1]
DECLARED = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def _not_installed(name):
    raise PackageNotFoundError(name)


def test_installed_version_is_the_declared_one():
    assert crimecongress.__version__ == DECLARED


def test_uninstalled_source_tree_reads_pyproject():
    assert _version(lookup=_not_installed) == DECLARED
    assert DECLARED != "0.0.0"


def test_no_metadata_and_no_pyproject_gives_a_placeholder(tmp_path):
    assert _version(lookup=_not_installed, pyproject=tmp_path / "pyproject.toml") == "0.0.0"


def test_fresh_process_without_metadata(tmp_path):
    """As when run from a checkout that was never pip-installed: the metadata lookup fails."""
    code = ("import importlib.metadata as m\n"
            "def missing(name): raise m.PackageNotFoundError(name)\n"
            "m.version = missing\n"
            "import crimecongress; print(crimecongress.__version__)")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == DECLARED
