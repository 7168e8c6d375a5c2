"""Gradient TD with momentum as N-timescale stochastic approximation (seed 003)."""

from certify.algorithms.td.algorithms import ALGORITHMS as ALGORITHMS
from certify.algorithms.td.analysis import SACheck as SACheck
from certify.algorithms.td.analysis import analyze_sa as analyze_sa
from certify.algorithms.td.analysis import check_sa as check_sa  # deprecated
from certify.algorithms.td.analysis import run_sa_check as run_sa_check
from certify.algorithms.td.linear import LinearTD as LinearTD
from certify.algorithms.td.linear import chain_quantities as chain_quantities
from certify.algorithms.td.linear import from_problem as from_problem
from certify.algorithms.td.mean import MeanRun as MeanRun
from certify.algorithms.td.mean import mean_run as mean_run
from certify.algorithms.td.simulate import TDSimulation as TDSimulation
from certify.algorithms.td.simulate import simulate_td as simulate_td
