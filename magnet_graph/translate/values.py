"""Realistic argument values for the offline backend, and how a user writes them.

* :func:`generate_value` draws a value for one parameter from its name, format, type,
  description and constraints; the value validates against the parameter's JSON Schema.
* :func:`format_value` writes a value the way a request states it, so that the verifier
  finds it again (strings by case-insensitive substring, numbers by parsing them out).
* :func:`humanize_param` turns a parameter identifier into words (``booking_id`` ->
  ``booking ID``).

Everything is pure given the ``random.Random`` passed in.  What depends only on a name, a
schema's scalar keywords or a description is computed once (``functools.lru_cache``).
"""

from __future__ import annotations

import math
import random
import re
from fractions import Fraction
from functools import lru_cache
from typing import Any, Callable, Mapping

from ..types import Tool
from . import vocab as V
from .vocab import desc_options as _desc_options
from .vocab import param_tokens, value_kind

__all__ = ["generate_value", "format_value", "humanize_param", "param_label", "value_kind", "param_tokens"]

_MAX_DEPTH = 8
_EXAMPLE = re.compile(r"(?i)(?:such as|e\.g\.,?|for example,?)\s+['\"]([^'\"\s]{2,30})['\"]")
_RANGE = re.compile(r"(?i)(?:from|between)\s+(-?\d+(?:\.\d+)?)\s+(?:to|and)\s+(-?\d+(?:\.\d+)?)")
_MULTIPLE = re.compile(r"(?i)multiple of (\d+(?:\.\d+)?)")

# ------------------------------------------------------------------------------------------
# names
# ------------------------------------------------------------------------------------------
_ACRONYMS = {
    "id": "ID", "ids": "IDs", "url": "URL", "urls": "URLs", "uri": "URI", "api": "API", "iata": "IATA",
    "cvv": "CVV", "uuid": "UUID", "sku": "SKU", "ip": "IP", "pin": "PIN", "usd": "USD", "sms": "SMS",
    "html": "HTML", "json": "JSON", "csv": "CSV", "pdf": "PDF", "vin": "VIN", "iban": "IBAN", "otp": "OTP",
}


@lru_cache(maxsize=8192)
def humanize_param(name: str) -> str:
    """A parameter identifier written as words.

    >>> humanize_param("booking_id"), humanize_param("fromAccountId"), humanize_param("file_name")
    ('booking ID', 'from account ID', 'file name')
    """
    words = [_ACRONYMS.get(t, t) for t in param_tokens(name)]
    if len(words) > 1 and len(words[-1]) == 1 and words[-1].isalpha():  # cityA -> city A
        words[-1] = words[-1].upper()
    return " ".join(words) if words else name


_TO_RECIPIENT = frozenset({"email", "phone", "user", "username", "name", "number", "address", "contact", "recipient"})
_TO_PLACE = frozenset({"account", "folder", "dir", "directory", "path", "airport", "city", "location", "place", "file",
                       "station", "country", "wallet"})
_SIDE = {"in": "input", "out": "output", "from": "origin", "to": "destination"}


@lru_cache(maxsize=8192)
def param_label(name: str) -> str:
    """A parameter identifier as a noun phrase a person would say, not a leaked label:
    a leading ``to``/``from`` becomes "target"/"source" (or "recipient"/"sender",
    "destination"), a trailing ``in``/``out``/``from``/``to`` an input/output/origin/destination.

    >>> param_label("to_currency"), param_label("from_account_id"), param_label("unit_in"), param_label("booking_id")
    ('target currency', 'source account ID', 'input unit', 'booking ID')
    """
    words = humanize_param(name).split(" ")
    if len(words) < 2:
        return " ".join(words)
    low = [w.lower() for w in words]
    rest = [w for w in low[1:] if w not in ("id", "ids", "name", "code")]
    head = rest[0] if rest else low[1]
    if low[0] == "to":
        lead = "recipient" if head in _TO_RECIPIENT else "destination" if head in _TO_PLACE else "target"
        if lead == "recipient" and low[1:] in (["user"], ["recipient"]):
            return "recipient"
        return " ".join([lead] + words[1:])
    if low[0] == "from":
        lead = "sender" if head in _TO_RECIPIENT else "source"
        return " ".join([lead] + words[1:])
    side = _SIDE.get(low[-1])
    if side and not low[-2].endswith("ed"):  # "moved from" stays: it reads as a statement
        if low[-1] in ("in", "out"):
            return " ".join([side] + words[:-1])
        return " ".join(words[:-1] + [side])
    return " ".join(words)


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


@lru_cache(maxsize=4096)
def _item_name(name: str) -> str:
    """The name an array's items are generated under: ``stocks`` -> ``stock``."""
    toks = param_tokens(name)
    if not toks:
        return name
    return "_".join(toks[:-1] + (_singular(toks[-1]),))


# ------------------------------------------------------------------------------------------
# string generators
# ------------------------------------------------------------------------------------------
def _pick(rng: random.Random, pool: tuple[str, ...]) -> str:
    return pool[int(rng.random() * len(pool))]


def _date(rng: random.Random, y0: int = 2025, y1: int = 2026) -> str:
    return f"{rng.randint(y0, y1):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _time(rng: random.Random) -> str:
    return f"{rng.randint(7, 20):02d}:{_pick(rng, ('00', '15', '30', '45'))}"


def _full_name(rng: random.Random) -> str:
    return f"{_pick(rng, V.FIRST_NAMES)} {_pick(rng, V.LAST_NAMES)}"


