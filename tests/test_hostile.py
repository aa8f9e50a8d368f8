"""Hostile and unusual documents: correct code or one clear error line, never silent loss.

Each case is a small document written here. A case that must build is built (with the
shipped overlays and verification), every generated module is imported in a subprocess,
and where the defect would show at runtime the client is called through an in-process
httpx transport that records what would have been sent. A case that must fail exits 1 with
one ``error:`` line and no traceback, and leaves the previous ``--out`` byte for byte.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.models import RESERVED_FIELD_NAMES
from generator.passes.operation_names import RESERVED_GROUP_NAMES

from .conftest import run_against, run_generator, tree_bytes

THING = {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}
THING_REF = {"$ref": "#/components/schemas/Thing"}


def document(paths: dict[str, Any], schemas: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    doc["components"] = {"schemas": THING if schemas is None else schemas}
    doc.update(extra)
    return doc


def operation(response: dict[str, Any] = THING_REF, **fields: Any) -> dict[str, Any]:
    ok = {"description": "ok", "content": {"application/json": {"schema": response}}}
    return {"responses": {"200": ok}, **fields}


def parameter(name: str, where: str = "query", **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path", "schema": schema or {"type": "string"}}


def write(tmp_path: Path, doc: dict[str, Any] | str, suffix: str = ".json") -> Path:
    spec = tmp_path / f"spec{suffix}"
    spec.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return spec


def build_ok(tmp_path: Path, doc: dict[str, Any] | str, suffix: str = ".json", *extra: str) -> Path:
    """Build (without the shipped overlays, unless ``extra`` says otherwise), then import every
    generated module in a fresh interpreter; the package root."""
    out = tmp_path / "gen"
    done = run_generator(
        "build", "--spec", write(tmp_path, doc, suffix), "--out", out, *(extra or ["--no-overlays"])
    )
    assert done.returncode == 0, done.stderr
    run_with(out, "import_every_module()")
    return out


def build_fails(tmp_path: Path, doc: dict[str, Any] | str, suffix: str = ".json", *extra: str) -> str:
    """Build into an --out that holds a previous build; it must fail and leave it untouched."""
    out = tmp_path / "gen"
    previous = run_generator(
        "build", "--spec", write(tmp_path, document({"/t": {"get": operation()}})), "--out", out
    )
    assert previous.returncode == 0, previous.stderr
    before = tree_bytes(out)
    done = run_generator(
        "build", "--spec", write(tmp_path, doc, suffix), "--out", out, *(extra or ["--no-overlays"])
    )
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert tree_bytes(out) == before
    return lines[0]


PRELUDE = """
import asyncio, importlib, json, pkgutil
import httpx
from conductorone import AsyncConductorOne, ConductorOne

SENT = []

def handler(request):
    SENT.append(request)
    return httpx.Response(200, json={"id": "x"})

def client():
    return ConductorOne(access_token="t", server_url="https://api.example.test",
                        http_client=httpx.Client(transport=httpx.MockTransport(handler)))

def async_client():
    return AsyncConductorOne(access_token="t", server_url="https://api.example.test",
                             http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)))

def import_every_module():
    import conductorone_api
    names = [m.name for m in pkgutil.walk_packages(conductorone_api.__path__, "conductorone_api.")]
    for name in names:
        importlib.import_module(name)
    assert len(names) >= 5, names
