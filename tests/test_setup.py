"""The set-up steps `make` runs before building: system packages and the execution cache.

- ``scripts/install-system-deps.sh`` is run with stand-ins for ``dpkg-query``, ``id``,
  ``sudo`` and ``apt-get`` on the ``PATH``, so each branch (all present; root; sudo
  without a password; neither) is exercised without touching the machine.
- ``shifeng.buildcache`` drops the execution cache when anything outside the notebooks
  that shapes their outputs changes: data, code, package versions, resolved fonts.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from shifeng import buildcache

REPO = Path(__file__).resolve().parent.parent
INSTALLER = REPO / "scripts" / "install-system-deps.sh"


def fake_system(tmp_path, uid: int, sudo_ok: bool, installed: bool) -> tuple[dict, Path]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    scripts = {
        "dpkg-query": f"echo -n '{'install ok installed' if installed else 'unknown ok not-installed'}'",
        "id": f"echo {uid}",
        "sudo": f'[ "$1" = -n ] && shift; {"" if sudo_ok else "exit 1;"} [ "$1" = true ] && exit 0; "$@"',
        "apt-get": f'echo "apt-get $*" >> {log}',
    }
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text(f"#!/bin/bash\n{body}\n")
        path.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}, log


def run_installer(env, *groups):
    return subprocess.run(["bash", str(INSTALLER), *groups], capture_output=True, text=True, env=env, timeout=60)


def test_nothing_to_do_when_every_package_is_there(tmp_path):
    env, log = fake_system(tmp_path, uid=1000, sudo_ok=False, installed=True)
    run = run_installer(env, "build")
    assert run.returncode == 0 and run.stdout == run.stderr == "" and not log.exists()


def test_root_installs_what_is_missing_for_its_group(tmp_path):
    env, log = fake_system(tmp_path, uid=0, sudo_ok=False, installed=False)
    run = run_installer(env, "test")
    assert run.returncode == 0, run.stderr
    calls = log.read_text()
    assert "apt-get update" in calls and "install" in calls and "chromium" in calls and "poppler-utils" in calls
    assert "texlive-xetex" not in calls  # the test group does not pull TeX Live


def test_a_user_with_passwordless_sudo_installs_through_it(tmp_path):
    env, log = fake_system(tmp_path, uid=1000, sudo_ok=True, installed=False)
    run = run_installer(env, "build")
    assert run.returncode == 0, run.stderr
    assert "install" in log.read_text() and "fonts-noto-cjk" in log.read_text()


def test_a_user_who_cannot_install_is_told_the_one_command_to_run(tmp_path):
    env, log = fake_system(tmp_path, uid=1000, sudo_ok=False, installed=False)
    run = run_installer(env, "pdf")
    assert run.returncode == 1 and not log.exists()
    assert "sudo bash scripts/install-system-deps.sh pdf" in run.stderr and "texlive-xetex" in run.stderr


def test_an_unknown_group_is_refused(tmp_path):
    env, _ = fake_system(tmp_path, uid=0, sudo_ok=False, installed=True)
    assert run_installer(env, "everything").returncode == 2


def test_the_makefile_installs_before_each_step():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target, group in (("book", "build"), ("pdf", "pdf"), ("test", "test")):
        recipe = makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]
        assert f"$(SYSTEM_DEPS) {group}" in recipe, target


# --- the execution cache ---------------------------------------------------------------


def test_the_cache_key_covers_packages_and_resolved_fonts():
    env = buildcache.environment()
    assert any(line.startswith("matplotlib==") for line in env)
    assert any(line.startswith("folium==") for line in env)
    assert any(line.startswith("Noto Sans CJK SC: /") for line in env), "the CJK font's file is part of the key"


@pytest.mark.parametrize("change", ["a package version", "the fonts matplotlib resolves"])
def test_a_changed_environment_drops_the_execution_cache(tmp_path, monkeypatch, change):
    build = tmp_path / "_build"
    assert buildcache.main([str(tmp_path)]) == 0  # first build: writes the key
    for name in buildcache.STALE:
        (build / name).mkdir()
        (build / name / "stale").write_text("outputs of the old environment")
    assert buildcache.main([str(tmp_path)]) == 0  # nothing changed: the cache stays
    assert all((build / name / "stale").exists() for name in buildcache.STALE)
    real = buildcache.environment
    if change == "a package version":
        monkeypatch.setattr(buildcache, "environment", lambda: [line.replace("matplotlib==", "matplotlib==0.") for line in real()])
    else:
        monkeypatch.setattr(buildcache, "resolved_fonts", lambda: ["Noto Sans CJK SC: not found"])
    assert buildcache.main([str(tmp_path)]) == 0
    assert not any((build / name).exists() for name in buildcache.STALE)
