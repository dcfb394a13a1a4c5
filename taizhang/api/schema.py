"""Hooks that complete the OpenAPI document where drf-spectacular cannot see our behaviour."""

ERROR = {
    "type": "object",
    "description": "What went wrong, in the user's language; field errors by field name.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "row": {"type": "integer", "nullable": True},
                    "message": {"type": "string"},
                },
            },
        },
    },
    "additionalProperties": True,
}
REASONS = {
    "400": "The input was refused: invalid, or not allowed in this state.",
    "401": "Not signed in, or the token is unknown, expired or revoked.",
    "403": "Your role or unit may not do this.",
    "404": "No such record that you may see.",
    "409": "The record changed since you read it (a stale version) or was already decided.",
    "429": "Too many tries (failed sign-ins, claim codes): locked for a while.",
}
# Lists narrowed to one record by a query parameter (``?task=``): a record the caller does not
# see is a 404 there too.
NARROWED_BY_RECORD = ("/api/notifications/deliveries",)


def _codes(path, method):
    if path.endswith("/auth/token"):
        return ["400", "401", "403", "429"]
    if path.endswith("/suggestions/claim"):  # no sign-in; throttled; an unknown code is a 404
        return ["400", "404", "429"]
    codes = ["400", "401", "403"]
    if "{" in path or path in NARROWED_BY_RECORD:
        codes.append("404")
        if method in ("post", "patch", "put"):
            codes.append("409")
    return codes


def add_error_responses(result, generator, request, public):
    """Declare the error answers every operation can give, with one error schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _codes(path, method):
                responses.setdefault(
                    code,
                    {
                        "description": REASONS[code],
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
