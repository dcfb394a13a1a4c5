"""The vocabulary of appraisal (考评): subjects, periods, states, actions, indicators, scorers,
grades and appeals."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.utils.choices import ColouredChoices


class Subject(models.TextChoices):
    UNITS = "units", _("Unit appraisal")  # 部门考评
    STAFF = "staff", _("Staff assessment")  # 职工考核


class Period(models.TextChoices):
    YEAR = "year", _("Year")  # 年度
    HALF = "half", _("Half year")  # 半年


class Status(ColouredChoices):
    DRAFT = "draft", pgettext_lazy("appraisal status", "Draft")  # 草拟
    SCORING = "scoring", _("Scoring")  # 计分
    PUBLICISED = "publicised", _("Publicised")  # 公示: units see their points and may appeal
    CONFIRMED = "confirmed", pgettext_lazy("appraisal status", "Confirmed")  # 考核小组确认
    PUBLISHED = "published", pgettext_lazy("appraisal status", "Published")  # 宣读/发布, locked

    @classmethod
    def shown_to_units(cls):
        """From 公示 on a unit sees its own points and result."""
        return {cls.PUBLICISED, cls.CONFIRMED, cls.PUBLISHED}

    @classmethod
    def recomputable(cls):
        """The ledgers are read only while scoring: once publicised the points change only
        by an upheld appeal, or after the office reopens scoring (the units are told)."""
        return {cls.SCORING}


Status.COLOURS = {
    Status.DRAFT: "secondary",
    Status.SCORING: "blue",
    Status.PUBLICISED: "yellow",
    Status.CONFIRMED: "teal",
    Status.PUBLISHED: "green",
}


class Action(models.TextChoices):
    CREATE = "create", _("Created")  # not a transition, the timeline's first line
    EDIT = "edit", _("Edit")  # title, dates, decision text
    SET_UP = "set_up", _("Set up")  # units, indicators, bands, assessees (draft only)
    OPEN_SCORING = "open_scoring", _("Open scoring")  # 开始计分
    COMPUTE = "compute", _("Compute from the ledgers")  # 从台账计算
    SCORE = "score", _("Score")  # 评分 (manual indicators, staff scores)
    SELF_REPORT = "self_report", _("Self-report")  # 述职
    PUBLICISE = "publicise", _("Publicise")  # 公示
    REOPEN_SCORING = "reopen_scoring", _("Reopen scoring")  # 退回计分: mend a publicised result
    APPEAL = "appeal", _("Appeal")  # 申诉
    DECIDE_APPEAL = "decide_appeal", _("Decide an appeal")  # 申诉处理
    CONFIRM = "confirm", pgettext_lazy("appraisal action", "Confirm")  # 考核小组确认
    PUBLISH = "publish", _("Publish")  # 宣读/发布
    COMMEND = "commend", _("Commend")  # 表彰

    @classmethod
    def buttons(cls):
        """Actions that are a button of their own on the cycle page (the others have forms)."""
        return [
            cls.OPEN_SCORING,
            cls.COMPUTE,
            cls.PUBLICISE,
            cls.REOPEN_SCORING,
            cls.CONFIRM,
            cls.PUBLISH,
        ]


Action.VERBS = {
    Action.CREATE: _("Create an appraisal"),
    Action.EDIT: _("Edit"),
    Action.SET_UP: _("Set up"),
    Action.OPEN_SCORING: _("Open scoring"),
    Action.COMPUTE: _("Compute from the ledgers"),
    Action.SCORE: _("Score"),
    Action.SELF_REPORT: _("Self-report"),
    Action.PUBLICISE: _("Publicise"),
    Action.REOPEN_SCORING: _("Reopen scoring"),
    Action.APPEAL: _("Appeal"),
    Action.DECIDE_APPEAL: _("Decide an appeal"),
    Action.CONFIRM: pgettext_lazy("appraisal action", "Confirm"),
    Action.PUBLISH: _("Publish"),
    Action.COMMEND: _("Commend"),
}


class IndicatorKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from the ledgers")  # 系统计算
    MANUAL = "manual", _("Scored by people")  # 人工评分


class Metric(models.TextChoices):
    """What a computed indicator reads. Rates are smoothed by workload; counts deduct."""

    ON_TIME_RATE = "on_time_rate", _("Tasks closed on time")  # 按期办结率
    RETURNED_RATE = "returned_rate", _("Completion reports returned")  # 退回率
    OVERDUE_DAYS = "overdue_days", _("Days overdue")  # 超期天数
    REMINDERS_RECEIVED = "reminders_received", _("Reminders received")  # 被催办次数
    PROGRESS_ON_TIME = "progress_on_time", _("Progress reported on time")  # 按时报送进展
    RECTIFICATION_ON_TIME = "rectification_on_time", _("Rectification measures done on time")
    SUGGESTIONS_ON_TIME = "suggestions_on_time", _("Suggestions answered on time")  # 按期答复
    SUGGESTIONS_SATISFIED = "suggestions_satisfied", _("Replies rated satisfied")  # 满意率
    MEETINGS_ATTENDED = "meetings_attended", _("Meetings attended")  # 参会率

    @classmethod
    def rates(cls):
        return {
            cls.ON_TIME_RATE,
            cls.RETURNED_RATE,
            cls.PROGRESS_ON_TIME,
            cls.RECTIFICATION_ON_TIME,
            cls.SUGGESTIONS_ON_TIME,
            cls.SUGGESTIONS_SATISFIED,
            cls.MEETINGS_ATTENDED,
        }

    @classmethod
    def counts(cls):
        return {cls.OVERDUE_DAYS, cls.REMINDERS_RECEIVED}

    @classmethod
    def lower_is_better(cls):
        """Rates of something bad: the score is weight × (1 − rate)."""
        return {cls.RETURNED_RATE}


Metric.DESCRIPTIONS = {
    Metric.ON_TIME_RATE: _(
        "Tasks due in the period, done by their deadline: done is the day of the unit's last "
        "completion report before the office verified the task (the office's 销号 date when "
        "there is none), so the office's own delay charges no unit."
    ),
    Metric.RETURNED_RATE: _(
        "Completion reports returned at least once, among those reported in the period; only "
        "the lead unit reports completion, so only it is charged."
    ),
    Metric.REMINDERS_RECEIVED: _(
        "Reminders for overdue work: the daily red-light reminders and reminders written by "
        "hand, not the blue or yellow ones (due soon, behind schedule — a task closed early "
        "would lose points). A task counts once per calendar week it was reminded in, so an "
        "overdue task is not charged every day; its days overdue are counted separately."
    ),
}


class ScorerKind(models.TextChoices):
    LEADER = "leader", _("Leaders")  # 领导评分
    PANEL = "panel", _("Appraisal panel")  # 考核小组
    PEER = "peer", _("Peer units")  # 互评
    DEMOCRATIC = "democratic", _("Democratic evaluation")  # 民主测评


class GradeScheme(models.TextChoices):
    LETTERS = "letters", _("A / B / C / D")
    WORDS = "words", _("Excellent / good / pass / fail")  # 优秀/良好/合格/不合格


class Grade(ColouredChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    EXCELLENT = "excellent", _("Excellent")  # 优秀
    GOOD = "good", _("Good")  # 良好
    PASS = "pass", _("Pass")  # 合格
    FAIL = "fail", _("Fail")  # 不合格

    @classmethod
    def of_scheme(cls, scheme):
        """The scheme's grades, best first."""
        if scheme == GradeScheme.WORDS:
            return [cls.EXCELLENT, cls.GOOD, cls.PASS, cls.FAIL]
        return [cls.A, cls.B, cls.C, cls.D]


