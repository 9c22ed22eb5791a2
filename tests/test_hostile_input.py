"""Broken and hostile input: each case gets a clear ``path:line: message`` or a safe result, never a traceback.

One test a case (parametrised tables). Article files are read with ``content.load`` as ``build``
reads them; config text with ``config.loads``; bulletins with the importer's own decoding and
parse. Cases that need a whole build (symbolic links, templates, one URL twice) build a small site.
The exact messages are the contract: they are what an editor reads.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from pathlib import Path

import pytest

from newsgen import cli, config, content
from newsgen.bulletin import parse
from newsgen.bulletin.blocks import flat
from newsgen.commands.build import build
from newsgen.commands.importer import decode_bulletin, run_import
from newsgen.errors import NewsgenError

EXAMPLE = Path(__file__).resolve().parent.parent / "bulletins" / "jiangxi-county-news.txt"
GOOD = "---\ntitle: 好新闻\ndate: 2025-08-06\n---\n\n正文。\n"


def read(tmp_path: Path, data: str | bytes, name: str = "x.md") -> tuple[content.Article | None, list[str]]:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    article, problems = content.load(path, tmp_path)
    return article, [str(p) for p in problems]


# --------------------------------------------------------------------------- article files: errors

ARTICLE_ERRORS = {
    "impossible date": (
        "---\ntitle: 二月\ndate: 2025-02-30\n---\n正文\n",
        ["x.md:3: invalid date 2025-02-30 (day is out of range for month): write a real date as YYYY-MM-DD"]),
    "impossible month in a datetime": (
        "---\ntitle: 月份\ndate: 2025-13-01T08:00:00+08:00\n---\n正文\n",
        ["x.md:3: invalid date 2025-13-01T08:00:00+08:00 (month must be in 1..12): "
         "write a real date as YYYY-MM-DD"]),
    "date as a word": (
        "---\ntitle: 昨天\ndate: yesterday\n---\n正文\n",
        ["x.md:3: 'date' must be an ISO date such as 2025-08-06 (or a datetime with timezone), got 'yesterday'"]),
    "key given twice": (
        "---\ntitle: 第一个\ndate: 2025-08-06\ntitle: 第二个\n---\n正文\n",
        ["x.md:4: key 'title' given twice, on lines 2 and 4; keep one of them"]),
    "key given twice inside source": (
        "---\ntitle: 来源\ndate: 2025-08-06\nsource:\n  bulletin: a.txt\n  bulletin: b.txt\n---\n正文\n",
        ["x.md:6: key 'bulletin' given twice, on lines 5 and 6; keep one of them"]),
    "tab indentation": (
        "---\ntitle: 制表符\ndate: 2025-08-06\nsource:\n\tbulletin: a.txt\n---\n正文\n",
        ["x.md:5: tab character in the indentation of front matter: YAML indents with spaces only; "
         "replace the tab with spaces"]),
    "unterminated front matter": (
        "---\ntitle: 没有结尾\ndate: 2025-08-06\n\n正文。\n",
        ["x.md:1: the front matter opened here is never closed: add a '---' line after the last key"]),
    "no front matter": (
        "# 只有正文\n\n正文。\n",
        ["x.md:1: no front matter: the file must start with a '---' line, then YAML, then a closing '---' line"]),
    "empty file": (
        "",
        ["x.md:1: no front matter: the file must start with a '---' line, then YAML, then a closing '---' line"]),
    "front matter is a list": (
        "---\n- title\n- date\n---\n正文\n",
        ["x.md:2: front matter must be a mapping of keys to values (key: value)"]),
    "title is a mapping": (
        "---\ntitle: {a: 1}\ndate: 2025-08-06\n---\n正文\n",
        ["x.md:2: 'title' must be text, got dict"]),
    "regions a list of lists": (
        "---\ntitle: 地区\ndate: 2025-08-06\nregions: [[江西省]]\n---\n正文\n",
        ["x.md:4: 'regions' must be a list of text items, e.g. regions: [a, b]"]),
    "draft as quoted no": (
        "---\ntitle: 草稿\ndate: 2025-08-06\ndraft: 'no'\n---\n正文\n",
        ["x.md:4: 'draft' must be true or false, got 'no'"]),
    "slug with a slash": (
        "---\ntitle: 斜杠\ndate: 2025-08-06\nslug: 2025/escape\n---\n正文\n",
        ["x.md:4: 'slug' '2025/escape' must be one URL segment, without '/' or '\\'; e.g. '2025-escape'"]),
    "slug climbing out": (
        "---\ntitle: 上级\ndate: 2025-08-06\nslug: ..\n---\n正文\n",
        ["x.md:4: 'slug' '..' must not start with a dot; use letters, digits and '-'"]),
    "slug with a backslash": (
        "---\ntitle: 反斜杠\ndate: 2025-08-06\nslug: a\\b\n---\n正文\n",
        ["x.md:4: 'slug' 'a\\\\b' must be one URL segment, without '/' or '\\'; e.g. 'a-b'"]),
    "slug with a zero-width space": (
        "---\ntitle: 零宽\ndate: 2025-08-06\nslug: \"news\\u200b1\"\n---\n正文\n",
        ["x.md:4: 'slug' 'news\\u200b1' has an invisible or control character (U+200B ZERO WIDTH SPACE); retype it"]),
    "key with a zero-width space": (
        "---\ntitle: 标题\ndate: 2025-08-06\nta\u200bgs: [a]\n---\n正文\n",
        ["x.md:4: key 'tags' has an invisible character (U+200B ZERO WIDTH SPACE) in it; retype the key"]),
    "title of zero-width characters only": (
        "---\ntitle: \"\\u200b\\u200b\"\ndate: 2025-08-06\n---\n正文\n",
        ["x.md:2: 'title' must not be empty"]),
    "control character in a title": (
        "---\ntitle: \"标题\\x1b[31m\"\ndate: 2025-08-06\n---\n正文\n",
        ["x.md:2: 'title' has a control character (U+001B); remove it"]),
    "raw control character in the YAML": (
        "---\ntitle: 标题\ndate: 2025-08-06\nsummary: a\x07b\n---\n正文\n",
        ["x.md:4: invalid character U+0007 in front matter; remove it"]),
    "python object tag": (
        "---\ntitle: !!python/object/apply:os.system [echo pwned]\ndate: 2025-08-06\n---\n正文\n",
        ["x.md:2: invalid YAML in front matter: could not determine a constructor for the tag "
         "'tag:yaml.org,2002:python/object/apply:os.system'"]),
    "non-UTF-8 bytes": (
        "---\ntitle: 编码\ndate: 2025-08-06\n---\n\n".encode() + "第一段。\n第二段，GBK 编码。\n".encode("gbk"),
        ["x.md:6: not UTF-8 text (invalid start byte at byte 40); save the file as UTF-8, "
         "e.g. iconv -f GB18030 -t UTF-8"]),
}


@pytest.mark.parametrize("case", sorted(ARTICLE_ERRORS))
def test_bad_article_file_gets_its_line_and_no_article(tmp_path: Path, case: str):
    text, expected = ARTICLE_ERRORS[case]
    article, problems = read(tmp_path, text)
    assert article is None
    assert problems == expected


# --------------------------------------------------------------------------- article files: safe results

def test_numeric_title_is_read_as_text(tmp_path: Path):
    """Documented coercion: a number in a text field is that number written out."""
    article, problems = read(tmp_path, "---\ntitle: 123\ndate: 2025-08-06\n---\n正文\n")
    assert problems == [] and article is not None and article.title == "123"


def test_region_given_as_text_is_a_list_of_one(tmp_path: Path):
    """Documented coercion: `regions: 江西省` means `regions: [江西省]` (as authors, topics and tags)."""
    article, problems = read(tmp_path, "---\ntitle: 地区\ndate: 2025-08-06\nregions: 江西省/南昌市\n---\n正文\n")
    assert problems == [] and article is not None and article.regions == ("江西省/南昌市",)


def test_zero_width_characters_are_removed_from_tags_and_title(tmp_path: Path):
    article, problems = read(tmp_path, "---\ntitle: \"党建\\u200b引领\"\ndate: 2025-08-06\n"
                                       "tags: [\"党建\\u200b\", \"\\ufeff产业\"]\n---\n正文\n")
    assert problems == [] and article is not None
    assert article.title == "党建引领" and article.tags == ("党建", "产业")


def test_bidi_override_is_removed_from_authors(tmp_path: Path):
    article, problems = read(tmp_path, "---\ntitle: 作者\ndate: 2025-08-06\nauthors: [\"张\\u202e三\"]\n---\n正文\n")
    assert problems == [] and article is not None and article.authors == ("张三",)


def test_slug_with_space_or_question_mark_builds_with_a_warning(tmp_path: Path):
    article, problems = read(tmp_path, "---\ntitle: 空格\ndate: 2025-08-06\nslug: a b?\n---\n正文\n")
    assert article is not None and article.slug == "a b?"
    assert problems == ["x.md:4: warning: 'slug' 'a b?' has a space in it: links percent-encode it, but the "
                        "address is hard to read or type; prefer 'a-b'"]


def test_file_name_that_cannot_be_a_slug_is_an_error(tmp_path: Path):
    _, problems = read(tmp_path, GOOD, name=".hidden.md")
    assert problems == ["x.md:1: no 'slug', so the file name stands in for it: '.hidden' must not start with a "
                        "dot; use letters, digits and '-'; add a 'slug:' line or rename the file"
                        .replace("x.md", ".hidden.md")]


def test_five_thousand_character_title_is_a_warning_and_builds(tmp_path: Path):
    long = "长" * 5000
    article, problems = read(tmp_path, f"---\ntitle: {long}\ndate: 2025-08-06\nslug: long\n---\n正文\n")
    assert article is not None and article.title == long
    assert problems == ["x.md:2: warning: 'title' is 5000 characters long; a title over 200 characters is "
                        "probably body text: shorten it"]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_windows_and_old_mac_line_ends_read_as_unix(tmp_path: Path, newline: str):
    article, problems = read(tmp_path, GOOD.replace("\n", newline))
    assert problems == [] and article is not None
    assert article.title == "好新闻" and article.body.strip() == "正文。"


def test_byte_order_mark_is_ignored(tmp_path: Path):
    article, problems = read(tmp_path, "\ufeff" + GOOD)
    assert problems == [] and article is not None and article.title == "好新闻"


def test_alias_bomb_is_refused_quickly(tmp_path: Path):
    """A billion-laughs alias tree: PyYAML shares the nodes; the first value too big once expanded is named."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    text = "---\ntitle: 炸弹\ndate: 2025-08-06\n" + "\n".join(lines) + "\ntags: *a8\n---\n正文\n"
    article, problems = read(tmp_path, text)
    assert article is None
    assert problems == ["x.md:9: front matter has more than 100,000 values (an alias, *name, counts as all the "
                        "values it stands for); hold fewer values, or use fewer aliases"]


