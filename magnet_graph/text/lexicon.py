"""Word lists shared by the relevance filter and the workflow extractor.

Everything here is data: verb classes (what kind of tool a step's verb asks for), interface
nouns, sequence markers, and the keyword tables that label a segment's domain and platform.
Multi-word verbs are listed with their words separated by single spaces.
"""

from __future__ import annotations

import re

__all__ = [
    "FIELD_NOUNS",
    "COMMA_MARKERS",
    "VERB_CLASSES",
    "VERBS",
    "MULTIWORD_VERBS",
    "UI_NOUNS",
    "COMMIT_WORDS",
    "SEQUENCE_MARKERS",
    "PARALLEL_MARKERS",
    "DETERMINERS",
    "STOP_ADJECTIVES",
    "PREPOSITIONS",
    "DOMAINS",
    "PLATFORMS",
    "GENERIC_PLACES",
    "PAST",
    "verb_class",
    "past_tense",
    "singular",
    "slug",
]

# verb -> class. Classes: sign_in, nav, search, create, field, toggle_on, toggle_off, delete,
# submit, commit, export, device, skip (not a tool: waiting, launching, reading a label),
# ensure (a precondition sentence, not an action).
VERB_CLASSES: dict[str, str] = {}


def _add(cls: str, words: str) -> None:
    for w in words.split(","):
        w = w.strip()
        if w:
            VERB_CLASSES[w] = cls


_add("sign_in", "sign in,log in,log into,login,sign into,log on,sign on,unlock")
_add("nav", "open,go to,go,navigate to,navigate,visit,click,click on,tap,tap on,select,choose,press,hit,view,"
            "review,see,locate,expand,scroll to,scroll down to,scroll down,scroll,switch to,right-click,double-click,"
            "return to,head to,check,pick,find,use")
_add("search", "search,search for,look up,look for,browse,filter,sort")
_add("create", "add,create,compose,write,make,schedule,book,register,upload,attach,insert,record,set up,reserve,"
               "invite,draft,start a new,new,ask")
_add("field", "enter,type,type in,fill in,fill out,input,provide,set,change,edit,update,adjust,rename,specify,"
              "increase,decrease,move,replace,customize,customise,modify,pick out,write down")
_add("toggle_on", "turn on,enable,tick,activate,switch on,allow")
_add("toggle_off", "turn off,disable,untick,deactivate,switch off,clear the,uncheck,mute")
_add("delete", "delete,remove,cancel,erase,uninstall,unsubscribe,disconnect,trash,discard,close")
_add("submit", "send,submit,confirm,pay,transfer,place,complete,finish,approve,post,publish,share,apply,lock,"
               "report,order,checkout,check out,check in,accept,join,protect,return,forgot,request,redeem,reserve")
_add("commit", "save,keep")
_add("export", "download,export,print,back up,backup")
_add("device", "restart,reboot,reset,unplug,plug in,plug,power on,power off,load,fill,empty,rinse,run,start,stop,"
               "pause,resume,press and hold,hold,pair,sync,install,charge,clean,descale,put,connect,"
               "turn,rotate,wash,dry,heat,boil")
_add("skip", "wait,launch,read,note,remember,look at,make a note,sit,relax")
_add("ensure", "make sure,ensure,verify that,check that,be sure")

VERBS = frozenset(VERB_CLASSES)
MULTIWORD_VERBS = tuple(sorted((v for v in VERBS if " " in v), key=lambda v: -len(v)))

# Past tense used in tool outputs and in the assistant's summaries.
PAST = {
    "send": "sent", "submit": "submitted", "confirm": "confirmed", "pay": "paid", "transfer": "transferred",
    "place": "placed", "complete": "completed", "finish": "finished", "approve": "approved", "post": "posted",
    "publish": "published", "share": "shared", "apply": "applied", "lock": "locked", "report": "reported",
    "book": "booked", "schedule": "scheduled", "reserve": "reserved", "invite": "invited", "add": "added",
    "create": "created", "register": "registered", "upload": "uploaded", "attach": "attached", "record": "recorded",
    "restart": "restarted", "reboot": "rebooted", "reset": "reset", "unplug": "unplugged", "plug": "plugged in",
    "run": "run", "start": "started", "stop": "stopped", "pause": "paused", "resume": "resumed", "pair": "paired",
    "sync": "synced", "install": "installed", "charge": "charged", "clean": "cleaned", "descale": "descaled",
    "fill": "filled", "empty": "emptied", "rinse": "rinsed", "load": "loaded", "connect": "connected",
    "order": "ordered", "join": "joined", "protect": "protected", "accept": "accepted", "check in": "checked in",
    "checkout": "checked out", "wash": "washed", "dry": "dried", "heat": "heated", "boil": "boiled", "put": "put",
    "hold": "held", "turn": "turned", "rotate": "rotated", "write": "written", "compose": "composed", "draft": "drafted",
    "make": "made", "insert": "inserted", "set up": "set up",
}

UI_NOUNS = frozenset(
    "tab tabs button buttons menu menus icon icons screen screens page pages link links field fields box boxes option "
    "options section sections panel panels window windows sidebar bar toolbar taskbar list dialog dialogs key keys knob "
    "dial checkbox toggle area view arrow corner header row column label slider switch control "
    "controls wizard prompt tile app application website site portal homepage dashboard settings".split()
)
# Button labels that only save what was entered (they are not a tool of their own).
COMMIT_WORDS = frozenset(
    "save apply ok okay done update keep continue next save changes apply changes keep changes finish".split()
)
# Objects that name a place, not a thing with data ("open the app", "go to the website").
GENERIC_PLACES = frozenset(
    "app application website site browser home homepage desktop start start menu main menu menu phone computer "
    "device it them this that here there page screen window tab top bottom corner right left".split()
)

