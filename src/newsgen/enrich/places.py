"""Place mentions -> region paths, from province down to town/street.

The division data is jionlp's ``dictionary/china_location.txt`` (province, city, county, town,
village; one name a line, nesting by leading tabs). We read that file directly instead of importing
jionlp, which costs most of a second and loads much we do not need; villages are skipped.

Resolution, in order:

1. mentions are jieba tokens that are a division name, a site alias (``regions.aliases``) or an
   alias's last part, or the short name of a province or city (赣州, 江西) when it names one
   place and jieba knows it as a place name; other short names only give context;
2. a name with several candidate paths keeps those related to the other places the article names
   (an ancestor or descendant), then those in the ``regions.province`` prior; one that is still
   ambiguous is reported, never guessed;
3. each mention weighs by where it stands (kicker and title most, then subtitle, lead, body); a
   chain written out in full (南昌市青山湖区罗家镇) counts once, for its last place;
4. from the top of the tree we walk down to the child holding at least half of the weight below
   the current node: the most specific place the article is about, not every place it names.
"""

from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path as FsPath

from newsgen.enrich import words as W
from newsgen.enrich.cache import cached

PlacePath = tuple[str, ...]

#: Endings of division names we look for in text.
NAME_SUFFIXES = ("特别行政区", "自治区", "省", "自治州", "地区", "盟", "市", "区", "自治县", "自治旗", "县",
                 "旗", "街道", "镇", "乡")
#: Two-character names are too often ordinary words (郊区, 城区, 新镇) unless they end so.
SHORT_NAME_SUFFIXES = ("县", "市", "旗")
#: Words ending so are treated as places when choosing tags.
PLACE_WORD_ENDINGS = ("省", "市", "县", "区", "镇", "乡", "村", "街道")
#: Levels jionlp inserts that are no place of their own.
PSEUDO_LEVELS = ("市直辖行政区划", "县直辖行政区划", "区直辖行政区划", "省直辖县级行政区划")
#: Zone short names (jionlp's alias column) that combine with a city's short name: 合肥经开区.
ZONE_SHORTS = ("经开区", "高新区")

SECTION_WEIGHTS = {"kicker": 8.0, "title": 8.0, "subtitle": 5.0, "lead": 3.0, "body": 1.0}
PROMINENT = ("kicker", "title", "subtitle", "lead")
DESCEND_RATIO = 0.5   # walk down to a child holding at least this share of the weight below
MIN_WEIGHT = 2.0      # a region needs two body mentions, or one in the headline or lead
SECOND_RATIO = 0.6    # a second, unrelated region needs this share of the first one's weight
MAX_REGIONS = 2
MAX_CANDIDATES_SHOWN = 4
PLACE_NAME_TAG = "ns"  # jieba's part-of-speech tag for place names
CJK_WORD = re.compile(r"^[\u3400-\u9fff]{2,}$")
ZONE_PREFIX_POS = ("n", "j", "x")  # nouns (ns, nz, nt …), abbreviations, unknown
ZONE_PREFIX_STOP = frozenset("该 本 全 各 此 这 那 其 新 大 在 和 与 及 的 为 到 从 向 对 是 个".split())


# --------------------------------------------------------------------------- the gazetteer

@dataclass(frozen=True)
class Gazetteer:
    """Division names -> candidate paths, built once from jionlp's division file."""

    paths: Mapping[str, tuple[PlacePath, ...]]
    """Full names (南康区, 罗家镇) -> every path carrying that name."""
    shorts: Mapping[str, tuple[PlacePath, ...]]
    """Short names of provinces and cities (江西, 宜春) -> their paths; context only."""
    short_names: frozenset[str]
    """Every short name, counties included (南康, 章贡): never a tag."""

    @property
    def word_names(self) -> frozenset[str]:
        """Names worth finding in text: the ones with a division ending, not too short."""
        return frozenset(n for n in self.paths if is_findable(n))


def is_findable(name: str) -> bool:
    """Whether a division name is specific enough to look for as a word in text."""
    if not name.endswith(NAME_SUFFIXES) or name in W.ZONE_WORDS or any(p in name for p in PSEUDO_LEVELS):
        return False
    return len(name) > 2 or name.endswith(SHORT_NAME_SUFFIXES)