Grade.COLOURS = {
    Grade.A: "green",
    Grade.B: "teal",
    Grade.C: "yellow",
    Grade.D: "red",
    Grade.EXCELLENT: "green",
    Grade.GOOD: "teal",
    Grade.PASS: "yellow",
    Grade.FAIL: "red",
}


class StaffPart(models.TextChoices):
    """Who gives a staff member's score."""

    UNIT = "unit", _("Unit's score")  # 所在部门评分
    LEADER = "leader", _("Leaders' score")  # 领导评分


class AppealStatus(ColouredChoices):
    LODGED = "lodged", _("Lodged")  # 已提出
    UPHELD = "upheld", _("Upheld")  # 申诉成立
    DISMISSED = "dismissed", _("Dismissed")  # 申诉不成立


AppealStatus.COLOURS = {
    AppealStatus.LODGED: "yellow",
    AppealStatus.UPHELD: "green",
    AppealStatus.DISMISSED: "secondary",
}


class AppealAction(models.TextChoices):
    UPHOLD = "uphold", _("Uphold")
    DISMISS = "dismiss", _("Dismiss")


AppealAction.VERBS = {
    AppealAction.UPHOLD: _("Uphold the appeal"),
    AppealAction.DISMISS: _("Dismiss the appeal"),
}


class CommendationTitle(models.TextChoices):
    UNIT = "advanced_unit", _("Advanced unit")  # 先进部门
    STAFF = "excellent_staff", _("Excellent staff member of the year")  # 年度优秀员工
    OTHER = "other", _("Other commendation")
