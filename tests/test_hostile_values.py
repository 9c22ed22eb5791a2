"""Hostile values in ``newsgen.yaml`` and on the command line: each is ``newsgen.yaml:LINE: message`` (or
``--flag: message``) saying what to write instead, exit 1, never a traceback and never a broken file.

The class: every text value of the configuration ends up in a page, a feed, a sitemap, ``robots.txt``,
a URL or a file name, so none may hold a control character, and none but ``description`` a line
break; ``base_url`` must be an address every page's address can be made from; ``language`` a BCP 47
tag the search index takes; ``timezone`` a place's IANA name. The exact messages are the contract.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgen import cli, config
from newsgen.errors import NewsgenError

GOOD = "---\ntitle: 好新闻\ndate: 2025-08-06\n---\n\n正文。\n"


def messages(text: str) -> list[str]:
    with pytest.raises(NewsgenError) as exc:
        config.loads(text)
    return [str(d) for d in exc.value.diagnostics]


# --------------------------------------------------------------------------- base_url

BASE_URL_ERRORS = {
    "unclosed IPv6 bracket": ("http://[::1", "[::1] is no IPv6 address; write it as https://[2001:db8::1]/ or use "
                                             "a host name"),
    "not IPv6 in brackets": ("http://[zz]/", "[zz] is no IPv6 address; write it as https://[2001:db8::1]/ or use "
                                             "a host name"),
    "port out of range": ("https://example.org:99999/", "port '99999' must be a number from 1 to 65535 (or none)"),
    "port zero": ("https://example.org:0/", "port '0' must be a number from 1 to 65535 (or none)"),
    "empty port": ("https://example.org:/", "port '' must be a number from 1 to 65535 (or none)"),
    "port not a number": ("https://example.org:http/", "port 'http' must be a number from 1 to 65535 (or none)"),
    "user and password": ("https://user:pw@example.org/", "has a user name or password ('...@'): it would be "
                                                          "published in every feed and sitemap; remove it"),
    "query": ("https://example.org/?lang=zh", "has a query ('?') or a fragment ('#'); every address of the site is "
                                              "made by adding a path to base_url: remove them"),
    "fragment": ("https://example.org/#top", "has a query ('?') or a fragment ('#'); every address of the site is "
                                             "made by adding a path to base_url: remove them"),
    "space in the path": ("https://example.org/my news/", "has a space in it; remove it (write a space in a path "
                                                          "as %20)"),
    "ideographic space": ("https://example.org/\u3000", "has a space in it; remove it (write a space in a path "
                                                        "as %20)"),
    "zero-width space": ("https://exa\u200bmple.org/", "has an invisible character (U+200B ZERO WIDTH SPACE) in "
                                                       "it; remove it (write a space in a path as %20)"),
    "non-ASCII host": ("https://例子.中国/news/", "has a host that is not ASCII; feeds and sitemaps need its ASCII "
                                                "(IDNA) form: write 'https://xn--fsqu00a.xn--fiqs8s/news/'"),
    "non-ASCII path": ("https://example.org/新闻/", "has '新' in its path; URLs in feeds and sitemaps must be ASCII: "
                                                  "write the path percent-encoded, '/%E6%96%B0%E9%97%BB/'"),
    "bad percent-encoding": ("https://example.org/a%zz/", "has '%' in its path; write it percent-encoded, '%25'"),
    "dot-dot segment": ("https://example.org/a/../b/", "has a '.' or '..' segment in its path; write the path it "
                                                       "leads to"),
    "host with a leading hyphen": ("https://-x.org/", "'-x.org' is not a valid host name (letters, digits and '-', "
                                                      "dot-separated parts of 1 to 63 characters)"),
    "empty host label": ("https://a..org/", "'a..org' is not a valid host name (letters, digits and '-', "
                                            "dot-separated parts of 1 to 63 characters)"),
    "backslash": ("https://example.org\\news/", "'example.org\\\\news' is not a valid host name (letters, digits "
                                                "and '-', dot-separated parts of 1 to 63 characters)"),
    "no such IPv4 address": ("https://300.1.1.1/", "'300.1.1.1' is no IPv4 address"),
    "no host": ("https://:8080/", "has no host; write it as https://example.org/"),
    "no slashes after the scheme": ("https:example.org", "lacks the '//' after the scheme; write it as "
                                                         "'https://example.org'"),
    "scheme-relative": ("//example.org/", "has no scheme; write it as 'https://example.org/'"),
}


@pytest.mark.parametrize("case", sorted(BASE_URL_ERRORS))
def test_malformed_base_url_is_an_error_saying_what_to_write(case: str):
    url, message = BASE_URL_ERRORS[case]
    quoted = '"' + url.replace("\\", "\\\\") + '"'
    assert messages(f"title: 站点\nbase_url: {quoted}\n") == [f"newsgen.yaml:2: base_url {url!r} {message}"
                                                            if not message.startswith(("port", "[", "'"))
                                                            else f"newsgen.yaml:2: base_url {url!r}: {message}"]


@pytest.mark.parametrize("url", ["https://example.org/", "https://example.org/archive/", "https://example.org",
                                 "http://[::1]:8080/", "http://127.0.0.1:8000/news/", "https://EXAMPLE.org/",
                                 "https://xn--fsqu00a.xn--fiqs8s/", "https://example.org/%E6%96%B0%E9%97%BB/",
                                 "https://my_host.example/", "https://example.org/a-b_c~d/"])
def test_good_base_urls_pass(url: str):
    assert config.loads(f"base_url: '{url}'\n").base_url == url


@pytest.mark.parametrize("block", [">", "|", "|-\n  https://example.org/\n  news/"])
def test_base_url_in_a_folded_block_is_an_error_not_a_newline_in_robots_txt(tmp_path: Path, block: str,
                                                                              capsys: pytest.CaptureFixture[str]):
    site = make_site(tmp_path, "base_url: https://example.org/\n")
    out = tmp_path / "out"
    assert cli.main(["build", "--site", str(site), "--output", str(out), "--no-search"]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert b"Sitemap: https://example.org/sitemap.xml\n" in (out / "robots.txt").read_bytes()
    capsys.readouterr()
    text = f"base_url: {block}\n  https://example.org/\n" if len(block) == 1 else f"base_url: {block}\n"
    (site / "newsgen.yaml").write_text("title: 站点\n" + text, encoding="utf-8")
    assert cli.main(["build", "--site", str(site), "--output", str(out), "--no-search"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    first = err.splitlines()[0]
    assert first.startswith("newsgen.yaml:2: 'base_url' has a line break in it (a YAML '>' or '|' block keeps one "
                            "at its end); write it on one line: base_url: https://example.org/"), first
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before   # the old site, byte for byte


@pytest.mark.parametrize("url, message", [
    ("https://example.org/\n", "base_url 'https://example.org/\\n' has a line break in it (a YAML '>' or '|' block "
                               "keeps a line break at its end); write it on one line: base_url: https://example.org/"),
    ("http://[::1", "base_url 'http://[::1': [::1] is no IPv6 address; write it as https://[2001:db8::1]/ or use a "
                    "host name"),
    ("https://example.org:99999/", "base_url 'https://example.org:99999/': port '99999' must be a number from 1 to "
                                   "65535 (or none)"),
    ("https://a b/", "base_url 'https://a b/' has a space in it; remove it (write a space in a path as %20)"),
    ("", "base_url is empty; write the address the site will have, e.g. https://example.org/"),
    ("https://example.org/\x07", "base_url 'https://example.org/\\x07' has a control character (U+0007) in it (a "
                                 "YAML '>' or '|' block keeps a line break at its end); write it on one line: "
                                 "base_url: https://example.org/\x07"),
])
def test_base_url_flag_is_checked_alike_and_names_the_flag(tmp_path: Path, url: str, message: str,
                                                           capsys: pytest.CaptureFixture[str]):
    site = make_site(tmp_path, "base_url: https://example.org/\n")
    code = cli.main(["build", "--site", str(site), "--output", str(tmp_path / "out"), "--base-url", url,
                     "--no-search"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert err.splitlines()[0] == f"--base-url: {message}"
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- language

@pytest.mark.parametrize("tag, message", [
    ("zh_CN", "language 'zh_CN' is not a BCP 47 language tag; write 'zh-CN'"),
    ("zh CN", "language 'zh CN' is not a BCP 47 language tag; e.g. zh-CN, zh-Hans or en"),
    ("中文", "language '中文' is not a BCP 47 language tag; e.g. zh-CN, zh-Hans or en"),
    ("zh-", "language 'zh-' is not a BCP 47 language tag; e.g. zh-CN, zh-Hans or en"),
    ("../../x", "language '../../x' is not a BCP 47 language tag; e.g. zh-CN, zh-Hans or en"),
    ("a" * 300, f"language '{'a' * 300}' is not a BCP 47 language tag; e.g. zh-CN, zh-Hans or en"),
])
def test_language_must_be_a_bcp47_tag(tag: str, message: str):
    assert messages(f"language: '{tag}'\n") == [f"newsgen.yaml:1: {message}"]


@pytest.mark.parametrize("tag", ["zh-CN", "zh", "zh-Hans-CN", "zh-Hant-TW", "yue-HK", "en", "sr-Latn-RS",
                                 "de-CH-1996", "x-local", "zh-cmn-Hans-CN", "zh-Hans-CN-u-ca-chinese-x-abcdefgh"])
def test_well_formed_language_tags_pass(tag: str):
    assert config.loads(f"language: {tag}\n").language == tag


# --------------------------------------------------------------------------- timezone

@pytest.mark.parametrize("name, message", [
    ("utc", "unknown timezone 'utc'; did you mean 'UTC'?"),
    ("asia/shanghai", "unknown timezone 'asia/shanghai'; did you mean 'Asia/Shanghai'?"),
    ("Asia/Shangai", "unknown timezone 'Asia/Shangai'; did you mean 'Asia/Shanghai'?"),
    ("+08:00", "unknown timezone '+08:00'; a UTC offset is no time zone: use a place's IANA name such as "
               "Asia/Shanghai (UTC+8); note that Etc/GMT-8 means UTC+8"),
    ("GMT+8", "unknown timezone 'GMT+8'; a UTC offset is no time zone: use a place's IANA name such as "
              "Asia/Shanghai (UTC+8); note that Etc/GMT-8 means UTC+8"),
    ("localtime", "unknown timezone 'localtime'; use an IANA name such as Asia/Shanghai"),
    ("posixrules", "unknown timezone 'posixrules'; use an IANA name such as Asia/Shanghai"),
    ("right/UTC", "unknown timezone 'right/UTC'; use an IANA name such as Asia/Shanghai"),
    ("../../etc/passwd", "unknown timezone '../../etc/passwd'; use an IANA name such as Asia/Shanghai"),
    ("a" * 300, f"unknown timezone {'a' * 100!r}…; use an IANA name such as Asia/Shanghai"),
])
def test_timezone_oddities_are_errors_with_the_name_to_write(name: str, message: str):
    assert messages(f"timezone: '{name}'\n") == [f"newsgen.yaml:1: {message}"]


# --------------------------------------------------------------------------- control characters, line breaks

@pytest.mark.parametrize("text, message", [
    ('title: "站\\x01点"\n', "'title' has a control character (U+0001) in it; remove it"),
    ('description: "一\\x1b[31m句"\n', "'description' has a control character (U+001B) in it; remove it"),
    ('title: >\n  站点\n', "'title' has a line break in it (a YAML '>' or '|' block keeps one at its end); write it "
                          "on one line: title: 站点"),
    ('language: "zh-CN\\n"\n', "'language' has a line break in it (a YAML '>' or '|' block keeps one at its end); "
                               "write it on one line: language: zh-CN"),
    ('timezone: "Asia/Shanghai\\r"\n', "'timezone' has a control character (U+000D) in it; remove it"),
    ('output_dir: "build\\0"\n', "'output_dir' has a control character (U+0000) in it; remove it"),
    ('articles_dir: "articles\\x85"\n', "'articles_dir' has a control character (U+0085) in it; remove it"),
    ('regions:\n  province: "江西\\u2028省"\n', "'regions.province' has a line break in it (a YAML '>' or '|' block "
                                              "keeps one at its end); write it on one line: province: 江西 省"),
    ('regions:\n  aliases:\n    经开区: "江西省/宜春市\\x00"\n', "'regions.aliases.经开区' has a control character "
                                                            "(U+0000) in it; remove it"),
    ('topics:\n  "水\\n利": [供水]\n', "a key of 'topics' ('水 利') has a line break in it (a YAML '>' or '|' block "
                                      "keeps one at its end); write it on one line"),
    ('topics:\n  水利: ["供\\x7f水"]\n', "'topics.水利' has a control character (U+007F) in it; remove it"),
])
def test_control_characters_and_line_breaks_in_config_text_are_errors(text: str, message: str):
    found = messages(text)
    assert len(found) == 1 and found[0].split(": ", 1)[1] == message, found
    assert found[0].startswith("newsgen.yaml:")


def test_a_description_may_run_over_lines():
    loaded = config.loads("description: >\n  江西各市县区的\n  基层新闻档案\n")
    assert loaded.description == "江西各市县区的 基层新闻档案\n"


# --------------------------------------------------------------------------- a whole build

def make_site(root: Path, conf: str) -> Path:
    site = root / "site"
    (site / "articles").mkdir(parents=True)
    (site / "newsgen.yaml").write_text(conf, encoding="utf-8")
    (site / "articles" / "good.md").write_text(GOOD, encoding="utf-8")
    return site


@pytest.mark.parametrize("conf", ["base_url: 'http://[::1'\n", "base_url: 'http://[zz]/'\n",
                                  "base_url: 'https://example.org:99999/'\n", "language: zh_CN\n",
                                  "title: \"a\\x00b\"\n", "output_dir: \"out\\0\"\n", "timezone: 'a/../../b'\n"])
def test_no_bad_value_reaches_the_build_as_a_traceback(tmp_path: Path, conf: str, capsys: pytest.CaptureFixture[str]):
    site = make_site(tmp_path, conf)
    for command in (["build", "--no-search"], ["check"], ["new", "标题"]):
        code = cli.main([command[0], "--site", str(site), *command[1:]])
        printed = capsys.readouterr()
        err = printed.out + printed.err   # check prints its report on stdout
        assert code == 1, (command, err)
        assert "Traceback" not in err and "internal error" not in err, err
        assert err.startswith("newsgen.yaml:1: ") or "\nnewsgen.yaml:1: " in err, err
    assert not (site / "build").exists() and not (site / "out").exists()
    assert sorted(p.name for p in (site / "articles").rglob("*")) == ["good.md"]


def test_the_percent_encoded_path_the_error_suggests_builds_and_links(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]):
    """The non-ASCII path's message says to write it percent-encoded: that form must then work, links
    checked and all (the link checkers compared decoded link paths with the encoded base path)."""
    site = make_site(tmp_path, "base_url: https://example.org/%E6%96%B0%E9%97%BB/\n")
    (site / "articles" / "b.md").write_text(GOOD.replace("好新闻", "另一条").replace(
        "正文。", "见[好新闻](/%E6%96%B0%E9%97%BB/2025/08/good/)。"), encoding="utf-8")
    assert cli.main(["check", "--site", str(site), "--links"]) == 0, capsys.readouterr()
    assert cli.main(["build", "--site", str(site), "--no-search"]) == 0
    robots = (site / "build" / "robots.txt").read_text(encoding="utf-8")
    assert robots.endswith("Sitemap: https://example.org/%E6%96%B0%E9%97%BB/sitemap.xml\n")
