"""The citation resolver: a printed citation to the IRI it names.

Understands, among others:
  "Doha Declaration, para. 5 (i)"            "Kyoto Declaration paragraph 49"      "Bangkok Declaration, para. 4"
  "A/RES/70/174, annex, para. 10(c)"        "resolution 70/174, para 10 (c)"      "[AP 62(a)]"   "LAC 80 (b)"
  "Vienna plans of action, para. 35 (d) (ii)"  "Kyoto Declaration, preamble 3"   "Doha Declaration, footnote 3"
and a bare IRI or path of the dataset. The documents, their short titles, years and endorsing resolutions
come from the dataset itself (uncc:endorsedBy / uncc:resolutionSymbol), so new documents resolve without code.

The answer is one IRI (`Resolved`), several candidates (`Ambiguous`) or nothing with the reason (`Unresolved`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .data import Dataset

STOP = {"the", "of", "on", "and", "for", "in", "to", "a", "an", "at", "annex", "un", "ga", "general", "assembly",
        "resolution", "res", "document"}

# a locator: keyword, number, then sub-levels "(d)", "(ii)" (also written "5(d)(ii)", "5 d ii" is not accepted)
LOCATOR = re.compile(
    r"(?P<kw>paragraphs?|paras?\.?|pars?\.?|¶|op\.?|preambular\s+paragraph|preambular\s+para\.?|preamble|pp\.?"
    r"|footnotes?|fn\.?|notes?|headings?|entry)"
    r"\s*(?P<num>\d+|\*)\s*(?P<subs>(?:\(\s*[A-Za-z0-9]{1,6}\s*\)\s*)*)\s*\.?$",
    re.IGNORECASE)
BARE_LOCATOR = re.compile(r"(?:^|[\s,])(?P<num>\d{1,3})\s*(?P<subs>(?:\(\s*[A-Za-z0-9]{1,6}\s*\)\s*)*)\s*\.?$")
CODE = re.compile(r"^\[?\s*(?P<code>[A-Z]{1,4})\s*(?P<num>\d+)\s*(?P<subs>(?:\(\s*[a-z0-9]{1,6}\s*\)\s*)*)\]?$")
SYMBOL = re.compile(r"(?:A/RES/)?(?P<session>\d{2})/(?P<number>\d{1,3})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Resolved:
    iri: str
    label: str


@dataclass(frozen=True)
class Ambiguous:
    candidates: list[tuple[str, str]]   # (IRI, label)
    reason: str


@dataclass(frozen=True)
class Unresolved:
    message: str
    suggestions: list[tuple[str, str]] = field(default_factory=list)


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip()


def _tokens(text: str) -> list[str]:
    return [t for t in re.findall(r"[a-z0-9]+", text.lower()) if t not in STOP]


class Resolver:
    def __init__(self, data: Dataset):
        self.data = data
        self.docs = []
        self.codes: dict[str, str] = {}       # "AP" -> rpm report IRI
        self.printed: dict[str, str] = {}     # normalised printed code -> recommendation IRI
        for doc in data.documents:
            short = data.text(doc, data.term("shortTitle")) or data.label(doc)
            title = data.text(doc, "http://purl.org/dc/terms/title") or short
            slug = data.minter.parse(doc).document
            year = data.year(doc) or ""
            symbols = [symbol for _, symbol in data.endorsements(doc)]
            self.docs.append({
                "iri": doc, "short": short, "slug": slug, "year": year, "symbols": symbols,
                "exact": {" ".join(_tokens(short)), " ".join(_tokens(short + " " + year)), " ".join(_tokens(slug))},
                "near": set(_tokens(short)) | set(_tokens(slug)) | ({year} if year else set()),
                "far": set(_tokens(short)) | set(_tokens(slug)) | set(_tokens(title)) | ({year} if year else set()),
            })
            match = re.match(r"rpm-report-([a-z]+)$", slug)
            if match:
                self.codes[match.group(1).upper()] = doc
        code_p, lists_p = data.term("printedCode"), data.term("lists")
        for units in data.units_of.values():
            for unit in units:
                printed = data.text(unit, code_p)
                target = data.value(unit, lists_p)
                if printed and isinstance(target, str):
                    self.printed.setdefault(self._code_key(printed), target)

    @staticmethod
    def _code_key(code: str) -> str:
        return re.sub(r"[\s\[\]]", "", code).upper()

    # --------------------------------------------------------------------------------------------------------------
    def resolve(self, citation: str):
        cite = _normal(citation or "")
        if not cite:
            return Unresolved("Give a citation, e.g. “Doha Declaration, para. 5 (i)” or “[AP 62(a)]”.")
        direct = self._direct(cite)
        if direct:
            return direct
        code = CODE.match(cite)
        if code and code.group("code") in self.codes:
            return self._code(code)
        doc_part, kind, number, subs = self._split(cite)
        docs = self._documents(doc_part) if doc_part else None
        if docs is not None and not docs:
            return Unresolved(f"No document matches “{doc_part}”.", self._all_documents())
        if number is None:
            if docs is None:
                return Unresolved(f"“{cite}” names no document and no paragraph.", self._all_documents())
            if len(docs) == 1:
                return Resolved(docs[0]["iri"], self.data.label(docs[0]["iri"]))
            return Ambiguous([(d["iri"], self._doc_label(d)) for d in docs],
                             f"“{doc_part}” fits {len(docs)} documents.")
        pool = docs if docs is not None else self.docs
        found = []
        for d in pool:
            iri = self._unit_iri(d["slug"], kind, number, subs)
            if iri and self.data.knows(iri):
                found.append((iri, self.data.label(iri)))
        if len(found) == 1 and (docs is None or len(docs) == 1):
            return Resolved(*found[0])
        if found:
            reason = (f"“{doc_part}” fits {len(pool)} documents." if docs is not None
                      else f"“{cite}” names no document; {len(found)} documents have that {kind}.")
            return Ambiguous(found, reason)
        where = self._doc_label(pool[0]) if len(pool) == 1 else "any document"
        locator = f"{kind} {number}" + "".join(f" ({s})" for s in subs)
        suggestions = [(d["iri"], self._doc_label(d)) for d in pool][:20]
        if len(pool) == 1:
            nearest = self._nearest(pool[0], kind, number, subs)
            suggestions = nearest + suggestions
        return Unresolved(f"{where} has no {locator}.", suggestions)

    # --------------------------------------------------------------------------------------------------------------
    def _direct(self, cite: str):
        minter = self.data.minter
        for candidate in (cite, minter.from_relative(cite.lstrip("/"))):
            if minter.is_own(candidate) and self.data.knows(candidate):
                return Resolved(candidate, self.data.label(candidate))
        return None

    def _code(self, match: re.Match):
        key = self._code_key(match.group(0))
        if key in self.printed and self.data.knows(self.printed[key]):
            target = self.printed[key]
            return Resolved(target, self.data.label(target))
        doc = self.codes[match.group("code")]
        subs = re.findall(r"\(\s*([A-Za-z0-9]+)\s*\)", match.group("subs") or "")
        iri = self._unit_iri(self.data.minter.parse(doc).document, "paragraph", match.group("num"), subs)
        if iri and self.data.knows(iri):
            return Resolved(iri, self.data.label(iri))
        return Unresolved(f"The {self.data.label(doc)} report has no recommendation {match.group(0).strip('[] ')}.",
                          [(doc, self.data.label(doc))])

    def _split(self, cite: str):
        """(document part, kind, number, [sub-levels]) of a citation; number None when there is no locator."""
        match = LOCATOR.search(cite)
        if match and (match.start() == 0 or not cite[match.start() - 1].isalnum()):
            kw = match.group("kw").lower().rstrip(".")
            kind = ("preamble" if kw.startswith(("preamb", "pp")) else
                    "footnote" if kw.startswith(("foot", "fn", "note")) else
                    "heading" if kw.startswith("heading") else
                    "entry" if kw == "entry" else "paragraph")
            doc_part = cite[: match.start()]
        else:
            match = BARE_LOCATOR.search(cite)
            if not match or not cite[: match.start()].strip(" ,"):
                return cite.strip(" ,."), None, None, []
            kind, doc_part = "paragraph", cite[: match.start()]
        subs = re.findall(r"\(\s*([A-Za-z0-9]+)\s*\)", match.group("subs") or "")
        doc_part = re.sub(r"[\s,;:.]+$", "", doc_part)
        doc_part = re.sub(r",?\s*annex(\s+[IVX\d]+)?$", "", doc_part, flags=re.IGNORECASE).strip(" ,")
        return doc_part, kind, match.group("num"), subs

    def _documents(self, text: str) -> list[dict]:
        symbol = SYMBOL.search(text)
        if symbol:
            wanted = f"{symbol.group('session')}/{symbol.group('number')}"
            return [d for d in self.docs if any(s.endswith("/" + wanted) or s == wanted for s in d["symbols"])]
        tokens = _tokens(text)
        if not tokens:
            return []
        joined = " ".join(tokens)
        for tier in ("exact", "near", "far"):
            if tier == "exact":
                found = [d for d in self.docs if joined in d["exact"]]
            else:
                found = [d for d in self.docs if all(t in d[tier] for t in tokens)]
            if found:
                return found
        return []

    def _unit_iri(self, slug: str, kind: str, number: str, subs: list[str]) -> str | None:
        minter = self.data.minter
        try:
            if kind == "paragraph":
                if len(subs) > 2:
                    return None
                return minter.paragraph(slug, number, *[s.lower() for s in subs])
            if kind == "preamble":
                if len(subs) > 1 or not number.isdigit():
                    return None
                return minter.preamble(slug, int(number), subs[0].lower() if subs else None)
            if kind == "footnote":
                return minter.footnote(slug, number)
            if kind == "heading" and number.isdigit():
                return minter.heading(slug, int(number))
            if kind == "entry" and number.isdigit():
                return minter.entry(slug, int(number))
        except ValueError:
            return None
        return None

    def _nearest(self, doc: dict, kind: str, number: str, subs: list[str]) -> list[tuple[str, str]]:
        """What does exist near a citation that did not resolve: the enclosing paragraph, if any."""
        out = []
        for depth in range(len(subs) - 1, -1, -1):
            iri = self._unit_iri(doc["slug"], kind, number, subs[:depth])
            if iri and self.data.knows(iri):
                out.append((iri, self.data.label(iri)))
                break
        return out

    def _doc_label(self, d: dict) -> str:
        year = f" ({d['year']})" if d["year"] and d["year"] not in d["short"] else ""
        return d["short"] + year

    def _all_documents(self) -> list[tuple[str, str]]:
        return [(d["iri"], self._doc_label(d)) for d in self.docs]
