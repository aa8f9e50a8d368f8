"""The README's client examples run, against a full build of the 2026-02 document.

Every ```python block of the README runs in a fresh interpreter with that build first on the
path, except one marked ``<!-- not run ... -->`` on the line before it (the authentication
block: its credentials are placeholders). Credentials come from the CONDUCTORONE_* variables
the README describes; the HTTP transport is replaced, in process, by one that records each
request and answers ``{}`` (a valid body for every response model of this API, whose fields
are all optional), so the examples show that the names, parameters and models they use
exist and work, and nothing leaves the machine.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable

import pytest

from .conftest import ROOT, UpstreamBuild

README = ROOT / "README.md"
BLOCK = re.compile(r"(?P<before>[^\n]*)\n```python\n(?P<code>.*?)\n```", re.DOTALL)

TRANSPORT = """
import atexit, json, httpx
SENT = []

def _answer(self, request):
    SENT.append(f"{request.method} {request.url.path}")
    assert request.url.host == "acme.conductor.one", request.url
    assert request.headers["authorization"] == "Bearer readme-token"
    return httpx.Response(200, json={}, request=request)

async def _answer_async(self, request):
    return _answer(self, request)

httpx.HTTPTransport.handle_request = _answer
httpx.AsyncHTTPTransport.handle_async_request = _answer_async
atexit.register(lambda: print("SENT " + json.dumps(SENT)))
"""


def examples() -> list[str]:
    found = []
    for match in BLOCK.finditer(README.read_text(encoding="utf-8")):
        if not match.group("before").startswith("<!-- not run"):
            found.append(match.group("code"))
    return found


def test_the_readme_has_client_examples() -> None:
    assert len(examples()) >= 3
    assert any("app_owners_v2.get_entitlement_owner" in code for code in examples())


@pytest.mark.slow
@pytest.mark.parametrize("number", range(len(examples())))
def test_readme_example_runs(upstream_build: Callable[[str], UpstreamBuild], number: int) -> None:
    _spec, package, _report = upstream_build("2026-02")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CONDUCTORONE_")},
        "PYTHONPATH": os.pathsep.join([str(package.parent), str(ROOT / "overlays")]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "CONDUCTORONE_ACCESS_TOKEN": "readme-token",
        "CONDUCTORONE_SERVER_URL": "https://acme.conductor.one",
    }
    code = examples()[number]
    done = subprocess.run(
        [sys.executable, "-c", TRANSPORT + code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"README example {number + 1} failed:\n{code}\n{done.stderr[-3000:]}"
    sent = done.stdout.strip().splitlines()[-1]
    assert sent.startswith('SENT ["'), f"README example {number + 1} sent nothing:\n{code}"
