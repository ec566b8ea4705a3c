"""A build that cannot draw Chinese stops, with a message that says how to fix it.

The CJK font is hidden from matplotlib in three ways: a font list without it (the
check's own logic), a cached font list written before it was installed (the cache is
rebuilt), and, as root, an empty folder mounted over the installed font files for a
whole ``make book`` (the build stops before any notebook runs and leaves no HTML).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from shifeng import fonts, style

REPO = Path(__file__).resolve().parent.parent
CJK = style.CJK_FONT


class FontList:
    """Stands in for matplotlib's font manager: its ``ttflist`` minus one family."""

    def __init__(self, without: str):
        self.ttflist = [entry for entry in font_manager.fontManager.ttflist if entry.name != without]


def test_the_book_font_is_found_and_draws_chinese():
    assert fonts.entries(CJK), f"{CJK} is not installed: run sudo bash scripts/install-system-deps.sh build"
    assert fonts.problem(CJK, "fonts-noto-cjk") is None


def test_a_font_list_without_the_cjk_font_gives_the_fix():
    message = fonts.problem(CJK, "fonts-noto-cjk", FontList(without=CJK))
    assert message is not None
    for needed in (f"'{CJK}'", "fonts-noto-cjk", "sudo bash scripts/install-system-deps.sh build", "empty boxes"):
        assert needed in message


def _stale_cache(folder: Path) -> Path:
    """A matplotlib config folder whose cached font list lacks the CJK font, as if written before it was installed."""
    folder.mkdir(parents=True, exist_ok=True)
    cached = json.loads(fonts.cache_file().read_text(encoding="utf-8"))
    cached["ttflist"] = [entry for entry in cached["ttflist"] if entry["name"] != CJK]
    (folder / fonts.cache_file().name).write_text(json.dumps(cached), encoding="utf-8")
    return folder


def _python(code: str, mplconfig: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLCONFIGDIR": str(mplconfig)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)


def test_a_stale_font_cache_fails_the_drawing_and_the_check_rebuilds_it(tmp_path):
    mplconfig = _stale_cache(tmp_path / "mpl")
    draw = "from shifeng import charts, style; style.png_bytes(charts.projects_by_line())"
    failed = _python(draw, mplconfig)
    assert failed.returncode != 0 and "FontMissing" in failed.stderr and "fonts-noto-cjk" in failed.stderr
    check = _python("from shifeng import fonts; raise SystemExit(fonts.main())", mplconfig)
    assert check.returncode == 0 and "rebuilt it" in check.stdout
    assert any(e["name"] == CJK for e in json.loads((mplconfig / fonts.cache_file().name).read_text())["ttflist"])
    assert _python(draw, mplconfig).returncode == 0


def test_a_character_no_font_has_is_an_error_not_a_box():
    fig = Figure()
    with style.context():
        fig.text(0.5, 0.5, "石峰 \ue000")  # a private-use character: no font draws it
    with pytest.raises(UserWarning, match="missing from font"):
        style.png_bytes(fig)


def _font_files() -> Path:
    return Path(fonts.entries(CJK)[0].fname).parent


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"), reason="hiding a font needs root (unshare -m)")
def test_make_book_with_the_cjk_font_hidden_stops_before_building(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "out"
    env = {**os.environ, "MPLCONFIGDIR": str(_stale_cache(tmp_path / "mpl"))}
    # a private mount namespace: the empty folder hides the font files from this command only
    script = f"mount --bind {empty} {_font_files()} && make book OUT={out}"
    run = subprocess.run(["unshare", "-m", "bash", "-c", script], cwd=REPO, capture_output=True, text=True,
                         env=env, timeout=900)
    assert run.returncode != 0
    assert f"matplotlib cannot find the font '{CJK}'" in run.stderr and "fonts-noto-cjk" in run.stderr
    assert not (out / "_build" / "html").exists()


def test_a_readers_notebook_draws_with_any_chinese_face_and_says_which_to_install(monkeypatch):
    from shifeng import fonts, runtime

    monkeypatch.setattr(runtime, "in_book_build", lambda: False)
    monkeypatch.setattr(fonts, "problem", lambda family, package, manager=None: None if family == "PingFang SC" else "no")
    fonts.require.__wrapped__()  # PingFang SC is enough outside the book's build
    monkeypatch.setattr(fonts, "problem", lambda family, package, manager=None: "no")
    with pytest.raises(fonts.FontMissing, match="fonts-noto-cjk"):
        fonts.require.__wrapped__()
