"""Secrets never leave cudacheck: one place that finds them in text and masks them.

Pasted bug reports, environment values and config files carry credentials by
accident: ``HF_TOKEN=hf_…`` in an ``env`` dump, ``PIP_INDEX_URL`` with a password,
``DATABASE_URL=postgres://user:pw@…``, a ``.condarc`` or ``.netrc`` pasted whole,
a private key. Every text cudacheck writes (all formats, ``-v``, error lines, saved
snapshots) and every pasted text it reads passes through :func:`redact`, which
replaces the secret part with :data:`MARKER` and keeps everything else.

What counts as a secret:

- tokens of a known shape, wherever they stand: Hugging Face ``hf_…``, OpenAI and
  Anthropic ``sk-…``, NGC ``nvapi-…``, AWS key ids ``AKIA…``, GitHub ``ghp_…``/
  ``github_pat_…``, GitLab ``glpat-…``, Slack ``xox…-``, Google ``AIza…``, PyPI
  ``pypi-…``, npm ``npm_…``, Stripe ``sk_live_…``, JSON web tokens, PEM private keys;
- the password in a URL (``scheme://user:password@host``, kept: scheme, user, host),
  and a long token used as the user (``https://<token>@github.com``), conda's
  ``/t/<token>/`` channel tokens;
- the value assigned to a name that says it is secret: ``*_TOKEN``, ``*_KEY``,
  ``*SECRET*``, ``*PASSWORD``/``*PASSWD``/``*_PWD``, ``*CREDENTIALS``, ``AUTH``,
  ``Authorization:`` headers, ``--token``/``--password`` flags, ``.netrc`` passwords
  (as ``NAME=value``, ``NAME: value``, ``"NAME": "value"``, quoted or not).

What stays: driver and CUDA versions, GPU names and UUIDs, PCI ids, paths, package
versions, git hashes — everything triage needs. A bare 40-digit hex string (a W&B
key, but also every git commit) is a secret only when a secret name or ``.netrc``
introduces it.

Masking keeps the text's shape: quotes, separators and line breaks stay, so JSON
stays valid JSON, line numbers still point at the same lines, and the marker is
plain ASCII that every output format carries unchanged.
"""
from __future__ import annotations

import bisect
import re
from typing import Callable, Iterable, Iterator, List, Optional, Sequence, Tuple

MARKER = "[REDACTED]"
"""What a secret is replaced with."""

_NOT_WORD_BEFORE = r"(?:(?<![A-Za-z0-9_])|(?<=\\[nrt]))"
"""Not inside a word, but right after an escaped line break of a JSON string is fine."""
_NOT_NAME_BEFORE = r"(?:(?<![A-Za-z0-9_/.\\-])|(?<=\\[nrt]))"
"""A name starts a word and is no part of a path (``/etc/passwd``) or of a dotted name."""
_NOT_WORD_AFTER = r"(?![A-Za-z0-9_])"

# Names whose value is a secret. The secret word ends the name (HF_TOKEN, PGPASSWORD,
# aws_secret_access_key) so that TokenError or max_tokens are not taken for one.
_SECRET_NAME = (
    r"(?:[A-Za-z0-9]+[_.-])*[A-Za-z0-9]*"
    r"(?:token|secret|secret[_-]?key|passw(?:or)?d|[_-]pwd|api[_-]?key|apikey|access[_-]?key|"
    r"private[_-]?key|(?<![_-]by)[_-]key|credentials?|auth)"  # not Thrust's unique_by_key / sort_by_key
)
_VALUE = (
    r"(?P<value>"
    r"\\\"(?:[^\"\\\n]|\\[^\"\n])*\\\"|"   # \"escaped quotes\" (inside a JSON string)
    r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|"  # "quoted" or 'quoted', escapes included
    r"(?!" + re.escape(MARKER) + r")[^\s\"',;\\`)}\]]+)"  # bare, up to a delimiter
)


def _keep_quotes(value: str) -> str:
    for quote in ('\\"', '"', "'"):
        if len(value) >= 2 * len(quote) and value.startswith(quote) and value.endswith(quote):
            return quote + MARKER + quote
    return MARKER


def _mask_value(match: re.Match[str]) -> str:
    """Mask the ``value`` group, keep the rest of the match (the name, separators, quotes)."""
    whole, offset = match.group(0), match.start()
    start, end = match.span("value")
    return whole[:start - offset] + _keep_quotes(match.group("value")) + whole[end - offset:]


def _mask_whole(match: re.Match[str]) -> str:
    return MARKER


def _mask_pem(match: re.Match[str]) -> str:
    body = match.group("body")
    return match.group("begin") + MARKER + "\n" * body.count("\n") + (match.group("end") or "")


