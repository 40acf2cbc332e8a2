"""crimecongress: the declarations of the UN Crime Congresses as linked data."""
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _version(lookup=None, pyproject: Path = PYPROJECT) -> str:
    """The installed version, or, in a source tree that was not installed, the one pyproject.toml declares:
    the version goes into void.ttl and the analysis cache key, so it must be the real one."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        return (lookup or version)("crimecongress")
    except PackageNotFoundError:
        import tomllib
        try:
            with pyproject.open("rb") as handle:
                return tomllib.load(handle)["project"]["version"]
        except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError):
            return "0.0.0"  # neither installed nor in its source tree: no version to be had


def __getattr__(name: str):
    # read on first use (PEP 562): importlib.metadata costs some 25 ms, paid by every command otherwise
    if name == "__version__":
        globals()["__version__"] = value = _version()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
