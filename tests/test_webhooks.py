"""Receiving webhooks: deliveries signed by our test keys (Ed25519 and P-256), sent to a real
receiver on 127.0.0.1 that verifies them against a loopback tenant's JWKS endpoint.

The tenant (``Tenant``) serves ``/auth/v1/jwks`` (counting fetches; its keys can rotate) and
records answers POSTed to callback URLs. A second server plays another origin.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from conductorone import AsyncConductorOne, ConductorOne, ConductorOneError
from conductorone.webhooks import (
    MemoryReplayGuard,
    WebhookAlgorithmError,
    WebhookAnswerError,
    WebhookAudienceError,
    WebhookBodyMismatchError,
    WebhookEvent,
    WebhookExpiredError,
    WebhookHeaderMismatchError,
    WebhookIssuerError,
    WebhookKeyNotFoundError,
    WebhookKeysUnavailableError,
    WebhookMalformedError,
    WebhookMethodMismatchError,
    WebhookNotYetValidError,
    WebhookReplayError,
    WebhookSignatureError,
    WebhookTokenTypeError,
    WebhookURLMismatchError,
    WebhookVerificationError,
    WebhookVerifier,
    decode_any,
    model_for,
)
from conductorone.webhooks.testing import SignedDelivery, WebhookSigner

from .conftest import UpstreamBuild, run_against
from .keys import b64
from .loopback import LoopbackServer, Reply, Seen

TEST_EVENT = "c1.webhooks.v1.PayloadTest"
NOW = 1_800_000_000.0


class Tenant:
    """A tenant's JWKS endpoint (``signers``' public keys; fetches counted) and its callback URLs."""

    def __init__(self, *signers: WebhookSigner) -> None:
        self.signers = list(signers)
        self.jwks_fetches = 0
        self.answers: list[Seen] = []
        self.server = LoopbackServer(self.serve)

    def serve(self, seen: Seen) -> Reply:
        if seen.path == "/auth/v1/jwks":
            self.jwks_fetches += 1
            return Reply(body={"keys": [key for s in self.signers for key in s.jwks()["keys"]]})
        if seen.path.startswith("/api/v1/webhooks/callback/") and seen.method == "POST":
            self.answers.append(seen)
            return Reply(body={})
        return Reply(status=404, body={"message": "not found"})

    @property
    def url(self) -> str:
        return self.server.url

    def __enter__(self) -> Tenant:
        self.server.__enter__()
        return self

    def __exit__(self, *args: object) -> None:
        self.server.__exit__(*args)


@pytest.fixture()
def tenant() -> Iterator[Tenant]:
    with Tenant(WebhookSigner("acme", kid="ed-1"), WebhookSigner("acme", algorithm="ES256", kid="ec-1")) as t:
        yield t


class Receiver:
    """A receiver on 127.0.0.1 (a LoopbackServer): verifies each delivery, answers 200 with
    the event's acknowledgement or 401 naming the error class."""

    def __init__(self, verifier: WebhookVerifier) -> None:
        self.verifier = verifier
        self.events: list[WebhookEvent] = []
        self.server = LoopbackServer(self.serve)
        self.url = f"{self.server.url}/hooks/c1"

    def serve(self, seen: Seen) -> Reply:
        url = f"{self.server.url}{seen.path}"
        try:
            event = self.verifier.verify(method=seen.method, url=url, headers=seen.headers, body=seen.body)
        except WebhookVerificationError as error:
            return Reply(401, {"refused": type(error).__name__, "why": str(error)})
        self.events.append(event)
        return Reply(200, event.acknowledge().to_json())

    def __enter__(self) -> Receiver:
        self.server.__enter__()
        return self

    def __exit__(self, *args: object) -> None:
        self.server.__exit__(*args)

    def send(self, delivery: SignedDelivery) -> httpx.Response:
        return httpx.request(
            delivery.method, delivery.url, headers=delivery.headers, content=delivery.body, timeout=10
        )


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def verifier_for(tenant: Tenant, **options: Any) -> WebhookVerifier:
    return WebhookVerifier("acme", server_url=tenant.url, **options)


