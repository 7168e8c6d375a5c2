"""Shared simulation machinery: random streams, step-size schedules, error statistics.

The algorithms' own simulators live in ``certify.algorithms.<name>.simulate``.
"""

from certify.simulate.mean import lemma6_policy as lemma6_policy
from certify.simulate.mean import mean_recursion as mean_recursion
from certify.simulate.schedule import StepSize as StepSize
from certify.simulate.schedule import record_times as record_times
from certify.simulate.stats import ErrorStats as ErrorStats
from certify.simulate.stats import error_stats as error_stats
