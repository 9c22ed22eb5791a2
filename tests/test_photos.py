"""Photos: where they live, what is published (sizes, formats, no metadata), captions, the lead photo,
bad images, and incremental builds that equal a cold build byte for byte.

The photographs are scikit-image's (astronaut.png, coffee.png, chelsea.png), scaled up and given
EXIF (a GPS position, maker notes, an orientation) and XMP in the test itself: no large file is committed.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import time
from pathlib import Path

import pytest

from newsgen.commands.build import build
from newsgen.errors import NewsgenError
from newsgen.output import CACHE_DIR
from newsgen.render.photos import find_images, reads_as_caption, split_credit

Image = pytest.importorskip("PIL.Image")
skimage_data = pytest.importorskip("skimage.data")

FIXTURE = Path(__file__).parent / "fixtures" / "site"
XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b"<rdf:RDF/></x:xmpmeta><?xpacket end=\"w\"?>")


def photo(name: str = "astronaut", width: int = 2400, orientation: int = 1, fmt: str = "JPEG") -> bytes:
    """A real photograph scaled to ``width``, carrying GPS, maker notes, an orientation and XMP."""
    source = Image.fromarray(getattr(skimage_data, name)()).convert("RGB")
    image = source.resize((width, round(source.height * width / source.width)))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x927C] = b"MAKERNOTE-SECRET"            # maker notes
    exif[0x010F] = "PhoneMaker"
    gps = {1: "N", 2: (28.0, 40.0, 12.0), 3: "E", 4: (115.0, 53.0, 30.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, fmt, exif=exif, xmp=XMP) if fmt == "JPEG" else image.save(out, fmt, exif=exif)
    return out.getvalue()


ARTICLE = """---
title: 罗家镇供水管网改造完成
date: 2024-11-03
regions: [江西省/南昌市/青山湖区/罗家镇]
topics: [民生]
---

![新水厂的清水池](lead.jpg "新建成的清水池")

工程历时三个月。

![工人在检修管道](pipes.jpg)

图为工人在检修新铺设的管道（张三 摄）

后续工作仍在进行。
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(CACHE_DIR))
    bundle = site / "articles" / "2024" / "11" / "luojia-gongshui"
    bundle.mkdir(parents=True)
    (bundle / "index.md").write_text(ARTICLE, encoding="utf-8")
    (bundle / "lead.jpg").write_bytes(photo("astronaut", 2400))
    (bundle / "pipes.jpg").write_bytes(photo("coffee", 1000, orientation=6))
    return site


def page(out: Path) -> str:
    return (out / "2024" / "11" / "luojia-gongshui" / "index.html").read_text(encoding="utf-8")


def files(root: Path) -> dict[str, bytes]:
    from golden import unstable
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not unstable(p.relative_to(root).as_posix())}


def test_find_images_reads_inline_and_reference_images_with_their_lines():
    body = ('![a](x.jpg "说明")\n\n```\n![no](code.jpg)\n```\n\n'
            '文字 ![b][ref] 与 ![c](https://e.org/y.png)\n\n[ref]: d/y.png "题"\n')
    found = [(r.src, r.alt, r.title, r.line) for r in find_images(body)]
    assert found == [("x.jpg", "a", "说明", 1), ("d/y.png", "b", "题", 7), ("https://e.org/y.png", "c", "", 7)]


def test_captions_and_credits_are_told_apart():
    assert reads_as_caption("图为工人在检修新铺设的管道（张三 摄）")
    assert reads_as_caption("新建成的清水池。（记者 李四 摄影）")
    assert not reads_as_caption("工程历时三个月，惠及两万人。")
    assert split_credit("图为工人在检修管道（张三 摄）") == ("图为工人在检修管道", "张三 摄")
    assert split_credit("图为清水池") == ("图为清水池", "")