def division_file() -> FsPath:
    """jionlp's division file, found without importing jionlp.

    jionlp ships it zipped and unzips it beside the zip the first time jionlp itself is
    imported; a fresh install has only ``china_location.zip``, which is read as it is.
    """
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jionlp is not installed; it carries the division data for place resolution")
    folder = FsPath(next(iter(spec.submodule_search_locations))) / "dictionary"
    text = folder / "china_location.txt"
    return text if text.is_file() else folder / "china_location.zip"


def _division_lines(path: FsPath) -> Iterator[str]:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            member = next(n for n in archive.namelist() if n.endswith("china_location.txt"))
            yield from io.TextIOWrapper(archive.open(member), encoding="utf-8")
    else:
        with path.open(encoding="utf-8") as lines:
            yield from lines


def _read_divisions(path: FsPath) -> Iterator[tuple[int, str, str]]:
    """(depth 0-3, name, short name) for each province, city, county and town line."""
    for line in _division_lines(path):
        if line.startswith("\t\t\t\t"):  # villages and communities
            continue
        fields = line.strip().split("\t")
        if fields[0]:
            yield len(line) - len(line.lstrip("\t")), fields[0], fields[2] if len(fields) > 2 else ""


def clean_path(levels: Iterable[str]) -> PlacePath:
    """Drop pseudo levels and repeated names (北京市/北京市/朝阳区 -> 北京市/朝阳区)."""
    out: list[str] = []
    for name in levels:
        if name in PSEUDO_LEVELS or (out and out[-1] == name):
            continue
        out.append(name)
    return tuple(out)


@cache
def gazetteer() -> Gazetteer:
    """The division index, once per process: from the disk cache (building it costs a third of a second)."""
    path = division_file()
    paths, shorts, short_names = cached("divisions", [path], lambda: _build_gazetteer(path))
    return Gazetteer(paths, shorts, short_names)


def _build_gazetteer(division_path: FsPath) -> tuple[dict[str, tuple[PlacePath, ...]],
                                                      dict[str, tuple[PlacePath, ...]], frozenset[str]]:
    paths: dict[str, dict[PlacePath, None]] = defaultdict(dict)
    shorts: dict[str, dict[PlacePath, None]] = defaultdict(dict)
    short_names: set[str] = set()
    stack: list[str] = []
    city_short: list[str] = []
    for depth, name, short in _read_divisions(division_path):
        del stack[depth:]
        stack.append(name)
        path = clean_path(stack)
        paths[name][path] = None
        aliases = [s for s in short.split("/") if len(s) >= 2]
        if depth <= 1:
            city_short = aliases
            for alias in aliases:
                shorts[alias][path] = None
        elif depth == 2 and short in ZONE_SHORTS:
            for alias in city_short:
                paths[alias + short][path] = None
        short_names.update(a for a in aliases if a not in ZONE_SHORTS)
    return {k: tuple(v) for k, v in paths.items()}, {k: tuple(v) for k, v in shorts.items()}, frozenset(short_names)


def parse_alias(value: str) -> PlacePath:
    """``江西省/宜春市/宜春经济技术开发区`` -> a path."""
    return tuple(part.strip() for part in value.split("/") if part.strip())


def is_place_word(word: str, aliases: Mapping[str, str] | None = None) -> bool:
    """True for anything that names a place: a division, a short name, an alias, a unit ending."""
    gaz = gazetteer()
    return (word in gaz.paths or word in gaz.short_names or word in (aliases or {})
            or word.endswith(PLACE_WORD_ENDINGS))


def is_related(a: PlacePath, b: PlacePath) -> bool:
    """One path is an ancestor of (or equal to) the other."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def show(path: PlacePath) -> str:
    return "/".join(path)


# --------------------------------------------------------------------------- mentions

@dataclass(frozen=True)
class Mention:
    name: str
    section: str  # kicker, title, subtitle, lead or body
    index: int    # token index within the section


@dataclass
class Sections:
    """The article's text split into weighted sections, tokenized."""

    tokens: dict[str, list[str]] = field(default_factory=dict)
    extra_words: frozenset[str] = frozenset()

    @classmethod
    def of(cls, parts: Iterable[tuple[str, str]], extra_words: frozenset[str]) -> Sections:
        return cls({name: W.tokenize(text, extra_words) for name, text in parts if text}, extra_words)


