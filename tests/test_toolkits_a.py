"""Built-in toolkits, part 1: FileSystem, Messaging, Calendar, Maps.

Every tool is exercised on the fixed default state (success and error cases), plus checks that
hold for every toolkit: state round trips, seeded state generation, JSON outputs, hints that
only name real parameters, candidates that lead to successful calls, and replayable sessions.
"""

from __future__ import annotations

import builtins
import inspect
import io
import os
import random
import re
import typing

import typing_extensions

import orjson
import pytest

from magnet_graph.toolkit import Toolkit
from tool_catalogs.calendar_app import Calendar
from tool_catalogs.files import FileSystem
from tool_catalogs.maps import Maps
from tool_catalogs.messaging import Messaging

TOOLKITS = (FileSystem, Messaging, Calendar, Maps)
_TOOLKIT_API = frozenset(dir(Toolkit))


def tools_of(cls: type) -> list[str]:
    return [n for n, f in vars(cls).items() if inspect.isfunction(f) and not n.startswith("_") and n not in _TOOLKIT_API]


def ok(out):
    """A successful output: a dict without ``error`` that orjson can serialize."""
    assert isinstance(out, dict), out
    assert "error" not in out, out["error"]
    orjson.dumps(out)
    return out


def err(out, *words: str) -> str:
    """An error output: exactly ``{"error": message}`` whose message mentions ``words``."""
    assert set(out) == {"error"}, out
    msg = out["error"]
    assert isinstance(msg, str) and msg.strip()
    for w in words:
        assert w.lower() in msg.lower(), (w, msg)
    return msg


# ======================================================================================
# Properties of every toolkit
# ======================================================================================
@pytest.mark.parametrize("cls", TOOLKITS)
def test_at_least_eight_tools_each_and_36_in_total(cls):
    assert len(tools_of(cls)) >= 8
    assert sum(len(tools_of(c)) for c in TOOLKITS) >= 36


@pytest.mark.parametrize("cls", TOOLKITS)
def test_state_round_trip_is_an_independent_copy(cls):
    for state in (cls.default_state(), cls.generate_state(random.Random(3))):
        kit = cls(state)
        assert kit.state() == state
        assert cls(kit.state()).state() == state
        assert kit.state() is not state
    assert cls().state() == cls.default_state()


@pytest.mark.parametrize("cls", TOOLKITS)
def test_generate_state_is_deterministic_per_seed_and_varies_across_seeds(cls):
    a = orjson.dumps(cls.generate_state(random.Random(11)))
    b = orjson.dumps(cls.generate_state(random.Random(11)))
    assert a == b
    distinct = {orjson.dumps(cls.generate_state(random.Random(s))) for s in range(6)}
    assert len(distinct) == 6
    # plain JSON data only: survives a JSON round trip unchanged
    state = cls.generate_state(random.Random(5))
    assert orjson.loads(orjson.dumps(state)) == state


@pytest.mark.parametrize("cls", TOOLKITS)
def test_hints_name_only_real_parameters_and_never_the_tool(cls):
    names = set(tools_of(cls))
    assert set(cls.hints) == names
    for tool, templates in cls.hints.items():
        params = set(inspect.signature(getattr(cls, tool)).parameters) - {"self"}
        assert 3 <= len(templates) <= 5, tool
        assert len(set(templates)) == len(templates), tool
        for text in templates:
            placeholders = set(re.findall(r"\{(\w+)\}", text))
            assert placeholders <= params, (tool, text)
            assert not re.search(rf"(?i)\b{re.escape(tool)}\b", text), (tool, text)
            text.format(**{p: "X" for p in placeholders})  # well-formed template


@pytest.mark.parametrize("cls", TOOLKITS)
def test_every_tool_has_typed_params_a_typeddict_return_and_a_google_docstring(cls):
    for name in tools_of(cls):
        fn = getattr(cls, name)
        hints = typing.get_type_hints(fn, include_extras=True)
        params = [p for p in inspect.signature(fn).parameters if p != "self"]
        assert set(params) <= set(hints), name
        assert typing_extensions.is_typeddict(hints["return"]), name
        doc = inspect.getdoc(fn)
        assert doc and "Returns:" in doc, name
        if params:
            assert "Args:" in doc, name
            for p in params:
                assert re.search(rf"^\s+{p}: \S", doc, re.M), (name, p)


@pytest.mark.parametrize("cls", TOOLKITS)
def test_tools_from_class_gives_described_params_and_returns(cls):
    import magnet_graph.catalog.python as python
    tools = python.tools_from_class(cls)
    assert sorted(t.name for t in tools) == sorted(tools_of(cls))
    for t in tools:
        assert t.description, t.name
        assert t.toolkit == cls.name() and t.binding == t.name
        for p, schema in t.properties.items():
            assert schema.get("description"), (t.name, p)
        assert t.returns and t.returns.get("properties"), t.name
        for field, schema in t.returns["properties"].items():
            assert schema.get("description"), (t.name, field)
        assert t.hints == tuple(cls.hints[t.name])


