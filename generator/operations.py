"""What our templates need to know about an operation, as plain data.

openapi-python-client parses the document into ``Endpoint`` objects. Our templates do not
reach into those; they render :class:`OperationView` and :class:`GroupView`, computed here
once per operation. This is where the SDK-level decisions live:

- every parameter is keyword-only; a spec parameter whose name collides with a per-call
  option (``max_retries``, ``timeout``) gets a trailing underscore;
- which operations may be retried after a failure that reached the server (``idempotent``);
- which operations are cursor-paginated, and how (``Pagination``).

Strings that came from the document are escaped here: literals with ``repr``, docstring
text with openapi-python-client's ``safe_for_docstring``.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Sequence
from typing import Any

import attrs
from openapi_python_client import strings
from openapi_python_client.parser.openapi import Endpoint, EndpointCollection
from openapi_python_client.parser.properties import EnumProperty, ModelProperty
from openapi_python_client.parser.properties.boolean import BooleanProperty
from openapi_python_client.parser.properties.float import FloatProperty
from openapi_python_client.parser.properties.int import IntProperty
from openapi_python_client.parser.properties.list_property import ListProperty
from openapi_python_client.parser.properties.protocol import PropertyProtocol
from openapi_python_client.parser.properties.string import StringProperty

from .document_text import doc, text
from .errors import BuildError
from .models import type_view
from .naming import pascal_case
from .passes.schemas import operations as operations_of

# Per-call options every generated method takes besides the operation's own parameters.
CALL_OPTIONS = ("max_retries", "timeout", "extra_headers", "extra_query", "extra_body")
# Names the generated functions use besides their parameters (locals, module globals, the
# resource method's ``self``/``operation``); a parameter spelled like one gets a trailing
# underscore, so the document cannot shadow them (``?operation=<module ...>`` was sent once).
RESERVED_PARAMETER_NAMES = frozenset(
    {*CALL_OPTIONS, "self", "operation", "options", "params", "headers", "body", "client", "jsonable",
     "path_segment", "build_options", "build_response", "parse_response", "httpx", "Any", "Sequence",
     "Response", "HTTP_METHOD", "PATH", "IDEMPOTENT", "annotations", "isinstance", "str", "request_body",
     "json_body", "datetime", "Mapping"}
)  # fmt: skip
# HTTP methods whose repetition cannot double an effect (RFC 9110, section 9.2.2).
IDEMPOTENT_METHODS = frozenset({"get", "head", "options", "put", "delete"})
# ConductorOne serves reads as POST too (searches, listings with a filter body): a POST
# whose generated name starts with one of these words only reads, and may be repeated.
# Not "get": a POST named get... may change state (paper_secret.get_content counts views).
READ_ONLY_NAME_WORDS = ("list", "search")
# Where the cursor goes, by the parameter's location and the names the API uses.
CURSOR_PARAMETERS = {"query": "page_token", "body": "pageToken"}
NEXT_CURSOR_FIELD = "nextPageToken"
ITEMS_FIELD = "list"
RESOURCE_SUFFIXES = ("Resource", "Operations", "Group")


@attrs.frozen
class Parameter:
    python_name: str
    wire_name: str  # as sent: a Python literal (repr)
    location: str  # "path", "query", "header" or "body"
    annotation: str
    required: bool
    description: str

    source: str = ""  # body fields: the model's Python name of the field
    required_in_body: bool = False  # body fields: the model requires it (unless body= is given)

    @property
    def signature(self) -> str:
        if self.required:
            return f"{self.python_name}: {self.annotation}"
        # None, like leaving it out, sends nothing (page_token=None: the first page)
        return f"{self.python_name}: {self.annotation} | None = None"


@attrs.frozen
class Pagination:
    """How to walk every page: the cursor goes to ``options[container][cursor]``."""

    container: str  # "params" (query string) or "json" (request body)
    cursor: str  # a Python literal (repr) of the wire name
    items_attribute: str  # the response model's attribute holding a page's items
    next_attribute: str  # the response model's attribute holding the next cursor
    item_annotation: str


@attrs.frozen
class OperationView:
    module: str  # api/<group>/<module>.py
    method_name: str
    http_method: str
    path_parts: tuple[tuple[bool, str], ...]  # (is_parameter, python name or literal)
    parameters: tuple[Parameter, ...]
    body: Parameter | None
    body_fields: tuple[Parameter, ...]  # the body model's fields, also keyword arguments
    body_required: bool  # the document requires a body: {} is sent when nothing is given
    response_annotation: str
    response_class: str | None  # the model whose from_dict parses a 2xx body; None: kept as JSON
    summary: str
    description: str
    http_path: str  # for docstrings
    path: str  # the path template as the document writes it
    response_status: str | None  # the 2xx status whose body parse_response reads
    body_class: str | None  # the request body's model class, if it has one
    example: str  # a runnable call of the facade method, for its docstring and the reference
    path_literal: str  # the path template as a Python literal
    idempotent: bool
    pagination: Pagination | None
    imports: tuple[str, ...]  # model imports, relative to api/<group>/

    @property
    def all_parameters(self) -> tuple[Parameter, ...]:
        return self.parameters + self.body_fields + ((self.body,) if self.body else ())

    @property
    def call_forms(self) -> tuple[tuple[Parameter, ...], ...]:
        """The overloads type checkers see when the body has required fields: the fields as
        keywords (those required), or ``body=`` (required); empty: no overloads needed."""
        if not any(field.required_in_body for field in self.body_fields) or self.body is None:
            return ()
        fields = tuple(attrs.evolve(f, required=f.required_in_body) for f in self.body_fields)
        return self.parameters + fields, (*self.parameters, attrs.evolve(self.body, required=True))

    def by_location(self, location: str) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)


@attrs.frozen
class GroupView:
    name: str  # attribute on the client and package under api/
    sync_class: str
    async_class: str
    operations: tuple[OperationView, ...]

    @property
    def imports(self) -> tuple[str, ...]:
        return tuple(sorted({line for op in self.operations for line in op.imports}))

    def uses(self, text: str) -> bool:
        """Whether ``text`` (a name) appears in a parameter's annotation of this group."""
        return any(text in p.annotation for op in self.operations for p in op.all_parameters)

    @property
    def has_overloads(self) -> bool:
        return any(op.call_forms for op in self.operations)

    @property
    def has_pagination(self) -> bool:
        return any(op.pagination for op in self.operations)


