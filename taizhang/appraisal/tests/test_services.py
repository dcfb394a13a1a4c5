"""The appraisal as the office runs it: points computed from the ledgers, each traced to the
tasks and dates behind it, normalised by workload with the method shown; manual scores; 公示
and appeals within the period; quotas enforced at confirmation; publication locks."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from taizhang.appraisal import metrics, rules, services, stats
from taizhang.appraisal.choices import Action, AppealStatus, Metric, Status
from taizhang.appraisal.models import Cycle, Indicator, Point, PointEvent, Result
from taizhang.supervision import services as tasks
from taizhang.supervision.choices import Action as TaskAction
from taizhang.supervision.choices import Light
from taizhang.supervision.jobs import refresh_lights
from taizhang.supervision.models import Task, TaskEvent, UnitReminder
from taizhang.utils.errors import NotAllowed, WorkflowError

from .conftest import ON_TIME, OVERDUE, PANEL, YEAR, day, moment

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(make_task, backdate, people):
    """党委统战部 leads (国资委 responsible, 财政局 cooperating) three tasks of last year: one
    closed on time, one closed ten days late, one still open past its deadline; and a
    cancelled one that counts for nothing."""
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
    open_ = backdate(
        make_task("in_progress", title="开展专题调研"), deadline=day(6, 30), assigned=day(1, 10)
    )
    cancelled = make_task("cancelled", title="已中止的事项")
    backdate(cancelled, deadline=day(2, 1))
    return {"on_time": on_time, "late": late, "open": open_}


def point(cycle, code, metric):
    return Point.objects.get(cycle=cycle, unit__code=code, indicator__metric=metric)


def test_every_computed_point_traces_to_its_tasks_and_dates(new_cycle, ledger, people):
    cycle = new_cycle([ON_TIME, OVERDUE])
    services.open_scoring(cycle, by=people["supervisor"])
    services.compute(cycle, by=people["supervisor"])

    on_time = point(cycle, "tzb", Metric.ON_TIME_RATE)
    assert (on_time.n, on_time.successes, on_time.raw) == (3, 1, Decimal("0.3333"))
    events = {e.task_id: e for e in on_time.events.all()}
    assert set(events) == {ledger["on_time"].pk, ledger["late"].pk, ledger["open"].pk}
    assert events[ledger["on_time"].pk].effect == 0
    assert events[ledger["late"].pk].date == day(5, 10)
    assert "10" in events[ledger["late"].pk].what
    assert events[ledger["late"].pk].effect < 0
    assert events[ledger["open"].pk].date == day(6, 30)
    assert events[ledger["late"].pk].number == ledger["late"].number
    # The responsible unit answers for the same tasks; the cooperating one for none.
    assert point(cycle, "gzw", Metric.ON_TIME_RATE).n == 3
    assert point(cycle, "czj", Metric.ON_TIME_RATE).events.count() == 0

    overdue = point(cycle, "tzb", Metric.OVERDUE_DAYS)
    days = {e.task_id: e for e in overdue.events.all()}
    assert set(days) == {ledger["late"].pk, ledger["open"].pk}
    assert days[ledger["late"].pk].effect == Decimal("-5.00")  # 10 days × 0.5
    open_days = (day(12, 31) - day(6, 30)).days
    assert days[ledger["open"].pk].effect == Decimal(open_days) * Decimal("-0.5")
    assert overdue.raw == 10 + open_days
    assert overdue.score == 0  # deducted down to 0, not below

    result = Result.objects.get(cycle=cycle, unit__code="tzb")
    assert result.score == on_time.score + overdue.score


def test_reading_again_replaces_the_points_and_keeps_them(new_cycle, ledger, people):
    cycle = new_cycle([ON_TIME])
    services.open_scoring(cycle, by=people["supervisor"])
    services.compute(cycle, by=people["supervisor"])
    first = set(Point.objects.filter(cycle=cycle).values_list("pk", flat=True))
    count = PointEvent.objects.filter(point__cycle=cycle).count()
    services.compute(cycle, by=people["supervisor"])
    assert set(Point.objects.filter(cycle=cycle).values_list("pk", flat=True)) == first
    assert PointEvent.objects.filter(point__cycle=cycle).count() == count == 6


def test_a_units_record_is_smoothed_by_its_workload_and_the_method_says_so(people):
    """40 tasks with one late against 2 with none late: raw 97.5 % and 100 %; smoothed
    towards the organisation's rate the gap narrows, and n and the method are kept."""
    cycle = Cycle(smoothing=5)
    indicator = Indicator(metric=Metric.ON_TIME_RATE, weight=Decimal(40), floor=Decimal(0))
    facts = {
        1: [metrics.Fact(title=f"事项{i}", what="", hit=i != 0) for i in range(40)],
        2: [metrics.Fact(title=f"事项{i}", what="", hit=True) for i in range(2)],
    }
    found = services._rate_points(cycle, indicator, facts, [1, 2])
    big, small = found[1][0], found[2][0]
    assert (big["n"], big["raw"]) == (40, Decimal("0.9750"))
    assert (small["n"], small["raw"]) == (2, Decimal("1.0000"))
    assert small["normalised"] < 1
    assert small["normalised"] - big["normalised"] < small["raw"] - big["raw"]
    assert "40 件中 39 件（97.5%）" in big["method"] and "以 5 件的权重" in big["method"]
    # The late task costs what the method says: weight / (n + m).
    late = next(e for e in found[1][1] if e.effect)
    assert late.effect == Decimal("-0.89")  # 40 / 45


