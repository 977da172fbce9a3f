"""Built-in toolkits, part 2: Travel, Banking, Shop, SmartHome.

Every tool is exercised on its success path and its error cases; states round-trip, seeded
states are deterministic and varied, outputs are JSON, ids flow between tools and toolkits
(long dependencies: a booking, order or scene id used several calls later).
"""

from __future__ import annotations

import inspect
import random
import re

import orjson
import pytest

from magnet_graph.toolkit import Toolkit
from tool_catalogs._data_b import add_days
from tool_catalogs.banking import Banking
from tool_catalogs.shop import Shop
from tool_catalogs.smarthome import SmartHome
from tool_catalogs.travel import Travel

KITS = (Travel, Banking, Shop, SmartHome)
_TOOLKIT_API = set(dir(Toolkit))


def tools_of(cls: type[Toolkit]) -> dict[str, object]:
    return {n: f for n, f in vars(cls).items()
            if inspect.isfunction(f) and not n.startswith("_") and n not in _TOOLKIT_API}


def ok(out: dict) -> dict:
    """The output, asserting it is not an error."""
    assert isinstance(out, dict) and "error" not in out, out
    return out


def err(out: dict, *words: str) -> str:
    """The error message, asserting it mentions every word (case-insensitive)."""
    assert isinstance(out, dict) and set(out) == {"error"}, out
    for w in words:
        assert w.lower() in out["error"].lower(), (w, out["error"])
    return out["error"]


# -- shared properties ------------------------------------------------------------------------

def test_tool_counts():
    counts = {cls.__name__: len(tools_of(cls)) for cls in KITS}
    assert all(8 <= n <= 12 for n in counts.values()), counts
    assert sum(counts.values()) >= 36


@pytest.mark.parametrize("cls", KITS)
def test_hints_cover_every_tool_with_known_placeholders(cls):
    tools = tools_of(cls)
    assert set(cls.hints) == set(tools)
    for name, templates in cls.hints.items():
        params = set(inspect.signature(tools[name]).parameters) - {"self"}
        assert 3 <= len(templates) <= 5, name
        assert len(set(templates)) == len(templates), name
        for t in templates:
            used = set(re.findall(r"{(\w+)}", t))
            assert used <= params, (name, t, used - params)
            if "_" in name:  # never the identifier itself (a plain word such as "transfer" is fine)
                assert name not in t.lower(), (name, t)
        required = {p.name for p in inspect.signature(tools[name]).parameters.values()
                    if p.name != "self" and p.default is inspect.Parameter.empty}
        # at least one template states every required value
        assert any(required <= set(re.findall(r"{(\w+)}", t)) for t in templates), name


@pytest.mark.parametrize("cls", KITS)
def test_methods_follow_the_schema_conventions(cls):
    for name, fn in tools_of(cls).items():
        sig = inspect.signature(fn)
        hints = fn.__annotations__
        doc = inspect.getdoc(fn) or ""
        assert "Returns:" in doc, name
        for p in list(sig.parameters)[1:]:
            assert p in hints, (name, p)
            assert re.search(rf"^\s+{p}: \S", doc, re.M), (name, p)
        ret = hints.get("return")
        assert isinstance(ret, type) and issubclass(ret, dict) and ret.__annotations__, name


@pytest.mark.parametrize("cls", KITS)
def test_state_round_trip(cls):
    state = cls.default_state()
    assert orjson.loads(orjson.dumps(state)) == state
    tk = cls(state)
    assert tk.state() == state and tk.state() is not state
    assert cls().state() == state  # the default is fixed
    seeded = cls.generate_state(random.Random(5))
    assert cls(seeded).state() == seeded


@pytest.mark.parametrize("cls", KITS)
def test_generate_state_is_deterministic_and_varied(cls):
    blobs = [orjson.dumps(cls.generate_state(random.Random(seed))) for seed in range(6)]
    again = [orjson.dumps(cls.generate_state(random.Random(seed))) for seed in range(6)]
    assert blobs == again
    assert len(set(blobs)) == 6
    assert all(len(b) < 20_000 for b in blobs)  # small: copied once per conversation


