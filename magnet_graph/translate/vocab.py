"""Word pools for the offline backend, and the cues that say which pool a parameter needs.

* Pools: plain tuples of strings that :mod:`values` draws argument values from.  Every pool
  value is short, has no newline and reads naturally inside a sentence.
* Kinds: :func:`value_kind` says what a parameter holds (``email``, ``city``, ``money``,
  ``file`` ...) from its name, JSON type, format and description (description cues like
  "YYYY-MM-DD" or "IATA" first, then name rules); :func:`desc_options` reads allowed values
  written in a description ("[Enum]: a, b", "Options are: ...", "(Buy/Sell)").
* Phrasing pools: the openers, connectors, parameter-clause styles, reference forms and
  reply templates that :mod:`phrases` combines (``{c}`` a clause, ``{l}`` a label, ``{v}``
  a written value, ``{r}`` a reference, ``{a}`` an action phrase).
"""

from __future__ import annotations

import re
from functools import lru_cache

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")

# -- people ----------------------------------------------------------------------------------
FIRST_NAMES = (
    "Ann", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Isabel", "James",
    "Kavya", "Liam", "Maria", "Noah", "Olivia", "Pedro", "Quinn", "Rosa", "Samir", "Tara",
    "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Aisha", "Bruno", "Chloe", "Diego",
    "Emma", "Felix", "Hannah", "Ivan", "Julia", "Kenji", "Lucia", "Mateo", "Nina", "Omar",
    "Priya", "Rafael", "Sofia", "Tomas", "Uma", "Victor", "Yara", "Leo", "Mia", "Arjun",
)
LAST_NAMES = (
    "Lee", "Garcia", "Smith", "Nguyen", "Okafor", "Rossi", "Kim", "Novak", "Silva", "Cohen",
    "Patel", "Muller", "Tanaka", "Dubois", "Haddad", "Kowalski", "Andersen", "Moreau", "Costa", "Ibrahim",
    "Johnson", "Fischer", "Sato", "Lopez", "Mensah", "Petrov", "Walsh", "Yilmaz", "Berg", "Chen",
    "Rivera", "Schmidt", "Bianchi", "Khan", "Larsen", "Morales", "Owens", "Park", "Reyes", "Vargas",
)
USERNAME_WORDS = (
    "sunny", "pixel", "river", "maple", "echo", "nova", "atlas", "cedar", "orbit", "lumen",
    "harbor", "willow", "comet", "falcon", "ember", "coral", "delta", "quartz", "saffron", "tundra",
)
EMAIL_DOMAINS = ("example.com", "mail.com", "inbox.org", "company.io", "post.net", "work.dev")

# -- places ----------------------------------------------------------------------------------
CITIES = (
    "San Francisco", "New York", "Chicago", "Seattle", "Boston", "Austin", "Denver", "Miami",
    "Toronto", "Vancouver", "Mexico City", "London", "Paris", "Berlin", "Madrid", "Lisbon",
    "Rome", "Amsterdam", "Vienna", "Prague", "Stockholm", "Oslo", "Dublin", "Zurich",
    "Tokyo", "Osaka", "Seoul", "Singapore", "Bangkok", "Sydney", "Melbourne", "Auckland",
    "Mumbai", "Delhi", "Dubai", "Istanbul", "Cairo", "Nairobi", "Cape Town", "Lagos",
    "Sao Paulo", "Buenos Aires", "Lima", "Bogota", "Santiago", "Montreal", "Portland", "Atlanta",
)
COUNTRIES = (
    "United States", "Canada", "Mexico", "Brazil", "Argentina", "United Kingdom", "France",
    "Germany", "Spain", "Portugal", "Italy", "Netherlands", "Sweden", "Norway", "Ireland",
    "Japan", "South Korea", "Singapore", "Thailand", "Australia", "New Zealand", "India",
    "Kenya", "Nigeria", "Egypt", "Turkey", "Chile", "Peru", "Colombia", "Switzerland",
)
COUNTRY_CODES = ("US", "CA", "MX", "BR", "GB", "FR", "DE", "ES", "PT", "IT", "NL", "SE", "JP", "KR", "IN", "AU")
AIRPORTS = (
    "SFO", "JFK", "LAX", "ORD", "SEA", "BOS", "ATL", "DFW", "DEN", "MIA", "LAS", "PHX",
    "YYZ", "YVR", "MEX", "LHR", "CDG", "FRA", "MAD", "LIS", "FCO", "AMS", "VIE", "ZRH",
    "HND", "NRT", "ICN", "SIN", "BKK", "SYD", "MEL", "AKL", "BOM", "DEL", "DXB", "IST",
    "GRU", "EZE", "LIM", "BOG",
)
AIRLINES = ("UA", "AA", "DL", "BA", "AF", "LH", "KL", "NH", "SQ", "QF", "AC", "IB", "EK", "TK")
US_STATES = ("CA", "NY", "TX", "WA", "MA", "IL", "CO", "FL", "OR", "GA", "AZ", "NV")
STREET_NAMES = (
    "Main St", "Oak Avenue", "Maple Road", "Pine Street", "Cedar Lane", "Elm Street",
    "Market Street", "Mission Street", "Lake Drive", "Hill Road", "Park Avenue", "River Road",
    "Sunset Boulevard", "Broadway", "Harbor Way", "Church Street",
)
PLACES = (
    "Central Park", "the Golden Gate Bridge", "the train station", "the airport", "the city library",
    "Union Square", "the old town", "the science museum", "the harbor", "the stadium",
)
HOTELS = (
    "Harbor View Hotel", "Grand Central Inn", "Maple Suites", "Riverside Lodge", "The Lantern House",
    "Skyline Hotel", "Cedar Court", "Bluebird Inn", "Parkside Residences", "The Olive Tree Hotel",
)
ROOMS = ("kitchen", "living room", "bedroom", "office", "hallway", "garage", "bathroom", "dining room", "nursery", "patio")
DEVICES = (
    "desk lamp", "ceiling light", "thermostat", "front door lock", "porch light", "air purifier",
    "smart plug", "garage door", "robot vacuum", "floor lamp", "ceiling fan", "speaker",
)

