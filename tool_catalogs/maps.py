"""Maps & units: geocoding, distances, nearby places, weather, time zones, unit conversion.

The paper's nested example lives here: "how many km from San Francisco to San Mateo?" needs
``get_distance`` (which answers in miles) followed by ``convert_units``. City names overlap
the travel toolkit's, so a city found here can feed a flight or hotel search there.

The world (cities, landmarks, street names) is a fixed table in ``_data_a``; the state holds
only the user's home city, today's date, saved places and a ``seed`` that varies the names of
nearby places and the weather between conversations. Everything is computed from the state
and the arguments (hash-seeded, never the global random or the clock), so replay is exact.
"""

import math
import random
import re
from dataclasses import dataclass
from datetime import date as Date
from functools import lru_cache
from typing import Annotated, Any, Iterator, Literal

from pydantic import Field
from typing_extensions import TypedDict

from magnet_graph.seeding import derive_seed
from magnet_graph.toolkit import Toolkit, World, draw_world

from . import _data_a as D
from ._util import drawer, round_to, sample

__all__ = ["Maps"]

_EARTH_RADIUS_MILES = 3958.8

Unit = Literal[
    "miles", "km", "m", "ft", "cm", "in", "kg", "lb", "g", "oz",
    "celsius", "fahrenheit", "liters", "gallons", "ml",
]
Category = Literal[
    "restaurant", "cafe", "hotel", "museum", "park", "pharmacy", "gas_station", "grocery", "gym", "parking",
]
Mode = Literal["driving", "walking", "cycling", "transit", "flying"]


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    code: str
    country: str
    lat: float
    lon: float
    timezone: str
    utc_offset: float
    mean_c: float
    amp_c: float
    rain: float
    streets: tuple[str, ...]


_CITIES: tuple[_City, ...] = tuple(_City(*row[:11]) for row in D.CITIES)
_CITY_BY_KEY: dict[str, _City] = {}
for _row, _city in zip(D.CITIES, _CITIES):
    for _key in (_city.name.lower(), *_row[11]):
        _CITY_BY_KEY[_key] = _city
