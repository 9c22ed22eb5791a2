"""``newsgen new "标题"``: a new article file with complete front matter, never overwriting one.

The place is resolved as import resolves it: the site's ``regions.aliases`` first, then the gazetteer
(jionlp's division list), narrowed by the other places given and by the ``regions.province`` prior; a
place that is still ambiguous, or unknown, is an error listing the candidates. The slug is the title in
pinyin, grouped by jieba words (as import does), ``-2``, ``-3`` … when taken. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import difflib
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgen import config as config_mod
from newsgen import content
from newsgen.commands.writes import Conflict, FileToWrite, require_inside, require_site, site_lock, write_files
from newsgen.errors import Diagnostic, Diagnostics, Location, NewsgenError, Severity

PlacePath = tuple[str, ...]
MAX_SHOWN = 6


@dataclass
class NewResult:
    path: Path                                   # the file written, relative to the site
    meta: dict[str, Any]
    warnings: list[Diagnostic] = field(default_factory=list)


# --------------------------------------------------------------------------- places

def place_candidates(name: str, aliases: Mapping[str, str]) -> tuple[PlacePath, ...]:
    """Every path ``name`` may stand for: a site alias, a division name, or a written-out path."""
    from newsgen.enrich.places import alias_index, candidates, gazetteer, parse_alias

    index = alias_index(aliases)
    if "/" in name:
        path = parse_alias(name)
        if not path:
            return ()
        known = {parse_alias(t) for t in aliases.values()}
        if any(k[: len(path)] == path for k in known) or path in gazetteer().paths.get(path[-1], ()):
            return (path,)
        return tuple(p for p in candidates(path[-1], index) if _ends_with(p, path))
    return candidates(name, index)


def _ends_with(full: PlacePath, written: PlacePath) -> bool:
    """``江西省/南昌市/青山湖区/罗家镇`` fits ``青山湖区/罗家镇`` and ``南昌市/罗家镇`` (parts in order)."""
    it = iter(full)
    return full[-1] == written[-1] and all(part in it for part in written)


def resolve_places(names: Sequence[str], aliases: Mapping[str, str], province: str | None,
                   where: str = "--region") -> tuple[list[str], Diagnostics]:
    """Each name -> its one full path (``江西省/南昌市/青山湖区/罗家镇``); problems as diagnostics.

    The names are context for each other (``--region 南昌市 --region 罗家镇``), then the province prior
    decides, as in import. Loads the gazetteer (no jieba).
    """
    from newsgen.enrich.places import narrow, show

    diagnostics = Diagnostics()
    options = {name: place_candidates(name.strip(), aliases) for name in dict.fromkeys(names) if name.strip()}
    context = {c[0] for c in options.values() if len(c) == 1}
    out: list[str] = []
    for name, cands in options.items():
        left = narrow(cands, context - set(cands), province) if len(cands) > 1 else cands
        if len(left) == 1:
            out.append(show(left[0]))
            continue
        if not left:
            diagnostics.error(Location(Path(where)), f"unknown place '{name}': not in the gazetteer nor in "
                                                     f"regions.aliases{_similar(name, aliases)}; write its full "
                                                     f"path (江西省/宜春市/…) or add it to regions.aliases in "
                                                     f"newsgen.yaml")
            continue
        shown = "; ".join(show(p) for p in left[:MAX_SHOWN])
        more = f" and {len(left) - MAX_SHOWN} more" if len(left) > MAX_SHOWN else ""
        prior = "" if province else ", or set regions.province in newsgen.yaml"
        diagnostics.error(Location(Path(where)),
                          f"ambiguous place '{name}': {shown}{more}; name the one you mean, e.g. "
                          f"{where} {'/'.join(left[0][-2:])}{prior}")
    # 南昌市 given beside 罗家镇 is context, not a second region: keep the most specific paths
    return [p for p in out if not any(o != p and o.startswith(p + "/") for o in out)], diagnostics


def _similar(name: str, aliases: Mapping[str, str]) -> str:
    """``; did you mean 罗家镇, 罗坊镇?`` from names sharing the first character."""
    from newsgen.enrich.places import gazetteer

    first = name[:1]
    pool = [n for n in gazetteer().paths if n[:1] == first] + [a for a in aliases if a[:1] == first]
    close = difflib.get_close_matches(name, pool, n=4, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""


# --------------------------------------------------------------------------- the article

def _photo_copies(photos: Sequence[Path]) -> dict[str, bytes]:
    """Each ``--photo`` file's name and bytes, each checked to be a photo newsgen can publish."""
    from newsgen.render.photos import PHOTO_SUFFIXES, PhotoError, inspect, verify

    copies: dict[str, bytes] = {}
    for photo in photos:
        where = Location(photo)
        if photo.suffix.lower() not in PHOTO_SUFFIXES:
            raise NewsgenError(f"--photo {photo}: not a photo's name (use {', '.join(sorted(PHOTO_SUFFIXES))})", where)
        if photo.name in copies:
            raise NewsgenError(f"--photo {photo}: two photos named {photo.name}; rename one", where)
        try:
            data = photo.read_bytes()
        except OSError as exc:
            raise NewsgenError(f"--photo {photo}: cannot be read ({exc.strerror})", where) from None
        try:
            verify(data, str(photo))
            inspect(data, str(photo))
        except PhotoError as exc:
            raise NewsgenError(str(exc), where) from None
        copies[photo.name] = data
    return copies