def _mask_channel_token(match: re.Match[str]) -> str:
    """A conda channel token in ``…/t/<token>/…``; a forum topic's slug in the same place
    (``forums.developer.nvidia.com/t/cuda-error-999-after-update/113151``: three or more words of
    letters) is no secret and stays."""
    words = [part for part in match.group("token").lower().split("-") if part.isalpha() and len(part) >= 2]
    if len(words) >= 3:
        return match.group(0)
    return f"{match.group('host')}/t/{MARKER}"


class _Pattern:
    """One kind of secret: literals that must occur (a cheap pre-check), a regex, a mask.

    Most secrets sit on one line: such a pattern runs only over the lines that hold one of its
    needles (or, with ``anchor``, a match of that cheaper expression over the lower-cased text),
    so a 1 MiB training log in which every line says ``tokens/s`` costs a scan, not a regex run
    over every character. ``spans_lines`` patterns (PEM keys, ``.netrc``) run over the whole text.
    """

    def __init__(self, needles: Sequence[str], regex: str, mask: Callable[[re.Match[str]], str],
                 flags: int = 0, anchor: Optional[str] = None, spans_lines: bool = False) -> None:
        self.needles = tuple(needles)
        self.source = regex
        self.flags = flags
        self.mask = mask
        self.anchor = anchor
        self.spans_lines = spans_lines
        self._compiled: Optional[re.Pattern[str]] = None
        self._anchor: Optional[re.Pattern[str]] = None

    def _regex(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.source, self.flags)
        return self._compiled

    def apply(self, text: str, searched: str, whole: "_LowerText") -> str:
        """``text`` masked; ``searched`` (its lower-cased distinct lines) rules the pattern out cheaply,
        ``whole`` (its lower-cased lines, all of them) finds the lines to run over."""
        if not any(needle in searched for needle in self.needles):
            return text
        if self.spans_lines:
            return self._regex().sub(self.mask, text)
        if self.anchor is not None:
            if self._anchor is None:
                self._anchor = re.compile(self.anchor)
            if self._anchor.search(searched) is None:
                return text
            rows = whole.rows_of(match.start() for match in self._anchor.finditer(whole.text))
        else:
            rows = whole.rows_of(whole.positions(self.needles))
        if not rows:
            return text
        lines = text.split("\n")
        regex = self._regex()
        for row in rows:
            lines[row] = regex.sub(self.mask, lines[row])
        return "\n".join(lines)


class _LowerText:
    """The lower-cased text and where its lines start, made once per :func:`redact` call and only
    when some pattern's needle occurs. Masking keeps every line break, so a row found here is the
    same row of the text being masked."""

    def __init__(self, text: str) -> None:
        self._source = text
        self._text: Optional[str] = None
        self._starts: Optional[List[int]] = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._source.lower()
        return self._text

    def positions(self, needles: Sequence[str]) -> Iterator[int]:
        text = self.text
        for needle in needles:
            at = text.find(needle)
            while at >= 0:
                yield at
                at = text.find(needle, at + len(needle))

    def rows_of(self, positions: Iterable[int]) -> List[int]:
        if self._starts is None:
            text = self.text
            starts = [0]
            at = text.find("\n")
            while at >= 0:
                starts.append(at + 1)
                at = text.find("\n", at + 1)
            self._starts = starts
        starts = self._starts
        return sorted({bisect.bisect_right(starts, position) - 1 for position in positions})


