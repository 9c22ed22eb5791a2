"""``newsgen init`` and ``newsgen new``: a site that builds at once, an article file with full front matter."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest

from newsgen import config as config_mod
from newsgen import content
from newsgen.cli import main
from newsgen.commands.build import build
from newsgen.commands.init import init
from newsgen.commands.new import new_article
from newsgen.errors import NewsgenError
from newsgen.render import THEME_DIR


def test_init_makes_a_commented_site_that_builds_with_the_bundled_theme(tmp_path):
    site = tmp_path / "s"
    result = init(site, province="江西省")
    assert (site / "articles").is_dir() and not any((site / "articles").iterdir())
    assert (site / "bulletins").is_dir()
    assert {"newsgen.yaml", "README.md", ".gitignore"} <= {p.name for p in site.iterdir()}
    assert not (site / "templates").exists() and not (site / "static").exists()
    text = (site / "newsgen.yaml").read_text(encoding="utf-8")
    assert text.count("\n#") >= 8                       # commented: every option explained
    config = config_mod.load(site)
    assert config.regions.province == "江西省" and config.title == "新闻档案"
    assert Path("newsgen.yaml") in result.written
    (site / "articles" / "a.md").write_text("---\ntitle: 一\ndate: 2025-08-06\n---\n\n正文。\n", encoding="utf-8")
    assert build(site).pages > 1


def test_init_without_province_leaves_it_commented_and_the_config_valid(tmp_path):
    init(tmp_path / "s", title="县域新闻: 档案")
    config = config_mod.load(tmp_path / "s")
    assert config.regions.province is None and config.title == "县域新闻: 档案"
    assert "# regions:" in (tmp_path / "s" / "newsgen.yaml").read_text(encoding="utf-8")


def test_init_refuses_a_non_empty_directory_unless_forced(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(NewsgenError, match="not empty.*--force"):
        init(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    init(tmp_path, force=True)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "newsgen.yaml").is_file()


def test_init_theme_copy_brings_every_template_and_static_file(tmp_path):
    init(tmp_path / "s", theme_copy=True)
    for folder in ("templates", "static"):
        theme = sorted(p.relative_to(THEME_DIR) for p in (THEME_DIR / folder).rglob("*") if p.is_file())
        copied = sorted(p.relative_to(tmp_path / "s") for p in (tmp_path / "s" / folder).rglob("*") if p.is_file())
        assert copied == theme and theme


@pytest.fixture
def site(tmp_path: Path) -> Path:
    init(tmp_path / "s", province="江西省")
    return tmp_path / "s"


def test_new_writes_full_front_matter_with_the_place_resolved(site):
    result = new_article(site, "测试标题", regions=["罗家镇"], topics=["水利"], tags=["供水"], authors=["卢鸿"],
                         date=dt.date(2025, 8, 6))
    assert result.path == Path("articles/2025/08/ceshi-biaoti.md")
    text = (site / result.path).read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: 测试标题\ndate: 2025-08-06\nslug: ceshi-biaoti\nauthors: [卢鸿]\n"
                           "regions: [江西省/南昌市/青山湖区/罗家镇]\ntopics: [水利]\ntags: [供水]\ndraft: true\n---\n")
    article, problems = content.loads(text, result.path)
    assert article is not None and problems == [] and article.draft
    assert result.warnings == []


def test_new_defaults_to_today_in_the_site_time_zone_and_publish_clears_draft(site):
    result = new_article(site, "罗家镇供水改造", regions=["罗家镇"], publish=True)
    meta = result.meta
    assert meta["draft"] is False
    assert meta["date"] == dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date()
    assert result.path.parts[1:3] == (f"{meta['date']:%Y}", f"{meta['date']:%m}")


def test_new_never_overwrites_a_clashing_slug_gets_a_suffix(site):
    first = new_article(site, "测试标题", date=dt.date(2025, 8, 6))
    before = (site / first.path).read_bytes()
    second = new_article(site, "测试标题", date=dt.date(2025, 8, 6))
    third = new_article(site, "测试标题", date=dt.date(2025, 9, 1))   # a slug is unique across months too
    assert [second.path.name, third.path.name] == ["ceshi-biaoti-2.md", "ceshi-biaoti-3.md"]
    assert (site / first.path).read_bytes() == before


def test_new_ambiguous_place_lists_the_candidates(tmp_path):
    init(tmp_path / "s")   # no province prior: 罗家镇 is in Sichuan and in Jiangxi
    with pytest.raises(NewsgenError) as caught:
        new_article(tmp_path / "s", "标题", regions=["罗家镇"])
    message = str(caught.value)
    assert "--region: ambiguous place '罗家镇'" in message
    assert "四川省/南充市/蓬安县/罗家镇" in message and "江西省/南昌市/青山湖区/罗家镇" in message
    assert not list((tmp_path / "s" / "articles").rglob("*.md"))
    # a fuller name or another place as context settles it
    assert new_article(tmp_path / "s", "标题", regions=["青山湖区/罗家镇"]).meta["regions"] == \
        ["江西省/南昌市/青山湖区/罗家镇"]
    assert new_article(tmp_path / "s", "标题", regions=["南昌市", "罗家镇"]).meta["regions"] == \
        ["江西省/南昌市/青山湖区/罗家镇"]


def test_new_unknown_place_is_an_error_with_near_names(site):
    with pytest.raises(NewsgenError, match=r"unknown place '罗家真'.*regions\.aliases"):
        new_article(site, "标题", regions=["罗家真"])


def test_new_uses_the_sites_aliases(site):
    text = (site / "newsgen.yaml").read_text(encoding="utf-8")
    text = text.replace("regions:\n", "regions:\n  aliases:\n    宜春经开区: 江西省/宜春市/宜春经济技术开发区\n", 1)
    (site / "newsgen.yaml").write_text(text, encoding="utf-8")
    assert new_article(site, "标题", regions=["宜春经开区"]).meta["regions"] == ["江西省/宜春市/宜春经济技术开发区"]


def test_new_topic_outside_the_taxonomy_is_a_warning_with_a_suggestion(site):
    result = new_article(site, "标题", topics=["水力"])
    assert [str(w) for w in result.warnings] == [
        "--topic: warning: topic '水力' is not in the taxonomy; did you mean '水利'? add it under topics: in "
        "newsgen.yaml, or its page will have no keywords"]


def test_cli_init_new_build(tmp_path, capsys, monkeypatch):
    assert main(["init", str(tmp_path / "s"), "--province", "江西省"]) == 0
    monkeypatch.chdir(tmp_path / "s")
    capsys.readouterr()
    assert main(["new", "测试标题", "--region", "罗家镇", "--publish"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.parts[0] == "articles" and path.name == "ceshi-biaoti.md" and path.is_file()
    assert main(["build"]) == 0
    page = next(Path("build").rglob("ceshi-biaoti/index.html")).read_text(encoding="utf-8")
    for place in ("江西省", "南昌市", "青山湖区", "罗家镇"):
        assert place in page
    assert main(["init", "."]) == 1
    assert "not empty" in capsys.readouterr().err


@pytest.mark.parametrize("command, options", [
    ("init", ["DIR", "--province", "--title", "--theme-copy", "--force"]),
    ("new", ["TITLE", "--region", "--topic", "--tag", "--author", "--date", "--publish", "--site"]),
])
def test_help_describes_every_option(command, options, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for option in options:
        assert option in out, option
