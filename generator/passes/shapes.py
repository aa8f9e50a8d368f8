"""Schema shapes: every construct of an OpenAPI 3.0/3.1 Schema Object gets one defined result.

openapi-python-client types what it understands and, for some shapes it does not, produces a
model that reads nothing (a one-member ``allOf`` around a date-time becomes an empty object
model) or fails the schema. This pass rewrites each schema into a shape whose generated code
reads every valid instance, or stops the build naming the JSON pointer and the construct.
It runs after ``nullability`` (so ``null`` is gone from every type) and before the naming
passes. The build's verification step (``generator/verify.py``) then proves the result on
generated instances of the *original* schemas.

=====================================  ==================================================
construct                              result
=====================================  ==================================================
``allOf``/``anyOf``/``oneOf`` with     folded into the schema: the member's keywords are
one member (siblings such as           merged in, the schema's own annotations
``description``, ``readOnly``,         (description, readOnly, format, ...) win; a ``$ref``
``format``, ``nullable``)              member becomes ``$ref`` with those siblings
one-member ``allOf`` of a ``$ref``     a model with the referenced fields and its own:
beside ``properties``/``required``     ``allOf: [$ref, {properties, required}]``, all typed
one-member ``anyOf``/``oneOf`` beside  an ``allOf`` (that is what it means)
structural keywords
``{}``, ``true``, no ``type`` and      any JSON value (``Any``), also as map values and
nothing that implies one               array items
``type`` list of every JSON type, or   any JSON value (``Any``)
of object/array plus another type
``type`` list of scalar types          a union (``int | str``)
no ``type`` but ``properties``,        ``type: object`` / ``type: array`` / the enum's type
``items`` or an ``enum``
``type: array`` without ``items``,     ``list[Any]``
``items`` as a list, ``prefixItems``
``patternProperties``                  values kept in ``additional_properties`` (``Any``)
property schema ``false``              the property is removed (it can never be present)
``enum: []``, ``enum`` of mixed types  the enum is dropped; the type stays (inferred for
                                       one JSON type, else ``Any``)
``null`` in an ``enum``                removed (null means absent)
enum values whose member names         members named by ``x-enum-varnames``: the first keeps
collide (``asc``/``ASC``, ``a b``/     its name, the next get ``_2``, ``_3`` (openapi-python-
``a-b``), also ``x-enum-varnames``     client would fail, or silently drop one)
that collide once made identifiers
an enum value with a control           the enum is dropped (plain ``str``): the generator
character (newline, tab, ...)          cannot write such a value exactly
property name with a control           build error
character
``const``                              the value's JSON type (the API checks the value;
                                       the client neither narrows nor rewrites it)
``default``                            removed: the server applies its own defaults, and a
                                       client never sends a value the user did not set
string ``format`` ``date-time``        ``datetime.datetime`` (RFC 3339, ``Z``, up to
                                       nanoseconds: parsed to microseconds)
string ``format`` ``date``             ``datetime.date``
any other string ``format``            ``str`` (``duration``, ``int64``/``uint64``,
(``duration``, ``int64``, ``byte``,    ``byte``, ``uuid`` are kept exactly as sent)
``uuid``, ``binary``, ...)
``integer``/``number`` formats         ``int`` / ``float``
``not``, ``if``/``then``/``else``,     ignored: they only constrain valid values, which is
``contains``, ``dependent*``,          the server's job; the fields they describe are kept
``propertyNames``, ``unevaluated*``,   as ``additional_properties``
``minimum``, ``pattern``, ...
``null`` items in arrays               dropped when a response is read (template rule)
``allOf`` members with different       build error
types; ``type`` not a JSON type;
a schema that is not an object or a
boolean; an inline model nested so
deep that its class name (made of
every enclosing property's name)
would not fit in a file name
=====================================  ==================================================
"""

from __future__ import annotations

import unicodedata
from typing import Any

from openapi_python_client.strings import snake_case as oapc_snake_case

from ..errors import DocumentError
from ..loader import Document
from .schemas import Pointer, located_schemas

JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})
SCALAR_TYPES = frozenset({"string", "number", "integer", "boolean"})
TYPED_FORMATS = frozenset({"date-time", "date"})
COMBINATORS = ("allOf", "anyOf", "oneOf")
# Keywords that only annotate a schema: a wrapper with just these beside one member is a fold.
ANNOTATIONS = frozenset(
    {"description", "title", "readOnly", "writeOnly", "deprecated", "example", "examples", "format",
     "externalDocs", "xml", "$comment", "discriminator"}
)  # fmt: skip
# Keywords that only constrain which values are valid; the client leaves that to the server.
CONSTRAINTS = (
    "not", "if", "then", "else", "contains", "minContains", "maxContains", "dependentSchemas",
    "dependentRequired", "propertyNames", "unevaluatedProperties", "unevaluatedItems",
    "additionalItems", "default",
)  # fmt: skip