@pytest.mark.parametrize("signer_index", [0, 1], ids=["Ed25519", "P-256"])
def test_a_valid_delivery_is_verified_by_a_real_receiver(tenant: Tenant, signer_index: int) -> None:
    signer = tenant.signers[signer_index]
    with Receiver(verifier_for(tenant)) as receiver:
        delivery = signer.delivery(
            receiver.url, TEST_EVENT, {}, callback_url=f"{tenant.url}/api/v1/webhooks/callback/1"
        )
        response = receiver.send(delivery)
        assert response.status_code == 200, response.text
        assert response.json() == {"version": "v1"}
        [event] = receiver.events
        assert event.event == TEST_EVENT and event.version == "v1"
        assert event.webhook_id == json.loads(delivery.body)["webhookId"]
        assert event.claims["c1typ"] == "wh" and event.claims["iss"] == "acme.conductor.one"
        # the vendored document defines no webhook schemas: the payload stays JSON
        assert event.payload is None and event.payload_json == {}
        # a second delivery is verified with the cached keys
        assert receiver.send(signer.delivery(receiver.url, TEST_EVENT, {"x": 1})).status_code == 200
    assert tenant.jwks_fetches == 1


def _claims(delivery: SignedDelivery) -> dict[str, Any]:
    token = delivery.headers["Authorization"].split()[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    return claims


def _tampered(signer: WebhookSigner, url: str, case: str) -> SignedDelivery:
    """A delivery to ``url`` that must be refused, as ``case`` says."""
    if case == "body changed by one byte":
        good = signer.delivery(url, TEST_EVENT, {"note": "approve me"})
        return SignedDelivery(
            good.method, good.url, good.headers, good.body.replace(b"approve me", b"approve mf")
        )
    if case == "wrong htu":
        return signer.delivery(url, TEST_EVENT, {}, claims={"htu": url.replace("/hooks/c1", "/hooks/other")})
    if case == "wrong htm":
        return signer.delivery(url, TEST_EVENT, {}, claims={"htm": "PUT"})
    if case == "expired":
        return signer.delivery(url, TEST_EVENT, {}, now=NOW - 3600, lifetime=300)
    if case == "not yet valid":
        return signer.delivery(url, TEST_EVENT, {}, now=NOW + 3600)
    if case == "wrong iss":
        return signer.delivery(url, TEST_EVENT, {}, claims={"iss": "evil.conductor.one"})
    if case == "wrong aud":
        return signer.delivery(url, TEST_EVENT, {}, claims={"aud": "hooks.elsewhere.example"})
    if case == "wrong c1typ":
        return signer.delivery(url, TEST_EVENT, {}, claims={"c1typ": "access"})
    if case == "header and body disagree":
        return signer.delivery(
            url, TEST_EVENT, {}, headers={"Webhook-Event": "c1.webhooks.v1.PayloadProvisionStep"}
        )
    if case == "@type and event disagree":
        body = json.dumps(
            {
                "event": TEST_EVENT,
                "payload": {"@type": "type.googleapis.com/c1.webhooks.v1.PayloadProvisionStep"},
            }
        ).encode()
        return signer.sign(url, body)
    if case == "alg none":
        good = signer.delivery(url, TEST_EVENT, {})
        header = b64(json.dumps({"alg": "none", "kid": signer.kid}).encode())
        token = f"{header}.{b64(json.dumps(_claims(good)).encode())}."
        return SignedDelivery(
            good.method, good.url, {**good.headers, "Authorization": f"Bearer {token}"}, good.body
        )
    if case == "HMAC keyed with the public key":
        good = signer.delivery(url, TEST_EVENT, {})
        public = json.dumps(signer.jwks()["keys"][0]).encode()
        signing_input = (
            b64(json.dumps({"alg": "HS256", "kid": signer.kid}).encode())
            + "."
            + b64(json.dumps(_claims(good)).encode())
        )
        mac = b64(hmac.new(public, signing_input.encode(), hashlib.sha256).digest())
        headers = {**good.headers, "Authorization": f"Bearer {signing_input}.{mac}"}
        return SignedDelivery(good.method, good.url, headers, good.body)
    if case == "signed by another key with the tenant's kid":
        impostor = WebhookSigner("acme", kid=signer.kid)
        return impostor.delivery(url, TEST_EVENT, {})
    if case == "unknown kid":
        return WebhookSigner("acme", kid="never-published").delivery(url, TEST_EVENT, {})
    if case == "no bearer token":
        good = signer.delivery(url, TEST_EVENT, {})
        return SignedDelivery(good.method, good.url, {"Content-Type": "application/json"}, good.body)
    if case == "body is not JSON":
        return signer.sign(url, b"not json")
    raise AssertionError(case)


REFUSALS = {
    "body changed by one byte": WebhookBodyMismatchError,
    "wrong htu": WebhookURLMismatchError,
    "wrong htm": WebhookMethodMismatchError,
    "expired": WebhookExpiredError,
    "not yet valid": WebhookNotYetValidError,
    "wrong iss": WebhookIssuerError,
    "wrong aud": WebhookAudienceError,
    "wrong c1typ": WebhookTokenTypeError,
    "header and body disagree": WebhookHeaderMismatchError,
    "@type and event disagree": WebhookHeaderMismatchError,
    "alg none": WebhookAlgorithmError,
    "HMAC keyed with the public key": WebhookAlgorithmError,
    "signed by another key with the tenant's kid": WebhookSignatureError,
    "unknown kid": WebhookKeyNotFoundError,
    "no bearer token": WebhookMalformedError,
    "body is not JSON": WebhookMalformedError,
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_each_forgery_is_refused_with_its_own_error(tenant: Tenant, case: str) -> None:
    clock = Clock()
    signer = tenant.signers[0]
    with Receiver(verifier_for(tenant, clock=clock)) as receiver:
        delivery = _tampered(signer, receiver.url, case)
        if case not in ("expired", "not yet valid"):
            delivery = _retimed(signer, delivery, case)
        response = receiver.send(delivery)
        assert response.status_code == 401, response.text
        assert response.json()["refused"] == REFUSALS[case].__name__, response.json()
        assert receiver.events == []
        # the message names what did not match and never quotes the token
        token = delivery.headers.get("Authorization", "").partition(" ")[2]
        for part in [token, *token.split(".")]:
            assert len(part) < 8 or part not in response.json()["why"]


def _retimed(signer: WebhookSigner, delivery: SignedDelivery, case: str) -> SignedDelivery:
    """Deliveries are signed with the real time; the receiver's clock is NOW: sign again at NOW
    (keeping what the case changed), except for cases whose token is hand-made."""
    if case in ("alg none", "HMAC keyed with the public key", "no bearer token"):
        return delivery
    claims = _claims(delivery)
    if case == "signed by another key with the tenant's kid" or case == "unknown kid":
        return delivery  # any time: the key is what is wrong
    keep = {k: v for k, v in claims.items() if k not in ("iat", "nbf", "exp", "htb_s256")}
    if case == "body changed by one byte":
        original = delivery.body.replace(b"approve mf", b"approve me")
        signed = signer.sign(delivery.url, original, headers=_plain(delivery.headers), now=NOW, claims=keep)
        return SignedDelivery(signed.method, signed.url, signed.headers, delivery.body)
    return signer.sign(delivery.url, delivery.body, headers=_plain(delivery.headers), now=NOW, claims=keep)


def _plain(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k != "Authorization"}


def test_unknown_and_impostor_kids_at_real_time_are_refused(tenant: Tenant) -> None:
    # the two kid cases above run on the real clock (their timing is not what is wrong)
    with Receiver(verifier_for(tenant)) as receiver:
        for case in ("signed by another key with the tenant's kid", "unknown kid"):
            response = receiver.send(_tampered(tenant.signers[0], receiver.url, case))
            assert response.json()["refused"] == REFUSALS[case].__name__


def test_a_replayed_webhook_id_is_refused_and_a_failed_check_does_not_poison_the_guard(
    tenant: Tenant,
) -> None:
    signer = tenant.signers[0]
    with Receiver(verifier_for(tenant)) as receiver:
        first = signer.delivery(receiver.url, TEST_EVENT, {}, webhook_id="wh-1")
        forged = signer.delivery(
            receiver.url, TEST_EVENT, {}, webhook_id="wh-2", claims={"aud": "other.example"}
        )
        assert receiver.send(forged).status_code == 401
        assert receiver.send(first).status_code == 200
        # the same id again, even in a freshly signed token, is a replay
        again = signer.delivery(receiver.url, TEST_EVENT, {}, webhook_id="wh-1")
        response = receiver.send(again)
        assert response.json()["refused"] == "WebhookReplayError"
        # wh-2 was refused before, never accepted: its genuine delivery still goes through
        assert (
            receiver.send(signer.delivery(receiver.url, TEST_EVENT, {}, webhook_id="wh-2")).status_code == 200
        )


def test_the_replay_guard_is_pluggable_and_can_be_off(tenant: Tenant) -> None:
    signer = tenant.signers[0]
    delivery = signer.delivery("https://hooks.example.com/c1", TEST_EVENT, {})

    class Shared:
        def __init__(self) -> None:
            self.keys: set[str] = set()

        def first_time(self, key: str, expires_at: float) -> bool:
            new = key not in self.keys
            self.keys.add(key)
            return new

    shared = Shared()
    one = WebhookVerifier("acme", jwks=signer.jwks(), replay_guard=shared)
    two = WebhookVerifier("acme", jwks=signer.jwks(), replay_guard=shared)
    one.verify(**delivery.as_kwargs())
    with pytest.raises(WebhookReplayError):
        two.verify(**delivery.as_kwargs())  # another receiver sharing the guard
    off = WebhookVerifier("acme", jwks=signer.jwks(), replay_guard=None)
    off.verify(**delivery.as_kwargs())
    off.verify(**delivery.as_kwargs())


def test_memory_guard_is_bounded_and_forgets_expired_keys() -> None:
    clock = Clock()
    guard = MemoryReplayGuard(max_entries=3, clock=clock)
    assert guard.first_time("a", NOW + 10) and not guard.first_time("a", NOW + 10)
    assert (
        guard.first_time("b", NOW + 10)
        and guard.first_time("c", NOW + 10)
        and guard.first_time("d", NOW + 10)
    )
    assert len(guard) == 3  # "a", the oldest, made room
    clock.now = NOW + 11
    assert guard.first_time("b", NOW + 20)  # expired: new again


def test_key_rotation_unknown_kid_then_accepted_with_one_fetch(tenant: Tenant) -> None:
    clock = Clock()
    verifier = verifier_for(tenant, clock=lambda: clock.now, refetch_interval=60)
    old = tenant.signers[0]
    url = "https://hooks.example.com/c1"
    verifier.verify(**old.delivery(url, TEST_EVENT, {}, now=NOW).as_kwargs())
    assert tenant.jwks_fetches == 1
    rotated = WebhookSigner("acme", kid="ed-2")
    tenant.signers.append(rotated)
    clock.now = NOW + 5
    # a flood of unknown kids within the interval: refused, and not one more fetch
    for n in range(50):
        with pytest.raises(WebhookKeyNotFoundError):
            verifier.verify(
                **WebhookSigner("acme", kid=f"made-up-{n}")
                .delivery(url, TEST_EVENT, {}, now=clock.now)
                .as_kwargs()
            )
    assert tenant.jwks_fetches == 1
    clock.now = NOW + 61
    event = verifier.verify(**rotated.delivery(url, TEST_EVENT, {}, now=clock.now).as_kwargs())
    assert event.event == TEST_EVENT
    assert tenant.jwks_fetches == 2  # one fetch found the new key
    verifier.verify(**rotated.delivery(url, TEST_EVENT, {}, now=clock.now).as_kwargs())
    assert tenant.jwks_fetches == 2


def test_async_verification_fetches_the_keys_once_for_concurrent_deliveries(tenant: Tenant) -> None:
    signer = tenant.signers[1]
    url = "https://hooks.example.com/c1"
    deliveries = [signer.delivery(url, TEST_EVENT, {"n": n}) for n in range(20)]

    async def main() -> list[WebhookEvent]:
        async with httpx.AsyncClient() as http:
            verifier = verifier_for(tenant, async_http_client=http)
            return await asyncio.gather(*(verifier.verify_async(**d.as_kwargs()) for d in deliveries))

    events = asyncio.run(asyncio.wait_for(main(), 30))
    assert [e.payload_json["n"] for e in events] == list(range(20))
    assert tenant.jwks_fetches == 1


def test_threads_share_one_jwks_fetch(tenant: Tenant) -> None:
    signer = tenant.signers[0]
    verifier = verifier_for(tenant)
    deliveries = [signer.delivery("https://hooks.example.com/c1", TEST_EVENT, {}) for _ in range(16)]
    errors: list[BaseException] = []

    def run(d: SignedDelivery) -> None:
        try:
            verifier.verify(**d.as_kwargs())
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(d,)) for d in deliveries]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == [] and tenant.jwks_fetches == 1


