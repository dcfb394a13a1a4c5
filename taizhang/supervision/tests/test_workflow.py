"""The lifecycle through the services: who may do what, in which state, and what it leaves."""

import datetime

import pytest
from django.utils import timezone

from taizhang.notify.models import Notification
from taizhang.supervision import rules, services
from taizhang.supervision.choices import Action, ExtensionStatus, Status
from taizhang.supervision.models import Task
from taizhang.utils.errors import Conflict, NotAllowed, WorkflowError
from taizhang.utils.workdays import add_working_days

pytestmark = pytest.mark.django_db


def test_whole_lifecycle_leaves_a_timeline(make_task, people):
    task = make_task("closed")
    assert task.status == Status.CLOSED
    assert task.closed_at is not None
    actions = list(task.events.order_by("created_at", "id").values_list("action", flat=True))
    assert actions == [
        Action.CREATE,
        Action.APPROVE,
        Action.ASSIGN,
        Action.SIGN,
        Action.PROGRESS,
        Action.SUBMIT_COMPLETION,
        Action.VERIFY,
    ]
    verify = task.events.get(action=Action.VERIFY)
    assert (verify.actor, verify.from_status, verify.to_status) == (
        people["supervisor"],
        Status.COMPLETION_REPORTED,
        Status.CLOSED,
    )


# Each row: state, action, who may, who may not.
MATRIX = [
    ("draft", Action.APPROVE, "leader", ["supervisor", "tzb", "admin"]),
    ("approved", Action.ASSIGN, "supervisor", ["leader", "tzb", "admin"]),
    ("assigned", Action.SIGN, "tzb", ["supervisor", "leader", "office", "steel"]),
    ("assigned", Action.SIGN, "czj", ["steel"]),
    ("signed", Action.PROGRESS, "tzb", ["supervisor", "leader", "steel"]),
    ("in_progress", Action.SUBMIT_COMPLETION, "tzb", ["gzw", "czj", "supervisor"]),
    ("completion_reported", Action.VERIFY, "supervisor", ["leader", "tzb"]),
    ("completion_reported", Action.RETURN, "supervisor", ["leader", "tzb"]),
    ("in_progress", Action.REQUEST_EXTENSION, "tzb", ["gzw", "supervisor", "leader"]),
    ("in_progress", Action.CANCEL, "leader", ["tzb", "admin"]),
    ("draft", Action.CANCEL, "supervisor", ["tzb"]),
    # 催办 by hand and 督办 escalation: the office's (issue 14).
    ("assigned", Action.REMIND, "supervisor", ["leader", "tzb", "gzw", "admin"]),
    ("completion_reported", Action.REMIND, "supervisor", ["leader", "tzb"]),
    ("in_progress", Action.ESCALATE, "supervisor", ["leader", "tzb", "admin"]),
    ("draft", Action.ESCALATE, "supervisor", ["leader"]),
]


@pytest.mark.parametrize(("state", "action", "allowed", "refused"), MATRIX)
def test_roles_by_action_and_state(make_task, people, state, action, allowed, refused):
    task = make_task(state)
    assert rules.can(people[allowed], action, task), rules.why_not(people[allowed], action, task)
    for name in refused:
        assert not rules.can(people[name], action, task), name


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("draft", Action.ASSIGN),
        ("approved", Action.SIGN),
        ("assigned", Action.VERIFY),
        ("closed", Action.CANCEL),
        ("cancelled", Action.APPROVE),
        ("closed", Action.PROGRESS),
        ("in_progress", Action.APPROVE),
        ("draft", Action.REMIND),
        ("approved", Action.REMIND),
        ("closed", Action.REMIND),
        ("cancelled", Action.ESCALATE),
    ],
)
def test_actions_out_of_state_are_refused_with_a_message(make_task, people, state, action):
    task = make_task(state)
    for person in people.values():
        assert not rules.can(person, action, task)
    with pytest.raises(NotAllowed, match="不可|not possible"):
        services.perform(task, action, by=people["supervisor"], comment="x")


