"""Load mappings/ into a Vocabulary: schema validation, then cross-reference checks that a schema cannot express.

Every mistake is an InvalidDocument naming the file, the line, the entry and the fix.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any, Callable

from ..errors import InvalidDocument
from .files import MappingFile, display, load_schema, read_mapping, schema_path, validate
from .model import (Actor, IccsCode, Instrument, Labels, Meeting, Publication, Resolution, Theme,
                    ThemeScheme, TreatySeries, Vocabulary)

MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "mappings"
FILES = ("themes", "instruments", "actors", "congresses", "iccs")


class _Checker:
    """Raises InvalidDocument for one mapping file, pointing at an entry (and optionally one of its fields)."""

    def __init__(self, mapping: MappingFile, list_key: str, key: str):
        self.mapping, self.list_key, self.key = mapping, list_key, key
        self.index = {entry[key]: i for i, entry in enumerate(mapping.data[list_key])}

    def fail(self, entry_key: Any, message: str, hint: str, field: str | None = None) -> None:
        where: tuple = (self.list_key, self.index[entry_key]) + ((field,) if field else ())
        raise InvalidDocument(f"{self.list_key} entry {entry_key!r}: {message}", file=display(self.mapping.path),
                              line=self.mapping.line(where), hint=hint)

    def unique(self) -> None:
        """Two entries with the same key: the second one is reported."""
        counts = Counter(entry[self.key] for entry in self.mapping.data[self.list_key])
        for i, entry in enumerate(self.mapping.data[self.list_key]):
            if counts[entry[self.key]] > 1 and self.index[entry[self.key]] == i:
                raise InvalidDocument(f"{self.list_key} entry {entry[self.key]!r}: {self.key} {entry[self.key]!r} "
                                      f"is used by {counts[entry[self.key]]} entries",
                                      file=display(self.mapping.path), line=self.mapping.line((self.list_key, i)),
                                      hint=f"give each entry its own {self.key}, or merge the duplicates")

    def refs(self, entry_key: Any, field: str, values: tuple, known: set, what: str, where: str) -> None:
        """Each value must be a known key of `what` (listed in `where`)."""
        for value in values:
            if value not in known:
                self.fail(entry_key, f"{field} {value!r} is not a known {what}",
                          f"use a slug of {where} (e.g. {', '.join(sorted(known)[:3])}) or add the {what} there",
                          field)


def _read(mappings_dir: Path, name: str) -> MappingFile:
    path = mappings_dir / f"{name}.yaml"
    mapping = read_mapping(path)
    schema_file = schema_path(path, mappings_dir)
    validate(mapping, load_schema(schema_file), schema_file)
    return mapping


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _cycle(start: str, step: Callable[[str], tuple[str, ...]]) -> list[str] | None:
    """A path start -> ... -> start following `step`, if there is one."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in step(node):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def _iccs(mapping: MappingFile) -> tuple[IccsCode, ...]:
    check = _Checker(mapping, "codes", "code")
    check.unique()
    raw = {c["code"]: c for c in mapping.data["codes"]}
    for code, c in raw.items():
        parent = c.get("parent")
        if len(code) == 2 and parent is not None:
            check.fail(code, "a section (two digits) has no parent", "remove parent", "parent")
        if len(code) == 4 and parent != code[:2]:
            check.fail(code, f"a division's parent is the section its code starts with ({code[:2]}), not {parent!r}",
                       f"set parent: '{code[:2]}'", "parent")
        if len(code) == 4 and code[:2] not in raw:
            check.fail(code, f"its section {code[:2]!r} is not listed", "add the section first", "parent")
    return tuple(IccsCode(c["code"], c["label"], c["source"], c.get("parent"), c.get("note"))
                 for c in (raw[k] for k in sorted(raw)))


