"""The documents page: upload, background reading, proposals accepted, edited or dropped."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import PASSWORD
from taizhang.documents import services
from taizhang.documents.models import DocumentStatus, Proposal, ProposalState, SourceDocument
from taizhang.org.models import Unit
from taizhang.supervision.models import Task

SPEECH = """在全市国有企业统战工作推进会上的讲话
（2025年3月12日）
过去一年，全市国企统战工作取得了明显成效。主要体现在：一是建立了联席会议制度。二是培养了一批党外代表人士。
下面，我讲三点意见。
一要健全统筹协调机制。市委统战部要切实履行牵头抓总职责，市国资委要履行好主体责任，市财政局给予积极配合，2025年6月底前出台实施意见。
二要搭建建言献策平台。XX钢铁集团要建立党外人士建言献策工作室，年底前投入使用。
三要建立成果转化机制。XX矿业公司负责建立建议采纳台账，每季度报送一次。
"""


@pytest.fixture
def client_for(client):
    def login(user):
        client.login(username=user.username, password=PASSWORD)
        return client

    return login


@pytest.fixture
def uploaded(people, client_for, django_capture_on_commit_callbacks):
    client = client_for(people["supervisor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:list"),
            {"file": SimpleUploadedFile("speech.txt", SPEECH.encode("gb18030")), "title": ""},
        )
    document = SourceDocument.objects.get()
    assert response.url == document.get_absolute_url()
    document.refresh_from_db()
    return document


def test_upload_reads_the_document_in_the_background_and_proposes_its_tasks(uploaded, client):
    assert uploaded.status == DocumentStatus.DONE and uploaded.progress == 100
    assert (
        uploaded.title == "在全市国有企业统战工作推进会上的讲话"
    )  # its heading, not the file name
    titles = list(uploaded.proposals.values_list("title", flat=True))
    assert titles == ["健全统筹协调机制", "搭建建言献策平台", "建立成果转化机制"]
    first = uploaded.proposals.first()
    assert (first.lead_units, first.responsible_units, first.cooperating_units) == (
        ["市委统战部"],
        ["市国资委"],
        ["市财政局"],
    )
    assert uploaded.text[first.start : first.end] == first.text

    page = client.get(uploaded.get_absolute_url()).content.decode()
    assert f'<mark id="span-{first.pk}"' in page
    assert "健全统筹协调机制" in page and "接受" in page


def test_accepting_registers_a_draft_task_linked_to_the_span(uploaded, client, units):
    proposal = uploaded.proposals.first()
    url = reverse("documents:accept", args=[proposal.pk])
    form = client.get(url).context["form"]
    assert form.initial["lead_unit"] == units["tzb"]
    assert form.initial["responsible_units"] == [units["gzw"]]
    assert form.initial["cooperating_units"] == [units["czj"]]
    assert str(form.initial["deadline"]) == "2025-06-30"

    data = {
        "title": "健全国企统战工作统筹协调机制",  # edited before accepting
        "body": proposal.text,
        "source_kind": "document",
        "priority": "normal",
        "deadline": "2025-06-30",
        "lead_unit": units["tzb"].pk,
        "responsible_units": [units["gzw"].pk],
        "cooperating_units": [units["czj"].pk],
        "confirm_past_deadline": "on",  # the speech's 2025 deadline has passed
    }
    response = client.post(url, data)
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.title == "健全国企统战工作统筹协调机制"
    assert task.source_kind == "document" and task.source_ref.startswith(
        "在全市国有企业统战工作推进会上的讲话（"
    )
    assert task.lead_unit == units["tzb"]
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED and proposal.task == task

    again = client.post(url, data, follow=True)
    assert again.redirect_chain[-1][0].startswith(uploaded.get_absolute_url())
    assert "该拟办任务已由 duban 于" in again.content.decode()
    assert Task.objects.count() == 1


def test_unknown_unit_names_are_mapped_and_remembered_as_aliases(uploaded, client, units):
    proposal = uploaded.proposals.get(order=3)  # XX矿业公司 is not one of our units
    url = reverse("documents:accept", args=[proposal.pk])
    response = client.get(url)
    assert [name for name, _ in response.context["unknown"]] == ["XX矿业公司"]

    client.post(
        reverse("documents:map_unit", args=[proposal.pk]),
        {"name": "XX矿业公司", "unit": units["steel"].pk},
    )
    assert "XX矿业公司" in Unit.objects.get(pk=units["steel"].pk).alias_list
    response = client.get(url)
    assert response.context["unknown"] == []
    assert response.context["form"].initial["lead_unit"] == units["steel"]


def test_dropping_a_proposal(uploaded, client):
    proposal = uploaded.proposals.get(order=2)
    client.post(reverse("documents:drop", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DROPPED
    assert not Task.objects.exists()


def test_files_that_cannot_be_read_say_why(people, client_for, django_capture_on_commit_callbacks):
    client = client_for(people["supervisor"])
    response = client.post(
        reverse("documents:list"), {"file": SimpleUploadedFile("minutes.exe", b"MZ...")}
    )
    assert "不是 .txt、.docx、.xlsx 或 .pdf 文件" in response.content.decode()
    assert not SourceDocument.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("documents:list"),
            {"file": SimpleUploadedFile("plan.docx", io.BytesIO(b"not a zip").read())},
        )
    document = SourceDocument.objects.get()
    assert document.status == DocumentStatus.FAILED
    assert "Word 文件" in document.error
    assert "Word 文件" in client.get(document.get_absolute_url()).content.decode()


def test_only_supervisors_of_the_organisation_see_documents(uploaded, people, other_org, client):
    client.login(username=people["gzw"].username, password=PASSWORD)
    assert client.get(reverse("documents:list")).status_code == 403
    client.login(username=other_org["supervisor"].username, password=PASSWORD)
    assert client.get(uploaded.get_absolute_url()).status_code == 404
    proposal = Proposal.objects.first()
    assert client.post(reverse("documents:drop", args=[proposal.pk])).status_code == 404


def test_the_dictionary_holds_every_name_of_every_unit(org, units):
    dictionary = services.unit_dictionary(org)
    assert dictionary.canonical("国资委") == "XX市人民政府国有资产监督管理委员会"
    assert dictionary.canonical("市委统战部") == "中共XX市委统战部"


def test_reading_a_document_is_in_the_audit_log(uploaded):
    from taizhang.audit.models import AuditRecord

    records = AuditRecord.objects.filter(object_type__startswith="documents.")
    proposals = records.filter(object_type="documents.proposal", action="create")
    assert proposals.count() == uploaded.proposals.count() > 0
    finished = records.filter(object_type="documents.sourcedocument", action="update")
    assert any('"done"' in r.changes for r in finished)


def plan_workbook() -> bytes:
    """A 分工方案 as offices send it: a title merged across the header, a lead merged down."""
    import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2025年国企统战工作任务分工"])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "工作任务", "牵头单位", "配合单位", "完成时限"])
    ws.append(
        [1, "健全统筹协调机制", "市委统战部", "市国资委\n市财政局", datetime.datetime(2025, 6, 30)]
    )
    ws.append([2, "搭建建言献策平台", None, "XX钢铁集团", "2025年底前"])
    ws.append([3, "建立成果转化机制", "市国资委", "", datetime.datetime(2025, 9, 30)])
    ws.merge_cells("C3:C4")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_an_excel_plan_is_uploaded_read_and_proposed(
    people, client_for, units, django_capture_on_commit_callbacks
):
    client = client_for(people["supervisor"])
    page = client.get(reverse("documents:list")).content.decode()
    assert 'accept=".txt,.docx,.xlsx,.pdf"' in page and ".xlsx" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("documents:list"),
            {"file": SimpleUploadedFile("分工.xlsx", plan_workbook()), "title": ""},
        )
    document = SourceDocument.objects.get()
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE, document.error
    assert document.text.splitlines()[0] == "2025年国企统战工作任务分工"
    rows = [
        (p.title, p.lead_units, p.cooperating_units, p.deadline_text)
        for p in document.proposals.order_by("order")
    ]
    assert rows == [
        ("健全统筹协调机制", ["市委统战部"], ["市国资委", "市财政局"], "2025年6月30日"),
        ("搭建建言献策平台", ["市委统战部"], ["XX钢铁集团"], "2025年底前"),
        ("建立成果转化机制", ["市国资委"], [], "2025年9月30日"),
    ]
    first = document.proposals.get(order=1)
    form = client.get(reverse("documents:accept", args=[first.pk])).context["form"]
    assert form.initial["lead_unit"] == units["tzb"]
    assert form.initial["cooperating_units"] == [units["gzw"], units["czj"]]
    assert str(form.initial["deadline"]) == "2025-06-30"
    assert "健全统筹协调机制" in client.get(document.get_absolute_url()).content.decode()


def test_an_encrypted_workbook_fails_with_the_reason(
    people, client_for, django_capture_on_commit_callbacks
):
    client = client_for(people["supervisor"])
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:list"), {"file": SimpleUploadedFile("分工.xlsx", encrypted)})
    document = SourceDocument.objects.get()
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "已加密" in client.get(document.get_absolute_url()).content.decode()


def test_each_failure_says_once_what_went_wrong_and_what_to_do(
    people, client_for, django_capture_on_commit_callbacks
):
    client = client_for(people["supervisor"])
    url = reverse("documents:list")
    old = client.post(url, {"file": SimpleUploadedFile("纪要.doc", b"\xd0\xcf\x11\xe0")})
    assert "请在 Word 或 WPS 中另存为 .docx 后上传" in old.content.decode()
    empty = client.post(url, {"file": SimpleUploadedFile("纪要.txt", b"")})
    assert "文件是空的，请检查后重新上传" in empty.content.decode()
    assert "提交的是空文件" not in empty.content.decode()
    assert not SourceDocument.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": SimpleUploadedFile("plan.docx", b"not a zip")})
        client.post(url, {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 broken")})
    word, pdf = SourceDocument.objects.order_by("pk")
    page = client.get(word.get_absolute_url()).content.decode()
    assert page.count("无法读取") == 1 and "无法读取该 Word 文件" in page
    assert pdf.error.startswith("无法读取该 PDF 文件")
    assert "请重新导出 PDF，或上传 Word 版本" in client.get(pdf.get_absolute_url()).content.decode()
