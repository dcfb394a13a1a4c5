"""Whole documents of each genre, written for these tests, through the engine and the CLI."""

import datetime
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from taizhang.extract import extract_file

DOCUMENTS = Path(__file__).parent / "documents"
# The shared evaluation set lives beside the project (../shared/eval); TAIZHANG_EVAL_DIR moves it.
SHARED_EVAL = Path(
    os.environ.get("TAIZHANG_EVAL_DIR")
    or Path(__file__).resolve().parents[3].parent / "shared" / "eval"
)


def proposals(name):
    return extract_file(DOCUMENTS / name).proposals


def test_speech_skips_achievements_and_problems_and_finds_the_three_directives():
    first, second, third = proposals("speech.txt")
    assert [first.title, second.title, third.title] == [
        "压紧压实安全生产责任",
        "深化重点行业领域专项整治",
        "全面提升应急处置能力",
    ]
    assert first.lead_units == ["市应急管理局"]
    assert first.responsible_units == ["市住建委", "市交通运输局", "各区县人民政府"]
    assert first.deadline == datetime.date(2025, 6, 30)
    assert (second.responsible_units, second.cooperating_units) == (
        ["市消防救援支队"],
        ["市市场监管局"],
    )
    assert second.deadline == datetime.date(2025, 9, 30)
    assert (third.responsible_units, third.deadline_text) == (["市财政局"], "年底前")


def test_traditional_minutes_are_quoted_in_their_own_script():
    first, second, third = proposals("minutes_hant.txt")
    assert first.title == "關於城市燃氣管道老化更新改造"
    assert first.lead_units == ["市城市管理局"]
    assert first.cooperating_units == ["市財政局", "市住房和城鄉建設局"]
    assert first.deadline == datetime.date(2025, 9, 30)
    assert (second.responsible_units, second.cooperating_units) == (
        ["市教育局"],
        ["各區縣人民政府"],
    )
    assert (second.deadline, second.deadline_text) == (datetime.date(2025, 8, 31), "8月底前")
    # Ten working days from the meeting on Friday 2025-05-09.
    assert (third.lead_units, third.deadline) == (["市水利局"], datetime.date(2025, 5, 23))
    text = (DOCUMENTS / "minutes_hant.txt").read_text(encoding="utf-8")
    assert text[third.start : third.end] == third.text and "出席" not in third.text


def test_rectification_plan_lists_measures_not_problems_or_principles():
    measures = proposals("rectification.txt")
    assert [m.title for m in measures] == [
        "强化项目全过程监管",
        "规范惠农补贴资金发放",
        "健全长效监管机制",
    ]
    assert measures[0].responsible_units == ["县农业农村局农田建设股"]
    assert measures[1].cooperating_units == ["县财政局"]
    assert measures[1].deadline == datetime.date(2025, 8, 31)
    assert (measures[2].deadline, measures[2].deadline_text) == (None, "长期坚持")


def test_notice_in_gbk_with_working_day_deadline(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_bytes((DOCUMENTS / "notice.txt").read_text(encoding="utf-8").encode("gbk"))
    check, fix, spot = extract_file(path).proposals
    assert check.deadline == datetime.date(2025, 11, 14)
    assert check.responsible_units == []  # 各单位 is no unit; 办公室 only receives the report
    assert fix.deadline_text == "10个工作日内"
    assert (spot.lead_units, spot.cooperating_units) == (["办公室"], ["机关党委"])


def test_cli_reads_folders_and_writes_one_json_line_per_document(tmp_path):
    units = tmp_path / "units.tsv"
    units.write_text("市水利局\t水利局\n", encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "taizhang.extract",
            str(DOCUMENTS),
            "--jsonl",
            "--units",
            str(units),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    # Sub-folders too (documents/kinds), in path order.
    assert [Path(d["file"]) for d in lines] == sorted(DOCUMENTS.rglob("*.txt"))
    task = next(d for d in lines if Path(d["file"]).name == "minutes_hant.txt")["tasks"][0]
    assert set(task) >= {
        "title",
        "text",
        "start",
        "end",
        "lead_units",
        "responsible_units",
        "cooperating_units",
        "deadline",
        "deadline_text",
        "confidence",
    }
    assert isinstance(task["confidence"], float) and task["deadline"] == "2025-09-30"


def test_cli_table_and_unreadable_files(tmp_path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a word file")
    run = subprocess.run(
        [sys.executable, "-m", "taizhang.extract", str(DOCUMENTS / "speech.txt"), str(broken)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert "压紧压实安全生产责任" in run.stdout and "市应急管理局" in run.stdout
    assert "无法读取" in run.stdout and "Word 文件" in run.stdout


def load_scorer():
    spec = importlib.util.spec_from_file_location("eval_score", SHARED_EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("part", ["dev", "dev2"])
def test_quality_floors_on_the_shared_development_set(part):
    gold_dir = SHARED_EVAL / part
    assert (gold_dir / "gold.jsonl").exists(), f"the development set is missing: {gold_dir}"
    score = load_scorer()
    predicted = {}
    for path in sorted(gold_dir.glob("*.txt")):
        predicted[path.stem] = [p.as_json() for p in extract_file(path).proposals]
    result = score.score(score.load_gold(gold_dir), predicted)
    assert result["missing_documents"] == []
    assert result["tasks"]["f1"] >= 0.90, result["per_doc"]
    assert result["units"]["f1"] >= 0.85, result["roles"]
    assert result["units_end_to_end"]["f1"] >= 0.80, result["units_end_to_end"]
    assert result["deadline_accuracy"] >= 0.90


@pytest.mark.parametrize("name", sorted(p.name for p in DOCUMENTS.glob("*.txt")))
def test_offsets_quote_the_original(name):
    text = (DOCUMENTS / name).read_text(encoding="utf-8")
    for p in proposals(name):
        assert text[p.start : p.end] == p.text
        assert p.text.startswith(p.title)
        assert 0 < p.confidence < 1
