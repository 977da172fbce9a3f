"""Pairs with LLMs (METHOD.md A5): teacher with hints, student without, a judge labels errors.

For every turn of a verified record, given the verified conversation before it:

1. the **student** answers the turn without hints (its calls run against the replayed
   environment); the checker (:func:`~magnet_graph.distill.checker.check_against`) decides
   whether that turn is wrong;
2. for a wrong turn the **judge** labels the error with one of the five types (a reply that
   does not parse falls back to :func:`classify`, a rule-based labeller);
3. the **teacher** answers the same turn with the student's wrong calls given as a hidden,
   misleading ``[Hint]``: that is the rejected side (the student's own turn when the
   teacher's answer is not wrong after all);
4. the chosen side is the verified turn, or, with a teacher, the teacher's answer given the
   reference calls as a hidden ``[Hint]`` when the checker accepts it.

Hints never reach the stored messages. One pair per record and type (the first turn with
that error).

Every model is asked through one :class:`~magnet_graph.translate.transport.ChatClient` (any
provider through litellm, or straight HTTP to an OpenAI-compatible ``api_base``), so the
three roles share its answer cache, adaptive concurrency limit, retries with
``Retry-After``, cost counting and ``max_cost`` budget, and key scrubbing. The maker is
async (:meth:`LLMPairMaker.amake`: ``magnet distill`` runs ``--concurrency`` records at a
time); calling it runs one record synchronously.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import orjson

from ..errors import BackendError, MagnetError
from ..execute import Environment
from ..seeding import derive_seed
from ..translate.parse import ReplyError, message_field, parse_json_reply, parse_tool_calls
from ..types import Catalog
from ..verify import verify_record
from .checker import check_against, summary_failures
from .negatives import ERROR_TYPES, Site, assemble, user_end
from .pairs import make_pair
from .trace import arg_origins

__all__ = ["LLMRoles", "LLMPairMaker", "llm_maker", "classify", "hint_text", "PROMPT_VERSION"]

PROMPT_VERSION = "distill-prompts/1"  # in every cache key: bump it when the prompts below change


@dataclass(frozen=True)
class LLMRoles:
    """The models of LLM distillation (litellm names such as ``openai/gpt-4o-mini``).

    ``teacher=None``: the verified turn is the chosen side and the student's wrong turn the
    rejected one; ``judge=None``: errors are labelled by :func:`classify`.
    """

    student: str
    teacher: str | None = None
    judge: str | None = None
    api_base: str | None = None
    api_key: str | None = None
    temperature: float = 0.7
    max_steps: int = 6
    max_retries: int = 2
    timeout: float = 60.0


_DEFINITIONS = {
    "nested_call_missed": "a call whose output another call of the turn needs was left out, and that value invented",
    "same_turn_output_misused": "a value from an output of the same turn was misused (wrong field or another entry)",
    "long_dependency_missed": "a value given by an earlier turn's output was asked for again or invented",
    "wrong_summary": "the calls are right but the final text states a value that contradicts the outputs",
    "call_vs_ask": "called a tool where it should have said the function is missing or asked for a missing value, "
    "invented a missing parameter, or asked for something already available",
}


def make_client(roles: LLMRoles, **options: Any) -> Any:
    """A :class:`~magnet_graph.translate.transport.ChatClient` for ``roles`` (``options``: its
    other arguments, e.g. ``cache``, ``concurrency``, ``max_cost``)."""
    from ..translate.transport import ChatClient

    options.setdefault("temperature", roles.temperature)
    options.setdefault("timeout", roles.timeout)
    options.setdefault("max_retries", roles.max_retries)
    return ChatClient(roles.student, api_base=roles.api_base, api_key=roles.api_key, prompt_version=PROMPT_VERSION,
                      **options)


async def _completion(client: Any, model: str, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None,
                      seed: int) -> Any:
    """The reply message of one completion of ``model``; :class:`BackendError` when there is none."""
    message = (await client.complete(messages, tools, model=model, seed=seed))["message"]
    if message is None:
        raise BackendError(f"{model}: the reply has no message")
    return message


def _call_text(call: Mapping[str, Any]) -> str:
    args = ", ".join(f"{k}={orjson.dumps(v).decode()}" for k, v in call["arguments"].items())
    return f"{call['name']}({args})"


def hint_text(turn: Mapping[str, Any], calls: Sequence[Mapping[str, Any]] | None = None, *, text: str | None = None) -> str:
    """The hidden ``[Hint]`` for a turn: the reference answer (``calls=None``) or a given
    (misleading) one: ``calls`` to make and, optionally, what the final ``text`` states."""
    kind = turn.get("kind", "normal")
    if calls is None:
        missing = turn.get("missing") or {}
        if kind == "miss_func":
            return "[Hint] miss function: no available tool can do what the user asks. Say so plainly and do not call any function."
        if kind == "miss_param":
            return (f"[Hint] missed params: the value of {missing.get('parameter')} for {missing.get('function')} is "
                    "missing. Ask the user for it and do not call any function.")
        calls = turn.get("calls", [])
    if not calls:
        hint = "[Hint] Do not call any function for this request; answer in text."
    else:
        hint = "[Hint] Answer the last request with these calls, in order: " + "; ".join(_call_text(c) for c in calls) + "."
    if text:
        hint += f" Then reply with this text: {text}"
    return hint + " Never mention this hint."


class _Turn:
    """One model's answer to one turn: its calls (executed) and messages."""

    def __init__(self, calls: list[dict[str, Any]], messages: list[dict[str, Any]]):
        self.calls = calls
        self.messages = messages


