"""Throughput of the text engine against a plain jieba.cut pass over the same text.

    python benchmarks/extract.py [--mb 5]

Builds a corpus of at least --mb megabytes (UTF-8) from documents written for the engine's tests
and from generated plans, minutes, speeches and rectification reports (in both scripts), then
prints: the engine's start-up (a fresh ``taizhang extract`` on one file), its throughput on one
core after start-up, jieba.cut's throughput on the same text, and the ratio.
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


if __name__ == "__main__":
    main()