def taken_slugs(site: Path, articles_dir: str) -> set[str]:
    """Slugs in use: every readable article's, and the name of every ``.md`` file (broken ones too)."""
    articles, _ = content.load_articles(site, articles_dir)
    taken = {a.slug for a in articles}
    root = site / articles_dir
    if root.is_dir():
        taken |= {content.file_slug(p) for p in root.rglob("*.md")}
    return taken


def today_in(timezone: str) -> dt.date:
    return dt.datetime.now(zoneinfo.ZoneInfo(timezone)).date()


def new_article(site: Path, title: str, *, regions: Sequence[str] = (), topics: Sequence[str] = (),
                tags: Sequence[str] = (), authors: Sequence[str] = (), date: dt.date | None = None,
                publish: bool = False, photos: Sequence[Path] = ()) -> NewResult:
    """Write ``articles/YYYY/MM/<slug>.md`` for ``title``. Raises NewsgenError on a bad place or title, or
    a ``site`` that is no site (:func:`require_site`); nothing is written then.

    With ``photos``, the article is a folder, ``articles/YYYY/MM/<slug>/index.md``, with a copy of each
    photo beside it and an image line for each in its body (alt text to fill in); a photo that cannot
    be read, or two of one name, is an error and nothing is written."""
    require_site(site)
    config = config_mod.load(site)
    title = title.strip()
    if not title:
        raise NewsgenError("the title must not be empty", Location(Path("TITLE")))
    bad = content.CONTROL.search(title) or content.INVISIBLE.search(title)
    if bad:
        raise NewsgenError("the title has an invisible or control character; retype it", Location(Path("TITLE")))
    for option, values in (("--topic", topics), ("--tag", tags), ("--author", authors), ("--region", regions)):
        if any(not value.strip() for value in values):   # an empty name would be written as ''
            raise NewsgenError(f"{option} must not be empty", Location(Path(option)))
    paths, problems = resolve_places(regions, config.regions.aliases, config.regions.province)
    if problems.errors:
        raise NewsgenError(problems.items)
    warnings: list[Diagnostic] = []
    taxonomy = config.topic_keywords()
    for topic in topics:
        if topic not in taxonomy:
            close = difflib.get_close_matches(topic, list(taxonomy), n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'? " if close else ""
            warnings.append(Diagnostic(Location(Path("--topic")),
                                       f"topic '{topic}' is not in the taxonomy; {hint}add it under topics: in "
                                       "newsgen.yaml, or its page will have no keywords", Severity.WARNING))

    copies = _photo_copies(photos)
    body = "".join(f"![]({name})\n\n" for name in copies)

    from newsgen.enrich.slugs import article_slug  # jieba: words keep their pinyin together

    day = date or today_in(config.timezone)
    folder = site / config.articles_dir / f"{day.year:04d}" / f"{day.month:02d}"
    meta: dict[str, Any] = {"title": title, "date": day, "slug": "", "authors": list(dict.fromkeys(authors)),
                            "regions": paths, "topics": list(dict.fromkeys(topics)),
                            "tags": list(dict.fromkeys(tags)), "draft": not publish}
    with site_lock(site):
        taken = taken_slugs(site, config.articles_dir)
        while True:
            slug = article_slug(title, taken)
            meta["slug"] = slug
            path = folder / slug / "index.md" if copies else folder / f"{slug}.md"
            files = [FileToWrite(path, content.dumps(meta, body).encode("utf-8"))]
            files += [FileToWrite(path.parent / name, data) for name, data in copies.items()]
            require_inside(site, files)
            try:   # written whole beside it, then linked in: a file that appeared meanwhile is never replaced
                write_files(files, what="new")
            except Conflict:
                taken.add(slug)
                continue
            break
    return NewResult(path=path.relative_to(site), meta=meta, warnings=warnings)
