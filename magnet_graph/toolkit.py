"""Base class for executable toolkits (the built-in ones in ``tool_catalogs/`` use it).

A toolkit is a class whose public methods are tools. Its whole state is plain JSON data in
``self.data``, loaded from an initial config, so a conversation can be replayed from its
recorded initial state and the end states compared (BFCL's checker does exactly this).

Conventions for subclasses:

* Each public method has type hints for every parameter and a Google-style docstring whose
  first paragraph describes the tool, with ``Args:`` describing every parameter and
  ``Returns:`` describing the output. The return annotation is a ``TypedDict`` (or a plain
  type) giving the output schema. ``typing.Literal`` gives enums.
* Methods never raise on a bad request: they return ``{"error": "<what is wrong>"}``
  (unknown id, insufficient funds, file exists ...). Outputs are JSON data only and
  deterministic given the state and the arguments.
* ``generate_state(rng)`` returns a realistic, seeded initial state; ``default_state()`` a
  fixed small one. A ``generate_state`` that has a parameter named ``world``
  (``generate_state(cls, rng, world=None)``) is also given the conversation's
  :class:`World`: today's date, the current time and the user (name, e-mail, phone, home
  address), the same for every toolkit of a conversation, so that they agree.
* ``hints`` maps a tool name to a few request templates, e.g.
  ``"get_distance": ("How far is it from {origin} to {destination}?",)``; placeholders are
  parameter names.
* ``candidates(tool, param)`` lists values of ``param`` that make sense in the current state
  (existing ids, file names ...). The default scans ``self.data`` for keys matching the
  parameter name; override it where that is not enough.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Callable, ClassVar, Mapping, Sequence

import orjson

__all__ = ["Toolkit", "World", "below_of", "copy_state", "draw_world", "norm_name"]


def copy_state(data: Any) -> Any:
    """A deep copy of plain JSON data (faster than ``copy.deepcopy``)."""
    return orjson.loads(orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS))


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@lru_cache(maxsize=65536)
def norm_name(name: str) -> str:
    """``bookingId`` / ``Booking-ID`` / ``booking_id`` -> ``booking_id``."""
    return re.sub(r"[^a-z0-9]+", "_", _CAMEL.sub("_", name).lower()).strip("_")


@dataclass(frozen=True, slots=True)
class World:
    """The shared facts of one conversation: when it happens and who the user is.

    Every toolkit of a conversation whose ``generate_state`` takes a ``world`` parameter gets
    the same ``World``, so the calendar, the bank and the shop agree on today's date and on
    the user's name, e-mail, phone and home. The execution environment draws it from the
    conversation's state seed (:func:`draw_world`); all attempts at one record share it.

    Frozen (and hashable): one value is handed to every toolkit, none can change what the
    others see, and it needs no copy. Plain strings only, so a toolkit may store any field
    in its state as it is.

    * ``today``: the date, ``YYYY-MM-DD``; ``now``: the current local time on that day,
      ``YYYY-MM-DDTHH:MM`` (it starts with ``today``);
    * ``first_name``, ``last_name`` (``name`` joins them), ``email``, ``phone``;
    * the home: ``street`` (number, street, maybe an apartment), ``city``, ``region`` (a
      state code), ``postcode``, ``country``; ``address`` is the one-line postal address.

    >>> w = draw_world(random.Random(3))
    >>> w.now.startswith(w.today + "T") and w.address.startswith(w.street + ", " + w.city)
    True
    """

    today: str
    now: str
    first_name: str
    last_name: str
    email: str
    phone: str
    street: str
    city: str
    region: str
    postcode: str
    country: str

    def __post_init__(self) -> None:
        date.fromisoformat(self.today)  # ValueError for a malformed date
        if len(self.now) != 16 or self.now[:11] != self.today + "T":
            raise ValueError(f"World.now must be 'YYYY-MM-DDTHH:MM' on {self.today}, got {self.now!r}")

    @property
    def name(self) -> str:
        """The user's full name, ``"Priya Shah"``."""
        return f"{self.first_name} {self.last_name}"

    @property
    def address(self) -> str:
        """The home's postal address on one line, ``"1420 Valencia Street, San Francisco, CA 94110"``."""
        return f"{self.street}, {self.city}, {self.region} {self.postcode}"


