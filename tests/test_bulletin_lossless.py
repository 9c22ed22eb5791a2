"""Property: whatever the jumbling, the parser loses no character and uses every block once.

The jumbler below does to the example bulletin's blocks what page extraction does:
cuts paragraphs mid-sentence, moves runs of blocks elsewhere, drops stray Latin
words in, adds kicker lines and bylines, and varies blank lines. Then it varies the layout
the way extraction and copy-paste do: paragraphs one a line, 　　 or ASCII indentation and
trailing spaces, a byte-order mark, \\r\\n line endings and tabs, headlines glued to their body.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsgen.bulletin import parse
from newsgen.bulletin.blocks import flat, split_blocks

EXAMPLE = Path(__file__).resolve().parent.parent / "bulletins" / "jiangxi-county-news.txt"
POOL = [flat(b) for b in split_blocks(EXAMPLE.read_text(encoding="utf-8"))]
EXTRA = [
    "青山县：",
    "（记者 张三 通讯员 李四）近日，青山县开展消防检查。",
    "南都讯 记者 周海 西江大桥合龙。",
    "本报南昌7月5日电（记者李中文、刘军国）会议召开。",
    "（本报某地8月1日电）（甲乙 丙丁）",
    "【点评】",
    "（作者为某大学教授）",
]


@st.composite
def jumbled(draw) -> str:
    blocks = draw(st.lists(st.sampled_from(POOL + EXTRA), min_size=1, max_size=40))
    out: list[str] = []
    for text in blocks:
        if len(text) > 20 and draw(st.booleans()):
            cut = draw(st.integers(1, len(text) - 1))
            out += [text[:cut], text[cut:]]
        else:
            out.append(text)
        if draw(st.integers(0, 9)) == 0:
            out[-1] = out[-1] + "（" + draw(st.sampled_from(["魏欢", "卢鸿 张辉云", "记者 王五"])) + "）"
    if len(out) > 3:
        i = draw(st.integers(0, len(out) - 2))
        j = draw(st.integers(i + 1, len(out)))
        k = draw(st.integers(0, len(out) - (j - i)))
        run, rest = out[i:j], out[:i] + out[j:]
        out = rest[:k] + run + rest[k:]
    if draw(st.booleans()):
        i = draw(st.integers(0, len(out) - 1))
        c = draw(st.integers(0, len(out[i])))
        out[i] = out[i][:c] + " " + draw(st.sampled_from(["the", "ourselves", "page"])) + " " + out[i][c:]
    indent = draw(st.sampled_from(["", "", "\u3000\u3000", "  ", "\t"]))
    trail = draw(st.sampled_from(["", " ", "\u3000", " \t"]))
    out = [indent + t + trail for t in out]
    layout = draw(st.sampled_from(["blank", "single", "glued", "crlf"]))
    if layout == "single":
        text = "\n".join(out)
    elif layout == "glued":
        text = out[0] + "".join(draw(st.sampled_from(["\n", "\n\n"])) + t for t in out[1:])
    else:
        sep = draw(st.sampled_from(["\n\n", "\n\n\n", "\n \n", "\n\n\n\n"]))
        text = sep.join(out)
    text = draw(st.sampled_from(["", "\n\n"])) + text + "\n"
    if layout == "crlf":
        text = "\ufeff" + text.replace("\n", "\r\n")
    return text


def content(text: str) -> Counter[str]:
    """What must survive: every character but whitespace and a byte-order mark (encoding, not text)."""
    return Counter(ch for ch in text if not ch.isspace() and ch != "\ufeff")


def output_chars(parsed) -> Counter[str]:
    parts: list[str] = []
    for d in parsed.drafts:
        kicker = d.kicker
        # (a kicker printed over two lines is one block: compare without its line breaks)
        if kicker and any("".join(b.text.split()) == "".join(kicker.split()) + "：" for b in d.blocks):
            kicker += "："   # the contract stores kickers without the colon they are printed with
        parts += [p for p in (kicker, d.title, d.subtitle, d.body, d.byline) if p]
    parts += [b.text for b in parsed.unplaced]
    return Counter(ch for ch in "".join(parts) if not ch.isspace())


#: Found by the test: a kicker printed over two lines (its colon at the end of the second) is one block.
TWO_LINE_KICKER = ("宜春经开区：（魏欢）\n" * 5 + "宜春经开区：\n宜春经开区：（魏欢）\n宜春经开区：\n\n"
                   "宜春经开区：（魏欢）\n宜春经开区：\n\n宜春经开区：（魏欢）\n宜春经开区：\n走进宜春国轩电池有限公司生产车间内，大容量方形磷酸铁锂"
                   "电池自动化生产线正有条不紊地运转。（魏欢）\n\n宜春经开区：（魏欢）\n\n宜春经开区：\n\n宜春经开区：\n")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(jumbled())
@example(TWO_LINE_KICKER)
def test_jumbled_bulletins_lose_no_character(text: str):
    parsed = parse(text)
    missing = content(text) - output_chars(parsed)
    assert not missing, f"characters lost: {dict(missing)}"
    used = sorted(b.first_line for d in parsed.drafts for b in d.blocks) + [b.first_line for b in parsed.unplaced]
    assert sorted(used) == [b.first_line for b in split_blocks(text)]


EXAMPLE = Path(__file__).parent.parent / "bulletins" / "jiangxi-county-news.txt"
#: Rules the others cannot do without: they make the sections every later rule reads.
ESSENTIAL = {"build_sections"}


def test_each_rule_can_be_switched_off_and_no_text_is_lost(monkeypatch):
    """The rules are one ordered list of named steps (``make ablate`` switches each off in turn to show
    what it is worth): with any one of them left out, the parse still runs and keeps every character."""
    from newsgen.bulletin import rules as rules_mod

    text = EXAMPLE.read_text(encoding="utf-8")
    every = list(rules_mod.RULES)
    assert len({r.__name__ for r in every}) == len(every)   # names are unique: a rule is switched off by name
    whole = [(d.title, d.body) for d in parse(text).drafts]
    changed = []
    for rule in every:
        if rule.__name__ in ESSENTIAL:
            continue
        monkeypatch.setattr(rules_mod, "RULES", [r for r in every if r is not rule])
        parsed = parse(text)
        missing = content(text) - output_chars(parsed)
        assert not missing, f"without {rule.__name__}: characters lost: {dict(missing)}"
        if [(d.title, d.body) for d in parsed.drafts] != whole:
            changed.append(rule.__name__)
    assert "attach_runs" in changed and len(changed) >= 3, changed   # switched off, a rule is missed
