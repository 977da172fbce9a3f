"""Natural phrasing for the offline backend: user requests, references, assistant replies.

* :func:`clean_description` turns a tool's description into a short action phrase.
* :func:`request_for_call` writes one clause asking for one call (hints first, else the
  action phrase with the stated values and references woven in);
  :func:`compose_request` joins clauses into one user message.
* :func:`reference_phrase` and :func:`implicit_clause` refer to earlier outputs and to
  nested calls without naming anything.
* :func:`summary_text`, :func:`missing_function_text`, :func:`ask_parameter_text` are the
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
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Sequence

from ..types import Tool
from . import vocab as W
from .values import format_number, format_value, humanize_param, join_words, param_label, param_tokens, value_kind

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


def _pick(rng: random.Random, pool: Sequence[str]) -> str:
    return pool[int(rng.random() * len(pool))]


def is_identifier(name: str) -> bool:
    """True when ``name`` reads as a code identifier (``_``, a digit, or an inner capital)."""
    return "_" in name or any(c.isdigit() for c in name) or re.search(r"[a-z][A-Z]", name) is not None


# ------------------------------------------------------------------------------------------
# descriptions -> action phrases
# ------------------------------------------------------------------------------------------
_PARENS = re.compile(r"\s*\([^()]*\)")
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)[.!?](?=\s|$)|\n|:\s|;\s")
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


def _scrub(text: str, tool_name: str = "") -> str:
    """Identifiers written as words (``access_token`` -> ``access token``)."""
    text = _IDENT_TOKEN.sub(lambda m: humanize_param(m.group(1)), text)
    if tool_name and is_identifier(tool_name):
        text = re.sub(re.escape(tool_name), humanize_param(tool_name), text, flags=re.IGNORECASE)
    return text.replace("`", "")


@lru_cache(maxsize=4096)
def _clean(name: str, description: str) -> str:
    desc = description or ""
    if "Tool description:" in desc:
        desc = desc.split("Tool description:", 1)[1]
    desc = _PARENS.sub("", desc).strip()
    m = _SENTENCE_END.search(desc)
    first = (desc[: m.start()] if m else desc).strip()
    for rx in _LEAD_INS:
        first = rx.sub("", first, count=1)
    first = _LIKE_TAIL.sub("", " ".join(first.split())).strip(" .,;:-")
    if not first:
        return _scrub(" ".join(param_tokens(name)), name) or "do that"
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
    return _scrub(phrase, name)


def clean_description(tool: Tool) -> str:
    """The tool's description as a short imperative action phrase (no final period).

    BFCL's boilerplate before ``Tool description:`` is dropped, only the first sentence is
    kept, lead-ins like "This tool allows you to" are removed and a third-person verb is
    put in base form; identifiers are written as words.  Cached per tool name and text.

    >>> clean_description(Tool(name="cat", description="This tool belongs to the Gorilla file system. "
    ...     "Tool description: Display the contents of a file of any extension."))
    'display the contents of a file of any extension'
    """
    return _clean(tool.name, tool.description)


# ------------------------------------------------------------------------------------------
# per-tool data for requests
# ------------------------------------------------------------------------------------------
_SUFFIX_TOKENS = frozenset({"id", "ids", "name", "names", "number", "no", "num", "code", "key", "ref", "str", "value"})
_PREPOSITIONS = frozenset({"to", "for", "from", "of", "in", "on", "by", "with", "at"})
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


@dataclass(frozen=True, slots=True)
class _Param:
    label: str  # how the parameter is named in text ("booking ID")
    nouns: tuple[str, ...]  # words in the action phrase that stand for it ("booking")
    kind: str
    schema: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Hint:
    text: str  # scrubbed, without polite lead-ins ("could you ...") or a trailing "please"
    holes: frozenset[str]  # its placeholders
    literal_start: bool  # it starts with words, not with a placeholder


def _hint(text: str, holes: frozenset[str]) -> _Hint:
    text = text.strip()
    literal_start = not text.startswith("{")
    if literal_start:
        text = _HINT_LEADS.sub("", text)
    return _Hint(_TRAILING_PLEASE.sub("", text), holes, literal_start)


@dataclass(frozen=True, slots=True)
class _Info:
    action: str
    actions: tuple[str, ...]  # the action and its shorter variants
    params: Mapping[str, _Param]
    hints: tuple[_Hint, ...]


def _label(name: str, schema: Mapping[str, Any]) -> str:
    human = param_label(name)
    desc = schema.get("description") if isinstance(schema, Mapping) else None
    if len(name) <= 2 and isinstance(desc, str) and desc.strip():
        first = re.split(r"[.;(]", desc.strip(), maxsplit=1)[0].strip().lower()
        if 0 < len(first.split()) <= 5:
            return _scrub(first)
    return human


def _nouns(name: str) -> tuple[str, ...]:
    toks = list(param_tokens(name))
    if any(t in _PREPOSITIONS for t in toks):  # travel_from, username_to_follow: no noun to replace
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


@lru_cache(maxsize=4096)
def _noun_pattern(noun: str) -> re.Pattern[str]:
    """The noun phrase of ``noun`` in an action phrase ("the given booking"); compiled on first use."""
    return re.compile(
        r"\b(?P<art>(?:a|an|the|one|some)\s+)?(?P<adj>(?:(?:specified|given|provided|specific|particular|"
        r"certain|existing|new|target|selected)\s+)*)(?P<noun>" + re.escape(noun) + r")(?:s|es)?\b(?!-| or | and |/)",
        re.IGNORECASE,
    )


_INFO_CACHE: dict[tuple[Any, ...], _Info] = {}


def _build_info(tool: Tool, pkey: tuple[str, ...]) -> _Info:
    name, description, hints = tool.name, tool.description, tool.hints
    props = tool.properties
    params: dict[str, _Param] = {}
    for p in pkey:
        schema = props.get(p) if isinstance(props.get(p), Mapping) else {}
        typ = schema.get("type")
        typ = typ if isinstance(typ, str) else "string"
        desc = schema.get("description")
        nouns = _nouns(p)
        params[p] = _Param(
            label=_label(p, schema),
            nouns=nouns,
            kind=value_kind(p, typ, str(schema.get("format") or ""), desc if isinstance(desc, str) else ""),
            schema=schema,
        )
    prepared = []
    for h in hints:
        holes = _PH.findall(h)
        text = _PH.sub(lambda m: "\x00" + str(holes.index(m.group(1))) + "\x01", h)  # protect placeholders
        text = _scrub(text, name)
        text = re.sub(r"\x00(\d+)\x01", lambda m: "{" + holes[int(m.group(1))] + "}", text)
        prepared.append(_hint(text, frozenset(holes)))
    action = _clean(name, description)
    return _Info(action=action, actions=_action_variants(name, description, action), params=params, hints=tuple(prepared))


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
    short = _short_cached(name, description, 5)
    if short != action and len(short.split()) >= 2:
        out.append(short)
    words = " ".join(param_tokens(name))
    if words and words.split()[0] in _COMMON_VERBS and len(words.split()) >= 2 and words != action:
        out.append(words)
    return tuple(out)


def _info(tool: Tool) -> _Info:
    """Per-tool phrasing data, cached by the tool's name, texts and parameter names."""
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
    return _pick(rng, W.BOOL_ON if value else W.BOOL_OFF).replace("{l}", label)