def test_reminders_returns_and_progress_windows_are_traced(new_cycle, make_task, backdate, people):
    task = make_task("completion_reported", title="整改落实情况报告")
    tasks.return_task(task, by=people["supervisor"], comment="材料不全。")
    task = backdate(
        task,
        deadline=day(9, 30),
        assigned=day(1, 1),
        events={
            TaskAction.SUBMIT_COMPLETION: day(3, 1),
            TaskAction.RETURN: day(3, 5),
            TaskAction.PROGRESS: day(1, 15),
        },
    )
    task.progress_reports.update(created_at=timezone.make_aware(datetime.datetime(YEAR, 1, 15, 10)))
    TaskEvent.objects.create(task=task, action=TaskAction.REMIND, comment="黄灯催办")
    TaskEvent.objects.filter(task=task, action=TaskAction.REMIND).update(
        created_at=timezone.make_aware(datetime.datetime(YEAR, 2, 20, 9))
    )
    cycle = new_cycle(
        [
            {"name": "退回率", "kind": "computed", "metric": "returned_rate", "weight": 10},
            {"name": "被催办", "kind": "computed", "metric": "reminders_received", "weight": 5},
            {
                "name": "按时报送",
                "kind": "computed",
                "metric": "progress_on_time",
                "weight": 10,
                "cadence_days": 30,
            },
        ]
    )
    services.open_scoring(cycle, by=people["supervisor"])
    services.compute(cycle, by=people["supervisor"])
    returned = point(cycle, "tzb", Metric.RETURNED_RATE)
    assert (returned.n, returned.successes) == (1, 1)
    assert returned.events.get().task_id == task.pk
    reminders = point(cycle, "tzb", Metric.REMINDERS_RECEIVED)
    assert reminders.raw == 1 and reminders.score == 4
    assert reminders.events.get().date == day(2, 20)
    progress = point(cycle, "tzb", Metric.PROGRESS_ON_TIME)
    windows = list(progress.events.order_by("date"))
    # From 1 January in windows of 30 days to the year's end: 12 windows; the report of 15
    # January and the completion report of 1 March fill two of them.
    assert len(windows) == 12
    assert progress.successes == 2
    assert windows[0].date == day(1, 30) and windows[0].effect == 0
    assert windows[1].effect == 0  # 31 January – 1 March: the completion report
    assert windows[2].effect < 0 and "未报送" in windows[2].what


