"""Calendar: events with times, places, attendees and reminders.

Event ids (``EVT-0012``) come from a counter in the state. ``find_free_slot`` returns a
``start_time`` (and ``date``) named like ``create_event``'s parameters, so the two nest; the
attendee ``email`` parameter is fed by the messaging toolkit's contact search (a cross-toolkit
flow). Dates are ``YYYY-MM-DD`` and times ``HH:MM`` (24 h); nothing reads the wall clock.
"""

import random
import re
from bisect import bisect_left
from datetime import date as Date
from datetime import timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Annotated, Any

from pydantic import Field
from typing_extensions import TypedDict

from magnet_graph.toolkit import Toolkit, World, draw_world

from . import _data_a as D
from ._util import drawer, iso_day, sample

__all__ = ["Calendar"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_MAX_DURATION = 12 * 60
_MAX_REMINDER = 4 * 7 * 24 * 60


# -- output schemas ------------------------------------------------------------------------
class EventSummary(TypedDict):
    event_id: Annotated[str, Field(description="Id of the event (e.g. EVT-0007); use it to change, cancel or invite people to it.")]
    title: Annotated[str, Field(description="Title of the event.")]
    date: Annotated[str, Field(description="Day of the event, YYYY-MM-DD.")]
    start_time: Annotated[str, Field(description="Start time, HH:MM (24 h).")]
    end_time: Annotated[str, Field(description="End time, HH:MM (24 h).")]
    location: Annotated[str, Field(description="Where it takes place, or empty.")]


class EventList(TypedDict):
    date: Annotated[str, Field(description="The day that was listed, YYYY-MM-DD.")]
    events: Annotated[list[EventSummary], Field(description="The day's events that are not cancelled, by start time.")]
    count: Annotated[int, Field(description="Number of events that day.")]


class EventSearchResult(TypedDict):
    events: Annotated[list[EventSummary], Field(description="Matching events that are not cancelled, by date and time.")]
    count: Annotated[int, Field(description="Number of matching events.")]


class EventDetails(TypedDict):
    event_id: Annotated[str, Field(description="Id of the event.")]
    title: Annotated[str, Field(description="Title of the event.")]
    date: Annotated[str, Field(description="Day of the event, YYYY-MM-DD.")]
    start_time: Annotated[str, Field(description="Start time, HH:MM (24 h).")]
    end_time: Annotated[str, Field(description="End time, HH:MM (24 h).")]
    duration_minutes: Annotated[int, Field(description="Length of the event in minutes.")]
    location: Annotated[str, Field(description="Where it takes place, or empty.")]
    attendees: Annotated[list[str], Field(description="E-mail addresses of the invited people.")]
    reminders: Annotated[list[int], Field(description="Reminders, in minutes before the start.")]
    status: Annotated[str, Field(description="'confirmed' or 'cancelled'.")]


class CreatedEvent(TypedDict):
    event_id: Annotated[str, Field(description="Id of the new event (e.g. EVT-0013).")]
    title: Annotated[str, Field(description="Title of the event.")]
    date: Annotated[str, Field(description="Day of the event, YYYY-MM-DD.")]
    start_time: Annotated[str, Field(description="Start time, HH:MM.")]
    end_time: Annotated[str, Field(description="End time, HH:MM.")]
    conflicts: Annotated[list[str], Field(description="Ids of other events overlapping this one (it is created anyway).")]


class RescheduledEvent(TypedDict):
    event_id: Annotated[str, Field(description="Id of the moved event.")]
    date: Annotated[str, Field(description="New day, YYYY-MM-DD.")]
    start_time: Annotated[str, Field(description="New start time, HH:MM.")]
    end_time: Annotated[str, Field(description="New end time, HH:MM.")]
    conflicts: Annotated[list[str], Field(description="Ids of other events overlapping the new time.")]


class CancelledEvent(TypedDict):
    title: Annotated[str, Field(description="Title of the cancelled event.")]
    date: Annotated[str, Field(description="Day the event was on, YYYY-MM-DD (that time is free again).")]
    start_time: Annotated[str, Field(description="Start time the event had, HH:MM.")]
    status: Annotated[str, Field(description="Always 'cancelled'.")]
    attendees_notified: Annotated[int, Field(description="How many attendees were told about the cancellation by e-mail.")]


class InviteResult(TypedDict):
    event_id: Annotated[str, Field(description="Id of the event.")]
    email: Annotated[str, Field(description="The invited address.")]
    attendees: Annotated[list[str], Field(description="All attendees' e-mail addresses after the change.")]
    already_invited: Annotated[bool, Field(description="True when the person was on the guest list already (nothing changed).")]


class RemoveAttendeeResult(TypedDict):
    event_id: Annotated[str, Field(description="Id of the event.")]
    email: Annotated[str, Field(description="The address taken off the guest list.")]
    attendees: Annotated[list[str], Field(description="The remaining attendees' e-mail addresses.")]
    was_invited: Annotated[bool, Field(description="False when the person was not on the guest list (nothing changed).")]


class FreeSlot(TypedDict):
    date: Annotated[str, Field(description="Day of the free slot, YYYY-MM-DD.")]
    start_time: Annotated[str, Field(description="Earliest start time of a free slot of the asked length, HH:MM; use it to create an event there.")]
    end_time: Annotated[str, Field(description="End of the slot when it starts at start_time, HH:MM.")]
    duration_minutes: Annotated[int, Field(description="Length of the slot in minutes (as asked).")]


class ReminderResult(TypedDict):
    event_id: Annotated[str, Field(description="Id of the event.")]
    reminders: Annotated[list[int], Field(description="All reminders of the event, minutes before the start, largest first.")]
    remind_at: Annotated[str, Field(description="When the new reminder fires, YYYY-MM-DD HH:MM.")]


# -- helpers -------------------------------------------------------------------------------
def _error(message: str) -> Any:
    return {"error": message}


@lru_cache(maxsize=256)  # a conversation asks about its own today: a small bound keeps memory flat
def _week_from(today: Date) -> list[str]:
    """The seven days from ``today`` on, ``YYYY-MM-DD`` (a list: callers only read it)."""
    return [(today + timedelta(days=i)).isoformat() for i in range(7)]


def _parse_date(text: str) -> Date | None:
    if not isinstance(text, str) or not _DATE.match(text):
        return None
    try:
        return Date.fromisoformat(text)
    except ValueError:
        return None


def _minutes(text: str) -> int | None:
    m = _TIME.match(text) if isinstance(text, str) else None
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


# the cities a trip can go to from a home city (a flight never goes to the home itself)
_AWAY = {home: tuple(c for c in D.CITIES if c[0] != home) for home in (c[0] for c in D.CITIES)}
_GUEST_COUNTS = (0, 0, 1, 1, 2, 3)
_WHEN, _DATE_OF = itemgetter("date", "start_time"), itemgetter("date")  # the order of Calendar._upcoming
_REMINDERS: tuple[tuple[int, ...], ...] = ((), (10,), (15,), (30, 10), (60,))
_QUARTER_HOURS = tuple(f"{q // 4:02d}:{q % 4 * 15:02d}" for q in range(96))  # "HH:MM" of each quarter hour


def _overlaps(busy: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when ``[start, end)`` overlaps one of the ``busy`` intervals."""
    for s, e in busy:
        if s < end and start < e:
            return True
    return False


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _end(event: dict[str, Any]) -> str:
    return _hhmm(_minutes(event["start_time"]) + event["duration_minutes"])  # type: ignore[operator]


def _summary(event: dict[str, Any]) -> dict[str, Any]:
    return {"event_id": event["event_id"], "title": event["title"], "date": event["date"],
            "start_time": event["start_time"], "end_time": _end(event), "location": event["location"]}


def _bad_date(text: str) -> Any:
    return _error(f"Invalid date '{text}'; use YYYY-MM-DD, e.g. 2024-05-14.")


def _bad_time(text: str) -> Any:
    return _error(f"Invalid time '{text}'; use 24-hour HH:MM, e.g. 14:30.")


class Calendar(Toolkit):
    """A personal calendar: list, search, create, move and cancel events; attendees and reminders."""

    fresh_state = True  # generate_state builds new plain JSON data (see Toolkit.fresh_state)
    description = "Personal calendar: events, free slots, attendees and reminders."

    hints = {
        "list_events": (
            "What's on my calendar on {date}?",
            "Do I have anything scheduled for {date}?",
            "Show me my agenda for {date}.",
        ),
        "search_events": (
            "When is my {query}?",
            "Look for {query} in my calendar.",
            "Do I have a {query} coming up?",
        ),
        "get_event": (
            "Give me the details of {event_id}.",
            "Who is invited to {event_id}, and where is it?",
            "What time does {event_id} start and end?",
        ),
        "create_event": (
            "Put \"{title}\" on my calendar on {date} at {start_time}.",
            "Schedule \"{title}\" for {date} at {start_time}, {duration_minutes} minutes long.",
            "Block {duration_minutes} minutes on {date} starting {start_time} for \"{title}\" at {location}.",
            "Add an appointment called \"{title}\" on {date} at {start_time}.",
        ),
        "reschedule_event": (
            "Move {event_id} to {date} at {start_time}.",
            "Can you push {event_id} to {start_time} on {date}?",
            "Shift {event_id} so it starts on {date} at {start_time}.",
        ),
        "cancel_event": (
            "Call off {event_id}.",
            "Please cancel {event_id} and let the attendees know.",
            "I can't make {event_id}; take it off my calendar.",
        ),
        "invite_attendee": (
            "Invite {email} to {event_id}.",
            "Add {email} as a guest to {event_id}.",
            "Send an invitation for {event_id} to {email}.",
        ),
        "remove_attendee": (
            "Take {email} off the guest list of {event_id}.",
            "Uninvite {email} from {event_id}.",
            "{email} won't come to {event_id}; remove them.",
        ),
        "find_free_slot": (
            "When am I free for {duration_minutes} minutes on {date}?",
            "Find me a {duration_minutes}-minute gap on {date}.",
            "Is there an open {duration_minutes}-minute window on {date} between {earliest_time} and {latest_time}?",
        ),
        "set_reminder": (
            "Remind me {minutes_before} minutes before {event_id}.",
            "Set an alert {minutes_before} minutes ahead of {event_id}.",
            "I want a heads-up {minutes_before} minutes before {event_id} starts.",
        ),
    }

    # -- state -------------------------------------------------------------------------
    @classmethod
    def default_state(cls) -> dict[str, Any]:
        """Four events around 2024-05-14."""
        def ev(n: int, title: str, day: str, start: str, minutes: int, location: str, attendees: list[str],
               reminders: list[int]) -> dict[str, Any]:
            eid = f"EVT-{n:04d}"
            return {"event_id": eid, "title": title, "date": day, "start_time": start, "duration_minutes": minutes,
                    "location": location, "attendees": attendees, "reminders": reminders, "status": "confirmed"}

        events = [
            ev(1, "Team standup", "2024-05-14", "09:30", 15, "Zoom", ["priya.patel@northwind.io"], [10]),
            ev(2, "Lunch with Carlos", "2024-05-14", "12:30", 60, "Tartine", ["carlos.garcia@gmail.com"], []),
            ev(3, "Dentist appointment", "2024-05-16", "15:00", 45, "Bayview Dental, 220 Market Street", [], [60]),
            ev(4, "Atlas design review", "2024-05-17", "10:00", 60, "Conference Room B",
               ["priya.patel@northwind.io", "mei.chen@brightlabs.co"], [15]),
        ]
        return {"owner_email": "alex.morgan@northwind.io", "today": "2024-05-14",
                "events": {e["event_id"]: e for e in events}, "next_event": 5}

    @classmethod
    def generate_state(cls, rng: random.Random, world: World | None = None) -> dict[str, Any]:
        """8-14 realistic events from three days ago to two weeks ahead of the world's
        today, without overlaps, in the calendar of the world's user (drawn from ``rng``
        when no world is given)."""
        if world is None:
            world = draw_world(rng)
        below = drawer(rng)  # seq[below(len(seq))] is rng.choice(seq), a + below(b - a) rng.randrange(a, b)
        first_names, last_names, domains = D.FIRST_NAMES, D.LAST_NAMES, D.EMAIL_DOMAINS
        today = Date.fromisoformat(world.today).toordinal()
        colleagues = [f"{f.lower()}.{l.lower()}@{domains[below(len(domains))]}"
                      for f, l in zip(sample(rng, first_names, 6), sample(rng, last_names, 6))]
        colleagues = [c for c in colleagues if c != world.email]  # never the user's own address
        events: dict[str, dict[str, Any]] = {}
        busy: dict[int, list[tuple[int, int]]] = {}  # day ordinal -> (start, end) minutes
        target = 8 + below(7)
        attempts = 0
        templates, projects = D.EVENT_TEMPLATES, D.PROJECTS
        cities = _AWAY.get(world.city, D.CITIES)
        while len(events) < target and attempts < 200:
            attempts += 1
            template, minutes, kind, (first_hour, last_hour) = templates[below(len(templates))]
            day = today - 3 + below(17)
            quarter = first_hour * 4 + below(last_hour * 4 + 1 - first_hour * 4)
            start = quarter * 15
            end = start + minutes
            if end > 21 * 60:
                continue
            taken = busy.get(day)
            if taken is not None and _overlaps(taken, start, end):
                continue
            name_first, name_last = first_names[below(len(first_names))], last_names[below(len(last_names))]
            title = template.format(first=name_first, full=f"{name_first} {name_last}",
                                    project=projects[below(len(projects))], city=cities[below(len(cities))][0])
            k = _GUEST_COUNTS[below(6)]
            guests = sample(rng, colleagues, k) if k else []
            eid = f"EVT-{len(events) + 1:04d}"
            locations = D.EVENT_LOCATIONS[kind]
            events[eid] = {"event_id": eid, "title": title, "date": iso_day(day), "start_time": _QUARTER_HOURS[quarter],
                           "duration_minutes": minutes, "location": locations[below(len(locations))],
                           "attendees": guests, "reminders": list(_REMINDERS[below(5)]),
                           "status": "confirmed"}
            if taken is None:
                busy[day] = [(start, end)]
            else:
                taken.append((start, end))
        # ids in chronological order read more naturally
        ordered = sorted(events.values(), key=lambda e: (e["date"], e["start_time"]))
        renamed = {}
        for i, e in enumerate(ordered, start=1):
            e["event_id"] = f"EVT-{i:04d}"
            renamed[e["event_id"]] = e
        return {"owner_email": world.email, "today": world.today,
                "events": renamed, "next_event": len(renamed) + 1}

    # -- helpers ---------------------------------------------------------------------------
    def _event(self, event_id: str) -> dict[str, Any] | None:
        return self.data["events"].get(event_id)

    def _no_event(self, event_id: str) -> Any:
        return _error(f"No event with id '{event_id}'; list the day's events or search by title to find the id.")

    def _conflicts(self, day: str, start: int, minutes: int, skip: str = "") -> list[str]:
        out = []
        for e in self.data["events"].values():
            if e["status"] != "confirmed" or e["date"] != day or e["event_id"] == skip:
                continue
            s = _minutes(e["start_time"])
            if s is not None and s < start + minutes and start < s + e["duration_minutes"]:
                out.append(e["event_id"])
        return sorted(out)

    def _active(self, event_id: str) -> tuple[dict[str, Any] | None, Any]:
        """(event, None) for a confirmed event, else (None, error output)."""
        event = self._event(event_id)
        if event is None:
            return None, self._no_event(event_id)
        if event["status"] == "cancelled":
            return None, _error(f"Event {event_id} ('{event['title']}') is cancelled; create a new event instead.")
        return event, None

    # -- tools -------------------------------------------------------------------------------
    def list_events(self, date: str) -> EventList:
        """List the events on one day, by start time.

        Args:
            date: The day to list, YYYY-MM-DD.

        Returns:
            The day and its events with event_id, title, start and end time and location.
        """
        if _parse_date(date) is None:
            return _bad_date(date)
        rows = [_summary(e) for e in self.data["events"].values() if e["date"] == date and e["status"] == "confirmed"]
        rows.sort(key=lambda r: (r["start_time"], r["event_id"]))
        return {"date": date, "events": rows, "count": len(rows)}  # type: ignore[typeddict-item]

    def search_events(self, query: str) -> EventSearchResult:
        """Search events by words in their title or location (e.g. 'dentist').

        Args:
            query: Text to look for in event titles and locations, case-insensitive.

        Returns:
            The matching events with event_id, title, date, start and end time and location.
        """
        q = " ".join(query.split()).lower()
        if not q:
            return _error("Give a word to search for, like 'dentist' or 'standup'.")
        rows = [_summary(e) for e in self.data["events"].values()
                if e["status"] == "confirmed" and (q in e["title"].lower() or q in e["location"].lower())]
        rows.sort(key=lambda r: (r["date"], r["start_time"], r["event_id"]))
        return {"events": rows, "count": len(rows)}  # type: ignore[typeddict-item]

    def get_event(self, event_id: str) -> EventDetails:
        """Get everything about one event: time, place, attendees, reminders and status.

        Args:
            event_id: Id of the event (e.g. EVT-0003).

        Returns:
            The event's details.
        """
        event = self._event(event_id)
        if event is None:
            return self._no_event(event_id)
        out = dict(event)
        out["end_time"] = _end(event)
        out["attendees"] = list(event["attendees"])
        out["reminders"] = list(event["reminders"])
        return out  # type: ignore[return-value]

    def create_event(self, title: str, date: str, start_time: str,
                     duration_minutes: Annotated[int, Field(ge=5, le=_MAX_DURATION)] = 60,
                     location: str = "") -> CreatedEvent:
        """Create an event; overlapping events are allowed but reported.

        Args:
            title: What the event is, e.g. 'Dentist appointment'.
            date: Day of the event, YYYY-MM-DD.
            start_time: Start time, HH:MM (24 h).
            duration_minutes: Length in minutes, 5 to 720.
            location: Where it takes place, optional.

        Returns:
            The new event_id with the title, day, start and end time, and ids of overlapping events.
        """
        title = " ".join(title.split())
        if not title:
            return _error("The event needs a title.")
        if _parse_date(date) is None:
            return _bad_date(date)
        start = _minutes(start_time)
        if start is None:
            return _bad_time(start_time)
        if not 5 <= duration_minutes <= _MAX_DURATION:
            return _error(f"duration_minutes must be between 5 and {_MAX_DURATION}, got {duration_minutes}.")
        if start + duration_minutes > 24 * 60:
            return _error(f"An event starting at {start_time} cannot last {duration_minutes} minutes; it must end by midnight.")
        n = int(self.data.get("next_event", 1))
        self.data["next_event"] = n + 1
        eid = f"EVT-{n:04d}"
        conflicts = self._conflicts(date, start, duration_minutes)
        self.data["events"][eid] = {"event_id": eid, "title": title, "date": date, "start_time": start_time,
                                    "duration_minutes": duration_minutes, "location": location, "attendees": [],
                                    "reminders": [], "status": "confirmed"}
        return {"event_id": eid, "title": title, "date": date, "start_time": start_time,
                "end_time": _hhmm(start + duration_minutes), "conflicts": conflicts}

    def reschedule_event(self, event_id: str, date: str, start_time: str) -> RescheduledEvent:
        """Move an event to another day and/or start time, keeping its length.

        Args:
            event_id: Id of the event to move.
            date: New day, YYYY-MM-DD.
            start_time: New start time, HH:MM (24 h).

        Returns:
            The event id, new day, start and end time, and ids of events overlapping the new time.
        """
        event, err = self._active(event_id)
        if event is None:
            return err
        if _parse_date(date) is None:
            return _bad_date(date)
        start = _minutes(start_time)
        if start is None:
            return _bad_time(start_time)
        if start + event["duration_minutes"] > 24 * 60:
            return _error(f"'{event['title']}' lasts {event['duration_minutes']} minutes and would run past midnight from {start_time}.")
        event["date"], event["start_time"] = date, start_time
        return {"event_id": event_id, "date": date, "start_time": start_time, "end_time": _end(event),
                "conflicts": self._conflicts(date, start, event["duration_minutes"], skip=event_id)}

    def cancel_event(self, event_id: str) -> CancelledEvent:
        """Cancel an event and notify its attendees.

        Args:
            event_id: Id of the event to cancel.

        Returns:
            The cancelled event's title, day and start time, its new status and how many attendees were notified.
        """
        event, err = self._active(event_id)
        if event is None:
            return err
        event["status"] = "cancelled"
        return {"title": event["title"], "date": event["date"], "start_time": event["start_time"], "status": "cancelled",
                "attendees_notified": len(event["attendees"])}

    def invite_attendee(self, event_id: str, email: str) -> InviteResult:
        """Invite a person to an event by e-mail address (inviting someone already invited changes nothing).

        Args:
            event_id: Id of the event.
            email: E-mail address of the person to invite (e.g. from a contact search).

        Returns:
            The event id, the invited address, the full attendee list and whether they were invited already.
        """
        event, err = self._active(event_id)
        if event is None:
            return err
        if not _EMAIL.match(email):
            return _error(f"'{email}' is not a valid e-mail address; use the form name@example.com.")
        if email.lower() == self.data.get("owner_email", "").lower():
            return _error("That is your own address; you are the organizer already.")
        already = email.lower() in (a.lower() for a in event["attendees"])
        if not already:
            event["attendees"].append(email)
        return {"event_id": event_id, "email": email, "attendees": list(event["attendees"]), "already_invited": already}

    def remove_attendee(self, event_id: str, email: str) -> RemoveAttendeeResult:
        """Remove a person from an event's guest list (removing someone not invited changes nothing).

        Args:
            event_id: Id of the event.
            email: E-mail address of the attendee to remove.

        Returns:
            The event id, the address, the remaining attendees and whether the person had been invited.
        """
        event, err = self._active(event_id)
        if event is None:
            return err
        match = next((a for a in event["attendees"] if a.lower() == email.lower()), None)
        if match is not None:
            event["attendees"].remove(match)
        return {"event_id": event_id, "email": match or email, "attendees": list(event["attendees"]),
                "was_invited": match is not None}

    def find_free_slot(self, date: str, duration_minutes: Annotated[int, Field(ge=5, le=_MAX_DURATION)],
                       earliest_time: str = "09:00",
                       latest_time: str = "18:00") -> FreeSlot:
        """Find the earliest free time on a day for something of a given length (on a 15-minute grid).

        Args:
            date: Day to search, YYYY-MM-DD.
            duration_minutes: How long the free slot must be, in minutes.
            earliest_time: Do not start before this time, HH:MM.
            latest_time: The slot must end by this time, HH:MM.

        Returns:
            The day, the start_time and end_time of the first free slot, and its length.
        """
        if _parse_date(date) is None:
            return _bad_date(date)
        lo, hi = _minutes(earliest_time), _minutes(latest_time)
        if lo is None:
            return _bad_time(earliest_time)
        if hi is None:
            return _bad_time(latest_time)
        if not 5 <= duration_minutes <= _MAX_DURATION:
            return _error(f"duration_minutes must be between 5 and {_MAX_DURATION}, got {duration_minutes}.")
        busy = sorted(
            (s, s + e["duration_minutes"]) for e in self.data["events"].values()
            if e["status"] == "confirmed" and e["date"] == date and (s := _minutes(e["start_time"])) is not None
        )
        start = -(-lo // 15) * 15
        for s, e in busy:
            if start + duration_minutes <= s:
                break
            if e > start:
                start = -(-e // 15) * 15
        if start + duration_minutes > hi:
            return _error(f"No free {duration_minutes}-minute slot on {date} between {earliest_time} and {latest_time}; "
                          "try another day or a shorter duration.")
        return {"date": date, "start_time": _hhmm(start), "end_time": _hhmm(start + duration_minutes),
                "duration_minutes": duration_minutes}

    def set_reminder(self, event_id: str,
                     minutes_before: Annotated[int, Field(ge=1, le=_MAX_REMINDER)]) -> ReminderResult:
        """Add a reminder that fires some minutes before an event starts.

        Args:
            event_id: Id of the event.
            minutes_before: How many minutes before the start to remind, 1 to 40320 (four weeks).

        Returns:
            The event id, all its reminders and when the new one fires.
        """
        event, err = self._active(event_id)
        if event is None:
            return err
        if not 1 <= minutes_before <= _MAX_REMINDER:
            return _error(f"minutes_before must be between 1 and {_MAX_REMINDER}, got {minutes_before}.")
        if minutes_before not in event["reminders"]:
            event["reminders"].append(minutes_before)
            event["reminders"].sort(reverse=True)
        day = Date.fromisoformat(event["date"])
        total = day.toordinal() * 1440 + _minutes(event["start_time"]) - minutes_before  # type: ignore[operator]
        fire_day, fire_min = divmod(total, 1440)
        remind_at = f"{Date.fromordinal(fire_day).isoformat()} {_hhmm(fire_min)}"
        return {"event_id": event_id, "reminders": list(event["reminders"]), "remind_at": remind_at}

    # -- values for the offline translator ------------------------------------------------
    def candidates(self, tool: str, param: str) -> list[Any]:
        """Existing event ids, busy days, free start times, known attendees, fresh titles."""
        if param in ("event_id", "date", "email", "title", "query"):
            return self._candidates_from_events(tool, param, self._upcoming())
        if param == "start_time":
            today = self.data.get("today", "2024-05-14")
            slot = self.find_free_slot(today, 60)
            first = [slot["start_time"]] if "start_time" in slot else []
            return list(dict.fromkeys(first + ["10:00", "14:30", "16:00", "08:30"]))
        if param == "duration_minutes":
            return [30, 45, 60, 90]
        if param == "minutes_before":
            return [10, 15, 30, 60]
        if param in ("earliest_time", "latest_time"):
            return ["09:00", "12:00"] if param == "earliest_time" else ["17:00", "18:00"]
        if param == "location":
            return ["Conference Room A", "Zoom", "Blue Door Cafe"]
        if tool in self.hints:  # one of ours: free text or numbers the translator makes up
            return []
        return super().candidates(tool, param)

    def _upcoming(self) -> list[dict[str, Any]]:
        """The confirmed events, upcoming ones first, each part by date and start time
        (ties keep the state's order)."""
        today = self.data.get("today", "")
        rows = [e for e in self.data["events"].values() if e["status"] == "confirmed"]
        rows.sort(key=_WHEN)  # stable: ties keep the state's order
        # the past ones (a date before today, as strings) are a prefix now: move it to the end
        k = bisect_left(rows, today, key=_DATE_OF)
        return rows[k:] + rows[:k] if k else rows

    def _candidates_from_events(self, tool: str, param: str, events: list[dict[str, Any]]) -> list[Any]:
        """:meth:`candidates` for the parameters answered from the confirmed ``events``."""
        # event and attendee are drawn separately: for removal offer one event and its own guests
        if tool == "remove_attendee" and param in ("event_id", "email"):
            first = next((e for e in events if e["attendees"]), None)
            if first is None:
                return []
            return [first["event_id"]] if param == "event_id" else list(first["attendees"])
        if param == "event_id":
            return [e["event_id"] for e in events]
        if param == "date":
            today = _parse_date(self.data.get("today", "")) or Date(2024, 5, 14)
            days = [e["date"] for e in events]
            nxt = _week_from(today)
            return list(dict.fromkeys(days + nxt if tool in ("list_events",) else nxt + days))
        if param == "email":
            return list(dict.fromkeys(a for e in reversed(events) for a in e["attendees"]))
        if param == "title":
            taken = {e["title"] for e in events}
            return [t for t in D.NEW_EVENT_TITLES if t not in taken]
        words = []  # param == "query"
        for e in events:
            words.extend(w.strip(":,'").lower() for w in e["title"].split() if len(w) > 4)
        return list(dict.fromkeys(words))
