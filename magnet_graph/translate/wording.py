"""Wording helpers shared by :mod:`.phrases` (user requests) and :mod:`.summary` (assistant summaries).

* :func:`pick` and :func:`cap`: choose one phrasing from a pool, capitalize a sentence.
* :func:`clean_description` / :func:`action_phrase` turn a tool's description into a short
  imperative action phrase; :func:`short_phrase` cuts it to a few words; :func:`scrub` writes
  identifiers as words and :func:`is_identifier` tells them apart.
* :data:`PREPOSITIONS` and :func:`text_kind_of`: small word and value-kind facts both use.

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
