"""Shared fixtures: paths, and running the build script as users do (a subprocess)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
