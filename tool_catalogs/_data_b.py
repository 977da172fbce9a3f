"""Data pools and small helpers shared by the travel, banking, shop and smart-home toolkits.

Everything here is constant data (cities, airlines, products, devices, names ...) or a pure
helper. Randomness never happens here: toolkits draw from these pools with their own
``random.Random``; the few values derived from ids (fares, seats, tracking numbers) use
:func:`unit`, a stable hash, so outputs depend only on state and arguments.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from hashlib import blake2b
from typing import Literal

from ._util import drawer, round2

# -- helpers -------------------------------------------------------------------------------

Currency = Literal["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "SGD", "AED"]

#: Units of each currency per US dollar (reference rates; banking states perturb them).
USD_RATES: dict[str, float] = {
    "USD": 1.0,
    "EUR": 0.92,
    "GBP": 0.79,
    "JPY": 151.0,
    "CAD": 1.36,
    "AUD": 1.52,
    "CHF": 0.88,
    "SGD": 1.34,
    "AED": 3.6725,
}


def unit(*parts: object) -> float:
    """A stable pseudo-random number in [0, 1) derived from ``parts`` (same on every run)."""
    return _unit_of("\x1f".join(map(str, parts)))


@lru_cache(maxsize=1024)  # reuse is within a conversation: a small bound keeps memory flat in N
def _unit_of(text: str) -> float:
    """:func:`unit` of the joined text (the same ids and days come back within a conversation).

    Hot callers pass the text themselves: ``_unit_of(f"eta\\x1f{oid}")`` is ``unit("eta", oid)``
    for parts that are JSON data (an f-string formats those as ``str`` does)."""
    h = _BLAKE2B_7.copy()  # what blake2b(data, digest_size=7) starts from
    h.update(text.encode("utf-8"))
    return int.from_bytes(h.digest(), "big") / 72057594037927936.0


_BLAKE2B_7 = blake2b(digest_size=7)


def pick(seq: list | tuple, *parts: object):
    """A stable choice from ``seq`` keyed by ``parts``."""
    return seq[int(unit(*parts) * len(seq))]


def money(x: float) -> float:
    """Round an amount to cents."""
    return round2(x + 0.0)


def fmt(amount: float, currency: str) -> str:
    """``1234.5, "USD"`` -> ``"1234.50 USD"`` (for error messages)."""
    return f"{amount:.2f} {currency}"


def convert(amount: float, from_currency: str, to_currency: str, rates: dict[str, float] = USD_RATES) -> float:
    """Convert ``amount`` between currencies with ``rates`` (units per USD), rounded to cents."""
    if from_currency == to_currency:
        return money(amount)
    return money(amount / rates[from_currency] * rates[to_currency])


def parse_day(text: str) -> date | None:
    """Parse ``YYYY-MM-DD``; ``None`` when it is not a valid calendar date."""
    if not isinstance(text, str) or len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def day_error(text: str, today: str, *, what: str = "date") -> str | None:
    """An error message when ``text`` is not a valid date on or after ``today``, else ``None``."""
    d = parse_day(text)
    if d is None:
        return f"Invalid {what} '{text}': use the format YYYY-MM-DD, e.g. {today}."
    if d < date.fromisoformat(today):
        return f"The {what} {text} is in the past (today is {today}): choose {today} or later."
    return None


def add_days(day: str, n: int) -> str:
    """``day`` (YYYY-MM-DD) plus ``n`` days, as YYYY-MM-DD."""
    try:
        return _add_days(day, n)
    except TypeError:  # an unhashable argument: the computation raises its own error
        return _add_days.__wrapped__(day, n)


@lru_cache(maxsize=2048, typed=True)
def _add_days(day: str, n: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=n)).isoformat()


@lru_cache(maxsize=4096)
def day_ordinal(day: str) -> int:
    """The proleptic Gregorian ordinal of ``day`` (YYYY-MM-DD); ``add_days(day, n)`` is
    ``iso_day(day_ordinal(day) + n)`` for dates well inside the calendar."""
    return date.fromisoformat(day).toordinal()


# -- people ----------------------------------------------------------------------------------

FIRST_NAMES = (
    "Maya", "Daniel", "Priya", "Lucas", "Amara", "Kenji", "Sofia", "Omar", "Elena", "Tomasz",
    "Chloe", "Mateo", "Aisha", "Jonas", "Hannah", "Ravi", "Grace", "Diego", "Yuki", "Noah",
    "Fatima", "Liam", "Ingrid", "Samuel", "Mei", "Kwame", "Clara", "Arjun", "Zoe", "Felix",
)
LAST_NAMES = (
    "Chen", "Okafor", "Patel", "Moreau", "Schmidt", "Tanaka", "Garcia", "Haddad", "Rossi", "Nowak",
    "Johnson", "Silva", "Kowalski", "Nguyen", "Larsen", "Mensah", "Fischer", "Romero", "Sato",
    "Brennan", "Ibrahim", "Walsh", "Lindqvist", "Reyes", "Kim", "Adeyemi", "Dubois", "Murphy",
)


def person(rng) -> str:
    """A full name drawn from ``rng``."""
    below = drawer(rng)  # seq[below(len(seq))] is rng.choice(seq)
    return f"{FIRST_NAMES[below(len(FIRST_NAMES))]} {LAST_NAMES[below(len(LAST_NAMES))]}"


STREETS = (
    ("1420 Valencia Street", "San Francisco, CA 94110"),
    ("88 Orchard Street, Apt 5B", "New York, NY 10002"),
    ("2217 N Milwaukee Avenue", "Chicago, IL 60647"),
    ("415 Pine Street, Unit 12", "Seattle, WA 98101"),
    ("31 Beacon Street", "Boston, MA 02108"),
    ("9050 Sunset Boulevard", "Los Angeles, CA 90069"),
    ("1610 E 6th Street", "Austin, TX 78702"),
    ("77 Larkin Road", "Denver, CO 80205"),
    ("12 Elm Court", "Portland, OR 97214"),
    ("540 Brickell Key Drive", "Miami, FL 33131"),
)


def address(rng) -> str:
    """A realistic US shipping address drawn from ``rng``."""
    street, city = STREETS[drawer(rng)(len(STREETS))]  # rng.choice(STREETS)
    return f"{street}, {city}"


CARD_BRANDS = ("Visa", "Mastercard", "American Express", "Discover")

# -- travel ------------------------------------------------------------------------------------

# city -> (airport code, airport name, country code, currency of fares, latitude, longitude); the cities
# cover the maps toolkit's, so a city from a map can be flown to
CITIES: dict[str, tuple[str, str, str, str, float, float]] = {
    "San Francisco": ("SFO", "San Francisco International Airport", "US", "USD", 37.62, -122.38),
    "New York": ("JFK", "John F. Kennedy International Airport", "US", "USD", 40.64, -73.78),
    "Los Angeles": ("LAX", "Los Angeles International Airport", "US", "USD", 33.94, -118.41),
    "Chicago": ("ORD", "O'Hare International Airport", "US", "USD", 41.98, -87.90),
    "Seattle": ("SEA", "Seattle-Tacoma International Airport", "US", "USD", 47.45, -122.31),
    "Boston": ("BOS", "Logan International Airport", "US", "USD", 42.36, -71.01),
    "Miami": ("MIA", "Miami International Airport", "US", "USD", 25.80, -80.29),
    "Denver": ("DEN", "Denver International Airport", "US", "USD", 39.86, -104.67),
    "Austin": ("AUS", "Austin-Bergstrom International Airport", "US", "USD", 30.19, -97.67),
    "Toronto": ("YYZ", "Toronto Pearson International Airport", "CA", "CAD", 43.68, -79.63),
    "London": ("LHR", "Heathrow Airport", "GB", "GBP", 51.47, -0.45),
    "Paris": ("CDG", "Paris Charles de Gaulle Airport", "FR", "EUR", 49.01, 2.55),
    "Berlin": ("BER", "Berlin Brandenburg Airport", "DE", "EUR", 52.37, 13.50),
    "Madrid": ("MAD", "Adolfo Suarez Madrid-Barajas Airport", "ES", "EUR", 40.49, -3.57),
    "Rome": ("FCO", "Leonardo da Vinci-Fiumicino Airport", "IT", "EUR", 41.80, 12.25),
    "Amsterdam": ("AMS", "Amsterdam Airport Schiphol", "NL", "EUR", 52.31, 4.76),
    "Zurich": ("ZRH", "Zurich Airport", "CH", "CHF", 47.46, 8.55),
    "Tokyo": ("HND", "Tokyo Haneda Airport", "JP", "JPY", 35.55, 139.78),
    "Singapore": ("SIN", "Singapore Changi Airport", "SG", "SGD", 1.36, 103.99),
    "Sydney": ("SYD", "Sydney Kingsford Smith Airport", "AU", "AUD", -33.94, 151.18),
    "Dubai": ("DXB", "Dubai International Airport", "AE", "AED", 25.25, 55.36),
    "Oakland": ("OAK", "Oakland International Airport", "US", "USD", 37.72, -122.22),
    "San Jose": ("SJC", "San Jose Mineta International Airport", "US", "USD", 37.36, -121.93),
    "San Diego": ("SAN", "San Diego International Airport", "US", "USD", 32.73, -117.19),
    "Portland": ("PDX", "Portland International Airport", "US", "USD", 45.59, -122.60),
    "Washington": ("DCA", "Ronald Reagan Washington National Airport", "US", "USD", 38.85, -77.04),
    "Vancouver": ("YVR", "Vancouver International Airport", "CA", "CAD", 49.19, -123.18),
    "Dublin": ("DUB", "Dublin Airport", "IE", "EUR", 53.43, -6.25),
    "Mexico City": ("MEX", "Mexico City International Airport", "MX", "USD", 19.44, -99.07),
    "Mumbai": ("BOM", "Chhatrapati Shivaji Maharaj International Airport", "IN", "USD", 19.09, 72.87),
    "Hong Kong": ("HKG", "Hong Kong International Airport", "HK", "USD", 22.31, 113.91),
    "Seoul": ("ICN", "Incheon International Airport", "KR", "USD", 37.46, 126.44),
}
CITY_ALIASES = {
    "nyc": "New York", "new york city": "New York", "manhattan": "New York", "sf": "San Francisco",
    "la": "Los Angeles", "l.a.": "Los Angeles", "tokio": "Tokyo", "rom": "Rome", "roma": "Rome",
    "zürich": "Zurich", "zuerich": "Zurich", "washington dc": "Washington", "washington, d.c.": "Washington",
    "dc": "Washington", "hongkong": "Hong Kong", "bombay": "Mumbai", "cdmx": "Mexico City",
    # towns without a major airport: the nearest one
    "san mateo": "San Francisco", "palo alto": "San Jose", "mountain view": "San Jose", "berkeley": "Oakland",
    "brooklyn": "New York", "santa monica": "Los Angeles", "cambridge": "Boston", "evanston": "Chicago",
}
# carriers by home country: (code, name)
AIRLINES: dict[str, tuple[tuple[str, str], ...]] = {
    "US": (("UA", "United Airlines"), ("DL", "Delta Air Lines"), ("AA", "American Airlines"),
           ("AS", "Alaska Airlines"), ("B6", "JetBlue")),
    "CA": (("AC", "Air Canada"),),
    "GB": (("BA", "British Airways"), ("VS", "Virgin Atlantic")),
    "FR": (("AF", "Air France"),),
    "DE": (("LH", "Lufthansa"),),
    "ES": (("IB", "Iberia"),),
    "IT": (("AZ", "ITA Airways"),),
    "NL": (("KL", "KLM"),),
    "CH": (("LX", "Swiss"),),
    "JP": (("NH", "ANA"), ("JL", "Japan Airlines")),
    "SG": (("SQ", "Singapore Airlines"),),
    "AU": (("QF", "Qantas"),),
    "AE": (("EK", "Emirates"),),
    "IE": (("EI", "Aer Lingus"),),
    "MX": (("AM", "Aeromexico"),),
    "IN": (("AI", "Air India"),),
    "HK": (("CX", "Cathay Pacific"),),
    "KR": (("KE", "Korean Air"),),
}
TRAVEL_AGENCIES = ("Skyline Travel", "Wayfarer Trips", "Northstar Journeys", "Compass Travel Co.",
                   "Bluebird Getaways")
HOTEL_PATTERNS = (
    "{city} Grand Hotel", "The {adj} {noun}", "Hotel {noun} {city}", "{noun} Inn & Suites",
    "{adj} {noun} Residences", "The {noun} House", "{city} Central Lodge", "{adj} Harbor Hotel",
)
HOTEL_ADJ = ("Silver", "Royal", "Golden", "Quiet", "Blue", "Old Town", "Riverside", "Parkside", "Linden")
HOTEL_NOUN = ("Oak", "Lantern", "Meridian", "Fern", "Harbor", "Crescent", "Willow", "Atlas", "Beacon")
AMENITIES = ("free wifi", "breakfast included", "gym", "pool", "airport shuttle", "spa", "pet friendly",
             "free cancellation until 24h before", "rooftop bar", "parking")

# -- banking -----------------------------------------------------------------------------------

ACCOUNT_KINDS = (
    ("checking", "Everyday Checking"), ("savings", "High-Yield Savings"), ("checking", "Joint Checking"),
    ("savings", "Vacation Fund"), ("savings", "Emergency Fund"), ("checking", "Euro Account"),
)
PAYEES = (
    "Northwind Energy", "City Water Utility", "Metro Fiber Internet", "Greenfield Property Management",
    "Bright Smile Dental", "Summit Health Insurance", "Riverside Auto Loans", "Cascade Mobile",
    "Oakridge School District", "Harbor Gym",
)
SPENDING = (
    ("FreshMart Groceries", 18.0, 140.0), ("Bean There Coffee", 3.5, 9.0), ("Metro Transit Card", 20.0, 60.0),
    ("Corner Pharmacy", 6.0, 45.0), ("Lumen Cinemas", 12.0, 36.0), ("Rollin' Pizza", 14.0, 48.0),
    ("Shell Station", 25.0, 80.0), ("BookNook", 9.0, 42.0), ("Streamly Subscription", 9.99, 15.99),
)
INCOME = (("Payroll - Acme Robotics", 1800.0, 4200.0), ("Payroll - Cedar Health", 1500.0, 3600.0),
          ("Refund - Northwind Energy", 12.0, 60.0), ("Interest", 1.0, 18.0))

# -- shop ------------------------------------------------------------------------------------

# (name, category, brand, base price USD, "kind of product; more search words")
PRODUCTS: tuple[tuple[str, str, str, float, str], ...] = (
    ("Wireless Noise-Cancelling Headphones", "electronics", "Auralis", 179.0, "headphones; audio bluetooth"),
    ("True Wireless Earbuds", "electronics", "Auralis", 89.0, "earbuds; audio bluetooth"),
    ("Portable Bluetooth Speaker", "electronics", "Sonora", 59.0, "speaker; audio waterproof"),
    ("USB-C Charging Cable 2m", "electronics", "Voltline", 12.99, "cable; charger"),
    ("65W USB-C Laptop Charger", "electronics", "Voltline", 39.0, "charger; adapter laptop"),
    ("27-inch 4K Monitor", "electronics", "Pixelon", 329.0, "monitor; display screen"),
    ("Mechanical Keyboard", "electronics", "Keyforge", 99.0, "keyboard; office typing"),
    ("Ergonomic Wireless Mouse", "electronics", "Keyforge", 34.5, "mouse; office"),
    ("E-Reader with Backlight", "electronics", "Pagewise", 139.0, "e-reader; books"),
    ("Stainless Steel Water Bottle 750ml", "outdoor", "Trailhead", 24.0, "water bottle; hydration flask"),
    ("Two-Person Camping Tent", "outdoor", "Trailhead", 149.0, "tent; camping hiking"),
    ("Down Sleeping Bag", "outdoor", "Trailhead", 119.0, "sleeping bag; camping"),
    ("Trekking Poles (pair)", "outdoor", "Ridgeway", 54.0, "trekking poles; hiking"),
    ("Insulated Rain Jacket", "clothing", "Ridgeway", 129.0, "rain jacket; outdoor waterproof coat"),
    ("Merino Wool Socks (3 pack)", "clothing", "Ridgeway", 27.0, "socks; hiking"),
    ("Running Shoes", "clothing", "Stride", 110.0, "running shoes; sneakers fitness"),
    ("Yoga Mat 6mm", "fitness", "Flowform", 32.0, "yoga mat; exercise"),
    ("Adjustable Dumbbells 2x12kg", "fitness", "Ironclad", 189.0, "dumbbells; weights exercise"),
    ("Resistance Bands Set", "fitness", "Flowform", 19.5, "resistance bands; exercise"),
    ("Pour-Over Coffee Maker", "kitchen", "Brewcraft", 42.0, "coffee maker"),
    ("Burr Coffee Grinder", "kitchen", "Brewcraft", 79.0, "coffee grinder"),
    ("Cast Iron Skillet 26cm", "kitchen", "Hearthstone", 36.0, "skillet; pan cookware"),
    ("Chef's Knife 20cm", "kitchen", "Hearthstone", 58.0, "knife; cutlery"),
    ("Electric Kettle 1.7L", "kitchen", "Brewcraft", 45.0, "kettle; tea"),
    ("Air Fryer 5L", "kitchen", "Crispa", 99.0, "air fryer; cooking"),
    ("Cotton Bath Towel Set", "home", "Softnest", 39.0, "towels; bathroom"),
    ("LED Desk Lamp", "home", "Lumina", 29.0, "desk lamp; office light"),
    ("Memory Foam Pillow", "home", "Softnest", 44.0, "pillow; bedroom sleep"),
    ("Robot Vacuum Cleaner", "home", "Tidybot", 249.0, "vacuum; cleaning"),
    ("Scented Soy Candle", "home", "Ember & Oak", 18.0, "candle; decor gift"),
    ("Hardcover Notebook A5", "office", "Inkwell", 14.0, "notebook; journal paper"),
    ("Gel Pens (12 pack)", "office", "Inkwell", 11.5, "pens; writing"),
    ("Standing Desk Converter", "office", "Ergonest", 199.0, "standing desk; ergonomic"),
    ("Wooden Building Blocks", "toys", "Tinkertown", 34.0, "building blocks; kids gift"),
    ("1000-Piece Jigsaw Puzzle", "toys", "Tinkertown", 21.0, "jigsaw puzzle; games gift"),
    ("Board Game: River Traders", "toys", "Meeple House", 39.0, "board game; family"),
    ("Vitamin C Face Serum", "beauty", "Glowhaus", 26.0, "face serum; skincare"),
    ("Sunscreen SPF 50", "beauty", "Glowhaus", 16.0, "sunscreen; skincare sun"),
)
COUPONS: tuple[tuple[str, int, float], ...] = (  # (code, percent off, minimum subtotal)
    ("WELCOME10", 10, 0.0), ("SAVE15", 15, 100.0), ("SPRING20", 20, 150.0), ("OUTDOOR25", 25, 200.0),
    ("FREESHIP5", 5, 25.0),
)
CARRIERS = ("UPS", "FedEx", "USPS", "DHL")
HUBS = ("Memphis, TN", "Louisville, KY", "Reno, NV", "Columbus, OH", "Ontario, CA", "Newark, NJ")

# -- smart home ----------------------------------------------------------------------------

# (type, device id, name, room, watts); ids are "<type>.<where/what>" like Home Assistant's entity ids
DEVICES: tuple[tuple[str, str, str, str, int], ...] = (
    ("light", "light.kitchen_ceiling", "Ceiling Light", "kitchen", 12),
    ("light", "light.dining_pendants", "Pendant Lights", "dining room", 18),
    ("light", "light.living_room_floor_lamp", "Floor Lamp", "living room", 9),
    ("light", "light.bedside_lamp", "Bedside Lamp", "bedroom", 6),
    ("light", "light.porch", "Porch Light", "front porch", 10),
    ("light", "light.office_desk_lamp", "Desk Lamp", "office", 7),
    ("thermostat", "thermostat.hallway", "Hallway Thermostat", "hallway", 4),
    ("thermostat", "thermostat.upstairs", "Upstairs Thermostat", "upstairs", 4),
    ("lock", "lock.front_door", "Front Door Lock", "entrance", 1),
    ("lock", "lock.back_door", "Back Door Lock", "kitchen", 1),
    ("lock", "lock.garage_side_door", "Garage Side Door Lock", "garage", 1),
    ("plug", "plug.coffee_machine", "Coffee Machine Plug", "kitchen", 1100),
    ("plug", "plug.space_heater", "Space Heater Plug", "office", 1500),
    ("plug", "plug.christmas_tree", "Christmas Tree Plug", "living room", 60),
    ("fan", "fan.bedroom_ceiling", "Ceiling Fan", "bedroom", 55),
    ("tv", "tv.living_room", "Smart TV", "living room", 110),
    ("speaker", "speaker.kitchen", "Smart Speaker", "kitchen", 8),
    ("camera", "camera.doorbell", "Doorbell Camera", "front porch", 5),
    ("camera", "camera.backyard", "Backyard Camera", "garden", 6),
    ("fan", "fan.office_desk", "Desk Fan", "office", 35),
    ("speaker", "speaker.soundbar", "Soundbar", "living room", 30),
)
HOME_NAMES = ("Maple Street House", "Lakeside Cottage", "City Apartment", "Hillside Home", "Beach House")
SCENE_NAMES = ("Movie Night", "Good Morning", "Away Mode", "Bedtime", "Dinner Party", "Work From Home")
