"""Finding a Dask scheduler the way Dask does.

In order: an explicit address (``--scheduler``); a scheduler file (``--scheduler-file``, the
JSON file ``dask scheduler --scheduler-file PATH`` writes, with an ``address`` key); Dask's
configuration key ``scheduler-address``, which the environment variable
``DASK_SCHEDULER_ADDRESS`` sets.  None means: start a local cluster.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from certify.errors import InvalidInput


def resolve_scheduler(scheduler: str | None = None,
                      scheduler_file: str | Path | None = None) -> str | None:
    """The scheduler address to connect to, or None for a local cluster."""
    return locate_scheduler(scheduler, scheduler_file)[0]


def locate_scheduler(scheduler: str | None = None, scheduler_file: str | Path | None = None
                     ) -> tuple[str | None, str]:
    """(address or None, where it came from): the origin names what the user set, for errors
    (a stale ``DASK_SCHEDULER_ADDRESS`` is not reported as ``--scheduler``)."""
    address = _resolve(scheduler, scheduler_file)
    if address is None:
        return None, "a local cluster"
    if scheduler is not None:
        return address, f"--scheduler {address}"
    if scheduler_file is not None:
        return address, f"--scheduler-file {scheduler_file} (address {address})"
    return address, (f"DASK_SCHEDULER_ADDRESS / Dask's scheduler-address setting ({address}); "
                     "unset it to start a local cluster")


def _resolve(scheduler: str | None, scheduler_file: str | Path | None) -> str | None:
    if scheduler is not None and scheduler_file is not None:
        raise InvalidInput("--scheduler and --scheduler-file: give one of them, not both")
    if scheduler_file is not None:
        path = Path(scheduler_file)
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise InvalidInput(f"--scheduler-file {path}: not a readable Dask scheduler file "
                               f"({exc}); write one with `dask scheduler --scheduler-file "
                               f"{path.name}`") from exc
        address = data.get("address") if isinstance(data, dict) else None
        if not isinstance(address, str) or not address:
            raise InvalidInput(f"--scheduler-file {path}: no 'address' in the file")
        return address
    if scheduler is not None:
        return scheduler
    return _configured_address()


def _configured_address() -> str | None:
    """Dask's ``scheduler-address`` setting (``DASK_SCHEDULER_ADDRESS``), if any."""
    try:
        import dask.config

        addr = dask.config.get("scheduler-address", None)
    except ImportError:
        addr = None
    addr = addr or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    return str(addr) if addr else None
