"""Wording helpers shared by :mod:`.phrases` (user requests) and :mod:`.summary` (assistant summaries).

* :func:`pick` and :func:`cap`: choose one phrasing from a pool, capitalize a sentence.
* :func:`clean_description` / :func:`action_phrase` turn a tool's description into a short
  imperative action phrase; :func:`short_phrase` cuts it to a few words; :func:`scrub` writes
  identifiers as words and :func:`is_identifier` tells them apart.
* :data:`PREPOSITIONS` and :func:`text_kind_of`: small word and value-kind facts both use.
* :func:`noun_phrase`, :func:`drop_noun_before`, :func:`unglue`: where a parameter's noun is in
  an action phrase and how a hint's placeholder is freed for a reference (used by :mod:`.phrases`;
  matched by hand in ASCII text, with the same results as the patterns they stand for).

Kept apart so that neither phrasing module imports the other's internals.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from typing import Sequence

from ..types import Tool
from .values import humanize_param, param_tokens, string_is_bare

__all__ = [
    "noun_phrase",
    "drop_noun_before",
    "unglue",
    "pick",
    "cap",
    "is_identifier",
    "PREPOSITIONS",
    "text_kind_of",
    "scrub",
    "action_phrase",
    "clean_description",
    "short_phrase",
]


def pick(rng: random.Random, pool: Sequence[str]) -> str:
    """One entry of ``pool``, chosen with one draw of ``rng``."""
    return pool[int(rng.random() * len(pool))]


_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")


def is_identifier(name: str) -> bool:
    """True when ``name`` reads as a code identifier (``_``, a digit, or an inner capital)."""
    return "_" in name or any(c.isdigit() for c in name) or _INNER_CAPITAL.search(name) is not None


PREPOSITIONS = frozenset({"to", "for", "from", "of", "in", "on", "by", "with", "at"})


def text_kind_of(kind: str) -> str | None:
    """``kind`` for :func:`string_text`, or ``None`` when values of it are written as they are."""
    return None if string_is_bare(kind) else kind


def cap(text: str) -> str:
    """``text`` with its first letter capitalized when it is lowercase."""
    return text[0].upper() + text[1:] if text and text[0].islower() else text


# ------------------------------------------------------------------------------------------
# descriptions -> action phrases
# ------------------------------------------------------------------------------------------
_PARENS = re.compile(r"\s*\([^()]*\)")
# a sentence's end: ".", "!" or "?" before a space or the end (not after "e.g", "i.e", "etc", "vs"),
# a newline, ": " or "; " (the mark first, the lookbehinds after it: a quick scan for the marks)
_SENTENCE_END = re.compile(r"[.!?](?<!\be\.g[.!?])(?<!\bi\.e[.!?])(?<!\betc[.!?])(?<!\bvs[.!?])(?=\s|$)|\n|:\s|;\s")
_LEAD_INS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^tool description:\s*",
        r"^(?:this|the) (?:tool|function|method|endpoint|api|operation|action|command|service)\s+"
        r"(?:is used to|can be used to|is able to|is designed to|should be used to|is for|will|lets (?:you|users)|"
        r"allows (?:you|users|the user|a user) to|helps (?:you |users )?(?:to )?|enables (?:you|users) to|"
        r"is responsible for|can|may)?\s*",
        r"^(?:a |an )?(?:tool|function|method|endpoint|api|helper|utility|operation)\s+(?:to|that|for|which)\s+",
        r"^(?:use this (?:tool |function |endpoint )?to|used to|allows (?:you|users) to|lets (?:you|users)|"
        r"helps (?:you )?(?:to )?|enables (?:you|users) to)\s+",
        r"^(?:please\s+)",
    )
)
_IDENT_TOKEN = re.compile(r"`?\b([A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+|[a-z]+[A-Z][A-Za-z0-9]*)\b`?")
_ARTICLES = frozenset({"a", "an", "the", "any", "information", "details", "current", "data"})
_IRREGULAR = {"does": "do", "goes": "go", "has": "have", "is": "be", "returns": "get", "return": "get",
              "gives": "give", "echoes": "echo"}
_NOT_VERBS_S = frozenset({"status", "details", "news", "series", "analysis", "settings", "this", "is", "ids"})
_LIKE_TAIL = re.compile(r",? like `?[\w -]+`?$")
_CUT_WORDS = re.compile(r",? (?:which|that|so that|in order to|if|when|where|because) ")


def _base_verb(word: str) -> str:
    """Third-person verb to base form (``Displays`` -> ``display``); other words unchanged."""
    low = word.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if low in _NOT_VERBS_S or len(low) <= 3 or not low.endswith("s") or low.endswith(("ss", "us", "is")):
        return low if word[1:].islower() or len(word) == 1 else word
    if low.endswith("ies"):
        return low[:-3] + "y"
    if low.endswith(("sses", "shes", "ches", "xes", "zes")):
        return low[:-2]
    return low[:-1]


def _replace_any_case(text: str, old: str, new: str) -> str:
    """``text`` with each ``old`` replaced by ``new``, in any case (``old`` is not empty)."""
    if not (text.isascii() and old.isascii()) or "\\" in new:  # the general case: a pattern
        return re.sub(re.escape(old), new, text, flags=re.IGNORECASE)
    low, old = text.lower(), old.lower()  # ASCII: matching in any case is matching lower-cased
    at = low.find(old)
    if at < 0:
        return text
    parts, done = [], 0
    while at >= 0:
        parts += (text[done:at], new)
        done = at + len(old)
        at = low.find(old, done)
    parts.append(text[done:])
    return "".join(parts)


def scrub(text: str, tool_name: str = "") -> str:
    """Identifiers written as words (``access_token`` -> ``access token``)."""
    if "_" in text or _INNER_CAPITAL.search(text):  # what an identifier needs (most texts have none)
        text = _IDENT_TOKEN.sub(lambda m: humanize_param(m.group(1)), text)
    if tool_name and is_identifier(tool_name):
        text = _replace_any_case(text, tool_name, humanize_param(tool_name))
    return text.replace("`", "")


@lru_cache(maxsize=4096)
def action_phrase(name: str, description: str) -> str:
    """The action phrase of a tool's name and description (see :func:`clean_description`); cached."""
    desc = description or ""
    if "Tool description:" in desc:
        desc = desc.split("Tool description:", 1)[1]
    desc = (_PARENS.sub("", desc) if "(" in desc else desc).strip()
    m = _SENTENCE_END.search(desc)
    first = (desc[: m.start()] if m else desc).strip()
    for rx in _LEAD_INS:
        first = rx.sub("", first, count=1)
    first = " ".join(first.split())
    first = (_LIKE_TAIL.sub("", first) if " like " in first else first).strip(" .,;:-")
    if not first:
        return scrub(" ".join(param_tokens(name)), name) or "do that"
    words = first.split(" ")
    if len(words) > 12:
        cut = _CUT_WORDS.search(first, len(" ".join(words[:4])))
        if cut:
            first = first[: cut.start()].strip(" ,")
            words = first.split(" ")
    head = words[0]
    base = _base_verb(head)
    if base == "get" and head.lower().startswith("return") and len(words) > 1 and words[1].lower() in ("whether", "if"):
        base = "check"
    if head.lower() in _ARTICLES:
        words = ["get", head.lower()] + words[1:]
    elif head.lower() == "list" and len(words) > 1 and words[1].lower() == "of":
        words = ["get", "the", "list"] + words[1:]
    else:
        words[0] = base if not (head.isupper() and len(head) > 1) else head
    phrase = " ".join(words)
    return scrub(phrase, name)


