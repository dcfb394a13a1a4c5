"""The meetings' API as its users would drive it: the secretariat sets up the joint-meeting
mechanism, plans and holds a meeting, records attendance, writes two decisions and collects
the member units' 会签 (each with its own token), issues the minutes, and the decisions are
tasks; an invited unit sees its meetings, an outsider nothing; bad input is refused in Chinese."""

import datetime

import pytest
from django.utils import timezone

from conftest import PASSWORD, make_user
from taizhang.org.choices import Role
from taizhang.supervision.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(org):
    """A handler of a unit that is in no mechanism and invited to nothing."""
    from taizhang.org.models import Unit

    unit = Unit.objects.create(organisation=org, code="edu", name="XX市教育局")
    return make_user(org, "edu", Role.HANDLER, unit)


@pytest.fixture
def api(client, people, outsider):
    """Call the API as a user: api("duban").post(url, json), with their own token."""

    class Caller:
        def __init__(self, username):
            response = client.post(
                "/api/auth/token",
                {"username": username, "password": PASSWORD},
                content_type="application/json",
            )
            assert response.status_code == 200, response.content
            self.auth = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

        def get(self, url, **params):
            return client.get(url, params, **self.auth)

        def post(self, url, data):
            return client.post(url, data, content_type="application/json", **self.auth)

    return Caller