def test_a_folder_article_keeps_its_url_and_publishes_sized_stripped_photos(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(site, out, search=False)
    html = page(out)
    assert html.count("<picture>") == 2
    # the lead photo: 480/960/1600 (never upscaled) x AVIF/WebP/JPEG, width/height, not lazy
    lead = re.search(r'<figure class="photo"><picture>(.*?)</picture><figcaption>(.*?)</figcaption>\s*</figure>', html)
    assert lead is not None
    assert 'type="image/avif"' in lead.group(1) and 'type="image/webp"' in lead.group(1)
    img = re.search(r"<img [^>]*>", lead.group(1)).group(0)
    assert 'height="1600"' in img and 'width="1600"' in img and "loading" not in img
    assert 'alt="新水厂的清水池"' in img
    assert re.search(r"photos/[0-9a-f]{20}-480\.jpg 480w, \S+-960\.jpg 960w, \S+-1600\.jpg 1600w", img)
    assert lead.group(2) == "新建成的清水池"
    # the second: turned upright (EXIF orientation 6: 1000x667 stored, 667x1000 shown), its caption and credit
    second = html[lead.end():]
    img2 = re.search(r"<img [^>]*>", second).group(0)
    assert 'loading="lazy"' in img2 and 'decoding="async"' in img2
    assert 'width="667"' in img2 and 'height="1000"' in img2
    assert "960w" not in img2 and "480w" in img2 and "667w" in img2
    assert '<figcaption>图为工人在检修新铺设的管道<span class="credit">张三 摄</span></figcaption>' in second
    assert "图为工人在检修新铺设的管道（张三 摄）</p>" not in html
    # og:image and JSON-LD image: the 1600-px JPEG, absolute as base_url allows
    og = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert html.count('property="og:image"') == 1
    assert og.endswith("-1600.jpg")
    ld = json.loads(re.search(r'<script type="application/ld\+json">\s*(.*?)\s*</script>', html, re.S).group(1))
    assert ld["image"] == [og]
    # its summary is its text, not its captions
    assert '<meta property="og:description" content="工程历时三个月。后续工作仍在进行。">' in html
    # its listings show it as a thumbnail
    home = (out / "topics" / "minsheng" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<img class="thumb" src="[^"]+-480\.jpg"[^>]* width="480" height="480" alt=""', home)
    # every file published: sizes as said, and no EXIF, GPS, maker notes or XMP
    published = sorted((out / "photos").iterdir())
    assert len(published) == 3 * 3 + 2 * 3   # lead: 3 widths x 3 formats; 667 px wide: 480 and 667
    for file in published:
        with Image.open(file) as image:
            assert image.width in (480, 667, 960, 1600)
            assert not image.getexif(), file.name
            assert "xmp" not in image.info and "XML:com.adobe.xmp" not in image.info and "exif" not in image.info
            assert "icc_profile" not in image.info
        data = file.read_bytes()
        assert b"MAKERNOTE-SECRET" not in data and b"PhoneMaker" not in data and b"xmpmeta" not in data


def test_a_rebuild_encodes_nothing_and_a_body_edit_keeps_the_photos(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(site, out, search=False)
    cached = sorted(p for p in (site / CACHE_DIR / "photos").iterdir() if p.suffix != ".json")
    assert len(cached) == 15
    stamps = {p.name: p.stat().st_mtime_ns for p in cached}
    index = site / "articles" / "2024" / "11" / "luojia-gongshui" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n补记一段。\n", encoding="utf-8")
    again = build(site, out, search=False)
    assert again.timings and {p.name: p.stat().st_mtime_ns for p in cached} == stamps   # nothing re-encoded
    assert "补记一段" in page(out)


def _edit_body(site: Path, n: int) -> None:
    index = site / "articles" / "2024" / "11" / "luojia-gongshui" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + f"\n补记第 {n} 段。\n", encoding="utf-8")


def test_a_body_edit_carries_the_derivatives_over_without_looking_at_each(site: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch):
    """With the output updated in place, a derivative whose photo is unchanged is left as it is, as an
    unchanged page is: not looked at one by one (the manifest check found it on disk as written)."""
    from newsgen.output import OutputWriter
    out = tmp_path / "out"
    for n in range(2):   # (the third build takes the delta path)
        build(site, out, search=False)
        _edit_body(site, n)
    looked: list[str] = []
    reuse = OutputWriter.reuse
    monkeypatch.setattr(OutputWriter, "reuse", lambda self, path, *a: looked.append(path) or reuse(self, path, *a))
    before = {p: (out / p).stat().st_ino for p in files(out) if p.startswith("photos/")}
    build(site, out, search=False)
    assert before and not [p for p in looked if p.startswith("photos/")]
    assert {p: (out / p).stat().st_ino for p in files(out) if p.startswith("photos/")} == before   # the same files
    assert files(out) == files(build(site, tmp_path / "cold", search=False, incremental=False).output)


@pytest.mark.parametrize("where", ["deleted from the output", "edited in the output", "replaced by a link"])
def test_a_derivative_lost_or_edited_by_hand_is_restored(site: Path, tmp_path: Path, where: str):
    out = tmp_path / "out"
    for n in range(2):
        build(site, out, search=False)
        _edit_body(site, n)
    derivative = sorted(p for p in files(out) if p.startswith("photos/"))[0]
    if where == "deleted from the output":
        (out / derivative).unlink()
    elif where == "edited in the output":
        (out / derivative).write_bytes(b"not a photo")
    else:
        mine = tmp_path / "mine.jpg"
        mine.write_bytes((out / derivative).read_bytes())   # the same bytes, but not the file newsgen wrote
        (out / derivative).unlink()
        (out / derivative).symlink_to(mine)
    build(site, out, search=False)
    assert not (out / derivative).is_symlink()
    cold = build(site, tmp_path / "cold", search=False, incremental=False)
    assert (out / derivative).read_bytes() == (cold.output / derivative).read_bytes()
    assert files(out) == files(cold.output)


def _second_bundle(site: Path) -> Path:
    """Another article made a folder with a photo and a static photo of its own; its photo files."""
    first = next(p for p in sorted((site / "articles").rglob("*.md")) if p.name != "index.md")
    folder = first.with_suffix("")
    folder.mkdir()
    first.rename(folder / "index.md")
    (folder / "own.jpg").write_bytes(photo("chelsea", 1300))
    (site / "static").mkdir(exist_ok=True)
    (site / "static" / "shared.jpg").write_bytes(photo("rocket", 900))
    (folder / "index.md").write_text((folder / "index.md").read_text(encoding="utf-8")
                                     + "\n![猫](own.jpg)\n\n![火箭](/static/shared.jpg)\n", encoding="utf-8")
    return folder


def test_a_body_edit_looks_at_the_photos_of_the_edited_article_only(site: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch):
    """A rebuild takes an unchanged article's photos from the last build's record: its photo files are
    stat'ed once, by the walk that finds what changed, and neither resolved nor read again."""
    import os

    from newsgen.render import photos as photos_mod
    other = _second_bundle(site)
    out = tmp_path / "out"
    for n in range(2):   # (the third build takes the delta path)
        build(site, out, search=False)
        _edit_body(site, n)
    resolved: list[str] = []
    read: list[str] = []
    stats: dict[str, int] = {}
    resolve, read_file, stat = photos_mod.resolve, photos_mod.Photos._read, os.stat
    monkeypatch.setattr(photos_mod, "resolve", lambda s, a, src, *k: resolved.append(src) or resolve(s, a, src, *k))
    monkeypatch.setattr(photos_mod.Photos, "_read", staticmethod(lambda f, n: read.append(n) or read_file(f, n)))

    def counting(path, *args, **kwargs):
        if str(path).endswith(".jpg"):
            stats[str(path)] = stats.get(str(path), 0) + 1
        return stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counting)
    build(site, out, search=False)
    monkeypatch.undo()
    assert sorted(set(resolved)) == ["lead.jpg", "pipes.jpg"]     # the edited article's, to render its body
    assert read == []                                             # no photo file read again
    assert stats[str(other / "own.jpg")] == 1   # by the walk that finds what changed (static/ is copied too)
    assert files(out) == files(build(site, tmp_path / "cold", search=False, incremental=False).output)


