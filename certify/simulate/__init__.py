"""Vectorised Monte-Carlo trajectories (batch axis = independent runs)."""

from .mean import lemma6_policy as lemma6_policy
from .mean import mean_recursion as mean_recursion
from .qlearning import QSimulation as QSimulation
from .qlearning import simulate_qlearning as simulate_qlearning
from .schedule import StepSize as StepSize
from .schedule import record_times as record_times
from .stats import ErrorStats as ErrorStats
from .stats import error_stats as error_stats