def _themes(mapping: MappingFile, iccs: set[str] = frozenset()) -> tuple[ThemeScheme, tuple[Theme, ...]]:
    check = _Checker(mapping, "themes", "slug")
    check.unique()
    raw = mapping.data["themes"]
    slugs = {t["slug"] for t in raw}
    themes = {t["slug"]: Theme(t["slug"], t["notation"], Labels(**t["label"]), t["definition"], tuple(t["broader"]),
                               tuple(t.get("alt_labels", ())), t.get("note"), tuple(t.get("iccs", ()))) for t in raw}
    notations = Counter(t.notation for t in themes.values())
    for theme in themes.values():
        check.refs(theme.slug, "broader", theme.broader, slugs, "theme", "mappings/themes.yaml")
        if notations[theme.notation] > 1:
            check.fail(theme.slug, f"notation {theme.notation!r} is used by {notations[theme.notation]} themes",
                       "give each theme its own notation", "notation")
        if theme.is_top and "." in theme.notation:
            check.fail(theme.slug, f"a top concept's notation has no dot, not {theme.notation!r}",
                       "use two capital letters, like CP", "notation")
        if not theme.is_top and not re.fullmatch(re.escape(themes[theme.broader[0]].notation) + r"\.[0-9]{2}",
                                                 theme.notation):
            check.fail(theme.slug, f"notation {theme.notation!r} does not start with the notation of its first "
                       f"broader theme {theme.broader[0]!r} ({themes[theme.broader[0]].notation})",
                       f"number it {themes[theme.broader[0]].notation}.NN under its first broader theme, or list "
                       "that theme first", "notation")
        for code in theme.iccs:
            if code not in iccs:
                check.fail(theme.slug, f"iccs {code!r} is not a section or division of mappings/iccs.yaml",
                           "use a code listed there (a section such as 07 when the division is not listed), or add "
                           "the code there with its source", "iccs")
        cycle = _cycle(theme.slug, lambda s: themes[s].broader)
        if cycle:
            check.fail(theme.slug, f"broader links make a cycle: {' -> '.join(cycle)}",
                       "a theme must not be broader than itself; remove one of these links", "broader")
    if not any(t.is_top for t in themes.values()):
        raise InvalidDocument("no top concept (a theme with an empty broader list)", file=display(mapping.path),
                              hint="the four agenda items are the top concepts")
    scheme = mapping.data["scheme"]
    return (ThemeScheme(Labels(**scheme["label"]), scheme["definition"]),
            tuple(themes[s] for s in sorted(themes)))


def _meetings(mapping: MappingFile) -> tuple[Meeting, ...]:
    """The Congresses (by number), then the other meetings (by slug)."""
    congress_check = _Checker(mapping, "congresses", "number")
    congress_check.unique()
    meeting_check = _Checker(mapping, "meetings", "slug")
    meeting_check.unique()

    def event(entry: dict, **key) -> Meeting:
        return Meeting(entry["name"], entry["city"], entry["country"], _date(entry["start_date"]), entry["source"],
                       _date(entry.get("end_date")), entry.get("note"), **key)

    congresses = sorted((event(c, congress=c["number"]) for c in mapping.data["congresses"]),
                        key=lambda c: c.congress)
    meetings = sorted((event(m, slug=m["slug"], prepares=m.get("prepares")) for m in mapping.data["meetings"]),
                      key=lambda m: m.slug)
    numbers = {c.congress for c in congresses}
    for meeting in meetings:
        if meeting.prepares is not None and meeting.prepares not in numbers:
            meeting_check.fail(meeting.slug, f"prepares {meeting.prepares}, which is not a Congress of the file",
                               "use a Congress number from 1 to 14", "prepares")
    for held, check, key in ([(c, congress_check, c.congress) for c in congresses]
                               + [(m, meeting_check, m.slug) for m in meetings]):
        if held.end_date is not None and held.end_date < held.start_date:
            check.fail(key, f"ends ({held.end_date}) before it starts ({held.start_date})",
                       "swap or correct the dates", "end_date")
    return (*congresses, *meetings)


def _actors(mapping: MappingFile) -> tuple[Actor, ...]:
    check = _Checker(mapping, "actors", "slug")
    check.unique()
    raw = {a["slug"]: a for a in mapping.data["actors"]}
    slugs = set(raw)
    for slug, a in raw.items():
        check.refs(slug, "parent", tuple(filter(None, [a.get("parent")])), slugs, "actor", "mappings/actors.yaml")
        check.refs(slug, "member_of", tuple(a.get("member_of", ())), slugs, "actor", "mappings/actors.yaml")
        check.refs(slug, "succeeded_by", tuple(filter(None, [a.get("succeeded_by")])), slugs, "actor",
                   "mappings/actors.yaml")
        for field, step in (("parent", lambda s: tuple(filter(None, [raw[s].get("parent")]))),
                            ("succeeded_by", lambda s: tuple(filter(None, [raw[s].get("succeeded_by")])))):
            cycle = _cycle(slug, step)
            if cycle:
                check.fail(slug, f"{field} links make a cycle: {' -> '.join(cycle)}", "remove one of these links",
                           field)
    return tuple(Actor(a["slug"], a["kind"], a["name"], a["source"], tuple(a.get("short_names", ())),
                       tuple(a.get("former_names", ())), a.get("parent"), tuple(a.get("member_of", ())),
                       a.get("succeeded_by"),
                       tuple(sorted(s for s, other in raw.items() if other.get("succeeded_by") == a["slug"])),
                       a.get("note"))
                 for a in (raw[s] for s in sorted(raw)))