_PATTERNS: Tuple[_Pattern, ...] = (
    # PEM private keys (RSA, EC, OPENSSH, PGP ...), also cut short at the end of a paste.
    _Pattern(["private key"],
             r"(?P<begin>-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)(?P<body>.*?)"
             r"(?:(?P<end>-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)|\Z)",
             _mask_pem, re.DOTALL, spans_lines=True),
    # Token shapes, wherever they stand (one pattern per family: a paste rarely holds any).
    *(_Pattern(needles, _NOT_WORD_BEFORE + r"(?:" + shape + r")" + _NOT_WORD_AFTER, _mask_whole) for needles, shape in (
        (["hf_"], r"hf_[A-Za-z0-9]{30,}"),
        (["sk-"], r"sk-(?:proj-|svcacct-|admin-|ant-(?:api\d+-|admin\d+-)?)?[A-Za-z0-9_-]{20,}"),
        (["nvapi-"], r"nvapi-[A-Za-z0-9_-]{20,}"),
        (["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], r"gh[pousr]_[A-Za-z0-9]{30,}"),
        (["github_pat_"], r"github_pat_[A-Za-z0-9_]{30,}"),
        (["glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glsoat-", "glft-", "glimt-", "gloas-"],
         r"gl(?:pat|dt|rt|ptt|cbt|soat|ft|imt|oas)-[A-Za-z0-9_-]{20,}"),
        (["xox", "xapp-"], r"xox[abposr]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}"),
        (["aiza"], r"AIza[0-9A-Za-z_-]{35}"),
        (["pypi-"], r"pypi-[A-Za-z0-9_-]{50,}"),
        (["npm_"], r"npm_[A-Za-z0-9]{36}"),
        (["_live_", "_test_"], r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"),
        (["eyj"], r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
        (["dapi"], r"dapi[0-9a-f]{32}"),
        # AWS access key ids (the secret key itself has no shape: it comes with a secret name).
        (["akia", "asia", "agpa", "aida", "aroa", "anpa", "anva", "aipa", "apka", "abia", "acca"],
         r"(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|APKA|ABIA|ACCA)[A-Z0-9]{16}"),
    )),
    # Slack webhooks carry their secret in the path.
    _Pattern(["hooks.slack.com/"], r"(?<=hooks\.slack\.com/)(?:services|workflows|triggers)/[A-Za-z0-9/_-]+",
             _mask_whole),
    # URL credentials: scheme://user:password@host keeps the user; a long token as the user goes.
    _Pattern(["://"],
             r"(?i)(?<=://)(?P<user>[^\s:/@\"'<>\\]*):(?P<value>[^\s/@\"'<>\\]+)@",
             lambda m: f"{m.group('user')}:{MARKER}@"),
    _Pattern(["://"], r"(?<=://)(?P<value>[A-Za-z0-9_.~%+=-]{20,})@", lambda m: f"{MARKER}@"),
    # conda channel tokens: https://conda.anaconda.org/t/<token>/channel
    _Pattern(["/t/"], r"(?<=://)(?P<host>[^\s/\"'<>\\]+)/t/(?P<token>[A-Za-z0-9_.-]{8,})(?=/)",
             _mask_channel_token),
    # .netrc: machine HOST [login USER] password SECRET (one line or several).
    _Pattern(["password"],
             r"(?i)(?:\b|(?<=\\[nrt]))machine(?:\s|\\[nrt])+\S+?(?:\s|\\[nrt])+(?:login(?:\s|\\[nrt])+\S+?(?:\s|\\[nrt])+)?"
             r"password(?:\s|\\[nrt])+(?P<value>[^\s\"\\]+)", _mask_value, spans_lines=True),
    # Authorization headers and --token/--password flags.
    _Pattern(["authorization", "bearer"],
             r"(?i)(?:(?:proxy-)?authorization[\"']?[ \t]*[:=][ \t]*[\"']?(?:(?:bearer|basic|token|digest)[ \t]+)?"
             r"|" + _NOT_WORD_BEFORE + r"bearer[ \t]+)(?P<value>[A-Za-z0-9._~+/=-]{8,})", _mask_value),
    _Pattern(["-token", "-password", "-passwd", "-secret", "-api-key", "-apikey"],
             r"(?i)(?:(?<![A-Za-z0-9-])|(?<=\\[nrt]))--(?:[a-z0-9]+-)*(?:token|password|passwd|secret|api-key|apikey)"
             r"(?:[ \t]+|=)" + _VALUE, _mask_value),
    # NAME=value, NAME: value, "NAME": "value", export NAME=..., -e NAME=... where NAME says secret.
    _Pattern(["token", "secret", "passw", "pwd", "key", "credential", "auth"],
             r"(?i)" + _NOT_NAME_BEFORE + _SECRET_NAME + r"(?:\\?[\"'])?[ \t]*(?:=|:(?!//))[ \t]*" + _VALUE,
             _mask_value,
             # where a secret word ends a name: a separator follows (``tokens/s`` or ``key frames`` do not)
             anchor=r"(?:token|secret|key|passw(?:or)?d|pwd|credentials?|auth)(?:\\?[\"'])?[ \t]*(?:=|:(?!//))"),
)


_DISTINCT_FROM = 64 * 1024
"""Texts longer than this are reduced to their distinct lines before needles are looked for."""


def redact(text: str) -> str:
    """``text`` with every secret replaced by :data:`MARKER` (see the module docstring)."""
    if not text:
        return text
    searched = text.lower()
    if len(searched) > _DISTINCT_FROM:
        # Needles are looked for in the distinct lines first (no needle spans lines): long pastes are
        # mostly repeated lines, and each needle test is a scan of the whole text.
        searched = "\n".join(dict.fromkeys(searched.split("\n")))
    whole = _LowerText(text)
    for pattern in _PATTERNS:
        text = pattern.apply(text, searched, whole)  # masking never adds a needle nor moves a line break
    return text
