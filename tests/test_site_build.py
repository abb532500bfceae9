"""site/build.py's page preparation (fast, no Sphinx): widgets become their first state with a
note, pages link to the browser version and the download, the codebook splits per dataset."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site() -> Any:
    spec = importlib.util.spec_from_file_location("site_build", REPO / "site" / "build.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_widget_views_are_replaced_by_their_html_first_state_with_a_note(site: Any) -> None:
    view = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    out = {
        "output_type": "display_data",
        "data": {site.WIDGET_VIEW: view, "text/html": "<div>first</div>", "text/plain": "W"},
        "metadata": {},
    }
    nb = {
        "metadata": {"widgets": {"state": {}}},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# 01 · Title"},
            {"cell_type": "code", "metadata": {}, "source": "x", "outputs": [out]},
        ],
    }
    web = site.for_the_web(nb, "notebooks", "01_history.ipynb")
    assert "widgets" not in web["metadata"]
    assert "{contents}" in web["cells"][2]["source"]  # the page's sections, under the links
    data = web["cells"][3]["outputs"][0]["data"]
    assert set(data) == {"text/html"}
    assert data["text/html"].startswith("<div>first</div>") and "live" in data["text/html"]
    links = web["cells"][1]["source"]  # right under the title
    assert 'href="../lite/lab/index.html?path=notebooks/01_history.ipynb"' in links
    assert 'href="../download/notebooks/01_history.ipynb"' in links
    assert site.title_of(web, "x") == "01 · Title"


def test_course_web_addresses_become_links_on_the_website(site: Any) -> None:
    """In a notebook a source's web address is text its page script links; a page has no
    script, so the build makes the link."""
    import trilat_lessons as tl

    shown = tl.source_of("meetings", "T18")._repr_html_()
    assert 'class="trilat-url">https://' in shown
    out = {"output_type": "display_data", "data": {"text/html": [shown]}, "metadata": {}}
    nb = {"metadata": {}, "cells": [{"cell_type": "code", "source": "x", "outputs": [out]}]}
    page = site.for_the_web(nb, "notebooks", "01_history.ipynb")["cells"][-1]["outputs"][0]
    assert 'class="trilat-url"' not in page["data"]["text/html"]
    assert '<a href="https://' in page["data"]["text/html"]


def test_the_outputs_jupyterlab_scripts_are_left_out_of_the_website(site: Any) -> None:
    """The page guard and a course widget's helper ride in outputs as empty <style> elements
    with a load handler: a web page has no notebook to guard, so none of them is on it."""
    from trilat_lessons.linkguard import link_guard_html
    from trilat_lessons.widgets._base import page_helper

    quiz_html = page_helper() + "<p>Where?</p>"
    assert quiz_html.count("onload=") == 2
    outputs = [
        {"output_type": "display_data", "data": {"text/html": [link_guard_html()]}, "metadata": {}},
        {"output_type": "display_data", "data": {"text/html": quiz_html}, "metadata": {}},
    ]
    nb = {"metadata": {}, "cells": [{"cell_type": "code", "source": "x", "outputs": outputs}]}
    web = site.for_the_web(nb, "notebooks", "01_history.ipynb")["cells"][-1]["outputs"]
    assert web[0]["data"]["text/html"] == ""
    assert "onload=" not in web[1]["data"]["text/html"]
    assert "Where?" in web[1]["data"]["text/html"]  # the quiz's first state stays


def test_codebook_splits_into_one_page_per_dataset_with_its_csv(site: Any, tmp_path: Path) -> None:
    edition = tmp_path / "edition"
    (edition / "docs").mkdir(parents=True)
    (edition / "trilat_lessons" / "data").mkdir(parents=True)
    (edition / "trilat_lessons" / "data" / "meetings.csv").write_text("id\n1\n")
    (edition / "docs" / "codebook.md").write_text(
        "# Data codebook\n\n<!-- generated -->\n\nIntro.\n\n| [`meetings`](#meetings) | 1 |\n\n"
        "## meetings\n\nThe meetings.\n\n## Licence\n\n- CC BY 4.0\n"
    )
    out = tmp_path / "data"
    out.mkdir()
    assert site.codebook_pages(edition, out) == ["meetings"]
    page = (out / "meetings.md").read_text()
    assert 'href="../download/data/meetings.csv"' in page
    assert "The meetings." in page and "CC BY 4.0" in page and "How to cite" in page
    index = (out / "index.md").read_text()
    assert "[`meetings`](meetings.md)" in index and "generated" not in index
    (edition / "trilat_lessons" / "data" / "meetings.csv").unlink()
    with pytest.raises(site.BuildError, match="missing"):
        site.codebook_pages(edition, out)


def test_without_the_browser_version_no_page_links_to_it(site: Any) -> None:
    """`make site SITE_ARGS=--no-lite`: no "Run in the browser" (its lite/ is not built)."""
    nb = {
        "metadata": {},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# 01 · Title"},
            {
                "cell_type": "code",
                "metadata": {},
                "source": "x",
                "outputs": [{"output_type": "display_data", "metadata": {},
                             "data": {site.WIDGET_VIEW: {}, "text/html": "<div>w</div>"}}],
            },
        ],
    }  # fmt: skip
    web = site.for_the_web(nb, "notebooks", "01_history.ipynb", with_lite=False)
    assert "lite/" not in web["cells"][1]["source"]
    assert 'href="../download/notebooks/01_history.ipynb"' in web["cells"][1]["source"]
    note = web["cells"][3]["outputs"][0]["data"]["text/html"]
    assert "browser" not in note and "JupyterLab" in note
    rows = [("01_history", "01 · History")], [("ex01", "Exercises 01")]
    assert "lite/" not in site.landing_page(*rows, with_lite=False)
    assert "Run it in the browser" not in site.landing_page(*rows, with_lite=False)
    assert 'href="lite/lab/index.html"' in site.landing_page(*rows)


def test_every_collapsible_navigation_section_gets_a_name(site: Any) -> None:
    """The theme's <summary> holds only a chevron (axe summary-name): it is named by its section."""
    html = (
        '<li class="toctree-l1 has-children"><a class="reference internal" href="data/index.html">'
        "Data <code>codebook</code> &amp; more</a><details><summary><span "
        'class="toctree-toggle" role="presentation"><i class="fa-solid"></i></span></summary><ul>'
    )
    fixed = site.name_nav_toggles(html)
    assert '<summary aria-label="Data codebook &amp; more: show or hide its pages">' in fixed
    assert fixed.count("<summary") == 1