def _scripts():
    """A call sequence per toolkit touching every tool (args may come from earlier outputs)."""
    def travel(tk: Travel) -> list:
        out = []
        home = tk.get_airport_code(tk.data["home_city"])
        dest = tk.get_airport_code("Paris" if tk.data["home_city"] != "Paris" else "Rome")
        day = tk.candidates("search_flights", "date")[2]
        flights = tk.search_flights(home["airport_code"], dest["airport_code"], day)
        fid = next(f["flight_id"] for f in flights["flights"] if f["seats_left"])
        card = max(tk.data["cards"].values(), key=lambda c: c["available_credit"])["card_id"]
        out += [home, dest, flights, tk.get_flight_cost(fid, "economy")]
        bk = tk.book_flight(fid, "economy", tk.data["travelers"][0], card)
        hotels = tk.search_hotels("Paris", day, 2)
        hid = next(h["hotel_id"] for h in hotels["hotels"] if h["rooms_left"])
        out += [bk, hotels, tk.book_hotel(hid, day, 2, tk.data["travelers"][0], card), tk.list_payment_cards()]
        bid = bk.get("booking_id", "BK-0001")
        out += [tk.get_booking(bid), tk.list_bookings(), tk.check_in(bid), tk.get_invoice(bid), tk.cancel_booking(bid)]
        return out

    def banking(tk: Banking) -> list:
        a, b = list(tk.data["accounts"])[:2]
        out = [tk.list_accounts(), tk.get_balance(a), tk.transfer(a, b, 10.0, "test"), tk.list_bills()]
        bill = next(iter(tk.data["bills"].values()))
        out += [tk.pay_bill(a, bill["payee"], bill["amount"], bill["invoice_id"], bill["currency"]),
                tk.list_transactions(a, 3)]
        out += [tk.get_transaction(out[-1]["transactions"][0]["transaction_id"]), tk.get_exchange_rate("USD", "EUR"),
                tk.convert_currency(99.5, "GBP", "JPY"), tk.set_spending_limit(a, 750.0)]
        return out

    def shop(tk: Shop) -> list:
        query = tk.candidates("search_products", "query")[0]
        found = tk.search_products(query)
        pid = next(p for p, v in tk.data["products"].items() if v["stock"] > 1)
        out = [found, tk.get_product(pid), tk.add_to_cart(pid, 1), tk.view_cart()]
        code = (tk.candidates("apply_coupon", "coupon_code") or ["WELCOME10"])[0]
        out += [tk.apply_coupon(code), tk.remove_from_cart(pid), tk.add_to_cart(pid, 2)]
        order = tk.place_order(tk.data["customer"]["addresses"][0], next(iter(tk.data["saved_cards"])))
        oid = order.get("order_id", "ORD-0001")
        out += [order, tk.list_orders(), tk.get_order(oid), tk.track_shipment(oid), tk.cancel_order(oid)]
        rets = tk.candidates("return_item", "order_id")
        if rets:
            out.append(tk.return_item(rets[0], tk.candidates("return_item", "product_id")[0], "damaged"))
        return out

    def home(tk: SmartHome) -> list:
        devs = tk.list_devices()
        ids = [d["device_id"] for d in devs["devices"]]
        out = [devs, tk.get_device_status(ids[0])]
        for dev in tk.data["devices"].values():
            if not dev["online"]:
                continue
            t, i = dev["type"], dev["device_id"]
            if t == "light":
                out += [tk.turn_on(i), tk.set_brightness(i, 35), tk.turn_off(i)]
            elif t == "thermostat":
                out += [tk.set_thermostat(i, 70, "fahrenheit")]
            elif t == "lock":
                out += [tk.unlock_door(i, tk.data["door_pin"]), tk.lock_door(i)]
        scene = tk.create_scene("Test Scene", ids[:3])
        out += [scene, tk.list_scenes(), tk.activate_scene(scene["scene_id"]), tk.get_energy_usage(ids[-1], 30)]
        return out

    return {Travel: travel, Banking: banking, Shop: shop, SmartHome: home}


SCRIPTS = _scripts()


@pytest.mark.parametrize("cls", KITS)
@pytest.mark.parametrize("seed", [None, 1, 2, 3])
def test_scripted_calls_are_json_and_replay_exactly(cls, seed):
    state = cls.default_state() if seed is None else cls.generate_state(random.Random(seed))
    first, second = cls(state), cls(state)
    outs = SCRIPTS[cls](first)
    assert orjson.dumps(outs) == orjson.dumps(SCRIPTS[cls](second))
    assert orjson.dumps(first.state()) == orjson.dumps(second.state())
    assert state == cls(state).state()  # the initial state was not touched
    if seed is None:
        for o in outs:
            ok(o)


@pytest.mark.parametrize("cls", KITS)
@pytest.mark.parametrize("seed", range(8))
def test_single_value_candidates_are_accepted(cls, seed):
    """Each candidate of the one required parameter of a lookup tool works in that state."""
    tk = cls(cls.generate_state(random.Random(seed)))
    lookups = {"get_booking", "get_invoice", "check_in", "get_balance", "get_transaction", "list_transactions",
               "get_product", "get_order", "track_shipment", "get_device_status", "get_energy_usage",
               "get_airport_code", "activate_scene", "lock_door", "turn_on", "search_products", "cancel_booking"}
    for name, fn in tools_of(cls).items():
        if name not in lookups:
            continue
        params = [p for p in list(inspect.signature(fn).parameters.values())[1:]
                  if p.default is inspect.Parameter.empty]
        assert len(params) == 1, name
        for value in tk.candidates(name, params[0].name):
            fresh = cls(tk.state())
            ok(getattr(fresh, name)(value))


# -- Travel -----------------------------------------------------------------------------------

@pytest.fixture
def travel():
    return Travel()


def _flight(tk: Travel, o="SFO", d="LHR", day="2025-07-01", cls_="economy") -> str:
    flights = ok(tk.search_flights(o, d, day))["flights"]
    return next(f["flight_id"] for f in flights if tk.get_flight_cost(f["flight_id"], cls_)["seats_left"] > 0)


def test_airport_codes(travel):
    assert ok(travel.get_airport_code("Paris"))["airport_code"] == "CDG"
    assert ok(travel.get_airport_code("  new york city "))["airport_code"] == "JFK"
    assert ok(travel.get_airport_code("tokyo"))["city"] == "Tokyo"
    err(travel.get_airport_code("Springfield"), "Springfield")
    near = ok(travel.get_airport_code("Palo Alto"))  # no airport of its own: the nearest one
    assert (near["city"], near["airport_code"]) == ("San Jose", "SJC")
    assert ok(travel.search_flights("SFO", "OAK", "2025-06-20"))["flights"] == []  # too close to fly
    assert "OAK" not in travel.candidates("search_flights", "destination_airport_code")


def test_search_flights(travel):
    out = ok(travel.search_flights("sfo", "JFK", "2025-06-20"))
    assert out["origin_airport_code"] == "SFO" and 2 <= len(out["flights"]) <= 3
    for f in out["flights"]:
        assert f["flight_id"].endswith("-20250620") and f["currency"] == "USD" and f["price"] > 50
        assert re.fullmatch(r"\d\d:\d\d( \(\+1\))?", f["arrival_time"])
    paris = ok(travel.search_flights("CDG", "LHR", "2025-06-20"))
    assert {f["currency"] for f in paris["flights"]} == {"EUR"}  # priced in the origin's currency
    err(travel.search_flights("XYZ", "JFK", "2025-06-20"), "XYZ")
    err(travel.search_flights("JFK", "JFK", "2025-06-20"), "same")
    err(travel.search_flights("SFO", "JFK", "2025-05-01"), "past", "2025-06-02")
    err(travel.search_flights("SFO", "JFK", "2025-13-01"), "YYYY-MM-DD")
    err(travel.search_flights("SFO", "JFK", "June 20"), "YYYY-MM-DD")


def test_flight_cost_by_class(travel):
    fid = _flight(travel)
    costs = [ok(travel.get_flight_cost(fid, c))["cost"] for c in ("economy", "premium_economy", "business", "first")]
    assert costs == sorted(costs) and len(set(costs)) == 4
    short = ok(travel.search_flights("SFO", "LAX", "2025-06-20"))["flights"][0]["flight_id"]
    assert ok(travel.get_flight_cost(short, "first"))["seats_left"] == 0  # no first class on short hops
    err(travel.get_flight_cost("ZZ999-20250620"), "flight_id")
    err(travel.get_flight_cost(fid, "luxury"), "travel_class")


def test_book_flight_charges_the_card(travel):
    fid = _flight(travel)
    cost = ok(travel.get_flight_cost(fid, "economy"))["cost"]
    before = travel.data["cards"]["CARD-4821"]["available_credit"]
    out = ok(travel.book_flight(fid, "economy", "Maya Chen", "CARD-4821"))
    assert out["booking_id"] == "BK-0002" and out["total_cost"] == cost and out["status"] == "confirmed"
    assert travel.data["cards"]["CARD-4821"]["available_credit"] == pytest.approx(before - cost)
    assert travel.data["bookings"]["BK-0002"]["passenger_name"] == "Maya Chen"
    assert travel.data["next_booking"] == 3


def test_book_flight_errors(travel):
    fid = _flight(travel)
    err(travel.book_flight(fid, "business", "Maya Chen", "CARD-7730"), "declined", "CARD-7730", "450.00 USD")
    err(travel.book_flight(fid, "economy", "Maya Chen", "CARD-0000"), "CARD-0000", "CARD-4821")
    err(travel.book_flight(fid, "economy", " ", "CARD-4821"), "passenger_name")
    err(travel.book_flight("UA1-20250701", "economy", "Maya Chen", "CARD-4821"), "flight_id")
    past = fid.split("-")[0] + "-20250101"
    err(travel.book_flight(past, "economy", "Maya Chen", "CARD-4821"), "past")
    assert len(travel.data["bookings"]) == 1  # nothing was booked by the failures


def test_flight_sells_out(travel):
    fid = _flight(travel, "SFO", "LHR", "2025-07-03", "first")
    travel.data["cards"]["CARD-4821"]["available_credit"] = 10_000_000.0
    seats = ok(travel.get_flight_cost(fid, "first"))["seats_left"]
    for _ in range(seats):
        ok(travel.book_flight(fid, "first", "Maya Chen", "CARD-4821"))
    assert travel.get_flight_cost(fid, "first")["seats_left"] == 0
    err(travel.book_flight(fid, "first", "Maya Chen", "CARD-4821"), "sold out")


def test_get_and_list_bookings(travel):
    b = ok(travel.get_booking("BK-0001"))
    assert b["kind"] == "flight" and b["origin_airport_code"] == "SFO" and b["destination_airport_code"] == "JFK"
    err(travel.get_booking("BK-9999"), "BK-9999")
    assert [x["booking_id"] for x in ok(travel.list_bookings())["bookings"]] == ["BK-0001"]
    assert ok(travel.list_bookings("cancelled"))["bookings"] == []


def test_cancel_booking_refunds_by_fare(travel):
    credit = travel.data["cards"]["CARD-4821"]["available_credit"]
    total = travel.data["bookings"]["BK-0001"]["total_cost"]
    out = ok(travel.cancel_booking("BK-0001"))
    assert out["refund_amount"] == round(total * 0.5, 2)  # economy: half back
    assert travel.data["cards"]["CARD-4821"]["available_credit"] == pytest.approx(credit + out["refund_amount"])
    assert travel.data["bookings"]["BK-0001"]["status"] == "cancelled"
    assert [x["booking_id"] for x in travel.list_bookings("cancelled")["bookings"]] == ["BK-0001"]
    err(travel.cancel_booking("BK-0001"), "already cancelled")
    err(travel.cancel_booking("BK-0042"), "BK-0042")
    fid = _flight(travel, cls_="business")
    bk = ok(travel.book_flight(fid, "business", "Maya Chen", "CARD-4821"))
    assert ok(travel.cancel_booking(bk["booking_id"]))["refund_amount"] == bk["total_cost"]


def test_invoice_is_issued_once(travel):
    first = ok(travel.get_invoice("BK-0001"))
    assert first["invoice_id"] == "INV-0001" and first["payee"] == "Skyline Travel"
    assert first["amount"] == travel.data["bookings"]["BK-0001"]["total_cost"]
    assert ok(travel.get_invoice("BK-0001")) == first
    refund = ok(travel.cancel_booking("BK-0001"))["refund_amount"]
    after = ok(travel.get_invoice("BK-0001"))
    assert after["invoice_id"] == "INV-0001" and after["amount"] == pytest.approx(first["amount"] - refund)
    err(travel.get_invoice("BK-0404"), "BK-0404")


def test_check_in(travel):
    out = ok(travel.check_in("BK-0001"))
    assert re.fullmatch(r"(2\d|3\d|4[0-4])[A-F]", out["seat"]) and out["boarding_group"] >= 3
    assert travel.data["bookings"]["BK-0001"]["seat"] == out["seat"]
    err(travel.check_in("BK-0001"), "already checked in", out["seat"])
    hotel = ok(travel.search_hotels("Paris", "2025-06-20", 2))["hotels"]
    hid = next(h["hotel_id"] for h in hotel if h["rooms_left"])
    hb = ok(travel.book_hotel(hid, "2025-06-20", 2, "Maya Chen", "CARD-4821"))
    assert hb["booking_id"] == "HR-0002"  # hotel reservations share the counter, not the prefix
    err(travel.check_in(hb["booking_id"]), "hotel")
    fid = _flight(travel)
    bk = ok(travel.book_flight(fid, "economy", "Daniel Okafor", "CARD-4821"))["booking_id"]
    ok(travel.cancel_booking(bk))
    err(travel.check_in(bk), "cancelled")


