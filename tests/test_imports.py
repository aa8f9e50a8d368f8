"""Every module of the generator imports on its own, in a fresh interpreter (no import cycle
that only works when another module happened to be imported first)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT

MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in (ROOT / "generator").rglob("*.py")
    if path.name != "__main__.py" and "templates" not in path.parts
)


def test_the_module_list_is_complete() -> None:
    assert {
        "generator",
        "generator.lock",
        "generator.diff",
        "generator.passes",
        "generator.verify.worker",
    } <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_each_generator_module_imports_alone(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