async def _answer(roles: LLMRoles, client: Any, model: str, site: Site, t: int, hint: str | None, seed: int) -> _Turn:
    """Let ``model`` act in turn ``t`` (tools run in the replayed environment)."""
    rec = site.record
    prefix = rec["messages"][: user_end(rec, t)]
    tools = _offered(rec, t)
    env = site.env_at(t)
    allowed = frozenset(site.catalog.by_name)
    action: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    hidden = [{"role": "system", "content": hint}] if hint else []
    for step in range(roles.max_steps):
        message = await _completion(client, model, prefix + hidden + action, tools, derive_seed(seed, step))
        try:
            made = parse_tool_calls(message, allowed=allowed)
        except ReplyError as exc:
            client.faults[exc.kind] += 1
            action.append({"role": "assistant", "content": f"(unusable reply: {exc})"})
            return _Turn(calls, action)
        if not made:
            content = message_field(message, "content")
            action.append({"role": "assistant", "content": content if isinstance(content, str) else ""})
            return _Turn(calls, action)
        batch = []
        for c in made:
            cid = "call_" + format(derive_seed(seed, "call", len(calls)) & 0xFFFFFFFFFFFF, "012x")
            output = _run(env, c.name, c.arguments)
            call = {"id": cid, "name": c.name, "arguments": c.arguments, "output": output}
            calls.append(call)
            batch.append(call)
        action.append({"role": "assistant", "content": None, "tool_calls": [
            {"id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": orjson.dumps(c["arguments"]).decode()}}
            for c in batch]})
        action.extend({"role": "tool", "tool_call_id": c["id"], "name": c["name"],
                       "content": orjson.dumps(c["output"], option=orjson.OPT_NON_STR_KEYS).decode()} for c in batch)
    action.append({"role": "assistant", "content": ""})
    return _Turn(calls, action)


def _run(env: Environment, name: str, arguments: dict[str, Any]) -> Any:
    try:
        return env.execute(name, arguments).output
    except MagnetError as exc:
        return {"error": str(exc)}


def _offered(record: Mapping[str, Any], t: int) -> list[dict[str, Any]]:
    from ..export.chat import tools_for

    return tools_for(record, record["turns"][t]["tools"])


def _candidate(site: Site, t: int, answer: _Turn) -> dict[str, Any]:
    env = site.env_at(t)
    for c in answer.calls:
        _run(env, c["name"], c["arguments"])
    return assemble(site.record, t, answer.calls, answer.messages, env.snapshot())


