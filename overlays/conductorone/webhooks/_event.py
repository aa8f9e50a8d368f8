"""A verified delivery (:class:`WebhookEvent`) and the answer to it (:class:`WebhookAnswer`).

Payloads and answers are typed through the build's schema registry
(``conductorone_api.models.model_for_schema``): the body's ``event`` and a payload's
protobuf ``@type`` are schema keys of the document, so whatever webhook schemas the vendored
document defines are decoded, with no list kept here. A payload the document does not know
still verifies and stays available as JSON.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs

from .._exceptions import printable
from ._errors import WebhookAnswerError

if TYPE_CHECKING:
    from conductorone_api.types import Model

    from .._client import AsyncConductorOne, ConductorOne

VERSION = "v1"


def model_for(schema_key: str) -> type[Model] | None:
    """The generated model of a schema key or protobuf type URL, if the document has one."""
    from conductorone_api import models

    lookup = getattr(models, "model_for_schema", None)  # a package built before the registry
    return lookup(schema_key) if lookup is not None else None


def decode_any(value: Mapping[str, Any]) -> Model | Mapping[str, Any]:
    """A protobuf ``Any`` in JSON (``{"@type": "type.googleapis.com/c1.api.app.v1.App", ...}``,
    as in a payload's ``expanded`` list) as the model its ``@type`` names, or as it is when the
    document has no such schema."""
    type_url = value.get("@type")
    model = model_for(type_url) if isinstance(type_url, str) else None
    if model is None:
        return value
    return model.from_dict({key: item for key, item in value.items() if key != "@type"})


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"https": 443, "http": 80}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


@attrs.frozen(repr=False)
class WebhookAnswer:
    """The answer to one event: ``to_json()`` is the body of a 200 response (or of the POST to
    the callback URL after a 202). ``model`` is the document's response model, when it has one."""

    event: str
    data: dict[str, Any]
    callback_url: str | None
    server_url: str
    model: Model | None = None
    status_code: int = 200
    content_type: str = "application/json"

    def to_json(self) -> bytes:
        return json.dumps(self.data, separators=(",", ":"), ensure_ascii=False).encode()

    def __repr__(self) -> str:
        return f"WebhookAnswer(event={self.event!r}, data={self.data!r})"

    def _callback(self, client_url: str) -> str:
        """The callback path, once its URL is known to be on the tenant's (and the client's) origin."""
        if not self.callback_url:
            raise WebhookAnswerError("this delivery has no callbackUrl: answer it in the response (200)")
        where = _origin(self.callback_url)
        if where != _origin(self.server_url) or where != _origin(client_url):
            raise WebhookAnswerError(
                f"the callbackUrl {printable(self.callback_url)[:300]} is not on the tenant's origin "
                f"{self.server_url} (and the client's, {client_url}): not sent"
            )
        parts = urlsplit(self.callback_url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def send(self, client: ConductorOne) -> None:
        """POST this answer to the delivery's callback URL (after answering it 202), through
        ``client``: its credentials, retries and typed errors. Refused
        (:class:`WebhookAnswerError`) unless the URL is on the tenant's own origin."""
        path = self._callback(client.server_url)
        options = {"method": "POST", "url": path, "json": self.data}
        client.request(options, lambda _body: None, idempotent=True)

    async def send_async(self, client: AsyncConductorOne) -> None:
        """:meth:`send` with an :class:`~conductorone.AsyncConductorOne`."""
        path = self._callback(client.server_url)
        options = {"method": "POST", "url": path, "json": self.data}
        await client.request(options, lambda _body: None, idempotent=True)


def response_schema(event: str) -> str:
    """``c1.webhooks.v1.PayloadProvisionStep`` -> ``c1.webhooks.v1.ResponseProvisionStep``: the
    document names each event's answer so."""
    namespace, _, name = event.rpartition(".")
    return f"{namespace}.Response{name.removeprefix('Payload')}"


def _comment(comment: str | None) -> dict[str, Any]:
    return {"comment": comment} if comment is not None else {}


@attrs.frozen(repr=False)
class WebhookEvent:
    """A verified delivery. ``payload`` is the document's model of it (None when the document
    does not define the event's schema); ``payload_json`` the payload as sent (without
    ``@type``); ``claims`` the verified token claims."""

    webhook_id: str | None
    event: str | None
    version: str | None
    callback_url: str | None
    payload_type: str | None
    payload_json: dict[str, Any]
    payload: Model | None
    body: dict[str, Any]
    claims: dict[str, Any]
    server_url: str

    @classmethod
    def from_body(cls, body: dict[str, Any], claims: dict[str, Any], server_url: str) -> WebhookEvent:
        def text(key: str) -> str | None:
            value = body.get(key)
            return value if isinstance(value, str) else None

        raw = body.get("payload")
        payload_json = {k: v for k, v in raw.items() if k != "@type"} if isinstance(raw, dict) else {}
        type_url = raw.get("@type") if isinstance(raw, dict) else None
        event = text("event")
        schema = event or (type_url if isinstance(type_url, str) else None)
        model = model_for(schema) if schema else None
        payload = model.from_dict(payload_json) if model is not None else None
        return cls(
            webhook_id=text("webhookId"),
            event=event,
            version=text("version"),
            callback_url=text("callbackUrl"),
            payload_type=type_url if isinstance(type_url, str) else None,
            payload_json=payload_json,
            payload=payload,
            body=body,
            claims=claims,
            server_url=server_url,
        )

    def __repr__(self) -> str:
        return f"WebhookEvent(event={self.event!r}, webhook_id={self.webhook_id!r}, payload={self.payload!r})"

    # -- answers -------------------------------------------------------------------------------

    @property
    def response_model(self) -> type[Model] | None:
        """The document's model of this event's answer (``ResponsePolicyApprovalStep``...)."""
        return model_for(response_schema(self.event)) if self.event else None

    def respond(self, fields: Mapping[str, Any] | None = None, /, **more: Any) -> WebhookAnswer:
        """An answer with these fields (the API's JSON names: ``{"approve": {"comment": ...}}``),
        ``version`` added. Checked against the event's response schema when the document has it:
        a key it does not name is refused with the nearest valid one."""
        data: dict[str, Any] = {**copy.deepcopy(dict(fields or {})), **copy.deepcopy(more)}
        data.setdefault("version", self.version or VERSION)
        if not self.event:
            raise WebhookAnswerError("this delivery names no event: there is nothing to answer")
        model_cls = self.response_model
        model = None
        if model_cls is not None:
            try:
                model_cls.check_dict(data, where=model_cls.__name__)
            except (TypeError, ValueError) as error:
                raise WebhookAnswerError(str(error)) from None
            model = model_cls.from_dict(data)
        return WebhookAnswer(
            event=self.event,
            data=data,
            callback_url=self.callback_url,
            server_url=self.server_url,
            model=model,
        )

    def _action(self, key: str, value: dict[str, Any]) -> WebhookAnswer:
        model_cls = self.response_model
        if model_cls is not None and key not in model_cls._KEYS:
            offered = sorted(k for k in model_cls._KEYS if k != "version")
            raise WebhookAnswerError(
                f"{self.event} cannot be answered with {key!r}: its answer {model_cls.__name__} has "
                + (", ".join(map(repr, offered)) if offered else "no action (use acknowledge())")
            )
        return self.respond({key: value})

    def acknowledge(self) -> WebhookAnswer:
        """The answer that only says "received" (a test event, a post-action)."""
        return self.respond()

    def approve(self, comment: str | None = None) -> WebhookAnswer:
        """Approve the policy step."""
        return self._action("approve", _comment(comment))

    def deny(self, comment: str | None = None) -> WebhookAnswer:
        """Deny the policy step."""
        return self._action("deny", _comment(comment))

    def reassign(self, new_step_user_ids: Sequence[str], comment: str | None = None) -> WebhookAnswer:
        """Reassign the policy step to these users."""
        if isinstance(new_step_user_ids, str):
            raise TypeError("new_step_user_ids: a list of user IDs, not one string")
        return self._action("reassign", {**_comment(comment), "newStepUserIds": list(new_step_user_ids)})

    def replace_policy(self, policy_steps: Sequence[Any], comment: str | None = None) -> WebhookAnswer:
        """Replace the rest of the policy with these steps (``PolicyStep`` models, or the API's JSON)."""
        steps = [step.to_dict() if hasattr(step, "to_dict") else dict(step) for step in policy_steps]
        return self._action("replacePolicy", {**_comment(comment), "policySteps": steps})

    def complete(self, comment: str | None = None) -> WebhookAnswer:
        """The provisioning step is done."""
        return self._action("complete", _comment(comment))

    def error(self, comment: str | None = None) -> WebhookAnswer:
        """The provisioning step failed."""
        return self._action("errored", _comment(comment))