def alias_index(aliases: Mapping[str, str]) -> dict[str, PlacePath]:
    """Alias names and their targets' last parts -> path."""
    index: dict[str, PlacePath] = {}
    for name, target in aliases.items():
        path = parse_alias(target)
        if path:
            index[name] = path
            index.setdefault(path[-1], path)
    return index


def site_words(aliases: Mapping[str, str]) -> frozenset[str]:
    """Words the tokenizer must keep whole for this site: alias names and their targets' last parts."""
    return frozenset(alias_index(aliases))


def find_mentions(sections: Sections, aliases: Mapping[str, PlacePath]) -> list[Mention]:
    gaz = gazetteer()
    shorts = short_mentions()
    found: list[Mention] = []
    for section, tokens in sections.tokens.items():
        for i, tok in enumerate(tokens):
            if (tok in aliases or tok in shorts
                    or (tok in gaz.paths and (is_findable(tok) or tok.endswith(ZONE_SHORTS)))):
                found.append(Mention(tok, section, i))
    return found


@cache
def short_mentions() -> Mapping[str, PlacePath]:
    """Short names that count as mentions: 赣州 -> 江西省/赣州市, 成都 -> 四川省/成都市.

    Only a province's or city's short name that names one place and that jieba's dictionary
    tags as a place name (``ns``), so that words such as 东方, 大同 or 和平 never count.
    """
    def build() -> dict[str, PlacePath]:
        tags = W.dictionary_tags()
        return {name: paths[0] for name, paths in gazetteer().shorts.items()
                if len(paths) == 1 and tags.get(name) == PLACE_NAME_TAG}
    return cached("short-mentions", [W.jieba_dict_file(), division_file()], build)


def short_context(sections: Sections) -> set[PlacePath]:
    """Provinces and cities named by a short name (宜春时代 -> 宜春市), when that name is unique."""
    gaz = gazetteer()
    out: set[PlacePath] = set()
    for tokens in sections.tokens.values():
        for tok in tokens:
            paths = gaz.shorts.get(tok, ())
            if len(paths) == 1:
                out.add(paths[0])
    return out


# --------------------------------------------------------------------------- resolution

def candidates(name: str, aliases: Mapping[str, PlacePath]) -> tuple[PlacePath, ...]:
    if name in aliases:
        return (aliases[name],)
    found = gazetteer().paths.get(name, ())
    if not found and name in short_mentions():
        return (short_mentions()[name],)
    return found


def narrow(cands: tuple[PlacePath, ...], context: set[PlacePath], province: str | None) -> tuple[PlacePath, ...]:
    """Keep the candidates most related to the context, then those in the province prior."""
    scores = [sum(1 for c in context if c != cand and is_related(c, cand)) for cand in cands]
    best = max(scores, default=0)
    if best > 0:
        cands = tuple(c for c, s in zip(cands, scores, strict=True) if s == best)
    in_province = tuple(c for c in cands if province and c[0] == province)
    return in_province or cands


@dataclass
class Resolution:
    resolved: dict[str, PlacePath] = field(default_factory=dict)
    ambiguous: dict[str, tuple[PlacePath, ...]] = field(default_factory=dict)


def resolve(names: Iterable[str], context: set[PlacePath], aliases: Mapping[str, PlacePath],
            province: str | None) -> Resolution:
    """Resolve each name to one path, or leave it ambiguous with its remaining candidates."""
    cands = {n: candidates(n, aliases) for n in dict.fromkeys(names)}
    res = Resolution({n: c[0] for n, c in cands.items() if len(c) == 1})
    context = set(context) | set(res.resolved.values())
    changed = True
    while changed:
        changed = False
        for name, options in cands.items():
            if name in res.resolved:
                continue
            left = narrow(options, context, province)
            if len(left) == 1:
                res.resolved[name] = left[0]
                context.add(left[0])
                changed = True
            else:
                res.ambiguous[name] = left
    for name in res.resolved:
        res.ambiguous.pop(name, None)
    return res