def _value_text(param: str, value: Any, info: _Info, rng: random.Random | None = None) -> str:
    """``value`` as :func:`format_value` writes it; with ``rng``, quoted free text sometimes
    gets double quotes instead of single ones (the value itself is unchanged)."""
    p = info.params.get(param)
    if p is not None and type(value) is str and "_" in value and _is_enum_value(p.schema, value):
        return value.replace("_", " ")  # "one_way" is said "one way" (enum values need no quoting)
    text = format_value(value, p.schema if p else None, name=param)
    if rng is not None and isinstance(value, str) and len(text) > 2 and text[0] == "'" and text[-1] == "'" \
            and '"' not in value and rng.random() < 0.3:
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
        rx = _noun_pattern(noun)
        m = next((x for x in rx.finditer(action) if action.count("\x00", 0, x.start()) % 2 == 0), None)
        if m is None:
            continue
        adj = m.group("adj") or ""
        art = (m.group("art") or "").strip().lower()
        if not art and not adj:
            continue  # "two files", "SI unit": no noun phrase to carry the value
        if is_ref:
            if not any(w in text.lower() for w in noun.lower().split()):
                continue
            new = text
        elif numeric and noun in _GENERIC_NOUNS:
            new = text
        else:
            word = m.group(0)[len(m.group("art") or "") + len(adj):]
            if "new" in adj.lower():
                new = f"{m.group('art') or ''}{adj}{word} {_pick(rng, ('called ', 'named ', ''))}{text}"
            elif art in ("a", "an", "one", "some", ""):
                new = f"{_pick(rng, ('the ', ''))}{word} {text}"
            else:
                new = f"the {word} {text}"
        return action[: m.start()] + "\x00" + new + "\x00" + action[m.end():]
    return None


