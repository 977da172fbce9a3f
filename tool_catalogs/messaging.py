"""Messaging: an address book, text messages and e-mail.

Contact ids (``CT-0003``) and message ids (``MSG-0012``) come from counters in the state, so
they are deterministic. Search results carry ``contact_id``, ``email`` and ``phone`` named
exactly like the parameters they feed (``send_message(contact_id)``, ``send_email(to_email)``,
the calendar's ``invite_attendee(email)``). Timestamps come from a clock kept in the state
that advances one minute per message sent, never from the wall clock.
"""

import random
import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Annotated, Any, Callable

from pydantic import Field
from typing_extensions import TypedDict

from magnet_graph.toolkit import Toolkit, World, draw_world

from . import _data_a as D
from ._util import drawer, iso_day, stamp

__all__ = ["Messaging"]

_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_MAX_TEXT = 1000
_PREVIEW = 60


# -- output schemas ------------------------------------------------------------------------
class Contact(TypedDict):
    contact_id: Annotated[str, Field(description="Id of the contact (e.g. CT-0003); use it to text the contact.")]
    name: Annotated[str, Field(description="Full name of the contact.")]
    email: Annotated[str, Field(description="E-mail address of the contact; use it to e-mail or invite them.")]
    phone: Annotated[str, Field(description="Mobile phone number of the contact, or empty.")]
    company: Annotated[str, Field(description="Company the contact works for, or empty.")]


class ContactSearchResult(TypedDict):
    contacts: Annotated[list[Contact], Field(description="Contacts whose name or e-mail matches, sorted by name.")]
    count: Annotated[int, Field(description="Number of matching contacts.")]


class AddContactResult(TypedDict):
    contact_id: Annotated[str, Field(description="Id of the contact (new, or the existing one with this e-mail).")]
    name: Annotated[str, Field(description="Name of the contact.")]
    email: Annotated[str, Field(description="E-mail address of the contact.")]
    created: Annotated[bool, Field(description="False when this person was already in the address book (nothing changed).")]


class SentMessage(TypedDict):
    message_id: Annotated[str, Field(description="Id of the message that was sent (e.g. MSG-0014).")]
    contact_id: Annotated[str, Field(description="Id of the contact the message went to.")]
    to_phone: Annotated[str, Field(description="Phone number the text was sent to.")]
    sent_at: Annotated[str, Field(description="When it was sent, YYYY-MM-DDTHH:MM.")]


class SentEmail(TypedDict):
    message_id: Annotated[str, Field(description="Id of the e-mail that was sent (e.g. MSG-0014).")]
    to_email: Annotated[str, Field(description="Address the e-mail was sent to.")]
    subject: Annotated[str, Field(description="Subject line of the e-mail.")]
    attachment_name: Annotated[str, Field(description="Name of the attached file, or empty.")]
    sent_at: Annotated[str, Field(description="When it was sent, YYYY-MM-DDTHH:MM.")]


class InboxItem(TypedDict):
    message_id: Annotated[str, Field(description="Id of the message; use it to read, reply to, forward or delete it.")]
    channel: Annotated[str, Field(description="'email' or 'sms'.")]
    contact_id: Annotated[str, Field(description="Contact id of the sender when they are in the address book, else empty.")]
    sender: Annotated[str, Field(description="Name of the sender.")]
    sender_email: Annotated[str, Field(description="E-mail address of the sender, or empty when unknown.")]
    sender_phone: Annotated[str, Field(description="Phone number of the sender, or empty when unknown.")]
    subject: Annotated[str, Field(description="Subject line (empty for texts).")]
    preview: Annotated[str, Field(description="First characters of the body.")]
    sent_at: Annotated[str, Field(description="When it was received, YYYY-MM-DDTHH:MM.")]
    read: Annotated[bool, Field(description="True once the message has been read.")]


