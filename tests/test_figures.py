"""The pictures the build writes (crimecongress.figures): valid SVG, deterministic bytes, readable labels."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from crimecongress.figures import COLUMNS, figures
from linking_support import corpus, linked, tags, vocabulary

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def pictures():
    return figures(corpus(), tags(), linked().sdg_links, vocabulary=vocabulary(), catalogue=linked().catalogue)


def test_the_two_figures(pictures):
    assert set(pictures) == {"figures/themes-by-congress.svg", "figures/sdg-targets-by-congress.svg"}


def test_deterministic_bytes(pictures):
    again = figures(corpus(), tags(), linked().sdg_links, vocabulary=vocabulary(), catalogue=linked().catalogue)
    assert again == pictures


@pytest.mark.parametrize("name", ["figures/themes-by-congress.svg", "figures/sdg-targets-by-congress.svg"])
def test_valid_svg_with_title_and_legible_text(pictures, name):
    root = ET.fromstring(pictures[name])
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}title").text
    width = int(root.get("width"))
    assert 900 <= width <= 1400, "fits a screen at 100% without zooming"
    sizes = [int(m) for m in re.findall(rb"font-size:(\d+)px", pictures[name])]
    assert min(sizes) >= 11
    texts = "".join(root.itertext())
    for column, year, _ in COLUMNS:
        assert column.split(" ")[0] in texts and year in texts


def test_themes_figure_has_a_row_per_theme_and_a_cell_per_text(pictures):
    svg = pictures["figures/themes-by-congress.svg"]
    root = ET.fromstring(svg)
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    for theme in vocabulary().themes:
        if theme.broader:
            assert theme.label.en in texts, theme.slug
    cells = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(cells) == len(COLUMNS) * len(vocabulary().themes)


def test_cells_tell_share_and_count(pictures):
    svg = pictures["figures/themes-by-congress.svg"].decode("utf-8")
    # the Kyoto Declaration: 101 paragraph units; corruption is tagged in some of them
    assert "Kyoto Declaration 2021: " in svg and "of 101 paragraph units" in svg
    assert re.search(r"Corruption — Kyoto Declaration 2021: (\d+) of 101 paragraph units", svg)


def test_sdg_figure_rows_are_targets_with_links(pictures):
    svg = pictures["figures/sdg-targets-by-congress.svg"].decode("utf-8")
    assert "16.5 Corruption and bribery" in svg and "Goal 16: Peace, justice and strong institutions" in svg
    assert "16.9 Legal identity" not in svg       # no paragraph serves it: no empty row
