"""JSON instances of a schema of the original document, for checking the generated models.

Two maintained generators, one schema conversion:

- jsf (every build): fast (well under a millisecond an instance) and deterministic once the
  ``random`` module and Faker are seeded; two instances a schema, one with every declared
  property (``"full"``), one as the schema allows (``"open"``: any subset, nulls);
- hypothesis-jsonschema (``build --verify thorough``, and the tests on our own small
  documents): adversarial values (any unicode, extreme numbers, unknown keys) at tens of
  milliseconds an instance, drawn directly from a seeded ``ConjectureData``.

The schema handed to them is the original one made self-contained: local ``$ref`` s are
inlined (recursion is cut after :data:`MAX_REF_DEPTH` visits of one schema on a path, and
models nested deeper than :data:`MAX_NESTED_MODELS` are drawn empty: each is also checked on
its own), and OpenAPI's own keywords are spelled in JSON Schema (3.0's ``nullable``,
boolean ``exclusiveMinimum``). Whatever this conversion gets wrong cannot hide a bug: every
instance is validated against the *original* schema with openapi-schema-validator before
it is used, and an invalid one is discarded and counted.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from typing import Any

from faker import Faker
from jsf import JSF
from jsf.schema_types import string as _jsf_string

MAX_REF_DEPTH = 2
# Models nested deeper than this are drawn as empty objects: each model is also checked on
# its own, and inlining whole trees makes instances (and the time to draw them) explode.
MAX_NESTED_MODELS = 3
_ANNOTATIONS = frozenset(
    {"description", "title", "readOnly", "writeOnly", "deprecated", "example", "examples",
     "discriminator", "xml", "externalDocs", "default", "$comment", "nullable"}
)  # fmt: skip
# Our own name for RFC 3339 timestamps: jsf's are always "+00:00" with 6 fraction digits, and
# hypothesis-jsonschema's have years from 0000, but a date-time the API sends is a protobuf
# Timestamp (0001-9999, "Z", up to 9 digits) and ``datetime`` starts at year 1.
DATE_TIME_FORMAT = "x-verify-date-time"


def _random_timestamp() -> str:
    """An RFC 3339 timestamp as the API may write it: ``Z`` or an offset, 0 to 9 fraction digits."""
    moment = datetime.datetime(1, 1, 2) + datetime.timedelta(seconds=random.randrange(315_000_000_000))
    digits = random.choice((0, 0, 3, 6, 9))
    fraction = "." + "".join(random.choice("0123456789") for _ in range(digits)) if digits else ""
    hours, minutes = random.randrange(24), random.choice((0, 30, 45))
    offset = random.choice(("Z", "z", f"+{hours:02d}:{minutes:02d}", f"-{hours:02d}:{minutes:02d}"))
    return moment.strftime("%Y-%m-%dT%H:%M:%S").rjust(19, "0") + fraction + offset


class Converter:
    """Turns a pointer into the original document into a self-contained JSON Schema.

    ``mode`` shapes the instances for what they check: ``"full"`` asks for every declared
    property and no other (each field of each model is read), ``"open"`` leaves the schema
    as it is (any subset of the fields, unknown keys too).
    """

    def __init__(self, doc: dict[str, Any], mode: str = "open") -> None:
        self.doc = doc
        self.mode = mode
        self.openapi30 = str(doc.get("openapi", "")).startswith("3.0")

    def schema_at(self, pointer: list[str | int]) -> Any:
        node: Any = self.doc
        for part in pointer:
            node = node[part]
        return self.convert(node, ())

    def _resolve(self, ref: str) -> Any:
        node: Any = self.doc
        for raw in ref[2:].split("/") if ref.startswith("#/") else []:
            part = raw.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def convert(self, node: Any, path: tuple[str, ...]) -> Any:
        if node is True:
            return {}
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            raw = self._resolve(ref)
            model = isinstance(raw, dict) and (raw.get("type") == "object" or "properties" in raw)
            too_deep = model and len(path) >= MAX_NESTED_MODELS and not raw.get("required")
            if path.count(ref) >= MAX_REF_DEPTH or too_deep:
                return {"type": "object", "maxProperties": 0}
            target = self.convert(raw, (*path, ref))
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            if self.openapi30 or not siblings:
                return target
            return {"allOf": [target, self.convert(siblings, path)]}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key.startswith("x-") or key in _ANNOTATIONS:
                continue
            if key == "properties":  # a property whose schema admits nothing never occurs
                converted = {name: self.convert(v, path) for name, v in value.items()}
                out[key] = {name: v for name, v in converted.items() if v is not False}
            elif key in ("$defs", "definitions", "dependentSchemas"):
                out[key] = {name: self.convert(v, path) for name, v in value.items()}
            elif key in ("allOf", "anyOf", "oneOf") or (key == "items" and isinstance(value, list)):
                out[key] = [self.convert(v, path) for v in value]
            elif key in ("items", "additionalProperties", "not", "contains", "if", "then", "else",
                         "propertyNames", "unevaluatedProperties", "unevaluatedItems", "additionalItems"):  # fmt: skip
                out[key] = self.convert(value, path)
            elif key == "format" and value == "date-time":
                out[key] = DATE_TIME_FORMAT
            elif key not in ("prefixItems", "patternProperties"):  # neither generator draws these
                out[key] = value
        if out.get("enum") == []:
            return False  # no value is valid
        if "prefixItems" in node:  # tuples: drawn empty (still valid unless minItems says otherwise)
            out["maxItems"] = 0
        if out.get("type") == "array" and "items" not in out:
            out["items"] = {}
        if isinstance(out.get("properties"), dict) and self.mode != "open":
            out.setdefault("additionalProperties", False)
            if self.mode == "full":
                out["required"] = sorted(out["properties"])
        if self.openapi30:
            for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
                if out.get(exclusive) is True and bound in out:
                    out[exclusive] = out.pop(bound)
                elif isinstance(out.get(exclusive), bool):
                    del out[exclusive]
            if node.get("nullable") is True:
                out = _or_null(out)
        return out


def _or_null(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        schema["type"] = [*kind, "null"]
    elif kind is None and any(k in schema for k in ("allOf", "anyOf", "oneOf", "enum", "const")):
        return {"anyOf": [schema, {"type": "null"}]}
    if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    return schema


MODES = ("full", "open")
_jsf_string.format_map[DATE_TIME_FORMAT] = _random_timestamp


def instances(doc: dict[str, Any], pointer: list[str | int], seed: str) -> Iterator[Any]:
    """jsf's instances of the schema at ``pointer``, one per mode (see :class:`Converter`)."""
    for mode in MODES:
        yield jsf_draw(Converter(doc, mode).schema_at(pointer), f"{seed}:{mode}", full=mode == "full")


def jsf_draw(schema: Any, seed: str, *, full: bool) -> Any:
    """One jsf instance; the same ``seed`` gives the same instance."""
    random.seed(seed)
    Faker.seed(seed)
    return JSF(
        schema, allow_none_optionals=0.0 if full else 0.5, max_recursive_depth=MAX_REF_DEPTH
    ).generate()


__all__ = [
    "DATE_TIME_FORMAT",
    "MAX_NESTED_MODELS",
    "MAX_REF_DEPTH",
    "MODES",
    "Converter",
    "instances",
    "jsf_draw",
]
