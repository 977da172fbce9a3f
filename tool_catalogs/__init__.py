"""Built-in executable toolkits. They register through the ``magnet_graph.catalogs`` entry
point group (see pyproject.toml), the same way a third-party package would."""

# entry-point name -> "module:Class", used when the package metadata is not installed
BUILTINS = {
    "files": "tool_catalogs.files:FileSystem",
    "messaging": "tool_catalogs.messaging:Messaging",
    "calendar": "tool_catalogs.calendar_app:Calendar",
    "maps": "tool_catalogs.maps:Maps",
    "travel": "tool_catalogs.travel:Travel",
    "banking": "tool_catalogs.banking:Banking",
    "shop": "tool_catalogs.shop:Shop",
    "home": "tool_catalogs.smarthome:SmartHome",
}
