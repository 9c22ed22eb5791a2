"""Topics scored on jieba tokens against the site's taxonomy; tags by TF-IDF over jieba's IDF table.

Topic score: every keyword occurrence (a token that is the keyword, or begins or ends with it)
counts 1 in the body and :data:`HEAD_WEIGHT` in the kicker, title or subtitle; the sum is divided
by the square root of the article's length in hundreds of words, so a long article does not collect
every topic. Topics at or above :data:`THRESHOLD` and :data:`RELATIVE` of the best are kept, at
most :data:`MAX_TOPICS`; an article whose best topic stays below the threshold gets none.

Tags: ``jieba.analyse``'s TF-IDF ranking, computed here on the tokens the topics already cut, with
its part-of-speech filter (:data:`TAG_POS`) applied from jieba's dictionary. ``jieba.posseg`` and
``jieba.analyse`` cost a second to load, and ``posseg``'s tagging of words its dictionary lacks
most of the rest: such words are no tags. The candidate words and their IDF come from the disk cache.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from newsgen.enrich import words as W
from newsgen.enrich.cache import cached
from newsgen.enrich.places import division_file, is_place_word, site_words

HEAD_WEIGHT = 3.0
THRESHOLD = 2.0
RELATIVE = 0.2
MAX_TOPICS = 3
MAX_TAGS = 8
SHOWN_KEYWORDS = 5
#: Parts of speech a tag may have: nouns, proper nouns of organisations, verbal nouns, idioms.
TAG_POS = ("n", "nz", "nt", "vn", "l", "an", "nw")
NUMBERISH = re.compile(r"[\d０-９%％.]|^[一二三四五六七八九十百千万亿两几多余]+$")
#: ``jieba.analyse``'s own stop words, which its TF-IDF skips.
JIEBA_STOP_WORDS = frozenset(
    "the of is and to in that we for an are by be as on with can if from which you it this then at have all not "
    "one has or".split())
#: Words frequent in any news report; jionlp's stop word list is added to these.
NEWS_STOP_WORDS = frozenset("""
近日 今年 去年 目前 当前 近年来 以来 工作 相关 负责人 记者 笔者 工作人员 人员 方面 问题 情况 有关
部门 单位 同时 此外 一系列 进一步 全面 有效 积极 不断 持续 作用 方式 形式 措施 成效 效果 水平 体系
过程 时间 期间 一方 一方面 另一方面 群众 大家 我们 他们 地方 单位 领域 事项 活动 阵地 力量 格局
发展 服务 重点 建设 管理 机制 平台 群体 环节 流程 目录 政策 实现 提升 推进 开展 基础 条件 要求
""".split())


# --------------------------------------------------------------------------- topics

@dataclass
class TopicScore:
    topic: str
    score: float
    fired: Counter[str] = field(default_factory=Counter)

    def note(self) -> str:
        shown = ", ".join(f"{k}×{n}" for k, n in self.fired.most_common(SHOWN_KEYWORDS))
        more = " …" if len(self.fired) > SHOWN_KEYWORDS else ""
        return f"{self.topic} {self.score:.1f} ({shown}{more})"


def affix_counts(tokens: Counter[str], keywords: frozenset[str] = frozenset()) -> Counter[str]:
    """For every string of two or more characters: how many tokens that are no keyword begin or end with it."""
    out: Counter[str] = Counter()
    for tok, n in tokens.items():
        if tok in keywords:
            continue
        size = len(tok)
        for affix in {tok[:i] for i in range(2, size + 1)} | {tok[size - i:] for i in range(2, size + 1)}:
            out[affix] += n
    return out


def count_keyword(keyword: str, tokens: Counter[str], text: str, keywords: frozenset[str] = frozenset(),
                  extra_words: frozenset[str] = frozenset(), affixes: Counter[str] | None = None) -> int:
    """Tokens that are the keyword, or begin or end with it (农田灌溉 counts for 灌溉) unless they are
    a keyword themselves (主题教育 does not count for 教育). ``affixes``: :func:`affix_counts` of
    ``tokens`` and ``keywords``, when counting many keywords."""
    if len(W.words(keyword, extra_words)) > 1:  # jieba splits it: match it as text
        return text.count(keyword)
    if len(keyword) < 2:
        return tokens[keyword]
    if affixes is None:
        affixes = affix_counts(tokens, keywords)
    return affixes[keyword] + (tokens[keyword] if keyword in keywords else 0)


def score_topics(head: str, body: str, taxonomy: Mapping[str, Iterable[str]],
                 extra_words: frozenset[str] = frozenset()) -> list[TopicScore]:
    """Every topic with at least one keyword hit, best first. ``extra_words``: see :func:`site_words`."""
    head_tokens, body_words = Counter(W.words(head, extra_words)), W.words(body, extra_words)
    body_tokens = Counter(body_words)
    norm = math.sqrt(max(len(body_words), 100) / 100)
    every = frozenset(k for words in taxonomy.values() for k in words)
    head_affixes, body_affixes = affix_counts(head_tokens, every), affix_counts(body_tokens, every)
    scores: list[TopicScore] = []
    for topic, keywords in taxonomy.items():
        fired: Counter[str] = Counter()
        raw = 0.0
        for keyword in dict.fromkeys(keywords):
            in_head = count_keyword(keyword, head_tokens, head, every, extra_words, head_affixes)
            in_body = count_keyword(keyword, body_tokens, body, every, extra_words, body_affixes)
            if in_head or in_body:
                fired[keyword] = in_head + in_body
                raw += HEAD_WEIGHT * in_head + in_body
        if fired:
            scores.append(TopicScore(topic, raw / norm, fired))
    return sorted(scores, key=lambda s: -s.score)


def pick_topics(scores: list[TopicScore]) -> list[TopicScore]:
    """At most :data:`MAX_TOPICS` above the threshold (none when a keyword or two merely brush past)."""
    if not scores:
        return []
    floor = max(THRESHOLD, RELATIVE * scores[0].score)
    return [s for s in scores if s.score >= floor][:MAX_TOPICS]


# --------------------------------------------------------------------------- tags

@cache
def stop_words() -> frozenset[str]:
    """jionlp's stop word list (read as a file, without importing jionlp) and news filler words."""
    path = division_file().with_name("stopwords.txt")
    listed = path.read_text(encoding="utf-8").split() if path.is_file() else []
    return frozenset(listed) | NEWS_STOP_WORDS