def _instruments(mapping: MappingFile, classes: dict[str, str], actors: set[str], congresses: set[int],
                 meetings: set[str]) -> tuple[Instrument, ...]:
    check = _Checker(mapping, "instruments", "slug")
    check.unique()
    raw = {i["slug"]: i for i in mapping.data["instruments"]}
    slugs = set(raw)
    where_actors, where_self = "mappings/actors.yaml", "mappings/instruments.yaml"
    for slug, i in raw.items():
        kind = i["kind"]
        for field in ("replaces", "members", "related"):
            check.refs(slug, field, tuple(i.get(field, ())), slugs - {slug}, "instrument", where_self)
        check.refs(slug, "supplements", tuple(filter(None, [i.get("supplements")])), slugs - {slug}, "instrument",
                   where_self)
        check.refs(slug, "adopted_by", tuple(filter(None, [i.get("adopted_by")])), actors, "actor", where_actors)
        check.refs(slug, "resolutions.body", tuple(r["body"] for r in i.get("resolutions", ())), actors, "actor",
                   where_actors)
        check.refs(slug, "adopted_at_meeting", tuple(filter(None, [i.get("adopted_at_meeting")])), meetings,
                   "meeting", "mappings/congresses.yaml")
        if i.get("adopted_at_congress") is not None and i["adopted_at_congress"] not in congresses:
            check.fail(slug, f"adopted_at_congress {i['adopted_at_congress']} is not a Congress of "
                       "mappings/congresses.yaml", "use a Congress number from 1 to 14", "adopted_at_congress")
        if (kind == "protocol") != ("supplements" in i):
            check.fail(slug, "a protocol names the treaty it supplements, and only a protocol does",
                       "set kind: protocol together with supplements: <treaty slug>", "supplements")
        if "supplements" in i and raw[i["supplements"]]["kind"] not in ("treaty", "protocol"):
            check.fail(slug, f"supplements {i['supplements']!r}, which is not a treaty",
                       "a protocol supplements a treaty", "supplements")
        if "members" in i and kind != "collective":
            check.fail(slug, "only a collective reference has members", "set kind: collective or remove members",
                       "members")
        if "unts" in i and kind not in ("treaty", "protocol"):
            check.fail(slug, "only a treaty or protocol has a Treaty Series entry",
                       "set kind: treaty or protocol, or remove unts", "unts")
    seen_unts: dict[tuple[str, str], str] = {}
    for slug in sorted(raw):
        unts = raw[slug].get("unts")
        if unts:
            key = (unts["volume"], unts["number"])
            if key in seen_unts:
                check.fail(slug, f"UNTS vol. {key[0]}, No. {key[1]} is also given for {seen_unts[key]!r}",
                           "each treaty has its own volume", "unts")
            seen_unts[key] = slug

    def build(i: dict) -> Instrument:
        unts = i.get("unts")
        publication = i.get("publication")
        return Instrument(
            slug=i["slug"], kind=i["kind"], ontology_class=classes[i["kind"]], title=i["title"], source=i["source"],
            short_names=tuple(i.get("short_names", ())), year=i.get("year"),
            unts=TreatySeries(unts["volume"], unts["number"]) if unts else None,
            resolutions=tuple(Resolution(r["body"], r["number"], r.get("symbol"), r.get("annex"), _date(r.get("date")))
                              for r in i.get("resolutions", ())),
            document_symbol=i.get("document_symbol"),
            publication=Publication(publication["sales_number"], publication.get("location")) if publication else None,
            adopted_by=i.get("adopted_by"), adopted_at_congress=i.get("adopted_at_congress"),
            adopted_at_meeting=i.get("adopted_at_meeting"), supplements=i.get("supplements"),
            replaces=tuple(i.get("replaces", ())),
            replaced_by=tuple(sorted(s for s, other in raw.items() if i["slug"] in other.get("replaces", ()))),
            members=tuple(i.get("members", ())), related=tuple(i.get("related", ())), document=i.get("document"),
            note=i.get("note"))

    return tuple(build(raw[s]) for s in sorted(raw))


def load_vocabulary(mappings_dir: Path = MAPPINGS_DIR) -> Vocabulary:
    """Read, validate and cross-check themes.yaml, instruments.yaml, actors.yaml, congresses.yaml and iccs.yaml."""
    mappings_dir = Path(mappings_dir)
    files = {name: _read(mappings_dir, name) for name in FILES}
    iccs = _iccs(files["iccs"])
    scheme, themes = _themes(files["themes"], {c.code for c in iccs})
    meetings = _meetings(files["congresses"])
    actors = _actors(files["actors"])
    classes = load_schema(schema_path(mappings_dir / "instruments.yaml", mappings_dir))["x-ontology-class"]
    instruments = _instruments(files["instruments"], classes, {a.slug for a in actors},
                               {m.congress for m in meetings if m.congress is not None},
                               {m.slug for m in meetings if m.slug is not None})
    return Vocabulary(scheme, themes, instruments, actors, meetings, iccs)
