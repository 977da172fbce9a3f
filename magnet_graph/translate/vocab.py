"""Word pools for the offline backend: realistic values and the pieces of natural requests.

Plain tuples of strings, nothing else: :mod:`values` draws argument values from them and
:mod:`phrases` draws the wording of requests, questions and summaries.  Every pool value is
short, has no newline and reads naturally inside a sentence.
"""

from __future__ import annotations

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

__all__ = [name for name in list(globals()) if name.isupper()]
