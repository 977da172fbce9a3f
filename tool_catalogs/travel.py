"""Travel: flights and hotels, booked with a payment card on file.

The paper's long-dependency example lives here: ``book_flight`` returns a ``booking_id`` that
later turns use to check in, fetch the invoice (whose ``amount``/``invoice_id``/``payee`` feed
the banking toolkit's ``pay_bill``) or cancel. Flight schedules and hotels are fixed data
(``_data_b``); fares, seats and rooms are stable functions of the state's ``pricing_seed``,
the flight or hotel and the date, so a search needs no state and replays exactly.
"""

import math
import random
from typing import Annotated, Any, Literal, NamedTuple, TypedDict

from pydantic import Field

from magnet_graph.toolkit import Toolkit, World, draw_world

from ._data_b import (
    AIRLINES, AMENITIES, CARD_BRANDS, CITIES, CITY_ALIASES, HOTEL_ADJ, HOTEL_NOUN, HOTEL_PATTERNS,
    TRAVEL_AGENCIES, _unit_of, add_days, convert, day_error, day_ordinal, fmt, money, parse_day, person, unit,
)
from ._util import adopt, drawer, iso_day, round_to

__all__ = ["Travel"]

TravelClass = Literal["economy", "premium_economy", "business", "first"]
#: Flight bookings are ``BK-0001``, hotel reservations ``HR-0002`` (one counter for both).
FlightBookingId = Annotated[str, Field(pattern=r"^BK-\d{4}$")]
_CLASS_FACTOR = {"economy": 1.0, "premium_economy": 1.7, "business": 3.4, "first": 5.5}
_REFUND_SHARE = {"economy": 0.5, "premium_economy": 0.75, "business": 1.0, "first": 1.0}
MIN_FLIGHT_KM = 150
_SEAT_ROWS = {"first": (1, 2), "business": (3, 8), "premium_economy": (10, 14), "economy": (20, 44)}


# -- fixed schedule and hotels, built once at import -------------------------------------------

class _Flight(NamedTuple):
    number: str
    airline: str
    origin: str
    destination: str
    departure: int  # minutes after midnight
    duration: int  # minutes
    base_usd: float
    km: int


class _Hotel(NamedTuple):
    hotel_id: str
    name: str
    city: str
    stars: int
    base_usd: float
    amenities: tuple[str, ...]
    distance_km: float


def _km(a: tuple, b: tuple) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[4], a[5], b[4], b[5]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _build_schedule() -> tuple[dict[tuple[str, str], tuple[_Flight, ...]], dict[str, _Flight]]:
    routes: dict[tuple[str, str], tuple[_Flight, ...]] = {}
    by_number: dict[str, _Flight] = {}
    counters: dict[str, int] = {}
    for oc, o in CITIES.items():
        for dc, d in CITIES.items():
            if oc == dc:
                continue
            km = _km(o, d)
            if km < MIN_FLIGHT_KM:  # nobody flies San Francisco -> Oakland
                routes[(o[0], d[0])] = ()
                continue
            carriers = AIRLINES[o[2]] + (AIRLINES[d[2]] if d[2] != o[2] else ())
            flights = []
            for i in range(2 + int(unit("n", o[0], d[0]) * 2)):
                code, name = carriers[int(unit("c", o[0], d[0], i) * len(carriers))]
                counters[code] = counters.get(code, 100 + int(unit(code) * 60)) + 1 + int(unit("s", o[0], d[0], i) * 6)
                number = f"{code}{counters[code]}"
                departure = 6 * 60 + int(unit("t", o[0], d[0], i) * 192) * 5
                duration = int((km / 13.5 + 35) / 5) * 5
                f = _Flight(number, name, o[0], d[0], departure, duration, 49 + km * 0.085, int(km))
                flights.append(f)
                by_number[number] = f
            routes[(o[0], d[0])] = tuple(sorted(flights, key=lambda f: f.departure))
    return routes, by_number


def _build_hotels() -> tuple[dict[str, tuple[_Hotel, ...]], dict[str, _Hotel]]:
    by_city: dict[str, tuple[_Hotel, ...]] = {}
    by_id: dict[str, _Hotel] = {}
    n = 1001
    for city in CITIES:
        hotels = []
        for i in range(4):
            pattern = HOTEL_PATTERNS[int(unit("p", city, i) * len(HOTEL_PATTERNS))]
            name = pattern.format(city=city, adj=HOTEL_ADJ[int(unit("a", city, i) * len(HOTEL_ADJ))],
                                  noun=HOTEL_NOUN[int(unit("o", city, i) * len(HOTEL_NOUN))])
            stars = 2 + int(unit("s", city, i) * 4)
            amen = tuple(sorted({AMENITIES[int(unit("m", city, i, k) * len(AMENITIES))] for k in range(3)}))
            h = _Hotel(f"HTL-{n}", name, city, stars, 45.0 + stars * 55 + unit("b", city, i) * 60, amen,
                       round(0.3 + unit("d", city, i) * 9, 1))
            hotels.append(h)
            by_id[h.hotel_id] = h
            n += 1
        by_city[city] = tuple(hotels)
    return by_city, by_id