# -- candidates lead to successful calls -------------------------------------------------
_FALLBACK = {"content": "Remember to water the plants", "text": "On my way!", "body": "Thanks, see you then.",
             "subject": "Quick update", "note": "FYI", "title": "Project sync"}


def _args_from_candidates(kit: Toolkit, tool: str) -> dict:
    fn = getattr(type(kit), tool)
    hints = typing.get_type_hints(fn)
    args = {}
    for name, p in inspect.signature(fn).parameters.items():
        if name == "self":
            continue
        cands = kit.candidates(tool, name)
        orjson.dumps(cands)
        if cands:
            args[name] = cands[0]
        elif name in _FALLBACK:
            args[name] = _FALLBACK[name]
        elif typing.get_origin(hints[name]) is typing.Literal:
            args[name] = typing.get_args(hints[name])[0]
        elif p.default is inspect.Parameter.empty:
            pytest.fail(f"{type(kit).__name__}.{tool}: no candidate nor fallback for required '{name}'")
    return args


@pytest.mark.parametrize("cls", TOOLKITS)
def test_candidates_lead_to_a_successful_call_of_every_tool(cls):
    for tool in tools_of(cls):
        outputs = []
        for seed in range(5):
            kit = cls(cls.generate_state(random.Random(seed)))
            out = getattr(kit, tool)(**_args_from_candidates(kit, tool))
            orjson.dumps(out)
            outputs.append(out)
        assert any("error" not in o for o in outputs), (tool, outputs)


@pytest.mark.parametrize("cls", TOOLKITS)
def test_a_session_replays_to_the_same_outputs_and_end_state(cls):
    state = cls.generate_state(random.Random(21))

    def session():
        kit = cls(state)
        outs = []
        for tool in tools_of(cls):
            outs.append(getattr(kit, tool)(**_args_from_candidates(kit, tool)))
        return orjson.dumps(outs), orjson.dumps(kit.state())

    assert session() == session()
    assert orjson.dumps(cls(state).state()) == orjson.dumps(state)  # the input state was not mutated


# ======================================================================================
# FileSystem
# ======================================================================================
@pytest.fixture
def fs() -> FileSystem:
    return FileSystem()


def test_fs_pwd_ls_and_hidden_files(fs):
    assert ok(fs.pwd()) == {"current_directory": "/home/alex"}
    out = ok(fs.ls())
    assert out["directory"] == "/home/alex"
    assert out["folders"] == ["documents", "downloads", "projects", "tmp"]
    assert out["files"] == []
    hidden = ok(fs.ls(show_hidden=True))
    assert [f["file_name"] for f in hidden["files"]] == [".bashrc"]
    docs = ok(fs.ls("documents"))
    assert [f["file_name"] for f in docs["files"]] == ["documents/notes.txt", "documents/todo.txt"]
    assert docs["files"][0]["size_bytes"] == len(fs.state()["files"]["/home/alex/documents/notes.txt"].encode())
    err(fs.ls("nowhere"), "nowhere")
    err(fs.ls("documents/notes.txt"), "is a file")


def test_fs_cd_relative_absolute_parent_and_home(fs):
    assert ok(fs.cd("documents"))["current_directory"] == "/home/alex/documents"
    assert ok(fs.ls())["files"][0]["file_name"] == "notes.txt"
    assert ok(fs.cd(".."))["current_directory"] == "/home/alex"
    assert ok(fs.cd("~/projects/atlas"))["current_directory"] == "/home/alex/projects/atlas"
    assert ok(fs.cd("/"))["current_directory"] == "/"
    assert ok(fs.cd(".."))["current_directory"] == "/"
    err(fs.cd("/home/alex/missing"), "missing")
    err(fs.cd("/home/alex/documents/todo.txt"), "is a file")
    assert fs.state()["cwd"] == "/"


def test_fs_mkdir_creates_parents_and_accepts_existing(fs):
    out = ok(fs.mkdir("archive/2024/q1"))
    assert out == {"folder": "/home/alex/archive/2024/q1", "created": True}
    assert {"/home/alex/archive", "/home/alex/archive/2024"} <= set(fs.state()["dirs"])
    assert ok(fs.mkdir("archive"))["created"] is False
    err(fs.mkdir("documents/notes.txt"), "is a file")
    assert fs.state()["dirs"] == sorted(fs.state()["dirs"])


def test_fs_create_file_new_existing_and_missing_parent(fs):
    out = ok(fs.create_file("plan.txt", "step one\nstep two\n"))
    assert out == {"file_name": "plan.txt", "path": "/home/alex/plan.txt", "size_bytes": 18, "lines": 2, "created": True}
    touched = ok(fs.create_file("plan.txt"))
    assert touched["created"] is False and touched["size_bytes"] == 18
    err(fs.create_file("plan.txt", "other text"), "already exists")
    err(fs.create_file("nope/plan.txt"), "does not exist")
    err(fs.create_file("documents"), "already exists")
    err(fs.create_file(""), "not a valid")


