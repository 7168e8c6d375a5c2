"""Problem data: finite MDPs, sampling models, loaders, built-in instances, Bellman operators."""

from .bellman import (
    OPERATORS as OPERATORS,
)
from .bellman import (
    bellman_optimality as bellman_optimality,
)
from .bellman import (
    greedy_policy as greedy_policy,
)
from .bellman import (
    policy_q_values as policy_q_values,
)
from .bellman import (
    q_star as q_star,
)
from .bellman import (
    smooth_fixed_point as smooth_fixed_point,
)
from .bellman import (
    smooth_max as smooth_max,
)
from .builtins import builtin_names as builtin_names
from .builtins import builtin_problem as builtin_problem
from .finite import FiniteMDP as FiniteMDP
from .io import load_problem as load_problem
from .io import problem_from_dict as problem_from_dict
from .ordering import pair_index as pair_index
from .ordering import pair_of as pair_of
from .problem import Problem as Problem
from .sampling import (
    Sampling as Sampling,
)
from .sampling import (
    sampling_from_d as sampling_from_d,
)
from .sampling import (
    sampling_from_spec as sampling_from_spec,
)
from .sampling import (
    uniform_sampling as uniform_sampling,
)
