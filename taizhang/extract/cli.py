"""``taizhang extract PATH... [--jsonl] [--units FILE]``: proposals for many documents at once."""

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from .engine import Result, extract_file
from .read import SUFFIXES, ReadError
from .units import UnitDictionary


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="taizhang extract",
        description="从讲话、纪要、方案、通知中提取待督办的任务（牵头/责任/配合单位与时限）。",
    )
    p.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help=f"文件或文件夹（读取其中的 {' '.join(SUFFIXES)} 文件）",
    )
    p.add_argument("--jsonl", action="store_true", help="每个文件输出一行 JSON")
    p.add_argument(
        "--units",
        type=Path,
        metavar="FILE",
        help="单位词典：每行一个单位，名称后接别名，以制表符分隔",
    )
    return p


def documents(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
            )
        else:
            found.append(path)
    return found


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"找不到文件或文件夹：{'、'.join(missing)}", file=sys.stderr)
        return 2
    try:
        units = UnitDictionary.from_file(args.units) if args.units else None
    except (OSError, UnicodeDecodeError) as exc:
        print(f"无法读取单位词典 {args.units}：{exc}", file=sys.stderr)
        return 2
    files = documents(args.paths)
    progress = Progress(len(files)) if sys.stderr.isatty() and len(files) > 1 else None
    failed = 0
    for i, path in enumerate(files, 1):
        if progress:
            progress.show(i - 1, path)
        try:
            result = extract_file(path, units)
        except ReadError as exc:
            failed += 1
            result = None
            error = str(exc)
        if progress:
            progress.clear()
        if args.jsonl:
            record = {
                "file": str(path),
                "warnings": result.warnings if result else [error],
                "tasks": [],
            }
            if result:
                record["tasks"] = [proposal_json(p) for p in result.proposals]
            else:
                record["error"] = error
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            print_table(path, result, error if not result else None)
    return 1 if failed else 0


CONTRACT_FIELDS = (
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
)


def proposal_json(proposal) -> dict:
    data = proposal.as_json()
    return {key: data[key] for key in CONTRACT_FIELDS} | {
        "reason": data["reason"],
        "section": data["section"],
    }


# -- the readable table ------------------------------------------------------------------------


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, size: int) -> str:
    out, used = "", 0
    for ch in text:
        w = width(ch)
        if used + w > size - (1 if len(text) > len(out) + 1 else 0):
            return out + "…" + " " * (size - used - 1)
        out += ch
        used += w
    return out + " " * (size - used)


COLUMNS = (
    ("#", 3),
    ("任务", 40),
    ("牵头单位", 18),
    ("责任单位", 18),
    ("配合单位", 18),
    ("时限", 16),
    ("置信度", 6),
)


def print_table(path: Path, result: Result | None, error: str | None) -> None:
    print(f"\n{path}")
    if error:
        print(f"  无法读取：{error}")
        return
    for warning in result.warnings:
        print(f"  ⚠ {warning}")
    if not result.proposals:
        print("  未发现待督办的任务")
        return
    print("  " + " ".join(fit(name, size) for name, size in COLUMNS))
    for n, p in enumerate(result.proposals, 1):
        deadline = p.deadline.isoformat() if p.deadline else (p.deadline_text or "")
        cells = (
            str(n),
            p.title,
            "、".join(p.lead_units),
            "、".join(p.responsible_units),
            "、".join(p.cooperating_units),
            deadline,
            f"{p.confidence:.2f}",
        )
        print(
            "  " + " ".join(fit(cell, size) for cell, (_, size) in zip(cells, COLUMNS, strict=True))
        )


class Progress:
    """A one-line progress bar on the terminal's error stream."""

    def __init__(self, total: int):
        self.total = total

    def show(self, done: int, path: Path) -> None:
        filled = int(30 * done / self.total)
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{self.total} {path.name[:40]}"
        )
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\x1b[2K")
        sys.stderr.flush()