def test_fs_write_file_overwrite_append_and_create(fs):
    out = ok(fs.write_file("documents/notes.txt", "only line"))
    assert out["created"] is False and out["lines"] == 1
    out = ok(fs.write_file("documents/notes.txt", "second line", mode="append"))
    assert fs.state()["files"]["/home/alex/documents/notes.txt"] == "only line\nsecond line"
    assert out["lines"] == 2
    out = ok(fs.write_file("fresh.md", "# Title\n", mode="append"))
    assert out["created"] is True and out["path"] == "/home/alex/fresh.md"
    err(fs.write_file("documents", "x"), "folder")
    err(fs.write_file("missing/x.txt", "x"), "does not exist")
    err(fs.write_file("a.txt", "x", mode="replace"), "mode")


def test_fs_read_file_by_name_relative_absolute_and_tilde(fs):
    text = fs.state()["files"]["/home/alex/documents/todo.txt"]
    a = ok(fs.read_file("documents/todo.txt"))
    b = ok(fs.read_file("/home/alex/documents/todo.txt"))
    c = ok(fs.read_file("~/documents/todo.txt"))
    assert a["content"] == b["content"] == c["content"] == text
    assert a["path"] == "/home/alex/documents/todo.txt" and a["lines"] == 3
    fs.cd("documents")
    assert ok(fs.read_file("todo.txt"))["content"] == text
    msg = err(fs.read_file("report.txt"), "report.txt", "/home/alex/documents")
    assert "search" in msg  # says what to do
    err(fs.read_file(".."), "folder")


def test_fs_copy_and_move(fs):
    out = ok(fs.copy_file("documents/todo.txt", "tmp"))
    assert out == {"source": "/home/alex/documents/todo.txt", "path": "/home/alex/tmp/todo.txt", "file_name": "tmp/todo.txt"}
    files = fs.state()["files"]
    assert files["/home/alex/tmp/todo.txt"] == files["/home/alex/documents/todo.txt"]
    err(fs.copy_file("documents/todo.txt", "tmp"), "already exists")
    err(fs.copy_file("documents/missing.txt", "tmp"), "missing.txt")
    err(fs.copy_file("documents/todo.txt", "tmp/todo.txt"), "already exists")
    err(fs.copy_file("documents/todo.txt", "nowhere/x.txt"), "does not exist")
    moved = ok(fs.move_file("documents/notes.txt", "notes_old.txt"))
    assert moved == {"moved_from": "/home/alex/documents/notes.txt", "path": "/home/alex/notes_old.txt", "file_name": "notes_old.txt"}
    assert "/home/alex/documents/notes.txt" not in fs.state()["files"]
    err(fs.read_file("documents/notes.txt"), "notes.txt")
    assert ok(fs.move_file("notes_old.txt", "documents"))["path"] == "/home/alex/documents/notes_old.txt"
    err(fs.move_file("documents", "tmp"), "folder")


def test_fs_remove_files_and_folders(fs):
    assert ok(fs.remove("downloads/invoice_INV-2291.txt")) == {"removed": "/home/alex/downloads/invoice_INV-2291.txt", "type": "file"}
    assert ok(fs.remove("downloads")) == {"removed": "/home/alex/downloads", "type": "folder"}
    assert "/home/alex/downloads" not in fs.state()["dirs"]
    err(fs.remove("documents"), "not empty", "2 items")
    err(fs.remove("ghost.txt"), "ghost.txt")
    fs.cd("projects/atlas")
    err(fs.remove("/home/alex/projects"), "current directory")
    err(fs.remove("."), "current directory")


def test_fs_find_feeds_read_file(fs):
    out = ok(fs.find("*.txt"))
    assert [m["file_name"] for m in out["files"]] == [
        "documents/notes.txt", "documents/todo.txt", "downloads/invoice_INV-2291.txt"]
    assert out["count"] == 3 and out["folders"] == []
    for m in out["files"]:
        assert ok(fs.read_file(m["file_name"]))["path"] == m["path"]
    fs.cd("documents")
    for m in out["files"]:  # absolute paths stay valid after changing directory
        assert ok(fs.read_file(m["path"]))["path"] == m["path"]
    assert ok(fs.find("INVOICE", "~"))["files"][0]["path"] == "/home/alex/downloads/invoice_INV-2291.txt"
    assert ok(fs.find("atlas", "/"))["folders"] == ["/home/alex/projects/atlas"]
    assert ok(fs.find("*.pdf"))["count"] == 0
    err(fs.find("  "), "pattern")
    err(fs.find("x", "nowhere"), "nowhere")


