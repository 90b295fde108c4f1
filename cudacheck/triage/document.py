"""Pasted text as normalised lines, with a cheap index from keywords to lines.

A paste is first brought back to the lines the programs printed: double spacing and a
terminal's hard wrap are undone (:func:`pasted_lines`), and each line loses what a log,
a quote or a terminal put around it (:func:`normalise_line`).

Every importer and the signature scanner ask the document for the lines that contain
a literal keyword (``lines_with("driver version")``); the document finds them with
``str.find`` over one lower-cased copy of its *distinct* lines (a repeated line is found
through its first occurrence), so the cost is linear in the input, a paste of repeats
costs what its distinct lines cost, and no regular expression ever runs over a line that
lacks its keyword.
"""
from __future__ import annotations

import bisect
from collections import Counter
import html
import re
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Optional, Tuple
from ..lazy_regex import lazy_compile

MAX_LINE = 8192
"""Longer lines are cut."""
STATEMENT_CHARS = 600
"""A statement is a sentence or two: the readers of a writer's own words read longer lines (logs, listings) only
this far, which also bounds the cost of their windowed expressions."""
_FREQUENT = 24
"""After this many lines found by searching the text a keyword is common: the later lines are tested one by one."""
_SPANNING_TEXT = 64 * 1024
"""Pastes up to this length are searched for message phrases a word wrap split over two lines."""

_SETTLED = lazy_compile(
    r"\b(?:is|was|are|were|has\s+been|have\s+been|got)\s+(?:now\s+|all\s+)?(?:gone|fixed|resolved|solved)\b|"
    r"\bworks?\s+(?:again|fine\s+now|now)\b|\b(?:now|again)\s+works?\b|\b(?:is|are)\s+working\s+(?:again|now)\b|"
    r"\bno\s+longer\s+(?:appears?|shows?\s+up|happens?|occurs?|get\s+(?:it|this|that))\b|\bdisappeared\b|"
    r"\bwent\s+away\b|\b(?:which|that|this)\s+is\s+(?:normal|expected|fine)\b(?!\s+(?:to|if|when|unless)\b)|"
    r"^\W{0,3}(?:which\s+)?(?:i\s+)?(?:fixed|resolved|solved)\s+(?:it\s+|that\s+)?(?:after|by|with|when)\b",
    re.IGNORECASE)
_SETTLED_WORDS = ("gone", "fixed", "resolved", "solved", "work", "no longer", "disappeared", "went away", "normal",
                  "expected", "fine")
"""One of these is in every settled sentence (the literal words of :data:`_SETTLED`)."""
_STILL = lazy_compile(r"\b(?:still|again\s+(?:fails?|failing|crash\w*|gives?|shows?)|but\s+now\b[^.]{0,40}\b(?:fails?|"
                      r"errors?|crash\w*))", re.IGNORECASE)


def settled(after: str) -> bool:
    """Whether the words after an error quoted in a sentence say it is over or expected ("… but after a reboot that is
    gone and nvidia-smi works", "I reinstalled it and nvidia-smi works again", "…: command not found, which is normal"
    on a login node): not the problem reported. A sentence that says it still happens is not settled."""
    window = after[:STATEMENT_CHARS]
    lowered = window.lower()
    if not any(word in lowered for word in _SETTLED_WORDS):
        return False  # (most lines after a message, long log lines among them, hold none: no expression runs)
    return bool(_SETTLED.search(window)) and not _STILL.search(window)