def common_prefix(paths: Iterable[PlacePath]) -> PlacePath:
    paths = list(paths)
    out: list[str] = []
    for level in zip(*paths, strict=False):
        if len(set(level)) != 1:
            break
        out.append(level[0])
    return tuple(out)


# --------------------------------------------------------------------------- choosing the article's places

def mention_weights(mentions: list[Mention], where: Mapping[str, PlacePath]) -> dict[PlacePath, float]:
    """Weight per place; a mention directly followed by one of its descendants gives way to it."""
    weights: dict[PlacePath, float] = defaultdict(float)
    for i, m in enumerate(mentions):
        path = where.get(m.name)
        if not path:
            continue
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt and nxt.section == m.section and nxt.index == m.index + 1:
            nxt_path = where.get(nxt.name)
            if nxt_path and len(nxt_path) > len(path) and nxt_path[:len(path)] == path:
                continue  # 南昌市 in 南昌市青山湖区: counted with 青山湖区
        weights[path] += SECTION_WEIGHTS[m.section]
    return dict(weights)


def subtree_weights(weights: Mapping[PlacePath, float]) -> dict[PlacePath, float]:
    sub: dict[PlacePath, float] = defaultdict(float)
    for path, w in weights.items():
        for k in range(1, len(path) + 1):
            sub[path[:k]] += w
    return dict(sub)


def descend(weights: Mapping[PlacePath, float]) -> PlacePath:
    """From the top, walk to the heaviest child while it holds enough of the weight below."""
    sub = subtree_weights(weights)
    current: PlacePath = ()
    below = sum(weights.values())
    while True:
        children = sorted((p for p in sub if len(p) == len(current) + 1 and p[:len(current)] == current),
                          key=lambda p: (-sub[p], p))
        if not children:
            return current
        best = children[0]
        tied = len(children) > 1 and sub[children[1]] == sub[best]
        if current and (tied or sub[best] < DESCEND_RATIO * below):
            return current  # a tie below the top: the common parent is what the article is about
        current, below = best, sub[best]


def choose_regions(weights: Mapping[PlacePath, float], prominent: set[PlacePath]) -> list[PlacePath]:
    """The article's own place, and a second unrelated one if it is nearly as strong and prominent."""
    chosen: list[PlacePath] = []
    left = dict(weights)
    first_weight = 0.0
    while left and len(chosen) < MAX_REGIONS:
        path = descend(left)
        if not path:
            break
        weight = sum(w for p, w in left.items() if is_related(p, path))
        if weight < MIN_WEIGHT:
            break  # one passing mention in the body is not what the article is about
        if chosen and (weight < SECOND_RATIO * first_weight
                       or not any(is_related(p, path) for p in prominent)):
            break
        chosen.append(path)
        first_weight = first_weight or weight
        left = {p: w for p, w in left.items() if not is_related(p, path)}
    return chosen


# --------------------------------------------------------------------------- unknown zones

@dataclass(frozen=True)
class ZoneMention:
    name: str
    parent: PlacePath  # from context: the city its name starts with, or the place written before it


def find_unknown_zones(sections: Sections, aliases: Mapping[str, PlacePath],
                       where: Mapping[str, PlacePath]) -> list[ZoneMention]:
    """``…经开区/…新区/…工业园/…高新区`` names that neither the divisions nor the aliases know."""
    gaz = gazetteer()
    out: dict[str, ZoneMention] = {}
    for tokens in sections.tokens.values():
        for i in range(len(tokens)):
            zone = _zone_at(tokens, i, sections.extra_words)
            if zone is None or zone[0] in aliases or zone[0] in gaz.paths or zone[0] in out:
                continue
            name, before = zone
            out[name] = ZoneMention(name, _zone_parent(name, before, where))
    return list(out.values())


def _zone_at(tokens: list[str], i: int, extra_words: frozenset[str]) -> tuple[str, str | None] | None:
    """(zone name, the token before it) if token ``i`` ends a zone name."""
    tok = tokens[i]
    if tok in W.ZONE_WORDS:
        prev = tokens[i - 1] if i > 0 else ""
        if not _can_name_zone(prev, extra_words):
            return None
        return prev + tok, tokens[i - 2] if i > 1 else None
    suffix = next((z for z in W.ZONE_WORDS if tok.endswith(z)), None)
    if suffix and len(tok) >= len(suffix) + 2 and CJK_WORD.match(tok):
        return tok, tokens[i - 1] if i > 0 else None
    return None


