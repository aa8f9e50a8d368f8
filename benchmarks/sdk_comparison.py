"""Ours vs the official ``conductorone-sdk`` 0.17.2 vs raw ``httpx`` + ``json``, one machine, one run.

    .venv/bin/python -m benchmarks.sdk_comparison [--imports N]

Sets up (once) ``.bench/venv`` with conductorone-sdk 0.17.2 from the public index and our
runtime dependencies at the versions in requirements.lock, builds the 2026-02 document into
``.bench/gen`` with our generator, then measures in fresh processes (benchmarks/sdk_worker.py):

- import: ``import`` alone; + constructing a client; + the first call (median of N processes);
- per call: ``apps.get`` on an in-process transport, minus nothing (the raw row is the floor);
- parse: ``apps.list`` returning 1,000 apps, into typed models (raw: ``response.json()``).

Prints a markdown table with ratios to conductorone-sdk. Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
SPEC = ROOT.parent / "shared" / "specs" / "conductorone-2026-02.openapi.yaml"
SDK_REQUIREMENT = "conductorone-sdk==0.17.2"
SHARED_RUNTIME = ("attrs", "python-dateutil", "httpx")
VARIANTS = ("raw", "ours", "sdk")


def _pinned(name: str) -> str:
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.lower().startswith(f"{name}=="):
            return line.strip()
    raise SystemExit(f"{name} is not pinned in requirements.lock")


def prepare() -> Path:
    python = BENCH / "venv" / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH / "venv")], check=True)
        pins = [SDK_REQUIREMENT, *(_pinned(name) for name in SHARED_RUNTIME)]
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *pins], check=True)
    subprocess.run(
        [sys.executable, "-m", "generator", "build", "--spec", str(SPEC), "--out", str(BENCH / "gen")],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return python


def measure(python: Path, scenario: str, variant: str) -> Any:
    path = os.pathsep.join(str(p) for p in (BENCH / "gen", ROOT / "overlays", ROOT))
    done = subprocess.run(
        [str(python), "-m", "benchmarks.sdk_worker", scenario, variant],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{scenario}/{variant} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--imports", type=int, default=7, help="fresh processes per import measurement")
    args = parser.parse_args()
    python = prepare()
    rows: dict[str, dict[str, float]] = {}
    for variant in VARIANTS:
        samples = [measure(python, "import", variant) for _ in range(args.imports)]
        rows[variant] = {key: statistics.median(s[key] for s in samples) for key in samples[0]}
        rows[variant]["call"] = measure(python, "call", variant)
        rows[variant]["parse"] = measure(python, "parse", variant)
    measures = [
        ("import (s)", "import", 1),
        ("import + construct client (s)", "construct", 1),
        ("import + construct + first call (s)", "first_call", 1),
        ("per call, apps.get (us)", "call", 1e6),
        ("parse 1,000 apps, apps.list (ms)", "parse", 1e3),
    ]
    print("| measure | raw httpx + json | ours | conductorone-sdk 0.17.2 | ours / sdk |")
    print("|---|---|---|---|---|")
    for label, key, scale in measures:
        raw, ours, sdk = (rows[v][key] * scale for v in VARIANTS)
        print(f"| {label} | {raw:.3f} | {ours:.3f} | {sdk:.3f} | {ours / sdk:.2f} |")
    ours_overhead = (rows["ours"]["call"] - rows["raw"]["call"]) * 1e6
    sdk_overhead = (rows["sdk"]["call"] - rows["raw"]["call"]) * 1e6
    print(
        f"\nper-call overhead over raw httpx: ours {ours_overhead:.1f} us, conductorone-sdk {sdk_overhead:.1f} us"
    )


if __name__ == "__main__":
    main()
