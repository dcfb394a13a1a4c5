"""The task page says what happens next and who holds it (issue 14, item 10): the next step,
overdue working days, 销号 with unsigned units, extension requests, every file of the task,
comment threads with @unit mentions, and previews of images, PDF and Word files."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from taizhang.notify.models import Notification
from taizhang.supervision import services
from taizhang.supervision.choices import Status
from taizhang.supervision.models import Task
from taizhang.supervision.next_step import next_step
from taizhang.utils.errors import WorkflowError

pytestmark = pytest.mark.django_db


def login(client, name):
    assert client.login(username=name, password=PASSWORD)


def fresh(task):
    return Task.objects.with_units().get(pk=task.pk)


def sign_all(task, people):
    for code in ("gzw", "czj"):
        services.sign_task(fresh(task), by=people[code])


# ---- the next step ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state, text, holder",
    [
        ("draft", "等待领导审核", "领导"),
        ("approved", "等待督查室交办", "督查室"),
        ("assigned", "等待 市委统战部、市国资委、市财政局 签收", "市委统战部、市国资委、市财政局"),
        ("signed", "等待 市国资委、市财政局 签收", "市国资委、市财政局"),
        ("completion_reported", "等待督查室复核", "督查室"),
        ("cancelled", "已中止", ""),
    ],
)
def test_next_step_for_each_state(make_task, state, text, holder):
    step = next_step(make_task(state))
    assert (step.text, step.holder, step.overdue_days) == (text, holder, 0)


def test_next_step_once_every_unit_signed_and_when_returned(make_task, people):
    task = make_task("in_progress")
    sign_all(task, people)
    assert next_step(fresh(task)).text == "等待 市委统战部 反馈进展"
    task = make_task("returned")
    sign_all(task, people)
    assert next_step(fresh(task)).text == "已退回，等待 市委统战部 重新报送办结"


def test_next_step_of_a_closed_task_and_a_pending_extension(make_task, people):
    closed = make_task("closed")
    assert next_step(closed).text == f"已销号 {timezone.localdate().isoformat()}"
    task = make_task("in_progress")
    later = task.deadline + datetime.timedelta(days=20)
    services.request_extension(task, by=people["tzb"], requested_deadline=later, comment="需协调")
    step = next_step(fresh(task))
    assert step.text == f"申请延期至 {later.isoformat()}，延期申请待审批"


def test_overdue_working_days_skip_the_national_day_holiday(make_task, people, monkeypatch):
    """Deadline Wed 30 September 2026; on Fri 9 October only the 8th and 9th were working
    days (1–7 October are the holiday), so the task is 2 working days late, not 9 days."""
    task = make_task("in_progress")
    sign_all(task, people)
    Task.objects.filter(pk=task.pk).update(deadline=datetime.date(2026, 9, 30), light="red")
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2026, 10, 9))
    task = fresh(task)
    assert task.overdue_working_days == 2
    step = next_step(task)
    assert (step.overdue_days, step.tone) == (2, "red")


def test_the_page_shows_the_next_step_overdue_days_and_no_lone_light_badge(
    client, make_task, people
):
    draft = make_task("draft")
    login(client, "duban")
    page = client.get(draft.get_absolute_url()).text
    assert 'data-testid="next-step-text">等待领导审核<' in page
    assert 'data-testid="light"' not in page and "无灯" not in page  # Light.NONE: no badge
    task = make_task("in_progress")
    Task.objects.filter(pk=task.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=30), light="red"
    )
    page = client.get(task.get_absolute_url()).text
    days = fresh(task).overdue_working_days
    assert days > 10
    assert f"已逾期 {days} 个工作日" in page
    assert 'data-testid="light"' in page


# ---- 销号 with units that have not signed ------------------------------------------------------


def test_verify_refused_while_units_have_not_signed_unless_confirmed(make_task, people):
    task = make_task("completion_reported")
    with pytest.raises(WorkflowError) as refused:
        services.verify_task(task, by=people["supervisor"])
    assert "市国资委、市财政局 尚未签收" in refused.value.message
    assert fresh(task).status == Status.COMPLETION_REPORTED
    services.verify_task(fresh(task), by=people["supervisor"], confirm_unsigned=True)
    assert fresh(task).status == Status.CLOSED


def test_verify_needs_no_confirmation_once_every_unit_signed(make_task, people):
    task = make_task("in_progress")
    sign_all(task, people)
    services.submit_completion(fresh(task), by=people["tzb"], comment="已完成。")
    services.verify_task(fresh(task), by=people["supervisor"])
    assert fresh(task).status == Status.CLOSED


def test_verify_from_the_page_warns_and_needs_the_checkbox(client, make_task):
    task = make_task("completion_reported")
    login(client, "duban")
    page = client.get(task.get_absolute_url()).text
    assert 'data-testid="unsigned-warning"' in page and "市国资委、市财政局 尚未签收" in page
    assert 'name="confirm_unsigned"' in page
    url = reverse("supervision:act", args=[task.pk, "verify"])
    response = client.post(url, {"version": task.version, "comment": "同意"}, follow=True)
    assert "尚未签收" in response.text and fresh(task).status == Status.COMPLETION_REPORTED
    client.post(url, {"version": task.version, "comment": "同意", "confirm_unsigned": "on"})
    assert fresh(task).status == Status.CLOSED


# ---- extension requests ----------------------------------------------------------------------


def test_a_pending_extension_shows_as_requested_and_an_approved_one_as_approved(
    client, make_task, people
):
    task = make_task("signed")
    deadline = task.deadline
    later = deadline + datetime.timedelta(days=15)
    services.request_extension(task, by=people["tzb"], requested_deadline=later, comment="需协调")
    login(client, "duban")
    page = client.get(task.get_absolute_url()).text
    assert f"申请延期至 {later:%Y-%m-%d}，待审批" in page
    assert f'data-testid="deadline">{deadline:%Y-%m-%d}<' in page  # the deadline is unchanged
    assert f"申请延期至 {later:%Y-%m-%d}（现办理时限 {deadline:%Y-%m-%d}）" in page  # timeline
    assert f"办理时限：{deadline:%Y-%m-%d} → {later:%Y-%m-%d}" not in page.split("timeline")[0]
    services.decide_extension(fresh(task), by=people["leader"], approve=True)
    page = client.get(task.get_absolute_url()).text
    assert "已批准" in page and "待审批" not in page
    assert f"办理时限由 {deadline:%Y-%m-%d} 延至 {later:%Y-%m-%d}" in page
    assert f'data-testid="deadline">{later:%Y-%m-%d}<' in page


# ---- the files -------------------------------------------------------------------------------


def test_the_attachments_card_lists_every_file_with_where_it_came_from(client, make_task, people):
    task = make_task("signed")
    lead = people["tzb"]
    services.add_attachments(
        task, by=people["supervisor"], files=[SimpleUploadedFile("交办通知.pdf", b"%PDF-1.4")]
    )
    services.report_progress(
        fresh(task),
        by=lead,
        percent=50,
        text="过半",
        files=[SimpleUploadedFile("进展照片.png", b"\x89PNG")],
    )
    services.submit_completion(
        fresh(task),
        by=lead,
        comment="台账已建立并运行。",
        files=[SimpleUploadedFile("办结材料.docx", b"PK")],
    )
    login(client, "duban")
    page = client.get(task.get_absolute_url()).text
    card = page.split('id="attachments"')[1].split('class="card mb-3"')[0]
    today = timezone.localdate().isoformat()
    for name, source in [
        ("交办通知.pdf", "事项附件"),
        ("进展照片.png", f"市委统战部 进展反馈，{today}"),
        ("办结材料.docx", f"办结报告，{today}"),
    ]:
        assert name in card and source in card
    report = page.split('data-testid="completion-report"')[1].split('class="card mb-3"')[0]
    assert "台账已建立并运行。" in report and "办结材料.docx" in report


# ---- comments: threads and @mentions -----------------------------------------------------------


def test_a_reply_hangs_under_its_comment_and_a_mention_notifies_the_units_handler(
    client, make_task, people
):
    task = make_task("in_progress")
    login(client, "duban")
    url = reverse("supervision:comment", args=[task.pk])
    response = client.post(
        url, {"text": "@市国资 请于周五前报送数据，@XX钢铁集团 知悉"}, follow=True
    )
    comment = task.events.get(action="comment")
    assert response.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
    assert "已通知：市国资委。" in response.text
    assert "XX钢铁集团 未参与本事项，未予通知。" in response.text
    told = Notification.objects.get(recipient=people["gzw"], url__contains="#comment-")
    assert told.url == f"{task.get_absolute_url()}#comment-{comment.pk}"
    assert "提到了贵单位" in told.title
    assert not Notification.objects.filter(recipient=people["steel"]).exists()
    assert not Notification.objects.filter(recipient=people["czj"], url__contains="#").exists()

    client.logout()
    login(client, "gzw")
    client.post(url, {"text": "收到，周五前报送。", "reply_to": comment.pk})
    reply = task.events.get(reply_to=comment)
    assert Notification.objects.filter(recipient=people["supervisor"], url__endswith=f"-{reply.pk}")
    page = client.get(task.get_absolute_url()).text
    thread = page.split(f'id="comment-{comment.pk}"')[1].split('data-action="')[0]
    assert f'id="comment-{reply.pk}"' in thread and "收到，周五前报送。" in thread
    assert page.count("收到，周五前报送。") == 1  # not again as a line of its own


def test_a_reply_to_a_comment_of_another_task_is_refused(make_task, people):
    task, other = make_task("in_progress"), make_task("in_progress")
    comment = services.add_comment(other, by=people["supervisor"], text="另一事项")
    with pytest.raises(WorkflowError):
        services.add_comment(task, by=people["supervisor"], text="回复", reply_to=comment.pk)


# ---- previews -------------------------------------------------------------------------------


def _attach(task, people, name, data):
    services.add_attachments(task, by=people["supervisor"], files=[SimpleUploadedFile(name, data)])
    return task.attachments.get(name=name)


def test_previews_of_an_image_a_pdf_and_a_docx(client, make_task, people, png_bytes, docx_bytes):
    task = make_task("in_progress")
    image = _attach(task, people, "现场.png", png_bytes)
    pdf = _attach(task, people, "方案.pdf", b"%PDF-1.4\n%%EOF")
    word = _attach(task, people, "材料.docx", docx_bytes)
    other = _attach(task, people, "数据.xlsx", b"PK")
    login(client, "gzw")
    page = client.get(task.get_absolute_url()).text
    inline = reverse("supervision:attachment-inline", args=[image.pk])
    assert f'src="{inline}"' in page  # the thumbnail
    response = client.get(inline)
    assert response["Content-Type"] == "image/png"
    assert "attachment" not in response.get("Content-Disposition", "")
    response = client.get(reverse("supervision:attachment-inline", args=[pdf.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    preview = client.get(reverse("supervision:attachment-preview", args=[pdf.pk])).text
    assert "<iframe" in preview
    preview = client.get(
        reverse("supervision:attachment-preview", args=[word.pk]), headers={"HX-Request": "true"}
    ).text
    assert "关于建立建言献策台账的办结材料" in preview and "台账建立 | 已完成" in preview
    assert "<html" not in preview  # htmx gets the fragment
    assert client.get(reverse("supervision:attachment-preview", args=[other.pk])).status_code == 404
    assert client.get(reverse("supervision:attachment-inline", args=[word.pk])).status_code == 404
    # The task's page still asks for no object or frame source beyond its own.
    assert "object-src 'none'" in client.get(task.get_absolute_url())["Content-Security-Policy"]


def test_a_damaged_docx_says_why(client, make_task, people):
    task = make_task("in_progress")
    word = _attach(task, people, "坏文件.docx", b"not a zip at all")
    login(client, "gzw")
    preview = client.get(reverse("supervision:attachment-preview", args=[word.pk])).text
    assert "该文件不是 Word .docx 文档" in preview


def test_a_handler_of_another_unit_gets_404_for_previews(
    client, make_task, people, png_bytes, docx_bytes
):
    task = make_task("in_progress")
    image = _attach(task, people, "现场.png", png_bytes)
    word = _attach(task, people, "材料.docx", docx_bytes)
    login(client, "steel")
    for name, pk in [
        ("attachment-inline", image.pk),
        ("attachment-preview", image.pk),
        ("attachment-preview", word.pk),
        ("attachment", word.pk),
    ]:
        assert client.get(reverse(f"supervision:{name}", args=[pk])).status_code == 404, name
