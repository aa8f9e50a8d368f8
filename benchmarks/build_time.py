"""Build time: our pipeline vs stock openapi-python-client, side by side on one machine.

    .venv/bin/python -m benchmarks.build_time [--spec PATH] [--rounds N]

Each round runs all three, alternating, on the same document (default: the 2026-02 upstream
spec): stock openapi-python-client, our build as it runs by default (models verified on
instances of the schemas), and our build with --no-verify; the medians and their ratios to
stock are printed. Target: the verified build <= 1.0x stock. Stock runs as its users run it
(`openapi-python-client generate --meta none`, which formats with ruff too).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT.parent / "shared" / "specs" / "conductorone-2026-02.openapi.yaml"


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    stock: list[float] = []
    ours: list[float] = []
    unverified: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(args.rounds):
            for name, times, command in (
                (
                    "stock",
                    stock,
                    [
                        str(bin_dir / "openapi-python-client"),
                        "generate",
                        "--path",
                        str(args.spec),
                        "--meta",
                        "none",
                        "--output-path",
                        f"{scratch}/stock",
                        "--overwrite",
                    ],
                ),
                (
                    "ours",
                    ours,
                    [
                        sys.executable,
                        "-m",
                        "generator",
                        "build",
                        "--spec",
                        str(args.spec),
                        "--out",
                        f"{scratch}/ours",
                    ],
                ),
                (
                    "unverified",
                    unverified,
                    [
                        sys.executable,
                        "-m",
                        "generator",
                        "build",
                        "--no-verify",
                        "--spec",
                        str(args.spec),
                        "--out",
                        f"{scratch}/unverified",
                    ],
                ),
            ):
                times.append(_timed(command, env))
                shutil.rmtree(f"{scratch}/{name}", ignore_errors=True)
    stock_median = statistics.median(stock)
    print(f"document: {args.spec.name}, rounds: {args.rounds}")
    for label, times in (
        ("stock openapi-python-client", stock),
        ("generator build (verified)", ours),
        ("generator build --no-verify", unverified),
    ):
        median = statistics.median(times)
        print(
            f"{label:<29} median {median:6.2f} s  ratio {median / stock_median:.2f}  "
            f"({', '.join(f'{t:.2f}' for t in times)})"
        )
    print("target: verified build <= 1.00x stock")


if __name__ == "__main__":
    main()