def _scored_cycle(new_cycle, people, scores=(95, 85, 70)):
    cycle = new_cycle([PANEL])
    office = people["supervisor"]
    services.open_scoring(cycle, by=office)
    indicator = cycle.indicators.get()
    for code, score in zip(("tzb", "gzw", "czj"), scores, strict=True):
        services.score_manual(
            cycle, by=office, indicator=indicator, unit=code, score=score, comment="工作扎实"
        )
    services.compute(cycle, by=office)
    return cycle


def _publicised_days_ago(cycle, days):
    Cycle.objects.filter(pk=cycle.pk).update(
        publicised_on=timezone.localdate() - datetime.timedelta(days=days)
    )


def test_a_grade_over_its_quota_is_refused_at_publicising_and_names_what_to_do(new_cycle, people):
    cycle = new_cycle(
        [PANEL], bands=[("A", 90, 30), ("B", 80, None), ("C", 60, None), ("D", 0, None)]
    )
    office = people["supervisor"]
    services.open_scoring(cycle, by=office)
    for code, score in (("tzb", 95), ("gzw", 85), ("czj", 70)):
        services.score_manual(
            cycle, by=office, indicator=cycle.indicators.get(), unit=code, score=score
        )
    services.compute(cycle, by=office)
    with pytest.raises(NotAllowed) as refused:
        services.publicise(cycle, by=office)  # A ≤ 30 % of 3 allows none
    assert "A 等次 1 个，最多 0 个" in str(refused.value) and "公示前调整人工评分" in str(
        refused.value
    )
    assert Cycle.objects.get(pk=cycle.pk).status == Status.SCORING


def test_over_quota_after_an_appeal_is_mended_by_reopening_scoring(new_cycle, people):
    """A ≤ 40 % of 3 allows one. An upheld appeal lifts 财政局 to A beside 统战部: the panel
    may not confirm; the office reopens scoring (the units are told), mends a score and
    publicises again."""
    cycle = _scored_cycle(new_cycle, people)
    office, leader = people["supervisor"], people["leader"]
    assert [(r.unit.code, r.grade, r.rank) for r in stats.results_table(cycle)] == [
        ("tzb", "A", 1),
        ("gzw", "B", 2),
        ("czj", "C", 3),
    ]
    services.publicise(cycle, by=office)
    czj_point = Point.objects.get(cycle=cycle, unit__code="czj")
    appeal = services.lodge_appeal(
        czj_point, by=people["czj"], reason="年度重点工作已完成，评分偏低。"
    )
    with pytest.raises(NotAllowed, match="未决的申诉"):
        services.confirm(cycle, by=leader)
    with pytest.raises(NotAllowed, match="未决的申诉"):
        services.reopen_scoring(cycle, by=office, comment="调整评分")
    services.decide_appeal(
        appeal, by=leader, uphold=True, adjusted_score=92, comment="核实后调整。"
    )
    assert Result.objects.get(cycle=cycle, unit__code="czj").grade == "A"
    appeal.refresh_from_db()
    assert (appeal.status, appeal.score_before, appeal.adjusted_score) == (
        AppealStatus.UPHELD,
        Decimal("70.00"),
        Decimal("92.00"),
    )
    # During 公示 the points do not move behind the units' backs.
    with pytest.raises(NotAllowed):
        services.compute(cycle, by=office)
    with pytest.raises(WorkflowError, match="申诉期"):
        services.update_cycle(cycle, by=office, appeal_working_days=10)
    services.update_cycle(cycle, by=office, appeal_working_days=5, title="考评（公示）")
    assert [(g, given, allowed) for g, _l, given, allowed in stats.quotas(cycle)][0] == ("A", 2, 1)
    _publicised_days_ago(cycle, 30)
    with pytest.raises(NotAllowed) as refused:
        services.confirm(cycle, by=leader)
    assert "A 等次 2 个，最多 1 个" in str(refused.value) and "退回计分" in str(refused.value)

    with pytest.raises(WorkflowError):
        services.reopen_scoring(cycle, by=office, comment=" ")
    with pytest.raises(NotAllowed):
        services.reopen_scoring(cycle, by=leader, comment="调整评分")
    cycle = services.reopen_scoring(cycle, by=office, comment="A 等次超出比例，调整评分。")
    assert (cycle.status, cycle.publicised_on) == (Status.SCORING, None)
    assert people["czj"].notifications.filter(title__contains="退回计分").exists()
    # The ledgers are read again: the upheld score stays while the new figure is not higher.
    services.compute(cycle, by=office)
    assert Result.objects.get(cycle=cycle, unit__code="czj").score == Decimal("92.00")
    indicator = cycle.indicators.get()
    services.score_manual(cycle, by=office, indicator=indicator, unit="tzb", score=88)
    services.publicise(cycle, by=office)
    _publicised_days_ago(cycle, 30)
    assert services.confirm(cycle, by=leader).status == Status.CONFIRMED


