"""What a claims file may do: read the files it names, write only under a scratch folder.

A claims file may come from a pull request, so ``certify check`` treats it as untrusted:

* parameters that write a file (:data:`WRITE_PARAMETERS`: a sweep's ``output``, a
  certificate's ``save_certificate``) must be plain relative names (no ``..``, not
  absolute); they are placed under the run's scratch folder (``certify check --scratch
  DIR``, else a new temporary folder whose path the run reports), and a file that already
  exists there is never replaced;
* a ``sweep`` claim (which starts a Dask cluster) runs only with ``certify check
  --allow-sweeps``; ``overwrite`` and ``scheduler`` may not be set by the file (the
  scheduler comes from ``certify check --scheduler``), and ``workers`` is at most the
  number of cores.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePath
from typing import Any

from certify.errors import UnsafeInput

WRITE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "sweep": ("output",),
    "pg tabular": ("save_certificate",),
    "pg meanfield": ("save_certificate",),
}
"""Per command (canonical name, :mod:`certify.commands`), the parameters naming a file the
command writes."""

SWEEP_FORBIDDEN = ("overwrite", "scheduler")
"""Sweep parameters a claims file may not set."""


class Sandbox:
    """The permissions of one claims run (see the module docstring)."""

    def __init__(self, scratch: str | Path | None = None, allow_sweeps: bool = False,
                 scheduler: str | None = None):
        self._scratch = Path(scratch) if scratch is not None else None
        self.allow_sweeps = allow_sweeps
        self.scheduler = scheduler
        self._claimed: set[Path] = set()

    @property
    def scratch(self) -> Path | None:
        """The scratch folder, None until a claim needs one (or given by the caller)."""
        return self._scratch

    def _folder(self) -> Path:
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="certify-claims-scratch-"))
        return self._scratch

    def apply(self, command: str, params: dict[str, Any], where: str) -> dict[str, Any]:
        """``params`` with every written file moved under the scratch folder; raises
        :class:`UnsafeInput` for what a claims file may not do."""
        from certify.commands.registry import canonical_name

        command = canonical_name(command)
        out = dict(params)
        if command == "sweep":
            if not self.allow_sweeps:
                raise UnsafeInput(f"{where}: a sweep claim starts a Dask cluster and writes "
                                  "files; run `certify check --allow-sweeps` to allow it")
            bad = [k for k in SWEEP_FORBIDDEN if k in params and params[k] not in (None, False)]
            if bad:
                raise UnsafeInput(f"{where}: a claims file may not set {bad[0]!r} of a sweep "
                                  "(outputs go to a fresh scratch folder; a scheduler is given "
                                  "by `certify check --scheduler ADDR`)")
            out.pop("overwrite", None)
            if self.scheduler is not None:
                out["scheduler"] = self.scheduler
            workers = params.get("workers")
            cores = os.cpu_count() or 1
            if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool)
                                        or not 1 <= workers <= cores):
                raise UnsafeInput(f"{where}: sweep workers = {workers!r}; a claims file may "
                                  f"ask for 1 to {cores} workers (the cores of this machine)")
        for key in WRITE_PARAMETERS.get(command, ()):
            if params.get(key) is None:
                continue
            out[key] = str(self._place(params[key], f"{where}: {key}"))
        return out

    def _place(self, name: Any, where: str) -> Path:
        if not isinstance(name, str) or not name.strip():
            raise UnsafeInput(f"{where}: expected a file name, found {name!r:.80}")
        rel = PurePath(name)
        if rel.is_absolute() or ".." in rel.parts or name.startswith("~"):
            raise UnsafeInput(f"{where}: {name!r} is outside the scratch folder; a claims file "
                              "may only write plain relative names, placed under the scratch "
                              "folder of the run (certify check --scratch DIR)")
        target = self._folder() / rel
        if target.exists() or target in self._claimed:
            raise UnsafeInput(f"{where}: {str(target)!r} exists; a claims file never replaces "
                              "a file (choose another name or an empty --scratch folder)")
        target.parent.mkdir(parents=True, exist_ok=True)
        self._claimed.add(target)
        return target