_QUOTE = lazy_compile(r"^[ \t]*(?:>(?!>>)[ \t]?)+")
_ANSI = lazy_compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_FENCE = lazy_compile(r"^\s*(?:```|~~~)")
_WORD = lazy_compile(r"[a-z0-9]+")
_LOG_PREFIX = lazy_compile(
    r"^(?:\[(?:rank|default)\d+\]:[ \t]?"  # torchrun's per-rank prefixes: "[rank0]: ", "[default3]:"
    r"|\[\d+,\d+\]<std(?:out|err)>:[ \t]?"  # mpirun --tag-output: "[1,0]<stderr>:"
    r"|[a-z0-9][\w.-]{0,62}?[-_]\d+[ \t]+\|[ \t]?"  # docker compose: "app-1  | ", "web_1  | "
    r"|\(\w*(?:,?\s?(?:pid|ip)=[\w.]+)+\)[ \t]+"  # Ray and vLLM workers: "(RayWorkerWrapper pid=123) ", "(raylet, ip=..)"
    r"|\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?[ \t]+"  # an ISO time stamp
    r"(?:std(?:out|err)[ \t]+[FP][ \t]+)?(?:[-|][ \t]+)?"  # containerd's "stderr F", logging's " - ", loguru's " | "
    r"(?:(?:\[(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)\]|(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)[ \t]+[-|])"
    r"[ \t]*(?:[\w.<>]+:[\w.<>]+:\d+[ \t]+-[ \t]+|\[[\w.<>-]+:\d+(?::[\w.<>]+)?\][ \t]*)?)?"
    # its level, when set off: "[INFO]", "INFO - "; its place: loguru's "m:f:12 - ", DeepSpeed's "[launch.py:321:main] "
    r"|\[[IWEF]\d{4}[ \t]+\d\d:\d\d:\d\d(?:\.\d+)?(?:[ \t]+\d+)?(?:[ \t]+[\w.-]+:\d+)?\][ \t]*"
    # torch's own (c10) log lines: "[W1014 04:34:42.337417130 ProcessGroupNCCL.cpp:1250] "
    r"|E[ \t]{3,}"  # pytest's failure lines: "E       RuntimeError: ..."
    r"|(?:DEBUG|INFO|WARNING|ERROR|CRITICAL)[ \t]+\d\d-\d\d[ \t]+\d\d:\d\d:\d\d(?:\.\d+)?[ \t]+\[?[\w./]+:\d+\][ \t]*"
    # vLLM's "INFO 05-01 12:00:00 [llm_engine.py:123] "
    r"|(?:WARNING|ERROR|CRITICAL):[\w.]+:"  # Python logging's default format: "ERROR:root:" (INFO lines stay marked)
    r"|[IWEF]\d{4}[ \t]+\d\d:\d\d:\d\d\.\d+[ \t]+\d+[ \t]+[\w.-]+:\d+\][ \t]*"  # glog: "E0501 12:00:00.123 77 x.cc:12] "
    r"|(?:[a-z][a-z0-9_-]*\d|\d{1,3}(?:\.\d{1,3}){3}):[ \t]"  # pdsh, DeepSpeed's multi-node: "worker-1: "
    r"|\#\d+[ \t]+\d+\.\d+[ \t]+"  # BuildKit's "#8 12.34 "
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[ \t]+\d{1,2}[ \t]+\d\d:\d\d:\d\d[ \t]+[\w.-]+[ \t]+"
    r"[\w./-]+(?:\[\d+\])?:[ \t]"  # journalctl and syslog: "May 01 12:00:00 node3 kernel: "
    r"|\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[ \t]+\w{3}[ \t]+\d{1,2}[ \t]+\d\d:\d\d:\d\d[ \t]+\d{4}\][ \t]*"  # dmesg -T
    r"|\[pod/[\w.-]+/[\w.-]+\][ \t]"  # kubectl logs --prefix: "[pod/trainer-0/main] "
    r"|[-*\u2022][ \t]+"  # a Markdown list's bullet
    r")+"
)
"""A log's line prefix (ranks, compose services, workers, time stamps): readers see the message after it."""
_CELL_PADDING = lazy_compile(r"[ \t]*\|[ \t]*")
_KEY_VALUE_ROW = lazy_compile(r"^\|(?P<key>[A-Za-z*][\w .()/*+-]{0,29})\|(?P<value>(?:[^|\s]|\s(?!\s\s))+)\|?$")
"""A row of a two-column Markdown table (an issue template's environment), its cells' padding taken off: a short
name, then one value without runs of spaces inside (nvidia-smi's cells have them)."""
_BOX_SIDES = ("\u2502", "\u2503", "\u2551")
"""The left and right sides of a frame drawn with box characters: ``│``, ``┃``, ``║``."""
_PREFIX_STARTS = frozenset("[(0123456789abcdefghijklmnopqrstuvwxyzDIWECFJMASOND-*#\u2022")
_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"'})
_FULL_WIDTH = str.maketrans({"\uff1a": ": ", "\uff08": "(", "\uff09": ")"})
"""A Chinese or Japanese input method's colon and parentheses, typed into a message ("undefined symbol：ncclX")."""
_ENTITIES = ("&lt;", "&gt;", "&quot;", "&#39;", "&#x27;", "&amp;")
_ESCAPED_LINE = lazy_compile(r"^.*\\n.*\\n.*$", re.M)
"""A line holding a whole message with its line breaks escaped: a JSON log's ``"msg"``, an exception's repr."""
_ESCAPE = lazy_compile(r"""\\(?:\\|[ntr"']|u[0-9a-fA-F]{4})""")
_UNESCAPED = {"\\n": "\n", "\\t": "\t", "\\r": "", "\\\"": '"', "\\'": "'", "\\\\": "\\"}
_HTML_BREAK = lazy_compile(r"<br\s*/?>(?:\r?\n)?", re.IGNORECASE)
"""A line break as a web page or a Markdown table cell writes it."""
_WINDOWS_PATH = lazy_compile(r"\b[A-Za-z]:\\(?!\\)")
"""A Windows path with single backslashes, where ``\\n`` begins a folder's name (``C:\\Users\\nick``), not a line."""