_CITY_BY_CODE = {c.code: c for c in _CITIES}
_LANDMARK_BY_KEY = {name.lower(): (name, *rest) for name, rest in D.LANDMARKS.items()}
_CAT_BY_CODE = {v[0]: k for k, v in D.PLACE_CATEGORIES.items()}
_PLACE_ID = re.compile(r"^PLC-([A-Z]{3})-([A-Z]{3})-(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PLACES_PER_CATEGORY = 6

# unit -> (dimension, factor to the dimension's base unit); temperatures are special-cased
_UNITS: dict[str, tuple[str, float]] = {
    "m": ("length", 1.0), "km": ("length", 1000.0), "miles": ("length", 1609.344), "ft": ("length", 0.3048),
    "cm": ("length", 0.01), "in": ("length", 0.0254),
    "kg": ("mass", 1.0), "g": ("mass", 0.001), "lb": ("mass", 0.45359237), "oz": ("mass", 0.028349523125),
    "liters": ("volume", 1.0), "ml": ("volume", 0.001), "gallons": ("volume", 3.785411784),
    "celsius": ("temperature", 1.0), "fahrenheit": ("temperature", 1.0),
}
# mode -> (average speed in mph, fixed overhead in minutes)
_SPEEDS = {"driving": (38.0, 5), "walking": (3.0, 0), "cycling": (10.0, 0), "transit": (18.0, 10), "flying": (480.0, 120)}


# -- output schemas ------------------------------------------------------------------------
class GeocodeResult(TypedDict):
    place: Annotated[str, Field(description="The place as it was asked for.")]
    address: Annotated[str, Field(description="Formatted address of the place, ending with city and country.")]
    city: Annotated[str, Field(description="City the place is in (usable wherever a city name is needed).")]
    country: Annotated[str, Field(description="Country of the city.")]
    lat: Annotated[float, Field(description="Latitude in decimal degrees.")]
    lon: Annotated[float, Field(description="Longitude in decimal degrees.")]


class ReverseGeocodeResult(TypedDict):
    city: Annotated[str, Field(description="Nearest known city to the coordinates.")]
    country: Annotated[str, Field(description="Country of that city.")]
    nearest_landmark: Annotated[str, Field(description="Nearest well-known landmark in that city, or empty.")]
    distance_miles: Annotated[float, Field(description="Distance from the coordinates to the city centre, in miles.")]


class DistanceResult(TypedDict):
    origin: Annotated[str, Field(description="The starting place as given.")]
    destination: Annotated[str, Field(description="The destination as given.")]
    distance_miles: Annotated[float, Field(description="The distance in miles (as the crow flies); convert the value to km or other units if needed.")]
    unit: Annotated[str, Field(description="Unit of the distance: always 'miles'.")]


class ConversionResult(TypedDict):
    value: Annotated[float, Field(description="The converted value (rounded to 2 decimals).")]
    unit: Annotated[str, Field(description="Unit of the converted value (the requested target unit).")]
    original_value: Annotated[float, Field(description="The value that was converted.")]
    original_unit: Annotated[str, Field(description="Unit of the original value.")]


class TravelTimeResult(TypedDict):
    distance_miles: Annotated[float, Field(description="Distance the estimate is for, in miles.")]
    mode: Annotated[str, Field(description="Means of transport the estimate is for.")]
    duration_minutes: Annotated[int, Field(description="Estimated door-to-door travel time in whole minutes.")]
    duration_text: Annotated[str, Field(description="The same duration written for people, e.g. '1 h 25 min'.")]


class NearbyPlace(TypedDict):
    place_id: Annotated[str, Field(description="Id of the place (e.g. PLC-SFO-CAF-02); pass it to get details or to save the place.")]
    name: Annotated[str, Field(description="Name of the place.")]
    address: Annotated[str, Field(description="Street address, ending with the city.")]
    distance_miles: Annotated[float, Field(description="Straight-line distance from the searched place, in miles.")]
    rating: Annotated[float, Field(description="Average visitor rating from 1.0 to 5.0.")]


class NearbyResult(TypedDict):
    city: Annotated[str, Field(description="City that was searched.")]
    category: Annotated[str, Field(description="Kind of place that was searched for.")]
    places: Annotated[list[NearbyPlace], Field(description="Matching places, nearest first.")]


class PlaceDetails(TypedDict):
    place_id: Annotated[str, Field(description="Id of the place.")]
    name: Annotated[str, Field(description="Name of the place.")]
    category: Annotated[str, Field(description="Kind of place (restaurant, cafe, hotel ...).")]
    address: Annotated[str, Field(description="Street address, ending with the city.")]
    city: Annotated[str, Field(description="City the place is in.")]
    phone: Annotated[str, Field(description="Phone number of the place.")]
    opening_hours: Annotated[str, Field(description="Daily opening hours as HH:MM-HH:MM local time.")]
    price_level: Annotated[int, Field(description="Price level from 0 (free) to 4 (very expensive).")]
    rating: Annotated[float, Field(description="Average visitor rating from 1.0 to 5.0.")]
    lat: Annotated[float, Field(description="Latitude in decimal degrees.")]
    lon: Annotated[float, Field(description="Longitude in decimal degrees.")]


class WeatherResult(TypedDict):
    city: Annotated[str, Field(description="City of the forecast.")]
    date: Annotated[str, Field(description="Day of the forecast, YYYY-MM-DD.")]
    condition: Annotated[str, Field(description="Sky and precipitation in words, e.g. 'partly cloudy' or 'showers'.")]
    temperature: Annotated[float, Field(description="Average daytime temperature, in `unit` (always celsius).")]
    low: Annotated[float, Field(description="Lowest temperature of the day, in `unit`.")]
    high: Annotated[float, Field(description="Highest temperature of the day, in `unit`.")]
    unit: Annotated[str, Field(description="Temperature unit: 'celsius'; convert to fahrenheit with a unit conversion.")]
    precipitation_chance: Annotated[int, Field(description="Chance of rain or snow, in percent.")]
    wind_speed_kmh: Annotated[int, Field(description="Average wind speed in km/h.")]


class TimezoneResult(TypedDict):
    city: Annotated[str, Field(description="The city.")]
    timezone: Annotated[str, Field(description="IANA time zone name, e.g. 'Europe/Paris'.")]
    utc_offset: Annotated[float, Field(description="Standard-time offset from UTC in hours (daylight saving not applied).")]
    utc_offset_text: Annotated[str, Field(description="The offset written as UTC+HH:MM.")]


class SavedPlace(TypedDict):
    label: Annotated[str, Field(description="The user's label for the place, e.g. 'home' or 'work'; usable as a place name in every maps tool.")]
    name: Annotated[str, Field(description="Name of the place.")]
    address: Annotated[str, Field(description="Street address of the place.")]


class SavePlaceResult(TypedDict):
    label: Annotated[str, Field(description="Label the place was saved under.")]
    place_id: Annotated[str, Field(description="Id of the saved place.")]
    name: Annotated[str, Field(description="Name of the saved place.")]
    address: Annotated[str, Field(description="Street address of the saved place.")]
    replaced: Annotated[bool, Field(description="True when the label already pointed at another place and was overwritten.")]


class SavedPlacesResult(TypedDict):
    places: Annotated[list[SavedPlace], Field(description="Saved places, in label order.")]
    count: Annotated[int, Field(description="Number of saved places.")]


# -- pure helpers --------------------------------------------------------------------------
def _error(message: str) -> Any:
    return {"error": message}


def _norm(text: str) -> str:
    return " ".join(str(text).split()).lower()


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def _address_coords(address: str, city: _City) -> tuple[float, float]:
    """Stable coordinates for a street address: the city centre plus a hashed offset (<~3 mi)."""
    h = derive_seed(0, "address", _norm(address))
    dx = ((h & 0xFFFF) / 0xFFFF - 0.5) * 0.08
    dy = (((h >> 16) & 0xFFFF) / 0xFFFF - 0.5) * 0.08
    return round_to(city.lat + dy, 4), round_to(city.lon + dx, 4)


@lru_cache(maxsize=32)  # keyed by the state's seed: reused within a conversation, not across
def _places(city_code: str, category: str, seed: int) -> tuple[dict[str, Any], ...]:
    """The places of one category in one city for a given state seed (cached; never mutated)."""
    return tuple(_iter_places(city_code, category, seed))


def _place_ids(city_code: str, category: str) -> list[str]:
    """The ids of :func:`_places` (they do not depend on the seed)."""
    cat_code, names = D.PLACE_CATEGORIES[category][:2]
    return [f"PLC-{city_code}-{cat_code}-{i:02d}" for i in range(1, min(_PLACES_PER_CATEGORY, len(names)) + 1)]


def _iter_places(city_code: str, category: str, seed: int) -> Iterator[dict[str, Any]]:
    """The places of :func:`_places`, made one at a time (the first needs only its own draws)."""
    city = _CITY_BY_CODE[city_code]
    cat_code, names, hours, prices = D.PLACE_CATEGORIES[category]
    rng = random.Random(derive_seed(seed, "places", city_code, category))
    below = drawer(rng)  # seq[below(len(seq))] is rng.choice(seq), a + below(b - a) rng.randrange(a, b)
    random_ = rng.random
    streets, areas = city.streets, D.AREA_CODES
    chosen = sample(rng, names, min(_PLACES_PER_CATEGORY, len(names)))
    for i, pattern in enumerate(chosen, start=1):
        street = streets[below(len(streets))]
        name = pattern.format(city=city.name, street=_street_word(street))
        address = f"{10 + below(2390)} {street}, {city.name}"
        lat, lon = _address_coords(address, city)
        yield {
            "place_id": f"PLC-{city_code}-{cat_code}-{i:02d}",
            "name": name,
            "category": category,
            "address": address,
            "city": city.name,
            "phone": f"+1-{areas[below(len(areas))]}-555-01{below(100):02d}",
            "opening_hours": hours[below(len(hours))],
            "price_level": prices[below(len(prices))],
            "rating": round_to(3.4 + (4.9 - 3.4) * random_(), 1),
            "lat": lat,
            "lon": lon,
        }


_GENERIC_STREET_WORDS = frozenset(
    "street avenue boulevard road drive lane rue via calle avenida paseo de la del des dei du gran "
    "high west east north south".split()
)


@lru_cache(maxsize=1024)
def _street_word(street: str) -> str:
    """The distinctive word of a street name ('Rue de Rivoli' -> 'Rivoli'), used in place names."""
    words = [w for w in street.split() if w.lower() not in _GENERIC_STREET_WORDS]
    return words[0] if words else street.split()[0]


@lru_cache(maxsize=64)
def _by_distance(code: str) -> tuple[_City, ...]:
    """The other cities, nearest to the city ``code`` first."""
    home = _CITY_BY_CODE[code]
    return tuple(sorted((c for c in _CITIES if c is not home), key=lambda c: _haversine(home.lat, home.lon, c.lat, c.lon)))


def _valid_date(text: str) -> Date | None:
    if not isinstance(text, str) or not _DATE.match(text):
        return None
    try:
        return Date.fromisoformat(text)
    except ValueError:
        return None


def _duration_text(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    return f"{hours} h" if hours else f"{mins} min"


class Maps(Toolkit):
    """Maps, places, weather and unit conversion for a handful of major world cities."""

    fresh_state = True  # generate_state builds new plain JSON data (see Toolkit.fresh_state)
    description = "Geocoding, distances, nearby places, weather, time zones and unit conversion."

    hints = {
        "geocode": (
            "What are the coordinates of {place}?",
            "Where exactly is {place} on the map?",
            "Give me the latitude and longitude for {place}.",
            "Look up where {place} is.",
        ),
        "reverse_geocode": (
            "What city is at latitude {lat}, longitude {lon}?",
            "Which place is at the coordinates {lat}, {lon}?",
            "I have a location at {lat}, {lon}; what city is that near?",
        ),
        "get_distance": (
            "How far is it from {origin} to {destination}?",
            "What's the distance between {origin} and {destination} in miles?",
            "How many miles separate {origin} and {destination}?",
            "Is {destination} far from {origin}?",
        ),
        "convert_units": (
            "Convert {value} from {unit} to {to_unit}.",
            "I have {value}, measured in {unit}; what is that in {to_unit}?",
            "Express {value} (in {unit}) in {to_unit}, please.",
        ),
        "estimate_travel_time": (
            "How long would a trip of {distance_miles} miles take by {mode}?",
            "Estimate the travel time by {mode} if the distance is {distance_miles}.",
            "If I cover {distance_miles} miles by {mode}, how many minutes is that?",
        ),
        "find_nearby": (
            "Is there a {category} near {place}?",
            "Show me {category} options around {place}.",
            "What's the closest {category} to {place}?",
            "I need a {category} close to {place}.",
        ),
        "get_place_details": (
            "Tell me more about {place_id}.",
            "What are the opening hours and phone number of {place_id}?",
            "Can I get the details for {place_id}?",
        ),
        "get_weather": (
            "What's the weather in {city} on {date}?",
            "Will it rain in {city} on {date}?",
            "How's the weather looking in {city}?",
            "Give me the forecast for {city}.",
        ),
        "get_timezone": (
            "What time zone is {city} in?",
            "What's the UTC offset for {city}?",
            "Which time zone does {city} use?",
        ),
        "save_place": (
            "Save {place_id} as {label}.",
            "Bookmark {place_id} under the name {label}.",
            "Add {place_id} to my saved places, labelled {label}.",
        ),
        "list_saved_places": (
            "What places do I have saved?",
            "Show my saved locations.",
            "Which places have I bookmarked?",
        ),
    }

    # -- state -------------------------------------------------------------------------
    @classmethod
    def default_state(cls) -> dict[str, Any]:
        """San Francisco, 2024-05-14, a home and a work address."""
        return {
            "home_city": "San Francisco",
            "today": "2024-05-14",
            "seed": 1,
            "saved_places": {
                "home": {"label": "home", "place_id": "", "name": "Home", "address": "742 Valencia Street, San Francisco"},
                "work": {"label": "work", "place_id": "", "name": "Work", "address": "101 Market Street, San Francisco"},
            },
        }

    @classmethod
    def generate_state(cls, rng: random.Random, world: World | None = None) -> dict[str, Any]:
        """The world's home city, home address and today, a work address in that city, and a seed
        for places and weather (the world is drawn from ``rng`` when none is given; a home city
        the maps do not know is replaced by one drawn from ``rng``)."""
        if world is None:
            world = draw_world(rng)
        below = drawer(rng)  # seq[below(len(seq))] is rng.choice(seq), a + below(b - a) rng.randrange(a, b)
        city = _CITY_BY_KEY.get(world.city.lower()) or _CITIES[below(len(_CITIES))]
        streets = city.streets
        home = f"{world.street}, {city.name}" if city.name == world.city else \
            f"{10 + below(2390)} {streets[below(len(streets))]}, {city.name}"
        work = f"{10 + below(2390)} {streets[below(len(streets))]}, {city.name}"
        saved = {"home": {"label": "home", "place_id": "", "name": "Home", "address": home},
                 "work": {"label": "work", "place_id": "", "name": "Work", "address": work}}
        seed = below(1 << 31)
        if rng.random() < 0.5:
            gym = next(_iter_places(city.code, "gym", seed))  # _places(city.code, "gym", seed)[0]
            saved["gym"] = {"label": "gym", "place_id": gym["place_id"], "name": gym["name"], "address": gym["address"]}
        return {"home_city": city.name, "today": world.today, "seed": seed, "saved_places": saved}

    # -- resolution ----------------------------------------------------------------------
    def _resolve(self, place: str, *, labels: bool = True) -> tuple[str, _City, float, float] | None:
        """(formatted address, city, lat, lon) for a city, landmark, saved label, place id or address."""
        key = _norm(place)
        if not key:
            return None
        if labels:
            for label, entry in self.data.get("saved_places", {}).items():
                if _norm(label) == key:
                    return self._resolve(entry.get("place_id") or entry.get("address", ""), labels=False)
        city = _CITY_BY_KEY.get(key)
        if city is not None:
            return f"{city.name}, {city.country}", city, city.lat, city.lon
        landmark = _LANDMARK_BY_KEY.get(key)
        if landmark is not None:
            name, city_name, lat, lon = landmark
            city = _CITY_BY_KEY[city_name.lower()]
            return f"{name}, {city.name}, {city.country}", city, lat, lon
        found = self._place(str(place).strip())
        if found is not None:
            city = _CITY_BY_CODE[found["place_id"][4:7]]
            return f"{found['address']}, {city.country}", city, found["lat"], found["lon"]
        parts = [p.strip() for p in str(place).split(",")]
        for i in range(len(parts) - 1, -1, -1):
            city = _CITY_BY_KEY.get(_norm(parts[i]))
            if city is None:
                continue
            if i == 0:  # "Paris, France"
                return f"{city.name}, {city.country}", city, city.lat, city.lon
            street = ", ".join(parts[:i])
            landmark = _LANDMARK_BY_KEY.get(_norm(street))
            if landmark is not None and landmark[1] == city.name:
                return f"{landmark[0]}, {city.name}, {city.country}", city, landmark[2], landmark[3]
            if street:
                address = f"{street}, {city.name}"
                lat, lon = _address_coords(address, city)
                return f"{address}, {city.country}", city, lat, lon
        return None

    def _place(self, place_id: str) -> dict[str, Any] | None:
        m = _PLACE_ID.match(place_id)
        if m is None or m.group(1) not in _CITY_BY_CODE or m.group(2) not in _CAT_BY_CODE:
            return None
        places = _places(m.group(1), _CAT_BY_CODE[m.group(2)], int(self.data.get("seed", 0)))
        index = int(m.group(3)) - 1
        return places[index] if 0 <= index < len(places) else None

    def _unknown(self, place: str) -> Any:
        return _error(
            f"Unknown place '{place}'. Give a city (e.g. {self.data.get('home_city', 'San Francisco')}), "
            "a landmark, a saved label, a place id or a street address ending with a city."
        )

    # -- tools ---------------------------------------------------------------------------
    def geocode(self, place: str) -> GeocodeResult:
        """Look up the coordinates, city and country of a place.

        Args:
            place: A city, landmark, saved-place label (e.g. 'home'), place id, or street address ending with a city.

        Returns:
            The formatted address, city, country, latitude and longitude of the place.
        """
        found = self._resolve(place)
        if found is None:
            return self._unknown(place)
        address, city, lat, lon = found
        return {"place": place, "address": address, "city": city.name, "country": city.country, "lat": lat, "lon": lon}

    def reverse_geocode(self, lat: Annotated[float, Field(ge=-90, le=90)],
                        lon: Annotated[float, Field(ge=-180, le=180)]) -> ReverseGeocodeResult:
        """Find the city (and nearest landmark) closest to a pair of coordinates.

        Args:
            lat: Latitude in decimal degrees, from -90 to 90.
            lon: Longitude in decimal degrees, from -180 to 180.

        Returns:
            The nearest city, its country, the nearest landmark in it and the distance to the city centre.
        """
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return _error(f"Coordinates ({lat}, {lon}) are out of range; latitude must be -90..90 and longitude -180..180.")
        city = min(_CITIES, key=lambda c: _haversine(lat, lon, c.lat, c.lon))
        distance = _haversine(lat, lon, city.lat, city.lon)
        if distance > 100:
            return _error(f"No known city within 100 miles of ({lat}, {lon}); the nearest is {city.name} ({distance:.0f} miles away).")
        marks = [(n, la, lo) for n, c, la, lo in _LANDMARK_BY_KEY.values() if c == city.name]
        nearest = min(marks, key=lambda m: _haversine(lat, lon, m[1], m[2]))[0] if marks else ""
        return {"city": city.name, "country": city.country, "nearest_landmark": nearest, "distance_miles": round_to(distance, 1)}

    def get_distance(self, origin: str, destination: str) -> DistanceResult:
        """Compute the straight-line distance in miles between two places.

        Args:
            origin: Starting place: a city, landmark, saved-place label, place id or street address.
            destination: Destination place, in any of the same forms.

        Returns:
            The origin, the destination and the distance between them in miles.
        """
        start = self._resolve(origin)
        if start is None:
            return self._unknown(origin)
        end = self._resolve(destination)
        if end is None:
            return self._unknown(destination)
        miles = _haversine(start[2], start[3], end[2], end[3])
        return {"origin": origin, "destination": destination, "distance_miles": round_to(miles, 1), "unit": "miles"}

    def convert_units(self, value: float, unit: str, to_unit: Unit) -> ConversionResult:
        """Convert a value between units of length, mass, temperature or volume (e.g. a distance in miles to km).

        Args:
            value: The number to convert, e.g. a distance in miles or a temperature in celsius.
            unit: Unit the value is in, as given with it (e.g. 'miles' for a distance, 'celsius' for a
                forecast); one of miles, km, m, ft, cm, in, kg, lb, g, oz, celsius, fahrenheit, liters, gallons, ml.
            to_unit: Unit to convert to; must measure the same kind of quantity as unit.

        Returns:
            The converted value and its unit, with the original value and unit.
        """
        source = unit.strip().lower()
        if source not in _UNITS or to_unit not in _UNITS:
            bad = unit if source not in _UNITS else to_unit
            return _error(f"Unknown unit '{bad}'. Use one of: {', '.join(_UNITS)}.")
        dim_from, factor_from = _UNITS[source]
        dim_to, factor_to = _UNITS[to_unit]
        if dim_from != dim_to:
            return _error(f"Cannot convert {source} ({dim_from}) to {to_unit} ({dim_to}); pick units of the same kind.")
        if source == to_unit:
            return _error(f"The value is already in {to_unit}; pick a different target unit.")
        if not math.isfinite(value):
            return _error("The value must be a finite number.")
        if dim_from == "temperature":
            result = value * 9 / 5 + 32 if to_unit == "fahrenheit" else (value - 32) * 5 / 9
        else:
            result = value * factor_from / factor_to
        return {"value": round_to(result, 2), "unit": to_unit, "original_value": value, "original_unit": source}

    def estimate_travel_time(self, distance_miles: Annotated[float, Field(ge=0)],
                             mode: Mode = "driving") -> TravelTimeResult:
        """Estimate how long it takes to travel a distance with a given means of transport.

        Args:
            distance_miles: Distance to travel, in miles (e.g. the output of a distance lookup).
            mode: Means of transport.

        Returns:
            The estimated duration in minutes and as readable text, with the distance and mode.
        """
        if mode not in _SPEEDS:
            return _error(f"Unknown mode '{mode}'. Use one of: {', '.join(_SPEEDS)}.")
        if not math.isfinite(distance_miles) or distance_miles < 0:
            return _error(f"Distance must be a non-negative number of miles, got {distance_miles}.")
        speed, overhead = _SPEEDS[mode]
        minutes = max(1, round(distance_miles / speed * 60 + (overhead if distance_miles > 0 else 0)))
        return {"distance_miles": distance_miles, "mode": mode, "duration_minutes": minutes, "duration_text": _duration_text(minutes)}

    def find_nearby(self, place: str, category: Category,
                    limit: Annotated[int, Field(ge=1, le=10)] = 5) -> NearbyResult:
        """Search for places of one kind near a place, nearest first.

        Args:
            place: Where to search around: a city, landmark, saved-place label, place id or street address.
            category: Kind of place to look for.
            limit: Maximum number of places to return, 1 to 10.

        Returns:
            The city searched and the matching places with place_id, name, address, distance and rating.
        """
        if category not in D.PLACE_CATEGORIES:
            return _error(f"Unknown category '{category}'. Use one of: {', '.join(D.PLACE_CATEGORIES)}.")
        if not 1 <= limit <= 10:
            return _error(f"limit must be between 1 and 10, got {limit}.")
        found = self._resolve(place)
        if found is None:
            return self._unknown(place)
        _, city, lat, lon = found
        rows = []
        for p in _places(city.code, category, int(self.data.get("seed", 0))):
            miles = round_to(_haversine(lat, lon, p["lat"], p["lon"]), 1)
            rows.append({"place_id": p["place_id"], "name": p["name"], "address": p["address"],
                         "distance_miles": miles, "rating": p["rating"]})
        rows.sort(key=lambda r: (r["distance_miles"], r["place_id"]))
        return {"city": city.name, "category": category, "places": rows[:limit]}

    def get_place_details(self, place_id: str) -> PlaceDetails:
        """Get the address, phone, opening hours, price level and rating of a place.

        Args:
            place_id: Id of the place, as returned by a nearby-places search (e.g. PLC-SFO-CAF-02).

        Returns:
            The full details of the place.
        """
        found = self._place(place_id)
        if found is None:
            return _error(f"Unknown place id '{place_id}'; use a place_id returned by a nearby search (like PLC-SFO-CAF-01).")
        return dict(found)  # type: ignore[return-value]

    def get_weather(self, city: str, date: str = "") -> WeatherResult:
        """Get the weather forecast for a city on a given day (temperatures in celsius).

        Args:
            city: City name (a landmark or address also works; its city is used).
            date: Day of the forecast as YYYY-MM-DD; empty means today.

        Returns:
            The condition, average/low/high temperature in celsius, chance of precipitation and wind speed.
        """
        found = self._resolve(city)
        if found is None:
            return self._unknown(city)
        day_text = date or self.data.get("today", "2024-05-14")
        day = _valid_date(day_text)
        if day is None:
            return _error(f"Invalid date '{date}'; use YYYY-MM-DD, e.g. {self.data.get('today', '2024-05-14')}.")
        c = found[1]
        rng = random.Random(derive_seed(int(self.data.get("seed", 0)), "weather", c.code, day_text))
        # the draws of rng.uniform(a, b) (a + (b - a) * random()), rng.choice and rng.randrange, made directly
        below, random_ = drawer(rng), rng.random
        season = math.cos(2 * math.pi * (day.timetuple().tm_yday - 200) / 365.25)
        avg = c.mean_c + c.amp_c * season + (-3.0 + (3.0 - -3.0) * random_())
        spread = 3.0 + (6.0 - 3.0) * random_()
        wet = random_() < c.rain
        conditions = D.WEATHER_CONDITIONS_WET if wet else D.WEATHER_CONDITIONS_DRY
        condition = conditions[below(len(conditions))]
        if wet and avg < 0.5:
            condition = "snow"
        chance = 55 + below(96 - 55) if wet else below(25)
        return {
            "city": c.name, "date": day_text, "condition": condition,
            "temperature": round_to(avg, 1), "low": round_to(avg - spread, 1), "high": round_to(avg + spread, 1),
            "unit": "celsius", "precipitation_chance": chance, "wind_speed_kmh": 3 + below(40 - 3),
        }

    def get_timezone(self, city: str) -> TimezoneResult:
        """Get the time zone of a city and its offset from UTC.

        Args:
            city: City name (a landmark or address also works; its city is used).

        Returns:
            The IANA time zone name and the standard-time UTC offset in hours and as text.
        """
        found = self._resolve(city)
        if found is None:
            return self._unknown(city)
        c = found[1]
        sign = "+" if c.utc_offset >= 0 else "-"
        hours, minutes = divmod(round(abs(c.utc_offset) * 60), 60)
        return {"city": c.name, "timezone": c.timezone, "utc_offset": float(c.utc_offset),
                "utc_offset_text": f"UTC{sign}{hours:02d}:{minutes:02d}"}

    def save_place(self, place_id: str, label: str) -> SavePlaceResult:
        """Save a place under a short label (like 'home' or 'favorite cafe') to use it by name later.

        Args:
            place_id: Id of the place to save, as returned by a nearby-places search.
            label: Short name for the place, at most 40 characters.

        Returns:
            The label, the saved place's id, name and address, and whether an older entry was replaced.
        """
        label = label.strip()
        if not label or len(label) > 40:
            return _error("The label must be 1 to 40 characters long.")
        found = self._place(place_id)
        if found is None:
            return _error(f"Unknown place id '{place_id}'; use a place_id returned by a nearby search (like PLC-SFO-CAF-01).")
        saved = self.data.setdefault("saved_places", {})
        replaced = label in saved
        saved[label] = {"label": label, "place_id": place_id, "name": found["name"], "address": found["address"]}
        return {"label": label, "place_id": place_id, "name": found["name"], "address": found["address"], "replaced": replaced}

    def list_saved_places(self) -> SavedPlacesResult:
        """List the places the user has saved under labels.

        Returns:
            Every saved place with its label, name and address, and how many there are.
        """
        saved = self.data.get("saved_places", {})
        places = [{"label": k, "name": saved[k]["name"], "address": saved[k]["address"]} for k in sorted(saved)]
        return {"places": places, "count": len(places)}  # type: ignore[typeddict-item]

    # -- values for the offline translator ------------------------------------------------
    # candidates() lists every city these know (see Maps.candidates)
    exact_candidates = {"get_weather": ("city",), "get_timezone": ("city",)}

    def candidates(self, tool: str, param: str) -> list[Any]:
        """Cities, landmarks, saved labels, place ids, dates and coordinates that exist here.

        A ``city`` is one of the known cities by name (every one: ``exact_candidates``)."""
        home = _CITY_BY_KEY.get(_norm(self.data.get("home_city", "San Francisco")), _CITIES[0])
        others = _by_distance(home.code)
        int(self.data.get("seed", 0))  # a state whose seed is not a number fails here, for every parameter
        if param in ("place", "origin", "destination", "city"):
            landmarks = [n for n, c, _, _ in _LANDMARK_BY_KEY.values() if c == home.name]
            labels = sorted(self.data.get("saved_places", {}))
            if param == "city":
                return [home.name] + [c.name for c in others]
            if param == "destination":
                return [others[0].name, *landmarks, *labels, home.name, *(c.name for c in others[1:])]
            return [home.name] + landmarks + labels + [c.name for c in others]
        if param == "place_id":
            return [pid for cat in ("restaurant", "cafe", "museum", "hotel") for pid in _place_ids(home.code, cat)]
        if param == "label":
            used = set(self.data.get("saved_places", {}))
            return [x for x in (*D.SAVED_LABELS, "favorite cafe", "dinner spot") if x not in used]
        if param == "date":
            today = _valid_date(self.data.get("today", "")) or Date(2024, 5, 14)
            return [Date.fromordinal(today.toordinal() + i).isoformat() for i in range(7)]
        if param == "lat":
            return [home.lat]
        if param == "lon":
            return [home.lon]
        if param == "distance_miles":
            return [round(_haversine(home.lat, home.lon, c.lat, c.lon), 1) for c in others[:3]]
        if param == "value":  # distances in miles: they pair with the unit candidates below
            return [12.5, 26.2, 100.0, 3.1, 5.0]
        if param == "unit":
            # Parameters are drawn independently, so offer one source unit (a fresh `value` is a
            # distance in miles); after a distance or forecast the `unit` output feeds it instead.
            return ["miles"]
        if param == "to_unit":
            return ["km", "fahrenheit"]
        if param == "limit":
            return [3, 5]
        if tool in self.hints:  # one of ours: free text or numbers the translator makes up
            return []
        return super().candidates(tool, param)