# Things one chooses as a value, not a place to go: "choose a date" sets a field.
FIELD_NOUNS = frozenset(
    "date time day month year amount reason method type size language resolution category color colour seat slot "
    "temperature mode level permission plan format frequency option value values quantity number name title "
    "description theme currency account recipient period duration limit count speed volume program cycle "
    "payment_method delivery tip portion".split()
)
#: Markers that only count as markers when a comma follows ("Last, ..." but not "last name").
COMMA_MARKERS = frozenset({"last", "second", "third", "now", "also", "next"})
SEQUENCE_MARKERS = (
    "first", "firstly", "to begin", "to start", "then", "next", "after that", "afterwards", "afterward", "now",
    "finally", "lastly", "last", "second", "secondly", "third", "thirdly", "once that is done", "when you are done",
    "at the end", "in the end",
)
PARALLEL_MARKERS = ("meanwhile", "at the same time", "in the meantime", "you can also", "you may also", "also",
                    "optionally", "while you wait", "alternatively")

DETERMINERS = frozenset(
    "the a an your my our their his her its this that these those any all each some every one another either both "
    "you you'll it them back again out up down".split()
)
STOP_ADJECTIVES = frozenset(
    "new desired correct appropriate current existing available preferred same following relevant right proper "
    "selected chosen".split()
)
PREPOSITIONS = frozenset(
    "to in into on onto from with for at under using by via through until so if when before after that which "
    "where while within without as about near over then of such like instead".split()
)

# Keyword tables for labels: the label whose words appear most often wins.
DOMAINS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e-mail", "inbox", "mail", "signature", "compose", "recipient", "subject", "filter",
              "out-of-office", "vacation responder", "cc"),
    "banking": ("bank", "banking", "transfer", "payee", "account number", "statement", "debit", "credit card",
                "card", "savings", "balance", "autopay", "bill pay", "deposit", "dollars", "money"),
    "travel": ("flight", "hotel", "booking", "reservation", "check-in", "boarding", "passenger", "seat", "trip",
               "car rental", "rental", "airline", "departure", "destination", "itinerary"),
    "spreadsheets": ("spreadsheet", "sheet", "cell", "cells", "column", "row", "chart", "formula", "range",
                     "pivot", "workbook"),
    "os settings": ("windows", "mac", "macos", "android", "iphone", "ipad", "ubuntu", "linux", "system settings",
                    "control panel", "taskbar", "display", "wi-fi", "bluetooth", "storage", "screen time", "desktop"),
    "appliances": ("washer", "washing machine", "dryer", "oven", "coffee machine", "descal", "thermostat",
                   "printer", "router", "dishwasher", "microwave", "fridge", "drum", "water tank", "vacuum"),
    "websites": ("website", "web site", "browser", "click", "sign in", "log in", "password", "forum", "order",
                 "cart", "checkout", "newsletter", ".com"),
    "apps": ("app", "tap", "swipe", "playlist", "profile", "notification", "album", "goal"),
}
PLATFORMS: dict[str, tuple[str, ...]] = {
    "mobile app": ("tap", "swipe", "app", "iphone", "android", "ipad"),
    "website": ("website", "web site", ".com", "browser", "click", "online", "web"),
    "windows": ("windows", "taskbar", "right-click"),
    "macos": ("mac", "macos", "apple menu", "finder"),
    "linux": ("linux", "ubuntu", "terminal"),
    "appliance": ("press", "button", "dial", "knob", "drum", "tank", "plug", "power", "control panel", "machine"),
    "desktop app": ("spreadsheet", "gridcalc", "tabula", "mailbird", "menu bar", "toolbar"),
}

_WORD = re.compile(r"[a-z0-9]+")


def verb_class(verb: str) -> str | None:
    """The class of a (lower-case, possibly multi-word) verb, or ``None`` when unknown."""
    return VERB_CLASSES.get(verb)


def past_tense(verb: str) -> str:
    """``send`` -> ``sent``; unknown verbs get a regular ending."""
    if verb in PAST:
        return PAST[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


_IRREGULAR_PLURALS = {"people": "person", "children": "child", "men": "man", "women": "woman", "data": "data",
                      "settings": "settings", "preferences": "preferences", "news": "news", "series": "series",
                      "goods": "goods", "details": "details", "analytics": "analytics", "status": "status",
                      "address": "address", "addresses": "address", "access": "access", "wi_fi": "wi_fi"}


def singular(word: str) -> str:
    """A rough singular of an English noun (``addresses`` -> ``address``, ``songs`` -> ``song``)."""
    w = word.lower()
    if w in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[w]
    if len(w) <= 3 or w.endswith(("ss", "us", "is")):
        return w
    if w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "xes", "sses")):
        return w[:-2]
    if w.endswith("s"):
        return w[:-1]
    return w


def slug(text: str, *, max_words: int = 6) -> str:
    """``"Change your Email!"`` -> ``change_your_email`` (lower-case words joined by ``_``)."""
    words = _WORD.findall(text.lower().replace("wi-fi", "wifi").replace("e-mail", "email"))
    return "_".join(words[:max_words])