def plain_text(text: str) -> str:
    """A paste as it was typed: HTML entities and line breaks decoded, typographic quotes made plain.

    Text copied from a rendered page or a chat arrives with ``&lt;`` for ``<`` and curly
    quotes for ``'`` and ``"``, text retyped with a Chinese or Japanese input method with full-width colons and
    parentheses; messages are matched in the form programs print them.
    """
    if "&" in text and any(entity in text for entity in _ENTITIES):
        text = html.unescape(text)
    if any(mark in text for mark in "\u2018\u2019\u201c\u201d\u201e"):
        text = text.translate(_TYPOGRAPHIC)
    if any(mark in text for mark in "\uff1a\uff08\uff09"):
        text = text.translate(_FULL_WIDTH)
    if "\\n" in text:
        text = _ESCAPED_LINE.sub(_unescaped_line, text)
    if "<br" in text or "<BR" in text:
        text = _HTML_BREAK.sub("\n", text)
    return text


def _unescaped_line(match: "re.Match[str]") -> str:
    """A line with two or more escaped line breaks, as the lines it stands for (Windows paths left as they are)."""
    line = match.group(0)
    if _WINDOWS_PATH.search(line):
        return line
    return _ESCAPE.sub(_unescaped, line)


def _unescaped(escape: "re.Match[str]") -> str:
    """The character one escape stands for (JSON writes every non-ASCII character as ``\\uXXXX``)."""
    text = escape.group(0)
    if text[1] != "u":
        return _UNESCAPED[text]
    code = int(text[2:], 16)
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)  # half of a pair: not printable alone
_BOLD_LABEL = lazy_compile(r"^(?P<lead>\s*(?:[-*+]\s+)?)\*\*(?P<label>[^*\n]{1,80}?)(?P<colon>:?)\*\*(?P<after>\s*:)?")
"""An issue template's bold label ("**CUDA Version**: 11.3", "- **Driver Version:** 470"): read as "CUDA Version: 11.3"."""


