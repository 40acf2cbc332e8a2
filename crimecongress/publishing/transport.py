"""HTTP with the standard library (urllib): requests with a deadline for the whole exchange (connecting,
sending, every read), Basic and Digest challenges answered here without a library (a body-less HEAD
first, so that a large body is never sent only to be refused), redirects reported and never followed,
and every failure turned into a TransportError with one line to show.

It knows HTTP only: nothing of SPARQL, graphs or which server answers.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.client import HTTPException
from threading import Lock
from typing import Mapping

from ..errors import InputError
from .credentials import Credentials, find_credentials

DEFAULT_TIMEOUT = 120.0
NTRIPLES = "application/n-triples"
USER_AGENT = "crimecongress-publish"


class TransportError(Exception):
    """A request that did not get a 2xx answer. `kind`: unreachable | timeout | http."""

    def __init__(self, kind: str, message: str, *, status: int | None = None, url: str = ""):
        super().__init__(message)
        self.kind, self.message, self.status, self.url = kind, message, status, url


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401 - urllib's signature
        return None     # a redirect is reported, never followed with our body or credentials


_CHALLENGE_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def _parse_challenges(header: str) -> dict[str, dict[str, str]]:
    """{'digest': {...}, 'basic': {...}} from a WWW-Authenticate header (one scheme per header is usual)."""
    challenges: dict[str, dict[str, str]] = {}
    for match in re.finditer(r"(?i)\b(basic|digest)\b((?:\s*,?\s*\w+\s*=\s*(?:\"(?:[^\"\\]|\\.)*\"|[^\s,]+))*)",
                             header):
        params = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
                  for m in _CHALLENGE_PARAM.finditer(match.group(2))}
        challenges[match.group(1).lower()] = params
    return challenges


class _Auth:
    """The answer to one protection space's challenge, reused for every request to it."""

    def __init__(self, scheme: str, params: dict[str, str], credentials: Credentials):
        self.scheme, self.params, self.credentials, self.count = scheme, params, credentials, 0

    def header(self, method: str, url: str) -> str:
        user, password = self.credentials.user, self.credentials.password
        if self.scheme == "basic":
            return "Basic " + base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
        params = self.params
        algorithm = params.get("algorithm", "MD5")
        name = algorithm.upper().removesuffix("-SESS")
        hash_name = {"MD5": "md5", "SHA-256": "sha256", "SHA-512-256": "sha512_256"}.get(name)
        if hash_name is None:
            raise TransportError("http", f"the server asks for Digest with {algorithm}, which is not supported",
                                 url=url)

        def h(text: str) -> str:
            return hashlib.new(hash_name, text.encode("utf-8")).hexdigest()

        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        realm, nonce = params.get("realm", ""), params.get("nonce", "")
        self.count += 1
        nc, cnonce = f"{self.count:08x}", os.urandom(8).hex()
        ha1 = h(f"{user}:{realm}:{password}")
        if algorithm.upper().endswith("-SESS"):
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{uri}")
        qops = [q.strip() for q in params.get("qop", "").split(",") if q.strip()]
        fields = [f'username="{user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"',
                  f"algorithm={algorithm}"]
        if "auth" in qops:
            response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            fields += [f'response="{response}"', "qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
        elif not qops:
            fields.append(f'response="{h(f"{ha1}:{nonce}:{ha2}")}"')
        else:
            raise TransportError("http", f"the server asks for Digest qop={params['qop']}, which is not supported",
                                 url=url)
        if "opaque" in params:
            fields.append(f'opaque="{params["opaque"]}"')
        return "Digest " + ", ".join(fields)


def error_line(body: bytes, limit: int = 240) -> str:
    """The first meaningful line of an error body (tags stripped), for a one-line message."""
    text = body.decode("utf-8", "replace")
    text = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""


_HINTS = {
    401: "the server wants credentials: set CRIMECONGRESS_USER and CRIMECONGRESS_PASSWORD, or add the host to "
         "~/.netrc",
    403: "the account may not write here (Virtuoso: use the -auth endpoints, or grant SPARQL_UPDATE)",
    404: "check the URL",
    405: "this URL does not take that method: check --graph-store / --update, or try --protocol update",
    413: "the server refuses bodies this large: try --protocol update, which sends small chunks",
    415: "the server does not take N-Triples here",
}


class _Deadline:
    """One request's time limit, for all of it: connecting, sending and every read. A socket timeout alone
    limits each read, so a server that sends a byte now and then could hold a request for ever; here a
    timer shuts the connection's socket down when the time is up, which ends any read or write waiting
    on it."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self.expired = False
        self._done = False
        self._sockets: list[socket.socket] = []
        self._lock = Lock()
        self._timer = threading.Timer(seconds, self.expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(self.end - time.monotonic(), 0.001)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def expire(self) -> None:
        """End the request now (the time is up, or the run is interrupted)."""
        with self._lock:
            if self._done:
                return
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def finish(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._done = True
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass          # already closed


def _watched(http_class, deadline: _Deadline):
    """http_class (http.client's connection) connecting within what is left of the deadline, its socket
    watched by it."""
    def connection(host, **kwargs):
        kwargs["timeout"] = deadline.remaining()
        made = http_class(host, **kwargs)
        connect = made.connect

        def watched_connect() -> None:
            connect()
            deadline.watch(made.sock)
        made.connect = watched_connect
        return made
    return connection


class _Deadlined:
    """A urllib handler whose connections keep the deadline of their request (`request.deadline`)."""

    def do_open(self, http_class, req, **kwargs):
        deadline = getattr(req, "deadline", None)
        if deadline is not None:
            http_class = _watched(http_class, deadline)
        return super().do_open(http_class, req, **kwargs)


class _HTTPHandler(_Deadlined, urllib.request.HTTPHandler):
    pass


class _HTTPSHandler(_Deadlined, urllib.request.HTTPSHandler):
    pass


def check_url(option: str, url: str) -> None:
    """An http(s) URL with a host, or an InputError that names the option."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port            # a port that is not a number from 0 to 65535 raises ValueError
    except ValueError as exc:
        raise InputError(f"{option} is not a valid URL: {url!r} ({exc})",
                         hint="e.g. http://localhost:7878/query") from None
    if parts.scheme not in ("http", "https"):
        hint = f"add the scheme: http://{url}" if "://" not in url else "give an http:// or https:// URL"
        raise InputError(f"{option} must be an http(s) URL, not {url!r}", hint=hint)
    if not parts.hostname:
        raise InputError(f"{option} has no host name: {url!r}", hint="e.g. http://localhost:7878/query")


class Transport:
    """Sends requests with urllib; answers Basic and Digest challenges with the credentials found for each
    host; turns every failure into a TransportError with one line to show."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, env: Mapping[str, str] = os.environ):
        self.timeout = timeout
        self.env = env
        self._opener = urllib.request.build_opener(_NoRedirect, _HTTPHandler, _HTTPSHandler)
        self._pending: set[_Deadline] = set()
        self._aborted = False
        self._auth: dict[str, _Auth] = {}                  # protection space (URL without query) -> answer
        self._credentials: dict[str, Credentials | None] = {}
        self._probed: set[str] = set()
        self._lock = Lock()
        self.requests = 0

    def credentials(self, url: str) -> Credentials | None:
        host = urllib.parse.urlsplit(url).netloc
        with self._lock:
            if host not in self._credentials:
                self._credentials[host] = find_credentials(url, self.env)
            return self._credentials[host]

    @staticmethod
    def _space(url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"

    def abort(self) -> None:
        """End every request in flight now (the run is interrupted: do not wait for their deadlines)."""
        with self._lock:
            self._aborted = True
            pending = list(self._pending)
        for deadline in pending:
            deadline.expire()

    def _send(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> Response:
        """One request, answered within `timeout` seconds in all (see _Deadline)."""
        request = urllib.request.Request(url, data=body, method=method,
                                         headers={"User-Agent": USER_AGENT, **headers})
        with self._lock:
            if self._aborted:
                raise TransportError("unreachable", "not sent: the run was interrupted", url=url)
            request.deadline = deadline = _Deadline(self.timeout)
            self.requests += 1
            self._pending.add(deadline)
        try:
            response = self._exchange(request, url)
        except TransportError:
            if not deadline.expired:
                raise
            response = None
        finally:
            deadline.finish()
            with self._lock:
                self._pending.discard(deadline)
        if deadline.expired:       # even a whole-looking answer: one without a length ends where it was cut
            raise TransportError("timeout", f"no complete answer from {url} within {self.timeout:g} s",
                                 url=url)
        return response

    def _exchange(self, request: urllib.request.Request, url: str) -> Response:
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                return Response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            try:
                data = error.read()
            except (OSError, HTTPException):
                data = b""
            return Response(error.code, error.headers, data)
        except (socket.timeout, TimeoutError):
            raise TransportError("timeout", f"no answer from {url} within {self.timeout:g} s", url=url) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise TransportError("timeout", f"no answer from {url} within {self.timeout:g} s",
                                     url=url) from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise TransportError("unreachable", f"cannot reach {url}: {text.lower()}", url=url) from None
        except (ConnectionError, HTTPException, OSError) as error:
            text = getattr(error, "strerror", None) or str(error) or type(error).__name__
            raise TransportError("unreachable", f"lost the connection to {url}: {text}", url=url) from None

    def _learn(self, url: str, response: Response) -> bool:
        """Remember how to answer a 401's challenge; False when it cannot be answered."""
        credentials = self.credentials(url)
        if credentials is None:
            return False
        challenges = _parse_challenges(", ".join(response.headers.get_all("WWW-Authenticate") or [])
                                       if hasattr(response.headers, "get_all")
                                       else response.headers.get("WWW-Authenticate", ""))
        for scheme in ("digest", "basic"):
            if scheme in challenges:
                self._auth[self._space(url)] = _Auth(scheme, challenges[scheme], credentials)
                return True
        return False

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                *, ok: tuple[int, ...] = ()) -> Response:
        """Send one request; a 2xx (or a status in `ok`) is returned, anything else raises TransportError."""
        headers = dict(headers or {})
        space = self._space(url)
        with self._lock:
            probe = body and space not in self._auth and space not in self._probed
            self._probed.add(space)
        if probe and self.credentials(url) is not None:
            # Learn the challenge with a body-less request first: some servers close the connection on a
            # 401 while a large body is still being sent, and then there is no answer to read at all.
            probe = self._send("HEAD", url, None, {})
            if probe.status == 401:
                self._learn(url, probe)
        response = None
        for _attempt in range(3):
            auth = self._auth.get(space)
            sent = dict(headers)
            if auth is not None:
                with self._lock:                      # the nonce count must not be used twice
                    sent["Authorization"] = auth.header(method, url)
            response = self._send(method, url, body, sent)
            if response.status != 401:
                break
            challenges = _parse_challenges(response.headers.get("WWW-Authenticate", ""))
            stale = challenges.get("digest", {}).get("stale", "").lower() == "true"
            if auth is not None and not stale:
                break           # our credentials were refused
            if not self._learn(url, response):
                break
        assert response is not None
        if 200 <= response.status < 300 or response.status in ok:
            return response
        raise self._refusal(method, url, response)

    def _refusal(self, method: str, url: str, response: Response) -> TransportError:
        status = response.status
        detail = error_line(response.body)
        message = f"HTTP {status} from {method} {url.split('?', 1)[0]}"
        if detail:
            message += f": {detail}"
        if status in (301, 302, 303, 307, 308):
            message += f" (redirected to {response.headers.get('Location', '?')}: give that URL instead)"
        elif status == 401 and self._auth.get(self._space(url)) is not None:
            credentials = self._auth[self._space(url)].credentials
            message += f" (the server refused the credentials of user {credentials.user!r} from {credentials.source})"
        elif status in _HINTS:
            message += f" ({_HINTS[status]})"
        return TransportError("http", message, status=status, url=url)