def normalise_shapes(doc: Document) -> None:
    """Rewrite every schema of ``doc`` in place, children before their parents."""
    for pointer, schema in reversed(list(located_schemas(doc))):
        _normalise(schema, pointer)


# openapi-python-client names an inline model after every property that encloses it, and
# writes it to <snake_case name>.py; file names are limited to 255 bytes.
MAX_INLINE_NAME = 200


def _normalise(schema: dict[str, Any], pointer: Pointer) -> None:
    if "properties" in schema or "enum" in schema:
        _check_inline_name(pointer)
    _booleans(schema, pointer)
    for key in CONSTRAINTS:
        schema.pop(key, None)
    for _ in range(64):  # folding can expose another wrapper; each round removes one level
        if not _fold_single_member(schema, pointer):
            break
    _types(schema, pointer)
    _enum_and_const(schema)
    _format(schema)
    _arrays_and_maps(schema)


def _check_inline_name(pointer: Pointer) -> None:
    parts = [str(p) for i, p in enumerate(pointer[1:], 1) if pointer[i - 1] == "properties"]
    estimate = 40 + sum(len(oapc_snake_case(part)) + 1 for part in parts) + 5 * pointer.count("items")
    if estimate > MAX_INLINE_NAME:
        raise DocumentError(
            pointer,
            f"an inline schema {len(parts)} properties deep would get a class name of ~{estimate} characters, "
            "too long for a file name; make one of its enclosing schemas a component",
        )


def _booleans(schema: dict[str, Any], pointer: Pointer) -> None:
    """Boolean schemas (3.1): ``true`` reads anything, a ``false`` property never occurs."""
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name in [n for n, value in properties.items() if value is False]:
            del properties[name]
        for name, value in properties.items():
            if _has_control(name):
                raise DocumentError(
                    (*pointer, "properties", name), f"property name {name!r} has a control character"
                )
            if value is True:
                properties[name] = {}
            elif not isinstance(value, dict):
                raise DocumentError(
                    (*pointer, "properties", name), f"a schema must be an object, not {value!r}"
                )
    for key in ("items", "additionalProperties"):
        value = schema.get(key)
        if value is True or (value is False and key == "items"):
            schema[key] = {}
        elif value is not None and not isinstance(value, (dict, bool)) and key == "additionalProperties":
            raise DocumentError((*pointer, key), f"a schema must be an object or a boolean, not {value!r}")
    for key in COMBINATORS:
        members = schema.get(key)
        if members is None:
            continue
        if not isinstance(members, list):
            raise DocumentError((*pointer, key), f"'{key}' must be a list of schemas")
        kept = [{} if m is True else m for m in members if m is not False]
        for index, member in enumerate(kept):
            if not isinstance(member, dict):
                raise DocumentError((*pointer, key, index), f"a schema must be an object, not {member!r}")
        schema[key] = kept
        if not kept:
            del schema[key]


def _fold_single_member(schema: dict[str, Any], pointer: Pointer) -> bool:
    for key in COMBINATORS:
        members = schema.get(key)
        if not (isinstance(members, list) and len(members) == 1):
            continue
        if any(other in schema for other in COMBINATORS if other != key):
            continue
        member = members[0]
        siblings = {k for k in schema if k != key and not k.startswith("x-")}
        if "$ref" in member:
            if siblings <= ANNOTATIONS:
                del schema[key]
                schema["$ref"] = member["$ref"]
                return True
            if key != "allOf":  # one alternative beside own keywords: both apply
                schema["allOf"] = schema.pop(key)
                return True
            # the referenced model and own fields (properties, required): a second member
            # with them, so the model has both (openapi-python-client ignores them beside allOf)
            own = {k: schema.pop(k) for k in sorted(siblings - ANNOTATIONS)}
            if "properties" in own or "required" in own:
                own.setdefault("type", "object")
            schema["allOf"] = [member, own]
            return True
        del schema[key]
        _merge(schema, member, (*pointer, key, 0))
        return True
    return False


def _merge(schema: dict[str, Any], member: dict[str, Any], pointer: Pointer) -> None:
    """Merge an inline member into ``schema``; the schema's own annotations win."""
    for key, value in member.items():
        if key not in schema:
            schema[key] = value
        elif key == "properties" and isinstance(value, dict) and isinstance(schema[key], dict):
            schema[key] = {**value, **schema[key]}
        elif key == "required" and isinstance(value, list) and isinstance(schema[key], list):
            schema[key] = list(dict.fromkeys([*schema[key], *value]))
        elif key == "type" and _type_set(value) != _type_set(schema[key]):
            raise DocumentError(pointer, f"type {value!r} conflicts with the enclosing type {schema[key]!r}")


def _type_set(value: Any) -> frozenset[str]:
    return frozenset(value) if isinstance(value, list) else frozenset([value])


