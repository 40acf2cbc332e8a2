"""Where crimecongress keeps what it can make again: $CRIMECONGRESS_CACHE, else the XDG cache directory."""
from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path:
    if os.environ.get("CRIMECONGRESS_CACHE"):
        return Path(os.environ["CRIMECONGRESS_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "crimecongress"