def test_fs_grep_word_count_and_file_info(fs):
    fs.create_file("log.txt", "INFO start\nerror: disk full\nINFO stop\nERROR: retry\n")
    out = ok(fs.grep("log.txt", "error"))
    assert out["matches"] == [{"line_number": 2, "line": "error: disk full"}] and out["count"] == 1
    assert ok(fs.grep("log.txt", "error", ignore_case=True))["count"] == 2
    assert ok(fs.grep("log.txt", "warn"))["count"] == 0
    err(fs.grep("log.txt", ""), "empty")
    err(fs.grep("nope.txt", "x"), "nope.txt")
    assert ok(fs.word_count("log.txt")) == {"file_name": "log.txt", "lines": 4, "words": 9, "characters": 51}
    err(fs.word_count("documents"), "folder")
    info = ok(fs.file_info("log.txt"))
    assert (info["type"], info["extension"], info["lines"], info["size_bytes"], info["items"]) == ("file", "txt", 4, 51, 0)
    folder = ok(fs.file_info("documents"))
    docs = [t for p, t in fs.state()["files"].items() if p.startswith("/home/alex/documents/")]
    assert folder["type"] == "folder" and folder["items"] == 2
    assert folder["size_bytes"] == sum(len(t.encode()) for t in docs)
    assert ok(fs.file_info(".bashrc"))["extension"] == ""
    err(fs.file_info("ghost"), "ghost")


def test_fs_never_touches_the_host_disk(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"host file system access: {args!r}")

    for mod, names in ((builtins, ("open",)), (io, ("open",)),
                       (os, ("open", "stat", "lstat", "listdir", "scandir", "mkdir", "makedirs", "remove", "unlink",
                             "rename", "replace", "rmdir", "chdir", "getcwd", "walk"))):
        for n in names:
            monkeypatch.setattr(mod, n, refuse)
    fs = FileSystem(FileSystem.generate_state(random.Random(4)))
    ok(fs.mkdir("scratch"))
    ok(fs.create_file("scratch/a.txt", "alpha beta\n"))
    ok(fs.write_file("scratch/a.txt", "gamma", mode="append"))
    ok(fs.copy_file("scratch/a.txt", "scratch/b.txt"))
    ok(fs.move_file("scratch/b.txt", "c.txt"))
    ok(fs.grep("c.txt", "gamma"))
    ok(fs.word_count("c.txt"))
    ok(fs.file_info("scratch"))
    ok(fs.find("*.txt", "/"))
    ok(fs.ls("scratch", show_hidden=True))
    ok(fs.cd("scratch"))
    ok(fs.read_file("a.txt"))
    ok(fs.remove("a.txt"))
    ok(fs.cd(".."))
    ok(fs.remove("scratch"))
    ok(fs.pwd())
    for tool in tools_of(FileSystem):
        fs.candidates(tool, "file_name")


# ======================================================================================
# Messaging
# ======================================================================================
@pytest.fixture
def msg() -> Messaging:
    return Messaging()


def test_msg_search_and_get_contact(msg):
    out = ok(msg.search_contacts("pri"))
    assert [c["contact_id"] for c in out["contacts"]] == ["CT-0001"] and out["count"] == 1
    assert set(out["contacts"][0]) == {"contact_id", "name", "email", "phone", "company"}
    assert ok(msg.search_contacts("BRIGHTLABS"))["contacts"][0]["name"] == "Mei Chen"
    assert ok(msg.search_contacts("Zed"))["count"] == 0
    err(msg.search_contacts("   "), "name")
    assert ok(msg.get_contact("CT-0002"))["email"] == "carlos.garcia@gmail.com"
    err(msg.get_contact("CT-0099"), "CT-0099", "search")


def test_msg_add_contact(msg):
    out = ok(msg.add_contact("Ana Costa", "ana.costa@example.com", "+1-212-555-0199", company="Acme Corp"))
    assert out == {"contact_id": "CT-0004", "name": "Ana Costa", "email": "ana.costa@example.com", "created": True}
    assert ok(msg.search_contacts("costa"))["contacts"][0]["company"] == "Acme Corp"
    again = ok(msg.add_contact("Ana Costa", "ANA.COSTA@example.com", "+1-212-555-0199"))
    assert again["created"] is False and again["contact_id"] == "CT-0004"
    assert len(msg.state()["contacts"]) == 4
    err(msg.add_contact("Bo", "not-an-email", "+1-212-555-0100"), "not-an-email")
    err(msg.add_contact("Bo", "bo@example.com", "12"), "phone")
    err(msg.add_contact(" ", "bo@example.com", "+1-212-555-0100"), "name")
    assert ok(msg.add_contact("Bo Lee", "bo@example.com", "+1 212 555 0100"))["contact_id"] == "CT-0005"