def test_licence_text_is_kept_with_its_web_addresses_as_links(site: Any) -> None:
    text = 'Say "hi" <b>.\n\nThe code is at https://example.org/a?b=1&c=2 and governs.\n'
    text += "(https://x.org/y)."
    block = site.licence_block(text)
    assert block.startswith('<pre class="trilat-licence">') and block.endswith("</pre>")
    assert 'Say "hi" &lt;b&gt;.\n\nThe code' in block  # the text as it is, blank lines kept
    url = "https://example.org/a?b=1&amp;c=2"
    assert f'<a href="{url}">{url}</a> and governs.' in block
    assert '(<a href="https://x.org/y">https://x.org/y</a>).' in block  # not the sentence's ").'


def test_a_chart_shrinks_only_to_the_width_where_its_smallest_text_is_9_px(site: Any) -> None:
    chart = (
        '<figure class="trilat-chart"><svg style="max-width:none;height:auto" class="marks" '
        'width="1100" height="300" viewBox="0 0 1100 300"><text font-size="11px">a</text>'
        '<text style="font-size:15px">b</text><rect stroke-width="2"/></svg></figure>'
    )
    sized = site.chart_min_width(chart + '<svg class="icon" width="20"><text>x</text></svg>')
    assert '<svg style="--trilat-chart-min-width:900px;max-width:none' in sized  # 1100 * 9 / 11
    assert sized.count("--trilat-chart-min-width") == 1  # only charts (svg.marks) are sized


