"""Natural phrasing for the offline backend: user requests, references, assistant replies.

* :func:`clean_description` turns a tool's description into a short action phrase
  (defined in :mod:`.wording`, with the other helpers this module shares with :mod:`.summary`).
* :func:`request_for_call` writes one clause asking for one call (hints first, else the
  action phrase with the stated values and references woven in);
  :func:`compose_request` joins clauses into one user message.
* :func:`reference_phrase` and :func:`implicit_clause` refer to earlier outputs and to
  nested calls without naming anything.
* :func:`summary_text` (defined in :mod:`.summary`, re-exported here),
  :func:`missing_function_text`, :func:`ask_parameter_text` are the
  assistant's turn-ending texts; :func:`tool_available_text` and
  :func:`give_parameter_text` the user's follow-ups after a miss turn.

A request never contains a tool name written as an identifier: description and hint text is
scrubbed of identifiers (``snake_case``, ``camelCase``) before any value is put in, and
parameters are written as words (:func:`~magnet_graph.translate.values.humanize_param`).
Every function is pure given its ``random.Random``; per-tool work is cached.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import AbstractSet, Any, Mapping, Sequence

from ..types import Tool
from . import vocab as W
from .summary import summary_text
from .values import format_value, humanize_param, join_words, param_label, param_tokens, string_kind, string_text
from .values import value_kind
from .wording import PREPOSITIONS, action_phrase, cap, clean_description, drop_noun_before, is_identifier, noun_phrase
from .wording import pick, scrub, short_phrase, text_kind_of, unglue

__all__ = [
    "clean_description",
    "request_for_call",
    "compose_request",
    "reference_phrase",
    "implicit_clause",
    "summary_text",
    "missing_function_text",
    "ask_parameter_text",
    "tool_available_text",
    "give_parameter_text",
    "is_identifier",
]


# ------------------------------------------------------------------------------------------
# per-tool data for requests
# ------------------------------------------------------------------------------------------
_SUFFIX_TOKENS = frozenset({"id", "ids", "name", "names", "number", "no", "num", "code", "key", "ref", "str", "value"})
_SYNONYMS = {"dir": ("directory", "folder"), "folder": ("folder", "directory"), "directory": ("directory", "folder"),
             "symbol": ("symbol", "stock"), "xact": ("transaction",), "msg": ("message",)}
_MODIFIERS = frozenset({"min", "max", "minimum", "maximum", "start", "end", "new", "old", "first", "second",
                        "last", "source", "target", "current", "previous", "next", "base", "other", "initial",
                        "final", "total", "nonfree", "free", "unit"})
_GENERIC_NOUNS = frozenset({"number", "value", "amount", "numbers", "values"})
_PH = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_QUESTION_START = frozenset({"how", "what", "which", "who", "whom", "whose", "where", "when", "why"})
_AUX = frozenset({"is", "are", "was", "were", "do", "does", "did", "can", "could", "will", "would", "should",
                  "has", "have", "am", "may"})
_PRONOUNS = frozenset({"i", "you", "we", "it", "there", "they", "my", "the", "this", "that", "he", "she", "our", "your", "any"})
_HINT_LEADS = re.compile(
    r"^(?:please[, ]+|(?:can|could|would|will) you(?: please)?\s+|i (?:want|need) you to\s+|"
    r"i'd like you to\s+|help me\s+|hey[, ]+|hi[, ]+)+", re.IGNORECASE)
_TRAILING_PLEASE = re.compile(r",?\s*please[.!?]*$", re.IGNORECASE)


class _Param:
    """A tool's parameter as requests write it; each trait is worked out when first needed
    (many parameters only ever take values by reference, or only through a hint)."""

    def __init__(self, name: str, schema: Mapping[str, Any]):
        self.name = name
        self.schema = schema

    @cached_property
    def label(self) -> str:
        """How the parameter is named in text ("booking ID")."""
        return _label(self.name, self.schema)

    @cached_property
    def nouns(self) -> tuple[str, ...]:
        """Words in the action phrase that stand for it ("booking")."""
        return _nouns(self.name)

    @cached_property
    def text_kind(self) -> str | None:
        """How format_value writes a string value of it (values.string_kind); None: as it is."""
        return text_kind_of(string_kind(self.schema, name=self.name))


@dataclass(frozen=True, slots=True)
class _Form:
    """A hint's text once its referenced placeholders are prepared (see :func:`_hint_form`)."""

    text: str
    parts: tuple[str, ...] | None  # literal, placeholder, literal, ...; None if a placeholder is quoted
    # whether the first letter is lowered (see _fill_hint) when the filled text still starts with
    # parts[0] and that holds a space (it decides then); None: decided on the filled text
    lower: bool | None = None


