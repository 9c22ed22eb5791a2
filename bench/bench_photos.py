"""Build speed with photos: cold, per photo, a body edit, one photo replaced; beside the same corpus without photos.

    .venv/bin/python bench/bench_photos.py [--count 1000] [--photos 1000] [--size 3000x2000] [--formats avif,webp,jpeg]

A corpus of ``--count`` articles is generated with ``../shared/bench/make_corpus.py``; the newest
``--photos`` of them become folders (``…/<slug>/index.md``) each with one photo of ``--size`` pixels
made from scikit-image's photographs (each one different: a crop at its own offset). Builds run in
this process with ``--no-search`` (``newsgen.commands.build.build``), timed from outside; the
*photos* step's own time is read from the build's timings. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
sys.path.insert(0, str(ROOT / "src"))

from newsgen.commands.build import build  # noqa: E402


def make_photo(i: int, size: tuple[int, int], target: Path) -> None:
    from PIL import Image, ImageDraw
    from skimage import data

    sources = [data.astronaut(), data.coffee(), data.chelsea(), data.rocket()]
    base = Image.fromarray(sources[i % len(sources)]).convert("RGB")
    scale = max(size[0] * 1.2 / base.width, size[1] * 1.2 / base.height)
    big = base.resize((int(base.width * scale) + 1, int(base.height * scale) + 1))
    dx, dy = (i * 37) % (big.width - size[0]), (i * 23) % (big.height - size[1])
    photo = big.crop((dx, dy, dx + size[0], dy + size[1]))
    ImageDraw.Draw(photo).text((40, 40), f"photo {i}", fill=(255, 255, 0))
    photo.save(target, "JPEG", quality=90)


def corpus(work: Path, count: int, photos: int, size: tuple[int, int], formats: str) -> tuple[Path, list[Path]]:
    site = work / f"corpus-{count}-{photos}"
    subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), str(site), "--count", str(count), "--seed", "1"],
                   check=True, stderr=subprocess.DEVNULL)
    config = (ROOT / "newsgen.yaml").read_text(encoding="utf-8")
    config += f"\nphotos:\n  formats: [{formats}]\n"
    (site / "newsgen.yaml").write_text(config, encoding="utf-8")
    files = sorted((site / "articles").rglob("*.md"), key=lambda p: (p.parent.as_posix(), p.name), reverse=True)
    folders = []
    for i, file in enumerate(files[:photos]):
        folder = file.with_suffix("")
        folder.mkdir()
        text = file.read_text(encoding="utf-8")
        head, _, body = text.partition("\n---\n")
        (folder / "index.md").write_text(f"{head}\n---\n\n![现场照片](photo.jpg \"图为现场（记者 摄）\")\n{body}",
                                         encoding="utf-8")
        file.unlink()
        make_photo(i, size, folder / "photo.jpg")
        folders.append(folder)
    return site, folders


def timed(site: Path, out: Path, **options: object) -> tuple[float, float]:
    start = time.perf_counter()
    result = build(site, out, search=False, **options)  # type: ignore[arg-type]
    return time.perf_counter() - start, result.timings.get("photos", 0.0)


def edit_body(site: Path, n: int) -> None:
    plain = sorted(p for p in (site / "articles").rglob("*.md") if p.name != "index.md")[0]
    with open(plain, "a", encoding="utf-8") as f:
        f.write(f"\n基准测试追加的第 {n} 句话。\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--size", default="3000x2000")
    parser.add_argument("--formats", default="avif, webp, jpeg")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory(prefix="newsgen-bench-photos-") as tmp:
        work = Path(tmp)
        rows: dict[str, str] = {}
        for photos in (0, args.photos):
            site, folders = corpus(work, args.count, photos, size, args.formats)  # type: ignore[arg-type]
            out = work / f"out-{photos}"
            cold, step = timed(site, out)
            if photos:
                rows["cold"] = f"{cold:.2f} s (photos step {step:.2f} s: {step / photos:.3f} s a photo)"
            else:
                rows["cold, no photos"] = f"{cold:.2f} s"
            edits = []
            for n in range(args.runs):
                edit_body(site, n)
                edits.append(timed(site, out)[0])
            rows[f"body edit, {'with' if photos else 'no'} photos"] = f"{sorted(edits)[len(edits) // 2]:.3f} s"
            if photos:
                replaced = []
                for n in range(args.runs):
                    make_photo(10_000 + n, size, folders[len(folders) // 2] / "photo.jpg")
                    replaced.append(timed(site, out)[0])
                rows["one photo replaced"] = f"{sorted(replaced)[len(replaced) // 2]:.3f} s"
            shutil.rmtree(out, ignore_errors=True)
        print(f"{args.count} articles, {args.photos} photos of {args.size}, formats {args.formats}, --no-search")
        for name, value in rows.items():
            print(f"  {name:28} {value}")


if __name__ == "__main__":
    main()
