"""What our model template needs to know about a model, as plain data (like operations.py for operations).

openapi-python-client parses each schema into a ``ModelProperty``. The generated models are
ours (``templates/model.py.jinja`` on the ``Model`` base of ``templates/types.py.jinja``):
a model keeps the JSON object it was read from and converts a field on first access, so
parsing a response costs about what ``json.loads`` costs. For each field this module works
out, once:

- the types: what the attribute returns (``X | None``), what ``__init__`` and the setter
  take (enums also as another enum with the same value or the plain value; lists as any
  sequence), and what a dict body may hold under its JSON key (``...Dict`` TypedDicts);
- the *reader*: a module-level function turning the JSON value into the Python one, or
  none when the JSON value already is it (strings, numbers, booleans, free-form JSON);
- the *converter*: what ``__init__`` and the setter apply to a user's value (enums, lists).

Unknown property kinds are a build error, so a new construct cannot silently read wrong.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Iterable
from typing import Any

import attrs
from openapi_python_client.parser.properties import AnyProperty, EnumProperty, ModelProperty
from openapi_python_client.parser.properties.boolean import BooleanProperty
from openapi_python_client.parser.properties.date import DateProperty
from openapi_python_client.parser.properties.datetime import DateTimeProperty
from openapi_python_client.parser.properties.float import FloatProperty
from openapi_python_client.parser.properties.int import IntProperty
from openapi_python_client.parser.properties.list_property import ListProperty
from openapi_python_client.parser.properties.none import NoneProperty
from openapi_python_client.parser.properties.protocol import PropertyProtocol
from openapi_python_client.parser.properties.string import StringProperty
from openapi_python_client.parser.properties.union import UnionProperty
from openapi_python_client.parser.properties.uuid import UuidProperty

from .document_text import doc, text
from .errors import BuildError

# A model's TypedDict, named once every class name is known (see dict_names).
_DICT_PLACEHOLDER = re.compile(r"<dict:(\w+)>")
# JSON values a field of these kinds holds as is: no reader, no converter.
_PLAIN = {StringProperty: ("str", "string"), UuidProperty: ("str", "string"), IntProperty: ("int", "integer"),
          FloatProperty: ("float", "number"), BooleanProperty: ("bool", "boolean"), AnyProperty: ("Any", "any"),
          NoneProperty: ("None", "null")}  # fmt: skip
_CHECKED_JSON_TYPES = frozenset({"string", "integer", "number", "boolean"})


@attrs.frozen
class TypeView:
    """One property's types and conversions; ``read``/``convert`` are expressions of ``{}``."""

    annotation: str  # what reading the attribute gives (without None)
    input: str  # what __init__, the setter and a keyword argument take (without None)
    dict_value: str  # what a TypedDict body holds under the JSON key
    read: str | None  # expression turning JSON value ``{}`` into the Python value; None: as is
    convert: str | None  # expression turning a user's value ``{}`` into the stored one; None: as is
    models: frozenset[str]  # model classes it refers to (their modules are imported)
    enums: frozenset[str]  # enum classes it refers to
    child_model: str | None = None  # the model of the field or of its items, for dict checks
    json_type: str = "any"  # the JSON type it is read from (for unions): object, array, string, ...
    # what a user's value must be, checked where it is given (types.CHECKS: "string",
    # "integer", "datetime", "array[string]", ...); None: not checked here (any, unions, enums)
    check: str | None = None


@attrs.frozen
class FieldView:
    python_name: str
    key: str  # the JSON key, as a Python literal
    required: bool
    description: str
    types: TypeView
    reader: str | None  # name of the module-level reader function
    converter: str | None  # name of the module-level converter function
    index: int | None = None  # a converted field's place in Model._values; None: the JSON value is the value
    fast: bool = False  # read in C by attrgetter(key) (see types.plain_field)
    doc_literal: str = "''"  # the description as a Python literal, for the property made at run time