_QUOTED_HOLE = re.compile(r"([\"“'])\{([A-Za-z_][A-Za-z0-9_]*)\}([\"”'])")
_FIRST_PERSON = ("I", "I'm", "I'd", "I'll", "I've")


@lru_cache(maxsize=4096)
def _noun_before_hole(noun: str, key: str) -> re.Pattern[str]:
    """``booking {booking_id}`` (with an optional article, any case) before a placeholder."""
    return re.compile(r"(?i)\b(?:the |my |a )?" + re.escape(noun) + r"s? \{" + key + r"\}")


@lru_cache(maxsize=4096)
def _glued_hole(key: str) -> re.Pattern[str]:
    """Where a reference phrase cannot simply replace a placeholder: right after another one
    ("{amount} {currency}" -> "100.0 of the currency from the last step") or after a determiner
    and a noun, quotes included ("the e-mail '{email}'" -> "the email we just got")."""
    k = re.escape("{" + key + "}")
    return re.compile(r"(?<=\})(\s+)" + k + r"|(?i:\b(?:the|a|an|my|your|this|that|his|her|their)\s+(?:[\w-]+\s+)?)"
                      r"[\"“']?" + k + r"[\"”']?")


_ARTICLE_A = re.compile(r"\b([Aa]) ")


def _article_before(text: str, value: str) -> str:
    """``a`` -> ``an`` where it stands right before ``value`` (or before a quote and ``value``)."""

    def fix(m: re.Match[str]) -> str:
        end = m.end()
        if text.startswith(value, end) or (text[end : end + 1] in ("'", '"') and text.startswith(value, end + 1)):
            return m.group(1) + "n "
        return m.group(0)

    return _ARTICLE_A.sub(fix, text)