def _always(reply: Reply) -> Callable[[Seen], Reply]:
    return lambda seen: reply


def test_jwks_endpoint_failures_are_typed_and_redirects_not_followed() -> None:
    signer = WebhookSigner("acme")
    elsewhere = LoopbackServer(lambda seen: Reply(body=signer.jwks()))
    replies = {
        "redirect": Reply(status=302, headers={"Location": f"{elsewhere.url}/auth/v1/jwks"}),
        "500": Reply(status=500),
        "not a jwks": Reply(body={"keys": "nope"}),
        "too large": Reply(body=b"{" + b" " * (2 * 1024 * 1024) + b"}"),
    }
    with elsewhere:
        for name, reply in replies.items():
            with LoopbackServer(_always(reply)) as server:
                verifier = WebhookVerifier("acme", server_url=server.url)
                delivery = signer.delivery("https://hooks.example.com/c1", TEST_EVENT, {})
                with pytest.raises(WebhookKeysUnavailableError) as caught:
                    verifier.verify(**delivery.as_kwargs())
                assert server.url in str(caught.value), name
        assert elsewhere.seen == []


def test_keys_given_directly_are_never_fetched() -> None:
    signer = WebhookSigner("acme", algorithm="ES256")
    verifier = WebhookVerifier("acme", jwks=signer.jwks())
    event = verifier.verify(**signer.delivery("https://hooks.example.com/c1", TEST_EVENT, {}).as_kwargs())
    assert event.event == TEST_EVENT and verifier.keys.fetches == 0


