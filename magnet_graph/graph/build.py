"""The tool-dependency graph: an edge f -> g when f's output (or effect) is useful to g.

Three relations, as in the Magnet paper: (a) *precondition*: f authenticates, creates or opens
something g needs (``authenticate_travel`` before ``book_flight``, ``create_ticket`` before
``close_ticket``, ``touch`` before ``cat``); (b) *exact*: an output field of f fills one of g's
parameters as it is; (c) *part*: an output field fills part of a parameter (an element of an
array parameter, a field of an object parameter).

Edges are inferred from schemas by :class:`~magnet_graph.graph.match.MatchIndex` (names,
synonyms, types, formats, enums, descriptions) and, for tools without a returns schema, from
their names. Each edge carries:

``reason``   human-readable evidence (``output flights[].flight_id feeds parameter flight_id``)
``score``    confidence in [0, 1]
``kind``     ``"exact"`` | ``"part"`` | ``"precondition"``
``feeds``    ``[[output_path, parameter_path], ...]``: the translator fills the parameter from
             the source's output at that path (:func:`magnet_graph.graph.values_at` reads it);
             empty for preconditions and for edges known only from names. The parameter path
             is a top-level parameter name, or for a part ``flights[].flight_number``. A path
             with ``[]`` yields several values: a scalar parameter takes one of them, an array
             parameter of scalars takes the list (``orders[].order_id`` -> ``order_ids``); a
             field that is itself an array yields whole lists.
``nested``   a *required* parameter of g can be filled from f's output (what Insert uses)
``evidence`` ``"schema"`` | ``"name"`` | ``"precondition"`` | ``"judge"``

An optional :class:`~magnet_graph.graph.judge.EdgeJudge` reviews the candidates (see there).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Sequence

import networkx as nx

from ..errors import GraphError
from ..seeding import derive_seed, make_rng
from ..types import Tool
from .judge import EDGE_KINDS, EdgeJudge, JudgedEdge
from .match import Feed, MatchIndex
from ..toolkit import norm_name
from .names import CREATE_VERBS, parse_tool_name, synonym_class

__all__ = ["build_graph", "DEFAULT_MIN_SCORE"]

DEFAULT_MIN_SCORE = 0.5
_JUDGE_FLOOR = 0.3  # schema candidates down to this score are shown to a judge
_MAX_PRECONDITION_TARGETS = 64
_NOT_AFTER_AUTH = frozenset({"logout", "signout"})
_NOT_AFTER_CREATE = CREATE_VERBS | {"search", "list", "find", "lookup", "browse"}


@dataclass(slots=True)
class _Edge:
    feeds: list[Feed] = field(default_factory=list)
    pre_score: float = 0.0
    pre_reason: str = ""


def build_graph(
    tools: Sequence[Tool],
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    judge: EdgeJudge | None = None,
    same_toolkit_bonus: float = 0.1,
    max_candidates: int = 16,
    max_scan: int | None = None,
    judge_sample: int = 30,
    seed: int = 0,
) -> nx.DiGraph:
    """Build the tool-dependency graph of ``tools``.

    Parameters
    ----------
    tools : the tools (unique names); nodes keep their order.
    min_score : edges (and the feeds on them) scoring below this are left out.
    judge : optional reviewer of candidate edges (see :mod:`magnet_graph.graph.judge`).
    same_toolkit_bonus : added to the score of matches inside one toolkit.
    max_candidates : target tools kept per output field (own toolkit first, then best scores).
    max_scan : parameters of other toolkits examined per index bucket and output field
        (default ``2 * max_candidates``); bounds the work on hub keys such as ``user_id``.
    judge_sample : with a judge, this many random same-toolkit tools are shown besides the
        schema candidates (the paper's 30).
    seed : seeds that sample (nothing else is random).

    Examples
    --------
    >>> from magnet_graph.types import Tool
    >>> book = Tool(name="book_flight", toolkit="travel", returns={"type": "object",
    ...     "properties": {"booking_id": {"type": "string"}}})
    >>> cancel = Tool(name="cancel_booking", toolkit="travel", parameters={"type": "object",
    ...     "properties": {"booking_id": {"type": "string"}}, "required": ["booking_id"]})
    >>> G = build_graph([book, cancel])
    >>> G.edges["book_flight", "cancel_booking"]["feeds"]
    [['booking_id', 'booking_id']]
    >>> G.edges["book_flight", "cancel_booking"]["nested"]
    True
    """
    if not 0.0 <= min_score <= 1.0:
        raise GraphError(f"min_score must be within [0, 1], got {min_score!r}")
    if max_candidates < 1:
        raise GraphError(f"max_candidates must be at least 1, got {max_candidates!r}")
    with _gc_paused():
        return _build(tools, min_score=min_score, judge=judge, same_toolkit_bonus=same_toolkit_bonus,
                      max_candidates=max_candidates, max_scan=max_scan, judge_sample=judge_sample, seed=seed)  # fmt: skip


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (the build allocates many small acyclic objects).

    On 16k tools the collector's repeated full scans cost about a third of the build time.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _build(
    tools: Sequence[Tool],
    *,
    min_score: float,
    judge: EdgeJudge | None,
    same_toolkit_bonus: float,
    max_candidates: int,
    max_scan: int | None,
    judge_sample: int,
    seed: int,
) -> nx.DiGraph:
    """:func:`build_graph` with validated options."""
    index_of: dict[str, int] = {}
    for i, t in enumerate(tools):
        if t.name in index_of:
            raise GraphError(f"duplicate tool name {t.name!r} (tools #{index_of[t.name]} and #{i}); tool names must be unique")
        index_of[t.name] = i
    idx = MatchIndex(
        tools,
        same_toolkit_bonus=same_toolkit_bonus,
        max_candidates=max_candidates,
        max_scan=max_scan if max_scan is not None else 2 * max_candidates,
    )
    floor = min_score if judge is None else min(min_score, _JUDGE_FLOOR)
    edges: dict[tuple[int, int], _Edge] = {}
    for i in range(len(tools)):
        for feed in idx.feeds_from(i) or idx.name_feeds(i):
            if feed.score >= floor and not _recreates(tools[i], tools[feed.target], feed):
                edges.setdefault((i, feed.target), _Edge()).feeds.append(feed)
    for i, g, score, reason in _preconditions(idx):
        e = edges.setdefault((i, g), _Edge())
        if score > e.pre_score:
            e.pre_score, e.pre_reason = score, reason
    verdicts: dict[tuple[int, int], JudgedEdge] = {}
    ignored = 0
    if judge is not None:
        verdicts, ignored = _ask_judge(judge, idx, edges, index_of, judge_sample=judge_sample, seed=seed)

    G = nx.DiGraph(min_score=float(min_score), max_candidates=int(max_candidates), judged=judge is not None)
    if judge is not None:
        G.graph["judge_ignored"] = ignored
    for t in tools:
        G.add_node(
            t.name,
            toolkit=t.toolkit,
            description=t.description,
            n_params=len(t.properties),
            askable=_askable(t),
            has_returns=t.returns is not None,
        )
    for i, g in sorted(set(edges) | set(verdicts)):
        v = verdicts.get((i, g))
        if v is not None and not v.keep:
            continue
        attrs = _edge_attrs(tools, i, g, edges.get((i, g)), min_score if v is None else floor)
        if v is not None:
            attrs = _apply_verdict(attrs, v)
        if attrs is not None:
            G.add_edge(tools[i].name, tools[g].name, **attrs)
    return G


_CREATE_VERBS = frozenset({"create", "add", "make", "new", "register", "touch", "mkdir", "insert"})
_NAMING_KEYS = frozenset({"name", "title", "file_name", "filename", "path", "folder", "dir_name", "directory",
                          "email", "phone", "username", "user_name"})


def _recreates(source: Tool, target: Tool, feed) -> bool:
    """True for a feed that would create again what the source just found: ``get_contact``'s
    email into ``add_contact``, a listed file name into ``create_file`` (same toolkit, same or
    no entity, the new thing's own name). Such calls do nothing or fail, so no edge."""
    if source.toolkit != target.toolkit:
        return False
    verb, entity, _ = parse_tool_name(target.name)
    if verb not in _CREATE_VERBS:
        return False
    key = norm_name(feed.param)
    if key not in _NAMING_KEYS and not (entity and key.startswith(entity + "_") and not key.endswith("_id")):
        return False
    src_entity = parse_tool_name(source.name)[1]
    return src_entity in ("", entity)


def _edge_attrs(tools: Sequence[Tool], i: int, g: int, e: _Edge | None, threshold: float) -> dict | None:
    """The attributes of edge i -> g, or ``None`` when nothing on it reaches ``threshold``."""
    if e is None:
        return None
    if len(e.feeds) == 1 and not e.pre_score:
        f = e.feeds[0]
        if f.score < threshold:
            return None
        named = not f.out_path and f.how in ("tool name", "tool description")
        return {
            "reason": _feed_reason(tools, i, g, f),
            "score": round(f.score, 3),
            "kind": "exact" if f.exact else "part",
            "feeds": [] if named else [[f.out_path, f.param_path]],
            "nested": f.nestable and not named,
            "evidence": "name" if named else "schema",
        }
    best: dict[str, Feed] = {}
    for f in e.feeds:
        if f.score >= threshold and (f.param_path not in best or f.score > best[f.param_path].score):
            best[f.param_path] = f
    feeds = sorted(best.values(), key=lambda f: (-f.score, f.param_path))
    pre = e.pre_score if e.pre_score >= threshold else 0.0
    if not feeds and not pre:
        return None
    schema = [f for f in feeds if f.out_path or f.how not in ("tool name", "tool description")]
    top = max([f.score for f in feeds] + [pre])
    score = min(1.0, top + 0.03 * max(0, len(feeds) - 1))
    reasons = [_feed_reason(tools, i, g, f) for f in feeds[:3]]
    if len(feeds) > 3:
        reasons.append(f"+{len(feeds) - 3} more")
    if pre:
        reasons.append(e.pre_reason)
    if feeds:
        kind = "exact" if any(f.exact for f in feeds) else "part"
        evidence = "schema" if schema else "name"
    else:
        kind, evidence = "precondition", "precondition"
    return {
        "reason": "; ".join(reasons),
        "score": round(score, 3),
        "kind": kind,
        "feeds": [[f.out_path, f.param_path] for f in schema],
        "nested": any(f.nestable for f in schema),
        "evidence": evidence,
    }


def _feed_reason(tools: Sequence[Tool], i: int, g: int, f: Feed) -> str:
    how = "" if f.how == "name" else f" [{f.how}]"
    if not f.out_path and f.how in ("tool name", "tool description"):
        return f"{tools[i].name} yields what {tools[g].name} takes as {f.param_path}{how}"
    out = f.out_path or "(the whole output)"
    if f.param_path != f.param:
        return f"output {out} feeds {f.param_path} (part of parameter {f.param}){how}"
    if not f.exact:
        return f"output {out} feeds an element of parameter {f.param}{how}"
    return f"output {out} feeds parameter {f.param}{how}"


def _apply_verdict(attrs: dict | None, v: JudgedEdge) -> dict:
    try:
        score = min(1.0, max(0.0, float(v.score)))
    except (TypeError, ValueError):
        score = 1.0
    why = f"judge: {v.reason}" if v.reason else "judge: kept"
    if attrs is None:
        kind = v.kind if v.kind in EDGE_KINDS else "part"
        return {"reason": why, "score": round(score, 3), "kind": kind, "feeds": [], "nested": False, "evidence": "judge"}
    return {**attrs, "reason": f"{attrs['reason']}; {why}", "score": round(score, 3)}


def _ask_judge(
    judge: EdgeJudge,
    idx: MatchIndex,
    edges: dict[tuple[int, int], _Edge],
    index_of: dict[str, int],
    *,
    judge_sample: int,
    seed: int,
) -> tuple[dict[tuple[int, int], JudgedEdge], int]:
    """Show the judge each tool's candidates; return its verdicts by edge and the ignored count."""
    tools = idx.tools
    by_source: dict[int, list[int]] = {}
    for i, g in edges:
        by_source.setdefault(i, []).append(g)
    by_tk: dict[int, list[int]] = {}
    for i, tk in enumerate(idx.tk):
        by_tk.setdefault(tk, []).append(i)
    verdicts: dict[tuple[int, int], JudgedEdge] = {}
    ignored = 0
    for i, t in enumerate(tools):
        cands = sorted(by_source.get(i, ()))
        if judge_sample > 0:
            taken = set(cands)
            pool = [g for g in by_tk[idx.tk[i]] if g != i and g not in taken]
            rng = make_rng(derive_seed(seed, "judge", t.name))
            cands += sorted(rng.sample(pool, min(judge_sample, len(pool))))
        if not cands:
            continue
        allowed = set(cands)
        for v in judge.judge(t, [tools[g] for g in cands]):
            g = index_of.get(v.target, -1)
            if g not in allowed:
                ignored += 1
                continue
            verdicts[(i, g)] = v
    return verdicts, ignored


def _preconditions(idx: MatchIndex) -> list[tuple[int, int, float, str]]:
    """Precondition edges inside each toolkit: authentication, creation of an entity or a named thing."""
    tools = idx.tools
    out: list[tuple[int, int, float, str]] = []
    groups: dict[int, list[int]] = {}
    for i, tk in enumerate(idx.tk):
        groups.setdefault(tk, []).append(i)
    for members in groups.values():
        toks = {i: set(tools[i].name.lower().replace("-", "_").split("_")) | {idx.names[i][0]} for i in members}
        auth = [i for i in members if idx.auth[i]]
        auth_set = set(auth)
        for a in auth:
            targets = [g for g in members if g not in auth_set and not (toks[g] & _NOT_AFTER_AUTH)
                       and not ({"login", "status"} <= toks[g])]  # fmt: skip
            for g in targets[:_MAX_PRECONDITION_TARGETS]:
                out.append((a, g, 0.6, f"precondition: {tools[a].name} before {tools[g].name} (same toolkit)"))
        by_entity: dict[str, list[int]] = {}
        needs: dict[str, list[tuple[int, str]]] = {}
        for g in members:
            verb, entity, _ = idx.names[g]
            if entity and verb not in _NOT_AFTER_CREATE:
                by_entity.setdefault(entity, []).append(g)
            if verb not in CREATE_VERBS:
                for j in idx.ins_of[g]:
                    p = idx.ins[j]
                    if p.top and p.required:
                        needs.setdefault(synonym_class(p.key) or p.key, []).append((g, p.param))
        for i in members:
            verb, entity, _ = idx.names[i]
            if verb not in CREATE_VERBS:
                continue
            if entity:
                for g in by_entity.get(entity, ())[:_MAX_PRECONDITION_TARGETS]:
                    if g != i:
                        out.append((i, g, 0.65, f"precondition: {tools[i].name} before {tools[g].name} "
                                                f"(creates the {entity} it uses; same toolkit)"))  # fmt: skip
            for j in idx.ins_of[i]:
                p = idx.ins[j]
                cls = synonym_class(p.key)
                if not p.top or not (cls in ("file", "directory") or (entity and p.key in (f"{entity}_name", f"{entity}_id"))):
                    continue
                for g, q in needs.get(cls or p.key, ())[:_MAX_PRECONDITION_TARGETS]:
                    if g != i:
                        out.append((i, g, 0.6, f"precondition: {tools[i].name} before {tools[g].name} "
                                               f"(creates the {p.param} it takes as {q}; same toolkit)"))  # fmt: skip
    return out


def _askable(tool: Tool) -> int:
    """Required parameters whose value a user could leave out and be asked for (not a
    constant, not a yes/no flag): a miss_param turn needs one."""
    n = 0
    for name in tool.required:
        schema = tool.properties.get(name)
        if isinstance(schema, dict) and "const" not in schema and schema.get("type") != "boolean":
            n += 1
    return n
