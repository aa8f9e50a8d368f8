"""A user's file type-checks as the issue promises, with mypy --strict and pyright (strict).

``tests/typecheck/user_code.py`` uses a full 2026-02 build: ``X | None`` fields narrowed by
``is not None``, keyword bodies, dict bodies (a wrong key flagged), enums from another class
and as strings, iter_ results. Its ``# error: <words>`` lines must each get an error naming
those words from both checkers, and no other line an error; ``# reveal: <type>`` lines must
reveal that type. pyright comes from tools/ (pinned in tools/package.json, npm ci).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, UpstreamBuild

USER_CODE = Path(__file__).parent / "typecheck" / "user_code.py"
PYRIGHT = ROOT / "tools" / "node_modules" / ".bin" / "pyright"
_EXPECT = re.compile(r"#\s*(error|reveal):\s*(.+?)\s*$")


def expectations() -> tuple[dict[int, str], dict[int, str]]:
    """(line -> words its error must contain, line -> the type it must reveal)."""
    errors: dict[int, str] = {}
    reveals: dict[int, str] = {}
    for number, line in enumerate(USER_CODE.read_text(encoding="utf-8").splitlines(), start=1):
        found = _EXPECT.search(line)
        if found:
            (errors if found[1] == "error" else reveals)[number] = found[2]
    return errors, reveals


def plain_type(text: str) -> str:
    """A revealed type without module paths: ``builtins.str | None`` -> ``str | None``."""
    text = re.sub(r"\b(?:\w+\.)+(\w+)", r"\1", text)
    return text.replace("*", "").strip()


def check_findings(checker: str, errors: dict[int, list[str]], reveals: dict[int, str]) -> None:
    want_errors, want_reveals = expectations()
    assert want_errors and want_reveals
    assert sorted(errors) == sorted(want_errors), f"{checker}: errors on lines {sorted(errors)}: {errors}"
    for line, words in want_errors.items():
        assert any(words in message for message in errors[line]), f"{checker} line {line}: {errors[line]}"
    assert {line: plain_type(t) for line, t in reveals.items()} == want_reveals, checker


@pytest.fixture(scope="module")
def package(upstream_build: Callable[[str], UpstreamBuild]) -> Path:
    _spec, package_dir, _report = upstream_build("2026-02")
    return package_dir.parent  # the directory holding conductorone_api/


def mypy(package: Path, cache: Path, python: str, *targets: str) -> subprocess.CompletedProcess[str]:
    """mypy --strict with the build and the hand-written package importable (no project config)."""
    options = ["--strict", "--config-file", os.devnull, "--python-version", python, "--no-error-summary"]
    options += ["--cache-dir", str(cache), "--hide-error-context", "--show-error-codes"]
    return subprocess.run(
        [sys.executable, "-m", "mypy", *options, *targets],
        cwd=package,
        env={**os.environ, "MYPYPATH": os.pathsep.join([str(package), str(ROOT / "overlays")])},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def pyright(config: Path, settings: Mapping[str, object], *targets: str) -> dict[str, Any]:
    """pyright (strict) with ``settings`` written to ``config``; its JSON report."""
    assert PYRIGHT.exists(), "pyright is installed by scripts/bootstrap (npm ci --prefix tools)"
    base = {"typeCheckingMode": "strict", "venvPath": str(ROOT), "venv": ".venv"}
    config.write_text(json.dumps({**base, **settings}), encoding="utf-8")
    done = subprocess.run(
        [str(PYRIGHT), "--outputjson", "--project", str(config), *targets],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_mypy_strict(package: Path, tmp_path: Path) -> None:
    done = mypy(package, tmp_path / "cache", "3.11", str(USER_CODE))
    errors: dict[int, list[str]] = {}
    reveals: dict[int, str] = {}
    for line in done.stdout.splitlines():
        found = re.match(r".*user_code\.py:(\d+): (error|note): (.*)$", line)
        if not found:
            continue
        number, kind, message = int(found[1]), found[2], found[3]
        if kind == "note" and message.startswith("Revealed type is "):
            reveals[number] = message.removeprefix("Revealed type is ").strip('"')
        elif kind == "error":
            errors.setdefault(number, []).append(message)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    check_findings("mypy", errors, reveals)


def test_pyright_strict(package: Path, tmp_path: Path) -> None:
    settings = {"pythonVersion": "3.11", "extraPaths": [str(package), str(ROOT / "overlays")]}
    report = pyright(tmp_path / "pyrightconfig.json", settings, str(USER_CODE))
    errors: dict[int, list[str]] = {}
    reveals: dict[int, str] = {}
    for diagnostic in report["generalDiagnostics"]:
        number = diagnostic["range"]["start"]["line"] + 1
        message = diagnostic["message"]
        if diagnostic["severity"] == "information" and message.startswith("Type of "):
            reveals[number] = re.sub(r'^Type of ".*?" is "(.*)"$', r"\1", message, flags=re.DOTALL)
        elif diagnostic["severity"] == "error":
            errors.setdefault(number, []).append(message)
    check_findings("pyright", errors, reveals)


def test_the_generated_package_itself_is_clean_under_both_checkers(package: Path, tmp_path: Path) -> None:
    """Not only what a user's file touches: every generated module, strict, no error at all."""
    done = mypy(package, tmp_path / "cache", "3.10", "-p", "conductorone_api")
    assert done.returncode == 0, done.stdout[-3000:]
    # pyright reports on the files its project includes: the project sits beside the package
    config = package / "pyrightconfig.json"
    try:
        settings = {
            "pythonVersion": "3.10",
            "include": ["conductorone_api"],
            "extraPaths": [str(ROOT / "overlays")],
        }
        report = pyright(config, settings)
    finally:
        config.unlink()
    problems = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    assert report["summary"]["filesAnalyzed"] > 1000 and not problems, problems[:5]