# -- files -----------------------------------------------------------------------------------
FILE_STEMS = (
    "report", "notes", "budget", "summary", "draft", "invoice", "agenda", "todo", "results",
    "schedule", "proposal", "minutes", "readme", "config", "data", "inventory", "roadmap",
    "meeting_notes", "final_report", "q3_budget", "project_plan", "travel_log", "expenses",
    "contacts", "changelog", "research", "slides", "diary", "recipes", "checklist",
)
FILE_EXTENSIONS = ("txt", "md", "csv", "pdf", "docx", "json", "py", "log", "xlsx", "png", "jpg", "yaml")
FOLDERS = (
    "documents", "projects", "archive", "photos", "reports", "downloads", "backup", "drafts",
    "invoices", "music", "research", "work", "personal", "templates", "shared", "old_files",
)

# -- free text -------------------------------------------------------------------------------
TITLE_ADJECTIVES = ("Quarterly", "Weekly", "Annual", "Team", "Project", "Budget", "Product", "Client", "Design", "Launch")
TITLE_NOUNS = (
    "review", "sync", "planning", "kickoff", "retrospective", "check-in", "update", "workshop",
    "demo", "brainstorm", "report", "summary", "offsite", "interview", "onboarding",
)
SUBJECTS = (
    "Quick question", "Meeting tomorrow", "Updated schedule", "Invoice attached", "Weekend plans",
    "Follow-up on our call", "Trip details", "Lunch on Friday", "Project status", "Reminder about the deadline",
    "Thanks for your help", "New address", "Dinner reservation", "Order confirmation", "Holiday hours",
)
MESSAGES = (
    "Running about ten minutes late, see you soon",
    "Can we move our call to the afternoon",
    "The report is ready for your review",
    "Thanks again for dinner last night",
    "Please remember to bring the signed contract",
    "I will be out of the office until Monday",
    "The package arrived this morning",
    "Let me know if the new time works for you",
    "Happy birthday, hope you have a great day",
    "The meeting room has changed to the third floor",
    "Could you send me the slides from today",
    "I booked the tickets for Saturday",
    "Dinner is at seven, do not be late",
    "The printer on our floor is working again",
    "Please review the draft before Friday",
    "Great job on the launch yesterday",
    "I left the keys with the front desk",
    "The flight lands at noon, I will call you then",
    "We need to order more coffee for the office",
    "The budget was approved this afternoon",
)
# Message templates: {slot} is filled from the pools below (see values._fill).
MESSAGE_TEMPLATES = (
    "Running about {n} minutes late, see you at {place}",
    "Can we move our {event} to {day}",
    "The {doc} is ready for your review",
    "Thanks again for {meal} on {day}",
    "Please remember to bring the {thing}",
    "I will be out of the office until {day}",
    "The {thing} arrived this {part}",
    "Let me know if {day} at {time} works for you",
    "Happy birthday {first}, hope you have a great day",
    "The {event} has moved to the {room}",
    "Could you send me the {doc} from {day}",
    "I booked the tickets for {day}",
    "{meal_cap} is at {time}, do not be late",
    "Please review the {doc} before {day}",
    "Great job on the {event} {dayref}",
    "I left the {thing} with {first}",
    "The flight lands at {time}, I will call you then",
    "We need to order more {supply} for the office",
    "The {doc} was approved this {part}",
    "Meet me at {place} at {time}",
    "Are we still on for {meal} on {day}",
    "Don't forget the {event} on {day} at {time}",
    "Just checking in about the {doc}",
    "{first} says hi and will join the {event}",
    "Can you pick up the {thing} on your way",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "tomorrow", "next week", "the weekend")