def clean_description(tool: Tool) -> str:
    """The tool's description as a short imperative action phrase (no final period).

    BFCL's boilerplate before ``Tool description:`` is dropped, only the first sentence is
    kept, lead-ins like "This tool allows you to" are removed and a third-person verb is
    put in base form; identifiers are written as words.  Cached per tool name and text.

    >>> clean_description(Tool(name="cat", description="This tool belongs to the Gorilla file system. "
    ...     "Tool description: Display the contents of a file of any extension."))
    'display the contents of a file of any extension'
    """
    return action_phrase(tool.name, tool.description)


_SHORT_CUT = frozenset({"that", "which", "who", "based", "given", "using", "with", "for", "from", "by", "in", "on",
                        "at", "within", "via", "and", "or", "if", "when", "where", "whose", "to", "of", "the", "a",
                        "an", "is", "are", "optionally"})


@lru_cache(maxsize=4096)
def short_phrase(name: str, description: str, n: int) -> str:
    """The action phrase cut to about ``n`` words at a natural boundary; cached."""
    words = action_phrase(name, description).split(" ")
    if len(words) <= n:
        return " ".join(words)
    for i in range(2, n + 1):  # cut at the first relative or prepositional word after the verb's object
        if words[i].lower() in ("that", "which", "who", "based", "given", "using", "optionally", "whose", "if", "when"):
            return " ".join(words[:i]).rstrip(",")
    words = words[:n]
    while len(words) > 2 and words[-1].lower() in _SHORT_CUT:
        words.pop()
    return " ".join(words).rstrip(",")