@pytest.mark.parametrize("change, message", [
    ("deleted", "no such file"),
    ("a link out of the site", "outside the site"),
    ("damaged", "not an image newsgen can read"),
])
def test_a_photo_changed_while_its_article_is_not_is_looked_at_again(site: Path, tmp_path: Path, change: str,
                                                                      message: str):
    """An article's record stands only for photo files the walk finds as recorded: one deleted, made
    a link out of the site or damaged since is resolved and read again, and refused as a cold build would."""
    other = _second_bundle(site)
    out = tmp_path / "out"
    for n in range(2):   # a record made, then used
        build(site, out, search=False)
        _edit_body(site, n)
    before = files(out)
    target = other / "own.jpg"
    target.unlink()
    if change == "a link out of the site":
        (tmp_path / "secret.jpg").write_bytes(photo("coffee", 600))
        target.symlink_to(tmp_path / "secret.jpg")
    elif change == "damaged":
        target.write_bytes(b"this is text, not a photo")
    with pytest.raises(NewsgenError) as err:
        build(site, out, search=False)
    assert message in str(err.value)
    assert files(out) == before


def _replace(site: Path) -> None:
    (site / "articles/2024/11/luojia-gongshui/lead.jpg").write_bytes(photo("chelsea", 1800))


def _replace_second(site: Path) -> None:
    """The article's second photo (not its lead) replaced by another of another shape."""
    (site / "articles/2024/11/luojia-gongshui/pipes.jpg").write_bytes(photo("rocket", 1100))


def _rename(site: Path) -> None:
    """A photo's file renamed (the same bytes): its derivatives keep their names."""
    folder = site / "articles/2024/11/luojia-gongshui"
    (folder / "pipes.jpg").rename(folder / "guandao.jpg")
    index = folder / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("(pipes.jpg)", "(guandao.jpg)"), encoding="utf-8")


def _to_another_article(site: Path) -> None:
    """A photo moved from one article to another (its file and its image line)."""
    folder = site / "articles/2024/11/luojia-gongshui"
    index = folder / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("![工人在检修管道](pipes.jpg)\n", ""), encoding="utf-8")
    other = next(p for p in sorted((site / "articles").rglob("*.md")) if p.name != "index.md")
    (folder / "pipes.jpg").rename(other.parent / "pipes.jpg")
    other.write_text(other.read_text(encoding="utf-8") + "\n![工人在检修管道](pipes.jpg)\n", encoding="utf-8")


def _add(site: Path) -> None:
    folder = site / "articles/2024/11/luojia-gongshui"
    (folder / "third.png").write_bytes(photo("chelsea", 900, fmt="PNG"))
    index = folder / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n![猫](third.png)\n", encoding="utf-8")


def _remove(site: Path) -> None:
    index = site / "articles/2024/11/luojia-gongshui/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("![工人在检修管道](pipes.jpg)\n", ""), encoding="utf-8")
    (site / "articles/2024/11/luojia-gongshui/pipes.jpg").unlink()


def _move(site: Path) -> None:
    folder = site / "articles/2024/11/luojia-gongshui"
    (site / "static").mkdir(exist_ok=True)
    (folder / "pipes.jpg").rename(site / "static" / "pipes.jpg")
    index = folder / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("(pipes.jpg)", "(/static/pipes.jpg)"),
                     encoding="utf-8")


def _file_to_folder(site: Path) -> None:
    """An article file becomes a folder with a photo: its URL stays."""
    first = next(p for p in sorted((site / "articles").rglob("*.md")) if p.name != "index.md")
    folder = first.with_suffix("")
    folder.mkdir()
    first.rename(folder / "index.md")
    (folder / "a.jpg").write_bytes(photo("coffee", 1300))
    (folder / "index.md").write_text((folder / "index.md").read_text(encoding="utf-8") + "\n![咖啡](a.jpg)\n",
                                     encoding="utf-8")