def _types(schema: dict[str, Any], pointer: Pointer) -> None:
    kind = schema.get("type")
    if kind is None:
        if "$ref" in schema or any(k in schema for k in COMBINATORS):
            return
        if isinstance(schema.get("properties"), dict) or "additionalProperties" in schema:
            schema["type"] = "object"
        elif "items" in schema or "prefixItems" in schema:
            schema["type"] = "array"
        return  # enums are typed by _enum_and_const; anything else reads any JSON value
    kinds = kind if isinstance(kind, list) else [kind]
    for entry in kinds:
        if entry not in JSON_TYPES:
            raise DocumentError((*pointer, "type"), f"unknown type {entry!r} (JSON Schema types: "
                                f"{', '.join(sorted(JSON_TYPES))})")  # fmt: skip
    rest = sorted(set(kinds) - {"null"})
    if len(rest) == 1:
        schema["type"] = rest[0]
    elif not rest or not set(rest) <= SCALAR_TYPES:
        _make_any(schema)  # every type, or object/array beside others: any JSON value
    else:
        schema["type"] = rest


def _make_any(schema: dict[str, Any]) -> None:
    for key in [k for k in schema if k not in ANNOTATIONS and not k.startswith("x-")]:
        del schema[key]
    schema.pop("format", None)


def _enum_and_const(schema: dict[str, Any]) -> None:
    if "const" in schema:
        inferred = _json_type([schema.pop("const")])
        if inferred and "type" not in schema:
            schema["type"] = inferred
    values = schema.get("enum")
    if values is None:
        return
    values = [v for v in values if v is not None] if isinstance(values, list) else []
    inferred = _json_type(values)
    declared = schema.get("type")
    if not values or inferred is None or (isinstance(declared, str) and declared != inferred
                                          and {declared, inferred} != {"number", "integer"}):  # fmt: skip
        del schema["enum"]
        if declared is None and inferred is not None:
            schema["type"] = inferred
        return
    if any(isinstance(v, str) and _has_control(v) for v in values):
        del schema["enum"]
        schema.setdefault("type", inferred)
        return
    schema["enum"] = values
    schema.setdefault("type", inferred)
    given = schema.get("x-enum-varnames")
    if isinstance(given, list) and len(given) == len(values) and all(isinstance(n, str) for n in given):
        # openapi-python-client names the members snake_case(name).upper() and keeps the last
        # of two that become one name ("a b" and "a-b"): number them instead, none is lost
        sanitised = [oapc_snake_case(name).upper() for name in given]
        if len(set(sanitised)) != len(sanitised):
            schema["x-enum-varnames"] = _numbered(sanitised)
    elif inferred == "string":
        names = _member_names(values)
        if names is not None:
            schema["x-enum-varnames"] = names


def _has_control(text: str) -> bool:
    """Characters openapi-python-client drops from the string literals it writes."""
    return any(
        (unicodedata.category(c).startswith("C") and c not in "\b\t\f")
        or unicodedata.category(c) in ("Zl", "Zp")
        for c in text
    )


def _member_names(values: list[Any]) -> list[str] | None:
    """Unique member names for a string enum, or None when openapi-python-client's own are unique."""
    default = [
        oapc_snake_case(v.upper() if v and v[0].isalpha() else f"VALUE_{i}").upper()
        for i, v in enumerate(values)
    ]
    if len(set(default)) == len(default):
        return None
    return _numbered(default)


def _numbered(default: list[str]) -> list[str]:
    """``default`` with each repeated name numbered: the first keeps it, the next get _2, _3."""
    names: list[str] = []
    for name in default:
        unique, number = name, 2
        while unique in names:
            unique, number = f"{name}_{number}", number + 1
        names.append(unique)
    return names


def _json_type(values: list[Any]) -> str | None:
    """The one JSON type of ``values``, or None if they are of several types (or none)."""
    kinds = set()
    for value in values:
        if isinstance(value, bool):
            kinds.add("boolean")
        elif isinstance(value, int):
            kinds.add("integer")
        elif isinstance(value, float):
            kinds.add("number")
        elif isinstance(value, str):
            kinds.add("string")
        else:
            kinds.add("other")
    if kinds == {"integer", "number"}:
        return "number"
    return next(iter(kinds)) if len(kinds) == 1 and "other" not in kinds else None


def _format(schema: dict[str, Any]) -> None:
    """Only ``date-time`` and ``date`` strings get a Python type; other formats stay ``str``."""
    typed = schema.get("type") == "string" and schema.get("format") in TYPED_FORMATS
    if (
        "format" in schema
        and not typed
        and (schema.get("type") == "string" or not isinstance(schema["format"], str))
    ):
        del schema["format"]


def _arrays_and_maps(schema: dict[str, Any]) -> None:
    if schema.get("type") == "array":
        schema.pop("prefixItems", None)
        if not isinstance(schema.get("items"), dict):
            schema["items"] = {}
    if isinstance(schema.get("patternProperties"), dict):
        del schema["patternProperties"]
        if (
            not isinstance(schema.get("additionalProperties"), dict)
            or schema["additionalProperties"] is False
        ):
            schema["additionalProperties"] = {}
