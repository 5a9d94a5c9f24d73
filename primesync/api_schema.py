"""The OpenAPI description's shared parts: the error bodies and which errors each operation can answer.

Every operation gets the errors it can really answer, from what its view is:
401 and 403 when it needs a team member's token or session, 404 when its path names an object (or
its list pages take a cursor, which answers 404 when forged), 400 when it reads a body, 400 and 422
for a malformed or reused ``Idempotency-Key`` on POSTs, 429 when it is throttled. The bodies are the
ones primesync/api_errors.py and DRF produce.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_mock_request
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import AllowAny

from primesync import idempotency

DETAIL_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, for a person to read."}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Field name → its messages; ``non_field_errors`` for the request as a whole; ``detail`` (a string) "
        "when the body could not be parsed at all. A list field's messages are keyed by item index."
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "string"},
            {"type": "object"},
        ]
    },
}

ERROR_DESCRIPTIONS = {
    400: "The request is not valid: field errors.",
    401: "No credentials, or an invalid or revoked token.",
    403: "Not a member of a team, or the role or ownership does not allow this.",
    404: "No such object in your team (another team's id answers exactly like a missing one), or a forged cursor.",
    422: "This Idempotency-Key was already used with a different request.",
    429: "Too many requests: wait for the Retry-After seconds.",
}

IDEMPOTENCY_KEY = OpenApiParameter(
    name=idempotency.HEADER,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID) of up to 255 characters. A retry with the same key and body gets the first "
        "successful answer again (header ``Idempotent-Replayed: true``) and writes nothing; the same key with "
        "another body answers 422. Keys are kept 24 hours, per user and team."
    ),
)


def mock_request(method, path, view, original_request, **kwargs):
    """The request views see while the schema is built: no team, so team-scoped querysets are empty, not errors."""
    request = build_mock_request(method, path, view, original_request, **kwargs)
    for target in (request, request._request):
        target.team = None
        target.seat = None
    return request


class ApiSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self._is_idempotent_post():
            parameters = [*parameters, IDEMPOTENCY_KEY]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            schema = self._error_component(code)
            responses.setdefault(str(code), {
                "description": ERROR_DESCRIPTIONS[code],
                "content": {"application/json": {"schema": schema}},
            })
        return responses

    def _is_idempotent_post(self) -> bool:
        return self.method == "POST" and isinstance(self.view, idempotency.IdempotentPostMixin)

    def _needs_member(self) -> bool:
        permissions = self.view.get_permissions()
        return bool(self.view.get_authenticators()) and not all(isinstance(p, AllowAny) for p in permissions)

    def _error_codes(self) -> list[int]:
        codes = []
        if self.method in ("POST", "PUT", "PATCH") or self._is_idempotent_post():
            codes.append(400)
        if self._needs_member():
            codes += [401, 403]
        if "{" in self.path or self._is_paginated_list():
            codes.append(404)
        if self._is_idempotent_post():
            codes.append(422)
        if self.view.get_throttles():
            codes.append(429)
        return codes

    def _is_paginated_list(self) -> bool:
        return self.method == "GET" and self._is_list_view() and self._get_paginator() is not None

    def _error_component(self, code: int) -> dict:
        name, schema = ("ValidationErrors", FIELD_ERRORS) if code == 400 else ("Error", DETAIL_ERROR)
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref
