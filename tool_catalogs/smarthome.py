"""SmartHome: lights, plugs, thermostats, door locks, cameras and scenes in one home.

Device ids are ``<type>.<where or what>`` (``light.kitchen_ceiling``, ``lock.front_door``), as in
Home Assistant; tools for one kind of device say so with a ``pattern`` on the id, so a schema
check catches a light sent to a lock before it runs. Locks open only with the household
door PIN and lock their keypad after three wrong tries. A scene is a saved snapshot of some
devices' settings that can be re-applied later (scenes may lock doors, never unlock them).
Energy use is a stable function of the device, its wattage and the number of days.
"""

import random
from typing import Annotated, Any, Literal, TypedDict

from pydantic import Field

from magnet_graph.toolkit import Toolkit

from ._data_b import DEVICES, HOME_NAMES, SCENE_NAMES, _unit_of
from ._util import adopt, drawer, round2, round_to, sample

__all__ = ["SmartHome"]

MIN_C, MAX_C = 10.0, 30.0
MAX_PIN_TRIES = 3
_HOURS = {"light": (2, 6), "plug": (0.3, 3), "thermostat": (24, 24), "lock": (24, 24), "fan": (3, 8),
          "tv": (2, 5), "speaker": (6, 24), "camera": (24, 24)}


# candidates(): the device types a device_id of these tools must have
_DEVICE_TYPES_OF_TOOL = {"set_thermostat": ("thermostat",), "lock_door": ("lock",), "unlock_door": ("lock",),
                         "set_brightness": ("light",)}

# generate_state's pools
_DEVICE_ROWS = tuple(range(len(DEVICES)))
_ROWS_OF_TYPE = {kind: [i for i, dev in enumerate(DEVICES) if dev[0] == kind] for kind in ("light", "thermostat", "lock")}
_ON_OFF = ("on", "off")
_MOSTLY_OFF = ("on", "off", "off")
_BRIGHTNESS = (20, 40, 60, 80, 100)
_TARGETS = (18.0, 19.5, 20.0, 21.0, 22.0, 23.5)
_CURRENCIES = ("USD", "USD", "EUR", "GBP")

DeviceId = Annotated[str, Field(pattern=r"^[a-z_]+\.[a-z0-9_]+$")]
SwitchableId = Annotated[str, Field(pattern=r"^(light|plug|fan|tv|speaker|thermostat|camera)\.[a-z0-9_]+$")]
SwitchOffId = Annotated[str, Field(pattern=r"^(light|plug|fan|tv|speaker|thermostat)\.[a-z0-9_]+$")]
LightId = Annotated[str, Field(pattern=r"^light\.[a-z0-9_]+$")]
ThermostatId = Annotated[str, Field(pattern=r"^thermostat\.[a-z0-9_]+$")]
LockId = Annotated[str, Field(pattern=r"^lock\.[a-z0-9_]+$")]


def _to_celsius(value: float, unit_name: str) -> float:
    return round_to((value - 32) * 5 / 9, 1) if unit_name == "fahrenheit" else round_to(float(value), 1)


def _from_celsius(value: float, unit_name: str) -> float:
    return round_to(value * 9 / 5 + 32, 1) if unit_name == "fahrenheit" else value


# -- outputs --------------------------------------------------------------------------------

class DeviceSummary(TypedDict):
    device_id: str
    name: str
    type: str
    room: str
    status: str


class DeviceList(TypedDict):
    home: str
    devices: list[DeviceSummary]


class DeviceStatus(TypedDict, total=False):
    device_id: str
    name: str
    type: str
    room: str
    online: bool
    power: str
    brightness: int
    target_temperature: float
    current_temperature: float
    unit: str
    mode: str
    locked: bool
    battery: int
    failed_attempts: int
    status: str


class PowerResult(TypedDict):
    device_id: str
    name: str
    power: str
    changed: bool


class BrightnessResult(TypedDict):
    device_id: str
    brightness: int
    power: str


class ThermostatResult(TypedDict):
    device_id: str
    target_temperature: float
    unit: str
    current_temperature: float
    mode: str


class LockResult(TypedDict):
    device_id: str
    name: str
    locked: bool
    changed: bool


class SceneDevice(TypedDict):
    device_id: str
    settings: dict[str, Any]


class Scene(TypedDict):
    scene_id: str
    name: str
    devices: list[SceneDevice]


class SceneSummary(TypedDict):
    scene_id: str
    name: str
    device_ids: list[str]


class SceneList(TypedDict):
    scenes: list[SceneSummary]


class SceneActivation(TypedDict):
    scene_id: str
    name: str
    changed_device_ids: list[str]
    skipped_device_ids: list[str]


class EnergyUsage(TypedDict):
    device_id: str
    days: int
    kwh: float
    daily_average_kwh: float
    cost: float
    currency: str


# -- the toolkit ------------------------------------------------------------------------------

class SmartHome(Toolkit):
    """A connected home: switch devices, set thermostats, lock doors, save and run scenes."""

    toolkit_name = "SmartHome"
    fresh_state = True  # generate_state builds new plain JSON data (see Toolkit.fresh_state)
    description = "Control lights, plugs, thermostats and door locks, manage scenes and read energy use."
    hints = {
        "list_devices": (
            "What smart devices do I have?",
            "Which devices are in the {room}?",
            "Give me a rundown of everything connected in the house.",
        ),
        "get_device_status": (
            "Is {device_id} on right now?",
            "What's the current state of {device_id}?",
            "Check on {device_id} for me.",
        ),
        "turn_on": (
            "Switch on {device_id}.",
            "Please power up {device_id}.",
            "Can you get {device_id} going?",
        ),
        "turn_off": (
            "Switch off {device_id}.",
            "Please shut {device_id} down.",
            "Kill the power to {device_id}.",
        ),
        "set_brightness": (
            "Dim {device_id} to {level} percent.",
            "Set {device_id} to {level}% brightness.",
            "Make {device_id} {level} percent bright.",
        ),
        "set_thermostat": (
            "Set {device_id} to {temperature} degrees {unit}.",
            "I'd like {device_id} at {temperature} degrees.",
            "Change the temperature on {device_id} to {temperature}.",
        ),
        "lock_door": (
            "Lock {device_id}.",
            "Make sure {device_id} is locked.",
            "Secure {device_id} please.",
        ),
        "unlock_door": (
            "Unlock {device_id}, the code is {pin}.",
            "Open {device_id} with PIN {pin}.",
            "Let me in through {device_id}; my code is {pin}.",
        ),
        "create_scene": (
            "Save the current settings of {device_ids} as a scene called {name}.",
            "Make a scene named {name} with {device_ids}.",
            "Remember how {device_ids} are set right now as '{name}'.",
        ),
        "list_scenes": (
            "What scenes have I saved?",
            "Show me my scenes.",
            "Which routines are set up?",
        ),
        "activate_scene": (
            "Run scene {scene_id}.",
            "Switch the house to scene {scene_id}.",
            "Apply the {scene_id} scene.",
        ),
        "get_energy_usage": (
            "How much energy has {device_id} used over the last {days} days?",
            "What did {device_id} cost me in electricity this past {days} days?",
            "Show the power consumption of {device_id}.",
        ),
    }

    # -- state ----------------------------------------------------------------------------
    @classmethod
    def default_state(cls) -> dict[str, Any]:
        """Six devices (two lights, a thermostat, a lock, a plug, a TV) and one saved scene."""
        picks = (0, 2, 6, 8, 11, 15)
        devices = {}
        for i in picks:
            dev = _device(DEVICES[i])
            devices[dev["device_id"]] = dev
        devices["light.living_room_floor_lamp"].update(power="on", brightness=60)
        state = {"home": "Maple Street House", "tariff_per_kwh": 0.21, "currency": "USD", "door_pin": "4821",
                 "devices": devices, "scenes": {}, "next_scene": 1}
        tk = cls(state)
        tk.create_scene("Movie Night", ["light.living_room_floor_lamp", "tv.living_room"])
        return tk.data

    @classmethod
    def generate_state(cls, rng: random.Random) -> dict[str, Any]:
        """6-12 devices in varied rooms and states (at least a light, a thermostat and a lock),
        a door PIN, a tariff and 1-2 scenes."""
        below = drawer(rng)  # seq[below(len(seq))] is rng.choice(seq), a + below(b - a) rng.randrange(a, b)
        random_ = rng.random  # lo + (hi - lo) * random_() is rng.uniform(lo, hi)
        rows = sorted(sample(rng, _DEVICE_ROWS, 6 + below(7)))
        for kind in ("light", "thermostat", "lock"):  # every home has one of each
            if not any(DEVICES[i][0] == kind for i in rows):
                rows.append(rng.choice(_ROWS_OF_TYPE[kind]))
        rows.sort()
        devices = {}
        for i in rows:
            dev = _device(DEVICES[i])
            kind = dev["type"]
            if kind == "light":
                dev["power"] = _ON_OFF[below(2)]
                dev["brightness"] = _BRIGHTNESS[below(5)]
            elif kind == "thermostat":
                dev["target_temperature"] = _TARGETS[below(6)]
                dev["current_temperature"] = round_to(dev["target_temperature"] + (-2.5 + 5.0 * random_()), 1)
            elif kind == "lock":
                dev["locked"] = random_() < 0.8
                dev["battery"] = 8 + below(93)
            elif "power" in dev and kind != "camera":
                dev["power"] = _MOSTLY_OFF[below(3)]
            devices[dev["device_id"]] = dev
        if random_() < 0.15:
            rng.choice([d for d in devices.values() if d["type"] not in ("lock", "thermostat")])["online"] = False
        currency = _CURRENCIES[below(4)]
        state = {"home": HOME_NAMES[below(len(HOME_NAMES))],
                 "tariff_per_kwh": round2(0.12 + (0.38 - 0.12) * random_()),
                 "currency": currency, "door_pin": f"{below(10000):04d}", "devices": devices,
                 "scenes": {}, "next_scene": 1 + below(29)}
        tk = adopt(cls, state)
        ids = list(devices)
        for name in sample(rng, SCENE_NAMES, 1 + below(2)):
            tk.create_scene(name, sample(rng, ids, 2 + below(min(4, len(ids)) - 1)))
        return tk.data

    def candidates(self, tool: str, param: str) -> list[Any]:
        """Device ids of the right type (online), scene ids, the door PIN and sensible settings."""
        d = self.data
        if param == "device_id":
            if tool in ("turn_on", "turn_off"):
                return [v["device_id"] for v in d["devices"].values()
                        if v["online"] and v["type"] not in ("lock", "camera")]
            want = _DEVICE_TYPES_OF_TOOL.get(tool)
            if want:
                return [v["device_id"] for v in d["devices"].values() if v["online"] and v["type"] in want]
            return list(d["devices"])
        if param == "device_ids":
            online = [v for v in d["devices"].values() if v["online"]]
            by_room: dict[str, list[str]] = {}
            for v in online:
                by_room.setdefault(v["room"], []).append(v["device_id"])
            groups = [ids for ids in by_room.values() if len(ids) > 1]
            lights = [v["device_id"] for v in online if v["type"] == "light"]
            return groups + ([lights] if lights else [])
        if param == "pin":
            return [d["door_pin"]]
        if param == "scene_id":
            return list(d["scenes"])
        if param == "name":
            used = {s["name"] for s in d["scenes"].values()}
            return [n for n in SCENE_NAMES if n not in used]
        if param == "room":
            return sorted({v["room"] for v in d["devices"].values()})
        if param == "temperature":
            return [19.0, 20.0, 21.0, 21.5, 22.0, 23.0]
        if param == "unit":
            return ["celsius"]
        if param == "level":
            return [25, 40, 60, 80, 100]
        if param == "days":
            return [1, 7, 14, 30]
        return super().candidates(tool, param)

    # -- internals --------------------------------------------------------------------------
    def _device(self, device_id: str, kinds: tuple[str, ...] = ()) -> dict[str, Any] | str:
        dev = self.data["devices"].get(device_id)
        if dev is None:
            return f"Unknown device_id '{device_id}': list the devices to find the right id."
        if kinds and dev["type"] not in kinds:
            return f"Device {device_id} is a {dev['type']}, not a {' or '.join(kinds)}."
        if not dev["online"]:
            return f"Device {device_id} is offline: check that it has power and Wi-Fi, then try again."
        return dev

    def _switch(self, device_id: str, power: str) -> PowerResult:
        dev = self._device(device_id)
        if isinstance(dev, str):
            return {"error": dev}
        if dev["type"] == "lock":
            return {"error": f"Device {device_id} is a door lock: lock or unlock it instead of switching it."}
        if dev["type"] == "camera" and power == "off":
            return {"error": f"Camera {device_id} is a security device and cannot be switched off remotely."}
        changed = dev["power"] != power
        dev["power"] = power
        return {"device_id": device_id, "name": dev["name"], "power": power, "changed": changed}

    # -- tools ------------------------------------------------------------------------------
    def list_devices(self, room: str = "") -> DeviceList:
        """List the home's devices with their type, room and current status.

        Args:
            room: Only devices in this room (e.g. "kitchen"); empty lists every device.

        Returns:
            Each device's device_id (used to control it), name, type, room and a short status.
        """
        rooms = {v["room"] for v in self.data["devices"].values()}
        want = str(room).strip().lower()
        if want and want not in rooms:
            return {"error": f"No devices in room '{room}': rooms are {', '.join(sorted(rooms))}."}
        devices: list[DeviceSummary] = [
            {"device_id": v["device_id"], "name": v["name"], "type": v["type"], "room": v["room"],
             "status": _status(v)} for v in self.data["devices"].values() if not want or v["room"] == want]
        return {"home": self.data["home"], "devices": devices}

    def get_device_status(self, device_id: DeviceId) -> DeviceStatus:
        """Get the full current state of one device.

        Args:
            device_id: Device id, e.g. "light.kitchen_ceiling".

        Returns:
            The device's settings: power and brightness, temperatures and mode, or lock state and battery.
        """
        dev = self.data["devices"].get(device_id)
        if dev is None:
            return {"error": f"Unknown device_id '{device_id}': list the devices to find the right id."}
        out = {k: v for k, v in dev.items() if k != "watts"}
        out["status"] = _status(dev)
        return out

    def turn_on(self, device_id: SwitchableId) -> PowerResult:
        """Switch a device on (lights, plugs, fans, TVs, speakers, thermostats, cameras; not locks).

        Args:
            device_id: Device id of the device to switch on.

        Returns:
            The device's new power state and whether anything changed.
        """
        return self._switch(device_id, "on")

    def turn_off(self, device_id: SwitchOffId) -> PowerResult:
        """Switch a device off (lights, plugs, fans, TVs, speakers, thermostats; not cameras or locks).

        Args:
            device_id: Device id of the device to switch off.

        Returns:
            The device's new power state and whether anything changed.
        """
        return self._switch(device_id, "off")

    def set_brightness(self, device_id: LightId, level: int) -> BrightnessResult:
        """Set a light's brightness; a light that is off is switched on.

        Args:
            device_id: Device id of a light, e.g. "light.porch".
            level: Brightness in percent, 1-100.

        Returns:
            The light's new brightness and power state.
        """
        dev = self._device(device_id, ("light",))
        if isinstance(dev, str):
            return {"error": dev}
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 100:
            return {"error": f"Invalid level {level!r}: give a brightness from 1 to 100 percent."}
        dev["brightness"], dev["power"] = level, "on"
        return {"device_id": device_id, "brightness": level, "power": "on"}

    def set_thermostat(self, device_id: ThermostatId, temperature: float,
                       unit: Literal["celsius", "fahrenheit"] = "celsius") -> ThermostatResult:
        """Set a thermostat's target temperature (10-30 °C / 50-86 °F); it switches on and heats or cools.

        Args:
            device_id: Device id of a thermostat, e.g. "thermostat.hallway".
            temperature: Target temperature in the given unit.
            unit: Unit of the temperature.

        Returns:
            The new target temperature, the current room temperature and whether it is heating or cooling.
        """
        dev = self._device(device_id, ("thermostat",))
        if isinstance(dev, str):
            return {"error": dev}
        if unit not in ("celsius", "fahrenheit"):
            return {"error": f"Unknown unit '{unit}': use celsius or fahrenheit."}
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
            return {"error": f"Invalid temperature {temperature!r}: give a number."}
        target = _to_celsius(temperature, unit)
        if not MIN_C <= target <= MAX_C:
            lo, hi = _from_celsius(MIN_C, unit), _from_celsius(MAX_C, unit)
            return {"error": f"Temperature {temperature} {unit} is out of range: choose {lo:g}-{hi:g} degrees {unit}."}
        dev["target_temperature"], dev["power"] = target, "on"
        current = dev["current_temperature"]
        dev["mode"] = "heat" if target > current else ("cool" if target < current else "idle")
        return {"device_id": device_id, "target_temperature": _from_celsius(target, unit), "unit": unit,
                "current_temperature": _from_celsius(current, unit), "mode": dev["mode"]}

    def lock_door(self, device_id: LockId) -> LockResult:
        """Lock a door lock.

        Args:
            device_id: Device id of a door lock, e.g. "lock.front_door".

        Returns:
            The lock's new state and whether anything changed.
        """
        dev = self._device(device_id, ("lock",))
        if isinstance(dev, str):
            return {"error": dev}
        changed = not dev["locked"]
        dev["locked"] = True
        return {"device_id": device_id, "name": dev["name"], "locked": True, "changed": changed}

    def unlock_door(self, device_id: LockId, pin: str) -> LockResult:
        """Unlock a door lock with the household door PIN; three wrong PINs disable the keypad.

        Args:
            device_id: Device id of a door lock, e.g. "lock.front_door".
            pin: The four-digit door PIN.

        Returns:
            The lock's new state and whether anything changed.
        """
        dev = self._device(device_id, ("lock",))
        if isinstance(dev, str):
            return {"error": dev}
        if dev["failed_attempts"] >= MAX_PIN_TRIES:
            return {"error": f"The keypad of {device_id} is disabled after {MAX_PIN_TRIES} wrong PINs; "
                             "open the door with the physical key to reset it."}
        if str(pin).strip() != self.data["door_pin"]:
            dev["failed_attempts"] += 1
            left = MAX_PIN_TRIES - dev["failed_attempts"]
            tries = "1 try" if left == 1 else f"{left} tries"
            return {"error": f"Wrong PIN for {device_id}: {tries} left before the keypad is disabled."}
        dev["failed_attempts"] = 0
        changed = dev["locked"]
        dev["locked"] = False
        return {"device_id": device_id, "name": dev["name"], "locked": False, "changed": changed}

    def create_scene(self, name: str, device_ids: list[DeviceId]) -> Scene:
        """Save the current settings of some devices as a named scene to re-apply later.

        Locks are saved as locked (a scene can lock doors but never unlocks them).

        Args:
            name: Scene name, e.g. "Movie Night".
            device_ids: Device ids of the devices whose current settings the scene keeps.

        Returns:
            The new scene_id and the settings saved for each device.
        """
        label = str(name).strip()
        if not label:
            return {"error": "The scene name is empty: give a name such as 'Movie Night'."}
        if any(s["name"].lower() == label.lower() for s in self.data["scenes"].values()):
            return {"error": f"A scene named '{label}' already exists: pick another name."}
        if not isinstance(device_ids, list) or not device_ids:
            return {"error": "device_ids is empty: give at least one device id."}
        devices = self.data["devices"]
        unknown = [i for i in device_ids if i not in devices]
        if unknown:
            return {"error": f"Unknown device_id '{unknown[0]}': list the devices to find the right id."}
        saved: list[SceneDevice] = [{"device_id": i, "settings": _snapshot(devices[i])}
                                    for i in dict.fromkeys(device_ids)]
        sid = f"SC-{self.data['next_scene']:03d}"
        self.data["next_scene"] += 1
        self.data["scenes"][sid] = {"scene_id": sid, "name": label, "devices": saved}
        return {"scene_id": sid, "name": label, "devices": saved}

    def list_scenes(self) -> SceneList:
        """List the saved scenes.

        Returns:
            Each scene's scene_id, name and the devices it sets.
        """
        scenes: list[SceneSummary] = [
            {"scene_id": s["scene_id"], "name": s["name"], "device_ids": [d["device_id"] for d in s["devices"]]}
            for s in self.data["scenes"].values()]
        return {"scenes": scenes}

    def activate_scene(self, scene_id: str) -> SceneActivation:
        """Apply a saved scene: put each of its devices back to the saved settings.

        Args:
            scene_id: Scene id, e.g. "SC-001".

        Returns:
            Which devices changed and which were skipped (offline or removed).
        """
        scene = self.data["scenes"].get(scene_id)
        if scene is None:
            return {"error": f"Unknown scene_id '{scene_id}': list the scenes to find the right id."}
        changed, skipped = [], []
        for item in scene["devices"]:
            dev = self.data["devices"].get(item["device_id"])
            if dev is None or not dev["online"]:
                skipped.append(item["device_id"])
                continue
            if any(dev.get(k) != v for k, v in item["settings"].items()):
                dev.update(item["settings"])
                if dev["type"] == "thermostat":
                    t, c = dev["target_temperature"], dev["current_temperature"]
                    dev["mode"] = "heat" if t > c else ("cool" if t < c else "idle")
                changed.append(item["device_id"])
        return {"scene_id": scene_id, "name": scene["name"], "changed_device_ids": changed,
                "skipped_device_ids": skipped}

    def get_energy_usage(self, device_id: DeviceId, days: int = 7) -> EnergyUsage:
        """Get a device's electricity use and its cost over the last days.

        Args:
            device_id: Device id of the device.
            days: Number of past days to total (1-365).

        Returns:
            The energy used in kWh, the daily average and its cost at the home's tariff.
        """
        dev = self.data["devices"].get(device_id)
        if dev is None:
            return {"error": f"Unknown device_id '{device_id}': list the devices to find the right id."}
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
            return {"error": f"Invalid days {days!r}: give a whole number of days from 1 to 365."}
        lo, hi = _HOURS[dev["type"]]
        hours = lo + (hi - lo) * _unit_of(f"hours\x1f{device_id}\x1f{self.data['home']}")
        kwh = round2(dev["watts"] * hours * days / 1000 * (0.9 + 0.2 * _unit_of(f"kwh\x1f{device_id}\x1f{days}")))
        return {"device_id": device_id, "days": days, "kwh": kwh, "daily_average_kwh": round(kwh / days, 3),
                "cost": round2(kwh * self.data["tariff_per_kwh"]), "currency": self.data["currency"]}


