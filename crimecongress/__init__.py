"""crimecongress: the declarations of the UN Crime Congresses as linked data."""
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _version(lookup=version, pyproject: Path = PYPROJECT) -> str:
    """The installed version, or, in a source tree that was not installed, the one pyproject.toml declares:
    the version goes into void.ttl and the analysis cache key, so it must be the real one."""
    try:
        return lookup("crimecongress")
    except PackageNotFoundError:
        import tomllib
        try:
            with pyproject.open("rb") as handle:
                return tomllib.load(handle)["project"]["version"]
        except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError):
            return "0.0.0"  # neither installed nor in its source tree: no version to be had


__version__ = _version()