def test_an_adjusted_score_gives_way_to_a_higher_new_figure(new_cycle, people):
    cycle = _scored_cycle(new_cycle, people)
    office, leader = people["supervisor"], people["leader"]
    services.publicise(cycle, by=office)
    point = Point.objects.get(cycle=cycle, unit__code="czj")
    appeal = services.lodge_appeal(point, by=people["czj"], reason="评分偏低。")
    services.decide_appeal(appeal, by=leader, uphold=True, adjusted_score=75, comment="调整。")
    services.reopen_scoring(cycle, by=office, comment="补充评分。")
    services.score_manual(cycle, by=office, indicator=cycle.indicators.get(), unit="czj", score=80)
    point.refresh_from_db()
    assert (point.score, point.adjusted_score, point.effective_score) == (80, None, 80)


def test_the_quota_rule_rounds_down():
    assert rules.quota_allowed(12, 30) == 3
    assert rules.quota_allowed(3, 30) == 0
    assert rules.quota_allowed(3, 40) == 1
    assert rules.quota_allowed(10, None) is None


def test_demo_days_go_through_the_services(new_cycle, people):
    cycle = _scored_cycle(new_cycle, people)
    office, leader = people["supervisor"], people["leader"]
    services.publicise(cycle, by=office, on=day(12, 1))
    point = Point.objects.get(cycle=cycle, unit__code="czj")
    with pytest.raises(NotAllowed, match="已于"):
        services.lodge_appeal(point, by=people["czj"], reason="评分偏低。")
    appeal = services.lodge_appeal(point, by=people["czj"], reason="评分偏低。", today=day(12, 2))
    services.decide_appeal(appeal, by=leader, uphold=False, comment="不予调整。", today=day(12, 3))
    with pytest.raises(NotAllowed, match="可申诉至"):
        services.confirm(cycle, by=leader, today=day(12, 3))
    cycle = services.confirm(cycle, by=leader, today=day(12, 20))
    assert timezone.localdate(cycle.confirmed_at) == day(12, 20)
    appeal.refresh_from_db()
    assert timezone.localdate(appeal.decided_at) == day(12, 3)


