"""Words: how names and descriptions of tools, outputs and parameters are compared.

Everything here is a pure function of a string, cached, so a catalog of 16k tools costs one
pass of tokenization. The vocabularies are small on purpose: they encode which names carry
meaning across tools (``booking_id``) and which do not (``status``, ``result``).

* :func:`key_of` turns a field or parameter name into a *key*: snake case, singular tokens,
  compounds split (``fileName1`` / ``filenames`` -> ``file_name``), ordinal and type suffixes
  dropped (``cityA`` -> ``city``, ``current_time_str`` -> ``current_time``).
* :func:`synonym_class` maps a key to its class of common synonyms (``path`` ~ ``file_name``).
* :func:`specificity` tells whether a key is ``"noise"``, ``"weak"`` or ``"specific"``.
* :func:`parse_tool_name` finds the verb and the entity of a tool name
  (``get_nearest_airport_by_city`` -> ``("get", "airport")``).
* :func:`text_tokens` gives the informative tokens of a description.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..toolkit import norm_name

__all__ = [
    "key_of",
    "key_tokens",
    "singular",
    "synonym_class",
    "specificity",
    "parse_tool_name",
    "text_tokens",
    "key_words",
    "infer_format",
    "is_auth_tool",
    "is_identifier",
    "CREATE_VERBS",
    "PRODUCE_VERBS",
    "NUMERIC_SLOTS",
    "MODIFIERS",
]

# Compound words written as one token, split into their parts.
_COMPOUNDS: dict[str, tuple[str, ...]] = {
    "filename": ("file", "name"),
    "filepath": ("file", "path"),
    "pathname": ("path",),
    "username": ("user", "name"),
    "userid": ("user", "id"),
    "dirname": ("directory", "name"),
    "foldername": ("directory", "name"),
    "firstname": ("first", "name"),
    "lastname": ("last", "name"),
    "fullname": ("full", "name"),
    "emailaddress": ("email",),
    "zipcode": ("zip", "code"),
    "postcode": ("zip", "code"),
    "phonenumber": ("phone", "number"),
    "datetime": ("datetime",),
}

# Token synonyms (one word for one concept).
_TOKEN_SYNONYMS: dict[str, str] = {
    "folder": "directory",
    "dir": "directory",
    "mail": "email",
    "addr": "address",
    "qty": "quantity",
    "num": "number",
    "msg": "message",
    "desc": "description",
    "img": "image",
    "pwd": "password",
    "passwd": "password",
    "uid": "id",
    "uuid": "id",
    "identifier": "id",
    "postal": "zip",
    "telephone": "phone",
    "mobile": "phone",
    "ticker": "symbol",
    "uri": "url",
    "link": "url",
    "href": "url",
}

# Trailing tokens that only say how a value is typed or collected.
_TYPE_SUFFIXES = frozenset({"str", "string", "int", "integer", "float", "bool", "boolean", "obj", "dict", "json"})
_LIST_SUFFIXES = frozenset({"list", "array", "arr", "set", "collection"})

# Whole-key synonym classes: key -> class name.
_CLASSES: dict[str, tuple[str, ...]] = {
    "file": ("file", "file_name", "file_path", "path", "path_name"),
    "directory": ("directory", "directory_name", "directory_path"),
    "email": ("email", "email_address"),
    "phone": ("phone", "phone_number"),
    "symbol": ("symbol", "stock_symbol", "stock", "symbol_name"),
    "amount": ("amount", "total", "total_amount", "total_cost", "total_price"),
    "query": ("query", "keyword", "search_query", "search_term", "term", "search_keyword", "q"),
    "location": ("location", "city", "city_name"),
    "url": ("url", "web_url", "website"),
    "zip": ("zip", "zip_code"),
    "user_name": ("user_name", "user_handle", "handle", "screen_name"),
}
_KEY_CLASS: dict[str, str] = {k: cls for cls, keys in _CLASSES.items() for k in keys}

# Keys made only of these tokens never create an edge by their name alone.
NOISE_TOKENS = frozenset(
    {
        "status", "message", "success", "ok", "error", "result", "response", "output", "data", "info",
        "information", "detail", "type", "kind", "mode", "code", "flag", "option", "level", "state",
        "reason", "extra", "metadata", "meta", "format", "version", "log", "item", "record", "object",
        "entry", "id", "key", "field", "payload", "return", "outcome", "a", "b", "x", "y", "n",
    }
)  # fmt: skip
# Keys made only of these (and noise) tokens are weak evidence: same toolkit or agreeing descriptions.
WEAK_TOKENS = frozenset(
    {
        "name", "title", "description", "content", "text", "body", "note", "comment", "tag", "label",
        "date", "time", "timestamp", "datetime", "day", "amount", "price", "cost", "count", "number",
        "total", "quantity", "size", "length", "limit", "unit", "currency", "language", "category",
        "value", "query", "keyword", "term", "source", "destination", "target", "start", "end",
        "url", "path", "file", "image", "list", "page", "offset", "sort", "filter", "line",
        "current", "new", "old", "min", "max", "minimum", "maximum", "first", "last", "default",
        "main", "primary", "selected", "updated", "created", "final", "initial", "is", "has", "to",
        "from", "by", "of", "in", "on", "at", "for", "with", "all", "other", "full", "base", "match",
        "matching", "password", "token", "secret", "location", "address", "result",
    }
)  # fmt: skip
# Adjectives that qualify a value without changing what it is (``new_balance`` is a balance).
MODIFIERS = frozenset(
    {
        "current", "new", "old", "min", "max", "minimum", "maximum", "first", "last", "default", "main",
        "primary", "selected", "updated", "created", "final", "initial", "total", "outside", "inside",
        "estimated", "average", "actual", "remaining", "available", "local", "latest", "previous", "next",
        "original", "nearest", "closest", "matching", "filtered", "sorted", "exchanged", "converted",
        "my", "your", "this", "that", "target", "desired", "requested", "resulting", "computed",
    }
)  # fmt: skip
# Keys that look weak by their tokens but name one specific kind of value.
_SPECIFIC_KEYS = frozenset(
    {"first_name", "last_name", "full_name", "file_name", "file_path", "email", "access_token",
     "refresh_token", "password", "location", "address", "currency", "language", "url", "path"}
)  # fmt: skip

# Verbs whose tool yields (finds, makes) the entity its name is about.
PRODUCE_VERBS = frozenset(
    {
        "get", "create", "search", "find", "list", "add", "book", "register", "lookup", "look", "fetch",
        "retrieve", "make", "open", "generate", "new", "post", "upload", "query", "read", "view",
        "show", "check", "estimate", "compute", "calculate", "schedule", "reserve", "place", "issue",
        "start", "insert", "submit", "locate", "resolve", "discover", "browse", "load", "request",
        "touch", "mkdir", "buy", "purchase", "order", "write", "save", "convert",
    }
)  # fmt: skip
# Verbs that bring a new thing into existence (precondition of tools that use that thing).
CREATE_VERBS = frozenset(
    {"create", "add", "book", "register", "make", "open", "generate", "new", "post", "upload", "schedule",
     "reserve", "place", "issue", "insert", "submit", "touch", "mkdir", "buy", "purchase", "start"}
)  # fmt: skip
_VERBS = PRODUCE_VERBS | CREATE_VERBS | frozenset(
    {"update", "edit", "modify", "delete", "remove", "cancel", "close", "set", "rename", "move", "share",
     "archive", "confirm", "pay", "refund", "reschedule", "invite", "comment", "follow", "unfollow",
     "transfer", "display", "send", "stop", "end", "logout", "login", "authenticate", "verify", "validate",
     "apply", "assign", "attach", "approve", "reject", "copy", "download", "fill", "lock", "unlock",
     "release", "press", "activate", "deactivate", "enable", "disable", "toggle", "mention", "retweet",
     "filter", "sort", "notify", "fund", "contact", "purchase", "compare", "count", "adjust", "mark"}
)  # fmt: skip
_ENTITY_CUT = frozenset({"by", "for", "from", "with", "based", "on", "to", "in", "of", "at", "using", "via", "and", "or"})
_ENTITY_SKIP = frozenset(
    {"all", "details", "detail", "info", "information", "data", "list", "status", "the", "a", "an", "my",
     "current", "new", "existing", "available", "specific", "single", "one", "many", "multiple", "full"}
)  # fmt: skip

# Numeric parameters that take "some number" (the paper's get_distance -> convert_unit value).
NUMERIC_SLOTS = frozenset({"value", "number", "a", "b", "x", "y", "n", "input", "operand", "quantity", "part", "whole"})

_STOPWORDS = frozenset(
    """a an the of to for in on at by with and or is are be been being this that these those it its
    from as if which will can could should would may might must use used using any all one each into
    your you we our they their them he she his her not no yes do does done than then there here when
    where what who whom how why only also such e g eg ie i.e etc e.g default defaults none null true false
    given specified specific provided return returns returned value values name names string number
    list given whether if optional required new current set get make take give show need want like
    perform operation allow allowed please specify provide must between multiple about after before
    so other same more most less least than via per such some many much very just two three four""".split()
)  # fmt: skip
_WORD = re.compile(r"[a-z][a-z0-9]*")


@lru_cache(maxsize=1 << 16)
def singular(word: str) -> str:
    """A cheap English singular: ``cities`` -> ``city``, ``files`` -> ``file``, ``status`` kept."""
    n = len(word)
    if word == "ids":
        return "id"
    if n <= 3 or word.endswith(("ss", "us", "is", "ics", "news")):
        return word
    if word.endswith("ies") and n > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def _split_token(tok: str) -> tuple[str, ...]:
    if tok in _COMPOUNDS:
        return _COMPOUNDS[tok]
    s = singular(tok)
    if s in _COMPOUNDS:
        return _COMPOUNDS[s]
    return (tok,)


@lru_cache(maxsize=1 << 16)
def key_tokens(name: str) -> tuple[tuple[str, ...], bool]:
    """The key tokens of a name and whether the name says "several" (plural or ``_list``).

    >>> key_tokens("fileName1")
    (('file', 'name'), False)
    >>> key_tokens("stock_list")
    (('stock',), True)
    >>> key_tokens("booking_ids")
    (('booking', 'id'), True)
    """
    raw = [t for t in norm_name(name).split("_") if t]
    toks: list[str] = []
    for t in raw:
        toks.extend(_split_token(t))
    # ordinal suffixes: file_name1 -> file_name, cityA -> city
    out: list[str] = []
    for t in toks:
        stripped = t.rstrip("0123456789")
        if stripped:
            out.append(stripped)
    while len(out) > 1 and len(out[-1]) == 1:
        out.pop()
    many = False
    while len(out) > 1 and out[-1] in _TYPE_SUFFIXES | _LIST_SUFFIXES:
        many = many or out[-1] in _LIST_SUFFIXES
        out.pop()
    if out and singular(out[-1]) != out[-1]:
        many = True
    out = [_TOKEN_SYNONYMS.get(singular(t), singular(t)) for t in out]
    return tuple(out), many


@lru_cache(maxsize=1 << 16)
def key_of(name: str) -> str:
    """The matching key of a name: ``bookingIds`` -> ``booking_id``, ``Folder`` -> ``directory``."""
    return "_".join(key_tokens(name)[0])


def synonym_class(key: str) -> str | None:
    """The synonym class of a key (``path`` and ``file_name`` are both ``"file"``), or ``None``."""
    return _KEY_CLASS.get(key)


@lru_cache(maxsize=1 << 16)
def specificity(key: str) -> str:
    """``"noise"`` (status, result ...), ``"weak"`` (name, date, amount ...) or ``"specific"``."""
    if not key:
        return "noise"
    toks = key.split("_")
    if len(toks) >= 2 and toks[-1] == "id":
        return "specific"  # message_id, item_id, record_id: the id of some thing
    if all(t in NOISE_TOKENS for t in toks):
        return "noise"
    if key in _SPECIFIC_KEYS:
        return "specific"
    if toks[-1] in ("id", "key", "code", "number", "token") and any(t not in NOISE_TOKENS for t in toks[:-1]):
        return "specific"  # an identifier of something: file_id, page_number, category_code
    if all(t in NOISE_TOKENS or t in WEAK_TOKENS for t in toks):
        return "weak"
    return "specific"


@lru_cache(maxsize=1 << 15)
def parse_tool_name(name: str) -> tuple[str, str, str]:
    """``(verb, entity, compound)`` of a tool name; empty strings where not found.

    The verb is the first known verb token; the entity is the head noun (singular) of the
    words after it, up to a preposition; ``compound`` is those words joined.

    >>> parse_tool_name("get_nearest_airport_by_city")
    ('get', 'airport', 'nearest_airport')
    >>> parse_tool_name("createInvoice")
    ('create', 'invoice', 'invoice')
    >>> parse_tool_name("touch")
    ('touch', '', '')
    """
    toks = [t for t in norm_name(name).split("_") if t]
    for i, t in enumerate(toks):
        if t in _VERBS:
            words: list[str] = []
            for w in toks[i + 1 :]:
                if w in _ENTITY_CUT:
                    break
                if w in _ENTITY_SKIP or w.isdigit():
                    continue
                words.extend(_split_token(w))
            words = [_TOKEN_SYNONYMS.get(singular(w), singular(w)) for w in words]
            return t, (words[-1] if words else ""), "_".join(words)
    return "", "", ""


@lru_cache(maxsize=1 << 16)
def text_tokens(text: str) -> frozenset[str]:
    """Informative tokens of a description: lower case, singular, synonyms merged, stopwords out."""
    if not text:
        return frozenset()
    out = set()
    for w in _WORD.findall(text.lower()):
        if w in _STOPWORDS or len(w) < 2:
            continue
        for part in _split_token(w):
            s = singular(part)
            out.add(_TOKEN_SYNONYMS.get(s, s))
    return frozenset(out)


@lru_cache(maxsize=1 << 16)
def key_words(key: str) -> frozenset[str]:
    """The informative tokens of a key (``expires_in`` -> ``{"expires"}``), for description matching."""
    return frozenset(t for t in key.split("_") if t and t not in _STOPWORDS)


_FORMAT_BY_TOKEN = {
    "email": "email",
    "url": "uri",
    "website": "uri",
    "date": "date",
    "dob": "date",
    "birthday": "date",
    "datetime": "date-time",
    "timestamp": "date-time",
}
_SCHEMA_FORMATS = {"email": "email", "idn-email": "email", "uri": "uri", "url": "uri", "iri": "uri",
                   "uri-reference": "uri", "date": "date", "date-time": "date-time", "time": "time"}  # fmt: skip


def infer_format(schema_format: str | None, key: str) -> str:
    """The value format of a field: its schema ``format``, else a guess from its key ('' if none)."""
    if schema_format:
        return _SCHEMA_FORMATS.get(schema_format, schema_format)
    toks = key.split("_")
    if not toks:
        return ""
    return _FORMAT_BY_TOKEN.get(toks[-1], "")


def formats_agree(a: str, b: str) -> bool | None:
    """``True`` same format, ``False`` conflicting formats, ``None`` when one is unknown."""
    if not a or not b:
        return None
    if a == b:
        return True
    if {a, b} == {"date", "date-time"}:
        return True
    return False


_AUTH_TOKENS = frozenset({"authenticate", "auth", "login", "logon", "signin", "authorize", "authorise"})
_NOT_AUTH = frozenset({"status", "logout", "signout", "get", "check", "is", "verify", "refresh"})


@lru_cache(maxsize=1 << 15)
def is_auth_tool(name: str) -> bool:
    """Whether a tool name says it logs in / authenticates (``trading_login``, ``authenticateUser``).

    >>> is_auth_tool("authenticate_travel"), is_auth_tool("message_get_login_status")
    (True, False)
    """
    toks = set(norm_name(name).split("_"))
    if toks & _NOT_AUTH:
        return False
    return bool(toks & _AUTH_TOKENS) or {"sign", "in"} <= toks or {"log", "in"} <= toks


_ID_HEADS = frozenset({"id", "number", "code", "key", "no", "token", "symbol", "sku", "isbn", "iata", "handle", "ref", "reference"})
_ID_CLASSES = frozenset({"file", "directory", "symbol", "user_name", "url", "email", "location"})  # values that name one person, place or thing in any app


@lru_cache(maxsize=1 << 16)
def is_identifier(key: str) -> bool:
    """Whether a key names something that identifies a thing (``booking_id``, ``file_name``, ``symbol``).

    Identifiers flow between toolkits on their name alone; descriptive attributes (``email``,
    ``amount``, ``city``) need agreeing descriptions to cross a toolkit.
    """
    if not key or specificity(key) == "noise":
        return False
    head = key.rsplit("_", 1)[-1]
    return (head in _ID_HEADS and key != head) or _KEY_CLASS.get(key) in _ID_CLASSES or key in _ID_HEADS - {"id", "key", "no", "number", "code"}
