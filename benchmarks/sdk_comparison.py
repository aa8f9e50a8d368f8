"""Ours vs the official ``conductorone-sdk`` 0.17.2 vs raw ``httpx`` + ``json``, one machine, one run.

    .venv/bin/python -m benchmarks.sdk_comparison [--imports N] [--rounds N]

Sets up (once) ``.bench/venv`` with conductorone-sdk 0.17.2 from the public index and our
runtime dependencies at the versions in requirements.lock, builds the 2026-02 document into
``.bench/gen`` with our generator, then measures in fresh processes (benchmarks/sdk_worker.py):

- import: ``import`` alone; + constructing a client; + the first call (median of N processes);
- per call: ``apps.get`` on an in-process transport (the raw column is the floor);
- list: ``apps.list`` returning 1,000 fully populated apps (every field of App set, each with
  two owners with every field of User set), to the typed list of apps (raw: ``response.json()``);
- read all: the same, then every field of every app and owner read (nested ones too).

The apps are checked first: valid for the App schema, every property of App, User and the
owners' sources present. Ours converts a field when it is first read, so "list" is what a
call costs and "read all" what reading everything costs.

Variants alternate within each round; each figure is the median over rounds.

Prints a markdown table with two ratios: ours / raw (1.0 is the floor) and sdk / ours (how
many times faster than conductorone-sdk). Not part of the test run.
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


def check_apps() -> None:
    """The benchmark's apps are valid 2026-02 Apps with every property (owners' too) set."""
    from openapi_schema_validator import OAS30Validator

    from benchmarks.sdk_worker import app
    from generator.loader import load_openapi

    doc = load_openapi(SPEC)
    schemas = doc["components"]["schemas"]
    instance = app(1)
    # "#/components/..." references resolve against the schema given, so it carries them
    OAS30Validator({**schemas["c1.api.app.v1.App"], "components": doc["components"]}).validate(instance)
    for name, obj in (("App", instance), ("User", instance["appOwners"][0])):
        key = "c1.api.app.v1.App" if name == "App" else "c1.api.user.v1.User"
        missing = set(schemas[key]["properties"]) - set(obj)
        if missing:
            raise SystemExit(f"the benchmark's {name} lacks {sorted(missing)}")


def measure(python: Path, scenario: str, variant: str) -> Any:
    path = os.pathsep.join(str(p) for p in (BENCH / "gen", ROOT / "overlays", ROOT))
    # Imports are timed as users see them: from cached bytecode (this machine's environment
    # may turn the cache off; the first, unmeasured round writes it).
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [str(python), "-m", "benchmarks.sdk_worker", scenario, variant],
        cwd=ROOT,
        env={**env, "PYTHONPATH": path},
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
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the per-call and parse measurements")
    args = parser.parse_args()
    check_apps()
    python = prepare()
    # Rounds alternate the variants, so that the machine's drift falls on all of them alike.
    samples: dict[str, list[dict[str, float]]] = {variant: [] for variant in VARIANTS}
    for variant in VARIANTS:
        measure(python, "import", variant)  # warm-up: bytecode written, files in the page cache
    for round_number in range(args.imports):
        for variant in VARIANTS:
            sample = measure(python, "import", variant)
            if round_number < args.rounds:
                for scenario in ("call", "list", "read_all"):
                    sample[scenario] = measure(python, scenario, variant)
            samples[variant].append(sample)
    rows = {
        variant: {key: statistics.median(s[key] for s in found if key in s) for key in found[0]}
        for variant, found in samples.items()
    }
    measures = [
        ("import (s)", "import", 1),
        ("import + construct client (s)", "construct", 1),
        ("import + construct + first call (s)", "first_call", 1),
        ("per call, apps.get (us)", "call", 1e6),
        ("apps.list of 1,000 full apps (ms)", "list", 1e3),
        ("... and every field read (ms)", "read_all", 1e3),
    ]
    print(f"median of {args.rounds} alternating rounds (imports: {args.imports} processes)\n")
    print("| measure | raw httpx + json | ours | conductorone-sdk 0.17.2 | ours / raw | sdk / ours |")
    print("|---|---|---|---|---|---|")
    for label, key, scale in measures:
        raw, ours, sdk = (rows[v][key] * scale for v in VARIANTS)
        ratio = f"{ours / raw:.2f}" if key in ("call", "list", "read_all") else "-"
        print(f"| {label} | {raw:.3f} | {ours:.3f} | {sdk:.3f} | {ratio} | {sdk / ours:.2f} |")
    ours_overhead = (rows["ours"]["call"] - rows["raw"]["call"]) * 1e6
    sdk_overhead = (rows["sdk"]["call"] - rows["raw"]["call"]) * 1e6
    print(
        f"\nper-call overhead over raw httpx: ours {ours_overhead:.1f} us, conductorone-sdk {sdk_overhead:.1f} us"
    )


if __name__ == "__main__":
    main()
