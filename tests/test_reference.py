"""The generated reference (API.md): every operation listed, and every example in it runs.

The examples run against the vendored build (generated/) and a full build of the 2026-02
document, in one fresh interpreter each, through the in-process transport of
tests/test_readme.py (it records each request and answers ``{}``): names, arguments and
models in the reference cannot rot without this failing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import ROOT, UpstreamBuild
from .test_readme import TRANSPORT

BLOCK = re.compile(r"```python\n(.*?)\n```", re.DOTALL)
ROW = re.compile(
    r"^\| `(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE) (/[^`]*)` \| \[`c1\.(\w+)\.(\w+)`\]", re.M
)

RUN_ALL = """
import io, contextlib, json, sys
examples = json.loads(sys.stdin.read())
failed = []
for number, code in enumerate(examples):
    before = len(SENT)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, f"example {number + 1}", "exec"), {})
        assert len(SENT) == before + 1, "sent no request"
    except Exception as error:
        failed.append(f"example {number + 1}: {type(error).__name__}: {error}")
print(json.dumps({"ran": len(examples), "failed": failed}))
"""


def _run_examples(package_root: Path, examples: list[str]) -> dict[str, object]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CONDUCTORONE_")},
        "PYTHONPATH": os.pathsep.join([str(package_root), str(ROOT / "overlays")]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "CONDUCTORONE_ACCESS_TOKEN": "readme-token",
        "CONDUCTORONE_SERVER_URL": "https://acme.conductor.one",
    }
    done = subprocess.run(
        [sys.executable, "-c", TRANSPORT + RUN_ALL],
        input=json.dumps(examples),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-2])
    return result


def _check(reference: Path, operations: int) -> None:
    text = reference.read_text(encoding="utf-8")
    examples = BLOCK.findall(text)
    rows = ROW.findall(text)
    assert len(examples) == len(rows) == operations
    assert len({(method, path) for method, path, _group, _name in rows}) == operations
    result = _run_examples(reference.parent, examples)
    assert result == {"ran": operations, "failed": []}


def test_the_vendored_reference_examples_run() -> None:
    _check(ROOT / "generated" / "API.md", 2)


@pytest.mark.slow
def test_the_2026_02_reference_lists_every_operation_and_its_examples_run(
    upstream_build: Callable[[str], UpstreamBuild],
) -> None:
    _spec, package, report = upstream_build("2026-02")
    assert report["operations"] == 314
    _check(package.parent / "API.md", 314)


def test_each_method_docstring_has_its_example() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "generated"), str(ROOT / "overlays")])}
    script = (
        "from conductorone import ConductorOne\n"
        "c1 = ConductorOne(access_token='t', server_url='https://acme.conductor.one')\n"
        "doc = c1.app_owners_v2.get_entitlement_owner.__doc__\n"
        "assert 'Example::' in doc and 'c1.app_owners_v2.get_entitlement_owner(app_id=' in doc, doc\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.strip() == "ok", done.stderr


def _table_rows(markdown: str) -> list[tuple[int, int]]:
    """(cells in the header, cells in the row) for every body row of every table, as a
    markdown parser (markdown-it, GitHub's table rules) reads them."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    rows, header, cells, in_head = [], 0, 0, False
    for token in tokens:
        if token.type == "thead_open":
            in_head, header = True, 0
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "th_open" and in_head:
            header += 1
        elif token.type == "tr_open":
            cells = 0
        elif token.type in ("td_open",):
            cells += 1
        elif token.type == "tr_close" and not in_head:
            rows.append((header, cells))
    return rows


def test_the_reference_tables_render_with_every_cell(upstream_build: Callable[[str], UpstreamBuild]) -> None:
    _spec, package_dir, _report = upstream_build("2026-02")
    for reference in (ROOT / "generated" / "API.md", package_dir.parent / "API.md"):
        text = reference.read_text(encoding="utf-8")
        rows = _table_rows(text)
        assert len(rows) > text.count("\n| `") // 2, "tables were not parsed as tables"
        assert all(header == cells for header, cells in rows), [r for r in rows if r[0] != r[1]][:5]
        # the union types of body parameters are in their cells whole
        assert " \\| " in text


def test_table_cells_are_escaped() -> None:
    from generator.document_text import table_cell

    assert table_cell("a | b\nc") == "a \\| b c"
    union, description = table_cell("X | XDict"), table_cell("one\ntwo | three")
    markdown = f"| a | b |\n|---|---|\n| `{union}` | {description} |\n"
    assert _table_rows(markdown) == [(2, 2)]