"""


def run_with(package_root: Path, code: str) -> None:
    run_against(package_root, code, PRELUDE)


# -- path parameters stay in their segment ------------------------------------------------------


def test_path_parameters_stay_one_segment_sync_and_async(tmp_path: Path) -> None:
    doc = document(
        {
            "/apps/{app_id}/grants/{grant_id}": {
                "delete": operation(parameters=[parameter("app_id", "path"), parameter("grant_id", "path")])
            }
        }
    )
    out = build_ok(tmp_path, doc)
    run_with(
        out,
        """
        def paths(call):
            sent = {}
            for value in ["a/b", "%2F", "é", "a b", "..x", "x.."]:
                call(value)
                sent[value] = SENT[-1].url.raw_path.decode()
            return sent

        expected = {
            "a/b": "/apps/app1/grants/a%2Fb",
            "%2F": "/apps/app1/grants/%252F",
            "é": "/apps/app1/grants/%C3%A9",
            "a b": "/apps/app1/grants/a%20b",
            "..x": "/apps/app1/grants/..x",
            "x..": "/apps/app1/grants/x..",
        }
        with client() as c1:
            assert paths(lambda v: c1.apps.delete_apps_grants(app_id="app1", grant_id=v)) == expected
            for bad in ["..", ".", ""]:
                before = len(SENT)
                try:
                    c1.apps.delete_apps_grants(app_id="app1", grant_id=bad)
                except ValueError as error:
                    assert f"grant_id={bad!r} would not stay one path segment" in str(error)
                else:
                    raise AssertionError(f"{bad!r} was sent")
                assert len(SENT) == before

        async def main():
            async with async_client() as c1:
                got = {}
                for value in expected:
                    await c1.apps.delete_apps_grants(app_id="app1", grant_id=value)
                    got[value] = SENT[-1].url.raw_path.decode()
                assert got == expected
                for bad in ["..", ".", ""]:
                    try:
                        await c1.apps.delete_apps_grants(app_id=bad, grant_id="g")
                    except ValueError as error:
                        assert "app_id=" in str(error)
                    else:
                        raise AssertionError(f"{bad!r} was sent")
        asyncio.run(main())
        """,
    )


def test_camel_case_and_dashed_path_parameters(tmp_path: Path) -> None:
    doc = document(
        {
            "/things/{thingId}": {"get": operation(parameters=[parameter("thingId", "path")])},
            "/apps/{app-id}/users/{user.id}": {
                "delete": operation(parameters=[parameter("app-id", "path"), parameter("user.id", "path")])
            },
        }
    )
    out = build_ok(tmp_path, doc)
    run_with(
        out,
        """
        with client() as c1:
            c1.things.get_things(thing_id="t1")
            assert SENT[-1].url.path == "/things/t1"
            c1.apps.delete_apps_users(app_id="a1", user_id="u1")
            assert (SENT[-1].method, SENT[-1].url.path) == ("DELETE", "/apps/a1/users/u1")
        from conductorone_api.api.things import get_things
        assert get_things.PATH == "/things/{thingId}"
        """,
    )


# -- names that would shadow -------------------------------------------------------------------


def test_parameters_named_like_the_generated_code_are_renamed(tmp_path: Path) -> None:
    names = [
        "operation",
        "options",
        "body",
        "path_segment",
        "jsonable",
        "client",
        "self",
        "params",
        "headers",
    ]
    doc = document(
        {
            "/things/{id}": {
                "post": operation(
                    parameters=[parameter("id", "path"), *(parameter(n) for n in names)],
                    requestBody={"content": {"application/json": {"schema": THING_REF}}},
                )
            }
        }
    )
    out = build_ok(tmp_path, doc)
    run_with(
        out,
        """
        from conductorone_api.models import Thing
        with client() as c1:
            c1.things.post_things(id="1", operation_="o", options_="p", body_="q", path_segment_="s",
                                  jsonable_="j", client_query="c", self_="me", params_="r", headers_="h",
                                  body=Thing(id="in-body"))
            sent = SENT[-1]
            assert dict(sent.url.params) == {"operation": "o", "options": "p", "body": "q", "path_segment": "s",
                                            "jsonable": "j", "client": "c", "self": "me", "params": "r",
                                            "headers": "h"}, dict(sent.url.params)
            assert json.loads(sent.content) == {"id": "in-body"}
        """,
    )


def test_properties_named_like_model_methods_and_locals(tmp_path: Path) -> None:
    """Every name the model code uses gets a trailing underscore; other plain names stay."""
    # (capitalised ones, "Any", "Model", ..., are snake_cased into other names: no clash)
    reserved = sorted(name for name in RESERVED_FIELD_NAMES if name.islower())
    plain = ["value", "key", "values", "src_dict", "field_dict", "cast", "reader", "instance"]
    names = reserved + plain
    schemas = {"Thing": {"type": "object", "properties": {n: {"type": "string"} for n in names}}}
    out = build_ok(tmp_path, document({"/t": {"get": operation()}}, schemas))
    run_with(
        out,
        f"""
        from conductorone_api.models import Thing
        body = {{name: name.upper() for name in {names!r}}}
        body["unknown"] = 1
        thing = Thing.from_dict(body)
        assert sorted(Thing._FIELDS.values()) == sorted({names!r}), Thing._FIELDS
        for name in {reserved!r}:
            assert getattr(thing, name + "_") == name.upper(), name
        for name in {plain!r}:
            assert getattr(thing, name) == name.upper(), name
        assert thing.additional_properties == {{"unknown": 1}}
        assert thing.to_dict() == body and thing.to_json() and repr(thing).startswith("Thing(")
        made = Thing(**{{python: json_key.upper() for python, json_key in Thing._FIELDS.items()}})
        assert made.to_dict() == {{key: value for key, value in body.items() if key != "unknown"}}
        """,
    )


def test_schema_names_used_by_the_generated_code_and_names_differing_in_case(tmp_path: Path) -> None:
    names = ["Response", "Model", "TypedDict", "HTTPServer", "HttpServer", "Any"]
    schemas = {n: {"type": "object", "properties": {"n": {"type": "string", "const": n}}} for n in names}
    paths = {
        f"/{n.lower()}{i}": {"get": operation({"$ref": f"#/components/schemas/{n}"})}
        for i, n in enumerate(names)
    }
    out = build_ok(tmp_path, document(paths, schemas))
    modules = sorted(p.name for p in (out / "conductorone_api" / "models").glob("*.py"))
    assert len(modules) == len(names) + 1, modules  # one file each, and __init__.py
    run_with(
        out,
        """
        from conductorone_api import models
        from conductorone_api.types import Model
        exported = {getattr(models, name) for name in models.__all__}
        classes = {cls for cls in exported if isinstance(cls, type) and issubclass(cls, Model)}
        assert len(classes) == 6 and len(exported) == 12  # and a TypedDict each
        assert not {"Response", "Model", "TypedDict", "Any"} & set(models.__all__)
        with client() as c1:
            for group in ("response0", "model1", "typeddict2", "httpserver3", "httpserver4", "any5"):
                resource = getattr(c1, group)
                method = next(m for m in dir(resource) if m.startswith("get_"))
                assert getattr(resource, method)().to_dict() == {"id": "x"}
        """,
    )


def test_groups_named_like_client_attributes_and_iter_methods(tmp_path: Path) -> None:
    groups = ["request", "close", "http_client", "paginate", "max_retries", "server_url"]
    paths: dict[str, Any] = {f"/{g}": {"get": operation(tags=[g])} for g in groups}
    page = {
        "type": "object",
        "properties": {"list": {"type": "array", "items": THING_REF}, "nextPageToken": {"type": "string"}},
    }
    paths["/things"] = {
        "get": operation(page, operationId="T.List", tags=["t"], parameters=[parameter("page_token")])
    }
    paths["/things/iter"] = {"get": operation(operationId="T.IterList", tags=["t"])}
    out = build_ok(tmp_path, document(paths))
    run_with(
        out,
        f"""
        with client() as c1:
            assert callable(c1.request) and callable(c1.close) and callable(c1.paginate)
            assert c1.server_url == "https://api.example.test" and isinstance(c1.max_retries, int)
            for group in {groups!r}:
                resource = getattr(c1, group + "_group")
                getattr(resource, next(m for m in dir(resource) if m.startswith("get")))()
                assert SENT[-1].url.path == "/" + group
            assert [item.id for item in c1.t.iter_list()] == []  # the paginator of list ...
            assert len(list(c1.t.iter_list(page_token=None).pages())) == 1
            assert "page_token" not in SENT[-1].url.params  # None: the first page
            c1.t.list(page_token=None)
            assert "page_token" not in SENT[-1].url.params
            assert c1.t.iter_list_operation().id == "x"  # ... and the operation named IterList
            assert SENT[-1].url.path == "/things/iter"
        """,
    )


def test_reserved_group_names_cover_every_client_attribute() -> None:
    from conductorone import AsyncConductorOne, ConductorOne
    from conductorone_api.api import GROUPS

    names = set()
    for cls in (ConductorOne, AsyncConductorOne):
        instance = cls(access_token="t", server_url="https://api.example.test")
        names |= {n for n in dir(instance) if not n.startswith("_")} - set(GROUPS)
    assert names <= RESERVED_GROUP_NAMES, names - RESERVED_GROUP_NAMES


# -- values written exactly --------------------------------------------------------------------


def test_enums_with_colliding_names_and_control_characters(tmp_path: Path) -> None:
    values = ["asc", "ASC", "a b", "a-b", 'quote"d', "back\\slash", "1x"]
    schemas = {
        "Thing": {
            "type": "object",
            "properties": {
                "order": {"type": "string", "enum": values},
                "odd": {"type": "string", "enum": ["line\nbreak", "tab\tbed", "plain"]},
            },
        }
    }
    out = build_ok(tmp_path, document({"/t": {"get": operation()}}, schemas))
    run_with(
        out,
        f"""
        from conductorone_api.models import Thing
        for value in {values!r}:
            thing = Thing.from_dict({{"order": value}})
            assert thing.order.value == value and thing.to_dict() == {{"order": value}}
        assert len({{Thing.from_dict({{"order": v}}).order.name for v in {values!r}}}) == {len(values)}
        assert Thing.from_dict({{"odd": "line\\nbreak"}}).to_dict() == {{"odd": "line\\nbreak"}}
        assert Thing(odd="tab\\tbed").to_dict() == {{"odd": "tab\\tbed"}}
        """,
    )


def test_defaults_and_consts_are_not_rewritten(tmp_path: Path) -> None:
    quoted = 'say "hi" \\ there'
    schemas = {
        "D": {
            "type": "object",
            "properties": {
                "q": {"type": "string", "default": quoted},
                "c": {"const": quoted},
                "n": {"type": "number", "default": float("nan")},
            },
        }
    }
    doc = document(
        {
            "/d": {
                "post": operation(
                    {"$ref": "#/components/schemas/D"},
                    requestBody={
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/D"}}}
                    },
                )
            }
        },
        schemas,
    )
    out = build_ok(tmp_path, yaml.safe_dump(doc), ".yaml")  # the NaN default is written as YAML's .nan
    run_with(
        out,
        f"""
        from conductorone_api.models import D
        assert D().to_dict() == {{}}  # no default is sent that the user did not set
        assert D(q={quoted!r}, c={quoted!r}).to_dict() == {{"q": {quoted!r}, "c": {quoted!r}}}
        with client() as c1:
            c1.d.post_d(body=D(c={quoted!r}))
            assert json.loads(SENT[-1].content) == {{"c": {quoted!r}}}
        """,
    )


# -- silent loss becomes an error, or an operation ------------------------------------------------


def test_path_item_refs_are_operations(tmp_path: Path) -> None:
    doc = document(
        {"/t": {"$ref": "#/components/pathItems/T"}},
        components={"schemas": THING, "pathItems": {"T": {"get": operation(), "post": operation()}}},
    )
    out = build_ok(tmp_path, doc)
    run_with(
        out,
        """
        with client() as c1:
            c1.t.get_t(); c1.t.post_t()
            assert [r.method for r in SENT] == ["GET", "POST"]
        """,
    )


def test_a_document_without_schemas_or_security_builds(tmp_path: Path) -> None:
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/t": {"get": {"responses": {"204": {"description": "none"}}}}},
    }
    build_ok(tmp_path, doc)


@pytest.mark.parametrize(
    ("name", "text", "suffix", "message"),
    [
        (
            "duplicate YAML key",
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {responses: {'200': {description: ok}}}\n"
            "  /a:\n    post: {responses: {'200': {description: ok}}}\n",
            ".yaml",
            "spec.yaml:6:3: invalid YAML: duplicate key '/a' (first at line 4)",
        ),
        (
            "duplicate JSON key",
            '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {}, "/a": {}}}',
            ".json",
            "spec.json:1: invalid JSON: duplicate key '/a'",
        ),
        (
            "no operations",
            json.dumps(document({})),
            ".json",
            "spec.json: no operations to generate; the previous client is kept",
        ),
    ],
)
def test_documents_that_would_lose_operations(
    tmp_path: Path, name: str, text: str, suffix: str, message: str
) -> None:
    line = build_fails(tmp_path, text, suffix)
    assert line == f"error: {tmp_path / 'spec'}{suffix}{message[len('spec' + suffix) :]}", name


def test_an_overlay_that_removes_every_operation(tmp_path: Path) -> None:
    overlays = tmp_path / "overlays"
    overlays.mkdir()
    (overlays / "010-drop.yaml").write_text(
        "overlay: 1.0.0\ninfo: {title: drop, version: '1'}\nactions:\n  - target: $.paths.*\n    remove: true\n"
    )
    line = build_fails(tmp_path, document({"/t": {"get": operation()}}), ".json", "--overlays", str(overlays))
    assert line.endswith(
        "no operations to generate after the overlays (010-drop.yaml); the previous client is kept"
    )


@pytest.mark.parametrize(
    ("doc", "what"),
    [
        (
            document(
                {
                    "/u": {
                        "post": operation(
                            requestBody={"content": {"multipart/form-data": {"schema": {"type": "object"}}}}
                        )
                    }
                }
            ),
            "POST /u: request body multipart/form-data (only JSON bodies are sent)",
        ),
        (
            document(
                {
                    "/u": {
                        "post": operation(
                            requestBody={
                                "content": {
                                    "application/x-www-form-urlencoded": {"schema": {"type": "object"}}
                                }
                            }
                        )
                    }
                }
            ),
            "POST /u: request body application/x-www-form-urlencoded (only JSON bodies are sent)",
        ),
        (
            document({"/c": {"get": operation(parameters=[parameter("session", "cookie")])}}),
            "GET /c: cookie parameter 'session' (cookies are not sent)",
        ),
    ],
)
def test_what_the_client_cannot_send_fails_the_build(tmp_path: Path, doc: dict[str, Any], what: str) -> None:
    line = build_fails(tmp_path, doc)
    assert f"incomplete client: 1 unsupported part(s) of operations ({what})" in line
    assert "--allow-incomplete writes it anyway" in line


def test_a_response_the_client_cannot_read_counts_as_untyped(tmp_path: Path) -> None:
    text_response = {
        "responses": {"200": {"description": "ok", "content": {"text/plain": {"schema": {"type": "string"}}}}}
    }
    line = build_fails(tmp_path, document({"/t": {"get": text_response}}))
    assert "incomplete client: 1 success response(s) left untyped" in line


# -- crashes and denial of service become errors ---------------------------------------------------


def _nested(levels: int, make: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for level in range(levels):
        schema = make(level, schema)
    return schema


def test_deep_nesting_is_an_error_naming_where(tmp_path: Path) -> None:
    deep = _nested(200, lambda _level, inner: {"type": "array", "items": inner})
    line = build_fails(tmp_path, document({"/t": {"get": operation(deep)}}))
    assert "/paths/~1t/get/responses/200/content/application~1json/schema/items/items" in line
    assert line.endswith("schemas nested more than 48 levels deep")


def test_deep_inline_models_are_an_error_not_a_file_name_crash(tmp_path: Path) -> None:
    inline = _nested(
        40, lambda level, inner: {"type": "object", "properties": {f"level{level}property": inner}}
    )
    line = build_fails(tmp_path, document({"/t": {"get": operation(inline)}}))
    assert "too long for a file name; make one of its enclosing schemas a component" in line


def test_json_nested_beyond_the_reader_is_an_error(tmp_path: Path) -> None:
    text = '{"openapi": "3.1.0", "paths": {}, "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert build_fails(tmp_path, text).endswith("spec.json: nested too deeply to read")


def test_a_yaml_alias_bomb_fails_fast(tmp_path: Path) -> None:
    lines = ["openapi: 3.1.0", "info: {title: t, version: '1'}", "paths: {}", "x-a: &a [1,1,1,1,1,1,1,1,1]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"x-{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    assert len(text.encode()) < 1500
    started = time.monotonic()
    line = build_fails(tmp_path, text, ".yaml")
    assert time.monotonic() - started < 30
    assert "expands to 490,329,060 values, more than the 10,000,000 this build reads" in line


def test_body_fields_named_like_parameters_or_call_names_and_a_required_body(tmp_path: Path) -> None:
    """Body fields are keyword arguments; a clash with a parameter, a per-call option or a name
    the call uses makes the field ``body_<name>``; a required body is sent even when empty."""
    fields = ["id", "timeout", "body", "client", "extra_body", "body_id", "pageSize"]
    schemas = {
        **THING,
        "Input": {"type": "object", "properties": {name: {"type": "string"} for name in fields}},
    }
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Input"}}}}
    paths = {
        "/things/{id}": {
            "post": operation(parameters=[parameter("id", "path")], requestBody={**body, "required": True}),
            "put": operation(parameters=[parameter("id", "path")], requestBody=body),
        }
    }
    out = build_ok(tmp_path, document(paths, schemas))
    run_with(
        out,
        """
        import inspect
        from conductorone_api.api import GROUPS
        with client() as c1:
            group = getattr(c1, next(iter(GROUPS)))
            post = next(getattr(group, m) for m in dir(group) if m.startswith("post"))
            put = next(getattr(group, m) for m in dir(group) if m.startswith("put"))
            names = list(inspect.signature(post).parameters)
            assert names[:9] == ["id", "body_id", "body_timeout", "body_body", "body_client", "body_extra_body",
                                 "body_id2", "page_size", "body"], names
            post(id="p", body_id="b", body_timeout="t", body_body="x", body_client="c", body_extra_body="e",
                 body_id2="bi", page_size="2", timeout=5)
            post(id="p")  # required: {} is sent
            put(id="p")   # not required: nothing is sent
        assert [r.url.path for r in SENT] == ["/things/p"] * 3
        assert json.loads(SENT[0].content) == {
            "id": "b", "timeout": "t", "body": "x", "client": "c", "extra_body": "e", "body_id": "bi", "pageSize": "2"
        }
        assert json.loads(SENT[1].content) == {} and SENT[2].content == b""
        """,
    )


def test_property_names_with_quotes_and_backslashes_in_docs_bodies_and_dict_keys(tmp_path: Path) -> None:
    """Such names reach docstrings (the field's and the body keyword's), literals and TypedDict keys."""
    names = ['a"""b\\', "c'd", "end\\"]
    schemas = {"Thing": {"type": "object", "properties": {n: {"type": "string"} for n in names}}}
    body = {"content": {"application/json": {"schema": THING_REF}}}
    out = build_ok(tmp_path, document({"/t": {"post": operation(requestBody=body)}}, schemas))
    run_with(
        out,
        f"""
        from conductorone_api.models import Thing
        names = {names!r}
        assert list(Thing._FIELDS.values()) == names
        with client() as c1:
            group = getattr(c1, next(iter(__import__("conductorone_api.api", fromlist=["GROUPS"]).GROUPS)))
            post = next(getattr(group, m) for m in dir(group) if m.startswith("post"))
            post(**{{python: python.upper() for python in Thing._FIELDS}})
            try:
                post(body={{'a"b': 1}})
            except ValueError as error:
                assert "did you mean " + repr(names[0]) in str(error), error
            else:
                raise AssertionError("an unknown key was sent")
        assert json.loads(SENT[0].content) == {{json_key: python.upper() for python, json_key in Thing._FIELDS.items()}}
        assert len(SENT) == 1
        """,
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_schema_that_fails_is_an_incomplete_client_not_a_verification_error(
    tmp_path: Path, method: str
) -> None:
    """Properties that become one Python name fail their schema (a GET's response is then
    untyped; a POST taking it as its body is dropped, leaving no operation at all); the build
    says so, and the verifier does not look for the class that was not written."""
    schemas = {
        "Thing": {"type": "object", "properties": {"a b": {"type": "string"}, "a-b": {"type": "string"}}}
    }
    body = (
        {"requestBody": {"content": {"application/json": {"schema": THING_REF}}}} if method == "post" else {}
    )
    spec = write(tmp_path, document({"/t": {method: operation(**body)}}, schemas))
    done = run_generator("build", "--spec", spec, "--out", tmp_path / "gen", "--no-overlays")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "incomplete client" in last and "1 schema(s) failed" in last, last
    assert "verifying" not in done.stderr and "do not read valid data" not in done.stderr


def test_a_schema_named_like_another_models_typed_dict(tmp_path: Path) -> None:
    """``ThingDict`` is a schema, so Thing's TypedDict is ``ThingDict_``, in the model and in the
    operation taking a Thing body alike."""
    schemas = {**THING, "ThingDict": {"type": "object", "properties": {"other": {"type": "string"}}}}
    body = {"content": {"application/json": {"schema": THING_REF}}}
    out = build_ok(tmp_path, document({"/t": {"post": operation(requestBody=body)}}, schemas))
    run_with(
        out,
        """
        import inspect, typing
        from conductorone_api import models
        assert {"Thing", "ThingDict", "ThingDict_", "ThingDictDict"} <= set(models.__all__)
        assert typing.is_typeddict(models.ThingDict_) and not typing.is_typeddict(models.ThingDict)
        from conductorone_api.api import GROUPS
        with client() as c1:
            group = getattr(c1, next(iter(GROUPS)))
            post = next(getattr(group, m) for m in dir(group) if m.startswith("post"))
            assert "ThingDict_" in str(inspect.signature(post).parameters["body"].annotation)
            post(body={"id": "x"})
        assert json.loads(SENT[0].content) == {"id": "x"}
        """,
    )


def test_json_keys_of_every_kind_read_and_write_back(tmp_path: Path) -> None:
    """Plain fields are read by attrgetter(json key) only where that key is safe; keys that are
    keywords, not identifiers, private-looking or names the class body uses read the slow way,
    and every one reads, sets and writes back its real value."""
    keys = ["from", "class", "with.dot", "has-dash", "_under", "staticmethod", "property", "id", "camelCase"]
    schemas = {"Thing": {"type": "object", "properties": {k: {"type": "string"} for k in keys}}}
    out = build_ok(tmp_path, document({"/t": {"get": operation()}}, schemas))
    run_with(
        out,
        f"""
        import json, operator
        from conductorone_api.models import Thing
        sent = {{key: "v-" + key for key in {keys!r}}}
        thing = Thing.adopt(json.loads(json.dumps(sent)))
        for name, key in Thing._FIELDS.items():
            assert getattr(thing, name) == "v-" + key, (name, key)
            assert getattr(Thing.adopt({{}}), name) is None, name
        fast = {{key for name, key in Thing._FIELDS.items() if type(Thing.__dict__[name].fget) is operator.attrgetter}}
        assert fast == {{"camelCase"}}, fast
        for name in Thing._FIELDS:
            setattr(thing, name, "new")
        assert thing.to_dict() == dict.fromkeys(sent, "new") and sent == {{k: "v-" + k for k in {keys!r}}}
        """,
    )
