"""Empirical NTKs of JAX / Flax Q-networks (the optional ``certify[jax]`` extra).

A Q-network is a pure function ``apply(params, x)`` with a parameter pytree ``params``
(for Flax: ``module.apply`` and the variables), mapping a batch of inputs (m, d) either to
(m, |A|) Q-values (multi-head, the DQN shape) or to (m,) / (m, 1) values of (state, action)
features.  As for PyTorch (:mod:`certify.algorithms.ntk.torch_model`), K = J J^T over every leaf of
``params`` (Achiam, Knight and Abbeel, arXiv 1903.08894, eq. (9)), the rows state-major
(r = s |A| + a, :func:`certify.mdp.ordering.pair_index`), J by ``jax.vmap(jax.jacrev(...))``
over chunks of inputs.

``dtype="float64"`` turns on JAX's 64-bit mode (``jax_enable_x64``, a process-wide switch:
JAX computes in float32 otherwise) and casts the parameters to float64.

jax is imported only inside these functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from certify.algorithms.ntk.torch_model import (
    CHUNK_BYTES,
    MAX_JACOBIAN_BYTES,
    gram_blocks,
    output_matrix,
)
from certify.errors import InvalidInput
from certify.extras import require


def require_jax() -> Any:
    """Import jax, or raise :class:`~certify.extras.MissingExtra` naming the extra."""
    return require("jax")


class JaxQModel:
    """``apply(params, x)`` seen as a Q-network: values, NTK, and the expected DQN step.

    Parameters
    ----------
    apply : callable
        ``apply(params, x)`` -> (m, heads) or (m,).
    params : pytree
        The parameters (every leaf is trained and enters K).
    dtype : {"float64", "float32"} or None
    """

    framework = "jax"

    def __init__(self, apply: Callable[[Any, Any], Any], params: Any,
                 dtype: str | None = "float64") -> None:
        jax = require_jax()
        if not callable(apply):
            raise InvalidInput(f"apply: expected a function apply(params, x), found "
                               f"{type(apply).__name__}")
        if dtype not in (None, "float64", "float32"):
            raise InvalidInput(f"dtype {dtype!r} is unknown; expected float64 or float32")
        if dtype == "float64":
            jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp

        self.jax, self.jnp = jax, jnp
        self.dtype = {None: None, "float64": jnp.float64, "float32": jnp.float32}[dtype]
        cast = (lambda a: jnp.asarray(a, dtype=self.dtype)) if self.dtype else jnp.asarray
        self.params = jax.tree_util.tree_map(cast, params)
        leaves = jax.tree_util.tree_leaves(self.params)
        if not leaves:
            raise InvalidInput("params: the pytree has no leaves, so the NTK is 0")
        self.apply = apply
        self.x_dtype = self.dtype or leaves[0].dtype
        self._jac: Callable[[Any], Any] | None = None
        self._step: Callable[..., Any] | None = None

    @property
    def n_params(self) -> int:
        return int(sum(np.size(leaf) for leaf in self.jax.tree_util.tree_leaves(self.params)))

    def _x(self, x: np.ndarray) -> Any:
        return self.jnp.asarray(np.asarray(x), dtype=self.x_dtype)

    def outputs(self, x: np.ndarray) -> np.ndarray:
        """The outputs on the rows of ``x``: (m, heads)."""
        return output_matrix(np.asarray(self.apply(self.params, self._x(x)), dtype=float), x)

    def _jacobian_fn(self) -> Callable[[Any], Any]:
        if self._jac is None:
            self._jac = self._make_jacobian_fn()
        return self._jac

    def _make_jacobian_fn(self) -> Callable[[Any], Any]:
        jax, jnp = self.jax, self.jnp

        def f(p: Any, x1: Any) -> Any:
            return jnp.reshape(self.apply(p, x1[None]), (-1,))

        jf = jax.jit(jax.vmap(jax.jacrev(f), in_axes=(None, 0)))

        def jac(xc: Any) -> Any:
            leaves = jax.tree_util.tree_leaves(jf(self.params, xc))
            # (c, heads, *shape) -> (c * heads, |p|): row s * heads + a, state-major
            return jnp.concatenate([lf.reshape(lf.shape[0] * lf.shape[1], -1) for lf in leaves], axis=1)

        return jac

    def kernel(self, x: np.ndarray, chunk_bytes: int = CHUNK_BYTES,
               max_jacobian_bytes: int = MAX_JACOBIAN_BYTES, method: str = "jacobian") -> np.ndarray:
        """The empirical NTK over the (input, head) rows, state-major: (m heads, m heads).

        ``method``: "jacobian" (chunks of J) or "ntvp" (blocks of columns J (J^T E) by
        ``jax.vjp`` and ``jax.jvp``, b P tangents at a time within ``chunk_bytes``).
        """
        if method not in ("jacobian", "ntvp"):
            raise InvalidInput(f"method {method!r} is unknown; expected jacobian or ntvp")
        if method == "ntvp":
            return self._kernel_ntvp(np.asarray(x), chunk_bytes)
        x = np.asarray(x)
        heads = self.outputs(x[:1]).shape[1]
        m = x.shape[0]
        item = np.dtype(self.x_dtype).itemsize
        chunk = max(1, int(chunk_bytes // max(1, item * heads * self.n_params)))
        jac = self._jacobian_fn()
        xt = self._x(x)
        keep = m * heads * self.n_params * item <= max_jacobian_bytes
        if not keep:  # two chunks of J at a time: let them use the budget
            chunk = max(chunk, int(max_jacobian_bytes // (2 * item * heads * self.n_params)))
        return gram_blocks(lambda s: jac(xt[s:s + chunk]), m, chunk, heads, keep,
                           lambda a, b: np.asarray(a @ b.T, dtype=float))

    def _kernel_ntvp(self, x: np.ndarray, chunk_bytes: int) -> np.ndarray:
        """K by blocks of columns J (J^T E): vmap of vjp, then vmap of jvp (no J formed)."""
        jax, jnp = self.jax, self.jnp
        xt = self._x(x)

        def f(p: Any) -> Any:
            return jnp.reshape(self.apply(p, xt), (-1,))

        n = int(f(self.params).shape[0])
        item = np.dtype(self.x_dtype).itemsize
        b = max(1, min(n, int(chunk_bytes // max(1, item * self.n_params))))
        _, pullback = jax.vjp(f, self.params)

        def columns(e: Any) -> Any:
            (tangents,) = jax.vmap(pullback)(e)
            return jax.vmap(lambda v: jax.jvp(f, (self.params,), (v,))[1])(tangents)

        cols = jax.jit(columns)
        k = np.empty((n, n))
        eye = np.eye(n, dtype=self.x_dtype)
        for start in range(0, n, b):
            stop = min(n, start + b)
            k[start:stop] = np.asarray(cols(jnp.asarray(eye[start:stop])), dtype=float)
        return (k + k.T) / 2.0

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """The full Jacobian J (m heads, n_params)."""
        return np.asarray(self._jacobian_fn()(self._x(x)), dtype=float)

    def expected_step(self, x: np.ndarray, coeff: np.ndarray, alpha: float) -> None:
        """params <- params + alpha J^T coeff (the expected DQN update when coeff =
        D_rho (T*Q - Q)), J over the outputs on ``x`` flattened state-major."""
        jax, jnp = self.jax, self.jnp
        if self._step is None:
            def step(p: Any, xt: Any, c: Any, a: Any) -> Any:
                grads = jax.grad(lambda q: jnp.sum(jnp.reshape(self.apply(q, xt), (-1,)) * c))(p)
                return jax.tree_util.tree_map(lambda u, d: u + a * d, p, grads)

            self._step = jax.jit(step)
        c = jnp.asarray(np.asarray(coeff, dtype=float), dtype=self.x_dtype)
        self.params = self._step(self.params, self._x(x), c, jnp.asarray(alpha, dtype=self.x_dtype))
