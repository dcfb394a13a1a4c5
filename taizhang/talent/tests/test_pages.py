import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from taizhang.talent.models import Keeper, PathEvent, Person

from .conftest import login, valid_id

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def form_data(units, **extra):
    data = {
        "name": "李文博",
        "gender": "male",
        "birth_year": "1975",
        "ethnicity": "汉族",
        "affiliation": "democratic_party",
        "party": "jiusan",
        "unit": units["steel"].pk,
        "post": "副总工程师",
        "expertise": "轧钢工艺",
        "phone": "13800001111",
        "email": "li@example.com",
        "id_number": valid_id("19750102"),
    }
    data.update(extra)
    return data


def test_a_keeper_creates_edits_and_adds_to_the_path(client, keeper, units):
    login(client, keeper)
    assert client.get("/talent/new/").status_code == 200
    response = client.post("/talent/new/", form_data(units))
    person = Person.objects.get(name="李文博")
    assert response.status_code == 302 and response.url == person.get_absolute_url()
    response = client.post(
        f"/talent/{person.pk}/edit/", form_data(units, post="总工程师", party="cdl")
    )
    person.refresh_from_db()
    assert (person.post, person.party) == ("总工程师", "cdl")
    client.post(
        f"/talent/{person.pk}/events/",
        {"kind": "cppcc_nomination", "title": "推荐为市政协委员人选", "start_date": "2024-01-10"},
    )
    assert PathEvent.objects.get(person=person).kind == "cppcc_nomination"
    page = client.get(person.get_absolute_url()).content.decode()
    assert "推荐为市政协委员人选" in page and 'data-testid="stage"' in page
    assert Person.objects.with_stage().get(pk=person.pk).stage == "selection"


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"id_number": valid_id("19750102")[:-1] + "Y"}, "id_number", "17 digits"),
        ({"birth_year": "1980"}, "birth_year", "differs from the ID number"),
        ({"party": ""}, "party", "which democratic party"),
        ({"affiliation": "non_party"}, "party", "only for members"),
    ],
)
def test_the_form_says_what_is_wrong(client, keeper, units, change, field, says):
    login(client, keeper)
    response = client.post("/talent/new/", form_data(units, **change))
    assert response.status_code == 200
    assert says in " ".join(response.context["form"].errors[field])
    assert not Person.objects.exists()


def test_a_duplicate_id_number_is_refused(client, keeper, units, make_person):
    make_person("已在库", id_number=valid_id("19750102"))
    login(client, keeper)
    response = client.post("/talent/new/", form_data(units))
    assert "already in the pool" in " ".join(response.context["form"].errors["id_number"])


def test_photos_are_checked_and_served_only_to_who_sees_the_person(client, keeper, units, people):
    login(client, keeper)
    fake = SimpleUploadedFile("me.png", b"GIF89a not a png", content_type="image/png")
    response = client.post("/talent/new/", {**form_data(units), "photo": fake})
    assert "not a JPEG or PNG" in " ".join(response.context["form"].errors["photo"])
    big = SimpleUploadedFile("me.jpg", b"\xff\xd8\xff" + b"\0" * (2 * 1024 * 1024))
    response = client.post("/talent/new/", {**form_data(units), "photo": big})
    assert "2 MB" in " ".join(response.context["form"].errors["photo"])
    exe = SimpleUploadedFile("me.exe", PNG)
    response = client.post("/talent/new/", {**form_data(units), "photo": exe})
    assert ".jpg or .png" in " ".join(response.context["form"].errors["photo"])
    good = SimpleUploadedFile("me.png", PNG, content_type="image/png")
    client.post("/talent/new/", {**form_data(units), "photo": good})
    person = Person.objects.get()
    assert b"".join(client.get(f"/talent/{person.pk}/photo").streaming_content) == PNG
    login(client, people["czj"])  # a handler of another unit
    assert client.get(f"/talent/{person.pk}/photo").status_code == 404


@pytest.mark.parametrize("role", ["supervisor", "leader", "steel"])
def test_only_keepers_reach_the_forms(client, people, keeper, make_person, role):
    person = make_person()
    login(client, people[role])
    assert client.get("/talent/new/").status_code == 403
    assert client.get(f"/talent/{person.pk}/edit/").status_code == 403
    response = client.post(f"/talent/{person.pk}/events/", {"kind": "post", "title": "职务"})
    assert response.status_code == 403
    assert not PathEvent.objects.exists()


def test_the_list_page_is_chinese_by_default_and_in_the_menu(client, people, settings):
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    login(client, people["supervisor"])
    page = client.get("/talent/").content.decode()
    assert "人才库" in page and 'href="/talent/"' in page
    login(client, people["admin"])
    assert 'href="/talent/"' not in client.get("/notifications/").content.decode()


def test_the_security_administrator_grants_and_revokes_keepers(client, security, people):
    login(client, security)
    page = client.get("/talent/keepers/").content.decode()
    assert f'value="{people["gzw"].pk}"' in page
    assert f'value="{people["admin"].pk}"' not in page  # administrators are not offered
    client.post("/talent/keepers/", {"user": people["gzw"].pk})
    assert Keeper.objects.filter(user=people["gzw"], granted_by=security).exists()
    client.post(f"/talent/keepers/{people['gzw'].pk}/revoke")
    assert not Keeper.objects.exists()
    login(client, people["supervisor"])
    assert client.get("/talent/keepers/").status_code == 403


@pytest.mark.parametrize("role", ["keeper", "supervisor"])
def test_the_list_page_costs_a_fixed_number_of_queries(
    client, people, keeper, make_person, django_assert_max_num_queries, role
):
    for n in range(22):
        make_person(events=("training", "post")[: n % 3], unit=("steel", "gzw", None)[n % 3])
    login(client, keeper if role == "keeper" else people[role])
    with django_assert_max_num_queries(
        8
    ):  # 7 today: session, user, keeper, units, count, rows, notifications
        response = client.get("/talent/")
    assert response.context["page"].paginator.count == 22
    assert len(response.context["page"].object_list) == 22


def test_the_export_of_a_filtered_list_holds_only_the_filtered(client, keeper, make_person):
    from openpyxl import load_workbook

    make_person("青年", events=("training",))
    make_person("任职者", events=("post",))
    login(client, keeper)
    content = client.get("/talent/export.xlsx?stage=use").content
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[3:]] == ["任职者"]
    assert rows[3][rows[2].index("培养阶段")] == "使用"