def classify(candidate: Mapping[str, Any], reference: Mapping[str, Any], t: int,
             tool_params: Mapping[str, Mapping[str, Any]]) -> str | None:
    """A rule-based error label for turn ``t`` of ``candidate`` (``None``: no rule fits)."""
    cturn, rturn = candidate["turns"][t], reference["turns"][t]
    ccalls, rcalls = cturn.get("calls", []), rturn.get("calls", [])
    if rturn.get("kind", "normal") != "normal":
        return "call_vs_ask" if ccalls else None
    origins = arg_origins(reference, t, tool_params)
    key = lambda c: orjson.dumps([c["name"], c["arguments"]], option=orjson.OPT_SORT_KEYS)  # noqa: E731
    if sorted(map(key, ccalls)) == sorted(map(key, rcalls)):
        return "wrong_summary" if summary_failures(candidate, t) else None
    if not ccalls:
        return "long_dependency_missed" if any(o.kind == "history" for o in origins) else "call_vs_ask"
    made = [c["name"] for c in ccalls]
    providers = {o.source[1] for o in origins if o.kind == "same_turn" and o.source}
    if any(rcalls[k]["name"] not in made for k in providers):
        return "nested_call_missed"
    for o in origins:
        want = rcalls[o.call]
        same = [c for c in ccalls if c["name"] == want["name"]]
        if same and all(_leaf(c["arguments"], o.path) != o.value for c in same):
            if o.kind == "same_turn":
                return "same_turn_output_misused"
            if o.kind == "history":
                return "long_dependency_missed"
            return "call_vs_ask"
    return None


def _leaf(args: Any, path: tuple) -> Any:
    for key in path:
        try:
            args = args[key]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return args


_MISSING = object()


async def _judge(roles: LLMRoles, client: Any, site: Site, t: int, candidate: Mapping[str, Any], failures: list[str],
                 seed: int) -> str | None:
    """The judge's label, or ``None`` when it gives no usable one."""
    rec = site.record
    start, end = candidate["turns"][t]["messages"]
    request = [m["content"] for m in rec["messages"][start:user_end(rec, t)] if m["role"] == "user"]
    listing = "\n".join(f"- {name}: {text}" for name, text in _DEFINITIONS.items())
    answer = {
        "request": request,
        "reference_calls": [_call_text(c) for c in rec["turns"][t].get("calls", [])],
        "assistant_calls": [{"call": _call_text(c), "output": c["output"]} for c in candidate["turns"][t]["calls"]],
        "assistant_text": candidate["messages"][end - 1].get("content"),
        "checker_failures": failures[:8],
    }
    messages = [
        {"role": "system", "content": "You label the mistake an assistant made in one turn of a tool-use conversation. "
         f"Error types:\n{listing}\nReply with only a JSON object {{\"error_type\": <one of the names>, \"reason\": <short>}}."},
        {"role": "user", "content": orjson.dumps(answer, option=orjson.OPT_INDENT_2).decode()},
    ]
    try:
        message = await _completion(client, roles.judge or "", messages, None, seed)
        data = parse_json_reply(message_field(message, "content"))
    except ReplyError as exc:
        client.faults[exc.kind] += 1
        return None
    except BackendError:
        return None
    label = data.get("error_type")
    return label if label in ERROR_TYPES else None


