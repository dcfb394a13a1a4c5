"""Throughput of the text engine against a plain jieba.cut pass over the same text.

    python benchmarks/extract.py [--mb 5]

Builds a corpus of at least --mb megabytes (UTF-8) from documents written for the engine's tests
and from generated plans, minutes, speeches and rectification reports (in both scripts), then
prints: the engine's start-up (a fresh ``taizhang extract`` on one file), its throughput on one
core after start-up, jieba.cut's throughput on the same text, and the ratio.

Then the cost of one long document, which must grow linearly with its length: the CPU time per MB of
a single plan of 0.5, 4 and 16 MB (sections, enumerated items, label lines and paragraphs, in both
scripts), the same text with every line break removed (one 16 MB line), and a document whose
paragraphs are 1 MB each; and the ratio of the 16 MB per-MB time to the 0.5 MB one (--long 0
skips this part).
"""

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from taizhang.extract import extract_text  # noqa: E402
from taizhang.extract.normalise import _converter  # noqa: E402

DOCUMENTS = ROOT / "taizhang" / "extract" / "tests" / "documents"
CN = "〇一二三四五六七八九十" + "".join(f"十{d}" for d in "一二三四五六七八九")
PREFIXES = ["市", "区", "县", "XX市", "省"]
BODIES = [
    "发展改革委",
    "财政局",
    "应急管理局",
    "市场监管局",
    "生态环境局",
    "住房和城乡建设局",
    "教育局",
    "农业农村局",
    "交通运输局",
    "水利局",
    "卫生健康委",
    "国资委",
    "政务服务中心",
    "工商联",
    "大数据中心",
]
ACTIONS = [
    "加快推进",
    "全面开展",
    "深化",
    "健全",
    "完善",
    "强化",
    "持续推动",
    "组织实施",
    "扎实做好",
    "建立",
]
OBJECTS = [
    "重点项目建设",
    "营商环境优化",
    "安全生产专项整治",
    "老旧小区改造",
    "污水管网疏通清理",
    "企业诉求办理机制",
    "防汛备汛工作",
    "惠农补贴资金发放",
    "数字政府建设",
    "人才引进政策",
]
DEADLINES = [
    "{y}年6月底前",
    "{y}年底前",
    "{y}年9月30日前",
    "三季度末前",
    "10个工作日内",
    "每季度",
    "上半年",
]
ACHIEVEMENTS = [
    "完成了{n}个项目建设",
    "累计培训干部{n}余人次",
    "排查整改隐患{n}多项",
    "新建了{n}个服务站点",
]


def unit(rng):
    return rng.choice(PREFIXES) + rng.choice(BODIES)


def task(rng, y):
    action, obj = rng.choice(ACTIONS), rng.choice(OBJECTS)
    deadline = rng.choice(DEADLINES).format(y=y)
    return (
        f"{action}{obj}。由{unit(rng)}牵头，{unit(rng)}、{unit(rng)}配合，"
        f"{unit(rng)}要切实履行主体责任，于{deadline}完成相关工作，确保取得实效。"
    )


def generated(rng, n):
    y = rng.choice([2023, 2024, 2025, 2026])
    lines = [
        f"关于印发{y}年重点工作任务分工方案的通知",
        f"{y}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        "",
    ]
    lines.append(
        "过去一年，主要体现在以下方面："
        + "".join(
            f"{'一二三'[i]}是{rng.choice(ACHIEVEMENTS).format(n=rng.randint(3, 900))}。"
            for i in range(3)
        )
    )
    lines.append("下一步，重点抓好以下工作：")
    for i in range(1, rng.randint(4, 9)):
        lines.append(f"（{'一二三四五六七八九'[i - 1]}）{task(rng, y)}")
        if rng.random() < 0.4:
            lines.append(
                f"牵头单位：{unit(rng)}；配合单位：{unit(rng)}；"
                f"完成时限：{y}年{rng.randint(1, 12)}月底前。"
            )
    return "\n".join(lines)


def corpus(megabytes: float) -> list[str]:
    rng = random.Random(2026)
    written = [p.read_text(encoding="utf-8") for p in sorted(DOCUMENTS.glob("*.txt"))]
    to_traditional = __import__("opencc").OpenCC("s2t").convert
    docs, size = [], 0
    while size < megabytes * 1_000_000:
        doc = written[len(docs) % len(written)] if len(docs) % 3 == 0 else generated(rng, len(docs))
        if len(docs) % 5 == 4:
            doc = to_traditional(doc)
        docs.append(doc)
        size += len(doc.encode("utf-8"))
    return docs


