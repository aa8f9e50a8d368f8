"""``python -m generator diff``: the 2026-01 -> 2026-02 truth, and each classification rule."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import diff

from .conftest import UPSTREAM_SPECS, run_generator

HTTP_METHODS = ("get", "put", "post", "delete", "patch")


def _operation_ids(spec: Path) -> dict[str, tuple[str, str]]:
    doc = yaml.load(spec.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return {
        op["operationId"]: (method.upper(), path)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    }


def test_upstream_diff_lists_exactly_the_added_and_removed_operations(
    upstream_spec_paths: dict[str, Path],
) -> None:
    old, new = upstream_spec_paths["2026-01"], upstream_spec_paths["2026-02"]
    done = run_generator("diff", old, new, "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    before, after = _operation_ids(old), _operation_ids(new)
    truth_added = {f"{m} {p}" for op_id, (m, p) in after.items() if op_id not in before}
    truth_removed = {f"{m} {p}" for op_id, (m, p) in before.items() if op_id not in after}
    assert (len(truth_added), len(truth_removed)) == (51, 1)

    def listed(kind: str) -> set[str]:
        found = [c for c in report["changes"] if c["kind"] == kind]
        return {c["detail"].split("(", 1)[1].rstrip(")") for c in found}

    assert listed("operation-added") == truth_added
    assert listed("operation-removed") == truth_removed
    removed = [c for c in report["changes"] if c["kind"] == "operation-removed"]
    assert all(c["breaking"] for c in removed)
    assert removed[0]["subject"] == "functions.get_function_secret_encryption_key"
    assert report["bump"] == "major"
    # the same inputs give the same report, byte for byte; markdown names the bump
    assert run_generator("diff", old, new, "--format", "json").stdout == done.stdout
    markdown = run_generator("diff", old, new).stdout
    assert "Version bump: **major**" in markdown and "### Breaking" in markdown


def _doc() -> dict[str, Any]:
    """A small document: one operation reading an App, one creating one."""
    app = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "status": {"type": "string", "enum": ["ACTIVE", "DISABLED"]},
            "count": {"type": "string", "format": "int64"},
        },
    }
    create = {"type": "object", "properties": {"name": {"type": "string"}}, "required": []}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/apps/{id}": {
                "get": {
                    "operationId": "svc.Apps.Get",
                    "x-speakeasy-group": "Apps",
                    "x-speakeasy-name-override": "Get",
                    "parameters": [
                        {"in": "path", "name": "id", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {"200": _json({"$ref": "#/components/schemas/svc.App"})},
                }
            },
            "/apps": {
                "post": {
                    "operationId": "svc.Apps.Create",
                    "x-speakeasy-group": "Apps",
                    "x-speakeasy-name-override": "Create",
                    "requestBody": _json({"$ref": "#/components/schemas/svc.CreateRequest"}),
                    "responses": {"200": _json({"$ref": "#/components/schemas/svc.App"})},
                }
            },
        },
        "components": {"schemas": {"svc.App": app, "svc.CreateRequest": create}},
    }


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "", "content": {"application/json": {"schema": schema}}}


def _schemas(doc: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = doc["components"]["schemas"]
    return schemas


Edit = Callable[[dict[str, Any]], None]


def _optional_query(doc: dict[str, Any]) -> None:
    doc["paths"]["/apps/{id}"]["get"]["parameters"].append(
        {"in": "query", "name": "view", "schema": {"type": "string"}}
    )


def _required_query(doc: dict[str, Any]) -> None:
    doc["paths"]["/apps/{id}"]["get"]["parameters"].append(
        {"in": "query", "name": "view", "required": True, "schema": {"type": "string"}}
    )


def _rename(doc: dict[str, Any]) -> None:
    doc["paths"]["/apps/{id}"]["get"]["x-speakeasy-name-override"] = "Fetch"


def _move(doc: dict[str, Any]) -> None:
    doc["paths"]["/v2/apps/{id}"] = doc["paths"].pop("/apps/{id}")


RULES: list[tuple[str, Edit, str, bool]] = [
    ("response field added", lambda d: _schemas(d)["svc.App"]["properties"].update(new={"type": "string"}), "field-added", False),
    ("response field removed", lambda d: _schemas(d)["svc.App"]["properties"].pop("count"), "field-removed", True),
    ("field retyped", lambda d: _schemas(d)["svc.App"]["properties"].update(id={"type": "integer"}), "field-retyped", True),
    ("enum value added", lambda d: _schemas(d)["svc.App"]["properties"]["status"]["enum"].append("NEW"), "enum-values-added", False),
    ("enum value removed", lambda d: _schemas(d)["svc.App"]["properties"]["status"]["enum"].pop(), "enum-values-removed", True),
    ("optional request field added", lambda d: _schemas(d)["svc.CreateRequest"]["properties"].update(x={"type": "string"}), "field-added", False),
    ("required request field added", lambda d: _schemas(d)["svc.CreateRequest"].update(properties={"name": {"type": "string"}, "x": {"type": "string"}}, required=["x"]), "field-added", True),
    ("request field made required", lambda d: _schemas(d)["svc.CreateRequest"].update(required=["name"]), "field-required", True),
    ("optional parameter added", _optional_query, "parameter-added", False),
    ("required parameter added", _required_query, "parameter-added", True),
    ("operation renamed", _rename, "operation-renamed", True),
    ("operation moved", _move, "operation-moved", False),
]  # fmt: skip


@pytest.mark.parametrize(("what", "edit", "kind", "breaking"), RULES, ids=[rule[0] for rule in RULES])
def test_classification(what: str, edit: Edit, kind: str, breaking: bool) -> None:
    old = _doc()
    new = copy.deepcopy(old)
    edit(new)
    changes = diff.compare(old, new)
    assert [(c.kind, c.breaking) for c in changes] == [(kind, breaking)], changes
    assert diff.bump(changes) == ("major" if breaking else "minor")
    assert old == _doc()  # the inputs are not changed


def test_field_changes_name_the_model_field_and_operations() -> None:
    old = _doc()
    new = copy.deepcopy(old)
    _schemas(new)["svc.App"]["properties"].pop("count")
    (change,) = diff.compare(old, new)
    assert (change.subject, change.where) == ("App", "count")
    assert "`apps.create`" in change.detail and "`apps.get`" in change.detail
    assert diff.compare(old, copy.deepcopy(old)) == [] and diff.bump([]) == "patch"


def test_response_required_changes_are_not_reported() -> None:
    old = _doc()
    new = copy.deepcopy(old)
    _schemas(new)["svc.App"]["required"] = ["id"]
    assert diff.compare(old, new) == []


def test_bad_input_is_one_clear_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\npaths: [\n", encoding="utf-8")
    done = run_generator("diff", broken, UPSTREAM_SPECS["2026-02"])
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: {broken}") and "Traceback" not in done.stderr