# ------------------------------------------------------------------------------------------
# finding words in action phrases and hints (for :mod:`.phrases`), without compiling a pattern
# per noun or placeholder: hand-written matchers that find what the patterns find
# ------------------------------------------------------------------------------------------
_NOUN_ARTICLES = ("a", "an", "the", "one", "some")
_NOUN_ADJECTIVES = ("specified", "given", "provided", "specific", "particular", "certain", "existing", "new", "target",
                    "selected")
_NOUN_LEADS = frozenset(_NOUN_ARTICLES + _NOUN_ADJECTIVES)
_LAST_WORD = re.compile(r"[a-z]+$")


@lru_cache(maxsize=4096)
def _noun_pattern(noun: str) -> re.Pattern[str]:
    """The noun phrase of ``noun`` in an action phrase ("the given booking"); compiled on first
    use.  Only phrases or nouns that are not ASCII need it: :func:`_noun_at` matches the rest."""
    return re.compile(
        r"\b(?P<art>(?:" + "|".join(_NOUN_ARTICLES) + r")\s+)?(?P<adj>(?:(?:" + "|".join(_NOUN_ADJECTIVES)
        + r")\s+)*)(?P<noun>" + re.escape(noun) + r")(?:s|es)?\b(?!-| or | and |/)",
        re.IGNORECASE,
    )


def _word_edge(low: str, at: int) -> bool:
    """``\\b`` at ``at`` of an ASCII text: a word character on exactly one side."""
    before = at > 0 and (low[at - 1].isalnum() or low[at - 1] == "_")
    after = at < len(low) and (low[at].isalnum() or low[at] == "_")
    return before != after


def _lead_end(low: str, at: int, words: tuple[str, ...]) -> int:
    """Where the spaces after one of ``words`` at ``at`` end, or -1 (at most one can be there)."""
    for w in words:
        if low.startswith(w, at):
            end = at + len(w)
            if end < len(low) and low[end].isspace():
                end += 1
                while end < len(low) and low[end].isspace():
                    end += 1
                return end
    return -1


_NOUN_STOPS = ("-", "/", " or ", " and ")


def _noun_at(low: str, noun: str, at: int) -> tuple[int, int, int] | None:
    """What ``_noun_pattern(noun).match(action, at)`` finds in an ASCII action phrase
    (``low``: lower-cased, ``noun`` too), without compiling it: the end of the article (``at``
    when there is none), of the adjectives and of the match; ``None`` if it does not match.

    It tries what the pattern tries, in its order: with the article then without, as many
    adjectives as there are then fewer, the suffix ``s``, ``es``, then none.
    """
    if not _word_edge(low, at):
        return None
    art_end = _lead_end(low, at, _NOUN_ARTICLES)
    for lead in (art_end, at) if art_end >= 0 else (at,):
        ends = [lead]
        end = _lead_end(low, lead, _NOUN_ADJECTIVES)
        while end >= 0:
            ends.append(end)
            end = _lead_end(low, end, _NOUN_ADJECTIVES)
        for adj_end in reversed(ends):
            if low.startswith(noun, adj_end):
                noun_end = adj_end + len(noun)
                for suffix in ("s", "es", ""):
                    if low.startswith(suffix, noun_end):
                        end = noun_end + len(suffix)
                        if _word_edge(low, end) and not low.startswith(_NOUN_STOPS, end):
                            return lead, adj_end, end
    return None


