"""What a SPARQL request asks for, read from its text before any engine sees it: an update or a query, and
which remote services (SERVICE) it would call.

Both the endpoint (`crimecongress serve`) and `crimecongress query` refuse updates and federation; the checks
must not be fooled by keywords inside strings, IRIs or comments, nor hidden behind \\u escapes (SPARQL allows
codepoint escapes anywhere in a query, and some engines expand them before parsing), so the text is tokenised
once here, the escapes expanded first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
QUERY_KEYWORDS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# A character of the class [...\u00C0-\uFFFF]: `_or_high(...)`. Written as that class, each pattern would cost
# 2 ms to compile (the compiler fills a table entry by entry for a range in the BMP), 14 ms for the tokens below, paid
# by every command; the range is the negated class `_HIGH` instead, tried when the class fails, without going back.
_HIGH = r"[^\x00-\xBF\U00010000-\U0010FFFF]"


def _or_high(chars: str) -> str:
    return rf"(?>[{chars}]|{_HIGH})"


# One token at a time, left to right: the first alternative that matches at a position wins, so a '#' inside a
# string or an IRI never starts a comment and a keyword inside either is never a keyword.
_LONG_STRING = r'"""(?:(?:"|"")?(?:[^"\\]|\\[\s\S]))*"""' + r"|'''(?:(?:'|'')?(?:[^'\\]|\\[\s\S]))*'''"
_SHORT_STRING = r'"(?:[^"\\\n\r]|\\[^\n\r])*"' + r"|'(?:[^'\\\n\r]|\\[^\n\r])*'"
_PREFIX = _or_high("A-Za-z") + _or_high(r"\w.\-\u00B7") + "*"
# The alternatives, tried in this order by `tokens`: string, IRI, comment, variable, name (a prefixed name, or a
# keyword), any other character.
_LONG = re.compile(_LONG_STRING)
_SHORT = re.compile(_SHORT_STRING)
_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_COMMENT = re.compile(r"#[^\n\r]*")
_VAR = re.compile(r"[?$]" + _or_high(r"\w\u00B7") + "+")
_PREFIXED = re.compile(r"(?:" + _PREFIX + ")?:(?:" + _or_high(r"\w%\\:") + _or_high(r"\w.\-:%\\\u00B7") + r"*)?")
_KEYWORD = re.compile(r"[A-Za-z_][\w\-]*")
_PREFIX_RUN = re.compile("(?>" + _PREFIX + ")")       # the longest name prefix at a position, never given back
_SPACE = re.compile(r"\s+")
_OTHER = re.compile(r"\S")
_LINE_END = re.compile(r"[\n\r]")


@dataclass(frozen=True)
class Token:
    kind: str          # string, iri, var, name (keyword or prefixed name), other
    text: str


def expand_escapes(query: str) -> str:
    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return _ESCAPE.sub(char, query)


def tokens(query: str) -> list[Token]:
    """The query's tokens, comments dropped (an unterminated string or IRI falls back to single characters).

    The alternatives above, in their order, but in time linear in the query: a scan that failed is not
    made again from a later position it covered. A prefixed name needs a ':' right after its prefix, so when the
    prefix that starts at a position is not followed by one, no position inside that prefix starts one either;
    a short string that found no end before its line's end cannot find one from a later quote of its kind on that
    line (each such quote was escaped in the first scan, so the scans fall in step); a long string that found no
    end is not tried again with the same quote (the rest then reads as short strings and single characters, which
    shows more of the query as code, never less). Without this a query of 1 MiB could hold the server for hours.
    """
    out: list[Token] = []
    end = len(query)
    no_prefixed_before = -1                       # positions below this start no prefixed name
    no_short_before = {'"': -1, "'": -1}          # ... no short string of that quote
    no_long = {'"': False, "'": False}            # a long string of that quote found no end
    pos = 0
    while pos < end:
        space = _SPACE.match(query, pos)
        if space:
            pos = space.end()
            continue
        char = query[pos]
        match, kind = None, "other"
        if char in "\"'":
            if not no_long[char] and query.startswith(char * 3, pos):
                match = _LONG.match(query, pos)
                no_long[char] = match is None
            if match is None and pos >= no_short_before[char]:
                match = _SHORT.match(query, pos)
                if match is None:
                    line_end = _LINE_END.search(query, pos)
                    no_short_before[char] = line_end.start() if line_end else end
            kind = "string"
        elif char == "<":
            match, kind = _IRI.match(query, pos), "iri"
        elif char == "#":
            match, kind = _COMMENT.match(query, pos), "comment"
        elif char in "?$":
            match, kind = _VAR.match(query, pos), "var"
        else:
            kind = "name"
            if pos >= no_prefixed_before:
                match = _PREFIXED.match(query, pos)
                if match is None:
                    run = _PREFIX_RUN.match(query, pos)
                    if run and not query.startswith(":", run.end()):
                        no_prefixed_before = run.end()
            if match is None:
                match = _KEYWORD.match(query, pos)
        if match is None:
            match, kind = _OTHER.match(query, pos), "other"
        if kind != "comment":
            out.append(Token(kind, match.group()))
        pos = match.end()
    return out


def first_keyword(query: str) -> str | None:
    """The first keyword after the prologue (PREFIX/BASE declarations), upper-cased, if it is a query or update
    keyword; None for anything else."""
    words = [t for t in tokens(expand_escapes(query))]
    i = 0
    while i < len(words):
        upper = words[i].text.upper()
        if upper == "PREFIX":
            i += 3          # the keyword, the prefix name ("uncc:") and its IRI
            continue
        if upper == "BASE":
            i += 2
            continue
        return upper if upper in UPDATE_KEYWORDS or upper in QUERY_KEYWORDS else None
    return None


def is_update(query: str) -> bool:
    return first_keyword(query) in UPDATE_KEYWORDS


@dataclass(frozen=True)
class ServiceCall:
    target: str        # the IRI as written (<...> or a prefixed name), or the variable
    silent: bool


def service_calls(query: str) -> list[ServiceCall]:
    """Every SERVICE clause of the query, read both as written and with its \\u escapes expanded."""
    calls: list[ServiceCall] = []
    for text in dict.fromkeys((query, expand_escapes(query))):
        words = tokens(text)
        for i, token in enumerate(words):
            if token.kind == "name" and token.text.upper() == "SERVICE":
                rest = words[i + 1:i + 3]
                silent = bool(rest) and rest[0].kind == "name" and rest[0].text.upper() == "SILENT"
                target = rest[1 if silent else 0].text if len(rest) > (1 if silent else 0) else ""
                call = ServiceCall(target, silent)
                if call not in calls:
                    calls.append(call)
    return calls


def declared_prefixes(query: str) -> dict[str, str]:
    """PREFIX declarations of the prologue: name (without the colon) -> IRI."""
    words = tokens(expand_escapes(query))
    out = {}
    for i, token in enumerate(words[:-2]):
        if token.kind == "name" and token.text.upper() == "PREFIX" and words[i + 1].kind == "name" \
                and words[i + 2].kind == "iri":
            out[words[i + 1].text.rstrip(":")] = words[i + 2].text[1:-1]
    return out


def service_refusal(query: str, allowed: frozenset[str] = frozenset(),
                    prefixes: dict[str, str] | None = None) -> str | None:
    """Why the query may not run, if it calls a service that is not in `allowed` (full endpoint IRIs the
    operator permits); None when it calls none, or only allowed ones."""
    calls = service_calls(query)
    if not calls:
        return None
    if not allowed:
        return ("Federated queries (SERVICE) are turned off on this endpoint: it does not call other servers "
                "on a client's behalf. Query the other endpoint yourself, or load the dumps into a store of your own.")
    names = {**(prefixes or {}), **declared_prefixes(query)}
    for call in calls:
        iri = _resolve(call.target, names)
        if iri not in allowed:
            shown = call.target or "(nothing)"
            return (f"SERVICE {shown} is not allowed here: this endpoint calls only "
                    f"{', '.join(sorted(allowed))}, named by a full IRI or a declared prefix.")
    return None


def _resolve(target: str, names: dict[str, str]) -> str | None:
    if target.startswith("<") and target.endswith(">"):
        return target[1:-1]
    if ":" in target and not target.startswith(("?", "$")):
        prefix, local = target.split(":", 1)
        if prefix in names and "\\" not in local and "%" not in local:
            return names[prefix] + local
    return None
