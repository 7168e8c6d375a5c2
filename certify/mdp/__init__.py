"""Problem data: finite MDPs, sampling models, loaders, built-in instances, Bellman operators."""

from certify.mdp.bellman import (
    OPERATORS as OPERATORS,
)
from certify.mdp.bellman import (
    bellman_optimality as bellman_optimality,
)
from certify.mdp.bellman import (
    greedy_policy as greedy_policy,
)
from certify.mdp.bellman import (
    policy_q_values as policy_q_values,
)
from certify.mdp.bellman import (
    q_star as q_star,
)
from certify.mdp.bellman import (
    smooth_fixed_point as smooth_fixed_point,
)
from certify.mdp.bellman import (
    smooth_max as smooth_max,
)
from certify.mdp.builtins import builtin_names as builtin_names
from certify.mdp.builtins import builtin_problem as builtin_problem
from certify.mdp.finite import FiniteMDP as FiniteMDP
from certify.mdp.io import load_problem as load_problem
from certify.mdp.io import problem_from_dict as problem_from_dict
from certify.mdp.ordering import pair_index as pair_index
from certify.mdp.ordering import pair_of as pair_of
from certify.mdp.problem import Problem as Problem
from certify.mdp.sampling import (
    Sampling as Sampling,
)
from certify.mdp.sampling import (
    sampling_from_d as sampling_from_d,
)
from certify.mdp.sampling import (
    sampling_from_spec as sampling_from_spec,
)
from certify.mdp.sampling import (
    uniform_sampling as uniform_sampling,
)
