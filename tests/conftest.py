"""Shared fixtures: paths, and running the build script as users do (a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_SPECS = ROOT.parent / "shared" / "specs"
UPSTREAM_SPECS = {
    "2026-01": SHARED_SPECS / "conductorone-2026-01.openapi.yaml",
    "2026-02": SHARED_SPECS / "conductorone-2026-02.openapi.yaml",
}


def run_generator(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_against(package_root: Path, code: str, prelude: str = "") -> None:
    """Run ``code`` in a fresh interpreter with the generated package under ``package_root``
    (and the hand-written one) importable; it asserts what it checks and must get to the end."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(package_root), str(ROOT / "overlays")]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code) + "\nprint('ok')"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout.strip().endswith("ok"), done.stderr[-3000:]


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="session")
def upstream_spec_paths() -> dict[str, Path]:
    missing = [str(p) for p in UPSTREAM_SPECS.values() if not p.is_file()]
    if missing:  # the test data lives beside the project; its absence is a broken checkout
        raise FileNotFoundError(f"test data missing (expected ../shared beside the repo): {missing}")
    return UPSTREAM_SPECS


UpstreamBuild = tuple[Path, Path, dict[str, Any]]  # spec, generated package dir, report


@pytest.fixture(scope="session")
def upstream_build(
    upstream_spec_paths: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], UpstreamBuild]:
    """Build an upstream document once per session (several test modules use the result)."""
    cache: dict[str, UpstreamBuild] = {}

    def build(name: str) -> UpstreamBuild:
        if name not in cache:
            spec = upstream_spec_paths[name]
            out = tmp_path_factory.mktemp(f"build-{name}")
            report = out / "report.json"
            done = run_generator("build", "--spec", spec, "--out", out / "gen", "--report", report)
            assert done.returncode == 0, done.stderr
            cache[name] = spec, out / "gen" / "conductorone_api", json.loads(report.read_text())
        return cache[name]

    return build


@pytest.fixture(autouse=True)
def _no_profiles_of_this_machine(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """cone's profile file of whoever runs the tests is never read: each test starts with an
    empty config folder and no profile variables (a test sets its own)."""
    monkeypatch.setenv("CONE_CONFIG_PATH", str(tmp_path_factory.mktemp("no-cone-config")))
    for name in ("CONDUCTORONE_PROFILE", "CONE_PROFILE"):
        monkeypatch.delenv(name, raising=False)