@dataclass(frozen=True, slots=True)
class _Hint:
    text: str  # scrubbed, without polite lead-ins ("could you ...") or a trailing "please"
    holes: frozenset[str]  # its placeholders
    literal_start: bool  # it starts with words, not with a placeholder
    ordered: tuple[str, ...] = ()  # the placeholders, sorted
    # the text prepared per tuple of placeholders given by reference (None: cannot be said);
    # at most one entry per subset of the placeholders
    forms: dict[tuple[str, ...], _Form | None] = field(default_factory=dict, compare=False)


def _hint(text: str, holes: frozenset[str]) -> _Hint:
    text = text.strip()
    literal_start = not text.startswith("{")
    if literal_start:
        text = _HINT_LEADS.sub("", text)
    if not text.isascii() or "please" in text.lower():  # (an ASCII text without it cannot match)
        text = _TRAILING_PLEASE.sub("", text)
    return _Hint(text, holes, literal_start, tuple(sorted(holes)))


@dataclass(frozen=True, slots=True)
class _Info:
    action: str
    actions: tuple[str, ...]  # the action and its shorter variants
    params: Mapping[str, _Param]
    hints: tuple[_Hint, ...]
    numbered: tuple[tuple[int, _Hint], ...] = ()  # the hints with their places
    # (stated names, referred names) -> each hint's _hint_entry (_NO_FORM until needed); bounded
    fills: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Any]] = field(default_factory=dict, compare=False)


_DESC_CUT = re.compile(r"[.;(]")


def _label(name: str, schema: Mapping[str, Any]) -> str:
    human = param_label(name)
    desc = schema.get("description") if type(schema) is dict or isinstance(schema, Mapping) else None
    if len(name) <= 2 and isinstance(desc, str) and desc.strip():
        first = _DESC_CUT.split(desc.strip(), maxsplit=1)[0].strip().lower()
        if 0 < len(first.split()) <= 5:
            return scrub(first)
    return human


def _nouns(name: str) -> tuple[str, ...]:
    toks = list(param_tokens(name))
    if any(t in PREPOSITIONS for t in toks):  # travel_from, username_to_follow: no noun to replace
        return ()
    label = [t for t in toks if not t.isdigit()]
    while len(toks) > 1 and toks[-1] in _SUFFIX_TOKENS or (toks and toks[-1].isdigit()):
        toks.pop()
    if not toks or (len(toks) == 1 and toks[0] in _SUFFIX_TOKENS - {"number", "value"}):
        return ()
    if len(toks[-1]) <= 1:
        return ()
    head = toks[-1]
    if head.endswith("s") and len(head) > 3 and not head.endswith("ss"):
        head = head[:-1]
    out = [" ".join(toks[:-1] + [head])] if len(toks) > 1 else []
    if len(label) > 1 and label[-1] in ("id", "name", "number", "code"):
        out.insert(0, humanize_param("_".join(label)))  # "user ID" before "user"
    if len(toks) > 1 and toks[0] in _MODIFIERS:  # min_price is not "a price"
        return tuple(dict.fromkeys(out))
    out.extend(_SYNONYMS.get(head, (head,)))
    return tuple(dict.fromkeys(out))


_PROTECTED = re.compile(r"\x00(\d+)\x01")  # a placeholder while a hint is scrubbed
_INFO_CACHE: dict[tuple[Any, ...], _Info] = {}
_INFO_BY_TOOL: dict[int, tuple[Tool, _Info]] = {}  # id(tool) -> (tool, info); the entry keeps the tool alive


def _build_info(tool: Tool, pkey: tuple[str, ...]) -> _Info:
    name, description, hints = tool.name, tool.description, tool.hints
    props = tool.properties
    params: dict[str, _Param] = {}
    for p in pkey:
        schema = props.get(p)
        if type(schema) is not dict and not isinstance(schema, Mapping):  # (the dict test first: it is quick)
            schema = {}
        params[p] = _Param(p, schema)
    prepared = []
    for h in hints:
        holes = _PH.findall(h)
        text = _PH.sub(lambda m: "\x00" + str(holes.index(m.group(1))) + "\x01", h)  # protect placeholders
        text = scrub(text, name)
        text = _PROTECTED.sub(lambda m: "{" + holes[int(m.group(1))] + "}", text)
        prepared.append(_hint(text, frozenset(holes)))
    action = action_phrase(name, description)
    return _Info(action=action, actions=_action_variants(name, description, action), params=params,
                 hints=tuple(prepared), numbered=tuple(enumerate(prepared)))


_COMMON_VERBS = frozenset({
    "get", "list", "create", "add", "make", "find", "search", "book", "fetch", "retrieve", "update", "delete", "remove",
    "send", "set", "check", "compute", "calculate", "place", "register", "post", "cancel", "show", "read", "write",
    "open", "close", "start", "stop", "run", "move", "copy", "convert", "transfer", "turn", "lock", "unlock", "view",
    "display", "estimate", "compare", "sort", "count", "verify", "purchase", "buy", "reserve", "schedule", "edit",
    "rename", "resolve", "follow", "unfollow", "mention", "fill", "press", "release", "activate", "adjust", "log",
    "authenticate", "notify", "filter", "fund", "share", "upload", "download", "pay", "order", "track", "play",
})