DAY_REFS = ("yesterday", "last week", "this morning", "on Friday", "today")
PARTS_OF_DAY = ("morning", "afternoon", "evening")
SHORT_PLACES = ("the cafe", "the station", "the office", "the lobby", "the park", "the usual place", "the front desk", "gate 12")
DOCS = ("report", "draft", "contract", "slides", "budget", "proposal", "invoice", "agenda", "spreadsheet", "mockup")
THINGS = ("keys", "laptop charger", "signed contract", "package", "umbrella", "badge", "tickets", "projector", "documents")
MEALS = ("dinner", "lunch", "breakfast", "coffee", "brunch")
EVENTS = ("meeting", "call", "review", "standup", "workshop", "presentation", "interview", "team lunch", "demo")
SUPPLIES = ("coffee", "printer paper", "snacks", "tea", "sticky notes", "water", "pens")
NOTE_TEMPLATES = (
    "Bring a laptop and the {doc}",
    "Discuss the {doc} and next steps",
    "Window seat preferred",
    "Customer asked for a callback {dayref}",
    "Remember to water the plants",
    "The issue started after the update {dayref}",
    "Screen flickers when the app starts",
    "Need a quiet room with a whiteboard",
    "Pick up the {thing} on the way",
    "Allergic to peanuts",
    "Follow up with {first} about the {doc}",
    "Check the {doc} before the {event}",
)
QUERY_ADJECTIVES = ("wireless", "cheap", "best", "used", "organic", "vintage", "waterproof", "compact", "quiet", "local")
QUERY_NOUNS = (
    "headphones", "restaurants", "running shoes", "coffee grinder", "hiking trails", "vegan recipes", "standing desk",
    "electric kettle", "birthday gifts", "backpack", "bike lights", "desk lamp", "phone case", "bookshelf",
)
NOTES = (
    "Bring a laptop and the printed agenda",
    "Discuss the hiring plan and next steps",
    "Window seat preferred",
    "Customer asked for a callback after lunch",
    "Remember to water the plants",
    "The issue started after the last update",
    "Screen flickers when the app starts",
    "Need a quiet room with a whiteboard",
    "Pick up the dry cleaning on the way",
    "Allergic to peanuts",
)
SEARCH_QUERIES = (
    "wireless headphones", "italian restaurants", "budget report", "running shoes", "coffee grinder",
    "python tutorial", "weekend hiking trails", "vegan recipes", "quarterly results", "flight delays",
    "standing desk", "electric kettle", "project update", "tax documents", "birthday gift ideas",
    "error", "invoice", "meeting", "vacation", "deadline", "password reset", "shipping status",
)
KEYWORDS = (
    "urgent", "invoice", "meeting", "travel", "budget", "error", "deadline", "lunch", "report",
    "update", "holiday", "contract", "launch", "weather", "refund", "schedule",
)
PRODUCTS = (
    "Wireless Mouse", "Noise-Cancelling Headphones", "Espresso Machine", "Yoga Mat", "Desk Lamp",
    "Running Shoes", "Backpack", "Water Bottle", "Bluetooth Speaker", "Mechanical Keyboard",
    "Coffee Beans", "Phone Case", "Electric Kettle", "Winter Jacket", "Smart Watch", "Notebook",
    "USB-C Charger", "Sunglasses", "Cast Iron Pan", "Office Chair",
)
COMPANIES = (
    "Apple", "Microsoft", "Nvidia", "Amazon", "Alphabet", "Tesla", "Meta", "Netflix", "Intel",
    "Oracle", "Adobe", "Salesforce", "Zeta Corp", "Acme Industries", "Globex", "Initech",
)
STOCK_SYMBOLS = ("AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "TSLA", "META", "NFLX", "INTC", "ORCL", "ADBE", "CRM", "AMD", "IBM")
SECTORS = ("Technology", "Healthcare", "Energy", "Finance", "Utilities", "Consumer Goods", "Industrials")
CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "INR", "MXN", "BRL", "SEK", "SGD")
COLORS = ("red", "blue", "green", "black", "white", "silver", "navy", "yellow", "purple", "orange", "teal", "gray")
TAGS = ("work", "personal", "urgent", "travel", "finance", "family", "ideas", "health", "music", "reading", "fitness", "later")
LANGUAGES = ("English", "Spanish", "French", "German", "Japanese", "Portuguese", "Italian", "Korean", "Hindi", "Dutch")
LANGUAGE_CODES = ("en", "es", "fr", "de", "ja", "pt", "it", "ko", "hi", "nl")
CATEGORIES = ("electronics", "books", "groceries", "clothing", "home", "sports", "toys", "beauty", "garden", "office")
STATUSES = ("open", "pending", "active", "confirmed", "completed", "cancelled", "closed", "shipped")
UNITS = ("km", "miles", "meters", "feet", "kg", "pounds", "liters", "gallons", "celsius", "fahrenheit")
PET_NAMES = ("Biscuit", "Luna", "Max", "Pepper", "Milo", "Coco", "Rocky", "Daisy", "Oliver", "Ziggy")
PET_SPECIES = ("dog", "cat", "parrot", "rabbit", "hamster", "turtle")
WORDS = (
    "alpha", "harbor", "summit", "meadow", "lantern", "compass", "orchid", "granite", "velvet",
    "breeze", "canyon", "ember", "horizon", "juniper", "marble", "pioneer", "quartz", "sierra",
)
URL_PATHS = ("docs", "blog/latest", "products", "about", "help/faq", "news", "pricing", "events")
URL_HOSTS = ("example.com", "acme.io", "shop.example.org", "news.example.net", "docs.example.dev")
INSURANCE_TYPES = ("basic", "comprehensive", "travel", "cancellation")
TRAVEL_CLASSES = ("economy", "premium economy", "business", "first")



@lru_cache(maxsize=8192)
def param_tokens(name: str) -> tuple[str, ...]:
    """Lower-case word tokens of an identifier: ``fromAccountId`` -> ``('from', 'account', 'id')``."""
    if name != name.lower() or any(c.isdigit() for c in name):  # what a camel-case split needs
        name = _CAMEL.sub(" ", name)
    return tuple(t.lower() for t in _NON_ALNUM.split(name) if t)



# ------------------------------------------------------------------------------------------
# kinds: what a parameter is, from its name, format and description
# ------------------------------------------------------------------------------------------
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Strong cues in a parameter's description (checked before the name).
_DESC_CUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (_rx(r"(?i)\biata\b|airport code|\b(?:3|three)[- ]letter|in three letters"), "airport"),
    (_rx(r"MM/YY"), "expiry"),
    (_rx(r"(?i)yyyy-mm-dd"), "date"),
    (_rx(r"(?i)hh:mm\s*(?:am/pm|am|pm)"), "time12"),
    (_rx(r"(?i)\bhh:mm"), "time"),
    (_rx(r"(?i)^(?:the |a )?(?:zip ?code|postal code)|(?:zip ?code|postal code) of"), "zip"),
    (_rx(r"(?i)last (?:four|4) digits"), "last4"),
    (_rx(r"(?i)\bemail address"), "email"),
    (_rx(r"(?i)directory path|path (?:of|to) the (?:directory|folder)"), "folder"),
    (_rx(r"(?i)file or directory|name of the (?:new )?file\b|\bfile name"), "file"),
    (_rx(r"(?i)street, city"), "address"),
    (_rx(r"(?i)\bstock symbols?\b|\bticker"), "stock"),
    (_rx(r"(?i)\bname of the company|company name"), "company"),
)