def _username(rng: random.Random) -> str:
    r = rng.random()
    first = _pick(rng, V.FIRST_NAMES).lower()
    if r < 0.35:
        return f"{first}{_pick(rng, V.LAST_NAMES).lower()[:1]}{rng.randint(1, 99)}"
    if r < 0.7:
        return f"{first}_{_pick(rng, V.USERNAME_WORDS)}"
    return f"{_pick(rng, V.USERNAME_WORDS)}{rng.randint(10, 999)}"


_ID_PREFIX = {
    "booking": "BK", "order": "ORD", "ticket": "TCK", "invoice": "INV", "reservation": "RES", "flight": "FL",
    "account": "ACC", "transaction": "TX", "user": "U", "customer": "CUS", "card": "CARD", "payment": "PAY",
    "event": "EV", "message": "MSG", "product": "P", "item": "IT", "insurance": "INS", "client": "CL",
    "device": "DEV", "room": "RM", "task": "T", "note": "N", "file": "F", "post": "POST", "trip": "TRIP",
    "contact": "C", "shipment": "SHP", "pet": "PET", "request": "REQ", "session": "S", "job": "JOB",
}


def _id_value(rng: random.Random, tokens: tuple[str, ...]) -> str:
    noun = next((t for t in reversed(tokens) if t in _ID_PREFIX), None)
    if noun is None:
        noun = next((t for t in tokens if t not in ("id", "ids", "number", "no", "num", "code", "ref", "key")), "")
    prefix = _ID_PREFIX.get(noun) or (noun[:3].upper() if noun else "ID")
    return f"{prefix}-{rng.randint(10000, 99999)}"


def _file_name(rng: random.Random) -> str:
    return f"{_pick(rng, V.FILE_STEMS)}.{_pick(rng, V.FILE_EXTENSIONS)}"


_SLOT = re.compile(r"\{(\w+)\}")
_SLOTS: dict[str, Callable[[random.Random], str]] = {
    "n": lambda r: str(r.choice((5, 10, 15, 20))),
    "place": lambda r: _pick(r, V.SHORT_PLACES),
    "event": lambda r: _pick(r, V.EVENTS),
    "day": lambda r: _pick(r, V.DAYS),
    "dayref": lambda r: _pick(r, V.DAY_REFS),
    "doc": lambda r: _pick(r, V.DOCS),
    "meal": lambda r: _pick(r, V.MEALS),
    "meal_cap": lambda r: _pick(r, V.MEALS).capitalize(),
    "thing": lambda r: _pick(r, V.THINGS),
    "part": lambda r: _pick(r, V.PARTS_OF_DAY),
    "time": lambda r: f"{r.randint(1, 11)}:{_pick(r, ('00', '15', '30', '45'))}",
    "first": lambda r: _pick(r, V.FIRST_NAMES),
    "room": lambda r: _pick(r, ("third floor", "small conference room", "main hall", "kitchen", "second floor")),
    "supply": lambda r: _pick(r, V.SUPPLIES),
}


def _fill(template: str, rng: random.Random) -> str:
    """A template from the vocabulary with its ``{slot}`` parts drawn."""
    return _SLOT.sub(lambda m: _SLOTS[m.group(1)](rng), template) if "{" in template else template


def _message(rng: random.Random) -> str:
    return _fill(_pick(rng, V.MESSAGE_TEMPLATES), rng)


def _note(rng: random.Random) -> str:
    return _fill(_pick(rng, V.NOTE_TEMPLATES), rng)


