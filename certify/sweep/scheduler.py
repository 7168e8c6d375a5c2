"""Finding a Dask scheduler the way Dask does.

In order: an explicit address (``--scheduler``); a scheduler file (``--scheduler-file``, the
JSON file ``dask scheduler --scheduler-file PATH`` writes, with an ``address`` key); Dask's
configuration key ``scheduler-address``, which the environment variable
``DASK_SCHEDULER_ADDRESS`` sets.  None means: start a local cluster.

As ``distributed.Client(scheduler_file=...)`` does, a scheduler file that does not exist yet
is waited for (up to the connect timeout: batch jobs start the scheduler and the client
together), and one being written is read again a few times before it is refused.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from certify.errors import InvalidInput


def resolve_scheduler(scheduler: str | None = None, scheduler_file: str | Path | None = None,
                      wait: float = 0.0) -> str | None:
    """The scheduler address to connect to, or None for a local cluster; a missing
    ``scheduler_file`` is waited for ``wait`` seconds."""
    return locate_scheduler(scheduler, scheduler_file, wait)[0]


def locate_scheduler(scheduler: str | None = None, scheduler_file: str | Path | None = None,
                     wait: float = 0.0) -> tuple[str | None, str]:
    """(address or None, where it came from): the origin names what the user set, for errors
    (a stale ``DASK_SCHEDULER_ADDRESS`` is not reported as ``--scheduler``)."""
    address = _resolve(scheduler, scheduler_file, wait)
    if address is None:
        return None, "a local cluster"
    if scheduler is not None:
        return address, f"--scheduler {address}"
    if scheduler_file is not None:
        return address, f"--scheduler-file {scheduler_file} (address {address})"
    return address, (f"DASK_SCHEDULER_ADDRESS / Dask's scheduler-address setting ({address}); "
                     "unset it to start a local cluster")


def _resolve(scheduler: str | None, scheduler_file: str | Path | None, wait: float) -> str | None:
    if scheduler is not None and scheduler_file is not None:
        raise InvalidInput("--scheduler and --scheduler-file: give one of them, not both")
    if scheduler_file is not None:
        return read_scheduler_file(Path(scheduler_file), wait)
    if scheduler is not None:
        return scheduler
    return _configured_address()


def read_scheduler_file(path: Path, wait: float = 0.0) -> str:
    """The ``address`` of a Dask scheduler file, waiting up to ``wait`` seconds for the file
    to appear and retrying a file not yet fully written ten times 10 ms apart (Dask's
    client does the same)."""
    deadline = time.monotonic() + max(0.0, wait)
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    problem = ""
    for attempt in range(10):
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            waited = f" after waiting {wait:g} s" if wait > 0 else ""
            raise InvalidInput(f"--scheduler-file {path}: no such file{waited}; start the scheduler "
                               f"with `dask scheduler --scheduler-file {path.name}`") from None
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"--scheduler-file {path}: not a readable Dask scheduler file "
                               f"({exc}); write one with `dask scheduler --scheduler-file "
                               f"{path.name}`") from exc
        except (OSError, ValueError) as exc:
            problem = f"not a readable Dask scheduler file ({exc}); write one with `dask " \
                      f"scheduler --scheduler-file {path.name}`"
        else:
            address = data.get("address") if isinstance(data, dict) else None
            if isinstance(address, str) and address:
                return address
            problem = "no 'address' in the file"
        if attempt < 9:
            time.sleep(0.01)
    raise InvalidInput(f"--scheduler-file {path}: {problem}")


def _configured_address() -> str | None:
    """Dask's ``scheduler-address`` setting (``DASK_SCHEDULER_ADDRESS``), if any."""
    try:
        import dask.config

        addr = dask.config.get("scheduler-address", None)
    except ImportError:
        addr = None
    addr = addr or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    return str(addr) if addr else None