# Name rules for strings: (regex over the snake-case name, kind), first match wins.
_STRING_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (_rx(p), k)
    for p, k in (
        (r"(^|_)ids?$|(^|_)identifier$", "id"),
        (r"^(include|is|has|enable|enabled|show|allow|use)_", "flag"),
        (r"e_?mail", "email"),
        (r"pass_?word|passwd|pwd|passcode|passphrase", "password"),
        (r"token|secret|api_?key|auth_?key", "token"),
        (r"phone|mobile|telephone|(^|_)tel$|fax", "phone"),
        (r"(^|_)ip(_|$)|ipv[46]", "ip"),
        (r"url|uri$|(^|_)link|website|homepage|endpoint", "url"),
        (r"uuid|guid", "uuid"),
        (r"time_?zone|(^|_)tz$", "timezone"),
        (r"birth|(^|_)dob$", "dob"),
        (r"expir", "expiry"),
        (r"first_?name|given_name|(^|_)fname", "first_name"),
        (r"last_?name|surname|family_name|(^|_)lname", "last_name"),
        (r"user_?name|(^|_)login$|(^|_)handle$|screen_name|(^|_)user$|(^|_)mention", "username"),
        (r"(full|cardholder|holder|passenger|recipient|contact|customer|owner|author|sender|guest|"
         r"attendee|traveler|traveller|person|employee|driver|patient|member|assignee|friend)_?name", "full_name"),
        (r"(^|_)(recipient|attendee|assignee|contact|guest|participant|invitee|person|friend|owner|"
         r"passenger|traveler|traveller|customer|payee)s?$", "full_name"),
        (r"(^|_)file|filename|attachment|document", "file"),
        (r"folder|(^|_)dir(ectory)?(_|$)|dirname|directory", "folder"),
        (r"(^|_)path$", "path"),
        (r"airport|iata", "airport"),
        (r"flight_?(number|no|num|code)", "flight_number"),
        (r"zip|postal|postcode", "zip"),
        (r"country_?code", "country_code"),
        (r"country|(^|_)nation", "country"),
        (r"currency", "currency"),
        (r"lang(uage)?_?code|locale", "language_code"),
        (r"language|(^|_)lang$", "language"),
        (r"(^|_)city|cities|(^|_)town", "city"),
        (r"address|street", "address"),
        (r"(^|_)(location|origin|destination|place|venue|departure|arrival|from|to|start_location|"
         r"end_location|pickup|dropoff)$", "city"),
        (r"datetime|date_?time|timestamp|_at$", "datetime"),
        (r"(^|_)date|date$|dates|(^|_)day$|deadline|(^|_)due|check_?in|check_?out|(^|_)since$|(^|_)until$|after$|before$", "date"),
        (r"time$|^time|(^|_)clock", "time"),
        (r"card_?(number|no|num)|credit_?card$", "card_number"),
        (r"passport", "passport"),
        (r"hotel", "hotel"),
        (r"(^|_)room", "room"),
        (r"device|appliance|(^|_)light$|(^|_)lamp$", "device"),
        (r"subject", "subject"),
        (r"title|headline|(^|_)event(_name)?$|meeting(_name)?$|(^|_)topic$", "title"),
        (r"message|(^|_)body|content|(^|_)text|comment|(^|_)notes?$|description|details|reason|resolution|"
         r"review|feedback|caption|(^|_)bio$|remark|instruction|reply|answer|prompt|summary|issue|memo", "message"),
        (r"expression|formula|equation", "expression"),
        (r"pattern|keyword|(^|_)term$|phrase|(^|_)word$", "keyword"),
        (r"query|search|(^|_)q$|lookup", "query"),
        (r"product|item_?name|(^|_)item$|merchandise", "product"),
        (r"company|organi[sz]ation|(^|_)org$|employer|brand|merchant|vendor|business", "company"),
        (r"stock|symbol|ticker", "stock"),
        (r"sector|industry", "sector"),
        (r"colou?r", "color"),
        (r"(^|_)(tag|tags|label|labels|hashtag|hashtags)$", "tag"),
        (r"categor|genre|department", "category"),
        (r"(^|_)status$", "status"),
        (r"unit", "unit"),
        (r"travel_?class|cabin|seat_?class|(^|_)class$", "travel_class"),
        (r"insurance", "insurance"),
        (r"species|breed|(^|_)pet$", "species"),
        (r"version", "version"),
        (r"host(name)?$|domain", "hostname"),
        (r"(^|_)(coupon|promo|discount|voucher)", "promo"),
        (r"(^|_)(id|ids|identifier|number|no|num|ref|reference|confirmation|code|sku|account|key)$", "id"),
        (r"(^|_)name$|(^|_)names$", "name"),
    )
)

