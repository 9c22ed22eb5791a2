"""Lay out the ``briefs`` developer set: pages of short briefs on one subject from several outlets.

    .venv/bin/python train/briefs.py OUT_DIR [--bulletins 40] [--seed 19] [--shared ../shared/parser-eval]

Deterministic (fixed seed). Made from the TRAINING articles only (``train/articles.jsonl.gz``), never
from a scored set. Each bulletin is a page of 6-12 briefs alike in subject (articles grouped by the
character pairs their titles and leads share, weighted by rarity), each cut to 1-3 paragraphs, its
outlet's lead formula removed and a new lead written in one of several notations:

  - 本报讯 / 某某晚报讯 (perhaps with a credit in brackets);
  - a wire dateline, 新华社某地7月5日电, its date in ASCII or full-width digits, in Chinese numerals
    (七月五日, 二〇二三年七月五日, 廿五日), with 日 or 号;
  - a longer outlet and place prefix (某某日报海外网某地7月5日电);
  - a site, channel or app as the outlet (某某网消息, 某某客户端讯, 某某新闻频道报道, 某某APP消息);
  - a relative day with the date in brackets (昨天（7月4日）), perhaps after a formula;
  - a lead opening with a relative-day word (昨日上午，) and no formula; or the article's own opening.

Web end matter may close a brief: a link label (【更多】, （详情）, 更多>>), a source line (来源：某某网),
a credit-only line (（责任编辑：某某）). No subheadings. The page is then jumbled by the shared
``jumble.py`` (column breaks, moved tails, a displaced headline, a lost column, a noise word), so its
truth has the format ``score.py`` and ``train/quick_eval.py`` read. The end matter is laid out after
the jumble, under the brief's last printed paragraph (:func:`add_end_matter`): jumble.py would take it
for text and might move it alone as a tail, a credit line printed under another brief that no reader
could give back to its own.

Outlet and place names are generated: a list of place names and of outlet kinds, combined.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Place names (provinces, cities and counties of any paper's region; none taken from a scored set).
PLACES = ["北京", "上海", "天津", "重庆", "广州", "深圳", "杭州", "南京", "武汉", "成都", "西安", "郑州",
          "长沙", "合肥", "福州", "昆明", "贵阳", "南宁", "海口", "兰州", "银川", "西宁", "拉萨", "太原",
          "石家庄", "济南", "青岛", "大连", "沈阳", "长春", "哈尔滨", "呼和浩特", "乌鲁木齐", "南昌", "苏州",
          "无锡", "宁波", "温州", "厦门", "泉州", "佛山", "东莞", "珠海", "汕头", "洛阳", "开封", "襄阳",
          "宜昌", "岳阳", "常德", "绵阳", "遵义", "桂林", "柳州", "大理", "丽江", "延安", "宝鸡", "天水",
          "酒泉", "包头", "鄂尔多斯", "吉林", "齐齐哈尔", "烟台", "潍坊", "临沂", "徐州", "扬州", "绍兴",
          "金华", "台州", "芜湖", "安庆", "赣州", "九江", "景德镇", "漳州", "莆田", "湛江", "惠州", "三亚"]
#: Short names an outlet may carry instead of a place (a river, a quarter of the sky, an old name).
OUTLET_STEMS = ["江城", "星城", "春城", "鹏城", "榕城", "泉城", "羊城", "冰城", "山城", "海峡", "东方",
                "南方", "北方", "西部", "中原", "三秦", "齐鲁", "燕赵", "荆楚", "潇湘", "巴蜀", "八桂",
                "黔东", "滇池", "天山", "长江", "珠江", "黄河", "钱江", "太湖", "大众", "都市", "现代", "晨光"]
#: Kinds of outlet: newspapers, sites, channels, apps, accounts.
PAPER_KINDS = ["日报", "晚报", "晨报", "都市报", "商报", "时报", "法制报", "青年报"]
SITE_KINDS = ["网", "新闻网", "在线", "热线"]
CHANNEL_KINDS = ["新闻频道", "电视台", "广播电视台", "卫视", "交通广播", "之声"]
APP_KINDS = ["客户端", "APP", "新闻客户端", "公众号", "融媒体中心", "新闻"]
AGENCIES = ["新华社", "中新社", "中国新闻社"]

DIGITS = "0123456789"
FULL = "０１２３４５６７８９"
CN = "〇一二三四五六七八九"

#: An outlet's lead formula at the start of a training article's first paragraph, removed before the
#: new lead is written: 央视网消息（新闻联播）：, 本报北京9月5日电（记者…）, 新华社…电.
OLD_LEAD = re.compile(r"^[^，。！？“”]{0,30}?(?:电|讯|消息)\s*(?:[（(][^（）()]{0,40}[）)])?\s*[：:，,]?\s*")
#: A relative day with its date in brackets opening what is left: 今天（10月31日）.
OLD_DAY = re.compile(r"^(?:今天|昨天|今日|昨日)[（(]\d{1,2}月\d{1,2}日[）)]")
#: A date clause opening what is left: 4月29日，, 24日下午，.
OLD_DATE = re.compile(r"^(?:\d{1,2}月)?\d{1,2}日[^，。！？]{0,4}[，,]")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏辉斌宁海燕峰建国文志春晓东晨欣雪琳浩宇凯亮"


def cn_number(n: int) -> str:
    """A day or month in Chinese numerals, as a paper writes it: 五, 十, 十二, 二十, 廿五, 三十一."""
    if n < 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN[tens]
    return head + "十" + (CN[ones] if ones else "")


def cn_year(y: int) -> str:
    return "".join(CN[int(d)] for d in str(y))


def write_date(rng: random.Random, year: int, month: int, day: int) -> str:
    """The date in one of the notations a dateline uses."""
    kind = rng.choice(["ascii", "ascii", "full", "cn", "cn_year", "ascii_year", "hao", "nian"])
    if kind == "full":
        return f"{month}月{day}日".translate(str.maketrans(DIGITS, FULL))
    if kind == "cn":
        d = cn_number(day)
        if 20 < day < 30 and rng.random() < 0.5:
            d = "廿" + CN[day - 20]
        return f"{cn_number(month)}月{d}日"
    if kind == "cn_year":
        return f"{cn_year(year)}年{cn_number(month)}月{cn_number(day)}日"
    if kind == "ascii_year":
        return f"{year}年{month}月{day}日"
    if kind == "hao":
        return f"{month}月{day}号"
    return f"{day}日" if kind == "nian" else f"{month}月{day}日"


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


class Outlets:
    """Generated outlet names of one kind: a place or stem and a kind suffix."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def stem(self) -> str:
        return self.rng.choice(PLACES + OUTLET_STEMS)

    def paper(self) -> str:
        return self.stem() + self.rng.choice(PAPER_KINDS)

    def site(self) -> str:
        return self.stem() + self.rng.choice(SITE_KINDS)

    def channel(self) -> str:
        return self.stem() + self.rng.choice(CHANNEL_KINDS)

    def app(self) -> str:
        return self.stem() + self.rng.choice(APP_KINDS)