def test_the_url_given_is_compared_as_a_url_and_behind_a_proxy_the_public_one_counts() -> None:
    signer = WebhookSigner("acme")
    verifier = WebhookVerifier("acme", jwks=signer.jwks(), replay_guard=None)
    delivery = signer.delivery("https://Hooks.Example.com:443/c1?x=1", TEST_EVENT, {})
    verifier.verify(**{**delivery.as_kwargs(), "url": "https://hooks.example.com/c1?x=1"})
    with pytest.raises(WebhookURLMismatchError, match="behind a proxy"):
        verifier.verify(**{**delivery.as_kwargs(), "url": "http://10.0.0.5:8080/c1?x=1"})
    # an audience configured for the public host, the URL still the public one
    proxied = WebhookVerifier("acme", jwks=signer.jwks(), audience="hooks.example.com", replay_guard=None)
    proxied.verify(**delivery.as_kwargs())


def test_answers_are_sent_to_the_callback_on_the_tenant_origin_only(tenant: Tenant) -> None:
    signer = tenant.signers[0]
    with LoopbackServer(lambda seen: Reply(body={})) as elsewhere:
        verifier = verifier_for(tenant)
        good = signer.delivery(
            "https://hooks.example.com/c1",
            TEST_EVENT,
            {},
            callback_url=f"{tenant.url}/api/v1/webhooks/callback/wh-9",
        )
        event = verifier.verify(**good.as_kwargs())
        with ConductorOne(access_token="callback-token", server_url=tenant.url) as c1:
            event.acknowledge().send(c1)
        [answer] = tenant.answers
        assert answer.json() == {"version": "v1"}
        assert answer.headers["authorization"] == "Bearer callback-token"
        hostile = signer.delivery(
            "https://hooks.example.com/c1",
            TEST_EVENT,
            {},
            callback_url=f"{elsewhere.url}/api/v1/webhooks/callback/x",
        )
        event = verifier.verify(**hostile.as_kwargs())
        with (
            ConductorOne(access_token="callback-token", server_url=tenant.url) as c1,
            pytest.raises(WebhookAnswerError, match="not on the tenant's origin"),
        ):
            event.acknowledge().send(c1)
        # a client for the other origin does not make it the tenant's
        with (
            ConductorOne(access_token="callback-token", server_url=elsewhere.url) as c1,
            pytest.raises(WebhookAnswerError),
        ):
            event.acknowledge().send(c1)

        async def send_async() -> None:
            async with AsyncConductorOne(access_token="callback-token", server_url=tenant.url) as c1:
                await event.acknowledge().send_async(c1)

        with pytest.raises(WebhookAnswerError):
            asyncio.run(send_async())
        assert elsewhere.seen == [] and len(tenant.answers) == 1


