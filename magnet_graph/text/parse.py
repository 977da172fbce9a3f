"""Reading a procedure: its title, its steps, the actions in each step and its rules.

A step is a list item (numbered or bulleted) or, in prose, a sentence with an imperative
clause. Each step is cut into actions ("Select Account, then tap Email" is two); an
:class:`Action` keeps the verb, its class (see :mod:`.lexicon`), the object phrase, the
options listed after a colon ("Small, Regular or Large") and whether it is optional or runs
in parallel. Rules are sentences that state preconditions, limits, conditionals or
prohibitions; they are found in steps and notes alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .filter import lead_verb, split_sentences, strip_lead
from .lexicon import COMMIT_WORDS, DETERMINERS, FIELD_NOUNS, PREPOSITIONS, STOP_ADJECTIVES, UI_NOUNS, VERB_CLASSES

__all__ = ["Action", "RawStep", "RawRule", "parse_procedure", "find_rules", "object_words", "clauses"]

_LIST_ITEM = re.compile(r"^\s*(?:(?:step\s*)?\d{1,2}[.):]|[-*\u2022+])\s+", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'&.-]*")
_OPTIONS_SPLIT = re.compile(r"\s*(?:,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+)\s*")
_LIST_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)\s*")
_APPLIANCE = re.compile(r"\b(?:washer|washing machine|dryer|oven|coffee machine|thermostat|printer|router|"
                        r"dishwasher|microwave|drum|water tank|control panel|remote)\b", re.I)
_NUMBER = r"(\$?\s?\d[\d,]*(?:\.\d+)?)"


@dataclass(frozen=True, slots=True)
class Action:
    """One action of a step: ``verb`` of class ``cls`` on ``objects`` (cleaned noun phrases)."""

    step: int
    verb: str
    cls: str
    objects: tuple[str, ...]
    options: tuple[str, ...]
    label: str  # the raw object text (a button label such as "Place Order")
    optional: bool
    parallel: bool


@dataclass(frozen=True, slots=True)
class RawStep:
    index: int
    text: str
    actions: tuple[Action, ...]
    parallel: bool
    optional: bool


@dataclass(frozen=True, slots=True)
class RawRule:
    kind: str  # precondition | limit | conditional | prohibition
    text: str
    step: int | None  # the step it was written in (None: a note)
    bound: float | None = None
    direction: str | None = None
    unit: str = ""
    verb_phrase: str = ""  # "add ... to one playlist" for "You can add up to 500 songs to one playlist"


def object_words(phrase: str) -> list[str]:
    """Content words of an object phrase: no determiners, filler adjectives or trailing UI nouns.

    >>> object_words("your new email address"), object_words("the Settings tab"), object_words("recipient's name")
    (['email', 'address'], ['settings'], ['recipient', 'name'])
    """
    words = [w.lower().replace("'s", "").replace("\u2019s", "").strip("'.-") for w in _WORD.findall(phrase)]
    words = [w for w in words if w and w not in DETERMINERS and w not in STOP_ADJECTIVES]
    while len(words) > 1 and words[-1] in UI_NOUNS:
        words.pop()
    return [w for w in (re.sub(r"[^a-z0-9]+", "", w.replace("wi-fi", "wifi")) for w in words[:4]) if w]


def _cut_object(text: str) -> str:
    """The object phrase of a clause: up to punctuation or a preposition/subordinator."""
    out: list[str] = []
    for tok in re.split(r"(\s+)", text):
        word = tok.strip().lower()
        if not word:
            out.append(tok)
            continue
        started = any(x.strip() for x in out)
        if not started and word in PREPOSITIONS and word not in ("up", "down"):
            break
        if started and (word in PREPOSITIONS or word in _RELATIVE or word in _PARTICIPLES
                        or (word.endswith("ed") and len(word) > 5)):
            break
        if word in ("if", "when", "so", "until", "once", "or"):
            break
        m = re.search(r"[.;!?()]", tok)
        if m:
            out.append(tok[: m.start()])
            break
        out.append(tok)
    return "".join(out).strip()


_LIMIT_PHRASE = re.compile(r",\s*(?:up to|at most|no more than|at least)\s+\$?\d[\d,.]*(?:\s+[a-z]+)?"
                           r"|\b(?:up to|at most|no more than|at least)\s+\$?\d[\d,.]*\s*", re.I)
_RELATIVE = frozenset({"you", "that", "which", "who", "where", "whose", "we"})
_PARTICIPLES = frozenset({"sent", "shown", "given", "written", "seen", "printed", "listed", "linked"})
_LABEL_JOINERS = frozenset({"to", "a", "an", "the", "of", "&", "for", "in"})


def _button_label(tail: str) -> str:
    """A capitalized button or menu label at the start of ``tail`` ("Add to Cart", "Place Order")."""
    words = tail.split()
    if words and words[0].lower() in ("the", "a", "an", "your"):
        words = words[1:]
    out: list[str] = []
    for w in words:
        core = w.strip(",.;:!?")
        if core[:1].isupper() or core[:1].isdigit():
            out.append(core)
        elif core.lower() in _LABEL_JOINERS and out:
            out.append(core)
        else:
            break
        if core != w:
            break
    while out and out[-1] in _LABEL_JOINERS:
        out.pop()
    return " ".join(out)


def _options(text: str) -> tuple[str, ...]:
    """Options listed as ``A, B or C`` (each a short capitalized or numeric phrase)."""
    text = text.strip().rstrip(".")
    parts = [p.strip().strip("'\"") for p in _OPTIONS_SPLIT.split(text) if p.strip()]
    if len(parts) < 2 or any(len(p.split()) > 3 for p in parts):
        return ()
    if not all(p[:1].isupper() or p[:1].isdigit() for p in parts):
        return ()
    return tuple(dict.fromkeys(parts))


def clauses(sentence: str) -> list[str]:
    """Cut a sentence at ``,`` ``;`` ``then`` and ``and`` where an imperative clause starts.

    An option list after a colon ("choose one: Archive, Delete or Label") stays whole.
    """
    head, colon, after = sentence.partition(":")
    if colon and _options(after):
        out = clauses(head)
        if out:
            out[-1] += colon + after
        return out
    pieces = _SPLIT_KEEP.split(sentence)
    out: list[str] = []
    for i in range(0, len(pieces), 2):
        piece = pieces[i]
        sep = pieces[i - 1] if i else ""
        if out and not lead_verb(strip_lead(piece)[0]):
            out[-1] += sep + piece
        elif piece.strip():
            out.append(piece)
    return out


_SPLIT_KEEP = re.compile(r"(,\s+|;\s+|\s+(?:and |or )?then\s+|\s+and\s+)")


def _action(step: int, clause: str, *, optional: bool, parallel: bool, appliance: bool) -> Action | None:
    rest, marker = strip_lead(clause)
    verb = lead_verb(rest)
    if verb is None:
        return None
    optional = optional or marker in ("if", "optionally")
    parallel = parallel or marker in ("meanwhile", "at the same time", "in the meantime", "you can also",
                                      "you may also", "also", "while you wait")
    tail = _LIMIT_PHRASE.sub(lambda m: "" if m.group(0).lstrip().startswith(",") else " ", rest[len(verb):]).strip()
    cls = VERB_CLASSES[verb]
    if cls in ("nav", "device") and tail.lower().startswith(("the dial to ", "the knob to ")):
        tail = tail.split(" to ", 1)[1]
        if lead_verb(tail):
            return _action(step, tail, optional=optional, parallel=parallel, appliance=appliance)
        return Action(step, verb, "field", ("program",), (_button_label(tail) or tail.rstrip("."),), tail,
                      optional, parallel)
    if cls == "nav":
        label = _button_label(tail)
        inner = lead_verb(label) if label else None
        if inner is not None and VERB_CLASSES[inner] not in ("nav", "skip", "ensure"):
            if VERB_CLASSES[inner] == "create" and label.lower() == inner:
                return Action(step, inner, "create_button", (), (), label, optional, parallel)
            sub = label[len(inner):].strip()
            low = sub.lower()
            if inner == "add" and low.startswith("to "):
                sub = sub[3:] + " item"
            words = object_words(sub)
            icls = VERB_CLASSES[inner]
            if appliance and icls == "create":
                icls = "device"
            return Action(step, inner, icls, ("_".join(words),) if words else (), (), label, optional, parallel)
        if label and label.lower() in COMMIT_WORDS:
            return Action(step, label.lower(), "commit", (), (), label, optional, parallel)
    options: tuple[str, ...] = ()
    if ":" in tail:
        head, _, after = tail.partition(":")
        options = _options(after)
        tail = head
    label = _cut_object(tail)
    if not options and cls in ("nav", "field"):
        options = _options(tail)
        if options:
            label = ""
    if cls == "nav" and (options or _is_field_choice(verb, label)):
        cls = "field"
    if appliance and (cls == "create" or verb in ("place", "put", "insert")):
        cls = "device"
    if cls == "field":
        parts = [p for p in _LIST_SPLIT.split(label) if p.strip()] if label else []
        objects = tuple(_field_name(object_words(p)) for p in parts if object_words(p))
    else:
        words = object_words(label)
        objects = ("_".join(words),) if words else ()
    return Action(step, verb, cls, objects, options, label, optional, parallel)


_QUESTION_FIELDS = {"how_often": "frequency", "how_many": "count", "how_much": "amount", "what_happens": "action",
                    "who_can_edit": "editors", "who_can_see": "visibility", "when": "date"}


def _field_name(words: list[str]) -> str:
    name = "_".join(words)
    if words and words[0] in ("what", "how", "who", "which", "when", "where"):
        return _QUESTION_FIELDS.get("_".join(words[:2]), _QUESTION_FIELDS.get(name, "choice"))
    return name


def _is_field_choice(verb: str, label: str) -> bool:
    """``choose a date`` / ``select the payment amount``: picking a value, not opening a page."""
    if verb not in ("choose", "select", "pick"):
        return False
    words = object_words(label)
    if not words or label[:1].isupper():
        return False
    low = label.lower()
    if re.match(r"(?:what|how|who|which|when)\b", low):
        return True
    parts = [object_words(p) for p in _LIST_SPLIT.split(label)]
    return any(p and p[-1] in FIELD_NOUNS for p in parts)


def _item_texts(lines: list[str]) -> list[str]:
    items: list[str] = []
    for line in lines:
        if _LIST_ITEM.match(line):
            items.append(_LIST_ITEM.sub("", line).strip())
        elif items and line.startswith((" ", "\t")) and line.strip():
            items[-1] += " " + line.strip()
    return items


def _is_title(line: str) -> bool:
    s = line.strip()
    return bool(s) and not _LIST_ITEM.match(s) and len(s) <= 90 and not s.endswith((".", ":", "?", "!", ","))


def parse_procedure(text: str, *, title: str = "") -> tuple[str, list[RawStep], list[RawRule]]:
    """Return ``(title, steps, rules)`` of a segment (see the module docstring)."""
    lines = [x.rstrip() for x in text.replace("\r\n", "\n").split("\n")]
    body = [x for x in lines if x.strip()]
    if not title and body and _is_title(body[0]) and len(body) > 1:
        title = body[0].strip()
        body = body[1:]
    items = _item_texts(body)
    notes = [x for x in body if not _LIST_ITEM.match(x) and not x.startswith((" ", "\t"))]
    appliance = bool(_APPLIANCE.search(text))
    step_texts: list[str]
    note_sentences: list[str] = [s for x in notes for s in split_sentences(x)]
    if len(items) >= 2:
        step_texts = items
    else:
        step_texts = []
        rest: list[str] = []
        for s in note_sentences:
            verbs = [lead_verb(strip_lead(c)[0]) for c in clauses(s)]
            if any(v is not None and VERB_CLASSES[v] not in ("skip", "ensure") for v in verbs):
                step_texts.append(s)
            else:
                rest.append(s)
        note_sentences = rest
    steps: list[RawStep] = []
    rules: list[RawRule] = []
    for text_ in step_texts:
        idx = len(steps)
        sentences = split_sentences(text_)
        actions: list[Action] = []
        first_marker = strip_lead(text_)[1]
        for k, sentence in enumerate(sentences):
            rules.extend(find_rules(sentence, step=idx))
            if _is_rule_only(sentence):
                continue
            low = sentence.lower()
            cond = bool(re.search(r"\bif (?:you|the|your|it)\b", low)) and k == 0 and not low.startswith("if")
            for clause in clauses(sentence):
                a = _action(idx, clause, optional=cond or first_marker in ("if", "optionally"),
                            parallel=not actions and first_marker not in ("", "if"),
                            appliance=appliance)
                if a is None or a.cls == "skip":
                    continue
                if a.cls == "submit" and not a.objects and actions and actions[-1].cls in ("delete", "submit"):
                    a = Action(a.step, a.verb, "commit", (), (), a.label, a.optional, a.parallel)
                actions.append(a)
        parallel = first_marker not in ("", "if", "optionally")
        optional = first_marker in ("if", "optionally") or (bool(actions) and all(a.optional for a in actions))
        steps.append(RawStep(idx, text_.strip(), tuple(actions), parallel, optional))
    for sentence in note_sentences:
        rules.extend(find_rules(sentence, step=None))
    return title, steps, rules


def _is_rule_only(sentence: str) -> bool:
    """A sentence inside a step that states a rule rather than an action."""
    low = sentence.lower()
    return bool(re.match(r"(?:do not|don't|never|you (?:can|cannot|can't|must|may|need)|only|note\b|the |this |"
                         r"it |they |[a-z]+s (?:can|cannot|must|are|expire))", low))


# ------------------------------------------------------------------------------------------
# rules
# ------------------------------------------------------------------------------------------
_LIMIT_MAX = re.compile(rf"\b(?:up to|at most|no more than|a maximum of|maximum of|max\.?|as many as|"
                        rf"more than)\s+{_NUMBER}\s*([A-Za-z%$-]+)?", re.I)
_LIMIT_MIN = re.compile(rf"\b(?:at least|a minimum of|minimum of|no less than)\s+{_NUMBER}\s*([A-Za-z%$-]+)?", re.I)
_BETWEEN = re.compile(rf"\bbetween\s+{_NUMBER}\s+and\s+{_NUMBER}\s*([A-Za-z%$-]+)?", re.I)
_SIGNED_IN = re.compile(r"\b(?:must|need to|have to|should)\s+(?:first\s+)?(?:be\s+)?(?:signed|logged)\s+in", re.I)
_PRECONDITION = re.compile(r"\b(?:you must|you need to|you have to|make sure|ensure|be sure to|requires?|"
                           r"only after|before you can|must be|must have)\b", re.I)
_CONDITIONAL = re.compile(r"\bif\b", re.I)
_PROHIBITION = re.compile(r"\b(?:cannot|can't|can not|may not|must not|mustn't|not allowed|never|do not|don't|"
                          r"only the|only one)\b", re.I)
_WORDNUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "twelve": 12, "twenty": 20, "thirty": 30}


def _num(text: str) -> float:
    return float(text.replace("$", "").replace(",", "").strip())


def find_rules(sentence: str, *, step: int | None) -> list[RawRule]:
    """The rules one sentence states (a sentence may state a limit and a precondition)."""
    s = sentence.strip()
    out: list[RawRule] = []
    low = s.lower()
    between = _BETWEEN.search(s)
    if between:
        unit = (between.group(3) or "").lower()
        out.append(RawRule("limit", s, step, _num(between.group(1)), "min", unit))
        out.append(RawRule("limit", s, step, _num(between.group(2)), "max", unit))
    else:
        for rx, direction in ((_LIMIT_MAX, "max"), (_LIMIT_MIN, "min")):
            m = rx.search(s)
            if m and not re.match(r"\s*(?:hours?|minutes?|days?|seconds?)\b\s*(?:before|after|in advance)",
                                  s[m.end(1):]):
                unit = (m.group(2) or "").lower()
                bound = _num(m.group(1))
                if m.group(0).lower().startswith("more than"):
                    if not _PROHIBITION.search(s):
                        continue
                verb_phrase = s[: m.start()].strip() if direction == "max" else ""
                out.append(RawRule("limit", s, step, bound, direction, unit, verb_phrase))
    if _SIGNED_IN.search(s):
        out.append(RawRule("precondition", s, step, unit="signed_in"))
    elif _PRECONDITION.search(s) and not any(r.kind == "limit" for r in out):
        out.append(RawRule("precondition", s, step))
    if _CONDITIONAL.search(s) and not low.startswith(("if you do nothing",)) and step is None or (
            step is not None and low.startswith("if ") and _CONDITIONAL.search(s)):
        out.append(RawRule("conditional", s, step))
    if _PROHIBITION.search(s) and not any(r.kind == "limit" for r in out):
        out.append(RawRule("prohibition", s, step))
    return out
