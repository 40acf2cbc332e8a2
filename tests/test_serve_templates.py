"""The templates of the HTML pages: shipped with the package, strict about a name they do not have, and the
helpers that lay out running text escape everything and make no element but the few inline ones."""
from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch

import pytest
from jinja2 import TemplateAssertionError, UndefinedError

from conftest import ROOT
from crimecongress.serve.pages import TEMPLATES, inline, link, runs
from crimecongress.serve.views import Link, Tag

SERVE = ROOT / "crimecongress" / "serve"


def test_every_page_template_is_package_data_and_every_named_one_exists():
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"][
        "crimecongress.serve"]
    files = sorted(p.relative_to(SERVE).as_posix() for p in (SERVE / "templates" / "pages").iterdir())
    assert files and all(any(fnmatch(f, g) and "/" not in f[len(g.rsplit("/", 1)[0]) + 1:] for g in globs)
                         for f in files), files
    named = set(re.findall(r'render\("([a-z_]+\.html)"', (SERVE / "pages.py").read_text()))
    assert len(named) >= 17 and named <= set(TEMPLATES.list_templates())


def test_a_missing_name_is_an_error_never_a_blank():
    with pytest.raises(UndefinedError):
        TEMPLATES.from_string("<p>{{ view.no_such_field }}</p>").render(view=Link("/x", "x"))


def test_text_is_escaped_by_default():
    assert TEMPLATES.from_string("{{ x }}").render(x='<b a="1">') == "&lt;b a=&quot;1&quot;&gt;"


def test_running_text_escapes_text_links_and_attributes():
    hostile = '<script>"x"&\'y\''
    out = str(inline((hostile, Link("/a?b=1&c=2", hostile, "num", hostile), Tag("q", (hostile,), title=hostile))))
    assert "<script" not in out and '"x"' not in out
    assert out.startswith("&lt;script&gt;&quot;x&quot;&amp;&#x27;y&#x27;<a href=\"/a?b=1&amp;c=2\" class=\"num\"")
    assert out.count("<q title=") == 1 and out.endswith("</q>")
    assert str(link(Link(None, "javascript:alert(1)"))) == "<span>javascript:alert(1)</span>"
    assert str(runs((("a",), ("<b>",)), " · ")) == "a · &lt;b&gt;"


def test_only_the_known_inline_elements_are_made():
    with pytest.raises(ValueError, match="script"):
        inline((Tag("script", ("alert(1)",)),))


def test_markup_is_printed_as_it_is_and_everything_else_escaped_once():
    """`{{ x }}` escapes text once and leaves markup (a filter's, a macro's) alone, constants included."""
    template = TEMPLATES.from_string(
        "{% macro m(x) %}<i>{{ x }}</i>{% endmacro %}{{ m('<&>') }}|{{ 3 }}|{{ x|link }}|{{ '<' }}|{{ y }}")
    assert template.render(x=Link("/a", "a&b"), y="'\"") == \
        '<i>&lt;&amp;&gt;</i>|3|<a href="/a">a&amp;b</a>|&lt;|&#x27;&quot;'


def test_a_template_cannot_turn_escaping_off():
    with pytest.raises(TemplateAssertionError, match="escape everything"):
        TEMPLATES.from_string("{% autoescape false %}{{ x }}{% endautoescape %}")


def _fresh(sources: dict[str, str], directory):
    """The templates as a new server process meets them: an environment with nothing compiled in memory."""
    from jinja2 import DictLoader
    from crimecongress.serve.pages import CompiledTemplates, _Environment, _printed
    return _Environment(loader=DictLoader(sources), autoescape=True, finalize=_printed,
                        bytecode_cache=CompiledTemplates(directory))


def test_a_start_reads_the_templates_an_earlier_start_compiled_unless_their_text_or_code_changed(tmp_path,
                                                                                                  monkeypatch):
    from crimecongress.serve.pages import CompiledTemplates, _Environment
    compiled = []
    real = _Environment.compile
    monkeypatch.setattr(_Environment, "compile", lambda self, *a, **k: compiled.append(a[1]) or real(self, *a, **k))
    sources = {"page.html": "<p>{{ x }}</p>"}
    assert _fresh(sources, tmp_path).get_template("page.html").render(x="<a>") == "<p>&lt;a&gt;</p>"
    assert compiled == ["page.html"] and len(list(tmp_path.iterdir())) == 1
    assert _fresh(sources, tmp_path).get_template("page.html").render(x="<a>") == "<p>&lt;a&gt;</p>"
    assert compiled == ["page.html"]                            # read back, not compiled again
    sources["page.html"] = "<div>{{ x }}</div>"                 # an edited template
    assert _fresh(sources, tmp_path).get_template("page.html").render(x="1") == "<div>1</div>"
    assert len(compiled) == 2
    import jinja2
    monkeypatch.setattr(jinja2, "__version__", "0.0")          # another version: another code generator
    assert _fresh(sources, tmp_path).get_template("page.html").render(x="1") == "<div>1</div>"
    assert len(compiled) == 3 and len(list(tmp_path.iterdir())) == 2
    CompiledTemplates(tmp_path).prune()                        # what other code compiled goes
    assert [entry.name.split("-")[0] for entry in tmp_path.iterdir()] == [CompiledTemplates(tmp_path).code]


def test_a_damaged_or_unwritable_template_cache_costs_only_the_compiling(tmp_path):
    sources = {"page.html": "<p>{{ x }}</p>"}
    _fresh(sources, tmp_path).get_template("page.html")
    for entry in tmp_path.iterdir():
        entry.write_bytes(entry.read_bytes()[:40] + b"\x00damaged")
    assert _fresh(sources, tmp_path).get_template("page.html").render(x="1") == "<p>1</p>"
    assert _fresh(sources, tmp_path).get_template("page.html").render(x="2") == "<p>2</p>"   # rewritten whole
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    assert _fresh(sources, blocked / "templates").get_template("page.html").render(x="3") == "<p>3</p>"


def test_the_server_keeps_its_compiled_templates_in_the_cache_directory(tmp_path, monkeypatch):
    from crimecongress.serve.pages import compile_templates
    monkeypatch.setenv("CRIMECONGRESS_CACHE", str(tmp_path))
    monkeypatch.setattr(TEMPLATES, "bytecode_cache", None)
    TEMPLATES.cache.clear()                  # as in a new process: nothing compiled in memory
    compile_templates()
    assert len(list((tmp_path / "templates").iterdir())) == len(TEMPLATES.list_templates())
