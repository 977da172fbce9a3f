"""The toolkit contract's shared world: ``generate_state(rng, world)`` gets one ``World`` per
conversation, drawn from the state seed; toolkits that take only ``rng`` work as before."""

from __future__ import annotations

import dataclasses
import inspect
import random

import pytest

from magnet_graph import execute
from magnet_graph.execute import Environment
from magnet_graph.seeding import derive_seed
from magnet_graph.toolkit import Toolkit, World, draw_world
from magnet_graph.types import Binding, Catalog, Tool
from tool_catalogs import banking, calendar_app, files, maps, messaging, shop, smarthome, travel


class Counter(Toolkit):
    """A toolkit of the old contract: its state comes from ``rng`` alone."""

    fresh_state = True

    @classmethod
    def generate_state(cls, rng: random.Random) -> dict:
        return {"count": rng.randrange(1000), "label": f"c{rng.randrange(10)}"}

    def bump(self) -> dict:
        """Add one."""
        self.data["count"] += 1
        return {"count": self.data["count"]}


class Diary(Toolkit):
    """A toolkit of the new contract: it writes down the world it is given."""

    @classmethod
    def generate_state(cls, rng: random.Random, world: World | None = None) -> dict:
        world = world or draw_world(rng)
        return {"today": world.today, "owner": world.name, "mood": rng.choice(["calm", "busy"])}

    def read(self) -> dict:
        """Read the diary."""
        return dict(self.data)


class Ledger(Diary):
    """A second toolkit of the new contract (same state shape, its own name)."""

    def total(self) -> dict:
        """The total."""
        return {"total": 0}


def _catalog(**factories) -> Catalog:
    tools, bindings = [], {}
    for kit, (cls, factory) in factories.items():
        method = next(n for n in ("bump", "read", "total") if hasattr(cls, n))
        tools.append(Tool(name=f"{kit}_{method}", toolkit=kit, binding=method))
        bindings[kit] = Binding(kit, cls, state_factory=factory)
    return Catalog("test:world", tuple(tools), bindings)


def test_draw_world_is_seeded_and_well_formed():
    worlds = [draw_world(random.Random(s)) for s in range(40)]
    assert worlds == [draw_world(random.Random(s)) for s in range(40)]
    assert len({w.today for w in worlds}) > 30 and len({w.name for w in worlds}) > 30
    for w in worlds:
        assert w.now.startswith(w.today + "T") and len(w.now) == 16
        assert "08:00" <= w.now[11:] <= "19:59"
        assert "2024-01-01" <= w.today <= "2026-04-29"
        assert w.email == f"{w.first_name.lower()}.{w.last_name.lower()}@" + w.email.split("@")[1]
        assert w.phone.startswith("+1-") and "-555-01" in w.phone
        assert w.address == f"{w.street}, {w.city}, {w.region} {w.postcode}"


