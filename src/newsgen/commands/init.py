"""``newsgen init DIR``: a new, empty site that builds with the bundled theme.

Writes a commented ``newsgen.yaml``, an empty ``articles/``, a ``bulletins/`` folder, a short README and
a ``.gitignore`` (from the package's ``skeleton/``, so it works from an installed wheel). With
``theme_copy`` the bundled theme's ``templates/`` and ``static/`` are copied in for customising; without
it the site has neither folder and builds with the theme inside the package. A directory that holds
anything is refused unless ``force``; even then no file is overwritten (a file of the skeleton's that
is already there with other bytes, such as an existing site's ``newsgen.yaml``, is an error) and
nothing is deleted. Nothing here prints.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from newsgen.commands.writes import FileToWrite, write_files
from newsgen.config import CONFIG_FILE, base_url_problem
from newsgen.errors import Diagnostic, Location, NewsgenError, Severity
from newsgen.render import THEME_DIR

DEFAULT_TITLE = "新闻档案"
#: Skeleton file -> its name in the new site (package data cannot hold dot-files reliably).
SKELETON = {"newsgen.yaml": CONFIG_FILE, "README.md": "README.md", "gitignore": ".gitignore"}
FOLDERS = ("articles", "bulletins")

_PROVINCE_SET = """regions:
  province: {province}                 # prior for resolving bare county and town names (罗家镇)
  # aliases:                            # places no standard list has: name -> full path
  #   宜春经开区: 江西省/宜春市/宜春经济技术开发区
"""
_PROVINCE_UNSET = """# regions:
#   province: 江西省                    # prior for resolving bare county and town names (罗家镇):
#                                       # set it, or 'newsgen new --region 罗家镇' may find several
#   aliases:                            # places no standard list has: name -> full path
#     宜春经开区: 江西省/宜春市/宜春经济技术开发区
"""


@dataclass
class InitResult:
    site: Path
    written: list[Path] = field(default_factory=list)   # files written, relative to ``site``
    folders: list[Path] = field(default_factory=list)   # folders made, relative to ``site``


def _scalar(value: str) -> str:
    """``value`` as one YAML scalar (quoted only when it must be)."""
    return yaml.safe_dump(value, allow_unicode=True, default_style=None, width=10_000).removesuffix("\n...\n") \
        .strip()


def config_text(title: str, province: str | None, base_url: str | None = None) -> str:
    """The commented ``newsgen.yaml`` of a new site."""
    template = resources.files("newsgen").joinpath("skeleton/newsgen.yaml").read_text(encoding="utf-8")
    regions = _PROVINCE_SET.format(province=_scalar(province)) if province else _PROVINCE_UNSET
    text = template.replace("{title}", _scalar(title)).replace("{regions}", regions)
    if base_url is not None:
        text = text.replace(_BASE_URL_UNSET, f"base_url: {_scalar(base_url)}", 1)
    return text


#: The skeleton's commented ``base_url`` line, replaced by the value of ``--base-url``.
_BASE_URL_UNSET = "# base_url: https://example.org/"


def init(target: Path, *, title: str | None = None, province: str | None = None, theme_copy: bool = False,
         force: bool = False, base_url: str | None = None) -> InitResult:
    """Create a site in ``target`` (made if missing). Raises NewsgenError if it is not empty (unless ``force``)
    or ``base_url`` is no http(s) address or path (checked as ``newsgen.yaml``'s is).

    All or nothing: every file is written beside its place first and moved in at the end, and the
    folders made are removed again, so an error means nothing was changed. A file already there with
    the bytes init would write is left as it is; one with other bytes is an error (all of them listed).
    """
    if target.exists() and not target.is_dir():
        raise NewsgenError("exists and is not a directory; choose another name", Location(target))
    if target.is_dir() and any(target.iterdir()) and not force:
        raise NewsgenError("the directory is not empty; choose a new one, or pass --force to add a site to it "
                           "(no file is overwritten or deleted)", Location(target))
    if province is not None and not province.strip():
        raise NewsgenError("--province must name a province, e.g. 江西省", Location(Path("--province")))
    if base_url is not None:
        found = base_url_problem(base_url)
        if found is not None and found[0] is Severity.ERROR:
            raise NewsgenError(found[1], Location(Path("--base-url")))
    result = InitResult(site=target)
    site_title = title or DEFAULT_TITLE
    skeleton = resources.files("newsgen").joinpath("skeleton")
    texts: list[tuple[Path, bytes]] = []
    for source, name in SKELETON.items():
        if source == "newsgen.yaml":
            text = config_text(site_title, province and province.strip(), base_url)
        else:
            text = skeleton.joinpath(source).read_text(encoding="utf-8").replace("{title}", site_title)
        texts.append((Path(name), text.encode("utf-8")))
    if theme_copy:
        for folder in ("templates", "static"):
            texts += [(path.relative_to(THEME_DIR), path.read_bytes())
                      for path in sorted((THEME_DIR / folder).rglob("*")) if path.is_file()]
    made: list[Path] = []   # folders made here, removed again on failure
    try:
        made += reversed(list(itertools.takewhile(lambda d: not d.exists(), [target, *target.parents])))
        target.mkdir(parents=True, exist_ok=True)
        files = []
        taken: list[Diagnostic] = []
        for rel, data in texts:
            path = target / rel
            if os.path.lexists(path) and (path.is_symlink() or not path.is_file()):
                raise NewsgenError("is not a regular file (a folder or a symbolic link): init replaces only "
                                   "files; move it away first", Location(path))
            replaces = path.read_bytes() if os.path.lexists(path) else None
            if replaces is not None and replaces != data:   # a site's settings, a customised template
                taken.append(Diagnostic(Location(path), "already exists with other content, and init never "
                                        "overwrites a file (it may hold the site's settings or your edits); "
                                        "move it away first if you want init's version"))
            elif replaces is None:
                files.append(FileToWrite(path, data, None, sweep=False))
        if taken:
            raise NewsgenError(taken)
        for folder in FOLDERS:
            if not (target / folder).is_dir():
                (target / folder).mkdir()
                made.append(target / folder)
                result.folders.append(Path(folder))
        write_files(files, what="init")
    except (OSError, NewsgenError) as exc:
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                pass
        if isinstance(exc, NewsgenError):
            raise
        raise NewsgenError(f"cannot write: {exc.strerror or exc}", Location(Path(exc.filename or target))) from None
    result.written = [f.path.relative_to(target) for f in files]
    return result
