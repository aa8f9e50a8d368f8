"""``python -m generator``: the command line of the build script."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import build as build_module
from . import diff, publish, release, vendor
from .codegen import Counts
from .errors import BuildError, IncompleteBuild, VerificationFailed
from .loader import load_openapi
from .lock import NameLock
from .redact import redact_url


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
        command.add_argument(
            "--lock",
            type=Path,
            metavar="FILE",
            help="name lock to keep names from and update (default: spec/names.lock.json for the vendored document)",
        )

    def add_verify_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--no-verify",
            action="store_true",
            help="skip checking the generated models on instances of the document's schemas",
        )
        command.add_argument(
            "--verify",
            choices=("fast", "thorough"),
            default="fast",
            help="thorough adds adversarial instances from hypothesis-jsonschema (much slower)",
        )

    build = commands.add_parser("build", help="generate the client package from the OpenAPI document")
    add_inputs(build)
    build.add_argument("--report", type=Path, metavar="FILE", help="write what was generated as JSON")
    build.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="write the output even if an operation was dropped, a response left untyped or a schema failed",
    )
    add_verify_options(build)

    check = commands.add_parser(
        "check", help="fail, naming the files, if the output is not what build would write"
    )
    add_inputs(check)

    diff_cmd = commands.add_parser(
        "diff", help="what changed between two OpenAPI documents, for client users"
    )
    diff_cmd.add_argument("old", type=Path, help="the older document")
    diff_cmd.add_argument("new", type=Path, help="the newer document")
    diff_cmd.add_argument("--format", choices=("markdown", "json"), default="markdown")
    diff_cmd.add_argument(
        "--lock", type=Path, metavar="FILE", help="name both documents with this name lock, as a build would"
    )
    diff_cmd.add_argument(
        "--overlays",
        type=Path,
        metavar="DIR",
        help="overlays applied to both, as build does (default: spec/overlays)",
    )
    diff_cmd.add_argument("--no-overlays", action="store_true", help="compare the documents as written")

    vendor_cmd = commands.add_parser(
        "vendor", help="replace the vendored document, record where it came from, regenerate, print the diff"
    )
    vendor_cmd.add_argument(
        "source",
        metavar="PATH_OR_URL",
        nargs="?",
        help="the new document (a file, or an https URL); default: fetch again from where the "
        "vendored document came from (spec/*.source.json)",
    )
    vendor_cmd.add_argument(
        "--tenant",
        metavar="NAME",
        help="fetch the document your tenant serves: https://NAME.conductor.one/api/v1/openapi.yaml",
    )
    add_inputs(vendor_cmd)
    add_verify_options(vendor_cmd)
    vendor_cmd.add_argument(
        "--max-bytes",
        type=int,
        default=vendor.DEFAULT_MAX_BYTES,
        metavar="N",
        help=f"refuse a document larger than N bytes (default {vendor.DEFAULT_MAX_BYTES:,})",
    )
    vendor_cmd.add_argument(
        "--deadline",
        type=float,
        default=vendor.DEFAULT_DEADLINE,
        metavar="SECONDS",
        help=f"give up a download that takes longer, redirects included (default {vendor.DEFAULT_DEADLINE:g})",
    )
    vendor_cmd.add_argument(
        "--check",
        action="store_true",
        help="change nothing: exit 0 if the document is the vendored one, else 3 and print the diff",
    )

    release_cmd = commands.add_parser(
        "release",
        help="next version from the API diff since the last release: write it and a CHANGELOG entry",
    )
    release_cmd.add_argument("--spec", type=Path, help="the document to release (default: the vendored one)")
    release_cmd.add_argument(
        "--since", type=Path, help="the previously released document (default: from git history)"
    )
    release_cmd.add_argument("--bump", choices=("major", "minor", "patch"), help="override the computed bump")
    release_cmd.add_argument(
        "--allow-lower-bump",
        action="store_true",
        help="accept a --bump lower than the changes require (the entry says so)",
    )
    release_cmd.add_argument("--dry-run", action="store_true", help="print the entry, change nothing")

    publish_cmd = commands.add_parser(
        "publish", help="build sdist and wheel, check them, upload them with twine"
    )
    target = publish_cmd.add_mutually_exclusive_group(required=True)
    target.add_argument("--repository-url", help="upload URL; credentials from TWINE_USERNAME/TWINE_PASSWORD")
    target.add_argument("--repository", metavar="NAME", help="a section of ~/.pypirc (or --config-file)")
    publish_cmd.add_argument("--config-file", type=Path, help="a .pypirc file (default: ~/.pypirc)")
    publish_cmd.add_argument(
        "--dist-dir", type=Path, help="keep the built files here (default: a temporary directory)"
    )
    publish_cmd.add_argument(
        "--with-dependencies",
        action="store_true",
        help="also upload wheels of the runtime dependencies, at the versions requirements.lock pins, "
        "for Python 3.10-3.13 on this platform (an index that serves only what you upload)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command in COMMANDS:
            return COMMANDS[args.command](args)
        inputs = build_module.BuildInputs.from_options(
            args.spec, args.overlays, not args.no_overlays, args.lock
        )
        out = args.out or build_module.DEFAULT_OUT
        if args.command == "build":
            return _build(inputs, out, args.report, args.allow_incomplete, _verify_mode(args))
        return _check(inputs, out)
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def _verify_mode(args: argparse.Namespace) -> str | None:
    """None (no verification), "fast" or "thorough"."""
    return None if args.no_verify else str(args.verify)


def _build(
    inputs: build_module.BuildInputs,
    out: Path,
    report: Path | None,
    allow_incomplete: bool,
    verify: str | None,
) -> int:
    try:
        counts = build_module.build(
            inputs,
            out,
            allow_incomplete=allow_incomplete,
            verify_models=verify is not None,
            thorough=verify == "thorough",
        )
    except VerificationFailed as err:
        assert isinstance(err.counts, Counts)
        if report:
            build_module.write_report(err.counts, report)
        print(f"error: {err}\n({out} left unchanged)", file=sys.stderr)
        return 1
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
    for schema in counts.verification_unsupported:
        print(f"warning: no instances could be drawn to verify {schema}", file=sys.stderr)
    verified = (
        f"; verified {counts.models_verified} models on {counts.instances_checked} instances"
        if counts.instances_checked
        else ""
    )
    print(
        f"generated {counts.operations_generated}/{counts.operations} operations and "
        f"{counts.schemas - counts.schemas_failed}/{counts.schemas} schemas into {out}{verified}"
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


def _diff(args: argparse.Namespace) -> int:
    lock = NameLock.read(args.lock) if args.lock else None
    if args.lock and not args.lock.exists():
        raise BuildError(f"{args.lock}: no such name lock")
    overlays = build_module.BuildInputs.from_options(None, args.overlays, not args.no_overlays).overlays
    found = diff.compare_clients(load_openapi(args.old), load_openapi(args.new), overlays=overlays, lock=lock)
    render = diff.to_json if args.format == "json" else diff.to_markdown
    sys.stdout.write(render(found.changes, args.old.name, args.new.name, absorbed=found.absorbed))
    return 0


def _vendor(args: argparse.Namespace) -> int:
    spec = args.spec or build_module.DEFAULT_SPEC
    if args.tenant and args.source:
        raise BuildError("give a document or --tenant, not both")
    if args.tenant:
        args.source = vendor.tenant_document_url(args.tenant)
    elif not args.source:
        args.source = vendor.recorded_source(spec)
    limits = {"max_bytes": args.max_bytes, "deadline": args.deadline}
    shown = redact_url(args.source)
    if args.check:
        found = vendor.check(
            args.source,
            spec=spec,
            lock=args.lock,
            overlay_dir=args.overlays,
            use_overlays=not args.no_overlays,
            **limits,
        )
        if not found.changed:
            print(f"{shown} is the vendored document ({spec}): nothing to do", file=sys.stderr)
            return 0
        sys.stdout.write(
            diff.to_markdown(found.comparison.changes, spec.name, shown, absorbed=found.comparison.absorbed)
        )
        return vendor.CHANGED
    try:
        comparison = vendor.vendor(
            args.source,
            spec=spec,
            overlay_dir=args.overlays,
            use_overlays=not args.no_overlays,
            out=args.out or build_module.DEFAULT_OUT,
            verify=_verify_mode(args),
            lock=args.lock,
            **limits,
        )
    except IncompleteBuild as err:  # say which operations and why, as build does
        assert isinstance(err.counts, Counts)
        for warning in err.counts.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        raise
    print(f"vendored {shown} as {spec} and regenerated", file=sys.stderr)
    sys.stdout.write(
        diff.to_markdown(comparison.changes, "previous", spec.name, absorbed=comparison.absorbed)
    )
    return 0


def _release(args: argparse.Namespace) -> int:
    spec = args.spec or build_module.DEFAULT_SPEC
    planned = release.plan(
        spec, since=args.since, force_bump=args.bump, allow_lower_bump=args.allow_lower_bump
    )
    sys.stdout.write(planned.entry)
    if args.dry_run:
        return 0
    release.apply(planned, spec)
    what = (
        f"first release recorded as {planned.version}"
        if planned.version == planned.previous
        else f"released {planned.previous} -> {planned.version}: "
        f"{release.moved(planned.previous, planned.version).lower()} ({planned.bump} change)"
    )
    print(f"{what}; wrote the version, CHANGELOG.md and {release.RELEASE_RECORD.name}", file=sys.stderr)
    return 0


def _publish(args: argparse.Namespace) -> int:
    repo = publish.repository(args.repository_url, args.repository, args.config_file)
    files = publish.publish(repo, dist_dir=args.dist_dir, with_dependencies=args.with_dependencies)
    print(f"published {', '.join(f.name for f in files)} to {repo.shown_url}")
    return 0


COMMANDS = {"diff": _diff, "vendor": _vendor, "release": _release, "publish": _publish}
