"""Entropy-regularised policy gradient: tabular rates and the mean-field condition (seed 004)."""

from certify.algorithms.pg.analysis import pg_crossval as pg_crossval
from certify.algorithms.pg.analysis import pg_meanfield as pg_meanfield
from certify.algorithms.pg.analysis import pg_simulate as pg_simulate
from certify.algorithms.pg.analysis import pg_tabular as pg_tabular
from certify.algorithms.pg.constants import MeanFieldConstants as MeanFieldConstants
from certify.algorithms.pg.constants import bound_constants as bound_constants
from certify.algorithms.pg.constants import margin_bounds as margin_bounds
from certify.algorithms.pg.coupling import CouplingResult as CouplingResult
from certify.algorithms.pg.coupling import coupled_run as coupled_run
from certify.algorithms.pg.meanfield import MeanField as MeanField
from certify.algorithms.pg.meanfield import make_meanfield as make_meanfield
from certify.algorithms.pg.monotone import MonotoneResult as MonotoneResult
from certify.algorithms.pg.monotone import flow_monotonicity as flow_monotonicity
from certify.algorithms.pg.soft import SoftSolution as SoftSolution
from certify.algorithms.pg.soft import occupancy as occupancy
from certify.algorithms.pg.soft import regularised_value as regularised_value
from certify.algorithms.pg.soft import soft_optimal as soft_optimal
from certify.algorithms.pg.tabular import TabularResult as TabularResult
from certify.algorithms.pg.tabular import policy_gradient as policy_gradient
from certify.algorithms.pg.tabular import run_tabular as run_tabular
from certify.algorithms.pg.tabular import smoothness_bound_exact as smoothness_bound_exact