def _device(row: tuple[str, str, str, str, int]) -> dict[str, Any]:
    kind, device_id, name, room, watts = row
    dev: dict[str, Any] = {"device_id": device_id, "name": name, "type": kind, "room": room, "online": True,
                           "watts": watts}
    if kind == "lock":
        dev.update(locked=True, battery=76, failed_attempts=0)
    elif kind == "thermostat":
        dev.update(power="on", target_temperature=21.0, current_temperature=20.0, mode="heat")
    else:
        dev["power"] = "on" if kind == "camera" else "off"
        if kind == "light":
            dev["brightness"] = 80
    return dev


def _status(dev: dict[str, Any]) -> str:
    if not dev["online"]:
        return "offline"
    if dev["type"] == "lock":
        return "locked" if dev["locked"] else "unlocked"
    if dev["type"] == "thermostat" and dev["power"] == "on":
        return f"{dev['mode']} to {dev['target_temperature']:g} °C"
    if dev["type"] == "light" and dev["power"] == "on":
        return f"on at {dev['brightness']}%"
    return dev["power"]


def _snapshot(dev: dict[str, Any]) -> dict[str, Any]:
    if dev["type"] == "lock":
        return {"locked": True}
    if dev["type"] == "thermostat":
        return {"power": dev["power"], "target_temperature": dev["target_temperature"]}
    if dev["type"] == "light":
        return {"power": dev["power"], "brightness": dev["brightness"]}
    return {"power": dev["power"]}