CHANGES = {"photo replaced": _replace, "second photo replaced": _replace_second, "photo added": _add,
           "photo removed": _remove, "photo moved": _move, "photo renamed": _rename,
           "photo moved to another article": _to_another_article, "file becomes a folder": _file_to_folder}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_an_incremental_build_after_a_photo_change_equals_a_cold_build(site: Path, tmp_path: Path, change: str):
    out = tmp_path / "out"
    first = build(site, out, search=False)
    before = set(files(out))
    CHANGES[change](site)
    said: list[str] = []
    again = build(site, out, search=False, progress=said.append)
    encoded = int(re.search(r"^photos: \d+ photos, (\d+) encoded", "\n".join(said), re.M).group(1))
    assert encoded == (1 if change in ("photo replaced", "second photo replaced", "photo added",
                                       "file becomes a folder") else 0)   # the new photo only
    cold = build(site, tmp_path / "cold", search=False, incremental=False)
    assert files(out) == files(cold.output)
    assert again.rendered < again.pages + again.files
    if change in ("photo replaced", "second photo replaced", "photo removed"):
        gone = before - set(files(out))
        assert gone and all(p.startswith("photos/") for p in gone)      # the old photo's derivatives left
        cache = site / CACHE_DIR / "photos"
        assert {p.name for p in cache.iterdir() if p.suffix != ".json"} == \
            {p.rpartition("/")[2] for p in files(out) if p.startswith("photos/")}   # and the cache
    if change in ("photo replaced", "second photo replaced"):   # rendered again: exactly the pages showing it
        new = {p.split("/")[1].partition("-")[0] for p in set(files(out)) - before}
        showing = {path for path, data in files(out).items() if path.endswith((".html", ".xml"))
                   and any(f"photos/{key}-".encode() in data for key in new)}
        assert len(new) == 1 and showing <= set(again.rendered_paths)
        if change == "second photo replaced":   # not the lead: no listing shows it, only its page and feeds
            assert set(again.rendered_paths) == showing
            assert showing == {"2024/11/luojia-gongshui/index.html"} | {p for p in showing if p.endswith("feed.xml")}
        else:   # the lead: its thumbnail's listings too (and a year's archive page, which links the article
            # without a thumbnail but is made from the article's card, thumbnail included)
            assert all(b"luojia-gongshui" in files(out)[p] for p in again.rendered_paths)
    if change == "photo renamed":   # the same bytes: the same derivatives, no listing rendered again
        assert set(files(out)) == before
        assert all(p.endswith("feed.xml") or p == "2024/11/luojia-gongshui/index.html" for p in again.rendered_paths)
    if change == "file becomes a folder":
        assert first.pages == again.pages


@pytest.mark.parametrize("name, data, message", [
    ("missing.jpg", None, "no such file"),
    ("truncated.jpg", "truncated", "cannot be decoded"),
    ("fake.jpg", b"this is text, not a photo", "not an image newsgen can read"),
    ("phone.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64, "HEIC"),
    ("../../../../../../etc/passwd.jpg", None, "climbs out of the site"),
])
def test_a_bad_image_is_a_clear_error_and_the_previous_output_stays(site: Path, tmp_path: Path, name, data, message):
    out = tmp_path / "out"
    build(site, out, search=False)
    before = files(out)
    folder = site / "articles/2024/11/luojia-gongshui"
    if data == "truncated":
        data = photo("coffee", 1200)[:5000]
    if data is not None:
        (folder / name).write_bytes(data)
    index = folder / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + f"\n![坏图]({name})\n", encoding="utf-8")
    with pytest.raises(NewsgenError) as err:
        build(site, out, search=False)
    assert message in str(err.value)
    assert files(out) == before


def test_a_link_to_a_file_outside_the_site_is_refused(site: Path, tmp_path: Path):
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(photo("coffee", 600))
    folder = site / "articles/2024/11/luojia-gongshui"
    (folder / "link.jpg").symlink_to(outside)
    index = folder / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n![链接](link.jpg)\n", encoding="utf-8")
    with pytest.raises(NewsgenError) as err:
        build(site, tmp_path / "out", search=False)
    assert "outside the site" in str(err.value) or "remove the link" in str(err.value)


def test_a_decompression_bomb_is_refused_before_it_is_decoded(site: Path, tmp_path: Path):
    folder = site / "articles/2024/11/luojia-gongshui"
    bomb = Image.new("1", (20_000, 10_000))   # 200 megapixels, a few kilobytes as PNG
    bomb.save(folder / "bomb.png")
    index = folder / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n![炸弹](bomb.png)\n", encoding="utf-8")
    with pytest.raises(NewsgenError) as err:
        build(site, tmp_path / "out", search=False)
    assert "megapixels" in str(err.value)


def test_cmyk_16_bit_and_animated_images_are_published_as_rgb(site: Path, tmp_path: Path):
    folder = site / "articles/2024/11/luojia-gongshui"
    rgb = Image.fromarray(skimage_data.chelsea())
    rgb.convert("CMYK").save(folder / "cmyk.jpg")
    Image.fromarray(skimage_data.camera().astype("uint16") * 256).save(folder / "deep.png")
    frames = [rgb, rgb.rotate(90)]
    frames[0].save(folder / "anim.gif", save_all=True, append_images=frames[1:])
    index = folder / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n![a](cmyk.jpg)\n\n![b](deep.png)\n\n![c](anim.gif)\n",
                     encoding="utf-8")
    out = tmp_path / "out"
    build(site, out, search=False)
    assert page(out).count("<picture>") == 5
    for file in (out / "photos").iterdir():
        with Image.open(file) as image:
            assert image.mode == "RGB", file.name


def test_check_reports_each_photo_problem_on_its_line(site: Path):
    from newsgen.commands.check import check

    folder = site / "articles/2024/11/luojia-gongshui"
    (folder / "fake.jpg").write_bytes(b"not a photo")
    (folder / "cut.jpg").write_bytes(photo("coffee", 1300)[:4000])
    index = folder / "index.md"
    text = index.read_text(encoding="utf-8").replace("(lead.jpg", "(pipes.jpg")   # a 667-px lead
    text += ("\n![](pipes.jpg)\n\n![x](nope.png)\n\n![y](fake.jpg)\n\n![z](cut.jpg)\n\n"
             "![待补](TODO \"图为新水厂（王五 摄）\")\n")
    index.write_text(text, encoding="utf-8")
    lines = text.split("\n")

    def line_of(fragment: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if fragment in line)

    result = check(site)
    found = {str(d) for d in result.diagnostics if "luojia-gongshui" in str(d.location.path)}
    where = "articles/2024/11/luojia-gongshui/index.md"
    expected = {
        (line_of("(pipes.jpg \""), "warning: lead photo 'pipes.jpg' is 667 px wide"),
        (line_of("![](pipes.jpg)"), "warning: photo 'pipes.jpg' has no alt text"),
        (line_of("nope.png"), "image 'nope.png': no such file"),
        (line_of("fake.jpg"), "image articles/2024/11/luojia-gongshui/fake.jpg is not an image newsgen can read"),
        (line_of("cut.jpg"), "cannot be decoded (truncated or damaged"),
        (line_of("TODO"), "warning: caption waiting for a photo: '图为新水厂（王五 摄）'"),
    }
    for line, message in expected:
        assert any(d.startswith(f"{where}:{line}: ") and message in d for d in found), (line, message, sorted(found))
    assert not any("points to no page" in d for d in found)


