"""Names users know and keep: official class names, the name lock, the v2 seed operations."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.build import DEFAULT_OVERLAYS
from generator.diff import compare
from generator.loader import load_openapi
from generator.lock import NameLock
from generator.overlay import apply_overlay_file
from generator.passes import normalise

from .conftest import ROOT, UpstreamBuild, run_generator

SEED_OVERLAY = DEFAULT_OVERLAYS / "020-v2-owner-operations.yaml"
VENDORED_SPEC = ROOT / "spec" / "conductorone.openapi.yaml"


def _classes(package: Path) -> set[str]:
    names = set()
    for module in (package / "models").glob("*.py"):
        for line in module.read_text(encoding="utf-8").splitlines():
            if line.startswith("class "):
                names.add(line[len("class ") :].split("(")[0].split(":")[0])
    return names


def test_classes_take_the_documents_names(upstream_build: Callable[[str], UpstreamBuild]) -> None:
    spec, package, report = upstream_build("2026-02")
    doc = yaml.load(spec.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    schemas = doc["components"]["schemas"]
    overrides = [s.get("x-speakeasy-name-override") for s in schemas.values()]
    classes = _classes(package)
    assert "AddAppEntitlementOwnerRequest" in classes and "AddAppEntitlementOwnerRequestInput" not in classes
    # Only where two schemas ask for the same name does one of them keep its key's name.
    wanted_twice = {name for name in overrides if overrides.count(name) > 1}
    input_classes = {c for c in classes if c.endswith("RequestInput")}
    assert input_classes <= {
        key.split(".")[-1]
        for key, s in schemas.items()
        if key.endswith("RequestInput") and s.get("x-speakeasy-name-override") in wanted_twice
    }
    assert len(input_classes) <= 1, input_classes
    # every schema's class is its override, or (where taken) a qualified form of it
    assert sum(1 for s in schemas.values() if s["x-speakeasy-name-override"] in classes) >= len(schemas) - 40
    assert report["operations"] == 314


def test_the_seed_operations_are_added_only_where_missing(tmp_path: Path) -> None:
    vendored = load_openapi(VENDORED_SPEC)
    untouched = copy.deepcopy(vendored)
    apply_overlay_file(vendored, SEED_OVERLAY)
    assert vendored == untouched  # the document that has them keeps its own

    mine = {"type": "object", "title": "mine"}
    bare: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {}}}
    bare["components"] = {"schemas": {"c1.api.app.v1.AppEntitlement": mine}}
    apply_overlay_file(bare, SEED_OVERLAY)
    assert sorted(bare["paths"]) == sorted(["/x", *untouched["paths"]])
    assert bare["components"]["schemas"]["c1.api.app.v1.AppEntitlement"] == {
        "type": "object",
        "title": "mine",
    }
    assert set(untouched["components"]["schemas"]) <= set(bare["components"]["schemas"])


@pytest.fixture(scope="module")
def locked_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """2026-01 built with an empty lock, then 2026-02 with the lock that left."""
    scratch = tmp_path_factory.mktemp("locked")
    lock = scratch / "names.lock.json"
    specs = ROOT.parent / "shared" / "specs"
    first = run_generator(
        "build",
        "--spec",
        specs / "conductorone-2026-01.openapi.yaml",
        "--out",
        scratch / "g1",
        "--lock",
        lock,
        "--no-verify",
    )
    assert first.returncode == 0, first.stderr
    after_first = lock.read_text(encoding="utf-8")
    second = run_generator(
        "build",
        "--spec",
        specs / "conductorone-2026-02.openapi.yaml",
        "--out",
        scratch / "g2",
        "--lock",
        lock,
        "--no-verify",
    )
    assert second.returncode == 0, second.stderr
    return {
        "lock": lock,
        "first": json.loads(after_first),
        "second": json.loads(lock.read_text()),
        "scratch": scratch,
    }


def test_a_locked_name_stays_and_the_newcomer_is_qualified(locked_builds: dict[str, Any]) -> None:
    first, second = locked_builds["first"], locked_builds["second"]
    assert first["models"]["c1.api.policy.v1.Action"] == "Action"
    assert second["models"]["c1.api.policy.v1.Action"] == "Action"
    assert second["models"]["c1.api.a2ui.v1.Action"] == "A2UiAction"
    # every name the first build gave is kept by the second, for every key that still exists
    kept = {k: v for k, v in first["models"].items() if k in second["models"]}
    assert kept == {k: second["models"][k] for k in kept}
    assert {k: v for k, v in first["operations"].items() if k in second["operations"]} == {
        k: second["operations"][k] for k in first["operations"] if k in second["operations"]
    }
    # what went away is retired, not reusable until the next release
    assert "functions.get_function_secret_encryption_key" in second["retired"]["operations"]
    assert "FormTrigger" in second["retired"]["models"]
    # the file is sorted, one entry a line
    text = locked_builds["lock"].read_text(encoding="utf-8")
    assert list(second["models"]) == sorted(second["models"]) and text.count("\n") > len(second["models"])
    classes = _classes(locked_builds["scratch"] / "g2" / "conductorone_api")
    assert {"Action", "A2UiAction"} <= classes and "PolicyAction" not in classes


def test_check_fails_on_a_stale_lock(locked_builds: dict[str, Any], tmp_path: Path) -> None:
    lock = tmp_path / "names.lock.json"
    data = copy.deepcopy(locked_builds["second"])
    data["models"]["c1.api.policy.v1.Action"] = "SomethingElse"
    lock.write_text(json.dumps(data))
    spec = ROOT.parent / "shared" / "specs" / "conductorone-2026-02.openapi.yaml"
    done = run_generator("check", "--spec", spec, "--out", locked_builds["scratch"] / "g2", "--lock", lock)
    assert done.returncode == 1
    assert "names.lock.json (the name lock is stale)" in done.stderr
    lock.write_text(locked_builds["lock"].read_text())
    done = run_generator("check", "--spec", spec, "--out", locked_builds["scratch"] / "g2", "--lock", lock)
    assert done.returncode == 0, done.stderr


def test_diff_with_the_lock_reports_only_real_changes(locked_builds: dict[str, Any]) -> None:
    specs = ROOT.parent / "shared" / "specs"
    old = load_openapi(specs / "conductorone-2026-01.openapi.yaml")
    new = load_openapi(specs / "conductorone-2026-02.openapi.yaml")
    lock = NameLock(models=locked_builds["first"]["models"], operations=locked_builds["first"]["operations"])
    unlocked = [c for c in compare(old, new) if c.breaking]
    locked = [c for c in compare(old, new, lock=lock) if c.breaking]
    assert any(c.kind == "model-renamed" and c.subject == "Action" for c in unlocked)
    assert not any(c.kind in ("model-renamed", "field-retyped") for c in locked), locked
    removed = {(c.kind, c.subject, c.where) for c in locked}
    assert ("operation-removed", "functions.get_function_secret_encryption_key", "") in removed
    for model, field in [
        ("AutomationTrigger", "form"),
        ("AutomationTrigger", "manual"),
        ("GrantEntitlements", "appEntitlementRefs"),
        ("GrantTriggerFilter", "entitlementFilter"),
        ("Function", "encryptedValues"),
    ]:
        assert ("field-removed", model, field) in removed
    # the 24 operations that use Action are not broken by it any more
    assert len(locked) < len(unlocked)


def _named(doc: dict[str, Any], lock: NameLock) -> tuple[dict[str, Any], NameLock]:
    doc = copy.deepcopy(doc)
    normalise(doc, lock)
    return doc, lock.updated(doc)


def test_a_freed_name_is_not_reused_until_the_next_release() -> None:
    def document(*keys: str) -> dict[str, Any]:
        schemas = {key: {"type": "object", "properties": {"a": {"type": "string"}}} for key in keys}
        return {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        }

    _doc, lock = _named(document("a.v1.Foo"), NameLock())
    assert lock.models == {"a.v1.Foo": "Foo"}
    doc, lock = _named(document("b.v1.Foo"), lock)  # a.v1.Foo removed, b.v1.Foo added
    assert doc["components"]["schemas"]["b.v1.Foo"]["title"] == "BFoo"
    assert lock.retired_models == frozenset({"Foo"})
    doc, _after = _named(document("c.v1.Foo"), lock.released())
    assert doc["components"]["schemas"]["c.v1.Foo"]["title"] == "Foo"