class InboxResult(TypedDict):
    messages: Annotated[list[InboxItem], Field(description="Received messages, newest first.")]
    count: Annotated[int, Field(description="Number of messages returned.")]
    unread_count: Annotated[int, Field(description="Number of unread messages in the whole inbox.")]


class Message(TypedDict):
    message_id: Annotated[str, Field(description="Id of the message.")]
    channel: Annotated[str, Field(description="'email' or 'sms'.")]
    mailbox: Annotated[str, Field(description="'inbox' for received messages, 'sent' for sent ones.")]
    contact_id: Annotated[str, Field(description="Contact id of the other person (sender or recipient) when known, else empty.")]
    sender: Annotated[str, Field(description="Name of the sender.")]
    sender_email: Annotated[str, Field(description="E-mail address of the sender, or empty when unknown.")]
    sender_phone: Annotated[str, Field(description="Phone number of the sender, or empty when unknown.")]
    recipient: Annotated[str, Field(description="E-mail address or phone number it was sent to.")]
    subject: Annotated[str, Field(description="Subject line (empty for texts).")]
    body: Annotated[str, Field(description="Full text of the message.")]
    attachment_name: Annotated[str, Field(description="Name of the attached file, or empty.")]
    sent_at: Annotated[str, Field(description="When it was sent, YYYY-MM-DDTHH:MM.")]
    in_reply_to: Annotated[str, Field(description="Id of the message this one answers, or empty.")]


class ReplyResult(TypedDict):
    message_id: Annotated[str, Field(description="Id of the reply that was sent.")]
    in_reply_to: Annotated[str, Field(description="Id of the message that was answered.")]
    recipient: Annotated[str, Field(description="E-mail address or phone number the reply went to.")]
    subject: Annotated[str, Field(description="Subject of the reply ('Re: ...'; empty for texts).")]
    sent_at: Annotated[str, Field(description="When it was sent, YYYY-MM-DDTHH:MM.")]


class ForwardResult(TypedDict):
    message_id: Annotated[str, Field(description="Id of the forwarded copy that was sent.")]
    forwarded_from: Annotated[str, Field(description="Id of the original message.")]
    to_email: Annotated[str, Field(description="Address the message was forwarded to.")]
    subject: Annotated[str, Field(description="Subject of the forwarded copy ('Fwd: ...').")]


class DeleteResult(TypedDict):
    deleted: Annotated[bool, Field(description="Always true when the message was deleted.")]
    inbox_count: Annotated[int, Field(description="Number of received messages left.")]


class MarkReadResult(TypedDict):
    message_id: Annotated[str, Field(description="Id of the message.")]
    was_unread: Annotated[bool, Field(description="True if the message was unread before this call.")]
    unread_count: Annotated[int, Field(description="Number of unread messages left in the inbox.")]


def _error(message: str) -> Any:
    return {"error": message}


_NON_SLUG = re.compile(r"[^a-z0-9]+")
_QUARTERS = ("00", "15", "30", "45")
_CONTACT_ID = itemgetter("contact_id")
_SENT_AT_ID, _READ = itemgetter("sent_at", "message_id"), itemgetter("read")  # orders of the message ids offered


@lru_cache(maxsize=4096)
def _slug(name: str) -> str:
    """``"Mei Chen"`` -> ``"mei.chen"`` (names repeat: cached)."""
    return _NON_SLUG.sub(".", name.lower()).strip(".")


