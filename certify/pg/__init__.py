"""Entropy-regularised policy gradient: tabular rates and the mean-field condition (seed 004)."""

from .analysis import pg_crossval as pg_crossval
from .analysis import pg_meanfield as pg_meanfield
from .analysis import pg_simulate as pg_simulate
from .analysis import pg_tabular as pg_tabular
from .constants import MeanFieldConstants as MeanFieldConstants
from .constants import bound_constants as bound_constants
from .constants import margin_bounds as margin_bounds
from .coupling import CouplingResult as CouplingResult
from .coupling import coupled_run as coupled_run
from .meanfield import MeanField as MeanField
from .meanfield import make_meanfield as make_meanfield
from .monotone import MonotoneResult as MonotoneResult
from .monotone import flow_monotonicity as flow_monotonicity
from .soft import SoftSolution as SoftSolution
from .soft import occupancy as occupancy
from .soft import regularised_value as regularised_value
from .soft import soft_optimal as soft_optimal
from .tabular import TabularResult as TabularResult
from .tabular import policy_gradient as policy_gradient
from .tabular import run_tabular as run_tabular
from .tabular import smoothness_bound_exact as smoothness_bound_exact
