"""Personal data in text: what the anonymity screen looks for, and how values are shown.

The lowest module of :mod:`coprod.raw`: it finds email addresses, phone numbers
(UK and international), UK postcodes, web addresses, IP addresses (v4 and v6) and
the names and places of a deny-list (one entry per line, matched
case-insensitively as whole words) in a text, and reports the *kind* of each,
never the matched text. The importers use :func:`shown` so that no error
message repeats what looks like personal data.

Decisions
---------
- Dates and clock times are masked before phone numbers and postcodes are looked
  for: a time such as 10:28:15 is not an IPv6 address, a date is not a phone number.
- A deny-list entry matches as whole words in any case and with any spacing.

Example
-------
>>> screen = Screen()
>>> [hit.kind for hit in screen.find("Call me on 07700 900123 or at jo@example.org")]
['email', 'phone']
>>> screen.find("Started 2025-03-03 10:28:15, response R_abc, status IP Address")
[]
>>> shown("jo@example.org")
'a value that looks like personal data (not shown)'
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coprod.errors import StudyInputError

KINDS: dict[str, str] = {
    "email": "email address",
    "url": "web address",
    "ip_address": "IP address",
    "phone": "phone number",
    "uk_postcode": "UK postcode",
    "deny_list": "name or place on the deny-list",
}

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}", re.UNICODE)
_URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"']+"
    r"|\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r"\.(?:com|org|net|gov|edu|info|io|biz|eu|uk|me)\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![\d.]){_OCTET}(?:\.{_OCTET}){{3}}(?!\d|\.\d)")
_IPV6_CANDIDATE = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
# Dates and clock times are neither phone numbers nor postcodes: masked first.
_DATE_TIME = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"
)
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+\s?|\()?\d[\d\s().-]{6,22}\d(?!\w)")
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)$", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    """One kind of personal data found in a text (no trace of the text itself)."""

    kind: str
    detail: str = ""


@dataclass(frozen=True)
class DenyList:
    """Names and places that must not appear in the raw data (whole words, any case)."""

    path: str
    lines: dict[str, int]  # normalised entry -> line number in the file
    pattern: re.Pattern[str] | None

    def __len__(self) -> int:
        return len(self.lines)


def _normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def deny_list_from_entries(entries: Iterable[str], path: str = "<deny-list>") -> DenyList:
    """A deny-list from entries (blank entries and ``#`` comments are ignored)."""
    lines: dict[str, int] = {}
    for number, raw in enumerate(entries, start=1):
        entry = raw.strip()
        if entry and not entry.startswith("#"):
            lines.setdefault(_normalise(entry), number)
    if not lines:
        return DenyList(path, lines, None)
    alternatives = sorted(lines, key=len, reverse=True)
    body = "|".join(
        r"\s+".join(re.escape(word) for word in entry.split()) for entry in alternatives
    )
    return DenyList(path, lines, re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE))


def load_deny_list(path: str | Path) -> DenyList:
    """Read the deny-list file: one name or place per line; ``#`` starts a comment line.

    Parameters
    ----------
    path : str or Path
        The file (``screening.deny_list`` in the config).
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise StudyInputError(
            path,
            "file not found.",
            fix="Check screening.deny_list in config/config.yaml (an empty file is allowed).",
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StudyInputError(
            path,
            "the deny-list is not valid UTF-8 (expected encoding: UTF-8).",
            fix="Save the file as UTF-8.",
        ) from None
    return deny_list_from_entries(text.splitlines(), str(path))


def _mask(
    text: str, pattern: re.Pattern[str], keep: Callable[[str], bool] | None = None
) -> tuple[str, bool]:
    """Blank out the matches of ``pattern`` (those ``keep`` accepts); report whether any."""
    found = False
    pieces = []
    last = 0
    for match in pattern.finditer(text):
        if keep is not None and not keep(match.group()):
            continue
        found = True
        pieces += [text[last : match.start()], " " * (match.end() - match.start())]
        last = match.end()
    if not found:
        return text, False
    pieces.append(text[last:])
    return "".join(pieces), True


def _is_ipv6(candidate: str) -> bool:
    hexdigits = sum(ch.isalnum() for ch in candidate)
    if hexdigits < 4 or not any(ch.isdigit() for ch in candidate):
        return False  # "a::b" or "::" in prose
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _is_phone(candidate: str) -> bool:
    if re.search(r"\d[.-]\d{1,2}[.-]\d", candidate) and "+" not in candidate:
        return False  # a version or date-like number, not a phone number
    digits = re.sub(r"\D", "", candidate)
    if candidate.lstrip("(").startswith("+"):
        return 8 <= len(digits) <= 15
    if digits.startswith("00"):
        return 10 <= len(digits) <= 17
    if digits.startswith("0"):
        return 10 <= len(digits) <= 11
    return False


def _is_postcode(candidate: str) -> bool:
    inward = candidate.replace(" ", "")[-3:]
    if candidate == candidate.upper():
        return True
    return candidate == candidate.lower() and not _ORDINAL.search(inward)


class Screen:
    """Finds personal data in text.

    Parameters
    ----------
    kinds : sequence of str, optional
        Which kinds to look for (keys of :data:`KINDS`); default: all.
    deny_list : DenyList, optional
        Names and places to look for (kind ``deny_list``).
    """

    def __init__(
        self, kinds: Sequence[str] | None = None, deny_list: DenyList | None = None
    ) -> None:
        kinds = list(KINDS) if kinds is None else list(kinds)
        unknown = [kind for kind in kinds if kind not in KINDS]
        if unknown:
            raise ValueError(f"unknown kind(s) {unknown}; known: {', '.join(KINDS)}")
        self.kinds = kinds
        self.deny_list = deny_list

    def find(self, text: str) -> list[Found]:
        """The kinds of personal data in ``text`` (each kind once, in :data:`KINDS` order)."""
        if not text or not text.strip():
            return []
        found: list[Found] = []
        kinds = self.kinds
        if "email" in kinds:
            text, hit = _mask(text, _EMAIL)
            found += [Found("email")] if hit else []
        if "url" in kinds:
            text, hit = _mask(text, _URL)
            found += [Found("url")] if hit else []
        if "ip_address" in kinds:
            text, hit4 = _mask(text, _IPV4)
            text, hit6 = _mask(text, _IPV6_CANDIDATE, _is_ipv6)
            found += [Found("ip_address")] if hit4 or hit6 else []
        text, _ = _mask(text, _DATE_TIME)
        if "phone" in kinds:
            text, hit = _mask(text, _PHONE_CANDIDATE, _is_phone)
            found += [Found("phone")] if hit else []
        if "uk_postcode" in kinds:
            text, hit = _mask(text, _POSTCODE, _is_postcode)
            found += [Found("uk_postcode")] if hit else []
        if "deny_list" in kinds and self.deny_list is not None and self.deny_list.pattern:
            match = self.deny_list.pattern.search(text)
            if match:
                line = self.deny_list.lines.get(_normalise(match.group()))
                detail = f"line {line} of {self.deny_list.path}" if line else ""
                found.append(Found("deny_list", detail))
        return found


_DEFAULT: Screen | None = None


def looks_personal(text: str) -> bool:
    """Whether ``text`` holds anything the default screen (no deny-list) finds."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Screen()
    return bool(_DEFAULT.find(text))


def shown(value: Any, limit: int = 40) -> str:
    """A found value for an error message: quoted, shortened, and never personal data."""
    text = str(value)
    if looks_personal(text):
        return "a value that looks like personal data (not shown)"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text) if not isinstance(value, int | float) else text