def test_confirmation_within_the_quota_and_publication_locks(new_cycle, people):
    cycle = _scored_cycle(new_cycle, people, scores=(85, 84, 70))
    office, leader = people["supervisor"], people["leader"]
    services.publicise(cycle, by=office)
    with pytest.raises(NotAllowed, match="可申诉至"):
        services.confirm(cycle, by=leader)  # units may still appeal
    _publicised_days_ago(cycle, 30)
    services.confirm(cycle, by=leader)
    cycle = services.publish(cycle, by=office, decision_number="〔2023〕1号")
    assert cycle.status == Status.PUBLISHED and cycle.is_locked
    for action in (Action.EDIT, Action.SET_UP, Action.COMPUTE, Action.SCORE, Action.APPEAL):
        assert rules.why_not(office, action, cycle) is not None
    with pytest.raises(NotAllowed):
        services.compute(cycle, by=office)
    with pytest.raises(NotAllowed):
        services.score_manual(
            cycle, by=office, indicator=cycle.indicators.get(), unit="tzb", score=100
        )
    commended = services.commend(cycle, by=office, title="advanced_unit", unit="tzb")
    assert commended.decision == "〔2023〕1号"
    assert stats.commendations_count(cycle) == 1
    assert stats.at_or_above(cycle, "B") == 2
    assert [c for _g, _l, c in stats.grade_distribution(cycle)] == [0, 2, 1, 0]
    kinds = list(cycle.events.values_list("action", flat=True))
    assert {"create", "open_scoring", "compute", "publicise", "confirm", "publish"} <= set(kinds)


def test_appeals_within_and_after_the_window_and_only_for_ones_own_unit(new_cycle, people):
    cycle = _scored_cycle(new_cycle, people)
    services.publicise(cycle, by=people["supervisor"])
    tzb_point = Point.objects.get(cycle=cycle, unit__code="tzb")
    with pytest.raises(NotAllowed, match="本单位"):
        services.lodge_appeal(tzb_point, by=people["gzw"], reason="不是本单位。")
    with pytest.raises(WorkflowError):
        services.lodge_appeal(tzb_point, by=people["tzb"], reason="  ")
    appeal = services.lodge_appeal(tzb_point, by=people["tzb"], reason="有两项工作未计入。")
    with pytest.raises(WorkflowError, match="正在等待处理"):
        services.lodge_appeal(tzb_point, by=people["tzb"], reason="再次申诉。")
    with pytest.raises(WorkflowError):
        services.decide_appeal(appeal, by=people["leader"], uphold=False, comment="")
    with pytest.raises(NotAllowed):
        services.decide_appeal(appeal, by=people["tzb"], uphold=False, comment="自己驳回")
    services.decide_appeal(appeal, by=people["leader"], uphold=False, comment="经核实，不予调整。")
    assert Result.objects.get(cycle=cycle, unit__code="tzb").score == Decimal("95.00")

    # The period is 5 working days from 公示: after it, no appeal.
    _publicised_days_ago(cycle, 10)
    cycle.refresh_from_db()
    assert not rules.appeal_window_open(cycle)
    with pytest.raises(NotAllowed, match="已于"):
        services.lodge_appeal(tzb_point, by=people["tzb"], reason="逾期申诉。")


def test_setup_is_checked_and_draft_only(new_cycle, people):
    office = people["supervisor"]
    with pytest.raises(NotAllowed):
        services.create_cycle(by=people["tzb"], title="考评", year=YEAR)
    cycle = services.create_cycle(by=office, title="考评", year=YEAR)
    with pytest.raises(NotAllowed, match="分数段"):
        services.open_scoring(cycle, by=office)
    with pytest.raises(WorkflowError, match="未知单位：nope"):
        services.set_units(cycle, by=office, units=["nope"])
    with pytest.raises(WorkflowError):
        services.add_indicator(cycle, by=office, name="x", kind="computed", weight=10)
    with pytest.raises(WorkflowError, match="起始分数须更高"):
        services.set_bands(cycle, by=office, bands=[("A", 60, None), ("B", 80, None)])
    cycle = _scored_cycle(new_cycle, people)
    with pytest.raises(NotAllowed):
        services.add_indicator(cycle, by=office, **ON_TIME)


def test_publicising_needs_every_manual_score(new_cycle, people):
    cycle = new_cycle([PANEL])
    office = people["supervisor"]
    services.open_scoring(cycle, by=office)
    services.compute(cycle, by=office)
    services.score_manual(cycle, by=office, indicator=cycle.indicators.get(), unit="tzb", score=90)
    with pytest.raises(NotAllowed) as refused:
        services.publicise(cycle, by=office)
    assert "gzw" in str(refused.value) or "国资委" in str(refused.value)