def test_hotels(travel):
    out = ok(travel.search_hotels("rome", "2025-06-10", 3))
    assert out["city"] == "Rome" and out["check_out_date"] == "2025-06-13" and len(out["hotels"]) == 4
    for h in out["hotels"]:
        assert h["total_price"] == pytest.approx(h["nightly_rate"] * 3) and h["currency"] == "EUR"
    err(travel.search_hotels("Atlantis", "2025-06-10", 3), "Atlantis")
    err(travel.search_hotels("Rome", "2025-06-10", 0), "nights")
    err(travel.search_hotels("Rome", "2025-06-01", 1), "past")
    free = next(h for h in out["hotels"] if h["rooms_left"])
    bk = ok(travel.book_hotel(free["hotel_id"], "2025-06-10", 3, "Daniel Okafor", "CARD-4821"))
    assert bk["total_cost"] == free["total_price"] and bk["check_out_date"] == "2025-06-13"
    again = ok(travel.search_hotels("Rome", "2025-06-10", 3))["hotels"]
    assert next(h for h in again if h["hotel_id"] == free["hotel_id"])["rooms_left"] == free["rooms_left"] - 1
    err(travel.book_hotel("HTL-0001", "2025-06-10", 3, "Daniel Okafor", "CARD-4821"), "hotel_id")
    err(travel.book_hotel(free["hotel_id"], "2025-06-10", 3, "Daniel Okafor", "CARD-7730"), "declined")


def test_fully_booked_hotel_is_refused(travel):
    for k in range(1, 60):
        day = f"2025-07-{k:02d}" if k <= 31 else f"2025-08-{k - 31:02d}"
        full = [h for h in ok(travel.search_hotels("London", day, 1))["hotels"] if h["rooms_left"] == 0]
        if full:
            err(travel.book_hotel(full[0]["hotel_id"], day, 1, "Maya Chen", "CARD-4821"), "fully booked")
            return
    pytest.fail("no fully booked hotel in two months of London dates")


def test_payment_cards(travel):
    cards = ok(travel.list_payment_cards())["cards"]
    assert [c["card_id"] for c in cards] == ["CARD-4821", "CARD-7730"]
    assert all(c["last4"] == c["card_id"][-4:] for c in cards)


def test_travel_long_dependency_flow(travel):
    """Book, do four unrelated things, then use the same booking id for invoice and cancellation."""
    fid = _flight(travel, "SFO", "CDG", "2025-08-01")
    bid = ok(travel.book_flight(fid, "premium_economy", "Maya Chen", "CARD-4821"))["booking_id"]
    ok(travel.search_hotels("Paris", "2025-08-01", 4))
    ok(travel.get_airport_code("Berlin"))
    ok(travel.list_payment_cards())
    ok(travel.check_in(bid))
    inv = ok(travel.get_invoice(bid))
    out = ok(travel.cancel_booking(bid))
    assert out["booking_id"] == bid == inv["booking_id"]
    assert travel.data["bookings"][bid]["status"] == "cancelled"
    assert out["refund_amount"] == pytest.approx(inv["amount"] * 0.75, abs=0.01)


def test_travel_invoice_pays_through_banking(travel):
    inv = ok(travel.get_invoice("BK-0001"))
    bank = Banking()
    paid = ok(bank.pay_bill("ACC-1021", inv["payee"], inv["amount"], inv["invoice_id"], inv["currency"]))
    assert paid["debited_amount"] == inv["amount"] and paid["invoice_id"] == inv["invoice_id"]
    assert bank.data["bills"][inv["invoice_id"]]["status"] == "paid"
    err(bank.pay_bill("ACC-1021", inv["payee"], inv["amount"], inv["invoice_id"], inv["currency"]), "already paid")


def test_travel_candidates(travel):
    for day in travel.candidates("search_flights", "date"):
        assert day > travel.data["today"]
    assert travel.candidates("check_in", "booking_id") == ["BK-0001"]
    ok(travel.check_in("BK-0001"))
    assert travel.candidates("check_in", "booking_id") == []
    for fid in travel.candidates("book_flight", "flight_id")[:4]:
        ok(travel.book_flight(fid, "economy", "Maya Chen", "CARD-4821"))
    for hid in travel.candidates("book_hotel", "hotel_id"):
        assert ok(travel.search_hotels("San Francisco", "2025-06-10", 1))["hotels"]
        assert hid.startswith("HTL-")


# -- Banking ----------------------------------------------------------------------------------

@pytest.fixture
def bank():
    return Banking()


def test_accounts_and_balance(bank):
    out = ok(bank.list_accounts())
    assert out["holder"] == "Maya Chen"
    assert [a["account_id"] for a in out["accounts"]] == ["ACC-1021", "ACC-3307", "ACC-5590"]
    assert ok(bank.get_balance("ACC-5590")) == {"account_id": "ACC-5590", "name": "Euro Account", "balance": 830.4,
                                                "currency": "EUR"}
    err(bank.get_balance("ACC-0000"), "ACC-0000", "ACC-1021")