def new_lead(rng: random.Random, text: str, date: tuple[int, int, int], out: Outlets) -> tuple[str, list[str]]:
    """The paragraph with a lead written in one notation, and the names it credits (if any)."""
    year, month, day = date
    place = rng.choice(PLACES)
    names: list[str] = []

    def credit() -> str:
        if rng.random() < 0.5:
            return ""
        names.extend(person(rng) for _ in range(rng.choice([1, 1, 2])))
        return "（记者" + "、".join(names) + "）"

    relday = rng.choice(["昨天", "昨日", "今天", "今日", "前天"])
    shift = {"昨天": 1, "昨日": 1, "前天": 2}.get(relday, 0)
    rday = max(1, day - shift)
    part = rng.choice(["", "", "上午", "下午", "晚"])
    kind = rng.choice(["benbao", "wire", "wire", "long", "site", "channel", "app", "relbracket",
                       "relword", "plain"])
    part = {"今天": "", "今日": ""}.get(relday, part) if part == "晚" else part
    if kind == "benbao":
        outlet = rng.choice(["本报", out.paper()])
        head = f"{outlet}讯" + (credit() or " ")
    elif kind == "wire":
        head = f"{rng.choice(AGENCIES + [out.paper()])}{place}{write_date(rng, year, month, day)}电" + credit()
    elif kind == "long":
        head = f"{out.paper()}{rng.choice(['海外网', '客户端', '全媒体', '新闻网'])}{place}" \
               f"{write_date(rng, year, month, day)}电" + credit()
    elif kind == "site":
        head = f"{out.site()}{rng.choice(['消息', '讯'])}" + credit() + rng.choice(["：", "，", " "])
    elif kind == "channel":
        head = f"{out.channel()}{rng.choice(['消息', '报道', '讯'])}" + rng.choice(["：", "，"])
    elif kind == "app":
        head = f"{out.app()}{rng.choice(['讯', '消息', '报道'])}" + rng.choice(["：", "，", " "])
    elif kind == "relbracket":
        lead = rng.choice(["", "本报讯 ", f"{out.site()}消息 "])
        head = f"{lead}{relday}（{month}月{rday}日）{part}，"
        text = OLD_DATE.sub("", text, count=1)     # the day is said by the new lead
    elif kind == "relword":
        head = f"{relday}{rng.choice(['上午', '下午', '晚间', '凌晨', ''])}，"
        text = OLD_DATE.sub("", text, count=1)
    else:
        return text, names
    return head + text, names


#: Web end matter closing a brief, as separate lines.
def end_matter(rng: random.Random, out: Outlets) -> list[str]:
    kind = rng.choice(["more", "source", "editor", "source+editor", "none", "none", "none"])
    lines: list[str] = []
    if kind == "more":
        lines.append(rng.choice(["【更多】", "（详情）", "更多>>", "【详细】", ">>更多", "（全文）"]))
    if kind in ("source", "source+editor"):
        lines.append("来源：" + rng.choice([out.paper(), out.site(), out.app()]))
    if kind in ("editor", "source+editor"):
        lines.append(f"（{rng.choice(['责任编辑', '编辑', '责编'])}：{person(rng)}）")
    return lines