def test_a_failed_callback_is_a_typed_error_after_retries() -> None:
    signer = WebhookSigner("acme")
    with LoopbackServer(lambda seen: Reply(status=503, body={"message": "busy"})) as down:
        verifier = WebhookVerifier("acme", server_url=down.url, jwks=signer.jwks())
        delivery = signer.delivery(
            "https://hooks.example.com/c1",
            TEST_EVENT,
            {},
            callback_url=f"{down.url}/api/v1/webhooks/callback/1",
        )
        event = verifier.verify(**delivery.as_kwargs())
        with (
            ConductorOne(access_token="t", server_url=down.url, max_retries=1) as c1,
            pytest.raises(ConductorOneError) as caught,
        ):
            event.approve().send(c1)
        assert getattr(caught.value, "status_code", None) == 503
        assert len(down.seen) == 2


def test_answers_without_a_schema_are_json_and_never_share_the_callers_data() -> None:
    signer = WebhookSigner("acme")
    verifier = WebhookVerifier("acme", jwks=signer.jwks())
    event = verifier.verify(
        **signer.delivery(
            "https://hooks.example.com/c1", "c1.webhooks.v1.PayloadPolicyApprovalStep", {}
        ).as_kwargs()
    )
    assert json.loads(event.reassign(["u1", "u2"], comment="to them").to_json()) == {
        "reassign": {"comment": "to them", "newStepUserIds": ["u1", "u2"]},
        "version": "v1",
    }
    context = {"nested": {"a": 1}}
    answer = event.respond(context=context)
    context["nested"]["a"] = 2
    assert answer.data["context"] == {"nested": {"a": 1}}
    with pytest.raises(TypeError):
        event.reassign("u1")  # a string is a sequence, but not of user IDs