@attrs.frozen
class ModelView:
    class_name: str
    dict_name: str  # the TypedDict of the same object with the API's JSON keys
    description: str
    fields: tuple[FieldView, ...]
    functions: tuple[str, ...]  # code of the module-level readers and converters
    extra: TypeView | None  # values of keys the schema does not name; None: such keys are dropped
    extra_reader: str | None
    model_imports: tuple[str, ...]  # other model classes (imported at the end of the module)
    dict_refs: frozenset[str]  # the models whose TypedDicts this model's TypedDict refers to
    enum_imports: tuple[str, ...]
    uses_datetime: bool

    @property
    def checked_fields(self) -> tuple[FieldView, ...]:
        """Fields whose values are checked where a user gives them (see TypeView.check)."""
        return tuple(f for f in self.fields if f.types.check)

    @property
    def plain_fields(self) -> tuple[FieldView, ...]:
        return tuple(f for f in self.fields if f.index is None)

    @property
    def converted_fields(self) -> tuple[FieldView, ...]:
        return tuple(f for f in self.fields if f.index is not None)

    @property
    def required_fields(self) -> tuple[FieldView, ...]:
        return tuple(f for f in self.fields if f.required)

    @property
    def optional_fields(self) -> tuple[FieldView, ...]:
        return tuple(f for f in self.fields if not f.required)

    @property
    def children(self) -> tuple[tuple[str, str], ...]:
        """(JSON key literal, model class) of fields holding models, for checking dict bodies."""
        return tuple((f.key, f.types.child_model) for f in self.fields if f.types.child_model)


def type_view(prop: PropertyProtocol, where: str, depth: int = 0) -> TypeView:
    """The types and conversions of ``prop`` (``where`` names it in errors)."""
    for kind, (name, json_type) in _PLAIN.items():
        if type(prop) is kind:
            check = json_type if json_type in _CHECKED_JSON_TYPES else None
            return TypeView(
                name, name, name, None, None, frozenset(), frozenset(), json_type=json_type, check=check
            )
    if isinstance(prop, DateTimeProperty):
        return TypeView("datetime.datetime", "datetime.datetime", "datetime.datetime | str",
                        "parse_datetime({})", None, frozenset(), frozenset(), json_type="string",
                        check="datetime")  # fmt: skip
    if isinstance(prop, DateProperty):
        return TypeView("datetime.date", "datetime.date", "datetime.date | str", "parse_date({})", None,
                        frozenset(), frozenset(), json_type="string", check="date")  # fmt: skip
    if isinstance(prop, EnumProperty):
        # Type checkers see the enum or a Literal of its values, so a misspelt value or another
        # enum's member is flagged in the editor; at run time to_enum also takes another enum's
        # member with the same value and any value of the right type (a newer API may know it).
        cls = prop.class_info.name
        value = "int" if prop.value_type is int else "str"
        literal = f"{cls} | Literal[{', '.join(repr(v) for v in prop.values.values())}]"
        return TypeView(cls, literal, literal, f"enum_of({cls}, {{}})",
                        f'to_enum({cls}, {{}}, "{{field}}")', frozenset(), frozenset({cls}),
                        json_type="integer" if value == "int" else "string")  # fmt: skip
    if isinstance(prop, ModelProperty):
        cls = prop.class_info.name
        return TypeView(cls, cls, f"{cls} | <dict:{cls}>", f"{cls}.adopt({{}})", None, frozenset({cls}),
                        frozenset(), child_model=cls, json_type="object", check="object")  # fmt: skip
    if isinstance(prop, ListProperty):
        inner = type_view(prop.inner_property, where, depth + 1)
        item = f"item{depth}_"
        if inner.child_model and inner.read == f"{inner.child_model}.adopt({{}})":
            read = f"{inner.child_model}.adopt_list({{}})"  # one loop in Model, no call per item
        elif inner.read:
            read = f"[{_fill(inner.read, item)} for {item} in {{}} if {item} is not None]"
        else:
            read = "plain_list({})"
        convert = (
            f'None if {{}} is None else [{_fill(inner.convert, item)} for {item} in to_list({{}}, "{{field}}") or ()]'
            if inner.convert
            else 'to_list({}, "{field}")'
        )
        return TypeView(
            f"list[{inner.annotation}]", f"Sequence[{inner.input}]", f"Sequence[{inner.dict_value}]",
            read, convert, inner.models, inner.enums, child_model=inner.child_model, json_type="array",
            check=f"array[{inner.check}]" if inner.check else "array",
        )  # fmt: skip
    if isinstance(prop, UnionProperty):
        members = [type_view(member, where, depth + 1) for member in prop.inner_properties]
        union_read: str | None = None
        if any(member.read is not None for member in members):
            union_read = "read_union({}, (" + "".join(f"{_reader_lambda(m)}, " for m in members) + "))"
        return TypeView(
            _join(m.annotation for m in members), _join(m.input for m in members),
            _join(m.dict_value for m in members), union_read, None,
            frozenset().union(*(m.models for m in members)), frozenset().union(*(m.enums for m in members)),
        )  # fmt: skip
    raise BuildError(f"{where}: the generator has no reader for {type(prop).__name__} properties")


