import datetime

from django.utils import timezone

from taizhang.suggestions.choices import Light, Rating, Status
from taizhang.suggestions.jobs import refresh_suggestions
from taizhang.suggestions.models import Suggestion


def test_the_daily_job_lights_reminds_once_and_deems_late_ratings(make_suggestion, people):
    late = make_suggestion("in_hand")
    Suggestion.objects.filter(pk=late.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    replied = make_suggestion("replied", title="完善党外人士联系制度")
    Suggestion.objects.filter(pk=replied.pk).update(
        rating_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    result = refresh_suggestions.call()
    assert result["reminded"] == 1 and result["deemed_rated"] == 1
    late.refresh_from_db()
    replied.refresh_from_db()
    assert late.light == Light.RED
    assert replied.status == Status.CLOSED and replied.rating == Rating.BASICALLY_SATISFIED
    reminders = people["tzb"].notifications.filter(title__contains="逾期")
    assert reminders.count() == 1
    assert people["gzw"].notifications.filter(title__contains="逾期").count() == 1  # 会办 too
    assert not people["czj"].notifications.filter(title__contains="逾期").exists()  # 协办 not
    assert refresh_suggestions.call()["reminded"] == 0  # the same day again: no second one
