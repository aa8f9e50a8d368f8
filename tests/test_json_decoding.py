"""Response bodies are decoded by msgspec (fast) with httpx's own results: a body ``json.loads``
reads gives the same values, types and key order; a body it refuses gives the same error."""

from __future__ import annotations

import json
import math
from typing import Any

import httpx
import pytest
from conductorone._exceptions import decode_json
from hypothesis import given, settings
from hypothesis import strategies as st

JSON_TYPE = "application/json"


def _response(body: bytes, content_type: str | None = JSON_TYPE) -> httpx.Response:
    headers = {} if content_type is None else {"content-type": content_type}
    return httpx.Response(200, content=body, headers=headers)


def _same(a: Any, b: Any) -> bool:
    """Equal with the same types all the way down (1 is not 1.0 nor True), the same key order,
    NaN equal to NaN and -0.0 not equal to 0.0 (a loop, not recursion: values nest deeply)."""
    pending = [(a, b)]
    while pending:
        x, y = pending.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, dict):
            if list(x) != list(y):
                return False
            pending.extend((x[key], y[key]) for key in x)
        elif isinstance(x, list):
            if len(x) != len(y):
                return False
            pending.extend(zip(x, y, strict=True))
        elif isinstance(x, float):
            if math.isnan(x) != math.isnan(y) or (
                not math.isnan(x) and (x != y or math.copysign(1, x) != math.copysign(1, y))
            ):
                return False
        elif x != y:
            return False
    return True


def _assert_decoded_as_json_loads(body: bytes) -> None:
    try:
        expected: Any = json.loads(body)
    except RecursionError:
        # at Python's recursion limit msgspec reads a few levels deeper than json.loads; a body
        # deeper still is refused as too deeply nested
        try:
            decode_json(_response(body))
        except ValueError as error:
            assert str(error) == "JSON nested too deeply"
        return
    except ValueError as error:
        with pytest.raises(type(error)) as caught:
            decode_json(_response(body))
        assert str(caught.value) == str(error)
        return
    got = decode_json(_response(body))
    assert _same(got, expected), (body[:200], got, expected)


HOSTILE_BODIES = [
    b'{"a":1,"b":2,"a":3}',  # a repeated key: the last value, in the first key's place
    b"123456789012345678901234567890",  # beyond 64 bits
    b"-123456789012345678901234567890",
    b"18446744073709551616",
    b"-0",
    b"-0.0",
    b"1e400",  # beyond a double: json.loads gives inf
    b"-1e400",
    b"1.7976931348623157e309",
    b"4.9e-325",
    b"0.1e-400",
    b"1.0000000000000000000000001",
    b"0.30000000000000004",
    b"1E5",
    b"NaN",
    b"[Infinity, -Infinity]",
    b'"\\ud800"',  # a lone surrogate
    b'"\\udc00\\ud800x"',
    b'"\\ud83d\\ude00"',  # a pair: one character
    '"\ud800"'.encode("utf-8", "surrogatepass"),  # a lone surrogate, encoded raw
    b'\xef\xbb\xbf{"a": 1}',  # a UTF-8 byte-order mark
    '{"é": "ü"}'.encode("utf-16"),
    '{"é": "ü"}'.encode("utf-16-be"),
    '{"é": "ü"}'.encode("utf-32-le"),
    b'"\xff"',  # not UTF-8
    b'"\xc3"',
    b'"\x01"',  # a raw control character
    b'"\\u0000"',
    b" \t\r\n{} \n",
    b"{}x",
    b"[1,]",
    b'{"a" 1}',
    b"-",
    b"",
    b"   ",
    b"nul",
    b"[" * 50 + b"]" * 50,
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 3000 + b"1" + b"}" * 3000,
]


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_hostile_bodies_decode_as_json_loads_decodes_them(body: bytes) -> None:
    _assert_decoded_as_json_loads(body)


def test_every_nesting_depth_around_the_recursion_limit() -> None:
    for depth in range(1, 1600, 7):
        _assert_decoded_as_json_loads(b"[" * depth + b"]" * depth)


_keys = st.text(max_size=8)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()  # NaN and the infinities too: json.dumps writes them
    | st.floats(min_value=-1e-300, max_value=1e-300)
    | st.text(st.characters(exclude_categories=()), max_size=12)  # lone surrogates too
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_keys, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(value=_values, ensure_ascii=st.booleans(), indent=st.sampled_from([None, 0, 2]))
def test_any_json_text_decodes_as_json_loads_decodes_it(
    value: Any, ensure_ascii: bool, indent: int | None
) -> None:
    text = json.dumps(value, ensure_ascii=ensure_ascii, indent=indent)
    _assert_decoded_as_json_loads(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=300, deadline=None)
@given(pairs=st.lists(st.tuples(st.sampled_from(["a", "b", "ü"]), _scalars), max_size=6))
def test_objects_with_repeated_keys_decode_as_json_loads_decodes_them(pairs: list[tuple[str, Any]]) -> None:
    text = "{" + ",".join(f"{json.dumps(key)}:{json.dumps(value)}" for key, value in pairs) + "}"
    _assert_decoded_as_json_loads(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=400, deadline=None)
@given(value=_values, cut=st.integers(min_value=0, max_value=200), junk=st.binary(max_size=3))
def test_damaged_json_decodes_or_fails_as_json_loads_does(value: Any, cut: int, junk: bytes) -> None:
    body = json.dumps(value).encode()
    _assert_decoded_as_json_loads(body[:cut] + junk + body[cut:])


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=40))
def test_any_bytes_decode_or_fail_as_json_loads_does(body: bytes) -> None:
    _assert_decoded_as_json_loads(body)


class _Recorded:
    """``httpx.Response.json`` replaced: counts the bodies decoded the slow way."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = httpx.Response.json

        def json_recorded(response: httpx.Response, **kwargs: Any) -> Any:
            self.calls += 1
            return original(response, **kwargs)

        monkeypatch.setattr(httpx.Response, "json", json_recorded)


def test_a_body_msgspec_reads_is_decoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    recorded = _Recorded(monkeypatch)
    for content_type in (
        JSON_TYPE,
        None,
        "application/json; charset=utf-8",
        "application/json; Charset=UTF8",
    ):
        assert decode_json(_response(b'{"a": [1, 2.5, "\\u00e9"]}', content_type)) == {"a": [1, 2.5, "é"]}
    assert recorded.calls == 0


def test_a_body_msgspec_refuses_is_decoded_by_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    recorded = _Recorded(monkeypatch)
    assert math.isnan(decode_json(_response(b"NaN")))
    with pytest.raises(json.JSONDecodeError):
        decode_json(_response(b"<html>"))
    assert recorded.calls == 2


@pytest.mark.parametrize("charset", ["iso-8859-1", "utf-16", "windows-1252"])
def test_a_body_declared_in_another_charset_is_decoded_by_httpx(
    monkeypatch: pytest.MonkeyPatch, charset: str
) -> None:
    """httpx before 0.28 decodes such a body in the declared charset: msgspec reads only UTF-8."""
    recorded = _Recorded(monkeypatch)
    body, content_type = b'{"a": "b"}', f"application/json; charset={charset}"
    expected = httpx.Response(200, content=body, headers={"content-type": content_type}).json()
    assert decode_json(_response(body, content_type)) == expected
    assert recorded.calls == 2
