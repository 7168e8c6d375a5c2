"""Importing the command modules and plug-ins that exist (a missing one is skipped)."""

from __future__ import annotations

import importlib
from types import ModuleType


def existing_modules(names: list[str]) -> list[ModuleType]:
    """Import each fully qualified module name in order, skipping those that do not exist.

    Only the module itself being absent is skipped: an import error inside an existing
    module propagates, so a broken plug-in is never silently dropped.
    """
    mods = []
    for name in names:
        try:
            mods.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return mods
