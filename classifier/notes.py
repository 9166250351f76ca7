"""Whole daily notes: segmentation into interventions, minutes, classification, units and
warnings.

Segmentation follows how notes are written: SOAP sections (Subjective, Assessment, Plan,
Goals and HEP content is not a performed intervention), headed blocks ("Ther Ex 15 min:" and
the lines under a bare "NMR:" header), flowsheet rows and bullets (one line each), and run-on
narrative (one sentence each, adjacent sentences of the same code merged). Minutes are read
per segment in the ways therapists write them; "Total timed minutes" lines are cross-checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from .billing import allocate, is_timed, pair_warnings, units_for
from .evidence import parse_many
from .model import LinearModel
from .resources import load_json
from .rules import other_service_code
from .sections import find_headers, section_table
from .types import LineItem, NoteAnalysis, Suggestion

THREE = ("97110", "97112", "97530")
_HOURS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_UNITS_WORDS = "one|two|three|four|five|six|seven|eight|nine"
_SPOKEN_MINUTES = rf"oh\s+(?:{_UNITS_WORDS})|(?:twenty|thirty|forty|fifty)(?:[\s-]+(?:{_UNITS_WORDS}))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
QUOTE_MINUTES_MAX = 40
_DICTATED_PUNCTUATION = re.compile(r"\b(?:period|full stop|comma|new paragraph|new line)\b", re.IGNORECASE)
_NUM = r"(\d{1,3})"
_MIN_WORD = r"(?:minutes|minute|mins|min(?!\s*(?:a\b|assist|asst|\(a\)))|mns|mn)\b\.?"  # not "min A": minimal assist
_TICKS = frozenset("xX\u2713\u2714")
_HEADER_SEP = re.compile(r"\s*(?::(?!\d)|\s[-\u2013\u2014]\s|\]\s*[-\u2013:]?)\s*")
# a duration that is not the time spent on the intervention: "recovered in 1 min", "rest 2 min"
_REST_AFTER = re.compile(
    r"\s*(?:of\s+)?(?:seated\s+|supine\s+)?(?:rest|break|recovery)\b"
    r"|\s+(?:[6-9]\d|1\d\d|2[0-4]\d)\s*/\s*(?:[3-9]\d|1[0-4]\d)\b"  # "standing 1 min 98/60": when a blood pressure was taken
    r"|\s+(?:yesterday|last\s+(?:night|week|wk|weekend)|over\s+the\s+weekend|this\s+(?:past\s+)?weekend|on\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"  # a time on another day
    r"|\s*(?:[^/\n\d]|\d\.\d){0,16}/\s*\d{1,2}\s*(?:minutes|mins?|')"  # work and rest intervals: "1 min 2.0 mph / 1 min 1.0 mph"
    r"|\s+(?:after|before|post|following|past)\s+(?:a\s+|the\s+|her\s+|his\s+|each\s+|their\s+)?(?:[\w/-]+\s+){0,3}?(?:doses?|meds?|medications?|pills?|meals?|eating|breakfast|lunch|dinner|supper|pyridostigmine|mestinon|sinemet|levodopa|carbidopa|insulin)\b"  # a time after a dose
    r"|\s*,?\s*(?:\d\s*x\s*/?\s*(?:day|d|daily|wk|week)|x\s*/\s*(?:day|wk)|/\s*(?:day|wk|week)|per\s+(?:day|week)|a\s+(?:day|week)|daily|bid|tid|qid)\b"
    r"|\s*(?:for|until|to\s+let)\s+(?:the\s+|his\s+|her\s+|pt'?s?\s+)?(?:dizziness|symptoms?|sx|nausea|hr|heart\s+rate|bp|spo2|sats?|o2|breathing)\b"
    r"|[\s-]*rule\b|\s*(?:late|early)\b|\s*(?:prior|ago|earlier)\b(?!\s+to\b)"
    r"|\s*(?:ea|each)\b|\s*per\s+(?:side|hand|leg|arm|limb|direction)\b|\s*holds?\b"
    r"|\s*\((?:by\s+|per\s+|w/\s+)?(?:nursing|rn|nurse|cna|nursing\s+staff)\)",
    re.IGNORECASE,
)  # ... a dose per item ("putty 3 min ea", "1 min per side"), a home prescription ("walk 10
# min 3x/day", "10 min BID") or a wait for symptoms to settle ("sat EOB 3 min for the
# dizziness to pass"), the billing rule ("8 min rule: 24 TE / ..."), a late arrival ("arrived
# 10 min late"), something before the session ("fed 30 min prior") or another discipline's
# time ("Bowel program 0800-0900 (nursing)")
# text just before a minutes value that makes it something other than time spent: a recovery
# or rest interval, a frequency, sets ("3x10'"; not a level, "L2 x10'"), a time point
# ("BP 152/76 @ 10 min"), a check interval ("sx check q5 min"), a recovery ("SpO2 90% in 3 min",
# "sx 4/10 -> 1/10 in 2 min", "back to baseline <1 min"), a home prescription ("walk daily 20
# min"), the length of one of several bouts ("3 rounds x 2 min"), a rate ("18 in one minute") or
# a bound, not a time spent ("<1 min episodes", "redness gone in under five minutes", "pain
# walking >15 min")
_NOT_SPENT = re.compile(
    r"(?:(?:(?<!floor\s)(?<!fall\s)(?<!falls\s)recover\w*|resolve\w*|settl\w*|subsid\w*|eas(?:es|ed|ing)|loosens?(?:\s+up)?|tolerating(?:\s+it)?(?:\s+up\s+to)?|rest(?:ed|ing|s)?|break\w*|every|q|within|sx|symptoms?|dizz\w*|after)\s+"
    r"(?:(?:seated|sitting|supine|standing|quickly|fully|completely)\s+)?(?:in\s+|of\s+|for\s+|by\s+|<\s*|~\s*)?(?:about\s+|approx\.?\s*|approximately\s+|roughly\s+)?"
    r"|(?<![A-Za-z\d:])\d{1,2}(?:[x\u00d7*]\s*|\s+[x\u00d7*]\s+)\(?|(?:@|\bat)\s*|(?<![A-Za-z])q\s*|(?:%|/10|\bbaseline|\bnormal|\bwnl|\bbpm)\s*(?:in|within|by)\s+(?:<\s*|~\s*)?"
    r"|\bback\s+(?:up|down)\s+(?:in|within)\s+(?:<\s*|~\s*)?|\bbaseline\s*(?:<|~)\s*|\b(?:daily|bid|tid|qid|qd)\s+|\bstiffness\s*(?:lasting\s+|x\s*|of\s+|for\s+)?(?:~\s*|>\s*|<\s*|about\s+)?|\btolerance\s*(?:of\s+|was\s+|is\s+|now\s+|to\s+|[:=]\s*)?(?:~\s*|>\s*|<\s*|about\s+)?"
    r"|\b(?:\d{1,2}|two|three|four|five|six)\s*(?:rounds?|bouts?|sets?|trials?|intervals?|cycles?)\s*(?:[x\u00d7*@]|of)?\s*"
    r"|\b(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+teen|twenty|thirty|forty|fifty)\s+(?:reps?\s+|times\s+)?in\s+"
    r"|(?<![<>\d=\-])[<>]\s*|\b(?:under|less\s+than)\s+|(?<=\S)\s*/\s*"
    r"|\b(?:start(?:ing)?\s+with|begin(?:ning)?\s+with|build(?:ing)?\s+up\s+to|increas(?:e|ing)\s+(?:it\s+)?to|progress(?:ing)?\s+to|add(?:ing)?)\s+(?:another\s+|an?\s+extra\s+)?)$",  # a wear or walking schedule
    re.IGNORECASE,
)


# text just before a time that is the visit's length, not an intervention's: "Visit time
# 1330-1445", "seen in home, visit 10:40 to 11:25", "Visit 0930-1030 at home"
_VISIT_BEFORE = re.compile(r"\bvisit(?:\s+(?:time|length|duration))?\s*[:=\-]?\s*(?:from\s+)?$|\bTI\s*[:=]?\s*$|\b(?:OT|PT)\s+session\s*[:=\-]?\s*(?:from\s+)?$", re.IGNORECASE)
_VISIT_WORD = re.compile(r"visit|session|appt|appointment", re.IGNORECASE)
_VISIT_AFTER = re.compile(r"\s*(?:-\s*)?(?:session|visit|appt|appointment)\b", re.IGNORECASE)  # "seen for 60 min session"


@lru_cache(maxsize=1)
def _conf() -> dict[str, Any]:
    return load_json("data", "notes.json")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    conf = _conf()
    nums = conf["number_words"]
    tens = "|".join(w for w, v in nums.items() if v >= 20 and v % 10 == 0)
    units = "|".join(w for w, v in nums.items() if v < 10)
    single = "|".join(sorted(nums, key=len, reverse=True))
    words = rf"(?:{tens})[- ](?:{units})|{single}"
    names = "|".join(sorted((re.escape(n) for n in conf["block_names"] + conf["session_names"]), key=len, reverse=True))
    measures = "|".join(sorted((re.escape(n) for n in conf["outcome_measures"]), key=len, reverse=True))
    # every form of a time opens with a digit, a number word, "time"/"min" or "in": a lookahead
    # for those characters lets the engine skip other positions without trying each form
    starts = "".join(sorted({w[0].lower() for w in nums} | {"t", "m", "i"}))
    return {
        "minutes": re.compile(
            rf"(?=[\d{starts}])(?:(?<![\d:.])(?P<hr>[1-3])\s*(?:hrs?|hours?)\.?\s*(?:and\s+)?(?P<hrm>\d{{1,2}})\s*{_MIN_WORD}"
            rf"|(?<![\d:.])(?P<n>\d{{1,3}})(?:-\d{{1,3}})?\s*{_MIN_WORD}"
            rf"|(?<![\w.])(?P<w>{words})\s+{_MIN_WORD}"
            rf"|(?<![\d:./])(?P<q>\d{{1,2}})\s*['\u2019\u2032](?!['\u2019\u2032])(?!\s*x\s*\d)(?!\s*/\s*\d)"  # (not "1'/1'" work/rest intervals)
            r"|(?<![\d:./,y])(?P<mm>\d{1,2})(?-i:m)(?=[ \t]*(?:$|\n|[)|,;]|-[ \t]|[ \t]-))"  # "putty 2x15, 8m": minutes closing a row (not metres, see below)
            r"|(?P<h1>\d{1,2}):(?P<m1>\d{2})\s*(?:-|\u2013|to)\s*(?P<h2>\d{1,2}):(?P<m2>\d{2})"
            r"|\b(?P<h3>[01]\d|2[0-3])(?P<m3>[0-5]\d)\s*(?:-|\u2013|to)\s*(?P<h4>[01]\d|2[0-3])(?P<m4>[0-5]\d)\b"
            r"|\b(?:time|mins?|minutes)\s*[:=]\s*(?P<t>\d{1,3})\b(?!\s*(?:[:/.\-]\s*\d|%))"
            r"|\bin\s*[:@]?\s*(?P<h5>[01]?\d|2[0-3]):?(?P<m5>[0-5]\d)\b\s*[,/;|\-]?\s*(?:time\s+)?out\s*[:@]?\s*(?P<h6>[01]?\d|2[0-3]):?(?P<m6>[0-5]\d)\b)",
            re.IGNORECASE,
        ),
        "spoken_range": re.compile(
            rf"\b(?:from\s+)?(?P<h1>{_HOURS})\s+(?P<m1>{_SPOKEN_MINUTES}|o'?clock)\s+(?:to|until|till|through)\s+(?P<h2>{_HOURS})\s+(?P<m2>{_SPOKEN_MINUTES}|o'?clock)\b",
            re.IGNORECASE,
        ),
        "units": re.compile(rf"{_NUM}\s*units?\b|\bx\s*{_NUM}\s*units?\b", re.IGNORECASE),
        "total_timed": re.compile(
            r"(?:total\s+(?:timed|time[- ]based)(?:\s+code)?(?:\s+(?:minutes|mins|min|treatment))?|timed\s+(?:code\s+)?minutes|timed\s+total|ttm)\s*(?:time)?\s*[:=\-]?\s*(\d{1,3})"
            r"|^\s*(\d{1,3})\s*(?:total\s+)?timed\s+(?:code\s+)?(?:minutes|mins|min)\b"
            r"|^\s*timed\s*[:=]?\s*(\d{1,3})\s*(?:minutes|mins|min|')",
            re.IGNORECASE,
        ),
        "total_treatment": re.compile(
            r"(?:total\s+(?:tx|treatment|treat|therapy|session)\s+time|total\s+time|tx\s+time|ttt|^\s*total(?=\s*[:=\-]?\s*\d{1,3}\s*(?:minutes|mins|min|')(?!\s*(?:of|on|for)\b))|^\s*session(?:\s+(?:length|time|duration)(?=\s*[:=\-]?\s*\d)|(?=\s*[:=\-]?\s*\d{1,3}\s*(?:minutes|mins|min|')\s*(?:[.;,]|$)))|total\s+(?:(?:pt|ot|pta|ota|therapy|rehab)\s+)?minutes)(?:\s+(?:today|was|is|of|this|session|visit)){0,3}\s*[:=\-]?\s*(\d{1,2}:?\d{2}\s*(?:-|\u2013|to)\s*\d{1,2}:?\d{2}|\d{1,3}(?![\d:])|[a-z]+(?:[- ][a-z]+)?\s+minutes)",
            re.IGNORECASE,
        ),
        "block_name": re.compile(rf"^(?:{names}|\d{{5}})$", re.IGNORECASE),
        "finding": re.compile(
            rf"(?<![\w-])(?:{measures})(?![\w-])[^.;|\n\d]{{0,24}}?(?<![\w.])\d",
            re.IGNORECASE,
        ),
        "block_suffix": re.compile(rf"(?:^|\s)(?:{names})$", re.IGNORECASE),
        "code": re.compile(r"\b9\d{4}\b|\bG0283\b"),
        "bullet": re.compile(r"^[\s\-*\u2022>\d.)]*?(?=\S)"),
    }


@dataclass
class Segment:
    start: int  # character offsets into the note
    end: int
    minutes: int | None = None
    units: int | None = None
    suggestion: Suggestion | None = None
    code: str | None = None
    block: "Segment | None" = None  # the bare block header this line sits under
    weak_minutes: bool = False  # minutes read from inside the description, not a header or line end
    header_code: str | None = None  # the code the block's header names (minutes follow the block)


@dataclass
class Totals:
    timed: int | None = None
    treatment: int | None = None
    by_code: dict[str, int] = field(default_factory=dict)  # "Ther ex total 43 min"
    by_code_at: dict[str, tuple[int, int]] = field(default_factory=dict)  # the line that states each
    units_by_code: dict[str, int] = field(default_factory=dict)  # "TE 3 units, NMR 1 unit", "Billing: TE 2u"


#: a time at which an activity stopped is the time it took ("stopped at 6 min")
_STOPPED_AT = re.compile(r"\b(?:stopped|terminated|ended|discontinued|halted|fatigued|tired|fatigue)\s+(?:at|after)\s*(?:~\s*|about\s+|approx\.?\s+)?$", re.IGNORECASE)


#: words before a number and "m" that make it metres or months, not minutes ("amb 2 x 30m",
#: "carry 20m", "s/p TKA 3m")
_NOT_MINUTES_M = re.compile(
    r"(?:\b(?:walk\w*|amb\w*|gait|carr\w*|lap\w*|shuttle\w*|distance|sprint\w*|run\w*|jog\w*|(?:push|pull|drag)(?!-)\w*|propel\w*|"
    r"hop\w*|bound\w*|throw\w*|toss\w*|\d*mwt|tug|cm|mm|km|s/p|status|post|since|onset|age|aged|old|dx|doi|doo)\b[^\n]*"
    r"|\d\s*(?:ft|feet|')[^\n]*|[x\u00d7@]\s*|\bat\s+|\d\s*/\s*)$",
    re.IGNORECASE,
)


#: words before a time that put it at home, not in the session ("home practice 25 min x2",
#: "diary: 3 x 20 min"; not "for transfers at home -- 10 min", a purpose)
_AT_HOME_BEFORE = re.compile(r"\b(?:home\s+(?:practice|play)|diary)\b[^.;,|\n]*$", re.IGNORECASE)


def minutes_in(text: str, visit: bool = False) -> list[tuple[int, int, int]]:
    """``(start, end, minutes)`` for every minutes expression in ``text`` that times an
    intervention; with ``visit=True``, for those that time the whole visit instead. Lines and
    parts of a note are read many times over, so short texts are memoised (long ones are not,
    which keeps the memo small)."""
    if len(text) > _MEMO_CHARS:
        return list(_minutes_in.__wrapped__(text, visit))
    return list(_minutes_in(text, visit))


_MEMO_CHARS = 1000


@lru_cache(maxsize=4096)
def _minutes_in(text: str, visit: bool) -> tuple[tuple[int, int, int], ...]:
    words = _conf()["number_words"]
    out = []
    for m in _patterns()["minutes"].finditer(text):
        if m.group("hr"):
            v = int(m.group("hr")) * 60 + int(m.group("hrm"))  # "2 hrs 10 min"
        elif m.group("n"):
            v = int(m.group("n"))
        elif m.group("t"):
            v = int(m.group("t"))  # a labelled field: "Time: 15", "Min: 12"
        elif m.group("w"):
            v = sum(words[w] for w in re.split(r"[- ]", m.group("w").lower()))
        elif m.group("mm"):
            v = int(m.group("mm"))
            if v > QUOTE_MINUTES_MAX or _NOT_MINUTES_M.search(text, max(0, m.start() - 48, text.rfind("\n", 0, m.start()) + 1), m.start()):
                continue  # "carry 20m", "4 x 30m", "walked 40m": a distance
        elif m.group("q"):
            v = int(m.group("q"))
            if v > QUOTE_MINUTES_MAX:
                continue  # "60'" and more is far likelier a distance in feet
        else:
            clock = next(k for k in ("1", "3", "5") if m.group("h" + k))  # "10:05-10:20", "1005-1020", "in 1005 out 1020"
            nxt = str(int(clock) + 1)
            h1, m1, h2, m2 = m.group("h" + clock), m.group("m" + clock), m.group("h" + nxt), m.group("m" + nxt)
            a = int(h1) * 60 + int(m1)
            b = int(h2) * 60 + int(m2)
            if b < a:
                b += 12 * 60
            v = b - a
            if not 0 < v <= 240:
                continue
        if not 0 < v <= 240:
            continue
        if _AT_HOME_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue  # "Parent diary returned - home practice 25 min x2": time spent at home
        if m.group("h5") or _VISIT_BEFORE.search(text, max(0, m.start() - 24), m.start()) or _VISIT_AFTER.match(text, m.end()):
            # (time in and out times the visit: "Time in 0912 / time out 0958")
            if visit:
                out.append((m.start(), m.end(), v))
        elif not visit and (
            _STOPPED_AT.search(text, max(0, m.start() - 24), m.start())
            or not _NOT_SPENT.search(text, max(0, m.start() - 24), m.start())
            and not _REST_AFTER.match(text, m.end())
        ):
            out.append((m.start(), m.end(), v))
    if visit:
        return tuple(out)
    for m in _patterns()["spoken_range"].finditer(text):
        a = _spoken_clock(m.group("h1"), m.group("m1"), words)
        b = _spoken_clock(m.group("h2"), m.group("m2"), words)
        if b < a:
            b += 12 * 60
        if 0 < b - a <= 240:
            out.append((m.start(), m.end(), b - a))
    return tuple(sorted(out))


def _spoken_clock(hour: str, minutes: str, words: dict[str, int]) -> int:
    """'ten', 'oh five' -> 605 minutes after midnight (or any consistent origin)."""
    m = 0 if "clock" in minutes.lower() else sum(words.get(w, 0) for w in re.split(r"[\s-]+", minutes.lower()) if w != "oh")
    return words[hour.lower()] * 60 + m


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    pos = start
    for line in text[start:end].split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " \t\r-*\u2022>":
        a += 1
    while b > a and text[b - 1] in " \t\r":
        b -= 1
    return a, b


@lru_cache(maxsize=8192)
def _header_words(fragment: str) -> str:
    """What is left of a header fragment once codes, minutes, units, checkboxes, punctuation
    and a closing "cont"/"continued" are removed, lowercased ("[x] 97110 TherEx 20 min" ->
    "therex")."""
    pats = _patterns()
    words = _HW_CODES.sub(" ", fragment)
    words = pats["minutes"].sub(" ", words)
    words = pats["units"].sub(" ", words)
    words = _HW_BOXES.sub(" ", words)
    words = _HW_NUMBERS.sub(" ", words)
    words = _HW_PUNCTUATION.sub(" ", words)  # keeps "re-education"
    words = _HW_SLASH.sub("/", " ".join(words.split()).lower())  # "self-care / home mgmt"
    return _CONTINUED.sub("", words)  # "Ther Ex cont - 10':" goes on with the same block name


_HW_CODES = re.compile(r"\(?\b9\d{4}\b\)?|\bG0283\b")
_HW_APPROX = re.compile(r"\b(?:approx(?:imately)?|about|around|roughly)\b\.?|~", re.IGNORECASE)
_HW_BOXES = re.compile(r"\[\s*[xX\u2713\u2714 ]?\s*\]|[\u2610\u2611\u2612]")  # (and ballot boxes: "\u2611 97110 Therapeutic Exercise")
_HW_NUMBERS = re.compile(r"(?<![A-Za-z])[xX](?![A-Za-z])|\d+")
_HW_PUNCTUATION = re.compile(r"[\[\]()#:;,|=@~._\u2013\u2014\u2713\u2714]+|(?<![A-Za-z])-+|-+(?![A-Za-z])")
_HW_SLASH = re.compile(r"\s*/\s*")
_CONTINUED = re.compile(r"\s+(?:cont(?:inued|'d|d)?|ctd)\.?$")


def _named_in_words(line: str, code: str | None) -> bool:
    """The header opening ``line`` names ``code`` in words as well as by number ("[X] 97116
    Gait training 12 min - ...")."""
    head = _header_prefix(line)
    return head is not None and header_code(_HW_CODES.sub(" ", head[1])) == code


def _header_prefix(line: str) -> tuple[int, str] | None:
    """If ``line`` opens with a block header ("TE 10 min:", "[97112 NMR] 15 min -"), return the
    offset where its content starts and the header text."""
    pats = _patterns()
    for m in _HEADER_SEP.finditer(line[:70]):
        prefix = line[: m.start()].strip(" []()-\t")
        if not prefix or prefix in _TICKS:
            continue  # nothing yet, or only a ticked box: "[x] Gait 0840-0900: ..."
        words = _header_words(prefix)
        if words in _session_names() and minutes_in(prefix):
            inner = _header_prefix(line[m.end() :])
            if inner is not None and minutes_in(inner[1]):
                # a session label before a coded block: "AM (30 min): Ther act 15 min - ..."
                return m.end() + inner[0], line[: m.end()] + inner[1]
        if (not words and pats["code"].search(prefix)) or (words and pats["block_name"].match(words)):
            return m.end(), prefix
        if words and len(words.split()) <= 5 and pats["block_suffix"].search(words) and minutes_in(prefix):
            return m.end(), prefix  # "AM (30 min): Ther act 15 min - ..."
        if len(words.split()) <= 3 and minutes_in(prefix):
            return m.end(), prefix  # a short label with its time: "In water 40 min: ...", "Vestibular/NMR 10:00-10:20: ..."
        return None
    return None


@lru_cache(maxsize=1)
def _block_names_longest_first() -> tuple[str, ...]:
    return tuple(sorted(_conf()["block_codes"], key=len, reverse=True))


@lru_cache(maxsize=1)
def _session_names() -> frozenset[str]:
    return frozenset(n.lower() for n in _conf()["session_names"])


_BEFORE_A_NAME = frozenset({"after", "post", "following", "before"})


def header_code(fragment: str) -> str | None:
    """The code a header fragment names: a CPT code in it, else its block name's code."""
    codes = _patterns()["code"].findall(fragment)
    if codes:
        return codes[-1]
    words = _header_words(_HW_APPROX.sub(" ", _without_inner_remark(fragment)))
    block_codes = _conf()["block_codes"]
    tokens = words.split(" ")
    for k in range(len(tokens)):  # the longest block name the words end with, whole words only
        code = block_codes.get(" ".join(tokens[k:]))
        if code is not None and k and tokens[k - 1] in _BEFORE_A_NAME:
            return None  # "Land, after pool (10 min):" is not the pool's block
        if code is not None and (k == 0 or code not in _EVALUATIONS):
            return code  # (an evaluation only by its own name: "Treatment after re-eval 15 min:" is not one)
    return None


#: a remark in brackets between a block's name and its time ("EXERCISE (seated/supine) 14 min",
#: "Balance (EO/EC) 10 min", "Pool (90F) x30min")
_INNER_REMARK = re.compile(r"\s*\([^()\n]{1,30}\)(?=\s*(?:x\s*)?\d)", re.IGNORECASE)


def _without_inner_remark(fragment: str) -> str:
    """``fragment`` without a remark in brackets between a block's name and its time
    ("EXERCISE (seated/supine) 14 min", "Pool (90F) x30min"); a bracketed time or code stays
    ("Ther ex (12 min)", "NMR (97112) 10 min")."""
    def keep(m: re.Match[str]) -> str:
        inner = m.group(0)
        return inner if minutes_in(inner) or _patterns()["code"].search(inner) else ""

    return _INNER_REMARK.sub(keep, fragment)


_TRAILING_REMARK = re.compile(r"\s*\((?:\s*[A-Za-z]+){1,3}\s*\)\s*\.?\s*$")


def _without_remark(line: str) -> str:
    """``line`` without a short remark in brackets after its time ("Ther ex 12 min (rests
    excluded)." -> "Ther ex 12 min")."""
    remark = _TRAILING_REMARK.search(line)
    if remark and minutes_in(line[: remark.start()]):
        return line[: remark.start()]
    return line


def _is_bare_header(line: str) -> bool:
    """A line that is only a block header ("Ther Ex:", "NMR (97112) 12 min"), or a heading in
    capitals closed by its time ("MAX DAILY MOVEMENTS - 28 min"); a remark in brackets after
    the time changes nothing ("Ther ex 12 min (rests excluded).")."""
    line = _without_inner_remark(_without_remark(line))  # "EXERCISE (seated/supine) 14 min"
    stripped = line.strip(" \t-*\u2022:")
    if not stripped or len(stripped) > 60:
        return False
    if _is_caps_label(stripped) or _is_caps_name(stripped):
        return True
    pats = _patterns()
    words = _header_words(_HW_APPROX.sub(" ", stripped))  # "Re-assessment (approx 20 min):"
    return bool(words) and bool(pats["block_name"].match(words)) and (line.rstrip().endswith(":") or bool(minutes_in(line)) or bool(pats["code"].search(line)))


def _is_caps_name(line: str) -> bool:
    """A block's name alone, in capitals, heading the lines under it ("BALANCE", "THER EX")."""
    stripped = line.strip(" \t-*\u2022:")
    if not stripped or not stripped.isupper() or len(stripped) > 40 or any(ch.isdigit() for ch in stripped):
        return False
    words = _header_words(stripped)
    return bool(words) and bool(_patterns()["block_name"].match(words))


def _is_caps_label(line: str, fewest: int = 2) -> bool:
    """Words in capitals (two or more, or ``fewest``) and then the block's time, nothing after it."""
    mins = minutes_in(line)
    if len(mins) != 1 or line[mins[0][1] :].strip(" .)"):
        return False
    words = re.findall(r"[A-Za-z]+", line[: mins[0][0]])
    return len(words) >= fewest and all(w.isupper() for w in words) and len("".join(words)) >= 4


_CODE_TOTAL = re.compile(
    r"^\s*(?:(?:(?:sub-?)?total\s+(?P<a>[a-z][\w /&-]*?)|(?P<b>[a-z][\w /&-]*?)\s+(?:sub-?)?total)(?:\s+(?:time|minutes|mins|min))?"
    r"\s*[:=\-]?\s*(?P<n>\d{1,3})\s*(?:minutes|mins|min|')?"
    r"|total(?:\s+time)?\s*[:=]?\s*(?P<m>\d{1,3})\s*(?:minutes|mins|min|')\s*(?:of\s+)?(?P<c>[a-z][\w /&-]*?)"
    r"|timed\s+(?P<d>[a-z][\w /&-]*?)(?:\s+(?:time|minutes|mins|min))?\s*[:=]\s*(?P<k>\d{1,3})\s*(?:minutes|mins|min|')?)\.?\s*$",
    re.IGNORECASE,
)


def _block_code(fragment: str) -> str | None:
    """The code of a fragment that is a block name (with its minutes or codes), else None."""
    words = _header_words(fragment)
    return header_code(fragment) if words and _patterns()["block_name"].match(words) else None


def _code_total(line: str) -> tuple[str, int] | None:
    """A per-code total line ("Ther ex total 43 min", "Total NMR: 20", "Timed ther ex: 38 min"):
    its code and minutes."""
    m = _CODE_TOTAL.match(" ".join(line.replace("|", " ").split()))  # also a table row: "TherEx total | | 12 min"
    if not m:
        return None
    code = _block_code(m.group("a") or m.group("b") or m.group("c") or m.group("d"))
    minutes = int(m.group("n") or m.group("m") or m.group("k"))
    return (code, minutes) if code and 0 < minutes <= 240 else None


def _code_minutes_line(line: str) -> dict[str, int] | None:
    """A tally of block names and minutes and nothing else, with at least two entries
    ("TE 24', NMR 8'"): ``{code: minutes}``."""
    label = _MINUTES_LABEL.match(line)
    body = _TALLY_SUM.sub("", line[label.end() if label else 0 :])  # ("TE 22' / NMR 8' = 30'")
    parts = [p.strip(" .") for p in re.split(_TALLY_SEPARATOR if _TALLY_SEPARATOR.search(body) else r"\s{3,}", body)]
    # ("Neuro re-ed 24'   TE 8'   Total timed 32'": columns set apart by spaces, the total last)
    parts = [p for p in parts if p and not _patterns()["total_timed"].match(p.strip())]
    if len(parts) < 2:
        return None
    out: dict[str, int] = {}
    for part in parts:
        part = _TALLY_WORDS.sub(" ", part)  # "Neuro re-ed ~22 min total; TE 10 min"
        mins = minutes_in(part)
        if len(mins) != 1:
            return None
        code = _block_code(part)
        if code is None:
            return None
        out[code] = out.get(code, 0) + mins[0][2]
    return out


_CPT = re.compile(r"9\d{4}")
_TALLY_WORDS = re.compile(r"\b(?:total|approx|approximately|about)\b\.?", re.IGNORECASE)
_MINUTES_LABEL = re.compile(r"\s*(?:minutes|mins?|times?|timed\s+minutes)\s*:\s*", re.IGNORECASE)
_TALLY_SEPARATOR = re.compile(r"[,;|]|\s/\s")
_TALLY_SUM = re.compile(r"\s*=\s*\d{1,3}\s*(?:minutes|mins?|')?\s*\.?\s*$", re.IGNORECASE)
_TALLY_ENTRY = re.compile(r"(9\d{4}|[A-Za-z][A-Za-z /&.-]*?)\s*(?:[:=]|\s-)?\s*(\d{1,3}|\*{2,}|_{2,})(?!\d|\s*x|/)")


def _minutes_tally(line: str) -> dict[str, int] | None:
    """A line labelled as minutes that lists blocks and bare numbers ("Minutes: TE 12   Gait 14
    TA ***"): ``{code: minutes}``, placeholders left out."""
    label = _MINUTES_LABEL.match(line)
    if label is None:
        return None
    body = line[label.end() :]
    pats = _patterns()
    total = pats["total_treatment"].search(body) or pats["total_timed"].search(body)
    if total is not None and total.start() > 0:
        body = body[: total.start()]  # "Minutes: 97530 - 16   97110 - 9      Total tx time 30 min"
    body = _TALLY_SUM.sub("", body)  # "Minutes: TE 22 / NMR 8 / gait 10 = 40"
    entries = _TALLY_ENTRY.findall(body)
    if not entries or _TALLY_ENTRY.sub("", body).strip(" ,;|/"):
        return None  # anything else on the line: not a tally
    out: dict[str, int] = {}
    for name, value in entries:
        code = name if _CPT.fullmatch(name) else _block_code(name.strip(" ,;|"))
        if code is None:
            return None
        if value.isdigit():
            out[code] = out.get(code, 0) + int(value)
    return out or None


def _is_visit_time(line: str, visit: bool = False) -> bool:
    """A line that only times the visit: one time and words such as "PT" or "tx" ("PT
    0812-0835", "OT tx 25 min"); with ``visit``, its visit times too ("Visit 1000-1050 (50
    min)")."""
    mins = minutes_in(line)
    if visit:
        mins = sorted(mins + minutes_in(line, visit=True))
    elif len(mins) != 1:
        return False
    if not mins or len(line) > 40:
        return False
    rest = line
    for m0, m1, _v in reversed(mins):
        rest = rest[:m0] + " " + rest[m1:]
    words = re.findall(r"[a-z]+", _ONE_TO_ONE.sub(" individual ", rest.lower()))  # "1:1 14:10-14:22"
    allowed = set(_conf()["visit_time_words"])
    return bool(words) and all(w in allowed for w in words)


_ONE_TO_ONE = re.compile(r"(?<![\d:])1\s*(?::|-on-)\s*1(?![\d:])")
_TENS_WORDS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
#: an age in words: "forty-four-year-old", "Forty-four year old", "nine year old"
_WORD_AGE = (
    rf"(?i:(?:(?:{_TENS_WORDS})[- ])?(?:one|two|three|four|five|six|seven|eight|nine)|ten|eleven|twelve|thirteen|fourteen"
    rf"|fifteen|sixteen|seventeen|eighteen|nineteen|{_TENS_WORDS})[- ]years?[- ]old\b"
)
_AGE = re.compile(rf"\b{_WORD_AGE}|"
    r"\b\d{1,3}\s*(?:y/?o|yo|yrs?\s+old|years?\s+old|y\.o\.)|\b\d{1,2}\s*y(?:rs?)?\s*\d{1,2}\s*mo?s?\b|\b\d{1,3}-years?-old|\b(?:M|F)\s*,?\s*\d{1,2}\b(?!\s*(?:min|'|x|/))|\b\d{1,2}\s*(?:M|F)\b(?![/\w])")


_IN_OUT = re.compile(r"(?i:\bin\b.*\bout\b)|\bTI\b.*\bTO\b")  # "Time in 0915 out 1002", "TI 1310 TO 1400"
#: a line that heads a column of minutes ("INTERVENTIONS (minutes)", "Activity .... min")
_MINUTES_COLUMN = re.compile(r"^[^\d]*(?:\(\s*(?:minutes|mins?)\s*\)|\b(?:minutes|mins?)\s*:?\s*$)", re.IGNORECASE)
#: a value set off by a dot leader closing a line ("Gait trng w/ RW, 40 ft x3 ........ 12")
_LEADER_VALUE = re.compile(r"(?:\.{3,}|\u2026+|_{3,})\s*(\d{1,3})\s*$")
_PLAN_LINE = re.compile(
    r"[\s\-*\u2022]*(?:plan|plans|next\s+(?:visit|session|time|tx|treatment|appt|appointment|wk|week))\b(?!\s*[:\-])", re.IGNORECASE
)
_HEP_HEAD = re.compile(r"\b(?:hep|home\s+(?:exercise\s+)?program|home\s+exercises)\s*(?:\([^()\n]*\))?\s*[:\-]?\s*$", re.IGNORECASE)
_HEP_TAUGHT_TODAY = re.compile(
    r"\b(?:performed|reviewed|went\s+(?:through|over)|instructed|demonstrated|return\s+demo\w*|practi[cs]ed|taught|issued|updated|progressed)\b", re.IGNORECASE
)
#: a co-treatment's shared time, split between the disciplines' own notes
_SHARED_SESSION = re.compile(r"[\s\-*\u2022]*(?:joint\s+|shared\s+)?(?:session|co-?tx|co-?treat(?:ment|ed)?|cotreat(?:ment)?)\b", re.IGNORECASE)
_SESSION_SPLIT = re.compile(r"\b(?:shared|split|each\s+note|own\s+note)\b|\b(?:PT|OT|SLP|ST)\s*\d{1,3}\b")
#: a dictated assessment without a header's colon ("Assessment, tolerating loading well")
_ASSESSMENT_LINE = re.compile(r"[\s\-*\u2022]*(?:assessment|impression)\b(?!\s*[:\-])(?!\s+of\b)", re.IGNORECASE)
#: a signature: a name (initials allowed) and then credentials, or a "signed by" line
_CREDENTIAL = (
    r"(?i:PT|PTA|DPT|OT|OTR/?L?|COTA|OTA|ATC|LAT|SPT|SPTA|DC|MPT|MSPT|MS|CSCS|OCS|SCS|NCS|CHT|CLT|PhD"
    r"|(?:senior\s+|staff\s+)?(?:physiotherapist|physical\s+therapist|occupational\s+therapist))"
)
_SIGNATURE = re.compile(
    r"^[\s\-\u2013\u2014~*_]*(?:(?i:(?:electronically\s+|e-)?(?:co-?)?signed)\b.*"
    rf"|(?P<name>(?:[A-Z]\.\s*)+[A-Z][A-Za-z'\-]+|[A-Z][a-z'\-]+\s+[A-Z][A-Za-z'\-]+)\s*,?\s*\(?{_CREDENTIAL}(?:\s*[,/]\s*{_CREDENTIAL})*\)?\.?"
    r"(?:\s*/\s*(?i:co-?signed)\b.*)?\s*)$"
)


#: how the patient was left at the end of the visit
_DISPOSITION = re.compile(
    r"\b(?:call\s+(?:light|bell|button)|(?:bed|chair)\s+alarm|alarm\s+(?:on|set|activated)|needs\s+met|(?:with)?in\s+reach)\b", re.IGNORECASE
)

#: the same with the role before the name: "SPT B. Nguyen", "CI R. Shah, PT", "reviewed A. Okafor, PT"
_SIGNATURE_LEAD = re.compile(
    rf"^[\s\-\u2013\u2014~*_]*(?:{_CREDENTIAL}|CI|(?i:reviewed|supervised|co-?signed|countersigned)(?:\s+by)?)\s*:?\s+"
    r"(?P<name>(?:[A-Z]\.\s*)+[A-Z][A-Za-z'\-]+|[A-Z][a-z'\-]+\s+[A-Z][A-Za-z'\-]+)"
    rf"(?:\s*,?\s*\(?{_CREDENTIAL}(?:\s*[,/]\s*{_CREDENTIAL})*\)?)?\.?\s*$"
)


def _is_signature(line: str) -> bool:
    """Who wrote the note ("-- T. Nguyen PT", "A. McKenzie (Senior Physiotherapist)"), not a
    block named and then its provider ("Balance Training PT")."""
    m = _SIGNATURE.match(line) or _SIGNATURE_LEAD.match(line)
    if m is None and " / " in line and len(line) <= 80:
        return all(_is_signature(part) for part in line.split(" / "))  # "E. Ramos, SPT / L. Chen PT"
    if m is None or len(line) > 80 or any(ch.isdigit() for ch in line):
        return False
    name = (m.group("name") or "").lower()
    return not name.startswith(("pt ", "patient")) and not _patterns()["block_name"].match(name)


_LEADING_AGE = re.compile(
    rf"\W*(?:(?i:the\s+)?(?i:patient|pt|client|child|resident|he|she)\s+is\s+an?\s+)?(?=\d{{1,3}}\s*(?:y/?o|yo|M\b|F\b|-year-old|\s+year\s+old)|{_WORD_AGE})"
)  # "71M, L hemiparesis ...", "Patient is a forty-four-year-old female, ..."
_PATIENT_LABEL = re.compile(r"\W*(?:pt|patient|client|resident|student|athlete|participant|child)\s*[:\-]\s*", re.IGNORECASE)
_NAME_AGE = re.compile(r"\b[A-Z][a-z]+,\s*\d{1,2},")
#: a line that introduces the patient by a label and a name ("Rider: Ava, 9, R hemiplegic CP")
_WHO = re.compile(r"^(?i:patient|client|rider|child|student|resident|athlete|participant|claimant|name)\s*[:\-]\s*(?:[A-Z][a-z]+\b|[A-Z]\.\s?[A-Z]\.)")
_DOSING = re.compile(r"\d\s*[x\u00d7]\s*\d|\bx\s*\d", re.IGNORECASE)


def _is_identification(line: str, first: bool) -> bool:
    """A line that names the note or the patient, not an intervention: the first line with a
    title word and no minutes ("SPT note - dyssynergic defecation, 52 yo F"), or any line
    giving an age without minutes ("58 y/o F, ALS (bulbar + limb)", "Runner M 27, ...")."""
    label = _PATIENT_LABEL.match(line) or _LEADING_AGE.match(line)
    if label and _AGE.search(line, label.end(), label.end() + 24) and not _DOSING.search(line) and len(line) <= 200:
        return True  # "Pt: 67 y/o M, fell in the shower and couldn't get up for ~20 min": who, and their story
    if minutes_in(line):
        return False
    if _AGE.search(line) and len(line) <= 160:
        return True  # (a long narrative that mentions the age goes on to document the visit)
    if first and _NAME_AGE.search(line):
        return True  # "New client - Priya, 42, marathoner, ..."
    if _WHO.match(line) and not _DOSING.search(line) and len(line) <= 160:
        return True  # "Rider: Ava, 9, R hemiplegic CP (GMFCS I), AFO R"
    if not first or _DOSING.search(line):
        return False  # "Today's session: SLS on foam 3x30s ..." is content, not a title
    if len(line) <= 80 and _COUNTED_VISIT.search(line):
        return True  # "Achilles loading - wk 6 (L mid-portion tendinopathy)", "POD 3 R TKA"
    # a title opens the line ("IRF PT Daily Note - Day 10   Dx: ..."); a long line is a title
    # only when one of its first words names the note
    return _has_title_word(line if len(line) <= 80 else line[:30])


#: the week, day or visit of a course of care ("wk 6", "Day 10", "visit #12", "POD 3")
_COUNTED_VISIT = re.compile(r"\b(?:wk|week|day|visit|session|tx|pod)\s*#?\s*\d{1,3}\b(?!\s*(?:[x/%]|min|sec|rep|set|lb|kg|#))", re.IGNORECASE)


def _has_title_word(fragment: str) -> bool:
    """``fragment`` holds a word that names a note ("daily note", "session", "eval")."""
    low = " " + " ".join(re.findall(r"[a-z][a-z/-]*", fragment.lower())) + " "
    return any(f" {w} " in low for w in _conf()["title_words"])


def _is_unticked_services(line: str) -> bool:
    """A checkbox list of codes or service names without minutes ("Services: [x] 97110 [ ] 97112")."""
    if not _patterns()["code"].search(line) or minutes_in(line) or not re.search(r"\[\s*[xX\u2713\u2714 ]?\s*\]", line):
        return False
    return not _billing_residue(line)


def _is_units_only(line: str) -> bool:
    """A block name with a unit count and nothing else ("TE x3 units", "NMR - 2 units")."""
    if _units(line) is None or minutes_in(line):
        return False
    words = _header_words(line)
    return bool(words) and bool(_patterns()["block_name"].match(words))


_UNIT_COUNT = re.compile(r"\s*[:=\-]?\s*(?:x\s*)?(\d{1,2})\s*(?:u|units?)\.?$", re.IGNORECASE)
_UNITS_LABEL = re.compile(r"\s*(?:billed\s+)?units?\s*(?:billed\s*)?[:\-]\s*", re.IGNORECASE)
_LABELLED_UNIT_COUNT = re.compile(r"\s*[:=\-]?\s*(?:x\s*)?(\d{1,2})\s*(?:u|units?)?\.?$", re.IGNORECASE)
_SERVICE_COUNT = re.compile(r"x\s*\d{1,2}$", re.IGNORECASE)  # "HP x1"


def _units_tally(line: str) -> dict[str, int] | None:
    """Codes or block names each with a unit count, and nothing else ("TE 3 units, NMR 1 unit",
    "TE 2u, NMR 1u, HP x1"): ``{code: units}`` (a service counted without units is let be)."""
    out: dict[str, int] = {}
    label = _UNITS_LABEL.match(line)  # "Units: TE 2, NMR 1, GT 1": bare numbers are units
    for part in re.split(r"[,;|]", line[label.end() :] if label else line):
        part = part.strip(" .")
        if not part:
            continue
        m = (_UNIT_COUNT if label is None else _LABELLED_UNIT_COUNT).search(part)
        if m is None and _SERVICE_COUNT.search(part):
            continue  # "HP x1": a service counted, not in units
        name = (part[: m.start()] if m else part).strip(" -:")
        code = name if _CPT.fullmatch(name) else _block_code(name)
        if code is None:
            return None
        if m:
            out[code] = out.get(code, 0) + int(m.group(1))
    return out or None


_LEADING_MINUTE_WORD = re.compile(r"^\s*(?:minutes|mins?|')\.?", re.IGNORECASE)
_REMARKS_AFTER = re.compile(r"(?<=\.)\s+(?=[A-Z])[^\d\n]{1,60}$")


def _tally_sentence(line: str) -> str:
    """``line`` without short remarks after its first sentence ("TE x2 units, NMR x1 unit. No
    pain. Per PT POC." -> "TE x2 units, NMR x1 unit.")."""
    return _REMARKS_AFTER.sub("", line)


def _add_units(totals: Totals, tally: dict[str, int] | None) -> None:
    """Add a units tally's counts to the units the note states per code."""
    for code, n in (tally or {}).items():
        totals.units_by_code[code] = totals.units_by_code.get(code, 0) + n


def _is_code_only(line: str) -> bool:
    """A line with codes and minutes or units but no description ("97110 x3 units (45 min)",
    "Billed: 97110 x2, 97112 x1")."""
    if not _patterns()["code"].search(line):
        return False
    filler = set(_conf()["billing_words"])
    return not [w for w in _header_words(line).split() if w not in filler]


_CONTINUATION = frozenset(" \t-*\u2022>0123456789")
_SENTENCE = re.compile(r"(?<=[.!?])(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bSt\.)(?<!\bvs\.)\s+(?=[A-Za-z(])")  # not after "Dr." or "Mrs."


_UNCHECKED = re.compile(r"\[\s*\]\s*[^\[]*")
_BLANK_NUMBER = re.compile(r"_+\s*(\d{1,3})\s*_+|(?<=[\s:=])(\d{1,3})(?=\s*(?:\[|$))")


def _billing_pairs(line: str) -> dict[str, int]:
    """``{code: minutes}`` from a billing summary line ("[x] 97110 TherEx 20 min [x] 97112
    NMR 10 min", "[x] 97110 TE ___15___"): each minutes value preceded closely by a code or a
    block name. Unchecked boxes ("[ ] 97530") are ignored."""
    pats = _patterns()
    block_codes = _conf()["block_codes"]
    pairs: dict[str, int] = {}
    last = 0
    line = _UNCHECKED.sub(lambda m: " " * len(m.group(0)), line) if "[" in line else line
    found = minutes_in(line)
    if "[" in line or "_" in line:
        taken = {(a, b) for a, b, _ in found}
        for m in _BLANK_NUMBER.finditer(line):
            if not any(a <= m.start() < b for a, b in taken) and not pats["code"].fullmatch(m.group(0).strip("_ ")):
                found.append((m.start(), m.end(), int(m.group(1) or m.group(2))))
        found.sort()
    for ms, me, v in found:
        window = line[last:ms]
        codes = pats["code"].findall(window)
        code = codes[-1] if codes else None
        if code is None:
            words = _header_words(window)
            for name in _block_names_longest_first():
                if words.endswith(name):
                    code = block_codes[name]
                    break
        if code is not None:
            pairs[code] = pairs.get(code, 0) + v
        last = me
    return pairs


_CHECKED = re.compile(r"\[\s*[xX\u2713\u2714]\s*\]|\u2611")


def _billing_residue(line: str) -> list[str]:
    """The words of ``line`` left once codes, minutes, block names and billing words are removed."""
    residue = _header_words(line)
    for name_re in _billing_name_res():
        residue = name_re.sub(" ", residue)
    return residue.split()


@lru_cache(maxsize=1)
def _billing_name_res() -> tuple[re.Pattern[str], ...]:
    """Block names and billing words, longest first, each compiled once."""
    names = set(_conf()["block_codes"]) | set(_conf()["billing_words"])
    return tuple(re.compile(rf"(?:^|\s){re.escape(name)}(?=\s|$)") for name in sorted(names, key=len, reverse=True))


def _is_billing_line(line: str) -> bool:
    """A billing summary: several code/minutes pairs, codes with minutes and nothing else, or
    a ticked checkbox naming a code or block with its minutes ("[x] 97110 Ther Ex 15 min")."""
    if _is_code_only(line):
        return True
    checked = _CHECKED.search(line)
    if not checked and "[" not in line and "_" not in line and len(minutes_in(line)) < 2:
        return False  # (without boxes or blanks a line's pairs are at most its minutes)
    pairs = _billing_pairs(line)
    if checked and pairs and not _billing_residue(line):
        return True
    if len(pairs) < 2 or len(pairs) < len(minutes_in(line)) - 1:
        return False
    return len(_billing_residue(line)) <= 3


_PURPOSE_REMARK = re.compile(r"\s*(?:goals?|aims?|focus|purpose|emphasis|for|to\s+(?:improve|build|address|work\s+on))\b", re.IGNORECASE)


def _purpose_header(text: str, line_end: int, line: str) -> bool:
    """A timed block header whose remark only states its aim ("Ther ex (24 min) - goal: tendon
    load tolerance") over indented or bulleted lines heads them as a bare header does."""
    head = _header_prefix(line)
    if head is None or not minutes_in(head[1]) or not _PURPOSE_REMARK.match(line, head[0]):
        return False
    rest = text[line_end:].lstrip("\r\n")
    return rest[:1] in (" ", "\t", "-", "*", "\u2022") and bool(rest.strip())


def _heads_indented_lines(text: str, line_end: int, line: str) -> bool:
    """A ticked block with its minutes ("THERAPEUTIC ACTIVITIES [X]   12 min") over indented
    lines that describe it heads a block; it is not a billing summary."""
    if not _CHECKED.search(line) or len(_billing_pairs(line)) != 1 or _is_code_only(line):
        return False
    rest = text[line_end:].lstrip("\r\n")
    return rest[:1] in (" ", "\t") and bool(rest.strip())


_PARENTHESES = re.compile(r"\([^()]*\)")
_LEADER_DOTS = re.compile(r"\s*\.{4,}\s*")
_LEADER_TIME = re.compile(r"\.{4,}\s*\d{1,3}\s*(?:minutes|mins?|')\s*$", re.IGNORECASE)  # a label, leader dots and its time
_LIST_LINE = re.compile(r"[ \t]+\S|[-*\u2022]\s")
_BULLETS = frozenset("-*\u2022")
_LISTED_HEAD_CHARS = 60


def _listed_item_end(text: str, line_end: int, line: str) -> int | None:
    """Where an item ends whose line names it with one time and a closing colon ("Shaping
    (R UE), 30 min total:", "0950-1005 individual, R shoulder:"), or with leader dots and its
    time ("UE strengthening for walker push-off .... 9'"), and whose details follow as
    indented or bulleted lines (one of them may time a part: "pulleys 3 min"); None for any
    other line. A named block header ("Ther Ex 20 min:") is not one: its lines keep their own
    codes."""
    stripped = line.rstrip()
    named = _PARENTHESES.sub("", stripped)  # (a protocol's terms in brackets do not lengthen its name)
    led = bool(_LEADER_TIME.search(stripped))  # "UE strengthening for walker push-off .... 9'"
    if not (stripped.endswith(":") or led) or len(_LEADER_DOTS.sub(" ", named)) > _LISTED_HEAD_CHARS or len(minutes_in(named)) != 1 or len(minutes_in(stripped)) != 1:
        return None
    end = None
    pos = line_end + 1
    timed: list[int] = []  # the minutes of details that state their own
    whole = text[text.rfind("\n", 0, line_end) + 1 : line_end]  # (the line with its indent)
    indent = len(whole) - len(whole.lstrip(" \t"))
    bulleted = whole.lstrip(" \t")[:1] in _BULLETS
    while pos < len(text):
        nl = text.find("\n", pos)
        nl = len(text) if nl == -1 else nl
        detail = text[pos:nl]
        deeper = len(detail) - len(detail.lstrip(" \t")) > indent or not bulleted and detail.lstrip(" \t")[:1] in _BULLETS
        if not _LIST_LINE.match(text, pos, nl) or not deeper:
            break  # a line of its own (an item indented as far as this one is the next item)
        found = minutes_in(text[pos:nl])
        if found:
            timed.append(found[-1][2])
        end, pos = nl, nl + 1
    if len(timed) > 1 or timed and timed[0] >= minutes_in(stripped)[0][2]:
        return None  # details timed on their own ("... 0850-0905:" over "- SLS ... - 8 min", ...) are items
    return end


#: a clock time opening a line ("0904 ...", "10:12 ...", "4:20 ..."), not a range ("0900-0915")
_STAMP = re.compile(r"[ \t]*(?:(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)|(?P<hh>[01]\d|2[0-3])(?P<mm>[0-5]\d))(?:\s?[ap]\.?m?\.?)?\b(?!\s*(?:-|\u2013|to)\s*\d)")
#: a stamped line that only marks the end of what came before ("0826 Strengthening finished.")
_LOG_END = re.compile(
    r"^\W*(?:(?:pt\s+)?(?:off|done|finished|complete[d]?|ended|stopped)\b|(?:[\w/&-]+\s+){1,3}(?:done|finished|complete[d]?|ended|stopped|over)\b"
    r"|(?:(?:pt|patient|therapist|pta|ota|ot|pt\s+and\s+\w+)\s+)?(?:arrived|checked\s+in|entered|left|departed|returned)\b|(?:re-?)?attempt(?:ed)?\b|deferred\b|declined\b|refused\b|held\b|back\s+to\s+(?:w/?c|wheelchair|room|bed|chair)\b)",
    re.IGNORECASE,
)  # ... the patient's arrival or return ("Pt checked in, to gym", "Back to w/c, pt fatigued") or
# a visit attempted and not given ("1030 attempted -- pt in tub room")
_LOG_MIN_STAMPS = 3
_LOG_MAX_GAP = 90


def _time_log(text: str, spans: list[tuple[int, int]]) -> dict[int, tuple[int | None, int]]:
    """A note kept as a time log, each event on a line opened by the clock time ("0904 Large-
    amplitude movements ...", "0918 Treadmill ..."): for the start offset of each stamped line,
    the minutes until the next stamp (None for an implausible gap, ``_LAST_EVENT`` for the last
    stamp) and where its event ends (its last non-blank line before the next stamp; the last
    event: its own line). Empty unless at least three lines are stamped, in order."""
    stamps: list[tuple[int, int]] = []  # (line index, minutes of the day)
    for k, (la, lb) in enumerate(spans):
        m = _STAMP.match(text, la, lb)
        if m is None:
            continue
        h, mi = (m.group("h"), m.group("m")) if m.group("h") else (m.group("hh"), m.group("mm"))
        stamps.append((k, int(h) * 60 + int(mi)))
    if len(stamps) < _LOG_MIN_STAMPS:
        return {}
    gaps = []
    for (_, t0), (_, t1) in zip(stamps, stamps[1:]):
        d = t1 - t0 if t1 >= t0 else t1 + 12 * 60 - t0  # "11:50 ... 12:05", "4:58" after "12:40"
        gaps.append(d)
    if any(d < 0 or d > 12 * 60 for d in gaps) or sum(1 for d in gaps if 0 < d <= _LOG_MAX_GAP) < len(gaps) - 1:
        return {}  # not a log in time order
    out: dict[int, tuple[int | None, int]] = {}
    for (k, _), (nxt, _), d in zip(stamps, stamps[1:], gaps):
        last = max((j for j in range(k, nxt) if text[spans[j][0] : spans[j][1]].strip()), default=k)
        out[spans[k][0]] = (d if 0 < d <= _LOG_MAX_GAP else None, spans[last][1])
    k = stamps[-1][0]
    out[spans[k][0]] = (_LAST_EVENT, spans[k][1])
    return out


#: the gap marking a log's last event, which has no next stamp
_LAST_EVENT = -1


def _log_item(text: str, la: int, lb: int, ends: int, gap: int | None) -> tuple[int, int, int | None] | None:
    """The item a stamped line opens: from after its stamp (or after a closing remark such as
    "Manual done.") to the last line before the next stamp, timed by its own stated minutes if
    it has them, else by the gap to the next stamp. None for a line that only closes the
    previous item."""
    stamp = _STAMP.match(text, la, lb)
    start = stamp.end() if stamp else la
    body = text[start:lb]
    if _LOG_END.match(body):
        rest = _SENTENCE.search(body)
        if rest is None or not minutes_in(body[rest.end() :]):
            return None  # what follows the remark is told without a time: a comment on it
        start += rest.end()  # "Manual done. Ice pack to R knee, 10 min": the ice pack is the item
    end = max(lb, ends)
    while start < end and text[start] in " \t:-":
        start += 1
    if start >= end:
        return None
    stated = minutes_in(text[start:end])
    if gap == _LAST_EVENT:
        if not stated and not _DOSING.search(text[start:end]):
            return None  # "1350 In w/c, returned to unit.": the log's end
        gap = None
    return start, end, stated[0][2] if len(stated) == 1 else gap


_ABOVE_TIME = re.compile(
    r"\(?\s*(?:all\s+)?(?:of\s+)?(?:the\s+)?above\s*(?:(?:was|were|is)\s+)?(?:incl(?:uded|\.)?\s+in|=|:|-|took|in)?\s*[~\u2248]?\s*(?:about\s+|approx\.?\s+)?(\d{1,3})\s*(?:minutes|mins?|')\s*(?:total)?\s*\)?\s*\.?\s*$",
    re.IGNORECASE,
)
_ABOVE_MAX = 6
#: a line that is only a time ("(18 minutes).", "~12 min") times the untimed lines above it
_ALONE_TIME = re.compile(
    r"\s*(?:(?:->|=>|\u2192|=)\s*(?:~\s*|about\s+|approx\.?\s*)?(\d{1,3})\s*(?:minutes?|mins?|')\s*(?:total)?"  # "-> 20 mins total" under a list
    r"|[\[(]?\s*(?:~\s*|about\s+|approx\.?\s*)?(\d{1,3})\s*(?:minutes?|mins?|')\s*[\])]?)\s*\.?\s*",
    re.IGNORECASE,
)


_TIME_WORDS = frozenset({"time", "total", "tx", "min", "mins", "minutes"})


def _named_time(line: str) -> int | None:
    """The minutes of a line that only names a block and its time ("ex time 18 min", "TE total:
    15'"), else None."""
    mins = minutes_in(line)
    if len(mins) != 1 or len(line) > 40:
        return None
    words = _header_words(line).split()
    named = len(words)
    while words and words[-1] in _TIME_WORDS:
        words.pop()
    code = _conf()["block_codes"].get(" ".join(words))
    # (an evaluation's time is its own service: "Eval time 45 min" times no lines above it)
    return mins[0][2] if code and code not in _EVALUATION_CODES and len(words) < named else None


_SUBTOTAL_WORDS = frozenset({"", "subtotal", "sub-total", "sub total", "total", "total min", "subtotal min", "="})


def _subtotal_row(cells: list[str], col: int | None) -> int | None:
    """The minutes of a table row that only totals the rows above it ("| | subtotal | 16")."""
    if col is None or col >= len(cells) or not cells[col].strip().isdigit():
        return None
    rest = [c.strip().lower() for i, c in enumerate(cells) if i != col]
    value = int(cells[col])
    return value if any(rest) and all(c in _SUBTOTAL_WORDS for c in rest) and 0 < value <= 240 else None


def _untimed_above(text: str, segments: list[Segment]) -> list[Segment]:
    """The untimed lines a "(above ~10 min)" line times: those right above it, back to a timed
    line, a block or a blank line (at most a few)."""
    out: list[Segment] = []
    for sg in reversed(segments):
        if sg.minutes is not None or sg.block is not None or len(out) == _ABOVE_MAX:
            break
        out.append(sg)
        if "\n\n" in text[text.rfind("\n", 0, sg.start) - 1 : sg.start + 1]:
            break
    return out[::-1]


def _record_totals(totals: Totals, line: str, tt: re.Match[str] | None, tr: re.Match[str] | None) -> None:
    """Record a line's total timed minutes (with a units tally after it: "Total timed: 42 min
    TE 3 units") and its total treatment time."""
    if tt:
        totals.timed = int(next(g for g in tt.groups() if g))
        after = _LEADING_MINUTE_WORD.sub("", line[tt.end() :]).strip(" ,;|.")
        _add_units(totals, _units_tally(after) if after else None)
    if tr:
        found = minutes_in(tr.group(1)) if not tr.group(1).isdigit() else [(0, 0, int(tr.group(1)))]
        if found:
            totals.treatment = found[0][2]


_CLOSING_TOTAL_AFTER = 120  # characters of a paragraph before a total that closes it
_SENTENCE_END_BEFORE = re.compile(r"[.!?]\s*$")
_RULE_TALLY = re.compile(r"\W*(?:(?:cms|medicare)\s+)?(?:8|eight)[\s-]*min(?:ute)?s?\s+rule\b", re.IGNORECASE)
_CHARGES_HEAD = re.compile(
    r"\s*(?:charges?(?:\s+(?:captured|entered|posted|billed))?|charge\s+capture|billing(?:\s+summary)?|billed|codes?\s+billed|cpt\s+codes?)\s*:",
    re.IGNORECASE,
)


def _is_charge_line(line: str) -> bool:
    """A line of a charge block: a code number, units or a count ("97110 x1", "TE 2 units")."""
    return bool(_patterns()["code"].search(line) or _units(line) is not None or re.search(r"\bx\s*\d\b", line))


#: a line opened by a label and its own time: "Kitchen (25 mins): ...", "Armchair 10 min - ..."
_TIMED_LABEL = re.compile(r"[\s\-*\u2022]*[A-Za-z][A-Za-z /&+'-]{1,30}?\s*\(?\s*(?:~\s*|approx\.?\s*)?\d{1,3}\s*(?:minutes|mins?|')\s*\)?\s*[:\-]\s*\S", re.IGNORECASE)


#: a visit's time split between its evaluation and its treatment: "25 min eval, 8 min tx"
_EVALUATION_AND_TREATMENT = re.compile(
    r"\b\d{1,3}\s*(?:minutes|mins?|')\s*(?:of\s+)?(?:re-?)?eval(?:uation)?\b[\s,;+/&]*(?:and\s+|\+\s*)?(?P<tx>\d{1,3})\s*(?:minutes|mins?|')\s*(?:of\s+)?(?:tx|treatment|rx)\b",
    re.IGNORECASE,
)


def _details_its_block(label: str) -> bool:
    """An indented line's label leaves it in the block above: no block name, or a neighbouring
    service's name without a time of its own ("  LB dressing: sock aid ..." under "Ther Act -
    15 min")."""
    code = header_code(label)
    return code is None or (code not in THREE and not minutes_in(label))


def _is_timed_block_line(line: str) -> bool:
    """The line opens with a named block and its time ("- NMR 15 min: ...", "TA 14 min - ...")."""
    head = _header_prefix(line.lstrip(" \t-*\u2022>"))
    return head is not None and bool(minutes_in(head[1])) and header_code(head[1]) is not None


def segment_note(text: str) -> tuple[list[Segment], Totals, dict[str, int]]:
    """Cut a note into intervention segments (performed content only), read the stated
    totals and any billing summary line (``{code: minutes}``)."""
    pats = _patterns()
    table = section_table()
    totals = Totals()
    billed: dict[str, int] = {}
    segments: list[Segment] = []
    ctx, sticky = "performed", False
    goals = False  # the sticky section is a list of goals
    block: list[Segment] | None = None  # members of the current bare block header
    block_head: Segment | None = None
    block_open = False
    seen_content = False  # the first line may be the note's title
    table_col: int | None = None  # the minutes column of a flattened table, once its header is seen
    minutes_column = False  # a line declared that values closing the lines below are minutes
    table_shape = (False, False, 0)  # the header row's (leading pipe, aligned with spaces, cells)
    table_clock: tuple[int, int] | None = None  # a table's start and stop columns ("Svc | Start | Stop")
    listed_until = -1  # the end of an item whose details are listed under it
    caps_open = False  # the current block's heading is in capitals and timed ("THER EX 9:10-9:30")
    charges = False  # inside a charge-capture block
    spans = _line_spans(text, 0, len(text))
    log = _time_log(text, spans)
    for la, lb in spans:
        if la < listed_until:
            continue
        if la in log:
            # a time log's event: the lines up to the next stamp (the last event: its line)
            gap, ends = log[la]
            item = _log_item(text, la, lb, ends, gap)
            listed_until = ends
            if item is not None and _is_identification(text[item[0] : item[1]], first=False):
                item = None  # "2:00 Pt 38M, L-sided LBP x3 wks": who the patient is
            if item is not None:
                segments.append(Segment(item[0], item[1], item[2], _units(text[item[0] : item[1]])))
            block = block_head = None
            continue
        a, b = _strip(text, la, lb)
        line = text[a:b]
        if not line.strip():
            ctx, sticky, block, block_head = "performed", False, None, None
            charges = False
            continue
        head = _CHARGES_HEAD.match(line)
        if head is not None or charges and _is_charge_line(line):
            # "Charges: 97530 x1 (13), 97112 x1 (12)", "CHARGES:" over "97110 Ther Ex ... 1 unit
            # ... 10 min": what was billed, not what was done
            for code, v in _billing_pairs(line if head is None else line[head.end() :]).items():
                billed[code] = billed.get(code, 0) + v
            _add_units(totals, _units_tally(line if head is None else line[head.end() :]))
            charges, block, block_head = True, None, None
            continue
        charges = False
        continuation = text[la : la + 1] in _CONTINUATION
        if sticky and ctx != "performed" and _AFTER_EVALUATION.match(line):
            ctx, sticky = "performed", False  # "Goals: ..." then "After re-eval: AAROM started - ... 18 min": today's treatment
        if ctx != "performed" and not sticky and not (continuation and not text[la : la + 1].isdigit()):
            ctx = "performed"
        elif ctx == "historical" and continuation and _is_timed_block_line(line):
            ctx, sticky = "performed", False  # "Subj: no swelling ..." then "- NMR 15 min: SL hops on foam ...": today's work
        elif sticky and goals and _TIMED_LABEL.match(line):
            ctx, sticky = "performed", False  # "Goals reviewed:" and its list, then "Kitchen (25 mins): pt made tea ...": today's work
        code_total = _code_total(line)
        tally = (_code_minutes_line(line) or _minutes_tally(line)) if code_total is None else None
        if code_total is not None or tally:
            stated = tally or dict([code_total])  # type: ignore[list-item]
            totals.by_code.update(stated)
            totals.by_code_at.update((code, (a, b)) for code in stated)
            tt = pats["total_timed"].search(line) if tally else None
            if tt:
                totals.timed = int(next(g for g in tt.groups() if g))  # the tally's own total
            tr = pats["total_treatment"].search(line) if tally else None
            if tr and tr.group(1).isdigit():
                totals.treatment = int(tr.group(1))
            block = block_head = None
            continue
        tt = pats["total_timed"].search(line)
        tr = pats["total_treatment"].search(line)
        closing = tt or tr
        if closing is not None and closing.start() > _CLOSING_TOTAL_AFTER and minutes_in(line[: closing.start()]) and _SENTENCE_END_BEFORE.search(line, 0, closing.start()):
            # "... We started with ... about 10 minutes. Then ... Timed minutes 32.": a paragraph
            # closed by its total; the total is recorded and the paragraph read
            _record_totals(totals, line, tt, tr)
            b = a + len(line[: closing.start()].rstrip())
            line = text[a:b]
            tt = tr = None
        if tt or tr:
            closes = segments[-1].block if segments and continuation else None
            if closes is not None and closes.minutes is None and tr is not None and tr.group(1).isdigit() and not tt:
                # "Exercises:" over its lines and an indented "Total 28 min, all aimed at ...":
                # the block's time, not the visit's
                closes.minutes = int(tr.group(1))
                block = block_head = None
                continue
            _record_totals(totals, line, tt, tr)
            block = block_head = None
            continue
        split = _EVALUATION_AND_TREATMENT.search(line)
        if split and totals.timed is None:
            totals.timed = int(split.group("tx"))  # "Time: 25 min eval, 8 min tx": the treatment's timed minutes
        # section headers inside the line split it into parts with their own context
        parts: list[tuple[int, int, str, bool]] = []
        pos, part_ctx = 0, ctx
        for hs, he, header in find_headers(line):
            if hs > pos:
                parts.append((pos, hs, part_ctx, False))
            part_ctx = table.context_of[header]
            is_block = part_ctx == "performed" and bool(pats["block_name"].match(header))
            pos = hs if is_block else he + (1 if line[he : he + 1] == ":" else 0)
            if (hs == 0 or not line[:hs].strip()) and not (header in table.one_line and line[he:].strip(" :-")):
                ctx = part_ctx  # (not "Dx: R RC repair, 16 wk": its field ends with the line)
                sticky = not line[pos:].strip(" :-")
                goals = table.name_of[header] == "goals"
        parts.append((pos, len(line), part_ctx, True))
        for p0, p1, pctx, _last in parts:
            pa, pb = _strip(text, a + p0, a + p1)
            if pb <= pa:
                continue
            piece = text[pa:pb]
            if pctx != "performed" and not (pctx == "planned" and _HEP_TAUGHT_TODAY.search(piece) and _HEP_HEAD.search(line, 0, p0) and minutes_in(piece)):
                continue  # (a home program taught in the session, with its time, is treatment:
                # "HEP: went through sheet one-on-one, pt performed SAQ, LAQ ... - 8 min")
            visit = minutes_in(piece, visit=True) if _VISIT_WORD.search(piece) or _IN_OUT.search(piece) else []
            if visit and totals.treatment is None:
                totals.treatment = visit[0][2]  # the visit's length, not an intervention's
            if _is_billing_line(piece) and not _heads_indented_lines(text, lb, piece):
                for code, v in _billing_pairs(piece).items():
                    billed[code] = billed.get(code, 0) + v
                continue
            if _is_identification(piece, first=not seen_content):
                continue  # the note's title or the patient's age and diagnosis
            if _is_signature(piece):
                continue  # "-- T. Nguyen PT", "A. McKenzie (Senior Physiotherapist)": who wrote it
            if len(piece) <= 120 and _DISPOSITION.search(piece) and not minutes_in(piece):
                continue  # "Pt left in recliner, call light in reach, chair alarm on": how the visit ended
            seen_content = True
            if _PLAN_LINE.match(piece):
                continue  # "Plan 1x/wk x 8 ...", "Next session trial tub bench": not performed today
            if _SHARED_SESSION.match(piece) and _SESSION_SPLIT.search(piece):
                continue  # "Co-tx 50 min total, OT/PT split per each note": the joint session's length
            if _ASSESSMENT_LINE.match(piece) and not minutes_in(piece):
                continue  # "Assessment, tolerating loading ...": dictated commentary on what was done
            if _is_unticked_services(piece):
                continue  # "[x] 97110 Ther Ex  [ ] 97112 NMR": codes claimed, no documentation
            tally_line = _is_units_only(piece) or bool(_RULE_TALLY.match(piece))
            stated_units = _units_tally(_tally_sentence(piece)) if tally_line or not minutes_in(piece) else None
            if tally_line or stated_units:
                # "TE x3 units", "8 min rule: 24 TE / 10 TA = 34 min", "TE 3 units, NMR 1 unit": a
                # billing tally, not an intervention
                _add_units(totals, stated_units)
                continue
            if _is_visit_time(piece, visit=bool(visit)):
                if visit:
                    continue  # "Visit 1000-1050 (50 min)": the visit's length, recorded above
                if _IN_OUT.search(piece):
                    if totals.treatment is None:
                        totals.treatment = minutes_in(piece)[-1][2]  # "Time in 0915 out 1002": the whole visit
                    continue
                block_head = Segment(pa, pb, minutes_in(piece)[-1][2], None)
                block_head.block = block_head
                block_open, block = True, []  # its lines follow without a colon or indent
                segments.append(block_head)
                continue
            listed = _listed_item_end(text, lb, piece) if not _is_bare_header(piece) else None
            if listed is not None:
                # "Shaping (R UE), 30 min total:" over indented lines: one item, its details listed
                segments.append(Segment(pa, listed, minutes_in(piece)[0][2], _units(piece), header_code=header_code(piece)))
                listed_until, block, block_head = listed, None, None
                continue
            if _is_bare_header(piece) or caps_open and _is_caps_label(piece.strip(" \t-*\u2022:"), 1) or _purpose_header(text, lb, piece):
                # (under a timed heading in capitals, another one, a single word too, opens the
                # next block: "IMPACT 10'" after "THER EX (22 min)" and its lines)
                block_head = Segment(pa, pb, _block_minutes(piece)[0], _units(piece), header_code=header_code(_without_remark(piece)))
                block_head.block = block_head
                # a list header takes unindented lines too, and so does a timed heading in
                # capitals ("THER EX 9:10-9:30" over its exercises)
                block_open = piece.rstrip().endswith(":") or _is_caps_name(piece)
                caps_open = not block_open and _is_caps_label(_without_inner_remark(piece).strip(" \t-*\u2022:"), 1)  # (up to a line timed on its own)
                block = []
                segments.append(block_head)
                continue
            cells = _table_cells(piece, table_shape)
            if cells is not None:
                heads = set(_conf()["table_minute_headers"])
                clock = _clock_columns(cells)
                names = _table_column_names()
                if any(c in heads for c in cells) or clock is not None or (len(cells) >= 2 and all(c in names for c in cells)):
                    table_col = next((i for i, c in enumerate(cells) if c in heads), None)
                    table_clock = clock
                    table_shape = (piece.lstrip().startswith("|"), "|" not in piece, len(cells))
                    continue  # the table's header row
                tabbed = "\t" in piece and 2 <= len(cells) <= table_shape[2]  # (empty cells at the end of a tabbed row)
                if table_shape[1] and len(cells) != table_shape[2] and not tabbed:
                    cells = None  # a line of prose under a table aligned with spaces ends it
            if cells is None:
                table_col, table_clock, table_shape = None, None, (False, False, 0)
            above = _ABOVE_TIME.match(piece) or _ALONE_TIME.fullmatch(piece)
            named_time = _named_time(piece) if above is None else None
            if above is None and named_time is None and cells is not None:
                named_time = _subtotal_row(cells, table_col)  # "| subtotal | 16" under untimed rows
            if above is not None or named_time is not None:
                # "(above ~10 min)", "(above incl in 12 min)", "ex time 18 min": the time of the
                # untimed lines above
                members = _untimed_above(text, segments)
                value = int(next(v for v in above.groups() if v)) if above is not None else named_time
                if members:
                    head = Segment(pa, pb, value, None)
                    head.block = head
                    for sg in members:
                        sg.block = head
                    segments.append(head)
                    block = block_head = None
                    continue
                closes = segments[-1].block if segments else None
                if closes is not None and closes.minutes is None and "\n\n" not in text[segments[-1].end : pa]:
                    # "TE:\n  leg press ...\n  SLR ...\n  = 22 min": the time closing an untimed
                    # block's lines is the block's
                    closes.minutes = value
                    block = block_head = None
                    continue
            if _MINUTES_COLUMN.match(piece):
                minutes_column = True
            new = _line_segments(text, pa, pb)
            leader = _LEADER_VALUE.search(piece) if minutes_column and len(new) == 1 else None
            if leader is not None and 0 < int(leader.group(1)) <= 240:
                new[0].minutes, new[0].weak_minutes = int(leader.group(1)), False
            if cells is not None and table_col is None and table_clock is not None and max(table_clock) < len(cells):
                # "Gait | 0927 | 0940 | RW 2x75ft CGA": the row's time is from its start to its stop
                span = minutes_in(f"{cells[table_clock[0]]}-{cells[table_clock[1]]}")
                new = [Segment(pa, pb, span[0][2] if len(span) == 1 and 0 < span[0][2] <= 240 else None, _units(piece))]
            if cells is not None and table_col is not None and table_col < len(cells) and _words_not_time(cells[table_col]):
                cells = None  # "Pre-HD | standing at rail ... - 8 min |": words in the time column, the row times itself
            if cells is not None and table_col is not None and table_col < len(cells) and len(new) > 1:
                new = [Segment(pa, pb, None, _units(piece))]  # a table row is one item; its time is in the column
            if cells is not None and table_col is not None and table_col < len(cells) and len(new) == 1:
                value = cells[table_col]
                lead = _LEADING_NUMBER.match(value)  # "8 (w/ above)": the cell's time, with a remark
                found = [(0, 0, int(value))] if value.isdigit() else minutes_in(value) or minutes_in(value + " min") or ([(0, 0, int(lead.group(1)))] if lead else [])
                new[0].minutes = found[0][2] if found and 0 < found[0][2] <= 240 else None
                new[0].weak_minutes = False
            if cells is not None and (table_col is not None or table_clock is not None) and len(new) == 1 and new[0].minutes is not None and new[0].header_code is None and cells[0]:
                new[0].header_code = header_code(cells[0])  # "| gait | 15 min | hopping w/ RW ...": a timed row's service
            head = _header_prefix(piece)
            # an indented line keeps its block even with a timed label ("  NuStep L4 8 min - same");
            # a coded header ("NMR 10 min - ...") opens a block of its own; an indented label of a
            # neighbouring service without a time ("  LB dressing: sock aid ...") details its block
            # (a labelled line timed on its own, "Tx after re-eval: ... 10 min.", ends a heading's block)
            timed_own = bool(_OWN_LABEL.match(piece)) and any(sg.minutes is not None for sg in new)
            member = (
                block is not None
                and block_head is not None
                and (continuation or block_open or caps_open and not timed_own)
                and (head is None or (continuation and _details_its_block(head[1])))
                and not _clocked_after(piece, text[block_head.start : block_head.end])
            )
            if member:
                for sg in new:
                    sg.block = block_head  # type: ignore[attr-defined]
            else:
                block = block_head = None
            segments.extend(new)
    segments = _without_lead_ins(text, [s for s in segments if s.end > s.start])
    if _is_session_title(text, segments):
        if totals.treatment is None:
            totals.treatment = segments[0].minutes
        segments = segments[1:]
    return segments, totals, billed


def _without_lead_ins(text: str, segments: list[Segment]) -> list[Segment]:
    """Drop a timed line that ends with a colon when the timed lines after it add up to its
    time ("Individual session after group, 0950-1010:" over "... - 8 min" and "... - 12 min"):
    it introduces them and is not an intervention of its own."""
    out = []
    for i, seg in enumerate(segments):
        if seg.minutes is not None and seg.block is None and _leads_in(text[seg.start : seg.end]):
            total = n = 0
            for nxt in segments[i + 1 :]:
                if nxt.minutes is None:
                    continue
                total, n = total + nxt.minutes, n + 1
                if total >= seg.minutes:
                    break
            if total == seg.minutes and (n >= 2 or n == 1 and _NAMES_SESSION.search(text[seg.start : seg.end])):
                # (one line after it with the same time: "Pt participated in AM ADL session
                # (0730-0810) + PM session." over "AM ADL (40 min): ...")
                continue
        out.append(seg)
    return out


def _leads_in(line: str) -> bool:
    """A timed line that may only introduce the lines after it: it ends with a colon, or it
    opens with a word that names the session ("PT", "Session", "Tx") and has no dose of its own
    ("PT 30 min pull-out (2:00-2:30), PT room/playground")."""
    if line.rstrip().endswith(":"):
        return True
    if len(line) > _LEAD_IN_MAX_CHARS:
        return False  # "Today about 15 minutes on floor recovery, getting down to the mat ...": the work itself
    if _NAMES_SESSION.search(line) and not _dosed(line):
        return True
    first = re.match(r"\W*([A-Za-z]+)", line)
    if "\n" in line.strip() or first is None or first.group(1).lower() not in _conf()["visit_time_words"]:
        return False
    return not _dosed(line)


def _dosed(line: str) -> bool:
    """The line doses something besides its times: repetitions, sets or a distance."""
    rest = line
    for m0, m1, _v in reversed(minutes_in(line)):
        rest = rest[:m0] + " " + rest[m1:]
    return bool(_DOSING.search(rest) or _SETS_REPS.search(rest) or _DISTANCE.search(rest))


_NAMES_SESSION = re.compile(r"\bsessions?\b", re.IGNORECASE)
_LEAD_IN_MAX_CHARS = 100


_DISTANCE = re.compile(r"\b\d+\s*(?:ft|feet|m|meters?|metres?|laps?|yds?|yards?)\b", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"\s*(\d{1,3})\s*(?:\(|$)")


@lru_cache(maxsize=1)
def _table_column_names() -> frozenset[str]:
    return frozenset(_conf()["table_column_headers"])


def _table_cells(piece: str, shape: tuple[bool, bool, int]) -> list[str] | None:
    """A flattened table row's cells, lowercased: cut at pipes ("| bike | L3 | 12 |"), or at
    runs of two or more spaces or a tab once a header row aligned that way was seen (or when
    this may be that header row). A row continuing the previous one under a table without a
    leading pipe keeps its empty first cell ("          | to floor markers ... | ...")."""
    if piece.count("|") >= 2:
        parts = piece.strip().split("|")
        if parts and not parts[-1].strip():
            parts = parts[:-1]
        if parts and not parts[0].strip() and (shape[0] or not shape[2]):
            parts = parts[1:]
        return [c.strip().lower() for c in parts]
    if "|" in piece:
        return None
    if "\t" in piece:
        parts = piece.strip(" \r\n").rstrip("\t ").split("\t")  # every tab parts two cells, empty ones too
    else:
        parts = re.split(r"\s{2,}", piece.strip())
    if len(parts) < 2 or (shape[2] and not shape[1]):
        return None
    return [c.strip().lower() for c in parts]


_START_HEADS = frozenset({"start", "start time", "begin", "time in", "in"})
_STOP_HEADS = frozenset({"stop", "stop time", "end", "end time", "finish", "time out", "out"})


def _words_not_time(cell: str) -> bool:
    """A time column's cell holding words and no time ("pre-hd", "on hd 1st hr")."""
    return bool(re.search(r"[a-z]{2}", cell)) and not minutes_in(cell) and not minutes_in(cell + " min") and not _LEADING_NUMBER.match(cell)


def _clock_columns(cells: list[str]) -> tuple[int, int] | None:
    """The start and stop columns of a table's header row ("Svc | Start | Stop | Notes")."""
    start = next((i for i, c in enumerate(cells) if c in _START_HEADS), None)
    stop = next((i for i, c in enumerate(cells) if c in _STOP_HEADS), None)
    return (start, stop) if start is not None and stop is not None and start < stop else None


def _is_session_title(text: str, segments: list[Segment]) -> bool:
    """The note's first line names the session and its length ("LSVT BIG Session 12/16 - 60 min
    protocol"), and the items below carry their own minutes, which make up most of it: the
    line is the session's length, not an intervention."""
    if not segments or segments[0].minutes is None or segments[0].block is not None:
        return False
    first = segments[0]
    if text[: first.start].strip() or "\n" in text[first.start : first.end]:
        return False
    span = _any_clock(text[first.start : first.end])
    inside = [c for c in (_leading_clock(text[s.start : s.end]) for s in segments[1:]) if c is not None]
    if span is not None and len(inside) >= 2 and all(span[0] <= c[0] and c[1] <= span[1] for c in inside):
        return True  # "Ski prep - Tom B. - his home gym - 10:00-11:15" over "10:05-10:20 ...", "10:20-10:35 ..."
    if not _has_title_word(text[first.start : first.end]):
        return False
    others = [s.minutes for s in segments[1:] if s.minutes is not None]
    return len(others) >= 2 and 0.75 * first.minutes <= sum(others) <= 1.1 * first.minutes


def _block_minutes(line: str, prefix: str | None = None) -> tuple[int | None, bool]:
    """The minutes a line bills: those in its header prefix, else a value closing the line
    ("... 2x15 - 14 min", "(12 minutes)"), else the first value in it. The flag is True for
    the last case: a duration inside the description ("bike 5'") is weaker evidence of the
    billed time than a header or a closing value."""
    if prefix:
        mins = minutes_in(prefix)
        if mins:
            return mins[-1][2], False  # "AM (30 min): Ther act 15 min -" bills 15
        bare = _BARE_MINUTES.search(prefix)
        named = _header_words(prefix[: bare.start()]) if bare else ""
        # (a session's number is no time: "Session 2 - individual, 1:50-2:05")
        if bare and named and named.lower() not in _session_names() and not re.search(r"\d\s*[x*]\s*$", prefix[: bare.start(1)]):
            return int(bare.group(1)), False  # "Ther Act 15:", "TherAct x15 -"
        coded = _CODE_THEN_MINUTES.match(prefix)
        if coded and 0 < int(coded.group(1)) <= 240:
            return int(coded.group(1)), False  # "97110 (15): standing ER/IR ...": an export's code and minutes
    if prefix is not None and _units(prefix) is not None:
        return None, False  # "TE 2 units - bike 12 min ...": units documented, minutes not
    mins = minutes_in(line)
    if not mins:
        return None, False
    total = _stated_total(line, mins)
    if total is not None:
        return total, False  # "... about twenty five minutes of exercise total", "total 20 min"
    for m0, _m1, v in mins:
        if _TOOK_BEFORE.search(line, max(0, m0 - 24), m0):
            return v, False  # "... start with thirty minutes a day. That took about fifteen minutes."
    if _LABEL_END.match(line, mins[0][1]):
        return mins[0][2], False  # a label closed by its time: "Seated ther ex in chair (12 minutes): ..."
    if _DASH_AFTER.match(line, mins[0][1]) and header_code(_NAME_FILLER.sub(" ", line[: mins[0][0]]).strip()) is not None:
        return mins[0][2], False  # a block named and timed, then its details: "Then ther ex for 18 minutes - wand AAROM ..., UBE 4 min."
    for m0, _m1, v in reversed(mins):
        if _EQUALS_BEFORE.search(line, max(0, m0 - 4), m0):
            return v, False  # a sum worked out: "intervals 2' on / 1' rest x4 = 12 min, SpO2 88%"
    if _closing_time_sentence(line, mins):
        return mins[-1][2], False  # a closing sentence of its own: "... floating last 3 min. 38 min in water."
    for m0, _m1, v in reversed(mins):
        if _DASH_BEFORE.search(line, max(0, m0 - 4), m0):
            return v, False  # set off by a dash: "VOR x1 seated 1 min x2 - 4 min, pt queasy"
    for m0, m1, v in mins:
        if _CLAUSE_BEFORE.search(line, max(0, m0 - 12), m0) and _CLAUSE_AFTER.match(line, m1):
            return v, False  # a clause of its own: "... pinch, 2x10 each, 10 min, for the hand ..."
    tail = _DICTATED_PUNCTUATION.sub(" ", line[mins[-1][1] :]).strip(" .;,)]")
    if not tail:
        return mins[-1][2], False
    if prefix is not None and len(mins) >= 2:
        # a headed block listing several timed activities and no time of its own:
        # "Ther Ex: TM 3.0 mph 25', bike 10', arm erg 5'" is 40 minutes
        parts = [minutes_in(p) for p in re.split(r"[,;]", line[len(prefix) :])]
        timed = [p for p in parts if p]
        if len(timed) >= 2 and all(len(p) == 1 for p in timed):
            return sum(p[0][2] for p in timed), True
    head = line[: mins[0][0]].strip(" -*\u2022(")
    return mins[0][2], bool(head) and len(head.split()) > 2 or bool(prefix)


def _closing_time_sentence(line: str, mins: list[tuple[int, int, int]]) -> bool:
    """The line's last time, after others, is a sentence of its own ("... PLB. 15'", "... 38 min
    in water.")."""
    if len(mins) < 2:
        return False
    m0, m1, _v = mins[-1]
    return bool(_SENTENCE_BEFORE.search(line, max(0, m0 - 3), m0) and _SHORT_TAIL.fullmatch(line[m1:]))


_EQUALS_BEFORE = re.compile(r"=\s*(?:~\s*)?$")
_SENTENCE_BEFORE = re.compile(r"(?:^|[A-Za-z)%]\.\s+)$")
_SHORT_TAIL = re.compile(r"(?:\s+(?:in|on|of|at|total|spent|today|overall)(?:\s+[A-Za-z]+){0,2})?\s*\.?\s*", re.IGNORECASE)
_CLAUSE_BEFORE = re.compile(r"\w\s*[,;]\s*(?:~\s*|about\s+|approx\.?\s*)?$", re.IGNORECASE)
_CLAUSE_AFTER = re.compile(r"\s*(?:total\s*)?[,;]")


def _anchored_minutes(part: str) -> bool:
    """The part opens or closes with its minutes ("15 min - clams ...", "... (12 min)")."""
    mins = minutes_in(part)
    if not mins:
        return False
    lead = not part[: mins[0][0]].strip(" -*\u2022([")
    close = not _TOTAL_WORD.sub(" ", _DICTATED_PUNCTUATION.sub(" ", part[mins[-1][1] :])).strip(" .;,)]~")  # ("..., about 15 minutes total.")
    # ... or closes its first sentence after a dash: "Prolonged stretch + PROM R wrist - 12 min.
    # Wrist ext PROM to 55 deg"
    after = part[mins[0][1] - 1 :]  # (the minutes may take the full stop: "12 min.")
    dashed = bool(re.search(r"\s[-\u2013]\s*$", part[: mins[0][0]])) and bool(re.match(r"\.\s|.\s*\.\s", after))
    return lead or close or dashed


_LEADING_UNITS = re.compile(r"\s*(?:x\s*)?(\d{1,2})\s*units?\b\s*[:\-]", re.IGNORECASE)


def _units(line: str) -> int | None:
    m = _patterns()["units"].search(line)
    return int(m.group(1) or m.group(2)) if m else None


_TOTAL_NEAR = re.compile(r"\btotal(?:\s+of)?\s*[:=]?\s*(?:~|about|approx\.?|approximately)?\s*$", re.IGNORECASE)
_TOTAL_AFTER = re.compile(r"\s*(?:of\s+[a-z]+(?:\s+[a-z]+)?\s+)?(?:total|in\s+total|altogether)\b", re.IGNORECASE)
def _stated_total(line: str, mins: list[tuple[int, int, int]]) -> int | None:
    """The minutes value the line marks as a total ("total 20 min", "7' total"), if any; a
    "total" smaller than the other times on the line together totals only its own part ("... -
    12 minutes. Then mitt work, 2 x 1-min rounds, 6 min total", "PROM ... about 10 minutes ...
    passive for 3 min then active-assisted for 7 min ... 10 min total on the cycle")."""
    for m0, m1, v in mins:
        if (_TOTAL_NEAR.search(line, max(0, m0 - 12), m0) or _TOTAL_AFTER.match(line, m1)) and sum(w for a, _b, w in mins if a != m0) <= v:
            return v
    return None


_DASH_BEFORE = re.compile(r"\s[-\u2013\u2014]\s*$")
_LABEL_END = re.compile(r"\s*\)?\s*:(?!\d)")
_TOOK_BEFORE = re.compile(r"\b(?:that|this|which|it|all)\s+(?:took|lasted)\s+(?:us\s+)?(?:about\s+|approx\.?\s+|approximately\s+|roughly\s+|~\s*)?$", re.IGNORECASE)
_DASH_AFTER = re.compile(r"\s*[-\u2013\u2014]+\s")
_NAME_FILLER = re.compile(r"^\W*(?:then|and|next|first|finally|last|did)\b|\b(?:for|x|about|approx\.?|approximately|~|of)\s*$", re.IGNORECASE)
_CODE_THEN_MINUTES = re.compile(r"\s*\(?(?:9\d{4}|G0283)\)?\s*\((\d{1,3})\)?\s*$")
_BARE_MINUTES = re.compile(r"(?:\s|(?<![\dx])x)(\d{1,2})\s*$", re.IGNORECASE)
_ZERO_MINUTES = re.compile(r"(?<![\d:.])0\s*(?:minutes|minute|mins|min)\b|(?<![\d:.])0\s*'", re.IGNORECASE)
_PAREN = r"\(\s*[~\u2248]?\s*(?:about\s+|approx\.?\s+)?\d{1,3}\s*(?:minutes|mins|min|')\s*\)"
_PAREN_MINUTES = re.compile(_PAREN, re.IGNORECASE)
_PAREN_CLOSE = re.compile(_PAREN + r"\s*\.?\s*$", re.IGNORECASE)
_INLINE_BLOCK = re.compile(r"(?<=[.;])\s+(?=\S)")


def _line_segments(text: str, a: int, b: int) -> list[Segment]:
    line = text[a:b]
    starts = [0] + [
        m.end() for m in _INLINE_BLOCK.finditer(line) if _header_prefix(line[m.end() :]) is not None and not _ALONE_TIME.fullmatch(line[m.end() :])
    ]  # (a closing "[22 min]" times the sentences before it)
    if len(starts) > 1 and _header_prefix(line) is not None:
        # several headed blocks on one line: "Ther act 15 min - ... . Gait 15 min - ..."
        bounds = starts + [len(line)]
        return [s for i in range(len(starts)) for s in _line_segments(text, *_strip(text, a + bounds[i], a + bounds[i + 1]))]
    head = _header_prefix(line)
    if head is not None and _ZERO_MINUTES.search(head[1]):
        return []  # "NMR - 0 min: deferred ..." documents a block not performed
    if head is not None:
        content_at, prefix = head
        mins, weak = _block_minutes(line, prefix)
        lead_units = _LEADING_UNITS.match(line, content_at)  # "TherEx - 2 units: stationary bike 8 min, ..."
        units = _units(prefix) or (int(lead_units.group(1)) if lead_units else None)
        return [Segment(a, b, mins, units, weak_minutes=weak, header_code=header_code(prefix))]
    tail = _closing_block(line) or _lone_block(line)
    if tail is not None:
        return [Segment(a, b, tail[1], header_code=tail[0])]
    mins = minutes_in(line)
    total = _stated_total(line, mins) if len(mins) >= 2 and (len(line) <= 200 or len(_sentences(line)) < 3) else None
    if total is not None:
        # the line states its own total ("putty 3', pinch clips x20 - 7' total"): one item
        return [Segment(a, b, total, _units(line))]
    one_closing_time = bool(_PAREN_CLOSE.search(line)) and len(_PAREN_MINUTES.findall(line)) == 1
    tail = line[mins[-1][1] :].strip(" .;,)]~") if mins else ""
    # "... - 24 min TE.": one time set off at the end closes all of the line
    closed = bool(mins) and (bool(tail) and header_code(tail) is not None or not tail and bool(_DASH_BEFORE.search(line, max(0, mins[-1][0] - 4), mins[-1][0])))
    then_parts = _then_chunks(line, mins, doses=False) if len(mins) >= 2 and len(line) <= 200 and not closed else []
    if then_parts:
        # "Started w/ joint mobs ... for about 8 minutes for wrist ext, then strengthening for 12
        # minutes (...)": activities joined by "then", each with its time
        return [s for c0, c1, _v in then_parts for s in _line_segments(text, *_strip(text, a + c0, a + c1)) if s.end > s.start]
    sentences = _sentences(line) if len(mins) >= 2 else []
    if len(sentences) >= 2 and len(sentences) == len(mins) and all(_ends_with_time(line[s0:s1].rstrip(" .")) for s0, s1 in sentences):
        # sentences each closed by their own time: "scar mob w/ lotion, then gel sheet fitted,
        # 9 min. Tendon gliding, blocking, PROM into PIP ext, 14 min."
        return [s for s0, s1 in sentences for s in _line_segments(text, *_strip(text, a + s0, a + s1)) if s.end > s.start]
    if len(mins) >= 2 and not one_closing_time:
        # (a line closed by its one parenthesised time, "... stood 8 min; ... (~12 min)", is one item)
        parts = _split_on(line, (";", "|"))
        anchored = [(p0, p1) for p0, p1 in parts or [] if _anchored_minutes(line[p0:p1])]
        if parts and len(anchored) >= 2:
            return [s for p0, p1 in parts for s in _line_segments(text, *_strip(text, a + p0, a + p1)) if s.end > s.start]
    leading = bool(mins) and not line[: mins[0][0]].strip(" -*\u2022([")
    closing = bool(mins) and not _TOTAL_WORD.sub(" ", _DICTATED_PUNCTUATION.sub(" ", line[mins[-1][1] :])).strip(" .;,)]~")
    if len(mins) >= 2 and not one_closing_time:
        parts = _split_on(line, (";", "|"))
        clauses = parts or _at_sentence_ends(line, _split_on(line, (",",)))  # (a sentence's end ends a clause)
        parts = parts or _split_on(line, (",",))
        timed = [(p0, p1) for p0, p1 in parts or [] if minutes_in(line[p0:p1])]
        closed = _close_on_times(line, clauses) if len(timed) >= 2 else []  # type: ignore[arg-type]
        if len(closed) >= 2:
            # activities each closed by a time of its own: "..., drops at first, 12 min, then ..."
            return [s for p0, p1 in closed for s in _line_segments(text, *_strip(text, a + p0, a + p1)) if s.end > s.start]
        every_part = bool(parts) and len(timed) == len(parts) and not _dosed(line) and all(_ends_with_time(line[p0:p1]) for p0, p1 in parts)
        # ("Cx PROM stretches 10 min, prone wt shift/pivot 10 min": each part closed by its own time)
        if len(timed) >= 2 and (every_part or not leading and not closing) and all(not _block_minutes(line[p0:p1].strip())[1] for p0, p1 in timed):
            return [s for p0, p1 in parts for s in _line_segments(text, *_strip(text, a + p0, a + p1)) if s.end > s.start]
    if _closing_time_sentence(line, mins):
        # a closing sentence that is only a time times the whole line: "... recovered w/ PLB. 15'"
        return [Segment(a, b, mins[-1][2], _units(line))]
    if len(line) > 200 and len(mins) >= 2 and not one_closing_time and not _LEADING_CLOCK.match(line):
        # (a clock range opening the line times all of it: "3:30-3:48 HEP instruction: ...
        # prone on elbows reaching for puzzle pieces 2 min, curl-ups 2x8 ...")
        chunks = _then_chunks(line, mins) or _narrative_chunks(line, mins)
        if len(chunks) >= 2:
            return [Segment(a + c0, a + c1, v, header_code=_chunk_header_code(line[c0:c1])) for c0, c1, v in chunks]
    sentences = sentences or _sentences(line)
    labelled = bool(_OWN_LABEL.match(line)) and len(mins) == 1  # "Tilt table: supine BP ... Progressed to 60 deg over 20 min ..."
    lead = _timed_lead(line[sentences[0][0] : sentences[0][1]]) if len(line) > 160 and len(sentences) > 1 else None
    if lead is not None:
        # "Functional task training for 20 minutes today. Repeated squat-to-lift ... a 2 minute
        # bout of ...": a first sentence that only names the activity and its time heads the rest
        return [Segment(a, b, lead, _units(line))]
    if len(line) > 160 and len(sentences) > 1 and not leading and not closing and not labelled:
        # (a sentence that times the visit, "Pt seen in room and OT gym for 45 minutes.", is not an item)
        sentences = [(_after_seen_for(line, s0, s1), s1) for s0, s1 in sentences]
        sentences = [(s0, s1) for s0, s1 in sentences if line[s0:s1].strip()]
        return [
            Segment(a + s0, a + s1, *_minutes_weak(line[s0:s1]))
            for k, (s0, s1) in enumerate(_attach_comments(line, sentences))
            if k or not _is_identification(line[s0:s1], first=False)  # (not "Forty-four year old male, teacher, ...": who the patient is)
        ]
    mins, weak = _block_minutes(line)
    return [Segment(a, b, mins, _units(line), weak_minutes=weak, header_code=_chunk_header_code(line))]


_LEAD_FILLER = re.compile(r"\b(?:today|this\s+session|this\s+visit|for|of|x|about|approx\.?|approximately|~)\b", re.IGNORECASE)


def _timed_lead(sentence: str) -> int | None:
    """The time of a sentence that only names an activity and that one time ("Functional task
    training for 20 minutes today.", "Balance work x 12 min."), else None."""
    mins = minutes_in(sentence)
    if len(mins) != 1:
        return None
    rest = _LEAD_FILLER.sub(" ", sentence[: mins[0][0]] + " " + sentence[mins[0][1] :])
    words = re.findall(r"[A-Za-z][A-Za-z/\-]*", rest)
    return mins[0][2] if 1 <= len(words) <= 4 and not re.search(r"\d", rest) else None


#: a sentence that times the visit: "Pt seen in room and OT gym for 45 minutes."
_SEEN_FOR = re.compile(r"\W*(?:(?:the\s+)?(?:pt|patient)\s+)?(?:was\s+)?seen\b[^.\d]{0,40}?\s(?:for|x)\s*(?:~\s*|about\s+|approx\.?\s*)?\d{1,3}\s*(?:minutes|mins?)(?:\.\s*|\s*$)", re.IGNORECASE)


def _after_seen_for(line: str, s0: int, s1: int) -> int:
    """Where a sentence's content starts after a clause that times the visit ("Pt seen in room
    and OT gym for 45 minutes. 71 y/o F ...")."""
    m = _SEEN_FOR.match(line, s0, s1)
    return m.end() if m else s0


_CHUNK_LABEL = re.compile(r"\W*([A-Za-z][A-Za-z /&+-]{0,30}?)\s*:(?!\d)")


def _chunk_header_code(chunk: str) -> str | None:
    """The code a chunk of a narrative line names when it opens with a block's header
    ("Morning ADL: UB dressing seated EOB ... (20 min)")."""
    head = _header_prefix(chunk)
    if head is not None:
        return header_code(head[1])
    label = _CHUNK_LABEL.match(chunk)
    return header_code(label.group(1)) if label else None


def _ends_with_time(part: str) -> bool:
    mins = minutes_in(part)
    return len(mins) == 1 and bool(part[: mins[0][0]].strip(" -*\u2022")) and not part[mins[0][1] :].strip(" .;,)]~")


#: a line opened by a label of its own: "Tx after re-eval:", "GAIT ........ ~8 min, // bars ..."
_OWN_LABEL = re.compile(r"\s*[A-Za-z][\w /&+()-]{1,30}(?::|\s*\.{4,})")
_TOTAL_WORD = re.compile(r"\btotal\b", re.IGNORECASE)  # "... Back to supine max A x2. 8 min total."
#: a clock range ("10:05-10:20", "0905 to 0950")
_CLOCK_RANGE = r"\d{1,2}:?\d{2}\s*(?:-|\u2013|to)\s*\d{1,2}:?\d{2}"
_LEADING_CLOCK = re.compile(rf"[\s\-*\u2022]*{_CLOCK_RANGE}\b")
_BOUT_BEFORE = re.compile(r"\b(?:bouts?|sets?|rounds?|reps?|trials?)\s+of\s+$", re.IGNORECASE)
_BOUT_AFTER = re.compile(r"\s*(?:each|ea|x\s*\d|times|per|bouts?|intervals?|rounds?|sets?|trials?)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,.;]|\s(?:and\s+)?then\b")


_THEN = re.compile(r",?\s*\b(?:and\s+)?then\b|\bfollowed\s+by\b", re.IGNORECASE)
_INCLUDING = re.compile(r"\s*(?:incl\.?|including|consisting\s+of|made\s+up\s+of)\b", re.IGNORECASE)


def _then_chunks(line: str, mins: list[tuple[int, int, int]], doses: bool = True) -> list[tuple[int, int, int]]:
    """A narrative whose activities are joined by "then", each naming its time before its
    details ("... then strengthening for 15 min incl wrist curls 3x12, rice bucket digging
    2 min, ..., then worked on his job tasks 17 min so he can ..."): each part from one "then"
    to the next is an activity, and a time its details list after "incl" is a dose inside it.
    Used only when every part holds a time, and (with ``doses``) some part more than one (else
    the times of a long paragraph close their activities, ``_narrative_chunks``).
    ``(start, end, minutes)`` per activity."""
    bounds = [0] + [m.start() for m in _THEN.finditer(line)] + [len(line)]
    parts = [(x, y) for x, y in zip(bounds, bounds[1:]) if line[x:y].strip(" ,.;")]
    if len(parts) < 2:
        return []
    out = []
    several = False
    for x, y in parts:
        inside = [(m0, v) for m0, _m1, v in mins if x <= m0 < y]
        if not inside:
            return []
        several = several or len(inside) > 1
        first = inside[0][1]
        incl = _INCLUDING.search(line, x, inside[1][0]) if len(inside) > 1 else None
        if len(inside) > 1 and (incl is None or _SENTENCE.search(line, incl.end(), inside[-1][0])):
            return []  # (two times of one part without "incl" between, or in another sentence: not this shape)
        lead = len(line[x:y]) - len(line[x:y].lstrip(" ,.;"))
        out.append((x + lead, y, first))
    return out if several or not doses else []


_OPENS_LIST = re.compile(r"\s*\)?\s*(?:for\s+[^:.;,\n]{1,40})?(?::|\s[-\u2013\u2014]\s+(?!(?:and\s+)?then\b))", re.IGNORECASE)  # ("Tilt table 30 min for head/trunk control: ...", "job tasks for about 25 min - climbing ...")
_OPENING_THEN = re.compile(
    r"(?:\b(?:(?:we|pt|he|she|they)\s+)?(?:and\s+)?then\s+(?:(?:we|pt|he|she|they)\s+)?(?:(?:did|spent)\s+)?|\b(?:we|pt|he|she|they|i)\s+spent\s+)(?:~\s*|about\s+|approx\.?\s*|approximately\s+|roughly\s+|around\s+|another\s+)?$",
    re.IGNORECASE,
)


def _narrative_chunks(line: str, mins: list[tuple[int, int, int]]) -> list[tuple[int, int, int | None]]:
    """A long narrative paragraph that times its activities one after another ("... scar
    massage for about 6 min and then desensitization ..., about 10 minutes of the
    desensitizing, then tendon glides ... about 15 min for that part."): each time closes an
    activity and is its time. The cut falls at the end of the time's clause when only a few
    words follow it ("about 15 min for that part"), else right after the time; text after the
    last time joins the last activity. ``(start, end, minutes)`` per activity."""
    cuts: list[tuple[int, int | None]] = []
    inside = 0
    pending: int | None = None  # the time that opened the activity under way
    opened_at = 0
    for m0, m1, v in mins:
        if m0 < inside:
            continue  # a dose inside a headed sentence
        if _BOUT_BEFORE.search(line, max(0, m0 - 16), m0) or _BOUT_AFTER.match(line, m1):
            continue  # a bout's length ("three bouts of one minute", "1 min each x2", "3 min bouts") is a dose
        opening = _OPENING_THEN.search(line, max(0, m0 - 24), m0)
        if opening:
            # "..., then 15 min ther ex: ... 2x15, then 10 min transfer training ...": a time
            # right after "then" opens its activity, which runs to the next such time
            cuts.append((opening.start(), pending))
            pending = v
            opened_at = opening.start()
            continue
        if pending is not None:
            later = [m.end() for m in _SENTENCE.finditer(line, opened_at, m0)]
            if not later:
                continue  # a dose inside the activity a time opened
            # "... Then about eleven minutes on his posture ... . Mechanical traction after that,
            # ten minutes": a later sentence closed by its own time is the next activity
            cuts.append((later[-1], pending))
            pending = None
        if _OPENS_LIST.match(line, m1):
            # "... (12 minutes). Therapeutic exercise followed for 14 minutes: pulleys 2 min, ...":
            # a time before a colon heads its sentence, whose own times are doses
            opened = max(line.rfind(". ", 0, m0) + 2, 0)
            closes = line.find(". ", m1)
            inside = closes + 1 if closes >= 0 else len(line)
            cuts += [(opened, None), (inside, v)]
            continue
        end = _CLAUSE_END.search(line, m1)
        stop = end.start() if end else len(line)
        cuts.append((stop if len(line[m1:stop].split()) <= 4 else m1, v))
    if pending is not None:
        cuts.append((len(line), pending))
    out: list[tuple[int, int, int | None]] = []
    start = 0
    for c, v in cuts:
        if c > start and line[start:c].strip(" ,.;"):
            lead = len(line[start:c]) - len(line[start:c].lstrip(" ,.;"))
            out.append((start + lead, c, v))
            start = c
    if out and line[start:].strip(" ,.;"):
        out[-1] = (out[-1][0], len(line), out[-1][2])
    return _sum_totals(line, out, mins)


def _sum_totals(line: str, chunks: list[tuple[int, int, int | None]], mins: list[tuple[int, int, int]]) -> list[tuple[int, int, int | None]]:
    """Chunks whose times, in one sentence, a following "total" adds up ("passive for 3 min then
    active-assisted for 7 min ..., 10 min total on the cycle") are one activity with that total
    (not "... twelve minutes of walking. ... about eight minutes. Total about 20 minutes.")."""
    totals = {v for m0, m1, v in mins if _TOTAL_NEAR.search(line, max(0, m0 - 12), m0) or _TOTAL_AFTER.match(line, m1)}
    out: list[tuple[int, int, int | None]] = []
    for c0, c1, v in chunks:
        if v in totals and out:
            k, acc = len(out), 0
            while k > 0 and out[k - 1][2] is not None and acc + out[k - 1][2] <= v:  # type: ignore[operator]
                k -= 1
                acc += out[k][2]  # type: ignore[operator]
                if acc == v and len(out) - k >= 2 and _one_sentence(line, [_time_at(mins, *ch) for ch in out[k:]]):
                    out[k:] = [(out[k][0], c1, v)]
                    break
            else:
                out.append((c0, c1, v))
            continue
        out.append((c0, c1, v))
    return out


def _time_at(mins: list[tuple[int, int, int]], c0: int, c1: int, v: int | None) -> int:
    """Where the time ``v`` of the chunk ``c0:c1`` stands."""
    return next((m0 for m0, _m1, w in reversed(mins) if c0 <= m0 < c1 and w == v), c0)


def _one_sentence(line: str, positions: list[int]) -> bool:
    return not _SENTENCE.search(line, min(positions), max(positions))


def _close_on_times(line: str, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Run-on narrative that closes each activity with its time ("... moving them to an egg
    carton, lots of drops first round, 15 min, then he stacked cans ..., 14 min", "..., about
    15 min, aimed at postural support. Moved to the table ... ~20 minutes."): a part that is only
    a time ("about 15 min") closes the parts since the previous one, and a purpose clause right
    after it ("aimed at ...", "for isolated finger control") joins it; untimed parts after the
    last such time join it."""
    out: list[tuple[int, int]] = []
    start: int | None = None
    for p0, p1 in parts:
        piece = line[p0:p1]
        if start is None and out and _PURPOSE_CLAUSE.match(piece) and not minutes_in(piece):
            out[-1] = (out[-1][0], p1)
            continue
        start = p0 if start is None else start
        if minutes_in(piece) and (not _TIME_FILLER.sub(" ", _header_words(piece)).strip()):
            out.append((start, p1))
            start = None
    if out and out[0][0] == parts[0][0]:
        # sentences before the first timed one (who the patient is, what she reports) are
        # not part of the first activity
        time_at = next((m0 for m0, _m1, _v in minutes_in(line[: out[0][1]])), None)
        opened = [m.end() for m in _SENTENCE.finditer(line, out[0][0], time_at)] if time_at is not None else []
        if opened:
            out[0:1] = [(out[0][0], opened[-1]), (opened[-1], out[0][1])]
    if start is not None:
        tail = line[start : parts[-1][1]]
        if out and not minutes_in(tail):
            turn = next((p0 for p0, _p1 in parts if p0 >= start and line[:p0].rstrip().endswith(".") and _TRAILING_OFF.match(line, p0)), None)
            if turn is not None and turn > start:
                # "... roughly ten minutes, one LOB caught. He was supposed to do the bed
                # exercises but declined ...": what was not done is not the last activity
                out[-1] = (out[-1][0], turn)
                out.append((turn, parts[-1][1]))
            else:
                out[-1] = (out[-1][0], parts[-1][1])
        else:
            out.append((start, parts[-1][1]))  # (timed parts after the last closing time are their own)
    return out


_TRAILING_OFF = re.compile(r"[^.]*\b(?:declined|refused|deferred|held|did\s+not|didn'?t|was\s+supposed\s+to|not\s+part\s+of)\b", re.IGNORECASE)


_TIME_FILLER = re.compile(r"\b(?:about|approx|approximately|around|roughly|total|for|another|x)\b")
_PURPOSE_CLAUSE = re.compile(r"\s*(?:aimed\s+at|for|to\s+(?:improve|increase|work|address|promote|facilitate|build)|working\s+on|focus(?:ed|ing)?\s+on|targeting|in\s+order\s+to|so\s+(?:that|she|he|they|pt))\b", re.IGNORECASE)


def _attach_comments(line: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences without a time that follow a timed sentence comment on it ("Last ~12 min on
    the treadmill ... . She felt less knee load at 7.0 mph."): they join it."""
    out: list[tuple[int, int]] = []
    after_timed = False
    for s0, s1 in sentences:
        timed = bool(minutes_in(line[s0:s1]))
        if out and timed and _TIME_ONLY_SENTENCE.match(line[s0:s1]) and not minutes_in(line[out[-1][0] : out[-1][1]]):
            # "... twisting lids off containers. Approximately 10 minutes." times the sentence before
            out[-1] = (out[-1][0], s1)
            after_timed = True
            continue
        if after_timed and not timed:
            out[-1] = (out[-1][0], s1)
            continue
        out.append((s0, s1))
        after_timed = after_timed or timed
    return out


_TIME_ONLY_SENTENCE = re.compile(
    r"\s*(?:for\s+|that\s+took\s+|took\s+|time:?\s*)?(?:approximately|approx\.?|about|around|roughly|~)?\s*(?:\d{1,3}|[a-z]+(?:[- ][a-z]+)?)\s*(?:minutes|mins?|')(?:\s+total)?(?:\s+(?:for|on)\s+(?:that|this|it|those|these|them)(?:\s+part)?)?\s*[.;]?\s*(?=\[|$)",
    re.IGNORECASE,
)
_CLOSING_BLOCK = re.compile(r"(?:^|[\s,;.])(?P<name>[A-Za-z][A-Za-z/\-]*(?:\s[A-Za-z][A-Za-z/\-]*)?)\s+(?P<n>\d{1,3})\s*(?:minutes|mins|min|')?\s*$", re.IGNORECASE)


_LONE_BLOCK = re.compile(
    r"^[\s\-*\u2022]*(?P<name>[A-Za-z][A-Za-z/\-]*(?:\s[A-Za-z][A-Za-z/\-]*){0,2})\s*[:\-]?\s*(?:x\s*)?(?P<n>\d{1,3})\s*(?:minutes|mins|min|')"
    r"\s*\.?\s*(?:\([^()\n\d]{0,40}\))?\s*\.?\s*$",
    re.IGNORECASE,
)


def _lone_block(line: str) -> tuple[str | None, int] | None:
    """A line that is only a block's name and its time, perhaps with a remark in brackets
    ("TE 20'", "NMR: 12 min (see flowsheet)"): the block's code and minutes."""
    m = _LONE_BLOCK.match(line)
    return _named_block(_header_words(m.group("name")), m.group("name"), m.group("n")) if m else None


def _closing_block(line: str) -> tuple[str | None, int] | None:
    """A line closed by a block name and its minutes ("... tandem stnce on foam 3x30s  NMR 14",
    "... wrist curls 1# 2x10  TE 15"): the block's code and minutes."""
    m = _CLOSING_BLOCK.search(line)
    if not m or not line[: m.start()].strip(" -*\u2022"):
        return None
    name = m.group("name").lower()
    return _named_block(name, name, m.group("n"))


def _named_block(words: str, name: str, minutes: str) -> tuple[str | None, int] | None:
    """The code and minutes of a block whose name (``words``, normalised) is a block name and
    whose time is a plausible one."""
    if not _patterns()["block_name"].match(words) or not 0 < int(minutes) <= 240:
        return None
    return header_code(name), int(minutes)


def _minutes_weak(text: str) -> tuple[int | None, None, bool]:
    mins, weak = _block_minutes(text)
    return mins, None, weak


def _split_on(line: str, seps: tuple[str, ...]) -> list[tuple[int, int]] | None:
    cuts = [i for i, ch in enumerate(line) if ch in seps]
    if not cuts:
        return None
    bounds = [0] + [c + 1 for c in cuts] + [len(line) + 1]
    return [(bounds[i], bounds[i + 1] - 1) for i in range(len(bounds) - 1)]


def _at_sentence_ends(line: str, parts: list[tuple[int, int]] | None) -> list[tuple[int, int]] | None:
    """Comma-separated parts cut again where a sentence ends inside one ("..., about 8 minutes.
    Then we taught nerve sliders in sitting, ..."), so a time closing a sentence is a part."""
    if parts is None:
        return None
    return [(p0 + s0, p0 + s1) for p0, p1 in parts for s0, s1 in _sentences(line[p0:p1])] or None


def _sentences(line: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for m in _SENTENCE.finditer(line):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(line)))
    return [(x, y) for x, y in out if line[x:y].strip()]


def classify_segments(text: str, segments: list[Segment], model: LinearModel | None) -> list[Segment]:
    """Classify each segment; drop those that document nothing billable; give a bare block
    header's minutes to the code most of its lines share; merge run-on sentences."""
    from .api import suggest_parsed_many

    heads = {id(s.block) for s in segments if s.block is not None and s.block is not s}
    copied = _copied_regions(text)
    todo: list[tuple[Segment, str]] = []
    for seg in segments:
        if seg.block is seg and id(seg) in heads:
            continue  # a header with member lines: the members carry the content
        if any(a <= seg.start < b for a, b in copied):
            continue  # between "[Copied from 1/9 visit]" and "[End copied]": an earlier visit's text
        seg_text = text[seg.start : seg.end]
        if not seg_text.strip() or _PRIOR_VISIT.match(seg_text):
            continue  # (what an earlier visit's note said, carried into this one, is not today's)
        if _NOT_BILLED.search(seg_text):
            continue  # "Harness don/doff + device setup ~9 min (not billed)"
        if _COORDINATION.match(seg_text):
            continue  # "Talked on the phone with her coach for about ten minutes ...": care coordination
        if _OBSERVATION.match(seg_text) and (seg.minutes is None or seg.weak_minutes) and not _SETS_REPS.search(seg_text):
            continue  # "SpO2 94% -> 92% w/ transfers, recovered after 2 min seated rest", "Rest breaks x3"
        todo.append((seg, seg_text))
    # the note's segments are parsed and scored as one batch, step by step, as a batch of
    # segments is
    all_parsed = list(parse_many(t for _, t in todo))
    kept = []
    for (seg, seg_text), parsed, suggestion in zip(todo, all_parsed, suggest_parsed_many(all_parsed, model)):
        s = _shift(suggestion, seg.start)
        seg.suggestion = s
        named_service = seg.header_code is not None and seg.header_code not in THREE and seg.minutes is not None and not seg.weak_minutes
        if s.code in THREE and _measurement_only(parsed) and not named_service and (seg.minutes is None or seg.weak_minutes or not _anchored_minutes(seg_text)):
            # ("Fabrication (35 min): ... wrist 15 deg ext, MCPs 30 deg flex" is the header's service)
            continue  # (a line timed on its own is work done: "PROM shoulder flex 140, abd 110 - 5'")
        if seg.minutes is None and seg.block is None and (s.code in THREE or s.other_service in _TREATMENT_FINDINGS) and _reports_finding(seg_text):
            continue  # "TUG 18.2 s w/ cane | 30s CST 5", "Grip dyno L 102# (baseline 96#)."; (a line
            # listed under a block's header details the block: "9-hole peg (R 41 s), flipping cards")
        if s.code in THREE and _in_group(s, seg_text):
            seg.code = "97150"  # "Attended knee OA class (7 pts, 1 physio + 1 assistant): bike, step ups ..."
        elif s.code in THREE:
            seg.code = s.code
        elif s.other_service == "97150" and seg.minutes is None and _ONE_ON_ONE.search(seg_text):
            continue  # "Hippo PT - Tue group slot (individual rider)": the slot's name, not a group
        elif s.other_service == "97150" and (not _GROUP_SETTING.search(seg_text) or _ONE_ON_ONE.search(seg_text)):
            # "Paraffin ... 10 min. Therapist with other pt meantime": another patient nearby
            # makes no group, nor does "Individual after group 10:45-10:57: gait ..."; the
            # service is what else the line documents, if anything
            other = other_service_code(parsed, skip=_NOT_A_GROUP)
            if other is None:
                continue
            seg.code = other
        elif s.other_service:
            seg.code = s.other_service
        elif seg.block is seg and seg.minutes is not None and seg.header_code in THREE and _untimed_run_of(seg.header_code, kept):
            # "SLS on Airex EO/EC 4x30s ... \nNMR 10'": a block's name and time closing its
            # untimed lines
            seg.code = seg.header_code
        elif _names_only_its_service(seg, s):
            # "TE 20' (see flowsheet)", "NMR 12 min": a line that times the service it names and
            # documents nothing else is that service
            seg.code = seg.header_code
        else:
            continue
        # a block headed by a neighbouring service whose cues it holds is that service
        # ("Gait 10 min: to the bathroom and back ...", "Gait x15min: walking w/ heel strike
        # cues, mirror feedback" are gait training, not self-care or neuromuscular re-education)
        # (for one of the three codes only a gait, orthosis or self-care header named in words
        # overrides - "Brace fit / training 15 min: ... migration check after 20 squats",
        # "Showering 22 min: slide board to tub bench ..." - a header's CPT number is often
        # copied wrong, and a neighbouring header is no reason on its own)
        # (a line listed under a manual therapy header, "Manual:" over "MWM lat glide ... STM flexor
        # mass - 9 min", is read the same way: hands-on techniques name their service, where a
        # walking word under "Gait:" may only be exercise for endurance)
        block_code = seg.block.header_code if seg.header_code is None and seg.block is not None and seg.block is not seg else None
        head = seg.block if block_code == "97140" else None
        head_code = seg.header_code or (head.header_code if head is not None else None)
        head_text = text[seg.start : seg.end][:60] if head is None else text[head.start : head.end]
        family = _HEADER_FAMILY.get(head_code or "")
        overridable = s.code not in THREE or (head_code in ("97116", "97760", "97535", "97140", "97542") and (not _patterns()["code"].search(head_text) or _named_in_words(head_text, head_code)))
        one_on_one = family == "group" and bool(_ONE_ON_ONE.search(seg_text))  # "Individual after group 10:45-10:57:"
        if family and overridable and not one_on_one and seg.code != head_code and any(e.family == family and e.context == "performed" for e in s.evidence):
            seg.code = head_code
        elif seg.header_code in _HEADER_DECIDES:
            seg.code = seg.header_code
        elif seg.block is not None and seg.block.header_code in _HEADER_DECIDES:
            seg.code = seg.block.header_code  # a line listed under "Re-assessment 30 min:" or "Pool 40 min:"
        elif seg.code not in THREE:
            seg.code = _refined(_named_in_group(seg.code, seg_text), seg_text, text)
        if seg.code == "97112" and _UPPER_LIMB_PROSTHESIS.search(text) and _PROSTHETIC_CONTROL.search(seg_text):
            # "control training, picking up and releasing foam cubes" in a note about a
            # body-powered arm: training in the prosthesis' use, not motor control of the limb
            seg.code = "97761" if _FIRST_PROSTHETIC_VISIT.search(text) else "97763"
        eval_time = _EVALUATION_TIME.search(seg_text) if seg.minutes is not None and seg.code not in _EVALUATION_CODES else None
        if eval_time and _NEXT_TO_EVALUATION.search(seg_text, max(0, eval_time.start() - 14), eval_time.start()):
            eval_time = None  # "Treatment after re-eval 15 min:" times the treatment
        if eval_time and seg.minutes == int(eval_time.group(2)) and header_code(eval_time.group(1)) in _EVALUATIONS:
            # "... 30s chair stand 13. Re-eval 25 min.": the time is the re-evaluation's
            seg.code = _refined(header_code(eval_time.group(1)), seg_text, text)  # type: ignore[arg-type]
        if seg.code in _OT_EQUIVALENT and _is_ot_note(text):
            seg.code = _OT_EQUIVALENT[seg.code]  # "Eval 35 min" in an occupational therapy note
        if seg.minutes is not None and _GROUP_LINE.match(seg_text) and not _ONE_ON_ONE.search(seg_text) and _GROUP_SETTING.search(text[: seg.start]):
            seg.code = "97150"  # "Class 10:00-10:45: seated warm-up, ..." under "Balance Class (Zoom) -- 5 participants"
        kept.append(seg)
    by_head: dict[int, list[Segment]] = {}
    for seg in kept:
        if seg.block is not None and seg.block is not seg:
            by_head.setdefault(id(seg.block), []).append(seg)
    orphaned = [s for s in segments if s.block is s and id(s) in heads and id(s) not in by_head]
    for head in orphaned:
        if head.minutes is not None and head.header_code is not None and head.header_code not in THREE:
            # "[x] 97763 Prosthetic mgmt ... 6 min" over "- sleeve tear, pt shown how to reseal":
            # details that name no service of their own leave the header's service and time
            head.code = _refined(head.header_code, text[head.start : head.end], text)
            kept.append(head)
        elif head.minutes is not None and head.header_code in THREE and _untimed_run_of(head.header_code, [k for k in kept if k.end <= head.start]):
            # "Ther ex 12 min (rests excluded)." closing untimed exercise lines, over a line
            # that documents nothing ("Ambulation offered - pt declined")
            head.code = head.header_code
            kept.append(head)
    if orphaned:
        kept.sort(key=lambda s: s.start)
    for members in by_head.values():
        head = members[0].block
        if head is None or head.minutes is None:
            continue
        one_code = len({m.code for m in members}) == 1
        own = [m.minutes for m in members if m.minutes is not None and not m.weak_minutes]
        if not one_code and own and (sum(own) == head.minutes or len(own) >= 2 and sum(own) < head.minutes):
            # lines of different codes whose own minutes make up the header's, or fit inside
            # it ("PTA 2:05-2:30" over lines of 10', 8' and 5'), keep them
            continue
        if head.header_code is None and own and sum(own) < head.minutes and not text[head.start : head.end].rstrip().endswith(":"):
            continue  # a visit's clock ("PTA tx 9:00-9:45") over a vitals line and a line timed on its own
        untimed = [m for m in members if m.minutes is None]
        for m in members:
            m.minutes = None  # durations inside the listed exercises; the header gives the block time
        counts: dict[str, int] = {}
        for m in members:
            counts[m.code] = counts.get(m.code, 0) + 1  # type: ignore[index]
        top = max(counts, key=lambda c: (counts[c], -min(i for i, m in enumerate(members) if m.code == c)))
        first = next(m for m in members if m.code == top)
        first.minutes = head.minutes
        if top in THREE and counts[top] >= 2:
            for m in untimed:
                if m.code in THREE and counts[m.code] == 1:
                    m.code = top  # one untimed line of another kind among a timed block's lines is part of the block
    merged: list[Segment] = []
    for seg in kept:
        prev = merged[-1] if merged else None
        if prev and prev.code == seg.code and seg.minutes is None and "\n" not in text[prev.end : seg.start]:
            prev.end = seg.end
            continue
        merged.append(seg)
    return merged


_COPIED_START = re.compile(
    r"^\W*(?:(?:the\s+)?text\s+below\s+|begin(?:ning)?\s+(?:of\s+)?)?(?:copied|carried)(?:[- ](?:forward|fwd|over))?(?:\s+text)?\s+(?:from|below)\b",
    re.IGNORECASE | re.MULTILINE,
)
_COPIED_END = re.compile(r"^\W*end(?:\s+of)?\s+(?:the\s+)?(?:copied|carried)(?:[- ](?:forward|fwd|over))?(?:\s+text)?\W*$", re.IGNORECASE | re.MULTILINE)


def _copied_regions(text: str) -> list[tuple[int, int]]:
    """Spans of text an EHR carried in from an earlier note, from a line that opens the copy
    ("*** Text below carried forward from 08/15 - verify ***", "[Copied from 1/9 visit]") to a
    line that closes it ("[End copied]"); a copy that is never closed marks no span."""
    out = []
    pos = 0
    while (start := _COPIED_START.search(text, pos)) is not None:
        end = _COPIED_END.search(text, start.end())
        if end is None:
            break
        out.append((start.start(), end.end()))
        pos = end.end()
    return out


_NAME_ONLY = frozenset({"header", "dosing"})


def _names_only_its_service(seg: Segment, s: Suggestion) -> bool:
    """``seg`` is timed by its own minutes, names one of the three codes in its header, and its
    only evidence is that name, performed, and the dose."""
    if seg.header_code not in THREE or seg.minutes is None or seg.weak_minutes or seg.units is not None:
        return False
    if seg.block is not None and seg.block is not seg:
        return False  # (a line under a block's header, "TE 31 min = 2 units", sums the block)
    names = [e for e in s.evidence if e.family == "header"]
    return bool(names) and all(e.context == "performed" for e in names) and all(e.family in _NAME_ONLY for e in s.evidence)


def _untimed_run_of(code: str, kept: list[Segment]) -> bool:
    """The lines kept last, back to a timed one, include untimed lines of ``code``."""
    for seg in reversed(kept):
        if seg.minutes is not None:
            return False
        if seg.code == code and seg.block is None:
            return True
    return False


_NOT_A_GROUP = frozenset({"group"})
_AFTER_EVALUATION = re.compile(r"(?:tx|treatment|rx)?\s*(?:after|post|following)\s+(?:the\s+)?(?:re-?eval(?:uation)?|re-?assessment|eval(?:uation)?)\s*(?:\([^()\n]{0,20}\))?\s*[:\-]", re.IGNORECASE)
_NEXT_TO_EVALUATION = re.compile(r"\b(?:after|post|following|before|prior\s+to|then|w/o|without)\s*(?:the\s+)?$", re.IGNORECASE)
_EVALUATION_TIME = re.compile(
    r"\b(re-?eval(?:uation)?|eval(?:uation)?|re-?assessment)\b[^.;\n\d]{0,40}?(\d{1,3})\s*(?:minutes|mins?)\b", re.IGNORECASE
)
#: a note about an upper-limb prosthesis, and an item training its control
_UPPER_LIMB_PROSTHESIS = re.compile(
    r"\btrans-?(?:radial|humeral)\b|\b(?:shoulder|wrist|elbow)\s+disarticulation|\bpartial\s+hand\b|\bupper[- ](?:limb|extremity)\s+(?:amput|prosthe|loss|difference)"
    r"|\bmyoelectric\b|\bbody[- ]powered\b|\bterminal\s+device\b|\bsplit\s+hook\b",
    re.IGNORECASE,
)
_PROSTHETIC_CONTROL = re.compile(
    r"\bcontrol\s+training\b|\bprosthe\w*|\bTD\b|\bterminal\s+device\b|\bhook\b|\bmyo\b|\bsocket\b|\bharness\b|\bcable\b|\bgrip\s+(?:pattern|switch)",
    re.IGNORECASE,
)
_FIRST_PROSTHETIC_VISIT = re.compile(r"\b(?:initial|first)\s+(?:prosthetic\s+)?(?:training\s+)?(?:session|visit|encounter|fitting)\b", re.IGNORECASE)
#: a line telling of a call or message to someone other than the patient ("Spoke w/ RN ...",
#: "Called PCP office, left message ...", "Talked on the phone with her coach ...")
_COORDINATION = re.compile(
    r"\W*(?:(?:pt|patient|therapist|pta|ota|ot|i|we|also)\s+)?(?:talked|spoke|called|phoned|e-?mailed|texted|messaged|faxed|conferred"
    r"|left\s+(?:a\s+)?(?:message|vm|voicemail)|phone\s+call)\b"
    r"[^.;\n]{0,50}?\b(?:coach(?:es)?|md|dr\.?|doctor|physician|surgeon|office|case\s+manager|cm|teacher|nurse|rn|pa|np|employer|supervisor"
    r"|insurer|insurance|adjuster|orthotist|prosthetist|school|slp|team|pcp|vendor)\b",
    re.IGNORECASE,
)
_NOT_BILLED = re.compile(r"\b(?:not\s+billed|not\s+billable|non-?billable|unbilled|no\s+charge|not\s+charged)\b|\bnot\s+(?:counted|timed)\b(?![^\n]*\d\s*(?:minutes|mins?|'))|\bnot\s+part\s+of\s+(?:the|this|today'?s|my|our)\s+(?:visit|session|treatment|tx)\b", re.IGNORECASE)  # (not "3 min rest (not counted) - 10 min")
#: a line that opens with a vital sign, a rating or a rest reports how the patient responded
_OBSERVATION = re.compile(
    r"[\s\-*\u2022]*(?:(?:pre|post|pre-?tx|post-?tx|pre-?ex|post-?ex|rest(?:ing)?|baseline|start|end)\s*[:\-]\s*)?(?:spo2|sp02|o2\s+sats?|sats?|hr|bp|rr|heart\s+rate|blood\s+pressure|vitals?|v/s|rpe|borg|dyspn(?:o)?ea|doe|sob|fatigue|rest(?:\s+breaks?)?|seated\s+rest|(?:(?:mild|mod|moderate|severe|slight|some|min|minimal)\s+)?pain"
    r"|state(?=\s*:)|(?:pt|patient)\s+(?:tolerated|tol|restless|agitated|lethargic|drowsy|anxious|tearful)|tolerat(?:es|ed|ing))\b(?!\s*(?:neuroscience|education|ed\b|management|mgmt))",
    re.IGNORECASE,
)
#: an item told as an earlier visit's ("Per last visit 02/06: pt performed ...", "Prior session: ...")
_PRIOR_VISIT = re.compile(
    r"\W*(?:\(?(?:copied|carried)\s+(?:forward|fwd)(?:\s+from\s+[\w/.-]+)?\)?\s*[:,-]?\s*|(?:per|at|from|on|in)\s+)?(?:the\s+)?(?:last|prior|previous)\s+(?:visit|session|tx|treatment)\b[^:;.]{0,24}:",
    re.IGNORECASE,
)
#: physical therapy evaluation codes and their occupational therapy equivalents
_OT_EQUIVALENT = {"97161-97163": "97165-97167", "97161": "97165", "97162": "97166", "97163": "97167", "97164": "97168"}
_OT_TITLE = re.compile(r"\b(?:OT|OTR|OTR/L|COTA|OTA|OTS)\b|\boccupational\s+therap", re.IGNORECASE)
_PT_TITLE = re.compile(r"\b(?:PT|DPT|PTA|SPT|MPT)\b|\bphysical\s+therap|\bphysiotherap")


def _is_ot_note(text: str) -> bool:
    """An occupational therapy note: its opening names OT and no physical therapist."""
    opening = text[:240]
    return bool(_OT_TITLE.search(opening)) and not _PT_TITLE.search(opening)


def _named_in_group(code: str, seg_text: str) -> str:
    """``code``, or the one other code of its group the text names by number ("Orthotic mgmt
    [x] 97763" read as orthotic management is 97763, not 97760)."""
    group = _code_groups().get(code)
    if not group:
        return code
    named = {c for c in re.findall(r"\b\d{5}(?:-\d{5})?\b|\bG0283\b", seg_text) if c in group}
    return named.pop() if len(named) == 1 else code


_COMPLEXITY = re.compile(
    r"\b(low|moderate|mod|high)\b[\s-]+complexity|\bcomplexity\s*(?:level)?\s*(?:[:=\-]|is|was)?\s*(low|moderate|mod\b|high)", re.IGNORECASE
)


def _refined(code: str, seg_text: str, note_text: str) -> str:
    """An evaluation coded by its range is the code of the complexity the note states
    ("Eval complexity: high" -> 97163); a code the lexicon gives is another of its group when
    the item's own words say so ("orthosis recheck: strap adjustment" -> 97763, not 97760)."""
    by_level = _conf()["complexity_codes"].get(code)
    if by_level is not None:
        stated = {(m.group(1) or m.group(2)).lower() for m in _COMPLEXITY.finditer(note_text)}
        stated = {"moderate" if w == "mod" else w for w in stated}
        return by_level[stated.pop()] if len(stated) == 1 else code
    for when, unless, src, dst in _refinements():
        if code == src and when.search(seg_text) and not unless.search(seg_text):
            return dst
    return code


_EVALUATION_RANGES = frozenset({"97161-97163", "97165-97167"})


@lru_cache(maxsize=1)
def _refinements() -> list[tuple[re.Pattern[str], re.Pattern[str], str, str]]:
    return [(re.compile(r["when"], re.IGNORECASE), re.compile(r["unless"], re.IGNORECASE), r["from"], r["to"]) for r in _conf()["code_refinements"]]


@lru_cache(maxsize=1)
def _code_groups() -> dict[str, frozenset[str]]:
    return {c: frozenset(g) for g in _conf()["code_groups"] for c in g}


_HEADER_FAMILY = {"97116": "gait", "97140": "manual", "97535": "self_care", "97150": "group", "97760": "orthotic", "97542": "wheelchair"}
#: headers that code their block whatever it lists: anything done in a pool is aquatic therapy,
#: and the tests and measures under an evaluation header are the evaluation
_EVALUATIONS = frozenset({"97161-97163", "97164", "97165-97167", "97168"})
_HEADER_DECIDES = frozenset({"97113", "97750"}) | _EVALUATIONS


_EVALUATION_TOTAL = re.compile(
    r"\b(re-?eval(?:uation)?|eval(?:uation)?|re-?assessment)\s+(?:total|time)\s*(?:was\s+)?[:=]?\s*(\d{1,3})\s*(?:minutes|mins?)\b", re.IGNORECASE
)


def _evaluation_time_stated(text: str, items: list[LineItem]) -> list[LineItem]:
    """An evaluation's time stated anywhere in the note, its assessment included ("... High
    complexity (97163). Eval total 60 min."), when no evaluation item has minutes yet."""
    if any(i.code in _EVALUATION_CODES and i.minutes is not None for i in items):
        return items
    m = _EVALUATION_TOTAL.search(text)
    if m is None or not 0 < int(m.group(2)) <= 240:
        return items
    code = _refined(header_code(m.group(1)) or "", m.group(0), text)
    if code in _OT_EQUIVALENT and _is_ot_note(text):
        code = _OT_EQUIVALENT[code]
    if code not in _EVALUATION_CODES:
        return items
    same = next((i for i in items if i.code in _EVALUATION_CODES), None)
    if same is not None:
        return [LineItem(i.code, int(m.group(2)), i.start, i.end, i.suggestion) if i is same else i for i in items]
    return [*items, LineItem(code, int(m.group(2)), m.start(), m.end(), None)]


def _billed_to_content(items: list[LineItem], billed: dict[str, int]) -> list[LineItem]:
    """A ticked code with minutes ("[x] 97110 Ther Ex 15 min") that no block was coded as, in a
    note where exactly one timed item has no minutes: the box timed that block, which its
    content codes differently (a "Ther Ex" box over balance work). One leftover and one
    untimed item only; anything else is left as documented."""
    coded = {i.code for i in items}
    left = [c for c in billed if c not in coded]
    untimed = [k for k, i in enumerate(items) if i.minutes is None and is_timed(i.code)]
    if len(left) != 1 or len(untimed) != 1:
        return items
    k = untimed[0]
    return [replace(i, minutes=billed[left[0]]) if j == k else i for j, i in enumerate(items)]


def _drop_preamble(text: str, segs: list[Segment]) -> list[Segment]:
    """In a note that times its interventions, prose lines that document no time, dose or
    units are its history, subjective report and commentary, not untimed interventions: above
    the first timed line ("She ran 6 mi Tues w/ pain after mile 5 ..."), and further down when
    no timed line has the same code ("Walking pain-free; run/walk gets to 3/10 by min 6"). List
    items (indented or bulleted lines), headed blocks and lines with units, a dose or an assist
    level, or told as done ("We worked on ..."), stay."""
    timed = [k for k, g in enumerate(segs) if g.minutes is not None]
    if len(timed) < 2:
        return segs
    timed_codes = {segs[k].code for k in timed}
    out = []
    for k, g in enumerate(segs):
        line_start = text.rfind("\n", 0, g.start) + 1
        prose = text[line_start : line_start + 1] not in _LIST_MARKS
        body = text[g.start : g.end]
        # "3x10 ... TE 2 units", "We worked on getting up from the floor ... with min assist"
        documented = g.units is not None or _SETS_REPS.search(body) or _DONE_TODAY.search(body)
        untimed_prose = prose and g.minutes is None and g.header_code is None and g.block is None and g.code in THREE
        if untimed_prose and not documented and k < timed[0]:
            continue
        if untimed_prose and not documented and g.code not in timed_codes and not (_DOSING.search(body) or _SPOKEN_DOSE.search(body)):
            continue
        out.append(g)
    return out


_SPOKEN_DOSE = re.compile(r"\b(?:one|two|three|four|five|ten)\s+(?:by|x|times)\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|\d)", re.IGNORECASE)


_WITHHELD = re.compile(
    r"\b(?:rx|tx|treatment|session|therapy|visit|exercises?|ex's)\s+(?:was\s+|were\s+)?"
    r"(?:withheld|held|cancell?ed|deferred|not\s+(?:performed|commenced|started|done|completed|initiated))\b",
    re.IGNORECASE,
)
_LIST_MARKS = frozenset(" \t-*\u2022")
_DONE_TODAY = re.compile(
    r"\b(?:we|i)\s+(?:worked|practiced|practised|did|performed|trained)\b|^\s*(?:worked\s+on|practiced|practised|performed|trained)\b"
    r"|\b(?:min|mod|max|minimal|moderate|maximal)\s*(?:a|assist|assistance)\b|\b(?:cga|sba)\b|\bcontact\s+guard\b",
    re.IGNORECASE,
)
_SETS_REPS = re.compile(r"\b\d{1,2}\s*[x\u00d7]\s*\d{1,3}\b(?!\s*(?:wks?|weeks?|days?|mos?|months?)\b)", re.IGNORECASE)


_TOTAL_SENTENCE = re.compile(r"(?:^|[.;]\s+|\s--?\s+)\W*(?:[\w/+&(),-]+\s+){0,5}?total\b(?:\s+(?:of|for)\b)?", re.IGNORECASE)


def _sums_above(body: str) -> bool:
    """A line, or its closing sentence, that opens with a total ("Shoulder block total (UBE + TB +
    prone): 25 min", "... SLR 2x10. Total of exercises with bike 22 min."), unless it adds up
    the times before it in the same text ("... 3 min then ... 7 min. 10 min total on the cycle.")."""
    m = _TOTAL_SENTENCE.search(body)
    if m is None or _SETS_REPS.search(body, m.start()):
        return False
    total = minutes_in(body[m.start() :])
    before = [v for _a, _b, v in minutes_in(body[: m.start()])]
    return bool(total) and not (len(before) >= 2 and sum(before) == total[0][2])  # (not the total of its own parts)


def _fill_from_total(items: list[LineItem], totals: Totals, weak_only: dict[str, bool], in_units: set[str]) -> list[LineItem]:
    """When the note states its total timed minutes and exactly one timed service lacks
    minutes of its own (none, or only a short duration inside its description), that service
    gets the rest of the total, unless the note gives its units instead ("TE 2 units: ...")."""
    if totals.timed is None:
        return items
    timed = [i for i in items if is_timed(i.code)]
    unknown = [i for i in timed if i.minutes is None or weak_only.get(i.code, False)]
    named = [c for c in totals.units_by_code if is_timed(c)]
    if len(named) == 1 and units_for(totals.timed) == totals.units_by_code[named[0]] and all(i in unknown for i in timed if i.code != named[0]):
        # "Total timed: 42 min   TE 3 units" under rows timed in part: the one code billed in
        # units that fit the total took all of the timed minutes
        return [replace(i, minutes=totals.timed) if i.code == named[0] else i for i in items]
    if len(unknown) != 1 or unknown[0].code in in_units:
        return items
    rest = totals.timed - sum(i.minutes or 0 for i in timed if i is not unknown[0])
    if rest <= 0 or (unknown[0].minutes is not None and unknown[0].minutes * 2 > rest):
        # a duration inside the description that is most of the rest is the service's own time
        # ("NuStep L3 x 10 min" with 15 left); one that is a small part is one activity's
        # ("... putty pinch 3 min, web space stretch ..." with 30 left)
        return items
    return [replace(i, minutes=rest) if i is unknown[0] else i for i in items]


_GROUP_ACTIVITIES = frozenset({"97110", "97112", "97530", "97116"})
_ONE_ON_ONE = re.compile(r"\b(?:1:1|1-on-1|one[- ]on[- ]one|individual(?:ly)?|indiv|separate(?:ly)?)\b", re.IGNORECASE)


def _in_group(s: Suggestion, seg_text: str) -> bool:
    """The item documents its own group setting ("knee OA class 10:00-10:45 (7 pts ...)") and
    no one-on-one time: the exercise it lists is group therapy."""
    return (
        any(e.family == "group" and e.context == "performed" for e in s.evidence)
        and bool(_GROUP_SETTING.search(seg_text))
        and not _ONE_ON_ONE.search(seg_text)
    )


#: a group named as such: not only another patient passing by ("navigating around another pt")
#: (both uses also need a performed group cue, so the lexicon's decoys, "up 3 pts", "3 pts of
#: contact", "group home", already keep those phrases out)
_GROUP_SETTING = re.compile(
    r"\b(?:group|grp|class|concurrent(?:ly)?|\d{1,2}\s*(?:other\s+)?(?:pts|patients|participants|attendees|residents|clients|kids|children|peers|students|athletes|players|boxers|members|adults|seniors))\b",
    re.IGNORECASE,
)


_EVALUATION_CODES = frozenset({"97161", "97162", "97163", "97164", "97165", "97166", "97167", "97168"}) | _EVALUATIONS
#: codes whose untimed, undosed lines in an evaluation note are its findings ("Transfers: sit>stand
#: from w/c CGA, impulsive", "Gait: 80 ft no device, wide BOS, shuffling")
_FINDING_CODES = frozenset(THREE) | {"97116", "97542", "97129", "97750"}
#: services a score line in a treatment note is read as by its words ("TUG 14.6 s with cane",
#: "MoCA 25/30"), though it reports a finding
_TREATMENT_FINDINGS = frozenset({"97116", "97542", "97129", "97535", "97140"})
_NAMES_A_TEST = re.compile(r"\b97750\b|\bFCE\b|functional\s+capacity|(?:physical\s+)?performance\s+test", re.IGNORECASE)
_TEST_NOTE = re.compile(_NAMES_A_TEST.pattern + r"|\bre-?test\b|lift(?:ing)?\s+protocol", re.IGNORECASE)


def _drop_eval_findings(text: str, segs: list[Segment], totals: Totals, titled: bool) -> list[Segment]:
    """In a note that times an evaluation, its tests and measures are part of it: lines with no
    time, dose or units report its findings, and a test not billed as one (no "97750", FCE or
    performance test named) is no separate service."""
    timed = any(g.code in _EVALUATION_CODES and g.minutes is not None for g in segs) or _EVALUATION_CODES & set(totals.by_code)
    evaluation = timed or titled or _EVALUATION_TOTAL.search(text) is not None
    # (a timed performance test's items are its findings too: "2-hand carry 50 ft: 60# (goal 70)")
    test = any(g.code == "97750" and g.minutes is not None for g in segs) and _TEST_NOTE.search(text) is not None
    if not evaluation and not test:
        return segs
    out = []
    for g in segs:
        body = text[g.start : g.end]
        if evaluation and g.code == "97750" and not _NAMES_A_TEST.search(body) and g.header_code != "97750":
            continue
        body = _HELPERS.sub(" ", body)  # "Rolling dep x2": two helpers, not two sets
        undosed = not (_SETS_REPS.search(body) or _DOSING.search(body) or _SPOKEN_DOSE.search(body))
        if g.code in _FINDING_CODES and g.minutes is None and g.units is None and g.block is None and undosed:
            continue
        out.append(g)
    return out


_SWIM_SPORT = re.compile(r"\bswim(?:mer|mers|s)?\b|\bbreaststroke|\bbackstroke|\bfreestyl\w*|\bflyer\b|\byardage\b|\bswim\s+meet", re.IGNORECASE)
_AQUATIC_THERAPY = re.compile(r"\baquatic|\b97113\b|\baqua\b|\bpool\s+(?:therapy|tx|pt|session|program|programme|class)\b", re.IGNORECASE)
_AQUATIC_NOTE = re.compile(r"\baquatic|\bpool\b(?!\s+noodles?\b)|\b97113\b|\bin\s+(?:the\s+)?water\b", re.IGNORECASE)
_ON_LAND = re.compile(r"\b(?:dry\s+)?land\b|\bout\s+of\s+(?:the\s+)?(?:pool|water)\b|\b(?:after|following)\s+(?:the\s+)?pool\b", re.IGNORECASE)


_HELPERS = re.compile(r"\b(?:A|assist|asst|dep|dependent|max|mod|min|total)\s*(?:of\s*)?x\s*[1-3]\b(?!\s*\d)", re.IGNORECASE)
_EVALUATION_TITLE = re.compile(r"(?i:\b(?:initial\s+|re-?)?eval(?:uation)?\b|\bre-?assessment\b|\binitial\s+assessment\b)|\bIE\b")
_NOT_AN_EVALUATION_TITLE = re.compile(
    r"\b(?:progress(?!\s+(?:note\s*/\s*)?re-?eval)|daily|treatment|tx|capacity|performance|fce|driving\s+rehab|due|next|scheduled|pending|planned|to\s+follow)\b", re.IGNORECASE
)


def _titled_evaluation(text: str) -> tuple[int, int, str] | None:
    """The note's first line names it an evaluation ("PT Initial Evaluation - Neuro ICU",
    "OT Re-evaluation"): the line's span and the evaluation's code, its complexity and the
    discipline read from the note. A daily or progress note, a capacity or performance test
    and an evaluation still to come are not titled so."""
    a = len(text) - len(text.lstrip())
    b = text.find("\n", a)
    b = len(text) if b < 0 else b
    line = text[a:b]
    # (a long first line that goes on to the patient's story is titled by its opening words:
    # "PT PROGRESS RE-EVALUATION (q 90 days) - 12 yo F, SMA type 3, ...")
    m = _EVALUATION_TITLE.search(line if len(line) <= 100 else line[:50])
    if m is None or _NOT_AN_EVALUATION_TITLE.search(line) or minutes_in(line):
        return None
    word = m.group(0).lower()
    code = "97164" if word.startswith("re") else "97161-97163"
    code = _refined(code, line, text)
    if code in _OT_EQUIVALENT and _is_ot_note(text):
        code = _OT_EQUIVALENT[code]
    return a, b, code


_EXAM_LINE = re.compile(
    r"[\s\-*\u2022]*(?:re-?exam(?:ination)?|exam(?:ination)?|testing|tests|re-?test(?:ing)?|(?:objective|outcome)\s+measures|re-?assessment)\b", re.IGNORECASE
)


_TIMED_EXAM_HEADER = re.compile(
    r"^[ \t\-*\u2022]*(?:initial\s+)?(?:assessment|exam(?:ination)?)\s*[(\-:]?\s*(\d{1,3})\s*(?:minutes|mins?)\s*\)?\s*:?[ \t]*$", re.IGNORECASE | re.MULTILINE
)


def _time_the_evaluation(text: str, segs: list[Segment]) -> None:
    """In a note that documents an evaluation without its time, a timed line opened by the
    examination or its tests ("Re-exam (25 min): ISNCSCI repeated ...", "Testing on ground
    (20 min): GMFM-88 ...", "Retest + goal update 20 min") is the evaluation, whatever its
    words would make of it alone; so is a header line that is only the assessment and a time
    ("Assessment (55 min):") over the tests' lines."""
    evaluation = next((g for g in segs if g.code in _EVALUATION_CODES), None)
    if evaluation is None or any(g.code in _EVALUATION_CODES and g.minutes is not None for g in segs):
        return
    for g in segs:
        if g.minutes is not None and g.code not in _EVALUATION_CODES and _EXAM_LINE.match(text[g.start : g.end]):
            g.code = evaluation.code
            return
    header = _TIMED_EXAM_HEADER.search(text)
    if header is not None and 0 < int(header.group(1)) <= 240:
        evaluation.minutes = int(header.group(1))  # "Assessment (55 min):" over the tests' lines


_TEST_TIME = re.compile(r"^[ \t\-*\u2022]*(?:total\s+)?(?:testing|test)\s+time\s*[:=\-]?\s*(\d{1,3})\s*(?:minutes|mins?)\b", re.IGNORECASE | re.MULTILINE)


def _time_the_test(text: str, segs: list[Segment]) -> None:
    """A physical performance test documented without its time takes the note's "Testing time
    50 min, report sent to surgeon" line."""
    test = next((g for g in segs if g.code == "97750"), None)
    found = _TEST_TIME.search(text) if test is not None and all(g.minutes is None for g in segs if g.code == "97750") else None
    if found is not None and 0 < int(found.group(1)) <= 240:
        test.minutes = int(found.group(1))  # type: ignore[union-attr]


_TESTING_LINE = re.compile(r"[\s\-*\u2022]*(?:testing|test\s+battery|tests?)\b", re.IGNORECASE)


def _test_battery(text: str, segs: list[Segment]) -> None:
    """In a note titled as a physical performance or functional capacity test ("RTW physical
    performance test - ...", "Functional Capacity Evaluation, day 1 of 2"), a timed line opened
    by the testing ("Testing 45 min: floor-to-waist lift 45 lb x5 ...", "Test battery 0830-1100")
    is the test, whatever its lifting and carrying would make of it alone."""
    first = text.lstrip().split("\n", 1)[0]
    if not _NAMES_A_TEST.search(first) or any(g.code == "97750" and g.minutes is not None for g in segs):
        return
    for g in segs:
        if g.minutes is not None and g.code in THREE and _TESTING_LINE.match(text[g.start : g.end]):
            g.code = "97750"
            return


#: a note that is a job screen: "POST-OFFER FUNCTIONAL SCREEN - REPORT", "Applicant seen for post-offer functional screen"
_SCREEN_TITLE = re.compile(
    r"\b(?:post[- ]?offer|pre[- ]?employment|pre[- ]?placement|fit(?:ness)?[- ]for[- ]duty)\s+(?:functional\s+|physical\s+)?(?:screen(?:ing)?|test(?:ing)?)\b|\bfunctional\s+screen\b",
    re.IGNORECASE,
)
#: how long the screen took: "Screen start 0812 end 0902", "Start 1:05 PM / Finish 2:10 PM", "Screen took approx 35 min"
_SCREEN_SPAN = re.compile(
    r"\b(?:start(?:ed)?|began|begin)\s*[:@]?\s*(\d{1,2}):?(\d{2})\s*(?:[ap]\.?m\.?)?\s*[,/;|\-\u2013]*\s*(?:end(?:ed)?|finish(?:ed)?|stop(?:ped)?|done)\s*[:@]?\s*(\d{1,2}):?(\d{2})",
    re.IGNORECASE,
)
_SCREEN_TOOK = re.compile(r"\b(?:screen(?:ing)?|test(?:ing)?)\s+(?:took|lasted|time)\s*[:=]?\s*(?:approx\.?\s*|about\s+|~\s*)?(\d{1,3})\s*(?:minutes|mins?)\b", re.IGNORECASE)


def _screen(text: str, segs: list[Segment], totals: Totals) -> list[Segment]:
    """A note that documents a post-offer or fitness-for-duty screen (named in its first two
    lines) is one physical performance test: its lifting, carrying and tolerance items are the
    test (97750), timed by the screen's span or stated length, else by the visit's; what the
    applicant asked in passing ("asked about a wrist brace") is no service."""
    head = "\n".join(text.lstrip().split("\n", 2)[:2])
    if not _SCREEN_TITLE.search(head):
        return segs
    tested = [g for g in segs if g.code in THREE or g.code == "97750"]
    if not tested:
        return segs
    stated = next((g for g in tested if g.code == "97750" and g.minutes is not None), None)  # "Physical performance test (97750)   Time: 45 min"
    minutes = stated.minutes if stated is not None else _screen_minutes(text, totals)
    test = stated or tested[0]
    test.code, test.minutes, test.weak_minutes = "97750", minutes if minutes and 0 < minutes <= 240 else None, False
    return [g for g in segs if g is test or (g not in tested and g.minutes is not None)]


def _screen_minutes(text: str, totals: Totals) -> int | None:
    """How long a screen took: from its start to its end, else its stated length, else the visit's."""
    span = _SCREEN_SPAN.search(text)
    if span is not None:
        found = minutes_in("{}:{}-{}:{}".format(*span.groups()))  # (read as a clock range: past noon too)
        return found[0][2] if found else None
    took = _SCREEN_TOOK.search(text)
    return int(took.group(1)) if took is not None else totals.treatment


def _evaluation_title(segs: list[Segment], found: tuple[int, int, str] | None) -> list[Segment]:
    """A note titled as an evaluation (``found``, from ``_titled_evaluation``) whose lines name
    none documents one: the title is its line item (untimed unless the note states the
    evaluation's time)."""
    if found is not None and found[2] not in _EVALUATION_RANGES:
        for g in segs:
            if g.code in _EVALUATION_RANGES:
                g.code = found[2]  # "Tests and measures (25 min): GMFM-66 ..." under "PT PROGRESS RE-EVALUATION": the re-evaluation
    if found is None or any(g.code in _EVALUATION_CODES for g in segs):
        return segs
    title = Segment(found[0], found[1])
    title.code = found[2]
    return [title, *segs]


def _pool_session_at(text: str, at: int) -> bool:
    """The aquatic mention at ``at`` titles the note (its first line) or times a session in the
    water ("Pool 20 min: ...", "x35min in pool"), not a plan or a swim at home."""
    a = text.rfind("\n", 0, at) + 1
    b = text.find("\n", at)
    line = text[a : b if b >= 0 else len(text)]
    if _PLAN_LINE.match(line) or re.match(r"\W*(?:s|subj|subjective|p|plan|hx|history|pmh)\s*:", line, re.IGNORECASE):
        return False
    return not text[:a].strip() or bool(minutes_in(line))


def _in_the_pool(text: str, segs: list[Segment]) -> list[Segment]:
    """In an aquatic therapy note, the exercise, balance, activity and walking lines before the
    note turns to land ("Land:", "Then on land 10 min: ...") were done in the water: 97113."""
    first = next((m for m in _AQUATIC_NOTE.finditer(text) if _pool_session_at(text, m.start())), None)
    if first is None or (_SWIM_SPORT.search(text) and not _AQUATIC_THERAPY.search(text)):
        return segs  # (a swimmer's pool is the sport: "kick only in pool", "pool = flutter kick w/ fins")
    land = _ON_LAND.search(text, first.start())
    land_at = land.start() if land else len(text)
    for g in segs:
        named = g.header_code or (g.block.header_code if g.block is not None else None)
        if named not in (None, "97113"):
            continue  # a block of its own after the pool's ("[x] Ther Ex 0930-0940: bike 8 min")
        if g.code in THREE + ("97116",) and first.start() <= g.end and g.start < land_at and not _ON_LAND.search(text, g.start, g.end):
            g.code = "97113"
    return segs


_SET_NOTE = re.compile(r"\b93668\b|(?i:\bsupervised\s+exercise\s+(?:therapy|session|program))|\bSET\s+(?:session|PAD|visit|program)\b|\bSET\b[^\n]{0,12}#\s*\d")
_SET_NOT_BILLED = re.compile(r"\bnot\s+(?:a\s+)?covered|\bused\s+up\b|\bexhausted\b|\bnot\s+billed\b|\btimed\s+codes\b", re.IGNORECASE)


def _in_a_set_session(text: str, segs: list[Segment], totals: Totals) -> None:
    """In a note of supervised exercise therapy for claudication billed as such ("SET session
    #15", "Billed 93668 x1"), the walking and exercise are that one per-session service, timed
    by the session; a note that says the payer does not cover it ("SET not covered - timed
    codes billed") bills them as the timed services they are."""
    if not _SET_NOTE.search(text) or _SET_NOT_BILLED.search(text):
        return
    done = [g for g in segs if g.code in THREE + ("97116",)]
    for g in done:
        g.code = "93668"
    if done and totals.treatment is not None:
        for g in done:
            g.minutes = None
        done[0].minutes = totals.treatment  # the session's length


_GROUP_TIME = re.compile(rf"[\s\-*\u2022]*(?:(?:group|grp|class)\b[^:\n]{{0,20}}|time|session)?\s*[:\-]?\s*(?P<clock>{_CLOCK_RANGE})\s*[:.]?\s*", re.IGNORECASE)
_GROUP_LINE = re.compile(rf"[\s\-*\u2022\[]*(?:group|grp|class)\b[^\n]{{0,30}}?(?P<clock>{_CLOCK_RANGE})", re.IGNORECASE)


def _time_the_group(text: str, segs: list[Segment]) -> None:
    """A group session named without its time ("GROUP -- bladder & bowel class, 4 children")
    takes the time of a line of its own among the note's first lines ("Time: 4:00-4:50") or of
    a line opened by the group's name ("Class 10:00-10:45: seated warm-up, ..."), when no
    item carries it."""
    group = next((g for g in segs if g.code == "97150"), None)
    if group is None or any(g.code == "97150" and g.minutes is not None for g in segs):
        return
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for k, line in enumerate(lines):
        m = _GROUP_TIME.fullmatch(line) if k < 4 else None
        m = m or _GROUP_LINE.match(line)
        if m is not None and not _ONE_ON_ONE.search(line):
            found = minutes_in(m.group("clock"))
            if found:
                group.minutes, group.weak_minutes = found[0][2], False
                return


def _fold_into_group(text: str, segs: list[Segment]) -> list[Segment]:
    """In a group-therapy note, the exercise and activities described belong to the group
    session unless they form a coded block of their own or the line (or its block header) marks
    one-on-one time: they are not separate line items. Other services (a manipulation, a
    modality) stay."""
    if not any(s.code == "97150" for s in segs):
        return segs

    def one_on_one(seg: Segment) -> bool:
        head = seg.block if seg.block is not None else seg
        if _ONE_ON_ONE.search(text[seg.start : seg.end]) or _ONE_ON_ONE.search(text[head.start : head.end]):
            return True
        # a line ending with a colon earlier in the paragraph introduces it ("Individual
        # session after group, 0950-1010:")
        paragraph = re.split(r"\n\s*\n", text[: seg.start])[-1]
        intro = [ln for ln in paragraph.splitlines() if ln.rstrip().endswith(":")]
        return bool(intro) and bool(_ONE_ON_ONE.search(intro[-1]))

    group_clocks = [c for c in (_leading_clock(text[s.start : s.end]) for s in segs if s.code == "97150") if c is not None]

    def other_time(seg: Segment) -> bool:
        # "1330-1345 mat: rolling ..." after "0900-0945 UE strengthening group": a time of its own
        own = _leading_clock(text[seg.start : seg.end])
        return own is not None and bool(group_clocks) and all(own[1] <= g[0] or g[1] <= own[0] for g in group_clocks)

    kept = []
    individual = False  # a line after one-on-one time ("afterwards 1:1 w/ PT x12 min: ...",
    # "then 10 min sit<>stand ...") continues it, until the group is named again
    for s in segs:
        if s.code == "97150":
            individual = False
        elif one_on_one(s):
            individual = True
        if s.code == "97150" or s.code not in _GROUP_ACTIVITIES or s.header_code or individual or other_time(s):
            kept.append(s)
    return kept


#: ``_CLOCK_RANGE`` with its hours and minutes captured
_CLOCK_PARTS = re.compile(r"[\s\-*\u2022]*(\d{1,2}):?(\d{2})\s*(?:-|\u2013|to)\s*(\d{1,2}):?(\d{2})\b")


def _clocked_after(line: str, head: str) -> bool:
    """``line`` carries a clock range of its own that starts once the clock range of the block
    ``head`` has ended ("1:1 14:10-14:22" then "Then dryland w/ team (8 athletes) 14:25-15:10"):
    a new block, not one of the head's lines."""
    mine = _any_clock(line)
    theirs = _any_clock(head)
    return mine is not None and theirs is not None and mine[0] >= theirs[1]


def _any_clock(line: str) -> tuple[int, int] | None:
    """The first clock range anywhere in a line, as minutes of the day."""
    return _clock_span(_CLOCK_PARTS.search(line))


def _leading_clock(line: str) -> tuple[int, int] | None:
    """The clock range opening a line ("1330-1345 mat: ...") as minutes of the day."""
    return _clock_span(_CLOCK_PARTS.match(line))


def _clock_span(m: re.Match[str] | None) -> tuple[int, int] | None:
    if m is None:
        return None
    a = int(m.group(1)) * 60 + int(m.group(2))
    b = int(m.group(3)) * 60 + int(m.group(4))
    return (a, b if b > a else b + 12 * 60)


def _reports_finding(seg_text: str) -> bool:
    """The line gives a named test, scale or measuring tool with its score, and no sets or
    repetitions: a finding ("AIMS 45th %ile", "Y-balance ant reach R 62 / L 66 cm")."""
    return bool(_patterns()["finding"].search(seg_text)) and not _SETS_REPS.search(seg_text) and not _REPS.search(seg_text)


_REPS = re.compile(r"\b(?:reps?|repetitions?|sets?)\b|\b(?:x|times)\s?\d{1,2}\b(?!\s*(?:trials?|attempts?))", re.IGNORECASE)


def _measurement_only(parsed) -> bool:  # noqa: ANN001
    """The segment's performed therapy cues are all findings (degrees, grades, vitals, scale
    scores), with no exercise, technique, task or dosing: a measurement, not an intervention."""
    from .cues import CORE_FAMILIES

    values = set(_conf()["measurement_values"])
    words = set(_conf()["measurement_words"])
    core = [c.cue_id for c in parsed.cues if c.family in CORE_FAMILIES and c.context == "performed"]
    return any(c in values for c in core) and all(c in values or c in words for c in core)


def _shift(s: Suggestion, offset: int) -> Suggestion:
    from .types import Evidence

    ev = tuple(Evidence(e.text, e.start + offset, e.end + offset, e.cue, e.family, e.context) for e in s.evidence)
    return replace(s, evidence=ev)


@dataclass
class _Merged:
    code: str
    minutes: int | None
    start: int
    end: int
    suggestion: Suggestion | None
    segments: list[Segment] = field(default_factory=list)


def discipline(text: str) -> set[str]:
    """Who delivered care, from markers such as PTA, COTA, OTR (word-bounded)."""
    low = text.lower()
    return {disc for disc, marker_re in _discipline_res().items() if marker_re.search(low)}


@lru_cache(maxsize=1)
def _discipline_res() -> dict[str, re.Pattern[str]]:
    """One compiled pattern per discipline over all its markers."""
    return {
        disc: re.compile(r"(?<![\w/])(?:" + "|".join(re.escape(mk) for mk in markers) + r")(?![\w/])")
        for disc, markers in _conf()["discipline"].items()
    }


_OCR_NUMBER = re.compile(r"(?:(?<![A-Za-z0-9])|(?<=\d[xX])|(?<=\b[xX]))(?=[0-9Ool]*\d)[0-9Ool]*[Ool][0-9Ool]*(?:(?![A-Za-z0-9])|(?=min))")
_OCR_DIGITS = str.maketrans("Ool", "001")
_OCR_MINUTES = re.compile(r"(?<![A-Za-z0-9])[1l][0Oo](?=\s*min)")  # "lO min": both digits misread
_OXYGEN = frozenset({"O2"})
#: words that leave a phrase open at the end of a line, or carry one on at the start of the next
_JOINING = r"(?:at|to|of|for|with|without|w/|w/o|and|or|on|onto|in|into|from|per|the|a|an|not|by|via|before|after|between|&|\+)"
_OPEN_END = re.compile(rf"(?:,|(?<![A-Za-z/]){_JOINING})$")
_GOES_ON = re.compile(r"(?:on|of|to|with|w/|and|&|\+)\s")
_WRAP_MIN_CHARS = 40


def readable_layout(text: str) -> str:
    """``text`` as the segmenter should read it, with the same length so every offset still
    points into the original: numbers a scanner misread ("2O min", "l0 min", "l2") get their
    digits back, and a line wrapped in the middle of a phrase ("... cues heel strike & knee ext
    at" / "terminal stance ...") is joined to the next line (its newline becomes a space), so
    an item and its time are read as one line."""
    fixed = _OCR_NUMBER.sub(lambda m: m.group() if m.group() in _OXYGEN else m.group().translate(_OCR_DIGITS), text)
    fixed = _OCR_MINUTES.sub(lambda m: m.group().translate(_OCR_DIGITS), fixed)
    if "\n" not in fixed:
        return fixed
    lines = fixed.split("\n")
    chars: list[str] | None = None
    pos = 0
    for line, nxt in zip(lines, lines[1:]):
        pos += len(line) + 1  # the newline after ``line`` is at pos - 1
        if _is_wrapped(line.rstrip(), nxt):
            chars = chars or list(fixed)
            chars[pos - 1] = " "
    return fixed if chars is None else "".join(chars)


def _is_wrapped(line: str, nxt: str) -> bool:
    """A line broken inside a phrase: long, the next line going on in lower case, and either
    this line ends on a comma or a word that needs what follows ("at", "w/", "not"), or the next
    line starts with one ("on symmetrical WB")."""
    if len(line) < _WRAP_MIN_CHARS or not nxt[:1].islower():
        return False
    return bool(_OPEN_END.search(line) or _GOES_ON.match(nxt))


def _in_capitals(text: str) -> bool:
    """A note typed or exported all in capitals: lines in capitals then say nothing about
    headings, so the note is segmented in lower case (offsets unchanged)."""
    upper = sum(map(str.isupper, text))
    return upper >= 20 and sum(map(str.islower, text)) * 20 <= upper and len(text.lower()) == len(text)


def analyze(text: str, rule: str = "cms", model: LinearModel | None = None) -> NoteAnalysis:
    layout = readable_layout(text)
    segs, totals, billed = segment_note(layout.lower() if _in_capitals(layout) else layout)
    segs = classify_segments(text, segs, model)
    segs = _drop_preamble(text, segs)
    title = _titled_evaluation(text)
    segs = _evaluation_title(segs, title)
    _time_the_evaluation(text, segs)
    _time_the_test(text, segs)
    _test_battery(text, segs)
    segs = _screen(text, segs, totals)
    segs = _drop_eval_findings(text, segs, totals, titled=title is not None)
    segs = _in_the_pool(text, segs)
    _in_a_set_session(text, segs, totals)
    segs = _fold_into_group(text, segs)
    _time_the_group(text, segs)
    if _WITHHELD.search(text):
        # "Rx withheld - not safe to exercise today": what the note describes without a time
        # (the patient's walk in, the plan for next time) was not treatment; timed work done
        # before the session stopped stays
        segs = [s for s in segs if s.minutes is not None or not is_timed(s.code)]  # type: ignore[arg-type]
    _tally_to_content(totals, segs)
    by_code: dict[str, _Merged] = {}
    for seg in segs:
        if (seg.minutes is None or seg.weak_minutes) and seg.header_code and seg.header_code in billed:
            seg.minutes = billed.pop(seg.header_code)  # the block named on the billing line
            seg.weak_minutes = False
    weak_only: dict[str, bool] = {}
    for seg in segs:
        if seg.minutes is not None:
            weak_only[seg.code] = weak_only.get(seg.code, True) and seg.weak_minutes  # type: ignore[index]
        m = by_code.get(seg.code)  # type: ignore[arg-type]
        if m is None:
            by_code[seg.code] = _Merged(seg.code, seg.minutes, seg.start, seg.end, seg.suggestion, [seg])  # type: ignore[index]
        else:
            m.segments.append(seg)
            if seg.minutes is not None and m.minutes is not None and m.minutes <= seg.minutes and _sums_above(text[seg.start : seg.end]):
                # "Shoulder block total (UBE + TB + prone): 25 min" under a timed UBE row: the
                # total takes in the code's lines above it
                m.minutes = seg.minutes
            elif seg.minutes is not None:
                m.minutes = (m.minutes or 0) + seg.minutes
            if seg.suggestion and m.suggestion and seg.suggestion.confidence > m.suggestion.confidence:
                m.suggestion = seg.suggestion
    items = []
    for m in by_code.values():
        minutes = m.minutes
        if m.code in billed and (minutes is None or weak_only.get(m.code, False)):
            minutes = billed[m.code]
        if m.code in totals.by_code:
            minutes = totals.by_code[m.code]  # the note's own total for the code
            weak_only[m.code] = False
        items.append(LineItem(m.code, minutes, m.start, m.end, m.suggestion))
    for code, minutes in totals.by_code.items():
        if code not in by_code:
            # a tally names a service the text runs into another block ("Transfers 14 min, gait
            # 12 min, exercise 13 min" under one narrative paragraph): the tally documents it
            items.append(LineItem(code, minutes, *totals.by_code_at[code]))
    items = _beyond_stated_units(items, by_code, totals, weak_only)
    items = _evaluation_time_stated(text, items)
    items = _billed_to_content(items, billed)
    items = _fill_from_total(items, totals, weak_only, {s.code for s in segs if s.units is not None})
    # an evaluation named without its complexity or a time ("FOTO 58 (IE 41)", "PN at visit
    # 10") is a reference to one, not an evaluation performed today
    items = [i for i in items if not (i.code in _EVALUATION_RANGES and i.minutes is None)]
    timed = {i.code: i.minutes for i in items if is_timed(i.code) and i.minutes}
    cms = allocate(timed, "cms")
    ama = allocate(timed, "ama")
    warnings = _warnings(text, items, by_code, totals, cms, rule)
    units_by_rule = {"cms": cms.units, "ama": ama.units}
    untimed = {i.code: 1 for i in items if not is_timed(i.code)}
    for r in units_by_rule.values():
        r.update(untimed)
    return NoteAnalysis(
        items=tuple(items),
        total_timed_minutes=sum(timed.values()),
        units=units_by_rule[rule],
        warnings=tuple(warnings),
        rule=rule,
        units_by_rule=units_by_rule,
    )


def _beyond_stated_units(items: list[LineItem], by_code: dict[str, _Merged], totals: Totals, weak_only: dict[str, bool]) -> list[LineItem]:
    """A code whose minutes come from inside its description, or from some of its lines while
    others have none, and are far fewer than the units the note gives it ("TherEx - 2 units:
    stationary bike 8 min, SAQ/LAQ ...", table rows "Pulleys | 3 min" over "TE 3 units"): the
    minutes are an activity's, and the code's own time is not documented. (Fewer than 15
    minutes a unit beyond the first: the total-time method can give a code one unit more
    than its own minutes make, never two.)"""
    out = []
    for item in items:
        merged = by_code.get(item.code)
        stated = totals.units_by_code.get(item.code, 0) + sum(s.units or 0 for s in merged.segments) if merged else 0
        partial = merged is not None and (weak_only.get(item.code, False) or any(s.minutes is None for s in merged.segments))
        if item.minutes is not None and stated >= 2 and partial and item.minutes < 15 * (stated - 1):
            item = replace(item, minutes=None)
        out.append(item)
    return out


def _tally_to_content(totals: Totals, segs: list[Segment]) -> None:
    """A tally that names a block by its header ("Time: NMR 22 min, TA 12 min") times what the
    block holds: when every line under that header was coded by its content as one other code
    the tally does not name, the minutes are that code's."""
    for code in list(totals.by_code):
        content = {s.code for s in segs if s.header_code == code}
        if len(content) != 1 or code in content:
            continue
        (other,) = content
        if other is None or other in totals.by_code:
            continue
        totals.by_code[other] = totals.by_code.pop(code)
        totals.by_code_at[other] = totals.by_code_at.pop(code)


def _warnings(text: str, items: list[LineItem], by_code: dict[str, _Merged], totals: Totals, cms, rule: str) -> list[str]:  # noqa: ANN001
    out: list[str] = []
    codes = {i.code for i in items}
    out += pair_warnings(codes)
    timed_items = [i for i in items if is_timed(i.code)]
    for i in timed_items:
        if i.minutes is None:
            out.append(f"{i.code}: timed code with no minutes documented")
    known = [i.minutes for i in timed_items if i.minutes is not None]
    if totals.timed is not None and known and len(known) == len(timed_items) and sum(known) != totals.timed:
        out.append(f"stated total timed minutes {totals.timed} differ from the sum of the interventions ({sum(known)})")
    if len(timed_items) == 1 and timed_items[0].minutes is not None and timed_items[0].minutes < 8:
        out.append(f"{timed_items[0].code}: a lone timed service under 8 minutes is not billable")
    if cms.ties and rule == "cms":
        out.append(f"CMS allocation tie between {', '.join(cms.ties)}: the clinician chooses which code takes the last unit")
    for code, m in by_code.items():
        fams = {e.family for s in m.segments if s.suggestion for e in s.suggestion.evidence if e.context == "performed"}
        if code == "97110" and not fams & {"dosing"}:
            out.append("97110 documentation: no dosing (sets, repetitions, load or time) stated")
        if code == "97112" and not fams & {"balance", "proprioception", "coordination", "posture", "vestibular", "motor_control"}:
            out.append("97112 documentation: no balance, proprioceptive, coordination or postural target stated")
        if code == "97530" and not fams & {"functional_task"}:
            out.append("97530 documentation: no named functional task")
    who = discipline(text)
    if timed_items or items:
        if "PTA" in who:
            out.append("PTA delivered care: CQ modifier with GP on the lines the assistant furnished")
        if "OTA" in who:
            out.append("OTA delivered care: CO modifier with GO on the lines the assistant furnished")
        if ("OT" in who or "OTA" in who) and not ({"PT", "PTA"} & who):
            out.append("occupational therapy plan of care: GO modifier on every therapy line")
        elif {"PT", "PTA"} & who and not ({"OT", "OTA"} & who):
            out.append("physical therapy plan of care: GP modifier on every therapy line")
    return out
