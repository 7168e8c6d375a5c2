"""Gradient TD with momentum as N-timescale stochastic approximation (seed 003)."""

from .algorithms import ALGORITHMS as ALGORITHMS
from .analysis import SACheck as SACheck
from .analysis import check_sa as check_sa
from .analysis import run_sa_check as run_sa_check
from .linear import LinearTD as LinearTD
from .linear import chain_quantities as chain_quantities
from .linear import from_problem as from_problem
from .mean import MeanRun as MeanRun
from .mean import mean_run as mean_run
from .simulate import TDSimulation as TDSimulation
from .simulate import simulate_td as simulate_td