def _action_variants(name: str, description: str, action: str) -> tuple[str, ...]:
    """Other ways to say the action: cut short at a natural boundary, or the tool name in words."""
    out = [action]
    short = short_phrase(name, description, 5)
    if short != action and len(short.split()) >= 2:
        out.append(short)
    words = " ".join(param_tokens(name))
    if words and words.split()[0] in _COMMON_VERBS and len(words.split()) >= 2 and words != action:
        out.append(words)
    return tuple(out)


def _info(tool: Tool) -> _Info:
    """Per-tool phrasing data, cached by the tool's name, texts and parameter names (and,
    for the same tool object, by identity: tools are frozen)."""
    hit = _INFO_BY_TOOL.get(id(tool))
    if hit is not None and hit[0] is tool:
        return hit[1]
    if len(_INFO_BY_TOOL) >= 4096:
        _INFO_BY_TOOL.clear()
    info = _info_by_content(tool)
    _INFO_BY_TOOL[id(tool)] = (tool, info)
    return info


def _info_by_content(tool: Tool) -> _Info:
    pkey = tuple(tool.properties)
    key = (tool.name, tool.description, tool.hints, pkey)
    info = _INFO_CACHE.get(key)
    if info is None:
        if len(_INFO_CACHE) >= 4096:
            _INFO_CACHE.clear()
        info = _INFO_CACHE[key] = _build_info(tool, pkey)
    return info



_SIDE_WORDS = frozenset({"source", "target", "destination", "recipient", "sender", "input", "output", "origin"})


def _label_variant(label: str, rng: random.Random) -> str:
    """Another way to name a parameter now and then: "booking ID" -> "ID of the booking",
    "file name" -> "name of the file"."""
    if rng.random() >= 0.3:
        return label
    head, _, last = label.rpartition(" ")
    if head and last in ("ID", "name", "number", "code") and " " not in head \
            and head.lower() not in _MODIFIERS and head.lower() not in _SIDE_WORDS:
        return f"{last} of the {head}"
    return label


def _bool_text(label: str, value: bool, rng: random.Random) -> str:
    return pick(rng, W.BOOL_ON if value else W.BOOL_OFF).replace("{l}", label)


def _value_text(param: str, value: Any, info: _Info, rng: random.Random | None = None) -> str:
    """``value`` as :func:`format_value` writes it; with ``rng``, quoted free text sometimes
    gets double quotes instead of single ones (the value itself is unchanged)."""
    p = info.params.get(param)
    if p is not None and type(value) is str:
        if "_" in value and _is_enum_value(p.schema, value):
            return value.replace("_", " ")  # "one_way" is said "one way" (enum values need no quoting)
        kind = p.text_kind  # format_value's own result, its kind computed once
        text = value if kind is None else string_text(value, kind)
    else:
        text = format_value(value, p.schema if p else None, name=param)
    if text[:1] == "'" and rng is not None and isinstance(value, str) and len(text) > 2 and text[-1] == "'" \
            and '"' not in value and rng.random() < 0.3:  # (quoted free text is the rare case: tested first)
        return f'"{value}"'
    return text


def _is_enum_value(schema: Any, value: str) -> bool:
    """True when ``value`` is one of the schema's enum values (an identifier the user may say
    in words: the call still uses the exact value, which the schema grounds)."""
    enum = schema.get("enum") if isinstance(schema, dict) else None
    return isinstance(enum, list) and value in enum


def _substitute(action: str, p: _Param, text: str, *, numeric: bool, is_ref: bool, rng: random.Random) -> str | None:
    """``action`` with the parameter's noun phrase carrying ``text``, or ``None`` if absent."""
    for noun in p.nouns:
        found = noun_phrase(action, noun)
        if found is None:
            continue
        start, art_end, adj_end, end = found
        adj = action[art_end:adj_end]
        art = action[start:art_end].strip().lower()
        if not art and not adj:
            continue  # "two files", "SI unit": no noun phrase to carry the value
        if is_ref:
            if not any(w in text.lower() for w in noun.lower().split()):
                continue
            new = text
        elif numeric and noun in _GENERIC_NOUNS:
            new = text
        else:
            word = action[adj_end:end]
            if "new" in adj.lower():
                new = f"{action[start:art_end]}{adj}{word} {pick(rng, ('called ', 'named ', ''))}{text}"
            elif art in ("a", "an", "one", "some", ""):
                new = f"{pick(rng, ('the ', ''))}{word} {text}"
            else:
                new = f"the {word} {text}"
        return action[:start] + "\x00" + new + "\x00" + action[end:]
    return None