def test_a_huge_photo_is_a_warning_in_check(site: Path):
    from newsgen.commands.check import check

    folder = site / "articles/2024/11/luojia-gongshui"
    Image.new("RGB", (8000, 5100), (90, 120, 150)).save(folder / "huge.png")
    index = folder / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n![大图](huge.png)\n", encoding="utf-8")
    messages = [str(d) for d in check(site).diagnostics]
    assert any("photo 'huge.png' is 8000x5100, over 40 megapixels" in m for m in messages), messages


def test_a_caption_waiting_for_its_photo_is_left_out_of_the_page(site: Path, tmp_path: Path):
    index = site / "articles/2024/11/luojia-gongshui/index.md"
    index.write_text(index.read_text(encoding="utf-8") + '\n![待补](TODO "图为新水厂（王五 摄）")\n', encoding="utf-8")
    out = tmp_path / "out"
    build(site, out, search=False)
    assert "TODO" not in page(out) and "王五" not in page(out)


def test_new_with_photos_makes_a_folder_article_that_builds(tmp_path: Path):
    from newsgen.commands.new import new_article

    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(CACHE_DIR))
    a, b = tmp_path / "a.jpg", tmp_path / "b.png"
    a.write_bytes(photo("astronaut", 1400))
    b.write_bytes(photo("coffee", 800, fmt="PNG"))
    made = new_article(site, "罗家镇新水厂投产", date=__import__("datetime").date(2024, 11, 5), publish=True,
                       photos=[a, b])
    assert made.path.name == "index.md" and made.path.parent.name == made.meta["slug"]
    assert (site / made.path.parent / "a.jpg").read_bytes() == a.read_bytes()
    assert "![](a.jpg)" in (site / made.path).read_text(encoding="utf-8")
    out = tmp_path / "out"
    build(site, out, search=False)
    assert (out / "2024/11" / made.meta["slug"] / "index.html").read_text(encoding="utf-8").count("<picture>") == 2
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"hello")
    with pytest.raises(NewsgenError, match="not an image newsgen can read"):
        new_article(site, "坏图", photos=[bad])
    assert not any("huaitu" in p.name for p in (site / "articles").rglob("*"))


@pytest.mark.parametrize("yaml_text, message", [
    ("photos:\n  widths: [480, 5]\n", "newsgen.yaml:2: 'photos.widths' has 5; each width must be from 16 to 8000"),
    ("photos:\n  widths: []\n", "newsgen.yaml:2: 'photos.widths' must list at least one width"),
    ("photos:\n  formats: [webp, gif]\n", "newsgen.yaml:2: 'photos.formats' has 'gif', which newsgen cannot write"),
    ("photos:\n  jpeg_quality: 120\n", "newsgen.yaml:2: 'photos.jpeg_quality' must be from 1 to 95, got 120"),
    ("photos:\n  widht: [480]\n", "newsgen.yaml:2: unknown configuration key 'photos.widht'; did you mean"),
])
def test_photo_settings_are_checked_like_every_other(yaml_text: str, message: str):
    from newsgen import config

    with pytest.raises(NewsgenError) as err:
        config.loads(yaml_text)
    assert any(str(d).startswith(message) for d in err.value.diagnostics), [str(d) for d in err.value.diagnostics]


def test_changed_photo_settings_make_new_derivatives_and_drop_the_old(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(site, out, search=False)
    before = {p.name for p in (out / "photos").iterdir()}
    config = site / "newsgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\nphotos:\n  widths: [320, 960]\n  formats: [webp]\n",
                      encoding="utf-8")
    build(site, out, search=False)
    after = {p.name for p in (out / "photos").iterdir()}
    assert not before & after
    assert {name.rsplit("-", 1)[1] for name in after} == {"320.webp", "320.jpg", "960.webp", "960.jpg", "667.webp",
                                                          "667.jpg"}
    cold = build(site, tmp_path / "cold", search=False, incremental=False)
    assert files(out) == files(cold.output)
    cache = {p.name for p in (site / CACHE_DIR / "photos").iterdir() if p.suffix != ".json"}
    assert cache == after                     # the old settings' derivatives left the cache too


def _records_files(site: Path) -> tuple[Path, Path]:
    """The files of the build state's table of photo records: its bucket and its journal."""
    sections = json.loads((site / CACHE_DIR / "state.json").read_text(encoding="utf-8"))["sections"]
    return site / CACHE_DIR / sections["photos.0"], site / CACHE_DIR / sections["photos.journal"]


@pytest.mark.parametrize("damage", ["wrong types", "wrong shapes", "not records", "not JSON"])
def test_damaged_photo_records_only_make_the_build_look_again(site: Path, tmp_path: Path, damage: str):
    out = tmp_path / "out"
    build(site, out, search=False)
    bucket, journal = _records_files(site)   # the build state's table of the photo records
    rows, head = json.loads(bucket.read_text(encoding="utf-8")), json.loads(journal.read_text(encoding="utf-8"))
    records = {"articles": dict(zip(rows["keys"], rows["0"], strict=True)), "files": head["meta"]["files"]}
    for where, record in records["articles"].items():
        if isinstance(record, str):   # (an article without images: its digest)
            records["articles"][where] = 1 if damage == "wrong types" else [record]
            continue
        if damage == "wrong types":
            record[1] = [[src, alt, str(line)] for src, alt, line in record[1]]
            record[2] = [1 for _ in record[2]]
        else:
            record[1:] = [{"a": 1}]
    for entry in records["files"].values():
        entry[2:] = ["wide", "tall"] if damage == "wrong types" else [0]
    if damage == "not records":   # (the files alone, as the meta)
        head["meta"] = records["files"]
    rows["0"] = [records["articles"][key] for key in rows["keys"]]
    bucket.write_text("{not json" if damage == "not JSON" else json.dumps(rows), encoding="utf-8")
    journal.write_text(json.dumps(head), encoding="utf-8")
    _edit_body(site, 0)
    build(site, out, search=False)
    assert files(out) == files(build(site, tmp_path / "cold", search=False, incremental=False).output)


