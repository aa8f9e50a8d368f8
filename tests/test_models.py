"""Models and bodies as users meet them, on a full 2026-02 build (issue: models users enjoy).

Each test runs a script in a fresh interpreter against that build; requests go to an
in-process httpx transport that records the JSON bodies and answers with canned JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import UpstreamBuild, run_against

PRELUDE = """
import datetime, json
import httpx
from conductorone import ConductorOne
SENT = []
ANSWER = {}

def answer(request):
    SENT.append(json.loads(request.content) if request.content else None)
    return httpx.Response(200, json=ANSWER)

def client():
    transport = httpx.Client(transport=httpx.MockTransport(answer))
    return ConductorOne(access_token="t", server_url="https://acme.conductor.one", http_client=transport)

def raises(kind, call):
    try:
        call()
    except kind as error:
        return str(error)
    raise AssertionError(f"no {kind.__name__}")
"""


@pytest.fixture(scope="module")
def package(upstream_build: Callable[[str], UpstreamBuild]) -> Path:
    _spec, package_dir, _report = upstream_build("2026-02")
    return package_dir.parent


def test_optional_fields_are_none_when_absent_or_null_and_none_is_never_sent(package: Path) -> None:
    run_against(
        package,
        """
        from conductorone_api.models import App, User, UserStatus
        app = App.from_dict({"id": "a1", "displayName": None, "appOwners": [None, {"email": "x@y"}]})
        assert app.display_name is None and app.description is None and app.created_at is None
        assert app.id == "a1" and [o.email for o in app.app_owners] == ["x@y"]
        assert App().to_dict() == {} and User(email=None, status=None).to_dict() == {}
        app.id = None  # None is absent: not sent
        assert app.to_dict() == {"appOwners": [{"email": "x@y"}]}
        with client() as c1:
            c1.user_search.search(query=None, email="a@b", page_size=None)
        assert SENT == [{"email": "a@b"}]
        """,
        PRELUDE,
    )


def test_body_fields_are_keyword_arguments_and_body_takes_the_model_or_a_checked_dict(
    package: Path,
) -> None:
    run_against(
        package,
        """
        from conductorone_api.models import PersonalClient, PolicyRef, SearchAppsRequest, UserStatus
        ANSWER.update({"list": [{"id": "a1"}], "nextPageToken": ""})
        with client() as c1:
            page = c1.app_search.search(query="git", page_size=2, policy_refs=[PolicyRef(id="p1")])
            assert [a.id for a in page.list_] == ["a1"]
            c1.app_search.search()  # no field given and the document does not require a body: none sent
            c1.app_search.search(body=SearchAppsRequest(query="git"))
            c1.app_search.search(body={"query": "git", "pageSize": 2, "policyRefs": [{"id": "p1"}]})
            # a dict holds Python values too: timestamps (Z for UTC), enum members, models
            c1.user_search.search(body={"userStatuses": [UserStatus.ENABLED, "DISABLED"], "refs": []})
            # a body field named like a parameter or a name the call uses is body_<name>
            c1.personal_client.update(id="pc1", body_client=PersonalClient(display_name="ci"))
        assert SENT == [
            {"query": "git", "pageSize": 2, "policyRefs": [{"id": "p1"}]},
            None,
            {"query": "git"},
            {"query": "git", "pageSize": 2, "policyRefs": [{"id": "p1"}]},
            {"userStatuses": ["ENABLED", "DISABLED"], "refs": []},
            {"client": {"displayName": "ci"}},
        ]

        sent_before = len(SENT)
        with client() as c1:
            wrong = raises(ValueError, lambda: c1.app_search.search(body={"query": "git", "page_size": 2}))
            assert wrong.startswith("body: 'page_size' is not a field of SearchAppsRequest; did you mean 'pageSize'?")
            assert "API's JSON names" in wrong
            nested = raises(ValueError, lambda: c1.app_search.search(body={"policyRefs": [{"idd": "p"}]}))
            assert nested.startswith("body.policyRefs[0]: 'idd' is not a field of PolicyRef; did you mean 'id'?")
            far = raises(ValueError, lambda: c1.app_search.search(body={"zzzz": 1}))
            assert "'zzzz' is not a field of SearchAppsRequest; its keys are 'appIds'" in far
            both = raises(TypeError, lambda: c1.app_search.search(body={"query": "a"}, page_size=2))
            assert both.startswith("give the body as body= or as keyword arguments, not both")
            other = raises(TypeError, lambda: c1.app_search.search(body=PolicyRef(id="p")))
            assert other.startswith("body: expected a SearchAppsRequest or a dict, not ")
            # a body with a required field: as a keyword it is required, or body= holds it
            missing = raises(TypeError, lambda: c1.apps.create(description="d"))
            assert "missing 1 required keyword-only argument: 'display_name'" in missing
            assert raises(ValueError, lambda: c1.apps.create(body={"description": "d"})) == (
                "body: CreateAppRequest requires 'displayName'"
            )
        assert len(SENT) == sent_before  # nothing was sent
        """,
        PRELUDE,
    )


def test_enum_fields_take_members_of_any_enum_with_the_value_or_the_value(package: Path) -> None:
    run_against(
        package,
        """
        from conductorone_api.models import (
            App, AppIdentityMatching, SearchUsersRequest, SearchUsersRequestUserStatusesItem, User, UserStatus,
        )
        request = SearchUsersRequest(user_statuses=[UserStatus.ENABLED, "DISABLED"])
        assert request.user_statuses == [
            SearchUsersRequestUserStatusesItem.ENABLED, SearchUsersRequestUserStatusesItem.DISABLED
        ]
        assert request.to_dict() == {"userStatuses": ["ENABLED", "DISABLED"]}
        app = App(identity_matching="APP_USER_IDENTITY_MATCHING_STRICT")
        assert app.identity_matching is AppIdentityMatching.APP_USER_IDENTITY_MATCHING_STRICT
        app.identity_matching = "A_VALUE_FROM_A_NEWER_API"  # kept, and sent as given
        assert app.to_dict() == {"identityMatching": "A_VALUE_FROM_A_NEWER_API"}
        message = raises(TypeError, lambda: App(identity_matching=3.5))
        assert message.startswith("App.identity_matching: expected a AppIdentityMatching or one of its values (str)")
        assert raises(TypeError, lambda: setattr(app, "identity_matching", object()))
        assert raises(TypeError, lambda: SearchUsersRequest(user_statuses="ENABLED")).startswith(
            "SearchUsersRequest.user_statuses: expected a list"
        )
        assert User.from_dict({"status": "SOMETHING_NEW"}).status.value == "SOMETHING_NEW"
        """,
        PRELUDE,
    )


def test_models_read_lazily_keep_unknown_fields_and_write_back_what_was_changed(package: Path) -> None:
    run_against(
        package,
        """
        from conductorone_api.models import App, User
        sent = {
            "id": "a1", "createdAt": "2026-02-03T04:05:06.123456789Z", "futureField": {"x": [1, None]},
            "appOwners": [{"id": "u1", "createdAt": "not a timestamp"}],
        }
        app = App.from_dict(sent)  # reads nothing yet: a bad value fails where it is read
        assert app.created_at == datetime.datetime(2026, 2, 3, 4, 5, 6, 123456, tzinfo=datetime.timezone.utc)
        owner = app.app_owners[0]
        bad = raises(ValueError, lambda: owner.created_at)
        assert bad.startswith("User.created_at: cannot read 'not a timestamp' sent as 'createdAt'")
        assert app.additional_properties == {"futureField": {"x": [1, None]}} and app["futureField"]["x"] == [1, None]
        # what was not read is written back exactly; what was read, converted back
        untouched = App.from_dict(sent).to_dict()
        assert untouched == sent and untouched is not sent and untouched["futureField"] is not sent["futureField"]
        app.app_owners.append(User(id="u2"))  # a list read from the model is the model's
        app["note"] = "added"
        del app["futureField"]
        out = app.to_dict()
        assert [o["id"] for o in out["appOwners"]] == ["u1", "u2"]
        # read but never set: written back exactly as sent (nanoseconds too); set: encoded
        assert out["createdAt"] == "2026-02-03T04:05:06.123456789Z" and out["note"] == "added"
        app.created_at = app.created_at
        assert app.to_dict()["createdAt"] == "2026-02-03T04:05:06.123456Z"
        assert json.loads(app.to_json()) == app.to_dict()
        assert "futureField" not in out and sent["appOwners"] == [{"id": "u1", "createdAt": "not a timestamp"}]
        # value equality, null and absent alike; repr shows only what is set
        assert App.from_dict({"id": "a", "description": None}) == App(id="a")
        assert App(id="a") != App(id="b") and repr(App(id="a")) == "App(id='a')"
        assert App(id="a", created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)).to_json() == (
            '{"createdAt":"2026-01-01T00:00:00Z","id":"a"}'
        )
        assert raises(TypeError, lambda: App.from_dict(["not", "an", "object"])).startswith("App: expected a JSON object")
        """,
        PRELUDE,
    )


def test_values_of_the_wrong_kind_are_refused_where_given_and_nothing_is_sent(package: Path) -> None:
    run_against(
        package,
        """
        from conductorone_api.models import App, AppIdentityMatching, SearchAppsRequest, UserStatus
        with client() as c1:
            assert "path parameter id is required, not None" in raises(ValueError, lambda: c1.apps.get(id=None))
            assert "id=''" in raises(ValueError, lambda: c1.apps.get(id=""))
            assert "CreateAppRequest.display_name: expected a string, not 5" in raises(
                TypeError, lambda: c1.apps.create(display_name=5))
            assert "body.pageSize: expected an integer, not 'two'" in raises(
                TypeError, lambda: c1.app_search.search(body={"pageSize": "two"}))
            assert "body.appIds: expected a list of strings" in raises(
                TypeError, lambda: c1.app_search.search(body={"appIds": ["a", 1]}))
            assert "SearchAppsRequest.page_size: expected an integer, not True" in raises(
                TypeError, lambda: c1.app_search.search(page_size=True))
        assert SENT == []  # none of them reached the transport
        assert "App.identity_matching: expected a AppIdentityMatching or one of its values (str), not 42" in raises(
            TypeError, lambda: App(identity_matching=42))
        app = App(display_name="Git")
        assert "App.display_name: expected a string, not ['x']" in raises(TypeError, lambda: setattr(app, "display_name", ["x"]))
        # forward compatible at run time: another enum's member with a value, or an unknown string
        other = App(identity_matching=UserStatus.ENABLED)
        assert other.identity_matching == "ENABLED" and other.to_dict() == {"identityMatching": "ENABLED"}
        assert App(identity_matching="NEWER_VALUE").to_dict() == {"identityMatching": "NEWER_VALUE"}
        assert App(identity_matching="APP_USER_IDENTITY_MATCHING_STRICT").identity_matching is (
            AppIdentityMatching.APP_USER_IDENTITY_MATCHING_STRICT)
        """,
        PRELUDE,
    )


def test_timeouts_not_given_none_and_httpx_timeout(package: Path) -> None:
    run_against(
        package,
        """
        import httpx
        from conductorone import ConductorOne, NOT_GIVEN
        seen = []
        def answer(request):
            seen.append(request.extensions["timeout"])
            return httpx.Response(200, json={})
        http = httpx.Client(transport=httpx.MockTransport(answer))
        c1 = ConductorOne(access_token="t", server_url="https://acme.conductor.one", http_client=http, timeout=7)
        c1.apps.get(id="a")  # not given: the client's
        c1.apps.get(id="a", timeout=None)  # no limit, for this call
        c1.apps.get(id="a", timeout=httpx.Timeout(3, connect=1))
        c1.apps.get(id="a", timeout=NOT_GIVEN)
        c1.with_options(timeout=None).apps.get(id="a")
        assert [t["read"] for t in seen] == [7, None, 3, 7, None] and seen[2]["connect"] == 1
        assert ConductorOne(access_token="t", tenant="acme", http_client=httpx.Client(timeout=300)).timeout.read == 300
        """,
    )


def test_runtime_objects_say_what_they_are(package: Path) -> None:
    run_against(
        package,
        """
        import httpx
        from conductorone import ConductorOne
        def answer(request):
            token = request.url.params.get("page_token")
            body = {"list": [{"id": "a"}], "nextPageToken": "" if token else "p2"}
            return httpx.Response(200, json=body, headers={"X-Request-Id": "r-9"})
        http = httpx.Client(transport=httpx.MockTransport(answer))
        c1 = ConductorOne(access_token="secret-t", server_url="https://acme.conductor.one", http_client=http)
        assert repr(c1) == "ConductorOne(server_url='https://acme.conductor.one', auth=BearerTokenAuth(access_token=<redacted>))"
        assert repr(c1.apps).startswith("<AppsResource apps: ") and " operations>" in repr(c1.apps)
        assert repr(c1.with_raw_response.apps).startswith("<AppsResourceWithRawResponse with_raw_response.apps: ")
        pages = c1.apps.iter_list()
        assert repr(pages) == "<SyncPages GET /api/v1/apps: 0 page(s) fetched>"
        assert [app.id for app in pages] == ["a", "a"]
        assert repr(pages) == "<SyncPages GET /api/v1/apps: 2 page(s) fetched>"
        raw = c1.with_raw_response.apps.list(page_token="p2")
        assert repr(raw) == "<APIResponse [200] GET /api/v1/apps request id r-9>", repr(raw)
        """,
    )


def test_to_dict_is_the_callers_to_change(package: Path) -> None:
    """Changing what to_dict() returned, however deep, never changes the model (untouched,
    read, or set); to_json() says the same as to_dict()."""
    run_against(
        package,
        """
        from conductorone_api.models import App, User
        sent = {"id": "a1", "appOwners": [{"id": "u1", "emails": ["x@y"]}], "futureField": {"x": [1]}}
        for prepare in (lambda app: None, lambda app: app.app_owners[0].emails, lambda app: setattr(app, "id", "a2")):
            app = App.from_dict(json.loads(json.dumps(sent)))
            prepare(app)
            before = app.to_json()
            out = app.to_dict()
            out["appOwners"][0]["emails"].append("evil@x")
            out["appOwners"][0]["id"] = "changed"
            out["futureField"]["x"].append(2)
            out["id"] = "changed"
            assert app.to_json() == before and json.loads(before) == app.to_dict()
            assert app.app_owners[0].emails == ["x@y"] and app.additional_properties["futureField"] == {"x": [1]}
        """,
        PRELUDE,
    )


def test_after_a_full_read_to_json_is_what_was_sent_until_something_changes(package: Path) -> None:
    """Reading every field converts much (timestamps, enums, lists of models), yet writing back
    gives the API's own JSON, byte for byte, until something changes in place, at any depth."""
    run_against(
        package,
        """
        from conductorone_api.models import App, User, UserAttributeMappingSource
        from conductorone_api.types import Model
        sent = {
            "id": "a1", "createdAt": "2026-02-03T04:05:06.123456789Z", "futureField": {"x": [1]},
            "appOwners": [
                {"id": "u1", "emails": ["x@y", "z@y"], "status": "ENABLED", "profile": {"k": ["v"]},
                 "emailSources": [{"appId": "s1", "value": "x@y"}, {"appId": "s2"}]},
                {"id": "u2", "status": "NOT_YET_KNOWN", "createdAt": "2026-01-01T00:00:00Z"},
            ],
        }
        text = json.dumps(sent, separators=(",", ":"), ensure_ascii=False)

        def read_all(value):
            if isinstance(value, Model):
                for name in type(value)._FIELDS:
                    read_all(getattr(value, name))
            elif isinstance(value, list):
                for item in value:
                    read_all(item)

        def fresh():
            app = App.from_dict(json.loads(text))
            read_all(app)
            return app

        app = fresh()
        assert app.app_owners[1].status == "NOT_YET_KNOWN"  # an unknown enum value is kept
        assert app.app_owners[0].status is app.app_owners[0].status.__class__.ENABLED
        assert app.to_json() == text and app.to_dict() == sent
        changes = {
            "append a plain value": lambda a: a.app_owners[0].emails.append("q@y"),
            "replace a plain value": lambda a: a.app_owners[0].emails.__setitem__(0, "q@y"),
            "set a field of a model in a list": lambda a: setattr(a.app_owners[0].email_sources[1], "app_id", "s9"),
            "append a model": lambda a: a.app_owners[0].email_sources.append(UserAttributeMappingSource(app_id="s3")),
            "replace a model": lambda a: a.app_owners[0].email_sources.__setitem__(0, UserAttributeMappingSource()),
            "reorder models": lambda a: a.app_owners.reverse(),
            "set an enum": lambda a: setattr(a.app_owners[0], "status", "DISABLED"),
            "set a timestamp": lambda a: setattr(a.app_owners[1], "created_at", datetime.datetime(2027, 1, 1)),
            "remove a model": lambda a: a.app_owners.pop(),
        }
        for name, change in changes.items():
            app = fresh()
            change(app)
            written = app.to_json()
            assert written != text, name
            assert json.loads(written) == app.to_dict(), name
            again = App.from_dict(json.loads(written))
            read_all(again)
            assert again == app, name
        # the JSON the model was made from is never changed by any of that
        original = json.loads(text)
        app = App.from_dict(original)
        read_all(app)
        for change in changes.values():
            change(app)
        assert original == sent
        # arrays are read as arrays, nulls left out; anything else is a lazy error naming the field
        assert [u.id for u in App.from_dict({"appOwners": [None, {"id": "u"}]}).app_owners] == ["u"]
        assert User.from_dict({"roleIds": ["r1", None, "r2"]}).role_ids == ["r1", "r2"]
        assert raises(ValueError, lambda: App.from_dict({"appOwners": "u1"}).app_owners).startswith("App.app_owners")
        assert raises(ValueError, lambda: App.from_dict({"appOwners": ["u1"]}).app_owners).startswith("App.app_owners")
        assert raises(ValueError, lambda: User.from_dict({"roleIds": "r1"}).role_ids).startswith("User.role_ids")
        """,
        PRELUDE,
    )


