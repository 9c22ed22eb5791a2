"""Seconds newsgen spends on each family of pathological Markdown bodies of about 100 kB (issue 18).

Each family is a body an editor or a hostile bulletin could produce that makes Python-Markdown or
newsgen's own regexes slow (quadratic or worse), or makes a tree too deep for Python's recursion; the
first row, a plain article of the same size, is the yardstick. Columns: converting the body to HTML
(``convert``: within newsgen's limits, MAX_NESTING and MAX_SECONDS, or Python-Markdown alone with
``--raw``), deriving its summary and plain text (``summary``: every build, and check) and finding its
links (``links``: check). Every family runs in a child process with a wall-clock cap (``--cap``,
default 60 s), so one that never ends shows as ``>cap`` instead of hanging the bench; the last column
shows the message a conversion past a limit gives. Run it at an older commit for the "before" figures.

    python bench/pathological_markdown.py                 # every family at 100 kB
    python bench/pathological_markdown.py --size 20000 --only links,stars
    python bench/pathological_markdown.py --raw           # Python-Markdown alone, without newsgen's limits
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from collections.abc import Callable


def _fill(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def _lines(make: Callable[[int], str], size: int) -> str:
    out, total, i = [], 0, 0
    while total < size:
        line = make(i)
        out.append(line)
        total += len(line) + 1
        i += 1
    return "\n".join(out)


FAMILIES: dict[str, Callable[[int], str]] = {
    "normal": lambda n: _lines(lambda i: "## 小标题\n" if i % 20 == 0 else
                               "走进宜春国轩电池有限公司生产车间内，工人们正在*忙碌*地操作，"
                               "[链接](https://example.org/a) 产业链上下游企业协同发展，**党建引领**成效明显。\n", n),
    "inline-links": lambda n: _fill("[a](https://example.org/x) ", n),
    "ref-links": lambda n: _fill("[a][r] ", n // 2) + "\n\n" + _lines(lambda i: f"[r{i}]: /u{i}", n // 2),
    "ref-defs-used": lambda n: " ".join(f"[a][r{i}]" for i in range(n // 30)) + "\n\n"
                                + "\n".join(f"[r{i}]: /u{i}" for i in range(n // 30)),
    "unclosed-link": lambda n: _fill("[a](", n),
    "unclosed-bracket": lambda n: _fill("[", n),
    "brackets-nested": lambda n: "[" * (n // 2) + "a" + "]" * (n // 2),
    "image-open": lambda n: _fill("![", n),
    "lt": lambda n: _fill("<", n),
    "lt-words": lambda n: _fill("<a ", n),
    "autolink-open": lambda n: _fill("<http://a ", n),
    "backticks": lambda n: _fill("`", n),
    "backtick-words": lambda n: _fill("`a ", n),
    "backtick-runs": lambda n: " ".join("`" * k for k in range(1, 400)) * max(1, n // 80000),
    "stars": lambda n: _fill("*", n),
    "stars-word": lambda n: "*" * (n // 2) + "a" + "*" * (n // 2),
    "star-a-star-star-b": lambda n: _fill("*a **b ", n),
    "underscores": lambda n: _fill("_a __b ", n),
    "emph-nest": lambda n: "**_" * (n // 6) + "x" + "_**" * (n // 6),
    "emph-pairs": lambda n: _fill("**_*_**", n),
    "backslashes": lambda n: _fill("\\", n),
    "entities": lambda n: _fill("&#", n),
    "blockquotes-deep": lambda n: ">" * n + " a",
    "blockquotes-stair": lambda n: _lines(lambda i: ">" * (i + 1) + " a", n),
    "lists-deep-4": lambda n: _lines(lambda i: "    " * i + "- a", n),
    "lists-deep-2": lambda n: _lines(lambda i: "  " * i + "- a", n),
    "list-items": lambda n: _lines(lambda i: "- a", n),
    "table-wide": lambda n: "|" + "a|" * (n // 4) + "\n|" + "-|" * (n // 4) + "\n",
    "table-long": lambda n: "|a|b|\n|-|-|\n" + _lines(lambda i: "|x|y|", n),
    "fences-open": lambda n: _fill("```\n", n),
    "headings": lambda n: _lines(lambda i: "#" * (1 + i % 6) + " h", n),
    "setext": lambda n: _lines(lambda i: "a" if i % 2 == 0 else "=", n),
    "hr-mix": lambda n: _fill("* * *\n- a\n", n),
}


def _measure(name: str, size: int, raw: bool, queue: multiprocessing.Queue) -> None:
    """Seconds to convert the family's body to HTML, to derive its summary and plain text (every
    build, and check), and to find its links (check); and the conversion's error, if any."""
    text = FAMILIES[name](size)
    start = time.perf_counter()
    error = ""
    try:
        if raw:
            import markdown
            markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"]).convert(text)
        else:
            from newsgen.render.markdown import MarkdownRenderer
            MarkdownRenderer().convert(text)
    except Exception as exc:   # noqa: BLE001 - a bench shows whatever happened
        error = f"{type(exc).__name__}: {str(exc)[:100]}"
    convert = time.perf_counter() - start
    queue.put((convert, None, None, error))
    from newsgen.commands.check import body_links
    from newsgen.text import plain_text, summarize
    start = time.perf_counter()
    summarize(text)
    plain_text(text)
    summary = time.perf_counter() - start
    start = time.perf_counter()
    body_links(text)
    queue.put((convert, summary, time.perf_counter() - start, error))


def _seconds(value: float | None, cap: float) -> str:
    return f">{cap:.0f}" if value is None else f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="characters per body (default 100,000)")
    parser.add_argument("--cap", type=float, default=60.0, help="seconds before a family is given up")
    parser.add_argument("--only", default="", help="comma-separated family names")
    parser.add_argument("--raw", action="store_true", help="plain Python-Markdown, without newsgen's limits")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(FAMILIES)
    ctx = multiprocessing.get_context("fork")
    print(f"{'family':22} {'chars':>8} {'convert':>8} {'summary':>8} {'links':>8}  conversion")
    for name in names:
        queue = ctx.Queue()
        proc = ctx.Process(target=_measure, args=(name, args.size, args.raw, queue))
        proc.start()
        proc.join(args.cap)
        if proc.is_alive():
            proc.kill()
            proc.join()
        found: tuple[float | None, ...] = (None, None, None, "still running")
        while not queue.empty():
            found = queue.get()
        convert, summary, links, error = found
        print(f"{name:22} {len(FAMILIES[name](args.size)):>8} {_seconds(convert, args.cap):>8} "
              f"{_seconds(summary, args.cap):>8} {_seconds(links, args.cap):>8}  {error or 'ok'}", flush=True)


if __name__ == "__main__":
    main()
