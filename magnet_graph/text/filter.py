"""Stage 1, relevance filtering: does a segment describe a multi-step operation of an app,
website, computer or machine? (GEM keeps about 14% of web text.)

The offline detector scores cues of procedures: numbered or bulleted steps, imperative verbs
at the start of sentences or list items, sequence markers ("first", "then", "finally") and
interface nouns ("button", "menu", "settings", "tap", "screen"); narrative cues (first
person, past tense) and question lists (FAQs) count against. The weighted sum goes through a
logistic function, so the score is in (0, 1); a segment is kept when its score reaches the
threshold. Each segment is also labelled with a domain, a platform, a product name and a task.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any

from .inputs import Segment
from .lexicon import (
    COMMA_MARKERS,
    DOMAINS,
    MULTIWORD_VERBS,
    PARALLEL_MARKERS,
    PLATFORMS,
    SEQUENCE_MARKERS,
    UI_NOUNS,
    VERB_CLASSES,
    VERBS,
    slug,
)

__all__ = ["Relevance", "score_segment", "DEFAULT_THRESHOLD", "split_sentences", "strip_lead", "lead_verb",
           "gerund_to_verb", "task_slug"]

DEFAULT_THRESHOLD = 0.5

_LIST_ITEM = re.compile(r"^\s*(?:(?:step\s*)?\d{1,2}[.):]|[-*\u2022+])\s+", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(?:step\s*)?\d{1,2}[.):]\s+", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_WORDS = re.compile(r"[A-Za-z][A-Za-z'-]*")
_NARRATIVE = re.compile(r"\b(?:I|we|my|our|us|me)\b|\b(?:was|were|had|did|said|went|came|took|felt|got)\b")
_UI_EXTRA = frozenset("click tap select enter sign log login password settings swipe scroll press type".split())
_NOT_AFTER_VERB = frozenset("is are was were has have had will can could would should may might does did".split())
_CLAUSE = re.compile(r"[,;:]\s+|\s+(?:and |or )?then\s+|\s+and\s+(?=[a-z])")
_LEAD_CLAUSE = re.compile(r"^(?:to|if|when|once|after|before|while|whenever|as soon as)\b[^,:]{1,90}[,:]\s*", re.I)
_PURPOSE = re.compile(r"^to ([a-z][^,:.]{3,80})[,:]", re.I)
_PRODUCT = re.compile(r"\b(?:the |your )?([A-Z][A-Za-z0-9]+(?:[ -][A-Z][A-Za-z0-9]+)?)(?= (?:app|website|router|"
                      r"printer|washer|thermostat|oven|coffee machine|calendar app|account|forum|bank)\b)"
                      r"|\b(?:in|on|with|to|from) ([A-Z][A-Za-z0-9]+(?:\.com)?(?: [A-Z][A-Za-z0-9]+)?)\b")


@dataclass(frozen=True, slots=True)
class Relevance:
    """The filter's verdict on one segment: ``score`` in (0, 1), ``kept`` (score >= threshold),
    the cue counts in ``features`` and the labels."""

    score: float
    kept: bool
    domain: str
    platform: str
    task: str
    product: str
    features: dict[str, int] = field(default_factory=dict)
    by: str = "heuristic"  # "heuristic" or "llm"

    def to_json(self) -> dict[str, Any]:
        return {"score": round(self.score, 4), "kept": self.kept, "by": self.by, "domain": self.domain,
                "platform": self.platform, "task": self.task, "product": self.product, "features": self.features}


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph or list item (split after ``.``, ``!`` or ``?``)."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def strip_lead(sentence: str) -> tuple[str, str]:
    """Remove leading sequence/parallel markers and a leading ``To/If/When ..., `` clause.

    Returns ``(rest, marker)`` where ``marker`` is the parallel marker found (``""`` if none)
    or ``"if"`` when a conditional clause was removed.
    """
    s = _LIST_ITEM.sub("", sentence.strip())
    marker = ""
    for _ in range(3):
        low = s.lower()
        hit = False
        for m in PARALLEL_MARKERS + SEQUENCE_MARKERS + ("please", "and", "or", "simply", "just", "you can",
                                                          "you may"):
            if low.startswith(m) and (len(low) == len(m) or not low[len(m)].isalnum()):
                if m in COMMA_MARKERS and not low[len(m):].lstrip().startswith(","):
                    continue
                if m in PARALLEL_MARKERS and not marker:
                    marker = m
                s = s[len(m):].lstrip(" ,:;-")
                hit = True
                break
        clause = _LEAD_CLAUSE.match(s)
        if clause:
            if s[:2].lower() == "if" and not marker:
                marker = "if"
            s = s[clause.end():]
            hit = True
        if not hit:
            break
    return s, marker


def lead_verb(sentence: str) -> str | None:
    """The known imperative verb a sentence (already stripped by :func:`strip_lead`) starts with."""
    low = sentence.lower()
    for v in MULTIWORD_VERBS:
        if low.startswith(v) and (len(low) == len(v) or not low[len(v)].isalnum()):
            return v
    words = _WORDS.findall(low[:60])
    if not words or words[0] not in VERBS:
        return None
    if len(words) > 1 and words[1] in _NOT_AFTER_VERB:
        return None
    return words[0]


def gerund_to_verb(word: str) -> str:
    """``creating`` -> ``create``, ``setting`` -> ``set``, ``adding`` -> ``add``."""
    w = word.lower()
    if not w.endswith("ing") or len(w) < 5:
        return w
    base = w[:-3]
    for cand in (base, base + "e", base[:-1] if len(base) > 2 and base[-1] == base[-2] else ""):
        if cand and cand in VERBS:
            return cand
    vowels = "aeiou"
    if len(base) > 2 and base[-1] == base[-2] and base[-1] not in vowels + "ls":
        return base[:-1]
    if len(base) > 2 and base[-1] not in vowels + "wxy" and base[-2] in vowels and base[-3] not in vowels:
        return base + "e"
    return base


def task_slug(title: str, fallback: str) -> str:
    """The task of a procedure as a slug: ``"How to change your email in Lumo"`` -> ``change_email``."""
    words = _WORDS.findall(title.lower())
    if words[:2] == ["how", "to"]:
        words = words[2:]
    if words:
        words[0] = gerund_to_verb(words[0])
    kept: list[str] = []
    for w in words:
        if w in ("in", "on", "with", "using", "from", "for", "via", "at") and len(kept) >= 2:
            break
        if w in ("a", "an", "the", "your", "my", "to"):
            continue
        kept.append(w)
    return slug(" ".join(kept), max_words=4) or fallback


@lru_cache(maxsize=64)
def _words_rx(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z])")


def _label(low: str, table: dict[str, tuple[str, ...]], default: str) -> str:
    best, best_n = default, 0
    for name, words in table.items():
        n = len(_words_rx(words).findall(low))
        if n > best_n:
            best, best_n = name, n
    return best


def features_of(segment: Segment) -> dict[str, int]:
    """The cue counts the score is computed from."""
    lines = [x for x in segment.text.split("\n") if x.strip()]
    list_items = sum(1 for x in lines if _LIST_ITEM.match(x))
    numbered = sum(1 for x in lines if _NUMBERED.match(x))
    sentences = [s for x in lines for s in split_sentences(x)]
    imperative = markers = 0
    for s in sentences:
        low = s.lower().lstrip("0123456789.)-*\u2022 ")
        if any(low.startswith(m + " ") or low.startswith(m + ",") for m in SEQUENCE_MARKERS):
            markers += 1
        for clause in _CLAUSE.split(s):
            rest, _ = strip_lead(clause)
            verb = lead_verb(rest)
            if verb is not None and VERB_CLASSES[verb] != "skip":
                imperative += 1
    low = segment.text.lower()
    tokens = _WORDS.findall(low)
    ui = sum(1 for t in tokens if t in UI_NOUNS or t in _UI_EXTRA)
    narrative = len(_NARRATIVE.findall(segment.text))
    questions = segment.text.count("?")
    return {"list_items": list_items, "numbered": numbered, "imperative": imperative, "markers": markers,
            "ui": ui, "narrative": narrative, "questions": questions, "words": len(tokens)}


def _score(f: dict[str, int]) -> float:
    x = (-3.2
         + 0.6 * min(f["list_items"], 5)
         + 0.3 * min(f["numbered"], 5)
         + 0.9 * min(f["imperative"], 6)
         + 0.4 * min(f["markers"], 4)
         + 0.25 * min(f["ui"], 8)
         - 0.35 * min(f["narrative"], 8)
         - 0.7 * min(f["questions"], 4))
    if f["imperative"] >= 2 and f["ui"] >= 1:
        x += 0.8
    if f["imperative"] == 0:
        x -= 1.5
    if f["ui"] == 0:  # a procedure, but not one of an app, a website or a machine
        x -= 2.0
    return 1.0 / (1.0 + math.exp(-x))


def product_name(text: str) -> str:
    """The app, site or device name a procedure is about (``Lumo``), or ``""``."""
    for m in _PRODUCT.finditer(text):
        name = (m.group(1) or m.group(2) or "").strip()
        first = name.split()[0].lower() if name else ""
        if name and first not in VERBS and first not in ("the", "your", "settings", "account", "i", "you"):
            return name
    return ""


def score_segment(segment: Segment, *, threshold: float = DEFAULT_THRESHOLD) -> Relevance:
    """Score and label one segment with the offline detector."""
    f = features_of(segment)
    score = _score(f)
    low = (segment.title + "\n" + segment.text).lower()
    domain = _label(low, DOMAINS, "general")
    platform = _label(low, PLATFORMS, "general")
    title = segment.title or _first_line_title(segment.text)
    task = task_slug(title, "") if title else ""
    purpose = _PURPOSE.match(segment.text.strip())
    if not task and purpose:
        task = task_slug(purpose.group(1), "")
    if not task:
        for line in segment.text.split("\n"):
            for s in split_sentences(line):
                rest, _ = strip_lead(s)
                if lead_verb(rest):
                    task = task_slug(rest, "")
                    break
            if task:
                break
    product = product_name(segment.title + "\n" + segment.text)
    return Relevance(score, score >= threshold, domain, platform, task or "task", product, f)


def _first_line_title(text: str) -> str:
    """The first line when it looks like a title (short, no final period, not a list item)."""
    first = text.strip().split("\n", 1)[0].strip()
    if not first or _LIST_ITEM.match(first) or len(first) > 90 or first.endswith((".", ":", "?", "!")):
        return ""
    return first
