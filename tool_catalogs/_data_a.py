"""Realistic data pools for the files, messaging, calendar and maps toolkits.

Plain constants only (no logic): the toolkits draw from them with a seeded ``random.Random``
so that conversations differ in names, contents, events and places. Phone numbers use the
fictional 555-01xx range; company and e-mail domains are invented.
"""

FIRST_NAMES = (
    "Alex", "Priya", "Jordan", "Mei", "Carlos", "Fatima", "Liam", "Sofia", "Noah", "Aisha",
    "Ethan", "Yuki", "Mateo", "Olivia", "Hiroshi", "Amara", "Lucas", "Chloe", "Omar", "Hannah",
    "Diego", "Zara", "Ben", "Leila", "Ravi", "Grace", "Kofi", "Elena", "Sam", "Ingrid",
    "Tomas", "Nadia", "Marcus", "Ana", "Wei", "Julia", "Kwame", "Sara", "Daniel", "Ines",
    "Arjun", "Maya", "Felix", "Lina", "Victor", "Rosa", "Jamal", "Emma", "Kenji", "Chiara",
    "Theo", "Amelia", "Rahul", "Isabel", "Owen", "Nora", "Samir", "Lucia", "Erik", "Hana",
)

LAST_NAMES = (
    "Morgan", "Patel", "Chen", "Garcia", "Okafor", "Kim", "Nguyen", "Silva", "Mueller", "Rossi",
    "Johnson", "Haddad", "Tanaka", "Kowalski", "Schmidt", "Dubois", "Lee", "Martinez", "Brown",
    "Ibrahim", "Singh", "Andersen", "Novak", "Costa", "Walsh", "Fischer", "Sato", "Romero",
    "Cohen", "Murphy", "Ahmed", "Lopez", "Park", "Wright", "Baker", "Jensen", "Reyes", "Sharma",
    "Moreau", "Bianchi", "Hughes", "Yamamoto", "Adeyemi", "Torres", "Larsen", "Khan", "Bauer",
    "Ferreira", "Clarke", "Mendes",
)

EMAIL_DOMAINS = (
    "northwind.io", "brightlabs.co", "fastmail.com", "gmail.com", "outlook.com",
    "acmecorp.com", "bluepeak.org", "lumen-health.com", "harborline.net",
)

COMPANIES = (
    "Northwind Analytics", "Bright Labs", "Acme Corp", "Blue Peak Foundation", "Lumen Health",
    "Harborline Logistics", "Kestrel Design", "Orchard Legal", "",
)

AREA_CODES = ("415", "650", "212", "617", "312", "206", "310", "512", "303", "718")

