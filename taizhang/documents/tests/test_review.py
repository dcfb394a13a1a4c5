"""The review page around the engine: confidence in words, the document's own title,
simplified titles for the ledger, past deadlines, undoing a drop, and learning from the clerk."""

import datetime
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from taizhang.audit.models import AuditRecord
from taizhang.documents import evaluation, services
from taizhang.documents.models import (
    Proposal,
    ProposalState,
    Review,
    ReviewOutcome,
    UnitMapping,
    confidence_level,
)
from taizhang.documents.tests.test_documents import SPEECH
from taizhang.org.models import Unit
from taizhang.supervision.models import Task

NEXT_YEAR = timezone.localdate().year + 1
PLAN = f"""XX市{NEXT_YEAR}年国企统战工作任务分工方案
一、健全统筹协调机制。建立联席会议制度，定期研究国企统战工作。
牵头单位：市委统战部
配合单位：市财政局
完成时限：{NEXT_YEAR}年6月底前
二、搭建建言献策平台。市国资委要建立党外人士建言献策工作室，{NEXT_YEAR}年9月底前投入使用。
"""
HANT = f"""XX市{NEXT_YEAR}年國企統戰工作會議紀要
一、健全統籌協調機制。市委統戰部要切實履行牽頭抓總職責，市國資委要履行好主體責任，{NEXT_YEAR}年6月底前出臺實施意見。
"""


def confidence_cells(page):
    cells = re.findall(r'data-testid="confidence">(.*?)</dd>', page, re.S)
    return [" ".join(strip_tags(c).split()) for c in cells]


