"""The real ConductorOne documents build completely: every operation, typed, importable.

Counts are taken from the raw YAML and from the generated files, not only from the report.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT, UpstreamBuild

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
SEED_OVERLAY = ROOT / "spec" / "overlays" / "020-v2-owner-operations.yaml"


def _seed_additions(doc: dict[str, Any]) -> tuple[int, int]:
    """Operations and schemas the seed overlay adds to ``doc`` (those it does not have yet)."""
    actions = yaml.safe_load(SEED_OVERLAY.read_text(encoding="utf-8"))["actions"]
    paths = next(a["update"] for a in actions if a["target"] == "$.paths")
    schemas = next(a["update"] for a in actions if a["target"] == "$.components.schemas")
    operations = sum(
        1
        for path, item in paths.items()
        if path not in doc["paths"]
        for method in item
        if method in HTTP_METHODS
    )
    return operations, sum(1 for key in schemas if key not in doc["components"]["schemas"])


def _declared_operations(spec: Path) -> int:
    """Operations in the raw document, plus the seed operations the shipped overlays add."""
    doc = yaml.load(spec.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    raw = sum(1 for item in doc["paths"].values() for method in item if method in HTTP_METHODS)
    return raw + _seed_additions(doc)[0]


def _endpoint_modules(package: Path) -> list[Path]:
    return sorted(p for p in (package / "api").glob("*/*.py") if p.name != "__init__.py")


def _parsed_return_type(module: Path) -> str:
    """The annotation of ``sync_detailed``'s return, e.g. ``Response[App]``."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "sync_detailed":
            assert node.returns is not None
            return ast.unparse(node.returns)
    raise AssertionError(f"{module} has no sync_detailed()")


@pytest.fixture(scope="module", params=["2026-01", "2026-02"])
def built(request: pytest.FixtureRequest, upstream_build: Callable[[str], UpstreamBuild]) -> UpstreamBuild:
    return upstream_build(request.param)


def test_every_operation_is_generated(built: UpstreamBuild) -> None:
    spec, package, report = built
    declared = _declared_operations(spec)
    modules = _endpoint_modules(package)
    assert len(modules) == declared
    assert report["operations"] == report["operations_generated"] == declared


def test_every_success_response_is_typed(built: UpstreamBuild) -> None:
    _spec, package, report = built
    untyped = [
        m.relative_to(package).as_posix()
        for m in _endpoint_modules(package)
        if _parsed_return_type(m) in ("Response[Any]", "Response[None]")
    ]
    assert untyped == []
    assert report["untyped_responses"] == 0


def test_every_schema_becomes_a_model(built: UpstreamBuild) -> None:
    spec, package, report = built
    doc = yaml.load(spec.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    object_schemas = [
        k for k, s in doc["components"]["schemas"].items() if s.get("type") == "object" or "properties" in s
    ]
    classes: set[str] = set()
    for module in (package / "models").glob("*.py"):
        classes.update(
            n.name for n in ast.parse(module.read_text(encoding="utf-8")).body if isinstance(n, ast.ClassDef)
        )
    assert report["schemas"] == len(doc["components"]["schemas"]) + _seed_additions(doc)[1]
    assert report["schemas_failed"] == 0
    assert report["warnings"] == []
    # Each object schema has its own class; short names are the schema's own last segment.
    assert len(classes) >= len(object_schemas)
    assert {"App", "AppEntitlement", "User", "Task"} <= classes
    assert "FormField" in classes and "ConnectorField" in classes


def test_readable_module_and_function_names(built: UpstreamBuild) -> None:
    _spec, package, _report = built
    assert (package / "api" / "app_owners" / "add.py").is_file()
    names = [m.relative_to(package / "api").as_posix() for m in _endpoint_modules(package)]
    assert not [n for n in names if n.startswith("c_1") or "_v_1_" in n]


def test_generated_package_imports(built: UpstreamBuild) -> None:
    _spec, package, _report = built
    script = (
        "import importlib, pkgutil, conductorone_api\n"
        "mods = [i.name for i in pkgutil.walk_packages(conductorone_api.__path__, 'conductorone_api.')]\n"
        "for name in mods: importlib.import_module(name)\n"
        "print(len(mods))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=package.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) > len(_endpoint_modules(package))


def _paginated_operations(spec: Path) -> int:
    """Operations taking a cursor: query ``page_token`` or request-body field ``pageToken``."""
    doc = yaml.load(spec.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

    def deref(node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            node = doc["components"][node["$ref"].split("/")[2]][node["$ref"].split("/")[3]]
        return node

    count = 0
    for item in doc["paths"].values():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            query = any(deref(p).get("name") == "page_token" for p in operation.get("parameters", []))
            body = deref(operation.get("requestBody") or {}).get("content", {}).get("application/json", {})
            fields = deref(body.get("schema") or {}).get("properties", {})
            count += query or "pageToken" in fields
    return count


def test_every_operation_is_a_method_of_the_facade(built: UpstreamBuild) -> None:
    spec, package, _report = built
    methods = iterators = 0
    for group_init in (package / "api").glob("*/__init__.py"):
        tree = ast.parse(group_init.read_text(encoding="utf-8"))
        sync_class = next(
            n for n in tree.body if isinstance(n, ast.ClassDef) and not n.name.startswith("Async")
        )
        names = [
            n.name
            for n in sync_class.body
            if isinstance(n, ast.FunctionDef)
            and n.name not in ("__init__", "__repr__")
            and not any(
                isinstance(d, ast.Name) and d.id == "overload" for d in n.decorator_list
            )  # typing only
        ]
        methods += sum(1 for n in names if not n.startswith("iter_"))
        iterators += sum(1 for n in names if n.startswith("iter_"))
    assert methods == _declared_operations(spec)
    assert iterators == _paginated_operations(spec)
    if spec.name.endswith("2026-02.openapi.yaml"):
        assert (methods, iterators) == (314, 64)  # 312 of the document + the 2 v2 seed operations
    facade = (package / "api" / "app_owners" / "__init__.py").read_text(encoding="utf-8")
    assert "    def add(\n" in facade and "    def list(\n" in facade and "def iter_list(" in facade
