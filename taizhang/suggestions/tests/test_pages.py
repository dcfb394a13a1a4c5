"""The suggestion pages, per role: what each sees, and every action form through to its
service."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD, make_user
from taizhang.org.choices import Role
from taizhang.suggestions import services, similar
from taizhang.suggestions.models import (
    ChannelSettings,
    RefusalReason,
    SpawnedTask,
    Suggestion,
    SuggestionEvent,
)
from taizhang.suggestions.services import WRONG_CLAIMS_ALLOWED
from taizhang.suggestions.views import CLAIM_CODES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_indexes():
    similar._indexes.clear()
    yield
    similar._indexes.clear()


def login(client, name):
    client.logout()
    assert client.login(username=name, password=PASSWORD)


def act(client, suggestion, action, **data):
    suggestion.refresh_from_db()
    data.setdefault("version", suggestion.version)
    return client.post(reverse("suggestions:act", args=[suggestion.pk, action]), data)


def detail(client, suggestion):
    return client.get(reverse("suggestions:detail", args=[suggestion.pk]))


# ---- who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["duban", "lingdao", "tzb", "jy1"])
def test_pages_render_for_every_role(client, make_suggestion, people, submitters, name):
    suggestion = make_suggestion("closed")
    suggestion.replies.update(public=True)
    login(client, name)
    for url in [
        reverse("suggestions:list"),
        reverse("suggestions:detail", args=[suggestion.pk]),
        reverse("suggestions:replies"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert suggestion.title in response.text, url
        assert "建言献策" in response.text


def test_a_submitter_starts_on_their_suggestions_and_sees_nothing_of_the_tasks(
    client, make_suggestion, make_task, submitters
):
    task = make_task("in_progress", title="统战部牵头的督办事项")
    make_suggestion("submitted")
    response = client.post(reverse("login"), {"username": "jy1", "password": PASSWORD})
    assert response.url == reverse("suggestions:list")
    page = client.get(reverse("home"), follow=True)
    assert page.redirect_chain[-1][0] == reverse("suggestions:list")
    nav = page.text.split('<ul class="navbar-nav">')[1].split("</ul>")[0]
    assert "建言献策" in nav and "通知" in nav
    for hidden in ("我的待办", "督办台账", "人才库", reverse("supervision:units")):
        assert hidden not in nav
    for url in (reverse("supervision:todo"), reverse("supervision:ledger")):
        assert task.title not in client.get(url).text
    assert client.get(reverse("supervision:task", args=[task.pk])).status_code == 404


def test_staff_nav_has_the_suggestions_too(client, people):
    login(client, "tzb")
    nav = client.get(reverse("supervision:todo")).text.split('<ul class="navbar-nav">')[1]
    assert "我的待办" in nav and reverse("suggestions:list") in nav
    login(client, "admin")
    nav = client.get(reverse("manage:users")).text.split('<ul class="navbar-nav">')[1]
    assert reverse("suggestions:list") not in nav.split("</ul>")[0]


def test_others_get_404(client, make_suggestion, people, submitters):
    suggestion = make_suggestion("in_hand")
    login(client, "jy2")  # another submitter
    assert detail(client, suggestion).status_code == 404
    assert suggestion.title not in client.get(reverse("suggestions:list")).text
    login(client, "steel")  # a handler of a unit that has no part in it
    assert detail(client, suggestion).status_code == 404
    login(client, "gzw")  # the joint unit's handler
    assert detail(client, suggestion).status_code == 200


def test_a_submitter_sees_no_internal_events_opinions_or_returns(
    client, make_suggestion, people, submitters
):
    suggestion = make_suggestion("in_hand")
    services.send_opinion(suggestion, by=people["gzw"], text="建议明确国资委的协调职责。")
    services.reply(suggestion, by=people["tzb"], reply_class="A", text="已研究，将组建平台。")
    SuggestionEvent.objects.create(
        suggestion=suggestion, action="comment", comment="内部备注：先征求财政局意见", public=False
    )
    login(client, "duban")
    staff = detail(client, suggestion).text
    assert 'data-action="assign"' in staff and "建议明确国资委的协调职责" in staff
    assert "主办单位：— → 市委统战部" in staff and "会办单位：— → 市国资委" in staff
    assert "内部备注" in staff and "已研究，将组建平台" in staff
    login(client, "jy1")
    own = detail(client, suggestion).text
    assert 'data-action="submit"' in own and 'data-action="accept"' in own
    for internal in ('data-action="assign"', "建议明确国资委的协调职责", "内部备注"):
        assert internal not in own
    assert "已研究，将组建平台" not in own  # a draft under review is not theirs yet


def test_an_anonymous_suggestion_shows_no_name(client, org, make_suggestion, people):
    ChannelSettings.objects.create(organisation=org, anonymous_allowed=True)
    suggestion = make_suggestion("submitted", anonymous=True)
    login(client, "duban")
    page = detail(client, suggestion).text
    assert '<span data-testid="submitters">匿名</span>' in page
    assert "jy1" not in page.split('data-testid="submitters"')[1].split("</div>")[0]


# ---- the ledger --------------------------------------------------------------------------------


def test_ledger_queries_do_not_grow_with_rows(client, make_suggestion, people, submitters):
    login(client, "duban")
    for state in ("submitted", "accepted", "reply_review"):  # every "waiting" list has one
        make_suggestion(state)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("suggestions:list"), {"per_page": 50}).status_code == 200
        return len(queries)

    few = count()
    for i in range(31):
        services.create_suggestion(by=submitters["jy2"], title=f"建议{i}", body="内容")
    assert count() == few
    page = client.get(reverse("suggestions:list")).text
    assert "共 34 条" in page and "1 / 2" in page


def test_waiting_for_me_per_role(client, make_suggestion, people, submitters):
    make_suggestion("submitted", title="待受理的建议")
    make_suggestion("assigned", title="待签收的建议")
    make_suggestion("in_hand", title="待答复的建议")
    make_suggestion("reply_review", title="待审核的建议")
    make_suggestion("replied", title="待评价的建议")

    def section(name, key):
        login(client, name)
        page = client.get(reverse("suggestions:list")).text
        after = page.split(f'data-waiting="{key}"')[1]
        return after.split('data-waiting="')[0].split('id="suggestion-table"')[0]

    assert "待受理的建议" in section("duban", "accept")
    assert "待审核的建议" in section("duban", "review")
    signing = section("tzb", "sign")
    assert "待签收的建议" in signing and "待受理的建议" not in signing
    assert "待答复的建议" in section("tzb", "reply")
    rating = section("jy1", "rate")
    assert "待评价的建议" in rating and "待审核的建议" not in rating


def test_ledger_filters_and_htmx_partial(client, make_suggestion, people, units, submitters):
    make_suggestion("closed", title="统战部答复的建议")
    make_suggestion("adopted", title="已采纳的建议")
    make_suggestion("submitted", title="刚提交的建议")
    login(client, "duban")
    url = reverse("suggestions:list")

    def titles(**query):
        text = client.get(url, query, headers={"HX-Request": "true"}).text
        assert "<html" not in text
        return {t for t in ("统战部答复的建议", "已采纳的建议", "刚提交的建议") if t in text}

    assert titles(status="submitted") == {"刚提交的建议"}
    assert titles(lead_unit="tzb") == {"统战部答复的建议", "已采纳的建议"}
    assert titles(adopted="true") == {"已采纳的建议"}
    assert titles(adopted="false") == {"统战部答复的建议", "刚提交的建议"}
    assert titles(rating="satisfied", q="统战部") == {"统战部答复的建议"}
    assert titles(affiliation="steel", reply_class="B") == {"统战部答复的建议", "已采纳的建议"}
    assert titles(channel="letter") == set()


# ---- the action forms --------------------------------------------------------------------------


def test_the_office_walks_a_suggestion_through_the_forms(
    client, make_suggestion, people, submitters, units
):
    suggestion = make_suggestion("submitted")
    login(client, "duban")
    assert act(client, suggestion, "accept", topic="国企改革").status_code == 302
    page = detail(client, suggestion).text
    assert "操作已完成" in page or "已完成" in page
    response = act(
        client,
        suggestion,
        "assign",
        lead_unit="tzb",
        joint_units=["gzw"],
        assisting_units=["czj"],
        deadline_working_days=12,
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "assigned" and suggestion.topic == "国企改革"
    assert suggestion.lead_unit == units["tzb"] and suggestion.deadline_working_days == 12
    for name in ("tzb", "gzw"):
        login(client, name)
        assert act(client, suggestion, "sign").status_code == 302
    assert act(client, suggestion, "opinion", text="国资委同意牵头协调。").status_code == 302
    login(client, "tzb")
    response = act(
        client,
        suggestion,
        "reply",
        reply_class="B",
        text="纳入明年计划。",
        promised_date="2027-06-30",
    )
    assert response.status_code == 302
    login(client, "duban")
    assert act(client, suggestion, "send_back_reply", comment="请写明时间表。").status_code == 302
    login(client, "tzb")
    act(client, suggestion, "reply", reply_class="A", text="平台已组建。")
    login(client, "duban")
    assert act(client, suggestion, "approve_reply", public="on").status_code == 302
    login(client, "jy1")
    assert act(client, suggestion, "rate", rating="satisfied", comment="很好").status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.rating, suggestion.reply_class) == (
        "closed",
        "satisfied",
        "A",
    )
    page = detail(client, suggestion).text
    assert "平台已组建" in page and "满意" in page


def test_after_the_reply_adopt_outcome_commend_follow_up(
    client, make_suggestion, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    suggestion = make_suggestion("closed")
    login(client, "duban")
    assert act(client, suggestion, "adopt", extent="part").status_code == 302
    evidence = SimpleUploadedFile("成效.pdf", b"%PDF-1.4 evidence", "application/pdf")
    response = act(
        client,
        suggestion,
        "record_outcome",
        text="平台上线，12家企业入驻。",
        place="XX市",
        benefit="降本增效",
        benefit_amount="320.5",
        benefit_days="30",
        benefit_people="1200",
        files=evidence,
    )
    assert response.status_code == 302
    assert (
        act(client, suggestion, "commend", kind="reward", amount="5000", comment="采纳").status_code
        == 302
    )
    assert act(client, suggestion, "follow_up", comment="进展顺利。").status_code == 302
    login(client, "lingdao")
    assert act(client, suggestion, "approve_commendation").status_code == 302
    suggestion.refresh_from_db()
    outcome = suggestion.outcomes.get()
    assert suggestion.adoption_extent == "part" and str(outcome.benefit_amount) == "320.50"
    assert outcome.benefit_people == 1200 and outcome.attachments.get().name == "成效.pdf"
    assert suggestion.commendations.get().approved_at is not None
    login(client, "jy1")
    page = detail(client, suggestion).text
    assert "平台上线" in page and "成效.pdf" in page and "部分采纳" in page
    attachment = outcome.attachments.get()
    download = client.get(reverse("suggestions:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    login(client, "jy2")
    assert client.get(reverse("suggestions:attachment", args=[attachment.pk])).status_code == 404


def test_refuse_with_a_reason_and_where_to_turn(client, make_suggestion, people, submitters):
    suggestion = make_suggestion("submitted")
    login(client, "duban")
    page = detail(client, suggestion).text
    assert 'value="not_specific"' in page  # the organisation's reasons in the select
    response = act(
        client,
        suggestion,
        "refuse",
        reason_code="out_of_scope",
        comment="属于信访事项。",
        alternative_channel="市信访局",
    )
    assert response.status_code == 302
    login(client, "jy1")
    page = detail(client, suggestion).text
    assert "不予立案" in page and "市信访局" in page and "属于信访事项" in page


def test_merge_by_number_or_among_the_similar(client, make_suggestion, people, submitters):
    target = make_suggestion("accepted", title="共建钢铁矿业产业链协同创新平台")
    suggestion = make_suggestion("submitted", title="建立产业链协同创新平台")
    login(client, "duban")
    page = detail(client, suggestion).text
    merge_form = page.split('data-action="merge"')[1].split("</details>")[0]
    assert f'name="into" value="{target.pk}"' in merge_form
    response = act(client, suggestion, "merge", into_number="NO-SUCH-1")
    assert response.status_code == 400 and "没有编号" in response.text
    assert act(client, suggestion, "merge", into_number=target.number.lower()).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "merged" and suggestion.merged_into == target


def test_a_unit_returns_it_and_the_withdraw_form(client, make_suggestion, people, submitters):
    suggestion = make_suggestion("assigned")
    login(client, "tzb")
    assert act(client, suggestion, "return", comment="不属于本单位职责。").status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "returned"
    other = make_suggestion("submitted", title="另一条建议")
    login(client, "jy1")
    assert act(client, other, "withdraw", comment="重复").status_code == 302
    other.refresh_from_db()
    assert other.status == "withdrawn"


def test_an_error_is_shown_and_nothing_typed_is_lost(client, make_suggestion, people):
    suggestion = make_suggestion("in_hand")
    login(client, "tzb")
    response = act(client, suggestion, "reply", reply_class="B", text="正在研究，请耐心等待。")
    assert response.status_code == 400
    assert "B 类" in response.text or "解决" in response.text  # the service's reason
    reply_form = response.text.split('data-action="reply"')[1].split("</details>")[0]
    assert reply_form.startswith(" open")
    assert "正在研究，请耐心等待。</textarea>" in reply_form
    assert 'value="B" required checked' in reply_form
    suggestion.refresh_from_db()
    assert suggestion.status == "in_hand"


def test_a_stale_page_is_refused_with_409(client, make_suggestion, people):
    suggestion = make_suggestion("submitted")
    login(client, "duban")
    stale = suggestion.version
    services.update_suggestion(suggestion, by=people["supervisor"], topic="新话题")
    response = act(client, suggestion, "accept", version=stale)
    assert response.status_code == 409 and "刷新后重试" in response.text


def test_an_action_the_user_may_not_take_is_refused(client, make_suggestion, people):
    suggestion = make_suggestion("submitted")
    login(client, "lingdao")
    assert 'data-action="accept"' not in detail(client, suggestion).text
    response = act(client, suggestion, "accept")
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == "submitted"
    assert (
        client.post(reverse("suggestions:act", args=[suggestion.pk, "nonsense"])).status_code == 404
    )


def test_spawn_a_task_from_an_adopted_suggestion(client, make_suggestion, people, units):
    suggestion = make_suggestion("adopted")
    login(client, "duban")
    page = detail(client, suggestion).text
    assert 'id="spawn-task"' in page and f'value="{suggestion.title}"' in page
    url = reverse("suggestions:spawn_task", args=[suggestion.pk])
    response = client.post(
        url,
        {
            "title": "组建产业链协同创新平台",
            "lead_unit": units["gzw"].pk,
            "responsible_units": [units["steel"].pk],
            "deadline_working_days": 30,
        },
    )
    task = SpawnedTask.objects.get(suggestion=suggestion).task
    assert response.status_code == 302 and response.url == task.get_absolute_url()
    assert task.source_kind == "suggestion" and task.lead_unit == units["gzw"]
    task_page = client.get(response.url).text
    assert f'href="{suggestion.get_absolute_url()}" data-testid="source-link"' in task_page
    page = detail(client, suggestion).text
    spawned = page.split('id="spawned"')[1].split("</ul>")[0]
    assert task.number in spawned and task.get_status_display() in spawned
    assert f'href="{task.get_absolute_url()}"' in spawned
    not_adopted = make_suggestion("closed", title="未采纳的建议")
    assert 'id="spawn-task"' not in detail(client, not_adopted).text
    response = client.post(reverse("suggestions:spawn_task", args=[not_adopted.pk]), {})
    assert response.status_code == 403


# ---- filing ------------------------------------------------------------------------------------


def test_a_submitter_files_one_and_lands_on_the_receipt(
    client, org, submitters, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    login(client, "jy1")
    page = client.get(reverse("suggestions:new")).text
    assert 'name="anonymous"' not in page  # switched off for this organisation
    assert 'list="topics"' in page and f'hx-get="{reverse("suggestions:similar")}"' in page
    response = client.post(
        reverse("suggestions:new"),
        {
            "title": "设立党外人士建言直通车",
            "body": "建议每季度召开一次党外人士座谈会。",
            "topic": "统战工作",
            "co_submitters": "jy2",
            "files": SimpleUploadedFile("附件.txt", "说明".encode(), "text/plain"),
        },
    )
    suggestion = Suggestion.objects.get(title="设立党外人士建言直通车")
    assert response.status_code == 302
    assert response.url == f"/suggestions/{suggestion.pk}/receipt/"
    assert {u.username for u in suggestion.submitters} == {"jy1", "jy2"}
    assert suggestion.attachments.count() == 1 and suggestion.channel == "online"
    assert CLAIM_CODES not in client.session
    login(client, "jy2")
    assert "统战工作" in client.get(reverse("suggestions:new")).text  # the topic in the datalist


def test_an_anonymous_one_leaves_its_claim_code_in_the_session(client, org, submitters):
    ChannelSettings.objects.create(organisation=org, anonymous_allowed=True)
    login(client, "jy1")
    assert 'name="anonymous"' in client.get(reverse("suggestions:new")).text
    response = client.post(
        reverse("suggestions:new"),
        {"title": "匿名建议", "body": "建议公开招投标信息。", "anonymous": "on"},
    )
    suggestion = Suggestion.objects.get(title="匿名建议")
    assert response.url.endswith(f"/{suggestion.pk}/receipt/")
    code = client.session[CLAIM_CODES][str(suggestion.pk)]
    assert services.claimed(code) == suggestion and suggestion.anonymous


def test_a_bad_filing_keeps_what_was_typed(client, submitters):
    login(client, "jy1")
    response = client.post(
        reverse("suggestions:new"),
        {"title": "联名建议", "body": "正文写了很多。", "co_submitters": "nobody"},
    )
    assert response.status_code == 400
    assert "nobody" in response.text and "正文写了很多。</textarea>" in response.text
    assert not Suggestion.objects.filter(title="联名建议").exists()


def test_the_office_enters_an_offline_suggestion(client, people, submitters):
    login(client, "duban")
    page = client.get(reverse("suggestions:enter")).text
    assert 'value="online"' not in page and 'value="letter"' in page
    response = client.post(
        reverse("suggestions:enter"),
        {
            "submitter": "jy2",
            "channel": "symposium",
            "received_on": "2026-11-20",
            "title": "座谈会上的建议",
            "body": "建议建立矿业企业安全生产联席会议。",
        },
    )
    suggestion = Suggestion.objects.get(title="座谈会上的建议")
    assert response.url == f"/suggestions/{suggestion.pk}/receipt/"
    assert suggestion.channel == "symposium" and str(suggestion.received_on) == "2026-11-20"
    assert suggestion.entered_by == people["supervisor"] and suggestion.submitters == [
        submitters["jy2"]
    ]
    response = client.post(
        reverse("suggestions:enter"),
        {
            "submitter_name": "张三",
            "submitter_contact": "13800000000",
            "channel": "letter",
            "received_on": "2026-11-21",
            "title": "来信",
            "body": "来信内容",
        },
    )
    assert Suggestion.objects.get(title="来信").submitter_display == "张三"
    login(client, "jy1")
    assert client.get(reverse("suggestions:enter")).status_code == 403
    login(client, "duban")
    assert client.get(reverse("suggestions:new")).status_code == 403


# ---- similar suggestions -----------------------------------------------------------------------


def test_similar_suggestions_as_one_types(client, make_suggestion, people, submitters):
    published = make_suggestion("replied", title="建立钢铁产业链协同创新平台")
    published.replies.update(public=True)
    private = make_suggestion("submitted", title="产业链协同创新平台的资金保障")
    services.create_suggestion(by=submitters["jy2"], title="改善职工食堂伙食", body="增加菜品。")
    url = reverse("suggestions:similar")
    query = {"title": "产业链协同创新平台", "body": "建议共建协同创新平台"}
    login(client, "duban")
    text = client.get(url, query).text
    assert published.title in text and private.title in text and "职工食堂" not in text
    login(client, "jy2")  # another submitter: the published reply only, not jy1's own
    text = client.get(url, query).text
    assert published.title in text and private.title not in text
    login(client, "jy1")
    assert private.title in client.get(url, query).text
    assert client.get(url, {"title": "", "body": ""}).text.strip() == ""


def test_the_index_is_kept_until_a_suggestion_changes(make_suggestion, people, org):
    make_suggestion("submitted")
    first = similar.index_for(org.pk)
    assert similar.index_for(org.pk) is first
    make_suggestion("submitted", title="另一条")
    assert similar.index_for(org.pk) is not first


# ---- the claim page ----------------------------------------------------------------------------


@pytest.fixture
def anonymous_replied(org, people, submitters, units):
    from taizhang.suggestions.tests.conftest import walk

    ChannelSettings.objects.create(organisation=org, anonymous_allowed=True)
    suggestion, code = services.create_suggestion(
        by=submitters["jy1"], title="匿名提出的建议", body="建议公开采购信息。", anonymous=True
    )
    walk(suggestion, "replied", people, submitters, units, "A")
    return suggestion, code


def test_the_claim_page_with_the_right_code_rates(client, anonymous_replied):
    suggestion, code = anonymous_replied
    url = reverse("suggestions:claim")
    assert client.get(url).status_code == 200
    page = client.get(url, {"code": code.lower()}).text
    assert suggestion.number in page and suggestion.title in page and "已答复" in page
    assert "已纳入明年工作计划" in page and 'id="claim-rate"' in page
    assert 'data-action="assign"' not in page
    response = client.post(url, {"code": code, "rating": "dissatisfied", "comment": ""})
    assert response.status_code == 400 and 'id="claim-rate"' in response.text
    response = client.post(url, {"code": code, "rating": "satisfied", "comment": "谢谢"})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "closed" and suggestion.rating == "satisfied"
    page = client.get(url, {"code": code}).text
    assert 'id="claim-rate"' not in page and "满意" in page


def test_a_wrong_code_says_not_found_and_is_throttled(client, anonymous_replied):
    _suggestion, code = anonymous_replied
    url = reverse("suggestions:claim")
    response = client.get(url, {"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 404 and "未找到" in response.text
    assert client.get(url, {"code": "nonsense"}).status_code == 404
    for _i in range(WRONG_CLAIMS_ALLOWED - 2):
        client.get(url, {"code": "AAAA-BBBB-CCCC"})
    response = client.get(url, {"code": code})  # even the right one, for now
    assert response.status_code == 429 and "一小时" in response.text
    other = client.get(url, {"code": code}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


# ---- published replies and settings ------------------------------------------------------------


def test_published_replies_for_every_role_without_names(client, make_suggestion, people):
    shown = make_suggestion("closed", title="公开答复的建议")
    shown.replies.update(public=True)
    make_suggestion("closed", title="未公开的建议")
    for name in ("jy2", "steel", "lingdao"):
        login(client, name)
        page = client.get(reverse("suggestions:replies")).text
        assert "公开答复的建议" in page and "未公开的建议" not in page
        assert "已纳入明年工作计划" in page and "jy1" not in page.split('id="published"')[1]
    login(client, "admin")
    assert client.get(reverse("suggestions:replies")).status_code == 403


def test_channel_settings_only_for_the_office(client, org, people, submitters):
    url = reverse("suggestions:settings")
    for name in ("lingdao", "tzb", "jy1", "admin"):
        login(client, name)
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"op": "anonymous", "anonymous_allowed": "on"}).status_code == 403
    login(client, "duban")
    page = client.get(url).text
    assert "不属于受理范围" in page or "受理范围" in page
    assert client.post(url, {"op": "anonymous", "anonymous_allowed": "on"}).status_code == 302
    assert ChannelSettings.of(org).anonymous_allowed
    client.post(url, {"op": "add", "label": "涉及国家秘密"})
    added = RefusalReason.objects.get(organisation=org, label="涉及国家秘密")
    client.post(url, {"op": "rename", "reason": added.pk, "label": "涉及国家秘密事项"})
    reason = RefusalReason.objects.get(organisation=org, code="personal_matter")
    client.post(url, {"op": "switch", "reason": reason.pk})
    codes = {r.code: r.label for r in services.refusal_reasons(org)}
    assert codes[added.code] == "涉及国家秘密事项" and "personal_matter" not in codes
    response = client.post(url, {"op": "add", "label": "重复", "code": "out_of_scope"})
    assert response.status_code == 400 and "已被使用" in response.text
    client.post(url, {"op": "anonymous"})
    assert not ChannelSettings.of(org).anonymous_allowed


def test_settings_services_refuse_others(org, people, other_org):
    with pytest.raises(services.NotAllowed):
        services.set_anonymous_allowed(org, by=people["leader"], allowed=True)
    with pytest.raises(services.NotAllowed):
        services.add_refusal_reason(org, by=other_org["supervisor"], label="x")
    stranger = make_user(org, "jy9", Role.SUBMITTER)
    reason = services.refusal_reasons(org).first()
    with pytest.raises(services.NotAllowed):
        services.update_refusal_reason(reason, by=stranger, active=False)


def test_a_redo_shows_its_badge_and_new_deadline(client, make_suggestion, people):
    suggestion = make_suggestion("redo")
    login(client, "tzb")
    page = detail(client, suggestion).text
    assert 'data-testid="redo"' in page and "不满意" in page
    assert f'data-testid="deadline">{suggestion.deadline:%Y-%m-%d}<' in page
    assert 'data-action="reply"' in page  # the lead unit answers once more


def test_a_b_reply_shows_the_follow_up_date_to_staff(client, make_suggestion, people):
    suggestion = make_suggestion("replied", reply_class="B")
    login(client, "duban")
    assert 'data-testid="follow-up">2027-06-30<' in detail(client, suggestion).text
    login(client, "jy1")
    page = detail(client, suggestion).text
    assert 'data-testid="follow-up"' not in page and "2027-06-30" in page  # the promised date


def test_a_spawn_error_keeps_the_form(client, make_suggestion, people, units):
    suggestion = make_suggestion("adopted")
    login(client, "duban")
    url = reverse("suggestions:spawn_task", args=[suggestion.pk])
    response = client.post(url, {"title": "我改过的标题", "deadline_working_days": 10})
    assert response.status_code == 400
    form = response.text.split('id="spawn-task"')[1].split("</details>")[0]
    assert 'value="我改过的标题"' in form and "invalid-feedback" in form
    response = client.post(url, {"title": "无期限", "lead_unit": units["tzb"].pk})
    assert response.status_code == 400 and "无期限" in response.text
    assert not SpawnedTask.objects.exists()


def test_similar_needs_a_business_account(client, people):
    url = reverse("suggestions:similar")
    assert client.get(url, {"title": "平台"}).status_code == 302  # to the sign-in page
    login(client, "admin")
    assert client.get(url, {"title": "平台"}).status_code == 403
