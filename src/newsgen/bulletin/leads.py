"""The one recogniser of news leads: does a paragraph open an article, does it carry a dateline.

A lead opens with an outlet's formula (本报讯, 新华社北京7月5日电, 某某网消息：, 某某客户端讯), with a
date or a relative day (7月5日，, 昨天（7月4日）上午，, 昨日上午，, 近日，), or with a source's
attribution (据某社报道，, 当地时间…). Papers write the same formula in many notations, so the
recogniser is built from one table of parts, not from one pattern per paper:

- :data:`NUMBER`: a day, month or year number in ASCII or full-width digits or in Chinese numerals
  (五, 十二, 二十五, 廿五, 三十一, 〇/零 in years);
- :data:`DATE`: an optional year, an optional month and a day, closed by 日 or 号;
- :data:`RELATIVE_DAYS` and :data:`DAY_PARTS`: 今天, 昨日, 日前 … and 上午, 晚 …;
- :data:`DATELINE_WORD`, :data:`OWN_FORMULA_WORDS`, :data:`REPORT_WORD`: 电, 讯, 消息, 报道, the words
  after which a lead's text begins;
- :data:`OUTLET_KINDS`: how an outlet's name ends (a paper, an agency, a site, a channel, an app);
- :data:`PREFIX_MAX`: how long an outlet, place and date prefix before the formula word may be.

Every place in the parser that asks "does this open a lead" or "does this carry a dateline" uses the
patterns built here (blocks.py names them for its own use). The patterns hold no wording of any one
paper: only the conventions of Chinese news writing.
"""

from __future__ import annotations

import re

#: Digits as papers print them: ASCII, full-width, and Chinese numerals (with 〇/零 for years' zeros,
#: 十 for ten, 廿 and 卅 for twenty and thirty).
ASCII_DIGITS = "0-9"
FULL_DIGITS = "０-９"
CHINESE_DIGITS = "〇零一二三四五六七八九"
CHINESE_TENS = "十廿卅"
_DIGIT = f"[{ASCII_DIGITS}{FULL_DIGITS}]"
#: A month or day number: one or two digits, or up to three Chinese numerals (三十一, 廿五).
NUMBER = rf"(?:{_DIGIT}{{1,2}}|[{CHINESE_DIGITS}{CHINESE_TENS}]{{1,3}})"
#: A year: four digits or four Chinese numerals (二〇二三年).
YEAR = rf"(?:{_DIGIT}{{4}}|[{CHINESE_DIGITS}]{{4}})\s*年"
#: A date: an optional year, an optional month, a day closed by 日 or 号 (7月5日, ７月５日, 七月五日, 5号).
DATE = rf"(?:{YEAR}\s*)?(?:{NUMBER}\s*月\s*)?{NUMBER}\s*[日号]"
#: A date with its month (the day alone, 5日, also opens clauses inside an article).
MONTH_DATE = rf"(?:{YEAR}\s*)?{NUMBER}\s*月\s*{NUMBER}\s*[日号]"
#: Words for a day relative to the paper's: 今天, 昨日, 日前 ….
RELATIVE_DAYS = ("今天", "昨天", "前天", "今日", "昨日", "前日", "今晨", "昨晚", "今晚", "昨夜",
                 "日前", "近日", "近期")
#: Relative days that name one day, and so may be followed by that day's date in brackets.
NAMED_DAYS = ("今天", "昨天", "前天", "今日", "昨日", "前日", "明天", "明日")
#: Parts of a day that may follow a day: 昨日上午, 7月5日晚.
DAY_PARTS = ("上午", "下午", "中午", "晚上", "晚间", "傍晚", "凌晨", "早上", "清晨", "夜间", "晚", "早")
#: The words after which an outlet's lead text begins: 电 closes a dateline; 讯 and 消息 after an outlet's
#: name are its own story, whatever follows; 报道 is its own story only before a colon or a space
#: (before a comma it cites another outlet, unless a broadcaster names itself: :data:`BROADCAST_KINDS`).
DATELINE_WORD = "电"
OWN_FORMULA_WORDS = ("消息", "讯")
REPORT_WORD = "报道"
#: How an outlet's name ends: papers and agencies, sites, channels and stations, apps and accounts.
OUTLET_KINDS = ("报", "社", "网", "台", "频道", "客户端", "APP", "App", "app", "公众号", "新闻", "在线",
                "热线", "之声", "卫视", "中心", "广播", "电视")
