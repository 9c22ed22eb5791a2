"""End matter and extraction residue: lines that are printed with an article but are not its text.

End matter is what a web page or a paper prints under an article's last paragraph: a navigation
label (【更多】, 更多>>, 点击查看, 相关阅读, 返回顶部), a source or data note (来源：某某网（记者 某某）,
数据来源：某局, （本文来源：某某）), an editors' or credits line ((责任编辑：某某), 【编辑：某某】,
编辑 某某 校对 某某) and a sign-off on a line of its own (（完）, -END-). Each closes the article
above it; none is ever a headline line, a kicker or a column tag. :func:`kind` is asked about every
block before headlines are grouped (``blocks.features``), so the assembler never sees one as a
headline candidate.

What is recognised is the *kind* of line, by its form: a navigation label is a short line made only
of the vocabulary web pages use to point elsewhere (more, details, click, view, read, related, back,
top, next...), bracketed, arrowed or bare, and nothing else; a note is a source label, a colon and a
short value with no sentence in it; a credits line is role words and names. A headline that merely
opens with one of these words (更多企业加入减排行动) is none of them.

Extraction residue is what a text tool leaves in a line: part-of-speech tags after words (北京/ns
召开/v 会议/n). :func:`strip_tags` removes them from a headline when they are clearly tags.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

HAN = r"\u3400-\u9fff"

#: A navigation label is at most this long once its brackets, arrows and punctuation are taken off.
NAV_MAX = 12
#: Words that point elsewhere or act on the page: a navigation label holds at least one of them.
NAV_ACTIONS = ("更多", "详情", "详细", "点击", "点此", "查看", "阅读", "浏览", "全文", "原文", "返回", "回到",
               "顶部", "首页", "上一篇", "下一篇", "上一页", "下一页", "上一条", "下一条", "相关", "延伸",
               "进入", "分享到", "分享", "收藏", "打印", "关闭", "展开", "收起", "继续")
#: Words that may stand with them in a label (what is pointed at, and the politeness around it).
NAV_OBJECTS = ("新闻", "报道", "文章", "资讯", "内容", "精彩", "视频", "图片", "图集", "此文", "本文",
               "本页", "这里", "此处", "了解", "请", "详见", "观看", "访问", "入口", "页面", "窗口",
               "链接", "推荐", "专题", "评论", "信息", "本篇", "热点")
_NAV_WORDS = sorted(set(NAV_ACTIONS + NAV_OBJECTS), key=len, reverse=True)
_NAV_TOKEN = re.compile("|".join(_NAV_WORDS))
#: What wraps or points a label: brackets of every kind, arrows, chevrons, bullets and the punctuation
#: a label may end with (相关阅读：, 点击查看>>, ▶更多, 【更多精彩】, [详情], 阅读原文…).
NAV_DRESS = re.compile(r"[\s【】\[\]［］〔〕（）()<>＜＞《》«»〈〉→←↑↓►▶▷▸»›>＞・·•●○■□◆◇★☆…\.。:：!！|｜丨_\-—–~～]")

#: A source note: what it is the source of, a source label, a value with no sentence in it, perhaps a
#: bracketed credit, the whole perhaps in brackets: 来源：某某网（记者 某某）, （本文来源：某某）.
_SOURCE_WHAT = r"(?:本文|本稿|文章|稿件|新闻|信息|内容|数据|资料|图片|图表|视频|消息|原文)?"
#: A label names its source after a colon or a space (来源：某某网, 来源 某某网); a verb of taking needs neither
#: (摘自《某报》, 转自某某网). 来源于生活 is a phrase, not a note.
_SOURCE_LABEL = r"(?:(?:来源|来自|出处|稿源)(?:\s*[：:]|\s+)|(?:转自|摘自|转载自|编译自|选自)\s*[：:]?)"
SOURCE_NOTE = re.compile(
    rf"^[（(【\[［]?\s*{_SOURCE_WHAT}{_SOURCE_LABEL}\s*"
    r"(?P<value>[^，。；;！？!?：:（）()【】\[\]［］]{1,30}?)\s*"
    r"(?:[（(](?P<credit>[^（）()]{1,30})[）)])?\s*[）)】\]］]?$")
SOURCE_MAX = 60

#: Roles an article's production credits name besides its writers: editors, checkers, producers.
EDITORIAL_ROLES = ("责任编辑", "实习编辑", "值班编辑", "图片编辑", "美术编辑", "视频编辑", "编辑", "责编", "美编",
                   "责任校对", "校对", "审校", "审核", "审签", "初审", "一审", "二审", "三审", "终审", "复审",
                   "值班主任", "主编", "总编辑", "编审", "监制", "统筹", "策划", "制作", "编导", "剪辑",
                   "排版", "版式", "设计", "签发", "编发", "编校", "出品人", "出品")
#: Roles that may stand beside them in one credits line (writers, photographers).
WRITER_ROLES = ("记者", "通讯员", "实习生", "作者", "撰文", "摄影", "摄像", "视频", "图", "文", "翻译", "编译",
                "整理", "配音", "海报", "视觉")
_ROLE = "|".join(sorted(EDITORIAL_ROLES + WRITER_ROLES, key=len, reverse=True))
_NAMES = rf"[{HAN}·]{{2,5}}(?:[、，,\s]+[{HAN}·]{{2,5}})*"
#: A role and its names, set apart by a colon, a slash or a space (编辑部的故事 is no credit).
_CREDIT_UNIT = rf"(?:{_ROLE})(?:\s*[：:/／]\s*|\s+){_NAMES}"
CREDITS_LINE = re.compile(rf"^[（(【\[［]?\s*{_CREDIT_UNIT}(?:\s*[\s|｜丨；;，,]\s*{_CREDIT_UNIT})*\s*[）)】\]］]?$")
CREDITS_MAX = 60
_EDITORIAL = re.compile("|".join(sorted(EDITORIAL_ROLES, key=len, reverse=True)))

#: A sign-off printed alone: （完）, 【全文完】, -END-, —完—.
SIGN_OFF = re.compile(r"^[（(【\[［\-—－─=\s]*(?:全文完|完|终|END|End|end)[）)】\]］\-—－─=\s]*$")

#: The kinds, as :func:`kind` names them.
NAVIGATION = "navigation label"
SOURCE = "source note"
CREDITS = "credits line"
SIGN_OFF_KIND = "sign-off"
#: Not a kind of line but of place: a headline-shaped line listed under a navigation label (相关阅读：
#: then the titles it links to) is marked so by the assembler (rules.build_sections).
LISTED_LINK = "listed link"


def _navigation(text: str) -> bool:
    """A line made only of navigation words once its dress (brackets, arrows, punctuation) is off."""
    core = NAV_DRESS.sub("", text)
    if not core or len(core) > NAV_MAX:
        return False
    rest = _NAV_TOKEN.sub("", core)
    return not rest and any(word in core for word in NAV_ACTIONS)


def _credits(text: str) -> bool:
    m = CREDITS_LINE.match(text)
    if not m or len(text) > CREDITS_MAX:
        return False
    # at least one editorial role, before its names: 编辑 某某, not a name that holds the characters
    return bool(re.search(rf"(?:^|[\s（(【\[［|｜丨；;，,])(?:{_EDITORIAL.pattern})", text))


def kind(text: str) -> str | None:
    """What kind of end matter a block's text (its lines joined) is, or None when it is none."""
    text = text.strip()
    if not text:
        return None
    if _navigation(text):
        return NAVIGATION
    if len(text) <= SOURCE_MAX and SOURCE_NOTE.match(text):
        return SOURCE
    if _credits(text):
        return CREDITS
    if SIGN_OFF.match(text):
        return SIGN_OFF_KIND
    return None