# Pools of draw_world. The homes are cities every built-in toolkit knows (Maps has streets
# and weather for them, Travel flies from their airports); they are in the United States
# because the built-in bank and shop work in dollars and ship to US addresses.
_FIRST_NAMES = (
    "Alex", "Priya", "Jordan", "Mei", "Carlos", "Fatima", "Liam", "Sofia", "Noah", "Aisha", "Ethan", "Yuki",
    "Mateo", "Olivia", "Hiroshi", "Amara", "Lucas", "Chloe", "Omar", "Hannah", "Diego", "Zara", "Ben", "Leila",
    "Ravi", "Grace", "Kofi", "Elena", "Sam", "Ingrid", "Tomas", "Nadia", "Marcus", "Ana", "Wei", "Julia",
    "Kwame", "Sara", "Daniel", "Ines", "Maya", "Felix", "Clara", "Jonas", "Zoe",
)
_LAST_NAMES = (
    "Morgan", "Patel", "Chen", "Garcia", "Okafor", "Kim", "Nguyen", "Silva", "Mueller", "Rossi", "Johnson",
    "Haddad", "Tanaka", "Kowalski", "Schmidt", "Dubois", "Lee", "Martinez", "Brown", "Ibrahim", "Singh",
    "Andersen", "Novak", "Costa", "Walsh", "Fischer", "Sato", "Romero", "Cohen", "Murphy", "Ahmed", "Lopez",
    "Park", "Wright", "Baker", "Reyes", "Sharma", "Moreau", "Hughes", "Adeyemi", "Larsen", "Mensah",
    "Brennan", "Lindqvist",
)
_EMAIL_DOMAINS = ("gmail.com", "outlook.com", "fastmail.com", "icloud.com", "proton.me", "yahoo.com")
# (city, state, area codes, ((street, postcode), ...))
_HOMES = (
    ("San Francisco", "CA", ("415", "628"), (("Valencia Street", "94110"), ("Fillmore Street", "94115"),
                                             ("Irving Street", "94122"), ("Guerrero Street", "94110"))),
    ("New York", "NY", ("212", "646"), (("Orchard Street", "10002"), ("West 86th Street", "10024"),
                                        ("Lexington Avenue", "10128"), ("Bleecker Street", "10012"))),
    ("Los Angeles", "CA", ("310", "323"), (("Sunset Boulevard", "90026"), ("Wilshire Boulevard", "90010"),
                                           ("Abbot Kinney Boulevard", "90291"))),
    ("Chicago", "IL", ("312", "773"), (("N Milwaukee Avenue", "60647"), ("W Armitage Avenue", "60614"),
                                       ("S Halsted Street", "60608"))),
    ("Seattle", "WA", ("206",), (("Pine Street", "98101"), ("NE 45th Street", "98105"),
                                 ("California Avenue SW", "98116"))),
    ("Boston", "MA", ("617",), (("Beacon Street", "02108"), ("Tremont Street", "02116"),
                                ("Commonwealth Avenue", "02215"))),
    ("Miami", "FL", ("305", "786"), (("Brickell Key Drive", "33131"), ("Collins Avenue", "33139"),
                                     ("SW 8th Street", "33135"))),
    ("Denver", "CO", ("303", "720"), (("E Colfax Avenue", "80206"), ("Tennyson Street", "80212"),
                                      ("S Pearl Street", "80210"))),
    ("Austin", "TX", ("512", "737"), (("E 6th Street", "78702"), ("S Congress Avenue", "78704"),
                                      ("Guadalupe Street", "78705"))),
    ("Portland", "OR", ("503", "971"), (("SE Hawthorne Boulevard", "97214"), ("NW 23rd Avenue", "97210"),
                                        ("N Mississippi Avenue", "97227"))),
    ("San Diego", "CA", ("619", "858"), (("University Avenue", "92104"), ("Garnet Avenue", "92109"),
                                         ("India Street", "92101"))),
    ("San Jose", "CA", ("408", "669"), (("The Alameda", "95126"), ("Lincoln Avenue", "95125"),
                                        ("Santa Clara Street", "95113"))),
    ("Oakland", "CA", ("510", "341"), (("Telegraph Avenue", "94612"), ("Grand Avenue", "94610"),
                                       ("College Avenue", "94618"))),
    ("Washington", "DC", ("202",), (("Connecticut Avenue NW", "20008"), ("14th Street NW", "20009"),
                                    ("Massachusetts Avenue NE", "20002"))),
)
_DAY0 = date(2024, 1, 1).toordinal()  # worlds fall on one of the 850 days from here (to 2026-04-29)
_UNITS = "ABCD"


