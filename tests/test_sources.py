"""cite(), source_of(), references()."""

from __future__ import annotations

import pytest

import trilat_lessons as tl
from trilat_lessons.sources import STYLES, cite, references, source_of


def test_cite_styles():
    assert cite("seed000") == "Lee Jae-seung & Lee Dae-joong (2024)"
    full = cite("wh_2023_08_18_camp_david", "full")
    assert "18 August 2023" in full and "The Spirit of Camp David" in full
    apa = cite("state_2022_05_26_blinken", "apa")
    assert apa.startswith("Antony J. Blinken (2022, May 26).")
    assert "U.S. Department of State" in apa


def test_cite_never_invents_a_day():
    assert "December" in cite("seed002", "full") and " 1 December" not in cite("seed002", "full")
    assert cite("mofaj_fact_sheet_workers", "apa").count("n.d.") == 1


def test_every_source_can_be_cited():
    for sid in tl.load("sources").source_id:
        for style in ("short", "full", "apa"):
            assert cite(sid, style)


def test_source_of_every_row():
    for name in tl.list_datasets():
        df = tl.load(name)
        idcol = "perspective" if name == "policy_weights" else df.columns[0]
        for rid in df[idcol].astype("string").unique():
            assert source_of(name, rid)


def test_source_of_lists_main_then_others():
    short = source_of("meetings", "T27", style="short").splitlines()
    assert short[:2] == ["Lee Jae-seung & Lee Dae-joong (2024)", "The White House (2023)"]
    full = source_of("meetings", "T27").splitlines()
    assert full[0].startswith("Lee Jae-seung & Lee Dae-joong, \u201cAssessing the prospect")
    assert "The Spirit of Camp David" in full[1]


def test_short_citation_of_an_anonymous_work_uses_its_title_not_its_id():
    text = cite("seed001")
    assert "seed001" not in text and text.startswith("Essay on Japan-ROK-U.S.")
    assert text.endswith("(2023)")


def test_references_markdown():
    md = references(["seed000", "seed000", "wh_2021_04_02_nsa"])
    assert md.count("\n- ") == 1 and md.startswith("- ")


def test_friendly_errors():
    with pytest.raises(KeyError, match="Did you mean 'seed00"):
        cite("seed00")
    with pytest.raises(ValueError, match="short, full, apa"):
        cite("seed000", "mla")
    with pytest.raises(KeyError, match="No row 'T99'"):
        source_of("meetings", "T99")
    with pytest.raises(KeyError, match="Did you mean 'meetings'"):
        source_of("meeting", "T01")


def test_codebook_page_is_generated_and_current(tmp_path):
    from pathlib import Path

    from trilat_lessons.codebook_page import codebook_markdown, write_codebook

    text = codebook_markdown()
    for name in tl.list_datasets():
        assert f"\n## {name}\n" in text
        for col in tl.load(name).columns:
            assert f"| `{col}` |" in text, f"{name}.{col} missing from the codebook page"
    committed = Path(__file__).resolve().parent.parent / "docs" / "codebook.md"
    assert write_codebook(committed, check=True) == 0, "run `trilat data docs`"
    stale = tmp_path / "codebook.md"
    stale.write_text("old\n", encoding="utf-8")
    assert write_codebook(stale, check=True) == 1


def test_citation_html_stores_addresses_as_text_in_a_wrapping_box() -> None:
    """Source lists hold web addresses as text the page guard makes links (keys typed on them
    stay out of the notebook's shortcuts); long addresses wrap."""
    import trilat_lessons as tl

    one = tl.source_of("meetings", "T27")._repr_html_()
    assert one.startswith('<div class="trilat-sources" style="overflow-wrap:anywhere')
    refs = tl.references(["seed000", "wh_2023_08_18_camp_david"])
    shown = refs._repr_html_()
    assert shown.startswith('<ul class="trilat-sources"') and shown.count("<li>") == 2
    assert "<b>[seed000]</b>" in shown and "**" not in shown
    if "https://" in refs:
        # a web address is text the page's link guard makes a link (never a stored <a>)
        assert '<span class="trilat-url">https://' in shown and "<a " not in shown


def test_short_citation_can_keep_a_long_title_whole() -> None:
    """The opinion explorer's source line once read '...cooperation... (2021)'."""
    from trilat_lessons.sources import cite

    cut = cite("seed002")
    whole = cite("seed002", title_limit=None)
    assert cut.endswith("(2021)") and whole.endswith("(2021)")
    assert "…" not in whole and len(whole) >= len(cut)
    assert "competition" in whole


def test_no_reference_ends_a_sentence_twice() -> None:
    """A title or issuer that ends with a full stop ("... Press Release.") gets no second one."""
    from trilat_lessons.sources import _records

    for sid in _records():
        for style in STYLES:
            text = tl.cite(sid, style)
            assert ".." not in text.replace("...", ""), (sid, style, text)
    assert "Press Release. " in tl.cite("kmofa_2021_04_14_fukushima", "apa")