def _fill_hint(hint: _Hint, stated: Mapping[str, Any], refs: Mapping[str, str], info: _Info,
               rng: random.Random) -> str | None:
    """The hint with its placeholders filled (values, or reference phrases), as a clause;
    ``None`` when a placeholder has neither."""
    holes, text, literal_start = hint.holes, hint.text, hint.literal_start
    if not holes <= (stated.keys() | refs.keys()):
        return None

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

    for k in sorted(holes & refs.keys()):  # "cancel booking {booking_id}" -> "cancel the booking ID you just got"
        p = info.params.get(k)
        for noun in (p.nouns if p else ()):
            text = _noun_before_hole(noun, k).sub("{" + k + "}", text)
        hole = "{" + k + "}"
        if hole + " {" in text:
            return None  # "{amount} {currency}" with a reference first: no way to say it
        text = _glued_hole(k).sub(lambda m: (" of " if m.group(1) else "") + hole, text)
    text = _QUOTED_HOLE.sub(fill_quoted, text)
    text = _PH.sub(fill, text).rstrip(" .!?")
    for k in sorted(holes & stated.keys()):  # "a {travel_class} seat" with "economy" -> "an economy seat"
        v = stated[k]
        if isinstance(v, str) and v[:1] in "aeioAEIO" and v in text:
            text = _article_before(text, v)
    if literal_start and text and text[0].isupper() and (len(text) < 2 or not text[1].isupper()):
        if text.split(" ", 1)[0] not in _FIRST_PERSON:
            text = text[0].lower() + text[1:]
    if not literal_start and text[:1].islower():
        return None  # "ann@x.com won't come ..." would read as an imperative; use another hint
    return text


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
    info = _info(tool)
    clause = None
    used: set[str] = set()
    from_hint = False
    if info.hints and rng.random() < 0.85:
        order = list(range(len(info.hints)))
        rng.shuffle(order)
        for i in order:
            hint = info.hints[i]
            clause = _fill_hint(hint, stated, refs, info, rng)
            if clause is not None:
                used = set(hint.holes)
                from_hint = True
                head, _, tail = clause.partition(" ")
                alts = W.HINT_VERBS.get(head)
                if alts and tail and not tail.startswith(("me ", "us ", "up", "out", "off", "in ", "on ")) and rng.random() < 0.5:
                    clause = f"{_pick(rng, alts)} {tail}"
                break
    if clause is None:
        clause = _pick(rng, info.actions) if rng.random() < 0.4 else info.action
        for k in list(refs) + list(stated):
            p = info.params.get(k)
            if p is None or not p.nouns or k in used or rng.random() < 0.2:
                continue
            value = stated.get(k) if k not in refs else None
            if k not in refs and isinstance(value, (bool, dict)) or (isinstance(value, list) and len(value) > 3):
                continue
            text = refs[k] if k in refs else _value_text(k, value, info, rng)
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            new = _substitute(clause, p, text, numeric=numeric, is_ref=k in refs, rng=rng)
            if new is not None:
                clause = new
                used.add(k)
        clause = clause.replace("\x00", "")
        head, _, tail = clause.partition(" ")
        alts = W.VERB_SYNONYMS.get(head)
        if alts and tail and rng.random() < 0.5:
            clause = f"{_pick(rng, alts)} {tail}"
    rest = _param_clauses(info, stated, refs, used, rng)
    return f"{clause}{rest}" if from_hint else f"{clause}{rest}{_pick(rng, W.SUFFIXES)}"


_PREP_STARTS = ("with", "without", "and ", "using", "for ", "based", "taking")


def _param_clauses(info: _Info, stated: Mapping[str, Any], refs: Mapping[str, str], used: set[str],
                   rng: random.Random) -> str:
    """The clauses that state the values (and references) the action phrase did not carry."""
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
        form = _pick(rng, forms)
        if isinstance(value, list) and len(value) > 1:
            form = form.replace(" is ", " are ")
        items.append(form.replace("{l}", label).replace("{v}", _value_text(k, value, info, rng)))
    ref_form = _pick(rng, W.REF_STYLES)
    for k, phrase in refs.items():
        if k in used:
            continue
        p = info.params.get(k)
        label = _label_variant(p.label if p else param_label(k), rng)
        form = ref_form
        if "{l}" in form and label.lower() in phrase.lower():  # not "the city being the city from earlier"
            form = _pick(rng, W.REF_STYLES_NAMED)
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
            out = f"{_pick(rng, (' ', ', ', ' ')) if lead != '- ' else ' '}{lead}{body}"
    if extras and rng.random() < 0.3 and not out.startswith(" ("):
        extras.reverse()
    for e in extras:
        if not out:
            out = (" " if e.startswith(_PREP_STARTS) else ", ") + e
        else:
            out += (" " if e.startswith("and ") else _pick(rng, (", ", " and ", ", and "))) + e
    return out


def _cap(text: str) -> str:
    return text[0].upper() + text[1:] if text and text[0].islower() else text


_WORD = re.compile(r"[a-z]+")
_INNER_QUESTION = re.compile(r"[;,:] (?:what|how|which|where|when|who|can|could|is|are|do|does|will)\b", re.IGNORECASE)
_STATEMENT_START = frozenset({"i", "i'm", "i'd", "i'll", "i've", "my", "we", "we're", "we'd", "it's", "there's"})