def _match_starts(low: str, noun: str) -> list[int]:
    """Every position where :func:`_noun_pattern` could match in an ASCII action phrase
    (``low``, lower-cased; ``noun`` too), ascending; empty when the noun is absent.

    A match is the noun after articles/adjectives separated by spaces: it starts at an
    occurrence of the noun or at one of those words right before it.  Trying only these
    positions avoids the slow case-insensitive attempts at every other one.
    """
    starts = []
    at = low.find(noun)
    while at != -1:
        starts.append(at)
        start = at
        while True:  # back over "the given " before the noun
            end = start
            while end and low[end - 1].isspace():
                end -= 1
            if end == start:
                break
            word = _LAST_WORD.search(low, max(0, end - 16), end)  # lead words are shorter
            if word is None or word.group() not in _NOUN_LEADS:
                break
            start = word.start()
            starts.append(start)
        at = low.find(noun, at + 1)
    return starts if len(starts) <= 1 else sorted(set(starts))


_PHRASE_AT: dict[tuple[str, str], tuple[int, int, int, int] | None] = {}  # (action, noun) -> noun_phrase


def noun_phrase(action: str, noun: str) -> tuple[int, int, int, int] | None:
    """Where the noun phrase of ``noun`` is in ``action``: its start and the ends of its
    article, adjectives and noun; or ``None``.  Once values were put in (between ``\\x00``
    marks), the first match outside them.  Memoized for a tool's own action phrases (bounded)."""
    if "\x00" in action:
        return _find_noun_phrase(action, noun)
    key = (action, noun)
    found = _PHRASE_AT.get(key, _NOT_YET)
    if found is _NOT_YET:
        found = _find_noun_phrase(action, noun)
        if len(_PHRASE_AT) >= 4096:
            _PHRASE_AT.clear()
        _PHRASE_AT[key] = found
    return found


_NOT_YET = (-1, -1, -1, -1)


def _find_noun_phrase(action: str, noun: str) -> tuple[int, int, int, int] | None:
    """:func:`noun_phrase`, found."""
    marked = "\x00" in action
    if action.isascii() and noun.isascii():  # ASCII: case-insensitive matching is lower-casing
        low, noun = action.lower(), noun.lower()
        end = 0
        for at in _match_starts(low, noun):  # what search() / finditer() try, in order
            if at < end:
                continue  # inside the last match (finditer's matches do not overlap)
            hit = _noun_at(low, noun, at)
            if hit is not None:
                if not marked or action.count("\x00", 0, at) % 2 == 0:
                    return (at,) + hit
                end = hit[2]
        return None
    rx = _noun_pattern(noun)
    if marked:
        m = next((x for x in rx.finditer(action) if action.count("\x00", 0, x.start()) % 2 == 0), None)
    else:
        m = rx.search(action)
    if m is None:
        return None
    art_end = m.start() + len(m.group("art") or "")
    return m.start(), art_end, art_end + len(m.group("adj")), m.end()


@lru_cache(maxsize=4096)
def _noun_before_hole(noun: str, key: str) -> re.Pattern[str]:
    """``booking {booking_id}`` (with an optional article, any case) before a placeholder;
    compiled only for a text or noun that is not ASCII (see :func:`drop_noun_before`)."""
    return re.compile(r"(?i)\b(?:the |my |a )?" + re.escape(noun) + r"s? \{" + key + r"\}")


def drop_noun_before(text: str, noun: str, key: str) -> str:
    """``text`` without the noun (and its article) right before the placeholder ``key``:
    "cancel the booking {booking_id}" -> "cancel {booking_id}" (:func:`_noun_before_hole`)."""
    hole = "{" + key + "}"
    if not (text.isascii() and noun.isascii()):
        return _noun_before_hole(noun, key).sub(hole, text)
    # ASCII: what the pattern's sub() does, in lower case, tried only where a match can start:
    # at the noun or at an article right before it
    low, noun, tail = text.lower(), noun.lower(), " " + hole.lower()
    if noun + tail not in low and noun + "s" + tail not in low:
        return text
    starts = set()
    at = low.find(noun)
    while at != -1:
        starts.add(at)
        starts.update(at - len(a) for a in ("the ", "my ", "a ") if at >= len(a) and low.startswith(a, at - len(a)))
        at = low.find(noun, at + 1)
    parts, done = [], 0
    for at in sorted(starts):
        if at < done or not _word_edge(low, at):
            continue
        for article in ("the ", "my ", "a ", ""):
            if low.startswith(article, at) and low.startswith(noun, at + len(article)):
                end = at + len(article) + len(noun)
                end += 1 if low.startswith("s" + tail, end) else 0  # s? then " {key}"
                if low.startswith(tail, end):
                    parts += (text[done:at], hole)
                    done = end + len(tail)
                    break
    return "".join(parts) + text[done:] if parts else text