def test_transfer(bank):
    out = ok(bank.transfer("ACC-1021", "ACC-3307", 250.0))
    assert out["from_balance"] == 2200.75 and out["to_balance"] == 13050.0 and out["credited_amount"] == 250.0
    tx = ok(bank.get_transaction(out["transaction_id"]))
    assert tx["direction"] == "debit" and tx["amount"] == 250.0 and tx["balance_after"] == 2200.75
    fx = ok(bank.transfer("ACC-1021", "ACC-5590", 100.0, "rent share"))
    assert fx["credited_amount"] == 92.0 and fx["to_currency"] == "EUR"
    assert "rent share" in bank.get_transaction(fx["transaction_id"])["description"]


def test_transfer_errors(bank):
    msg = err(bank.transfer("ACC-5590", "ACC-1021", 1000.0), "Insufficient funds")
    assert msg == "Insufficient funds: account ACC-5590 has 830.40 EUR, this transfer needs 1000.00 EUR."
    err(bank.transfer("ACC-1021", "ACC-1021", 5.0), "same account")
    err(bank.transfer("ACC-1021", "ACC-9", 5.0), "to_account_id", "ACC-9")
    err(bank.transfer("ACC-9", "ACC-1021", 5.0), "from_account_id")
    err(bank.transfer("ACC-1021", "ACC-3307", -5.0), "positive")
    err(bank.transfer("ACC-1021", "ACC-3307", 0), "positive")
    assert bank.data["accounts"]["ACC-1021"]["balance"] == 2450.75


def test_pay_known_bill(bank):
    err(bank.pay_bill("ACC-1021", "Northwind Energy", 64.18, "INV-58213"), "City Water Utility")
    err(bank.pay_bill("ACC-1021", "City Water Utility", 60.0, "INV-58213"), "64.18 USD")
    out = ok(bank.pay_bill("ACC-1021", "city water utility", 64.18, "INV-58213"))
    assert out["balance"] == 2386.57 and out["status"] == "paid"
    assert [b["invoice_id"] for b in bank.list_bills()["bills"]] == ["INV-77105"]
    assert [b["invoice_id"] for b in bank.list_bills("paid")["bills"]] == ["INV-58213"]
    err(bank.pay_bill("ACC-1021", "City Water Utility", 64.18, "INV-58213"), "already paid", out["transaction_id"])


def test_pay_foreign_invoice_converts(bank):
    out = ok(bank.pay_bill("ACC-1021", "Hotel Atlas", 100.0, "INV-0007", "EUR"))
    assert out["debited_amount"] == round(100 / 0.92, 2) and out["account_currency"] == "USD"
    err(bank.pay_bill("ACC-1021", "", 10.0, "INV-1"), "payee")


def test_spending_limit(bank):
    out = ok(bank.set_spending_limit("ACC-1021", 100.0))
    assert out == {"account_id": "ACC-1021", "spending_limit": 100.0, "currency": "USD", "spent_today": 0.0,
                   "remaining_today": 100.0}
    ok(bank.pay_bill("ACC-1021", "Metro Fiber Internet", 59.99, "INV-77105"))
    err(bank.transfer("ACC-1021", "ACC-3307", 50.0), "spending limit", "59.99 USD")
    assert ok(bank.set_spending_limit("ACC-1021", 500.0))["remaining_today"] == 440.01
    ok(bank.transfer("ACC-1021", "ACC-3307", 50.0))
    err(bank.set_spending_limit("ACC-1021", 0), "limit")
    err(bank.set_spending_limit("ACC-0", 10.0), "ACC-0")


def test_transactions(bank):
    txs = ok(bank.list_transactions("ACC-1021"))["transactions"]
    assert [t["transaction_id"] for t in txs] == ["TX-0004", "TX-0002", "TX-0001"]
    assert txs[0]["balance_after"] == 2450.75  # history ends at the current balance
    new = ok(bank.transfer("ACC-1021", "ACC-3307", 1.0))["transaction_id"]
    assert ok(bank.list_transactions("ACC-1021", 1))["transactions"][0]["transaction_id"] == new
    err(bank.list_transactions("ACC-1021", 0), "limit")
    err(bank.list_transactions("ACC-1021", 51), "limit")
    err(bank.get_transaction("TX-9999"), "TX-9999")


def test_rates_and_conversion(bank):
    usd_eur = ok(bank.get_exchange_rate("USD", "EUR"))["rate"]
    eur_usd = ok(bank.get_exchange_rate("EUR", "USD"))["rate"]
    assert usd_eur == 0.92 and usd_eur * eur_usd == pytest.approx(1, abs=1e-5)
    out = ok(bank.convert_currency(250.0, "USD", "JPY"))
    assert out["converted_amount"] == 37750.0 and out["rate"] == 151.0
    err(bank.convert_currency(-1, "USD", "EUR"), "amount")
    err(bank.get_exchange_rate("USD", "XXX"), "XXX")


def test_banking_long_dependency_flow(bank):
    """A transfer id read back after several other operations still describes that transfer."""
    tid = ok(bank.transfer("ACC-3307", "ACC-1021", 500.0, "vacation fund"))["transaction_id"]
    ok(bank.pay_bill("ACC-1021", "Metro Fiber Internet", 59.99, "INV-77105"))
    ok(bank.convert_currency(500.0, "USD", "EUR"))
    ok(bank.set_spending_limit("ACC-3307", 1000.0))
    tx = ok(bank.get_transaction(tid))
    assert tx["account_id"] == "ACC-3307" and tx["amount"] == 500.0 and tx["counterparty"] == "ACC-1021"


def test_generated_banks_have_consistent_history():
    for seed in range(10):
        state = Banking.generate_state(random.Random(seed))
        first = next(iter(state["accounts"].values()))
        assert first["type"] == "checking"
        for t in state["transactions"].values():
            assert t["balance_after"] >= 0 and t["date"] < state["today"]
        last = {}
        for t in state["transactions"].values():
            last[t["account_id"]] = t["balance_after"]
        for aid, bal in last.items():
            assert bal == state["accounts"][aid]["balance"]
        assert any(b["status"] == "unpaid" for b in state["bills"].values())


