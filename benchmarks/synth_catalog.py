"""A seeded generator of large synthetic tool catalogs for benchmarks.

The catalogs look like real ones where it matters for the graph builder: toolkits of 10-40
tools over a few entities each, entities shared across toolkits (customers, orders, users ...),
shared field vocabularies (ids, names, emails, amounts, dates, statuses), CRUD and search
patterns, authentication in some toolkits, numeric helpers, and returns schemas with nested
objects and arrays of objects. Same ``(n_tools, seed)``, same catalog.

    python benchmarks/synth_catalog.py 1000 --seed 7 > catalog.json   # OpenAI tools JSON
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from magnet_graph.types import Tool  # noqa: E402

__all__ = ["make_catalog", "ENTITIES"]

ENTITIES = (
    "customer", "order", "invoice", "product", "ticket", "booking", "flight", "hotel", "room",
    "payment", "account", "transaction", "user", "project", "task", "issue", "document", "folder",
    "message", "channel", "event", "meeting", "contact", "lead", "deal", "campaign", "shipment",
    "package", "warehouse", "employee", "department", "report", "subscription", "plan", "coupon",
    "review", "comment", "post", "article", "playlist", "song", "album", "video", "device", "sensor",
    "alert", "incident", "policy", "claim", "patient", "appointment", "prescription", "course",
    "student", "grade", "recipe", "restaurant", "reservation", "vehicle", "trip", "route", "driver",
    "property", "listing", "repository", "commit", "branch", "build", "deployment", "server",
    "database", "backup", "domain", "certificate", "survey", "form", "team", "invitation", "badge",
)  # fmt: skip
_POPULAR = ("customer", "user", "order", "payment", "account", "product", "event", "document")
_DOMAINS = (
    "crm", "shop", "travel", "bank", "helpdesk", "hr", "devops", "media", "health", "school",
    "logistics", "realty", "social", "calendar", "storage", "billing", "iot", "legal", "food", "fleet",
)  # fmt: skip
_ATTRS: dict[str, dict[str, Any]] = {
    "name": {"type": "string", "description": "Display name of the {e}."},
    "email": {"type": "string", "format": "email", "description": "Email address of the {e} contact."},
    "phone": {"type": "string", "description": "Phone number for the {e}."},
    "amount": {"type": "number", "description": "Amount of the {e} in {cur}."},
    "currency": {"type": "string", "enum": ["USD", "EUR", "GBP", "JPY"], "description": "Currency code."},
    "date": {"type": "string", "format": "date", "description": "Date of the {e} (YYYY-MM-DD)."},
    "status": {"type": "string", "enum": ["open", "pending", "closed", "cancelled"], "description": "Status of the {e}."},
    "created_at": {"type": "string", "format": "date-time", "description": "When the {e} was created."},
    "description": {"type": "string", "description": "Free-text description of the {e}."},
    "title": {"type": "string", "description": "Title of the {e}."},
    "address": {"type": "string", "description": "Street address of the {e}."},
    "city": {"type": "string", "description": "City where the {e} is located."},
    "quantity": {"type": "integer", "description": "Number of units in the {e}."},
    "price": {"type": "number", "description": "Unit price of the {e} in {cur}."},
    "total_cost": {"type": "number", "description": "Total cost of the {e} in {cur}, taxes included."},
    "notes": {"type": "string", "description": "Internal notes about the {e}."},
    "tags": {"type": "array", "items": {"type": "string"}, "description": "Tags attached to the {e}."},
    "priority": {"type": "integer", "minimum": 1, "maximum": 5, "description": "Priority of the {e}, 1 (low) to 5."},
    "url": {"type": "string", "format": "uri", "description": "Web link to the {e}."},
}
_ATTR_NAMES = tuple(_ATTRS)
_CURRENCIES = ("dollars", "euros", "USD", "the account currency")


def _attr(name: str, entity: str, rng: random.Random) -> dict[str, Any]:
    spec = dict(_ATTRS[name])
    spec["description"] = spec["description"].format(e=entity, cur=rng.choice(_CURRENCIES))
    return spec


def _id(entity: str) -> dict[str, Any]:
    return {"type": "string", "description": f"Unique identifier of the {entity}."}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    return out


class _Toolkit:
    def __init__(self, name: str, entities: list[str], rng: random.Random, auth: bool):
        self.name = name
        self.entities = entities
        self.rng = rng
        self.auth = auth
        self.attrs = {e: rng.sample(_ATTR_NAMES, rng.randint(4, 8)) for e in entities}
        self.tools: list[Tool] = []
        self.names: set[str] = set()

    def add(self, name: str, description: str, params: dict[str, Any], required: list[str], returns: dict[str, Any]) -> None:
        """Add a tool named ``<toolkit>_<name>`` (unique), with the access token when the toolkit logs in."""
        full = f"{self.name}_{name}"
        k = 2
        while full in self.names:
            full = f"{self.name}_{name}_{k}"
            k += 1
        self.names.add(full)
        if self.auth and "access_token" not in params and not name.startswith("authenticate"):
            params = {"access_token": {"type": "string", "description": "Access token from authentication."}, **params}
            required = ["access_token", *required]
        self.tools.append(
            Tool(name=full, description=description, parameters=_obj(params, required), returns=returns,
                 toolkit=self.name, dialect="openai", source="synthetic")  # fmt: skip
        )

    # -- patterns ---------------------------------------------------------------------------
    def auth_tool(self) -> None:
        """``authenticate``: user name and password in, access token out."""
        self.add(
            "authenticate", f"Log in to the {self.name} service and get an access token.",
            {"username": {"type": "string", "description": "Account user name."},
             "password": {"type": "string", "description": "Account password."}},
            ["username", "password"],
            _obj({"access_token": {"type": "string", "description": "Token for later requests."},
                  "expires_in": {"type": "integer", "description": "Seconds until the token expires."}}),
        )  # fmt: skip

    def create(self, e: str) -> None:
        """``create_<e>``: a few attributes in, the new id out."""
        rng = self.rng
        fields = self.attrs[e][: rng.randint(2, 5)]
        params = {f: _attr(f, e, rng) for f in fields}
        ret = {f"{e}_id": _id(e), "status": _attr("status", e, rng), "created_at": _attr("created_at", e, rng)}
        self.add(f"create_{e}", f"Create a new {e} record.", params, fields[:2], _obj(ret))

    def get(self, e: str) -> None:
        """``get_<e>``: id in, a nested object with its attributes (and another entity's id) out."""
        rng = self.rng
        props = {"id": _id(e), **{f: _attr(f, e, rng) for f in self.attrs[e]}}
        others = [x for x in self.entities if x != e]
        if others:
            o = rng.choice(others)
            props[f"{o}_id"] = _id(o)
        self.add(f"get_{e}", f"Get the details of one {e}.", {f"{e}_id": _id(e)}, [f"{e}_id"], _obj({e: _obj(props)}))

    def update(self, e: str) -> None:
        """``update_<e>``: id and one attribute in, id and status out."""
        rng = self.rng
        f = rng.choice(self.attrs[e])
        self.add(
            f"update_{e}", f"Update the {f} of an existing {e}.",
            {f"{e}_id": _id(e), f: _attr(f, e, rng)}, [f"{e}_id", f],
            _obj({f"{e}_id": _id(e), "status": _attr("status", e, rng),
                  "updated_fields": {"type": "array", "items": {"type": "string"}}}),
        )  # fmt: skip

    def delete(self, e: str) -> None:
        """``delete_<e>``: id in, success flag and message out."""
        self.add(
            f"delete_{e}", f"Delete a {e} permanently.", {f"{e}_id": _id(e)}, [f"{e}_id"],
            _obj({"success": {"type": "boolean"}, "message": {"type": "string", "description": "What happened."}}),
        )  # fmt: skip

    def search(self, e: str) -> None:
        """``search_<e>s``: a query in, an array of objects with ids and attributes out."""
        rng = self.rng
        item = {f"{e}_id": _id(e), **{f: _attr(f, e, rng) for f in self.attrs[e][:3]}}
        params: dict[str, Any] = {"query": {"type": "string", "description": f"Text to search {e}s for."}}
        if rng.random() < 0.5:
            params["date"] = _attr("date", e, rng)
        params["limit"] = {"type": "integer", "description": "Maximum number of results."}
        self.add(
            f"search_{e}s", f"Search {e}s by keyword.", params, ["query"],
            _obj({f"{e}s": {"type": "array", "items": _obj(item)}, "total": {"type": "integer"}}),
        )  # fmt: skip

    def link(self, e: str, o: str) -> None:
        """A tool relating two entities: list the o's of an e, attach an o to an e, or an e's stats."""
        rng = self.rng
        kind = rng.randint(0, 2)
        if kind == 0:
            self.add(
                f"list_{e}_{o}s", f"List the {o}s that belong to a {e}.", {f"{e}_id": _id(e)}, [f"{e}_id"],
                _obj({"items": {"type": "array", "items": _obj({f"{o}_id": _id(o), "name": _attr("name", o, rng)})}}),
            )  # fmt: skip
        elif kind == 1:
            self.add(
                f"assign_{o}_to_{e}", f"Attach a {o} to a {e}.", {f"{e}_id": _id(e), f"{o}_id": _id(o)},
                [f"{e}_id", f"{o}_id"], _obj({"status": _attr("status", e, rng)}),
            )  # fmt: skip
        else:
            self.add(
                f"get_{e}_stats", f"Statistics of a {e}: counts and totals.", {f"{e}_id": _id(e)}, [f"{e}_id"],
                _obj({"count": {"type": "integer", "description": f"Number of {o}s."},
                      "total_cost": _attr("total_cost", e, rng)}),
            )  # fmt: skip

    def numeric(self) -> None:
        """A helper: currency conversion (numbers in and out) or an email notification."""
        rng = self.rng
        if rng.random() < 0.5:
            self.add(
                "convert_currency", "Convert an amount of money between currencies.",
                {"value": {"type": "number", "description": "Amount of money to convert."},
                 "from_currency": _attr("currency", "amount", rng), "to_currency": _attr("currency", "amount", rng)},
                ["value", "from_currency", "to_currency"],
                _obj({"result": {"type": "number", "description": "Converted amount of money."}}),
            )  # fmt: skip
        else:
            self.add(
                "notify", "Send an email notification.",
                {"email": _attr("email", "recipient", rng), "subject": {"type": "string"},
                 "body": {"type": "string"}},
                ["email", "subject"], _obj({"message_id": _id("message"), "status": _attr("status", "message", rng)}),
            )  # fmt: skip


def make_catalog(n_tools: int, *, seed: int) -> list[Tool]:
    """``n_tools`` synthetic tools (exactly), deterministic per ``seed``."""
    rng = random.Random(seed)
    tools: list[Tool] = []
    k = 0
    while len(tools) < n_tools:
        size = min(rng.randint(10, 40), n_tools - len(tools))
        domain = rng.choice(_DOMAINS)
        n_ent = rng.randint(2, 5)
        ents = rng.sample(ENTITIES, n_ent)
        if rng.random() < 0.6:
            ents[0] = rng.choice(_POPULAR)
        ents = list(dict.fromkeys(ents))
        tk = _Toolkit(f"{domain}{k}", ents, random.Random(rng.getrandbits(64)), auth=rng.random() < 0.3)
        k += 1
        if tk.auth:
            tk.auth_tool()
        steps = [tk.create, tk.get, tk.update, tk.search, tk.delete]
        r = 0
        while len(tk.tools) < size:
            e = ents[r % len(ents)]
            phase = r // len(ents)
            if phase < len(steps):
                steps[phase](e)
            elif phase % 3 == 2:
                tk.numeric()
            else:
                tk.link(e, tk.rng.choice(ents[:r % len(ents)] + ents[r % len(ents) + 1:] or ents))
            r += 1
        tools.extend(tk.tools[:size])
    return tools


def main() -> None:
    """Print a synthetic catalog as OpenAI tools JSON (``function.returns`` holds the output schema)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of tools")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    entries = []
    for t in make_catalog(args.n, seed=args.seed):
        entry = t.openai_schema()
        entry["function"]["returns"] = t.returns
        entries.append(entry)
    json.dump(entries, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
