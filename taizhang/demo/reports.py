"""The demo's reports: the federation's twenty-two work briefings of 2022 (seed 000:
"编发了22期工作简报"), each written up from two tasks closed that month and issued through the
services, numbered 第1期 … 第22期 and dated as they would have been; and a 督办通报 of last
month, issued, with the next month's left as a draft. Text written here for the demo."""

import datetime

from django.utils import timezone

from taizhang.org.models import User
from taizhang.reports import periods, services
from taizhang.reports.choices import ItemKind, Kind
from taizhang.reports.models import Bulletin, BulletinEvent, ReportSettings, YearSummary
from taizhang.supervision import history
from taizhang.supervision.models import Task

ISSUER = "中国机械工业联合会总部办公室"
BRIEFINGS = 22
DISTRIBUTION = {
    "report_to": "会领导",
    "send_to": "各部门、各直属单位",
    "issue_to": "办公室存档",
    "copy_to": "纪检监察部门",
}


def load_reports(federation):
    office = User.objects.get(username="duban")
    ReportSettings.objects.update_or_create(
        organisation=federation, defaults={"issuer": ISSUER, "criticise_overdue": 1}
    )
    _briefings(office)
    _notices(office)


def _briefings(office):
    """Two or so issues a month, each from tasks closed in its month."""
    closed = list(
        Task.objects.visible_to(office)
        .filter(history.closed_between(datetime.date(2022, 1, 1), datetime.date(2022, 12, 31)))
        .order_by("closed_at", "pk")
        .only("pk", "title", "closed_at")
    )
    per_issue = max(1, len(closed) // BRIEFINGS)
    for number in range(BRIEFINGS):
        chosen = closed[number * per_issue : number * per_issue + 2]
        day = timezone.localdate(chosen[-1].closed_at) if chosen else datetime.date(2022, 12, 28)
        bulletin = services.create_bulletin(
            by=office,
            kind=Kind.BRIEFING,
            year=2022,
            title=f"{chosen[0].title[:24]}等事项落实情况" if chosen else "督办事项落实情况",
            body="现将近期会议、文件确定事项的督办落实情况简报如下。",
            items=[{"kind": ItemKind.TASK, "id": task.pk} for task in chosen],
            **DISTRIBUTION,
        )
        issued = services.issue_bulletin(bulletin, by=office, issued_on=day)
        _backdate(issued, day)


def _notices(office):
    today = timezone.localdate()
    last = periods.month(today.year, today.month).previous()
    notice = services.create_bulletin(
        by=office,
        kind=Kind.NOTICE,
        year=last.start.year,
        title=f"关于{last.start.year}年{last.start.month}月督办事项落实情况的通报",
        body="根据督办台账，现将上月督办事项办理情况通报如下。请各部门对照逾期事项，抓紧办理。",
        period_start=last.start,
        period_end=last.end,
        **DISTRIBUTION,
    )
    services.issue_bulletin(notice, by=office)
    this = periods.month(today.year, today.month)
    services.create_bulletin(
        by=office,
        kind=Kind.NOTICE,
        year=this.start.year,
        title=f"关于{this.start.year}年{this.start.month}月督办事项落实情况的通报",
        body="根据督办台账，现将本月督办事项办理情况通报如下。",
        period_start=this.start,
        period_end=this.end,
        **DISTRIBUTION,
    )


def _backdate(bulletin, day):
    """Demo data only: the issue and its timeline read as on the day it was issued."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0)))
    Bulletin.objects.filter(pk=bulletin.pk).update(created_at=moment, updated_at=moment)
    BulletinEvent.objects.filter(bulletin=bulletin).update(created_at=moment)


def delete_reports(organisations):
    """For the loader's --reset: bulletins and summaries hold their authors; the archived
    files go with them."""
    bulletins = Bulletin.objects.filter(organisation__in=organisations)
    for bulletin in bulletins.exclude(file=""):
        bulletin.file.delete(save=False)
    bulletins.delete()
    YearSummary.objects.filter(organisation__in=organisations).delete()
