"""Empirical neural tangent kernels of Q-networks and Achiam-style contraction conditions.

Seed 001 (Achiam, Knight and Abbeel, arXiv 1903.08894): the function-space update
Q' = Q + alpha K D_rho (T*Q - Q) and Theorem 2's diagonal-dominance conditions, checked
exactly; empirical NTKs of numpy MLPs; the operator U3; deep Q-learning with the expected
update; PreQN; sweeps over architectures; the user's own PyTorch / JAX Q-networks
(:func:`check_q_network`, with rho from an MDP, a Gymnasium model or a replay buffer).
"""

from certify.algorithms.ntk.analysis import run_ntk_check as run_ntk_check
from certify.algorithms.ntk.analysis import run_ntk_network as run_ntk_network
from certify.algorithms.ntk.analysis import run_ntk_sweep as run_ntk_sweep
from certify.algorithms.ntk.kernel import empirical_ntk as empirical_ntk
from certify.algorithms.ntk.kernel import kernel_from_jacobian as kernel_from_jacobian
from certify.algorithms.ntk.kernel import pair_features as pair_features
from certify.algorithms.ntk.mlp import MLP as MLP
from certify.algorithms.ntk.model import check_q_network as check_q_network
from certify.algorithms.ntk.network import analyse_network as analyse_network  # deprecated
from certify.algorithms.ntk.network import analyze_ntk_network as analyze_ntk_network
from certify.algorithms.ntk.operator import empirical_lipschitz as empirical_lipschitz
from certify.algorithms.ntk.operator import product_bound as product_bound
from certify.algorithms.ntk.operator import u3 as u3
from certify.algorithms.ntk.preqn import preqn_step as preqn_step
from certify.algorithms.ntk.preqn import train_preqn as train_preqn
from certify.algorithms.ntk.replay import ReplayBuffer as ReplayBuffer
from certify.algorithms.ntk.sweep import ntk_sweep as ntk_sweep
from certify.algorithms.ntk.theorem2 import Theorem2Result as Theorem2Result
from certify.algorithms.ntk.theorem2 import analyze_ntk as analyze_ntk
from certify.algorithms.ntk.theorem2 import theorem2 as theorem2  # deprecated
from certify.algorithms.ntk.training import train_expected as train_expected