def test_progress_needs_sign_for_first(make_task, people):
    task = make_task("signed")  # the lead unit signed; the cooperating unit has not
    with pytest.raises(NotAllowed):
        services.report_progress(task, by=people["czj"], percent=10, text="配合推进。")
    services.sign_task(task, by=people["czj"])
    services.report_progress(task, by=people["czj"], percent=10, text="配合推进。")
    assert Task.objects.get(pk=task.pk).progress_percent == 10


def test_signing_twice_is_refused(make_task, people):
    task = make_task("signed")
    with pytest.raises(NotAllowed):
        services.sign_task(task, by=people["tzb"])


def test_task_is_signed_when_its_lead_unit_signs(make_task, people):
    task = make_task("assigned")
    services.sign_task(task, by=people["gzw"])
    assert Task.objects.get(pk=task.pk).status == Status.ASSIGNED
    services.sign_task(task, by=people["tzb"])
    assert Task.objects.get(pk=task.pk).status == Status.SIGNED


@pytest.mark.parametrize("percent", [-1, 101, "abc", None])
def test_progress_percent_must_be_0_to_100(make_task, people, percent):
    task = make_task("signed")
    with pytest.raises(WorkflowError):
        services.report_progress(task, by=people["tzb"], percent=percent, text="进展")


def test_return_and_cancel_need_a_reason(make_task, people):
    task = make_task("completion_reported")
    with pytest.raises(WorkflowError):
        services.return_task(task, by=people["supervisor"], comment="  ")
    services.return_task(task, by=people["supervisor"], comment="请补充佐证材料。")
    task = Task.objects.get(pk=task.pk)
    assert task.status == Status.RETURNED
    # The units work on and report again.
    services.submit_completion(task, by=people["tzb"], comment="已补充佐证材料。")
    assert Task.objects.get(pk=task.pk).status == Status.COMPLETION_REPORTED
    with pytest.raises(WorkflowError):
        services.cancel_task(task, by=people["leader"], comment="")


def test_extension_approved_moves_the_deadline(make_task, people):
    task = make_task("in_progress")
    later = task.deadline + datetime.timedelta(days=30)
    with pytest.raises(WorkflowError):
        services.request_extension(
            task, by=people["tzb"], requested_deadline=task.deadline, comment="需要更多时间"
        )
    services.request_extension(task, by=people["tzb"], requested_deadline=later, comment="年会推迟")
    with pytest.raises(NotAllowed):  # one pending request at a time
        services.request_extension(
            task, by=people["tzb"], requested_deadline=later, comment="再次申请"
        )
    services.decide_extension(task, by=people["leader"], approve=True, comment="同意")
    task = Task.objects.get(pk=task.pk)
    assert task.deadline == later
    assert task.extension_requests.get().status == ExtensionStatus.APPROVED


def test_extension_refused_needs_a_reason_and_keeps_the_deadline(make_task, people):
    task = make_task("in_progress")
    before = task.deadline
    services.request_extension(
        task,
        by=people["tzb"],
        comment="人手不足",
        requested_deadline=before + datetime.timedelta(days=10),
    )
    with pytest.raises(WorkflowError):
        services.decide_extension(task, by=people["leader"], approve=False, comment="")
    services.decide_extension(task, by=people["leader"], approve=False, comment="时限不能延后")
    task = Task.objects.get(pk=task.pk)
    assert task.deadline == before
    assert task.extension_requests.get().status == ExtensionStatus.REFUSED


def test_working_day_deadline_counts_from_assignment(make_task, people):
    task = make_task("approved", deadline_working_days=5)
    services.assign_task(task, by=people["supervisor"])
    assert Task.objects.get(pk=task.pk).deadline == add_working_days(timezone.localdate(), 5)


def test_stale_version_is_refused(make_task, people):
    task = make_task("draft")
    services.update_task(task, by=people["supervisor"], version=task.version, title="新标题")
    with pytest.raises(Conflict):
        services.update_task(
            task, by=people["supervisor"], version=task.version, title="另一个标题"
        )
    with pytest.raises(Conflict):
        services.approve_task(task, by=people["leader"], version=task.version)
    assert Task.objects.get(pk=task.pk).title == "新标题"


