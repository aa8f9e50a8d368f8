"""Every schema shape of generator/passes/shapes.py, on our own documents, read with real values.

"Typed" is not "correct": each test here feeds concrete JSON to the generated models (in a
subprocess, with the built package first on the path) and asserts the values that come out
and what goes back. The builds run with ``--verify thorough``, so the same models have also
read jsf's and hypothesis-jsonschema's instances of the original schemas.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.verify import worker

from .conftest import ROOT, run_against, run_generator

DOCUMENTS = ROOT / "tests" / "documents"


def build(spec: Path, out: Path, *extra: str) -> dict[str, Any]:
    done = run_generator("build", "--spec", spec, "--out", out, "--report", out / "report.json", *extra)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads((out / "report.json").read_text())
    return report


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Path, dict[str, Any]]]:
    cache: dict[str, tuple[Path, dict[str, Any]]] = {}

    def get(name: str) -> tuple[Path, dict[str, Any]]:
        if name not in cache:
            out = tmp_path_factory.mktemp(name)
            report = build(DOCUMENTS / f"{name}.yaml", out / "gen", "--verify", "thorough")
            cache[name] = out / "gen", report
        return cache[name]

    return get


@pytest.mark.parametrize("name", ["shapes-3.0", "shapes-3.1"])
def test_verified_build_of_every_shape(
    built: Callable[[str], tuple[Path, dict[str, Any]]], name: str
) -> None:
    _root, report = built(name)
    assert report["verification_failures"] == 0
    assert report["verification_unsupported"] == []
    assert report["models_verified"] >= 3 and report["instances_checked"] >= 8
    assert report["operations"] == report["operations_generated"] and report["schemas_failed"] == 0


def test_openapi_30_shapes_read_concrete_values(built: Callable[[str], tuple[Path, dict[str, Any]]]) -> None:
    root, _report = built("shapes-3.0")
    run_against(
        root,
        """
        import datetime
        from conductorone_api.models import Thing, Owner, ThingState, CreateThing
        from conductorone_api.api.things import create

        body = {
            "createdAt": "2024-01-02T03:04:05.123456789Z",   # one-member allOf, nanoseconds
            "ttl": "3.5s",                                   # format: duration
            "name": "n",
            "owner": {"id": "o1", "since": None},            # allOf [$ref] with siblings
            "inline": {"a": "x"},
            "profile": {"s": "v", "n": 1.5, "o": {"k": [1, None]}, "l": [1], "b": True, "z": None},
            "anything": [1, "two", {"three": 3}],
            "owners": [None, {"id": "o2"}, None],            # null items are dropped
            "tags": ["a", None, "b"],
            "count": "9223372036854775807",                  # int64 as a string, kept exactly
            "total": "18446744073709551615",
            "small": 7,
            "blob": "AAEC/w==",
            "day": "2024-02-29",
            "id": "0F8FAD5B-D9CB-469F-A165-70867728950E",     # uuid kept as sent (not lower-cased)
            "state": "STATE_ON",
            "nothing": "whatever",                           # enum: [] is a plain string
            "withNull": "B",
            "oneRef": {"id": "o3"},
            "anyString": "2024-01-02T03:04:05+02:00",
            "nested": 3,
            "unknown": {"kept": True},
        }
        thing = Thing.from_dict(body)
        assert thing.created_at == datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.timezone.utc)
        assert thing.ttl == "3.5s" and thing.name == "n"
        assert isinstance(thing.owner, Owner) and thing.owner.id == "o1"
        assert thing.inline.a == "x"
        assert thing.profile.additional_properties == {"s": "v", "n": 1.5, "o": {"k": [1, None]}, "l": [1], "b": True}
        assert thing.anything == [1, "two", {"three": 3}]
        assert [o.id for o in thing.owners] == ["o2"]
        assert thing.tags == ["a", "b"]
        assert thing.count == "9223372036854775807" and thing.total == "18446744073709551615"
        assert thing.small == 7 and thing.blob == "AAEC/w=="
        assert thing.day == datetime.date(2024, 2, 29)
        assert thing.id == "0F8FAD5B-D9CB-469F-A165-70867728950E"
        assert thing.state is ThingState.STATE_ON
        assert thing.nothing == "whatever" and thing.with_null.value == "B"
        assert thing.one_ref.id == "o3"
        assert thing.any_string == datetime.datetime(2024, 1, 2, 1, 4, 5, tzinfo=datetime.timezone.utc)
        assert thing.nested == 3
        assert thing.additional_properties == {"unknown": {"kept": True}}
        out = thing.to_dict()
        assert out["owners"] == [{"id": "o2"}] and out["tags"] == ["a", "b"]
        assert out["count"] == "9223372036854775807" and out["unknown"] == {"kept": True}
        assert datetime.datetime.fromisoformat(out["createdAt"]) == thing.created_at

        # nulls everywhere mean "absent"
        empty = Thing.from_dict({key: None for key in body})
        assert empty.to_dict() == {}

        # repr shows what is set; to_json is compact, with the API's names and Z for UTC;
        # models compare by value
        small = Thing.from_dict({"name": "n", "createdAt": "2024-01-02T03:04:05Z", "x": 1})
        assert repr(small) == (
            "Thing(created_at=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), "
            "name='n', additional_properties={'x': 1})"
        )
        assert small.to_json() == '{"name":"n","createdAt":"2024-01-02T03:04:05Z","x":1}'  # the API's order
        assert small == Thing.from_dict({"x": 1, "name": "n", "createdAt": "2024-01-02T05:04:05+02:00"})
        assert small != Thing.from_dict({"name": "m"}) and repr(empty) == "Thing()"

        # enum fields take the member, a member of another enum with the same value, or the
        # value itself (also in lists); a value the document does not list is kept
        import enum
        from conductorone_api.models import ThingStatesItem

        class Elsewhere(str, enum.Enum):
            ON = "STATE_ON"

        assert Thing(state="STATE_OFF").state is ThingState.STATE_OFF
        assert Thing(state=Elsewhere.ON).state is ThingState.STATE_ON
        assert Thing(states=[Elsewhere.ON, "STATE_OFF", ThingStatesItem.STATE_ON]).to_dict() == {
            "states": ["STATE_ON", "STATE_OFF", "STATE_ON"]
        }
        assert Thing(state="STATE_NEW").to_dict() == {"state": "STATE_NEW"}
        for wrong in (object(), 1.5, True):
            try:
                Thing(state=wrong)
            except TypeError as error:
                assert str(error).startswith("Thing.state: expected a ThingState or one of its values (str), not "), error
            else:
                raise AssertionError(f"{wrong!r} was accepted")
        try:
            Thing(states="STATE_ON")
        except TypeError as error:
            assert str(error) == "Thing.states: expected a list, not 'STATE_ON'", error
        else:
            raise AssertionError("a string was accepted as a list")

        # the inline response model around a one-member allOf of a $ref
        parsed = create.parse_response({"thing": {"name": "t"}, "things": [None, {"ttl": "1s"}]})
        assert parsed.thing.name == "t" and [t.ttl for t in parsed.things] == ["1s"]

        # request side: a one-member allOf date-time is a datetime to send
        request = CreateThing(name="x", when=datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc))
        assert request.to_dict()["when"].startswith("2024-01-02T00:00:00")
        """,
    )


def test_openapi_31_shapes_read_concrete_values(built: Callable[[str], tuple[Path, dict[str, Any]]]) -> None:
    root, _report = built("shapes-3.1")
    run_against(
        root,
        """
        import datetime
        from conductorone_api.models import Widget, Part

        body = {
            "when": "2024-01-02T03:04:05Z",
            "size": "10",                      # type: [integer, string]
            "flag": False,
            "kind": "widget",                  # const
            "quote": 'say "hi" \\\\ bye',       # const with quotes and a backslash, kept as sent
            "any": {"deep": [None, 1]},
            "mixed": "text",                   # type: [object, string] reads any value
            "list": [1, "a"],                  # array without items
            "tuple": ["a", 1],                 # prefixItems
            "map": {"x-one": "1"},             # patternProperties
            "always": [True],                  # schema true
            "ref": {"n": 1},
            "parts": [None, {"n": 2}],         # oneOf [$ref, null] items; null dropped
            "level": "high",
            "ratio": 0.5,
            "notThis": "y",
            "cond": {"a": 1, "b": 2},
        }
        widget = Widget.from_dict(body)
        assert widget.when == datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
        assert widget.size == "10" and widget.flag is False
        assert widget.kind == "widget" and widget.quote == 'say "hi" \\\\ bye'
        assert widget.any_ == {"deep": [None, 1]} and widget.mixed == "text"
        assert widget.list_ == [1, "a"] and widget.tuple_ == ["a", 1]
        assert widget.map_.additional_properties == {"x-one": "1"}
        assert widget.always == [True]
        assert isinstance(widget.ref, Part) and widget.ref.n == 1
        assert [p.n for p in widget.parts] == [2]
        assert widget.level.value == "high" and widget.ratio == 0.5
        assert widget.cond.additional_properties == {"a": 1, "b": 2}
        assert Widget.from_dict({"size": 3}).size == 3
        # defaults are the server's business: nothing is sent that was not set
        assert Widget().to_dict() == {}
        assert "never" not in Widget._FIELDS and not hasattr(Widget, "never")
        """,
    )


@pytest.mark.parametrize(
    ("schema", "pointer", "message"),
    [
        (
            {"type": "file"},
            "/components/schemas/Bad/properties/p/type",
            "unknown type 'file' (JSON Schema types: array, boolean, integer, null, number, object, string)",
        ),
        (
            {"allOf": [{"type": "integer"}], "type": "string"},
            "/components/schemas/Bad/properties/p/allOf/0",
            "type 'integer' conflicts with the enclosing type 'string'",
        ),
        ({"allOf": "x"}, "/components/schemas/Bad/properties/p/allOf", "'allOf' must be a list of schemas"),
    ],
)
def test_a_construct_without_a_rule_is_a_build_error_naming_the_pointer(
    tmp_path: Path, schema: dict[str, Any], pointer: str, message: str
) -> None:
    spec = tmp_path / "bad.json"
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.1.0",
                "info": {"title": "t", "version": "1"},
                "paths": {},
                "components": {"schemas": {"Bad": {"type": "object", "properties": {"p": schema}}}},
            }
        )
    )
    done = run_generator("build", "--spec", spec, "--out", tmp_path / "gen")
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: {spec}: at {pointer}: {message}"
    assert not (tmp_path / "gen").exists()


# The verifier itself: what it counts as the same JSON, and that it reports a broken model.


def test_canonical_json_treats_null_as_absent_and_timestamps_as_instants() -> None:
    sent = {"a": None, "b": [1, None], "t": "2024-01-02T03:04:05.1234567Z", "f": True}
    back = {"b": [1], "t": "2024-01-02T05:04:05.123456+02:00", "f": True}
    assert worker.first_difference(worker.canonical(sent), worker.canonical(back)) is None
    assert worker.first_difference(worker.canonical({"f": True}), worker.canonical({"f": 1})) == (
        "/f (sent ('bool', True), read back 1)"
    )
    assert worker.first_difference({"x": {"y": 1}}, {"x": {}}) == "/x/y (dropped)"


class _LosesAField:
    """A model that forgets ``b``, as a broken template would."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = {k: v for k, v in data.items() if k != "b"}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> _LosesAField:
        return cls(data)

    def to_dict(self) -> dict[str, Any]:
        return self.data