PROJECTS = (
    "Apollo", "Atlas", "Horizon", "Nimbus", "Orion", "Sequoia", "Kestrel", "Lighthouse",
    "Meridian", "Polaris", "Juniper", "Redwood",
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

MEETING_SPOTS = (
    "Tartine", "the noodle place on 5th", "Blue Door Cafe", "Olive & Fig", "the Ferry Building",
    "Harbor Grill", "Saffron Kitchen", "the usual spot", "Juniper Bistro", "Corner Ramen",
)

# (subject, body) pairs for received e-mails. Placeholders: {first} sender's first name, {me}
# owner's first name, {day}, {time}, {date}, {city}, {place}, {amount}, {project}, {invoice},
# {order}.
EMAIL_TEMPLATES = (
    ("Lunch on {day}?", "Hi {me}, are you free for lunch on {day} around {time}? I was thinking {place}. - {first}"),
    ("{project} kickoff notes", "Hi {me}, here are my notes from the {project} kickoff. Main action items: finalize the budget by {date} and book the review room. Let me know if I missed anything."),
    ("Invoice {invoice}", "Hello {me}, invoice {invoice} for {amount} USD is attached. Payment is due by {date}. Thanks, {first}"),
    ("Flight to {city}", "Hey {me}, I booked my flight to {city} for {date}. Do you want to share a cab from the airport?"),
    ("Question about the {project} draft", "Hi {me}, could you send me the latest {project} draft before {day}? I want to review section 3 with the team."),
    ("Dinner plans", "Are we still on for dinner at {place} on {day} at {time}? I can make the reservation if you like."),
    ("Your order {order} has shipped", "Good news: order {order} has shipped and should arrive on {date}. Track it from your account page."),
    ("Team offsite in {city}", "Hi all, the team offsite will be in {city} starting {date}. Please confirm your attendance by {day}. - {first}"),
    ("Re: budget review", "Thanks {me}, the numbers look good. Can we move the budget review to {day} at {time}?"),
    ("Book club this month", "Hi {me}! This month we meet at {place} on {day} at {time}. Bring snacks if you can."),
    ("Happy birthday!", "Happy birthday, {me}! Hope you have a great day. Drinks on {day}? - {first}"),
    ("Reminder: appointment on {date}", "This is a reminder of your appointment on {date} at {time}. Reply to this message to confirm."),
    ("{project} launch checklist", "Hi {me}, the {project} launch is set for {date}. Could you review the checklist and flag anything blocking by {day}?"),
    ("Apartment viewing", "Hello {me}, the viewing is confirmed for {day} at {time}. The deposit would be {amount} USD. Best, {first}"),
)

SMS_TEMPLATES = (
    "Running 10 minutes late, see you soon!",
    "Can you pick up milk on the way home?",
    "Just landed in {city}!",
    "Call me when you get a chance.",
    "Are we still meeting at {time}?",
    "I left the keys at {place}.",
    "Don't forget the {project} demo on {day}.",
    "Thanks for dinner last night!",
)

REPLY_OPENERS = ("Sounds good", "Thanks for the update", "Got it", "Works for me", "Happy to help")

# Calendar: (title template, typical duration in minutes, location kind, (earliest, latest) start hour)
EVENT_TEMPLATES = (
    ("Team standup", 15, "online", (9, 10)),
    ("1:1 with {first}", 30, "room", (9, 17)),
    ("Quarterly planning", 90, "room", (9, 15)),
    ("Lunch with {first}", 60, "spot", (11, 13)),
    ("Dentist appointment", 45, "clinic", (8, 17)),
    ("Yoga class", 60, "studio", (7, 19)),
    ("{project} design review", 60, "room", (10, 16)),
    ("Coffee with {first}", 30, "spot", (8, 16)),
    ("Parent-teacher conference", 30, "school", (15, 18)),
    ("Interview: {full}", 45, "room", (10, 16)),
    ("Flight to {city}", 180, "airport", (6, 19)),
    ("Doctor's appointment", 30, "clinic", (8, 17)),
    ("Book club", 90, "spot", (18, 19)),
    ("Design sync", 45, "online", (10, 16)),
    ("Haircut", 45, "studio", (9, 18)),
    ("Budget review", 60, "room", (9, 16)),
    ("Sprint retrospective", 60, "online", (13, 16)),
    ("Dinner with {first}", 90, "spot", (18, 20)),
)

NEW_EVENT_TITLES = (
    "Project sync", "Call with the landlord", "Car service", "Pilates", "Team lunch",
    "Onboarding session", "Vet appointment", "Piano lesson", "Hiring committee",
    "Tax prep with accountant", "Weekly planning", "Movie night",
)

EVENT_LOCATIONS = {
    "online": ("Zoom", "Google Meet", "Microsoft Teams"),
    "room": ("Conference Room A", "Conference Room B", "Room 4.12 (Maple)", "Main office, 3rd floor"),
    "spot": MEETING_SPOTS,
    "clinic": ("Bayview Dental, 220 Market Street", "City Health Clinic, 15 Oak Avenue", "Dr. Reyes, 410 Pine Street"),
    "studio": ("Sunrise Yoga Studio", "Studio 9, 88 Mission Street", "Corner Barbers"),
    "school": ("Lincoln Elementary, Room 12", "Hillside Middle School"),
    "airport": ("SFO Terminal 2", "JFK Terminal 4", "Heathrow Terminal 5", "O'Hare Terminal 1"),
}

# --------------------------------------------------------------------------------------
# Files: (relative path template, content template). Placeholders: {owner_first}, {owner_last},
# {email} (the owner's), {first}, {first2}, {first3} (colleagues), {project}, {project_slug},
# {city}, {city_slug}, {date}, {date2}, {year}, {amount}, {amount2}, {amount3}, {invoice},
# {vendor}, {n}, {n2}, {n3}, {port}.
# --------------------------------------------------------------------------------------
FILE_TEMPLATES = (
    ("documents/meeting_notes_{date}.txt",
     "Meeting notes - {project} sync ({date})\nAttendees: {first}, {first2}, {first3}\n"
     "- Decision: ship the {project} beta on {date2}\n- Action: {first} to update the budget sheet\n"
     "- Action: {first2} to book the venue in {city}\n- Open question: hiring a second designer\n"),
    ("todo.txt",
     "[ ] Renew passport before the {city} trip\n[x] Pay electricity bill ({amount} USD)\n"
     "[ ] Send {project} slides to {first}\n[ ] Call the dentist\n[ ] Book car service\n"),
    ("documents/budget_{year}.csv",
     "category,month,amount\nRent,January,{amount3}\nGroceries,January,{amount}\nUtilities,January,{amount2}\n"
     "Rent,February,{amount3}\nGroceries,February,{amount2}\nTravel,February,{amount}\n"),
    ("documents/resume.md",
     "# {owner_first} {owner_last}\n\n## Experience\n- Senior analyst, Northwind Analytics ({year})\n"
     "- Led the {project} migration, cutting costs by 18%\n\n## Skills\nPython, SQL, forecasting, team leadership\n"),
    ("downloads/invoice_{invoice}.txt",
     "Invoice {invoice}\nVendor: {vendor}\nAmount due: {amount} USD\nDue date: {date2}\n"
     "Payment: bank transfer or card\nReference: {invoice}\n"),
    ("downloads/boarding_pass_{city_slug}.txt",
     "BOARDING PASS\nPassenger: {owner_first} {owner_last}\nDestination: {city}\nDate: {date2}\nGate: B{n}\nSeat: {n}C\n"),
    ("projects/{project_slug}/README.md",
     "# {project}\n\nInternal tool for forecasting demand.\n\n## Setup\n1. Install dependencies\n"
     "2. Copy config.example.json to config.json\n3. Run the server on port {port}\n\nContact: {email}\n"),
    ("projects/{project_slug}/main.py",
     "import json\n\nPORT = {port}\n\n\ndef load_config(path):\n    with open(path) as f:\n"
     "        return json.load(f)\n\n\ndef main():\n    config = load_config('config.json')\n"
     "    print('starting {project} on', PORT)\n\n\nif __name__ == '__main__':\n    main()\n"),
    ("projects/{project_slug}/notes.txt",
     "TODO: add retries to the importer\nTODO: ask {first} about the API quota\n"
     "Bug: totals off by one cent when the amount is {amount}\nIdea: cache the {city} results\n"),
    ("projects/{project_slug}/data.csv",
     "date,city,orders,revenue\n{date},{city},{n},{amount}\n{date2},{city},{n2},{amount2}\n"),
    ("recipes/banana_bread.txt",
     "Banana bread\n3 ripe bananas\n250 g flour\n100 g sugar\n1 tsp baking soda\n"
     "Bake at 175 C for 60 minutes\n"),
    ("recipes/pancakes.txt",
     "Pancakes\n2 eggs\n300 ml milk\n150 g flour\nA pinch of salt\nCook on medium heat, 2 minutes per side\n"),
    ("travel/itinerary_{city_slug}.txt",
     "Trip to {city}\nDepart: {date}\nReturn: {date2}\nHotel: Harbor View Hotel\n"
     "Day 1: museum and old town walk\nDay 2: meeting with {first} at 10:00\nBudget: {amount} USD\n"),
    ("logs/server.log",
     "{date} 09:12:01 INFO server started on port {port}\n{date} 09:15:44 WARN slow query (2.4 s)\n"
     "{date} 09:17:03 ERROR connection refused by db-primary\n{date} 09:17:08 INFO retrying connection\n"
     "{date} 09:17:09 INFO connected to db-primary\n"),
    ("photos/captions.txt",
     "IMG_{n}.jpg: sunset over {city}\nIMG_{n2}.jpg: {first} at the beach\nIMG_{n3}.jpg: dinner at Saffron Kitchen\n"),
)

HIDDEN_FILES = (
    (".bashrc", "export EDITOR=vim\nalias ll='ls -la'\nexport PATH=$HOME/bin:$PATH\n"),
    (".gitconfig", "[user]\n    name = {owner_first} {owner_last}\n    email = {email}\n"),
    (".config/settings.json", '{{"theme": "dark", "language": "en", "autosave": true}}\n'),
)

VENDORS = ("Pacific Power & Light", "Greenline Internet", "Harbor Dental Group", "Summit Insurance", "CloudNest Hosting")

NEW_FILE_NAMES = ("summary.txt", "draft.md", "notes_v2.txt", "shopping_list.txt", "ideas.md", "report.csv")
NEW_FOLDER_NAMES = ("archive", "backup", "drafts", "receipts", "old_projects", "shared")

# --------------------------------------------------------------------------------------
# Maps: cities. (name, code, country, lat, lon, time zone, standard UTC offset in hours,
# mean temperature C, seasonal amplitude C (negative: southern hemisphere), rain chance 0..1,
# streets, aliases)
# --------------------------------------------------------------------------------------
CITIES = (
    ("San Francisco", "SFO", "United States", 37.7749, -122.4194, "America/Los_Angeles", -8, 14.5, 3.5, 0.30,
     ("Market Street", "Valencia Street", "Mission Street", "Fillmore Street", "Geary Boulevard"), ("sf", "san fran")),
    ("San Mateo", "SMO", "United States", 37.5630, -122.3255, "America/Los_Angeles", -8, 15.0, 5.0, 0.25,
     ("El Camino Real", "B Street", "Third Avenue", "Hillsdale Boulevard"), ()),
    ("Palo Alto", "PAO", "United States", 37.4419, -122.1430, "America/Los_Angeles", -8, 15.5, 6.0, 0.25,
     ("University Avenue", "California Avenue", "Middlefield Road", "Page Mill Road"), ()),
    ("San Jose", "SJC", "United States", 37.3382, -121.8863, "America/Los_Angeles", -8, 16.0, 6.0, 0.20,
     ("Santa Clara Street", "First Street", "Almaden Boulevard", "Winchester Boulevard"), ()),
    ("Oakland", "OAK", "United States", 37.8044, -122.2712, "America/Los_Angeles", -8, 15.0, 4.0, 0.30,
     ("Broadway", "Telegraph Avenue", "Grand Avenue", "College Avenue"), ()),
    ("Los Angeles", "LAX", "United States", 34.0522, -118.2437, "America/Los_Angeles", -8, 18.5, 5.0, 0.15,
     ("Sunset Boulevard", "Wilshire Boulevard", "Figueroa Street", "Melrose Avenue"), ("la",)),
    ("San Diego", "SAN", "United States", 32.7157, -117.1611, "America/Los_Angeles", -8, 18.0, 4.0, 0.15,
     ("Harbor Drive", "Broadway", "Fifth Avenue", "University Avenue"), ()),
    ("Seattle", "SEA", "United States", 47.6062, -122.3321, "America/Los_Angeles", -8, 11.5, 7.0, 0.50,
     ("Pike Street", "Pine Street", "Westlake Avenue", "Rainier Avenue"), ()),
    ("Portland", "PDX", "United States", 45.5152, -122.6784, "America/Los_Angeles", -8, 12.5, 8.5, 0.50,
     ("Burnside Street", "Hawthorne Boulevard", "Alberta Street", "Division Street"), ()),
    ("Denver", "DEN", "United States", 39.7392, -104.9903, "America/Denver", -7, 10.5, 11.5, 0.25,
     ("Colfax Avenue", "Larimer Street", "Broadway", "Blake Street"), ()),
    ("Austin", "AUS", "United States", 30.2672, -97.7431, "America/Chicago", -6, 21.0, 9.5, 0.30,
     ("Congress Avenue", "Sixth Street", "Lamar Boulevard", "South First Street"), ()),
    ("Chicago", "CHI", "United States", 41.8781, -87.6298, "America/Chicago", -6, 10.5, 13.5, 0.35,
     ("Michigan Avenue", "State Street", "Clark Street", "Halsted Street", "Milwaukee Avenue"), ()),
    ("New York", "NYC", "United States", 40.7128, -74.0060, "America/New_York", -5, 13.0, 11.5, 0.35,
     ("Broadway", "Fifth Avenue", "Lexington Avenue", "Canal Street", "Bleecker Street"), ("nyc", "new york city", "manhattan")),
    ("Boston", "BOS", "United States", 42.3601, -71.0589, "America/New_York", -5, 11.0, 12.0, 0.35,
     ("Boylston Street", "Newbury Street", "Tremont Street", "Commonwealth Avenue"), ()),
    ("Washington", "WAS", "United States", 38.9072, -77.0369, "America/New_York", -5, 14.5, 11.5, 0.35,
     ("Pennsylvania Avenue", "K Street", "Connecticut Avenue", "U Street"), ("washington dc", "washington d.c.", "dc")),
    ("Miami", "MIA", "United States", 25.7617, -80.1918, "America/New_York", -5, 25.5, 3.5, 0.45,
     ("Biscayne Boulevard", "Collins Avenue", "Brickell Avenue", "Ocean Drive"), ()),
    ("Toronto", "YTO", "Canada", 43.6532, -79.3832, "America/Toronto", -5, 9.0, 13.0, 0.35,
     ("Yonge Street", "Queen Street West", "King Street", "Bloor Street"), ()),
    ("Vancouver", "YVR", "Canada", 49.2827, -123.1207, "America/Vancouver", -8, 11.0, 7.0, 0.50,
     ("Robson Street", "Granville Street", "Main Street", "Commercial Drive"), ()),
    ("Mexico City", "MEX", "Mexico", 19.4326, -99.1332, "America/Mexico_City", -6, 17.0, 2.5, 0.35,
     ("Paseo de la Reforma", "Avenida Insurgentes", "Calle Madero", "Avenida Juarez"), ("cdmx",)),
    ("London", "LON", "United Kingdom", 51.5074, -0.1278, "Europe/London", 0, 11.5, 7.0, 0.45,
     ("Baker Street", "Oxford Street", "Regent Street", "Kings Road", "Shoreditch High Street"), ()),
    ("Paris", "PAR", "France", 48.8566, 2.3522, "Europe/Paris", 1, 12.5, 8.0, 0.40,
     ("Rue de Rivoli", "Boulevard Saint-Germain", "Rue Oberkampf", "Avenue des Champs-Elysees"), ()),
    ("Berlin", "BER", "Germany", 52.5200, 13.4050, "Europe/Berlin", 1, 10.0, 9.5, 0.40,
     ("Unter den Linden", "Friedrichstrasse", "Torstrasse", "Oranienstrasse"), ()),
    ("Amsterdam", "AMS", "Netherlands", 52.3676, 4.9041, "Europe/Amsterdam", 1, 10.5, 7.0, 0.50,
     ("Prinsengracht", "Damrak", "Kalverstraat", "Utrechtsestraat"), ()),
    ("Madrid", "MAD", "Spain", 40.4168, -3.7038, "Europe/Madrid", 1, 15.0, 10.0, 0.20,
     ("Gran Via", "Calle de Alcala", "Calle Mayor", "Paseo del Prado"), ()),
    ("Rome", "ROM", "Italy", 41.9028, 12.4964, "Europe/Rome", 1, 15.5, 8.5, 0.30,
     ("Via del Corso", "Via Nazionale", "Via Veneto", "Via dei Coronari"), ("roma",)),
    ("Dublin", "DUB", "Ireland", 53.3498, -6.2603, "Europe/Dublin", 0, 10.0, 5.0, 0.55,
     ("Grafton Street", "Dame Street", "Camden Street", "O'Connell Street"), ()),
    ("Tokyo", "TYO", "Japan", 35.6762, 139.6503, "Asia/Tokyo", 9, 16.0, 10.5, 0.40,
     ("Omotesando", "Chuo-dori", "Meiji-dori", "Aoyama-dori"), ()),
    ("Seoul", "SEL", "South Korea", 37.5665, 126.9780, "Asia/Seoul", 9, 12.5, 14.0, 0.35,
     ("Sejong-daero", "Teheran-ro", "Itaewon-ro", "Gangnam-daero"), ()),
    ("Singapore", "SIN", "Singapore", 1.3521, 103.8198, "Asia/Singapore", 8, 27.5, 0.8, 0.55,
     ("Orchard Road", "Beach Road", "North Bridge Road", "Tanjong Pagar Road"), ()),
    ("Hong Kong", "HKG", "China", 22.3193, 114.1694, "Asia/Hong_Kong", 8, 23.5, 5.5, 0.45,
     ("Nathan Road", "Queen's Road Central", "Hennessy Road", "Des Voeux Road"), ()),
    ("Sydney", "SYD", "Australia", -33.8688, 151.2093, "Australia/Sydney", 10, 18.0, -4.5, 0.35,
     ("George Street", "Pitt Street", "Oxford Street", "King Street"), ()),
    ("Dubai", "DXB", "United Arab Emirates", 25.2048, 55.2708, "Asia/Dubai", 4, 28.0, 6.5, 0.05,
     ("Sheikh Zayed Road", "Al Wasl Road", "Jumeirah Beach Road"), ()),
    ("Mumbai", "BOM", "India", 19.0760, 72.8777, "Asia/Kolkata", 5.5, 27.5, 2.0, 0.45,
     ("Marine Drive", "Linking Road", "Colaba Causeway", "Hill Road"), ()),
)

# Landmark -> (city, lat, lon)
LANDMARKS = {
    "Golden Gate Bridge": ("San Francisco", 37.8199, -122.4783),
    "Ferry Building": ("San Francisco", 37.7955, -122.3937),
    "San Francisco International Airport": ("San Francisco", 37.6213, -122.3790),
    "Oracle Park": ("San Francisco", 37.7786, -122.3893),
    "Hillsdale Shopping Center": ("San Mateo", 37.5378, -122.3000),
    "Stanford University": ("Palo Alto", 37.4275, -122.1697),
    "Santa Monica Pier": ("Los Angeles", 34.0094, -118.4973),
    "Griffith Observatory": ("Los Angeles", 34.1184, -118.3004),
    "Los Angeles International Airport": ("Los Angeles", 33.9416, -118.4085),
    "Space Needle": ("Seattle", 47.6205, -122.3493),
    "Pike Place Market": ("Seattle", 47.6097, -122.3422),
    "Millennium Park": ("Chicago", 41.8826, -87.6226),
    "Willis Tower": ("Chicago", 41.8789, -87.6359),
    "O'Hare International Airport": ("Chicago", 41.9742, -87.9073),
    "Times Square": ("New York", 40.7580, -73.9855),
    "Central Park": ("New York", 40.7829, -73.9654),
    "Empire State Building": ("New York", 40.7484, -73.9857),
    "John F. Kennedy International Airport": ("New York", 40.6413, -73.7781),
    "Fenway Park": ("Boston", 42.3467, -71.0972),
    "Boston Common": ("Boston", 42.3550, -71.0656),
    "Lincoln Memorial": ("Washington", 38.8893, -77.0502),
    "Big Ben": ("London", 51.5007, -0.1246),
    "Tower Bridge": ("London", 51.5055, -0.0754),
    "British Museum": ("London", 51.5194, -0.1270),
    "Heathrow Airport": ("London", 51.4700, -0.4543),
    "Eiffel Tower": ("Paris", 48.8584, 2.2945),
    "Louvre Museum": ("Paris", 48.8606, 2.3376),
    "Charles de Gaulle Airport": ("Paris", 49.0097, 2.5479),
    "Brandenburg Gate": ("Berlin", 52.5163, 13.3777),
    "Museum Island": ("Berlin", 52.5169, 13.4019),
    "Rijksmuseum": ("Amsterdam", 52.3600, 4.8852),
    "Colosseum": ("Rome", 41.8902, 12.4922),
    "Tokyo Tower": ("Tokyo", 35.6586, 139.7454),
    "Shibuya Crossing": ("Tokyo", 35.6595, 139.7005),
    "Senso-ji Temple": ("Tokyo", 35.7148, 139.7967),
    "Sydney Opera House": ("Sydney", -33.8568, 151.2153),
    "Burj Khalifa": ("Dubai", 25.1972, 55.2744),
    "Marina Bay Sands": ("Singapore", 1.2834, 103.8607),
    "CN Tower": ("Toronto", 43.6426, -79.3871),
    "Stanley Park": ("Vancouver", 49.3043, -123.1443),
}

# Place categories: code used in place ids, name patterns ({city}, {street} placeholders),
# typical opening hours, price levels (0 = free).
PLACE_CATEGORIES = {
    "restaurant": ("RST", ("Saffron Kitchen", "Harbor Grill", "Juniper Bistro", "Olive & Fig", "Little Lisbon",
                           "Golden Lotus", "Copper Pot Trattoria", "{street} Taqueria", "The Maple Table",
                           "Corner Ramen"), ("11:30-22:00", "12:00-23:00", "17:00-23:30"), (2, 3, 4)),
    "cafe": ("CAF", ("Blue Door Cafe", "Morning Ritual Coffee", "Daily Grind", "Common Ground Espresso",
                     "Bluebird Coffee Roasters", "{street} Coffee", "Second Cup", "The Reading Room Cafe"),
             ("07:00-18:00", "06:30-16:00", "08:00-20:00"), (1, 2)),
    "hotel": ("HTL", ("Harbor View Hotel", "The Beacon", "Riverside Inn", "Metropolitan Suites", "The Alder Hotel",
                      "Grand {city} Hotel", "{street} Lodge", "Parkside Hotel"), ("00:00-24:00",), (2, 3, 4)),
    "museum": ("MUS", ("{city} Museum of Art", "Museum of Natural History", "{city} Science Center",
                       "Contemporary Art Gallery", "Maritime Museum", "Museum of Design", "{city} History Center"),
               ("10:00-17:00", "09:30-18:00", "10:00-20:00"), (0, 1, 2)),
    "park": ("PRK", ("Riverside Park", "Lincoln Park", "Greenway Gardens", "Cedar Grove Park", "Lakeside Park",
                     "{city} Botanical Garden", "Hilltop Park", "Waterfront Park"), ("06:00-22:00", "00:00-24:00"), (0,)),
    "pharmacy": ("PHR", ("CityCare Pharmacy", "Wellness Pharmacy", "Corner Drugstore", "HealthPlus Pharmacy",
                         "{street} Pharmacy", "Family Pharmacy"), ("08:00-21:00", "00:00-24:00", "09:00-19:00"), (1, 2)),
    "gas_station": ("GAS", ("Express Fuel", "Valley Gas", "Citygo Fuel", "Northside Gas & Go", "Pit Stop Fuel",
                            "{street} Fuel"), ("00:00-24:00", "06:00-23:00"), (1, 2)),
    "grocery": ("GRC", ("Fresh Market", "Green Basket Grocery", "Daily Harvest", "Corner Grocer", "Farmhouse Market",
                        "Urban Pantry", "{street} Market"), ("07:00-22:00", "08:00-21:00", "00:00-24:00"), (1, 2, 3)),
    "gym": ("GYM", ("Iron Works Gym", "Peak Fitness", "Core Studio", "Pulse Fitness", "Summit Climbing Gym",
                    "{street} Athletic Club"), ("05:00-23:00", "06:00-22:00"), (2, 3)),
    "parking": ("PKG", ("{street} Garage", "Central Parking", "Civic Center Garage", "Park & Go", "Plaza Parking"),
                ("00:00-24:00", "06:00-24:00"), (1, 2)),
}

WEATHER_CONDITIONS_DRY = ("sunny", "clear", "partly cloudy", "cloudy", "windy")
WEATHER_CONDITIONS_WET = ("light rain", "showers", "rain", "thunderstorms")
SAVED_LABELS = ("home", "work", "gym", "school", "parents")