def test_the_registry_maps_schema_keys_and_type_urls_to_models() -> None:
    from conductorone_api.models import AppEntitlement, model_for_schema

    assert model_for_schema("c1.api.app.v1.AppEntitlement") is AppEntitlement
    assert model_for("type.googleapis.com/c1.api.app.v1.AppEntitlement") is AppEntitlement
    assert model_for("c1.webhooks.v1.PayloadTest") is None
    decoded = decode_any(
        {"@type": "type.googleapis.com/c1.api.app.v1.AppEntitlement", "displayName": "Admin"}
    )
    assert isinstance(decoded, AppEntitlement) and decoded.display_name == "Admin"
    unknown = {"@type": "type.googleapis.com/c1.nothing.V1", "a": 1}
    assert decode_any(unknown) is unknown


def test_reprs_show_no_token() -> None:
    signer = WebhookSigner("acme")
    delivery = signer.delivery("https://hooks.example.com/c1", TEST_EVENT, {})
    verifier = WebhookVerifier("acme", jwks=signer.jwks())
    event = verifier.verify(**delivery.as_kwargs())
    token = delivery.headers["Authorization"].split()[1]
    for text in (repr(event), repr(verifier), repr(signer), repr(event.acknowledge())):
        assert token not in text and token.split(".")[2] not in text


PAYLOADS = {
    "c1.webhooks.v1.PayloadTest": ({}, "PayloadTest", "acknowledge"),
    "c1.webhooks.v1.PayloadPolicyApprovalStep": (
        {"taskView": {"task": {"id": "task-1", "displayName": "Access to prod"}}, "expanded": []},
        "PayloadPolicyApprovalStep",
        "approve",
    ),
    "c1.webhooks.v1.PayloadPolicyPostAction": (
        {"taskView": {"task": {"id": "task-2"}}},
        "PayloadPolicyPostAction",
        "acknowledge",
    ),
    "c1.webhooks.v1.PayloadProvisionStep": (
        {
            "taskView": {"task": {"id": "task-3"}},
            "expanded": [{"@type": "type.googleapis.com/c1.api.app.v1.AppEntitlement", "id": "ent-1"}],
        },
        "PayloadProvisionStep",
        "complete",
    ),
    "c1.webhooks.v1.PayloadWorkflowStep": (
        {"workflowId": "wf-1", "workflowExecutionId": "42", "context": {"k": "v"}},
        "PayloadWorkflowStep",
        "acknowledge",
    ),
}


