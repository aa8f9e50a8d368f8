"""Adversarial instances with hypothesis-jsonschema (``build --verify thorough``, and tests).

hypothesis' test runner costs ~10x more per instance than a direct draw, and its shrinking
and example database are of no use here, so each instance is drawn directly from a
``ConjectureData`` seeded with the schema's pointer and the draw's number.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from typing import Any

import hypothesis.strategies._internal.core as _hypothesis_core
from hypothesis import strategies as st
from hypothesis.control import BuildContext
from hypothesis.errors import HypothesisException, StopTest
from hypothesis.internal.conjecture.data import ConjectureData
from hypothesis_jsonschema import from_schema

from .instances import DATE_TIME_FORMAT, MODES, Converter

# How many choices one draw may make; a larger instance is abandoned.
MAX_CHOICES = 4000

# hypothesis-jsonschema makes a new ``st.composite`` (a fresh closure) for every object schema,
# and hypothesis reads and tokenises the decorated function's source each time to check its
# first parameter: a third of all the time spent drawing. The answer depends only on the
# function's code, which is always the same few, so it is remembered per code object.
# (Pinned versions keep this internal name where it is; tests exercise the path.)
_first_param_check = _hypothesis_core.is_first_param_referenced_in_function  # type: ignore[attr-defined]
_first_param_answers: dict[object, bool] = {}


def _first_param_referenced(f: Any) -> bool:
    key = getattr(f, "__code__", f)
    if key not in _first_param_answers:
        _first_param_answers[key] = _first_param_check(f)
    return _first_param_answers[key]


_hypothesis_core.is_first_param_referenced_in_function = _first_param_referenced  # type: ignore[attr-defined]


def _timestamps() -> st.SearchStrategy[str]:
    moments = st.datetimes(min_value=datetime.datetime(1, 1, 2), max_value=datetime.datetime(9999, 12, 30))
    fraction = st.one_of(
        st.just(""), st.integers(1, 9).flatmap(lambda n: st.from_regex(rf"\A\.[0-9]{{{n}}}\Z"))
    )
    offset = st.one_of(
        st.just("Z"),
        st.tuples(st.sampled_from("+-"), st.integers(0, 23), st.integers(0, 59)).map(
            lambda parts: f"{parts[0]}{parts[1]:02d}:{parts[2]:02d}"
        ),
    )
    return st.tuples(moments, fraction, offset).map(
        lambda parts: parts[0].strftime("%Y-%m-%dT%H:%M:%S").rjust(19, "0") + parts[1] + parts[2]
    )


CUSTOM_FORMATS: dict[str, st.SearchStrategy[str]] = {DATE_TIME_FORMAT: _timestamps()}


def draws(schema: Any, seed: str, count: int) -> Iterator[Any]:
    """Up to ``count`` instances of ``schema``; a draw that runs out of choices is skipped.

    Raises ``HypothesisException`` (or ``ValueError``) when no strategy can be built.
    """
    strategy = from_schema(schema, custom_formats=CUSTOM_FORMATS)
    for number in range(count):
        # A direct draw: hypothesis' test runner would cost ~10x more per instance, and the
        # shrinking and example database it adds are of no use here.
        data = ConjectureData(random=random.Random(f"{seed}:{number}"), max_choices=MAX_CHOICES)
        try:
            with BuildContext(data, is_final=True, wrapped_test=None):  # type: ignore[arg-type]
                yield data.draw(strategy)
        except StopTest:
            continue


def instances(doc: dict[str, Any], pointer: list[str | int], seed: str) -> Iterator[Any]:
    """hypothesis-jsonschema's instances of the schema at ``pointer``, one per mode."""
    for mode in MODES:
        yield from draws(Converter(doc, mode).schema_at(pointer), f"{seed}:{mode}", 1)


__all__ = ["HypothesisException", "draws", "instances"]