def _query(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return _pick(rng, V.SEARCH_QUERIES)
    return f"{_pick(rng, V.QUERY_ADJECTIVES)} {_pick(rng, V.QUERY_NOUNS)}"


def _title(rng: random.Random) -> str:
    return f"{_pick(rng, V.TITLE_ADJECTIVES)} {_pick(rng, V.TITLE_NOUNS)}"


def _hex(rng: random.Random, n: int) -> str:
    return "".join("0123456789abcdef"[int(rng.random() * 16)] for _ in range(n))


_STRING_GEN: dict[str, Callable[[random.Random, tuple[str, ...]], str]] = {
    "email": lambda r, t: f"{_pick(r, V.FIRST_NAMES).lower()}.{_pick(r, V.LAST_NAMES).lower()}@{_pick(r, V.EMAIL_DOMAINS)}",
    "password": lambda r, t: f"{_pick(r, V.USERNAME_WORDS).capitalize()}{r.randint(10, 99)}!{_pick(r, V.WORDS)}",
    "token": lambda r, t: f"tok_{_hex(r, 16)}",
    "phone": lambda r, t: f"+1-{r.randint(201, 989)}-555-{r.randint(1000, 9999)}",
    "ip": lambda r, t: f"192.168.{r.randint(0, 255)}.{r.randint(1, 254)}",
    "ipv6": lambda r, t: f"2001:db8::{r.randint(1, 65535):x}",
    "url": lambda r, t: f"https://{_pick(r, V.URL_HOSTS)}/{_pick(r, V.URL_PATHS)}",
    "uuid": lambda r, t: f"{_hex(r, 8)}-{_hex(r, 4)}-4{_hex(r, 3)}-a{_hex(r, 3)}-{_hex(r, 12)}",
    "timezone": lambda r, t: _pick(r, ("Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC", "America/Los_Angeles")),
    "dob": lambda r, t: _date(r, 1955, 2004),
    "expiry": lambda r, t: f"{r.randint(1, 12):02d}/{r.randint(2026, 2031)}",
    "first_name": lambda r, t: _pick(r, V.FIRST_NAMES),
    "last_name": lambda r, t: _pick(r, V.LAST_NAMES),
    "username": lambda r, t: _username(r),
    "full_name": lambda r, t: _full_name(r),
    "file": lambda r, t: _file_name(r),
    "folder": lambda r, t: _pick(r, V.FOLDERS),
    "path": lambda r, t: f"{_pick(r, V.FOLDERS)}/{_file_name(r)}",
    "airport": lambda r, t: _pick(r, V.AIRPORTS),
    "flight_number": lambda r, t: f"{_pick(r, V.AIRLINES)}{r.randint(100, 2999)}",
    "zip": lambda r, t: f"{r.randint(10001, 99950):05d}",
    "country_code": lambda r, t: _pick(r, V.COUNTRY_CODES),
    "country": lambda r, t: _pick(r, V.COUNTRIES),
    "currency": lambda r, t: _pick(r, V.CURRENCIES),
    "language_code": lambda r, t: _pick(r, V.LANGUAGE_CODES),
    "language": lambda r, t: _pick(r, V.LANGUAGES),
    "city": lambda r, t: _pick(r, V.CITIES),
    "address": lambda r, t: f"{r.randint(1, 999)} {_pick(r, V.STREET_NAMES)}, {_pick(r, V.CITIES)}",
    "datetime": lambda r, t: f"{_date(r)} {_time(r)}",
    "datetime_iso": lambda r, t: f"{_date(r)}T{_time(r)}:00Z",
    "date": lambda r, t: _date(r),
    "time": lambda r, t: _time(r),
    "time_iso": lambda r, t: f"{_time(r)}:00Z",
    "time12": lambda r, t: f"{r.randint(1, 12)}:{_pick(r, ('00', '15', '30', '45'))} {_pick(r, ('AM', 'PM'))}",
    "card_number": lambda r, t: "4" + "".join(str(r.randint(0, 9)) for _ in range(15)),
    "iban": lambda r, t: f"DE{r.randint(10, 99)}{r.randint(10**17, 10**18 - 1)}",
    "passport": lambda r, t: f"{_pick(r, ('P', 'X', 'K', 'N'))}{r.randint(10000000, 99999999)}",
    "hotel": lambda r, t: _pick(r, V.HOTELS),
    "room": lambda r, t: _pick(r, V.ROOMS),
    "device": lambda r, t: _pick(r, V.DEVICES),
    "subject": lambda r, t: _pick(r, V.SUBJECTS),
    "title": lambda r, t: _title(r),
    "message": lambda r, t: _note(r) if ("note" in t or "notes" in t or "description" in t or "details" in t) else _message(r),
    "keyword": lambda r, t: _pick(r, V.KEYWORDS),
    "query": lambda r, t: _query(r),
    "product": lambda r, t: _pick(r, V.PRODUCTS),
    "company": lambda r, t: _pick(r, V.COMPANIES),
    "stock": lambda r, t: _pick(r, V.STOCK_SYMBOLS),
    "sector": lambda r, t: _pick(r, V.SECTORS),
    "color": lambda r, t: _pick(r, V.COLORS),
    "tag": lambda r, t: _pick(r, V.TAGS),
    "category": lambda r, t: _pick(r, V.CATEGORIES),
    "status": lambda r, t: _pick(r, V.STATUSES),
    "unit": lambda r, t: _pick(r, V.UNITS),
    "travel_class": lambda r, t: _pick(r, V.TRAVEL_CLASSES),
    "insurance": lambda r, t: _pick(r, V.INSURANCE_TYPES),
    "species": lambda r, t: _pick(r, V.PET_SPECIES),
    "pet_name": lambda r, t: _pick(r, V.PET_NAMES),
    "version": lambda r, t: f"{r.randint(1, 5)}.{r.randint(0, 12)}.{r.randint(0, 9)}",
    "hostname": lambda r, t: _pick(r, V.URL_HOSTS),
    "promo": lambda r, t: f"{_pick(r, ('SAVE', 'WELCOME', 'SPRING', 'VIP'))}{r.choice((10, 15, 20, 25))}",
    "id": lambda r, t: _id_value(r, t),
    "expression": lambda r, t: f"{r.randint(2, 99)} {_pick(r, ('+', '-', '*'))} {r.randint(2, 99)}",
    "flag": lambda r, t: _pick(r, ("true", "false")),
    "last4": lambda r, t: f"{r.randint(0, 9999):04d}",
    "word": lambda r, t: _pick(r, V.WORDS),
}


# ------------------------------------------------------------------------------------------
# number generators: (low, high, decimals) by kind
# ------------------------------------------------------------------------------------------
_NUMBER_RANGES: dict[str, tuple[float, float, int]] = {
    "cvv": (100, 999, 0), "pin": (1000, 9999, 0), "zip": (10001, 99950, 0), "lat": (-45.0, 60.0, 4),
    "lon": (-120.0, 150.0, 4), "percent": (1, 95, 1), "fraction": (0.05, 0.95, 2), "money": (5, 2500, 2),
    "temperature": (16, 28, 0), "level": (10, 90, 0), "speed": (25, 120, 0), "year": (2020, 2027, 0),
    "month": (1, 12, 0), "day": (1, 28, 0), "hour": (0, 23, 0), "minute": (0, 59, 0), "duration": (5, 120, 0),
    "distance": (1, 500, 1), "measure": (1, 40, 1), "age": (18, 80, 0), "rating": (1, 5, 0),
    "priority": (1, 5, 0), "precision": (1, 6, 0), "lines": (3, 40, 0), "limit": (3, 50, 0), "page": (1, 10, 0),
    "quantity": (1, 9, 0), "exponent": (2, 5, 0), "id": (1000, 99999, 0), "number": (2, 500, 1),
}
_LIMITS = (3, 5, 10, 20, 25, 50)


def _is_multiple(value: float, m: float) -> bool:
    """The exact test jsonschema applies for ``multipleOf``."""
    if isinstance(m, float):
        try:
            q = value / m
            return int(q) == q
        except OverflowError:
            return (Fraction(value) / Fraction(m)).denominator == 1
        except (ZeroDivisionError, ValueError):
            return False
    return not (value % m)


def _bounds(schema: Mapping[str, Any]) -> tuple[float, float, bool, bool]:
    """(low, high, low_exclusive, high_exclusive) from a schema's numeric keywords."""
    lo, hi = -math.inf, math.inf
    lo_x = hi_x = False
    mn, mx = schema.get("minimum"), schema.get("maximum")
    emn, emx = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(mn, (int, float)) and not isinstance(mn, bool):
        lo = mn
        lo_x = emn is True
    if isinstance(mx, (int, float)) and not isinstance(mx, bool):
        hi = mx
        hi_x = emx is True
    if isinstance(emn, (int, float)) and not isinstance(emn, bool) and emn >= lo:
        lo, lo_x = emn, True
    if isinstance(emx, (int, float)) and not isinstance(emx, bool) and emx <= hi:
        hi, hi_x = emx, True
    return lo, hi, lo_x, hi_x


def _in_bounds(v: float, lo: float, hi: float, lo_x: bool, hi_x: bool) -> bool:
    return (v > lo if lo_x else v >= lo) and (v < hi if hi_x else v <= hi)


def _gen_number(name: str, schema: Mapping[str, Any], integer: bool, rng: random.Random, tool_text: str) -> int | float:
    desc = schema.get("description") or ""
    desc = desc if isinstance(desc, str) else ""
    kind = value_kind(name, "integer" if integer else "number", "", desc, tool_text)
    klo, khi, dec = _NUMBER_RANGES.get(kind, _NUMBER_RANGES["number"])
    if integer:
        dec = 0
    m = _RANGE.search(desc) if desc else None
    if m:
        a, b = float(m.group(1)), float(m.group(2))
        if a < b:
            klo, khi = a, b
    mult = schema.get("multipleOf")
    if not isinstance(mult, (int, float)) or isinstance(mult, bool) or mult <= 0:
        mult = None
        mm = _MULTIPLE.search(desc) if desc else None
        if mm:
            mult = float(mm.group(1))
            mult = int(mult) if mult.is_integer() else mult
    lo, hi, lo_x, hi_x = _bounds(schema)
    # the kind's range, intersected with the schema's bounds (the schema wins)
    a, b = max(klo, lo), min(khi, hi)
    if a > b or (a == b and not _in_bounds(a, lo, hi, lo_x, hi_x)):
        width = max(khi - klo, 1.0)
        if lo > -math.inf and hi < math.inf:
            a, b = lo, hi
        elif lo > -math.inf:
            a, b = lo, lo + width
        else:
            a, b = hi - width, hi
    if mult is not None:
        return _pick_multiple(mult, a, b, lo, hi, lo_x, hi_x, integer, rng)
    if integer:
        ia, ib = math.ceil(a), math.floor(b)
        if lo_x and ia <= lo:
            ia = math.floor(lo) + 1
        if hi_x and ib >= hi:
            ib = math.ceil(hi) - 1
        if ia > ib:
            return int(ia)
        if kind == "limit":
            fits = [x for x in _LIMITS if ia <= x <= ib]
            if fits:
                return fits[int(rng.random() * len(fits))]
        return rng.randint(ia, ib)
    v = rng.uniform(a, b)
    if kind in ("temperature", "speed", "level") and rng.random() < 0.8:
        cand: float = float(round(v)) if kind == "temperature" else float(round(v / 5) * 5)
    else:
        cand = round(v, dec) if dec else float(round(v))
    if _in_bounds(cand, lo, hi, lo_x, hi_x):
        return cand
    up = math.ceil(v * 10**dec) / 10**dec
    if _in_bounds(up, lo, hi, lo_x, hi_x):
        return up
    down = math.floor(v * 10**dec) / 10**dec
    if _in_bounds(down, lo, hi, lo_x, hi_x):
        return down
    if _in_bounds(v, lo, hi, lo_x, hi_x):
        return v
    return _inside(lo, hi)


def _inside(lo: float, hi: float) -> float:
    """A number strictly between ``lo`` and ``hi`` (either may be infinite)."""
    if math.isfinite(lo) and math.isfinite(hi):
        return lo + (hi - lo) / 2
    if math.isfinite(lo):
        return float(lo + 1)
    if math.isfinite(hi):
        return float(hi - 1)
    return 1.0


def _decimals(x: float) -> int:
    text = repr(float(x))
    if "e" in text:
        return 12
    return len(text.split(".")[1].rstrip("0"))


def _pick_multiple(mult: float, a: float, b: float, lo: float, hi: float, lo_x: bool, hi_x: bool,
                   integer: bool, rng: random.Random) -> int | float:
    """A multiple of ``mult`` inside the bounds (jsonschema's own test decides): one near a
    random multiple of the kind range ``[a, b]``, else of a window of the schema's bounds
    (the kind range may hold none, or only an excluded bound)."""
    fa = lo if math.isfinite(lo) else (hi - 100 * mult if math.isfinite(hi) else 0)
    fb = hi if math.isfinite(hi) else fa + 100 * mult
    dec = _decimals(mult)
    whole = isinstance(mult, int) or float(mult).is_integer()
    ka = kb = 0
    for wa, wb in ((a, b), (fa, fb)):
        ka, kb = math.ceil(wa / mult), math.floor(wb / mult)
        if ka > kb:
            continue
        start = rng.randint(ka, kb)
        for k in [start] + [start + d for i in range(1, 40) for d in (i, -i)]:
            if k < ka or k > kb:
                continue
            if whole:
                cand: int | float = int(k * int(mult))
            else:
                cand = round(k * mult, dec)
                if integer:
                    if not float(cand).is_integer():
                        continue
                    cand = int(cand)
            if _in_bounds(cand, lo, hi, lo_x, hi_x) and _is_multiple(cand, mult):
                return cand
    return 0 if _in_bounds(0, lo, hi, lo_x, hi_x) else (int(ka * mult) if whole else ka * mult)


# ------------------------------------------------------------------------------------------
# string constraints
# ------------------------------------------------------------------------------------------
@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


_QUANT = re.compile(r"\{(\d+)(?:,(\d*))?\}")


_ANY_EXAMPLE = re.compile(r"['\"]([^'\"\s]{2,40})['\"]")
_ATOM = re.compile(r"\(([A-Za-z0-9_ |-]+)\)|\\([dw])|\\([.\-_/:#@+()$^])|\[([^\]]+)\]|([A-Za-z0-9 _:#@/,-])")
_QUANT_AFTER = re.compile(r"\{(\d+)(?:,(\d*))?\}|([+*?])")
_DIGITS = "0123456789"
_LOWER = "abcdefghijklmnopqrstuvwxyz"


def _class_chars(spec: str) -> str:
    """The characters of a simple class like ``a-z0-9_`` (``None``-free, no negation)."""
    out = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        elif spec[i] == "\\" and i + 1 < len(spec):
            out.append({"d": _DIGITS, "w": _LOWER + _DIGITS + "_"}.get(spec[i + 1], spec[i + 1]))
            i += 2
        else:
            out.append(spec[i])
            i += 1
    return "".join(out)


def _from_simple_pattern(pattern: str, rng: random.Random) -> str | None:
    """A value for a simple pattern made of literals, ``\\d``, ``[classes]`` and ``(a|b)``
    groups with quantifiers (``^BK-\\d{4}$``, ``^(light|fan)\\.[a-z0-9_]+$``); ``None`` for
    anything else: this is a convenience for id-like patterns, not a regex generator."""
    body = pattern[1:] if pattern.startswith("^") else pattern
    body = body[:-1] if body.endswith("$") and not body.endswith("\\$") else body
    out: list[str] = []
    pos = 0
    while pos < len(body):
        m = _ATOM.match(body, pos)
        if m is None:
            return None
        group, cls_esc, lit_esc, klass, lit = m.groups()
        pos = m.end()
        q = _QUANT_AFTER.match(body, pos)
        lo, hi = 1, 1
        if q:
            pos = q.end()
            if q.group(3):
                lo, hi = {"+": (1, 8), "*": (0, 6), "?": (0, 1)}[q.group(3)]
            else:
                lo = int(q.group(1))
                hi = lo if q.group(2) is None else (int(q.group(2)) if q.group(2) else lo + 6)
        if group is not None:
            out.append(_pick(rng, tuple(group.split("|"))) * (1 if hi else 0))
            continue
        if lit is not None or lit_esc is not None:
            out.append((lit if lit is not None else lit_esc) * lo)
            continue
        chars = _DIGITS if cls_esc == "d" else _LOWER if cls_esc == "w" else _class_chars(klass or "")
        if not chars or (klass or "").startswith("^"):
            return None
        if hi > lo + 1 and set(_LOWER) <= set(chars):  # a word reads better than random letters
            pool = V.ROOMS if rng.random() < 0.7 else V.WORDS
            words = [w.replace(" ", "_") for w in pool if set(w.replace(" ", "_")) <= set(chars)]
            words = [w for w in words if lo <= len(w) <= hi]
            if words:
                out.append(_pick(rng, tuple(words)))
                continue
        n = rng.randint(lo, max(lo, min(hi, lo + 8)))
        out.append("".join(chars[int(rng.random() * len(chars))] for _ in range(n)))
    return "".join(out)


def _pattern_candidates(value: str, pattern: str, rng: random.Random, desc: str = "") -> list[str]:
    """Simple values that often satisfy common patterns (no regex generation)."""
    found: list[str] = []
    shaped = _from_simple_pattern(pattern, rng)
    if shaped is not None:
        found.append(shaped)
    for ex in _ANY_EXAMPLE.findall(desc):  # "e.g. \"BK-0001\"" -> BK-4821, BK-0001
        found.append(re.sub(r"\d", lambda _: str(rng.randint(0, 9)), ex))
        found.append(ex)
    m = _QUANT.search(pattern)
    n = int(m.group(1)) if m else 0
    if m and n == 0 and m.group(2):
        n = int(m.group(2))
    n = n or 6
    up = "".join(chr(65 + int(rng.random() * 26)) for _ in range(n))
    digits = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))
    alnum = re.sub(r"[^A-Za-z0-9]", "", value) or "abc123"
    return found + [
        value.upper(), value.lower(), alnum, alnum.lower(), alnum.upper(), up, up.lower(), digits,
        up[:3] + digits[:3], _pick(rng, V.AIRPORTS), _pick(rng, V.CURRENCIES), _pick(rng, V.COUNTRY_CODES),
        _STRING_GEN["email"](rng, ()), _date(rng), _time(rng), _STRING_GEN["uuid"](rng, ()),
        _STRING_GEN["phone"](rng, ()), "#" + alnum.lower(), "@" + alnum.lower(), value.replace(" ", "_"),
        value.replace(" ", "-").lower(), _STRING_GEN["url"](rng, ()),
    ]


