"""magnet: synthesize verified multi-turn tool-use training data.

Importing this package never touches the network (litellm is imported lazily, and only
with ``LITELLM_LOCAL_MODEL_COST_MAP=True`` set first).
"""

from __future__ import annotations

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

__version__ = "0.1.0"
PROMPT_VERSION = "magnet-prompts/1"