_WITH_BITS = random.Random._randbelow_with_getrandbits  # type: ignore[attr-defined]


def below_of(rng: random.Random) -> Callable[[int], int]:
    """``rng._randbelow``: the uniform draw in ``[0, n)`` (``n >= 1``) that ``rng.randrange(n)``,
    ``choice`` and ``randint`` make after their argument checks, so the same values from the
    same state.

    When that is CPython's ``_randbelow_with_getrandbits`` (as for ``random.Random``), a copy
    of it holding ``rng.getrandbits`` is returned instead: the same draws, a third faster
    (no method binding or attribute lookup per draw).
    """
    bound = rng._randbelow  # type: ignore[attr-defined]
    if getattr(bound, "__func__", None) is not _WITH_BITS:
        return bound
    getrandbits = rng.getrandbits

    def below(n: int) -> int:
        k = n.bit_length()
        r = getrandbits(k)  # 0 <= r < 2**k, redrawn until below n, as _randbelow_with_getrandbits does
        while r >= n:
            r = getrandbits(k)
        return r

    return below


def draw_world(rng: random.Random) -> World:
    """A :class:`World` drawn from ``rng``: a day in 2024-2026, a time between 08:00 and
    19:59, a user with a name, e-mail, phone and a home in one of 14 US cities."""
    below = below_of(rng)  # below(n) is rng.randrange(n)
    day = date.fromordinal(_DAY0 + below(850)).isoformat()
    minute = 8 * 60 + below(12 * 60)
    first, last = _FIRST_NAMES[below(len(_FIRST_NAMES))], _LAST_NAMES[below(len(_LAST_NAMES))]
    email = f"{first.lower()}.{last.lower()}@{_EMAIL_DOMAINS[below(len(_EMAIL_DOMAINS))]}"
    city, region, areas, streets = _HOMES[below(len(_HOMES))]
    street, postcode = streets[below(len(streets))]
    line = f"{10 + below(2390)} {street}"
    if below(10) < 3:
        line += f", Apt {1 + below(20)}{_UNITS[below(4)]}"
    phone = f"+1-{areas[below(len(areas))]}-555-01{below(100):02d}"  # 555-0100..0199: fictional numbers
    return World(today=day, now=f"{day}T{minute // 60:02d}:{minute % 60:02d}", first_name=first, last_name=last,
                 email=email, phone=phone, street=line, city=city, region=region, postcode=postcode,
                 country="United States")