#: Outlets that broadcast or publish on screens (channels, stations, apps, accounts): their name before
#: 报道， opens their own story. A paper's or an agency's name before 报道， cites it (韩联社报道，…).
BROADCAST_KINDS = ("台", "频道", "客户端", "APP", "App", "app", "公众号", "之声", "卫视", "广播", "融媒体中心")
#: The longest outlet, place and date prefix before a formula word (人民日报海外网北京7月5日电: 17).
PREFIX_MAX = 24
#: Words made with 电 that are no dateline's formula (7月5日起停电 is not 7月5日电).
NOT_FORMULA_DIAN = "话视影脑梯池动子商站费价量源器力线报讯"


def _alt(words: tuple[str, ...]) -> str:
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


#: An outlet, place and date prefix: no punctuation, no space, and no 据 (据某社报道 cites another outlet).
_PREFIX = rf"[^，。！？：:“”（）()\s据]{{0,{PREFIX_MAX}}}?"
#: A dateline's prefix may cite (据新华社北京7月5日电: a paper reprinting a wire story).
_DATELINE_PREFIX = rf"[^，。！？：:“”（）()\s]{{0,{PREFIX_MAX}}}?"
_KIND = _alt(OUTLET_KINDS)
_BROADCAST = _alt(BROADCAST_KINDS)
_PART = _alt(DAY_PARTS)
_RELDAY = _alt(RELATIVE_DAYS)
_NAMED = _alt(NAMED_DAYS)
_DIAN = rf"{DATELINE_WORD}(?![{NOT_FORMULA_DIAN}])"
_OWN = _alt(OWN_FORMULA_WORDS)

