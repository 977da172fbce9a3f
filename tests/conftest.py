"""Shared fixtures. Nothing here reaches the network."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # datasets (export checks) never reaches a hub
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED_CATALOGS = REPO.parent / "shared" / "catalogs"


@pytest.fixture(scope="session")
def shared_catalogs() -> Path:
    """The third-party catalogs in ../shared/catalogs (skip clearly when absent)."""
    if not SHARED_CATALOGS.is_dir():
        pytest.skip(f"third-party catalogs not found at {SHARED_CATALOGS}; they live in ../shared/catalogs beside the repo")
    return SHARED_CATALOGS


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Keep caches and user files of every test inside a temporary directory."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MAGNET_HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))


from fake_openai import fake_openai  # noqa: E402,F401  (the local OpenAI-compatible server fixture)
