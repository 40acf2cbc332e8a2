"""Pictures of the dataset, written by the build into build/: hand-written SVG, deterministic bytes.

- themes-by-congress.svg: a heatmap, rows = themes (grouped under their top theme), columns = the texts in
  chronological order, each cell the share of the text's paragraph units tagged with the theme, and the count.
- sdg-targets-by-congress.svg: the same for the SDG goals and targets the paragraph units are linked to.

A "paragraph unit" is a preamble paragraph, a numbered paragraph, a lettered subparagraph or a third-level item
(not headings, footnotes or formulas), so that a declaration written as a few long paragraphs with many
subparagraphs (Doha) and one written as many short paragraphs (Kyoto) are counted alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Iterable, Sequence

from .model import Corpus, UnitKind
from .tagging.model import INFERRED

PARAGRAPH_KINDS = (UnitKind.PREAMBLE, UnitKind.PARAGRAPH, UnitKind.SUBPARAGRAPH, UnitKind.ITEM)

# The texts shown, in chronological order; the five regional reports are pooled in one column.
COLUMNS = (
    ("Statement of principles", "1991", ("statement-of-principles-1991",)),
    ("Naples Declaration", "1994", ("naples-declaration-1994",)),
    ("Vienna Declaration", "2000", ("vienna-declaration-2000",)),
    ("Vienna plans of action", "2002", ("vienna-plans-of-action-2002",)),
    ("Bangkok Declaration", "2005", ("bangkok-declaration-2005",)),
    ("Doha Declaration", "2015", ("doha-declaration-2015",)),
    ("Regional recommendations", "2019–20", ("rpm-report-ap", "rpm-report-lac", "rpm-report-wa", "rpm-report-a",
                                             "rpm-report-e")),
    ("Kyoto Declaration", "2021", ("kyoto-declaration-2021",)),
)

FONT = "font-family:Arial,Helvetica,sans-serif"
LABEL_W, CELL_W, CELL_H, HEAD_H, TOP = 360, 104, 28, 64, 58


@dataclass(frozen=True)
class Row:
    label: str
    group: str | None          # a group label printed above the first row of its group
    counts: tuple[int, ...]    # units per column


def _units_by_column(corpus: Corpus) -> list[list[str]]:
    present = {d.slug: d for d in corpus.documents}
    columns = []
    for _, _, slugs in COLUMNS:
        columns.append([u.iri for slug in slugs if slug in present for u in present[slug].units
                        if u.kind in PARAGRAPH_KINDS and u.text.strip()])
    return columns


def _colour(share: float) -> str:
    """White to dark blue (a single-hue sequential scale, readable in grey)."""
    share = max(0.0, min(1.0, share))
    top = (8, 48, 107)
    r, g, b = (round(255 + (c - 255) * share ** 0.7) for c in top)
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(title: str, subtitle: str, rows: Sequence[Row], totals: Sequence[int], scale_max: float) -> bytes:
    """An SVG heatmap: one row per Row, one column per COLUMNS entry; cell text "23%" and "(12)"."""
    n_groups = len({row.group for row in rows if row.group})
    width = LABEL_W + CELL_W * len(COLUMNS) + 20
    body_top = TOP + HEAD_H
    height = body_top + CELL_H * len(rows) + 22 * n_groups + 78
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="title desc">',
           f'<title id="title">{escape(title)}</title>',
           f'<desc id="desc">{escape(subtitle)}</desc>',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="12" y="26" style="{FONT};font-size:20px;font-weight:bold" fill="#111">{escape(title)}</text>',
           f'<text x="12" y="46" style="{FONT};font-size:13px" fill="#333">{escape(subtitle)}</text>']
    for i, (name, year, _) in enumerate(COLUMNS):
        x = LABEL_W + CELL_W * i + CELL_W / 2
        words = name.split(" ")
        first, second = (" ".join(words[:-1]), words[-1]) if len(name) > 14 and len(words) > 1 else (name, "")
        y = TOP + 16
        out.append(f'<text x="{x:.0f}" y="{y}" text-anchor="middle" style="{FONT};font-size:13px;font-weight:bold" '
                   f'fill="#111">{escape(first)}</text>')
        if second:
            out.append(f'<text x="{x:.0f}" y="{y + 15}" text-anchor="middle" style="{FONT};font-size:13px;'
                       f'font-weight:bold" fill="#111">{escape(second)}</text>')
        out.append(f'<text x="{x:.0f}" y="{y + 31}" text-anchor="middle" style="{FONT};font-size:12px" '
                   f'fill="#333">{escape(year)} · n={totals[i]}</text>')
    y = body_top
    current = None
    for row in rows:
        if row.group and row.group != current:
            current = row.group
            out.append(f'<text x="12" y="{y + 16}" style="{FONT};font-size:13px;font-weight:bold" fill="#08306b">'
                       f'{escape(row.group)}</text>')
            y += 22
        out.append(f'<text x="{24 if row.group else 12}" y="{y + CELL_H / 2 + 5:.0f}" style="{FONT};font-size:13px" '
                   f'fill="#111">{escape(row.label)}</text>')
        for i, count in enumerate(row.counts):
            share = count / totals[i] if totals[i] else 0.0
            x = LABEL_W + CELL_W * i
            fill = _colour(share / scale_max if scale_max else 0.0)
            dark = share / scale_max > 0.45 if scale_max else False
            ink = "#ffffff" if dark else "#111111"
            text = ("&lt;1%" if share < 0.005 else f"{round(100 * share)}%") if count else "–"
            out.append(f'<rect x="{x + 1}" y="{y + 1}" width="{CELL_W - 2}" height="{CELL_H - 2}" fill="{fill}" '
                       f'stroke="#d0d0d0" stroke-width="0.5"><title>{escape(row.label)} — {escape(COLUMNS[i][0])} '
                       f'{COLUMNS[i][1]}: {count} of {totals[i]} paragraph units</title></rect>')
            out.append(f'<text x="{x + CELL_W / 2:.0f}" y="{y + CELL_H / 2 + 5:.0f}" text-anchor="middle" '
                       f'style="{FONT};font-size:13px" fill="{ink}">{text}'
                       + (f'<tspan style="font-size:11px"> ({count})</tspan>' if count else "") + '</text>')
        y += CELL_H
    legend_y = y + 24
    out.append(f'<text x="12" y="{legend_y}" style="{FONT};font-size:12px" fill="#333">Cell: share of the text’s '
               f'paragraph units (preamble paragraphs, paragraphs, subparagraphs, items), with the count in '
               f'brackets; n = units in the text.</text>')
    for k in range(6):
        share = scale_max * k / 5
        x = 12 + 64 * k
        out.append(f'<rect x="{x}" y="{legend_y + 12}" width="60" height="16" fill="{_colour(k / 5)}" stroke="#d0d0d0" '
                   f'stroke-width="0.5"/>')
        out.append(f'<text x="{x + 30}" y="{legend_y + 42}" text-anchor="middle" style="{FONT};font-size:12px" '
                   f'fill="#333">{round(100 * share)}%</text>')
    out.append("</svg>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _scale(rows: Iterable[Row], totals: Sequence[int]) -> float:
    shares = [c / totals[i] for row in rows for i, c in enumerate(row.counts) if totals[i]]
    top = max(shares, default=0.0)
    return max(0.1, min(1.0, (int(top * 10) + 1) / 10))


def themes_figure(corpus: Corpus, tags, vocabulary) -> bytes:
    columns = _units_by_column(corpus)
    totals = [len(c) for c in columns]
    by_unit: dict[str, set[str]] = {}
    for tag in tags:
        # the themes read in the unit's own words (uncc:theme), not those inferred from a heading or a broader one
        if tag.kind.value == "theme" and tag.method not in INFERRED:
            by_unit.setdefault(tag.unit, set()).add(tag.slug)
    themes = {t.slug: t for t in vocabulary.themes}

    agenda = ("crime-prevention", "criminal-justice", "rule-of-law", "international-cooperation")
    tops = [t for t in vocabulary.themes if t.is_top]
    tops.sort(key=lambda t: (agenda.index(t.slug) if t.slug in agenda else len(agenda), t.notation))
    rows = []
    for top in tops:
        # the themes filed under the top one (first broader, at any depth), in notation order: a tree, depth first
        members = [top] + sorted((t for t in vocabulary.themes if t.notation.startswith(top.notation + ".")),
                                 key=lambda t: t.notation.split("."))
        under = {top.slug} | {t.slug for t in vocabulary.themes if top.slug in vocabulary.ancestors(t.slug)}
        for theme in members:
            wanted = under if theme is top else {theme.slug}
            counts = tuple(sum(1 for iri in col if wanted & by_unit.get(iri, set())) for col in columns)
            label = "Any theme of this agenda item" if theme is top else theme.label.en
            rows.append(Row(label, themes[top.slug].label.en, counts))
    return heatmap("Themes of the Crime Congress texts, 1991–2021",
                   "Share of each text’s paragraph units whose own words address each theme (themes grouped under "
                   "the four agenda items, the first row of each counting any of its themes; a paragraph can have "
                   "several).", rows, totals, _scale(rows, totals))


def sdg_figure(corpus: Corpus, sdg_links, catalogue) -> bytes:
    columns = _units_by_column(corpus)
    totals = [len(c) for c in columns]
    by_unit: dict[str, set[str]] = {}
    for link in sdg_links:
        by_unit.setdefault(link.unit, set()).add(link.code)
    rows = []
    for goal in catalogue.goals:
        for code, label in [(goal.code, f"Goal {goal.code} named in the text")] + [(t.code, f"{t.code} {t.short_label}")
                                                                        for t in goal.targets]:
            counts = tuple(sum(1 for iri in col if code in by_unit.get(iri, ())) for col in columns)
            if any(counts):
                rows.append(Row(label, f"Goal {goal.code}: {goal.short_title}", counts))
    return heatmap("SDG targets served by the Crime Congress texts, 1991–2021",
                   "Share of each text’s paragraph units linked to each SDG target (named in the text, or served in "
                   "its own words); SDGs date from 2015.", rows, totals, _scale(rows, totals))


def figures(corpus: Corpus, tags, sdg_links, *, vocabulary=None, catalogue=None) -> dict[str, bytes]:
    """{build path: SVG bytes} for the build to write: figures/themes-by-congress.svg and
    figures/sdg-targets-by-congress.svg. The vocabulary and the SDG catalogue are read from mappings/ when not
    given."""
    if vocabulary is None:
        from .vocab import load_vocabulary
        vocabulary = load_vocabulary()
    if catalogue is None:
        from .linking.sdg import load_catalogue
        catalogue = load_catalogue()
    return {"figures/themes-by-congress.svg": themes_figure(corpus, tags, vocabulary),
            "figures/sdg-targets-by-congress.svg": sdg_figure(corpus, sdg_links, catalogue)}