class Toolkit:
    """Base for a stateful, executable toolkit. Public methods of subclasses are tools."""

    #: Toolkit name used in records and catalogs; defaults to the class name.
    toolkit_name: ClassVar[str | None] = None
    #: Short description of the toolkit (shown by ``magnet catalog list``).
    description: ClassVar[str] = ""
    #: Request templates per tool name (placeholders are parameter names).
    hints: ClassVar[Mapping[str, Sequence[str]]] = {}
    #: Set ``True`` in a class (it is not inherited) whose ``generate_state`` always returns
    #: newly built plain JSON data: dicts with ``str`` keys, lists, strings, ints, finite
    #: floats, booleans and ``None``, no dict or list shared with anything (itself included).
    #: The executor then gives that data to the first instance as it is, instead of a parsed copy.
    fresh_state: ClassVar[bool] = False
    #: Tool (method) name -> parameters whose ``candidates(tool, param)`` lists every value a
    #: call can succeed with in the current state. The offline planner then uses no other value
    #: (not even one from an earlier output), and an empty list ends the attempt at once with
    #: the drop reason ``precondition`` (nothing can make that call succeed now).
    exact_candidates: ClassVar[Mapping[str, Sequence[str]]] = {}

    def __init__(self, state: Mapping[str, Any] | None = None):
        self.data: dict[str, Any] = copy_state(dict(state) if state is not None else self.default_state())

    @classmethod
    def from_json(cls, blob: bytes) -> "Toolkit":
        """An instance whose state is parsed from the JSON object ``blob``.

        The same as ``cls(orjson.loads(blob))``, minus the copy ``__init__`` makes (the
        parsed state is already private) when the subclass keeps the base ``__init__``.
        """
        if cls.__init__ is not Toolkit.__init__:
            return cls(orjson.loads(blob))
        obj = cls.__new__(cls)
        obj.data = orjson.loads(blob)
        return obj

    # -- state ---------------------------------------------------------------------------
    @classmethod
    def name(cls) -> str:
        return cls.toolkit_name or cls.__name__

    @classmethod
    def default_state(cls) -> dict[str, Any]:
        """A small fixed initial state."""
        return {}

    @classmethod
    def generate_state(cls, rng: random.Random, world: World | None = None) -> dict[str, Any]:
        """A realistic initial state drawn from ``rng`` (default: the fixed one).

        ``world`` is the conversation's :class:`World` when the environment makes the state;
        a subclass that declares the parameter uses its date and user instead of drawing its
        own (and draws one, ``draw_world(rng)``, when called without it). A subclass whose
        ``generate_state`` takes only ``rng`` keeps working: it is called without a world.
        """
        return cls.default_state()

    def state(self) -> dict[str, Any]:
        """The current state as plain data (not a copy)."""
        return self.data

    # -- values the offline translator may use --------------------------------------------
    def candidates(self, tool: str, param: str) -> list[Any]:
        """Values of ``param`` that exist in the current state (default: scan ``self.data``).

        The scan walks the state depth first and keeps, in the order met, each distinct
        scalar (string or number) stored under a key that matches the parameter name
        (``booking_id`` matches ``booking_id`` and ``id`` inside a booking).
        """
        want = norm_name(param)
        matched = _MATCHED.get(want)
        if matched is None or len(matched) >= _MATCHED_MAX:  # ids used as keys never repeat: keep it bounded
            if len(_MATCHED) >= _MATCHED_WANTS:
                _MATCHED.clear()
            matched = _MATCHED[want] = {}
        found: list[Any] = []
        data = self.data
        # A key that matches ``want`` holds its last word: a state (or a part of its top
        # level) whose JSON text lacks that word has no such key and adds nothing, so it is
        # not walked (see _lacks_word). Most states lack the word of a name that is not theirs.
        word = want.rsplit("_", 1)[-1].encode()
        if _lacks_word(data, word):
            return found
        t = type(data)
        if t is dict:
            data = {k: v for k, v in data.items() if not ((type(v) is dict or type(v) is list) and _lacks_word(v, word))}
        elif t is list:
            data = [v for v in data if not ((type(v) is dict or type(v) is list) and _lacks_word(v, word))]
        _collect(data, want, matched, found, set())
        return found


# wanted name -> {state key -> whether the key matches}; keys repeat across states and calls.
# Both levels are bounded: a table is dropped when full, all of them when there are too many.
_MATCHED: dict[str, dict[str, bool]] = {}
_MATCHED_MAX = 1 << 14
_MATCHED_WANTS = 256


