def is_htmx(request) -> bool:
    """True for a request made by htmx that wants a fragment, not a whole page."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
