"""The build the serve tests read, made by the real build so that it cannot drift from it.

A copy of sources/ gains one hostile declaration, added with `crimecongress.add.add_source` as a user would add
it; then `crimecongress.build.build` (without HermiT) writes every released file. The hostile paragraph carries
an attribute-breaking string (HOSTILE), quotes and an ampersand, so that the escaping tests have something hostile to show on
real pages; everything else is the real corpus.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[1] / "sources"
DEFAULT_BASE = "https://w3id.org/crime-congress/"

# what the build's shapes let through and still runs a script if a page copies it unescaped into an attribute
# (markup itself, "<tag ...>", is refused by shape:MarkupHtmlTag; the query-string tests send it)
HOSTILE = "\" onmouseover=\"alert(1)\" data-x='<3'"
HOSTILE_SLUG = "hostile-declaration-2026"
HOSTILE_PARAGRAPH = "doc/" + HOSTILE_SLUG + "/para/2"     # under the base
HOSTILE_TEXT = f"""\
Hostile Declaration on Markup in Texts

We, Heads of State and Government, Ministers and Representatives of Member States,

Declare the following:

1. We reaffirm our commitment to the rule of law and to the prevention of crime;

2. We welcome the work of the Commission on Crime Prevention and Criminal Justice, and we note the string \
{HOSTILE} & "quotes" as data, never as markup;

3. We resolve to prevent and counter corruption in accordance with the United Nations Convention against \
Corruption.
"""


def make_fixture_build(out: Path, base: str = DEFAULT_BASE) -> Path:
    """Write into OUT the build of the real sources plus the hostile declaration (HermiT left out)."""
    from crimecongress.add import add_source
    from crimecongress.build import build
    from crimecongress.ids import Minter

    with tempfile.TemporaryDirectory(prefix="serve-fixture-") as scratch:
        sources = Path(scratch) / "sources"
        shutil.copytree(SOURCES, sources)
        draft = Path(scratch) / "hostile.txt"
        draft.write_text(HOSTILE_TEXT, encoding="utf-8")
        add_source(draft, sources_dir=sources, slug=HOSTILE_SLUG, year=2026, minter=Minter(base))
        build(out, Minter(base), lambda message: None, check_owl=False, sources=sources)
    return out


if __name__ == "__main__":  # python tests/serve_fixture.py /tmp/fixture-build
    import sys
    print(make_fixture_build(Path(sys.argv[1])))
