"""Placeholders in utterance hints, edited as plain text before values or reference phrases
fill them: a noun dropped before its placeholder, a placeholder freed from a determiner or
from the placeholder right before it, ``a`` turned into ``an``. Split from :mod:`.phrases`,
which uses them; each ASCII fast path does what its regular expression does."""

from __future__ import annotations

import re
from functools import lru_cache

__all__: list[str] = []


def _word_edge(low: str, at: int) -> bool:
    """``\\b`` at ``at`` of an ASCII text: a word character on exactly one side."""
    before = at > 0 and (low[at - 1].isalnum() or low[at - 1] == "_")
    after = at < len(low) and (low[at].isalnum() or low[at] == "_")
    return before != after


@lru_cache(maxsize=4096)
def _noun_before_hole(noun: str, key: str) -> re.Pattern[str]:
    """``booking {booking_id}`` (with an optional article, any case) before a placeholder;
    compiled only for a text or noun that is not ASCII (see :func:`_drop_noun_before`)."""
    return re.compile(r"(?i)\b(?:the |my |a )?" + re.escape(noun) + r"s? \{" + key + r"\}")


def _drop_noun_before(text: str, noun: str, key: str) -> str:
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
# for all placeholders, compiled once; :func:`_unglue` leaves the matches of other placeholders
# as they are (no two matches can overlap: each ends at its placeholder and none spans another).
_GLUED_HOLE = re.compile(r"(?<=\})(\s+)\{([A-Za-z_][A-Za-z0-9_]*)\}"
                         r"|(?i:\b(?:the|a|an|my|your|this|that|his|her|their)\s+(?:[\w-]+\s+)?)"
                         r"[\"“']?\{([A-Za-z_][A-Za-z0-9_]*)\}[\"”']?")


def _unglue(text: str, key: str) -> str:
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


_ARTICLE_A = re.compile(r"\b([Aa]) ")


def _article_before(text: str, value: str) -> str:
    """``a`` -> ``an`` where it stands right before ``value`` (or before a quote and ``value``)."""

    def fix(m: re.Match[str]) -> str:
        end = m.end()
        if text.startswith(value, end) or (text[end : end + 1] in ("'", '"') and text.startswith(value, end + 1)):
            return m.group(1) + "n "
        return m.group(0)

    return _ARTICLE_A.sub(fix, text)
