"""Indicators read from the other ledgers: suggestions answered on time and rated 满意 (the
lead unit's), meetings attended (the invited units'), rectification measures closed on time;
and ties share a rank."""

from decimal import Decimal

import pytest
from django.utils import timezone

from taizhang.appraisal import services
from taizhang.appraisal.choices import Metric
from taizhang.appraisal.models import Point, Result
from taizhang.meetings import services as meetings
from taizhang.meetings.models import Meeting
from taizhang.suggestions.models import Reply, Suggestion
from taizhang.suggestions.tests.conftest import walk as walk_suggestion

from .conftest import PANEL, day, moment

pytestmark = pytest.mark.django_db


def point(cycle, code, metric):
    return Point.objects.get(cycle=cycle, unit__code=code, indicator__metric=metric)


@pytest.fixture
def suggestion_of_last_year(people, units, org):
    """A suggestion led by 党委统战部, walked by the suggestions' own services to ``state``,
    its deadline, reply and rating put on days of last year."""
    from conftest import make_user
    from taizhang.org.choices import Role
    from taizhang.suggestions import services as suggestions

    submitters = {"jy1": make_user(org, "jy1", Role.SUBMITTER, units["steel"])}

    def make(state, *, deadline, replied, rated=None, title="建立产业链协同创新平台"):
        suggestion, _code = suggestions.create_suggestion(
            by=submitters["jy1"], title=title, body="建议共建产业链协同创新平台。"
        )
        walk_suggestion(suggestion, state, people, submitters, units)
        Suggestion.objects.filter(pk=suggestion.pk).update(
            deadline=deadline, replied_at=moment(replied)
        )
        Reply.objects.filter(suggestion=suggestion).update(rated_at=moment(rated or replied))
        return Suggestion.objects.get(pk=suggestion.pk)

    return make


def test_suggestions_answered_on_time_and_rated_satisfied(
    new_cycle, people, suggestion_of_last_year
):
    on_time = suggestion_of_last_year("closed", deadline=day(5, 31), replied=day(5, 20))
    late = suggestion_of_last_year(
        "redo", deadline=day(6, 30), replied=day(7, 15), title="完善惠企政策直达机制"
    )
    cycle = new_cycle(
        [
            {"name": "按期答复", "kind": "computed", "metric": "suggestions_on_time", "weight": 10},
            {"name": "满意率", "kind": "computed", "metric": "suggestions_satisfied", "weight": 10},
        ]
    )
    services.open_scoring(cycle, by=people["supervisor"])
    services.compute(cycle, by=people["supervisor"])
    answered = point(cycle, "tzb", Metric.SUGGESTIONS_ON_TIME)
    assert (answered.n, answered.successes) == (2, 1)
    events = {e.number: e for e in answered.events.all()}
    assert events[on_time.number].effect == 0 and events[late.number].effect < 0
    assert events[late.number].date == day(7, 15)
    satisfied = point(cycle, "tzb", Metric.SUGGESTIONS_SATISFIED)
    assert (satisfied.n, satisfied.successes) == (2, 1)
    assert "满意" in " ".join(satisfied.events.values_list("what", flat=True))
    # 国资委 was a joint unit (会办): not charged with the lead unit's reply.
    assert point(cycle, "gzw", Metric.SUGGESTIONS_ON_TIME).n == 0


def test_meetings_attended(new_cycle, people, units):
    office = people["supervisor"]
    held = []
    for n, attendance in enumerate(("present", "absent", "excused")):
        meeting = meetings.create_meeting(
            by=office,
            kind="office",
            title=f"第{n + 1}次工作例会",
            date=timezone.localdate(),
            invited_units=[units["tzb"]],
        )
        meetings.hold(meeting, by=office)
        meetings.record_attendance(
            meeting, by=office, unit=units["tzb"], status=attendance, reason="出差"
        )
        held.append(meeting)
    Meeting.objects.filter(pk__in=[m.pk for m in held]).update(date=day(9, 1))
    cycle = new_cycle(
        [{"name": "参会率", "kind": "computed", "metric": "meetings_attended", "weight": 5}]
    )
    services.open_scoring(cycle, by=office)
    services.compute(cycle, by=office)
    attended = point(cycle, "tzb", Metric.MEETINGS_ATTENDED)
    assert (attended.n, attended.successes) == (2, 1)  # 请假 is listed, not counted
    assert attended.events.count() == 3
    assert attended.events.filter(counted=False).get().title == "第3次工作例会"


def test_rectification_measures_are_tasks_of_that_source(new_cycle, people, make_task, backdate):
    measure = backdate(
        make_task("closed", title="整改措施：建立长效机制", source_kind="rectification"),
        deadline=day(8, 31),
        assigned=day(2, 1),
        closed=day(8, 20),
    )
    backdate(
        make_task("closed", title="一般督办事项"),
        deadline=day(8, 31),
        assigned=day(2, 1),
        closed=day(9, 20),
    )
    cycle = new_cycle(
        [{"name": "整改", "kind": "computed", "metric": "rectification_on_time", "weight": 10}]
    )
    services.open_scoring(cycle, by=people["supervisor"])
    services.compute(cycle, by=people["supervisor"])
    rectified = point(cycle, "tzb", Metric.RECTIFICATION_ON_TIME)
    assert (rectified.n, rectified.successes) == (1, 1)
    assert rectified.events.get().task_id == measure.pk


def test_equal_scores_share_a_rank_after_every_recomputation(new_cycle, people):
    cycle = new_cycle([PANEL])
    office = people["supervisor"]
    services.open_scoring(cycle, by=office)
    panel = cycle.indicators.get()
    for code, score in (("tzb", 80), ("gzw", 80), ("czj", 70)):
        services.score_manual(cycle, by=office, indicator=panel, unit=code, score=score)
    ranks = dict(Result.objects.filter(cycle=cycle).values_list("unit__code", "rank"))
    assert ranks == {"tzb": 1, "gzw": 1, "czj": 3}
    services.score_manual(cycle, by=office, indicator=panel, unit="czj", score=90)
    ranks = dict(Result.objects.filter(cycle=cycle).values_list("unit__code", "rank"))
    assert ranks == {"czj": 1, "tzb": 2, "gzw": 2}
    assert Result.objects.get(cycle=cycle, unit__code="czj").score == Decimal("90.00")