def test_who_scores_which_manual_indicator(new_cycle, people):
    cycle = new_cycle(
        [
            {"name": "领导评分", "kind": "manual", "scorer_kind": "leader", "weight": 20},
            {"name": "互评", "kind": "manual", "scorer_kind": "peer", "weight": 10},
        ]
    )
    services.open_scoring(cycle, by=people["supervisor"])
    leaders, peers = cycle.indicators.all()
    with pytest.raises(NotAllowed):
        services.score_manual(
            cycle, by=people["supervisor"], indicator=leaders, unit="tzb", score=1
        )
    services.score_manual(cycle, by=people["leader"], indicator=leaders, unit="tzb", score=18)
    with pytest.raises(NotAllowed):
        services.score_manual(cycle, by=people["tzb"], indicator=peers, unit="tzb", score=10)
    services.score_manual(cycle, by=people["gzw"], indicator=peers, unit="tzb", score=8)
    services.score_manual(cycle, by=people["czj"], indicator=peers, unit="tzb", score=9)
    with pytest.raises(WorkflowError):
        services.score_manual(cycle, by=people["czj"], indicator=peers, unit="tzb", score=11)
    peer = Point.objects.get(cycle=cycle, unit__code="tzb", indicator=peers)
    assert (peer.n, peer.score) == (2, Decimal("8.50"))
    assert Result.objects.get(cycle=cycle, unit__code="tzb").score == Decimal("26.50")


def test_staff_assessment(people, units):
    office, leader = people["supervisor"], people["leader"]
    cycle = services.create_cycle(
        by=office, title=f"{YEAR}年度职工考核", year=YEAR, subject="staff", grade_scheme="words"
    )
    services.set_bands(
        cycle,
        by=office,
        bands=[("excellent", 90, 20), ("good", 80, None), ("pass", 60, None), ("fail", 0, None)],
    )
    me = services.add_assessee(cycle, by=office, unit="tzb", user=people["tzb"], position="科员")
    other = services.add_assessee(cycle, by=office, unit="gzw", name="王明")
    services.open_scoring(cycle, by=office)
    services.submit_self_report(me, by=people["tzb"], text="全年完成督办事项12件。")
    with pytest.raises(NotAllowed):
        services.submit_self_report(me, by=people["gzw"], text="代写")
    with pytest.raises(NotAllowed):
        services.score_staff(me, by=people["tzb"], part="unit", score=99)  # not oneself
    services.score_staff(me, by=office, part="unit", score=90)
    services.score_staff(me, by=leader, part="leader", score=94)
    services.score_staff(other, by=people["gzw"], part="unit", score=80)
    with pytest.raises(NotAllowed):
        services.score_staff(other, by=people["gzw"], part="leader", score=80)
    services.score_staff(other, by=leader, part="leader", score=84)
    me.refresh_from_db()
    assert (me.total, me.grade, me.rank) == (Decimal("92.00"), "excellent", 1)
    assert stats.at_or_above(cycle, "good") == 2
    services.publicise(cycle, by=office)
    _publicised_days_ago(cycle, 30)
    with pytest.raises(NotAllowed, match="优秀 等次 1 个，最多 0 个"):
        services.confirm(cycle, by=leader)  # 1 excellent of 2 = 50 % > 20 %


REMINDERS = {"name": "被催办", "kind": "computed", "metric": "reminders_received", "weight": 5}
RETURNED = {"name": "退回率", "kind": "computed", "metric": "returned_rate", "weight": 10}


def _remind(task, when, light=None, comment="催办"):
    """A reminder on a day: the daily job's (the task in its lead unit's digest of the day) or
    by hand (a 催办 event)."""
    if light:
        unit = task.task_units.get(role="lead").unit
        digest, _new = UnitReminder.objects.get_or_create(unit=unit, day=when)
        digest.tasks.setdefault(light, []).append(task.pk)
        setattr(digest, light, len(digest.tasks[light]))
        digest.save()
        return
    _event(task, when, comment)


