from decimal import Decimal

from taizhang.suggestions import services, stats
from taizhang.suggestions.models import Suggestion


def test_the_rates_count_what_they_say(make_suggestion, people, submitters):
    make_suggestion("submitted")  # undecided: in no rate
    make_suggestion("refused")
    closed = make_suggestion("closed")
    adopted = make_suggestion("adopted")
    make_suggestion("redo")  # rated dissatisfied, in hand again: not closed, not rated
    services.record_outcome(
        adopted, by=people["supervisor"], text="建成协同平台", benefit_amount="350.5"
    )
    services.record_outcome(adopted, by=people["supervisor"], text="节约采购成本", benefit="49.5")
    figures = stats.summary(Suggestion.objects.visible_to(people["supervisor"]))
    assert figures["decided"] == 4 and figures["accepted"] == 3
    assert figures["accepted_rate"] == 0.75
    assert figures["rated"] == 2 and figures["satisfaction_rate"] == 1.0
    assert figures["adopted"] == 1 and figures["adoption_rate"] == round(1 / 3, 4)
    assert figures["converted"] == 1 and figures["benefit"] == Decimal("400.00")
    assert figures["on_time_reply_rate"] == 1.0  # all replied within their ten working days
    assert closed.replied_on_time


def test_the_figures_by_unit_and_channel_and_a_submitter_sees_only_theirs(
    make_suggestion, people, submitters, units
):
    make_suggestion("closed")
    make_suggestion("accepted")
    by_unit = stats.breakdown(Suggestion.objects.visible_to(people["supervisor"]), "unit")
    assert {row["key"]: row["accepted"] for row in by_unit} == {units["tzb"].pk: 1, None: 1}
    by_channel = stats.breakdown(Suggestion.objects.visible_to(people["leader"]), "channel")
    assert [(r["key"], r["received"]) for r in by_channel] == [("online", 2)]
    assert stats.summary(Suggestion.objects.visible_to(submitters["jy2"]))["received"] == 0
    months = stats.breakdown(Suggestion.objects.visible_to(people["leader"]), "month")
    assert len(months) == 1 and months[0]["received"] == 2