def _clause_type(clause: str) -> str:
    """``"q"`` for a question, ``"s"`` for a first-person statement, ``"i"`` for an imperative."""
    if not clause[0].islower():  # starts with a value ("BK-12345 ...", "'notes.txt' ...")
        return "s" if not _INNER_QUESTION.search(clause) else "q"
    words = clause.split(" ", 2)
    raw = words[0].lower().strip(",:;")
    if raw in _STATEMENT_START:
        return "s"
    m = _WORD.match(raw)
    first = m.group(0) if m else raw
    if first in _QUESTION_START:
        return "q"
    if first in _AUX and first not in ("do", "have"):
        return "q"
    if first in ("do", "have") and len(words) > 1 and words[1].lower() in _PRONOUNS:
        return "q"
    return "i"


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
            form = _pick(rng, W.BREAKS)
            more.append(_cap(form.replace("{b}", c)) + ("?" if form.startswith("Could you") else "."))
            continue
        form = _pick(rng, W.PAIR)
        if form.startswith("first") and (not first or body.startswith("first ")):
            form = "{a}, then {b}"
        body = form.replace("{a}", body).replace("{b}", c)
    return body, more


# openers in which the user does {c} ("I want to {c}"): wrong for "give me ...", "show me ..."
_SELF_FORM = re.compile(r"(?i)\b(?:I'd like to|I want to|I need to|is to|Let's|Time to|help me|helping me|"
                        r"possible to)(?: go ahead and)? \{c\}")
_ME_CLAUSE = re.compile(r"(?i)^(?:[a-z]+ ){1,2}(?:me|us|myself)\b")
_OTHER_FORMS = tuple(f for f in W.OPENERS_Q + W.OPENERS_S if not _SELF_FORM.search(f))


def compose_request(clauses: Sequence[str], *, rng: random.Random, context: str | None = None) -> str:
    """One natural user message from clauses (each asking for one call).

    Chooses an opener ("Could you ...?", "Please ...", "I need you to ...", none ...), joins
    several clauses with connectors ("and then", ", then", "; after that,", "first ... then
    ..."), turns question clauses ("how far is it ...") into their own sentences, and
    sometimes adds a greeting, a context sentence (``context`` if given) or thanks.
    """
    items = [c.strip().rstrip(".") for c in clauses if c and c.strip()]
    if not items:
        return "Please go ahead."
    # split into runs of imperative clauses and single questions/statements, keeping the order
    segments: list[tuple[str, list[str]]] = []
    for c in items:
        kind = _clause_type(c)
        if segments and kind == "i" and segments[-1][0] == "i":
            segments[-1][1].append(c)
        else:
            segments.append((kind, [c]))
    sentences: list[str] = []
    for idx, (kind, run) in enumerate(segments):
        if kind != "i":
            c = run[0]
            end = "?" if kind == "q" or _INNER_QUESTION.search(c) else "."
            if idx == 0:
                form = _pick(rng, W.Q_FIRST) if kind == "q" else "{Q}."
                sentences.append(form.replace("?", end).replace("{Q}", _cap(c)).replace("{q}", c))
            else:
                sentences.append(_pick(rng, W.Q_LEADS if kind == "q" else W.S_LEADS) + c + end)
            continue
        body, more = _join_imperatives(run, rng, first=idx == 0)
        if idx == 0:
            form = _pick(rng, W.OPENERS_Q) if rng.random() < 0.45 else _pick(rng, W.OPENERS_S)
            if _SELF_FORM.search(form) and _ME_CLAUSE.match(body):  # not "I want to give me ..."
                form = _pick(rng, _OTHER_FORMS)
            if body.startswith("first ") and "first" in form.lower():
                form = "Please {c}."
            if rng.random() < 0.4 and re.search(r"\b(?:you|please|Please) \{c\}", form):  # "could you quickly ..."
                form = re.sub(r"\b(you|please|Please) \{c\}", lambda m: f"{m.group(1)} {_pick(rng, W.ADVERBS)} {{c}}", form, count=1)
            sentences.append(form.replace("{C}", _cap(body)).replace("{c}", body))
        else:
            sentences.append(_cap(_pick(rng, ("also, please {c}.", "then {c}.", "after that, {c}.", "and please {c}.")).replace("{c}", body)))
        sentences.extend(more)
    text = " ".join(sentences)
    r = rng.random()
    if context:
        ctx = context.strip()
        if ctx and ctx[-1] not in ".!?":
            ctx += "."
        text = f"{_cap(ctx)} {text}"
    elif r < 0.12:
        extra = _pick(rng, W.CONTEXTS)
        if extra:
            text = f"{extra} {text}"
    if rng.random() < 0.15 and not re.match(r"(?:[^.!?]*[.!?] )?(?:Hey|Hi|Hello|Good)", text):
        g = _pick(rng, W.GREETINGS)
        if g.endswith(", ") and not text.startswith(("I ", "I'")):
            text = g + text[0].lower() + text[1:]
        elif g:
            text = g + text
    if rng.random() < 0.2:
        text += _pick(rng, W.ENDINGS)
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
            if t in _PREPOSITIONS:
                obj = obj[:i]
                break
        noun = " ".join(obj[-2:]) if obj else ""
        if not toks or toks == ("id",):
            return f"{noun} ID" if noun else "ID"
        if toks[-1] in ("result", "results", "output", "response", "res", "ret", "return") or len(toks[-1]) <= 1:
            return f"{noun} result" if noun else "result"
    return param_label(field)