def _fit_string(value: str, schema: Mapping[str, Any], rng: random.Random, kind: str) -> str:
    mn = schema.get("minLength")
    mx = schema.get("maxLength")
    if isinstance(mx, int) and len(value) > mx:
        cut = value[:mx]
        if " " in cut and kind in ("message", "title", "subject", "query") and cut.rfind(" ") > 0:
            trimmed = cut[: cut.rfind(" ")].rstrip(" ,")
            cut = trimmed if not isinstance(mn, int) or len(trimmed) >= mn else cut
        value = cut
    if isinstance(mn, int) and len(value) < mn:
        pad_words = kind in ("message", "title", "subject", "query", "product", "address")
        while len(value) < mn:
            value += (" " + _pick(rng, V.WORDS)) if pad_words else str(rng.randint(0, 9))
        if isinstance(mx, int) and len(value) > mx:
            value = value[:mx]
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        rx = _compiled(pattern)
        if rx is not None and not rx.search(value):
            desc = schema.get("description")
            for cand in _pattern_candidates(value, pattern, rng, desc if isinstance(desc, str) else ""):
                if rx.search(cand) and (not isinstance(mn, int) or len(cand) >= mn) and (
                    not isinstance(mx, int) or len(cand) <= mx
                ):
                    return cand
    return value