class Messaging(Toolkit):
    """Contacts, text messages and e-mail for one user."""

    fresh_state = True  # generate_state builds new plain JSON data (see Toolkit.fresh_state)
    description = "Address book, text messages and e-mail: search contacts, send, read, reply, forward, delete."

    hints = {
        "search_contacts": (
            "Look up {name} in my contacts.",
            "Do I have contact details for {name}?",
            "Who do I know called {name}?",
            "Search my address book for {name}.",
        ),
        "get_contact": (
            "Show me the contact card for {contact_id}.",
            "What's the phone number and e-mail of {contact_id}?",
            "Pull up everything I have on {contact_id}.",
        ),
        "add_contact": (
            "Add {name} to my contacts with the e-mail {email} and the number {phone}.",
            "Save a new contact: {name}, {email}, {phone}.",
            "Please store {name} ({email}, phone {phone}) in my address book.",
            "Create a contact for {name}: e-mail {email}, mobile {phone}.",
        ),
        "send_message": (
            "Text {contact_id}: \"{text}\"",
            "Send a message to {contact_id} saying \"{text}\".",
            "Let {contact_id} know by text: \"{text}\"",
        ),
        "send_email": (
            "E-mail {to_email} with the subject \"{subject}\" and the message \"{body}\".",
            "Write to {to_email}, subject \"{subject}\": \"{body}\"",
            "Send {to_email} an e-mail titled \"{subject}\" saying \"{body}\" and attach {attachment_name}.",
            "Drop {to_email} a note, subject \"{subject}\", body \"{body}\".",
        ),
        "list_inbox": (
            "What's in my inbox?",
            "Show me my latest messages.",
            "Do I have any mail?",
            "List my recent e-mails and texts.",
        ),
        "read_message": (
            "Open {message_id} for me.",
            "What does {message_id} say?",
            "Read me {message_id}.",
        ),
        "reply_to_message": (
            "Reply to {message_id} with \"{body}\".",
            "Answer {message_id}: \"{body}\"",
            "Write back to {message_id} saying \"{body}\".",
        ),
        "forward_message": (
            "Forward {message_id} to {to_email}.",
            "Pass {message_id} on to {to_email}.",
            "Send a copy of {message_id} to {to_email} with the note \"{note}\".",
        ),
        "delete_message": (
            "Delete {message_id}.",
            "Get rid of {message_id} from my mailbox.",
            "Throw away {message_id}, I don't need it anymore.",
        ),
        "mark_as_read": (
            "Mark {message_id} as read.",
            "Flag {message_id} as read without opening it.",
            "I've seen {message_id}; mark it read.",
        ),
    }

    # -- state -------------------------------------------------------------------------
    @classmethod
    def default_state(cls) -> dict[str, Any]:
        """Three contacts and three messages (two unread)."""
        def contact(cid: str, name: str, email: str, phone: str, company: str) -> dict[str, str]:
            return {"contact_id": cid, "name": name, "email": email, "phone": phone, "company": company}

        contacts = {
            "CT-0001": contact("CT-0001", "Priya Patel", "priya.patel@northwind.io", "+1-415-555-0142", "Northwind Analytics"),
            "CT-0002": contact("CT-0002", "Carlos Garcia", "carlos.garcia@gmail.com", "+1-650-555-0178", ""),
            "CT-0003": contact("CT-0003", "Mei Chen", "mei.chen@brightlabs.co", "", "Bright Labs"),
        }
        me, priya, carlos = "alex.morgan@northwind.io", contacts["CT-0001"], contacts["CT-0002"]
        messages = {
            "MSG-0001": _msg("MSG-0001", "email", "inbox", "CT-0001", priya["name"], priya["email"], priya["phone"], me,
                             "Atlas kickoff notes",
                             "Hi Alex, here are my notes from the Atlas kickoff. Main action items: finalize the budget "
                             "by 2024-05-20.", "2024-05-13T16:05", True),
            "MSG-0002": _msg("MSG-0002", "email", "inbox", "CT-0002", carlos["name"], carlos["email"], carlos["phone"], me,
                             "Lunch on Thursday?",
                             "Hi Alex, are you free for lunch on Thursday around 12:30? I was thinking Tartine. - Carlos",
                             "2024-05-14T08:12", False),
            "MSG-0003": _msg("MSG-0003", "sms", "inbox", "CT-0001", priya["name"], priya["email"], priya["phone"],
                             "+1-415-555-0100", "", "Running 10 minutes late, see you soon!", "2024-05-14T09:02", False),
        }
        return {
            "owner": {"name": "Alex Morgan", "email": "alex.morgan@northwind.io", "phone": "+1-415-555-0100"},
            "now": "2024-05-14T09:30",
            "contacts": contacts,
            "messages": messages,
            "next_contact": 4,
            "next_message": 4,
        }

    @classmethod
    def generate_state(cls, rng: random.Random, world: World | None = None) -> dict[str, Any]:
        """The world's user as the owner, the world's time as now, 6-12 contacts and 5-10
        messages received in the four days before, with realistic contents (the world is
        drawn from ``rng`` when none is given)."""
        if world is None:
            world = draw_world(rng)
        below = drawer(rng)  # seq[below(len(seq))] is rng.choice(seq), a + below(b - a) rng.randrange(a, b)
        first_names, last_names, domains, areas = D.FIRST_NAMES, D.LAST_NAMES, D.EMAIL_DOMAINS, D.AREA_CODES
        first = world.first_name
        owner = {"name": world.name, "email": world.email, "phone": world.phone}
        now = world.now  # YYYY-MM-DDTHH:MM: as a minute count that _util.stamp reads
        start = date.fromisoformat(world.today).toordinal() * 1440 + int(now[11:13]) * 60 + int(now[14:16])
        contacts: dict[str, dict[str, Any]] = {}
        used = {owner["name"]}
        for i in range(1, 6 + below(7) + 1):
            name = owner["name"]
            while name in used:
                name = f"{first_names[below(len(first_names))]} {last_names[below(len(last_names))]}"
            used.add(name)
            cid = f"CT-{i:04d}"
            phone = f"+1-{areas[below(len(areas))]}-555-01{below(100):02d}" if rng.random() < 0.85 else ""
            contacts[cid] = {"contact_id": cid, "name": name, "email": f"{_slug(name)}@{domains[below(len(domains))]}",
                             "phone": phone, "company": D.COMPANIES[below(len(D.COMPANIES))]}
        messages: dict[str, dict[str, Any]] = {}
        count = 5 + below(6)
        times = sorted([start - (5 + below(4 * 24 * 60 - 5)) for _ in range(count)])
        ids = sorted(contacts)
        random_ = rng.random
        for i, when in enumerate(times, start=1):
            c = contacts[ids[below(len(ids))]]
            values = _fill_values(below, c["name"].split()[0], first, when // 1440)
            mid = f"MSG-{i:04d}"
            sent_at = stamp(when)
            if c["phone"] and random_() < 0.3:
                body = D.SMS_TEMPLATES[below(len(D.SMS_TEMPLATES))].format(**values)
                messages[mid] = _msg(mid, "sms", "inbox", c["contact_id"], c["name"], c["email"], c["phone"], owner["phone"], "", body,
                                     sent_at, random_() < 0.5)
            else:
                subject, body = D.EMAIL_TEMPLATES[below(len(D.EMAIL_TEMPLATES))]
                messages[mid] = _msg(mid, "email", "inbox", c["contact_id"], c["name"], c["email"], c["phone"], owner["email"],
                                     subject.format(**values), body.format(**values), sent_at, random_() < 0.5)
        return {"owner": owner, "now": now, "contacts": contacts, "messages": messages,
                "next_contact": len(contacts) + 1, "next_message": count + 1}

    # -- helpers ----------------------------------------------------------------------------
    def _tick(self) -> str:
        """Advance the state clock by one minute and return the new time."""
        now = datetime.fromisoformat(self.data["now"]) + timedelta(minutes=1)
        self.data["now"] = now.isoformat(timespec="minutes")
        return self.data["now"]

    def _new_message_id(self) -> str:
        n = int(self.data.get("next_message", 1))
        self.data["next_message"] = n + 1
        return f"MSG-{n:04d}"

    def _store(self, **fields: Any) -> dict[str, Any]:
        mid = self._new_message_id()
        owner = self.data["owner"]
        msg = _msg(mid, fields["channel"], "sent", fields.get("contact_id", ""), owner["name"], owner["email"],
                   owner["phone"], fields["recipient"], fields.get("subject", ""), fields["body"], self._tick(), True,
                   fields.get("attachment_name", ""), fields.get("in_reply_to", ""))
        self.data["messages"][mid] = msg
        return msg

    def _unread(self) -> int:
        n = 0
        for m in self.data["messages"].values():
            if m["mailbox"] == "inbox" and not m["read"]:
                n += 1
        return n

    def _get_message(self, message_id: str) -> dict[str, Any] | None:
        return self.data["messages"].get(message_id)

    def _no_message(self, message_id: str) -> Any:
        return _error(f"No message with id '{message_id}'; list the inbox to see message ids (like MSG-0001).")

    def _contact_by_email(self, email: str) -> dict[str, Any] | None:
        want = email.strip().lower()
        for c in self.data["contacts"].values():
            if c["email"].lower() == want:
                return c
        return None

    # -- tools ------------------------------------------------------------------------------
    def search_contacts(self, name: str) -> ContactSearchResult:
        """Search the address book by (part of) a name or e-mail address.

        Args:
            name: Full or partial name (or e-mail) to look for, case-insensitive.

        Returns:
            The matching contacts with contact_id, name, email, phone and company.
        """
        query = " ".join(name.split()).lower()
        if not query:
            return _error("Give at least part of a name to search for.")
        hits = [dict(c) for c in self.data["contacts"].values()
                if query in c["name"].lower() or query in c["email"].lower()]
        hits.sort(key=lambda c: (c["name"], c["contact_id"]))
        return {"contacts": hits, "count": len(hits)}  # type: ignore[typeddict-item]

    def get_contact(self, contact_id: str) -> Contact:
        """Get the full details of one contact.

        Args:
            contact_id: Id of the contact (e.g. CT-0003), as returned by a contact search.

        Returns:
            The contact's id, name, e-mail, phone and company.
        """
        contact = self.data["contacts"].get(contact_id)
        if contact is None:
            return _error(f"No contact with id '{contact_id}'; search contacts by name to find the id.")
        return dict(contact)  # type: ignore[return-value]

    def add_contact(self, name: str, email: str, phone: str, company: str = "") -> AddContactResult:
        """Add a person to the address book (if the same name and e-mail are already there, that contact is returned).

        Args:
            name: Full name of the person.
            email: Their e-mail address.
            phone: Their mobile phone number, e.g. +1-415-555-0123.
            company: The company they work for, optional.

        Returns:
            The contact's id, name and e-mail, and whether it was newly created.
        """
        name = " ".join(name.split())
        if not name:
            return _error("The contact needs a name.")
        if not _EMAIL.match(email):
            return _error(f"'{email}' is not a valid e-mail address; use the form name@example.com.")
        if sum(ch.isdigit() for ch in phone) < 7:
            return _error(f"'{phone}' is not a valid phone number; give at least 7 digits, e.g. +1-415-555-0123.")
        want = email.strip().lower()
        for c in self.data["contacts"].values():
            if c["email"].lower() == want and c["name"].lower() == name.lower():
                return {"contact_id": c["contact_id"], "name": c["name"], "email": c["email"], "created": False}
        n = int(self.data.get("next_contact", 1))
        self.data["next_contact"] = n + 1
        cid = f"CT-{n:04d}"
        self.data["contacts"][cid] = {"contact_id": cid, "name": name, "email": email, "phone": phone, "company": company}
        return {"contact_id": cid, "name": name, "email": email, "created": True}

    def send_message(self, contact_id: str, text: str) -> SentMessage:
        """Send a text message (SMS) to a contact's phone.

        Args:
            contact_id: Id of the contact to text (e.g. CT-0003), as returned by a contact search.
            text: The message to send, up to 1000 characters.

        Returns:
            The id of the sent message, the contact and phone number it went to, and the time.
        """
        contact = self.data["contacts"].get(contact_id)
        if contact is None:
            return _error(f"No contact with id '{contact_id}'; search contacts by name to find the id.")
        if not contact["phone"]:
            return _error(f"{contact['name']} ({contact_id}) has no phone number; e-mail {contact['email']} instead.")
        if not text.strip() or len(text) > _MAX_TEXT:
            return _error(f"The text must be 1 to {_MAX_TEXT} characters long.")
        msg = self._store(channel="sms", contact_id=contact_id, recipient=contact["phone"], body=text)
        return {"message_id": msg["message_id"], "contact_id": contact_id, "to_phone": contact["phone"], "sent_at": msg["sent_at"]}

    def send_email(self, to_email: str, subject: str, body: str, attachment_name: str = "") -> SentEmail:
        """Send an e-mail, optionally attaching a file by name.

        Args:
            to_email: Recipient's e-mail address.
            subject: Subject line.
            body: Text of the e-mail.
            attachment_name: Name of a file to attach (e.g. 'report.pdf'), optional.

        Returns:
            The id of the sent e-mail, its recipient, subject, attachment name and time.
        """
        if not _EMAIL.match(to_email):
            return _error(f"'{to_email}' is not a valid e-mail address; use the form name@example.com.")
        if not body.strip():
            return _error("The e-mail body is empty; say what the e-mail should contain.")
        contact = self._contact_by_email(to_email)
        msg = self._store(channel="email", contact_id=contact["contact_id"] if contact else "", recipient=to_email,
                          subject=subject, body=body, attachment_name=attachment_name)
        return {"message_id": msg["message_id"], "to_email": to_email, "subject": subject,
                "attachment_name": attachment_name, "sent_at": msg["sent_at"]}

    def list_inbox(self, unread_only: bool = False, limit: Annotated[int, Field(ge=1, le=50)] = 10) -> InboxResult:
        """List received e-mails and texts, newest first.

        Args:
            unread_only: Only list messages that have not been read yet.
            limit: Maximum number of messages to return, 1 to 50.

        Returns:
            The messages with message_id, sender, subject, preview and read flag, and the unread count.
        """
        if not 1 <= limit <= 50:
            return _error(f"limit must be between 1 and 50, got {limit}.")
        rows = [m for m in self.data["messages"].values() if m["mailbox"] == "inbox" and not (unread_only and m["read"])]
        rows.sort(key=lambda m: (m["sent_at"], m["message_id"]), reverse=True)
        items = [{"message_id": m["message_id"], "channel": m["channel"], "contact_id": m["contact_id"],
                  "sender": m["sender"], "sender_email": m["sender_email"], "sender_phone": m["sender_phone"],
                  "subject": m["subject"],
                  "preview": m["body"][:_PREVIEW] + ("..." if len(m["body"]) > _PREVIEW else ""),
                  "sent_at": m["sent_at"], "read": m["read"]} for m in rows[:limit]]
        return {"messages": items, "count": len(items), "unread_count": self._unread()}  # type: ignore[typeddict-item]

    def read_message(self, message_id: str) -> Message:
        """Open a message and mark it as read.

        Args:
            message_id: Id of the message (e.g. MSG-0004), as listed in the inbox.

        Returns:
            The whole message: sender, recipient, subject, body, attachment, time and what it replies to.
        """
        msg = self._get_message(message_id)
        if msg is None:
            return self._no_message(message_id)
        msg["read"] = True
        out = dict(msg)
        del out["read"]
        return out  # type: ignore[return-value]

    def reply_to_message(self, message_id: str, body: str) -> ReplyResult:
        """Reply to a received message through the same channel (e-mail or text).

        Args:
            message_id: Id of the received message to answer.
            body: Text of the reply.

        Returns:
            The id of the reply, the message it answers, where it went, its subject and time.
        """
        msg = self._get_message(message_id)
        if msg is None:
            return self._no_message(message_id)
        if msg["mailbox"] != "inbox":
            return _error(f"{message_id} is a message you sent; reply to a received message instead.")
        if not body.strip():
            return _error("The reply is empty; say what to answer.")
        subject = ""
        if msg["channel"] == "email":
            subject = msg["subject"] if msg["subject"].lower().startswith("re:") else f"Re: {msg['subject']}"
        recipient = msg["sender_email"] if msg["channel"] == "email" else msg["sender_phone"]
        if not recipient:
            return _error(f"The sender of {message_id} left no {'address' if msg['channel'] == 'email' else 'number'} to reply to.")
        sent = self._store(channel=msg["channel"], contact_id=msg["contact_id"], recipient=recipient,
                           subject=subject, body=body, in_reply_to=message_id)
        msg["read"] = True
        return {"message_id": sent["message_id"], "in_reply_to": message_id, "recipient": recipient,
                "subject": subject, "sent_at": sent["sent_at"]}

    def forward_message(self, message_id: str, to_email: str, note: str = "") -> ForwardResult:
        """Forward a message (with its attachment) to an e-mail address, optionally with a note on top.

        Args:
            message_id: Id of the message to forward.
            to_email: E-mail address to forward it to.
            note: A short note placed above the forwarded text, optional.

        Returns:
            The id of the forwarded copy, the original's id, the recipient and the subject.
        """
        msg = self._get_message(message_id)
        if msg is None:
            return self._no_message(message_id)
        if not _EMAIL.match(to_email):
            return _error(f"'{to_email}' is not a valid e-mail address; use the form name@example.com.")
        subject = f"Fwd: {msg['subject'] or 'text from ' + msg['sender']}"
        body = (note.strip() + "\n\n" if note.strip() else "") + f"---------- Forwarded message from {msg['sender']} ----------\n{msg['body']}"
        contact = self._contact_by_email(to_email)
        sent = self._store(channel="email", contact_id=contact["contact_id"] if contact else "", recipient=to_email,
                           subject=subject, body=body, attachment_name=msg["attachment_name"])
        return {"message_id": sent["message_id"], "forwarded_from": message_id, "to_email": to_email, "subject": subject}

    def delete_message(self, message_id: str) -> DeleteResult:
        """Delete a message permanently.

        Args:
            message_id: Id of the message to delete.

        Returns:
            A confirmation flag and how many received messages are left.
        """
        if self.data["messages"].pop(message_id, None) is None:
            return self._no_message(message_id)
        left = sum(1 for m in self.data["messages"].values() if m["mailbox"] == "inbox")
        return {"deleted": True, "inbox_count": left}

    def mark_as_read(self, message_id: str) -> MarkReadResult:
        """Mark a received message as read without opening it.

        Args:
            message_id: Id of the message to mark.

        Returns:
            The message id, whether it was unread before, and how many unread messages remain.
        """
        msg = self._get_message(message_id)
        if msg is None:
            return self._no_message(message_id)
        was_unread = not msg["read"]
        msg["read"] = True
        return {"message_id": message_id, "was_unread": was_unread, "unread_count": self._unread()}

    # -- values for the offline translator ------------------------------------------------
    # candidates() lists every value these can succeed with now (see Messaging.candidates)
    exact_candidates = {"reply_to_message": ("message_id",), "send_message": ("contact_id",)}

    def candidates(self, tool: str, param: str) -> list[Any]:
        """Existing contact and message ids, names and e-mails; fresh ones for new contacts.

        A reply answers a received message; a text message goes to a contact with a phone
        number: those lists are complete (``exact_candidates``)."""
        if param == "message_id":
            return self._message_candidates(tool)
        contacts = sorted(self.data["contacts"].values(), key=_CONTACT_ID)
        if param == "contact_id":
            if tool == "send_message":
                return [c["contact_id"] for c in contacts if c["phone"]]
            return [c["contact_id"] for c in contacts]
        if tool == "add_contact" and param in ("name", "email", "phone"):
            # one person: name, e-mail and phone are drawn separately and must belong together
            return [p[param] for p in self._fresh_people(1)]
        if param == "name":
            return [c["name"].split()[0] for c in contacts] + [c["name"] for c in contacts]
        if param in ("email", "to_email"):
            return [c["email"] for c in contacts]
        if param == "attachment_name":
            return ["report.pdf", "notes.txt", "budget_2024.csv", "itinerary.pdf"]
        if tool in self.hints:  # one of ours: free text or numbers the translator makes up
            return []
        return super().candidates(tool, param)

    def _message_candidates(self, tool: str) -> list[str]:
        """Message ids: received ones newest first (unread first to mark as read), then sent ones."""
        inbox = sorted([m for m in self.data["messages"].values() if m["mailbox"] == "inbox"],
                       key=_SENT_AT_ID, reverse=True)
        if tool == "mark_as_read":
            inbox.sort(key=_READ)  # unread first (stable: newest first within)
        if tool == "reply_to_message":  # the sender left an address or number to answer
            return [m["message_id"] for m in inbox
                    if (m["sender_email"] if m["channel"] == "email" else m["sender_phone"])]
        if tool == "mark_as_read":
            return [m["message_id"] for m in inbox]
        return [m["message_id"] for m in inbox] + sorted(
            m["message_id"] for m in self.data["messages"].values() if m["mailbox"] != "inbox")

    def _fresh_people(self, k: int) -> list[dict[str, str]]:
        """``k`` people not in the address book, picked deterministically from the name pools."""
        taken = {c["name"] for c in self.data["contacts"].values()} | {self.data["owner"]["name"]}
        n = len(self.data["contacts"])
        out = []
        for i in range(len(D.FIRST_NAMES)):
            first = D.FIRST_NAMES[(n * 7 + i * 11) % len(D.FIRST_NAMES)]
            last = D.LAST_NAMES[(n * 3 + i * 13) % len(D.LAST_NAMES)]
            name = f"{first} {last}"
            if name in taken:
                continue
            email = f"{_slug(name)}@{D.EMAIL_DOMAINS[i % len(D.EMAIL_DOMAINS)]}"
            if self._contact_by_email(email) is None:
                out.append({"name": name, "email": email, "phone": f"+1-{D.AREA_CODES[i % len(D.AREA_CODES)]}-555-01{(i * 17) % 100:02d}"})
            if len(out) == k:
                break
        return out


def _msg(message_id: str, channel: str, mailbox: str, contact_id: str, sender: str, sender_email: str,
         sender_phone: str, recipient: str,
         subject: str, body: str, sent_at: str, read: bool, attachment_name: str = "", in_reply_to: str = "") -> dict[str, Any]:
    return {"message_id": message_id, "channel": channel, "mailbox": mailbox, "contact_id": contact_id, "sender": sender,
            "sender_email": sender_email, "sender_phone": sender_phone, "recipient": recipient, "subject": subject, "body": body,
            "attachment_name": attachment_name, "sent_at": sent_at, "in_reply_to": in_reply_to, "read": read}


def _fill_values(below: Callable[[int], int], sender_first: str, owner_first: str, day: int) -> dict[str, str]:
    """Values for the placeholders of the message templates, drawn with ``below`` (see
    :func:`tool_catalogs._util.drawer`) for a message received on the day ``day`` (an ordinal)."""
    later = day + 2 + below(19)
    return {
        "first": sender_first, "me": owner_first, "day": D.WEEKDAYS[below(5)],
        "time": f"{10 + below(9):02d}:{_QUARTERS[below(4)]}",
        "date": iso_day(later), "city": D.CITIES[below(len(D.CITIES))][0],
        "place": D.MEETING_SPOTS[below(len(D.MEETING_SPOTS))],
        "amount": f"{40 + below(2360)}.{below(100):02d}", "project": D.PROJECTS[below(len(D.PROJECTS))],
        "invoice": f"INV-{1000 + below(8999)}", "order": f"ORD-{10000 + below(89999)}",
    }
