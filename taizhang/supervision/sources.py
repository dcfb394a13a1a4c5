"""Where a task came from, as the apps above the ledger know it.

A suggestion, a meeting or a rectification plan can make tasks; the ledger must not import
them, so each registers a function ``link(task, user) -> (label, url) | None`` here (in its
AppConfig.ready) and the task page shows what they answer. ``url`` is empty when the user
may not open the source.
"""

_providers = []


def register(provider):
    if provider not in _providers:
        _providers.append(provider)


def links_for(task, user):
    return [link for provider in _providers if (link := provider(task, user))]