def _event(task, when, comment):
    event = TaskEvent.objects.create(task=task, action=TaskAction.REMIND, comment=comment)
    TaskEvent.objects.filter(pk=event.pk).update(created_at=moment(when))


def test_only_overdue_reminders_count_and_once_a_week(new_cycle, make_task, backdate, people):
    task = backdate(
        make_task("in_progress", title="专项调研"), deadline=day(3, 1), assigned=day(1, 5)
    )
    _remind(task, day(2, 20), Light.BLUE, "蓝灯：即将到期")
    _event(task, day(2, 20), "蓝灯：即将到期")  # the job's own line, as it wrote one until 2026
    _remind(task, day(2, 25), Light.YELLOW, "黄灯：进度滞后")
    for dom in (3, 4, 5, 6):  # four days running: one or two calendar weeks
        _remind(task, datetime.date(YEAR, 3, dom), Light.RED, "红灯：已超期")
    _remind(task, day(3, 20), Light.RED, "红灯：已超期")
    _remind(task, day(4, 15), comment="请于本周内报送办理情况。")  # written by hand
    cycle = new_cycle([REMINDERS])
    services.open_scoring(cycle, by=people["supervisor"])
    services.compute(cycle, by=people["supervisor"])
    reminders = point(cycle, "tzb", Metric.REMINDERS_RECEIVED)
    weeks = {d.isocalendar()[:2] for d in (datetime.date(YEAR, 3, x) for x in (3, 4, 5, 6))}
    expected = len(weeks) + 2  # the red days' weeks, 20 March, and the hand-written one
    assert reminders.raw == expected
    events = list(reminders.events.order_by("date"))
    assert events[-1].what == "请于本周内报送办理情况。"
    assert not any("蓝灯" in e.what or "黄灯" in e.what for e in events)
    assert "计 1 次" in events[0].what
    assert "每个自然周" in cycle.indicators.get().description  # the rule is said where it is used


def test_returns_charge_the_lead_unit_only(new_cycle, make_task, people):
    make_task("completion_reported", title="整改报告")
    task = make_task("completion_reported", title="整改落实情况报告")
    tasks.return_task(task, by=people["supervisor"], comment="材料不全。")
    cycle = Cycle.objects.get(pk=new_cycle([RETURNED]).pk)
    Cycle.objects.filter(pk=cycle.pk).update(
        start=timezone.localdate().replace(month=1, day=1), end=timezone.localdate()
    )
    cycle.refresh_from_db()
    services.open_scoring(cycle, by=people["supervisor"])
    services.compute(cycle, by=people["supervisor"])
    lead = point(cycle, "tzb", Metric.RETURNED_RATE)
    assert (lead.n, lead.successes) == (2, 1)
    responsible = point(cycle, "gzw", Metric.RETURNED_RATE)
    assert responsible.n == 0  # 国资委 is responsible: it reports no completion


def test_on_time_is_the_units_completion_report_not_the_offices_verification(
    new_cycle, make_task, backdate, people
):
    task = backdate(
        make_task("closed", title="按期报送办结"),
        deadline=day(3, 31),
        assigned=day(1, 10),
        closed=day(4, 10),
        events={TaskAction.SUBMIT_COMPLETION: day(3, 25)},
    )
    cycle = new_cycle([ON_TIME])
    services.open_scoring(cycle, by=people["supervisor"])
    services.compute(cycle, by=people["supervisor"])
    on_time = point(cycle, "tzb", Metric.ON_TIME_RATE)
    assert (on_time.n, on_time.successes) == (1, 1)
    event = on_time.events.get(task_id=task.pk)
    assert event.date == day(3, 25) and "销号" in event.what and "按期" in event.what