def test_the_theme_s_visible_sidebar_buttons_are_the_ones_its_script_binds(site: Any) -> None:
    """pydata-sphinx-theme binds the first .primary-toggle/.secondary-toggle of the page; the
    hidden top-bar ones go, the book theme's visible ones above the article stay."""
    html = (
        '<header><button class="pst-navbar-icon sidebar-toggle primary-toggle" aria-label="Site'
        ' navigation">\n    <span class="fa-solid fa-bars"></span>\n  </button><div>search</div>'
        '<button class="pst-navbar-icon sidebar-toggle secondary-toggle" aria-label="On this page">'
        '<span class="fa-solid fa-outdent"></span></button></header><div class="header-article">'
        '<button class="sidebar-toggle primary-toggle btn btn-sm" title="Toggle primary sidebar">'
        '<button class="sidebar-toggle secondary-toggle btn btn-sm pst-navbar-icon" title="T">'
    )
    fixed = site.drop_navbar_toggles(html)
    assert "pst-navbar-icon sidebar-toggle" not in fixed and "<div>search</div>" in fixed
    assert fixed.count("primary-toggle") == 1 and fixed.count("secondary-toggle") == 1


def test_printed_text_is_one_output_however_the_kernel_chunked_it(site: Any) -> None:
    """nbclient receives a print loop's text in chunks cut by timing (lesson 00b: one <pre> on
    one run, two on the next): the page merges runs of one stream, so both runs look the same."""

    def stream(name: str, text: str | list[str]) -> dict:
        return {"output_type": "stream", "name": name, "text": text}

    def page(outputs: list[dict]) -> list[dict]:
        nb = {"metadata": {}, "cells": [{"cell_type": "code", "source": "x", "outputs": outputs}]}
        return site.for_the_web(nb, "notebooks", "00b.ipynb")["cells"][-1]["outputs"]

    shown = {"output_type": "display_data", "data": {"text/plain": "t"}, "metadata": {}}
    chunked = page([stream("stdout", "a\n"), stream("stdout", ["b\n", "c\n"]),
                    stream("stderr", "w\n"), shown, stream("stdout", "d\n")])  # fmt: skip
    whole = page([stream("stdout", "a\nb\nc\n"), stream("stderr", "w\n"), shown,
                  stream("stdout", "d\n")])  # fmt: skip
    assert chunked == whole
    assert [o.get("name") for o in whole] == ["stdout", "stderr", None, "stdout"]