def test_the_verifier_reports_a_model_that_loses_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "_load", lambda python: _LosesAField.from_dict)
    drawn = {"schema": "/x", "valid": [{"a": 1}, {"a": 1, "b": 2}], "discarded": 0}
    result = worker.check("X", "m:X", drawn)
    assert result["checked"] == 2
    assert result["failure"] == {"instance": {"a": 1, "b": 2}, "error": "round trip differs at /b (dropped)"}


def test_verification_failure_keeps_the_previous_output(tmp_path: Path) -> None:
    """A model that raises on valid data fails the build, naming schema, instance and exception."""
    out = tmp_path / "gen"
    build(DOCUMENTS / "shapes-3.1.yaml", out)
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    # Stand in for a broken generator: the date-time reader fails (and the getter's inline
    # fromisoformat refuses everything, so the reader is what reads each timestamp).
    script = textwrap.dedent(
        f"""
        import sys
        import generator.codegen as codegen
        original = codegen._stamp
        def broken(package_dir):
            original(package_dir)
            types = package_dir / "types.py"
            text = types.read_text().replace("def parse_datetime(value: str)", "def parse_datetime(value: str, _must: int)")
            types.write_text(text.replace("_fromisoformat = datetime.datetime.fromisoformat", "_fromisoformat = int"))
        codegen._stamp = broken
        from generator.cli import main
        sys.exit(main(["build", "--spec", {str(DOCUMENTS / "shapes-3.1.yaml")!r}, "--out", {str(out)!r}]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 1, done.stderr
    assert "generated model(s) do not read valid data" in done.stderr
    assert "Widget: ValueError: Widget." in done.stderr
    assert "parse_datetime() missing 1 required positional argument" in done.stderr
    assert "instance: {" in done.stderr and "left unchanged" in done.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before


def test_unions_read_each_member_and_objects_as_the_model_that_fits(tmp_path: Path) -> None:
    """oneOf members of every kind; an object is read as the model naming its keys (and having
    the keys it requires), not merely the first model listed."""
    out = tmp_path / "gen"
    build(DOCUMENTS / "unions.yaml", out, "--no-overlays")
    run_against(
        out,
        """
        import datetime
        from conductorone_api.models import Cat, Dog, Holder, Pet, Thing
        def pet(value):
            return Pet.from_dict({"pet": value}).pet
        assert isinstance(pet({"meow": "x"}), Cat) and isinstance(pet({"bark": 1}), Dog)
        assert isinstance(pet({"name": "n"}), Cat)  # both fit: the first
        assert isinstance(pet({"name": "n", "bark": 2}), Dog)
        other = pet({"other": 1})  # none fits: the first, the key kept
        assert isinstance(other, Cat) and other.additional_properties == {"other": 1}
        assert Pet.from_dict({"pet": {"bark": 3}}).to_dict() == {"pet": {"bark": 3}}
        kennel = Pet.from_dict({"kennel": {"rex": {"bark": 1}, "gone": None}}).kennel
        assert repr(kennel) == "Kennel(additional_properties={'rex': Dog(bark=1)})"  # repr reads them first
        assert isinstance(kennel["rex"], Dog) and kennel.additional_properties["rex"].bark == 1
        kennel["fido"] = Dog(bark=2)
        assert kennel.to_dict() == {"rex": {"bark": 1}, "fido": {"bark": 2}}
        def value(raw):
            return Holder.from_dict({"value": raw}).value
        assert value({"id": "x"}) == Thing(id="x")
        assert value("2024-01-01T00:00:00Z") == datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
        assert value([{"id": "y"}, None]) == [Thing(id="y")] and value(5) == 5 and value("plain") == "plain"
        assert Holder.from_dict({"when": "2024-02-29"}).when == datetime.date(2024, 2, 29)
        """,
    )


def test_a_model_extending_a_ref_has_both_fields_and_no_enum_member_is_lost(tmp_path: Path) -> None:
    """``allOf: [$ref Owner]`` beside ``properties`` is a model with Owner's fields and its own,
    all typed; enum names that collide once made identifiers are numbered (none is lost)."""
    out = tmp_path / "gen"
    report = build(DOCUMENTS / "extended.yaml", out, "--no-overlays", "--verify", "thorough")
    assert report["verification_failures"] == 0 and report["schemas_failed"] == 0
    run_against(
        out,
        """
        import datetime
        from conductorone_api.models import Color, Level, OwnerSince
        owner = OwnerSince.from_dict(
            {"id": "o1", "email": "a@b", "since": "2024-05-06T07:08:09Z", "rank": 3, "color": "x", "level": 2}
        )
        assert (owner.id, owner.email, owner.rank) == ("o1", "a@b", 3)
        assert owner.since == datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)
        assert owner.additional_properties == {}  # every key is a typed field
        assert owner.color is Color.A_B and owner.level is Level.LOW_LEVEL_2
        assert [m.value for m in Color] == ["x", "y", "z"] and [m.name for m in Color] == ["A_B", "A_B_2", "A_B_3"]
        assert [m.value for m in Level] == [1, 2]
        assert OwnerSince.from_dict({"color": "y"}).color is Color.A_B_2
        assert OwnerSince.from_dict({"color": "z"}).color is Color.A_B_3
        made = OwnerSince(since=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc), id="o2", color="z")
        assert made.to_dict() == {"since": "2024-01-01T00:00:00Z", "id": "o2", "color": "z"}
        """,
    )
