"""Package basics: fast lazy import, version, the trilat command and its doctor."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import pytest

import trilat_lessons as tl
from trilat_lessons import cli, doctor


def test_import_does_not_pull_heavy_libraries() -> None:
    code = (
        "import sys, trilat_lessons as tl; "
        "print([m for m in ('pandas', 'altair', 'ipywidgets', 'nbclient') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_attribute_is_a_clear_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = tl.nope


def test_lazy_names_resolve_to_callables() -> None:
    assert callable(tl.setup)
    assert "setup" in dir(tl)


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"trilat-lessons {tl.__version__}"


def test_no_subcommand_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 0
    assert "doctor" in capsys.readouterr().out


def test_doctor_reports_failure_with_fix_and_nonzero_exit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = doctor.Check("widgets", False, "extension missing", "run make lab")
    monkeypatch.setattr(doctor, "CHECKS", (lambda: doctor.Check("x", True, "fine"), lambda: broken))
    assert doctor.main() == 1
    out = capsys.readouterr().out
    assert "[FAIL] widgets" in out and "fix: run make lab" in out and "1 problem(s)" in out


def test_doctor_json_and_all_green(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(doctor, "CHECKS", (lambda: doctor.Check("x", True, "fine"),))
    assert doctor.main(as_json=True) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"name": "x", "ok": True, "detail": "fine", "fix": "", "warning": False}
    ]


def test_doctor_widget_check_fails_when_extension_absent(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setattr(doctor, "_labextension_dirs", lambda: [tmp_path])
    result = doctor.check_widgets_extension()
    assert not result.ok and "make lab" in result.fix


def test_doctor_warns_when_the_page_guard_extension_is_absent_or_disabled(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    result = doctor.check_page_guard()  # this environment: installed (shared-data), enabled
    assert result.ok and not result.warning, result.detail
    monkeypatch.setattr(doctor, "_labextension_dirs", lambda: [tmp_path])
    result = doctor.check_page_guard()
    assert result.warning and "not installed" in result.detail and "make install" in result.fix
    monkeypatch.undo()
    config = tmp_path / "config"
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"trilat-lessons": True}})
    )
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(config))
    result = doctor.check_page_guard()
    assert result.warning and "disabled" in result.detail


def test_the_page_guard_extension_is_one_file_served_two_ways() -> None:
    """The JupyterLab extension (loaded by JupyterLab from share/jupyter/labextensions) and the
    guard a course output carries run the same guard.js; its version is the package's."""
    from trilat_lessons import __version__
    from trilat_lessons.linkguard import guard_js, link_guard_html

    ext = Path(doctor.__file__).parent / "labextension"
    meta = json.loads((ext / "package.json").read_text(encoding="utf-8"))
    assert meta["name"] == doctor.LAB_EXTENSION and meta["version"] == __version__
    assert (ext / meta["jupyterlab"]["_build"]["load"]).is_file()
    entry = (ext / "static" / "remoteEntry.js").read_text(encoding="utf-8")
    assert "'guard.js$1'" in entry and "window._JUPYTERLAB['trilat-lessons']" in entry
    code = guard_js()
    assert "stopPropagation" in code and "__trilatLinkGuard" in code
    assert "/*" not in code and "\n//" not in code  # comments stay in the file
    assert html.unescape(link_guard_html()).startswith('<style onload="this.remove();(function')
    installed = [d / "trilat-lessons" / "static" / "guard.js" for d in doctor._labextension_dirs()]
    assert any(
        p.is_file() and p.read_bytes() == (ext / "static" / "guard.js").read_bytes()
        for p in installed
    ), "the installed extension is stale: run make install"


def test_doctor_real_checks_pass_in_this_environment() -> None:
    for check in (doctor.check_versions, doctor.check_charts, doctor.check_widgets_extension,
                  doctor.check_kernel, doctor.check_data):  # fmt: skip
        result = check()
        assert result.ok, f"{result.name}: {result.detail}"


def test_trilat_console_script_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "trilat_lessons.cli", "--version"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert out.returncode == 0 and "trilat-lessons" in out.stdout


def test_doctor_warns_when_korean_or_japanese_text_cannot_show(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(doctor, "_fonts_for", lambda lang: [] if lang == "ko" else ["Noto"])
    check = doctor.check_fonts()
    assert check.ok and check.warning and "Korean" in check.detail and "fonts-noto-cjk" in check.fix
    monkeypatch.setattr(doctor, "_fonts_for", lambda lang: ["Noto Sans CJK JP"])
    assert not doctor.check_fonts().warning
    monkeypatch.setattr(doctor, "CHECKS", (lambda: doctor.Check("fonts", True, "no", "x", True),))
    assert doctor.main() == 0
    out = capsys.readouterr().out
    assert "[WARN]" in out and "run its cells again" in out


def test_doctor_says_when_the_save_hook_is_off(monkeypatch) -> None:
    """Without the labhooks server extension a reopened lesson shows 'model not found': the
    doctor warns and says how to turn it on (it is on in this environment's install)."""
    from jupyter_server.extension import config

    from trilat_lessons import doctor

    assert doctor.check_save_hook().warning is False  # the package enables it on install
    monkeypatch.setattr(
        config.ExtensionConfigManager, "get_jpserver_extensions", lambda self: {"jupyterlab": True}
    )
    off = doctor.check_save_hook()
    assert off.ok and off.warning and "model not found" in off.detail
    assert "jupyter server extension enable trilat_lessons.labhooks" in off.fix


def test_doctor_reads_the_save_hook_setting_as_the_server_does(tmp_path, monkeypatch) -> None:
    """A server config file that turns the extension off wins over the extension lists (the
    server then never registers the hook): the doctor must say it is off."""
    from trilat_lessons import doctor

    (tmp_path / "jupyter_server_config.json").write_text(
        '{"ServerApp": {"jpserver_extensions": {"trilat_lessons.labhooks": false}}}'
    )
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path))
    assert doctor.check_save_hook().warning is True