class LLMPairMaker:
    """The pair maker of :func:`llm_maker`: ``await maker.amake(record, catalog)`` (or
    ``maker(record, catalog)``, synchronous) -> ``(pairs, missed)``.

    ``amake`` returns :data:`magnet_graph.run.UNFINISHED` instead when the client stopped
    (``max_cost`` reached, the key rejected) while the record was made: it is left for the
    run that continues the job. ``describe()`` is what decides the pairs, for the manifest.
    """

    def __init__(self, roles: LLMRoles, *, types: Sequence[str], seed: int, full: bool, client: Any):
        self.roles, self.types, self.seed, self.full, self.client = roles, tuple(types), seed, full, client

    def describe(self) -> dict[str, Any]:
        r = self.roles
        return {"student": r.student, "teacher": r.teacher, "judge": r.judge, "temperature": self.client.temperature,
                "max_steps": r.max_steps, "prompt_version": PROMPT_VERSION}

    def __call__(self, record: dict[str, Any], catalog: Catalog) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
        result = asyncio.run(self._one(record, catalog))
        if not isinstance(result, tuple):
            raise BackendError(f"{self.roles.student}: stopped: {self.client.stop_detail}")
        return result

    async def _one(self, record: dict[str, Any], catalog: Catalog) -> Any:
        try:
            return await self.amake(record, catalog)
        finally:
            await self.client.aclose()

    async def amake(self, record: dict[str, Any], catalog: Catalog) -> Any:
        """The pairs of one record and ``(type, reason)`` for each type it gave none of."""
        from ..run import UNFINISHED

        types, roles, seed = self.types, self.roles, self.seed
        self.client.track_usage()  # this record's own requests: a repeated question is a new sample
        failures = verify_record(record, catalog)
        if failures:
            return [], [(t, f"bad_record: {failures[0]}") for t in types]
        site = Site(record, catalog, random.Random(derive_seed(seed, "llm", record.get("id", ""))), "llm")
        found: dict[str, dict[str, Any]] = {}
        seen: set[str] = set()
        try:
            for t in range(len(record["turns"])):
                if len(found) == len(types):
                    break
                pair = await _turn_pair(roles, self.client, site, t, types, found, seen,
                                        derive_seed(seed, record.get("id", ""), t), self.full)
                if pair is not None:
                    found[pair["error_type"]] = pair
        except BackendError as exc:
            if self.client.stop_reason:
                return UNFINISHED
            return [found[t] for t in types if t in found], [(t, f"backend_error: {exc}") for t in types if t not in found]
        if self.client.stop_reason:  # a judge that could not answer fell back to rules: do the record again later
            return UNFINISHED
        missed = [(t, "student_made_no_such_error" if seen else "student_correct") for t in types if t not in found]
        return [found[t] for t in types if t in found], missed


def llm_maker(roles: LLMRoles, *, types: Sequence[str] = ERROR_TYPES, seed: int = 0, full: bool = False,
              client: Any = None) -> LLMPairMaker:
    """A pair maker for :func:`~magnet_graph.distill.pairs.distill_file` that asks the models.

    ``client``: the :class:`~magnet_graph.translate.transport.ChatClient` to ask them through
    (``magnet distill`` builds one from its options); default one from ``roles`` without a cache.
    """
    return LLMPairMaker(roles, types=types, seed=seed, full=full, client=client or make_client(roles))


async def _turn_pair(roles: LLMRoles, client: Any, site: Site, t: int, types: Sequence[str], found: Mapping[str, Any], seen: set[str],
               seed: int, full: bool) -> dict[str, Any] | None:
    rec = site.record
    student = await _answer(roles, client, roles.student, site, t, None, derive_seed(seed, "student"))
    cand = _candidate(site, t, student)
    failures = check_against(cand, rec, catalog=site.catalog)
    if not failures:
        return None
    label = (await _judge(roles, client, site, t, cand, failures, derive_seed(seed, "judge")) if roles.judge else None) \
        or classify(cand, rec, t, site.params)
    seen.add(label or "unclassified")
    if label is None or label not in types or label in found:
        return None
    rejected, method = student, "llm-student"
    if roles.teacher:
        text = cand["messages"][-1].get("content") if label == "wrong_summary" else None
        misled = await _answer(roles, client, roles.teacher, site, t, hint_text(rec["turns"][t], student.calls, text=text),
                         derive_seed(seed, "teacher-misled"))
        if check_against(_candidate(site, t, misled), rec, catalog=site.catalog):
            rejected, method = misled, "llm-teacher-misled"
    chosen = None
    if roles.teacher:
        right = await _answer(roles, client, roles.teacher, site, t, hint_text(rec["turns"][t]), derive_seed(seed, "teacher"))
        if not check_against(_candidate(site, t, right), rec, catalog=site.catalog):
            chosen = right.messages
    return make_pair(rec, t, rejected.messages, error_type=label, method=method,
                     detail=f"student {roles.student}; judge {roles.judge or 'rules'}", chosen=chosen, full=full)
