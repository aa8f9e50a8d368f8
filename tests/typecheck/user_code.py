"""A user's script against a full 2026-02 build, as type checkers see it (tests/test_typecheck.py).

Checked with ``mypy --strict`` and pyright (strict). A line whose comment is ``error:`` and
some words must get an error from each checker whose message contains those words, and no
other line may get one; a ``reveal_type(x)`` line's ``reveal:`` comment is the type it must
show. Not run: it only has to type-check as written.
"""

from __future__ import annotations

import datetime
from typing import reveal_type

import httpx
from conductorone import ConductorOne
from conductorone_api.models import (
    App,
    AppIdentityMatching,
    CreateAppRequestDict,
    SearchAppsRequestDict,
    SearchUsersRequest,
    SearchUsersRequestDict,
    SearchUsersRequestUserStatusesItem,
    User,
    UserStatus,
)


def owner_emails(c1: ConductorOne) -> list[str]:
    """Attribute chains: optional fields are ``X | None`` and ``is not None`` narrows them."""
    found = c1.user.get(id="2xyz")
    view = found.user_view
    reveal_type(view)  # reveal: UserView | None
    if view is not None and view.user is not None and view.user.email is not None:
        reveal_type(view.user.email)  # reveal: str
        return [view.user.email]
    return []


def keyword_bodies(c1: ConductorOne) -> int:
    """Body fields are keyword arguments next to path and query parameters."""
    page = c1.app_search.search(query="git", page_size=2)
    reveal_type(page.list_)  # reveal: list[App] | None
    c1.app_search.search(query="git", page_sise=2)  # error: page_sise
    return len(page.list_ or [])


def dict_bodies(c1: ConductorOne) -> None:
    """A dict body uses the API's JSON keys; a wrong key is flagged."""
    c1.app_search.search(body={"query": "git", "pageSize": 2})
    c1.app_search.search(body={"query": "git", "page_size": 2})  # error: body
    wrong: SearchAppsRequestDict = {"query": "git", "page_size": 2}  # error: page_size
    c1.app_search.search(body=wrong)
    request: SearchUsersRequestDict = {
        "query": "ada",
        "userStatuses": ["ENABLED", SearchUsersRequestUserStatusesItem.DISABLED],
    }
    c1.user_search.search(body=request)
    c1.user_search.search(body=SearchUsersRequest(query="ada"))


def required_body_fields(c1: ConductorOne) -> None:
    """A body with required fields: as keywords they are required, or body= gives them."""
    c1.apps.create(display_name="Git", description="Source")
    c1.apps.create(body={"displayName": "Git"})
    c1.apps.create(description="Source")  # error: overload
    new_app: CreateAppRequestDict = {"description": "Source"}  # error: displayName
    c1.apps.create(body=new_app)


def enums(c1: ConductorOne) -> App:
    """Enum fields take their own members or one of their values (a Literal): a misspelt value
    or another enum's member is flagged (at run time both are accepted, forward compatible)."""
    SearchUsersRequest(user_statuses=[SearchUsersRequestUserStatusesItem.ENABLED])
    SearchUsersRequest(user_statuses=["ENABLED"])
    c1.user_search.search(user_statuses=["DISABLED"], page_size=10)
    c1.user_search.search(user_statuses=["DISABLD"])  # error: DISABLD
    SearchUsersRequest(user_statuses=[UserStatus.ENABLED])  # error: UserStatus
    app = App(display_name="Git", identity_matching="APP_USER_IDENTITY_MATCHING_STRICT")
    reveal_type(app.identity_matching)  # reveal: AppIdentityMatching | None
    app.identity_matching = AppIdentityMatching.APP_USER_IDENTITY_MATCHING_DISPLAY_NAME
    app.identity_matching = "APP_USER_IDENTITY_MATCHING_STRICT"  # the setter takes the value too
    App(identity_matching="APP_USER_IDENTITY_MATCHING_STRICTT")  # error: identity_matching
    App(identity_matching=UserStatus.ENABLED)  # error: identity_matching
    App(identity_matching=3)  # error: identity_matching
    return app


def call_options(c1: ConductorOne) -> None:
    """timeout takes seconds, an httpx.Timeout, or None (no limit); max_retries an int."""
    c1.apps.get(id="2x", timeout=httpx.Timeout(3))
    c1.apps.get(id="2x", timeout=None, max_retries=0)
    c1.with_options(timeout=httpx.Timeout(10, connect=2), max_retries=4).apps.get(id="2x")
    c1.apps.get(id="2x", timeout="3")  # error: timeout


def optional_fields_take_none() -> User:
    """None is absent: a ``str | None`` from elsewhere goes straight in."""
    maybe_email: str | None = None
    user = User(email=maybe_email, created_at=datetime.datetime.now(datetime.timezone.utc))
    reveal_type(user.created_at)  # reveal: datetime | None
    user.email = None
    return user


def iterate(c1: ConductorOne) -> list[str]:
    """iter_ methods yield the items, typed; pages() yields the response models."""
    names: list[str] = []
    for app in c1.apps.iter_list(page_size=50):
        reveal_type(app)  # reveal: App
        if app.display_name is not None:
            names.append(app.display_name)
    for page in c1.apps.iter_list().pages():
        reveal_type(page.next_page_token)  # reveal: str | None
    return names