def test_derivatives_a_failed_build_encoded_leave_the_cache_with_the_next_build(site: Path, tmp_path: Path):
    """A build that sees the same photos as the last one lists the cache of derivatives only when a
    build encoded into it since: one that failed after encoding a photo, then left out, leaves no trace."""
    out = tmp_path / "out"
    build(site, out, search=False)
    cache = site / CACHE_DIR / "photos"
    kept = {p.name for p in cache.iterdir()}
    folder = site / "articles/2024/11/luojia-gongshui"
    index = folder / "index.md"
    text = index.read_text(encoding="utf-8")
    (folder / "new.png").write_bytes(photo("chelsea", 700, fmt="PNG"))
    (folder / "cut.jpg").write_bytes(photo("coffee", 1200)[:5000])   # its header reads, its pixels do not
    index.write_text(text + "\n![新](new.png)\n\n![坏](cut.jpg)\n", encoding="utf-8")
    with pytest.raises(NewsgenError, match="cannot be decoded"):
        build(site, out, search=False)
    assert {p.name for p in cache.iterdir()} - kept - {"unswept"}   # the new photo's derivatives, encoded
    index.write_text(text, encoding="utf-8")
    build(site, out, search=False)
    assert {p.name for p in cache.iterdir()} == kept


def test_a_rebuild_with_the_same_photos_does_not_list_the_derivatives_cache(site: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch):
    """The photo records (a section of the build state) keep the settings of the last build that swept
    the cache of derivatives: a body edit, the same photos and nothing encoded since, neither lists the
    cache (thousands of names) nor deletes from it; a photo added after it is swept for again."""
    import os

    out = tmp_path / "out"
    for n in range(2):   # (the third build takes the delta path)
        build(site, out, search=False)
        _edit_body(site, n)
    cache = site / CACHE_DIR / "photos"
    kept = {p.name for p in cache.iterdir()}
    listed: list[str] = []
    scandir, listdir = os.scandir, os.listdir
    monkeypatch.setattr(os, "scandir", lambda path=".": listed.append(str(path)) or scandir(path))
    monkeypatch.setattr(os, "listdir", lambda path=".": listed.append(str(path)) or listdir(path))
    build(site, out, search=False)
    monkeypatch.undo()
    assert str(cache) not in listed and {p.name for p in cache.iterdir()} == kept
    assert files(out) == files(build(site, tmp_path / "cold", search=False, incremental=False).output)
    _add(site)
    build(site, out, search=False)
    assert {p.name for p in cache.iterdir()} == {p.rpartition("/")[2] for p in files(out) if p.startswith("photos/")}


def test_check_warns_that_a_photo_in_static_is_published_with_its_gps(site: Path):
    from newsgen.commands.check import check

    (site / "static").mkdir(exist_ok=True)
    (site / "static" / "gps.jpg").write_bytes(photo("coffee", 1300))
    index = site / "articles/2024/11/luojia-gongshui/index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n![定位](/static/gps.jpg)\n", encoding="utf-8")
    messages = [str(d) for d in check(site).diagnostics]
    assert any("photo '/static/gps.jpg' is in static/" in m and "GPS position, maker notes, XMP" in m
               for m in messages), messages


def test_the_same_photo_in_two_articles_is_published_once(site: Path, tmp_path: Path):
    first = next(p for p in sorted((site / "articles").rglob("*.md")) if p.name != "index.md")
    folder = first.with_suffix("")
    folder.mkdir()
    first.rename(folder / "index.md")
    shutil.copy(site / "articles/2024/11/luojia-gongshui/lead.jpg", folder / "same.jpg")
    (folder / "index.md").write_text((folder / "index.md").read_text(encoding="utf-8") + "\n![同一张](same.jpg)\n",
                                     encoding="utf-8")
    out = tmp_path / "out"
    build(site, out, search=False)
    assert len(list((out / "photos").iterdir())) == 15


SAFE_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>'


@pytest.mark.parametrize("svg", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect onload="alert(1)"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><use xlink:href="other.svg#a"/></svg>',
])
def test_an_svg_with_a_script_handler_foreign_object_or_external_reference_is_refused(site: Path, tmp_path: Path,
                                                                                       svg: bytes):
    from newsgen.commands.check import check

    folder = site / "articles/2024/11/luojia-gongshui"
    (folder / "map.svg").write_bytes(svg)
    index = folder / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n![地图](map.svg)\n", encoding="utf-8")
    with pytest.raises(NewsgenError, match="is not published"):
        build(site, tmp_path / "out", search=False)
    assert any("map.svg holds" in str(d) for d in check(site).diagnostics)


def test_a_safe_svg_is_copied_as_it_is(site: Path, tmp_path: Path):
    folder = site / "articles/2024/11/luojia-gongshui"
    (folder / "map.svg").write_bytes(SAFE_SVG)
    index = folder / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n![地图](map.svg)\n", encoding="utf-8")
    out = tmp_path / "out"
    build(site, out, search=False)
    found = re.search(r'<img alt="地图" src="/(photos/[0-9a-f]{20}\.svg)"', page(out))
    assert found and (out / found.group(1)).read_bytes() == SAFE_SVG
    cold = build(site, tmp_path / "cold", search=False, incremental=False)
    assert files(out) == files(cold.output)


