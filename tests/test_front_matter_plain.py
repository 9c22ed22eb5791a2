"""Front matter of the plain form read without PyYAML (:func:`newsgen.config.plain_front_matter`).

The plain reader must give exactly what PyYAML's safe loader gives (the same keys in the same order, the
same values to the type, the same key lines) for every front matter it reads, and leave every other to
PyYAML (answer None). Compared here on random front matter made of plain pieces and of what is just
outside the plain form, and on every article of the sample site (and of the 10,000-article bench corpus
when it is on this machine).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsgen.config import plain_front_matter
from newsgen.content import _read_yaml, split_front_matter

REPO = Path(__file__).resolve().parent.parent
BENCH_CORPUS = Path("/tmp/c21/k10")

KEYS = ["title", "date", "authors", "regions", "topics", "tags", "source", "bulletin", "blocks", "kicker", "a_b",
        "x1", "yes", "no", "on", "off", "y", "n", "null", "true", "Null", "NULL", "_", "A", "1a", "<<", "=", "~",
        "tags ", " tags", "ta gs", "键"]
PLAIN = ["西湖区", "跑出发展加速度", "：", "，", "。", "（", "）", "“", "”", "abc", "Abc", "x.y", "a-b", "1+2+N",
         "2.57亿元",
         "a/b", "江西省/南昌市", "😀", "한", "ü", "Ω", " ", "　", "%", "＃", "～", "1", "0", "12"]
NEAR = ["2019-03-17", "2019-02-30", "2019-3-17", "2019-03-17 10:00:00", "2019-03-17T10:00:00Z", "20190317",
        "true", "True", "yes", "No", "on", "off", "null", "~", "1.5", ".5", "1e3", "0x1f", "0o17", "017", "0b1", "-1",
        "+1", "10:30", "1_000", ".inf", ".nan", "=", "<<", ": ", ":", "a:b", " #", "#", "[", "]", "{", "}", ",", ", ",
        "'", '"', "-", "- ", "? ", "?", "&a", "*a", "!x", "!!str ", "|", ">", "@", "`", "\t", "\u2028", "\u2029",
        "\x85", "\ufeff", "\x00", "\x7f", "\xa0", "  ", "\\", "'145'"]


GOOD_KEYS = ["title", "date", "authors", "regions", "topics", "tags", "source", "bulletin", "blocks", "kicker", "a_b",
             "x1", "Title"]


def lines_of(rng: random.Random, pieces: list[str], keys: list[str] = KEYS) -> str:
    def scalar() -> str:
        return "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 6)))

    def value() -> str:
        kind = rng.random()
        if kind < 0.6:
            return " " + scalar()
        if kind < 0.9:
            return " [" + ", ".join(scalar() for _ in range(rng.randrange(0, 5))) + "]"
        return ""

    out = []
    for key in rng.sample(keys, rng.randrange(1, 9)):
        v = value()
        out.append(key + ":" + v)
        if not v:
            out.extend("  " + sub + ":" + value() for sub in rng.sample(keys, rng.randrange(0, 4)))
        if rng.random() < 0.03:
            out.append(rng.choice(["", "# note", "  ", "---", "- a", "   x: y", "tail"]))
    return "\n".join(out)


def typed(value: Any) -> Any:
    """``value`` with each scalar paired with its type (1 == True == 1.0 would hide a difference)."""
    if isinstance(value, dict):
        return [(typed(k), typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


def pyyaml(raw: str) -> tuple[Any, dict[str, int]] | None:
    problems: list[tuple[int | None, str]] = []
    read = _read_yaml(raw, lambda line, message: problems.append((line, message)))
    return None if read is None or problems else read


def assert_same(raw: str) -> bool:
    """The plain reader's result for ``raw``, when it reads it, is PyYAML's; True when it read it."""
    plain = plain_front_matter(raw)
    if plain is None:
        return False
    expected = pyyaml(raw)
    assert expected is not None, raw
    meta, lines = plain
    assert typed(meta) == typed(expected[0]), raw
    assert {k: v + 2 for k, v in lines.items()} == expected[1], raw
    return True


def test_plain_front_matter_reads_as_pyyaml_does():
    rng = random.Random(21)
    taken = sum(assert_same(lines_of(rng, PLAIN, GOOD_KEYS)) for _ in range(3000))
    assert taken > 1000


def test_near_plain_front_matter_reads_as_pyyaml_does_or_goes_to_it():
    rng = random.Random(5)
    taken = sum(assert_same(lines_of(rng, PLAIN * 3 + NEAR, GOOD_KEYS + ["yes", "on", "null", "<<", "y", "键"]))
                for _ in range(6000))
    assert taken > 300


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(KEYS) | st.text(max_size=4),
                          st.lists(st.sampled_from(PLAIN + NEAR) | st.text(max_size=3), max_size=4),
                          st.sampled_from(["scalar", "list", "nested"])), min_size=1, max_size=6))
@example([("date", ["2019-03-17"], "scalar"), ("title", ["西湖区", "：", "跑出"], "scalar")])
@example([("title", ["a", "\u3000"], "scalar")])
@example([("source", ["x.txt"], "nested"), ("tags", ["a", "b"], "list")])
def test_any_front_matter_reads_as_pyyaml_does_or_goes_to_it(entries: list[tuple[str, list[str], str]]):
    lines = []
    for key, words, kind in entries:
        if kind == "scalar":
            lines.append(f"{key}: {''.join(words)}")
        elif kind == "list":
            lines.append(f"{key}: [{', '.join(words)}]")
        else:
            lines.append(f"{key}:")
            lines.extend(f"  {word}: {word}" for word in words)
    assert_same("\n".join(lines))


def test_front_matter_outside_the_plain_form_goes_to_pyyaml():
    for raw in ("title: a\ntitle: b", "title: a\n\ndate: 2019-03-17", "# c\ntitle: a", "title: a # c", "title: 'a'",
                "title: 2025", "title: yes", "title: null", "title:", "source:\ntitle: a", "title: a\n  b",
                "date: 2019-02-30", "date: 2019-03-17 10:00:00", "tags: [a,b]", "tags: [a, [b]]", "tags: [ a]",
                "tags: [1, 2]", "title: a: b", "title: a:", "yes: a", "title:  a", "title: a ", "title: \u2028a",
                "source:\n  a: 1", "source:\n  a: x\n  a: y", "source:\n   a: x", "title: -a", "title: *a", ""):
        assert plain_front_matter(raw) is None, raw


def test_a_plain_front_matter_reads_to_texts_dates_lists_and_a_mapping():
    raw = ("title: 西湖区：跑出发展加速度 优环境\ndate: 2019-03-17\nauthors: [朱琳]\ntags: []\n"
           "source:\n  bulletin: jiangxi.txt\n  blocks: [127-133]")
    meta, lines = plain_front_matter(raw)   # type: ignore[misc]
    assert meta == {"title": "西湖区：跑出发展加速度 优环境", "date": dt.date(2019, 3, 17), "authors": ["朱琳"],
                    "tags": [], "source": {"bulletin": "jiangxi.txt", "blocks": ["127-133"]}}
    assert lines == {"title": 0, "date": 1, "authors": 2, "tags": 3, "source": 4}


def front_matters(root: Path) -> list[str]:
    out = []
    for path in sorted((root / "articles").rglob("*.md")):
        parts = split_front_matter(path.read_text(encoding="utf-8"))
        if parts is not None:
            out.append(parts[0])
    return out


def test_every_front_matter_of_the_sample_site_reads_as_pyyaml_does():
    raws = front_matters(REPO)
    assert raws
    taken = sum(assert_same(raw) for raw in raws)
    assert taken > len(raws) // 2


@pytest.mark.skipif(not (BENCH_CORPUS / "articles").is_dir(), reason="the bench corpus is not on this machine")
def test_every_front_matter_of_the_bench_corpus_reads_as_pyyaml_does():
    raws = front_matters(BENCH_CORPUS)
    taken = sum(assert_same(raw) for raw in raws)
    assert taken > len(raws) * 9 // 10