def in_days(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def new_mechanism(office):
    response = office.post(
        "/api/mechanisms",
        {
            "name": "市属国有企业统战工作联席会议",
            "convening_unit": "tzb",
            "member_units": ["gzw", "czj"],
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def new_meeting(office, mechanism_id=None, **extra):
    data = {
        "kind": "joint",
        "title": "市属国有企业统战工作推进会",
        "date": timezone.localdate().isoformat(),
        "place": "市委第一会议室",
        "start_time": "09:30",
        "chair": "lingdao",
        "agenda": [
            {"title": "观摩建言献策工作室", "presenter": "XX钢铁集团"},
            {"title": "交流发言"},
        ],
        **extra,
    }
    if mechanism_id:
        data["mechanism"] = mechanism_id
    response = office.post("/api/meetings", data)
    assert response.status_code == 201, response.content
    return response.json()


def act(caller, meeting_id, action, **data):
    return caller.post(f"/api/meetings/{meeting_id}/transitions", {"action": action, **data})


def test_the_whole_contract(api, people):
    office = api("duban")
    mechanism = new_mechanism(office)
    assert mechanism["kind"] == "joint_meeting" and mechanism["version"] >= 1
    assert mechanism["convening_unit"] == "tzb"
    roles = {m["unit"]: m["role"] for m in mechanism["members"]}
    assert roles == {"tzb": "convener", "gzw": "member", "czj": "member"}
    assert sorted(mechanism["member_units"]) == ["czj", "gzw", "tzb"]
    detail = office.get(f"/api/mechanisms/{mechanism['id']}").json()
    assert detail["name"] == mechanism["name"]
    assert sorted(detail["member_units"]) == ["czj", "gzw", "tzb"]
    listed = office.get("/api/mechanisms").json()["results"]
    assert [(m["id"], sorted(m["member_units"])) for m in listed] == [
        (mechanism["id"], ["czj", "gzw", "tzb"])
    ]

    meeting = new_meeting(office, mechanism["id"], guests=[{"name": "王教授", "kind": "expert"}])
    mid = meeting["id"]
    assert meeting["status"] == "planned" and meeting["mechanism"] == mechanism["id"]
    assert {i["unit"] for i in meeting["invitees"] if i["unit"]} == {"tzb", "gzw", "czj"}
    assert sorted(meeting["invited_units"]) == ["czj", "gzw", "tzb"]
    assert sorted(office.get(f"/api/meetings/{mid}").json()["invited_units"]) == [
        "czj",
        "gzw",
        "tzb",
    ]
    assert [sorted(m["invited_units"]) for m in office.get("/api/meetings").json()["results"]] == [
        ["czj", "gzw", "tzb"]
    ]
    assert [a["title"] for a in meeting["agenda"]] == ["观摩建言献策工作室", "交流发言"]
    assert meeting["chair"] == "lingdao"

    assert act(office, mid, "send_notice").json()["status"] == "notified"
    held = act(office, mid, "hold", comment="按期召开")
    assert held.status_code == 200 and held.json()["status"] == "held"

    for data in (
        {"unit": "tzb", "status": "present"},
        {"unit": "gzw", "status": "present", "attended_by": "李副主任（代会）"},
        {"unit": "czj", "status": "excused", "reason": "参加全省财政工作会议"},
        {"person": "王教授", "status": "present"},
    ):
        response = office.post(f"/api/meetings/{mid}/attendance", data)
        assert response.status_code == 200, response.content
    rows = {i["unit"] or i["name"]: i for i in response.json()["invitees"]}
    assert rows["czj"]["attendance"] == "excused"
    assert rows["czj"]["absence_reason"] == "参加全省财政工作会议"
    assert rows["gzw"]["attended_by"] == "李副主任（代会）"
    assert rows["王教授"]["attendance"] == "present"

    first = office.post(
        f"/api/meetings/{mid}/decisions",
        {
            "title": "建立建言献策工作室",
            "body": "在市属国有企业推广建言献策工作室。",
            "lead_unit": "gzw",
            "cooperating_units": ["steel"],
            "deadline": in_days(60),
        },
    )
    assert first.status_code == 201, first.content
    assert first.json()["task"] is None and first.json()["lead_unit"] == "gzw"
    second = office.post(
        f"/api/meetings/{mid}/decisions",
        {"title": "落实工作经费", "lead_unit": "czj", "deadline_working_days": 20},
    )
    assert second.status_code == 201, second.content
    assert office.get(f"/api/meetings/{mid}").json()["status"] == "minutes_drafted"

    signing = act(office, mid, "request_countersign")
    assert signing.json()["status"] == "countersigning"
    assert {c["unit"] for c in signing.json()["countersignatures"]} == {"tzb", "gzw", "czj"}
    # Each member unit's handler signs with their own token; the secretariat cannot sign for them.
    assert act(office, mid, "countersign").status_code == 403
    for code in ("tzb", "gzw", "czj"):
        response = act(api(code), mid, "countersign", comment="同意")
        assert response.status_code == 200, response.content
    answers = {
        c["unit"]: c["answer"]
        for c in office.get(f"/api/meetings/{mid}").json()["countersignatures"]
    }
    assert answers == {"tzb": "agreed", "gzw": "agreed", "czj": "agreed"}

    issued = act(office, mid, "issue")
    assert issued.status_code == 200, issued.content
    assert issued.json()["status"] == "issued" and issued.json()["minutes_number"]
    tasks = Task.objects.filter(meeting_decision__meeting_id=mid)
    assert tasks.count() == 2
    assert set(tasks.values_list("source_kind", flat=True)) == {"meeting"}

    again = act(office, mid, "issue")
    assert again.status_code == 409
    assert "已" in again.json()["detail"]
    assert Task.objects.filter(meeting_decision__meeting_id=mid).count() == 2

    decisions = office.get(f"/api/meetings/{mid}/decisions").json()
    assert [d["title"] for d in decisions] == ["建立建言献策工作室", "落实工作经费"]
    for decision in decisions:
        task = Task.objects.get(meeting_decision__pk=decision["id"])
        assert decision["task"] == {
            "id": task.pk,
            "number": task.number,
            "status": "draft",
            "light": task.light,
        }

    assert act(api("lingdao"), mid, "approve_tasks").status_code == 200
    assert act(office, mid, "assign_tasks").status_code == 200
    statuses = {
        d["task"]["status"] for d in api("gzw").get(f"/api/meetings/{mid}/decisions").json()
    }
    assert statuses == {"assigned"}


def test_objection_sends_the_minutes_back(api, people):
    office = api("duban")
    mid = new_meeting(office, new_mechanism(office)["id"])["id"]
    act(office, mid, "hold")
    office.post(
        f"/api/meetings/{mid}/decisions",
        {"title": "建立建言献策工作室", "lead_unit": "gzw", "deadline": in_days(30)},
    )
    act(office, mid, "request_countersign")
    silent = act(api("czj"), mid, "countersign", agree=False)
    assert silent.status_code == 400  # an objection needs its opinion
    objected = act(api("czj"), mid, "countersign", agree=False, comment="经费来源需明确")
    assert objected.status_code == 200 and objected.json()["status"] == "minutes_drafted"


def test_stale_version_is_refused(api, people):
    office = api("duban")
    meeting = new_meeting(office, invited_units=["gzw"])
    assert act(office, meeting["id"], "send_notice", version=meeting["version"]).status_code == 200
    stale = act(office, meeting["id"], "hold", version=meeting["version"])
    assert stale.status_code == 409
    assert office.get(f"/api/meetings/{meeting['id']}").json()["status"] == "notified"


def test_visibility(api, people, outsider):
    office = api("duban")
    mechanism = new_mechanism(office)
    joint = new_meeting(office, mechanism["id"])
    other = new_meeting(office, title="督查室办公会", kind="office", invited_units=["office"])

    gzw = api("gzw")
    assert [m["id"] for m in gzw.get("/api/meetings").json()["results"]] == [joint["id"]]
    assert gzw.get(f"/api/meetings/{joint['id']}").status_code == 200
    assert gzw.get(f"/api/meetings/{joint['id']}/decisions").status_code == 200
    assert gzw.get(f"/api/meetings/{other['id']}").status_code == 404
    assert [m["id"] for m in gzw.get("/api/mechanisms").json()["results"]] == [mechanism["id"]]

    edu = api("edu")
    assert edu.get("/api/meetings").json()["results"] == []
    assert edu.get("/api/mechanisms").json()["results"] == []
    assert edu.get(f"/api/meetings/{joint['id']}").status_code == 404
    assert edu.get(f"/api/meetings/{joint['id']}/decisions").status_code == 404
    assert edu.get(f"/api/mechanisms/{mechanism['id']}").status_code == 404
    assert act(edu, joint["id"], "hold").status_code == 404
    assert (
        edu.post(
            f"/api/meetings/{joint['id']}/attendance", {"unit": "edu", "status": "present"}
        ).status_code
        == 404
    )

    # Only the secretariat creates; a member unit may not record anything either.
    refused = gzw.post("/api/meetings", {"kind": "joint", "title": "自行召开", "date": in_days(3)})
    assert refused.status_code == 403
    refused = gzw.post("/api/mechanisms", {"name": "另一个机制", "convening_unit": "gzw"})
    assert refused.status_code == 403
    assert act(gzw, joint["id"], "send_notice").status_code == 403

    # The leader sees everything of the organisation, and filters work.
    leader = api("lingdao")
    assert len(leader.get("/api/meetings").json()["results"]) == 2
    assert [m["id"] for m in leader.get("/api/meetings", kind="office").json()["results"]] == [
        other["id"]
    ]
    by_mechanism = leader.get("/api/meetings", mechanism=mechanism["id"]).json()["results"]
    assert [m["id"] for m in by_mechanism] == [joint["id"]]
    year = timezone.localdate().year
    assert len(leader.get("/api/meetings", year=year).json()["results"]) == 2
    assert leader.get("/api/meetings", year=year - 1).json()["results"] == []
    assert leader.get("/api/meetings", status="issued").json()["results"] == []
    assert leader.get("/api/meetings", kind="party").status_code == 400


def test_bad_input_is_refused_in_chinese(api, people):
    office = api("duban")
    unknown_unit = office.post(
        "/api/mechanisms", {"name": "联席会议", "convening_unit": "tzb", "member_units": ["nope"]}
    )
    assert unknown_unit.status_code == 400
    assert "nope" in unknown_unit.json()["detail"] and "单位" in unknown_unit.json()["detail"]

    kind = office.post("/api/meetings", {"kind": "party", "title": "会议", "date": in_days(3)})
    assert kind.status_code == 400
    assert "不是合法选项" in kind.json()["kind"][0]

    date = office.post("/api/meetings", {"kind": "joint", "title": "会议", "date": "2026-13-45"})
    assert date.status_code == 400
    assert "日期" in date.json()["date"][0]

    invited = office.post(
        "/api/meetings",
        {"kind": "joint", "title": "会议", "date": in_days(3), "invited_units": ["nope"]},
    )
    assert invited.status_code == 400 and "nope" in invited.json()["detail"]

    meeting = new_meeting(office)
    act(office, meeting["id"], "hold")
    decision = office.post(
        f"/api/meetings/{meeting['id']}/decisions",
        {"title": "某事项", "lead_unit": "nope", "deadline": in_days(10)},
    )
    assert decision.status_code == 400 and "nope" in decision.json()["detail"]
    excused = office.post(
        f"/api/meetings/{meeting['id']}/attendance", {"unit": "tzb", "status": "excused"}
    )
    assert excused.status_code == 400 and "事由" in excused.json()["detail"]
    action = act(office, meeting["id"], "dance")
    assert action.status_code == 400


def test_openapi_documents_the_meetings(client, people):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/mechanisms",
        "/api/mechanisms/{id}",
        "/api/meetings",
        "/api/meetings/{id}",
        "/api/meetings/{id}/attendance",
        "/api/meetings/{id}/decisions",
        "/api/meetings/{id}/transitions",
    ]:
        assert path in paths, path


def test_an_invited_unit_replies_to_the_notice(api, people):
    office = api("duban")
    mid = new_meeting(office, new_mechanism(office)["id"], date=in_days(7))["id"]
    assert act(api("gzw"), mid, "respond", response="attending").status_code == 403  # no notice yet
    act(office, mid, "send_notice")
    reply = act(api("gzw"), mid, "respond", response="substitute", substitute="李副主任")
    assert reply.status_code == 200, reply.content
    row = next(i for i in reply.json()["invitees"] if i["unit"] == "gzw")
    assert (row["response"], row["substitute"]) == ("substitute", "李副主任")
    assert act(office, mid, "hold").status_code == 403  # not before its day


def test_the_list_has_the_pages_filters(api, people):
    office = api("duban")
    mechanism = new_mechanism(office)
    joint = new_meeting(office, mechanism["id"], place="市委第一会议室")
    other = new_meeting(
        office, title="督查室办公会", kind="office", invited_units=["office"], place="督查室"
    )
    assert act(office, joint["id"], "hold").status_code == 200

    def ids(**params):
        response = office.get("/api/meetings", **params)
        assert response.status_code == 200, response.content
        return [m["id"] for m in response.json()["results"]]

    assert ids(q="督查室 办公会") == [other["id"]]  # every word, as on the page
    assert ids(q="推进会") == [joint["id"]]
    assert ids(held="true") == [joint["id"]]
    assert ids(held="false") == [other["id"]]
    assert ids(mechanism=mechanism["id"], held="true") == [joint["id"]]
    # A year the calendar does not have, or a mechanism the caller cannot see, is refused.
    assert office.get("/api/meetings", year=99999).status_code == 400
    assert office.get("/api/meetings", year=0).status_code == 400
    assert office.get("/api/meetings", mechanism=2**40).status_code == 400
    edu = api("edu")
    refused = edu.get("/api/meetings", mechanism=mechanism["id"])
    assert refused.status_code == 400 and "有效" in str(refused.json())


def test_proposed_decisions_are_the_secretariats_until_accepted(api, people):
    from taizhang.meetings.models import Decision

    office = api("duban")
    mid = new_meeting(office, new_mechanism(office)["id"])["id"]
    act(office, mid, "hold")
    written = office.post(
        f"/api/meetings/{mid}/decisions",
        {"title": "建立建言献策工作室", "lead_unit": "gzw", "deadline": in_days(30)},
    )
    assert written.status_code == 201 and written.json()["state"] == "accepted"
    # What the text engine found in the minutes, not yet reviewed by the secretary.
    Decision.objects.create(meeting_id=mid, order=2, title="研究设立专项经费", state="proposed")
    Decision.objects.create(meeting_id=mid, order=3, title="已删去的事项", state="dropped")

    seen = office.get(f"/api/meetings/{mid}/decisions").json()
    assert [(d["title"], d["state"]) for d in seen] == [
        ("建立建言献策工作室", "accepted"),
        ("研究设立专项经费", "proposed"),
    ]
    for caller in ("gzw", "lingdao"):
        seen = api(caller).get(f"/api/meetings/{mid}/decisions").json()
        assert [(d["title"], d["state"]) for d in seen] == [("建立建言献策工作室", "accepted")]


def test_an_answer_shows_nothing_the_caller_no_longer_sees(api, people, monkeypatch):
    """If the caller's own action leaves the meeting out of their sight (here the secretariat
    takes 国资委 off the list in the same moment), the answer is 204, not the meeting."""
    from taizhang.meetings import services
    from taizhang.meetings.models import Invitee

    office = api("duban")
    mid = new_meeting(office, new_mechanism(office)["id"], date=in_days(7))["id"]
    act(office, mid, "send_notice")
    perform = services.perform

    def perform_and_uninvite(meeting, action, *, by, **params):
        done = perform(meeting, action, by=by, **params)
        row = Invitee.objects.get(meeting_id=mid, unit__code="gzw")
        services.uninvite(row, by=people["supervisor"])
        return done

    monkeypatch.setattr(services, "perform", perform_and_uninvite)
    reply = act(api("gzw"), mid, "respond", response="attending")
    assert reply.status_code == 204 and reply.content == b""
    assert api("gzw").get(f"/api/meetings/{mid}").status_code == 404
    # Who still sees it gets the meeting as before.
    monkeypatch.undo()
    kept = act(api("czj"), mid, "respond", response="attending")
    assert kept.status_code == 200 and kept.json()["id"] == mid


def test_attendance_names_exactly_one(api, people):
    office = api("duban")
    mid = new_meeting(office, new_mechanism(office)["id"])["id"]
    act(office, mid, "hold")
    for data in (
        {"status": "present"},
        {"person": "gzw", "unit": "gzw", "status": "present"},
        {"unit": "gzw", "guest": "王教授", "status": "present"},
        {"person": " ", "guest": "", "status": "present"},
    ):
        response = office.post(f"/api/meetings/{mid}/attendance", data)
        assert response.status_code == 400, data
        assert "人员、单位或嘉宾" in str(response.json()), response.json()


def test_a_walk_in_guest_is_recorded_as_a_guest(api, people):
    """A guest who came without an invitation is recorded by ``guest``, or by ``person`` when
    the name is no user name (the contract's ``person``); either way once."""
    office = api("duban")
    mid = new_meeting(office, new_mechanism(office)["id"])["id"]
    act(office, mid, "hold")
    walked_in = office.post(
        f"/api/meetings/{mid}/attendance", {"guest": "李工程师", "status": "present"}
    )
    assert walked_in.status_code == 200, walked_in.content
    row = next(i for i in walked_in.json()["invitees"] if i["name"] == "李工程师")
    assert (row["unit"], row["person"], row["attendance"]) == (None, None, "present")
    again = office.post(
        f"/api/meetings/{mid}/attendance", {"person": "李工程师", "status": "absent"}
    )
    names = [i["name"] for i in again.json()["invitees"]]
    assert names.count("李工程师") == 1
    by_person = office.post(
        f"/api/meetings/{mid}/attendance", {"person": "张三", "status": "present"}
    )
    assert by_person.status_code == 200
    row = next(i for i in by_person.json()["invitees"] if i["name"] == "张三")
    assert (row["person"], row["attendance"]) == (None, "present")


# ---- queries -------------------------------------------------------------------------------


@pytest.fixture
def rows_of(people, units):
    """``rows`` mechanisms (each with a plan line) and meetings (each with its units and a
    guest), and one held meeting with ``rows`` decisions: made by the services."""
    from taizhang.meetings import services

    office = people["supervisor"]

    def make(rows):
        for n in range(rows):
            mechanism = services.create_mechanism(
                by=office,
                name=f"第{n}个联席会议机制",
                convening_unit=units["tzb"],
                member_units=[units["gzw"], units["czj"]],
            )
            services.add_plan_line(
                mechanism,
                by=office,
                year=timezone.localdate().year,
                month=6,
                kind="joint",
                topic="年度推进",
            )
            services.create_meeting(
                by=office,
                kind="joint",
                title=f"第{n}次联席会议",
                date=timezone.localdate(),
                mechanism=mechanism,
                guests=[{"name": f"嘉宾{n}"}],
            )
        held = services.create_meeting(
            by=office,
            kind="joint",
            title="议定事项多的会议",
            date=timezone.localdate(),
            invited_units=[units["gzw"]],
        )
        services.hold(held, by=office)
        for n in range(rows):
            services.add_decision(
                held,
                by=office,
                title=f"议定事项{n}",
                lead_unit=units["gzw"],
                responsible_units=[units["czj"]],
                cooperating_units=[units["steel"]],
                deadline_working_days=10,
            )
        return held

    return make


@pytest.mark.parametrize("rows", [2, 10])
def test_list_query_counts_do_not_grow(api, rows_of, rows, django_assert_max_num_queries):
    held = rows_of(rows)
    office, gzw = api("duban"), api("gzw")
    for caller, url, count, limit in [
        (office, "/api/meetings", rows + 1, 6),
        (gzw, "/api/meetings", rows + 1, 6),
        (office, "/api/mechanisms", rows, 6),
        (gzw, "/api/mechanisms", rows, 6),
        (office, f"/api/meetings/{held.pk}/decisions", rows, 6),
        (gzw, f"/api/meetings/{held.pk}/decisions", rows, 6),
    ]:
        with django_assert_max_num_queries(limit):
            response = caller.get(url)
        assert response.status_code == 200
        found = response.json()
        assert len(found if isinstance(found, list) else found["results"]) == count, url