def _reader_lambda(member: TypeView) -> str:
    """A union member as ``read_union`` tries it, in order: (its JSON type, its reader or None);
    a model member is its class, so that read_union can choose the model that fits best."""
    if member.json_type == "object" and member.child_model:
        return f"('object', {member.child_model})"
    read = f"lambda value_: {_fill(member.read, 'value_')}" if member.read else "None"
    return f"({member.json_type!r}, {read})"


def _fill(expression: str, value: str) -> str:
    """``expression`` applied to ``value`` (its ``{}``); ``{field}`` is filled later, by model_view."""
    return expression.replace("{}", value)


def _function(name: str, expression: str) -> str:
    """A module-level function applying ``expression`` to its argument."""
    return f"def {name}(value: Any) -> Any:\n    return {_fill(expression, 'value')}\n"


_CALL = re.compile(r"^([A-Za-z_][\w.]*)\(\{\}\)$")  # parse_datetime({}), App.adopt_list({})
_ENUM = re.compile(r"^enum_of\((\w+), \{\}\)$")


def _reader(name: str, expression: str) -> tuple[str, str | None]:
    """The reader a converted field is made with, and the module-level code defining it, if
    any: a plain call is passed as it is and an enum as a ``partial`` (no Python frame of ours
    around either: reading every field calls these once per field)."""
    if found := _CALL.match(expression):
        return found[1], None
    if found := _ENUM.match(expression):
        return f"_read_{name}", f"_read_{name} = partial(enum_of, {found[1]})\n"
    return f"_read_{name}", _function(f"_read_{name}", expression)


# Names a model's code uses besides its fields: the methods of types.Model, the parameters
# of __init__ and the setters, and names in annotations (the class body would shadow them
# for type checkers). A property spelled like one gets a trailing underscore
# (openapi-python-client already does this for keywords and builtins; property names are
# snake_case, so class names such as Model or Sequence cannot clash).
RESERVED_FIELD_NAMES = frozenset(
    {"to_dict", "from_dict", "to_json", "check_dict", "best_fit", "additional_properties", "self", "cls",
     "datetime", "parse_date", "parse_datetime", "read_union", "to_enum", "to_list", "str", "int", "float",
     "bool", "list", "dict", "frozenset", "type", "property", "adopt", "adopt_list", "plain_field",
     "converted_field", "init_model", "extras", "enum_of", "plain_list", "partial"}
)  # fmt: skip
# Names a JSON key read by attrgetter must not have either: the class sets ``key = None``,
# which would hide a name its body uses (decorators) from the statements after it.
_CLASS_BODY_NAMES = frozenset({"staticmethod", "classmethod", "property", "TYPE_CHECKING"})