_QUOTED_HOLE = re.compile(r"([\"“'])\{([A-Za-z_][A-Za-z0-9_]*)\}([\"”'])")
_FIRST_PERSON = ("I", "I'm", "I'd", "I'll", "I've")


_ARTICLE_A = re.compile(r"\b([Aa]) ")


def _article_before(text: str, value: str) -> str:
    """``a`` -> ``an`` where it stands right before ``value`` (or before a quote and ``value``)."""

    def fix(m: re.Match[str]) -> str:
        end = m.end()
        if text.startswith(value, end) or (text[end : end + 1] in ("'", '"') and text.startswith(value, end + 1)):
            return m.group(1) + "n "
        return m.group(0)

    return _ARTICLE_A.sub(fix, text)


def _hint_form(hint: _Hint, ref_keys: tuple[str, ...], info: _Info) -> _Form | None:
    """The hint's text made ready for reference phrases at the placeholders ``ref_keys``
    ("cancel booking {booking_id}" -> "cancel {booking_id}"), or ``None`` when a reference
    cannot be said there.  Stored on the hint (an entry per subset of its placeholders, bounded);
    callers look there first."""
    text = hint.text
    for k in ref_keys:  # "cancel booking {booking_id}" -> "cancel the booking ID you just got"
        p = info.params.get(k)
        hole = "{" + k + "}"
        for noun in (p.nouns if p else ()):
            text = drop_noun_before(text, noun, k)
        if hole + " {" in text:
            form = None  # "{amount} {currency}" with a reference first: no way to say it
            break
        text = unglue(text, k)
    else:
        parts = None if _QUOTED_HOLE.search(text) else tuple(_PH.split(text))
        lower = None
        if hint.literal_start and parts is not None and " " in parts[0]:
            head = parts[0]
            lower = head[0].isupper() and not head[1].isupper() and head.split(" ", 1)[0] not in _FIRST_PERSON
        form = _Form(text, parts, lower)
    if len(hint.forms) < 64:  # bounded
        hint.forms[ref_keys] = form
    return form


_NO_FORM = _Form("", None)


def _fill_quoted(text: str, stated: Mapping[str, Any], refs: Mapping[str, str], info: _Info,
                 rng: random.Random) -> str:
    """``text`` with its placeholders filled, quoted ones first (a string value keeps the
    hint's own quotes)."""

    def fill_quoted(m: re.Match[str]) -> str:
        k = m.group(2)
        if k in refs:
            return refs[k]
        v = stated[k]
        return m.group(1) + v + m.group(3) if isinstance(v, str) else _value_text(k, v, info)

    def fill(m: re.Match[str]) -> str:
        k = m.group(1)
        if k not in refs:
            return _value_text(k, stated[k], info, rng)
        return refs[k]

    return _PH.sub(fill, _QUOTED_HOLE.sub(fill_quoted, text))


def _hint_fills(info: _Info, key: tuple[tuple[str, ...], tuple[str, ...]]) -> list[Any]:
    """A new entry of ``info.fills`` for ``key`` (the stated and the referred names): for each
    hint, ``_NO_FORM`` until :func:`_hint_entry` is stored in its place (bounded)."""
    if len(info.fills) >= 256:
        info.fills.clear()
    entry = info.fills[key] = [_NO_FORM] * len(info.hints)
    return entry


def _hint_entry(hint: _Hint, stated: Mapping[str, Any], refs: Mapping[str, str],
                info: _Info) -> tuple[_Form, bool] | None:
    """The hint's form when every placeholder is stated or referred to, and whether it carries
    every stated value and reference (:func:`_all_said`); ``None`` when a placeholder has
    neither or a reference cannot be said there.  It depends on the names only."""
    by_ref = []  # the placeholders given by reference
    for k in hint.ordered:
        if k in refs:
            by_ref.append(k)
        elif k not in stated:
            return None
    key = tuple(by_ref)
    form = hint.forms.get(key, _NO_FORM)
    if form is _NO_FORM:
        form = _hint_form(hint, key, info)
    return None if form is None else (form, _all_said(stated, refs, hint.holes))