# Name rules for numbers (integer and number).
_NUMBER_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (_rx(p), k)
    for p, k in (
        (r"cvv|cvc|verification_?number|security_?code", "cvv"),
        (r"(^|_)(pin|otp)$", "pin"),
        (r"zip|postal", "zip"),
        (r"lat(itude)?$", "lat"),
        (r"(^|_)(lon|lng|long|longitude)$", "lon"),
        (r"percent|pct|threshold|humidity|tax_?rate|discount", "percent"),
        (r"(^|_)ratio|probability|fraction|opacity|(^|_)alpha$|position$", "fraction"),
        (r"gallon|liter|litre|fuel|weight|(^|_)kg$|pounds|lbs", "measure"),
        (r"bag|luggage|suitcase", "quantity"),
        (r"amount|price|cost|balance|budget|fee|total|salary|payment|deposit|withdraw|fund|fare|(^|_)tip|"
         r"income|expense|spend|revenue|credit|debit|charge|refund|value_usd", "money"),
        (r"(^|_)temp(erature)?|degrees|celsius|fahrenheit", "temperature"),
        (r"fan|level|volume|brightness|intensity|(^|_)power$", "level"),
        (r"speed|velocity|mph|kmh", "speed"),
        (r"(^|_)year", "year"),
        (r"(^|_)month", "month"),
        (r"(^|_)day$|(^|_)day_of", "day"),
        (r"(^|_)hour$", "hour"),
        (r"(^|_)minute$", "minute"),
        (r"duration|minutes|mins$|hours|seconds|timeout|interval|delay", "duration"),
        (r"distance|radius|(^|_)miles|(^|_)km|kilomet|meters|length|height|width|depth|elevation|altitude", "distance"),
        (r"(^|_)age$", "age"),
        (r"rating|stars|(^|_)score", "rating"),
        (r"priority|severity|urgency", "priority"),
        (r"precision|decimals|decimal_places|digits", "precision"),
        (r"(^|_)lines?$", "lines"),
        (r"limit|max_?results|top_?[kn]$|page_?size|per_?page|(^|_)size$|(^|_)k$|num_?results|max_?items", "limit"),
        (r"(^|_)(page|offset|index|start)$", "page"),
        (r"quantity|qty|(^|_)num$|(^|_)num_|number_of|(^|_)counts?$|copies|guests|people|adults|children|passengers|seats|"
         r"nights|tickets|items|shares|units|times|repeat|attempts|days|weeks|(^|_)n$", "quantity"),
        (r"exponent|(^|_)power|degree", "exponent"),
        (r"(^|_)(id|ids|identifier|no|number_id|ref)$|_id$|account", "id"),
    )
)


# Options written in descriptions ("[Enum]: a, b", "Options are: a, b", "(Buy/Sell)").
_ENUM_MARK = re.compile(r"(?i)\[enum\]\s*:?\s*(.+)$")
_OPTIONS_MARK = re.compile(
    r"(?i)\b(?:options are|the options|one of|possible values are|valid values are|must be one of)\s*:?\s*([^.]+)"
)
_PAREN_OPTIONS = re.compile(r"\(([A-Za-z_]+(?:\s*(?:/|\bor\b)\s*[A-Za-z_]+)+)\)")
_QUOTED_FOR = re.compile(r"'([^'\s]{1,12})' for ")
_OPTION_SEP = re.compile(r"\s*(?:/|\bor\b)\s*")
_OPTIONS_NAMES = re.compile(r"type|mode|kind|option|status|class|action|direction|side|method|grant")


@lru_cache(maxsize=4096)
def desc_options(name: str, desc: str) -> tuple[str, ...]:
    """Allowed values written in a description, or ``()``."""
    if not desc:
        return ()
    m = _ENUM_MARK.search(desc) or _OPTIONS_MARK.search(desc)
    if m is None:
        quoted = _QUOTED_FOR.findall(desc)
        if len(quoted) >= 2:
            return tuple(dict.fromkeys(quoted))
    if m is None and _OPTIONS_NAMES.search(name.lower()):
        m = _PAREN_OPTIONS.search(desc)
        if m is not None:
            return tuple(o.strip() for o in _OPTION_SEP.split(m.group(1)) if o.strip())
    if m is None:
        return ()
    text = m.group(1).strip().strip("[]").rstrip(".")
    opts = [o.strip().strip("\"'").strip() for o in text.replace("[", "").replace("]", "").split(",")]
    opts = [o for o in opts if o and len(o) <= 25 and "\n" not in o]
    return tuple(opts) if len(opts) >= 2 else ()


_NUMBER, _DESC, _STRING = 0, 1, 2  # the rule tables, for _first_kind
_TABLES = (_NUMBER_RULES, _DESC_CUES, _STRING_RULES)


@lru_cache(maxsize=8192)
def _first_kind(text: str, table: int) -> str | None:
    """The kind of the first rule of a table (``_NUMBER``, ``_DESC``, ``_STRING``) whose
    pattern is found in ``text`` (a snake-case name, a description), or ``None``; memoized per
    text: one name or description recurs in many tools, types and formats."""
    if table == _DESC and text.isascii():
        low = text.lower()
        for rx, lowered, kind in _DESC_CUES_ASCII:
            if rx.search(low if lowered else text):
                return kind
        return None
    for rx, kind in _TABLES[table]:
        if rx.search(text):
            return kind
    return None


# The cues for an ASCII description: a case-insensitive cue without its (?i), tried on the text
# lower-cased (its letters are all lower-case, so it finds the same), the others as they are;
# case-insensitive matching is slow.
_DESC_CUES_ASCII: tuple[tuple[re.Pattern[str], bool, str], ...] = tuple(
    (re.compile(rx.pattern[4:]), True, kind) if rx.pattern.startswith("(?i)") else (rx, False, kind)
    for rx, kind in _DESC_CUES
)