# -- Shop -------------------------------------------------------------------------------------

@pytest.fixture
def shop():
    return Shop()


ADDRESS = "1420 Valencia Street, San Francisco, CA 94110"


def test_search_products(shop):
    hits = ok(shop.search_products("Coffee makers"))["products"]
    assert [h["product_id"] for h in hits] == ["P-1020"]
    assert {h["product_id"] for h in ok(shop.search_products("kitchen"))["products"]} == {"P-1020", "P-1022"}
    cheap = ok(shop.search_products("electronics", 50))["products"]
    assert cheap and all(h["price"] <= 50 for h in cheap)
    assert ok(shop.search_products("earbuds"))["products"][0]["in_stock"] is False
    assert ok(shop.search_products("submarine"))["products"] == []
    err(shop.search_products("  "), "empty")
    err(shop.search_products("tent", -1), "max_price")


def test_get_product(shop):
    p = ok(shop.get_product("P-1011"))
    assert p["name"] == "Two-Person Camping Tent" and p["stock"] == 5 and p["currency"] == "USD"
    err(shop.get_product("P-0"), "P-0")


def test_cart(shop):
    cart = ok(shop.add_to_cart("P-1004", 2))
    assert cart["subtotal"] == 25.98 and cart["shipping"] == 5.99 and cart["total"] == 31.97
    cart = ok(shop.add_to_cart("P-1004", 1))
    assert cart["items"][0]["quantity"] == 3 and cart["shipping"] == 0.0 and cart["total"] == 38.97
    err(shop.add_to_cart("P-1002"), "out of stock")
    err(shop.add_to_cart("P-1027", 3), "Only 2")
    err(shop.add_to_cart("P-1001", 0), "quantity")
    err(shop.add_to_cart("P-7", 1), "P-7")
    assert ok(shop.remove_from_cart("P-1004"))["items"] == []
    err(shop.remove_from_cart("P-1004"), "not in the cart")
    assert ok(shop.view_cart())["total"] == 0.0


def test_coupons(shop):
    err(shop.apply_coupon("WELCOME10"), "empty")
    ok(shop.add_to_cart("P-1001", 1))
    err(shop.apply_coupon("SPRING20"), "expired")
    err(shop.apply_coupon("BOGUS"), "BOGUS")
    assert ok(shop.view_cart())["suggested_coupon_code"] == "WELCOME10"
    out = ok(shop.apply_coupon("welcome10"))
    assert (out["applied_coupon"], out["percent_off"], out["discount"], out["subtotal"], out["total"]) == (
        "WELCOME10", 10, 17.9, 179.0, 161.1)
    assert ok(shop.view_cart()) == out and "suggested_coupon_code" not in out
    shop.data["coupons"]["SAVE15"] = {"code": "SAVE15", "percent": 15, "min_subtotal": 100.0, "expires": "2026-01-01"}
    assert ok(shop.view_cart())["suggested_coupon_code"] == "SAVE15"  # a better one fits the cart
    shop.data["coupons"]["BIG50"] = {"code": "BIG50", "percent": 50, "min_subtotal": 500.0, "expires": "2026-01-01"}
    err(shop.apply_coupon("BIG50"), "at least 500.00 USD")
    emptied = ok(shop.remove_from_cart("P-1001"))
    assert (emptied["items"], emptied["total"], emptied["shipping"]) == ([], 0.0, 0.0)


def test_place_order(shop):
    err(shop.place_order(ADDRESS, "4242"), "cart is empty")
    ok(shop.add_to_cart("P-1011", 2))
    ok(shop.apply_coupon("WELCOME10"))
    err(shop.place_order(ADDRESS, "1111"), "1111", "4242")
    err(shop.place_order("home", "4242"), "shipping_address")
    order = ok(shop.place_order(ADDRESS, "Visa ending in 4242"))
    assert order["order_id"] == "ORD-0003" and order["status"] == "processing" and order["payment_card"] == "4242"
    assert order["total"] == 268.2 and order["eta_date"] > "2025-06-02"
    assert shop.data["products"]["P-1011"]["stock"] == 3
    assert ok(shop.view_cart())["items"] == [] and shop.data["cart"]["coupon"] == ""
    assert ok(shop.get_order("ORD-0003")) == order
    assert [o["order_id"] for o in ok(shop.list_orders())["orders"]] == ["ORD-0003", "ORD-0002", "ORD-0001"]
    assert [o["order_id"] for o in ok(shop.list_orders("processing"))["orders"]] == ["ORD-0003"]
    err(shop.get_order("ORD-9999"), "ORD-9999")


def test_cancel_order(shop):
    ok(shop.add_to_cart("P-1027", 2))
    oid = ok(shop.place_order(ADDRESS, "5100"))["order_id"]
    assert shop.data["products"]["P-1027"]["stock"] == 0
    out = ok(shop.cancel_order(oid))
    assert out["refund_amount"] == 58.0 and out["payment_card"] == "5100"
    assert shop.data["products"]["P-1027"]["stock"] == 2
    err(shop.cancel_order(oid), "already cancelled")
    err(shop.cancel_order("ORD-0002"), "shipped", "return")
    err(shop.cancel_order("ORD-0001"), "delivered")
    err(shop.track_shipment(oid), "cancelled")


def test_track_shipment(shop):
    assert ok(shop.track_shipment("ORD-0002"))["status"] == "in_transit"
    done = ok(shop.track_shipment("ORD-0001"))
    assert done["status"] == "delivered" and done["last_location"] == "San Francisco"
    assert re.fullmatch(r"1Z\d{16}", done["tracking_number"])
    ok(shop.add_to_cart("P-1001", 1))
    new = ok(shop.place_order(ADDRESS, "4242"))
    t = ok(shop.track_shipment(new["order_id"]))
    assert t["status"] == "label_created" and t["tracking_number"] == new["tracking_number"]
    err(shop.track_shipment("ORD-0404"), "ORD-0404")