def _fill_hint(hint: _Hint, form: _Form, stated: Mapping[str, Any], refs: Mapping[str, str], info: _Info,
               rng: random.Random) -> str | None:
    """The hint (in its ``form`` for these placeholders, see :func:`_hint_entry`) with its
    placeholders filled (values, or reference phrases), as a clause; ``None`` when it would
    not read as a request."""
    ordered, literal_start = hint.ordered, hint.literal_start
    parts = form.parts
    if parts is None:
        text = _fill_quoted(form.text, stated, refs, info, rng)
    elif len(parts) == 1:
        text = parts[0]
    elif len(parts) == 3:  # one placeholder
        k = parts[1]
        text = parts[0] + (refs[k] if k in refs else _value_text(k, stated[k], info, rng)) + parts[2]
    else:  # what _PH.sub does, on the text split once
        pieces = list(parts)
        for i in range(1, len(parts), 2):
            k = parts[i]
            pieces[i] = refs[k] if k in refs else _value_text(k, stated[k], info, rng)
        text = "".join(pieces)
    text = text.rstrip(" .!?")
    if "a " in text or "A " in text:  # "a {travel_class} seat" with "economy" -> "an economy seat"
        for k in ordered:
            if k in stated:
                v = stated[k]
                if isinstance(v, str) and v[:1] in "aeioAEIO" and v in text:
                    text = _article_before(text, v)
    lower = form.lower
    if lower is not None and text.startswith(parts[0]):  # (decided in advance; literal_start holds)
        return text[0].lower() + text[1:] if lower else text
    if literal_start and text and text[0].isupper() and (len(text) < 2 or not text[1].isupper()):
        if text.split(" ", 1)[0] not in _FIRST_PERSON:
            text = text[0].lower() + text[1:]
    if not literal_start and text[:1].islower():
        return None  # "ann@x.com won't come ..." would read as an imperative; use another hint
    return text


_HINT_VERBS = W.HINT_VERBS
_NOT_AFTER_HINT_VERB = ("me ", "us ", "up", "out", "off", "in ", "on ")


def request_for_call(tool: Tool, *, stated: Mapping[str, Any], refs: Mapping[str, str], rng: random.Random) -> str:
    """One clause asking for one call of ``tool`` (lower-case start, no final punctuation).

    ``stated`` maps parameters to values the user says (each written with
    :func:`format_value`, so the exact value appears); ``refs`` maps parameters to phrases
    that refer to an earlier output ("the booking ID you just got").  A hint of the tool is
    used when all its placeholders can be filled (values or references), with clauses
    appended for what it lacks; otherwise the description's action phrase carries the
    values, on its nouns where it names them ("cancel the booking BK-12345") and in varied
    parameter clauses elsewhere.  The tool's identifier never appears.
    """
    hit = _INFO_BY_TOOL.get(id(tool))  # (what _info(tool) reads first)
    info = hit[1] if hit is not None and hit[0] is tool else _info(tool)
    if info.hints and rng.random() < 0.85:
        key = (tuple(stated), tuple(refs))
        entries = info.fills.get(key) or _hint_fills(info, key)
        hints = info.numbered
        if len(hints) > 1:  # (shuffling one item draws nothing; the draws depend on the length only)
            hints = list(hints)
            rng.shuffle(hints)
        for i, hint in hints:
            entry = entries[i]
            if entry is _NO_FORM:
                entry = entries[i] = _hint_entry(hint, stated, refs, info)
            if entry is None:
                continue
            form, said = entry
            clause = _fill_hint(hint, form, stated, refs, info, rng)
            if clause is not None:
                head, _, tail = clause.partition(" ")
                alts = _HINT_VERBS.get(head)
                if alts and tail and not tail.startswith(_NOT_AFTER_HINT_VERB) and rng.random() < 0.5:
                    clause = f"{pick(rng, alts)} {tail}"
                if said:  # the hint carries every value and reference: what _param_clauses draws then
                    rng.random()
                    rng.random()
                    return clause
                return clause + _param_clauses(info, stated, refs, hint.holes, rng)
    clause = pick(rng, info.actions) if rng.random() < 0.4 else info.action
    carried: set[str] = set()
    for k in list(refs) + list(stated):
        p = info.params.get(k)
        if p is None or not p.nouns or k in carried or rng.random() < 0.2:
            continue
        value = stated.get(k) if k not in refs else None
        if k not in refs and isinstance(value, (bool, dict)) or (isinstance(value, list) and len(value) > 3):
            continue
        text = refs[k] if k in refs else _value_text(k, value, info, rng)
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        new = _substitute(clause, p, text, numeric=numeric, is_ref=k in refs, rng=rng)
        if new is not None:
            clause = new
            carried.add(k)
    clause = clause.replace("\x00", "")
    head, _, tail = clause.partition(" ")
    alts = W.VERB_SYNONYMS.get(head)
    if alts and tail and rng.random() < 0.5:
        clause = f"{pick(rng, alts)} {tail}"
    return f"{clause}{_param_clauses(info, stated, refs, carried, rng)}{pick(rng, W.SUFFIXES)}"


_PREP_STARTS = ("with", "without", "and ", "using", "for ", "based", "taking")


def _all_said(stated: Mapping[str, Any], refs: Mapping[str, str], used: AbstractSet[str]) -> bool:
    """True when the clause already carries every stated value and every reference."""
    for k in stated:
        if k not in used and k not in refs:
            return False
    for k in refs:
        if k not in used:
            return False
    return True


