"""The appraisal pages, per role: who sees what (anonymous, administrators, another
organisation, a handler of another unit), the office setting up and computing a cycle
through the forms, a unit reading its points and appealing one, the panel deciding, quotas
refusing a confirmation with the reason, publication locking the cycle, the staff pages, the
Excel export, and the query counts of the results and points pages."""

import datetime
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD
from taizhang.appraisal import rules, services
from taizhang.appraisal.choices import AppealStatus, Status
from taizhang.appraisal.models import (
    Appeal,
    Assessee,
    Cycle,
    GradeBand,
    Indicator,
    Point,
    Result,
)
from taizhang.appraisal.pages import pct
from taizhang.appraisal.rules import quota_allowed

from . import test_other_ledgers
from .conftest import NO_QUOTA, ON_TIME, OVERDUE, PANEL, YEAR, day

pytestmark = pytest.mark.django_db

suggestion_of_last_year = test_other_ledgers.suggestion_of_last_year  # the fixture, shared

LONG_AGO = datetime.date(YEAR, 1, 5)  # 公示 this early: the appeal period is long over


def login(client, name):
    client.logout()
    assert client.login(username=name, password=PASSWORD)


def text(response):
    return response.content.decode()


def url(name, *args):
    return reverse(f"appraisal:{name}", args=args)


def act(client, cycle, action, **data):
    cycle.refresh_from_db()
    data.setdefault("version", cycle.version)
    return client.post(url("act", cycle.pk, action), data)


@pytest.fixture
def ledger(make_task, backdate):
    """党委统战部 leads (国资委 responsible) two tasks of last year: one closed on time,
    one closed ten days late."""
    on_time = backdate(
        make_task("closed", title="建立建言献策台账"),
        deadline=day(3, 31),
        assigned=day(1, 10),
        closed=day(3, 20),
    )
    late = backdate(
        make_task("closed", title="完善联系服务机制"),
        deadline=day(4, 30),
        assigned=day(1, 10),
        closed=day(5, 10),
    )
    return {"on_time": on_time, "late": late}


@pytest.fixture
def computed(new_cycle, ledger, people):
    """A unit cycle of three units, read from the ledgers and scored by the panel (all three
    at A: no quota on A, so that it may be publicised)."""
    office = people["supervisor"]
    cycle = new_cycle([ON_TIME, OVERDUE, PANEL], bands=NO_QUOTA)
    services.open_scoring(cycle, by=office)
    services.compute(cycle, by=office)
    panel = Indicator.objects.get(cycle=cycle, kind="manual")
    for code, score in (("tzb", 95), ("gzw", 88), ("czj", 70)):
        services.score_manual(
            cycle, by=people["leader"], indicator=panel, unit=code, score=score, comment="较好"
        )
    return Cycle.objects.get(pk=cycle.pk)


@pytest.fixture
def publicised(computed, people):
    services.publicise(computed, by=people["supervisor"])
    return Cycle.objects.get(pk=computed.pk)


def cycle_urls(cycle, unit="tzb"):
    return [
        url("detail", cycle.pk),
        url("edit", cycle.pk),
        url("results", cycle.pk),
        url("points", cycle.pk, unit),
        url("appeal", cycle.pk),
        url("export", cycle.pk),
    ]


