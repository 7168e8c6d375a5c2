"""Grids of problems on Dask: ``certify sweep GRID.yaml``.

:mod:`.grid` reads and expands a grid file, :mod:`.cell` runs one cell on a worker,
:mod:`.run` schedules the cells on dask.distributed and streams rows to :mod:`.output`,
:mod:`.plot` draws the figure of ``--plot``.
"""

from .grid import Cell as Cell
from .grid import Grid as Grid
from .grid import grid_from_dict as grid_from_dict
from .grid import load_grid as load_grid
from .run import SweepResult as SweepResult
from .run import run_sweep as run_sweep
