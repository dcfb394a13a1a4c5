"""Work of the apps above the ledger in the ledger's 我的待办 page.

The to-do page is where staff start; suggestions to accept or to reply to belong there too,
but the ledger must not import those apps. Each registers ``counts(user) -> [(title, count,
url)]`` here (in its AppConfig.ready), and the page shows what they answer.
"""

_providers = []


def register(provider):
    if provider not in _providers:
        _providers.append(provider)


def for_user(user):
    return [row for provider in _providers for row in provider(user)]