def _annotation(prop: PropertyProtocol) -> str:
    """What a parameter takes (without None): enums also as their values, lists as any sequence."""
    try:
        return type_view(prop, str(prop.python_name)).input
    except BuildError:
        return prop.get_type_string(no_optional=True).as_unembedded_code()


def _python_name(prop: PropertyProtocol) -> str:
    name = str(prop.python_name)
    while name in RESERVED_PARAMETER_NAMES:
        name += "_"
    return name


def _unique_names(parameters: list[Parameter], taken: set[str] | None = None) -> list[Parameter]:
    """Parameters whose Python names collided after renaming get a number (in order)."""
    taken = set(taken or ())
    unique = []
    for parameter in parameters:
        name, number = parameter.python_name, 2
        while name in taken:
            name, number = f"{parameter.python_name}{number}", number + 1
        taken.add(name)
        unique.append(attrs.evolve(parameter, python_name=name))
    return unique


def _parameter(prop: PropertyProtocol, location: str) -> Parameter:
    return Parameter(
        python_name=_python_name(prop),
        wire_name=repr(text(prop.name)),
        location=location,
        annotation=_annotation(prop),
        required=bool(prop.required),
        description=doc(prop.description),
    )


def _path_parts(path: str, parameters: dict[str, str]) -> tuple[tuple[bool, str], ...]:
    parts: list[tuple[bool, str]] = []
    for index, piece in enumerate(re.split(r"\{([^{}]+)\}", path)):
        if index % 2:
            parts.append((True, parameters[piece]))
        elif piece:
            parts.append((False, repr(piece)))
    return tuple(parts)


