"""The office's pages: statistics, the printable receipt and reply letter, the follow-up list."""

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conftest import PASSWORD, make_user
from taizhang.org.choices import Role
from taizhang.org.models import Unit
from taizhang.suggestions import services, stats
from taizhang.suggestions.choices import Channel, Rating, ReplyClass
from taizhang.suggestions.models import ChannelSettings, Suggestion
from taizhang.suggestions.office import CLAIM_CODES
from taizhang.utils.qr import qr_svg

pytestmark = pytest.mark.django_db


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def page(client, name, *args, **params):
    return client.get(reverse(f"suggestions:{name}", args=args), params)


# ---- statistics --------------------------------------------------------------------------------


def test_only_supervisors_and_leaders_see_the_statistics(client, people, submitters):
    for user in (submitters["jy1"], people["tzb"], people["admin"]):
        login(client, user)
        assert page(client, "stats").status_code == 403
    for user in (people["supervisor"], people["leader"]):
        login(client, user)
        assert page(client, "stats").status_code == 200


def test_the_page_shows_the_figures_of_stats_summary(client, make_suggestion, people, units):
    drafted_unit = units["tzb"]
    make_suggestion("refused")
    make_suggestion("closed")
    adopted = make_suggestion("adopted")
    services.record_outcome(
        adopted, by=people["supervisor"], text="建成平台", benefit_amount="12.5"
    )
    login(client, people["leader"])
    response = page(client, "stats")
    figures = stats.summary(Suggestion.objects.visible_to(people["leader"]))
    assert response.context["figures"] == figures
    html = response.content.decode()
    # 立案率 2 of 3, 满意率 2 of 2, 采纳率 1 of 2, 按期 2 of 2.
    assert [v for _label, v, _hint in response.context["rates"]] == [
        figures["accepted_rate"],
        figures["on_time_reply_rate"],
        figures["satisfaction_rate"],
        figures["adoption_rate"],
    ]
    assert "66.7%" in html and "50.0%" in html and "100.0%" in html
    assert "12.50" in html
    tables = {by: rows for by, _title, rows in response.context["tables"]}
    by_unit = {r["key"]: (r["label"], r["accepted"]) for r in tables["unit"]}
    assert by_unit == {
        drafted_unit.pk: ("中共XX市委统战部", 2),
        None: (str(_("(not assigned)")), 0),
    }
    assert [r["label"] for r in tables["month"]] == [timezone.localdate().strftime("%Y-%m")]
    assert [(r["label"], r["received"]) for r in tables["channel"]] == [(Channel.ONLINE.label, 3)]
    assert [(r["label"], r["received"]) for r in tables["topic"]] == [("产业发展", 3)]


def test_the_charts_are_drawn_from_json_blocks_with_the_tables_figures(
    client, make_suggestion, people
):
    make_suggestion("closed")
    make_suggestion("closed", title="第二条", reply_class="A")
    login(client, people["supervisor"])
    response = page(client, "stats")
    html = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in html
    for name in ("chart-units", "chart-months", "chart-reply-classes", "chart-ratings"):
        assert f'data-chart="{name}"' in html
        assert f'<script id="{name}" type="application/json">' in html
    charts = response.context["charts"]
    assert charts["units"]["yAxis"]["data"] == ["中共XX市委统战部"]
    assert charts["units"]["series"][0]["data"] == [2]
    assert charts["months"]["xAxis"]["data"] == [timezone.localdate().strftime("%Y-%m")]
    pie = {d["name"]: d["value"] for d in charts["reply_classes"]["series"][0]["data"]}
    assert pie == {str(ReplyClass.A.label): 1, str(ReplyClass.B.label): 1}
    ratings = {d["name"]: d["value"] for d in charts["ratings"]["series"][0]["data"]}
    assert ratings == {str(Rating.SATISFIED.label): 2}
    assert "<script>" not in html  # no inline code: the CSP forbids it