def test_the_footer_year_is_the_last_commit_s_unless_source_date_epoch_says(
    site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    git = ["git", "-C", str(REPO), "log", "-1", "--format=%ct"]
    last_commit = subprocess.run(git, capture_output=True, text=True, check=True).stdout.strip()
    assert site.build_env()["SOURCE_DATE_EPOCH"] == last_commit
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert site.build_env()["SOURCE_DATE_EPOCH"] == "1700000000"


def test_the_whole_course_zip_is_deterministic_and_holds_only_the_course(
    site: Any, tmp_path: Path
) -> None:
    import os
    import zipfile

    edition = tmp_path / "student"
    for rel, text in {
        "README.md": "# course\n",
        "notebooks/01.ipynb": "{}",
        "postBuild": "#!/bin/sh\n",
        "trilat_lessons/__init__.py": "",
        "trilat_lessons/build/pipeline.py": "",  # the package's own build/ (not a leftover)
        "build/lib/x.py": "",
        ".venv/lib/x.py": "",
        ".git/HEAD": "ref",
        "trilat_lessons/__pycache__/a.cpython-311.pyc": "",
        "notebooks/.ipynb_checkpoints/01-checkpoint.ipynb": "{}",
        "trilat_lessons.egg-info/PKG-INFO": "",
    }.items():
        (edition / rel).parent.mkdir(parents=True, exist_ok=True)
        (edition / rel).write_text(text)
    (edition / "postBuild").chmod(0o755)
    one, two = tmp_path / "one.zip", tmp_path / "two.zip"
    assert site.course_zip(edition, one, 1700000000) == one.stat().st_size
    os.utime(edition / "README.md", (1, 1))  # a file's own time stamp changes nothing
    site.course_zip(edition, two, 1700000000)
    assert one.read_bytes() == two.read_bytes()
    with zipfile.ZipFile(one) as zf:
        names = zf.namelist()
        assert (
            names
            == sorted(names)
            == [
                "trilat-lessons-student/README.md",
                "trilat-lessons-student/notebooks/01.ipynb",
                "trilat-lessons-student/postBuild",
                "trilat-lessons-student/trilat_lessons/__init__.py",
                "trilat-lessons-student/trilat_lessons/build/pipeline.py",
            ]
        )
        assert zf.getinfo(names[2]).external_attr >> 16 & 0o777 == 0o755
        assert {zf.getinfo(n).date_time for n in names} == {(2023, 11, 14, 22, 13, 20)}


def test_the_links_are_right_under_the_title_and_the_whole_course_is_offered(site: Any) -> None:
    """The lessons' first cell is a title and an introduction: the links go between the two,
    so a phone shows them first; the download line says a notebook needs the course package."""
    intro = "# 02 · Title\n\nA long introduction.\n\n- goal one\n"
    nb = {
        "metadata": {},
        "cells": [
            {"cell_type": "markdown", "id": "a", "metadata": {}, "source": intro},
            {"cell_type": "code", "id": "b", "metadata": {}, "source": "x", "outputs": []},
        ],
    }
    web = site.for_the_web(nb, "notebooks", "02.ipynb")
    assert [c.get("id") for c in web["cells"]] == [
        "a", "trilat-links", "trilat-intro", "trilat-contents", "b"
    ]  # fmt: skip
    assert web["cells"][0]["source"] == "# 02 · Title"
    assert web["cells"][2]["source"] == "\nA long introduction.\n\n- goal one\n"
    links = web["cells"][1]["source"]
    assert links.index("Run in the browser") < links.index("Download the notebook")
    assert 'href="../download/trilat-lessons-student.zip"' in links and "package" in links
    assert ":backlinks: none" in web["cells"][3]["source"]  # no back-link on every heading
    assert site.title_of(web, "x") == "02 · Title"


def test_the_landing_page_offers_the_whole_course_and_the_repository_when_known(
    site: Any,
) -> None:
    rows = [("01_history", "01 · History")], [("ex01", "Exercises 01")]
    page = site.landing_page(*rows, zip_bytes=1_234_567)
    assert 'href="download/trilat-lessons-student.zip"' in page and "1.2 MB" in page
    assert "`make install` then `make lab`" in page
    assert "repository" not in page  # no address is invented
    page = site.landing_page(*rows, zip_bytes=1, repository="https://example.org/c")
    assert '<a href="https://example.org/c">course repository</a>' in page
    page = site.landing_page(*rows, repository='javascript:alert("x")')
    assert "repository" not in page


def test_a_dataset_page_points_web_readers_to_the_sources_page(site: Any, tmp_path: Path) -> None:
    """cite(source_id) needs Python; a reader of the website looks the id up in `sources`."""
    edition = tmp_path / "edition"
    (edition / "docs").mkdir(parents=True)
    data = edition / "trilat_lessons" / "data"
    data.mkdir(parents=True)
    for name in ("sources", "meetings"):
        (data / f"{name}.csv").write_text("source_id\nS1\n")
    (edition / "docs" / "codebook.md").write_text(
        "# Data codebook\n\nIntro.\n\n## sources\n\nThe documents.\n\n## meetings\n\nMeetings.\n"
    )
    out = tmp_path / "data"
    out.mkdir()
    site.codebook_pages(edition, out)
    assert "[`sources`](sources.md)" in (out / "meetings.md").read_text()
    assert "(sources.md)" not in (out / "sources.md").read_text()


def test_a_widget_picture_starts_with_the_site_s_note_not_the_notebook_s_instruction(
    site: Any,
) -> None:
    """A course widget's fallback starts "Quiz: run this cell (Shift+Enter)": a web page has no
    cell to run, so the page's own note takes that place, above the picture."""
    from trilat_lessons.widgets.quiz import Quiz

    quiz = Quiz("Where?", ["Madrid", "Camp David"], correct="Camp David")
    bundle = quiz._repr_mimebundle_()
    assert "run this cell" in bundle["text/html"] and "Where?" in bundle["text/html"]
    out = {"output_type": "display_data", "data": bundle, "metadata": {}}
    nb = {"metadata": {}, "cells": [{"cell_type": "code", "source": "x", "outputs": [out]}]}
    page = site.for_the_web(nb, "notebooks", "01.ipynb")["cells"][-1]["outputs"][0]["data"]
    html = page["text/html"]
    assert "run this cell" not in html and "Shift+Enter" not in html
    assert html.count('class="trilat-live-note"') == 1
    assert html.index("trilat-live-note") < html.index("Where?")  # the note, then the picture
