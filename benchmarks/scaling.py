"""Scaling: build time and peak memory on generated documents of growing size.

    .venv/bin/python -m benchmarks.scaling [--operations 1000,10000] [--no-verify]

Each document has N operations over N/10 tags, each with a path parameter, a query cursor,
a JSON body and a response model of its own (two schemas per operation, with a date-time,
an enum, a nested model, a list and a map), so the schema count grows with N too. The build
runs as users run it (a subprocess); its wall time and peak resident memory (from
``getrusage`` of the child) are printed per size, with the ratio to the smallest size so
that linear growth reads as a ratio close to the ratio of sizes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def document(operations: int) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        "Shared": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "at": {"type": "string", "format": "date-time"}},
        }
    }
    for n in range(operations):
        tag = f"Group{n // 10}"
        request, response = f"Thing{n}Request", f"Thing{n}"
        schemas[request] = {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "pageToken": {"type": "string"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
        schemas[response] = {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "createdAt": {"allOf": [{"type": "string", "format": "date-time"}], "nullable": True},
                "state": {"type": "string", "enum": ["STATE_UNSPECIFIED", "ON", "OFF"]},
                "shared": {"$ref": "#/components/schemas/Shared"},
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Shared"}},
                "count": {"type": "string", "format": "int64"},
            },
        }
        paths[f"/api/v1/things{n}/{{id}}"] = {
            "post": {
                "operationId": f"c1.api.{tag}.Op{n}",
                "tags": [tag],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "page_token", "in": "query", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{request}"}}}
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{response}"}}
                        },
                    }
                },
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "scaling", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def measure(operations: int, scratch: Path, verify: bool) -> tuple[float, float]:
    spec = scratch / f"scaling-{operations}.json"
    spec.write_text(json.dumps(document(operations)))
    command = [
        sys.executable,
        "-m",
        "generator",
        "build",
        "--spec",
        str(spec),
        "--out",
        str(scratch / f"out-{operations}"),
    ]
    if not verify:
        command.append("--no-verify")
    # A fresh interpreter measures its own children: peak RSS is the largest of the build
    # process and its verification worker.
    probe = (
        "import resource, subprocess, sys, time; start = time.perf_counter(); "
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "elapsed = time.perf_counter() - start; "
        "print(done.returncode, elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "sys.stderr.write(done.stderr[-2000:])"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    code, elapsed, peak_kb = done.stdout.split()
    if code != "0":
        raise SystemExit(f"build of {operations} operations failed:\n{done.stderr}")
    return float(elapsed), int(peak_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--operations", default="1000,10000", help="comma-separated sizes")
    parser.add_argument("--no-verify", action="store_true", help="build without model verification")
    args = parser.parse_args()
    sizes = [int(s) for s in args.operations.split(",")]
    with tempfile.TemporaryDirectory(prefix="conductorone-scaling-") as scratch:
        first: tuple[int, float, float] | None = None
        for size in sizes:
            elapsed, peak = measure(size, Path(scratch), not args.no_verify)
            first = first or (size, elapsed, peak)
            print(
                f"{size:>7} operations: {elapsed:7.1f} s, peak {peak:7.0f} MB"
                f"  (x{size / first[0]:.0f} size: x{elapsed / first[1]:.1f} time, x{peak / first[2]:.1f} memory)"
                f"  verify={'off' if args.no_verify else 'on'}",
                flush=True,
            )


if __name__ == "__main__":
    main()
