"""Grids of problems on Dask: ``certify sweep GRID.yaml``.

:mod:`.grid` reads and expands a grid file, :mod:`.cell` runs one cell on a worker,
:mod:`.run` schedules the cells on dask.distributed and streams rows to :mod:`.output`,
:mod:`.plot` draws the figure of ``--plot``.
"""

from certify.sweep.grid import Cell as Cell
from certify.sweep.grid import Grid as Grid
from certify.sweep.grid import grid_from_dict as grid_from_dict
from certify.sweep.grid import load_grid as load_grid
from certify.sweep.run import SweepResult as SweepResult
from certify.sweep.run import run_sweep as run_sweep