_SHORT_CUT = frozenset({"that", "which", "who", "based", "given", "using", "with", "for", "from", "by", "in", "on",
                        "at", "within", "via", "and", "or", "if", "when", "where", "whose", "to", "of", "the", "a",
                        "an", "is", "are", "optionally"})


@lru_cache(maxsize=4096)
def _short_cached(name: str, description: str, n: int) -> str:
    words = _clean(name, description).split(" ")
    if len(words) <= n:
        return " ".join(words)
    for i in range(2, n + 1):  # cut at the first relative or prepositional word after the verb's object
        if words[i].lower() in ("that", "which", "who", "based", "given", "using", "optionally", "whose", "if", "when"):
            return " ".join(words[:i]).rstrip(",")
    words = words[:n]
    while len(words) > 2 and words[-1].lower() in _SHORT_CUT:
        words.pop()
    return " ".join(words).rstrip(",")


def _short_action(tool: Tool, n: int = 8) -> str:
    """The action phrase cut to about ``n`` words at a natural boundary."""
    return _short_cached(tool.name, tool.description, n)


def reference_phrase(field: str, *, source_tool: Tool, turns_ago: int, rng: random.Random) -> str:
    """An indirect reference to ``field`` of an earlier output of ``source_tool``.

    ``turns_ago`` 0 is the same turn or just now ("the booking ID you just got"); larger
    values read as earlier ("the booking ID from when I asked you to book a flight").
    """
    label = _label_variant(_field_label(field, source_tool.name), rng)
    pool = W.REF_NOW if turns_ago <= 0 else W.REF_LAST if turns_ago == 1 else W.REF_OLD
    form = _pick(rng, pool)
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
    return _pick(rng, W.IMPLICIT).replace("{a}", _short_action(tool, 10))


_PRIORITY = ("id", "status", "total", "amount", "price", "cost", "balance", "count", "result", "name", "title",
             "message", "number", "code", "date", "time")
_DIGIT_WORD = re.compile(r"\S*\d\S*\s*")