_ROUTES, _FLIGHTS = _build_schedule()
_HOTELS_BY_CITY, _HOTELS = _build_hotels()
_CODE_CITY = {v[0]: k for k, v in CITIES.items()}
_CITY_LOWER = {k.lower(): k for k in CITIES}
_CITY_NAMES = tuple(CITIES)
# city -> the cities with direct flights from it, in CITIES order
_REACHABLE = {home: [c for c in CITIES if _ROUTES.get((CITIES[home][0], CITIES[c][0]))] for home in CITIES}
# city -> the numbers of the flights to its first four reachable cities (Travel.candidates)
_FIRST_FLIGHTS = {home: tuple(f.number for c in _REACHABLE[home][:4] for f in _ROUTES[(CITIES[home][0], CITIES[c][0])])
                  for home in CITIES}
_CREDIT_LIMITS = (2500.0, 5000.0, 8000.0, 15000.0)
_CLASSES_DRAWN = ("economy", "economy", "business")


def _hhmm(minutes: int) -> str:
    day, m = divmod(minutes, 24 * 60)
    return f"{m // 60:02d}:{m % 60:02d}" + (f" (+{day})" if day else "")


# flight number -> (departure, arrival) as the flight search shows them
_TIMES = {f.number: (_hhmm(f.departure), _hhmm(f.departure + f.duration)) for f in _FLIGHTS.values()}


def _price(amount_usd: float, currency: str) -> float:
    return round_to(convert(amount_usd, "USD", currency), 0 if currency == "JPY" else 2)


# -- outputs --------------------------------------------------------------------------------

class AirportInfo(TypedDict):
    city: str
    airport_code: str
    airport_name: str
    country: str


class FlightOption(TypedDict):
    flight_id: str
    airline: str
    origin_airport_code: str
    destination_airport_code: str
    date: str
    departure_time: str
    arrival_time: str
    duration_minutes: int
    price: float
    currency: str
    seats_left: int


class FlightSearch(TypedDict):
    origin_airport_code: str
    destination_airport_code: str
    date: str
    flights: list[FlightOption]


class FlightCost(TypedDict):
    flight_id: str
    travel_class: str
    cost: float
    currency: str
    seats_left: int


class FlightBooking(TypedDict):
    booking_id: str
    flight_id: str
    travel_class: str
    passenger_name: str
    card_id: str
    total_cost: float
    currency: str
    status: str


class BookingDetails(TypedDict, total=False):
    booking_id: str
    kind: str
    status: str
    total_cost: float
    currency: str
    card_id: str
    flight_id: str
    airline: str
    origin_airport_code: str
    destination_airport_code: str
    date: str
    departure_time: str
    travel_class: str
    passenger_name: str
    seat: str
    hotel_id: str
    hotel_name: str
    city: str
    check_in_date: str
    check_out_date: str
    nights: int
    guest_name: str
    refund_amount: float
    invoice_id: str
    invoice_date: str


class BookingSummary(TypedDict):
    booking_id: str
    kind: str
    status: str
    description: str
    date: str
    total_cost: float
    currency: str


class BookingList(TypedDict):
    bookings: list[BookingSummary]


class Cancellation(TypedDict):
    booking_id: str
    status: str
    refund_amount: float
    currency: str
    card_id: str


class Invoice(TypedDict):
    invoice_id: str
    booking_id: str
    amount: float
    currency: str
    payee: str
    issued_date: str
    description: str


class CheckIn(TypedDict):
    booking_id: str
    flight_id: str
    passenger_name: str
    seat: str
    boarding_group: int
    status: str


class HotelOption(TypedDict):
    hotel_id: str
    name: str
    stars: int
    nightly_rate: float
    total_price: float
    currency: str
    rooms_left: int
    amenities: list[str]
    distance_to_center_km: float


class HotelSearch(TypedDict):
    city: str
    check_in_date: str
    check_out_date: str
    nights: int
    hotels: list[HotelOption]


class HotelBooking(TypedDict):
    booking_id: str
    hotel_id: str
    hotel_name: str
    check_in_date: str
    check_out_date: str
    nights: int
    guest_name: str
    card_id: str
    total_cost: float
    currency: str
    status: str


class PaymentCard(TypedDict):
    card_id: str
    brand: str
    last4: str
    holder: str
    available_credit: float
    currency: str


class CardList(TypedDict):
    cards: list[PaymentCard]


# -- the toolkit ------------------------------------------------------------------------------