def test_the_method_says_the_floor_and_what_smoothing_costs(people):
    cycle = Cycle(smoothing=5)
    indicator = Indicator(metric=Metric.RETURNED_RATE, weight=Decimal(10), floor=Decimal("0.5"))
    facts = {
        1: [metrics.Fact(title=f"事项{i}", what="", hit=i < 2) for i in range(10)],
        2: [metrics.Fact(title="事项", what="", hit=False)],
    }
    found = services._rate_points(cycle, indicator, facts, [1, 2])
    method, fields = found[1][0]["method"], found[1][0]
    # p̄ = 2/11; unit 1: (2 + 5 × 2/11) / 15 = 19.4 %; good 80.6 %; (0.806 − 0.5) / 0.5 × 10
    assert "max(0, (80.6% − 50.0%) / (1 − 50.0%))" in method and "1 − 19.4%" in method
    assert fields["score"] == Decimal("6.12")
    clean = found[2][0]["method"]
    assert "无扣分事项" in clean and "p̄ = 18.2%" in clean


def test_democratic_scorers_do_not_score_their_own_unit(new_cycle, people, units):
    cycle = new_cycle(
        [{"name": "民主测评", "kind": "manual", "scorer_kind": "democratic", "weight": 10}]
    )
    indicator = cycle.indicators.get()
    assert not rules.may_score(people["tzb"], cycle, indicator, units["tzb"].pk)
    assert rules.may_score(people["tzb"], cycle, indicator, units["gzw"].pk)


def test_the_readers_load_only_tasks_running_in_the_period(new_cycle, make_task, backdate, people):
    old = backdate(
        make_task("closed", title="前年事项"),
        deadline=datetime.date(YEAR - 1, 3, 1),
        assigned=datetime.date(YEAR - 1, 1, 5),
        closed=datetime.date(YEAR - 1, 3, 1),
    )
    running = backdate(make_task("in_progress", title="今年事项"), assigned=day(2, 1))
    cycle = new_cycle([ON_TIME])
    tzb = people["tzb"].unit_ids()
    charged = metrics._charged(cycle, tzb, running_until=timezone.localdate())
    ids = {t.pk for tasks in charged.values() for t in tasks}
    assert running.pk in ids and old.pk not in ids
    everything = metrics._charged(cycle, tzb)
    assert old.pk in {t.pk for tasks in everything.values() for t in tasks}


def test_the_daily_jobs_digests_count_red_weeks_once_per_task_and_unit(
    new_cycle, make_task, backdate, people
):
    """The job itself, run day by day: its digests list the overdue task to its lead and its
    responsible unit every day; each is charged once per calendar week, not once a day, and
    the blue days before the deadline cost nothing."""
    task = backdate(
        make_task("in_progress", title="专项调研"), deadline=day(3, 1), assigned=day(1, 5)
    )
    TaskEvent.objects.filter(task=task).update(created_at=moment(day(1, 5)))
    Task.objects.filter(pk=task.pk).update(progress_percent=95)
    days = [day(2, 27), day(2, 28), *(datetime.date(YEAR, 3, dom) for dom in range(2, 13))]
    for when in days:
        refresh_lights.call(day=when.isoformat())
    red_days = [d for d in days if d > day(3, 1)]
    weeks = {d.isocalendar()[:2] for d in red_days}
    assert UnitReminder.objects.filter(unit__code="tzb").count() == len(days)
    cycle = new_cycle([REMINDERS])
    services.open_scoring(cycle, by=people["supervisor"])
    services.compute(cycle, by=people["supervisor"])
    for code in ("tzb", "gzw"):
        reminders = point(cycle, code, Metric.REMINDERS_RECEIVED)
        assert reminders.raw == len(weeks), code
        first = reminders.events.order_by("date").first()
        assert first.date == red_days[0] and first.task_id == task.pk
    assert not PointEvent.objects.filter(point__unit__code="czj", task=task).exists()