@pytest.mark.parametrize("piece", ["![", "![a](", "![](", "![a](x \"", "![a](x ", "![a][", "![a](<"])
def test_finding_images_is_linear_on_a_line_of_unclosed_image_markup(piece: str):
    """A line of thousands of unclosed '![…](' is read in one pass (each try stops at the next bracket),
    as Markdown's own reader of it is bounded: check and build read such a body in well under a second
    (the patterns were quadratic: 30,000 '![a](' took two minutes)."""
    start = time.process_time()
    assert find_images(piece * 30_000) == []
    assert time.process_time() - start < 1.0


def test_search_results_show_the_lead_photo_as_listings_do(site: Path, tmp_path: Path):
    """The search index's card of an article with photos names its lead photo's thumbnail (as listings
    show it: the smallest JPEG, with its size), so the search page shows it beside the result; an
    article without photos has none."""
    out = tmp_path / "out"
    build(site, out)
    cards = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "search-index").glob("*/c/*.json"))]
    with_photo = [c for c in cards if "i" in c]
    assert [c["u"] for c in with_photo] == ["2024/11/luojia-gongshui/"] and len(cards) > 1   # others: none
    src, width, height = with_photo[0]["i"]
    assert re.fullmatch(r"/photos/[0-9a-f]{20}-480\.jpg", src) and (out / src.lstrip("/")).is_file()
    assert (width, height) == (480, 480)
    js = (out / "static").rglob("search*.js")
    assert any("data.i[0]" in p.read_text(encoding="utf-8") for p in js)


def test_import_keeps_a_bulletins_photo_caption_as_a_figure_waiting_for_its_photo(tmp_path: Path):
    """A caption printed as a paragraph of its own in a bulletin (图为……, or ending with the credit
    （张三 摄）) becomes a figure whose photo is missing, its caption whole as the image's title; the
    import notes it; check lists it with its line; the page leaves it out until the photo is there. A
    paragraph that only mentions a picture, and an article's first paragraph, stay text."""
    from newsgen.bulletin import parse
    from newsgen.commands.check import check

    bulletin = "\n\n".join([
        "罗家镇新水厂投产",
        "本报讯（记者王五）11月3日，罗家镇新水厂正式投产，日供水能力达到两万吨。",
        "图为新水厂的清水池。（王五 摄）",
        "新水厂投产后，全镇两万余人喝上了放心水。文中附图由水厂提供，展示了全部工艺。",
        "上图：工人在检修管道（赵六 摄）",
    ]) + "\n"
    draft = parse(bulletin).drafts[0]
    assert '![待补图片](TODO "图为新水厂的清水池。（王五 摄）")' in draft.body
    assert '![待补图片](TODO "上图：工人在检修管道（赵六 摄）")' in draft.body
    assert "\n\n新水厂投产后，全镇两万余人喝上了放心水。文中附图由水厂提供，展示了全部工艺。\n\n" in draft.body
    assert draft.body.startswith("本报讯（记者王五）11月3日")
    assert sum("waiting for its photo" in n for n in draft.notes) == 2
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(CACHE_DIR))
    path = site / "articles" / "2024" / "11" / "xinshuichang.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {draft.title}\ndate: 2024-11-03\n---\n\n{draft.body}\n", encoding="utf-8")
    lines = [str(d) for d in check(site).diagnostics]
    waiting = [line for line in lines if "caption waiting for a photo" in line]
    assert len(waiting) == 2 and all(line.startswith("articles/2024/11/xinshuichang.md:") for line in waiting)
    out = tmp_path / "out"
    build(site, out, search=False)
    html = (out / "2024" / "11" / "xinshuichang" / "index.html").read_text(encoding="utf-8")
    assert "TODO" not in html and "清水池" not in html and "放心水" in html


def test_check_takes_an_svg_image_for_an_image_and_a_link_to_a_photo_file_for_a_link(site: Path):
    """An SVG shown as an image is not a link to a page (check once called every one a broken link); a
    plain link to a photo file is a link, and the file is not published (only its derivatives are)."""
    from newsgen.commands.check import check

    folder = site / "articles/2024/11/luojia-gongshui"
    (folder / "chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>',
                                      encoding="utf-8")
    index = folder / "index.md"
    (folder / "original.jpg").write_bytes(photo("coffee", 600))
    index.write_text(index.read_text(encoding="utf-8") + "\n![示意图](chart.svg)\n\n[看原图](original.jpg)\n",
                     encoding="utf-8")
    found = [str(d) for d in check(site).diagnostics if "luojia-gongshui" in str(d.location.path)]
    assert not any("'chart.svg'" in d for d in found), found
    assert any("link 'original.jpg'" in d for d in found), found


def test_resolving_with_the_folders_known_still_refuses_a_link_out_of_the_site(tmp_path: Path):
    """resolve() keeps the real paths of folders between calls: a folder or a file that is a symbolic
    link out of the site is refused all the same, the first time and the next."""
    from newsgen.render.photos import PhotoError, resolve

    site, outside = tmp_path / "site", tmp_path / "outside"
    (site / "articles" / "a").mkdir(parents=True)
    outside.mkdir()
    (outside / "x.jpg").write_bytes(b"x")
    (site / "articles" / "a" / "ok.jpg").write_bytes(b"x")
    (site / "articles" / "a" / "pics").symlink_to(outside)
    (site / "articles" / "a" / "link.jpg").symlink_to(outside / "x.jpg")
    known: dict[str, str] = {}
    article = Path("articles/a/index.md")
    for _ in range(2):
        assert resolve(site, article, "ok.jpg", known) == Path("articles/a/ok.jpg")
        for src in ("pics/x.jpg", "link.jpg"):
            with pytest.raises(PhotoError, match="symbolic link"):
                resolve(site, article, src, known)


