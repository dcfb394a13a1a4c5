"""Broken and hostile documents always end: failed with a reason in Chinese, within a limit."""

import io
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from taizhang.documents import services
from taizhang.documents.models import DocumentStatus, SourceDocument
from taizhang.utils import jobs
from taizhang.utils.models import WorkerHeartbeat

from . import slow

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
BODY = (
    f'<?xml version="1.0"?><w:document {W}><w:body><w:p><w:r><w:t>{{}}</w:t></w:r></w:p>'
    "</w:body></w:document>"
)


def docx_with(document_xml: bytes) -> bytes:
    """A real .docx whose word/document.xml is replaced."""
    original = io.BytesIO()
    docx.Document().save(original)
    out = io.BytesIO()
    with zipfile.ZipFile(original) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, document_xml if item.filename == "word/document.xml" else data)
    return out.getvalue()


def entity_bomb() -> bytes:
    entities = '<!ENTITY e0 "台账台账台账台账">' + "".join(
        f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10)
    )
    return (f'<?xml version="1.0"?><!DOCTYPE d [{entities}]>' + BODY.format("&e9;")).encode()


def external_entity() -> bytes:
    doctype = '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    return (f'<?xml version="1.0"?>{doctype}' + BODY.format("市委统战部&x;牵头")).encode()


@pytest.fixture
def upload(people, django_capture_on_commit_callbacks):
    def run(name, data):
        with django_capture_on_commit_callbacks(execute=True):
            document = services.upload(by=people["supervisor"], file=SimpleUploadedFile(name, data))
        document.refresh_from_db()
        return document

    return run


@pytest.mark.parametrize(
    "xml",
    [
        pytest.param(BODY.format("市委统战部要牵头").encode()[:90], id="cut-xml"),
        pytest.param(entity_bomb(), id="entity-amplification"),
        pytest.param(BODY.format("字" * 4_000_000).encode(), id="10-mb-text-run"),
    ],
)
def test_a_broken_docx_ends_failed_with_a_reason(upload, xml):
    document = upload("broken.docx", docx_with(xml))
    assert document.status == DocumentStatus.FAILED and document.progress == 100
    assert "无法读取该 Word 文件" in document.error


def test_a_docx_never_reads_an_external_entity(upload):
    document = upload("xxe.docx", docx_with(external_entity()))
    assert "root:" not in document.text
    assert document.status == DocumentStatus.FAILED and "无法读取该 Word 文件" in document.error


def test_a_file_that_is_not_a_zip_at_all_fails_with_a_reason(upload):
    document = upload("fake.docx", b"PK\x03\x04 not really a zip")
    assert document.status == DocumentStatus.FAILED
    assert "无法读取该 Word 文件" in document.error


def test_a_reader_that_never_finishes_is_stopped_at_the_time_limit(upload, settings, monkeypatch):
    settings.TAIZHANG_DOCUMENT_TIME_LIMIT_SECONDS = 1
    monkeypatch.setattr(services, "READ_AND_EXTRACT", slow.read_for_ever)
    document = upload("speech.txt", "市委统战部要牵头抓总。".encode())
    assert document.status == DocumentStatus.FAILED
    assert document.error.startswith("处理超时") and "1 秒" in document.error


def test_a_reader_past_the_memory_limit_fails_with_a_reason(upload, settings, monkeypatch):
    settings.TAIZHANG_DOCUMENT_MEMORY_LIMIT_MB = 1024
    monkeypatch.setattr(services, "READ_AND_EXTRACT", slow.read_greedily)
    document = upload("speech.txt", "市委统战部要牵头抓总。".encode())
    assert document.status == DocumentStatus.FAILED
    assert "1024 MB" in document.error and "内存" in document.error


def test_an_engine_that_crashes_fails_the_document_and_its_job(upload, monkeypatch, caplog):
    monkeypatch.setattr(services, "READ_AND_EXTRACT", slow.read_and_crash)
    document = upload("speech.txt", "市委统战部要牵头抓总。".encode())
    assert document.status == DocumentStatus.FAILED
    assert document.error == "未能从该文件中分解任务，错误已记录。"
    assert document.text == "市委统战部要牵头抓总。"  # what was read before the crash
    assert "RuntimeError: a bug in the engine" in caplog.text  # in the worker's log


def test_a_19_mb_text_ends_at_the_time_limit(upload, settings):
    settings.TAIZHANG_DOCUMENT_TIME_LIMIT_SECONDS = 2
    line = "一要健全统筹协调机制。市委统战部要切实履行牵头抓总职责，市国资委要履行好主体责任。\n"
    data = (line * (19 * 1024 * 1024 // len(line.encode())))[:6_600_000].encode()
    assert 18 * 1024 * 1024 < len(data) < 20 * 1024 * 1024
    document = upload("long.txt", data)
    assert document.status == DocumentStatus.FAILED
    assert "处理超时" in document.error


def test_a_document_whose_job_was_interrupted_ends_failed(upload, people):
    document = upload("speech.txt", "市委统战部要牵头抓总。".encode())
    SourceDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.PROCESSING, progress=40
    )
    WorkerHeartbeat.objects.create(
        worker_id="w2",
        queue_name="documents",
        hostname="elsewhere",
        pid=1,
        started_at=document.uploaded_at,
        seen_at=document.uploaded_at,
        stopped_at=document.uploaded_at,  # the worker was stopped under the job
    )
    job = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [document.pk], "kwargs": {}},
        task_path="taizhang.documents.jobs.process_document",
        queue_name="documents",
        backend_name="default",
        run_after=get_date_max(),
        worker_ids=["w1", "w2"],  # its second attempt
        started_at=document.uploaded_at,
    )
    assert jobs.reap_interrupted_jobs() == [job]
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED and document.progress == 100
    assert document.error == "处理中断：执行该任务的后台进程在任务完成前已停止。"


def test_the_documents_page_shows_the_failure_instead_of_progress(upload, client, people):
    from conftest import PASSWORD

    document = upload("broken.docx", docx_with(b"<w:document"))
    client.login(username=people["supervisor"].username, password=PASSWORD)
    html = client.get(document.get_absolute_url()).content.decode()
    assert "无法读取该 Word 文件" in html
    assert "progress-bar" not in html