_UNIT_RANGE = re.compile(r"(?i)between 0(?:\.0)? and 1(?:\.0)?\b")  # a number that is a fraction
_AIRPORT_CUE = re.compile(r"(?i)\biata\b|airport")


@lru_cache(maxsize=8192)
def value_kind(name: str, typ: str = "string", fmt: str = "", desc: str = "", tool_text: str = "") -> str:
    """What a parameter holds (``email``, ``city``, ``money``, ``file`` ...), from its name,
    JSON type, format and description; ``tool_text`` is the tool's own name and description.

    >>> value_kind("travel_from", "string", "", "The 3 letter code of the departing airport")
    'airport'
    """
    snake = "_".join(param_tokens(name))
    if typ in ("integer", "number"):
        if _UNIT_RANGE.search(desc):
            return "fraction"
        return _first_kind(snake, _NUMBER) or "number"
    fmt = fmt.lower()
    if fmt:
        kind = _FORMAT_KINDS.get(fmt)
        if kind:
            return kind
    kind = _first_kind(desc, _DESC)
    if kind is not None:
        if kind == "date" and ("birth" in desc.lower() or "birth" in snake or snake == "dob"):
            return "dob"
        return kind
    kind = _first_kind(snake, _STRING)
    if kind is not None:
        if kind == "city" and _AIRPORT_CUE.search(tool_text + " " + desc):
            return "airport"
        if kind == "name":
            return _name_kind(desc + " " + tool_text)
        if kind == "id" and "account" in snake and "iban" in desc.lower():
            return "iban"
        return kind
    low = desc.lower()
    for word, kind in (("city", "city"), ("email", "email"), ("country", "country"), ("currency", "currency"),
                       ("directory", "folder"), ("folder", "folder"), ("file", "file"), ("url", "url"),
                       ("phone", "phone"), ("company", "company"), ("date", "date")):
        if word in low:
            return kind
    return "word"


_FORMAT_KINDS = {
    "email": "email", "idn-email": "email", "date": "date", "time": "time_iso", "date-time": "datetime_iso",
    "uri": "url", "url": "url", "iri": "url", "uri-reference": "url", "uuid": "uuid", "hostname": "hostname",
    "idn-hostname": "hostname", "ipv4": "ip", "ipv6": "ipv6", "phone": "phone", "password": "password",
}


# What a "name" parameter names, from words in its description and tool: (pattern, kind), the
# first that matches wins; a pattern finds any of its words (or their plural) as a whole word.
_NAME_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(r"\b(?:" + "|".join(words) + r")s?\b"), kind)
    for words, kind in (
        (("company", "stock", "ticker"), "company"),
        (("pet",), "pet_name"),
        (("file",), "file"),
        (("directory", "folder"), "folder"),
        (("city", "town"), "city"),
        (("product", "item"), "product"),
        (("event", "meeting", "playlist", "project", "task", "list", "album", "channel", "group"), "title"),
        (("hotel",), "hotel"),
        (("device",), "device"),
        (("room",), "room"),
    )
)


def _name_kind(text: str) -> str:
    """The kind of a "name" parameter whose description and tool text is ``text``."""
    low = text.lower()
    for rx, kind in _NAME_KINDS:
        if rx.search(low):
            return kind
    return "full_name"


# ------------------------------------------------------------------------------------------
# phrasing pools for phrases.py: openers, connectors, reference and reply templates
# ------------------------------------------------------------------------------------------
# ------------------------------------------------------------------------------------------
# one clause per call
# ------------------------------------------------------------------------------------------
# lead said once -> the forms its items may take ({l}: label, {v}: written value)
STATED_STYLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("with ", ("{l} {v}", "the {l} {v}", "the {l} set to {v}", "{v} as the {l}")),
    ("using ", ("{l} {v}", "the {l} {v}", "{v} as the {l}", "{v} for the {l}")),
    ("for ", ("{l} {v}", "the {l} {v}")),
    ("where ", ("the {l} is {v}", "{l} is {v}", "the {l} equals {v}")),
    ("and make sure ", ("the {l} is {v}", "you use {v} as the {l}", "the {l} is set to {v}")),
    ("setting ", ("{l} to {v}", "the {l} to {v}")),
    ("given ", ("{l} {v}", "the {l} {v}")),
    ("- ", ("{l} {v}", "the {l} {v}", "{l} set to {v}", "{v} for the {l}")),
    ("(", ("{l} {v}", "the {l} {v}", "{v} as the {l}")),
    ("with these details: ", ("{l} {v}", "the {l} {v}", "{v} for the {l}", "the {l} set to {v}")),
    ("so that ", ("the {l} is {v}", "the {l} ends up as {v}")),
    ("and use ", ("{v} for the {l}", "{v} as the {l}")),
    ("and set ", ("the {l} to {v}", "{l} to {v}")),
    ("; ", ("the {l} should be {v}", "{l} is {v}", "use {v} for the {l}")),
    (" - by the way, ", ("the {l} is {v}", "use {v} as the {l}")),
)
REF_STYLES = ("using {r}", "with {r}", "for {r}", "based on {r}", "with the {l} being {r}", "and use {r}",
               "taking {r}", "and for the {l}, use {r}")
# the same, for a reference phrase that already says the label ("the flight type you just got")
REF_STYLES_NAMED = ("using {r}", "with {r}", "for {r}", "based on {r}", "and use {r}", "taking {r}", "and go with {r}",
                    "relying on {r}", "and plug in {r}", "going by {r}")
