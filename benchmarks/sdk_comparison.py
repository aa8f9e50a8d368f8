"""Ours vs the official ``conductorone-sdk`` 0.17.2 vs raw ``httpx`` + ``json`` vs a msgspec
decoder (the limit), one machine, one run.

    .venv/bin/python -m benchmarks.sdk_comparison [--imports N] [--rounds N]
    .venv/bin/python -m benchmarks.sdk_comparison --instructions   # needs valgrind

Sets up ``.bench/venv`` with conductorone-sdk 0.17.2 and msgspec 0.22.0 from the public index
and our runtime dependencies at the versions in requirements.lock, builds the 2026-02
document into ``.bench/gen`` with our generator, then measures in fresh processes
(benchmarks/sdk_worker.py, which lists the scenarios): import; a call; parsing 1,000 fully
populated apps (every field of App set, each with two owners with every field of User set);
then reading every field, three fields, ``to_dict`` and ``to_json`` of the parsed page
(untouched, and after every field was read), the JSON round trip; and the bytes 10,000
parsed apps keep (tracemalloc), before and after every field was read.

The apps are checked first: valid for the App schema, every property of App, User and the
owners' sources present. Ours converts a field when it is first read, so "parse" is what a
call costs and "read every field" what reading everything costs. msgspec is a hand-written
``Struct`` decoder with every field's type: no client, the floor of what Python can do.

Variants alternate within each round; each figure is the median over rounds.

Prints a markdown table with two ratios: ours / raw (1.0 is the floor) and sdk / ours (how
many times faster than conductorone-sdk). Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
SPEC = ROOT.parent / "shared" / "specs" / "conductorone-2026-02.openapi.yaml"
SDK_REQUIREMENT = "conductorone-sdk==0.17.2"
MSGSPEC_REQUIREMENT = "msgspec==0.22.0"  # the limit: a hand-written Struct decoder, in C
SHARED_RUNTIME = ("attrs", "python-dateutil", "httpx", "sniffio")
VARIANTS = ("raw", "ours", "sdk", "msgspec")
TIMED = ("call", "parse", "read_all", "read_three", "to_dict", "to_json", "to_json_read", "round_trip")
MEMORY = ("memory", "memory_read")
INSTRUCTIONS = ("parse", "read_all")  # (to_json holds the page: a collection before it would count the page)


def _pinned(name: str) -> str:
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.lower().startswith(f"{name}=="):
            return line.strip()
    raise SystemExit(f"{name} is not pinned in requirements.lock")


def prepare() -> Path:
    python = BENCH / "venv" / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH / "venv")], check=True)
    pins = [SDK_REQUIREMENT, MSGSPEC_REQUIREMENT, *(_pinned(name) for name in SHARED_RUNTIME)]
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


def _worker_env() -> dict[str, str]:
    path = os.pathsep.join(str(p) for p in (BENCH / "gen", ROOT / "overlays", ROOT))
    # Imports are timed as users see them: from cached bytecode (this machine's environment
    # may turn the cache off; the first, unmeasured round writes it).
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": path}


def measure(python: Path, scenario: str, variant: str) -> Any:
    done = subprocess.run(
        [str(python), "-m", "benchmarks.sdk_worker", scenario, variant],
        cwd=ROOT,
        env=_worker_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{scenario}/{variant} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def instructions(python: Path, scenario: str, variant: str) -> float:
    """Machine instructions one run of ``scenario`` executes, counted by valgrind (callgrind):
    the runs of 3 and of 1, halved, so start-up cancels out. The same on a busy machine as on
    an idle one (hash seed fixed), where times move by tens of percent; memory stalls and
    cache misses are not in it (they are in the times)."""
    counts = []
    for repeat in (1, 3):
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", str(python), "-m",
             "benchmarks.sdk_worker", scenario, variant, str(repeat)],
            cwd=ROOT,
            env={**_worker_env(), "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode != 0 or found is None:
            raise SystemExit(f"valgrind {scenario}/{variant} failed:\n{done.stderr[-2000:]}")
        counts.append(int(found.group(1)))
    return (counts[1] - counts[0]) / 2


def count_instructions(python: Path) -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind on PATH")
    print("| machine instructions per run (millions) | raw httpx + json | ours | ours / raw |")
    print("|---|---|---|---|")
    for scenario in INSTRUCTIONS:
        raw, ours = (instructions(python, scenario, variant) / 1e6 for variant in ("raw", "ours"))
        print(f"| {scenario} | {raw:.0f} | {ours:.0f} | {ours / raw:.2f} |")


ROWS = [
    ("import (s)", "import", 1),
    ("import + construct client (s)", "construct", 1),
    ("import + construct + first call (s)", "first_call", 1),
    ("per call, apps.get (us)", "call", 1e6),
    ("parse: apps.list of 1,000 full apps (ms)", "parse", 1e3),
    ("parse + read every field (ms)", "read_all", 1e3),
    ("parse + read three fields (ms)", "read_three", 1e3),
    ("to_dict of the parsed page (ms)", "to_dict", 1e3),
    ("to_json of the parsed page (ms)", "to_json", 1e3),
    ("to_json after reading every field (ms)", "to_json_read", 1e3),
    ("JSON round trip: parse + to_json (ms)", "round_trip", 1e3),
    ("retained, 10,000 parsed apps (MB)", "memory", 1e-6),
    ("retained, 10,000 apps, every field read (MB)", "memory_read", 1e-6),
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--imports", type=int, default=7, help="fresh processes per import measurement")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the per-call and parse measurements")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count machine instructions (valgrind) of parse and read_all instead, ours vs raw",
    )
    args = parser.parse_args()
    check_apps()
    python = prepare()
    if args.instructions:
        count_instructions(python)
        return
    # Rounds alternate the variants, so that the machine's drift falls on all of them alike.
    samples: dict[str, list[dict[str, float]]] = {variant: [] for variant in VARIANTS}
    for variant in VARIANTS:
        measure(python, "import", variant)  # warm-up: bytecode written, files in the page cache
    for round_number in range(max(args.imports, args.rounds)):
        for variant in VARIANTS:
            sample = measure(python, "import", variant) if round_number < args.imports else {}
            if round_number < args.rounds:
                for scenario in TIMED:
                    sample[scenario] = measure(python, scenario, variant)
            if round_number == 0:  # allocation counts do not drift
                for scenario in MEMORY:
                    sample[scenario] = measure(python, scenario, variant)
            samples[variant].append(sample)
    rows = {
        variant: {
            key: statistics.median(s[key] for s in found if key in s) for key in {k for s in found for k in s}
        }
        for variant, found in samples.items()
    }
    print(f"median of {args.rounds} alternating rounds (imports: {args.imports} processes)\n")
    print(
        "| measure | raw httpx + json | ours | conductorone-sdk 0.17.2 | msgspec (limit) | ours / raw | sdk / ours |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, key, scale in ROWS:
        raw, ours, sdk, limit = (rows[v][key] * scale for v in VARIANTS)
        ratio = f"{ours / raw:.2f}" if key not in ("import", "construct", "first_call") else "-"
        print(f"| {label} | {raw:.3f} | {ours:.3f} | {sdk:.3f} | {limit:.3f} | {ratio} | {sdk / ours:.2f} |")
    ours_overhead = (rows["ours"]["call"] - rows["raw"]["call"]) * 1e6
    sdk_overhead = (rows["sdk"]["call"] - rows["raw"]["call"]) * 1e6
    print(
        f"\nper-call overhead over raw httpx: ours {ours_overhead:.1f} us, conductorone-sdk {sdk_overhead:.1f} us"
    )


if __name__ == "__main__":
    main()