def test_return_item(shop):
    out = ok(shop.return_item("ORD-0001", "P-1004", "no_longer_needed"))
    assert out["return_id"] == "RET-0001" and out["quantity"] == 2 and out["refund_amount"] == 25.98
    err(shop.return_item("ORD-0001", "P-1004", "damaged"), "already", "RET-0001")
    err(shop.return_item("ORD-0001", "P-1001", "damaged"), "not in order", "P-1022")
    err(shop.return_item("ORD-0002", "P-1020", "damaged"), "shipped")
    err(shop.return_item("ORD-0404", "P-1020", "damaged"), "ORD-0404")
    shop.data["today"] = "2025-07-30"
    err(shop.return_item("ORD-0001", "P-1022", "damaged"), "return window")


def test_shop_long_dependency_flow(shop):
    """An order id from checkout is used three calls later to track and then cancel the order."""
    pid = ok(shop.search_products("tent"))["products"][0]["product_id"]
    ok(shop.add_to_cart(pid, 1))
    oid = ok(shop.place_order(ADDRESS, "4242"))["order_id"]
    ok(shop.search_products("coffee"))
    ok(shop.add_to_cart("P-1020", 1))
    ok(shop.view_cart())
    ok(shop.track_shipment(oid))
    ok(shop.cancel_order(oid))
    assert shop.data["orders"][oid]["status"] == "cancelled"
    assert shop.data["products"][pid]["stock"] == 5
    assert [i["product_id"] for i in ok(shop.view_cart())["items"]] == ["P-1020"]  # the new cart is untouched


def test_generated_shop_returns_follow_the_window():
    seen_open = seen_closed = 0
    for seed in range(12):
        tk = Shop(Shop.generate_state(random.Random(seed)))
        for o in tk.data["orders"].values():
            if o["status"] != "delivered":
                continue
            out = tk.return_item(o["order_id"], o["items"][0]["product_id"], "damaged")
            if o["delivered_date"] >= add_days(tk.data["today"], -30):
                ok(out)
                seen_open += 1
            else:
                err(out, "return window")
                seen_closed += 1
    assert seen_open and seen_closed


# -- SmartHome ------------------------------------------------------------------------------

@pytest.fixture
def home():
    return SmartHome()


LAMP, LIGHT = "light.living_room_floor_lamp", "light.kitchen_ceiling"
THERMO, LOCK = "thermostat.hallway", "lock.front_door"
PLUG, TV = "plug.coffee_machine", "tv.living_room"


def test_list_devices(home):
    out = ok(home.list_devices())
    assert out["home"] == "Maple Street House" and len(out["devices"]) == 6
    assert {d["device_id"]: d["status"] for d in out["devices"]}[LAMP] == "on at 60%"
    kitchen = ok(home.list_devices("Kitchen"))["devices"]
    assert {d["device_id"] for d in kitchen} == {LIGHT, PLUG}
    err(home.list_devices("attic"), "attic", "kitchen")


def test_device_status(home):
    st = ok(home.get_device_status(LOCK))
    assert st["locked"] is True and st["status"] == "locked" and "watts" not in st
    err(home.get_device_status("garage-door"), "garage-door")


def test_power(home):
    assert ok(home.turn_on(LIGHT)) == {"device_id": LIGHT, "name": "Ceiling Light", "power": "on", "changed": True}
    assert ok(home.turn_on(LIGHT))["changed"] is False
    assert ok(home.turn_off(LIGHT))["power"] == "off"
    err(home.turn_on(LOCK), "door lock")
    home.data["devices"][LAMP]["online"] = False
    err(home.turn_off(LAMP), "offline")
    assert home.list_devices()["devices"][1]["status"] == "offline"
    cam = SmartHome({**home.data, "devices": {"cam": {"device_id": "cam", "name": "Cam", "type": "camera",
                                                      "room": "garden", "online": True, "watts": 5, "power": "on"}}})
    err(cam.turn_off("cam"), "security")


def test_brightness(home):
    assert ok(home.set_brightness(LIGHT, 35)) == {"device_id": LIGHT, "brightness": 35, "power": "on"}
    err(home.set_brightness(LIGHT, 0), "1 to 100")
    err(home.set_brightness(LIGHT, 101), "1 to 100")
    err(home.set_brightness(THERMO, 50), "thermostat", "not a light")


def test_thermostat(home):
    out = ok(home.set_thermostat(THERMO, 72, "fahrenheit"))
    assert out["target_temperature"] == 72.0 and out["current_temperature"] == 68.0 and out["mode"] == "heat"
    assert home.data["devices"][THERMO]["target_temperature"] == 22.2  # stored in celsius
    assert ok(home.set_thermostat(THERMO, 18.5))["mode"] == "cool"
    err(home.set_thermostat(THERMO, 72), "out of range", "10-30")
    err(home.set_thermostat(THERMO, 40, "fahrenheit"), "50-86")
    err(home.set_thermostat(LIGHT, 20), "not a thermostat")


def test_locks(home):
    err(home.unlock_door(LOCK, "0000"), "Wrong PIN", "2 tries")
    assert ok(home.unlock_door(LOCK, "4821")) == {"device_id": LOCK, "name": "Front Door Lock", "locked": False,
                                                   "changed": True}
    assert home.data["devices"][LOCK]["failed_attempts"] == 0
    assert ok(home.lock_door(LOCK))["changed"] is True
    assert ok(home.lock_door(LOCK))["changed"] is False
    for left in ("2 tries", "1 try", "0 tries"):
        err(home.unlock_door(LOCK, "1234"), left)
    err(home.unlock_door(LOCK, "4821"), "disabled")  # even the right PIN, after three misses
    assert home.data["devices"][LOCK]["locked"] is True
    err(home.lock_door(LIGHT), "not a lock")