def _param_clauses(info: _Info, stated: Mapping[str, Any], refs: Mapping[str, str], used: AbstractSet[str],
                   rng: random.Random) -> str:
    """The clauses that state the values (and references) the action phrase did not carry."""
    if _all_said(stated, refs, used):  # only the style and the reference form are drawn
        rng.random()
        rng.random()
        return ""
    items: list[str] = []
    extras: list[str] = []
    lead, forms = W.STATED_STYLES[int(rng.random() * len(W.STATED_STYLES))]
    for k, value in stated.items():
        if k in used or k in refs:
            continue
        p = info.params.get(k)
        label = _label_variant(p.label if p else param_label(k), rng)
        if isinstance(value, bool):
            extras.append(_bool_text(label, value, rng))
            continue
        form = pick(rng, forms)
        if isinstance(value, list) and len(value) > 1:
            form = form.replace(" is ", " are ")
        items.append(form.replace("{l}", label).replace("{v}", _value_text(k, value, info, rng)))
    ref_form = pick(rng, W.REF_STYLES)
    for k, phrase in refs.items():
        if k in used:
            continue
        p = info.params.get(k)
        label = _label_variant(p.label if p else param_label(k), rng)
        form = ref_form
        if "{l}" in form and label.lower() in phrase.lower():  # not "the city being the city from earlier"
            form = pick(rng, W.REF_STYLES_NAMED)
        extras.append(form.replace("{l}", label).replace("{r}", phrase))
    out = ""
    if len(items) > 1 and rng.random() < 0.35:
        rng.shuffle(items)
    if items:
        sep = "; " if lead in ("- ", "with these details: ") and rng.random() < 0.5 else None
        body = sep.join(items) if sep else join_words(items)
        if lead == "(":
            out = f" ({body})"
        elif lead in ("; ", " - by the way, "):
            out = f"{lead}{body}"
        else:
            out = f"{pick(rng, (' ', ', ', ' ')) if lead != '- ' else ' '}{lead}{body}"
    if extras and rng.random() < 0.3 and not out.startswith(" ("):
        extras.reverse()
    for e in extras:
        if not out:
            out = (" " if e.startswith(_PREP_STARTS) else ", ") + e
        else:
            out += (" " if e.startswith("and ") else pick(rng, (", ", " and ", ", and "))) + e
    return out


_WORD = re.compile(r"[a-z]+")
_INNER_QUESTION = re.compile(r"[;,:] (?:what|how|which|where|when|who|can|could|is|are|do|does|will)\b", re.IGNORECASE)
_STATEMENT_START = frozenset({"i", "i'm", "i'd", "i'll", "i've", "my", "we", "we're", "we'd", "it's", "there's"})


def _clause_type(clause: str) -> str:
    """``"q"`` for a question, ``"s"`` for a first-person statement, ``"i"`` for an imperative."""
    if not clause[0].islower():  # starts with a value ("BK-12345 ...", "'notes.txt' ...")
        return "s" if not _INNER_QUESTION.search(clause) else "q"
    first = clause.partition(" ")[0]
    kind = _FIRST_WORD_KIND.get(first) or _first_word_kind(first)
    if kind == "do":  # "do you ...", "have they ..." ask; "do the dishes" does not
        words = clause.split(" ", 2)
        return "q" if len(words) > 1 and words[1].lower() in _PRONOUNS else "i"
    return kind


_FIRST_WORD_KIND: dict[str, str] = {}


def _first_word_kind(word: str) -> str:
    """What a clause's first word makes it (``"do"``: it depends on the next word); memoized."""
    raw = word.lower().strip(",:;")
    m = _WORD.match(raw)
    first = m.group(0) if m else raw
    if raw in _STATEMENT_START:
        kind = "s"
    elif first in _QUESTION_START or (first in _AUX and first not in ("do", "have")):
        kind = "q"
    else:
        kind = "do" if first in ("do", "have") else "i"
    if len(_FIRST_WORD_KIND) >= 4096:
        _FIRST_WORD_KIND.clear()
    _FIRST_WORD_KIND[word] = kind
    return kind


def _join_imperatives(clauses: list[str], rng: random.Random, *, first: bool) -> tuple[str, list[str]]:
    """The first sentence body (lower-case start) and any further full sentences; ``first``
    allows the "first ..., then ..." forms (only at the start of a message)."""
    body = clauses[0]
    more: list[str] = []
    if first and len(clauses) >= 3 and rng.random() < 0.35:
        mid = ", ".join(["then " + c for c in clauses[1:-1]])
        return f"first {body}, {mid}, and finally {clauses[-1]}", more
    for c in clauses[1:]:
        if more or rng.random() < 0.25:
            form = pick(rng, W.BREAKS)
            more.append(cap(form.replace("{b}", c)) + ("?" if form.startswith("Could you") else "."))
            continue
        form = pick(rng, W.PAIR)
        if form.startswith("first") and (not first or body.startswith("first ")):
            form = "{a}, then {b}"
        body = form.replace("{a}", body).replace("{b}", c)
    return body, more