def test_msg_send_message_and_clock(msg):
    first = ok(msg.send_message("CT-0002", "Running late"))
    assert first["message_id"] == "MSG-0004" and first["to_phone"] == "+1-650-555-0178"
    assert first["sent_at"] == "2024-05-14T09:31"
    second = ok(msg.send_message("CT-0001", "See you at 5"))
    assert second["message_id"] == "MSG-0005" and second["sent_at"] == "2024-05-14T09:32"
    stored = msg.state()["messages"]["MSG-0004"]
    assert (stored["mailbox"], stored["channel"], stored["body"]) == ("sent", "sms", "Running late")
    err(msg.send_message("CT-0003", "hi"), "no phone", "mei.chen@brightlabs.co")
    err(msg.send_message("CT-0042", "hi"), "CT-0042")
    err(msg.send_message("CT-0001", "  "), "characters")
    err(msg.send_message("CT-0001", "x" * 1001), "1000")


def test_msg_send_email_with_attachment(msg):
    out = ok(msg.send_email("mei.chen@brightlabs.co", "Slides", "Attached.", attachment_name="atlas_q2.pdf"))
    assert out["message_id"] == "MSG-0004" and out["attachment_name"] == "atlas_q2.pdf"
    sent = ok(msg.read_message(out["message_id"]))
    assert (sent["mailbox"], sent["recipient"], sent["contact_id"]) == ("sent", "mei.chen@brightlabs.co", "CT-0003")
    assert ok(msg.send_email("stranger@example.org", "", "Hello"))["subject"] == ""
    err(msg.send_email("mei.chen", "Hi", "x"), "mei.chen")
    err(msg.send_email("mei.chen@brightlabs.co", "Hi", " "), "empty")


def test_msg_list_inbox_read_and_mark(msg):
    inbox = ok(msg.list_inbox())
    assert [m["message_id"] for m in inbox["messages"]] == ["MSG-0003", "MSG-0002", "MSG-0001"]
    assert inbox["unread_count"] == 2
    assert inbox["messages"][0]["sender_phone"] == "+1-415-555-0142"
    assert inbox["messages"][0]["sender_email"] == "priya.patel@northwind.io"
    assert [m["message_id"] for m in ok(msg.list_inbox(unread_only=True))["messages"]] == ["MSG-0003", "MSG-0002"]
    assert ok(msg.list_inbox(limit=1))["count"] == 1
    err(msg.list_inbox(limit=0), "limit")
    full = ok(msg.read_message("MSG-0002"))
    assert full["subject"] == "Lunch on Thursday?" and "Tartine" in full["body"]
    assert ok(msg.list_inbox())["unread_count"] == 1
    err(msg.read_message("MSG-0404"), "MSG-0404")
    assert ok(msg.mark_as_read("MSG-0003")) == {"message_id": "MSG-0003", "was_unread": True, "unread_count": 0}
    assert ok(msg.mark_as_read("MSG-0003"))["was_unread"] is False
    err(msg.mark_as_read("MSG-0404"), "MSG-0404")


def test_msg_reply_forward_delete(msg):
    reply = ok(msg.reply_to_message("MSG-0002", "Thursday works!"))
    assert reply == {"message_id": "MSG-0004", "in_reply_to": "MSG-0002", "recipient": "carlos.garcia@gmail.com",
                     "subject": "Re: Lunch on Thursday?", "sent_at": "2024-05-14T09:31"}
    assert msg.state()["messages"]["MSG-0002"]["read"] is True
    sms = ok(msg.reply_to_message("MSG-0003", "No worries"))
    assert sms["recipient"] == "+1-415-555-0142" and sms["subject"] == ""
    err(msg.reply_to_message("MSG-0004", "again"), "you sent")
    err(msg.reply_to_message("MSG-0001", " "), "empty")
    fwd = ok(msg.forward_message("MSG-0001", "boss@example.com", note="See below"))
    assert fwd["subject"] == "Fwd: Atlas kickoff notes" and fwd["forwarded_from"] == "MSG-0001"
    body = msg.state()["messages"][fwd["message_id"]]["body"]
    assert body.startswith("See below") and "Atlas kickoff" in body
    err(msg.forward_message("MSG-0001", "boss"), "boss")
    err(msg.forward_message("MSG-0999", "boss@example.com"), "MSG-0999")
    assert ok(msg.delete_message("MSG-0001")) == {"deleted": True, "inbox_count": 2}
    err(msg.read_message("MSG-0001"), "MSG-0001")
    err(msg.delete_message("MSG-0001"), "MSG-0001")


# ======================================================================================
# Calendar
# ======================================================================================
@pytest.fixture
def cal() -> Calendar:
    return Calendar()