# --------------------------------------------------------------------------- whole sites

def make_site(root: Path, articles: dict[str, str] | None = None, conf: str = "base_url: https://example.org/\n"
              ) -> Path:
    site = root / "site"
    (site / "articles").mkdir(parents=True)
    (site / "newsgen.yaml").write_text(conf, encoding="utf-8")
    for name, text in (articles or {"good.md": GOOD}).items():
        (site / "articles" / name).write_text(text, encoding="utf-8")
    return site


def messages(exc: pytest.ExceptionInfo[NewsgenError]) -> list[str]:
    return [str(d) for d in exc.value.diagnostics]


def test_symlink_to_a_file_outside_the_site_is_refused_and_not_read(tmp_path: Path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: 机密\ndate: 2025-08-06\n---\n\n口令是 hunter2。\n", encoding="utf-8")
    site = make_site(tmp_path)
    os.symlink(secret, site / "articles" / "leak.md")
    with pytest.raises(NewsgenError) as exc:
        build(site, tmp_path / "out")
    assert messages(exc) == [f"articles/leak.md: symbolic link to {secret} leads outside the site ({secret}); "
                             "copy the file into the site or remove the link"]
    assert not (tmp_path / "out").exists()


def test_symlinked_folder_outside_the_site_is_refused(tmp_path: Path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "a.md").write_text(GOOD, encoding="utf-8")
    site = make_site(tmp_path)
    os.symlink(shared, site / "articles" / "more")
    with pytest.raises(NewsgenError) as exc:
        build(site, tmp_path / "out")
    assert messages(exc) == [f"articles/more: symbolic link to {shared} leads outside the site ({shared}); "
                             "copy the file into the site or remove the link"]


def test_symlinks_inside_the_site_are_followed_once(tmp_path: Path):
    site = make_site(tmp_path)
    (site / "drafts-kept").mkdir()
    (site / "drafts-kept" / "linked.md").write_text(GOOD.replace("好新闻", "链接的新闻").replace(
        "title:", "slug: linked\ntitle:"), encoding="utf-8")
    os.symlink(site / "drafts-kept", site / "articles" / "linked")
    os.symlink(site / "articles", site / "articles" / "loop")   # a loop is walked once
    articles, diagnostics = content.load_articles(site)
    assert diagnostics.items == []
    assert sorted(a.title for a in articles) == ["好新闻", "链接的新闻"]


def test_static_file_linking_outside_the_site_is_refused(tmp_path: Path):
    site = make_site(tmp_path)
    (site / "static").mkdir()
    os.symlink("/etc/passwd", site / "static" / "passwd.txt")
    with pytest.raises(NewsgenError) as exc:
        build(site, tmp_path / "out")
    assert messages(exc) == ["static/passwd.txt: symbolic link to /etc/passwd leads outside the site "
                             "(/etc/passwd); copy the file into the site or remove the link"]


@pytest.mark.parametrize("target", ["../../../../etc/passwd", "/etc/passwd"])
def test_template_including_a_file_outside_the_site_is_an_error(tmp_path: Path, target: str):
    site = make_site(tmp_path)
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text(f'{{% include "{target}" %}}\n', encoding="utf-8")
    with pytest.raises(NewsgenError) as exc:
        build(site, tmp_path / "out")
    [message] = messages(exc)
    assert message.startswith("templates/404.html:1: template error while rendering 404.html: ")
    assert "root:" not in message and not (tmp_path / "out").exists()


def test_unknown_key_naming_a_file_is_data_never_read(tmp_path: Path):
    site = make_site(tmp_path, {"a.md": GOOD.replace("title:", "include: /etc/passwd\ntemplate: ../../x\ntitle:")})
    out = tmp_path / "out"
    build(site, out)
    pages = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "root:" not in pages


def test_two_articles_with_one_url_name_both(tmp_path: Path):
    site = make_site(tmp_path, {"a.md": GOOD.replace("title:", "slug: same\ntitle:"),
                                "b.md": GOOD.replace("title:", "slug: same\ntitle:")})
    with pytest.raises(NewsgenError) as exc:
        build(site, tmp_path / "out")
    assert messages(exc) == ["articles/b.md: same URL /2025/08/same/ as articles/a.md; give one of them "
                             "another 'slug'"]


def test_cli_prints_no_traceback_for_a_broken_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    site = make_site(tmp_path, {"a.md": "---\ntitle: x\ndate: 2025-02-30\n---\n", "b.md": "\xff"},
                     conf="base_url: example.org/news\nper_page: 0\n")
    code = cli.main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert err.splitlines() == [
        "newsgen.yaml:1: base_url 'example.org/news' has no scheme, so links would go to a path named after "
        "the host; write it as 'https://example.org/news/' (or a path starting with '/')",
        "newsgen.yaml:2: 'per_page' must be from 1 to 1000, got 0",
        "articles/a.md:3: invalid date 2025-02-30 (day is out of range for month): write a real date as YYYY-MM-DD",
        "articles/b.md:1: no front matter: the file must start with a '---' line, then YAML, then a closing "
        "'---' line",
        "newsgen build: 4 error(s); nothing was changed",
    ]


# --------------------------------------------------------------------------- newsgen.yaml

CONFIG_ERRORS = {
    "unknown key": ("titel: 站点\n", ["newsgen.yaml:1: unknown configuration key 'titel'; did you mean 'title'?"]),
    "bool given quoted no": ("markdown:\n  unsafe_html: 'no'\n",
                             ["newsgen.yaml:2: 'markdown.unsafe_html' must be true or false (without quotes), "
                              "got text 'no'"]),
    "bool given a number": ("markdown:\n  unsafe_html: 2\n",
                            ["newsgen.yaml:2: 'markdown.unsafe_html' must be true or false, got int 2"]),
    "int given text": ("per_page: '20'\n", ["newsgen.yaml:1: 'per_page' must be a whole number, got text '20'"]),
    "int given a fraction": ("per_page: 2.5\n", ["newsgen.yaml:1: 'per_page' must be a whole number, got float 2.5"]),
    "int given zero": ("per_page: 0\n", ["newsgen.yaml:1: 'per_page' must be from 1 to 1000, got 0"]),
    "int given true": ("per_page: true\n", ["newsgen.yaml:1: 'per_page' must be a whole number, got bool True"]),
    "list given text": ("topics:\n  水利: 供水\n",
                        ["newsgen.yaml:2: 'topics.水利' must be a list; write it as a list: [供水]"]),
    "mapping given a list": ("regions: [江西省]\n", ["newsgen.yaml:1: 'regions' must be a mapping"]),
    "text given a list": ("title: [a, b]\n", ["newsgen.yaml:1: 'title' must be text, got list"]),
    "unknown time zone": ("title: 站点\ntimezone: Asia/Beijing\n",
                          ["newsgen.yaml:2: unknown timezone 'Asia/Beijing'; use an IANA name such as Asia/Shanghai"]),
    "host without scheme": ("base_url: example.org/news\n",
                            ["newsgen.yaml:1: base_url 'example.org/news' has no scheme, so links would go to a "
                             "path named after the host; write it as 'https://example.org/news/' "
                             "(or a path starting with '/')"]),
    "unsupported scheme": ("base_url: ftp://example.org/\n",
                           ["newsgen.yaml:1: base_url 'ftp://example.org/' must be an http(s) address with a "
                            "host, e.g. https://example.org/"]),
    "key given twice": ("title: 甲\nper_page: 5\ntitle: 乙\n",
                        ["newsgen.yaml:3: key 'title' given twice, on lines 1 and 3; keep one of them"]),
    "tab indentation": ("regions:\n\tprovince: 江西省\n",
                        ["newsgen.yaml:2: tab character in the indentation: YAML indents with spaces only; "
                         "replace the tab"]),
    "not a mapping": ("- title\n", ["newsgen.yaml:1: configuration must be a mapping of keys to values"]),
    "broken YAML": ("title: [站点\n", ["newsgen.yaml:2: invalid YAML: expected ',' or ']', but got '<stream end>'"]),
}


@pytest.mark.parametrize("case", sorted(CONFIG_ERRORS))
def test_bad_config_names_key_and_line(case: str):
    text, expected = CONFIG_ERRORS[case]
    with pytest.raises(NewsgenError) as exc:
        config.loads(text)
    assert messages(exc) == expected


def test_path_only_base_url_stays_a_warning(tmp_path: Path):
    site = make_site(tmp_path, conf="base_url: /news/\n")
    result = build(site, tmp_path / "out")
    assert [str(w) for w in result.warnings] == [
        "newsgen.yaml: warning: base_url '/news/' has no scheme and host, so feeds, the sitemap and canonical "
        "links carry paths, not absolute URLs; set a full base_url (https://example.org/) before publishing"]


def test_base_url_override_without_scheme_is_an_error(tmp_path: Path):
    site = make_site(tmp_path)
    with pytest.raises(NewsgenError) as exc:
        build(site, tmp_path / "out", base_url="example.org")
    assert messages(exc) == ["--base-url: base_url 'example.org' has no scheme, so links would go to a path "
                             "named after the host; write it as 'https://example.org/' (or a path starting "
                             "with '/')"]


def test_config_in_gbk_names_the_line(tmp_path: Path):
    (tmp_path / "newsgen.yaml").write_bytes("title: site\ndescription: 县域新闻\n".encode("gbk"))
    with pytest.raises(NewsgenError) as exc:
        config.load(tmp_path)
    assert messages(exc) == ["newsgen.yaml:2: not UTF-8 text (invalid continuation byte at byte 25); save the "
                             "file as UTF-8"]


# --------------------------------------------------------------------------- bulletins

SAMPLE = EXAMPLE.read_text(encoding="utf-8")


def chars(text: str) -> Counter[str]:
    return Counter(c for c in text if not c.isspace())


def test_gbk_bulletin_is_read_as_gb18030_with_a_note(tmp_path: Path):
    text, notes = decode_bulletin(SAMPLE.encode("gbk"), tmp_path / "b.txt")
    assert text == SAMPLE
    assert notes == ["not UTF-8: read as GB18030 (GBK); the articles are written in UTF-8"]


def test_gb18030_bulletin_with_characters_beyond_gbk(tmp_path: Path):
    sample = SAMPLE + "\n\n𠀾村（记者 王𡒄）\n"   # characters only GB18030 has
    text, _ = decode_bulletin(sample.encode("gb18030"), tmp_path / "b.txt")
    assert text == sample


def test_utf16_bulletin_with_bom_is_read(tmp_path: Path):
    text, notes = decode_bulletin(SAMPLE.encode("utf-16"), tmp_path / "b.txt")
    assert text == SAMPLE and notes == ["read as UTF-16 (it has a UTF-16 byte-order mark)"]


@pytest.mark.parametrize("variant", ["bom", "crlf", "cr", "formfeed"])
def test_layout_variants_import_the_same_articles(tmp_path: Path, variant: str):
    data = {"bom": ("\ufeff" + SAMPLE).encode(), "crlf": SAMPLE.replace("\n", "\r\n").encode(),
            "cr": SAMPLE.replace("\n", "\r").encode(),
            "formfeed": SAMPLE.replace("\n\n", "\n\f", 3).encode()}[variant]
    text, _ = decode_bulletin(data, tmp_path / "b.txt")
    same = parse(decode_bulletin(SAMPLE.encode(), tmp_path / "b.txt")[0])
    got = parse(text)
    assert [d.title for d in got.drafts] == [d.title for d in same.drafts]
    assert [d.body for d in got.drafts] == [d.body for d in same.drafts]


@pytest.mark.parametrize("data, message", [
    (b"", "b.txt:1: the bulletin is empty: there is no text to import"),
    (b" \n\r\n\t\n", "b.txt:1: the bulletin is empty: there is no text to import"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "b.txt:3: binary file, not text (a NUL byte at byte 8); "
                                            "a bulletin is plain text"),
    (bytes(range(128, 256)) * 4, "b.txt:1: not UTF-8 text (byte 0: invalid start byte), nor Chinese in "
                                 "GB18030/GBK; convert it to UTF-8, e.g. iconv -f BIG5 -t UTF-8"),
], ids=["empty", "blank", "binary", "random-bytes"])
def test_unreadable_bulletin_is_refused_with_where(tmp_path: Path, data: bytes, message: str):
    path = tmp_path / "b.txt"
    path.write_bytes(data)
    with pytest.raises(NewsgenError) as exc:
        run_import(path, tmp_path / "site", dt.date(2025, 8, 6))
    assert [str(d).replace(str(tmp_path) + "/", "") for d in exc.value.diagnostics] == [message]
    assert not (tmp_path / "site" / "articles").exists()


def test_control_characters_are_removed_and_noted(tmp_path: Path):
    text, notes = decode_bulletin(("标题\x1b[0m\n\n正文。\x07\n").encode(), tmp_path / "b.txt")
    assert text == "标题[0m\n\n正文。\n"
    assert notes == ["removed 2 control character(s) (U+0007, U+001B)"]


def test_bulletin_without_any_headline_keeps_all_text(tmp_path: Path):
    body = ("这是一段没有标题的文字，记者在现场看到了很多人。大家都很高兴，纷纷表示满意。\n\n"
            "第二段继续描述，只是正文。\n")
    path = tmp_path / "b.txt"
    path.write_text(body, encoding="utf-8")
    (tmp_path / "site").mkdir()   # import refuses a site that does not exist (a typo must not make one)
    report = run_import(path, tmp_path / "site", dt.date(2025, 8, 6))
    assert len(report.articles) == 1 and report.unplaced == []
    assert any("no headline" in w for w in report.warnings)
    written = (tmp_path / "site" / report.articles[0].path).read_text(encoding="utf-8")
    assert chars(body) <= chars(written)


def test_huge_bulletin_loses_nothing():
    text = "\n\n".join([SAMPLE] * 12)   # ~88,000 characters; bench/bench_import.py --huge times megabytes
    parsed = parse(text)
    kept = Counter()
    for draft in parsed.drafts:
        kept += chars("".join(flat(b) for b in draft.blocks))
    for block in parsed.unplaced:
        kept += chars(flat(block))
    assert kept == chars(text)
    assert max(b.last_line for d in parsed.drafts for b in d.blocks) == text.count("\n") + 1


@pytest.mark.parametrize("unsafe", [False, True])
def test_unsafe_html_setting_reaches_the_pages(tmp_path: Path, unsafe: bool):
    body = '<b class="x">粗</b>\n\n[点我](javascript:alert(1))\n'
    site = make_site(tmp_path, {"a.md": GOOD.replace("正文。", body).replace("title:", "slug: a\ntitle:")},
                     conf=f"base_url: https://example.org/\nmarkdown:\n  unsafe_html: {str(unsafe).lower()}\n")
    build(site, tmp_path / "out")
    page = (tmp_path / "out" / "2025" / "08" / "a" / "index.html").read_text(encoding="utf-8")
    assert ('<b class="x">粗</b>' in page) is unsafe
    assert ('&lt;b class="x"&gt;粗&lt;/b&gt;' in page) is not unsafe
    assert "javascript:" not in page and "<p>点我</p>" in page


def test_internal_error_is_one_line_and_the_traceback_needs_verbose(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    import newsgen.commands.build as build_mod

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a defect")

    monkeypatch.setattr(build_mod, "build", broken)
    site = make_site(tmp_path)
    assert cli.main(["build", "--site", str(site)]) == 70
    err = capsys.readouterr().err
    assert err == ("newsgen build: internal error (RuntimeError: a defect); nothing was changed. Run again with "
                   "--verbose for the traceback, and please report it.\n")
    assert cli.main(["build", "--site", str(site), "--verbose"]) == 70
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_drafts_and_future_articles_are_left_out_unless_asked(tmp_path: Path):
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    site = make_site(tmp_path, {"a.md": GOOD.replace("title:", "slug: now\ntitle:"),
                                "b.md": GOOD.replace("title:", "slug: draft\ndraft: true\ntitle:"),
                                "c.md": GOOD.replace("2025-08-06", future).replace("title:", "slug: later\ntitle:")})
    assert build(site, tmp_path / "o1").articles == 1
    assert build(site, tmp_path / "o2", drafts=True).articles == 2
    assert build(site, tmp_path / "o3", drafts=True, future=True).articles == 3