def test_every_payload_type_of_a_2026_02_build_parses_to_its_model_and_answers_validate(
    upstream_build: Any,
) -> None:
    from openapi_schema_validator import OAS30Validator

    from generator.loader import load_openapi

    spec, package, _report = upstream_build("2026-02")
    built: UpstreamBuild = (spec, package, _report)
    out = package.parent / "webhook-answers.json"
    run_against(
        built[1].parent,
        f"""
        import json
        from conductorone.webhooks import WebhookAnswerError, WebhookVerifier, decode_any
        from conductorone.webhooks.testing import WebhookSigner
        from conductorone_api import models

        payloads = {PAYLOADS!r}
        answers = {{}}
        for algorithm in ("EdDSA", "ES256"):
            signer = WebhookSigner("acme", algorithm=algorithm)
            verifier = WebhookVerifier("acme", jwks=signer.jwks())
            for event_name, (payload, model, action) in payloads.items():
                delivery = signer.delivery("https://hooks.example.com/c1", event_name, payload)
                event = verifier.verify(**delivery.as_kwargs())
                assert type(event.payload).__name__ == model, (event_name, type(event.payload))
                assert event.payload.to_dict() == payload, event.payload.to_dict()
                answer = getattr(event, action)()
                assert type(answer.model).__name__ == event.response_model.__name__
                answers[event_name] = answer.data
            # the typed payload reads its nested models and the expanded objects decode
            step = verifier.verify(**signer.delivery(
                "https://hooks.example.com/c1", "c1.webhooks.v1.PayloadPolicyApprovalStep",
                payloads["c1.webhooks.v1.PayloadPolicyApprovalStep"][0]).as_kwargs())
            assert step.payload.task_view.task.display_name == "Access to prod"
            answers["deny"] = step.deny("no").data
            answers["reassign"] = step.reassign(["u1"], comment="you").data
            answers["replace"] = step.replace_policy([{{"approval": {{"allowReassignment": True}}}}]).data
            try:
                step.complete()
            except WebhookAnswerError as error:
                assert "approve" in str(error) and "deny" in str(error), error
            else:
                raise AssertionError("a policy step cannot be completed")
            try:
                step.respond(aprove={{}})
            except WebhookAnswerError as error:
                assert "did you mean 'approve'" in str(error), error
            else:
                raise AssertionError("a misspelt answer must be refused")
            provision = verifier.verify(**signer.delivery(
                "https://hooks.example.com/c1", "c1.webhooks.v1.PayloadProvisionStep",
                payloads["c1.webhooks.v1.PayloadProvisionStep"][0]).as_kwargs())
            [expanded] = [decode_any(item.to_dict()) for item in provision.payload.expanded]
            assert type(expanded).__name__ == "AppEntitlement" and expanded.id == "ent-1"
            answers["errored"] = provision.error("failed").data
            unknown = verifier.verify(**signer.delivery(
                "https://hooks.example.com/c1", "c1.webhooks.v1.PayloadFromTheFuture", {{"a": 1}}).as_kwargs())
            assert unknown.payload is None and unknown.payload_json == {{"a": 1}}
        open({str(out)!r}, "w").write(json.dumps(answers))
        """,
    )
    answers = json.loads(out.read_text())
    schemas = load_openapi(spec)["components"]
    response_of = {
        "c1.webhooks.v1.PayloadTest": "c1.webhooks.v1.ResponseTest",
        "c1.webhooks.v1.PayloadPolicyApprovalStep": "c1.webhooks.v1.ResponsePolicyApprovalStep",
        "c1.webhooks.v1.PayloadPolicyPostAction": "c1.webhooks.v1.ResponsePolicyPostAction",
        "c1.webhooks.v1.PayloadProvisionStep": "c1.webhooks.v1.ResponseProvisionStep",
        "c1.webhooks.v1.PayloadWorkflowStep": "c1.webhooks.v1.ResponseWorkflowStep",
        "deny": "c1.webhooks.v1.ResponsePolicyApprovalStep",
        "reassign": "c1.webhooks.v1.ResponsePolicyApprovalStep",
        "replace": "c1.webhooks.v1.ResponsePolicyApprovalStep",
        "errored": "c1.webhooks.v1.ResponseProvisionStep",
    }
    assert set(answers) == set(response_of)
    for name, data in answers.items():
        schema = {
            **schemas["schemas"][response_of[name]],
            "additionalProperties": False,
            "components": schemas,
        }
        OAS30Validator(schema).validate(data)
        assert data["version"] == "v1"
    assert answers["c1.webhooks.v1.PayloadPolicyApprovalStep"] == {"approve": {}, "version": "v1"}
    assert answers["errored"] == {"errored": {"comment": "failed"}, "version": "v1"}


