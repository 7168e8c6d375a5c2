"""Multilayer perceptrons in numpy with exact backpropagated Jacobians.

A Q-network here maps the feature vector x of a state-action pair to one real number,
Q_theta(x) = z_L, with

    h_0 = x,   z_l = W_l h_{l-1} + b_l,   h_l = phi(z_l)  (l = 1..L-1),   z_L = W_L h_{L-1} + b_L,

in the standard parameterisation (no 1/sqrt(width) factors in the forward pass; the scale
sits in the initialisation).  ``depth`` is the number of hidden layers (depth 0 is a linear
model).  Backpropagation gives delta_l = dQ/dz_l exactly:

    delta_L = 1,   delta_l = (W_{l+1}^T delta_{l+1}) * phi'(z_l),

and dQ/dW_l = delta_l h_{l-1}^T, dQ/db_l = delta_l.  The parameter vector theta is the
concatenation over layers of (W_l row-major, b_l); :meth:`MLP.jacobian` follows that order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from certify.errors import InvalidInput, UnknownName

Params = list[tuple[np.ndarray, np.ndarray]]

ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]] = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "sin": (np.sin, np.cos),
    "linear": (lambda z: z, np.ones_like),
}

INITS = ("auto", "he", "lecun", "glorot", "torch")


def check_activation(name: str) -> str:
    if name not in ACTIVATIONS:
        raise UnknownName(f"activation {name!r} is unknown; valid activations are "
                          f"{', '.join(ACTIVATIONS)}")
    return name


@dataclass(frozen=True)
class MLP:
    """Architecture of a scalar-output MLP (the parameters are kept separately).

    Attributes
    ----------
    in_dim : int
        Length of the input features.
    width : int
        Units in each hidden layer.
    depth : int
        Number of hidden layers (0: the linear model Q = w.x + b).
    activation : {"relu", "tanh", "sin", "linear"}
    init : {"auto", "he", "lecun", "glorot", "torch"}
        Weight initialisation: He (variance 2/fan_in, He et al. 2015), LeCun (1/fan_in) or
        Glorot (2/(fan_in + fan_out), Glorot and Bengio 2010), Gaussian with biases 0; "auto"
        is He for relu and LeCun otherwise.  "torch" is PyTorch's default for
        ``torch.nn.Linear``: weights from kaiming_uniform with a = sqrt(5), i.e.
        U(-b, b) with b = sqrt(6 / ((1 + a^2) fan_in)) = 1/sqrt(fan_in), and biases
        U(-1/sqrt(fan_in), 1/sqrt(fan_in)) -- what a user of ``nn.Linear`` meets.
    """

    in_dim: int
    width: int = 64
    depth: int = 2
    activation: str = "relu"
    init: str = "auto"

    def __post_init__(self) -> None:
        check_activation(self.activation)
        for field, value, low in (("in_dim", self.in_dim, 1), ("width", self.width, 1),
                                  ("depth", self.depth, 0)):
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
                raise InvalidInput(f"{field} = {value!r}; expected an integer >= {low}")
        if self.init not in INITS:
            raise UnknownName(f"init {self.init!r} is unknown; valid inits are {', '.join(INITS)}")

    @property
    def sizes(self) -> list[int]:
        """Layer widths from input to output."""
        return [self.in_dim] + [self.width] * self.depth + [1]

    @property
    def n_params(self) -> int:
        s = self.sizes
        return sum(s[i + 1] * (s[i] + 1) for i in range(len(s) - 1))

    def init_params(self, seed: int = 0) -> Params:
        """Random parameters (Gaussian weights with the chosen variance and biases 0, or
        PyTorch's uniform default; see the class docstring)."""
        rng = np.random.default_rng(seed)
        init = self.init
        if init == "auto":
            init = "he" if self.activation == "relu" else "lecun"
        params: Params = []
        s = self.sizes
        for fan_in, fan_out in zip(s[:-1], s[1:], strict=True):
            if init == "torch":
                bound = 1.0 / np.sqrt(fan_in)
                w = rng.uniform(-bound, bound, (fan_out, fan_in))
                params.append((w, rng.uniform(-bound, bound, fan_out)))
                continue
            var = {"he": 2.0 / fan_in, "lecun": 1.0 / fan_in,
                   "glorot": 2.0 / (fan_in + fan_out)}[init]
            params.append((rng.normal(0.0, np.sqrt(var), (fan_out, fan_in)), np.zeros(fan_out)))
        return params

    def _forward_all(self, params: Params, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Pre-activations z_l and post-activations h_l (h_0 = x) of every layer."""
        phi = ACTIVATIONS[self.activation][0]
        hs, zs = [x], []
        for l_, (w, b) in enumerate(params):
            z = hs[-1] @ w.T + b
            zs.append(z)
            if l_ < len(params) - 1:
                hs.append(phi(z))
        return zs, hs

    def check_input(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if x.ndim != 2 or x.shape[1] != self.in_dim:
            raise InvalidInput(f"features: expected shape (*, {self.in_dim}) but found {x.shape}")
        return x

    def forward(self, params: Params, x: np.ndarray) -> np.ndarray:
        """Q_theta(x_i) for each row x_i of ``x`` (shape (n, in_dim)); returns (n,)."""
        zs, _ = self._forward_all(params, self.check_input(x))
        return zs[-1][:, 0]

    def backward(self, params: Params, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(deltas, inputs): delta_l = dQ/dz_l (n, fan_out) and h_{l-1} (n, fan_in) per layer."""
        x = self.check_input(x)
        dphi = ACTIVATIONS[self.activation][1]
        zs, hs = self._forward_all(params, x)
        deltas = [np.ones((x.shape[0], 1))]
        for l_ in range(len(params) - 1, 0, -1):
            deltas.append((deltas[-1] @ params[l_][0]) * dphi(zs[l_ - 1]))
        deltas.reverse()
        return deltas, hs

    def jacobian(self, params: Params, x: np.ndarray) -> np.ndarray:
        """J[i, p] = dQ_theta(x_i) / d theta_p, shape (n, n_params), in :func:`flatten` order."""
        deltas, hs = self.backward(params, x)
        blocks = []
        for d, h in zip(deltas, hs, strict=True):
            blocks.append((d[:, :, None] * h[:, None, :]).reshape(d.shape[0], -1))
            blocks.append(d)
        return np.concatenate(blocks, axis=1)


def flatten(params: Params) -> np.ndarray:
    """theta: (W_1 row-major, b_1, W_2, b_2, ...)."""
    return np.concatenate([np.concatenate([w.ravel(), b]) for w, b in params])


def unflatten(theta: np.ndarray, like: Params) -> Params:
    """Inverse of :func:`flatten`, with the shapes of ``like``."""
    out: Params = []
    k = 0
    for w, b in like:
        nw, nb = w.size, b.size
        out.append((theta[k:k + nw].reshape(w.shape), theta[k + nw:k + nw + nb].copy()))
        k += nw + nb
    if k != theta.size:
        raise InvalidInput(f"theta: expected {k} parameters, found {theta.size}")
    return out