def _read_in_c(field: FieldView, names: set[str]) -> bool:
    """Whether a plain field can be read by ``attrgetter(key)`` (types.plain_field): its key is an
    identifier that names no attribute of the class (another field, a method, a slot: attrgetter
    would find that first) nor a name the model's code uses; a key equal to the field's own name
    cannot be (its property is found first)."""
    key = ast.literal_eval(field.key)
    return (
        field.index is None
        and not field.required
        and key.isidentifier()
        and not keyword.iskeyword(key)  # (the class sets ``key = None``)
        and not key.startswith("_")
        and key not in names
        and key not in RESERVED_FIELD_NAMES
        and key not in _CLASS_BODY_NAMES
    )


def _join(parts: Iterable[str]) -> str:
    return " | ".join(dict.fromkeys(parts))


def model_view(model: ModelProperty, dict_names: dict[str, str]) -> ModelView:
    """Everything the model template renders for ``model``."""
    cls = model.class_info.name
    fields = []
    functions = []
    models: set[str] = set()
    enums: set[str] = set()
    dict_refs: set[str] = set()
    converted = 0  # the next converted field's place in Model._values
    for prop in [*(model.required_properties or ()), *(model.optional_properties or ())]:
        name = str(prop.python_name)
        types = type_view(prop, f"{cls}.{name}")
        dict_refs.update(_DICT_PLACEHOLDER.findall(types.dict_value))
        reader = converter = None
        if types.read:
            reader, function = _reader(name, types.read)
            if function:
                functions.append(function)
        if types.convert:
            converter = f"_convert_{name}"
            functions.append(_function(converter, types.convert.replace("{field}", f"{cls}.{name}")))
        models |= types.models
        enums |= types.enums
        description = doc(prop.description) or doc(f"The ``{text(prop.name)}`` field.")
        fields.append(
            FieldView(
                python_name=name,
                key=repr(text(prop.name)),
                required=bool(prop.required),
                description=description,
                types=attrs.evolve(types, dict_value=_dict_names(types.dict_value, dict_names)),
                reader=reader,
                converter=converter,
                index=converted if reader else None,
                doc_literal=repr(description),
            )
        )
        converted += 1 if reader else 0
    extra = extra_reader = None
    if model.additional_properties:
        extra_prop: Any = model.additional_properties  # True, or the property of the values
        extra = (
            TypeView("Any", "Any", "Any", None, None, frozenset(), frozenset())
            if extra_prop is True
            else type_view(extra_prop, f"{cls} additional properties")
        )
        if extra.read:
            extra_reader = "_extra_reader"  # not _read_<field>: no field can take it
            functions.append(_function(extra_reader, extra.read))
        models |= extra.models
        enums |= extra.enums
    names = {f.python_name for f in fields}
    fields = [attrs.evolve(f, fast=_read_in_c(f, names)) for f in fields]
    all_types = [f.types for f in fields] + ([extra] if extra else [])
    return ModelView(
        class_name=cls,
        dict_name=dict_names[cls],
        description=doc(model.description or cls),
        fields=tuple(fields),
        functions=tuple(functions),
        extra=extra,
        extra_reader=extra_reader,
        model_imports=tuple(sorted(models - {cls})),
        dict_refs=frozenset(dict_refs),
        enum_imports=tuple(sorted(enums)),
        uses_datetime=any("datetime." in t.annotation for t in all_types),
    )


def _dict_names(annotation: str, dict_names: dict[str, str]) -> str:
    """``<dict:Foo>`` placeholders -> the TypedDict names (see :func:`dict_names`)."""
    return _DICT_PLACEHOLDER.sub(lambda found: dict_names[found[1]], annotation)


def dict_names(class_names: Iterable[str]) -> dict[str, str]:
    """Model class -> the name of its TypedDict: ``<Class>Dict``, with ``_`` added while taken."""
    taken = set(class_names)
    names = {}
    for cls in sorted(taken):
        name = f"{cls}Dict"
        while name in taken:
            name += "_"
        names[cls] = name
    return names