def test_a_model_is_its_json_read_in_c_and_json_keys_cannot_hide_its_methods(package: Path) -> None:
    """A model's __dict__ is the JSON it was parsed from, so plain fields are read in C; a key
    the API sends (whatever its name) never hides a method, and never becomes writable state."""
    run_against(
        package,
        """
        import copy, operator, pickle
        from conductorone_api.models import App, User
        # plain fields are read by attrgetter of their JSON key: no Python frame per read
        assert type(App.__dict__["display_name"].fget) is operator.attrgetter
        assert App.adopt({"displayName": "Git"}).display_name == "Git" and App.adopt({}).display_name is None
        hostile = {
            "id": "a1", "displayName": "Git", "to_dict": 1, "to_json": "x", "_values": 2, "adopt": 3,
            "additional_properties": 4, "display_name": "not the field", "__class__": 5, "appOwners": [],
        }
        app = App.adopt(json.loads(json.dumps(hostile)))
        assert app.display_name == "Git" and app.id == "a1" and type(app) is App
        assert json.loads(app.to_json()) == hostile and app.to_dict() == hostile
        extra = {k: v for k, v in hostile.items() if k not in App._KEYS}
        assert app.additional_properties == extra
        assert raises(AttributeError, lambda: setattr(app, "to_dict", None)).endswith("is a method")
        app.display_name = "GitHub"  # a set writes the model's own copy, never the JSON it was read from
        assert app.to_dict()["displayName"] == "GitHub" and app.display_name == "GitHub"
        assert copy.copy(app) == app and pickle.loads(pickle.dumps(app)) == app and copy.deepcopy(app) == app
        # a misspelt field is an AttributeError (no catch-all __getattr__ on models)
        assert raises(AttributeError, lambda: app.display_nme)
        # == and repr read the extra keys without keeping them: nothing to check when writing back
        text = json.dumps(hostile, separators=(",", ":"))
        seen = App.adopt(json.loads(text))
        assert seen == App.adopt(json.loads(text)) and "additional_properties={'to_dict': 1" in repr(seen)
        assert seen._values[-1] is None and seen.to_json() == text  # (fields read by ==; no edits kept)
        """,
        PRELUDE,
    )