def _has_string_limits(schema: Mapping[str, Any]) -> bool:
    return "minLength" in schema or "maxLength" in schema or "pattern" in schema


def _gen_string(name: str, schema: Mapping[str, Any], rng: random.Random, tool_text: str) -> str:
    desc = schema.get("description") or ""
    desc = desc if isinstance(desc, str) else ""
    opts = _desc_options(name, desc)
    if opts:
        value = opts[int(rng.random() * len(opts))]
    else:
        fmt = schema.get("format") or ""
        kind = value_kind(name, "string", fmt if isinstance(fmt, str) else "", desc, tool_text)
        if kind == "word" and desc:
            ex = _EXAMPLE.search(desc)
            if ex and rng.random() < 0.5:
                return _fit_string(ex.group(1), schema, rng, kind)
        value = _STRING_GEN[kind](rng, param_tokens(name))
        low = desc.lower()
        if kind in ("tag", "word", "keyword") and "start with #" in low:
            value = "#" + value
        elif "start with @" in low and not value.startswith("@"):
            value = "@" + value
        if _has_string_limits(schema):
            return _fit_string(value, schema, rng, kind)
        return value
    if _has_string_limits(schema):
        return _fit_string(value, schema, rng, "word")
    return value


# ------------------------------------------------------------------------------------------
# the schema walk
# ------------------------------------------------------------------------------------------