def _model_fields(model: ModelProperty) -> dict[str, PropertyProtocol]:
    fields = [*(model.required_properties or ()), *(model.optional_properties or ())]
    return {text(prop.name): prop for prop in fields}


def _pagination(
    endpoint: Endpoint, response: PropertyProtocol | None, body: PropertyProtocol | None
) -> Pagination | None:
    if not isinstance(response, ModelProperty):
        return None
    fields = _model_fields(response)
    items = fields.get(ITEMS_FIELD)
    next_cursor = fields.get(NEXT_CURSOR_FIELD)
    if not isinstance(items, ListProperty) or next_cursor is None:
        return None
    if any(text(p.name) == CURSOR_PARAMETERS["query"] for p in endpoint.query_parameters):
        container, cursor = "params", CURSOR_PARAMETERS["query"]
    elif isinstance(body, ModelProperty) and CURSOR_PARAMETERS["body"] in _model_fields(body):
        container, cursor = "json", CURSOR_PARAMETERS["body"]
    else:
        return None
    return Pagination(
        container=container,
        cursor=repr(cursor),
        items_attribute=str(items.python_name),
        next_attribute=str(next_cursor.python_name),
        item_annotation=items.inner_property.get_type_string(no_optional=True).as_unembedded_code(),
    )


def _model_imports(props: Sequence[PropertyProtocol]) -> set[str]:
    found: set[str] = set()
    for prop in props:
        for line in (*prop.get_imports(prefix="..."), *prop.get_lazy_imports(prefix="...")):
            if line.startswith("from ...models"):
                found.add(line)
        if isinstance(prop, ListProperty):
            found |= _model_imports([prop.inner_property])
    return found


def _dict_import(body: PropertyProtocol | None, dict_names: dict[str, str]) -> set[str]:
    if not isinstance(body, ModelProperty):
        return set()
    cls = body.class_info.name
    return {f"from ...models.{body.class_info.module_name} import {dict_names[cls]}"}


def _body_fields(model: ModelProperty, taken: set[str]) -> list[Parameter]:
    """The body model's fields as keyword arguments, all optional (``body=`` may give them).

    A field keeps its name unless a path, query or header parameter, a per-call option or a
    name the generated function uses has it; then it is ``body_<name>`` (``c1.x.update(id=...,
    body_id=...)``), numbered if even that is taken.
    """
    fields = []
    for prop in [*(model.required_properties or ()), *(model.optional_properties or ())]:
        source = str(prop.python_name)
        name = source if source not in taken and source not in RESERVED_PARAMETER_NAMES else f"body_{source}"
        view = _parameter(prop, "body field")
        if not view.description:
            view = attrs.evolve(view, description=doc(f"the ``{text(prop.name)}`` field of the body."))
        fields.append(
            attrs.evolve(
                view, python_name=name, source=source, required=False, required_in_body=view.required
            )
        )
    return _unique_names(fields, taken)


