"""The checker: is a trajectory right, compared with the ground truth?

:func:`matches_ground_truth` is a BFCL-style comparison of a candidate record with the
reference record of the same conversation: per turn, the same calls (names and arguments),
every reference output among the candidate's outputs, the same state after the turn (when a
catalog is given to replay both; else the end states), and a turn-ending text that states
no value absent from the conversation (a wrong summary).

:func:`check_against` is what distillation uses on both sides of a pair: the record checks of
:func:`magnet_graph.verify.verify_record` plus :func:`matches_ground_truth`. A candidate that
stops after turn ``t`` (the rejected side of a pair) is compared with the reference's first
``t + 1`` turns, and the failures that only say "the conversation stops early" are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Mapping

import orjson

from ..errors import MagnetError
from ..execute import Environment, canonical_json
from ..types import Catalog
from ..verify import verify_record
from .trace import find_bounded, leaves

__all__ = ["matches_ground_truth", "check_against", "summary_failures", "turn_states"]

_TOKEN = re.compile(r"\S*\d\S*")
_STRIP = " \t\n.,;:!?'\"()[]{}<>*`"
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def _short(value: Any, limit: int = 60) -> str:
    text = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    return text if len(text) <= limit else text[: limit - 3] + "..."


def turn_states(record: Mapping[str, Any], catalog: Catalog, turns: int) -> list[dict[str, Any]] | str:
    """The state after each of the first ``turns`` turns, replayed from ``initial_state``;
    the reason as a string when the environment cannot be set up."""
    try:
        env = Environment(catalog, record["toolkits"], seed=record["seed"], initial_state=record["initial_state"])
    except MagnetError as exc:
        return f"cannot set up the environment: {exc}"
    states = []
    for turn in record["turns"][:turns]:
        for call in turn.get("calls", []):
            try:
                env.execute(call["name"], call["arguments"])
            except MagnetError:
                pass  # an unknown tool changes nothing; the call comparison reports it
        states.append(env.snapshot())
    return states


def _call_key(call: Mapping[str, Any]) -> bytes:
    return canonical_json([call["name"], call.get("arguments")])


def _compare_turn(t: int, cand: Mapping[str, Any], ref: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    ckind, rkind = cand.get("kind", "normal"), ref.get("kind", "normal")
    if ckind != rkind:
        out.append(f"kind: turn {t} is {ckind} but the ground truth's is {rkind}")
    ccalls, rcalls = cand.get("calls", []), ref.get("calls", [])
    by_key = {_call_key(c): c for c in (*rcalls, *ccalls)}
    have = Counter(_call_key(c) for c in ccalls)
    need = Counter(_call_key(c) for c in rcalls)
    for key, n in (need - have).items():
        call = by_key[key]
        out.extend([f"calls: turn {t} lacks the ground-truth call {call['name']}({_short(call.get('arguments'))})"] * n)
    for key, n in (have - need).items():
        call = by_key[key]
        out.extend([f"calls: turn {t} makes {call['name']}({_short(call.get('arguments'))}), which the ground truth does not"] * n)
    results = Counter(canonical_json(c.get("output")) for c in ccalls)
    for call in rcalls:
        key = canonical_json(call.get("output"))
        if results[key] > 0:
            results[key] -= 1
        else:
            out.append(f"outputs: turn {t}: the result of {call['name']} ({_short(call.get('output'))}) is not among the candidate's results")
    return out


def _turn_end_text(record: Mapping[str, Any], t: int) -> tuple[str | None, int]:
    start, end = record["turns"][t]["messages"]
    messages = record["messages"]
    if end > start and end <= len(messages):
        last = messages[end - 1]
        if last["role"] == "assistant" and not last.get("tool_calls") and isinstance(last.get("content"), str):
            return last["content"], end
    return None, end


def summary_failures(record: Mapping[str, Any], t: int) -> list[str]:
    """Values stated in turn ``t``'s ending text that the conversation does not contain.

    Checked are the tokens with a digit (amounts, ids, dates, counts): each must appear in
    the user messages, the call arguments or the tool outputs up to that text, or be a
    number among them (list lengths count, for "found 3 results").
    """
    text, end = _turn_end_text(record, t)
    if text is None or not record["turns"][t].get("calls"):
        return []
    parts: list[str] = []
    numbers: set[float] = set()
    for msg in record["messages"][:end - 1]:
        content = msg.get("content")
        if msg["role"] in ("user", "tool") and isinstance(content, str):
            parts.append(content)
            if msg["role"] == "user":
                numbers.update(float(x) for x in _NUMBER.findall(content.replace(",", "")))
        for tc in msg.get("tool_calls") or ():
            parts.append(str(tc["function"].get("arguments", "")))
    for turn in record["turns"][: t + 1]:
        for call in turn.get("calls", []):
            _collect_numbers(call.get("output"), numbers)
    source = "\n".join(parts)
    out = []
    for match in _TOKEN.finditer(text):
        token = match.group(0).strip(_STRIP).lstrip("$€£").rstrip("%")
        if not token or contains_token(source, token):
            continue
        value = _as_number(token)
        if value is not None and (value in numbers or any(abs(value - n) <= 1e-9 * max(1.0, abs(n)) for n in numbers)):
            continue
        out.append(f"summary: turn {t} states {token!r}, which no output, argument or user message contains")
    return out


def contains_token(text: str, token: str) -> bool:
    """Whether ``token`` occurs in ``text`` not glued to letters or digits on either side
    (``"4"`` is not found in ``"0149"``, ``"CT-0001"`` is found in ``'"CT-0001"'``)."""
    return find_bounded(text, token) != -1


def _collect_numbers(value: Any, numbers: set[float]) -> None:
    for _, leaf in leaves(value):
        if isinstance(leaf, (int, float)) and not isinstance(leaf, bool):
            numbers.add(float(leaf))
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            numbers.add(float(len(item)))
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _as_number(token: str) -> float | None:
    text = token.replace(",", "")
    if not _NUMBER.fullmatch(text):
        return None
    return float(text)


def matches_ground_truth(
    candidate_record: Mapping[str, Any],
    reference_record: Mapping[str, Any],
    *,
    catalog: Catalog | None = None,
    turns: int | None = None,
) -> list[str]:
    """BFCL-style comparison of a candidate with the ground truth; the failure reasons.

    ``[]`` means the candidate matches. Per turn: the same kind, the same calls (multiset
    of name + arguments), every ground-truth output among the candidate's outputs, and
    (with ``catalog``) the same state after the turn, each side replayed from its own
    ``initial_state``; without a catalog, the end states are compared when the turn counts
    agree. The candidate's turn-ending texts must not state values absent from the
    conversation (:func:`summary_failures`). ``turns`` limits the comparison to the first
    ``turns`` turns (the turn count is then not compared). Reason codes: ``turns``,
    ``kind``, ``calls``, ``outputs``, ``state``, ``summary``.
    """
    cand_turns, ref_turns = candidate_record["turns"], reference_record["turns"]
    out: list[str] = []
    if turns is None:
        n = min(len(cand_turns), len(ref_turns))
        if len(cand_turns) != len(ref_turns):
            out.append(f"turns: the candidate has {len(cand_turns)} turn(s), the ground truth {len(ref_turns)}")
    else:
        n = min(turns, len(cand_turns), len(ref_turns))
        if n < turns:
            out.append(f"turns: cannot compare {turns} turn(s): the candidate has {len(cand_turns)}, the ground truth {len(ref_turns)}")
    if canonical_json(candidate_record["initial_state"]) != canonical_json(reference_record["initial_state"]):
        out.append("state: the initial states differ")
    cand_states = ref_states = None
    if catalog is not None:
        cand_states = turn_states(candidate_record, catalog, n)
        ref_states = turn_states(reference_record, catalog, n)
        for states in (cand_states, ref_states):
            if isinstance(states, str):
                out.append(f"state: {states}")
                cand_states = ref_states = None
                break
    for t in range(n):
        out.extend(_compare_turn(t, cand_turns[t], ref_turns[t]))
        if cand_states is not None and ref_states is not None:
            a, b = cand_states[t], ref_states[t]
            for kit in sorted(set(a) | set(b)):
                if canonical_json(a.get(kit)) != canonical_json(b.get(kit)):
                    out.append(f"state: after turn {t} the state of {kit} differs from the ground truth's")
        out.extend(summary_failures(candidate_record, t))
    if catalog is None and turns is None and len(cand_turns) == len(ref_turns):
        a, b = candidate_record["end_state"], reference_record["end_state"]
        for kit in sorted(set(a) | set(b)):
            if canonical_json(a.get(kit)) != canonical_json(b.get(kit)):
                out.append(f"state: the end state of {kit} differs from the ground truth's")
    return out


def check_against(candidate: Mapping[str, Any], reference: Mapping[str, Any], *, catalog: Catalog) -> list[str]:
    """The checker of distillation: record checks plus the ground-truth comparison.

    A candidate with fewer turns than the reference (a rejected side that stops at the
    diverging turn) is compared with the reference's first turns; the failures that only
    say it stops early (turn count, a miss turn being the last one) are left out.
    """
    n = len(candidate["turns"])
    prefix = n < len(reference["turns"])
    failures = [
        f for f in verify_record(dict(candidate), catalog)
        if not (prefix and f.startswith("calls:") and "is the last turn" in f)
    ]
    failures += matches_ground_truth(candidate, reference, catalog=catalog, turns=n if prefix else None)
    return failures