def _resolve(schema: Mapping[str, Any], root: Mapping[str, Any] | None) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#") or root is None:
        return schema
    node: Any = root
    for part in ref[1:].split("/"):
        if not part:
            continue
        part = part.replace("~1", "/").replace("~0", "~")
        if _is_mapping(node) and part in node:
            node = node[part]
        else:
            return {k: v for k, v in schema.items() if k != "$ref"}
    if not _is_mapping(node):
        return {}
    if len(schema) > 1:  # sibling keywords beside $ref
        merged = dict(node)
        merged.update({k: v for k, v in schema.items() if k != "$ref"})
        return merged
    return node


def _schema_type(schema: Mapping[str, Any]) -> str | None:
    t = schema.get("type")
    if isinstance(t, list):
        non_null = [x for x in t if x != "null"]
        return non_null[0] if non_null else "null"
    if isinstance(t, str):
        return t
    if "properties" in schema or "required" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema or "minItems" in schema:
        return "array"
    if any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")):
        return "number"
    return None


_TYPE_CHECK: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def _gen(name: str, schema: Any, rng: random.Random, root: Mapping[str, Any] | None, tool_text: str,
         default_p: float, depth: int) -> Any:
    if not _is_mapping(schema):
        return _STRING_GEN[value_kind(name, "string", "", "", tool_text)](rng, param_tokens(name))
    if "$ref" in schema:
        schema = _resolve(schema, root)
    if "const" in schema:
        return _copy(schema["const"])
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return _copy(enum[int(rng.random() * len(enum))])
    for key in ("anyOf", "oneOf"):
        opts = schema.get(key)
        if isinstance(opts, list) and opts:
            chosen = next((o for o in opts if _schema_type(_resolve(o, root) if _is_mapping(o) else {}) != "null"), opts[0])
            if _is_mapping(chosen):
                merged = {k: v for k, v in schema.items() if k not in (key, "default")}
                merged.update(_resolve(chosen, root))
                return _gen(name, merged, rng, root, tool_text, default_p, depth + 1)
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and all_of:
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for part in all_of:
            if _is_mapping(part):
                merged.update(_resolve(part, root))
        return _gen(name, merged, rng, root, tool_text, default_p, depth + 1)
    typ = _schema_type(schema)
    if default_p > 0 and "default" in schema:
        d = schema["default"]
        if d not in (None, "None", "", [], {}) and (typ is None or _TYPE_CHECK.get(typ, bool)(d)) and rng.random() < default_p:
            return _copy(d)
    if typ == "string" or typ is None:
        return _gen_string(name, schema, rng, tool_text)
    if typ == "integer":
        return _gen_number(name, schema, True, rng, tool_text)
    if typ == "number":
        return _gen_number(name, schema, False, rng, tool_text)
    if typ == "boolean":
        return rng.random() < 0.5
    if typ == "null":
        return None
    if typ == "array":
        return _gen_array(name, schema, rng, root, tool_text, default_p, depth)
    if typ == "object":
        return _gen_object(name, schema, rng, root, tool_text, default_p, depth)
    return _gen_string(name, schema, rng, tool_text)


def _key(value: Any) -> Any:
    if isinstance(value, list):
        return ("l", tuple(_key(v) for v in value))
    if isinstance(value, dict):
        return ("d", tuple(sorted((k, _key(v)) for k, v in value.items())))
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        return ("n", value)  # jsonschema treats 1 and 1.0 as equal
    return (type(value).__name__, value)