def test_cal_list_search_get(cal):
    day = ok(cal.list_events("2024-05-14"))
    assert [(e["event_id"], e["start_time"], e["end_time"]) for e in day["events"]] == [
        ("EVT-0001", "09:30", "09:45"), ("EVT-0002", "12:30", "13:30")]
    assert ok(cal.list_events("2024-05-15"))["count"] == 0
    err(cal.list_events("2024-02-30"), "2024-02-30")
    err(cal.list_events("14/05/2024"), "YYYY-MM-DD")
    found = ok(cal.search_events("DENTIST"))
    assert [e["event_id"] for e in found["events"]] == ["EVT-0003"]
    assert ok(cal.search_events("conference room"))["events"][0]["event_id"] == "EVT-0004"
    err(cal.search_events(""), "word")
    ev = ok(cal.get_event("EVT-0004"))
    assert ev["attendees"] == ["priya.patel@northwind.io", "mei.chen@brightlabs.co"] and ev["end_time"] == "11:00"
    err(cal.get_event("EVT-0404"), "EVT-0404")


def test_cal_create_event_reports_conflicts_and_validates(cal):
    out = ok(cal.create_event("Design sync", "2024-05-14", "12:00", 45, location="Zoom"))
    assert out == {"event_id": "EVT-0005", "title": "Design sync", "date": "2024-05-14", "start_time": "12:00",
                   "end_time": "12:45", "conflicts": ["EVT-0002"]}
    assert ok(cal.create_event("Gym", "2024-05-15", "07:00"))["end_time"] == "08:00"
    err(cal.create_event("X", "2024-05-14", "25:00"), "25:00")
    err(cal.create_event("X", "2024-13-01", "10:00"), "2024-13-01")
    err(cal.create_event("X", "2024-05-14", "10:00", 0), "duration_minutes")
    err(cal.create_event("X", "2024-05-14", "23:30", 60), "midnight")
    err(cal.create_event("  ", "2024-05-14", "10:00"), "title")
    assert cal.state()["next_event"] == 7


def test_cal_reschedule_cancel_and_long_dependency(cal):
    created = ok(cal.create_event("Car service", "2024-05-20", "08:00", 90))
    eid = created["event_id"]
    ok(cal.invite_attendee(eid, "mechanic@garage.example"))
    ok(cal.set_reminder(eid, 30))
    moved = ok(cal.reschedule_event(eid, "2024-05-14", "12:00"))
    assert moved == {"event_id": eid, "date": "2024-05-14", "start_time": "12:00", "end_time": "13:30",
                     "conflicts": ["EVT-0002"]}
    err(cal.reschedule_event(eid, "2024-05-14", "23:00"), "midnight")
    err(cal.reschedule_event("EVT-0404", "2024-05-14", "10:00"), "EVT-0404")
    cancelled = ok(cal.cancel_event(eid))  # the id from the first call still works turns later
    assert cancelled == {"title": "Car service", "date": "2024-05-14", "start_time": "12:00", "status": "cancelled",
                         "attendees_notified": 1}
    assert cal.state()["events"][eid]["status"] == "cancelled"
    assert eid not in [e["event_id"] for e in ok(cal.list_events("2024-05-14"))["events"]]
    assert ok(cal.get_event(eid))["status"] == "cancelled"
    err(cal.cancel_event(eid), "cancelled")
    err(cal.reschedule_event(eid, "2024-05-21", "10:00"), "cancelled")
    err(cal.invite_attendee(eid, "a@b.co"), "cancelled")


def test_cal_attendees(cal):
    out = ok(cal.invite_attendee("EVT-0003", "carlos.garcia@gmail.com"))
    assert out == {"event_id": "EVT-0003", "email": "carlos.garcia@gmail.com", "attendees": ["carlos.garcia@gmail.com"],
                   "already_invited": False}
    assert ok(cal.invite_attendee("EVT-0003", "Carlos.Garcia@gmail.com"))["already_invited"] is True
    assert cal.state()["events"]["EVT-0003"]["attendees"] == ["carlos.garcia@gmail.com"]
    err(cal.invite_attendee("EVT-0003", "carlos"), "carlos")
    err(cal.invite_attendee("EVT-0003", "alex.morgan@northwind.io"), "your own")
    removed = ok(cal.remove_attendee("EVT-0004", "MEI.CHEN@brightlabs.co"))
    assert removed["was_invited"] is True and removed["attendees"] == ["priya.patel@northwind.io"]
    assert ok(cal.remove_attendee("EVT-0004", "mei.chen@brightlabs.co"))["was_invited"] is False
    err(cal.remove_attendee("EVT-0404", "a@b.co"), "EVT-0404")


def test_cal_find_free_slot_feeds_create_event(cal):
    slot = ok(cal.find_free_slot("2024-05-14", 60))
    assert slot == {"date": "2024-05-14", "start_time": "09:45", "end_time": "10:45", "duration_minutes": 60}
    made = ok(cal.create_event("Focus time", slot["date"], slot["start_time"], slot["duration_minutes"]))
    assert made["conflicts"] == []
    assert ok(cal.find_free_slot("2024-05-14", 120, earliest_time="13:00"))["start_time"] == "13:30"
    assert ok(cal.find_free_slot("2024-05-14", 30, earliest_time="09:05"))["start_time"] == "10:45"
    ok(cal.create_event("Call", "2024-05-15", "09:00", 50))  # ends off the 15-minute grid
    assert ok(cal.find_free_slot("2024-05-15", 30))["start_time"] == "10:00"
    err(cal.find_free_slot("2024-05-14", 600), "No free 600-minute slot")
    err(cal.find_free_slot("2024-05-14", 30, latest_time="6pm"), "6pm")
    err(cal.find_free_slot("2024-5-14", 30), "2024-5-14")
    err(cal.find_free_slot("2024-05-14", 0), "duration_minutes")


