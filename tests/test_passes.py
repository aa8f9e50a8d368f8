"""The normalisation rules, on small documents."""

from __future__ import annotations

from typing import Any

from generator.naming import snake_case
from generator.passes import model_names, normalise, nullability, operation_names, response_fields


def test_class_names_from_keys_with_collisions_qualified() -> None:
    names = model_names.class_names(
        [
            "c1.api.app.v1.App",
            "google.rpc.Status",
            "c1.api.form.v1.Field",
            "c1.api.integration.connector.v1.Field",
            "c1.api.policy.v1.Escalation.SkipStep",
            "c1.api.policy.v1.EscalationInstance.SkipStep",
            "c1.api.app.v1.Thing",
            "c1.api.app.v2.Thing",
            "c1.api.other.v1.FormField",  # collides with the qualified name of the first Field
        ]
    )
    assert names["c1.api.app.v1.App"] == "App"
    assert names["google.rpc.Status"] == "Status"
    assert names["c1.api.policy.v1.Escalation.SkipStep"] == "EscalationSkipStep"
    assert names["c1.api.policy.v1.EscalationInstance.SkipStep"] == "EscalationInstanceSkipStep"
    assert names["c1.api.app.v1.Thing"] == "V1Thing"
    assert names["c1.api.app.v2.Thing"] == "V2Thing"
    assert names["c1.api.integration.connector.v1.Field"] == "ConnectorField"
    # "FormField" is wanted twice (qualified Field, and a schema of that name): the schema
    # whose own name it is keeps it, the qualified one goes further.
    assert names["c1.api.form.v1.Field"] == "ApiFormField"
    assert names["c1.api.other.v1.FormField"] == "FormField"
    assert len(set(names.values())) == len(names)


def test_class_names_do_not_depend_on_key_order() -> None:
    keys = ["b.v1.X", "a.v1.X", "c.Y", "a.v1.Y"]
    assert model_names.class_names(keys) == model_names.class_names(list(reversed(keys)))


def test_snake_case() -> None:
    assert snake_case("AWSExternalIDSettings") == "aws_external_id_settings"
    assert snake_case("ListOwnerIDs") == "list_owner_ids"
    assert snake_case("AppOwnersV2") == "app_owners_v2"
    assert snake_case("A2UI") == "a2ui"
    assert snake_case("class") == "class_"


def _doc(**paths: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "paths": paths, "components": {"schemas": {}}}


def test_operation_names_from_extensions_then_fallbacks() -> None:
    doc = _doc(
        **{
            "/api/v1/apps/{app_id}/owners": {
                "get": {
                    "operationId": "c1.api.app.v1.AppOwners.List",
                    "x-speakeasy-group": "AppOwners",
                    "x-speakeasy-name-override": "List",
                },
                "post": {"operationId": "c1.api.app.v1.AppOwners.Add"},
                "put": {"tags": ["Owner Things"], "operationId": "SetOwners"},
                "delete": {},
            },
            "/api/v1/other": {"get": {"operationId": "c1.api.app.v1.AppOwners.List"}},
        }
    )
    operation_names.assign(doc)
    item = doc["paths"]["/api/v1/apps/{app_id}/owners"]
    assert (item["get"]["tags"], item["get"]["operationId"]) == (["app_owners"], "list")
    assert (item["post"]["tags"], item["post"]["operationId"]) == (["app_owners"], "add")
    assert (item["put"]["tags"], item["put"]["operationId"]) == (["owner_things"], "set_owners")
    assert (item["delete"]["tags"], item["delete"]["operationId"]) == (["apps"], "delete_apps_owners")
    other = doc["paths"]["/api/v1/other"]["get"]
    assert (other["tags"], other["operationId"]) == (["app_owners"], "list_get")
    assert other["x-original-operation-id"] == "c1.api.app.v1.AppOwners.List"


def test_every_spelling_of_null_is_removed() -> None:
    doc = _doc()
    doc["components"]["schemas"] = {
        "A": {
            "type": "object",
            "nullable": True,
            "properties": {
                "nullable": {"type": "string"},  # a property that happens to be called "nullable"
                "b": {"type": ["string", "null"]},
                "c": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}], "description": "d"},
                "d": {"type": "array", "items": {"type": "integer", "nullable": True}},
            },
        }
    }
    nullability.strip_null(doc)
    a = doc["components"]["schemas"]["A"]
    assert "nullable" not in a and a["properties"]["nullable"] == {"type": "string"}
    assert a["properties"]["b"] == {"type": "string"}
    assert a["properties"]["c"] == {"$ref": "#/components/schemas/A", "description": "d"}
    assert a["properties"]["d"]["items"] == {"type": "integer"}


def test_required_dropped_only_where_a_response_reaches() -> None:
    doc = _doc(
        **{
            "/x": {
                "post": {
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}
                    },
                    "responses": {
                        "200": {
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Res"}}}
                        }
                    },
                }
            }
        }
    )
    doc["components"]["schemas"] = {
        "Req": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
        "Res": {
            "type": "object",
            "required": ["n"],
            "properties": {"n": {"$ref": "#/components/schemas/Nested"}},
        },
        "Nested": {"type": "object", "required": ["z"], "properties": {"z": {"type": "string"}}},
    }
    response_fields.relax_required(doc)
    schemas = doc["components"]["schemas"]
    assert schemas["Req"]["required"] == ["a"]
    assert "required" not in schemas["Res"] and "required" not in schemas["Nested"]


def test_normalise_sets_titles_and_drops_inline_titles() -> None:
    doc = _doc()
    doc["components"]["schemas"] = {
        "c1.api.x.v1.Thing": {
            "title": "Shared Title",
            "type": "object",
            "properties": {"inner": {"title": "Shared Title", "type": "object"}},
        },
        "c1.api.y.v1.Other": {"title": "Shared Title", "type": "object"},
    }
    normalise(doc)
    schemas = doc["components"]["schemas"]
    assert schemas["c1.api.x.v1.Thing"]["title"] == "Thing"
    assert schemas["c1.api.y.v1.Other"]["title"] == "Other"
    assert "title" not in schemas["c1.api.x.v1.Thing"]["properties"]["inner"]
