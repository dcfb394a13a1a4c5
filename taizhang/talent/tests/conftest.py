import datetime

import pytest
from django.utils import translation

from conftest import PASSWORD, make_user
from taizhang.org.choices import Role
from taizhang.talent import identity, services


def login(client, user):
    """Sign ``user`` in on ``client``, keeping the language chosen (logging out drops it)."""
    from django.conf import settings

    language = client.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    client.logout()
    if language is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language.value
    assert client.login(username=user.username, password=PASSWORD)


def valid_id(born="19800101", seq="123", area="110101"):
    first17 = f"{area}{born}{seq}"
    return first17 + identity.check_character(first17)


def id_ending(tail="1234", area="110101", year=1980):
    """A valid number whose last four characters are ``tail`` (the check digit included)."""
    day = datetime.date(year, 1, 1)
    while True:
        number = valid_id(day.strftime("%Y%m%d"), tail[:3], area)
        if number.endswith(tail):
            return number
        day += datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def english(client, settings):
    """Messages in English, so that tests read the msgids (pages are Chinese by default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def security(org):
    return make_user(org, "anquan", Role.SECURITY)


@pytest.fixture
def keeper(people, security):
    """The united-front department's handler, made keeper by the security administrator."""
    services.grant_keeper(people["tzb"], by=security)
    return people["tzb"]


@pytest.fixture
def make_person(org, units, keeper):
    counter = iter(range(1, 10_000))

    def make(name=None, *, unit="steel", events=(), **fields):
        n = next(counter)
        values = {
            "name": name or f"专家{n}",
            "gender": "male",
            "affiliation": "non_party",
            "unit": units[unit] if unit else None,
            "post": "总工程师",
            "expertise": "冶金材料",
            "phone": f"1380000{n:04d}",
            "email": f"expert{n}@example.com",
            "id_number": valid_id(f"1975{(n % 12) + 1:02d}{(n % 28) + 1:02d}", f"{n % 1000:03d}"),
        }
        values.update(fields)
        person = services.create_person(by=keeper, organisation=org, **values)
        for kind in events:
            services.add_event(person, by=keeper, kind=kind, title=f"{kind} 事项")
        return person

    return make
