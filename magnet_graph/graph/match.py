"""Schema matching: which output field of one tool can fill which parameter of another.

:class:`MatchIndex` reads every tool once (fields, tokens, document frequencies) and builds
inverted indexes from keys and tokens to parameters, so a source tool's outputs are compared
only with the parameters that share a key, a synonym class or (for weak evidence) a
description token: never all pairs. Each output field looks at the parameters of its own
toolkit first, then at most ``max_scan`` of each bucket's other entries (a stable window), and
keeps its best ``max_candidates`` targets, so hub fields cannot explode.

A match is a :class:`Feed`: output path, parameter path, score in [0, 1], whether it fills a
whole top-level parameter (``exact``) or a part of one (``part``: an array element or a field
of an object parameter), whether the translator may rely on it for a nested call
(``nestable``), and how it was found (``how``, shown in the edge reason).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..types import Tool
from .names import (
    MODIFIERS,
    NUMERIC_SLOTS,
    WEAK_TOKENS,
    PRODUCE_VERBS,
    CREATE_VERBS,
    formats_agree,
    is_auth_tool,
    is_identifier,
    parse_tool_name,
    specificity,
    synonym_class,
    text_tokens,
)
from .schema import SCALARS, FieldInfo, input_fields, output_fields

__all__ = ["Feed", "MatchIndex"]

# Base scores by how a field matched a parameter.
_BASE = {
    "name": 0.85,  # same specific key: booking_id ~ bookingId
    "qualified": 0.8,  # id of a booking ~ booking_id
    "synonym": 0.75,  # path ~ file_name
    "contains": 0.6,  # username ~ username_to_follow, new_balance ~ balance
    "contains+": 0.45,  # sender_email ~ email: a noun qualifies the value (needs agreeing descriptions)
    "description": 0.45,  # output described as "file paths" ~ file_name (same toolkit only)
    "weak": 0.35,  # name ~ name, date ~ date: needs the same toolkit and agreeing descriptions
    "attribute": 0.4,  # email ~ email in another toolkit: needs agreeing descriptions
    "number": 0.3,  # a numeric result ~ a generic numeric input (value, number, a, b)
    "tool name": 0.6,  # no returns schema: get_user_details ~ user_id
    "tool description": 0.45,  # no returns schema: "... including their reservations" ~ reservation_id
}
_AGREE_WEIGHT = {"name": 0.05, "qualified": 0.05, "synonym": 0.1, "contains": 0.15, "contains+": 0.3, "description": 0.1, "attribute": 0.3,
                 "weak": 0.3, "number": 0.45, "tool name": 0.05, "tool description": 0.1}  # fmt: skip
_NEST_AGREE = 0.3  # weak and attribute matches are nestable only when descriptions agree this much
_NEST_AGREE_NUMBER = 0.5  # a number feeding a generic numeric input: "distance in miles" ~ "convert miles"
_RESULT_KEYS = frozenset({"value", "total", "sum", "answer", "product", "quotient", "difference"})
_NUMERIC = frozenset({"integer", "number"})
_NAMING = frozenset({"name", "path", "id", "identifier", "code", "symbol", "handle"})


def _id_like(key: str) -> bool:
    return key.rsplit("_", 1)[-1] in ("id", "number", "code", "key", "no")


@dataclass(slots=True)
class Feed:
    """One output field of the source filling one parameter (part) of the target."""

    target: int
    out_path: str
    param_path: str
    param: str
    score: float
    exact: bool
    nestable: bool
    how: str


class MatchIndex:
    """Fields and inverted indexes over a sequence of tools (built once per graph)."""

    def __init__(self, tools: Sequence[Tool], *, same_toolkit_bonus: float, max_candidates: int, max_scan: int):
        self.tools = tools
        self.bonus = same_toolkit_bonus
        self.max_candidates = max_candidates
        self.max_scan = max_scan
        tk_ids: dict[str, int] = {}
        self.tk = [tk_ids.setdefault(t.toolkit, len(tk_ids)) for t in tools]
        self.names = [parse_tool_name(t.name) for t in tools]
        self.auth = [is_auth_tool(t.name) for t in tools]
        self.outs: list[list[FieldInfo]] = []
        self.ins: list[FieldInfo] = []
        self.ins_of: list[list[int]] = []
        self.text: list[frozenset[str]] = []
        self.in_keys: list[frozenset[str]] = []
        df: dict[str, int] = {}
        for i, t in enumerate(tools):
            self.outs.append(output_fields(i, t.name, t.returns))
            fields = input_fields(i, t.name, t.parameters)
            start = len(self.ins)
            self.ins.extend(fields)
            self.ins_of.append(list(range(start, len(self.ins))))
            self.in_keys.append(frozenset(f.key for f in fields if f.top))
            words = set(text_tokens(t.description))
            for f in fields:
                words |= f.desc
                if f.enum:
                    for v in f.enum:
                        words |= text_tokens(v)
            doc = frozenset(words)
            self.text.append(doc)
            for o in self.outs[i]:
                words |= o.desc
            for w in words:
                df[w] = df.get(w, 0) + 1
        self._drop_boilerplate()
        n = max(len(tools), 1)
        scale = math.log(n + 1.0)
        self.nidf = {w: min(1.0, math.log((n + 1.0) / c) / scale) for w, c in df.items()}
        # rank of each word by informativeness (rarest first), for cheap top-k selection
        self.rank = {w: r for r, w in enumerate(sorted(self.nidf, key=lambda w: (-self.nidf[w], w)))}
        self._build_indexes()

    def _drop_boilerplate(self) -> None:
        """Leave out of each tool's text the words most tools of its toolkit share.

        Catalogs often prefix every description with the same sentence ("This tool belongs to
        the travel system, which allows users to book flights, manage credit cards ..."): such
        words say nothing about one tool and would make every pair of its tools "agree".
        """
        members: dict[int, list[int]] = {}
        for i, tk in enumerate(self.tk):
            members.setdefault(tk, []).append(i)
        for group in members.values():
            if len(group) < 4:
                continue
            counts: dict[str, int] = {}
            for i in group:
                for w in self.text[i]:
                    counts[w] = counts.get(w, 0) + 1
            common = {w for w, c in counts.items() if c >= 0.6 * len(group)}
            if common:
                for i in group:
                    self.text[i] = self.text[i] - common

    # -- indexes ----------------------------------------------------------------------------
    def _build_indexes(self) -> None:
        """Inverted indexes from keys (and, for attributes, description words) to parameters.

        ``same[(toolkit, channel, key)]`` serves lookups inside a toolkit; ``cross[(channel,
        key)]`` serves identifiers across toolkits; ``words[(key, word)]`` serves attributes and
        weak keys across toolkits, so they only meet parameters whose descriptions share a rare
        word; ``slots[word]`` does the same for generic numeric inputs.
        """
        same: dict[tuple[int, str, str], list[int]] = {}
        cross: dict[tuple[str, str], list[int]] = {}
        words: dict[tuple[str, str], list[int]] = {}
        slots: dict[str, list[int]] = {}
        for j, p in enumerate(self.ins):
            if p.type == "boolean" or p.type == "null":
                continue
            tk = self.tk[p.tool]
            spec = specificity(p.key)
            toks = p.toks
            entries = [("k", p.key)] + [("a", a) for a in p.aliases]
            cls = synonym_class(p.key)
            if cls:
                entries.append(("c", cls))
            if spec != "noise" and len(toks) > 1:
                core = _core(toks)
                subs = _suffixes(core) + (["_".join(core)] if len(core) < len(toks) else [])
                entries.extend(("s", sub) for sub in subs if specificity(sub) == "specific")
            for chan, key in entries:
                same.setdefault((tk, chan, key), []).append(j)
                if chan != "c" and is_identifier(key) or chan == "c" and is_identifier(p.key):
                    cross.setdefault((chan, key), []).append(j)
            if spec == "specific" and not is_identifier(p.key):
                rare = self._rare(p.desc | self.text[p.tool], toks)
                for key in (p.key, "~" + cls if cls else ""):
                    if key:
                        for w, _ in rare:
                            words.setdefault((key, w), []).append(j)
            concept = [t for t in toks if t != "name"]
            if concept and spec != "noise" and p.type in SCALARS:
                same.setdefault((tk, "d", concept[0]), []).append(j)
            if p.key in NUMERIC_SLOTS and (p.type in _NUMERIC or p.item in _NUMERIC):
                same.setdefault((tk, "n", ""), []).append(j)
                for w, _ in self._rare(self.text[p.tool], toks, 16):
                    slots.setdefault(w, []).append(j)
        self.same, self.cross, self.words, self.slots = same, cross, words, slots

    def _rare(self, words: Iterable[str], own: Sequence[str], k: int = 6, floor: float = 0.35) -> list[tuple[str, float]]:
        """The ``k`` most informative words (weight >= ``floor``) with their weights, leaving out ``own``."""
        nidf = self.nidf
        ranked = sorted((w for w in words if w not in own), key=self.rank.__getitem__)
        out = []
        for w in ranked[:k]:
            weight = nidf[w]
            if weight < floor:
                break
            out.append((w, weight))
        return out

    def _window(self, bucket: Sequence[int], tk: int, salt: str, scan: int = 0) -> Iterable[int]:
        """Entries of ``bucket`` from other toolkits: all, or a stable window of ``scan`` (``max_scan``)."""
        if not bucket:
            return ()
        scan = scan or self.max_scan
        tkof, ins = self.tk, self.ins
        n = len(bucket)
        if n <= scan:
            return [j for j in bucket if tkof[ins[j].tool] != tk]
        start = zlib.crc32(salt.encode()) % n
        out: list[int] = []
        for step in range(n):
            j = bucket[(start + step) % n]
            if tkof[ins[j].tool] != tk:
                out.append(j)
                if len(out) >= scan:
                    break
        return out

    # -- matching ---------------------------------------------------------------------------
    def agreement(self, rare: list[tuple[str, float]], p: FieldInfo) -> float:
        """How much an output's informative words agree with a parameter and its tool, in [0, 1]."""
        if not rare:
            return 0.0
        pd, td = p.desc, self.text[p.tool]
        own = p.toks
        total = 0.0
        for w, weight in rare:
            if (w in pd or w in td) and w not in own:
                total += weight
        return total if total < 1.0 else 1.0

    def feeds_from(self, i: int) -> list[Feed]:
        """Every accepted match from tool ``i``'s outputs (already capped per output field)."""
        out: list[Feed] = []
        name = self.tools[i].name
        for o in self.outs[i]:
            if o.type in ("boolean", "null"):
                continue
            cands = self._candidates(i, o, name)
            if cands:
                out.extend(self._best(i, o, cands))
        return out

    def _candidates(self, i: int, o: FieldInfo, name: str) -> dict[int, str]:
        """Parameters worth scoring for output ``o`` of tool ``i``, with how each was found."""
        tk = self.tk[i]
        same, cross, ins = self.same, self.cross, self.ins
        few = max(4, self.max_scan // 4)  # attributes and numbers: a few per description word
        found: dict[int, str] = {}

        def take(js: Iterable[int], how: str) -> None:
            for j in js:
                if j not in found:
                    found[j] = how

        spec = specificity(o.key)
        salt = f"{name}\x1f{o.path}"
        ident = is_identifier(o.key)
        cls = synonym_class(o.key) if spec != "noise" else None
        if spec != "noise":
            take(same.get((tk, "k", o.key), ()), "name" if spec == "specific" else "weak")
            take(same.get((tk, "a", o.key), ()), "qualified")
            if ident:
                take(self._window(cross.get(("k", o.key), ()), tk, salt), "name")
                take(self._window(cross.get(("a", o.key), ()), tk, salt + "a"), "qualified")
        for a in o.aliases:
            take(same.get((tk, "k", a), ()), "qualified")
            take(same.get((tk, "a", a), ()), "qualified")
            if is_identifier(a):
                take(self._window(cross.get(("k", a), ()), tk, salt + a), "qualified")
                take(self._window(cross.get(("a", a), ()), tk, salt + a + "a"), "qualified")
        if cls:
            take(same.get((tk, "c", cls), ()), "synonym")
            if ident:
                take(self._window(cross.get(("c", cls), ()), tk, salt + "~"), "synonym")
        if spec == "specific":
            take(same.get((tk, "s", o.key), ()), "contains")
            if ident:
                take(self._window(cross.get(("s", o.key), ()), tk, salt + "<"), "contains")
            toks = o.toks
            if len(toks) > 1:
                for sub in _suffixes(toks):
                    if specificity(sub) == "specific":
                        take(same.get((tk, "k", sub), ()), "contains")
                        if is_identifier(sub):
                            take(self._window(cross.get(("k", sub), ()), tk, salt + sub), "contains")
        rare = self._rare(o.desc, o.toks, 4)
        if spec == "specific" and not ident:
            for key in (o.key, "~" + cls if cls else ""):
                if key:
                    for w, _ in rare:
                        take(self._window(self.words.get((key, w), ()), tk, salt + key + w, few), "attribute")
        if o.type in SCALARS or (o.type == "array" and o.item in SCALARS):
            desc = o.desc
            for w in desc:
                for j in same.get((tk, "d", w), ()):
                    if j not in found and all(t in desc for t in ins[j].toks if t != "name"):
                        found[j] = "description"
        if o.type in _NUMERIC and not _id_like(o.key) and "id" not in o.desc:
            take(same.get((tk, "n", ""), ()), "number")
            for w, _ in self._rare(o.desc, (), 8):
                take(self._window(self.slots.get(w, ()), tk, salt + "#" + w, few), "number")
        return found

    def _best(self, i: int, o: FieldInfo, cands: dict[int, str]) -> list[Feed]:
        """Score the candidates of one output field; keep the best per target tool, capped.

        Targets in the source's toolkit come first (up to ``max_candidates``); other toolkits
        get up to half that for identifiers and an eighth for attributes and weak keys.
        """
        ins, tkof, auth = self.ins, self.tk, self.auth
        tk = tkof[i]
        echo = o.key in self.in_keys[i] and not o.key.endswith("_id")
        otoks = o.toks
        ospec = specificity(o.key)
        rare = self._rare(o.desc, otoks, 12, 0.2)
        rare_all: list[tuple[str, float]] | None = None  # numbers: the output's own name counts too
        bonus = self.bonus
        best: dict[int, Feed] = {}
        for j, how in cands.items():
            p = ins[j]
            g = p.tool
            if g == i:
                continue
            fill = _fill(o, p)
            if fill is None or (p.type == "object" and how not in ("name", "qualified")):
                continue
            same_tk = tkof[g] == tk
            if not same_tk and (how == "description" or auth[g]):
                continue  # described values stay home; credentials come from the user
            if how == "description" and not self._described(o, p, g):
                continue
            if p.type == "string" and o.type == "integer" and not (_id_like(o.key) and _id_like(p.key)):
                continue
            fa = formats_agree(o.fmt, p.fmt) if o.fmt and p.fmt else None
            if fa is False:
                continue
            if o.enum is not None and p.enum is not None and not (o.enum & p.enum):
                continue
            if how == "contains" and not _only_modifiers(otoks, p.toks):
                how = "contains+"
            if how == "number":
                if rare_all is None:
                    rare_all = self._rare(o.desc, (), 12, 0.2)
                agree = self.agreement(rare_all, p)
                if not same_tk and ospec == "noise" and agree < 1.0:
                    continue  # a bare "result" of an unrelated tool: only when descriptions agree on several words
            else:
                agree = self.agreement(rare, p)
            base = _BASE[how]
            if how == "number" and same_tk and (ospec == "noise" or o.key in _RESULT_KEYS):
                base = 0.45  # a calculator's result feeding the next calculation
            score = base + _AGREE_WEIGHT[how] * agree + (bonus if same_tk else 0.0)
            if fa:
                score += 0.05
            if o.enum is not None and p.enum is not None:
                score += 0.1
            elif p.enum is not None:
                score -= 0.1
            if echo:
                score -= 0.15
            if p.type == "string" and o.type == "integer":
                score -= 0.1
            score = 0.0 if score < 0.0 else 1.0 if score > 1.0 else score
            exact = fill == "whole" and p.top
            if how == "number":
                nestable = exact and (agree >= _NEST_AGREE_NUMBER or base == 0.45)
            elif how in ("weak", "attribute"):
                nestable = exact and (agree >= _NEST_AGREE or (how == "weak" and same_tk and agree > 0))
            else:
                nestable = exact
            prev = best.get(g)
            if prev is None or score > prev.score:
                best[g] = Feed(g, o.path, p.path, p.param, score, exact, nestable and p.required, how)
        if len(best) <= 2:
            return list(best.values())
        home = [f for f in best.values() if tkof[f.target] == tk]
        away = [f for f in best.values() if tkof[f.target] != tk]
        cap_away = max(1, self.max_candidates // 2) if is_identifier(o.key) or o.aliases else max(1, self.max_candidates // 8)
        out: list[Feed] = []
        for group, cap in ((home, self.max_candidates), (away, cap_away)):
            if len(group) > cap:
                group = sorted(group, key=lambda f: (-f.score, f.target))[:cap]
            out.extend(group)
        return out

    def _described(self, o: FieldInfo, p: FieldInfo, g: int) -> bool:
        """Whether output ``o`` is described as being the kind of value parameter ``p`` names.

        A list of strings described as "matching file and directory paths" gives file names;
        a scalar must also name a value in its key or description (a name, path or id):
        "the content of the file" is not a file name.
        """
        concept = [t for t in p.key.split("_") if t != "name"]
        if not concept or not all(t in o.desc for t in concept):
            return False
        if self.names[g][0] in CREATE_VERBS:
            return False  # a thing described in an output is not the new thing a creator names
        if o.many and o.path.endswith("[]"):
            return True
        okey = set(o.key.split("_"))
        return bool(okey & set(concept)) and bool((o.desc | okey) & _NAMING)

    # -- tools without a returns schema -------------------------------------------------------
    def name_feeds(self, i: int) -> list[Feed]:
        """Matches from a tool's name and description when it has no returns schema."""
        if self.outs[i]:
            return []
        verb, entity, compound = self.names[i]
        if verb not in PRODUCE_VERBS or not entity or specificity(entity) == "noise":
            return []
        tk = self.tk[i]
        name = self.tools[i].name
        found: dict[int, str] = {}
        keys = [f"{entity}_id", f"{entity}_number", f"{entity}_code"]
        if compound != entity:
            keys.append(f"{compound}_id")
        if specificity(entity) == "specific":
            keys.append(entity)
        for key in keys:
            for chan in ("k", "a"):
                for j in self.same.get((tk, chan, key), ()):
                    found.setdefault(j, "tool name")
            for j in self._window(self.cross.get(("k", key), ()), tk, name + key):
                found.setdefault(j, "tool name")
        for w in text_tokens(self.tools[i].description):
            if w == entity or specificity(w) != "specific":
                continue
            for key in (f"{w}_id", f"{w}_number"):
                for chan in ("k", "a"):
                    for j in self.same.get((tk, chan, key), ()):
                        found.setdefault(j, "tool description")
        best: dict[int, Feed] = {}
        for j, how in found.items():
            p = self.ins[j]
            if p.tool == i or p.type in ("boolean", "null", "object"):
                continue
            same_tk = self.tk[p.tool] == tk
            score = _BASE[how] + (self.bonus if same_tk else 0.0)
            if not same_tk:
                score -= 0.1
            feed = Feed(p.tool, "", p.path, p.param, min(1.0, score), p.top, False, how)
            prev = best.get(p.tool)
            if prev is None or feed.score > prev.score:
                best[p.tool] = feed
        if len(best) > self.max_candidates:
            keep = sorted(best.values(), key=lambda f: (-(f.score + (self.tk[f.target] == tk)), f.target))
            return keep[: self.max_candidates]
        return list(best.values())


_PREPOSITIONS = frozenset({"to", "for", "from", "of", "by", "with", "in", "on", "at", "into", "per"})


def _core(toks: list[str]) -> list[str]:
    """The noun phrase of a key, before any preposition (``user_name_to_follow`` -> user, name)."""
    for k, t in enumerate(toks):
        if k and t in _PREPOSITIONS:
            return toks[:k]
    return toks


def _only_modifiers(otoks: list[str], ptoks: list[str]) -> bool:
    """Whether the words one key adds to the other only qualify it (``new_balance`` vs ``balance``)."""
    extra = set(otoks) ^ set(_core(ptoks))
    return all(t in MODIFIERS or t in WEAK_TOKENS for t in extra)


def _suffixes(toks: list[str]) -> list[str]:
    """Proper suffixes of a key's tokens, joined (``a_b_c`` -> c, b_c): the head noun and its modifiers."""
    return ["_".join(toks[s:]) for s in range(len(toks) - 1, 0, -1)]


def _scalar_ok(o: str, p: str) -> bool:
    if o == p or o == "any" or p == "any":
        return True
    return (p == "number" and o == "integer") or (p == "string" and o == "integer")


def _fill(o: FieldInfo, p: FieldInfo) -> str | None:
    """How output ``o`` can fill parameter (part) ``p``: ``"whole"``, ``"element"`` or ``None``."""
    pt, ot = p.type, o.type
    if pt in SCALARS:
        return "whole" if (ot in SCALARS or ot == "any") and _scalar_ok(ot, pt) else None
    if pt == "array":
        pi = p.item or "any"
        if ot == "array":
            if pi == "object" and not p.fields <= o.fields:
                return None  # the elements lack keys the parameter's elements need
            return "whole" if _scalar_ok(o.item or "any", pi) else None
        if ot in SCALARS or ot == "any":
            if not _scalar_ok(ot, pi):
                return None
            return "whole" if o.many else "element"
        return None
    if pt == "object":
        return "whole" if ot == "object" and p.fields <= o.fields else None
    if pt == "any":
        return "whole" if ot not in ("boolean", "null") else None
    return None