def test_claiming_the_derivatives_together_refuses_what_claiming_each_would(tmp_path: Path):
    from newsgen.output import OutputWriter

    with OutputWriter(tmp_path / "out") as writer:
        writer.claim("photos/abc-480.jpg", "static file static/photos/abc-480.jpg")
        with pytest.raises(NewsgenError, match="two pages write the same file photos/abc-480.jpg"):
            writer.claim_files({"photos/abc-960.jpg": "photo a.jpg", "photos/abc-480.jpg": "photo a.jpg"})
        for bad in ("../abc-480.jpg", "photos//x.jpg", "photos/./x.jpg", "/photos/x.jpg", "photos\\x.jpg"):
            with pytest.raises(NewsgenError, match="refusing to write outside"):
                writer.claim_files({bad: "photo a.jpg"})
        files = writer.files
        writer.claim_files({"photos/def-480.jpg": "photo b.jpg", "photos/def-480.webp": "photo b.jpg"})
        assert writer.files == files + 2
        with pytest.raises(NewsgenError, match="two pages write the same file photos/def-480.jpg"):
            writer.claim("photos/def-480.jpg", "a page")
        writer.abort()


def test_every_listing_that_shows_the_article_shows_its_thumbnail(site: Path, tmp_path: Path):
    """Home, region, topic, tag and month archive listings: each card of the article carries its lead
    photo's thumbnail, with its size (no layout shift)."""
    index = site / "articles/2024/11/luojia-gongshui/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("topics: [民生]", "topics: [民生]\ntags: [供水]"),
                     encoding="utf-8")
    out = build(site, tmp_path / "out", search=False).output
    kinds = set()
    for path in sorted(out.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        for card in re.findall(r'<li class="post">(.*?)</li>', html, re.S):
            if "luojia-gongshui" in card:
                first = path.relative_to(out).parts[0]
                kinds.add("home" if first in ("index.html", "page") else first)   # page/2/: the home's next
                assert re.search(r'<img class="thumb" [^>]*width="\d+" height="\d+"', card), path
    assert {"home", "regions", "topics", "tags", "archive"} <= kinds, kinds


def test_an_article_without_images_is_recorded_as_its_digest_and_its_body_left_unread(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The photo records keep of an article that shows no image its file's digest alone (not a list
    and two empty ones, for each of 100,000 articles); a rebuild then takes it from there, its body
    unread, as it does from a record of the older, longer form; one that gains an image is looked at."""
    import hashlib

    out = tmp_path / "out"
    build(site, out, search=False)
    path = _records_files(site)[0]
    rows = json.loads(path.read_text(encoding="utf-8"))
    records = dict(zip(rows["keys"], rows["0"], strict=True))
    plain = [f for f in (site / "articles").rglob("*.md") if "![" not in f.read_text(encoding="utf-8")]
    assert plain and all(records[f.relative_to(site).as_posix()] == hashlib.sha256(f.read_bytes()).hexdigest()
                         for f in plain)
    assert all(isinstance(r, list) and r[1] + r[2] for r in records.values() if not isinstance(r, str))
    rows["0"] = [[v, [], []] if isinstance(v, str) else v for v in rows["0"]]   # the older form: [digest, [], []]
    path.write_text(json.dumps(rows), encoding="utf-8")
    looked: list[str] = []   # the bodies whose images were looked for
    from newsgen.render import photos as photos_mod
    real = photos_mod.find_images
    monkeypatch.setattr(photos_mod, "find_images", lambda body: looked.append(body) or real(body))
    _edit_body(site, 0)   # (an article with photos)
    build(site, out, search=False)
    assert len(looked) == 1 and "![" in looked[0]   # the edited article's only
    gains = plain[0]
    gains.write_text(gains.read_text(encoding="utf-8") + "\n![新图](/static/nope.jpg)\n", encoding="utf-8")
    with pytest.raises(NewsgenError, match="nope.jpg"):
        build(site, out, search=False)


def test_a_rebuild_makes_no_call_per_article_to_find_those_that_show_no_image(site: Path, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch):
    """A rebuild tells the articles that show no image, as recorded, from the others column by column:
    no function is called for each article (its path, its digest); only the articles with photos and
    the edited one are looked at one by one. The output is still a cold build's."""
    from newsgen.render import photos as photos_mod
    _second_bundle(site)
    out = tmp_path / "out"
    first = build(site, out, search=False)
    plain = next(p for p in sorted((site / "articles").rglob("*.md")) if "![" not in p.read_text(encoding="utf-8"))
    plain.write_text(plain.read_text(encoding="utf-8") + "\n补记一段。\n", encoding="utf-8")
    calls: list[str] = []
    digest, where, looked = photos_mod.file_digest, photos_mod.source_path, photos_mod.may_show_images
    monkeypatch.setattr(photos_mod, "file_digest", lambda a: calls.append("digest") or digest(a))
    monkeypatch.setattr(photos_mod, "source_path", lambda a: calls.append("path") or where(a))
    monkeypatch.setattr(photos_mod, "may_show_images", lambda a: calls.append("looked") or looked(a))
    build(site, out, search=False)
    monkeypatch.undo()
    assert first.articles >= 6 and calls.count("looked") == 1   # the edited article's body, looked for images
    assert len(calls) <= 3                                      # not one call for each of the others
    assert files(out) == files(build(site, tmp_path / "cold", search=False, incremental=False).output)