def _gen_array(name: str, schema: Mapping[str, Any], rng: random.Random, root: Mapping[str, Any] | None,
               tool_text: str, default_p: float, depth: int) -> list[Any]:
    mn = schema.get("minItems") if isinstance(schema.get("minItems"), int) else 0
    mx = schema.get("maxItems") if isinstance(schema.get("maxItems"), int) else None
    if mx is not None and mx <= 0:
        return []
    item_name = _item_name(name)
    prefix = schema.get("prefixItems")
    items = schema.get("items")
    if isinstance(items, list):  # draft-4 tuple form
        prefix, items = items, schema.get("additionalItems", {})
    if not _is_mapping(items):
        items = {} if items is None or items is True else None
    desc = schema.get("description") or ""
    opts = _desc_options(name, desc) if isinstance(desc, str) else ()
    if _is_mapping(items) and opts and "enum" not in items and _schema_type(items) in (None, "string"):
        items = {**items, "enum": list(opts)}
    elif _is_mapping(items) and desc and "description" not in items and "$ref" not in items:
        items = {**items, "description": desc}  # "should start with #" and similar cues
    out: list[Any] = []
    if isinstance(prefix, list):
        for sub in prefix:
            out.append(_gen(item_name, sub, rng, root, tool_text, 0.0, depth + 1))
        if mx is not None:
            out = out[:mx]
    if depth >= _MAX_DEPTH:
        return out
    hi = 3 if mx is None else min(3, mx)
    want = max(mn, rng.randint(max(1, min(mn, hi)), max(1, hi))) if items is not None else len(out)
    if mx is not None:
        want = min(want, mx)
    unique = bool(schema.get("uniqueItems"))
    seen = {_key(v) for v in out}
    tries = 0
    limit = want * 8 + 8
    while len(out) < want and items is not None and tries < limit:
        tries += 1
        v = _gen(item_name, items, rng, root, tool_text, 0.0, depth + 1)
        k = _key(v)
        if k in seen and (unique or tries < limit // 2):  # distinct items read better; required if unique
            continue
        seen.add(k)
        out.append(v)
    if len(out) < mn and unique and _is_mapping(items):
        out.extend(_fill_unique(items, seen, mn - len(out), rng))
    return out


def _fill_unique(items: Mapping[str, Any], seen: set, n: int, rng: random.Random) -> list[Any]:
    """Distinct valid values when random draws keep colliding (small enums, narrow ranges)."""
    from jsonschema import Draft202012Validator  # rare path: checking candidates here is cheap enough

    valid = Draft202012Validator(dict(items)).is_valid
    got: list[Any] = []
    enum = items.get("enum")
    pool: list[Any] = list(enum) if isinstance(enum, list) else []
    if not pool and _schema_type(items) in ("integer", "number"):
        lo, hi, lo_x, hi_x = _bounds(items)
        mult = items.get("multipleOf")
        step = mult if isinstance(mult, (int, float)) and not isinstance(mult, bool) and mult > 0 else 1
        start = math.ceil(lo / step) if math.isfinite(lo) else 0
        pool = [(k * step if isinstance(step, int) else round(k * step, 12)) for k in range(start, start + 4 * n + 8)]
        pool = [v for v in pool if _in_bounds(v, lo, hi, lo_x, hi_x)]
    elif not pool and _schema_type(items) in (None, "string"):
        letters = "abcdefghijklmnopqrstuvwxyz"
        pool = [*V.WORDS, *letters, *(x + y for x in letters[:8] for y in letters), *(str(i) for i in range(100))]
        if any(k in items for k in ("minLength", "maxLength", "pattern")):
            pool = [_fit_string(c, items, rng, "word") for c in pool]
    for v in pool:
        if len(got) >= n:
            break
        k = _key(v)
        if k not in seen and valid(v):
            seen.add(k)
            got.append(v)
    return got


def _gen_object(name: str, schema: Mapping[str, Any], rng: random.Random, root: Mapping[str, Any] | None,
                tool_text: str, default_p: float, depth: int) -> dict[str, Any]:
    props = schema.get("properties") if _is_mapping(schema.get("properties")) else {}
    required = [r for r in schema.get("required", ()) if isinstance(r, str)]
    keys = list(required)
    if not keys and props and depth < _MAX_DEPTH:
        names = list(props)
        k = rng.randint(1, min(2, len(names)))
        keys = rng.sample(names, k)
    out: dict[str, Any] = {}
    for key in keys:
        sub = props.get(key, {}) if depth < _MAX_DEPTH else {}
        out[key] = _gen(key, sub, rng, root, tool_text, default_p, depth + 1)
    mn = schema.get("minProperties")
    if isinstance(mn, int) and len(out) < mn:
        extra = [k for k in props if k not in out]
        for key in extra[: mn - len(out)]:
            out[key] = _gen(key, props[key], rng, root, tool_text, default_p, depth + 1)
        i = 1
        add = schema.get("additionalProperties", True)
        while len(out) < mn and add is not False:
            out[f"field_{i}"] = _gen("field", add if _is_mapping(add) else {}, rng, root, tool_text, 0.0, depth + 1)
            i += 1
    return out


@lru_cache(maxsize=2048)
def _tool_text(name: str, description: str) -> str:
    return " ".join(param_tokens(name)) + " " + description[:300]


def generate_value(name: str, schema: dict, *, rng: random.Random, tool: Tool | None = None,
                   root: Mapping[str, Any] | None = None, default_p: float = 0.15) -> Any:
    """A realistic value for parameter ``name`` that validates against ``schema``.

    Chooses by enum/const, then by format, description cues ("YYYY-MM-DD", "IATA",
    "[Enum]: a, b") and the parameter's name (emails, cities, amounts, file names ...),
    and respects the schema's constraints (bounds, ``multipleOf``, lengths, simple
    patterns, item counts, uniqueness, required properties).  ``$ref`` is resolved in
    ``root`` (default: ``tool.parameters``).  With probability ``default_p`` a schema
    ``default`` is returned instead.

    >>> import random
    >>> generate_value("travel_date", {"type": "string", "format": "date"}, rng=random.Random(1))[:2]
    '20'
    """
    if root is None and tool is not None:
        root = tool.parameters
    tool_text = _tool_text(tool.name, tool.description) if tool is not None else ""
    return _gen(name, schema, rng, root, tool_text, default_p, 0)


# ------------------------------------------------------------------------------------------
# writing values in text
# ------------------------------------------------------------------------------------------
_QUOTED_KINDS = frozenset({
    "file", "folder", "path", "title", "subject", "message", "query", "keyword", "product", "address",
    "hotel", "password", "device", "pet_name", "token",
})
_EXT = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_PROPER = re.compile(r"^[A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,3}$")


def format_number(value: int | float) -> str:
    """A number as written in text: integers plain, floats in shortest round-trip form, never
    in exponent notation (``1200.5`` -> ``'1200.5'``, ``1e-7`` -> ``'0.0000001'``)."""
    if type(value) is int:
        return str(value)
    if type(value) is float:  # repr is the shortest round-trip form ("nan" and "inf" included)
        text = repr(value)
        return text if "e" not in text else _plain(text)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = _plain(text)
    return text


def _plain(text: str) -> str:
    """A float's repr in exponent notation written out (``1e-07`` -> ``0.0000001``)."""
    from decimal import Decimal

    return format(Decimal(text), "f")


@lru_cache(maxsize=4096)
def _schema_kind(name: str, title: str, desc: str, fmt: str) -> str:
    return value_kind(name or title, "string", fmt, desc, "")


_NUMERAL = re.compile(r"[\d.]+")


def string_text(value: str, kind: str) -> str:
    """A string value written in text for its kind (see :func:`string_kind`): free text
    quoted, names, codes and identifiers bare; what :func:`format_value` does for strings."""
    if kind in _QUOTED_KINDS:
        return f"'{value}'"
    if kind != "word" and kind != "full_name":
        return value
    if not value:
        return "''"
    if "@" in value or value.startswith(("http://", "https://")):
        return value
    if kind == "full_name" or " " not in value:
        if _EXT.search(value) and not value[0].isdigit() and " " not in value and not _NUMERAL.fullmatch(value):
            return f"'{value}'"
        return value
    if _PROPER.match(value):
        return value
    return f"'{value}'"


def string_is_bare(kind: str) -> bool:
    """True when :func:`string_text` writes every value of this kind as it is (ids, dates,
    emails, codes ...)."""
    return kind not in _QUOTED_KINDS and kind != "word" and kind != "full_name"


_NO_SCHEMA: Mapping[str, Any] = {}  # read only


def _is_mapping(value: Any) -> bool:
    """``isinstance(value, Mapping)``, with the common ``dict`` case first (the ABC check is slow)."""
    return type(value) is dict or isinstance(value, Mapping)


def string_kind(schema: Mapping[str, Any] | None, *, name: str | None = None) -> str:
    """The kind under which :func:`format_value` writes a string value of a parameter with
    this ``schema`` (its title, description and format) and ``name``; callers that write
    many values of one parameter compute it once and use :func:`string_text`."""
    sch: Mapping[str, Any] = schema if schema is not None and _is_mapping(schema) else _NO_SCHEMA
    desc = sch.get("description")
    title = sch.get("title")
    fmt = sch.get("format")
    return _schema_kind(
        name or "",
        title if isinstance(title, str) else "",
        desc if isinstance(desc, str) else "",
        fmt if isinstance(fmt, str) else "",
    )


def format_value(value: Any, schema: Mapping[str, Any] | None = None, *, name: str | None = None) -> str:
    """How a request writes ``value``: the exact value is always a substring of the result.

    Free text (file names, titles, messages, queries) is put in single quotes; names,
    cities, emails, ids, codes, dates are written bare; numbers so that a parser reads
    them back exactly; lists as ``'a', 'b' and 'c'``; objects as ``key value`` pairs.
    ``name`` (the parameter's name) helps decide when ``schema`` has no title.

    >>> format_value(1200.5), format_value(3), format_value(["a.txt", "b.txt"], {"items": {}}, name="files")
    ('1200.5', '3', "'a.txt' and 'b.txt'")
    """
    if type(value) is str:  # the common case first
        return string_text(value, string_kind(schema, name=name))
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    sch: Mapping[str, Any] = schema if schema is not None and _is_mapping(schema) else _NO_SCHEMA
    if isinstance(value, str):
        return string_text(value, string_kind(sch, name=name))
    if isinstance(value, list):
        items = sch.get("items")
        items = items if items is not None and _is_mapping(items) else None
        item_name = _item_name(name) if name else None
        parts = [format_value(v, items, name=item_name) for v in value]
        parts = [f"({p})" if isinstance(v, dict) else p for p, v in zip(parts, value)]
        return join_words(parts) if parts else "none"
    if isinstance(value, dict):
        props = sch.get("properties")
        props = props if props is not None and _is_mapping(props) else _NO_SCHEMA
        parts = [f"{humanize_param(str(k))} {format_value(v, props.get(k), name=str(k))}" for k, v in value.items()]
        return join_words(parts, sep=", ") if parts else "nothing"
    return str(value)


def join_words(parts: list[str], *, sep: str = ", ", last: str = " and ") -> str:
    """``['a', 'b', 'c']`` -> ``'a, b and c'``."""
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return sep.join(parts[:-1]) + last + parts[-1]