def _can_name_zone(word: str, extra_words: frozenset[str]) -> bool:
    """A word that can start a zone's name: a proper or common noun, or unknown to jieba (东临)."""
    if not CJK_WORD.match(word) or word[0] in ZONE_PREFIX_STOP or gazetteer().paths.get(word):
        return False
    return word in extra_words or word not in _not_nominal()  # site words are place names, so nouns


@cache
def _not_nominal() -> frozenset[str]:
    """Dictionary words whose part of speech is not in :data:`ZONE_PREFIX_POS` (verbs, adjectives …)."""
    return cached("pos-not-nominal", [W.jieba_dict_file(), division_file()], lambda: frozenset(
        word for word, tag in W.dictionary_tags().items() if not tag.startswith(ZONE_PREFIX_POS)))


def _zone_parent(name: str, before: str | None, where: Mapping[str, PlacePath]) -> PlacePath:
    gaz = gazetteer()
    for length in range(min(4, len(name) - 2), 1, -1):
        paths = gaz.shorts.get(name[:length], ())
        if len(paths) == 1:
            return paths[0]
    if before and before in where:
        return where[before]
    return ()


def alias_suggestion(zone: ZoneMention, fallback: PlacePath) -> str:
    parent = zone.parent or fallback
    target = "/".join((*parent, zone.name))
    return (f"unknown place {zone.name!r} (not in the division data nor regions.aliases); suggested line:\n"
            f"  {zone.name}: {target}  # add to regions.aliases in newsgen.yaml")


# --------------------------------------------------------------------------- the stage

@dataclass
class PlaceResult:
    regions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def place_regions(parts: Iterable[tuple[str, str]], aliases: Mapping[str, str],
                  province: str | None) -> PlaceResult:
    """Regions for an article given its sections as (kicker|title|subtitle|lead|body, text)."""
    alias_paths = alias_index(aliases)
    sections = Sections.of(parts, frozenset(alias_paths))
    mentions = find_mentions(sections, alias_paths)
    res = resolve((m.name for m in mentions), short_context(sections), alias_paths, province)
    where = dict(res.resolved)
    result = PlaceResult()
    for name, options in res.ambiguous.items():
        shown = ", ".join(show(p) for p in options[:MAX_CANDIDATES_SHOWN])
        more = f" and {len(options) - MAX_CANDIDATES_SHOWN} more" if len(options) > MAX_CANDIDATES_SHOWN else ""
        result.warnings.append(f"ambiguous place {name!r}: {shown}{more}; not guessed "
                               "(name its county or city, or set regions.province)")
        shared = common_prefix(options)
        if shared:
            where[name] = shared
    weights = mention_weights(mentions, where)
    prominent = {where[m.name] for m in mentions if m.section in PROMINENT and m.name in where}
    chosen = choose_regions(weights, prominent)
    result.regions = [show(p) for p in chosen]
    result.notes.append(_region_note(chosen, mentions, where, alias_paths))
    fallback = _suggestion_parent(chosen, province)
    result.warnings.extend(alias_suggestion(z, fallback)
                           for z in find_unknown_zones(sections, alias_paths, where))
    return result


def _suggestion_parent(chosen: list[PlacePath], province: str | None) -> PlacePath:
    if chosen:
        return chosen[0][:3]
    return (province,) if province else ()


def _region_note(chosen: list[PlacePath], mentions: list[Mention], where: Mapping[str, PlacePath],
                 aliases: Mapping[str, PlacePath]) -> str:
    if not chosen:
        return "regions: none found"
    parts = []
    for path in chosen:
        used = [m for m in mentions if m.name in where and is_related(where[m.name], path)]
        first = next((m for m in used if where[m.name] == path), used[0] if used else None)
        how = ""
        if first:
            how = f"from {first.section} {first.name}"
            if first.name in aliases:
                how += ", alias"
        parts.append(f"{show(path)} ({how}; {len(used)} mentions)")
    return "regions: " + "; ".join(parts)