class Travel(Toolkit):
    """Flights and hotels: search, price, book with a card on file, check in, invoice, cancel."""

    toolkit_name = "Travel"
    fresh_state = True  # generate_state builds new plain JSON data (see Toolkit.fresh_state)
    description = "Search and book flights and hotels, check in, get invoices and cancel bookings."
    hints = {
        "get_airport_code": (
            "What's the airport code for {city}?",
            "Which airport would I fly into for {city}?",
            "I need the IATA code of the main airport in {city}.",
        ),
        "search_flights": (
            "Find me flights from {origin_airport_code} to {destination_airport_code} on {date}.",
            "What flights go from {origin_airport_code} to {destination_airport_code} on {date}?",
            "I want to fly {origin_airport_code} to {destination_airport_code} on {date}; what are my options?",
            "Show me what's available between {origin_airport_code} and {destination_airport_code} for {date}.",
        ),
        "get_flight_cost": (
            "How much is a {travel_class} seat on flight {flight_id}?",
            "What would {flight_id} cost me in {travel_class}?",
            "Price out {travel_class} on {flight_id} for me.",
        ),
        "book_flight": (
            "Book flight {flight_id} in {travel_class} for {passenger_name}, and put it on card {card_id}.",
            "Please reserve a {travel_class} seat on {flight_id} for {passenger_name} using card {card_id}.",
            "Go ahead and get {passenger_name} on {flight_id}, {travel_class} class, paid with {card_id}.",
        ),
        "get_booking": (
            "Show me the details of booking {booking_id}.",
            "What's in reservation {booking_id}?",
            "Can you pull up {booking_id} for me?",
        ),
        "list_bookings": (
            "What trips do I have booked?",
            "List all my travel reservations.",
            "Which of my bookings are {status}?",
        ),
        "cancel_booking": (
            "Cancel booking {booking_id}, please.",
            "I can't make it anymore; call off reservation {booking_id}.",
            "Please cancel {booking_id} and tell me how much I get back.",
        ),
        "get_invoice": (
            "I need the invoice for booking {booking_id}.",
            "Can you get me a receipt for {booking_id} for my expense report?",
            "Send me the bill for reservation {booking_id}.",
        ),
        "check_in": (
            "Check me in for booking {booking_id}.",
            "I'd like to do online check-in for {booking_id} and get a seat.",
            "Please check in reservation {booking_id}.",
        ),
        "search_hotels": (
            "Find hotels in {city} for {nights} nights from {check_in_date}.",
            "Where can I stay in {city} starting {check_in_date} for {nights} nights?",
            "Show me hotel options in {city} checking in {check_in_date}.",
        ),
        "book_hotel": (
            "Book hotel {hotel_id} for {guest_name} from {check_in_date} for {nights} nights on card {card_id}.",
            "Reserve a room at {hotel_id} checking in {check_in_date}, {nights} nights, guest {guest_name}, "
            "card {card_id}.",
            "Please get {guest_name} a room at {hotel_id} from {check_in_date} ({nights} nights), charge {card_id}.",
        ),
        "list_payment_cards": (
            "Which cards do I have on file?",
            "What payment cards can I use for bookings?",
            "Show me my saved cards and how much credit is left on them.",
        ),
    }

    # -- state ----------------------------------------------------------------------------
    @classmethod
    def default_state(cls) -> dict[str, Any]:
        """One traveller in San Francisco, two cards, one booked flight to New York."""
        state = {
            "today": "2025-06-02",
            "agency": "Skyline Travel",
            "home_city": "San Francisco",
            "pricing_seed": 1,
            "travelers": ["Maya Chen", "Daniel Okafor"],
            "cards": {
                "CARD-4821": {"card_id": "CARD-4821", "brand": "Visa", "last4": "4821", "holder": "Maya Chen",
                              "available_credit": 6000.0, "currency": "USD"},
                "CARD-7730": {"card_id": "CARD-7730", "brand": "Mastercard", "last4": "7730",
                              "holder": "Maya Chen", "available_credit": 450.0, "currency": "USD"},
            },
            "bookings": {},
            "next_booking": 1,
            "next_invoice": 1,
        }
        tk = cls(state)
        flight = tk._flights("SFO", "JFK", "2025-06-20")[0]
        tk.book_flight(flight["flight_id"], "economy", "Maya Chen", "CARD-4821")
        return tk.data

    @classmethod
    def generate_state(cls, rng: random.Random, world: World | None = None) -> dict[str, Any]:
        """The world's user as the traveller (home city, today), with 0-2 companions and 1-3 cards
        in the user's name, 2-3 upcoming bookings (the first two flights, the first in economy when
        no card can pay the class drawn; each paid with the card with the most credit left), and a
        card with room for one more trip (the world is drawn from ``rng`` when none is given)."""
        if world is None:
            world = draw_world(rng)
        below = drawer(rng)  # seq[below(len(seq))] is rng.choice(seq), a + below(b - a) rng.randrange(a, b)
        random_ = rng.random
        today = world.today
        home = world.city if world.city in CITIES else _CITY_NAMES[below(len(_CITY_NAMES))]  # a city it flies from
        companions = {person(rng) for _ in range(below(3))}
        companions.discard(world.name)
        travelers = [world.name, *sorted(companions)]  # the user first: the cards are theirs
        cards = {}
        for _ in range(1 + below(3)):
            last4 = f"{below(10000):04d}"
            currency = "USD" if CITIES[home][3] == "USD" or random_() < 0.5 else CITIES[home][3]
            limit = 600.0 if random_() < 0.1 else _CREDIT_LIMITS[below(4)]
            cards[f"CARD-{last4}"] = {"card_id": f"CARD-{last4}", "brand": CARD_BRANDS[below(len(CARD_BRANDS))],
                                      "last4": last4, "holder": travelers[0],
                                      "available_credit": convert(limit, "USD", currency), "currency": currency}
        state = {"today": today, "agency": TRAVEL_AGENCIES[below(len(TRAVEL_AGENCIES))], "home_city": home,
                 "pricing_seed": below(1_000_000), "travelers": travelers, "cards": cards,
                 "bookings": {}, "next_booking": 1, "next_invoice": 1}
        tk = adopt(cls, state)
        def roomiest() -> str:  # the card with the most credit left (bookings are paid with it)
            return max(cards, key=lambda c: (convert(cards[c]["available_credit"], cards[c]["currency"], "USD"), c))

        origin = CITIES[home][0]
        reachable = _REACHABLE[home]
        day0 = day_ordinal(today)  # add_days(today, n) is iso_day(day0 + n)
        for k in range(2 + below(2)):  # the first two are flights
            dest = reachable[below(len(reachable))]
            day = iso_day(day0 + 4 + below(57))
            if k < 2 or random_() < 0.5:
                # the flight search lists the route's flights in this order (see _flights)
                route = _ROUTES[(origin, CITIES[dest][0])]
                flight = route[below(len(route))]
                fid, who = f"{flight.number}-{day.replace('-', '')}", travelers[below(len(travelers))]
                if "error" in tk.book_flight(fid, _CLASSES_DRAWN[below(3)], who, roomiest()) and k == 0:
                    tk.book_flight(fid, "economy", who, roomiest())  # the first flight is booked if it can be
            else:
                hotels = _HOTELS_BY_CITY[dest]
                tk.book_hotel(hotels[below(len(hotels))].hotel_id, day, 1 + below(5),
                              travelers[below(len(travelers))], roomiest())
        best = roomiest()
        if convert(cards[best]["available_credit"], cards[best]["currency"], "USD") < 3000:
            # the bookings used up the cards: the traveller has one more with room for a trip
            last4 = f"{(int(cards[best]['last4']) + 4177) % 10000:04d}"
            while f"CARD-{last4}" in cards:
                last4 = f"{(int(last4) + 1) % 10000:04d}"
            cards[f"CARD-{last4}"] = {"card_id": f"CARD-{last4}", "brand": CARD_BRANDS[below(len(CARD_BRANDS))],
                                      "last4": last4, "holder": travelers[0], "available_credit": 5000.0,
                                      "currency": "USD"}
        return tk.data

    # candidates() lists every value these can succeed with now (see Travel.candidates)
    exact_candidates = {
        "get_airport_code": ("city",), "search_hotels": ("city",), "get_booking": ("booking_id",),
        "get_invoice": ("booking_id",), "cancel_booking": ("booking_id",), "check_in": ("booking_id",),
    }

    def candidates(self, tool: str, param: str) -> list[Any]:
        """Existing ids, known cities and airport codes, and upcoming dates for ``param``.

        For the parameters of ``exact_candidates`` the list holds every value a call can
        succeed with now (known cities by name; bookings in a status the tool accepts), and
        is empty when no call can.
        """
        d = self.data
        if param == "city":
            return list(CITIES)
        if param == "origin_airport_code":  # trips start at home ...
            return [CITIES[d["home_city"]][0]]
        if param == "destination_airport_code":  # ... and go anywhere with direct flights
            home = CITIES[d["home_city"]][0]
            return [v[0] for v in CITIES.values() if _ROUTES.get((home, v[0]))]
        if param in ("date", "check_in_date"):
            return [add_days(d["today"], k) for k in (3, 7, 10, 14, 21, 30, 45)]
        if param == "nights":
            return [1, 2, 3, 4, 5, 7]
        if param == "status":
            return ["confirmed", "cancelled"]
        if param in ("passenger_name", "guest_name"):
            return list(d["travelers"])
        if param == "card_id":  # cards that can pay for a long trip (else the one with most room)
            return self._roomy_cards()[0]
        if param == "travel_class" and tool == "book_flight":  # classes any of those cards pays on a long flight
            least = self._roomy_cards()[1]
            return [c for c in _CLASS_FACTOR if 2200 * _CLASS_FACTOR[c] <= least] or ["economy"]
        if param == "flight_id":  # the flights of _flights(home, dest, day) with seats left, not priced
            flights = _FIRST_FLIGHTS[d["home_city"]]
            compact = add_days(d["today"], 14).replace("-", "")
            found = []
            if flights:
                d["pricing_seed"]  # noqa: B018 (_flights reads it: a state without one fails here as there)
                taken = self._economy_taken()  # counted once for all the flights
                for number in flights:
                    fid = f"{number}-{compact}"
                    if self._seats_left(fid, None, "economy", taken.get(fid, 0)) > 0:
                        found.append(fid)
            return found
        if param == "hotel_id":
            cities = [d["home_city"]] + [b["city"] for b in d["bookings"].values() if b["kind"] == "hotel"]
            return [h.hotel_id for c in dict.fromkeys(cities) for h in _HOTELS_BY_CITY[c]]
        if param == "booking_id":
            today = d["today"]
            live = [b for b in d["bookings"].values() if b["status"] == "confirmed"]
            if tool == "check_in":
                return [b["booking_id"] for b in live if b["kind"] == "flight" and not b.get("seat")
                        and b["date"] >= today]
            if tool == "cancel_booking":
                return [b["booking_id"] for b in live
                        if (b["date"] if b["kind"] == "flight" else b["check_in_date"]) >= today]
            return list(d["bookings"])
        return super().candidates(tool, param)

    # -- internals --------------------------------------------------------------------------
    def _roomy_cards(self) -> tuple[list[str], float]:
        """The cards with at least 4,000 USD of credit left (else the one with the most), and
        the least credit among them in USD."""
        usd = {c: convert(v["available_credit"], v["currency"], "USD") for c, v in self.data["cards"].items()}
        if not usd:
            return [], 0.0
        cards = [c for c in usd if usd[c] >= 4000] or [max(usd, key=usd.__getitem__)]
        return cards, min(usd[c] for c in cards)

    def _flights(self, origin: str, destination: str, day: str) -> list[FlightOption]:
        out: list[FlightOption] = []
        currency = CITIES[_CODE_CITY[origin]][3]
        compact = day.replace("-", "")
        seed = self.data["pricing_seed"]
        for f in _ROUTES[(origin, destination)]:
            fid = f"{f.number}-{compact}"
            factor = 0.8 + 0.6 * _unit_of(f"{seed}\x1f{f.number}\x1f{day}")
            departure, arrival = _TIMES[f.number]
            out.append({
                "flight_id": fid, "airline": f.airline, "origin_airport_code": origin,
                "destination_airport_code": destination, "date": day, "departure_time": departure,
                "arrival_time": arrival, "duration_minutes": f.duration,
                "price": _price(f.base_usd * factor, currency), "currency": currency,
                "seats_left": self._seats_left(fid, f, "economy"),
            })
        return out

    def _parse_flight(self, flight_id: str) -> tuple[_Flight, str] | str:
        number, _, compact = str(flight_id).partition("-")
        f = _FLIGHTS.get(number.upper())
        day = f"{compact[:4]}-{compact[4:6]}-{compact[6:]}" if len(compact) == 8 else ""
        if f is None or parse_day(day) is None:
            return (f"Unknown flight_id '{flight_id}': use a flight_id from the flight search results, "
                    "e.g. 'UA1234-20250620'.")
        return f, day

    def _economy_taken(self) -> dict[str, int]:
        """Flight id -> its confirmed economy bookings (what :meth:`_seats_left` counts)."""
        taken: dict[str, int] = {}
        for b in self.data["bookings"].values():
            fid = b.get("flight_id")
            if b["status"] == "confirmed" and isinstance(fid, str) and b["travel_class"] == "economy":
                taken[fid] = taken.get(fid, 0) + 1
        return taken

    def _seats_left(self, flight_id: str, f: "_Flight | None", travel_class: str, taken: int | None = None) -> int:
        """Seats left in ``travel_class`` of the flight (``f`` is read for first class only);
        ``taken``: its confirmed bookings in that class, when the caller has counted them."""
        r = _unit_of(f"seats\x1f{flight_id}\x1f{travel_class}")
        if travel_class == "economy":
            base = int(r * 16)
        elif travel_class == "premium_economy":
            base = 2 + int(r * 5)
        elif travel_class == "business":
            base = 1 + int(r * 6)
        elif travel_class == "first":
            base = (1 + int(r * 3)) if f is not None and f.km > 2500 else 0
        else:
            raise KeyError(travel_class)
        if taken is None:
            taken = 0
            for b in self.data["bookings"].values():
                if b["status"] == "confirmed" and b.get("flight_id") == flight_id and b["travel_class"] == travel_class:
                    taken += 1
        return max(0, base - taken)

    def _cost(self, f: _Flight, day: str, travel_class: str) -> tuple[float, str]:
        currency = CITIES[_CODE_CITY[f.origin]][3]
        factor = 0.8 + 0.6 * _unit_of(f"{self.data['pricing_seed']}\x1f{f.number}\x1f{day}")
        return _price(f.base_usd * factor * _CLASS_FACTOR[travel_class], currency), currency

    def _charge(self, card_id: str, amount: float, currency: str) -> str | None:
        card = self.data["cards"].get(card_id)
        if card is None:
            known = ", ".join(self.data["cards"]) or "none"
            return f"Unknown card_id '{card_id}': cards on file are {known}."
        needed = convert(amount, currency, card["currency"])
        if needed > card["available_credit"]:
            return (f"Card {card_id} declined: available credit is {fmt(card['available_credit'], card['currency'])}, "
                    f"this booking needs {fmt(needed, card['currency'])}. Use another card.")
        card["available_credit"] = money(card["available_credit"] - needed)
        return None

    def _booking(self, booking_id: str) -> dict[str, Any] | str:
        b = self.data["bookings"].get(booking_id)
        if b is None:
            return (f"Unknown booking_id '{booking_id}': list the bookings to find the right id "
                    "(e.g. 'BK-0001' or 'HR-0002').")
        return b

    def _new_booking_id(self, prefix: str) -> str:
        bid = f"{prefix}-{self.data['next_booking']:04d}"
        self.data["next_booking"] += 1
        return bid

    # -- tools ------------------------------------------------------------------------------
    def get_airport_code(self, city: str) -> AirportInfo:
        """Look up the IATA code of the main airport serving a city.

        Args:
            city: City name, e.g. "Paris" or "San Francisco".

        Returns:
            The city, its airport_code (three letters, used to search flights) and airport name.
        """
        key = str(city).strip().lower()
        name = _CITY_LOWER.get(key) or CITY_ALIASES.get(key)
        if name is None:
            return {"error": f"No airport found for '{city}': give a major city name such as Chicago or London."}
        c = CITIES[name]
        return {"city": name, "airport_code": c[0], "airport_name": c[1], "country": c[2]}

    def search_flights(self, origin_airport_code: str, destination_airport_code: str, date: str) -> FlightSearch:
        """Search the direct flights between two airports on a date, with economy fares.

        Args:
            origin_airport_code: IATA code of the departure airport, e.g. "SFO".
            destination_airport_code: IATA code of the arrival airport, e.g. "JFK".
            date: Departure date, YYYY-MM-DD.

        Returns:
            The flights, each with a flight_id (to price or book it), times, economy price and seats left.
        """
        o, dst = str(origin_airport_code).upper(), str(destination_airport_code).upper()
        for code in (o, dst):
            if code not in _CODE_CITY:
                return {"error": f"Unknown airport code '{code}': look up the code from the city name first."}
        if o == dst:
            return {"error": "Origin and destination are the same airport: choose two different airports."}
        bad = day_error(date, self.data["today"], what="departure date")
        if bad:
            return {"error": bad}
        # an empty list means no direct flights (the two airports are too close)
        return {"origin_airport_code": o, "destination_airport_code": dst, "date": date,
                "flights": self._flights(o, dst, date)}

    def get_flight_cost(self, flight_id: str, travel_class: TravelClass = "economy") -> FlightCost:
        """Get the fare of one flight in a travel class.

        Args:
            flight_id: Flight id from the flight search results.
            travel_class: Cabin class to price.

        Returns:
            The cost and currency of one seat in that class, and how many seats are left.
        """
        got = self._parse_flight(flight_id)
        if isinstance(got, str):
            return {"error": got}
        f, day = got
        if travel_class not in _CLASS_FACTOR:
            return {"error": f"Unknown travel_class '{travel_class}': use economy, premium_economy, business or first."}
        cost, currency = self._cost(f, day, travel_class)
        return {"flight_id": flight_id, "travel_class": travel_class, "cost": cost, "currency": currency,
                "seats_left": self._seats_left(flight_id, f, travel_class)}

    def book_flight(self, flight_id: str, travel_class: TravelClass, passenger_name: str,
                    card_id: str) -> FlightBooking:
        """Book a seat on a flight for a passenger and charge a card on file.

        Args:
            flight_id: Flight id from the flight search results.
            travel_class: Cabin class to book.
            passenger_name: Full name of the passenger as on their passport.
            card_id: Card on file to charge (from the list of payment cards).

        Returns:
            The new booking_id (used later to check in, get the invoice or cancel) and the total_cost charged.
        """
        got = self._parse_flight(flight_id)
        if isinstance(got, str):
            return {"error": got}
        f, day = got
        if travel_class not in _CLASS_FACTOR:
            return {"error": f"Unknown travel_class '{travel_class}': use economy, premium_economy, business or first."}
        bad = day_error(day, self.data["today"], what="flight date")
        if bad:
            return {"error": bad}
        if not str(passenger_name).strip():
            return {"error": "passenger_name is empty: give the passenger's full name as on the passport."}
        if self._seats_left(flight_id, f, travel_class) == 0:
            return {"error": f"Flight {flight_id} is sold out in {travel_class}: pick another class or flight."}
        cost, currency = self._cost(f, day, travel_class)
        declined = self._charge(card_id, cost, currency)
        if declined:
            return {"error": declined}
        bid = self._new_booking_id("BK")
        self.data["bookings"][bid] = {
            "booking_id": bid, "kind": "flight", "status": "confirmed", "total_cost": cost, "currency": currency,
            "card_id": card_id, "flight_id": flight_id, "airline": f.airline, "origin_airport_code": f.origin,
            "destination_airport_code": f.destination, "date": day, "departure_time": _hhmm(f.departure),
            "travel_class": travel_class, "passenger_name": passenger_name, "seat": "",
        }
        return {"booking_id": bid, "flight_id": flight_id, "travel_class": travel_class,
                "passenger_name": passenger_name, "card_id": card_id, "total_cost": cost, "currency": currency,
                "status": "confirmed"}

    def get_booking(self, booking_id: str) -> BookingDetails:
        """Get the full details of a flight or hotel booking.

        Args:
            booking_id: Booking id returned when the flight ("BK-0001") or hotel ("HR-0002") was booked.

        Returns:
            The booking: kind (flight or hotel), status, cost, card and the flight or stay details.
        """
        b = self._booking(booking_id)
        if isinstance(b, str):
            return {"error": b}
        return dict(b)

    def list_bookings(self, status: Literal["all", "confirmed", "cancelled"] = "all") -> BookingList:
        """List the traveller's flight and hotel bookings.

        Args:
            status: Only bookings with this status; "all" lists every booking.

        Returns:
            One summary per booking with its booking_id, kind, status, date and total cost.
        """
        out: list[BookingSummary] = []
        for b in self.data["bookings"].values():
            if status != "all" and b["status"] != status:
                continue
            if b["kind"] == "flight":
                route = f"{b['origin_airport_code']}->{b['destination_airport_code']}"
                desc = f"{b['airline']} {route} ({b['travel_class']})"
                day = b["date"]
            else:
                desc = f"{b['hotel_name']}, {b['city']} ({b['nights']} nights)"
                day = b["check_in_date"]
            out.append({"booking_id": b["booking_id"], "kind": b["kind"], "status": b["status"], "description": desc,
                        "date": day, "total_cost": b["total_cost"], "currency": b["currency"]})
        return {"bookings": out}

    def cancel_booking(self, booking_id: str) -> Cancellation:
        """Cancel a flight or hotel booking and refund its card under the fare rules.

        Flights refund 50% in economy, 75% in premium economy and 100% in business or first;
        hotels refund in full up to the day before check-in, else all but the first night.

        Args:
            booking_id: Booking id returned when the flight ("BK-0001") or hotel ("HR-0002") was booked.

        Returns:
            The cancelled booking's refund_amount and the card it was credited to.
        """
        b = self._booking(booking_id)
        if isinstance(b, str):
            return {"error": b}
        if b["status"] == "cancelled":
            refunded = fmt(b["refund_amount"], b["currency"])
            return {"error": f"Booking {booking_id} is already cancelled (refunded {refunded})."}
        day = b["date"] if b["kind"] == "flight" else b["check_in_date"]
        if day < self.data["today"]:
            return {"error": f"Booking {booking_id} started on {day} and can no longer be cancelled."}
        if b["kind"] == "flight":
            refund = b["total_cost"] * _REFUND_SHARE[b["travel_class"]]
        elif day > self.data["today"]:
            refund = b["total_cost"]
        else:
            refund = b["total_cost"] * (b["nights"] - 1) / b["nights"]
        refund = round_to(refund, 0 if b["currency"] == "JPY" else 2)
        b["status"], b["refund_amount"] = "cancelled", refund
        card = self.data["cards"].get(b["card_id"])
        if card is not None:
            back = convert(refund, b["currency"], card["currency"])
            card["available_credit"] = money(card["available_credit"] + back)
        return {"booking_id": booking_id, "status": "cancelled", "refund_amount": refund, "currency": b["currency"],
                "card_id": b["card_id"]}

    def get_invoice(self, booking_id: str) -> Invoice:
        """Get the invoice of a booking (issued once, then returned unchanged).

        Args:
            booking_id: Booking id returned when the flight ("BK-0001") or hotel ("HR-0002") was booked.

        Returns:
            The invoice_id, the amount finally charged (after any refund), its currency and the payee.
        """
        b = self._booking(booking_id)
        if isinstance(b, str):
            return {"error": b}
        if not b.get("invoice_id"):
            b["invoice_id"] = f"INV-{self.data['next_invoice']:04d}"
            b["invoice_date"] = self.data["today"]
            self.data["next_invoice"] += 1
        amount = round_to(b["total_cost"] - b.get("refund_amount", 0.0), 0 if b["currency"] == "JPY" else 2)
        if b["kind"] == "flight":
            route = f"{b['origin_airport_code']}->{b['destination_airport_code']}"
            desc = f"Flight {b['flight_id']} {route}, {b['passenger_name']}"
        else:
            desc = f"{b['hotel_name']}, {b['nights']} nights from {b['check_in_date']}, {b['guest_name']}"
        if b["status"] == "cancelled":
            desc += " (cancelled)"
        return {"invoice_id": b["invoice_id"], "booking_id": booking_id, "amount": amount, "currency": b["currency"],
                "payee": self.data["agency"], "issued_date": b["invoice_date"], "description": desc}

    def check_in(self, booking_id: FlightBookingId) -> CheckIn:
        """Check in online for a booked flight and get a seat assignment.

        Args:
            booking_id: Booking id of a confirmed flight booking, e.g. "BK-0001" (not a hotel "HR-..." id).

        Returns:
            The assigned seat and boarding group.
        """
        b = self._booking(booking_id)
        if isinstance(b, str):
            return {"error": b}
        if b["kind"] != "flight":
            return {"error": f"Booking {booking_id} is a hotel reservation; only flight bookings can be checked in."}
        if b["status"] == "cancelled":
            return {"error": f"Booking {booking_id} is cancelled and cannot be checked in."}
        if b["seat"]:
            return {"error": f"Booking {booking_id} is already checked in (seat {b['seat']})."}
        if b["date"] < self.data["today"]:
            return {"error": f"Flight {b['flight_id']} departed on {b['date']}; check-in is closed."}
        lo, hi = _SEAT_ROWS[b["travel_class"]]
        row = lo + int(_unit_of(f"row\x1f{booking_id}\x1f{b['flight_id']}") * (hi - lo + 1))
        col = "ABCDEF"[int(_unit_of(f"col\x1f{booking_id}") * 6)]
        seat = f"{row}{col}"
        b["seat"] = seat
        group = {"first": 1, "business": 1, "premium_economy": 2}.get(
            b["travel_class"], 3 + int(_unit_of(f"g\x1f{booking_id}") * 3))
        return {"booking_id": booking_id, "flight_id": b["flight_id"], "passenger_name": b["passenger_name"],
                "seat": seat, "boarding_group": group, "status": "checked_in"}

    def search_hotels(self, city: str, check_in_date: str, nights: int = 1) -> HotelSearch:
        """Search hotels in a city for a stay, with nightly rates and rooms left.

        Args:
            city: City to stay in, e.g. "Rome".
            check_in_date: First night of the stay, YYYY-MM-DD.
            nights: Number of nights (1-30).

        Returns:
            The hotels, each with a hotel_id (to book it), stars, nightly rate and total price.
        """
        name = _CITY_LOWER.get(str(city).strip().lower()) or CITY_ALIASES.get(str(city).strip().lower())
        if name is None:
            return {"error": f"No hotels listed for '{city}': give a major city name such as Paris or Tokyo."}
        bad = day_error(check_in_date, self.data["today"], what="check_in_date") or _nights_error(nights)
        if bad:
            return {"error": bad}
        hotels = [self._hotel_offer(h, check_in_date, nights) for h in _HOTELS_BY_CITY[name]]
        return {"city": name, "check_in_date": check_in_date, "check_out_date": add_days(check_in_date, nights),
                "nights": nights, "hotels": hotels}

    def _hotel_offer(self, h: _Hotel, day: str, nights: int) -> HotelOption:
        currency = CITIES[h.city][3]
        rate = _price(h.base_usd * (0.85 + 0.4 * _unit_of(f"{self.data['pricing_seed']}\x1f{h.hotel_id}\x1f{day}")), currency)
        taken = 0
        for b in self.data["bookings"].values():
            if b["status"] == "confirmed" and b.get("hotel_id") == h.hotel_id and b["check_in_date"] == day:
                taken += 1
        return {"hotel_id": h.hotel_id, "name": h.name, "stars": h.stars, "nightly_rate": rate,
                "total_price": round_to(rate * nights, 0 if currency == "JPY" else 2), "currency": currency,
                "rooms_left": max(0, int(_unit_of(f"rooms\x1f{h.hotel_id}\x1f{day}") * 9) - taken),
                "amenities": list(h.amenities), "distance_to_center_km": h.distance_km}

    def book_hotel(self, hotel_id: str, check_in_date: str, nights: int, guest_name: str, card_id: str) -> HotelBooking:
        """Book a hotel room for a guest and charge the whole stay to a card on file.

        Args:
            hotel_id: Hotel id from the hotel search results, e.g. "HTL-1003".
            check_in_date: First night of the stay, YYYY-MM-DD.
            nights: Number of nights (1-30).
            guest_name: Full name of the guest.
            card_id: Card on file to charge (from the list of payment cards).

        Returns:
            The new booking_id of the reservation and the total_cost charged.
        """
        h = _HOTELS.get(str(hotel_id).upper())
        if h is None:
            return {"error": f"Unknown hotel_id '{hotel_id}': use a hotel_id from the hotel search results."}
        bad = day_error(check_in_date, self.data["today"], what="check_in_date") or _nights_error(nights)
        if bad:
            return {"error": bad}
        if not str(guest_name).strip():
            return {"error": "guest_name is empty: give the guest's full name."}
        offer = self._hotel_offer(h, check_in_date, nights)
        if offer["rooms_left"] == 0:
            return {"error": f"{h.name} is fully booked on {check_in_date}: try another date or hotel."}
        declined = self._charge(card_id, offer["total_price"], offer["currency"])
        if declined:
            return {"error": declined}
        bid = self._new_booking_id("HR")
        out: HotelBooking = {"booking_id": bid, "hotel_id": h.hotel_id, "hotel_name": h.name,
                             "check_in_date": check_in_date, "check_out_date": add_days(check_in_date, nights),
                             "nights": nights, "guest_name": guest_name, "card_id": card_id,
                             "total_cost": offer["total_price"], "currency": offer["currency"], "status": "confirmed"}
        self.data["bookings"][bid] = {**out, "kind": "hotel", "city": h.city}
        return out

    def list_payment_cards(self) -> CardList:
        """List the payment cards on file and their available credit.

        Returns:
            One entry per card with its card_id (used to pay bookings), brand, last digits and available credit.
        """
        return {"cards": [dict(c) for c in self.data["cards"].values()]}


def _nights_error(nights: int) -> str | None:
    if not isinstance(nights, int) or isinstance(nights, bool) or not 1 <= nights <= 30:
        return f"Invalid nights {nights!r}: give a whole number of nights from 1 to 30."
    return None
