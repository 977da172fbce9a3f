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
from .values import format_number, format_value, humanize_param, join_words, param_tokens, value_kind

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
    first = " ".join(first.split()).strip(" .,;:-")
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
_NEW_WORDS = frozenset({"new"})
_PH = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_QUESTION_START = frozenset({"how", "what", "which", "who", "whom", "whose", "where", "when", "why"})
_AUX = frozenset({"is", "are", "was", "were", "do", "does", "did", "can", "could", "will", "would", "should",
                  "has", "have", "am", "may"})
_PRONOUNS = frozenset({"i", "you", "we", "it", "there", "they", "my", "the", "this", "that", "he", "she", "our", "your", "any"})
_HINT_LEADS = re.compile(
    r"^(?:please[, ]+|(?:can|could|would|will) you(?: please)?\s+|i (?:want|need) you to\s+|"
    r"i'd like you to\s+|help me\s+|hey[, ]+|hi[, ]+)+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Param:
    label: str  # how the parameter is named in text ("booking ID")
    nouns: tuple[str, ...]  # words in the action phrase that stand for it ("booking")
    patterns: tuple[re.Pattern[str], ...]
    kind: str
    schema: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Info:
    action: str
    actions: tuple[str, ...]  # the action and its shorter variants
    params: Mapping[str, _Param]
    hints: tuple[tuple[str, frozenset[str]], ...]  # (scrubbed hint, its placeholders)


def _label(name: str, schema: Mapping[str, Any]) -> str:
    human = humanize_param(name)
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


def _noun_patterns(nouns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(
            r"\b(?P<art>(?:a|an|the|one|some)\s+)?(?P<adj>(?:(?:specified|given|provided|specific|particular|"
            r"certain|existing|new|target|selected)\s+)*)(?P<noun>" + re.escape(n) + r")(?:s|es)?\b(?!-| or | and |/)",
            re.IGNORECASE,
        )
        for n in nouns
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
            patterns=_noun_patterns(nouns),
            kind=value_kind(p, typ, str(schema.get("format") or ""), desc if isinstance(desc, str) else ""),
            schema=schema,
        )
    prepared = []
    for h in hints:
        holes = _PH.findall(h)
        text = _PH.sub(lambda m: "\x00" + str(holes.index(m.group(1))) + "\x01", h)  # protect placeholders
        text = _scrub(text, name)
        text = re.sub(r"\x00(\d+)\x01", lambda m: "{" + holes[int(m.group(1))] + "}", text)
        prepared.append((text, frozenset(holes)))
    action = _clean(name, description)
    return _Info(action=action, actions=_action_variants(name, description, action), params=params, hints=tuple(prepared))


_COMMON_VERBS = frozenset(_VERBISH_BASE := {
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


# ------------------------------------------------------------------------------------------
# one clause per call
# ------------------------------------------------------------------------------------------
# lead said once -> the forms its items may take ({l}: label, {v}: written value)
_STATED_STYLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("with ", ("{l} {v}", "the {l} {v}", "the {l} set to {v}", "{v} as the {l}")),
    ("using ", ("{l} {v}", "the {l} {v}", "{v} as the {l}", "{v} for the {l}")),
    ("for ", ("{l} {v}", "the {l} {v}")),
    ("where ", ("the {l} is {v}", "{l} is {v}", "the {l} equals {v}")),
    ("and make sure ", ("the {l} is {v}", "you use {v} as the {l}", "the {l} is set to {v}")),
    ("setting ", ("{l} to {v}", "the {l} to {v}")),
    ("given ", ("{l} {v}", "the {l} {v}")),
    ("- ", ("{l}: {v}", "{l} {v}")),
    ("(", ("{l}: {v}", "{l} {v}")),
    ("with these details: ", ("{l} {v}", "{l}: {v}")),
    ("so that ", ("the {l} is {v}", "the {l} ends up as {v}")),
    ("and use ", ("{v} for the {l}", "{v} as the {l}")),
    ("and set ", ("the {l} to {v}", "{l} to {v}")),
    ("; ", ("the {l} should be {v}", "{l} is {v}", "use {v} for the {l}")),
    (" - by the way, ", ("the {l} is {v}", "use {v} as the {l}")),
)
_REF_STYLES = ("using {r}", "with {r}", "for {r}", "based on {r}", "with the {l} being {r}", "and use {r}",
               "taking {r}", "and for the {l}, use {r}")
_BOOL_ON = ("with {l} enabled", "with {l} turned on", "and turn on {l}", "with {l} on", "{l}: yes", "and make sure {l} is on")
_BOOL_OFF = ("with {l} disabled", "with {l} turned off", "without {l}", "with {l} off", "{l}: no", "and keep {l} off")
_JOINERS = (", ", " and ", "; ")
_SUFFIXES = ("", "", "", "", "", "", "", "", " for me", " now", " right away", " if you can", " when you get a chance",
             " as soon as possible", " please", " today", " if that's possible")
_VERB_SYNONYMS = {
    "get": ("fetch", "look up", "pull up", "show me", "find out", "check", "give me"),
    "retrieve": ("fetch", "pull up", "get", "look up"),
    "list": ("show me", "list out", "give me"),
    "create": ("make", "set up", "add"),
    "send": ("send off", "shoot over"),
    "search": ("look through", "search through", "scan"),
    "find": ("look for", "locate", "track down"),
    "cancel": ("call off", "drop"),
    "delete": ("remove", "get rid of", "erase"),
    "remove": ("delete", "get rid of", "take out"),
    "book": ("reserve", "lock in"),
    "add": ("put", "include"),
    "set": ("change", "adjust", "configure"),
    "update": ("change", "modify", "edit"),
    "modify": ("change", "update", "edit"),
    "check": ("verify", "look at", "see"),
    "calculate": ("compute", "work out", "figure out"),
    "compute": ("calculate", "work out", "figure out"),
    "display": ("show", "print", "show me"),
    "show": ("display", "let me see"),
    "read": ("open", "show me"),
    "convert": ("change", "turn"),
    "move": ("shift", "relocate"),
    "write": ("put", "save"),
    "estimate": ("approximate", "work out"),
    "turn": ("switch",),
    "place": ("submit",),
    "view": ("show me", "look at"),
    "compare": ("diff", "check the differences between"),
}


def _bool_text(label: str, value: bool, rng: random.Random) -> str:
    return _pick(rng, _BOOL_ON if value else _BOOL_OFF).replace("{l}", label)


def _value_text(param: str, value: Any, info: _Info) -> str:
    p = info.params.get(param)
    return format_value(value, p.schema if p else None, name=param)


def _substitute(action: str, p: _Param, text: str, *, numeric: bool, is_ref: bool, rng: random.Random) -> str | None:
    """``action`` with the parameter's noun phrase carrying ``text``, or ``None`` if absent."""
    for rx, noun in zip(p.patterns, p.nouns):
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
_TRAILING_PLEASE = re.compile(r",?\s*please[.!?]*$", re.IGNORECASE)
_FIRST_PERSON = ("I", "I'm", "I'd", "I'll", "I've")


def _fill_hint(hint: str, holes: frozenset[str], stated: Mapping[str, Any], refs: Mapping[str, str],
               info: _Info) -> str | None:
    """The hint with its placeholders filled (values, or reference phrases), as a clause;
    ``None`` when a placeholder has neither."""
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
            return _value_text(k, stated[k], info)
        return refs[k]

    text = hint.strip()
    literal_start = not text.startswith("{")
    if literal_start:
        text = _HINT_LEADS.sub("", text)
    text = _TRAILING_PLEASE.sub("", text)
    for k in holes & refs.keys():  # "cancel booking {booking_id}" -> "cancel the booking ID you just got"
        p = info.params.get(k)
        for noun in (p.nouns if p else ()):
            text = re.sub(r"(?i)\b(?:the |my |a )?" + re.escape(noun) + r"s? \{" + k + r"\}", "{" + k + "}", text)
    text = _QUOTED_HOLE.sub(fill_quoted, text)
    text = _PH.sub(fill, text).rstrip(" .!?")
    if literal_start and text and text[0].isupper() and (len(text) < 2 or not text[1].isupper()):
        if text.split(" ", 1)[0] not in _FIRST_PERSON:
            text = text[0].lower() + text[1:]
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
    if info.hints and rng.random() < 0.75:
        order = list(range(len(info.hints)))
        rng.shuffle(order)
        for i in order:
            hint, holes = info.hints[i]
            clause = _fill_hint(hint, holes, stated, refs, info)
            if clause is not None:
                used = set(holes)
                from_hint = True
                break
    if clause is None:
        clause = _pick(rng, info.actions) if rng.random() < 0.4 else info.action
        for k in list(refs) + list(stated):
            p = info.params.get(k)
            if p is None or not p.patterns or k in used or rng.random() < 0.2:
                continue
            value = stated.get(k) if k not in refs else None
            if k not in refs and isinstance(value, (bool, dict)) or (isinstance(value, list) and len(value) > 3):
                continue
            text = refs[k] if k in refs else _value_text(k, value, info)
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            new = _substitute(clause, p, text, numeric=numeric, is_ref=k in refs, rng=rng)
            if new is not None:
                clause = new
                used.add(k)
        clause = clause.replace("\x00", "")
        head, _, tail = clause.partition(" ")
        alts = _VERB_SYNONYMS.get(head)
        if alts and tail and rng.random() < 0.5:
            clause = f"{_pick(rng, alts)} {tail}"
    rest = _param_clauses(info, stated, refs, used, rng)
    return f"{clause}{rest}" if from_hint else f"{clause}{rest}{_pick(rng, _SUFFIXES)}"


_PREP_STARTS = ("with", "without", "and ", "using", "for ", "based", "taking")


def _param_clauses(info: _Info, stated: Mapping[str, Any], refs: Mapping[str, str], used: set[str],
                   rng: random.Random) -> str:
    """The clauses that state the values (and references) the action phrase did not carry."""
    items: list[str] = []
    extras: list[str] = []
    lead, forms = _STATED_STYLES[int(rng.random() * len(_STATED_STYLES))]
    for k, value in stated.items():
        if k in used or k in refs:
            continue
        p = info.params.get(k)
        label = p.label if p else humanize_param(k)
        if isinstance(value, bool):
            extras.append(_bool_text(label, value, rng))
            continue
        form = _pick(rng, forms)
        if isinstance(value, list) and len(value) > 1:
            form = form.replace(" is ", " are ")
        items.append(form.replace("{l}", label).replace("{v}", _value_text(k, value, info)))
    ref_form = _pick(rng, _REF_STYLES)
    for k, phrase in refs.items():
        if k in used:
            continue
        p = info.params.get(k)
        label = p.label if p else humanize_param(k)
        extras.append(ref_form.replace("{l}", label).replace("{r}", phrase))
    out = ""
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


# ------------------------------------------------------------------------------------------
# a whole user message
# ------------------------------------------------------------------------------------------
_OPENERS_Q = (
    "Could you {c}?", "Can you {c}?", "Would you {c}?", "Could you please {c}?", "Can you please {c}?",
    "Are you able to {c}?", "Could you go ahead and {c}?", "Can you help me {c}?", "Hey, can you {c}?",
    "Is it possible to {c}?", "Could I get you to {c}?", "Would you be able to {c}?", "Any chance you could {c}?",
    "Can you {c} real quick?", "Can I ask you to {c}?", "Could you do something for me and {c}?", "Mind helping me {c}?",
)
_OPENERS_S = (
    "Please {c}.", "{C}.", "{C}, please.", "I need you to {c}.", "I'd like you to {c}.", "I'd like to {c}.",
    "Help me {c}.", "I want to {c}.", "Go ahead and {c}.", "Let's {c}.", "When you get a chance, {c}.",
    "Quick favor: {c}.", "Please {c} for me.", "Do me a favor and {c}.", "I was hoping you could {c}.",
    "I'd appreciate it if you could {c}.", "Time to {c}.", "Next, {c}.", "Okay, {c}.", "Alright, please {c}.",
    "My plan is to {c}.", "I need to {c}.", "Right, {c}.", "{C}!", "{C} when you can.", "Need you to {c}.",
    "I'd love it if you could {c}.", "Please make sure to {c}.", "So, {c}.", "Now {c}.", "First things first: {c}.",
    "I'd like you to go ahead and {c}.", "Your task: {c}.",
)
_GREETINGS = ("Hi! ", "Hey, ", "Hello. ", "Hi there. ", "Good morning! ", "")
_ENDINGS = (" Thanks!", " Thank you.", " Thanks a lot.", " Appreciate it.", " Cheers.", " Thanks in advance.")
_PAIR = (
    "{a} and then {b}", "{a}, then {b}", "{a}; after that, {b}", "{a}, and also {b}", "first {a}, then {b}",
    "{a} and {b}", "{a}, and once that's done, {b}", "{a}, and when you're done, {b}", "{a}, and right after, {b}",
    "{a}, followed by this: {b}", "{a} - and then {b}", "{a}, plus {b}", "{a}, and after that {b}",
    "{a}, then go on to {b}", "{a} and, once that's finished, {b}", "{a}, and next {b}", "{a} before you {b}",
)
_BREAKS = ("Then {b}", "After that, {b}", "Also, {b}", "Once that's done, {b}", "Next, {b}", "And {b}",
           "When that's finished, {b}", "Oh, and {b}", "Then please {b}", "Afterwards, {b}", "On top of that, {b}",
           "Last thing: {b}", "I also need you to {b}", "Could you then {b}")
_Q_LEADS = ("Also, ", "And ", "Then ", "After that, ", "One more thing: ", "Also, quick question: ")
_S_LEADS = ("Also, ", "And ", "Then ", "After that, ", "Oh, and ", "Besides that, ")
_Q_FIRST = ("{Q}?", "{Q}?", "Quick question: {q}?", "Tell me, {q}?")
_CONTEXTS = (
    "I'm trying to get a few things sorted today.", "Quick request.", "I'm in a bit of a hurry.",
    "Got a couple of things for you.", "This is for work.", "I'm planning ahead.", "",
)


def _cap(text: str) -> str:
    return text[0].upper() + text[1:] if text and text[0].islower() else text


_WORD = re.compile(r"[a-z]+")
_INNER_QUESTION = re.compile(r"[;,:] (?:what|how|which|where|when|who|can|could|is|are|do|does|will)\b", re.IGNORECASE)
_STATEMENT_START = frozenset({"i", "i'm", "i'd", "i'll", "i've", "my", "we", "we're", "we'd", "it's", "there's"})


def _clause_type(clause: str) -> str:
    """``"q"`` for a question, ``"s"`` for a first-person statement, ``"i"`` for an imperative."""
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
            more.append(_cap(_pick(rng, _BREAKS).replace("{b}", c)) + ".")
            continue
        form = _pick(rng, _PAIR)
        if form.startswith("first") and (not first or body.startswith("first ")):
            form = "{a}, then {b}"
        body = form.replace("{a}", body).replace("{b}", c)
    return body, more


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
                form = _pick(rng, _Q_FIRST) if kind == "q" else "{Q}."
                sentences.append(form.replace("{Q}", _cap(c)).replace("{q}", c).replace("?", end))
            else:
                sentences.append(_pick(rng, _Q_LEADS if kind == "q" else _S_LEADS) + c + end)
            continue
        body, more = _join_imperatives(run, rng, first=idx == 0)
        if idx == 0:
            form = _pick(rng, _OPENERS_Q) if rng.random() < 0.45 else _pick(rng, _OPENERS_S)
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
        extra = _pick(rng, _CONTEXTS)
        if extra:
            text = f"{extra} {text}"
    if rng.random() < 0.15:
        g = _pick(rng, _GREETINGS)
        if g.endswith(", ") and not text.startswith(("I ", "I'")):
            text = g + text[0].lower() + text[1:]
        elif g:
            text = g + text
    if rng.random() < 0.2:
        text += _pick(rng, _ENDINGS)
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
    if toks and toks[-1] in _GENERIC_FIELDS or not toks:
        obj = [t for t in param_tokens(tool_name) if t not in _VERBISH]
        for i, t in enumerate(obj):
            if t in _PREPOSITIONS:
                obj = obj[:i]
                break
        noun = " ".join(obj[-2:]) if obj else ""
        if not toks or toks == ("id",):
            return f"{noun} ID" if noun else "ID"
        if toks[-1] in ("result", "results", "output", "response", "res", "ret", "return"):
            return f"{noun} result" if noun else "result"
    return humanize_param(field)


_REF_NOW = ("the {l} you just got", "the {l} it returned", "the {l} from that", "the resulting {l}",
            "the {l} that came back", "that {l}", "the {l} from the step before")
_REF_LAST = ("the {l} you just got", "the {l} from the last step", "that {l}", "the {l} from your last answer",
             "the {l} you just found", "the {l} from a moment ago", "the {l} you gave me")
_REF_OLD = ("the {l} from earlier", "the {l} you got before", "that {l} from earlier", "the {l} from before",
            "the {l} we got a few steps back", "the {l} from when I asked you to {a}", "the same {l} as before",
            "the {l} you found earlier", "the {l} you gave me earlier")


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
    label = _field_label(field, source_tool.name)
    pool = _REF_NOW if turns_ago <= 0 else _REF_LAST if turns_ago == 1 else _REF_OLD
    form = _pick(rng, pool)
    if "{a}" in form:
        form = form.replace("{a}", _short_action(source_tool))
    return form.replace("{l}", label)


_IMPLICIT = ("use that result to {a}", "{a} with what you get", "{a} using the result", "take that and {a}",
             "{a} based on that", "{a} with it", "use the output to {a}", "{a} from there")


def implicit_clause(tool: Tool, *, rng: random.Random) -> str | None:
    """A clause hinting at the goal a nested (never requested) call serves, or ``None``.

    The clause carries no values and no tool name ("use that result to convert the
    gallon to liter"); ``None`` (about a third of the time) leaves the call unmentioned.
    """
    if rng.random() < 0.35:
        return None
    return _pick(rng, _IMPLICIT).replace("{a}", _short_action(tool, 10))


# ------------------------------------------------------------------------------------------
# assistant texts
# ------------------------------------------------------------------------------------------
_SUMMARY_OPENERS = ("Done.", "All set:", "Here's what I found:", "Okay.", "Sure.", "Finished.", "Here you go:",
                    "That's done.", "Got it.", "", "", "Alright.")
_NEXT = ("Then", "After that,", "Also,", "Next,", "Finally,")
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


def _label_for(key: str) -> str:
    words = [w for w in humanize_param(key).split(" ") if not any(c.isdigit() for c in w)]
    return " ".join(words) or "value"


def _score(key: str) -> int:
    toks = param_tokens(key)
    for i, p in enumerate(_PRIORITY):
        if p in toks:
            return i
    return len(_PRIORITY)


def _item_text(item: Any) -> str:
    if isinstance(item, dict):
        scalars = [(k, v) for k, v in item.items() if not isinstance(v, (dict, list))]
        if not scalars:
            return "an entry"
        scalars.sort(key=lambda kv: _score(kv[0]))
        main = _text_of(scalars[0][1], scalars[0][0])
        extra = [kv for kv in scalars[1:] if param_tokens(kv[0]) and set(param_tokens(kv[0])) & {"price", "cost", "amount", "total", "status", "date"}]
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
    form = _pick(rng, ("found {n} {w}: {l}", "there are {n} {w}: {l}", "I got {n} {w}: {l}"))
    return form.replace("{n}", str(len(items))).replace("{w}", noun).replace("{l}", listing)


def _summarize_one(tool: Tool, args: Mapping[str, Any], output: Any, rng: random.Random) -> str:
    action = _DIGIT_WORD.sub("", _short_action(tool, 10)).strip() or "do that"
    if isinstance(output, dict) and "error" in output and len(output) <= 2:
        return f"I tried to {action}, but it failed: {_text_of(output['error'], 'error')}"
    if output is None or output == {} or output == [] or output == "":
        return _pick(rng, ("I went ahead and did it: {a}", "the request to {a} went through", "that's taken care of ({a})")).replace("{a}", action)
    if isinstance(output, list):
        return _list_text(output, "results", rng)
    if not isinstance(output, dict):
        return _pick(rng, ("the result is {v}", "the answer is {v}", "it came back with {v}")).replace("{v}", _text_of(output))
    facts: list[str] = []
    keys = sorted(output, key=_score)
    for k in keys[:4]:
        v = output[k]
        label = _label_for(k)
        if isinstance(v, list):
            facts.append(_list_text(v, label if label.endswith("s") else label + " entries", rng))
        elif isinstance(v, dict):
            inner = [(ik, iv) for ik, iv in v.items() if not isinstance(iv, (dict, list))][:3]
            if inner:
                facts.append(f"the {label} has " + join_words([f"{_label_for(ik)} {_text_of(iv, ik)}" for ik, iv in inner]))
        else:
            facts.append(_pick(rng, ("the {l} is {v}", "{l}: {v}", "the {l} is {v}")).replace("{l}", label).replace("{v}", _text_of(v, k)))
    if not facts:
        return f"the request to {action} went through"
    return join_words(facts)


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
            s = _pick(rng, _NEXT) + " " + s
        sentences.append(_cap(s) + ".")
    opener = _pick(rng, _SUMMARY_OPENERS)
    body = " ".join(sentences) if sentences else "There was nothing to do."
    return f"{opener} {body}" if opener else body


_MISSING = (
    "I'm sorry, but I can't {a} right now: none of the tools available to me can do that. If you can enable one, I'll take care of it.",
    "Unfortunately I don't have a tool that can {a}, so I can't do that here. Could you make that capability available, or is there something else I can help with?",
    "That's not something I can do at the moment: there is no available function to {a}. Let me know once you enable it.",
    "I don't have access to anything that can {a}. I can help with the other tools I have, or you could enable one for this.",
    "Sorry, none of my current tools let me {a}. If you add that capability I'll go ahead; otherwise I can help with something else.",
)


def missing_function_text(tool: Tool, *, rng: random.Random) -> str:
    """The assistant saying no available tool can do what was asked (tool not named)."""
    return _pick(rng, _MISSING).replace("{a}", _short_action(tool, 12))


_ASK_BY_KIND = {
    "date": ("Which date should I use for the {l}?", "What date do you want for the {l}?"),
    "dob": ("What's the {l}?", "Could you tell me the {l}?"),
    "time": ("What time should I use for the {l}?", "At what time? I need the {l}."),
    "email": ("What's the {l}?", "Which email address should I use for the {l}?"),
    "city": ("Which city should I use for the {l}?", "Where exactly? I need the {l}."),
    "airport": ("Which airport do you mean for the {l}?", "What's the {l}?"),
    "money": ("How much should the {l} be?", "What amount should I use for the {l}?"),
    "quantity": ("How many? I need the {l}.", "What should the {l} be?"),
    "full_name": ("Who should I put down for the {l}?", "What's the {l}?"),
}
_ASK_GENERIC = (
    "What {l} should I use?", "Could you tell me the {l}?", "I need the {l} to {a}. What is it?",
    "Which {l} would you like?", "Before I {a}, what's the {l}?", "What's the {l}? I need it to {a}.",
    "Sure, I just need one thing: the {l}. What should it be?",
)


def ask_parameter_text(tool: Tool, param: str, *, rng: random.Random) -> str:
    """The assistant asking the user for a missing required value of ``tool``."""
    info = _info(tool)
    p = info.params.get(param)
    label = p.label if p else humanize_param(param)
    kind = p.kind if p else "word"
    pool = _ASK_BY_KIND.get(kind, ()) + _ASK_GENERIC
    return _pick(rng, pool).replace("{l}", label).replace("{a}", _short_action(tool, 8))


_AVAILABLE = (
    "I've just enabled that capability, please go ahead.", "It's available now, please try again.",
    "Okay, I've turned that tool on. Please continue.", "That function is enabled now; go ahead.",
    "I just added the tool you need, so please do it now.", "You should have access to it now. Go ahead, please.",
    "Done, it's enabled. Can you take care of it now?", "I've set that up for you. Please proceed with the request.",
)


def tool_available_text(*, rng: random.Random) -> str:
    """The user saying the missing capability is now available."""
    return _pick(rng, _AVAILABLE)


_GIVE = (
    "Use {v} for the {l}.", "The {l} is {v}.", "It's {v}.", "Go with {v}.", "Let's use {v} as the {l}.",
    "Oh, sorry: the {l} should be {v}.", "Make it {v}.", "Right, the {l} is {v}.", "Please use {v}.",
    "{v} is the {l} I want.",
)


def give_parameter_text(param: str, value: Any, schema: dict, *, rng: random.Random) -> str:
    """The user supplying the value the assistant asked for (written with :func:`format_value`)."""
    text = format_value(value, schema, name=param)
    form = _pick(rng, _GIVE)
    if form.startswith("{v}") and text[:1].isalpha() and text[:1].islower():
        form = "Use {v} for the {l}."
    return form.replace("{l}", _label(param, schema or {})).replace("{v}", text)