BOOL_ON = ("with {l} enabled", "with {l} turned on", "and turn on {l}", "with {l} on", "and make sure {l} is on")
BOOL_OFF = ("with {l} disabled", "with {l} turned off", "without {l}", "with {l} off", "and keep {l} off")
SUFFIXES = ("", "", "", "", "", "", "", "", " for me", " now", " right away", " if you can", " when you get a chance",
             " as soon as possible", " please", " if that's possible",
             " if you don't mind", " when you can", " at your convenience")
# verbs a hint may start with that can be swapped safely (no phrasal verbs)
HINT_VERBS = {
    "cancel": ("call off", "drop", "scrap"), "delete": ("remove", "erase", "get rid of"), "remove": ("delete", "take out"),
    "book": ("reserve",), "reserve": ("book",), "send": ("shoot",), "find": ("look for", "search for", "locate"),
    "search": ("look through", "scan"), "calculate": ("compute", "work out"), "convert": ("translate",),
    "create": ("make", "set up"), "list": ("show", "give me"), "show": ("display", "pull up"),
    "open": ("bring up", "pull up"), "move": ("shift",), "transfer": ("move", "send"), "put": ("place", "add"),
    "schedule": ("put", "plan"), "add": ("put",), "switch": ("turn",), "turn": ("switch",), "text": ("message",),
    "email": ("write to",), "e-mail": ("email", "write to"), "reply": ("respond",), "forward": ("pass on",),
    "tell": ("let",), "give": ("hand",), "check": ("verify",), "save": ("store",),
}
VERB_SYNONYMS = {
    "get": ("fetch", "look up", "pull up", "show me", "find out", "check", "give me", "grab", "bring up"),
    "retrieve": ("fetch", "pull up", "get", "look up"),
    "list": ("show me", "list out", "give me"),
    "create": ("make", "set up", "add", "put together"),
    "send": ("send off", "shoot over", "send out", "fire off"),
    "search": ("look through", "search through", "scan"),
    "find": ("look for", "locate", "track down"),
    "cancel": ("call off", "drop"),
    "delete": ("remove", "get rid of", "erase"),
    "remove": ("delete", "get rid of", "take out"),
    "book": ("reserve", "lock in", "secure"),
    "set": ("change", "adjust", "configure"),
    "update": ("change", "modify", "edit"),
    "modify": ("change", "update", "edit"),
    "check": ("verify", "look at", "see", "double-check", "confirm"),
    "calculate": ("compute", "work out", "figure out"),
    "compute": ("calculate", "work out", "figure out"),
    "display": ("show", "print", "show me"),
    "show": ("display", "let me see"),
    "read": ("open", "show me"),
    "convert": ("change", "turn"),
    "move": ("shift", "relocate", "transfer"),
    "write": ("put", "save"),
    "estimate": ("approximate", "work out"),
    "turn": ("switch",),
    "place": ("submit",),
    "view": ("show me", "look at"),
    "compare": ("diff", "check the differences between"),
}
# ------------------------------------------------------------------------------------------
# a whole user message
# ------------------------------------------------------------------------------------------
OPENERS_Q = (
    "Could you {c}?", "Can you {c}?", "Would you {c}?", "Could you please {c}?", "Can you please {c}?",
    "Are you able to {c}?", "Could you go ahead and {c}?", "Can you help me {c}?", "Hey, can you {c}?",
    "Is it possible to {c}?", "Could I get you to {c}?", "Would you be able to {c}?", "Any chance you could {c}?",
    "Can you {c} real quick?", "Can I ask you to {c}?", "Could you do something for me and {c}?", "Mind helping me {c}?",
    "Could you take care of this: {c}?", "Do you think you could {c}?",
    "Can you handle this for me: {c}?", "Would it be possible for you to {c}?",
)
OPENERS_S = (
    "Please {c}.", "{C}.", "{C}, please.", "I need you to {c}.", "I'd like you to {c}.", "I'd like to {c}.",
    "Help me {c}.", "I want to {c}.", "Go ahead and {c}.", "Let's {c}.", "When you get a chance, {c}.",
    "Quick favor: {c}.", "Please {c} for me.", "Do me a favor and {c}.", "I was hoping you could {c}.",
    "I'd appreciate it if you could {c}.", "Time to {c}.", "Next, {c}.", "Okay, {c}.", "Alright, please {c}.",
    "My plan is to {c}.", "I need to {c}.", "Right, {c}.", "{C}!", "Need you to {c}.",
    "I'd love it if you could {c}.", "Please make sure to {c}.", "So, {c}.", "Now {c}.", "First things first: {c}.",
    "I'd like you to go ahead and {c}.", "Your task: {c}.", "Here's what I need: {c}.", "If you could {c}, that'd be great.",
    "One thing for you: {c}.", "Please go ahead and {c}.", "What I need is for you to {c}.",
)
ADVERBS = ("quickly", "also", "just", "kindly", "maybe", "now", "still", "simply", "promptly", "perhaps")
GREETINGS = ("Hi! ", "Hey, ", "Hello. ", "Hi there. ", "Good morning! ", "")
ENDINGS = (" Thanks!", " Thank you.", " Thanks a lot.", " Appreciate it.", " Cheers.", " Thanks in advance.")
PAIR = (
    "{a} and then {b}", "{a}, then {b}", "{a}; after that, {b}", "{a}, and also {b}", "first {a}, then {b}",
    "{a} and {b}", "{a}, and once that's done, {b}", "{a}, and when you're done, {b}", "{a}, and right after, {b}",
    "{a}, followed by this: {b}", "{a} - and then {b}", "{a}, plus {b}", "{a}, and after that {b}",
    "{a}, then go on to {b}", "{a} and, once that's finished, {b}", "{a}, and next {b}", "{a} before you {b}",
)
BREAKS = ("Then {b}", "After that, {b}", "Also, {b}", "Once that's done, {b}", "Next, {b}", "And {b}",
           "When that's finished, {b}", "Oh, and {b}", "Then please {b}", "Afterwards, {b}", "On top of that, {b}",
           "Last thing: {b}", "I also need you to {b}", "Could you then {b}")
