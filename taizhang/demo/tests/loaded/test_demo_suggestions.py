"""The demo's 建言献策: the city's experts' suggestions in every state, walked through the
services, and the federation's batch from its field research."""

import pytest
from django.utils import timezone

from taizhang.demo.management.commands.demo import DEMO_PASSWORD
from taizhang.org.choices import Role
from taizhang.org.models import User
from taizhang.suggestions import services
from taizhang.suggestions.choices import Action, Channel, CommendationKind, Rating, Status
from taizhang.suggestions.models import Suggestion, SuggestionEvent
from taizhang.supervision.choices import SourceKind

pytestmark = pytest.mark.django_db


def test_the_demo_suggestions(client, demo):
    for username, unit in (("jy1", "xxgt"), ("jy2", "xxky")):
        user = User.objects.get(username=username)
        assert user.role == Role.SUBMITTER and user.check_password(DEMO_PASSWORD)
        assert not user.must_change_password
        assert user.memberships.get().unit.code == unit
    assert client.login(username="jy1", password=DEMO_PASSWORD)

    city = Suggestion.objects.filter(organisation__code="xxs")
    assert set(city.values_list("status", flat=True)) == set(Status.values)
    assert {Rating.SATISFIED, Rating.BASICALLY_SATISFIED, Rating.DISSATISFIED} <= set(
        city.filter(status=Status.CLOSED).values_list("rating", flat=True)
    )
    assert {Channel.LETTER, Channel.SYMPOSIUM, Channel.FORUM} <= set(
        city.values_list("channel", flat=True)
    )
    assert city.filter(anonymous=True, suggestion_submitters__isnull=True).count() == 1
    joint = city.get(suggestion_submitters__user__username="jy2", channel=Channel.SYMPOSIUM)
    assert {"jy1", "jy2"} <= {u.username for u in joint.submitters}
    # Redone after 不满意, then closed.
    redo = city.filter(round=2, status=Status.CLOSED)
    assert (
        redo.exists()
        and SuggestionEvent.objects.filter(suggestion__in=redo, action=Action.REDO).exists()
    )
    # Adopted with a money benefit; one rewarded, approved by the city's leader.
    reward = city.get(commendations__kind=CommendationKind.REWARD)
    assert reward.commendations.get().approved_by.username == "city-lingdao"
    assert reward.outcomes.get().benefit_amount > 0
    spawned = city.get(spawned__isnull=False).spawned.get().task
    assert spawned.source_kind == SourceKind.SUGGESTION
    # The timelines are real and spread over the year, before today.
    assert SuggestionEvent.objects.filter(suggestion__in=city).count() > 60
    today = timezone.localdate()
    for day in city.values_list("received_on", flat=True):
        assert day.year == today.year and (day < today or (today.month, today.day) == (1, 1))

    # The federation's 126 problems from its field research, accepted and given to departments.
    federation = Suggestion.objects.filter(organisation__code="jxl")
    assert federation.filter(channel=Channel.RESEARCH).count() == 126
    assert federation.filter(entered_by__username="duban").count() == 126
    assert not federation.filter(status__in=[Status.SUBMITTED, Status.REFUSED]).exists()
    assert federation.filter(status=Status.CLOSED).count() >= 10
    assert federation.filter(suggestion_units__unit__code="gjhzb").exists()

    # The anonymous one's claim code is printed once and opens it.
    code = demo.split("claim code ", 1)[1].split(" ", 1)[0]
    assert services.claimed(code).anonymous


def test_the_demo_dates_tell_one_story(demo):
    city = Suggestion.objects.filter(organisation__code="xxs")
    replied = [s for s in city if s.replied_at]
    for s in replied:
        assert s.received_on <= timezone.localdate(s.replied_at) <= timezone.localdate()
        assert s.assigned_at <= s.replied_at
    for s in city.filter(status="closed"):
        assert s.deadline >= timezone.localdate(s.assigned_at)
    assert len({timezone.localdate(s.replied_at).month for s in replied}) >= 3  # not all today