def normalise_line(line: str) -> str:
    """One pasted line without quote prefixes (``> ``), log prefixes, ANSI colours or trailing blanks."""
    if "\x1b" in line:
        line = _ANSI.sub("", line)
    if "\xa0" in line or "\u200b" in line:
        line = line.replace("\xa0", " ").replace("\u200b", "")
    if line.lstrip(" \t").startswith(">"):
        line = _QUOTE.sub("", line, count=1)
    if line[:1] in _BOX_SIDES:  # a frame drawn around the text (rich's tracebacks and panels): "│ text   │"
        line = line[1:].rstrip()
        line = line[:-1].rstrip() if line[-1:] in _BOX_SIDES else line
        line = line[1:] if line[:1] == " " else line
    if line[:1] in _PREFIX_STARTS:
        line = _LOG_PREFIX.sub("", line, count=1)
    if _FENCE.match(line):
        return ""
    if (line[:1] == "|" or line.lstrip()[:1] == "|") and 2 <= line.count("|") <= 3:
        row = _KEY_VALUE_ROW.match(_CELL_PADDING.sub("|", line.strip()))
        if row is not None:  # a Markdown table of two columns: "| GPU | RTX 4090 |" reads as "GPU: RTX 4090"
            line = f"{row.group('key')}: {row.group('value')}"
    if "**" in line:
        line = _BOLD_LABEL.sub(lambda m: m.group("lead") + m.group("label") +
                               (":" if m.group("colon") or m.group("after") else ""), line, count=1)
    return line.rstrip()


_LINE_HEAD = lazy_compile(r"^(?P<prefix>\S[^\n]{0,46}?[|\]):>])[ \t]")
"""A line's head up to its first separator ("worker_1 stderr | ", "12:00:01 web.1  | ", "myapp> ")."""
_MESSAGE_HEAD = lazy_compile(r"(?:error|exception|warning|warn|note|nvrm|xid|traceback|caused by|handling)\W*$",
                             re.IGNORECASE)
_PATH_LIKE = lazy_compile(r"[A-Za-z_.~-][/\\]|[/\\][A-Za-z_.]")
_HIDDEN_MESSAGE = lazy_compile(r"\s*(?:Traceback \(most recent call last\)|File \"|[A-Z]\w*(?:Error|Exception)(?::|$))")
_DIGITS = lazy_compile(r"\d+")


def _prefix_shape(prefix: str) -> str:
    return _DIGITS.sub("0", prefix)


def shared_prefixes(lines: Iterable[str]) -> FrozenSet[str]:
    """The shapes (digits as ``0``) of line prefixes a paste's log puts before its messages, ones no pattern knows.

    A supervisor's ``worker_1 stderr | ``, honcho's ``12:00:01 web.1  | ``, an application's ``myapp> ``: a head
    up to a separator is a log prefix when three or more lines share its shape and one of them hides the start
    of a Python traceback or an exception behind it. A head that is a message itself ("RuntimeError:",
    "NVRM:") or a path (a warning's ``file.py:12:``) never is.
    """
    lines = list(lines)
    hiding = set()
    for line in lines:  # a traceback's frame line behind a head: cheap to find, and every traceback has one
        if 'File "' in line and not line.lstrip().startswith('File "'):
            head = _log_prefix(line)
            if head is not None and _HIDDEN_MESSAGE.match(line, head.end()):
                hiding.add(_prefix_shape(head.group("prefix")))
    if not hiding:
        return frozenset()
    counts = Counter(_prefix_shape(head.group("prefix")) for head in map(_log_prefix, lines) if head is not None)
    return frozenset(shape for shape in hiding if counts[shape] >= 3)


def _log_prefix(line: str) -> "Optional[re.Match[str]]":
    """A line's head when it can be a log prefix: not a message's start ("RuntimeError:"), not a path."""
    head = _LINE_HEAD.match(line)
    if head is None or _MESSAGE_HEAD.search(head.group("prefix")) or _PATH_LIKE.search(head.group("prefix")):
        return None
    return head


def without_shared_prefix(line: str, shapes: FrozenSet[str]) -> str:
    """A line without a prefix of one of ``shapes`` (see :func:`shared_prefixes`), normalised again."""
    head = _log_prefix(line)
    if head is None or _prefix_shape(head.group("prefix")) not in shapes:
        return line
    return normalise_line(line[head.end():])


