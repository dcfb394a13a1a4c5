from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from . import (
    appraisal,
    bulk,
    meetings,
    notifications,
    rectification,
    reports,
    suggestions,
    talent,
    views,
)

app_name = "api"
urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("auth/token", views.TokenView.as_view(), name="token"),
    path("units", views.UnitList.as_view(), name="units"),
    path("search", views.TaskSearch.as_view(), name="search"),
    path("tasks", views.TaskList.as_view(), name="tasks"),
    path("tasks/import", views.LedgerImport.as_view(), name="import"),
    path("tasks/bulk-transitions", bulk.BulkTransitions.as_view(), name="bulk-transitions"),
    path("tasks/export.xlsx", views.LedgerExport.as_view(), name="export"),
    path("tasks/<int:pk>", views.TaskDetail.as_view(), name="task"),
    path("tasks/<int:pk>/transitions", views.TaskTransition.as_view(), name="transitions"),
    path("tasks/<int:pk>/remind", bulk.TaskRemind.as_view(), name="remind"),
    path("tasks/<int:pk>/progress", views.TaskProgress.as_view(), name="progress"),
    path("tasks/<int:pk>/history", views.TaskHistory.as_view(), name="history"),
    # What was sent, by which channel, and how it went.
    path(
        "notifications/deliveries",
        notifications.DeliveryList.as_view(),
        name="notification-deliveries",
    ),
    # 统计: the figures the reports' pages show.
    path("reports/overview", reports.Overview.as_view(), name="reports-overview"),
    path("reports/year-summary", reports.YearSummary.as_view(), name="reports-year-summary"),
    path("talent/people", talent.PersonList.as_view(), name="talent-people"),
    path("talent/people/export.xlsx", talent.PersonExport.as_view(), name="talent-export"),
    path("talent/people/<int:pk>", talent.PersonDetail.as_view(), name="talent-person"),
    # 建言献策: the fixed paths before the ones with an id.
    path("suggestions", suggestions.SuggestionList.as_view(), name="suggestions"),
    path("suggestions/stats", suggestions.SuggestionStats.as_view(), name="suggestion-stats"),
    path("suggestions/claim", suggestions.SuggestionClaim.as_view(), name="suggestion-claim"),
    path("suggestions/replies", suggestions.PublishedReplies.as_view(), name="suggestion-replies"),
    path("suggestions/<int:pk>", suggestions.SuggestionDetail.as_view(), name="suggestion"),
    path(
        "suggestions/<int:pk>/history",
        suggestions.SuggestionHistory.as_view(),
        name="suggestion-history",
    ),
    path(
        "suggestions/<int:pk>/transitions",
        suggestions.SuggestionTransition.as_view(),
        name="suggestion-transitions",
    ),
    path(
        "suggestions/<int:pk>/spawn-task",
        suggestions.SuggestionSpawnTask.as_view(),
        name="suggestion-spawn-task",
    ),
    # 会议: mechanisms, meetings, attendance, decisions and the lifecycle.
    path("mechanisms", meetings.MechanismList.as_view(), name="mechanisms"),
    path("mechanisms/<int:pk>", meetings.MechanismDetail.as_view(), name="mechanism"),
    path("meetings", meetings.MeetingList.as_view(), name="meetings"),
    path("meetings/<int:pk>", meetings.MeetingDetail.as_view(), name="meeting"),
    path(
        "meetings/<int:pk>/attendance",
        meetings.MeetingAttendance.as_view(),
        name="meeting-attendance",
    ),
    path(
        "meetings/<int:pk>/decisions",
        meetings.MeetingDecisions.as_view(),
        name="meeting-decisions",
    ),
    path(
        "meetings/<int:pk>/transitions",
        meetings.MeetingTransition.as_view(),
        name="meeting-transitions",
    ),
    # 考评: cycles, results and each unit's points with the events behind them.
    path("appraisal/cycles", appraisal.CycleList.as_view(), name="appraisal-cycles"),
    path("appraisal/cycles/<int:pk>", appraisal.CycleDetail.as_view(), name="appraisal-cycle"),
    path(
        "appraisal/cycles/<int:pk>/results",
        appraisal.CycleResults.as_view(),
        name="appraisal-results",
    ),
    path(
        "appraisal/cycles/<int:pk>/results/<str:unit>/points",
        appraisal.UnitPoints.as_view(),
        name="appraisal-points",
    ),
    # 整改: plans with their figures, the problem and measure lists, the actions.
    path("rectification/plans", rectification.PlanList.as_view(), name="rectification-plans"),
    path(
        "rectification/plans/<int:pk>",
        rectification.PlanDetail.as_view(),
        name="rectification-plan",
    ),
    path(
        "rectification/plans/<int:pk>/aspects",
        rectification.PlanAspects.as_view(),
        name="rectification-plan-aspects",
    ),
    path(
        "rectification/plans/<int:pk>/actions/<slug:action>",
        rectification.PlanAction.as_view(),
        name="rectification-plan-action",
    ),
    path(
        "rectification/problems",
        rectification.ProblemList.as_view(),
        name="rectification-problems",
    ),
    path(
        "rectification/problems/<int:pk>",
        rectification.ProblemDetail.as_view(),
        name="rectification-problem",
    ),
    path(
        "rectification/problems/<int:pk>/actions/<slug:action>",
        rectification.ProblemAction.as_view(),
        name="rectification-problem-action",
    ),
    path(
        "rectification/measures",
        rectification.MeasureList.as_view(),
        name="rectification-measures",
    ),
]