@cache
def keyword_idf() -> tuple[dict[str, float], float]:
    """Dictionary words whose part of speech may make a tag (:data:`TAG_POS`) -> IDF; the median IDF.

    A word missing from jieba's IDF table gets the median, as in ``jieba.analyse``.
    """
    idf_file = W.jieba_dir() / "analyse" / "idf.txt"
    return cached("tag-idf", [W.jieba_dict_file(), idf_file, division_file()], lambda: _build_keyword_idf(idf_file))


def _build_keyword_idf(idf_file: Path) -> tuple[dict[str, float], float]:
    idf: dict[str, float] = {}
    for line in idf_file.read_text(encoding="utf-8").splitlines():
        word, value = line.strip().split(" ")
        idf[word] = float(value)
    median = sorted(idf.values())[len(idf) // 2]
    return {w: idf.get(w, median) for w, tag in W.dictionary_tags().items()
            if tag in TAG_POS and w.lower() not in JIEBA_STOP_WORDS}, median


def tfidf_ranking(tokens: Iterable[str], extra_words: frozenset[str] = frozenset(),
                  limit: int | None = None) -> list[str]:
    """``jieba.analyse``'s TF-IDF order (best first) of the tokens that may be tags."""
    table, _median = keyword_idf()
    freq: dict[str, float] = {}
    for w in tokens:
        if w not in table or len(w.strip()) < 2 or (w in extra_words and W.extra_word_tag(w) not in TAG_POS):
            continue
        freq[w] = freq.get(w, 0.0) + 1.0
    total = sum(freq.values())
    for w in freq:
        freq[w] *= table[w] / total
    ranked = sorted(freq, key=freq.__getitem__, reverse=True)
    return ranked[:limit] if limit else ranked


def is_tag(word: str, aliases: Mapping[str, str]) -> bool:
    """No places, numbers, single characters or stop words."""
    return (len(word) > 1 and not NUMBERISH.search(word) and word not in stop_words()
            and not is_place_word(word, aliases))


def extract_tags(text: str, aliases: Mapping[str, str], limit: int = MAX_TAGS) -> list[str]:
    """Up to ``limit`` TF-IDF keywords of ``text`` that are fit to be tags."""
    extra = site_words(aliases)
    ranked = tfidf_ranking(W.tokenize(text, extra), extra, limit * 6)
    return [w for w in ranked if is_tag(w, aliases)][:limit]