def _collect(node: Any, want: str, matched: dict[str, bool], found: list[Any], seen: set[Any]) -> None:
    """Append to ``found`` the scalars under matching keys in ``node`` (depth first).

    ``seen`` holds strings by value and other scalars by ``repr`` (kept as a 1-tuple so that
    ``1`` and ``"1"`` stay distinct), so each value is kept once, at its first occurrence.
    Booleans, ``None`` and scalars directly inside lists are never kept. ``matched`` caches
    whether a (plain ``str``) key matches ``want``.
    """
    if isinstance(node, dict):
        _collect_dict(node, want, matched, found, seen)
    elif isinstance(node, list):
        _collect_list(node, want, matched, found, seen)


def _collect_dict(node: dict, want: str, matched: dict[str, bool], found: list[Any], seen: set[Any]) -> None:
    """:func:`_collect` for a dict: exact ``str``/``int``/``float`` values first (the common case)."""
    for k, v in node.items():
        t = type(v)
        if t is str or t is int or t is float:
            if type(k) is str:
                ok = matched.get(k)
                if ok is None:
                    ok = matched[k] = _key_matches(norm_name(k), want)
            else:
                ok = _key_matches(norm_name(str(k)), want)
            if ok:
                marker = v if t is str else (repr(v),)
                if marker not in seen:
                    seen.add(marker)
                    found.append(v)
        elif t is dict:
            _collect_dict(v, want, matched, found, seen)
        elif t is list:
            _collect_list(v, want, matched, found, seen)
        elif isinstance(v, (dict, list)):  # subclasses
            _collect(v, want, matched, found, seen)
        elif isinstance(v, (str, int, float)) and not isinstance(v, bool):  # scalar subclasses, kept by repr
            if _key_matches(norm_name(k if type(k) is str else str(k)), want):
                marker = (repr(v),)
                if marker not in seen:
                    seen.add(marker)
                    found.append(v)


def _collect_list(node: list, want: str, matched: dict[str, bool], found: list[Any], seen: set[Any]) -> None:
    """:func:`_collect` for a list: only its dicts and lists are walked."""
    for item in node:
        t = type(item)
        if t is dict:
            _collect_dict(item, want, matched, found, seen)
        elif t is list:
            _collect_list(item, want, matched, found, seen)
        elif isinstance(item, (dict, list)):
            _collect(item, want, matched, found, seen)


def _lacks_word(node: Any, word: bytes) -> bool:
    """True when no key anywhere in ``node`` can match a wanted name whose last word
    (``id`` of ``booking_id``) is ``word``; False when it may (or when it cannot be told).

    A normalized key that matches ends with that word (:func:`_key_matches`), and
    normalizing only inserts or replaces separators and lowercases, so the key itself holds
    the word's letters and digits in a row, in some case. In compact JSON a key's ASCII
    letters and digits are written as they are: if the text, ASCII-lowercased, lacks the
    word, no key holds it. Two non-ASCII letters lowercase to ASCII ones (U+0130 and the
    Kelvin sign U+212A): a text with either is not told. Data orjson refuses (non-``str``
    keys, subclasses of ``str``/``int``/``float``/``dict``/``list``, other types) is not
    told either: the walk visits it as before.
    """
    try:
        blob = orjson.dumps(node, option=orjson.OPT_PASSTHROUGH_SUBCLASS)
    except Exception:
        return False
    if not blob.isascii() and (b"\xc4\xb0" in blob or b"\xe2\x84\xaa" in blob):
        return False
    return word not in blob.lower()


def _key_matches(key: str, want: str) -> bool:
    if key == want:
        return True
    # ``id`` inside a record matches ``<thing>_id`` only when asked for exactly ``id``
    return want.endswith("_" + key) and key not in ("id", "name", "type", "status") or key.endswith("_" + want)
