"""The API's contract: GET /api/talent/people and /api/talent/people/{id}, with id_number
masked (110***********1234) for everyone but the pool's keepers."""

import io

import pytest
from openpyxl import load_workbook

from conftest import PASSWORD
from taizhang.talent.models import SensitiveAccess

from .conftest import id_ending

pytestmark = pytest.mark.django_db

LIST_FIELDS = {
    "id",
    "name",
    "gender",
    "birth_year",
    "ethnicity",
    "affiliation",
    "party",
    "unit",
    "employer",
    "post",
    "title",
    "expertise",
    "education",
    "phone",
    "email",
    "id_number",
    "masked",
    "stage",
    "account",
    "url",
}


@pytest.fixture
def bearer(client):
    def bearer(user):
        response = client.post(
            "/api/auth/token",
            {"username": user.username, "password": PASSWORD},
            content_type="application/json",
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

    return bearer


def test_the_contract_fields(client, bearer, people, keeper, make_person, units):
    person = make_person(
        "陈立群",
        id_number=id_ending("1234"),
        affiliation="democratic_party",
        party="jiusan",
        events=("training", "post"),
        account=people["steel"],
    )
    headers = bearer(people["supervisor"])
    body = client.get("/api/talent/people", **headers).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert set(row) == LIST_FIELDS
    assert row["id"] == person.pk and row["id_number"] == "110***********1234"
    assert (row["unit"], row["stage"], row["party"], row["account"]) == (
        "steel",
        "use",
        "jiusan",
        "steel",
    )
    detail = client.get(f"/api/talent/people/{person.pk}", **headers).json()
    assert set(detail) == LIST_FIELDS | {"notes", "events"}
    assert [e["kind"] for e in detail["events"]] == ["training", "post"]
    assert {e["stage"] for e in detail["events"]} == {"cultivation", "use"}
    keeper_detail = client.get(f"/api/talent/people/{person.pk}", **bearer(keeper)).json()
    assert keeper_detail["id_number"] == person.id_number and not keeper_detail["masked"]


def test_filters_and_the_export(client, bearer, keeper, people, make_person):
    make_person("青年", events=("training",))
    make_person("任职者", events=("post",), unit="gzw")
    headers = bearer(people["supervisor"])
    names = [
        p["name"] for p in client.get("/api/talent/people?stage=use", **headers).json()["results"]
    ]
    assert names == ["任职者"]
    assert client.get("/api/talent/people?stage=nonsense", **headers).status_code == 400
    response = client.get("/api/talent/people/export.xlsx?unit=gzw", **headers)
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[3:]] == ["任职者"]
    assert "*" in rows[3][rows[2].index("身份证号")]
    assert SensitiveAccess.objects.filter(kind="export", unmasked=False).count() == 1


def test_administrators_and_strangers_read_nothing(client, bearer, people, make_person):
    person = make_person()
    headers = bearer(people["admin"])
    assert client.get("/api/talent/people", **headers).json()["results"] == []
    assert client.get(f"/api/talent/people/{person.pk}", **headers).status_code == 404
    client.logout()
    assert client.get("/api/talent/people").status_code in (401, 403)


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/talent/people",
        "/api/talent/people/{id}",
        "/api/talent/people/export.xlsx",
    } <= set(paths)
    person = client.get("/api/openapi.json").json()["components"]["schemas"]["Person"]
    assert "id_number" in person["properties"]