def long_document(megabytes: float, seed: int = 12) -> str:
    """One plan of about `megabytes` MB: numbered parts, sections, items and plain paragraphs."""
    rng = random.Random(seed)
    written = [p.read_text(encoding="utf-8") for p in sorted(DOCUMENTS.glob("*.txt"))]
    to_traditional = __import__("opencc").OpenCC("s2t").convert
    y = 2026
    lines = [f"关于印发{y}年全市重点工作任务分工方案的通知", f"{y}年3月2日", ""]
    size, part = 0, 0
    while size < megabytes * 1_000_000:
        part += 1
        section = [f"第{CN[(part - 1) % 20 + 1]}部分  {rng.choice(OBJECTS)}"]
        for s in range(1, rng.randint(4, 10)):
            section.append(f"{CN[s]}、{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}")
            section.append(generated(rng, part).split("\n", 3)[3])
            if rng.random() < 0.3:
                section.append(written[rng.randrange(len(written))])
        text = "\n".join(section)
        if part % 4 == 3:
            text = to_traditional(text)
        lines.append(text)
        size += len(text.encode("utf-8"))
    lines.append("特此通知。")
    lines.append(f"XX市人民政府办公室\n{y}年3月2日")
    return "\n".join(lines)


def long_paragraphs(megabytes: float, paragraph_mb: float = 1.0) -> str:
    """A document whose paragraphs are `paragraph_mb` MB each (a plan with its line breaks lost)."""
    chunks = []
    for i in range(max(1, round(megabytes / paragraph_mb))):
        chunks.append(long_document(paragraph_mb, seed=100 + i).replace("\n", ""))
    return "\n".join(chunks)


def seconds_per_mb(text: str) -> float:
    """CPU seconds per MB: on a shared machine, steadier than wall time for comparing sizes."""
    t = time.process_time()
    extract_text(text)
    return (time.process_time() - t) / (len(text.encode("utf-8")) / 1_000_000)


def long_documents(largest: float) -> None:
    sizes = [s for s in (0.5, 4.0, 16.0) if s <= largest] or [largest]
    shapes = [
        ("plan", long_document),
        ("one line", lambda mb: long_document(mb).replace("\n", "")),
        ("1 MB paragraphs", long_paragraphs),
    ]
    for label, build in shapes:
        per_mb = {}
        for mb in sizes:
            per_mb[mb] = seconds_per_mb(build(mb))
            print(f"one document, {label}, {mb:g} MB: {per_mb[mb]:.2f} s/MB")
        if len(sizes) > 1:
            ratio = per_mb[sizes[-1]] / per_mb[sizes[0]]
            big, small = sizes[-1], sizes[0]
            print(f"one document, {label}: per-MB time {big:g} MB / {small:g} MB {ratio:.2f}x")


# Runs of one character class that once made a rule quadratic (blanks before a label word,
# long quotes full of stops, digit runs): each must cost about the same per MB at any length.
STRANGE = [
    " ",
    "，",
    "（",
    "1",
    "各",
    "、",
    "“",
    "要",
    "局、",
    "牵头",
    "。",
    "\n",
    "“引文，有逗号。",
]


def strange_inputs() -> None:
    worst = 0.0
    for run in STRANGE:
        small, big = (
            seconds_per_mb("一、加强管理" + run * (size // len(run))) for size in (50_000, 400_000)
        )
        worst = max(worst, big / max(small, 1e-6))
    print(
        f"runs of one character class ({len(STRANGE)} kinds), 0.05 → 0.4 M characters: "
        f"worst per-MB growth {worst:.2f}x"
    )


def startup_seconds() -> float:
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "taizhang.extract", "--jsonl", str(DOCUMENTS / "speech.txt")],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--mb", type=float, default=5.0, help="corpus size in megabytes (default 5)")
    ap.add_argument(
        "--long",
        type=float,
        default=16.0,
        help="largest single document in megabytes (default 16; 0 skips the long documents)",
    )
    args = ap.parse_args()
    docs = corpus(args.mb)
    megabytes = sum(len(d.encode("utf-8")) for d in docs) / 1_000_000
    print(f"corpus: {len(docs)} documents, {megabytes:.2f} MB")
    print(f"start-up (fresh process, one file): {startup_seconds():.2f} s")

    _converter()  # the engine's own start-up, paid once per process
    extract_text(docs[0])
    t = time.perf_counter()
    tasks = sum(len(extract_text(doc).proposals) for doc in docs)
    engine = time.perf_counter() - t
    print(f"engine: {engine:.2f} s, {megabytes / engine:.2f} MB/s, {tasks} tasks proposed")

    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    t = time.perf_counter()
    for doc in docs:
        for _ in jieba.cut(doc):
            pass
    segment = time.perf_counter() - t
    print(f"jieba.cut: {segment:.2f} s, {megabytes / segment:.2f} MB/s")
    print(f"ratio (engine speed / jieba.cut speed): {segment / engine:.2f}x")
    if args.long > 0:
        long_documents(args.long)
        strange_inputs()


if __name__ == "__main__":
    main()