# ---- who sees what ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, computed):
    for address in [url("list"), url("new"), *cycle_urls(computed), url("staff", computed.pk)]:
        response = client.get(address)
        assert response.status_code == 302 and "/login" in response["Location"], address
    response = client.post(url("act", computed.pk, "compute"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_administrators_see_no_appraisal(client, computed):
    login(client, "admin")
    assert client.get(url("list")).status_code == 403
    for address in cycle_urls(computed):
        assert client.get(address).status_code == 403, address
    assert "考评" not in text(client.get(reverse("home"), follow=True))


def test_another_organisation_gets_404(client, computed, other_org):
    login(client, "fed-duban")
    for address in cycle_urls(computed):
        assert client.get(address).status_code == 404, address
    assert act(client, computed, "compute").status_code == 404
    assert computed.title not in text(client.get(url("list")))


def test_a_handler_sees_no_draft_and_no_points_before_publicity(client, new_cycle, computed):
    draft = new_cycle([ON_TIME], title="草拟中的考评")
    login(client, "tzb")
    assert client.get(url("detail", draft.pk)).status_code == 404
    listing = text(client.get(url("list")))
    assert "草拟中的考评" not in listing and computed.title in listing
    # Scoring: the cycle is there, but no unit's points or result yet.
    assert client.get(url("detail", computed.pk)).status_code == 200
    assert client.get(url("results", computed.pk)).status_code == 404
    assert client.get(url("points", computed.pk, "tzb")).status_code == 404
    assert client.get(url("export", computed.pk)).status_code == 404
    assert client.get(url("edit", computed.pk)).status_code == 302  # not theirs: back


def test_the_nav_links_the_appraisal_for_staff_roles(client, people):
    for name in ("duban", "lingdao", "tzb"):
        login(client, name)
        assert url("list") in text(client.get(url("list"))), name


# ---- the office sets up and computes ---------------------------------------------------------


def test_the_office_sets_up_and_computes_a_cycle_through_the_pages(client, ledger, people, units):
    login(client, "duban")
    assert 'data-testid="new-cycle"' in text(client.get(url("list")))
    response = client.post(
        url("new"),
        {
            "title": f"{YEAR}年度部门考评",
            "subject": "units",
            "year": YEAR,
            "period": "year",
            "grade_scheme": "letters",
            "smoothing": 5,
            "appeal_working_days": 5,
            "leader_share": 50,
        },
    )
    cycle = Cycle.objects.get(title=f"{YEAR}年度部门考评")
    assert response["Location"] == url("edit", cycle.pk)

    def post(form, **data):
        cycle.refresh_from_db()
        data.setdefault("version", cycle.version)
        response = client.post(url("edit", cycle.pk), {"form": form, **data})
        assert response.status_code == 302, text(response)

    post("units", units=[units["tzb"].pk, units["gzw"].pk, units["czj"].pk])
    indicator = {"floor": 0, "per_event": 1, "cadence_days": 30}
    post(
        "add_indicator",
        name="按期办结率",
        kind="computed",
        metric="on_time_rate",
        weight=60,
        **indicator,
    )
    post(
        "add_indicator",
        name="考核小组评价",
        kind="manual",
        scorer_kind="panel",
        weight=40,
        **indicator,
    )
    post("bands", min_A=90, share_A=30, min_B=80, min_C=60, min_D=0)
    assert [cu.unit.code for cu in cycle.cycle_units.all()] == ["czj", "gzw", "tzb"]
    assert [b.grade for b in cycle.bands.all()] == ["A", "B", "C", "D"]

    # A manual indicator without its scorer: the service's reason, the typed name kept.
    cycle.refresh_from_db()
    response = client.post(
        url("edit", cycle.pk),
        {
            "form": "add_indicator",
            "name": "民主测评",
            "kind": "manual",
            "weight": 10,
            "version": cycle.version,
            **indicator,
        },
    )
    assert response.status_code == 400
    assert "请选择评分人" in text(response)
    assert 'value="民主测评"' in text(response)

    page = text(client.get(url("detail", cycle.pk)))
    assert "按期办结率" in page and "考核小组评价" in page and 'data-button="open_scoring"' in page
    assert act(client, cycle, "open_scoring").status_code == 302
    assert act(client, cycle, "compute").status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == Status.SCORING and cycle.computed_at is not None

    # The panel scores through its form on the cycle page.
    login(client, "lingdao")
    page = text(client.get(url("detail", cycle.pk)))
    assert 'data-score-unit="tzb"' in page
    panel = Indicator.objects.get(cycle=cycle, kind="manual")
    for code, score in (("tzb", 38), ("gzw", 30), ("czj", 20)):
        response = act(
            client,
            cycle,
            "score",
            indicator=panel.pk,
            unit=units[code].pk,
            score=score,
            comment="好",
        )
        assert response.status_code == 302
    response = act(client, cycle, "score", indicator=panel.pk, unit=units["tzb"].pk, score=99)
    assert response.status_code == 400 and "请填写 0 到 40.00 的分数" in text(response)

    login(client, "duban")
    results = text(client.get(url("results", cycle.pk)))
    assert "市委统战部" in results and 'data-testid="normalisation"' in results
    assert "n=2" in results  # 统战部 and 国资委 each answer for the two tasks
    assert 'id="chart-units"' in results
    tzb = Result.objects.get(cycle=cycle, unit=units["tzb"])
    assert f">{tzb.score}<" in results


def test_the_results_show_the_method_of_normalisation(client, computed):
    login(client, "lingdao")
    page = text(client.get(url("results", computed.pk)))
    assert 'data-testid="formula"' in page and "（n + 5）" in page
    point = Point.objects.get(cycle=computed, unit__code="tzb", indicator__metric="on_time_rate")
    assert point.n == 2
    assert f"n={point.n}" in page and "50.0%" in page  # one of the two on time, raw
    # The print sheet for 宣读, with its print button.
    sheet = text(client.get(url("results", computed.pk) + "?print=1"))
    assert "data-print" in sheet and "XX市财政局" in sheet


def test_a_big_units_one_late_task_is_shown_beside_a_small_units_clean_record(
    client, new_cycle, people
):
    """40 tasks with one late against 2 with none late: each cell shows n, the unit's own
    rate and the smoothed one, so the reader sees why the gap is narrow."""
    from taizhang.appraisal import metrics

    office = people["supervisor"]
    cycle = new_cycle([ON_TIME], unit_codes=("tzb", "gzw"))
    services.open_scoring(cycle, by=office)
    services.compute(cycle, by=office)
    indicator = Indicator.objects.get(cycle=cycle)
    tzb, gzw = (cycle.cycle_units.get(unit__code=c).unit_id for c in ("tzb", "gzw"))
    facts = {
        tzb: [metrics.Fact(title=f"事项{i}", what="", hit=i != 0) for i in range(40)],
        gzw: [metrics.Fact(title=f"事项{i}", what="", hit=True) for i in range(2)],
    }
    for unit_id, (fields, _events) in services._rate_points(
        cycle, indicator, facts, [tzb, gzw]
    ).items():
        Point.objects.filter(cycle=cycle, unit_id=unit_id).update(**fields)
    services.recompute_results(cycle)
    login(client, "duban")
    page = text(client.get(url("results", cycle.pk)))
    assert "n=40 · 97.5% → 97.5%" in page
    assert "n=2 · 100.0% → 98.3%" in page


def test_the_points_page_lists_the_events_behind_each_point(client, computed, ledger):
    login(client, "duban")
    page = text(client.get(url("points", computed.pk, "tzb")))
    assert "完善联系服务机制" in page and "建立建言献策台账" in page
    assert reverse("supervision:task", args=[ledger["late"].pk]) in page
    assert ledger["late"].number in page
    assert 'data-testid="method"' in page
    assert "较好" in page and "lingdao" in page  # the panel's score, comment and scorer
    assert client.get(url("points", computed.pk, "steel")).status_code == 404  # not appraised
    assert client.get(url("points", computed.pk, "nonesuch")).status_code == 404


# ---- a unit reads and appeals; the panel decides ---------------------------------------------


def test_a_handler_sees_only_its_own_units_points_and_appeals_one(client, publicised, units):
    login(client, "tzb")
    page = text(client.get(url("detail", publicised.pk)))
    assert 'data-testid="my-points"' in page and url("points", publicised.pk, "tzb") in page
    assert url("points", publicised.pk, "gzw") not in page
    results = text(client.get(url("results", publicised.pk)))
    assert "市委统战部" in results and "市国资委" not in results and "市财政局" not in results
    assert 'id="chart-units"' not in results  # the ranking is the panel's
    assert client.get(url("points", publicised.pk, "gzw")).status_code == 404
    page = text(client.get(url("points", publicised.pk, "tzb")))
    assert 'data-appeal-form="按期办结率"' in page

    point = Point.objects.get(cycle=publicised, unit__code="tzb", indicator__metric="on_time_rate")
    publicised.refresh_from_db()
    response = client.post(
        url("appeal", publicised.pk),
        {
            "form": "lodge",
            "back": "points",
            "unit": "tzb",
            "point": point.pk,
            "reason": "该事项经批准延期，不应计为超期。",
            "version": publicised.version,
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#point-{point.pk}")
    appeal = Appeal.objects.get(point=point)
    page = text(client.get(url("points", publicised.pk, "tzb")))
    assert "该事项经批准延期" in page and 'data-appeal-form="按期办结率"' not in page

    # Another unit's point: not theirs (404), and another unit sees nothing of this appeal.
    other = Point.objects.get(cycle=publicised, unit__code="gzw", indicator__metric="on_time_rate")
    response = client.post(
        url("appeal", publicised.pk),
        {"form": "lodge", "point": other.pk, "reason": "不服", "version": publicised.version},
    )
    assert response.status_code == 404
    login(client, "gzw")
    assert "该事项经批准延期" not in text(client.get(url("appeal", publicised.pk)))
    assert "该事项经批准延期" not in text(client.get(url("detail", publicised.pk)))  # timeline

    # The panel: a dismissal needs its reason (kept on the page), then upholds with a score.
    login(client, "lingdao")
    response = client.post(
        url("appeal", publicised.pk),
        {
            "form": "decide",
            "appeal": appeal.pk,
            "decision": "dismiss",
            "comment": "",
            "version": appeal.version,
        },
    )
    assert response.status_code == 400 and "请说明申诉不成立的理由" in text(response)
    response = client.post(
        url("appeal", publicised.pk),
        {
            "form": "decide",
            "back": "points",
            "unit": "tzb",
            "appeal": appeal.pk,
            "decision": "uphold",
            "adjusted_score": "36",
            "comment": "延期已批准。",
            "version": appeal.version,
        },
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD and appeal.adjusted_score == 36
    login(client, "tzb")
    page = text(client.get(url("points", publicised.pk, "tzb")))
    assert 'data-testid="appeal-decision"' in page and "延期已批准" in page
    # A decided appeal: the unit may appeal the point again, not the same decision twice.
    response = client.post(
        url("appeal", publicised.pk),
        {
            "form": "decide",
            "appeal": appeal.pk,
            "decision": "dismiss",
            "comment": "x",
            "version": appeal.version,
        },
    )
    assert response.status_code in (403, 404)


def test_a_stale_page_is_refused_in_chinese_and_keeps_what_was_typed(client, publicised):
    login(client, "tzb")
    point = Point.objects.get(cycle=publicised, unit__code="tzb", indicator__metric="on_time_rate")
    response = client.post(
        url("appeal", publicised.pk),
        {
            "form": "lodge",
            "back": "points",
            "unit": "tzb",
            "point": point.pk,
            "reason": "理由写在这里",
            "version": publicised.version - 1,
        },
    )
    assert response.status_code == 409
    assert "已被他人修改" in text(response) and "理由写在这里" in text(response)


def test_a_stale_button_is_refused_and_the_comment_kept(client, computed):
    login(client, "duban")
    response = act(
        client, computed, "publicise", comment="请各单位核对", version=computed.version - 1
    )
    assert response.status_code == 409
    assert "已被他人修改" in text(response) and "请各单位核对" in text(response)
    computed.refresh_from_db()
    assert computed.status == Status.SCORING


def test_scorers_side_by_side_do_not_refuse_each_other(client, computed, units):
    """Each score moves the cycle's version on; a scorer whose page is older still scores."""
    panel = Indicator.objects.get(cycle=computed, kind="manual")
    old = computed.version
    login(client, "duban")
    data = {"indicator": panel.pk, "unit": units["gzw"].pk, "score": 70}
    assert (
        client.post(url("act", computed.pk, "score"), {**data, "version": old}).status_code == 302
    )
    login(client, "lingdao")
    data = {"indicator": panel.pk, "unit": units["gzw"].pk, "score": 60, "version": old}
    assert client.post(url("act", computed.pk, "score"), data).status_code == 302
    # The leader's 88 replaced by 60, beside the office's 70.
    assert Point.objects.get(cycle=computed, unit=units["gzw"], indicator=panel).score == 65


def test_peer_units_score_each_other_but_not_themselves(client, new_cycle, people, units):
    peer = {"name": "互评", "kind": "manual", "scorer_kind": "peer", "weight": 10}
    cycle = new_cycle([peer])
    services.open_scoring(cycle, by=people["supervisor"])
    login(client, "tzb")
    page = text(client.get(url("detail", cycle.pk)))
    assert 'data-score-unit="gzw"' in page and 'data-score-unit="tzb"' not in page
    indicator = Indicator.objects.get(cycle=cycle)
    response = act(client, cycle, "score", indicator=indicator.pk, unit=units["gzw"].pk, score=8)
    assert response.status_code == 302
    response = act(client, cycle, "score", indicator=indicator.pk, unit=units["tzb"].pk, score=10)
    assert response.status_code == 403 and "互评" in text(response)
    # Peer scores are anonymous to the unit scored; the office sees who gave them.
    services.score_manual(cycle, by=people["gzw"], indicator=indicator, unit="tzb", score=9)
    services.score_manual(cycle, by=people["czj"], indicator=indicator, unit="tzb", score=9)
    services.score_manual(cycle, by=people["tzb"], indicator=indicator, unit="czj", score=9)
    services.compute(cycle, by=people["supervisor"])
    services.publicise(cycle, by=people["supervisor"])
    page = text(client.get(url("points", cycle.pk, "tzb")))
    assert 'data-testid="manual-scores"' in page and "czj ·" not in page
    login(client, "duban")
    assert "czj ·" in text(client.get(url("points", cycle.pk, "tzb")))


# ---- confirmation, quotas, publication -------------------------------------------------------


def test_the_panels_confirmation_over_quota_says_why(client, new_cycle, people):
    """A ≤ 40 % of 3 allows one: 党委统战部 alone is publicised at A, then an upheld appeal
    lifts 国资委 to A too — two, where one is allowed."""
    office = people["supervisor"]
    cycle = new_cycle([PANEL])
    services.open_scoring(cycle, by=office)
    panel = cycle.indicators.get()
    for code, score in (("tzb", 95), ("gzw", 85), ("czj", 70)):
        services.score_manual(cycle, by=office, indicator=panel, unit=code, score=score)
    services.compute(cycle, by=office)
    services.publicise(cycle, by=office, on=LONG_AGO)
    point = Point.objects.get(cycle=cycle, unit__code="gzw")
    appeal = services.lodge_appeal(point, by=people["gzw"], reason="漏计一项。", today=LONG_AGO)
    services.decide_appeal(
        appeal, by=people["leader"], uphold=True, adjusted_score=92, today=LONG_AGO
    )
    login(client, "lingdao")
    page = text(client.get(url("detail", cycle.pk)))
    assert 'data-testid="held-back"' in page and "超出比例限制" in page
    response = act(client, cycle, "confirm", comment="同意")
    assert response.status_code == 403
    assert "超出比例限制" in text(response) and "退回计分" in text(response)
    results = text(client.get(url("results", cycle.pk)))
    assert 'data-testid="over-quota"' in results
    cycle.refresh_from_db()
    assert cycle.status == Status.PUBLICISED


def test_publication_locks_the_cycle(client, computed, people, units):
    GradeBand.objects.filter(cycle=computed).update(max_share=None)  # no quota to stop it
    services.publicise(computed, by=people["supervisor"], on=LONG_AGO)
    services.confirm(computed, by=people["leader"])
    login(client, "duban")
    response = act(client, computed, "publish", decision_number="〔2023〕1号", decision_text="宣读")
    assert response.status_code == 302
    computed.refresh_from_db()
    assert computed.status == Status.PUBLISHED and computed.decision_number == "〔2023〕1号"
    page = text(client.get(url("detail", computed.pk)))
    assert 'data-testid="edit"' not in page and "data-button" not in page
    assert 'data-testid="locked"' in page
    assert client.get(url("edit", computed.pk)).status_code == 302
    response = client.post(
        url("edit", computed.pk), {"form": "cycle", "title": "改", "version": computed.version}
    )
    assert response.status_code == 302
    computed.refresh_from_db()
    assert computed.title != "改"
    panel = Indicator.objects.get(cycle=computed, kind="manual")
    response = act(client, computed, "score", indicator=panel.pk, unit=units["tzb"].pk, score=1)
    assert response.status_code == 403
    assert act(client, computed, "compute").status_code == 403
    # Commendations are recorded once decided, with the decision.
    response = act(client, computed, "commend", title="advanced_unit", unit=units["tzb"].pk)
    assert response.status_code == 302
    results = text(client.get(url("results", computed.pk)))
    assert "先进部门" in results and "〔2023〕1号" in results


# ---- export ----------------------------------------------------------------------------------


def test_the_export_reads_back_with_the_rows_the_user_may_see(client, publicised):
    login(client, "duban")
    response = client.get(url("export", publicised.pk))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    names = [sheet.cell(row=r, column=2).value for r in range(4, sheet.max_row + 1)]
    assert sorted(names) == sorted(
        ["中共XX市委统战部", "XX市人民政府国有资产监督管理委员会", "XX市财政局"]
    )
    assert book.worksheets[1].cell(row=4, column=8).value  # the method of a point
    login(client, "tzb")
    book = openpyxl.load_workbook(io.BytesIO(client.get(url("export", publicised.pk)).content))
    sheet = book.worksheets[0]
    assert [sheet.cell(row=r, column=2).value for r in range(4, sheet.max_row + 1)] == [
        "中共XX市委统战部"
    ]


# ---- staff -----------------------------------------------------------------------------------


@pytest.fixture
def staff_cycle(people, units):
    office = people["supervisor"]
    cycle = services.create_cycle(
        by=office, title=f"{YEAR}年度职工考核", year=YEAR, subject="staff"
    )
    services.add_assessee(cycle, by=office, unit=units["tzb"], user=people["tzb"], position="科员")
    services.add_assessee(cycle, by=office, unit=units["gzw"], user=people["gzw"])
    services.set_bands(cycle, by=office, bands=[("A", 90, None), ("B", 80, None), ("C", 0, None)])
    services.open_scoring(cycle, by=office)
    return Cycle.objects.get(pk=cycle.pk)


def test_staff_see_their_own_line_and_write_their_self_report(client, staff_cycle, people):
    mine = Assessee.objects.get(cycle=staff_cycle, user=people["tzb"])
    theirs = Assessee.objects.get(cycle=staff_cycle, user=people["gzw"])
    login(client, "tzb")
    page = text(client.get(url("staff", staff_cycle.pk)))
    assert 'data-person="tzb"' in page and 'data-person="gzw"' not in page
    assert client.get(url("staff_detail", theirs.pk)).status_code == 404
    staff_cycle.refresh_from_db()
    response = client.post(
        url("staff_detail", mine.pk),
        {"form": "self_report", "text": "一年来，我认真履职。", "version": staff_cycle.version},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.self_report == "一年来，我认真履职。"

    # The leader scores; the office sees the table; nobody else sees persons ranked.
    login(client, "lingdao")
    page = text(client.get(url("staff_detail", mine.pk)))
    assert 'data-score-part="leader"' in page and "一年来" in page
    staff_cycle.refresh_from_db()
    response = client.post(
        url("staff_detail", mine.pk),
        {"form": "score", "part": "leader", "score": "92"},
    )
    assert response.status_code == 302
    login(client, "duban")
    page = text(client.get(url("staff", staff_cycle.pk)))
    assert 'data-person="tzb"' in page and 'data-person="gzw"' in page
    assert 'data-testid="distribution"' in page
    assert client.get(url("results", staff_cycle.pk)).status_code == 302
    login(client, "czj")
    assert client.get(url("staff", staff_cycle.pk)).status_code == 404
    assert client.get(url("staff_detail", mine.pk)).status_code == 404


def test_a_units_handler_gives_a_colleagues_unit_score(client, staff_cycle, people, units):
    from taizhang.org.models import Membership

    colleague = people["steel"]
    Membership.objects.create(user=colleague, unit=units["tzb"])
    mine = Assessee.objects.get(cycle=staff_cycle, user=people["tzb"])
    login(client, "steel")
    page = text(client.get(url("staff", staff_cycle.pk)))
    assert 'data-testid="to-score"' in page and 'data-person="tzb"' not in page
    page = text(client.get(url("staff_detail", mine.pk)))
    assert 'data-score-part="unit"' in page and 'data-score-part="leader"' not in page
    assert 'data-testid="total"' not in page  # the scorer does not read the rest
    response = client.post(
        url("staff_detail", mine.pk),
        {"form": "score", "part": "unit", "score": "85"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.unit_score == 85
    # Their own score is not theirs to give.
    login(client, "tzb")
    staff_cycle.refresh_from_db()
    response = client.post(
        url("staff_detail", mine.pk),
        {"form": "score", "part": "unit", "score": "100"},
    )
    assert response.status_code == 403


def test_the_staff_export_is_for_the_office_and_the_leaders(client, staff_cycle):
    login(client, "lingdao")
    response = client.get(url("export", staff_cycle.pk))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [sheet.cell(row=r, column=2).value for r in (4, 5)] == ["gzw", "tzb"]  # by unit
    login(client, "tzb")  # assessed, but persons are not listed to persons
    assert client.get(url("export", staff_cycle.pk)).status_code == 404


def test_a_score_out_of_range_is_refused_and_kept(client, staff_cycle, people):
    mine = Assessee.objects.get(cycle=staff_cycle, user=people["tzb"])
    login(client, "lingdao")
    response = client.post(
        url("staff_detail", mine.pk),
        {
            "form": "score",
            "part": "leader",
            "score": "120",
            "comment": "优秀",
            "version": staff_cycle.version,
        },
    )
    assert response.status_code == 400 and "优秀" in text(response)


# ---- 我的待办 ------------------------------------------------------------------------------------


def todo(user):
    from taizhang.supervision import other_work

    return {title: (count, url) for title, count, url in other_work.for_user(user)}


def test_the_to_do_lists_appeals_to_decide_and_self_reports_to_write(
    publicised, staff_cycle, people
):
    point = Point.objects.get(cycle=publicised, unit__code="tzb", indicator__metric="on_time_rate")
    services.lodge_appeal(point, by=people["tzb"], reason="有误")
    assert todo(people["leader"])["考评：待处理的申诉"] == (1, url("appeal", publicised.pk))
    assert "考评：待处理的申诉" not in todo(people["tzb"])
    mine = Assessee.objects.get(cycle=staff_cycle, user=people["tzb"])
    assert todo(people["tzb"])["考评：待写的述职"] == (1, url("staff_detail", mine.pk))
    assert "考评：待写的述职" not in todo(people["supervisor"])
    services.submit_self_report(mine, by=people["tzb"], text="述职内容")
    assert "考评：待写的述职" not in todo(people["tzb"])


# ---- query counts ----------------------------------------------------------------------------


def _queries(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


def test_results_and_points_pages_take_a_fixed_number_of_queries(
    client, new_cycle, make_task, backdate, people
):
    office = people["supervisor"]
    small = new_cycle(
        [ON_TIME, OVERDUE, PANEL], unit_codes=("tzb", "gzw"), title="小", bands=NO_QUOTA
    )
    large = new_cycle(
        [ON_TIME, OVERDUE, PANEL],
        unit_codes=("tzb", "gzw", "czj", "steel", "office"),
        title="大",
        bands=NO_QUOTA,
    )
    for n in range(6):
        backdate(make_task("closed", title=f"事项{n}"), deadline=day(3, 1), closed=day(3, 1 + n))
    for cycle in (small, large):
        services.open_scoring(cycle, by=office)
        services.compute(cycle, by=office)
        panel = Indicator.objects.get(cycle=cycle, kind="manual")
        for cu in cycle.cycle_units.all():
            services.score_manual(
                cycle, by=people["leader"], indicator=panel, unit=cu.unit, score=80
            )
        services.publicise(cycle, by=office)
    login(client, "duban")
    assert _queries(client, url("results", small.pk)) == _queries(client, url("results", large.pk))
    assert _queries(client, url("detail", small.pk)) == _queries(client, url("detail", large.pk))
    login(client, "lingdao")  # the panel: its hints on confirming
    assert _queries(client, url("detail", small.pk)) == _queries(client, url("detail", large.pk))
    assert _queries(client, url("points", small.pk, "tzb")) == _queries(
        client, url("points", large.pk, "tzb")
    )
    login(client, "tzb")
    assert _queries(client, url("points", small.pk, "tzb")) == _queries(
        client, url("points", large.pk, "tzb")
    )
    assert _queries(client, url("results", small.pk)) == _queries(client, url("results", large.pk))


# ---- the headline figures ----------------------------------------------------------------------


def figure(page, name):
    """(link, number) of a headline figure."""
    found = re.search(
        rf'href="([^"]*)" data-figure="{name}"><div class="card-body">'
        r'<div class="h1 mb-0">(\d+)<',
        page,
    )
    return found.groups() if found else None


def _rows(page):
    return sorted(code for code in ("tzb", "gzw", "czj") if f'<tr data-unit="{code}">' in page)


def test_the_headline_figures_link_to_the_rows_behind_them(client, new_cycle, people, units):
    """95 / 85 / 70 from the panel: A, B and C. The office reads 3 appraised, 2 at B or
    above, one of each grade and the commendations, and each figure opens its rows."""
    office = people["supervisor"]
    cycle = new_cycle(
        [PANEL], bands=[("A", 90, None), ("B", 80, None), ("C", 60, None), ("D", 0, None)]
    )
    services.open_scoring(cycle, by=office)
    for code, score in (("tzb", 95), ("gzw", 85), ("czj", 70)):
        services.score_manual(
            cycle, by=people["leader"], indicator=cycle.indicators.get(), unit=code, score=score
        )
    services.compute(cycle, by=office)
    services.publicise(cycle, by=office, on=LONG_AGO)
    services.confirm(cycle, by=people["leader"])
    services.publish(cycle, by=office, decision_number="〔2023〕2号")
    services.commend(cycle, by=office, title="advanced_unit", unit=units["tzb"])
    login(client, "duban")
    for page in (
        text(client.get(url("results", cycle.pk))),
        text(client.get(url("detail", cycle.pk))),
    ):
        assert 'data-testid="headline"' in page
        results = url("results", cycle.pk)
        assert figure(page, "appraised") == (results, "3")
        assert figure(page, "at-or-above") == (f"{results}?at_least=B", "2")
        assert "B及以上" in page
        assert f'href="{results}?grade=C" data-figure="grade-C">C 1<' in page
        assert 'data-figure="grade-D">D 0<' in page
        assert figure(page, "commended") == (url("detail", cycle.pk) + "#commendations", "1")
        assert "先进部门" in page
    # Each figure's link shows the rows behind it.
    assert _rows(text(client.get(url("results", cycle.pk)))) == ["czj", "gzw", "tzb"]
    page = text(client.get(url("results", cycle.pk) + "?at_least=B"))
    assert _rows(page) == ["gzw", "tzb"] and 'data-testid="filtered"' in page
    assert _rows(text(client.get(url("results", cycle.pk) + "?grade=C"))) == ["czj"]
    assert _rows(text(client.get(url("results", cycle.pk) + "?grade=X"))) == ["czj", "gzw", "tzb"]
    detail = text(client.get(url("detail", cycle.pk)))
    assert 'id="commendations"' in detail and "〔2023〕2号" in detail
    # The bands on the cycle page say how many got each grade.
    assert detail.count('data-testid="given">1<') == 3 and 'data-testid="given">0<' in detail
    # A unit reads its own row, not the organisation's figures.
    login(client, "tzb")
    assert 'data-testid="headline"' not in text(client.get(url("results", cycle.pk)))


def test_the_staff_headline_counts_the_excellent_staff(client, staff_cycle, people):
    office = people["supervisor"]
    for person, unit_score, leader_score in (("tzb", 95, 95), ("gzw", 70, 70)):
        assessee = Assessee.objects.get(cycle=staff_cycle, user=people[person])
        services.score_staff(assessee, by=office, part="unit", score=unit_score)
        services.score_staff(assessee, by=people["leader"], part="leader", score=leader_score)
    login(client, "duban")
    page = text(client.get(url("staff", staff_cycle.pk)))
    staff = url("staff", staff_cycle.pk)
    assert f'href="{staff}?grade=A" data-figure="grade-A">A 1<' in page
    assert "年度优秀员工" in page
    assert figure(page, "commended") == (url("detail", staff_cycle.pk) + "#commendations", "0")
    only_a = text(client.get(staff + "?grade=A"))
    assert 'data-person="tzb"' in only_a and 'data-person="gzw"' not in only_a


# ---- one count, one rounding ------------------------------------------------------------------


@pytest.mark.parametrize("total", [1, 3, 7, 10, 12, 24])
@pytest.mark.parametrize("share", [Decimal("30"), Decimal("25"), Decimal("33.33"), Decimal("50")])
def test_the_pages_quota_is_the_count_the_rules_check(total, share):
    """What a page prints as "at most n" is what confirming allows: n of the grade pass,
    n + 1 are over the quota, reported with the same n."""
    allowed = quota_allowed(total, share)
    band = SimpleNamespace(grade="A", max_share=share)
    cycle = SimpleNamespace(bands=SimpleNamespace(all=lambda: [band]))

    def rows(a):
        return [SimpleNamespace(grade="A")] * a + [SimpleNamespace(grade="B")] * (total - a)

    assert rules.quota_breaches(cycle, rows(allowed)) == []
    if allowed < total:
        assert [n for _label, _count, n in rules.quota_breaches(cycle, rows(allowed + 1))] == [
            allowed
        ]
    assert quota_allowed(total, None) is None


@pytest.mark.parametrize("rate", ["0.1225", "0.1235", "0.5", "0.99949", "0.33335"])
def test_a_rate_on_a_page_reads_as_in_its_method_text(rate):
    assert pct(Decimal(rate)) == services._pct(Decimal(rate))
    assert pct(None) == "—"


# ---- 我的待办: scores to give ---------------------------------------------------------------


def test_the_to_do_lists_the_manual_scores_still_to_give(new_cycle, people):
    leaders = {"name": "市委领导评价", "kind": "manual", "scorer_kind": "leader", "weight": 20}
    cycle = new_cycle([ON_TIME, leaders])
    assert "考评：待评分" not in todo(people["leader"])  # a draft: nothing to score yet
    services.open_scoring(cycle, by=people["supervisor"])
    waiting = url("detail", cycle.pk) + "#scoring"
    assert todo(people["leader"])["考评：待评分"] == (3, waiting)
    assert "考评：待评分" not in todo(people["supervisor"])  # only the leaders give it
    assert "考评：待评分" not in todo(people["tzb"])
    indicator = Indicator.objects.get(cycle=cycle, kind="manual")
    services.score_manual(cycle, by=people["leader"], indicator=indicator, unit="tzb", score=18)
    assert todo(people["leader"])["考评：待评分"] == (2, waiting)
    for code in ("gzw", "czj"):
        services.score_manual(cycle, by=people["leader"], indicator=indicator, unit=code, score=18)
    assert "考评：待评分" not in todo(people["leader"])


# ---- the events of the other ledgers ------------------------------------------------------------


def test_a_suggestions_point_links_its_suggestions(
    client, new_cycle, people, suggestion_of_last_year
):
    """A suggestions event has no task but the suggestion's number: the office opens it from
    the points page."""
    replied = suggestion_of_last_year("closed", deadline=day(5, 31), replied=day(5, 20))
    cycle = new_cycle(
        [{"name": "按期答复", "kind": "computed", "metric": "suggestions_on_time", "weight": 10}]
    )
    services.open_scoring(cycle, by=people["supervisor"])
    services.compute(cycle, by=people["supervisor"])
    login(client, "duban")
    page = text(client.get(url("points", cycle.pk, "tzb")))
    link = reverse("suggestions:detail", args=[replied.pk])
    assert f'<a href="{link}" data-testid="event-suggestion">{replied.number}</a>' in page


def test_the_organisations_rate_on_the_results_is_the_one_each_point_was_smoothed_towards(
    client, computed
):
    login(client, "lingdao")
    page = text(client.get(url("results", computed.pk)))
    mean = re.search(r"按期办结率：p̄ = ([0-9.]+%)", page).group(1)
    methods = Point.objects.filter(cycle=computed, indicator__metric="on_time_rate")
    assert methods.count() == 3
    assert all(mean in p.method for p in methods)


def test_with_no_workload_the_organisations_rate_is_read_from_the_points(client, new_cycle, people):
    cycle = new_cycle([ON_TIME])
    services.open_scoring(cycle, by=people["supervisor"])
    services.compute(cycle, by=people["supervisor"])
    login(client, "lingdao")
    page = text(client.get(url("results", cycle.pk)))
    point = Point.objects.filter(cycle=cycle).first()
    assert point.n == 0 and "100.0%" in point.method
    assert "按期办结率：p̄ = 100.0%" in page


def test_the_office_takes_a_publicised_result_back_to_scoring_with_a_reason(client, publicised):
    """退回计分: the way back when a publicised result must be mended (e.g. over its quota)."""
    login(client, "duban")
    page = text(client.get(publicised.get_absolute_url()))
    assert f'action="{url("act", publicised.pk, "reopen_scoring")}"' in page
    refused = act(client, publicised, "reopen_scoring", comment="", version=publicised.version)
    assert refused.status_code == 400
    assert Cycle.objects.get(pk=publicised.pk).status == "publicised"
    done = act(
        client,
        publicised,
        "reopen_scoring",
        comment="领导评分有误，重新评分",
        version=publicised.version,
    )
    assert done.status_code == 302
    assert Cycle.objects.get(pk=publicised.pk).status == "scoring"