def bigrams(text: str) -> Counter:
    han = re.sub(r"[^\u4e00-\u9fff]", " ", text)
    return Counter(w[i:i + 2] for w in han.split() for i in range(len(w) - 1))


def topic_vectors(articles: list[dict]) -> list[dict[str, float]]:
    """tf-idf vectors of the character pairs in each title and first paragraphs (unit length)."""
    bags = [bigrams(a["title"] * 2 + "".join(a["paras"][:2])) for a in articles]
    df = Counter(g for bag in bags for g in bag)
    n = len(bags)
    vecs = []
    for bag in bags:
        v = {g: c * math.log(n / df[g]) for g, c in bag.items() if df[g] > 1}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({g: x / norm for g, x in v.items()})
    return vecs


def similarity(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(g, 0.0) for g, x in a.items())


def brief(article: dict, rng: random.Random, date: tuple[int, int, int], out: Outlets) -> dict:
    """The article as a brief: 1-3 paragraphs, a new lead, perhaps end matter; no kicker, no subheads."""
    subs = set(article.get("subheads") or [])
    paras = [p for p in article["paras"] if p not in subs and p.strip()]
    paras = paras[:rng.randint(1, 3)]
    first = OLD_LEAD.sub("", paras[0], count=1)
    first = OLD_DAY.sub("", first, count=1).lstrip("，,")
    if len(first) < 10:
        first = paras[0]
    first, names = new_lead(rng, first, date, out)
    paras[0] = first
    if not names and rng.random() < 0.3:     # a sign-off in brackets closing the brief
        names = [person(rng) for _ in range(rng.choice([1, 2]))]
        paras[-1] = paras[-1] + "（" + " ".join(names) + "）"
    title = article["title"]
    return {"title": title, "headline_lines": [title], "paras": paras, "authors": names, "subheads": [],
            "end_matter": end_matter(rng, out)}


def add_end_matter(text: str, truth: dict, page: list[dict]) -> str:
    """The jumbled page with each brief's end matter printed under its last printed paragraph (in its
    moved tail, if it has one), and added to its truth; a brief whose column was lost loses it too.

    A web page prints end matter under the article's text, so it goes wherever that text goes; laid
    out by jumble.py with the text, it could be moved alone, as a tail of nothing but a credit line,
    under another brief (unrecoverable: it names nothing of its own brief)."""
    body = text.lstrip("\n")
    blocks = body.rstrip("\n").split("\n\n")
    after: dict[int, list[str]] = {}
    for article, src in zip(truth["articles"], page, strict=True):
        lines = src.get("end_matter") or []
        if not lines or article["lost_column"] or not article["paras"]:
            continue
        at = -1     # the blocks of the article's paragraphs, matched in print order
        heads = [n for n, b in enumerate(blocks) if b in article["headline_lines"]]
        if heads and not article["headline_displaced"]:
            at = heads[0]
        for para in article["paras"]:
            at = blocks.index(para, at + 1)
        after.setdefault(at, []).extend(lines)
        article["paras"] = article["paras"] + lines
    out: list[str] = []
    for n, block in enumerate(blocks):
        out += [block, *after.get(n, [])]
    return text[:len(text) - len(body)] + "\n\n".join(out) + "\n"


def make_set(shared: Path, out_dir: Path, bulletins: int, seed: int) -> int:
    sys.path.insert(0, str(shared.resolve()))
    import jumble  # type: ignore[import-not-found]  # noqa: PLC0415

    with gzip.open(shared / "train" / "articles.jsonl.gz", "rt", encoding="utf-8") as src:
        articles = [json.loads(line) for line in src if line.strip()]
    rng = random.Random(seed)
    vecs = topic_vectors(articles)
    unused = set(range(len(articles)))
    outlets = Outlets(rng)
    opts = {"break_p": 0.12, "byline_p": 0.0, "continue_p": 0.6, "lost_p": 0.25, "displace_p": 0.5,
            "noise_p": 0.3}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for b in range(bulletins):
        n = rng.randint(6, 12)
        if len(unused) < n:
            break
        pivot = rng.choice(sorted(unused))
        ranked = sorted(unused - {pivot}, key=lambda i: (-similarity(vecs[pivot], vecs[i]), i))
        group = [pivot, *ranked[:n - 1]]
        unused -= set(group)
        rng.shuffle(group)
        date = (rng.randint(2003, 2023), rng.randint(1, 12), rng.randint(3, 28))
        page = [brief(articles[i], rng, date, outlets) for i in group]
        text, truth = jumble.make_bulletin(page, rng, opts)
        text = add_end_matter(text, truth, page)
        (out_dir / f"briefs-{b:03d}.txt").write_text(text, encoding="utf-8")
        (out_dir / f"briefs-{b:03d}.truth.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
        written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--bulletins", type=int, default=40)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "parser-eval")
    args = ap.parse_args(argv)
    for old in args.out.glob("briefs-*"):
        old.unlink()
    n = make_set(args.shared, args.out, args.bulletins, args.seed)
    print(f"wrote {n} bulletins into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
