"""Who to write as: credentials from the environment (CRIMECONGRESS_USER, CRIMECONGRESS_PASSWORD) or from a
netrc file (~/.netrc, or the file named by $NETRC), never from the command line.

It only finds them; when they are sent, and how (Basic or Digest), is transport.py's business.
"""
from __future__ import annotations

import netrc
import os
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ..errors import InputError

ENV_USER = "CRIMECONGRESS_USER"
ENV_PASSWORD = "CRIMECONGRESS_PASSWORD"


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str
    source: str          # where they came from, for messages (never the password itself)

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, source={self.source!r})"


def netrc_path(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env["NETRC"]) if env.get("NETRC") else Path.home() / ".netrc"


def find_credentials(url: str, env: Mapping[str, str] = os.environ) -> Credentials | None:
    """Credentials for the host of `url`: the environment first, then the netrc file's entry for the host."""
    user, password = env.get(ENV_USER), env.get(ENV_PASSWORD)
    if user or password:
        if not (user and password):
            missing = ENV_PASSWORD if user else ENV_USER
            raise InputError(f"{missing} is not set", hint=f"set both {ENV_USER} and {ENV_PASSWORD}, or neither")
        return Credentials(user, password, f"${ENV_USER}")
    path = netrc_path(env)
    if not path.is_file():
        return None
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as exc:
        raise InputError(f"cannot read the netrc file: {exc.msg}", file=str(path), line=exc.lineno) from None
    except OSError as exc:
        raise InputError(f"cannot read the netrc file: {exc.strerror}", file=str(path)) from None
    if entry is None:
        return None
    login, _account, password = entry
    if not login or password is None:
        return None
    return Credentials(login, password, str(path))