def accept_data(proposal, units, **changes):
    data = {
        "title": services.offered(proposal, {})["title"],
        "body": proposal.text,
        "source_kind": "document",
        "priority": "normal",
        "deadline": proposal.deadline.isoformat() if proposal.deadline else "",
        "lead_unit": units["tzb"].pk,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# -- 1. confidence in words ----------------------------------------------------------------------


def test_confidence_becomes_a_word_at_one_set_of_thresholds():
    assert [confidence_level(v) for v in (0.99, 0.85, 0.84, 0.7, 0.69, 0.3)] == [
        "high",
        "high",
        "medium",
        "medium",
        "low",
        "low",
    ]


def test_each_proposal_shows_its_confidence_as_a_word_with_the_reason(upload_text, office):
    speech = upload_text(SPEECH)
    plan = upload_text(PLAN)
    assert list(speech.proposals.values_list("reason", flat=True)) == [
        "enumerated",
        "weak",
        "weak",
    ]
    assert confidence_cells(office.get(speech.get_absolute_url()).content.decode()) == [
        "高 编号的指令性条目",
        "中 仅有较弱的指令词",
        "中 仅有较弱的指令词",
    ]
    assert confidence_cells(office.get(plan.get_absolute_url()).content.decode())[0] == (
        "高 标注了单位或时限"
    )


# -- 2. the document's own title -----------------------------------------------------------------


def test_a_document_is_named_by_its_own_heading_unless_the_uploader_named_it(upload_text, office):
    plan = upload_text(PLAN, name="scan_0042.txt")
    assert plan.title == f"XX市{NEXT_YEAR}年国企统战工作任务分工方案"
    assert plan.title in office.get(reverse("documents:list")).content.decode()

    named = upload_text(PLAN, name="scan_0043.txt", title="统战工作分工")
    assert named.title == "统战工作分工"

    headless = upload_text("一、加强组织领导。市财政局要于6月底前完成。\n", name="会议记录.txt")
    assert headless.title == "会议记录"


# -- 3. traditional script -----------------------------------------------------------------------


def test_a_traditional_proposal_offers_a_simplified_title_and_keeps_its_quote(
    upload_text, office, units
):
    document = upload_text(HANT)
    assert document.title == f"XX市{NEXT_YEAR}年國企統戰工作會議紀要"
    proposal = document.proposals.get()
    assert proposal.title == "健全統籌協調機制"
    page = office.get(document.get_absolute_url()).content.decode()
    assert "登记标题（简体）： 健全统筹协调机制" in page

    url = reverse("documents:accept", args=[proposal.pk])
    form = office.get(url).context["form"]
    assert form.initial["title"] == "健全统筹协调机制"
    assert form.initial["body"] == proposal.text and "統籌" in form.initial["body"]
    assert form.initial["lead_unit"] == units["tzb"]

    response = office.post(url, accept_data(proposal, units, responsible_units=units["gzw"].pk))
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.title == "健全统筹协调机制" and "統籌協調" in task.body
    review = Review.objects.get()
    assert review.outcome == ReviewOutcome.ACCEPTED  # the offered title, not an edit
    assert [e["written"] for e in review.units["lead_unit"]] == ["市委統戰部"]


# -- 4. a deadline already past ------------------------------------------------------------------


def test_a_past_deadline_is_flagged_and_must_be_changed_or_confirmed(upload_text, office, units):
    speech = upload_text(SPEECH)  # its deadlines are in 2025
    plan = upload_text(PLAN)  # next year's
    page = office.get(speech.get_absolute_url()).content.decode()
    assert page.count('data-testid="past-deadline"') == 2
    assert "时限已过：登记前请修改或确认" in page
    assert 'data-testid="past-deadline"' not in office.get(plan.get_absolute_url()).content.decode()

    proposal = speech.proposals.get(order=1)
    url = reverse("documents:accept", args=[proposal.pk])
    form_page = office.get(url).content.decode()
    assert "拟定的时限 2025-06-30 已过" in form_page and "时限虽已过，仍按此时限登记" in form_page
    refused = office.post(url, accept_data(proposal, units))
    assert refused.status_code == 200
    message = refused.context["form"].errors["confirm_past_deadline"][0]
    assert message.startswith("时限 2025-06-30 已过") and "请修改时限，或勾选确认" in message
    assert not Task.objects.exists()

    later = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    assert office.post(url, accept_data(proposal, units, deadline=later)).status_code == 302
    assert Task.objects.get().deadline.isoformat() == later
    # Moved forward for the ledger: the document's own date stays the gold one.
    moved = Review.objects.get(proposal=proposal)
    assert evaluation.gold_deadline(moved) == ("2025-06-30", "2025年6月底前")

    other = speech.proposals.get(order=2)
    url = reverse("documents:accept", args=[other.pk])
    confirmed = accept_data(other, units, confirm_past_deadline="on")
    assert office.post(url, confirmed).status_code == 302
    assert Task.objects.get(proposal=other).deadline == datetime.date(2025, 12, 31)


def test_a_deadline_out_of_range_is_a_message_not_an_error_page(upload_text, office, units):
    proposal = upload_text(SPEECH).proposals.get(order=1)
    url = reverse("documents:accept", args=[proposal.pk])
    response = office.post(
        url, accept_data(proposal, units, deadline="1990-01-01", confirm_past_deadline="on")
    )
    assert response.status_code == 200
    assert "时限 1990-01-01 不在" in response.content.decode()


# -- 5. undoing a drop ---------------------------------------------------------------------------


def test_a_dropped_proposal_can_be_restored(upload_text, office):
    speech = upload_text(SPEECH)
    proposal = speech.proposals.get(order=2)
    office.post(reverse("documents:drop", args=[proposal.pk]))
    page = office.get(speech.get_absolute_url()).content.decode()
    assert "撤销舍弃" in page and "已舍弃" in page

    response = office.post(reverse("documents:restore", args=[proposal.pk]), follow=True)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PROPOSED and proposal.decided_by is None
    assert "撤销舍弃" not in response.content.decode()
    assert Review.objects.get(proposal=proposal).undone_at is not None
    changes = AuditRecord.objects.filter(
        object_type="documents.proposal", object_id=str(proposal.pk), action="update"
    )
    assert any('"proposed"' in r.changes for r in changes)

    again = office.post(reverse("documents:restore", args=[proposal.pk]), follow=True)
    assert "无法" in again.content.decode() or "已是" in again.content.decode()


def test_only_the_office_may_restore(upload_text, office, people, client):
    proposal = upload_text(SPEECH).proposals.get(order=2)
    services.drop(proposal, by=people["supervisor"])
    with pytest.raises(services.NotAllowed):
        services.restore(proposal, by=people["leader"])
    client.force_login(people["gzw"])
    assert client.post(reverse("documents:restore", args=[proposal.pk])).status_code == 403


# -- 6. learning from the clerk ------------------------------------------------------------------


def eval_dir():
    found = os.environ.get("TAIZHANG_EVAL_DIR")
    here = Path(__file__).resolve().parents[3].parent / "shared" / "eval"
    return Path(found) if found else here


def test_reviews_are_kept_and_exported_as_a_gold_set_that_score_py_reads(
    upload_text, office, people, units, tmp_path
):
    speech = upload_text(SPEECH)
    first, second, third = speech.proposals.order_by("order")
    office.post(
        reverse("documents:map_unit", args=[second.pk]),
        {"name": "XX钢铁集团", "unit": units["steel"].pk},
    )
    assert UnitMapping.objects.get().name == "XX钢铁集团"
    accept = reverse("documents:accept", args=[first.pk])
    office.post(
        accept,
        accept_data(
            first,
            units,
            responsible_units=units["gzw"].pk,
            cooperating_units=units["czj"].pk,
            confirm_past_deadline="on",
        ),
    )
    office.post(
        reverse("documents:accept", args=[second.pk]),
        accept_data(
            second,
            units,
            title="搭建党外人士建言献策平台",
            lead_unit=units["steel"].pk,
            confirm_past_deadline="on",
        ),
    )
    office.post(reverse("documents:drop", args=[third.pk]))
    assert [r.outcome for r in Review.objects.order_by("start")] == [
        ReviewOutcome.ACCEPTED,
        ReviewOutcome.EDITED,
        ReviewOutcome.DROPPED,
    ]

    listing = office.get(reverse("documents:list")).content.decode()
    assert "本单位文件的解析准确率" in listing and "67%" in listing
    assert "已审阅 3 条拟办任务，接受 2 条（其中修改后接受 1 条），舍弃 1 条" in listing

    out = tmp_path / "gold"
    call_command("extract-eval", "export", "--org", "city", "--out", str(out))
    gold = [json.loads(line) for line in (out / "gold.jsonl").read_text().splitlines()]
    assert [g["doc_id"] for g in gold] == [f"doc{speech.pk}"]
    assert (out / f"doc{speech.pk}.txt").read_text() == speech.text
    tasks = gold[0]["tasks"]
    assert [t["title"] for t in tasks] == ["健全统筹协调机制", "搭建党外人士建言献策平台"]
    assert tasks[0]["lead_units"] == ["市委统战部"]
    assert tasks[0]["responsible_units"] == ["市国资委"]
    assert tasks[0]["cooperating_units"] == ["市财政局"]
    assert (tasks[0]["deadline"], tasks[0]["deadline_text"]) == ("2025-06-30", "2025年6月底前")
    assert tasks[1]["responsible_units"] == ["XX钢铁集团"]  # as the text gives it, kept
    for task in tasks:
        assert 8 <= len(task["anchor"]) <= 30 and speech.text.count(task["anchor"]) == 1

    pred = tmp_path / "pred.jsonl"
    with pred.open("w") as f:
        subprocess.run(
            [sys.executable, "-m", "taizhang.extract", str(out), "--jsonl"]
            + ["--units", str(out / "units.tsv")],
            stdout=f,
            check=True,
        )
    scorer = eval_dir() / "score.py"
    assert scorer.exists(), f"score.py is missing: {scorer}"
    run = subprocess.run(
        [sys.executable, str(scorer), str(out), str(pred), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(run.stdout)
    assert result["tasks"] == {"precision": 0.6667, "recall": 1.0, "f1": 0.8}
    assert result["units"]["f1"] == 1.0 and result["deadline_accuracy"] == 1.0

    spec = importlib.util.spec_from_file_location("eval_score", scorer)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.load_gold(out)[f"doc{speech.pk}"]["script"] == "hans"


def test_a_document_with_proposals_left_to_review_is_not_exported(upload_text, office, tmp_path):
    speech = upload_text(SPEECH)
    office.post(reverse("documents:drop", args=[speech.proposals.first().pk]))
    call_command("extract-eval", "export", "--org", "city", "--out", str(tmp_path))
    assert (tmp_path / "gold.jsonl").read_text() == ""


# -- the page with many proposals ----------------------------------------------------------------


def test_the_document_page_reads_in_the_same_queries_however_many_proposals(
    upload_text, office, people, units
):
    def queries(document):
        with CaptureQueriesContext(connection) as ctx:
            assert office.get(document.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    small = upload_text(PLAN)
    items = "".join(
        f"{n}、建立第{n}项工作机制。市国资委要于{NEXT_YEAR}年6月底前完成。\n" for n in range(1, 41)
    )
    large = upload_text(f"XX市工作任务清单\n{items}")
    assert large.proposals.count() == 40
    for p in large.proposals.all()[:5]:
        services.drop(p, by=people["supervisor"])
    proposal = large.proposals.filter(state=ProposalState.PROPOSED).first()
    services.accept(
        proposal,
        by=people["supervisor"],
        title=proposal.title,
        lead_unit=units["gzw"],
        deadline=proposal.deadline,
    )
    assert queries(large) == queries(small)
    assert Proposal.objects.filter(document=large, state=ProposalState.DROPPED).count() == 5


def test_export_needs_the_organisation_when_there_are_several(org, other_org, tmp_path):
    with pytest.raises(CommandError, match="--org"):
        call_command("extract-eval", "export", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="nowhere"):
        call_command("extract-eval", "export", "--org", "nowhere", "--out", str(tmp_path))


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("在全市工作会议上的讲话", "speech"),
        ("XX縣人民政府第十二次常務會議紀要", "minutes"),
        ("2025年重点任务分工方案", "plan"),
        ("关于巡察反馈问题整改情况的报告", "rectification"),
        ("关于做好防汛工作的通知", "notice"),
    ],
)
def test_the_exported_kind_comes_from_the_title(title, kind):
    assert evaluation.kind(title) == kind


def test_an_anchor_is_unique_in_the_document():
    text = (
        "一、加强领导。各单位要加强领导。\n"
        "二、加强领导。各单位要加强领导，市财政局年底前完成经费保障。\n"
    )
    start = text.index("二")
    found = evaluation.anchor(text, start, len(text))
    assert 8 <= len(found) <= 30 and text.count(found) == 1 and found in text[start:]
    assert evaluation.anchor("重复的文字重复的文字", 0, 5) is None


def test_a_document_read_again_counts_each_decision_once(upload_text, office, units, tmp_path):
    speech = upload_text(SPEECH)
    first, second, third = speech.proposals.order_by("order")
    for proposal in (first, second):
        url = reverse("documents:accept", args=[proposal.pk])
        office.post(url, accept_data(proposal, units, confirm_past_deadline="on"))
    office.post(reverse("documents:drop", args=[third.pk]))

    services.process(speech.pk)  # read again: new proposals, the old decisions superseded
    assert Review.objects.filter(superseded_at=None).count() == 0
    listing = office.get(reverse("documents:list")).content.decode()
    assert "本单位文件的解析准确率" not in listing
    for proposal in speech.proposals.order_by("order")[:2]:
        url = reverse("documents:accept", args=[proposal.pk])
        office.post(url, accept_data(proposal, units, confirm_past_deadline="on"))
    office.post(reverse("documents:drop", args=[speech.proposals.get(order=3).pk]))

    listing = office.get(reverse("documents:list")).content.decode()
    assert "已审阅 3 条拟办任务，接受 2 条（其中修改后接受 2 条），舍弃 1 条" in listing
    call_command("extract-eval", "export", "--org", "city", "--out", str(tmp_path))
    gold = [json.loads(line) for line in (tmp_path / "gold.jsonl").read_text().splitlines()]
    assert [len(g["tasks"]) for g in gold] == [2]


def test_a_past_date_typed_in_any_format_asks_for_the_confirmation_beside_it(
    upload_text, office, units
):
    proposal = upload_text(PLAN).proposals.get(order=1)  # next year's deadline: no box at first
    url = reverse("documents:accept", args=[proposal.pk])
    page = office.get(url).content.decode()
    assert "时限虽已过，仍按此时限登记" not in page
    # A valid date that is not ISO (the date input's fallback takes what Django parses).
    refused = office.post(url, accept_data(proposal, units, deadline="2025/6/30"))
    assert refused.status_code == 200 and not Task.objects.exists()
    page = refused.content.decode()
    assert "时限虽已过，仍按此时限登记" in page
    errors = refused.context["form"].errors["confirm_past_deadline"]
    assert errors[0].startswith("时限 2025-06-30 已过")
    fields = list(refused.context["form"].fields)
    assert fields[fields.index("deadline") + 1] == "confirm_past_deadline"
    assert page.index('name="deadline"') < page.index('name="confirm_past_deadline"')
    confirmed = accept_data(proposal, units, deadline="2025/6/30", confirm_past_deadline="on")
    assert office.post(url, confirmed).status_code == 302
    assert Task.objects.get().deadline == datetime.date(2025, 6, 30)


def test_the_document_page_marks_each_state_from_the_models_own_values(upload_text, office):
    template = Path(__file__).resolve().parents[1] / "templates" / "documents" / "detail.html"
    assert not re.search(r"""state\s*==\s*["']""", template.read_text())
    speech = upload_text(SPEECH)
    first, second, _third = speech.proposals.order_by("order")
    office.post(reverse("documents:drop", args=[second.pk]))
    page = office.get(speech.get_absolute_url()).content.decode()
    assert page.count("撤销舍弃") == 1 and page.count("接受…") == 2
    assert "bg-secondary-lt" in page and page.count("bg-blue-lt") == 2


def test_remembering_a_unit_name_keeps_what_the_clerk_typed(upload_text, office, units):
    speech = upload_text(SPEECH)
    proposal = speech.proposals.get(order=3)  # names XX矿业公司, not one of our units
    url = reverse("documents:accept", args=[proposal.pk])
    page = office.get(url).content.decode()
    assert 'name="unit:XX矿业公司"' in page and 'form="accept-form"' in page
    typed = accept_data(proposal, units, title="推动矿业公司统战工作（已改）", priority="high")
    typed.update({"name": "XX矿业公司", "unit:XX矿业公司": units["steel"].pk})
    response = office.post(reverse("documents:map_unit", args=[proposal.pk]), typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert "今后“XX矿业公司”将识别为XX钢铁集团有限公司" in page
    assert 'value="推动矿业公司统战工作（已改）"' in page
    assert re.search(r'<option value="high" selected>', page)
    confirm = re.search(r'<input [^>]*name="confirm_past_deadline"[^>]*>', page).group()
    assert 'value="False"' in confirm and "checked" not in confirm  # the clerk did not tick it
    assert "XX矿业公司" in Unit.objects.get(pk=units["steel"].pk).alias_list
    assert response.context["unknown"] == [] and not Task.objects.exists()


def test_a_decided_proposal_opens_its_document_saying_who_decided_it(
    upload_text, office, people, units
):
    speech = upload_text(SPEECH)
    first, second, _third = speech.proposals.order_by("order")
    office.post(
        reverse("documents:accept", args=[first.pk]),
        accept_data(first, units, confirm_past_deadline="on"),
    )
    services.drop(second, by=people["supervisor"])
    for proposal, how in ((first, "已接受"), (second, "已舍弃")):
        response = office.get(reverse("documents:accept", args=[proposal.pk]), follow=True)
        assert (
            response.redirect_chain[0][0] == f"{speech.get_absolute_url()}#proposal-{proposal.pk}"
        )
        assert "该拟办任务已由 duban 于" in response.content.decode()
        assert f"处理（{how}）" in response.content.decode()
        assert 'id="accept-form"' not in response.content.decode()


def test_export_lists_the_codes_says_recall_is_overstated_and_why_each_document_is_skipped(
    upload_text, office, org, other_org, units, tmp_path, capsys
):
    with pytest.raises(CommandError, match=f"Organisation codes: .*{org.code}"):
        call_command("extract-eval", "export", "--out", str(tmp_path))
    reviewed = upload_text(SPEECH)
    first, *others = reviewed.proposals.order_by("order")
    by = reviewed.uploaded_by
    services.accept(
        first,
        by=by,
        title=first.title,
        lead_unit=units["tzb"],
        deadline=first.deadline,
        confirm_past_deadline=True,
    )
    for p in others:
        services.drop(p, by=by)
    half = upload_text(PLAN)
    services.drop(half.proposals.first(), by=half.uploaded_by)
    untouched = upload_text(PLAN)
    call_command("extract-eval", "export", "--org", org.code, "--out", str(tmp_path))
    out, err = capsys.readouterr()
    assert f"Skipped document {half.pk} “{half.title}”: 1 proposals still to review." in err
    assert f"Skipped document {untouched.pk} “{untouched.title}”: no reviewed proposals." in err
    assert f"Skipped document {reviewed.pk}" not in err
    assert "(2 documents skipped)" in out
    assert "recall score.py reports is overstated" in out
    assert "run the evaluation kit's score.py (it is not part of taizhang)" in out
