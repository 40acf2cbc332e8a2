"""Bounds on the input a reader hands to a parser, checked before parsing.

The parsers underneath (pyoxigraph, rdflib) recurse or allocate without bound on some inputs: a JSON-LD file of
5,000 nested objects takes 1 GB and then crashes the process, an RDF/XML entity bomb takes gigabytes, SPARQL
nested 3,000 deep overflows the stack, and a small gzip may hold gigabytes. So every input is checked here
first: a regular file (never a FIFO, which would block, nor a device), its size, its decompressed size, and how
deeply its brackets or elements nest. Each limit can be raised with an environment variable for a legitimate
input that exceeds it; a refused input is an InputError (exit 2) naming the file, the limit and that variable.
"""
from __future__ import annotations

import os
import re
import stat
import zlib
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from .errors import InputError

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limit:
    """One bound: what it limits, its default and the environment variable that overrides it."""

    what: str
    env: str
    default: int
    unit: str = "bytes"

    def value(self) -> int:
        raw = os.environ.get(self.env, "").strip()
        if not raw:
            return self.default
        match = re.fullmatch(r"(\d+)\s*([KMG]?)(?:i?B)?", raw, re.IGNORECASE)
        if not match or (match[2] and self.unit != "bytes"):
            example = "a number of bytes, e.g. 1G or 800M" if self.unit == "bytes" else "a whole number"
            raise InputError(f"{self.env}={raw!r} is not {example}", hint=f"unset {self.env} or fix its value")
        return int(match[1]) * 1024 ** "_KMG".index(match[2].upper() or "_")

    def describe(self, amount: int) -> str:
        return _size(amount) if self.unit == "bytes" else f"{amount} {self.unit}"


RDF_BYTES = Limit("an RDF file", "CRIMECONGRESS_MAX_RDF_BYTES", 512 * MiB)
TEXT_BYTES = Limit("a declaration text", "CRIMECONGRESS_MAX_TEXT_BYTES", 16 * MiB)
QUERY_BYTES = Limit("a query", "CRIMECONGRESS_MAX_QUERY_BYTES", 1 * MiB)
DEPTH = Limit("nesting depth", "CRIMECONGRESS_MAX_DEPTH", 64, unit="levels")


def _size(amount: int) -> str:
    for unit, factor in (("GiB", 1024 ** 3), ("MiB", MiB), ("KiB", 1024)):
        if amount >= factor:
            return f"{amount / factor:.4g} {unit}"
    return f"{amount} bytes"


def _over(limit: Limit, cap: int, file: str, message: str, line: int | None = None) -> InputError:
    more = 2 * cap if limit.unit != "bytes" else _env_size(2 * cap)
    return InputError(message, file=file, line=line,
                      hint=f"the limit for {limit.what} is {limit.describe(cap)}; if the input is legitimate, "
                           f"raise it, e.g. {limit.env}={more}")


def _env_size(amount: int) -> str:
    """`amount` as the environment variable takes it: a whole number with the largest exact suffix."""
    for suffix, factor in (("G", 1024 ** 3), ("M", MiB), ("K", 1024)):
        if amount % factor == 0:
            return f"{amount // factor}{suffix}"
    return str(amount)


# ---------------------------------------------------------------------------------------------- files
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _check_regular(mode: int, path: str, what: str) -> None:
    for test, kind in _KINDS:
        if test(mode):
            raise InputError(f"is {kind}, not {what}", file=path, hint="give a regular file")
    if not stat.S_ISREG(mode):
        raise InputError(f"is not a regular file, not {what}", file=path, hint="give a regular file")


def _os_error(error: OSError, path: str) -> InputError:
    if isinstance(error, FileNotFoundError):
        return InputError("no such file", file=path, hint="check the path")
    if isinstance(error, PermissionError):
        return InputError("permission denied", file=path, hint="make the file readable")
    return InputError(f"cannot read the file: {error.strerror or error}", file=path)


