"""The vocabulary of rectification: kinds of plan, states, actions, seriousness, measures."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.utils.choices import ColouredChoices


class PlanKind(models.TextChoices):
    """What the plan answers."""

    INSPECTION = "inspection", _("Inspection rectification")  # 巡视整改
    CIRCUIT = "circuit", _("Circuit inspection rectification")  # 巡察整改
    AUDIT = "audit", _("Audit rectification")  # 审计整改
    SUPERVISION = "supervision", _("Supervision feedback")  # 督查反馈
    EDUCATION = "education", _("Theme education review")  # 主题教育检视
    PETITION = "petition", _("Petitions and public questions")  # 信访/问政 反映问题


class PlanStatus(ColouredChoices):
    DRAFT = "draft", pgettext_lazy("rectification plan", "Draft")  # 方案起草
    APPROVED = "approved", pgettext_lazy("rectification plan", "Approved")  # 领导小组审定
    IN_PROGRESS = "in_progress", pgettext_lazy("rectification plan", "Rectifying")  # 整改中
    COMPLETED = "completed", pgettext_lazy("rectification plan", "Completed")  # 整改完成


PlanStatus.COLOURS = {
    PlanStatus.DRAFT: "secondary",
    PlanStatus.APPROVED: "cyan",
    PlanStatus.IN_PROGRESS: "blue",
    PlanStatus.COMPLETED: "green",
}


class ProblemState(ColouredChoices):
    """What the office recorded; whether a problem is done (已完成) is read from its measures."""

    OPEN = "open", pgettext_lazy("rectification problem", "Rectifying")  # 整改中
    CLOSED = "closed", pgettext_lazy("rectification problem", "Closed")  # 已销号


ProblemState.COLOURS = {ProblemState.OPEN: "blue", ProblemState.CLOSED: "green"}


class Progress(ColouredChoices):
    """A problem's progress as the lists show it, derived from its state and measures."""

    RECTIFYING = "rectifying", pgettext_lazy("rectification problem", "Rectifying")  # 整改中
    OVERDUE = "overdue", pgettext_lazy("rectification problem", "Overdue")  # 逾期未完成
    DONE = "done", pgettext_lazy("rectification problem", "Done")  # 已完成, awaiting 销号
    CLOSED = "closed", pgettext_lazy("rectification problem", "Closed")  # 已销号


Progress.COLOURS = {
    Progress.RECTIFYING: "blue",
    Progress.OVERDUE: "red",
    Progress.DONE: "teal",
    Progress.CLOSED: "green",
}


class Seriousness(ColouredChoices):
    GENERAL = "general", _("General")  # 一般
    SERIOUS = "serious", _("Serious")  # 较重
    GRAVE = "grave", _("Grave")  # 严重


Seriousness.COLOURS = {
    Seriousness.GENERAL: "secondary",
    Seriousness.SERIOUS: "orange",
    Seriousness.GRAVE: "red",
}


class MeasureKind(ColouredChoices):
    SCHEDULED = "scheduled", _("By a deadline")  # 限期整改
    IMMEDIATE = "immediate", _("Fixed at once")  # 立行立改
    ONGOING = "ongoing", _("Ongoing")  # 长期坚持: reported on a cadence until verified


MeasureKind.COLOURS = {
    MeasureKind.SCHEDULED: "blue",
    MeasureKind.IMMEDIATE: "orange",
    MeasureKind.ONGOING: "purple",
}


class Cadence(models.TextChoices):
    """How often an ongoing measure's units report."""

    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")


Cadence.DAYS = {Cadence.MONTHLY: 31, Cadence.QUARTERLY: 92, Cadence.HALF_YEARLY: 183}


class Action(models.TextChoices):
    """What happened to a plan or one of its problems (the timeline's lines)."""

    CREATE = "create", _("Plan registered")  # 登记整改方案
    EDIT = "edit", _("Edit")  # 修改
    APPROVE = "approve", _("Approve the plan")  # 领导小组审定: approves the measures' tasks
    ASSIGN = "assign", _("Assign the measures")  # 交办: the measures' tasks go to their units
    APPROVE_TASKS = "approve_tasks", _("Approve new measures")  # measures added later
    ASSIGN_TASKS = "assign_tasks", _("Assign new measures")
    COMPLETE = "complete", _("Declare the rectification complete")  # 整改完成 (整改情况报告)
    REOPEN = "reopen", _("Rectification resumed")  # a 回头看 reopened one of its problems
    ADD_PROBLEM = "add_problem", _("Problem added")
    EDIT_PROBLEM = "edit_problem", _("Problem edited")
    ADD_MEASURE = "add_measure", _("Measure added")
    COMMIT_DATE = "commit_date", _("Set the committed date")  # 确定完成时限
    CLOSE_PROBLEM = "close_problem", _("Close the problem")  # 销号
    REOPEN_PROBLEM = "reopen_problem", _("Reopen after review")  # 回头看
    LINK_REPEAT = "link_repeat", _("Link to an earlier problem")  # 屡查屡犯
    REMIND = "remind", _("Reminder sent")


# What a button says; the labels above name the events on the timeline.
Action.VERBS = {
    Action.EDIT: _("Edit"),
    Action.APPROVE: _("Approve the plan"),
    Action.ASSIGN: _("Assign the measures"),
    Action.APPROVE_TASKS: _("Approve new measures"),
    Action.ASSIGN_TASKS: _("Assign new measures"),
    Action.COMPLETE: _("Declare the rectification complete"),
    Action.REOPEN: _("Resume the rectification"),
    Action.ADD_PROBLEM: _("Add a problem"),
    Action.EDIT_PROBLEM: _("Edit the problem"),
    Action.ADD_MEASURE: _("Add a measure"),
    Action.COMMIT_DATE: _("Set the committed date"),
    Action.CLOSE_PROBLEM: _("Close the problem"),
    Action.REOPEN_PROBLEM: _("Reopen after review"),
    Action.LINK_REPEAT: _("Link to an earlier problem"),
}