class _Printed(Protocol):
    """What :func:`under_text` reads of an item: its features."""

    @property
    def feat(self) -> Any: ...


def under_text(item: _Printed, prev: _Printed | None) -> bool:
    """Whether an editors' line (责任编辑：某某, 编辑 某某 校对 某某), which on a printed page is page
    furniture, is printed right under an article's text instead: a web page's credits under its
    article. It is then that article's end matter (it closes it) and is marked so; at the top of the
    bulletin, or next to other furniture, it stays page furniture (and the caller asks only about a
    bulletin with no date line or page marker: on a printed page it is always furniture)."""
    if item.feat.furniture != "editors' line" or prev is None or prev.feat.furniture or prev.feat.candidate:
        return False
    item.feat.furniture, item.feat.end_matter = None, CREDITS
    return True


#: Words of a label that lists links under it (related, further, recommended reading), where a label
#: such as 更多>> or 阅读原文 is itself the one link.
LIST_WORDS = ("相关", "延伸", "推荐")


def lists_links(text: str) -> bool:
    """Whether a navigation label introduces a list of links: 相关阅读, 延伸阅读：, 推荐阅读, or any label
    closed by a colon (a list follows it)."""
    text = text.strip()
    return kind(text) == NAVIGATION and (any(w in text for w in LIST_WORDS) or text.endswith(("：", ":")))


def source_credit(text: str) -> str | None:
    """The bracketed credit closing a source note (（记者 某某） in 来源：某某网（记者 某某）), verbatim."""
    m = SOURCE_NOTE.match(text.strip())
    return m.group("credit") if m and m.group("credit") else None


#: A part-of-speech tag a segmenter writes after a word: a slash and one or two lowercase letters
#: (/n, /ns, /vn, /nr), or a capital and g (/Ng, /Vg: a morpheme tag), printed right after a Chinese
#: character and followed by a space, the line's end or the next word.
_TAGGED = rf"0-9０-９{HAN}\u3000-\u303f\uff01-\uff60“”‘’…—"     # what a tag follows: a Chinese word, a number
TAG = re.compile(rf"(?<=[{_TAGGED}])/(?:[a-z]{{1,2}}|[A-Z]g)(?=[\s{HAN}“「『《（(]|$)")
#: A lone tag after a number and its unit is a unit (元/t, 公里/h, 平方米/d), not a tag.
UNIT_BEFORE = re.compile(rf"\d[{HAN}]{{0,3}}$")


def strip_tags(line: str) -> tuple[str, list[str]]:
    """The line without the part-of-speech tags a tool left in it, and the tags removed (in order).

    Tags are removed only where they are clearly tags: two or more in the line, or one at its very
    end (not after a number, where a slash and letters are a unit). The space a segmenter put after
    a tagged word goes with the tag (Chinese is written without spaces), but between two Latin words or
    numbers."""
    found = list(TAG.finditer(line))
    if not found:
        return line, []
    if len(found) == 1:
        m = found[0]
        if line[m.end():].strip() or UNIT_BEFORE.search(line[:m.start()]):
            return line, []
    out: list[str] = []
    pos = 0
    for m in found:
        out.append(line[pos:m.start()])
        pos = m.end()
        rest = line[pos:]
        spaces = len(rest) - len(rest.lstrip())
        after, before = rest.lstrip()[:1], line[m.start() - 1]
        if spaces and after and not (after.isascii() and after.isalnum() and before.isascii() and before.isalnum()):
            pos += spaces     # the space between two Latin words or numbers (iPhone 15) stays
    out.append(line[pos:])
    return "".join(out).strip(), [m.group(0) for m in found]
