"""``python -m conductorone``: log in from a browser and store a cone-compatible profile; say
whose credentials a profile holds.

    python -m conductorone login acme [--profile work] [--no-browser]
    python -m conductorone whoami [--profile work]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import webbrowser
from collections.abc import Sequence
from typing import Any, TextIO

from ._exceptions import ConductorOneError
from ._login import DEFAULT_LOGIN_CLIENT_ID, DeviceCode, login
from ._profiles import DEFAULT_PROFILE, save_profile
from ._settings import ENV_CONE_PROFILE, ENV_PROFILE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m conductorone", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    log_in = commands.add_parser("login", help="log in from a browser and store the credentials as a profile")
    log_in.add_argument("tenant", help="acme, acme.conductor.one, or your tenant's own host")
    log_in.add_argument("--profile", default=None, help=f"the profile to write (default: {DEFAULT_PROFILE})")
    log_in.add_argument("--no-browser", action="store_true", help="print the URL only; do not open a browser")
    log_in.add_argument(
        "--server-url", default=None, help="the tenant's URL, when it is not https://<tenant host>"
    )
    log_in.add_argument("--login-client-id", default=DEFAULT_LOGIN_CLIENT_ID, help=argparse.SUPPRESS)
    who = commands.add_parser("whoami", help="who the stored credentials belong to, and the tenant")
    who.add_argument(
        "--profile",
        default=None,
        help=f"the profile to read (default: ${ENV_PROFILE}, ${ENV_CONE_PROFILE}, or {DEFAULT_PROFILE})",
    )
    return parser


_SPINNER = "|/-\\"


class _Countdown:
    """The time left to confirm: one status line rewritten every second on a terminal, a line a
    minute elsewhere. The login's ``on_wait`` sets the time left; its ``sleep`` ticks it down."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self.remaining = 0.0
        self.last_line = -float("inf")
        self.frame = 0

    def __call__(self, remaining: float) -> None:
        self.remaining = remaining
        self._show()

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            time.sleep(min(1.0, left))
            self.remaining -= min(1.0, left)
            self._show()

    def _show(self) -> None:
        minutes, seconds = divmod(max(0, int(self.remaining)), 60)
        text = f"waiting for you to confirm in the browser: {minutes}:{seconds:02d} left"
        if self.tty:
            self.frame = (self.frame + 1) % len(_SPINNER)
            self.out.write(f"\r{_SPINNER[self.frame]} {text} ")
            self.out.flush()
        elif time.monotonic() - self.last_line >= 60:
            self.last_line = time.monotonic()
            print(text, file=self.out, flush=True)

    def done(self) -> None:
        if self.tty:
            self.out.write("\r\033[K")
            self.out.flush()


def _login(args: argparse.Namespace) -> int:
    profile = args.profile or DEFAULT_PROFILE

    def show(code: DeviceCode) -> None:
        print(
            f"To log in to {args.server_url or args.tenant}, open:\n\n    {code.verification_uri_complete}\n",
            flush=True,
        )
        print(f"and check that it shows the code {code.user_code}.", flush=True)
        if not args.no_browser:
            threading.Thread(
                target=webbrowser.open, args=(code.verification_uri_complete,), daemon=True
            ).start()

    countdown = _Countdown(sys.stderr)
    try:
        result = login(
            args.tenant,
            server_url=args.server_url,
            on_code=show,
            on_wait=countdown,
            sleep=countdown.sleep,
            login_client_id=args.login_client_id,
        )
    finally:
        countdown.done()
    path = save_profile(profile, result.client_id, result.client_secret)
    print(f"Logged in. Profile {profile!r} written to {path} (client ID {result.client_id}).")
    if profile != DEFAULT_PROFILE:
        print(f"Use it with ConductorOne(profile={profile!r}) or {ENV_PROFILE}={profile}.")
    return 0


def _whoami(args: argparse.Namespace) -> int:
    from ._client import ConductorOne

    with ConductorOne(profile=args.profile) as c1:
        found: Any = c1.request(
            {"method": "GET", "url": "/api/v1/auth/introspect"}, lambda body: body, idempotent=True
        )
        server = c1.server_url
    data = found if isinstance(found, dict) else {}
    user = data.get("userId") or "(no user)"
    principal = data.get("principleId") or data.get("principalId")
    roles = data.get("roles") if isinstance(data.get("roles"), list) else []
    print(f"user {user}" + (f" (principal {principal})" if principal and principal != user else ""))
    print(f"tenant {server}")
    if roles:
        print("roles " + ", ".join(map(str, roles)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _login(args) if args.command == "login" else _whoami(args)
    except KeyboardInterrupt:
        print("\ncancelled", file=sys.stderr)
        return 130
    except ConductorOneError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


__all__ = ["main"]
