"""The suggestions' API, as its users would drive it: submitters file and rate, the office
enters, accepts and assigns, the units sign and reply; refusals answer with their reason."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import PASSWORD, make_user
from taizhang.org.choices import Role
from taizhang.suggestions import services
from taizhang.suggestions.models import ChannelSettings, Suggestion
from taizhang.suggestions.services import WRONG_CLAIMS_ALLOWED

pytestmark = pytest.mark.django_db

SUGGESTION_FIELDS = {
    "id",
    "number",
    "status",
    "version",
    "title",
    "body",
    "topic",
    "channel",
    "received_on",
    "submitters",
    "anonymous",
    "affiliation",
    "light",
    "round",
    "deadline",
    "lead_unit",
    "joint_units",
    "assisting_units",
    "reply_class",
    "replied_at",
    "rating",
    "adopted_at",
    "adoption_extent",
    "url",
    "created_at",
}


@pytest.fixture
def submitters(org, units):
    return {
        "jy1": make_user(org, "jy1", Role.SUBMITTER, units["steel"]),
        "jy2": make_user(org, "jy2", Role.SUBMITTER),
    }


@pytest.fixture
def api(client, people, submitters):
    """Call the API as a user: api("duban").post(url, json)."""

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


def file(caller, **data):
    response = caller.post(
        "/api/suggestions",
        {"title": "建立产业链协同创新平台", "body": "建议共建钢铁、矿业协同创新平台。", **data},
    )
    assert response.status_code == 201, response.content
    return response.json()


def act(caller, suggestion_id, action, expect=200, **data):
    response = caller.post(
        f"/api/suggestions/{suggestion_id}/transitions", {"action": action, **data}
    )
    assert response.status_code == expect, response.content
    return response.json()


def test_a_submitter_files_and_sees_only_their_own(api):
    jy1, jy2, duban = api("jy1"), api("jy2"), api("duban")
    mine = file(jy1, topic="产业发展")
    assert set(mine) >= SUGGESTION_FIELDS
    assert "claim_code" in mine and mine["claim_code"] is None  # not anonymous: no code
    assert (mine["status"], mine["channel"], mine["submitters"], mine["affiliation"]) == (
        "submitted",
        "online",
        ["jy1"],
        "steel",
    )
    assert mine["number"].startswith("CITY-JY-") and mine["version"] == 1
    assert mine["received_on"] == timezone.localdate().isoformat()
    theirs = file(jy2, title="优化党外人才培养机制")

    listed = jy1.get("/api/suggestions").json()
    assert [s["id"] for s in listed["results"]] == [mine["id"]] and listed["count"] == 1
    assert "claim_code" not in listed["results"][0]
    refused = jy1.get(f"/api/suggestions/{theirs['id']}")
    assert refused.status_code == 404 and "建议" in refused.json()["detail"]
    assert jy1.get(f"/api/suggestions/{mine['id']}").json()["title"] == "建立产业链协同创新平台"
    assert duban.get("/api/suggestions").json()["count"] == 2


def test_staff_enter_a_suggestion_on_a_submitters_behalf(api):
    duban = api("duban")
    received = (timezone.localdate() - datetime.timedelta(days=20)).isoformat()
    entered = file(
        duban,
        submitter="jy1",
        co_submitters=["jy2"],
        channel="symposium",
        received_on=received,
        topic="人才工作",
    )
    assert (entered["submitters"], entered["channel"], entered["received_on"]) == (
        ["jy1", "jy2"],
        "symposium",
        received,
    )
    assert api("jy2").get(f"/api/suggestions/{entered['id']}").status_code == 200  # 联名
    by_letter = file(duban, submitter_name="王工", submitter_contact="138")
    assert (by_letter["channel"], by_letter["submitters"]) == ("letter", [])
    assert by_letter["submitter_name"] == "王工"

    unknown = duban.post(
        "/api/suggestions", {"title": "x", "body": "y", "submitter": "nobody", "channel": "forum"}
    )
    assert unknown.status_code == 400 and "nobody" in unknown.json()["detail"]
    handler = api("tzb").post("/api/suggestions", {"title": "x", "body": "y"})
    assert handler.status_code == 403 and handler.json()["detail"]


def test_the_whole_walk_by_the_right_people(api):
    jy1, duban, tzb, gzw, czj = (api(u) for u in ("jy1", "duban", "tzb", "gzw", "czj"))
    sid = file(jy1)["id"]
    accepted = act(duban, sid, "accept", comment="予以立案", version=1)
    assert (accepted["status"], accepted["version"]) == ("accepted", 2)
    assigned = act(
        duban,
        sid,
        "assign",
        lead_unit="tzb",
        joint_units=["gzw"],
        assisting_units=["czj"],
        deadline_working_days=10,
    )
    assert (assigned["status"], assigned["lead_unit"], assigned["joint_units"]) == (
        "assigned",
        "tzb",
        ["gzw"],
    )
    assert assigned["assisting_units"] == ["czj"] and assigned["deadline"]
    assert act(tzb, sid, "sign")["status"] == "in_hand"
    act(gzw, sid, "sign")
    act(czj, sid, "sign")
    act(gzw, sid, "opinion", text="国资委支持，可纳入明年重点工作。")
    promised = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    drafted = act(
        tzb,
        sid,
        "reply",
        reply_class="B",
        text="已列入计划，年内建成平台。",
        promised_date=promised,
    )
    assert drafted["status"] == "reply_review" and drafted["reply"] is None  # not sent yet
    replied = act(duban, sid, "approve_reply", public=True)
    assert (replied["status"], replied["reply_class"]) == ("replied", "B")
    assert replied["reply"]["text"] == "已列入计划，年内建成平台。" and replied["replied_at"]
    closed = act(jy1, sid, "rate", rating="satisfied", comment="答复及时。")
    assert (closed["status"], closed["rating"]) == ("closed", "satisfied")

    staff_history = duban.get(f"/api/suggestions/{sid}/history").json()
    own_history = jy1.get(f"/api/suggestions/{sid}/history").json()
    staff_actions = [e["action"] for e in staff_history]
    own_actions = [e["action"] for e in own_history]
    assert {"assign", "sign", "opinion", "reply"} <= set(staff_actions)
    assert not {"assign", "sign", "opinion", "reply"} & set(own_actions)
    assert {"submit", "accept", "approve_reply", "rate"} <= set(own_actions)
    assert all(e["public"] for e in own_history)


def test_refusals_answer_with_their_reason(api):
    jy1, jy2, duban, tzb = api("jy1"), api("jy2"), api("duban"), api("tzb")
    sid = file(jy1)["id"]
    wrong_role = act(jy1, sid, "accept", expect=403)
    assert "受理" in wrong_role["detail"] or "角色" in wrong_role["detail"]
    assert act(jy2, sid, "withdraw", expect=404)["detail"]  # not theirs: not even seen
    act(duban, sid, "accept")
    stale = act(duban, sid, "assign", expect=409, lead_unit="tzb", version=1)
    assert "版本" in stale["detail"]
    unknown_unit = act(duban, sid, "assign", expect=400, lead_unit="nowhere")
    assert "nowhere" in unknown_unit["detail"]
    act(duban, sid, "assign", lead_unit="tzb")
    unsigned = act(tzb, sid, "reply", expect=403, reply_class="A", text="已解决。")
    assert "“已交办”" in unsigned["detail"]  # the lead unit has not signed for it yet
    wrong_state = act(jy1, sid, "rate", expect=403, rating="satisfied")
    assert wrong_state["detail"]
    bad_action = jy1.post(f"/api/suggestions/{sid}/transitions", {"action": "close"})
    assert bad_action.status_code == 400 and "action" in bad_action.json()

    other = file(jy1, title="第二条建议")["id"]
    no_reason = act(duban, other, "refuse", expect=400, comment="请补充。")
    assert "not_specific" in no_reason["detail"]  # the codes to choose from
    refused = act(
        duban,
        other,
        "refuse",
        reason_code="not_specific",
        comment="请补充具体做法。",
        alternative_channel="市长热线",
    )
    assert (refused["status"], refused["refusal_reason"]) == ("refused", "not_specific")
    assert refused["alternative_channel"] == "市长热线"


def test_merge_keeps_both_submitters(api):
    jy1, jy2, duban = api("jy1"), api("jy2"), api("duban")
    first, second = file(jy1)["id"], file(jy2, title="共建产业链平台")["id"]
    merged = act(duban, first, "merge", into=second)
    assert (merged["status"], merged["merged_into"]) == ("merged", second)
    assert duban.get(f"/api/suggestions/{second}").json()["submitters"] == ["jy2", "jy1"]
    assert jy1.get(f"/api/suggestions/{second}").status_code == 200


def _replied(api, **reply):
    jy1, duban, tzb = api("jy1"), api("duban"), api("tzb")
    sid = file(jy1)["id"]
    act(duban, sid, "accept")
    act(duban, sid, "assign", lead_unit="tzb")
    act(tzb, sid, "sign")
    act(tzb, sid, "reply", **({"reply_class": "A", "text": "已采纳并落实。"} | reply))
    act(duban, sid, "approve_reply")
    return sid


def test_adopt_outcome_commendation_and_a_task(api):
    jy1, duban, lingdao = api("jy1"), api("duban"), api("lingdao")
    sid = _replied(api)
    act(jy1, sid, "rate", rating="satisfied")
    not_yet = duban.post(f"/api/suggestions/{sid}/spawn-task", {"lead_unit": "gzw"})
    assert not_yet.status_code == 403 and "采纳" in not_yet.json()["detail"]
    adopted = act(duban, sid, "adopt", extent="part")
    assert adopted["adoption_extent"] == "part" and adopted["adopted_at"]
    act(
        duban,
        sid,
        "record_outcome",
        text="两家企业共建研发中心。",
        benefit="120.5",
        place="XX钢铁集团",
        benefit_people=40,
    )
    act(duban, sid, "commend", kind="reward", amount="5000", comment="效益显著")
    assert act(duban, sid, "approve_commendation", expect=403)["detail"]
    act(lingdao, sid, "approve_commendation")
    suggestion = Suggestion.objects.get(pk=sid)
    assert suggestion.outcomes.get().benefit_amount == pytest.approx(120.5)
    assert suggestion.commendations.get().approved_by.username == "lingdao"

    deadline = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    response = duban.post(
        f"/api/suggestions/{sid}/spawn-task",
        {"lead_unit": "gzw", "responsible_units": ["czj"], "deadline": deadline},
    )
    assert response.status_code == 201, response.content
    task = response.json()
    assert (task["source_kind"], task["lead_unit"], task["title"]) == (
        "suggestion",
        "gzw",
        "建立产业链协同创新平台",
    )
    not_office = api("jy1").post(f"/api/suggestions/{sid}/spawn-task", {"lead_unit": "gzw"})
    assert not_office.status_code == 403


def test_dissatisfied_reopens_and_follow_up(api):
    jy1, duban = api("jy1"), api("duban")
    sid = _replied(api, reply_class="C", text="暂不具备条件。")
    without_reason = act(jy1, sid, "rate", expect=400, rating="dissatisfied")
    assert without_reason["detail"]
    again = act(jy1, sid, "rate", rating="dissatisfied", comment="理由不充分。")
    assert (again["status"], again["round"]) == ("in_hand", 2)
    other = _replied(api, reply_class="C", text="暂不具备条件。")
    followed = act(duban, other, "follow_up", comment="年度复核：仍不具备条件。", done=True)
    assert followed["status"] == "replied"


def test_list_filters(api):
    jy1, duban = api("jy1"), api("duban")
    file(jy1, topic="产业发展")
    file(duban, submitter="jy2", channel="forum", topic="人才工作")
    replied = _replied(api, reply_class="A", text="已解决。")

    def ids(**params):
        response = duban.get("/api/suggestions", **params)
        assert response.status_code == 200, response.content
        return {s["id"] for s in response.json()["results"]}

    assert len(ids(status="submitted")) == 2
    assert len(ids(channel="forum")) == 1 and len(ids(topic="产业发展")) == 1
    assert ids(reply_class="A") == {replied}
    assert duban.get("/api/suggestions", status="nonsense").status_code == 400
    page = duban.get("/api/suggestions", limit=1).json()
    assert page["count"] == 3 and len(page["results"]) == 1 and page["next"]


def test_stats_for_the_callers_organisation(api):
    jy1, duban = api("jy1"), api("duban")
    sid = _replied(api)
    act(jy1, sid, "rate", rating="satisfied")
    refused = file(jy1, title="第二条")["id"]
    act(duban, refused, "refuse", reason_code="out_of_scope", comment="不属于受理范围。")
    figures = duban.get("/api/suggestions/stats").json()
    assert figures["accepted_rate"] == 0.5 and figures["satisfaction_rate"] == 1.0
    assert figures["adoption_rate"] == 0.0 and "on_time_reply_rate" in figures
    assert (figures["received"], figures["refused"], figures["by"]) == (2, 1, None)
    assert float(figures["benefit"]) == 0
    by_unit = duban.get("/api/suggestions/stats", by="unit").json()["rows"]
    assert {row["key"] for row in by_unit} == {"tzb", None}
    by_month = duban.get("/api/suggestions/stats", by="month").json()["rows"]
    assert [row["key"] for row in by_month] == [timezone.localdate().strftime("%Y-%m")]
    assert duban.get("/api/suggestions/stats", by="colour").status_code == 400
    # A submitter's figures count only their own; a handler's only their units'.
    assert api("jy2").get("/api/suggestions/stats").json()["received"] == 0
    assert api("tzb").get("/api/suggestions/stats").json()["received"] == 1


def test_an_anonymous_suggestion_is_claimed_by_its_code(api, client, org, people, submitters):
    jy1 = api("jy1")
    refused = jy1.post("/api/suggestions", {"title": "x", "body": "y", "anonymous": True})
    assert refused.status_code == 400  # the organisation has not switched it on
    ChannelSettings.objects.create(organisation=org, anonymous_allowed=True)
    made = file(jy1, anonymous=True)
    code = made["claim_code"]
    assert code and made["submitters"] == [] and made["anonymous"] is True
    assert api("duban").get(f"/api/suggestions/{made['id']}").json().get("claim_code") is None

    def claim(**data):
        return client.post("/api/suggestions/claim", data, content_type="application/json")

    waiting = claim(code=code.lower())
    assert waiting.status_code == 200 and waiting.json()["status"] == "submitted"
    assert waiting.json()["reply"] is None
    suggestion = Suggestion.objects.get(pk=made["id"])
    services.accept(suggestion, by=people["supervisor"])
    services.assign(suggestion, by=people["supervisor"], lead_unit="tzb")
    services.sign(suggestion, by=people["tzb"])
    services.reply(suggestion, by=people["tzb"], reply_class="A", text="已落实。")
    services.approve_reply(suggestion, by=people["supervisor"])
    replied = claim(code=code).json()
    assert (replied["status"], replied["reply"]["text"]) == ("replied", "已落实。")
    rated = claim(code=code, rating="basically_satisfied", comment="还可以")
    assert rated.status_code == 200 and rated.json()["rating"] == "basically_satisfied"
    assert claim(code=code, rating="satisfied").status_code == 403  # rated once only

    wrong = claim(code="AAAA-BBBB-CCCC")
    assert wrong.status_code == 404 and wrong.json()["detail"]
    statuses = [claim(code="AAAA-BBBB-CCCC").status_code for _ in range(WRONG_CLAIMS_ALLOWED)]
    assert statuses[-1] == 429 and statuses[-2] == 404  # guessing is limited per address
    assert claim(code=code).status_code == 429  # even the right code waits now


def test_return_send_back_and_withdraw(api):
    jy1, duban, tzb, gzw = api("jy1"), api("duban"), api("tzb"), api("gzw")
    sid = file(jy1)["id"]
    act(duban, sid, "accept")
    act(duban, sid, "assign", lead_unit="czj")
    no_reason = act(api("czj"), sid, "return", expect=400)
    assert no_reason["detail"]
    returned = act(api("czj"), sid, "return", comment="不属于本单位职责。")
    assert (returned["status"], returned["lead_unit"]) == ("returned", None)
    act(duban, sid, "assign", lead_unit="tzb", joint_units=["gzw"])
    act(tzb, sid, "sign")
    act(tzb, sid, "reply", reply_class="C", text="暂不具备条件。")
    without_why = act(duban, sid, "send_back_reply", expect=400)
    assert without_why["detail"]
    back = act(duban, sid, "send_back_reply", comment="请说明理由和下一步打算。")
    assert back["status"] == "in_hand"
    assert gzw.get(f"/api/suggestions/{sid}").json()["joint_units"] == ["gzw"]
    assert "return" in [e["action"] for e in duban.get(f"/api/suggestions/{sid}/history").json()]

    other = file(jy1, title="撤回的建议")["id"]
    assert act(jy1, other, "withdraw", comment="已自行解决。")["status"] == "withdrawn"
    assert act(jy1, other, "withdraw", expect=403)["detail"]


def test_a_unit_that_returned_it_no_longer_reads_it(api):
    duban, czj = api("duban"), api("czj")
    sid = file(api("jy1"))["id"]
    act(duban, sid, "accept")
    act(duban, sid, "assign", lead_unit="czj")
    act(czj, sid, "return", comment="不属于本单位职责。")
    assert czj.get(f"/api/suggestions/{sid}").status_code == 404
    assert czj.get(f"/api/suggestions/{sid}/history").status_code == 404


def test_huge_figures_are_refused_not_a_server_error(api):
    duban = api("duban")
    sid = _replied(api)
    act(duban, sid, "adopt")
    for benefit in ("1e400", "9" * 40, "NaN", "-Infinity"):
        outcome = act(duban, sid, "record_outcome", text="改了", benefit=benefit)
        assert outcome["status"] == "replied"  # kept as text, not read as money
    refused = act(duban, sid, "record_outcome", expect=400, text="改了", benefit_amount="1e400")
    assert refused  # says which field, and why


def test_a_forged_forwarded_for_buys_no_more_claim_guesses(client):
    statuses = {
        client.post(
            "/api/suggestions/claim",
            {"code": "AAAA-BBBB-CCCC"},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        ).status_code
        for n in range(WRONG_CLAIMS_ALLOWED + 1)
    }
    assert 429 in statuses


def test_the_list_shows_spawned_tasks_and_holds_its_queries(
    api, django_assert_max_num_queries, people, units
):
    duban = api("duban")
    first = _replied(api)
    act(duban, first, "adopt")
    created = duban.post(
        f"/api/suggestions/{first}/spawn-task", {"lead_unit": "gzw", "deadline_working_days": 20}
    )
    assert created.status_code == 201
    detail = duban.get(f"/api/suggestions/{first}").json()
    assert [t["number"] for t in detail["tasks"]] == [created.json()["number"]]
    assert detail["tasks"][0]["status"] == "draft"
    with CaptureQueriesContext(connection) as one:
        listed = duban.get("/api/suggestions")
    assert listed.status_code == 200, listed.content
    queries = len(one.captured_queries)  # read now: every request clears the log
    for _ in range(4):
        _replied(api)
    with django_assert_max_num_queries(queries):
        assert duban.get("/api/suggestions").json()["count"] == 5


def test_published_replies_are_read_by_every_submitter_without_names(api):
    duban = api("duban")
    sid = file(api("jy1"))["id"]
    act(duban, sid, "accept")
    act(duban, sid, "assign", lead_unit="tzb")
    act(api("tzb"), sid, "sign")
    act(api("tzb"), sid, "reply", reply_class="A", text="已建成协同平台。")
    act(duban, sid, "approve_reply", public=True)
    rows = api("jy2").get("/api/suggestions/replies").json()["results"]
    assert [(r["id"], r["lead_unit"], r["reply"]) for r in rows] == [
        (sid, "tzb", "已建成协同平台。")
    ]
    assert "submitters" not in rows[0]