# Where a reference phrase cannot simply replace a placeholder: right after another one
# ("{amount} {currency}" -> "100.0 of the currency from the last step") or after a determiner
# and a noun, quotes included ("the e-mail '{email}'" -> "the email we just got").  One pattern
# for all placeholders, compiled once; :func:`unglue` leaves the matches of other placeholders
# as they are (no two matches can overlap: each ends at its placeholder and none spans another).
_GLUED_HOLE = re.compile(r"(?<=\})(\s+)\{([A-Za-z_][A-Za-z0-9_]*)\}"
                         r"|(?i:\b(?:the|a|an|my|your|this|that|his|her|their)\s+(?:[\w-]+\s+)?)"
                         r"[\"“']?\{([A-Za-z_][A-Za-z0-9_]*)\}[\"”']?")


def unglue(text: str, key: str) -> str:
    """``text`` with the placeholder ``key`` freed for a reference phrase (see :data:`_GLUED_HOLE`):
    ``of`` put between it and a placeholder right before it, a determiner and noun before it dropped."""
    hole = "{" + key + "}"
    if hole not in text:
        return text
    if not text.isascii():

        def fix(m: re.Match[str]) -> str:
            if (m.group(2) or m.group(3)) != key:
                return m.group(0)
            return (" of " if m.group(1) else "") + hole

        return _GLUED_HOLE.sub(fix, text)
    # ASCII: what that sub() does, found backwards from each occurrence of the placeholder (a
    # match ends at one and holds no other, so matches of different occurrences cannot overlap)
    parts, done = [], 0
    at = text.find(hole)
    while at != -1:
        end = at + len(hole)
        start = _glued_start(text, at)
        if start >= done:
            if text[start].isspace():  # after another placeholder: "{amount} of {currency}"
                parts += (text[done:start], " of " + hole)
            else:  # after a determiner (and a noun): the closing quote goes too
                if end < len(text) and text[end] in "\"'":
                    end += 1
                parts += (text[done:start], hole)
            done = end
        at = text.find(hole, end)
    return "".join(parts) + text[done:] if parts else text


_DETERMINERS = frozenset({"the", "a", "an", "my", "your", "this", "that", "his", "her", "their"})


def _glued_start(text: str, at: int) -> int:
    """Where the leftmost match of :data:`_GLUED_HOLE` that ends with the placeholder at ``at``
    starts in an ASCII ``text``, or -1: the spaces after a "}", else a determiner, spaces, maybe
    a word ([\\w-]) and spaces, maybe an opening quote (the longer determiner phrase first)."""
    space = _space_start(text, at)
    if space < at:
        if space > 0 and text[space - 1] == "}":
            return space
    elif at > 0 and text[at - 1] in "\"'":  # an opening quote, after spaces
        space = _space_start(text, at - 1)
        if space == at - 1:
            return -1
    else:
        return -1
    word = space  # a word ([\w-]) right before the spaces, after other spaces
    while word and (text[word - 1].isalnum() or text[word - 1] in "_-"):
        word -= 1
    if word < space and word > 0 and text[word - 1].isspace():
        before = _determiner_start(text, _space_start(text, word))
        if before >= 0:
            return before
    return _determiner_start(text, space)


def _space_start(text: str, end: int) -> int:
    """The start of the run of spaces that ends at ``end`` (``end`` when there is none)."""
    while end and text[end - 1].isspace():
        end -= 1
    return end


def _determiner_start(text: str, end: int) -> int:
    """The start of the determiner (a whole word, any case) that ends at ``end``, or -1."""
    start = end
    while start and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return start if start < end and text[start:end].lower() in _DETERMINERS else -1
