"""Contract and null-tolerance suites, for the vendored spec and the full 2026-02 document.

- Contract: a real OpenAPI mock server (Stoplight Prism, from tools/package.json) runs on
  127.0.0.1 with the raw document; every operation is called through ConductorOne and
  AsyncConductorOne (tests/contract/calls.py). The mock validates every request; every
  response it makes up must parse into the declared model.
- Null tolerance: hypothesis bodies with random nulls, omissions and unknown fields for
  every operation's response model (tests/contract/nulls.py). Our shape documents get the
  same from the build's own verification (``--verify thorough`` in test_shapes.py).

Both drivers run in a subprocess with the generated package under test first on the path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from generator.build import DEFAULT_OVERLAYS
from generator.loader import load_openapi
from generator.overlay import apply_overlay_file, overlay_paths

from .conftest import ROOT, UpstreamBuild, run_generator
from .loopback import server_process

PRISM = ROOT / "tools" / "node_modules" / ".bin" / "prism"
VENDORED_SPEC = ROOT / "spec" / "conductorone.openapi.yaml"
DOCUMENTS = ROOT / "tests" / "documents"
SHAPE_DOCUMENTS = ("shapes-3.0", "shapes-3.1")
NULL_EXAMPLES = 20  # per operation: 6,240 bodies for the 2026-02 document


def prism(spec: Path) -> AbstractContextManager[str]:
    """Prism's mock server for ``spec`` on loopback; stopped (and waited for) on exit."""
    if not PRISM.exists():
        raise FileNotFoundError(f"{PRISM} missing: run scripts/bootstrap (it installs tools/package.json)")
    return server_process(
        lambda port: [
            str(PRISM),
            "mock",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--errors",
            "false",
            str(spec),
        ],
        "prism",
    )


def _driver(module: str, package_root: Path, *args: str, timeout: float = 600) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package_root), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-m", f"tests.contract.{module}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.stdout.strip(), done.stderr[-3000:]
    summary: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    summary["exit"] = done.returncode
    return summary


@pytest.fixture(scope="module")
def targets(
    upstream_build: Callable[[str], UpstreamBuild], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Path, Path]]:
    """name -> (the document as built: raw + shipped overlays, directory holding conductorone_api)."""
    spec, package, _report = upstream_build("2026-02")
    scratch = tmp_path_factory.mktemp("overlaid")
    found = {
        "vendored": (overlaid(VENDORED_SPEC, scratch), ROOT / "generated"),
        "2026-02": (overlaid(spec, scratch), package.parent),
    }
    for name in SHAPE_DOCUMENTS:  # our own documents with every schema shape (test_shapes.py)
        out = tmp_path_factory.mktemp(name) / "gen"
        done = run_generator("build", "--spec", DOCUMENTS / f"{name}.yaml", "--out", out)
        assert done.returncode == 0, done.stderr
        found[name] = (overlaid(DOCUMENTS / f"{name}.yaml", scratch), out)
    return found


def overlaid(spec: Path, scratch: Path) -> Path:
    """``spec`` with the shipped overlays applied, as JSON: what the build generated from, and
    so what the mock must serve (the seed overlay adds the v2 owner operations)."""
    doc = load_openapi(spec)
    for overlay in overlay_paths(DEFAULT_OVERLAYS):
        apply_overlay_file(doc, overlay)
    out = scratch / f"{spec.stem}.json"
    out.write_text(json.dumps(doc), encoding="utf-8")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["vendored", "2026-02", *SHAPE_DOCUMENTS])
def test_every_operation_against_the_mock_server(targets: dict[str, tuple[Path, Path]], name: str) -> None:
    spec, package_root = targets[name]
    with prism(spec) as url:
        summary = _driver("calls", package_root, str(spec), url)
    for mode in ("sync", "async"):
        result = summary[mode]
        assert result["failures"] == [], result["failures"][:5]
        # every operation's request was accepted by the mock; the responses it made were parsed
        assert result["ok"] + len(result["mock_could_not_respond"]) == summary["declared"]
    assert summary["operations"] == summary["declared"] and summary["exit"] == 0
    if name == "2026-02":
        assert summary["declared"] == 314  # 312 of the document + the 2 v2 seed operations
        assert summary["sync"]["ok"] >= 290  # the rest: Prism's "schema too complex", checked by nulls
        assert summary["sync"]["paginated_walked"] >= 63


@pytest.mark.slow
@pytest.mark.parametrize("name", ["vendored", "2026-02"])
def test_responses_with_random_nulls_omissions_and_extra_fields_parse(
    targets: dict[str, tuple[Path, Path]], name: str
) -> None:
    spec, package_root = targets[name]
    summary = _driver("nulls", package_root, str(spec), str(NULL_EXAMPLES))
    assert summary["failures"] == [] and summary["exit"] == 0
    assert summary["operations"] == (314 if name == "2026-02" else 2)