def operation_view(
    endpoint: Endpoint,
    field_prefix: str,
    document_path: str | None,
    group: str,
    dict_names: dict[str, str],
) -> OperationView:
    """Everything the endpoint module and the resource method render for one operation.

    ``document_path`` is the path as the document writes it (openapi-python-client rewrites
    the path's parameter names into Python names: ``{thingId}`` -> ``{thing_id}``).
    """
    typed_parameters = [*endpoint.path_parameters, *endpoint.query_parameters, *endpoint.header_parameters]
    parameters = _unique_names(
        [
            *(_parameter(p, "path") for p in endpoint.path_parameters),
            *(_parameter(p, "query") for p in endpoint.query_parameters),
            *(_parameter(p, "header") for p in endpoint.header_parameters),
        ]
    )
    by_template_name = {
        str(p.python_name): view.python_name
        for p, view in zip(endpoint.path_parameters, parameters, strict=False)
    }
    json_bodies = [b for b in endpoint.bodies if text(b.body_type) == "json"]
    body_prop = json_bodies[0].prop if json_bodies else None
    body = _parameter(body_prop, "body") if body_prop is not None else None
    body_fields: list[Parameter] = []
    if body is not None:
        body = attrs.evolve(body, python_name="body", wire_name="'body'", required=False)
        if isinstance(body_prop, ModelProperty):
            cls = body_prop.class_info.name
            body = attrs.evolve(
                body,
                annotation=f"{cls} | {dict_names[cls]}",
                description=f"the whole body: a ``{cls}``, or a dict with the API's JSON keys (checked before sending).",
            )
            body_fields = _body_fields(body_prop, {p.python_name for p in parameters})
    successes = [r for r in endpoint.responses if text(r.status_code.pattern).startswith("2")]
    response_prop = successes[0].prop if successes else None
    response_class = response_prop.class_info.name if isinstance(response_prop, ModelProperty) else None
    pagination = _pagination(endpoint, response_prop, body_prop)
    name = str(strings.PythonIdentifier(endpoint.name, field_prefix))
    method = endpoint.method.lower()
    path = text(endpoint.path)  # with openapi-python-client's parameter names
    original_path = document_path or path
    typed = [*endpoint.path_parameters, *endpoint.query_parameters, *endpoint.header_parameters]
    typed += [body_prop] if body_prop is not None else []
    if isinstance(body_prop, ModelProperty):  # the body's fields are keyword arguments too
        typed += [*(body_prop.required_properties or ()), *(body_prop.optional_properties or ())]
    typed += [response_prop] if response_class is not None and response_prop is not None else []
    return OperationView(
        module=name,
        method_name=_method_name(str(endpoint.name)),
        http_method=method.upper(),
        path_parts=_path_parts(path, by_template_name),
        parameters=tuple(parameters),
        body=body,
        body_fields=tuple(body_fields),
        body_required=bool(body_prop is not None and body_prop.required),
        response_annotation=response_class or "Any",
        response_class=response_class,
        summary=doc(endpoint.summary),
        description=doc(endpoint.description),
        http_path=doc(original_path),
        path=original_path,
        response_status=text(successes[0].status_code.pattern) if response_class and successes else None,
        body_class=body_prop.class_info.name if isinstance(body_prop, ModelProperty) else None,
        example=_example(
            group,
            _method_name(str(endpoint.name)),
            [(view, prop) for view, prop in zip(parameters, typed_parameters, strict=True)],
            body_prop,
            body_fields,
        ),
        path_literal=repr(original_path),
        idempotent=method in IDEMPOTENT_METHODS
        or (method == "post" and str(endpoint.name).split("_")[0] in READ_ONLY_NAME_WORDS),
        pagination=pagination,
        imports=tuple(
            sorted(
                _model_imports(typed)
                | _pagination_imports(response_prop, pagination)
                | _dict_import(body_prop, dict_names)
            )
        ),
    )


def _example_value(prop: PropertyProtocol, imports: set[str], name: str, depth: int = 0) -> str | None:
    """A Python expression of a valid value for ``prop`` (None: none that is simple to write)."""
    if isinstance(prop, EnumProperty):
        imports.add(prop.class_info.name)
        member = next(iter(prop.values))
        return f"{prop.class_info.name}.{member}"
    if isinstance(prop, ModelProperty):
        if depth > 2:
            return None
        imports.add(prop.class_info.name)
        arguments = []
        for field in prop.required_properties or []:
            value = _example_value(field, imports, str(field.python_name), depth + 1)
            if value is None:
                return None
            arguments.append(f"{field.python_name}={value}")
        return f"{prop.class_info.name}({', '.join(arguments)})"
    if isinstance(prop, ListProperty):
        return "[]"
    if isinstance(prop, BooleanProperty):
        return "True"
    if isinstance(prop, IntProperty):
        return "1"
    if isinstance(prop, FloatProperty):
        return "1.5"
    if isinstance(prop, StringProperty):
        return repr(f"{name}-1")
    return None