def check_input(path: str | Path, what: str) -> os.stat_result:
    """Stat `path` and refuse anything but an existing regular file, without opening it."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise _os_error(error, str(path)) from None
    _check_regular(info.st_mode, str(path), what)
    return info


def read_input(path: str | Path, limit: Limit, *, what: str | None = None) -> bytes:
    """The bytes of a regular file no larger than `limit`. The file is checked with stat before it is opened
    (a FIFO would block the open, a device would never end) and again once open."""
    name, what = str(path), what or limit.what
    cap = limit.value()
    info = check_input(path, what)
    try:
        if info.st_size > cap:
            raise _over(limit, cap, name, f"the file is {_size(info.st_size)}, too large")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as stream:
            _check_regular(os.fstat(stream.fileno()).st_mode, name, what)   # replaced since the stat
            data = stream.read(cap + 1)
    except OSError as error:
        raise _os_error(error, name) from None
    if len(data) > cap:
        raise _over(limit, cap, name, "the file grew past the size limit while read")
    return data


def gunzip(data: bytes, path: str, limit: Limit = RDF_BYTES) -> bytes:
    """Decompress gzip `data` (one or more members) a piece at a time, stopping as soon as the output exceeds
    `limit`: a few megabytes may hold gigabytes."""
    cap = limit.value()
    out = bytearray()
    rest = data
    try:
        while rest:
            engine = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            while not engine.eof:
                chunk = engine.decompress(rest, MiB)
                out += chunk
                if len(out) > cap:
                    raise _over(limit, cap, path, f"the file decompresses to more than {_size(cap)}")
                rest = engine.unconsumed_tail
                if not chunk and not rest:
                    raise InputError("truncated gzip file (it ends before its data does)", file=path,
                                     hint="download or copy the file again")
            rest = engine.unused_data.lstrip(b"\x00")   # the next member, or padding
    except zlib.error as error:
        raise InputError(f"not a gzip file: {error}", file=path) from None
    return bytes(out)


# ------------------------------------------------------------------------------------------------ depth
# Tokens that hide brackets: strings (possessive, and allowed to run unclosed to the end, so that no input makes
# the scan quadratic), IRIs, comments and escapes.
_JSON_SKIP = re.compile(rb'"(?:[^"\\]++|\\.)*+"?', re.DOTALL)
_TURTLE_SKIP = re.compile(
    rb'"""(?:[^"\\]++|\\.|"(?!""))*+(?:""")?'
    rb"|'''(?:[^'\\]++|\\.|'(?!''))*+(?:''')?"
    rb'|"(?:[^"\\\n\r]++|\\.)*+"?'
    rb"|'(?:[^'\\\n\r]++|\\.)*+'?"
    rb'|<[^<>"{}|^`\\\x00-\x20]*+>'
    rb"|#[^\n\r]*+"
    rb"|\\.", re.DOTALL)
_XML_SKIP = re.compile(
    rb"<!--(?:[^-]++|-(?!->))*+(?:-->)?"
    rb"|<!\[CDATA\[(?:[^\]]++|\](?!\]>))*+(?:\]\]>)?"
    rb"|<\?(?:[^?]++|\?(?!>))*+(?:\?>)?"
    rb"|<!(?:[^\[>]++|\[[^\]]*+\]?)*+>?")
_XML_TAG = rb"""(?:[^<>"']++|"[^<"]*+"?|'[^<']*+'?)*+"""   # never past the next "<": linear
_XML_END = re.compile(rb"</" + _XML_TAG + rb">?")
_XML_EMPTY = re.compile(rb"<" + _XML_TAG + rb"(?<=/)>")
_XML_START = re.compile(rb"<" + _XML_TAG + rb">?")

_OPEN, _CLOSE = 1, 2        # what the XML tags become before counting (neither byte is allowed in XML text)


def _steps(opening: bytes, closing: bytes) -> list[int]:
    table = [0] * 256
    for byte in opening:
        table[byte] = 1
    for byte in closing:
        table[byte] = -1
    return table


_SYNTAX = {   # syntax: (tokens to drop, opening, closing)
    "json": (_JSON_SKIP, b"[{", b"]}"),
    "turtle": (_TURTLE_SKIP, b"[({", b"])}"),
    "xml": (_XML_SKIP, bytes([_OPEN]), bytes([_CLOSE])),
}


def _brackets(data: bytes, syntax: str) -> bytes:
    skip, opening, closing = _SYNTAX[syntax]
    if syntax == "xml":
        data = data.translate(None, bytes([_OPEN, _CLOSE]))
        data = skip.sub(b"", data)
        data = _XML_END.sub(bytes([_CLOSE]), data)
        data = _XML_EMPTY.sub(b"", data)
        data = _XML_START.sub(bytes([_OPEN]), data)
    else:
        data = skip.sub(b"", data)
    keep = set(opening + closing)
    return data.translate(None, bytes(b for b in range(256) if b not in keep))


def max_depth(data: bytes | str, syntax: str) -> int:
    """How deeply brackets nest in `data`, outside strings, IRIs and comments: [ and { for "json"; [ ( and {
    for "turtle" (Turtle, TriG, SPARQL); elements for "xml". Unclosed brackets count."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    _, opening, closing = _SYNTAX[syntax]
    steps = _steps(opening, closing)
    return max(accumulate(map(steps.__getitem__, _brackets(data, syntax)), initial=0))


def _line_of_depth(data: bytes, syntax: str, depth: int) -> int:
    """The line on which nesting first passes `depth` (only called once the input is refused, so it may be
    slower than max_depth)."""
    skip, opening, closing = _SYNTAX[syntax]
    if syntax == "xml":
        skip = re.compile(_XML_SKIP.pattern + rb"|(?P<close>" + _XML_END.pattern + rb")|"
                          rb"(?P<empty>" + _XML_EMPTY.pattern + rb")|(?P<open>" + _XML_START.pattern + rb")")
    token = re.compile(skip.pattern + b"|(?P<bracket>[" + re.escape(opening + closing) + b"])", skip.flags)
    level = 0
    for match in token.finditer(data):
        kind = match.lastgroup
        if kind == "bracket":
            level += 1 if match[0] in opening else -1
        elif kind in ("open", "close"):
            level += 1 if kind == "open" else -1
        if level > depth:
            return data.count(b"\n", 0, match.start()) + 1
    return 1


def check_depth(data: bytes | str, syntax: str, file: str, *, limit: Limit = DEPTH) -> None:
    """Refuse input nested deeper than the limit, naming the line where it passes it."""
    cap = limit.value()
    depth = max_depth(data, syntax)
    if depth > cap:
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")
        noun = "elements" if syntax == "xml" else "brackets"
        raise _over(limit, cap, file, f"{noun} nested {depth} deep, too deep to parse safely",
                    line=_line_of_depth(data, syntax, cap))


_ENTITY = re.compile(rb"""<!ENTITY\s+(%\s+)?([^\s"'>]+)\s+(?:"([^"]*)"|'([^']*)')""")


def check_xml_entities(data: bytes, file: str, *, limit: Limit = RDF_BYTES) -> None:
    """Refuse XML whose entities would expand past the size limit ("billion laughs"): entities defined from
    other entities are refused outright, and the expansion of the others is counted."""
    if b"<!ENTITY" not in data:
        return
    cap = limit.value()
    expanded = len(data)
    for match in _ENTITY.finditer(data):
        value = match[3] if match[3] is not None else match[4]
        if b"&" in value or b"%" in value:
            line = data.count(b"\n", 0, match.start()) + 1
            raise InputError("an XML entity defined from other entities (they can expand without bound)",
                             file=file, line=line, hint="write the entity's text out in full")
        expanded += len(value) * data.count(b"&" + match[2] + b";")
    if expanded > cap:
        raise _over(limit, cap, file, f"with its entities expanded, the file is {_size(expanded)}, too large")
