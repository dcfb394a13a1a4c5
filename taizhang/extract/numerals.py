"""Chinese numerals as they appear in enumerators and dates (一, 十二, 二十三, 〇/零)."""

DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    # 大写 numerals, as in 壹、贰、
    "壹": 1,
    "贰": 2,
    "叁": 3,
    "参": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
}
CN_NUMBER = "[〇零一二两三四五六七八九十百]"


def cn_to_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23, 一百 → 100, 二〇二四 → 2024 (digit by digit)."""
    if not text or len(text) > 8:
        return None  # no enumerator or year is longer; int() refuses thousands of digits
    if text.isdigit():
        return int(text)
    if not set(text) & set("十拾百"):
        if all(ch in DIGITS for ch in text):
            return int("".join(str(DIGITS[ch]) for ch in text))
        return None
    total, current = 0, 0
    for ch in text:
        if ch in DIGITS:
            current = DIGITS[ch]
        elif ch in "十拾":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current