def _example(
    group: str,
    method: str,
    parameters: list[tuple[Parameter, PropertyProtocol]],
    body: PropertyProtocol | None,
    body_fields: Sequence[Parameter] = (),
) -> str:
    """A short runnable use of ``c1.<group>.<method>``: required arguments, a body if there is one."""
    imports: set[str] = set()
    arguments = []
    for view, prop in parameters:
        if view.required:
            value = _example_value(prop, imports, view.python_name)
            arguments.append(f"{view.python_name}={value if value is not None else '...'}")
    if isinstance(body, ModelProperty):
        for field, view in zip(body.required_properties or (), body_fields, strict=False):
            value = _example_value(field, imports, str(field.python_name))
            arguments.append(f"{view.python_name}={value if value is not None else '...'}")
    elif body is not None:
        value = _example_value(body, imports, "body")
        if value is not None:
            arguments.append(f"body={value}")
    lines = ["from conductorone import ConductorOne"]
    if imports:
        lines.append(f"from conductorone_api.models import {', '.join(sorted(imports))}")
    lines += [
        "",
        "with ConductorOne() as c1:",
        f"    result = c1.{group}.{method}({', '.join(arguments)})",
        "    print(result)",
    ]
    return "\n".join(lines)


def _method_name(name: str) -> str:
    """openapi-python-client appends "_" to builtins' names too (``list_``); a method may be ``list``."""
    base = name[:-1] if name.endswith("_") else name
    return base if base.isidentifier() and not keyword.iskeyword(base) and base not in CALL_OPTIONS else name


def _pagination_imports(response: PropertyProtocol | None, pagination: Pagination | None) -> set[str]:
    if pagination is None or not isinstance(response, ModelProperty):
        return set()
    return _model_imports([_model_fields(response)[ITEMS_FIELD]])


def group_view(
    tag: str,
    collection: EndpointCollection,
    field_prefix: str,
    paths: dict[tuple[str, str], str],
    dict_names: dict[str, str],
) -> GroupView:
    operations = tuple(
        operation_view(endpoint, field_prefix, paths.get((tag, str(endpoint.name))), tag, dict_names)
        for endpoint in collection.endpoints
    )
    imported = {line.rsplit(" import ", 1)[1] for op in operations for line in op.imports}
    base = pascal_case(tag)
    suffix = next((s for s in RESOURCE_SUFFIXES if f"{base}{s}" not in imported), RESOURCE_SUFFIXES[-1] + "_")
    return GroupView(
        name=tag, sync_class=f"{base}{suffix}", async_class=f"Async{base}{suffix}", operations=operations
    )


def document_paths(doc: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(group, operationId) -> the path as the document writes it (after the naming pass)."""
    return {
        (str(operation["tags"][0]), str(operation["operationId"])): str(
            operation.get("x-document-path", path)
        )
        for path, _method, operation in operations_of(doc)
        if operation.get("tags") and operation.get("operationId")
    }


def reference_index(groups: list[GroupView]) -> list[tuple[str, str, str, str]]:
    """(HTTP method, path, group, method) of every operation, by path then HTTP method."""
    return sorted(
        (op.http_method, op.path, group.name, op.method_name) for group in groups for op in group.operations
    )


def template_globals(
    collections: dict[Any, EndpointCollection],
    field_prefix: str,
    doc: dict[str, Any],
    dict_names: dict[str, str],
) -> dict[str, Any]:
    """Functions and data our templates call (registered on openapi-python-client's environment)."""
    paths = document_paths(doc)
    groups = {
        str(tag): group_view(str(tag), c, field_prefix, paths, dict_names)
        for tag, c in sorted(collections.items())
    }
    views = {  # each endpoint's view, computed once for its module and its group's class
        id(endpoint): view
        for tag, collection in collections.items()
        for endpoint, view in zip(collection.endpoints, groups[str(tag)].operations, strict=True)
    }
    return {
        "reference_index": reference_index,
        "operation_groups": list(groups.values()),
        "group_of": lambda collection: groups[str(collection.tag)],
        "operation_of": lambda endpoint: views[id(endpoint)],
    }
