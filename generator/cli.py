"""``python -m generator``: the command line of the build script."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import build as build_module
from .codegen import Counts
from .errors import BuildError, IncompleteBuild


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_inputs(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--spec", type=Path, help="OpenAPI document (default: spec/conductorone.openapi.yaml)"
        )
        command.add_argument(
            "--overlays", type=Path, metavar="DIR", help="overlay directory (default: spec/overlays)"
        )
        command.add_argument("--no-overlays", action="store_true", help="apply no overlays")
        command.add_argument("--out", type=Path, help="output directory (default: generated/)")

    build = commands.add_parser("build", help="generate the client package from the OpenAPI document")
    add_inputs(build)
    build.add_argument("--report", type=Path, metavar="FILE", help="write what was generated as JSON")
    build.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="write the output even if an operation was dropped, a response left untyped or a schema failed",
    )

    check = commands.add_parser(
        "check", help="fail, naming the files, if the output is not what build would write"
    )
    add_inputs(check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        inputs = build_module.BuildInputs.from_options(args.spec, args.overlays, not args.no_overlays)
        out = args.out or build_module.DEFAULT_OUT
        if args.command == "build":
            return _build(inputs, out, args.report, args.allow_incomplete)
        return _check(inputs, out)
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def _build(inputs: build_module.BuildInputs, out: Path, report: Path | None, allow_incomplete: bool) -> int:
    try:
        counts = build_module.build(inputs, out, allow_incomplete=allow_incomplete)
    except IncompleteBuild as err:
        assert isinstance(err.counts, Counts)
        if report:
            build_module.write_report(err.counts, report)
        for warning in err.counts.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        print(f"error: {err} ({out} left unchanged; --allow-incomplete writes it anyway)", file=sys.stderr)
        return 1
    if report:
        build_module.write_report(counts, report)
    for warning in counts.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"generated {counts.operations_generated}/{counts.operations} operations and "
        f"{counts.schemas - counts.schemas_failed}/{counts.schemas} schemas into {out}"
    )
    return 0


def _check(inputs: build_module.BuildInputs, out: Path) -> int:
    changed = build_module.differences(inputs, out)
    if changed:
        print(f"{out} is out of date with {inputs.spec}; run `python -m generator build`:", file=sys.stderr)
        for line in changed:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"{out} is up to date")
    return 0