def test_the_period_narrows_the_figures_to_the_date_received(client, make_suggestion, people):
    make_suggestion("accepted")
    last_year = make_suggestion("accepted", title="去年的建议")
    Suggestion.objects.filter(pk=last_year.pk).update(
        received_on=timezone.localdate().replace(year=timezone.localdate().year - 1)
    )
    login(client, people["supervisor"])
    assert page(client, "stats").context["figures"]["received"] == 1  # this year by default
    everything = page(client, "stats", year="")
    assert everything.context["figures"]["received"] == 2
    year = timezone.localdate().year - 1
    assert page(client, "stats", year=year).context["figures"]["received"] == 1
    span = page(client, "stats", start=f"{year}-01-01", end=f"{year + 1}-12-31")
    assert span.context["figures"]["received"] == 2
    wrong = page(client, "stats", start=f"{year + 1}-01-01", end=f"{year}-01-01")
    assert wrong.context["form"].non_field_errors() and wrong.context["figures"]["received"] == 2


def _queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert page(client, "stats").status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_the_statistics_take_the_same_queries_however_many_suggestions_and_units(
    client, make_suggestion, people, org, units
):
    make_suggestion("closed")
    login(client, people["supervisor"])
    few = _queries(client)
    for n in range(4):
        unit = Unit.objects.create(organisation=org, code=f"u{n}", name=f"单位{n}")
        make_user(org, f"h{n}", Role.HANDLER, unit)
        s = make_suggestion("accepted", title=f"建议{n}")
        services.assign(s, by=people["supervisor"], lead_unit=unit, deadline_working_days=10)
    make_suggestion("refused")
    assert len(_queries(client)) == len(few), few
    # Session, user, unread notifications; summary, 4 breakdowns, the units' names, reply
    # classes, ratings.
    assert len(few) == 3 + 1 + 4 + 1 + 2, few


# ---- printable letters -------------------------------------------------------------------------


@pytest.fixture
def anonymous(org, submitters):
    ChannelSettings.objects.create(organisation=org, anonymous_allowed=True)
    return services.create_suggestion(
        by=submitters["jy1"], title="匿名的建议", body="建议公开招标信息。", anonymous=True
    )


def _keep_code(client, suggestion, code):
    session = client.session
    session[CLAIM_CODES] = {str(suggestion.pk): code}
    session.save()


def test_the_receipt_shows_an_anonymous_claim_code_once(client, anonymous, submitters, people):
    suggestion, code = anonymous
    login(client, submitters["jy1"])
    assert page(client, "receipt", suggestion.pk).status_code == 404  # not theirs to see
    _keep_code(client, suggestion, code)
    first = page(client, "receipt", suggestion.pk).content.decode()
    assert code in first and 'data-testid="claim-code"' in first
    assert str(_("Anonymous")) in first
    assert str(suggestion.pk) not in client.session[CLAIM_CODES]
    login(client, people["supervisor"])
    again = page(client, "receipt", suggestion.pk).content.decode()
    assert code not in again and 'data-testid="claim-code-given"' in again


def test_a_wrong_code_in_the_session_opens_nothing(client, anonymous, submitters):
    suggestion, _code = anonymous
    login(client, submitters["jy2"])
    _keep_code(client, suggestion, "AAAA-BBBB-CCCC")
    assert page(client, "receipt", suggestion.pk).status_code == 404


def test_the_receipt_shows_the_suggestion_and_what_happens_next(client, make_suggestion, people):
    suggestion = make_suggestion("assigned")
    login(client, people["supervisor"])
    html = page(client, "receipt", suggestion.pk).content.decode()
    assert suggestion.number in html and suggestion.title in html and "jy1" in html
    assert suggestion.deadline.isoformat() in html
    assert suggestion.received_on.strftime("%Y-%m-%d") in html


def test_the_receipt_follows_the_detail_pages_visibility(
    client, make_suggestion, people, submitters
):
    suggestion = make_suggestion("submitted")
    login(client, submitters["jy2"])
    assert page(client, "receipt", suggestion.pk).status_code == 404
    login(client, people["tzb"])  # not yet given to the unit
    assert page(client, "receipt", suggestion.pk).status_code == 404
    login(client, submitters["jy1"])
    assert page(client, "receipt", suggestion.pk).status_code == 200


def test_the_reply_letter_only_once_a_reply_was_approved(client, make_suggestion, people):
    drafted = make_suggestion("reply_review")
    login(client, people["supervisor"])
    assert page(client, "reply_letter", drafted.pk).status_code == 404
    services.approve_reply(drafted, by=people["supervisor"])
    response = page(client, "reply_letter", drafted.pk)
    html = response.content.decode()
    assert response.status_code == 200
    assert "已纳入明年工作计划" in html and "中共XX市委统战部" in html
    assert 'data-testid="rating-invitation"' in html
    assert "2027-06-30" in html  # the B reply's promised date