def test_from_dict_keeps_a_copy_and_adopt_takes_the_json_as_its_own(package: Path) -> None:
    """from_dict is for a dict of yours: nothing done to the model changes it, nor it the model.
    adopt (what parsing a response does) shares the JSON: a list read is the JSON's own."""
    run_against(
        package,
        """
        from conductorone_api.models import User
        yours = {"id": "u1", "emails": ["a@x"], "profile": {"k": ["v"]}, "emailSources": [{"appId": "s"}]}
        before = json.loads(json.dumps(yours))
        user = User.from_dict(yours)
        user.emails.append("b@x")
        user.email_sources[0].app_id = "t"
        user.profile["k"].append("w")
        user.id = "u2"
        assert yours == before
        yours["emails"].append("c@x")
        yours["id"] = "u3"
        assert user.emails == ["a@x", "b@x"] and user.id == "u2"
        assert user.to_dict()["emailSources"] == [{"appId": "t"}]
        decoded = {"id": "u1", "emails": ["a@x"]}
        adopted = User.adopt(decoded)
        assert adopted.emails is decoded["emails"]  # no copy: parsing a response costs json.loads
        adopted.emails.append("b@x")
        assert adopted.to_json() == '{"id":"u1","emails":["a@x","b@x"]}' and adopted.to_dict()["emails"] == ["a@x", "b@x"]
        """,
        PRELUDE,
    )


