"""Empirical neural tangent kernels over the state-action pairs of an MDP.

K_ij = grad_theta Q(x_i) . grad_theta Q(x_j), summed over all parameters (Achiam, Knight
and Abbeel, arXiv 1903.08894, eq. (9); Jacot et al. 2018).  With the per-layer quantities
of :meth:`certify.algorithms.ntk.mlp.MLP.backward` the sum splits by layer without forming the
Jacobian:

    K = sum_l (Delta_l Delta_l^T) o (H_{l-1} H_{l-1}^T + 1)

(o the entrywise product; the "+ 1" is the bias), which costs O(n^2 width) time and, with
row blocks, O(block * n) extra memory, so a few thousand pairs fit easily.
"""

from __future__ import annotations

import numpy as np

from certify.algorithms.ntk.mlp import MLP, Params
from certify.errors import InvalidInput, UnknownName
from certify.mdp import FiniteMDP
from certify.mdp.ordering import flatten as flatten_pairs
from certify.mdp.validate import as_real_array

FEATURES = ("onehot", "state-action")


def pair_features(mdp: FiniteMDP, kind: str | np.ndarray = "onehot", scale: float = 1.0) -> np.ndarray:
    """Input features of the state-action pairs, one row per pair in state-major order.

    ``onehot``: the unit vector e_{index(s, a)} (length n, tabular inputs);
    ``state-action``: [e_s, e_a] (length S + A), so pairs sharing a state or an action share
    features and the network generalises between them.  Every feature is multiplied by
    ``scale`` (a scaled input layer: with one-hot inputs the first layer's weight gradients
    contribute scale^2 |delta_1(x_i)|^2 to K_ii and nothing off the diagonal, since
    x_i . x_j = 0 for i != j).  An array of shape (n, d) gives the features directly
    ("given features", e.g. one number per pair).
    """
    if isinstance(scale, bool) or not np.isfinite(scale) or scale <= 0:
        raise InvalidInput(f"input_scale = {scale!r}; expected a finite number > 0")
    S, A = mdp.n_states, mdp.n_actions
    if not isinstance(kind, str):
        return scale * as_real_array(kind, "features", (S * A, None))
    if kind == "onehot":
        return scale * np.eye(S * A)
    if kind == "state-action":
        es = np.repeat(np.eye(S), A, axis=0)
        ea = np.tile(np.eye(A), (S, 1))
        return scale * np.hstack([es, ea])
    raise UnknownName(f"features {kind!r} are unknown; valid features are {', '.join(FEATURES)}")


def empirical_ntk(net: MLP, params: Params, x: np.ndarray, block_rows: int = 1024) -> np.ndarray:
    """The empirical NTK matrix K (n x n) of ``net`` at ``params`` on the inputs ``x``.

    K_ij = grad_theta Q(x_i) . grad_theta Q(x_j), summed over all parameters (Achiam, Knight and
    Abbeel, arXiv:1903.08894, eq. (9); Jacot, Gabriel and Hongler 2018).

    Computed by the layer-wise formula of the module docstring, ``block_rows`` rows at a
    time.  The result is made exactly symmetric by averaging with its transpose (float
    addition is commutative, so (K + K^T)/2 is exactly symmetric).

    Parameters
    ----------
    net : MLP
    params : Params
        The network's parameters.
    x : array (n, in_dim)
        Inputs, one row per pair.
    block_rows : int
        Rows of K computed at a time.
    """
    if block_rows < 1:
        raise InvalidInput(f"block_rows = {block_rows}; expected an integer >= 1")
    deltas, hs = net.backward(params, x)
    n = x.shape[0]
    k = np.zeros((n, n))
    for start in range(0, n, block_rows):
        sl = slice(start, min(n, start + block_rows))
        for d, h in zip(deltas, hs, strict=True):
            k[sl] += (d[sl] @ d.T) * (h[sl] @ h.T + 1.0)
    return (k + k.T) / 2.0


def kernel_from_jacobian(jac: np.ndarray) -> np.ndarray:
    """K = J J^T (the definition, for tests and small batches)."""
    jac = np.asarray(jac, dtype=float)
    k = jac @ jac.T
    return (k + k.T) / 2.0


def kernel_stats(k: np.ndarray) -> dict:
    """Summary numbers of a kernel: diagonal range and mean absolute off-diagonal entry."""
    k = np.asarray(k, dtype=float)
    n = k.shape[0]
    diag = np.diag(k)
    off = np.abs(k).sum() - np.abs(diag).sum()
    return {"diag_min": float(diag.min()), "diag_max": float(diag.max()),
            "diag_mean": float(diag.mean()), "offdiag_abs_mean": float(off / max(n * (n - 1), 1))}


def network_kernel(mdp: FiniteMDP, net: MLP, params: Params, features: str = "onehot",
                   input_scale: float = 1.0) -> np.ndarray:
    """Empirical NTK of ``net`` over every state-action pair of ``mdp`` (state-major)."""
    return empirical_ntk(net, params, pair_features(mdp, features, input_scale))


def q_table(mdp: FiniteMDP, net: MLP, params: Params, features: str = "onehot",
            input_scale: float = 1.0) -> np.ndarray:
    """The network's Q-values as a state-major vector of length n."""
    q = net.forward(params, pair_features(mdp, features, input_scale))
    return flatten_pairs(q.reshape(mdp.n_states, mdp.n_actions))