@lru_cache(maxsize=2048)
def _keyword_words(keyword: str) -> "tuple[tuple[str, ...], Optional[str]]":
    """(inner words, longest word) of a keyword; keywords are a fixed set, so this is cached."""
    words = _WORD.findall(keyword)
    if not words:
        return (), None
    return tuple(words[1:-1]), max(words, key=len)


_TABLE_EDGE = ("|", "+", "=", "-")
"""How the lines of a drawn table (nvidia-smi's) start: equal in length by design, never wrapped."""
_TERMINAL_WIDTHS = frozenset((80, 100, 120, 132, 160, 200))
"""The window widths a hard wrap is recognised at: the terminals' defaults (Windows' console 120, xterm 80)."""
_COLUMN_GAP = lazy_compile(r"\S {3,}\S")


def pasted_lines(text: str) -> List[Tuple[int, str]]:
    """The paste's lines as they were printed, each with its line number in the paste.

    Two ways a copy changes lines are undone, each only where the whole paste shows it:
    *double spacing* (a blank line after every line: Windows' ``\\r\\r\\n``, some web pages), where the single
    blank lines are dropped; and a *terminal's hard wrap*, where every line longer than the window was cut at
    its width, so several lines have exactly the paste's greatest length, a common window width: each such
    line is joined with the next. Messages that span a cut or a blank are then read as one line again.
    """
    raw = text.splitlines()
    numbered = list(enumerate(raw, start=1))
    filled = [bool(line.strip()) for line in raw]
    if sum(filled) >= 4 and not any(a and b for a, b in zip(filled, filled[1:])) and \
            sum(1 for a, b, c in zip(filled, filled[1:], filled[2:]) if a and not b and c) >= 2:
        # no two printed lines touch and some are one blank apart: drop single blanks, keep longer gaps as one
        kept: List[Tuple[int, str]] = []
        for index, (number, line) in enumerate(numbered):
            if filled[index]:
                kept.append((number, line))
            elif index + 1 < len(raw) and not filled[index + 1] and (index == 0 or filled[index - 1]):
                kept.append((number, line))  # the first blank of a longer gap: the paste's own blank line
        numbered = kept
    lengths = [len(line) for _, line in numbered if not line.lstrip().startswith(_TABLE_EDGE)]
    width = max(lengths, default=0)
    if width not in _TERMINAL_WIDTHS or lengths.count(width) < 3 or \
            sum(len(_COLUMN_GAP.findall(line)) >= 2 for _, line in numbered if len(line) == width) * 2 >= \
            lengths.count(width):
        return numbered  # no common window width, or rows of an aligned listing (conda list) that are equal by design
    joined: List[Tuple[int, str]] = []
    pending: Optional[Tuple[int, str]] = None
    for number, line in numbered:
        if pending is not None and not line:
            joined.append(pending)  # a blank line ends it: the wrapped line was exactly as wide as the window
        elif pending is not None:
            number, line = pending[0], pending[1] + line
        pending = None
        if len(line) % width == 0 and len(line) > 0:
            pending = (number, line)  # cut at the window's width: the next line continues it
            continue
        joined.append((number, line))
    if pending is not None:
        joined.append(pending)
    return joined


_MISSPELLINGS = {
    "complied": "compiled", "kernal": "kernel", "avaliable": "available", "availabe": "available",
    "availble": "available", "avalible": "available", "avaiable": "available", "detcted": "detected",
    "dected": "detected", "missmatch": "mismatch", "memmory": "memory", "memroy": "memory", "capabilty": "capability",
    "capibility": "capability", "compatable": "compatible", "insufficent": "insufficient", "insuffient":
    "insufficient", "libary": "library", "intialize": "initialize", "initalize": "initialize", "verison": "version",
    "devive": "device", "devcie": "device",
}
"""Words of CUDA's and torch's messages as people mistype them retyping a message or a screenshot ("Torch not
complied with CUDA enabled", "no kernal image"): mended before any reader runs, so the message is read."""
_MISSPELT = lazy_compile(r"\b(?:" + "|".join(_MISSPELLINGS) + r")\b", re.IGNORECASE)


