"""newsgen.yaml: typed, every key optional, unknown keys rejected with their line."""

from __future__ import annotations

import pytest

from newsgen import config
from newsgen.errors import NewsgenError


def test_defaults_when_empty():
    c = config.loads("")
    assert c.per_page == 20 and c.base_path == "/" and c.language == "zh-CN"
    assert "党建引领" in c.topic_keywords() and len(c.topic_keywords()) >= 15


@pytest.mark.parametrize("url, path", [
    ("https://example.org/archive/", "/archive/"),
    ("https://example.org/archive", "/archive/"),
    ("https://example.org", "/"),
    ("/news/", "/news/"),
    ("/", "/"),
])
def test_base_path(url, path):
    assert config.loads(f"base_url: {url}").base_path == path


def test_unknown_keys_name_key_line_and_suggestion():
    text = "title: 站点\nper_pag: 10\nregions:\n  province: 江西省\n  alias: {}\nfoo: 1\n"
    with pytest.raises(NewsgenError) as err:
        config.loads(text)
    assert [str(d) for d in err.value.diagnostics] == [
        "newsgen.yaml:2: unknown configuration key 'per_pag'; did you mean 'per_page'?",
        "newsgen.yaml:5: unknown configuration key 'regions.alias'; did you mean 'regions.aliases'?",
        "newsgen.yaml:6: unknown configuration key 'foo'; known keys: title, description, base_url, language, "
        "timezone, per_page, articles_dir, output_dir, regions, topics, markdown, photos",
    ]


def test_wrong_types_are_errors():
    with pytest.raises(NewsgenError) as err:
        config.loads("per_page: -3\ntopics:\n  党建引领: 党建\n")
    assert [str(d) for d in err.value.diagnostics] == [
        "newsgen.yaml:1: 'per_page' must be from 1 to 1000, got -3",
        "newsgen.yaml:3: 'topics.党建引领' must be a list; write it as a list: [党建]",
    ]


def test_aliases_and_topics_are_read():
    c = config.loads("regions:\n  province: 江西省\n  aliases:\n    东临新区: 江西省/抚州市/东临新区\n"
                     "topics:\n  水利: [供水, 泵房]\n")
    assert c.regions.aliases == {"东临新区": "江西省/抚州市/东临新区"}
    assert c.topic_keywords() == {"水利": ["供水", "泵房"]}