# openers in which the user does {c} ("I want to {c}"): wrong for "give me ...", "show me ..."
_SELF_FORM = re.compile(r"(?i)\b(?:I'd like to|I want to|I need to|is to|Let's|Time to|help me|helping me|"
                        r"possible to)(?: go ahead and)? \{c\}")
_ME_CLAUSE = re.compile(r"(?i)^(?:[a-z]+ ){1,2}(?:me|us|myself)\b")
_OTHER_FORMS = tuple(f for f in W.OPENERS_Q + W.OPENERS_S if not _SELF_FORM.search(f))
_ADVERB_SLOT = re.compile(r"\b(you|please|Please) \{c\}")
_GREETED = re.compile(r"(?:[^.!?]*[.!?] )?(?:Hey|Hi|Hello|Good)")


@lru_cache(maxsize=256)
def _opener(form: str) -> tuple[bool, bool, tuple[str, str] | None]:
    """An opener's traits, once per form (they come from fixed pools): whether the user does
    ``{c}`` in it, whether it says "first", and where an adverb may go (text before and after)."""
    m = _ADVERB_SLOT.search(form)
    slot = (form[: m.start()] + m.group(1) + " ", " {c}" + form[m.end():]) if m else None
    return _SELF_FORM.search(form) is not None, "first" in form.lower(), slot


def compose_request(clauses: Sequence[str], *, rng: random.Random, context: str | None = None) -> str:
    """One natural user message from clauses (each asking for one call).

    Chooses an opener ("Could you ...?", "Please ...", "I need you to ...", none ...), joins
    several clauses with connectors ("and then", ", then", "; after that,", "first ... then
    ..."), turns question clauses ("how far is it ...") into their own sentences, and
    sometimes adds a greeting, a context sentence (``context`` if given) or thanks.
    """
    # split into runs of imperative clauses and single questions/statements, keeping the order
    segments: list[tuple[str, list[str]]] = []
    run: list[str] | None = None  # the run of imperatives the last segment is, if it is one
    for c in clauses:
        if not c:
            continue
        c = c.strip()
        if not c:
            continue
        c = c.rstrip(".")
        kind = _clause_type(c)
        if kind != "i":
            segments.append((kind, [c]))
            run = None
        elif run is not None:
            run.append(c)
        else:
            run = [c]
            segments.append((kind, run))
    if not segments:
        return "Please go ahead."
    sentences: list[str] = []
    for idx, (kind, run) in enumerate(segments):
        if kind != "i":
            c = run[0]
            end = "?" if kind == "q" or _INNER_QUESTION.search(c) else "."
            if idx == 0:
                form = pick(rng, W.Q_FIRST) if kind == "q" else "{Q}."
                sentences.append(form.replace("?", end).replace("{Q}", cap(c)).replace("{q}", c))
            else:
                sentences.append(pick(rng, W.Q_LEADS if kind == "q" else W.S_LEADS) + c + end)
            continue
        body, more = _join_imperatives(run, rng, first=idx == 0) if len(run) > 1 else (run[0], ())
        if idx == 0:
            form = pick(rng, W.OPENERS_Q) if rng.random() < 0.45 else pick(rng, W.OPENERS_S)
            self_form, says_first, slot = _opener(form)
            if self_form and _ME_CLAUSE.match(body):  # not "I want to give me ..."
                form = pick(rng, _OTHER_FORMS)
                self_form, says_first, slot = _opener(form)
            if says_first and body.startswith("first "):
                form = "Please {c}."
                slot = _opener(form)[2]
            if rng.random() < 0.4 and slot is not None:  # "could you quickly ..."
                form = slot[0] + pick(rng, W.ADVERBS) + slot[1]
            sentences.append(form.replace("{C}", cap(body)).replace("{c}", body) if "{C}" in form else form.replace("{c}", body))
        else:
            sentences.append(cap(pick(rng, ("also, please {c}.", "then {c}.", "after that, {c}.", "and please {c}.")).replace("{c}", body)))
        sentences.extend(more)
    text = " ".join(sentences)
    r = rng.random()
    if context:
        ctx = context.strip()
        if ctx and ctx[-1] not in ".!?":
            ctx += "."
        text = f"{cap(ctx)} {text}"
    elif r < 0.12:
        extra = pick(rng, W.CONTEXTS)
        if extra:
            text = f"{extra} {text}"
    if rng.random() < 0.15 and not _GREETED.match(text):
        g = pick(rng, W.GREETINGS)
        if g.endswith(", ") and not text.startswith(("I ", "I'")):
            text = g + text[0].lower() + text[1:]
        elif g:
            text = g + text
    if rng.random() < 0.2:
        text += pick(rng, W.ENDINGS)
    return text