def test_cal_set_reminder(cal):
    out = ok(cal.set_reminder("EVT-0001", 600))
    assert out == {"event_id": "EVT-0001", "reminders": [600, 10], "remind_at": "2024-05-13 23:30"}
    assert ok(cal.set_reminder("EVT-0001", 10))["reminders"] == [600, 10]
    err(cal.set_reminder("EVT-0001", 0), "minutes_before")
    err(cal.set_reminder("EVT-0001", 50000), "minutes_before")
    err(cal.set_reminder("EVT-0404", 10), "EVT-0404")


def test_contact_email_from_messaging_feeds_calendar_invite(cal, msg):
    email = ok(msg.search_contacts("Carlos"))["contacts"][0]["email"]
    out = ok(cal.invite_attendee("EVT-0003", email))
    assert email in out["attendees"]


# ======================================================================================
# Maps
# ======================================================================================
@pytest.fixture
def maps() -> Maps:
    return Maps()


def test_maps_geocode_forms(maps):
    city = ok(maps.geocode("San Francisco"))
    assert (city["city"], city["country"], city["lat"], city["lon"]) == ("San Francisco", "United States", 37.7749, -122.4194)
    assert ok(maps.geocode(" sf "))["city"] == "San Francisco"
    assert ok(maps.geocode("NYC"))["city"] == "New York"
    tower = ok(maps.geocode("Eiffel Tower"))
    assert tower["city"] == "Paris" and tower["address"] == "Eiffel Tower, Paris, France"
    assert ok(maps.geocode("Paris, France"))["lat"] == 48.8566
    home = ok(maps.geocode("home"))
    assert home["address"] == "742 Valencia Street, San Francisco, United States"
    street = ok(maps.geocode("742 Valencia Street, San Francisco"))
    assert (street["lat"], street["lon"]) == (home["lat"], home["lon"])
    assert abs(street["lat"] - 37.7749) < 0.05 and abs(street["lon"] + 122.4194) < 0.05
    err(maps.geocode("Atlantis"), "Atlantis")
    err(maps.geocode(""), "Unknown place")


def test_maps_reverse_geocode(maps):
    out = ok(maps.reverse_geocode(48.86, 2.34))
    assert out["city"] == "Paris" and out["nearest_landmark"] == "Louvre Museum" and out["distance_miles"] < 1
    err(maps.reverse_geocode(0.0, 0.0), "100 miles")
    err(maps.reverse_geocode(95.0, 0.0), "range")


def test_maps_distance_then_convert_to_km(maps):
    """The paper's nested example: km from San Francisco to San Mateo needs a conversion."""
    d = ok(maps.get_distance("San Francisco", "San Mateo"))
    assert d["unit"] == "miles" and 10 < d["distance_miles"] < 25
    km = ok(maps.convert_units(d["distance_miles"], d["unit"], "km"))
    assert km["value"] == round(d["distance_miles"] * 1.609344, 2) and km["unit"] == "km"
    assert ok(maps.get_distance("San Mateo", "San Francisco"))["distance_miles"] == d["distance_miles"]
    assert ok(maps.get_distance("Paris", "Paris"))["distance_miles"] == 0.0
    transatlantic = ok(maps.get_distance("New York", "London"))["distance_miles"]
    assert 3400 < transatlantic < 3600
    err(maps.get_distance("San Francisco", "Gotham"), "Gotham")
    err(maps.get_distance("Gotham", "Paris"), "Gotham")


def test_maps_convert_units(maps):
    assert ok(maps.convert_units(100, "celsius", "fahrenheit"))["value"] == 212.0
    assert ok(maps.convert_units(212, "fahrenheit", "celsius"))["value"] == 100.0
    assert ok(maps.convert_units(10, "kg", "lb"))["value"] == 22.05
    assert ok(maps.convert_units(3, "gallons", "liters"))["value"] == 11.36
    assert ok(maps.convert_units(1, "Miles", "ft"))["value"] == 5280.0
    out = ok(maps.convert_units(5, "km", "m"))
    assert out == {"value": 5000.0, "unit": "m", "original_value": 5, "original_unit": "km"}
    err(maps.convert_units(1, "kg", "miles"), "same kind")
    err(maps.convert_units(1, "parsecs", "km"), "parsecs")
    err(maps.convert_units(1, "km", "furlongs"), "furlongs")
    err(maps.convert_units(1, "km", "km"), "already")
    err(maps.convert_units(float("nan"), "km", "m"), "finite")