def test_world_is_frozen_and_checks_its_clock():
    w = draw_world(random.Random(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.today = "2020-01-01"  # type: ignore[misc]
    with pytest.raises(ValueError, match="World.now"):
        dataclasses.replace(w, now="2020-01-01T09:00")
    with pytest.raises(ValueError):
        dataclasses.replace(w, today="2024-02-30", now="2024-02-30T09:00")


def test_an_rng_only_toolkit_gets_the_state_it_always_got():
    cat = _catalog(Counter=(Counter, Counter.generate_state))
    env = Environment(cat, ["Counter"], seed=3, state_seed=11)
    expected = Counter.generate_state(random.Random(derive_seed(11, "state", "Counter")))
    assert env.initial_state == {"Counter": expected}
    assert env.execute("Counter_bump", {}).output == {"count": expected["count"] + 1}


def test_every_world_toolkit_of_an_environment_gets_the_same_world():
    cat = _catalog(Diary=(Diary, Diary.generate_state), Ledger=(Ledger, Ledger.generate_state),
                   Counter=(Counter, Counter.generate_state))
    env = Environment(cat, ["Diary", "Ledger", "Counter"], seed=5, state_seed=21)
    world = draw_world(random.Random(derive_seed(21, "world")))
    assert env.world == world
    states = env.initial_state
    for kit in ("Diary", "Ledger"):
        assert states[kit]["today"] == world.today and states[kit]["owner"] == world.name
        expected = Diary.generate_state(random.Random(derive_seed(21, "state", kit)), world)
        assert states[kit] == expected
    assert env.restart().world is env.world


def test_the_world_follows_the_state_seed_not_the_attempt():
    cat = _catalog(Diary=(Diary, Diary.generate_state), Ledger=(Ledger, Ledger.generate_state))
    cache: dict[str, bytes] = {}
    first = Environment(cat, ["Diary"], seed=1, state_seed=99, state_cache=cache)
    # a later attempt at the same slot: another seed, another toolkit, the same world
    later = Environment(cat, ["Ledger", "Diary"], seed=2, state_seed=99, state_cache=cache)
    assert first.world == later.world
    assert later.initial_state["Ledger"]["owner"] == first.initial_state["Diary"]["owner"]
    assert later.initial_state["Diary"] == first.initial_state["Diary"]
    others = {Environment(cat, ["Diary"], seed=1, state_seed=s).world for s in range(20)}
    assert len(others) > 15


def test_factories_of_every_form_are_told_apart():
    seen = []

    def plain(rng):  # no world
        return {"n": rng.randrange(5)}

    def keyword(rng, *, world):  # keyword-only world
        seen.append(world)
        return {"who": world.name}

    class Made:  # a callable object whose __call__ takes the world
        def __call__(self, rng, world=None):
            seen.append(world)
            return {"city": world.city}

    for factory, key in ((plain, "n"), (keyword, "who"), (Made(), "city")):
        cat = _catalog(Counter=(Counter, factory))
        env = Environment(cat, ["Counter"], seed=0, state_seed=4)
        assert set(env.initial_state["Counter"]) == {key}
    assert seen == [Environment(_catalog(), [], seed=0, state_seed=4).world] * 2


def test_the_signature_is_read_once_per_function(monkeypatch):
    calls = []
    real = inspect.signature

    def counting(obj, *args, **kwargs):
        calls.append(obj)
        return real(obj, *args, **kwargs)

    class Fresh(Diary):  # a function the cache has not seen
        @classmethod
        def generate_state(cls, rng: random.Random, world: World | None = None) -> dict:
            return {"owner": (world or draw_world(rng)).name}

    monkeypatch.setattr(execute.inspect, "signature", counting)
    cat = _catalog(Fresh=(Fresh, Fresh.generate_state))
    owners = {Environment(cat, ["Fresh"], seed=s, state_seed=s).initial_state["Fresh"]["owner"] for s in range(8)}
    assert len(owners) > 3
    assert calls == [Fresh.generate_state.__func__]


BUILTIN_WORLD_KITS = (banking.Banking, calendar_app.Calendar, files.FileSystem, maps.Maps, messaging.Messaging,
                      shop.Shop, travel.Travel)


@pytest.mark.parametrize("cls", BUILTIN_WORLD_KITS, ids=lambda c: c.__name__)
def test_builtin_toolkits_take_the_world_and_draw_one_without_it(cls):
    assert "world" in inspect.signature(cls.generate_state).parameters
    for seed in range(3):
        alone = cls.generate_state(random.Random(seed))
        rng = random.Random(seed)
        assert alone == cls.generate_state(rng, world=draw_world(rng))  # the same draws in the same order


def test_smarthome_keeps_the_old_contract():
    assert "world" not in inspect.signature(smarthome.SmartHome.generate_state).parameters


@pytest.mark.parametrize("seed", range(6))
def test_builtin_states_say_what_the_world_says(seed):
    world = draw_world(random.Random(seed))
    rng = random.Random(seed + 100)
    cal = calendar_app.Calendar.generate_state(rng, world)
    assert (cal["today"], cal["owner_email"]) == (world.today, world.email)
    assert all(world.email not in e["attendees"] for e in cal["events"].values())
    msg = messaging.Messaging.generate_state(rng, world)
    assert msg["now"] == world.now
    assert msg["owner"] == {"name": world.name, "email": world.email, "phone": world.phone}
    assert all(m["sent_at"] < world.now for m in msg["messages"].values())
    assert world.name not in {c["name"] for c in msg["contacts"].values()}
    bank = banking.Banking.generate_state(rng, world)
    assert (bank["today"], bank["holder"]) == (world.today, world.name)
    assert all(t["date"] < world.today for t in bank["transactions"].values())
    store = shop.Shop.generate_state(rng, world)
    assert (store["today"], store["customer"]["name"]) == (world.today, world.name)
    assert store["customer"]["addresses"][0] == world.address
    assert all(o["placed_date"] <= world.today for o in store["orders"].values())
    trip = travel.Travel.generate_state(rng, world)
    assert (trip["today"], trip["home_city"], trip["travelers"][0]) == (world.today, world.city, world.name)
    assert all(card["holder"] == world.name for card in trip["cards"].values())
    where = maps.Maps.generate_state(rng, world)
    assert (where["today"], where["home_city"]) == (world.today, world.city)
    assert where["saved_places"]["home"]["address"] == f"{world.street}, {world.city}"
    fs = files.FileSystem.generate_state(rng, world)
    assert fs["home"] == f"/home/{world.first_name.lower()}"
    assert any(f"{world.first_name} {world.last_name}" in text for text in fs["files"].values())


def test_a_city_a_toolkit_does_not_know_is_replaced():
    world = dataclasses.replace(draw_world(random.Random(2)), city="Atlantis")
    trip = travel.Travel.generate_state(random.Random(2), world)
    where = maps.Maps.generate_state(random.Random(2), world)
    assert trip["home_city"] in travel.CITIES and where["home_city"] != "Atlantis"
    assert trip["travelers"][0] == world.name and where["today"] == world.today