# ------------------------------------------------------------------------------------------
# references to earlier outputs and nested calls
# ------------------------------------------------------------------------------------------
_GENERIC_FIELDS = frozenset({"result", "results", "output", "value", "data", "response", "id", "res", "ret", "return", "item"})
_VERBISH = frozenset({"get", "list", "create", "add", "make", "find", "search", "book", "fetch", "retrieve", "update",
                      "delete", "remove", "send", "set", "check", "compute", "calculate", "place", "register", "post",
                      "cancel", "show", "read", "write", "open", "close", "start", "stop", "new", "do", "run", "query"})


@lru_cache(maxsize=4096)
def _field_label(field: str, tool_name: str) -> str:
    toks = param_tokens(field)
    if toks and (toks[-1] in _GENERIC_FIELDS or len(toks) == 1 and len(toks[0]) <= 1) or not toks:
        obj = [t for t in param_tokens(tool_name) if t not in _VERBISH]
        for i, t in enumerate(obj):
            if t in PREPOSITIONS:
                obj = obj[:i]
                break
        noun = " ".join(obj[-2:]) if obj else ""
        if not toks or toks == ("id",):
            return f"{noun} ID" if noun else "ID"
        if toks[-1] in ("result", "results", "output", "response", "res", "ret", "return") or len(toks[-1]) <= 1:
            return f"{noun} result" if noun else "result"
    return param_label(field)


def _short_action(tool: Tool, n: int = 8) -> str:
    """The action phrase cut to about ``n`` words at a natural boundary."""
    return short_phrase(tool.name, tool.description, n)


def reference_phrase(field: str, *, source_tool: Tool, turns_ago: int, rng: random.Random) -> str:
    """An indirect reference to ``field`` of an earlier output of ``source_tool``.

    ``turns_ago`` 0 is the same turn or just now ("the booking ID you just got"); larger
    values read as earlier ("the booking ID from when I asked you to book a flight").
    """
    label = _label_variant(_field_label(field, source_tool.name), rng)
    pool = W.REF_NOW if turns_ago <= 0 else W.REF_LAST if turns_ago == 1 else W.REF_OLD
    form = pick(rng, pool)
    if "{a}" in form:
        form = form.replace("{a}", _short_action(source_tool))
    return form.replace("{l}", label)


def implicit_clause(tool: Tool, *, rng: random.Random) -> str | None:
    """A clause hinting at the goal a nested (never requested) call serves, or ``None``.

    The clause carries no values and no tool name ("use that result to convert the
    gallon to liter"); ``None`` (about a third of the time) leaves the call unmentioned.
    """
    if rng.random() < 0.35:
        return None
    return pick(rng, W.IMPLICIT).replace("{a}", _short_action(tool, 10))


def missing_function_text(tool: Tool, *, rng: random.Random) -> str:
    """The assistant saying no available tool can do what was asked (tool not named)."""
    return pick(rng, W.MISSING).replace("{a}", _short_action(tool, 12))


def _param_kind(name: str, schema: Mapping[str, Any]) -> str:
    """What the parameter holds (:func:`value_kind` of its name, type, format and description)."""
    typ = schema.get("type")
    desc = schema.get("description")
    return value_kind(name, typ if isinstance(typ, str) else "string", str(schema.get("format") or ""),
                      desc if isinstance(desc, str) else "")


def ask_parameter_text(tool: Tool, param: str, *, rng: random.Random) -> str:
    """The assistant asking the user for a missing required value of ``tool``."""
    info = _info(tool)
    p = info.params.get(param)
    label = p.label if p else param_label(param)
    kind = _param_kind(param, p.schema) if p else "word"
    pool = W.ASK_BY_KIND.get(kind, ()) + W.ASK_GENERIC
    return pick(rng, pool).replace("{l}", label).replace("{a}", _short_action(tool, 8))


def tool_available_text(*, rng: random.Random) -> str:
    """The user saying the missing capability is now available."""
    return pick(rng, W.AVAILABLE)


def give_parameter_text(param: str, value: Any, schema: dict, *, rng: random.Random) -> str:
    """The user supplying the value the assistant asked for (written with :func:`format_value`)."""
    if type(value) is str and "_" in value and _is_enum_value(schema, value):
        text = value.replace("_", " ")
    else:
        text = format_value(value, schema, name=param)
    form = pick(rng, W.GIVE)
    if form.startswith("{v}") and text[:1].isalpha() and text[:1].islower():
        form = "Use {v} for the {l}."
    return form.replace("{l}", _label(param, schema or {})).replace("{v}", text)