#: The dateline of a wire lead: an outlet (and place) prefix, a date in any notation, 电 (or 讯):
#: 新华社北京7月5日电, 本报南昌７月５日电, 新华社某地七月五日电, 某报海外网某地二〇二三年七月五日电,
#: 本报某地二〇二三年七月五日讯.
DATELINE = rf"(?![（(]){_DATELINE_PREFIX}{DATE}(?:\s*{_PART})?\s*(?:(?:专|急|特)?{_DIAN}|讯(?!号))"
WIRE_DATELINE = re.compile("^" + DATELINE)
#: A dateline with the credit in brackets after it: 本报南昌7月5日电（记者某某）; group 1 is the credit.
LEAD_DATELINE = re.compile("^" + DATELINE + r"\s*(?:[A-Za-z]{2,}\s*)?[（(]([^（）()]{2,40})[）)]")
#: An outlet's own formula, which only ever opens an article (never in brackets: （本报某地X月X日电）
#: closes one; never after 据: 据某社报道，is a weaker cue):
OUTLET_LEAD = re.compile(
    r"^(?![（(据])(?:"
    # 某网消息（某栏目）：, 某某客户端讯 , 某某APP消息，; 某某新闻频道报道： (not 某社报道，, which cites)
    rf"{_PREFIX}{_KIND}(?:{_OWN}\s*(?:[（(][^（）()]{{1,40}}[）)])?\s*(?:[：:，,\s]|$)|"
    rf"{REPORT_WORD}\s*(?:[（(][^（）()]{{1,40}}[）)])?\s*(?:[：:\s]|$))|"
    # 某某电视台报道，, 某某客户端报道，
    rf"{_PREFIX}{_BROADCAST}{REPORT_WORD}\s*[，,]|"
    # 【某网报道】, 【某报记者 某某】
    r"【[^】]{0,28}(?:报道|讯|电|消息|记者[^】]*)】|"
    # 本报讯 , 某某讯（记者…）
    r"[^，。！？\s]{1,10}讯(?:\s|[（(])|本报讯|"
    # a dateline in any notation
    rf"{DATELINE}|"
    # a dateline with no date: 新华社北京电 , 本报某地电（记者…）
    rf"{_PREFIX}(?:社|报|网|台){_PREFIX}电(?=\s|[（(])"
    ")"
)
#: A relative day with the day's date in brackets: 昨天（7月4日）, 今日（５日）上午.
RELATIVE_DATED = rf"{_NAMED}[（(]{DATE}[）)](?:{_PART})?"
#: Openings of a news lead: a relative day, a date, a year, a dateline or an outlet's 讯.
LEAD_OPENING = re.compile(
    rf"^(?:{_RELDAY}(?!的)|近年来|今年以来|目前|当前|眼下|前不久|不久前|{YEAR}|{MONTH_DATE}|"
    rf"{RELATIVE_DATED}|[^，。]{{0,12}}{DATE}(?:[^，。]{{0,4}}?){_DIAN}|[^，。]{{0,8}}讯)"
)
#: A reporter's source opening a lead: 记者7月5日从某局获悉，, 本报记者从某会议上了解到.
REPORTER_SOURCE = r"(?:本报)?记者[^，。！？]{0,12}?从[^，。！？]{1,30}?(?:获悉|了解到|得知)"
#: Weaker lead cues: they open leads, but also paragraphs inside articles (据某报报道，, 当地时间X日，, 7日，).
LEAD_CUE = re.compile(
    rf"^(?:据[^，。！？]{{1,24}}?(?:{NUMBER}日)?(?:报道|消息)[，,：:]|(?:当地时间|北京时间)|{REPORTER_SOURCE}|"
    rf"{RELATIVE_DATED}|{_NAMED}{_PART}?[，,]|{DATE}\s*(?:{_PART})?[，,])"
)
#: A lead's opening clause closed by a comma: when (当地时间X日，, X月X日晚，, 昨天（7月4日）上午，,
#: 昨日上午，) or from whom (据某社X日报道，). A line opening so is a lead cut by a column break, never a
#: headline.
LEAD_CLAUSE = re.compile(
    rf"^(?:(?:当地时间|北京时间)[^，。！？]{{0,12}}|据[^，。！？]{{1,24}}?(?:报道|消息)|"
    rf"{DATE}(?:\s*{_PART})?|{RELATIVE_DATED}|{_NAMED}{_PART})[，,]"
)

#: A time word early in a paragraph (searched, not matched: the scorer's cue that a lead says when
#: before it says anything else): a day in any notation, a relative day, a part of a day.
LEAD_TIME = re.compile(rf"{NUMBER}日|近日|日前|近期|当地时间|今天|昨天|今日|昨日|今年|上午|下午|晚间")
#: A date or time in a lead's first sentence (searched).
FIRST_DATE = re.compile(rf"{MONTH_DATE}|{NUMBER}日|近日|日前|当地时间|今天|昨天|今日|昨日|今年{NUMBER}月|上周|本周")


def is_dateline(text: str) -> bool:
    """Whether the text opens with a wire dateline (an outlet, a place, a date in any notation, 电)."""
    return bool(WIRE_DATELINE.match(text))


def is_outlet_lead(text: str) -> bool:
    """Whether the text opens with an outlet's lead formula: a dateline, 讯, 消息, 报道 after an
    outlet's name (a paper, an agency, a site, a channel, an app)."""
    return bool(OUTLET_LEAD.match(text))


def opens_lead(text: str) -> bool:
    """Whether the text opens like a news lead at all (a formula, a date, a relative day, a cue)."""
    return bool(OUTLET_LEAD.match(text) or LEAD_OPENING.match(text) or LEAD_CUE.match(text))