def _text_of(value: Any, key: str = "") -> str:
    """A scalar as text in a summary: the exact value, long text cut at a word boundary."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return format_number(value)
    if value is None:
        return "none"
    text = str(value)
    line = text.split("\n", 1)[0].strip()
    if len(line) > 100:
        cut = line[:100]
        line = cut[: cut.rfind(" ")] if " " in cut else cut
        return f"'{line}...'"
    if line != text.strip():
        return f"'{line}...'"
    return format_value(line, None, name=key)


@lru_cache(maxsize=8192)
def _label_for(key: str) -> str:
    words = [w for w in humanize_param(key).split(" ") if not any(c.isdigit() for c in w)]
    return " ".join(words) or "value"


@lru_cache(maxsize=8192)
def _score(key: str) -> int:
    toks = param_tokens(key)
    for i, p in enumerate(_PRIORITY):
        if p in toks:
            return i
    return len(_PRIORITY)


_EXTRA_FIELDS = frozenset({"price", "cost", "amount", "total", "status", "date"})


def _item_text(item: Any) -> str:
    if isinstance(item, dict):
        scalars = [(k, v) for k, v in item.items() if not isinstance(v, (dict, list))]
        if not scalars:
            return "an entry"
        scalars.sort(key=lambda kv: _score(kv[0]))
        main = _text_of(scalars[0][1], scalars[0][0])
        extra = [kv for kv in scalars[1:] if not _EXTRA_FIELDS.isdisjoint(param_tokens(kv[0]))]
        if extra:
            k, v = extra[0]
            return f"{main} ({_label_for(k)} {_text_of(v, k)})"
        return main
    if isinstance(item, list):
        return f"a list of {len(item)}"
    return _text_of(item)


def _list_text(items: list[Any], noun: str, rng: random.Random) -> str:
    if not items:
        return f"there are no {noun}"
    shown = [_item_text(x) for x in items[:4]]
    more = len(items) - len(shown)
    listing = join_words(shown) if more <= 0 else ", ".join(shown) + ", among others"
    if len(items) == 1:
        noun = _singular_word(noun)
    form = _pick(rng, ("found {n} {w}: {l}", "there is {n} {w}: {l}" if len(items) == 1 else "there are {n} {w}: {l}",
                       "I got {n} {w}: {l}"))
    return form.replace("{n}", str(len(items))).replace("{w}", noun).replace("{l}", listing)


@lru_cache(maxsize=4096)
def _summary_action(name: str, description: str) -> str:
    """The action phrase of a summary: cut to ten words, without words that hold digits."""
    return _DIGIT_WORD.sub("", _short_cached(name, description, 10)).strip() or "do that"


def _summarize_one(tool: Tool, args: Mapping[str, Any], output: Any, rng: random.Random) -> str:
    action = _summary_action(tool.name, tool.description)
    if isinstance(output, dict) and "error" in output and len(output) <= 2:
        return f"I tried to {action}, but it failed: {_text_of(output['error'], 'error')}"
    if output is None or output == {} or output == [] or output == "":
        return _pick(rng, ("I went ahead and did it: {a}", "the request to {a} went through", "that's taken care of ({a})")).replace("{a}", action)
    if isinstance(output, list):
        return _list_text(output, "results", rng)
    if not isinstance(output, dict):
        return _pick(rng, ("the result is {v}", "the answer is {v}", "it came back with {v}")).replace("{v}", _text_of(output))
    known = {str(v) for v in args.values() if isinstance(v, (str, int, float)) and not isinstance(v, bool)}
    keys = sorted(output, key=_score)
    fresh = [k for k in keys if not (isinstance(output[k], (str, int, float)) and str(output[k]) in known)]
    chosen = (fresh or keys)[:4]
    flags = [k for k in chosen if isinstance(output[k], bool)]
    facts = [_fact(k, output[k], rng) for k in chosen if k not in flags]
    facts = [f for f in facts if f]
    state = _flags_text(output, flags)
    if state:
        facts.append(state)
    if not facts:
        return f"the request to {action} went through"
    return join_words(facts)


def _flags_text(output: Mapping[str, Any], keys: list[str]) -> str:
    """Boolean output fields as one statement ("it was locked but not changed"); flags that are
    not a state word (``success``, ``sent_status``) are left out: the other facts say it."""
    on, off = [], []
    for k in keys:
        words = _label_for(k).split(" ")
        if words[0].lower() in ("is", "was") and len(words) > 1:
            words = words[1:]
        if len(words) != 1 or not words[0].endswith("ed") or words[0].lower() in ("need", "feed", "speed", "seed"):
            continue
        (on if output[k] else off).append(words[0].lower())
    if not on and not off:
        return ""
    parts = ([join_words(on)] if on else []) + (["not " + join_words(off, last=" or ")] if off else [])
    return "it was " + " but ".join(parts)


def _singular_word(noun: str) -> str:
    """"files" -> "file", "entries" -> "entry" (for a count of one)."""
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith(("ches", "shes", "sses", "xes", "zes")):  # matches, boxes, addresses
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith("ss"):
        return noun[:-1]
    return noun


_UNITS = frozenset({"bytes", "seconds", "minutes", "hours", "days", "miles", "km", "kg", "meters", "percent", "usd"})


def _fact(key: str, value: Any, rng: random.Random) -> str:
    """One output field as a short statement ("the booking ID is BK-12345", "6 lines")."""
    label = _label_for(key)
    if isinstance(value, list):
        return _list_text(value, label if label.endswith("s") else label + " entries", rng)
    if isinstance(value, dict):
        inner = [(ik, iv) for ik, iv in value.items() if not isinstance(iv, (dict, list))][:3]
        if not inner:
            return ""
        return f"the {label} has " + join_words([f"{_label_for(ik)} {_text_of(iv, ik)}" for ik, iv in inner])
    if value is None or value == "":
        return ""
    text = _text_of(value, key)
    words = label.split(" ")
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if numeric and len(words) > 1 and words[-1].lower() in _UNITS:
        return f"the {' '.join(words[:-1])} is {text} {words[-1]}"
    if numeric and len(words) == 1 and label.endswith("s") and not label.endswith("ss"):
        return f"{text} {_singular_word(label) if value == 1 else label}"
    if words[-1].lower() in _PREPOSITIONS and len(words) > 1:  # "moved from '/home/x'"
        return f"{label} {text}"
    if label.endswith("ed") or isinstance(value, bool):
        return f"{label}: {text}"
    return _pick(rng, ("the {l} is {v}", "{l}: {v}", "the {l} is {v}")).replace("{l}", label).replace("{v}", text)


def summary_text(calls: Sequence[tuple[Tool, dict, Any]], *, rng: random.Random) -> str:
    """The assistant's text that ends a turn: a concise, truthful summary of each call.

    Each call is ``(tool, arguments, output)``.  Key scalar output values (ids, amounts,
    counts, statuses) are stated exactly, lists are counted and their first entries named;
    nothing is stated that is not in the outputs, besides counts of listed items.
    """
    sentences = []
    for i, (tool, args, output) in enumerate(calls):
        s = _summarize_one(tool, args or {}, output, rng)
        if i > 0:
            s = _pick(rng, W.NEXT) + " " + s
        sentences.append(_cap(s) + ".")
    opener = _pick(rng, W.SUMMARY_OPENERS)
    body = " ".join(sentences) if sentences else "There was nothing to do."
    return f"{opener} {body}" if opener else body


def missing_function_text(tool: Tool, *, rng: random.Random) -> str:
    """The assistant saying no available tool can do what was asked (tool not named)."""
    return _pick(rng, W.MISSING).replace("{a}", _short_action(tool, 12))


def ask_parameter_text(tool: Tool, param: str, *, rng: random.Random) -> str:
    """The assistant asking the user for a missing required value of ``tool``."""
    info = _info(tool)
    p = info.params.get(param)
    label = p.label if p else param_label(param)
    kind = p.kind if p else "word"
    pool = W.ASK_BY_KIND.get(kind, ()) + W.ASK_GENERIC
    return _pick(rng, pool).replace("{l}", label).replace("{a}", _short_action(tool, 8))


def tool_available_text(*, rng: random.Random) -> str:
    """The user saying the missing capability is now available."""
    return _pick(rng, W.AVAILABLE)


def give_parameter_text(param: str, value: Any, schema: dict, *, rng: random.Random) -> str:
    """The user supplying the value the assistant asked for (written with :func:`format_value`)."""
    if type(value) is str and "_" in value and _is_enum_value(schema, value):
        text = value.replace("_", " ")
    else:
        text = format_value(value, schema, name=param)
    form = _pick(rng, W.GIVE)
    if form.startswith("{v}") and text[:1].isalpha() and text[:1].islower():
        form = "Use {v} for the {l}."
    return form.replace("{l}", _label(param, schema or {})).replace("{v}", text)