def _readme_block(after: str) -> str:
    from .conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    begin = text.index("```python\n", text.index(after)) + len("```python\n")
    return text[begin : text.index("\n```", begin)]


def test_the_readme_asgi_receiver_verifies_and_refuses() -> None:
    namespace: dict[str, Any] = {}
    exec(_readme_block("<!-- not run by tests/test_readme.py: an ASGI server runs it -->"), namespace)
    signer = WebhookSigner("acme")
    namespace["verifier"] = WebhookVerifier("acme", jwks=signer.jwks())  # its keys, not the network's

    async def call(delivery: SignedDelivery) -> tuple[int, bytes]:
        sent: list[dict[str, Any]] = []
        chunks = [delivery.body[:10], delivery.body[10:]]

        async def receive() -> dict[str, Any]:
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "method": delivery.method,
            "path": "/c1",
            "headers": [(k.lower().encode(), v.encode()) for k, v in delivery.headers.items()],
        }
        await namespace["app"](scope, receive, send)
        return sent[0]["status"], sent[1]["body"]

    good = signer.delivery("https://hooks.example.com/c1", TEST_EVENT, {})
    assert asyncio.run(call(good)) == (200, b'{"version":"v1"}')
    forged = signer.delivery("https://hooks.example.com/other", TEST_EVENT, {})
    assert asyncio.run(call(forged))[0] == 401


def test_the_readme_standard_library_receiver_verifies_and_refuses() -> None:
    code = _readme_block("<!-- not run by tests/test_readme.py: it serves until stopped -->")
    body, _, last = code.rpartition("\n")
    assert last.startswith("ThreadingHTTPServer(")
    namespace: dict[str, Any] = {}
    exec(body, namespace)
    signer = WebhookSigner("acme")
    namespace["verifier"] = WebhookVerifier("acme", jwks=signer.jwks())
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), namespace["Receiver"])
    namespace["PUBLIC_URL"] = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        url = namespace["PUBLIC_URL"] + "/c1"
        approval = signer.delivery(url, "c1.webhooks.v1.PayloadPolicyApprovalStep", {})
        response = httpx.post(url, headers=approval.headers, content=approval.body, timeout=10)
        assert response.status_code == 200
        assert response.json() == {"approve": {"comment": "approved by the receiver"}, "version": "v1"}
        forged = signer.delivery(url, TEST_EVENT, {}, claims={"htm": "PUT"})
        assert httpx.post(url, headers=forged.headers, content=forged.body, timeout=10).status_code == 401
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_the_body_must_be_the_raw_bytes() -> None:
    signer = WebhookSigner("acme")
    verifier = WebhookVerifier("acme", jwks=signer.jwks(), replay_guard=None)
    delivery = signer.delivery("https://hooks.example.com/c1", TEST_EVENT, {})
    with pytest.raises(TypeError, match="raw bytes"):
        verifier.verify(**{**delivery.as_kwargs(), "body": delivery.body.decode()})
    with pytest.raises(TypeError, match="raw bytes"):
        verifier.verify(**{**delivery.as_kwargs(), "body": json.loads(delivery.body)})
    assert verifier.verify(**{**delivery.as_kwargs(), "body": bytearray(delivery.body)}).event == TEST_EVENT


def test_headers_may_be_any_pairs_even_an_iterator_read_once() -> None:
    signer = WebhookSigner("acme")
    verifier = WebhookVerifier("acme", jwks=signer.jwks(), replay_guard=None)
    good = signer.delivery("https://hooks.example.com/c1", TEST_EVENT, {})
    pairs = [(k.lower().encode(), v.encode()) for k, v in good.headers.items()]  # ASGI's raw headers
    assert verifier.verify(**{**good.as_kwargs(), "headers": iter(pairs)}).event == TEST_EVENT
    bad = signer.delivery("https://hooks.example.com/c1", TEST_EVENT, {}, headers={"Webhook-Version": "v2"})
    bad_pairs = iter([(k, v) for k, v in bad.headers.items()])
    with pytest.raises(WebhookHeaderMismatchError):  # the header check sees the pairs too
        verifier.verify(**{**bad.as_kwargs(), "headers": bad_pairs})
    doubled = [*good.headers.items(), ("Authorization", "Bearer x.y.z")]
    with pytest.raises(WebhookMalformedError, match="more than once"):
        verifier.verify(**{**good.as_kwargs(), "headers": doubled})