Q_LEADS = ("Also, ", "And ", "Then ", "After that, ", "One more thing: ", "Also, quick question: ", "Oh, and ",
            "Next question: ", "Separately, ", "Another thing: ")
S_LEADS = ("Also, ", "And ", "Then ", "After that, ", "Oh, and ", "Besides that, ")
Q_FIRST = ("{Q}?", "{Q}?", "{Q}?", "Quick question: {q}?", "Tell me, {q}?", "Hey, {q}?", "So, {q}?",
            "I was wondering: {q}?", "Can you check for me: {q}?", "Question for you: {q}?", "Okay, {q}?")
CONTEXTS = (
    "I'm trying to get a few things sorted.", "Quick request.", "I'm in a bit of a hurry.",
    "Got a couple of things for you.", "This is for work.", "I'm planning ahead.", "",
)
REF_NOW = ("the {l} you just got", "the {l} it returned", "the {l} from that", "the resulting {l}",
            "the {l} that came back", "that {l}", "the {l} from the step before", "the {l} it gave back",
            "the {l} you just found", "the {l} from that result", "the {l} that just came up", "the {l} we just got",
            "the new {l}")
REF_LAST = ("the {l} you just got", "the {l} from the last step", "that {l}", "the {l} from your last answer",
             "the {l} you just found", "the {l} from a moment ago", "the {l} you gave me", "the {l} from your reply",
             "the {l} from the previous result", "the {l} I just saw", "the {l} you came back with", "this {l}")
REF_OLD = ("the {l} from earlier", "the {l} you got before", "that {l} from earlier", "the {l} from before",
            "the {l} we got a few steps back", "the {l} from when I asked you to {a}", "the same {l} as before",
            "the {l} you found earlier", "the {l} you gave me earlier", "the {l} from a while ago",
            "that earlier {l}", "the {l} you looked up before", "the {l} you mentioned earlier",
            "the {l} from back when you had to {a}", "the {l} from the start")
IMPLICIT = ("use that result to {a}", "{a} with what you get", "{a} using the result", "take that and {a}",
             "{a} based on that", "{a} with it", "use the output to {a}", "{a} from there")
# ------------------------------------------------------------------------------------------
# assistant texts
# ------------------------------------------------------------------------------------------
SUMMARY_OPENERS = ("Done.", "All set:", "Here's what I found:", "Okay.", "Sure.", "Finished.", "Here you go:",
                    "That's done.", "Got it.", "", "", "Alright.")
NEXT = ("Then", "After that,", "Also,", "Next,", "Finally,")
MISSING = (
    "I'm sorry, but I can't {a} right now: none of the tools available to me can do that. If you can enable one, I'll take care of it.",
    "Unfortunately I don't have a tool that can {a}, so I can't do that here. Could you make that capability available, or is there something else I can help with?",
    "That's not something I can do at the moment: there is no available function to {a}. Let me know once you enable it.",
    "I don't have access to anything that can {a}. I can help with the other tools I have, or you could enable one for this.",
    "Sorry, none of my current tools let me {a}. If you add that capability I'll go ahead; otherwise I can help with something else.",
)
ASK_BY_KIND = {
    "date": ("Which date should I use for the {l}?", "What date do you want for the {l}?"),
    "dob": ("What's the {l}?", "Could you tell me the {l}?"),
    "time": ("What time should I use for the {l}?", "At what time? I need the {l}."),
    "email": ("What's the {l}?", "Which email address should I use for the {l}?"),
    "city": ("Which city should I use for the {l}?", "Where exactly? I need the {l}."),
    "airport": ("Which airport do you mean for the {l}?", "What's the {l}?"),
    "money": ("How much should the {l} be?", "What amount should I use for the {l}?"),
    "quantity": ("How many? I need the {l}.", "What should the {l} be?"),
    "full_name": ("Who should I put down for the {l}?", "What's the {l}?"),
}
ASK_GENERIC = (
    "What {l} should I use?", "Could you tell me the {l}?", "I need the {l} to {a}. What is it?",
    "Which {l} would you like?", "Before I {a}, what's the {l}?", "What's the {l}? I need it to {a}.",
    "Sure, I just need one thing: the {l}. What should it be?",
)
AVAILABLE = (
    "I've just enabled that capability, please go ahead.", "It's available now, please try again.",
    "Okay, I've turned that tool on. Please continue.", "That function is enabled now; go ahead.",
    "I just added the tool you need, so please do it now.", "You should have access to it now. Go ahead, please.",
    "Done, it's enabled. Can you take care of it now?", "I've set that up for you. Please proceed with the request.",
)
GIVE = (
    "Use {v} for the {l}.", "The {l} is {v}.", "It's {v}.", "Go with {v}.", "Let's use {v} as the {l}.",
    "Oh, sorry: the {l} should be {v}.", "Make it {v}.", "Right, the {l} is {v}.", "Please use {v}.",
    "{v} is the {l} I want.",
)


__all__ = [n for n in list(globals()) if n.isupper() and not n.startswith("_")] + ["param_tokens", "value_kind", "desc_options"]