def _mended(line: str, misspelt: "set[str]") -> str:
    """A line with its misspelt message words written right (a capital kept where the typo had one)."""
    def right(match: "re.Match[str]") -> str:
        word = match.group(0)
        fixed = _MISSPELLINGS.get(word.lower())
        if fixed is None or word.lower() not in misspelt:
            return word
        return fixed.upper() if word.isupper() else fixed[0].upper() + fixed[1:] if word[0].isupper() else fixed
    return _MISSPELT.sub(right, line)


class Document:
    """The lines of one paste (normalised), their lower-case twins and a keyword index."""

    def __init__(self, text: str) -> None:
        lines: List[str] = []
        origin: List[int] = []
        normalised: Dict[str, str] = {}  # a repeated line is normalised once
        for number, raw in pasted_lines(text):  # escaped line breaks were undone by plain_text, the one place
            part = raw[:MAX_LINE]
            line = normalised.get(part)
            if line is None:
                line = normalised[part] = normalise_line(part)
            lines.append(line)
            origin.append(number)
        shapes = shared_prefixes(normalised.values())
        if shapes:  # rare: a log prefix no pattern knows, shared by the paste's lines
            lines = [without_shared_prefix(line, shapes) for line in lines]
        self.origin = origin
        self._index(lines)
        self._tokens = set(_WORD.findall(self._search_text))
        misspelt = self._tokens & _MISSPELLINGS.keys()
        if misspelt:  # rare: mend the few lines holding one, then index again
            lines = [_mended(line, misspelt) if any(word in low for word in misspelt) else line
                     for line, low in zip(lines, self.lower)]
            self._index(lines)
            self._tokens = set(_WORD.findall(self._search_text))

    def _index(self, lines: List[str]) -> None:
        """The lines, their lower-case twins and the keyword index over the distinct ones."""
        self.lines = lines
        self.text = "\n".join(lines).lower()
        self.lower = self.text.split("\n") if lines else []
        # Keywords are searched in the distinct lines only: long pastes (training logs, a report
        # pasted twice) are mostly repeats, and a repeat is found through its first occurrence.
        first: Dict[str, int] = {}
        distinct: List[int] = []
        repeats: Dict[int, List[int]] = {}
        for index, line in enumerate(self.lower):
            earlier = first.setdefault(line, index)
            if earlier == index:
                distinct.append(index)
            else:
                repeats.setdefault(earlier, [earlier]).append(index)
        self._distinct = distinct
        self._distinct_lower = [self.lower[index] for index in distinct]
        self._repeats = repeats
        self._search_text = "\n".join(self._distinct_lower)
        starts = [0] * len(distinct)
        position = 0
        for slot, index in enumerate(distinct):
            starts[slot] = position
            position += len(self.lower[index]) + 1
        self._starts = starts
        self._cache: Dict[str, List[int]] = {}
        self._vocabulary = ""
        self._flat: Optional[str] = None
        self._line_starts: List[int] = []

    def __len__(self) -> int:
        return len(self.lines)

    def has(self, keyword: str) -> bool:
        """Whether a lower-case keyword occurs anywhere."""
        return keyword in self.text

    def lines_with(self, keyword: str, distinct: bool = False) -> List[int]:
        """Indices of the lines containing a lower-case keyword, in order.

        ``distinct`` leaves out lines identical (in lower case) to an earlier line: a reader
        that judges each line on its own learns nothing new from a repeat.
        """
        key = "\0" + keyword if distinct else keyword
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        found = self._first_lines_with(keyword)
        if not distinct and self._repeats and any(index in self._repeats for index in found):
            every: List[int] = []
            for index in found:
                every.extend(self._repeats.get(index, (index,)))
            found = sorted(every)
        self._cache[key] = found
        return found

    def _first_lines_with(self, keyword: str) -> List[int]:
        """The first occurrences of the distinct lines that contain a keyword, in order."""
        cached = self._cache.get("\0" + keyword)
        if cached is not None:
            return cached
        found: List[int] = []
        if self._may_contain(keyword):
            text, starts, distinct = self._search_text, self._starts, self._distinct
            position = text.find(keyword)
            while position != -1:
                slot = bisect.bisect_right(starts, position) - 1
                found.append(distinct[slot])
                if len(found) == _FREQUENT:  # a common keyword: testing each later line is cheaper than finding
                    lower = self._distinct_lower
                    found.extend(distinct[later] for later in range(slot + 1, len(distinct))
                                 if keyword in lower[later])
                    break
                next_line = starts[slot + 1] if slot + 1 < len(starts) else len(text)
                position = text.find(keyword, max(next_line, position + 1))
        self._cache["\0" + keyword] = found
        return found

    def _may_contain(self, keyword: str) -> bool:
        """A cheap necessary condition for ``keyword in text``, checked on the text's vocabulary.

        Every word *inside* a phrase must be a word of the text, and the keyword's longest
        word must occur within some word of the text (edge words may be parts of longer
        words). The vocabulary is far smaller than the text, so most keywords that cannot
        occur are rejected without scanning the whole input.
        """
        if not self._vocabulary:
            self._vocabulary = "\n".join(t for t in self._tokens if not t.isdigit())
        inner, longest = _keyword_words(keyword)
        if longest is None:
            return True
        if any(word not in self._tokens for word in inner):
            return False
        return longest.isdigit() or longest in self._vocabulary

    def lines_spanning(self, keyword: str) -> List[int]:
        """Indices of the lines where a keyword of several words begins and a following line ends it: a phrase a
        word wrap split ("…no kernel image is" / "available for execution…"). Only in pastes up to
        ``_SPANNING_TEXT`` characters: an editor's or a mail's wrap is a report's, not a log's."""
        if " " not in keyword or len(self.text) > _SPANNING_TEXT or not self._may_contain(keyword):
            return []
        if self._flat is None:
            self._flat = self.text.replace("\n", " ")  # the same offsets: a line break read as the space it was
            starts, position = [], 0
            for line in self.lower:
                starts.append(position)
                position += len(line) + 1
            self._line_starts = starts
        flat, starts = self._flat, self._line_starts
        found: List[int] = []
        position = flat.find(keyword)
        while position != -1:
            first = bisect.bisect_right(starts, position) - 1
            if bisect.bisect_right(starts, position + len(keyword) - 1) - 1 > first and first not in found:
                found.append(first)
            position = flat.find(keyword, position + 1)
        return found

    def lines_with_any(self, keywords: Iterable[str], distinct: bool = False) -> List[int]:
        """Indices of the lines containing at least one keyword, in order, each once."""
        seen = set()
        for keyword in keywords:
            seen.update(self.lines_with(keyword, distinct))
        return sorted(seen)

    def occurrences(self, index: int) -> int:
        """How many times the line at ``index`` occurs in the document (itself and its identical repeats)."""
        return len(self._repeats.get(index, (index,)))

    def line(self, index: int) -> str:
        """The normalised line at ``index`` ("" outside the document)."""
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def number(self, index: int) -> int:
        """The 1-based line number in the original input."""
        return self.origin[index] if 0 <= index < len(self.origin) else index + 1

    def previous_nonblank(self, index: int, limit: int = 3) -> Optional[int]:
        """The index of the previous non-blank line within ``limit`` lines, or None."""
        for candidate in range(index - 1, max(index - 1 - limit, -1), -1):
            if self.lines[candidate].strip():
                return candidate
        return None

    def next_nonblank(self, index: int, limit: int = 3) -> Optional[int]:
        """The index of the next non-blank line within ``limit`` lines, or None."""
        for candidate in range(index + 1, min(index + 1 + limit, len(self.lines))):
            if self.lines[candidate].strip():
                return candidate
        return None