def test_the_letters_carry_a_qr_code_to_the_suggestion_or_the_claim_page(
    client, make_suggestion, people, anonymous
):
    replied = make_suggestion("replied")
    login(client, people["supervisor"])
    html = page(client, "reply_letter", replied.pk).content.decode()
    assert f'data-qr-url="http://testserver/suggestions/{replied.pk}/"' in html
    # The very code that encodes the suggestion's absolute URL.
    scan = str(_("Scan to open"))
    assert qr_svg(f"http://testserver/suggestions/{replied.pk}/", title=scan) in html
    assert html.count("<svg ") == 1 and 'class="tz-qr"' in _svg(html)
    suggestion, code = anonymous
    _keep_code(client, suggestion, code)
    with_code = page(client, "receipt", suggestion.pk).content.decode()
    assert f'data-qr-url="http://testserver/suggestions/claim/?code={code}"' in with_code
    assert qr_svg(f"http://testserver/suggestions/claim/?code={code}", title=scan) in with_code
    without = page(client, "receipt", suggestion.pk).content.decode()
    assert 'data-qr-url="http://testserver/suggestions/claim/"' in without
    # The code differs with its URL: the claim code is in the first one only.
    assert _svg(with_code) != _svg(without)


def _svg(html):
    return html[html.index("<svg") : html.index("</svg>")]


# ---- follow-up ---------------------------------------------------------------------------------


def test_the_follow_up_list_puts_the_overdue_and_due_first(client, make_suggestion, people):
    later_b = make_suggestion("replied", title="B 类按计划")  # promised 2027-06-30
    c_yearly = make_suggestion("closed", title="C 类年度复核", reply_class="C")
    overdue = make_suggestion("replied", title="B 类已逾期")
    Suggestion.objects.filter(pk=overdue.pk).update(
        follow_up_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    make_suggestion("closed", title="A 类已解决", reply_class="A")
    login(client, people["supervisor"])
    response = page(client, "follow_up")
    rows = [(s.title, when) for s, when in response.context["rows"]]
    assert rows[0] == ("B 类已逾期", "overdue")
    assert {t for t, _w in rows} == {"B 类已逾期", "B 类按计划", "C 类年度复核"}
    dates = [s.follow_up_on for s, _w in response.context["rows"]]
    assert dates == sorted(dates)
    html = response.content.decode()
    assert later_b.get_absolute_url() in html and c_yearly.get_absolute_url() in html


def test_only_the_office_has_the_follow_up_list(client, people, submitters):
    for user in (submitters["jy1"], people["tzb"], people["leader"]):
        login(client, user)
        assert page(client, "follow_up").status_code == 403


def test_the_receipt_of_a_refused_suggestion_says_so(client, make_suggestion, people):
    refused = make_suggestion("refused")
    login(client, people["supervisor"])
    html = page(client, "receipt", refused.pk).content.decode()
    assert refused.refusal_reason.label in html


def test_the_statistics_count_only_the_readers_organisation(
    client, make_suggestion, people, other_org
):
    make_suggestion("accepted")
    other = make_user(other_org["org"], "fed-jy", Role.SUBMITTER)
    services.create_suggestion(by=other, title="联合会的建议", body="正文")
    login(client, people["leader"])
    assert page(client, "stats").context["figures"]["received"] == 1
    login(client, other_org["supervisor"])
    assert page(client, "stats").context["figures"]["received"] == 1
    assert page(client, "follow_up").status_code == 200


def test_the_tools_offered_follow_the_role(rf, people, submitters):
    tools = Template("{% load suggestion_office %}{% suggestion_office_tools %}")

    def links(user):
        request = rf.get("/suggestions/", {"status": "accepted"})
        request.user = user
        html = tools.render(Context({"request": request}))
        return [
            name
            for name in ("export", "import", "follow_up", "stats")
            if reverse(f"suggestions:{name}") in html
        ]

    assert links(people["supervisor"]) == ["export", "import", "follow_up", "stats"]
    assert links(people["leader"]) == ["export", "stats"]
    assert links(people["tzb"]) == links(submitters["jy1"]) == ["export"]
    assert links(people["admin"]) == []
    request = rf.get("/suggestions/", {"status": "accepted"})
    request.user = people["tzb"]
    assert "export/?status=accepted" in tools.render(Context({"request": request}))