def test_a_cancelled_task_keeps_when_it_was_cancelled(make_task, people):
    task = make_task("in_progress")
    before = timezone.now()
    services.cancel_task(task, by=people["leader"], comment="工作调整，不再督办。")
    task = Task.objects.get(pk=task.pk)
    assert task.status == Status.CANCELLED and task.closed_at is None
    assert before <= task.cancelled_at <= timezone.now()
    event = task.events.get(action=Action.CANCEL)
    assert abs(task.cancelled_at - event.created_at) < datetime.timedelta(seconds=1)


def test_the_task_keeps_its_lead_unit_when_the_lead_changes(make_task, people, units):
    task = make_task("draft")
    assert task.lead == units["tzb"]
    services.update_task(
        task,
        by=people["supervisor"],
        version=task.version,
        lead_unit=units["steel"],
    )
    task = Task.objects.with_units().get(pk=task.pk)
    assert task.lead == task.lead_unit == units["steel"]


def test_edit_records_field_and_unit_changes(make_task, people, units):
    task = make_task("draft")
    services.update_task(
        task,
        by=people["supervisor"],
        version=task.version,
        title="建立建言献策专门台账",
        cooperating_units=[units["steel"]],
    )
    event = Task.objects.get(pk=task.pk).events.get(action=Action.EDIT)
    assert event.changes["title"] == ["建立专门的建言献策台账", "建立建言献策专门台账"]
    assert event.changes["cooperating_units"] == [["市财政局"], ["XX钢铁集团"]]
    task = Task.objects.with_units().get(pk=task.pk)
    assert task.title == "建立建言献策专门台账"  # saved along with the units
    assert task.cooperating_units == [units["steel"]]


def test_editing_keeps_an_extended_deadline_unless_working_days_change(make_task, people):
    task = make_task("in_progress", deadline_working_days=10)
    later = task.deadline + datetime.timedelta(days=30)
    services.request_extension(task, by=people["tzb"], requested_deadline=later, comment="推迟")
    services.decide_extension(task, by=people["leader"], approve=True)
    task = Task.objects.get(pk=task.pk)
    services.update_task(
        task,
        by=people["supervisor"],
        version=task.version,
        title="新标题",
        deadline=task.deadline,
        deadline_working_days=10,
    )
    task = Task.objects.get(pk=task.pk)
    assert task.deadline == later
    services.update_task(
        task,
        by=people["supervisor"],
        version=task.version,
        deadline=task.deadline,
        deadline_working_days=20,
    )
    task = Task.objects.get(pk=task.pk)
    assert task.deadline == add_working_days(timezone.localdate(task.assigned_at), 20)
    with pytest.raises(WorkflowError):  # a deadline cannot be taken away
        services.update_task(
            task,
            by=people["supervisor"],
            version=task.version,
            deadline=None,
            deadline_working_days=None,
        )


def test_unit_can_play_one_part_only(org, units, people):
    with pytest.raises(WorkflowError):
        services.create_task(
            by=people["supervisor"],
            organisation=org,
            title="x",
            deadline=timezone.localdate(),
            lead_unit=units["tzb"],
            responsible_units=[units["tzb"]],
        )


def test_handlers_cannot_register_tasks(org, units, people):
    with pytest.raises(NotAllowed):
        services.create_task(
            by=people["tzb"],
            organisation=org,
            title="x",
            deadline=timezone.localdate(),
            lead_unit=units["tzb"],
        )


def test_assignment_notifies_the_units_handlers(make_task, people):
    make_task("assigned")
    for code in ("tzb", "gzw", "czj"):
        assert Notification.objects.filter(recipient=people[code]).exists()
    assert not Notification.objects.filter(recipient=people["steel"]).exists()


def test_instructions_only_from_leaders(make_task, people):
    task = make_task("assigned")
    services.add_comment(task, by=people["leader"], text="请加快进度。", instruction=True)
    with pytest.raises(NotAllowed):
        services.add_comment(task, by=people["supervisor"], text="批示", instruction=True)
    services.add_comment(task, by=people["tzb"], text="收到。")
    assert task.events.filter(action=Action.INSTRUCT).count() == 1