def test_scenes(home):
    assert ok(home.list_scenes()) == {"scenes": [{"scene_id": "SC-001", "name": "Movie Night",
                                                  "device_ids": [LAMP, TV]}]}
    err(home.create_scene("movie night", [LIGHT]), "already exists")
    err(home.create_scene("Evening", []), "device_ids")
    err(home.create_scene("Evening", [LIGHT, "nope"]), "nope")
    err(home.create_scene(" ", [LIGHT]), "name")
    ok(home.unlock_door(LOCK, "4821"))
    scene = ok(home.create_scene("Evening", [LIGHT, LOCK, THERMO]))
    assert scene["scene_id"] == "SC-002"
    assert [d["settings"] for d in scene["devices"]] == [
        {"power": "off", "brightness": 80}, {"locked": True}, {"power": "on", "target_temperature": 21.0}]
    err(home.activate_scene("SC-404"), "SC-404")


def test_scene_long_dependency_flow(home):
    """Save a scene, change its devices over several calls, then the scene id restores them."""
    ok(home.set_brightness(LIGHT, 30))
    sid = ok(home.create_scene("Reading", [LIGHT, LAMP, LOCK]))["scene_id"]
    ok(home.turn_off(LIGHT))
    ok(home.turn_on(LAMP))
    ok(home.set_brightness(LAMP, 100))
    ok(home.unlock_door(LOCK, "4821"))
    ok(home.get_energy_usage(LIGHT, 7))
    out = ok(home.activate_scene(sid))
    assert out["changed_device_ids"] == [LIGHT, LAMP, LOCK] and out["skipped_device_ids"] == []
    devs = home.data["devices"]
    assert (devs[LIGHT]["power"], devs[LIGHT]["brightness"]) == ("on", 30)
    assert (devs[LAMP]["power"], devs[LAMP]["brightness"]) == ("on", 60)
    assert devs[LOCK]["locked"] is True
    assert ok(home.activate_scene(sid))["changed_device_ids"] == []
    devs[LAMP]["online"] = False
    ok(home.turn_off(LIGHT))
    assert ok(home.activate_scene(sid))["skipped_device_ids"] == [LAMP]


def test_energy_usage(home):
    week = ok(home.get_energy_usage(PLUG, 7))
    month = ok(home.get_energy_usage(PLUG, 28))
    assert 3.2 < month["kwh"] / week["kwh"] < 4.9  # about four weeks' worth
    assert week["cost"] == round(week["kwh"] * 0.21, 2) and week["currency"] == "USD"
    lamp = ok(home.get_energy_usage(LAMP, 7))
    assert lamp["kwh"] < week["kwh"]  # a 9 W lamp uses less than a 1100 W coffee machine
    err(home.get_energy_usage(LAMP, 0), "days")
    err(home.get_energy_usage("toaster", 7), "toaster")


def test_home_candidates_fit_their_tools():
    checked = 0
    for seed in range(8):
        tk = SmartHome(SmartHome.generate_state(random.Random(seed)))
        checked += sum(len(tk.candidates(t, "device_id")) for t in ("set_thermostat", "unlock_door", "set_brightness"))
        for dev in tk.candidates("set_thermostat", "device_id"):
            for t in tk.candidates("set_thermostat", "temperature"):
                ok(SmartHome(tk.state()).set_thermostat(dev, t))
        for dev in tk.candidates("unlock_door", "device_id"):
            ok(SmartHome(tk.state()).unlock_door(dev, tk.candidates("unlock_door", "pin")[0]))
        for dev in tk.candidates("set_brightness", "device_id"):
            ok(SmartHome(tk.state()).set_brightness(dev, tk.candidates("set_brightness", "level")[0]))
        for ids in tk.candidates("create_scene", "device_ids"):
            ok(SmartHome(tk.state()).create_scene(tk.candidates("create_scene", "name")[0], ids))
    assert checked >= 8  # the loops above really ran: every generated home has such devices


# -- schemas (the catalog's extractor) ---------------------------------------------------------

def test_schemas_from_the_catalog_extractor():
    import magnet_graph.catalog.python as python
    total = 0
    for cls in KITS:
        tools = python.tools_from_class(cls)
        assert [t.name for t in tools] == list(tools_of(cls))
        for t in tools:
            total += 1
            assert t.description and t.hints == tuple(cls.hints[t.name])
            assert t.parameters["type"] == "object"
            for pname, schema in t.properties.items():
                assert schema.get("description"), (t.name, pname)
            assert t.returns and t.returns.get("properties"), t.name
    assert total >= 36


def test_id_patterns_tell_device_kinds_and_flight_bookings_apart():
    import magnet_graph.catalog.python as python
    import jsonschema

    def valid(cls, tool, args):
        schema = next(t for t in python.tools_from_class(cls) if t.name == tool).parameters
        return jsonschema.Draft202012Validator(schema).is_valid(args)

    assert valid(SmartHome, "lock_door", {"device_id": LOCK})
    assert not valid(SmartHome, "lock_door", {"device_id": LIGHT})
    assert valid(SmartHome, "set_thermostat", {"device_id": THERMO, "temperature": 21})
    assert not valid(SmartHome, "set_thermostat", {"device_id": LIGHT, "temperature": 21})
    assert not valid(SmartHome, "turn_off", {"device_id": "camera.doorbell"})
    assert valid(SmartHome, "turn_on", {"device_id": "camera.doorbell"})
    assert valid(SmartHome, "create_scene", {"name": "x", "device_ids": [LOCK, LIGHT]})
    assert valid(Travel, "check_in", {"booking_id": "BK-0001"})
    assert not valid(Travel, "check_in", {"booking_id": "HR-0002"})
    for dev in SmartHome.default_state()["devices"].values():  # every real id fits the generic pattern
        assert valid(SmartHome, "get_device_status", {"device_id": dev["device_id"]})