def test_inline_conversions_read_what_the_readers_read_on_any_value(package: Path) -> None:
    """A converted field runs the common readers (timestamps, enums, lists of plain values)
    inline; on every value, fitting or hostile, it reads what the reader itself reads, and a
    value the reader refuses is the same lazy ValueError naming the model and field."""
    run_against(
        package,
        """
        from functools import partial
        from conductorone_api import types
        from conductorone_api.models import App, AppIdentityMatching, User, UserStatus
        assert types._fast_path_of(types.parse_datetime)[0] == types._DATETIME
        assert types._fast_path_of(types.plain_list)[0] == types._PLAIN_LIST
        assert types._fast_path_of(partial(types.enum_of, UserStatus)) == (types._ENUM, UserStatus._value2member_map_)

        def via_reader(reader, sent):
            try:
                return ("value", reader(sent))
            except Exception as error:
                return ("error", type(error).__name__)

        def via_model(cls, key, name, sent):
            try:
                return ("value", getattr(cls.adopt({key: sent}), name))
            except ValueError as error:
                assert str(error).startswith(f"{cls.__name__}.{name}: cannot read "), error
                return ("error", "refused")

        stamps = ["2026-01-02T03:04:05Z", "2026-01-02T03:04:05.123456+02:00", "2026-01-02T03:04:05.123456789Z",
                  "2026-01-02", "not a time", "", 1767322800, ["2026-01-02T03:04:05Z"], {"at": 1}, True]
        statuses = ["ENABLED", "DISABLED", "A_STATUS_FROM_A_NEWER_API", "", 1, True, ["ENABLED"], {"s": 1}]
        lists = [["a", "b"], ["a", None, "b"], [None], [], "ab", {"a": 1}, 3, [["x"], {"y": 1}]]
        for cls, key, name, reader, values in [
            (User, "createdAt", "created_at", types.parse_datetime, stamps),
            (User, "status", "status", partial(types.enum_of, UserStatus), statuses),
            (App, "identityMatching", "identity_matching", partial(types.enum_of, AppIdentityMatching), statuses),
            (User, "emails", "emails", types.plain_list, lists),
        ]:
            for sent in values:
                expected, got = via_reader(reader, sent), via_model(cls, key, name, sent)
                assert (expected[0], expected[1] if expected[0] == "value" else "refused") == got, (key, sent, expected, got)
                if got[0] == "value":
                    assert type(got[1]) is type(expected[1]), (key, sent)
        user = User.adopt({"emails": ["a", "b"], "createdAt": "2026-01-02T03:04:05Z", "status": "ENABLED"})
        assert user.emails is user.__dict__["emails"]  # a list without nulls is the JSON's own
        assert user.status is UserStatus.ENABLED and user.created_at.tzinfo is not None
        assert user.to_json() == '{"emails":["a","b"],"createdAt":"2026-01-02T03:04:05Z","status":"ENABLED"}'
        """,
        PRELUDE,
    )
