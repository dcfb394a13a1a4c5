"""The overview's parts from the other modules: the suggestion funnel (建言献策), each
rectification plan's progress (整改) and the meetings held against each mechanism's plan
(联席会议). Each reads the module's own figures (its ``stats``) through its visibility rule,
and is None where the module is not installed, so that the page says which part is missing."""

from django.apps import apps

from . import links


def installed(label):
    return apps.is_installed(f"taizhang.{label}")


def suggestion_funnel(user, period):
    """Received → accepted → replied → adopted → turned into results, of the suggestions
    received in the period: one query."""
    if not installed("suggestions"):
        return None
    from taizhang.suggestions import stats
    from taizhang.suggestions.choices import Status
    from taizhang.suggestions.models import Suggestion

    received = {
        "received_after": period.start.isoformat(),
        "received_before": period.end.isoformat(),
    }
    figures = stats.summary(
        Suggestion.objects.visible_to(user).filter(
            received_on__gte=period.start, received_on__lte=period.end
        )
    )
    not_withdrawn = sorted(set(Status.values) - {Status.WITHDRAWN})
    steps = [
        ("received", links.suggestions(**received, status=not_withdrawn)),
        ("accepted", links.suggestions(**received, status=sorted(Status.accepted_states()))),
        ("replied", links.suggestions(**received, replied="true")),
        ("adopted", links.suggestions(**received, adopted="true")),
        ("converted", links.suggestions(**received, converted="true")),
    ]
    return [{"step": step, "count": figures[step], "link": link} for step, link in steps]


def rectification_plans(user):
    """Each plan's problems and measures done (整改进展), the latest first: five queries."""
    if not installed("rectification"):
        return None
    from taizhang.rectification import stats
    from taizhang.rectification.models import Plan

    plans = list(Plan.objects.visible_to(user).order_by("-feedback_on", "-pk")[:20])
    figures = stats.figures_for(plans, None if user.sees_whole_organisation else user)
    return [
        {
            "plan": plan,
            **figures[plan.pk],
            "links": {
                "plan": links.rectification_plan(plan.pk),
                "problems": links.rectification_problems(plan=plan.pk),
                "problems_done": links.rectification_problems(plan=plan.pk, done="true"),
                "problems_open": links.rectification_problems(plan=plan.pk, done="false"),
                "measures": links.rectification_measures(plan=plan.pk),
            },
        }
        for plan in plans
    ]


def meetings_against_plan(user, year):
    """Each active mechanism's planned meetings of the year against those held: six queries."""
    if not installed("meetings"):
        return None
    from taizhang.meetings import stats
    from taizhang.meetings.models import Mechanism, Meeting

    rows = stats.mechanism_rows(
        Mechanism.objects.visible_to(user).filter(active=True),
        Meeting.objects.visible_to(user),
        year,
    )
    return [
        {
            "mechanism": row.mechanism,
            "planned": row.planned if user.sees_whole_organisation else None,
            "held": row.held,
            "link": links.meetings(year=year, held="true", mechanism=row.mechanism.pk),
        }
        for row in rows
    ]