def test_maps_estimate_travel_time(maps):
    drive = ok(maps.estimate_travel_time(17.4, "driving"))
    walk = ok(maps.estimate_travel_time(17.4, "walking"))
    assert walk["duration_minutes"] > drive["duration_minutes"] > 0
    assert walk["duration_text"] == f"{walk['duration_minutes'] // 60} h {walk['duration_minutes'] % 60} min"
    assert ok(maps.estimate_travel_time(0))["duration_minutes"] == 1
    err(maps.estimate_travel_time(-3), "non-negative")
    err(maps.estimate_travel_time(3, "teleport"), "teleport")


def test_maps_find_nearby_feeds_details_and_save(maps):
    out = ok(maps.find_nearby("home", "cafe", limit=3))
    assert out["city"] == "San Francisco" and len(out["places"]) == 3
    dists = [p["distance_miles"] for p in out["places"]]
    assert dists == sorted(dists)
    first = out["places"][0]
    details = ok(maps.get_place_details(first["place_id"]))
    assert (details["name"], details["address"], details["category"]) == (first["name"], first["address"], "cafe")
    # the address of a place resolves to the place's own coordinates
    geo = ok(maps.geocode(details["address"]))
    assert (geo["lat"], geo["lon"]) == (details["lat"], details["lon"])
    assert ok(maps.get_distance("home", first["place_id"]))["distance_miles"] == first["distance_miles"]
    assert ok(maps.find_nearby("Louvre Museum", "museum"))["city"] == "Paris"
    err(maps.find_nearby("home", "casino"), "casino")
    err(maps.find_nearby("home", "cafe", limit=50), "limit")
    err(maps.find_nearby("Atlantis", "cafe"), "Atlantis")
    err(maps.get_place_details("PLC-SFO-CAF-99"), "PLC-SFO-CAF-99")
    err(maps.get_place_details("PLC-XXX-CAF-01"), "nearby")


def test_maps_places_vary_with_the_state_seed():
    a = Maps({**Maps.default_state(), "seed": 1}).find_nearby("London", "restaurant")
    b = Maps({**Maps.default_state(), "seed": 2}).find_nearby("London", "restaurant")
    assert ok(a) != ok(b)


def test_maps_weather_and_timezone(maps):
    w = ok(maps.get_weather("London", "2024-12-20"))
    assert w["unit"] == "celsius" and w["low"] < w["temperature"] < w["high"]
    assert ok(maps.get_weather("London", "2024-12-20")) == w
    assert ok(maps.get_weather("Eiffel Tower", "2024-07-01"))["city"] == "Paris"
    assert ok(maps.get_weather("Tokyo"))["date"] == "2024-05-14"  # today from the state
    summer = ok(maps.get_weather("Chicago", "2024-07-15"))["temperature"]
    winter = ok(maps.get_weather("Chicago", "2024-01-15"))["temperature"]
    assert summer > winter
    f = ok(maps.convert_units(w["temperature"], w["unit"], "fahrenheit"))
    assert f["value"] == round(w["temperature"] * 9 / 5 + 32, 2)
    err(maps.get_weather("London", "tomorrow"), "tomorrow")
    err(maps.get_weather("Gotham"), "Gotham")
    assert ok(maps.get_timezone("Mumbai"))["utc_offset_text"] == "UTC+05:30"
    assert ok(maps.get_timezone("New York")) == {"city": "New York", "timezone": "America/New_York",
                                                 "utc_offset": -5.0, "utc_offset_text": "UTC-05:00"}
    err(maps.get_timezone("Gotham"), "Gotham")


def test_maps_save_and_list_places(maps):
    place = ok(maps.find_nearby("San Francisco", "restaurant"))["places"][0]
    saved = ok(maps.save_place(place["place_id"], "dinner spot"))
    assert saved["replaced"] is False and saved["name"] == place["name"]
    assert ok(maps.get_distance("work", "dinner spot"))["distance_miles"] == ok(
        maps.get_distance("work", place["place_id"]))["distance_miles"]
    other = ok(maps.find_nearby("San Francisco", "cafe"))["places"][0]
    assert ok(maps.save_place(other["place_id"], "home"))["replaced"] is True
    listed = ok(maps.list_saved_places())
    assert [p["label"] for p in listed["places"]] == ["dinner spot", "home", "work"] and listed["count"] == 3
    assert listed["places"][1]["address"] == other["address"]
    err(maps.save_place(place["place_id"], " "), "label")
    err(maps.save_place("PLC-SFO-RST-42", "x"), "PLC-SFO-RST-42")


def test_maps_city_vocabulary_overlaps_travel():
    for city in ("San Francisco", "New York", "London", "Paris", "Tokyo", "Berlin", "Chicago", "Seattle",
                 "Boston", "Los Angeles", "San Mateo"):
        assert ok(Maps().geocode(city))["city"] == city
