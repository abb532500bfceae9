"""Datasets: provenance, Table 1, dates, names, freshness, Frictionless, loader behaviour."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import trilat_lessons as tl
from trilat_lessons import build
from trilat_lessons.datasets import load

REPO = Path(__file__).resolve().parents[1]
DATAPACKAGE = REPO / "trilat_lessons" / "data" / "datapackage.json"


# --- provenance -------------------------------------------------------------------------------


def test_every_source_id_resolves_and_no_row_lacks_a_source():
    ids = set(load("sources").source_id)
    for name in tl.list_datasets():
        df = load(name)
        assert df.source_id.notna().all(), f"{name}: row without source_id"
        refs = set(df.source_id)
        if "other_source_ids" in df:
            for v in df.other_source_ids.dropna():
                refs |= set(v.split(";"))
        assert refs <= ids, f"{name}: unknown source ids {refs - ids}"


def test_seeds_come_first_with_named_authors_only_for_seed000():
    src = load("sources")
    assert list(src.source_id[:5]) == [f"seed00{i}" for i in range(5)]
    assert src.is_seed[:5].all() and not src.is_seed[5:].any()
    assert src.authors[0] == "Lee Jae-seung; Lee Dae-joong"
    assert src.authors[1:5].isna().all()


def test_cited_in_points_to_seeds():
    src = load("sources")
    for v in src.cited_in.dropna():
        assert set(v.split(";")) <= {f"seed00{i}" for i in range(5)}


# --- Table 1 ----------------------------------------------------------------------------------


def test_table1_raw_keeps_its_flaws():
    raw = load("meetings", raw=True)
    assert len(raw) == 29
    assert list(raw.table1_row.astype(int)) == list(range(1, 30))
    dates = list(raw.date_printed)
    assert "2016. 7" in dates
    assert dates.index("2022.11.") > dates.index("2023. 7.")
    assert "Deputy Ministerial Meeting" in set(raw.content_printed)
    assert "Ministerial meeting" in set(raw.content_printed)
    assert "Pyongchang" in set(raw.place_printed)
    assert "EA Summit" in set(raw.note_printed)
    # the 2020.1 row sits in the block that starts with 'Biden'
    block = raw.president_printed.ffill()
    assert block[raw.date_printed == "2020. 1."].item() == "Biden"


def test_all_29_rows_in_clean_meetings():
    m = load("meetings")
    t1 = m[m.in_table1]
    assert sorted(t1.table1_row.astype(int)) == list(range(1, 30))
    assert len(t1) == 29


def test_table1_corrections_logged():
    log = tl.cleaning_log()
    m = log[log.dataset == "meetings"]

    def logged(row, col):
        return ((m.row_id == row) & (m.column == col)).any()

    assert logged("T13", "us_administration")  # 2020.1 under 'Biden'
    assert logged("T07", "us_administration")  # 5 Jan 2017, Obama era
    assert logged("T25", "(row order)")  # 2022.11 printed after 2023.7
    assert logged("T05", "date_label")  # '2016. 7' without dot
    assert logged("T28", "level")  # 'Deputy' vs 'Vice'
    assert logged("T24", "level")  # 'Ministerial meeting'
    assert logged("T10", "place") and logged("T01", "place")  # Pyongchang, Hague
    assert logged("T10", "level")  # Vice-President
    assert logged("T14", "date_label")  # London: May, not June
    assert logged("T26", "date_label")  # Hiroshima 22 -> 21 May


def test_derived_leaders_not_printed_labels():
    m = load("meetings").set_index("meeting_id")
    assert m.loc["T13", "us_administration"] == "Trump (1st)"
    assert m.loc["T07", "us_administration"] == "Obama"
    assert m.loc["T27", "us_president"] == "Joe Biden"
    assert m.loc["T27", "japan_pm"] == "Kishida Fumio"
    assert m.loc["T27", "rok_president"] == "Yoon Suk Yeol"
    assert pd.isna(m.loc["T17", "japan_pm"])  # Oct 2021: Suga -> Kishida within the month


def test_key_text_meetings():
    m = load("meetings").set_index("meeting_id")
    assert m.loc["X07", "date"] == pd.Timestamp("2021-04-02")
    assert m.loc["X07", "track"] == "security advisers"
    assert m.loc["T18", "date"] == pd.Timestamp("2021-11-17")
    assert m.loc["T22", "date"] == pd.Timestamp("2022-06-29")
    assert m.loc["T25", "date"] == pd.Timestamp("2022-11-13")
    assert m.loc["T27", "date"] == pd.Timestamp("2023-08-18")
    assert m.loc["T27", "host_context"] == "standalone"
    assert m.loc["T10", "level"] != "leaders"
    # ordered level
    assert m.level.cat.ordered and m.level.max() == "leaders"


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["meetings", "events", "china_stances", "sources"])
def test_date_is_nat_unless_day_known(name):
    df = load(name)
    day = df.date_precision == "day"
    assert df.loc[day.fillna(False), "date"].notna().all()
    assert df.loc[~day.fillna(False), "date"].isna().all()
    if "date_start" in df:
        assert (df.date_start <= df.date_end).all()
        assert (df.loc[day, "date_start"] == df.loc[day, "date"]).all()
        assert (df.year == df.date_start.dt.year).all()


def test_barley_inconsistency_logged():
    e = load("events").set_index("event_id")
    assert e.loc["E20", "date_label"] == "2020-05"
    log = tl.cleaning_log()
    hit = log[(log.row_id == "E20") & (log.column == "date_label")]
    assert hit.before.item() == "2021-04" and "footnote" in hit.reason.item()


# --- names ------------------------------------------------------------------------------------

BAD_NAMES = [r"Suk-yeol", r"Fumio Kishida", r"Shigeru Ishiba", r"Shinzo Abe", r"Seok-yul"]
CONTESTED = [
    (r"Dokdo(?!/Takeshima)", "Dokdo/Takeshima"),
    (r"(?<!Dokdo/)Takeshima", "Dokdo/Takeshima"),
    (r"East Sea(?!/Sea of Japan)", "East Sea/Sea of Japan"),
    (r"Senkaku(?!/Diaoyu)", "Senkaku/Diaoyu"),
]
# exact document titles and verbatim quotes are kept as published
VERBATIM = {("sources", "title"), ("sources", "url"), ("china_stances", "quote")}


def _text_cells(name):
    df = load(name)
    for col in df.columns:
        if (name, col) in VERBATIM or str(df[col].dtype) != "string":
            continue
        for v in df[col].dropna():
            yield col, v


@pytest.mark.parametrize("name", tl.list_datasets())
def test_names_spelled_one_way(name):
    for col, v in _text_cells(name):
        for pat in BAD_NAMES:
            assert not re.search(pat, v), f"{name}.{col}: {pat!r} in {v!r}"
        for pat, want in CONTESTED:
            assert not re.search(pat, v), f"{name}.{col}: write {want!r}: {v!r}"


def test_name_normalisation_logged():
    log = tl.cleaning_log()
    assert log.before.str.contains("Suk-yeol").any()
    assert (log.after == "Lee Jae-seung; Lee Dae-joong").any()


# --- build ------------------------------------------------------------------------------------


def test_committed_data_equals_fresh_build():
    assert build.stale_files() == [], "run `trilat data build`"


def test_stale_data_is_detected(tmp_path):
    out = tmp_path / "data"
    shutil.copytree(REPO / "trilat_lessons" / "data", out)
    assert build.stale_files(out) == []
    p = out / "meetings.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("The Hague", "Hague"), encoding="utf-8")
    assert build.stale_files(out) == ["meetings.csv"]


def test_build_is_deterministic():
    assert build.build_all() == build.build_all()


def test_check_command_exit_code():
    cmd = [sys.executable, "-m", "trilat_lessons.build", "--check"]
    assert subprocess.run(cmd, cwd=REPO, capture_output=True).returncode == 0


def test_frictionless_validate():
    exe = Path(sys.executable).with_name("frictionless")
    if not exe.exists():
        pytest.skip("frictionless CLI not installed")
    res = subprocess.run(
        [str(exe), "validate", str(DATAPACKAGE)], capture_output=True, text=True, cwd=REPO
    )
    assert res.returncode == 0, res.stdout[-3000:]


# --- loader -----------------------------------------------------------------------------------


def test_loaders_return_copies():
    a = tl.load("meetings")
    a.loc[0, "place"] = "changed"
    assert tl.load("meetings").loc[0, "place"] != "changed"
    assert tl.load_meetings() is not tl.load_meetings()


def test_load_functions_match_load():
    for name in tl.list_datasets():
        df = getattr(tl.datasets, f"load_{name}")()
        pd.testing.assert_frame_equal(df, tl.load(name))


def test_unknown_names_are_friendly():
    with pytest.raises(KeyError, match="Did you mean 'meetings'"):
        tl.load("meeting")
    with pytest.raises(KeyError, match="Did you mean 'events'"):
        tl.info("event")
    with pytest.raises(KeyError, match="raw file"):
        tl.load("nothing", raw=True)


def test_info_documents_every_column(capsys):
    for name in tl.list_datasets():
        tl.info(name)
        out = capsys.readouterr().out
        for col in tl.load(name).columns:
            assert f"  {col} (" in out, f"{name}.{col} undocumented"
        assert tl.codebook(name).description.notna().all()


def test_import_does_not_load_pandas():
    code = (
        "import sys, trilat_lessons.datasets, trilat_lessons.sources; "
        "print('pandas' in sys.modules)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "False"


# --- the record after Table 1 (issue 14) -------------------------------------------------------


def test_record_reaches_late_2025_with_named_documents():
    m = load("meetings").set_index("meeting_id")
    src = load("sources").set_index("source_id")
    assert m.loc["X32", "date"] == pd.Timestamp("2017-09-21")  # New York, Table 1 omits it
    assert m.loc["X32", "level"] == "leaders" and m.loc["X32", "us_administration"] == "Trump (1st)"
    assert m.loc["X38", "date"] == pd.Timestamp("2024-11-15")  # Lima: the secretariat agreed
    assert m.loc["X38", "japan_pm"] == "Ishiba Shigeru"
    assert m["date"].max() >= pd.Timestamp("2025-09-01")
    for mid in m.index[m.index.str.match(r"X(3[1-9]|4\d)")]:
        sid = m.loc[mid, "source_id"]
        assert src.loc[sid, "url"].startswith("http") and pd.notna(src.loc[sid, "title"]), mid


def test_table1_rows_28_and_29_corrected_against_the_record():
    m = load("meetings").set_index("meeting_id")
    assert m.loc["T28", "level"] == "envoys/other"
    assert m.loc["T28", "title"].startswith("Trilateral Indo-Pacific Dialogue")
    assert m.loc["T28", "date"] == pd.Timestamp("2024-01-05")
    assert m.loc["T29", "date"] == pd.Timestamp("2024-02-22")
    assert m.loc["T29", "host_event"].startswith("G20 foreign ministers")
    raw = load("meetings", raw=True).set_index("table1_row")
    assert raw.loc["28", "content_printed"] == "Deputy Ministerial Meeting"  # raw twin as printed
    assert raw.loc["29", "note_printed"] == "G20 Summit"
    log = tl.cleaning_log()
    assert ((log.row_id == "T28") & (log.column == "title")).any()
    assert ((log.row_id == "T29") & (log.column == "host_event")).any()


def test_secretariat_announcement_and_effect_are_distinct_events():
    e = load("events").set_index("event_id")
    assert e.loc["E62", "date"] == pd.Timestamp("2024-11-15")  # agreed in Lima
    assert e.loc["E41", "date"] == pd.Timestamp("2024-11-20")  # launched in Seoul
    assert e.loc["E41", "meeting_id"] == "X39"


def test_every_dataset_states_its_coverage():
    for name in tl.list_datasets():
        cov = tl.coverage(name)
        assert cov["basis"], name
        if name != "policy_weights":
            assert cov["start"] <= cov["end"], name
    assert tl.coverage("meetings")["end"] == load("meetings")["date_label"].iloc[-1]


def test_policy_weight_directions_follow_the_codebook():
    raw = build.read_csv(build.RAW_DIR / "policy_weights.csv")
    assert build.build_policy_weights(raw)
    flipped = [dict(r) for r in raw]
    flipped[0]["direction"] = {"higher_is_better": "higher_is_worse"}.get(
        flipped[0]["direction"], "higher_is_better"
    )
    with pytest.raises(build.BuildError, match="not higher_is"):
        build.build_policy_weights(flipped)
