"""Empirical NTKs of PyTorch Q-networks (the optional ``certify[torch]`` extra).

A Q-network ``model`` is a ``torch.nn.Module`` of one of two shapes:

* **multi-head** (the DQN shape): a batch of state features (m, d) -> Q-values (m, |A|);
* **single-head**: a batch of (state, action) features (m, d) -> one value each, (m,) or (m, 1).

Its empirical NTK (Achiam, Knight and Abbeel, arXiv 1903.08894, eq. (9); Jacot et al. 2018)
is K = J J^T with J_{r, p} = d Q_r / d theta_p over every trainable parameter.  For a
multi-head network the rows r are the (state, head) pairs, ordered state-major as everywhere
in certify (:func:`certify.mdp.ordering.pair_index`: r = s |A| + a), so K is |S||A| x |S||A|.

The Jacobian is computed by ``torch.func`` (``vmap`` over the inputs of ``jacrev`` of the
per-input output), in chunks of inputs so that a chunk of J stays below ``chunk_bytes``.
When the whole J fits in ``max_jacobian_bytes`` it is kept and K is formed block by block;
otherwise the chunks grow to half that budget and each block K_IJ = J_I J_J^T recomputes J_J
(time O((n / chunk)^2) Jacobian chunks, memory 8 n^2 for K plus the budget), so 10,000 pairs
and models of 10^6 parameters fit in a few GB.  The arithmetic is n^2 P multiply-adds
whichever way (1e14 for n = 10^4, P = 10^6: hours on a CPU).
``method="ntvp"`` takes the NTK-vector-product route instead, for models whose Jacobian
chunks are too large: a block of columns K E = J (J^T E) by one batched vector-Jacobian
product (``torch.func.vjp``) and one batched Jacobian-vector product (``torch.func.jvp``)
over all inputs, so memory is O(b P + n^2) for b columns at a time and no J is ever formed.
With ``dtype="float64"`` the model is copied to double precision first (the caller's model
is left untouched).

torch is imported only inside these functions.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from certify.errors import InvalidInput
from certify.extras import require

CHUNK_BYTES = 256 * 2**20
"""Target size of one chunk of the Jacobian (bytes)."""
MAX_JACOBIAN_BYTES = 2 * 2**30
"""Keep the whole Jacobian when it is at most this large; otherwise recompute column chunks."""


def require_torch() -> Any:
    """Import torch, or raise :class:`~certify.extras.MissingExtra` naming the extra."""
    return require("torch")


def output_matrix(out: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A model's outputs on the rows of ``x`` as an (m, heads) array (one value: heads = 1);
    InvalidInput when the shape is anything else."""
    if out.ndim == 1:
        out = out[:, None]
    if out.ndim != 2 or out.shape[0] != np.shape(x)[0]:
        raise InvalidInput(f"model: expected outputs of shape ({np.shape(x)[0]}, heads) on "
                           f"inputs of shape {np.shape(x)}, found {out.shape}")
    return out


def is_torch_module(obj: object) -> bool:
    """True when ``obj`` is a torch.nn.Module (without importing torch when it is absent)."""
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.nn.Module)


def _torch_dtype(torch: Any, dtype: str | None, model: Any) -> Any:
    if dtype is None:
        ps = list(model.parameters())
        return ps[0].dtype if ps else torch.get_default_dtype()
    table = {"float64": torch.float64, "float32": torch.float32}
    if dtype not in table:
        raise InvalidInput(f"dtype {dtype!r} is unknown; expected float64 or float32")
    return table[dtype]


def gram_blocks(jac_chunk: Callable[[int], Any], m: int, chunk: int, heads: int, keep: bool,
                matmul: Callable[[Any, Any], np.ndarray]) -> np.ndarray:
    """K = J J^T block by block, J's rows in chunks of ``chunk`` inputs (``heads`` rows each).

    Only the blocks on and above the diagonal are multiplied; each is mirrored, so K is
    exactly symmetric without an averaging copy.  ``keep``: hold every chunk of J (memory
    n P); otherwise recompute the chunks of the columns for each chunk of rows (memory
    2 chunk P, time O((m / chunk)^2) Jacobian chunks).  Peak memory: 8 n^2 for K plus J.
    """
    starts = list(range(0, m, chunk))
    n = m * heads
    k = np.empty((n, n))
    kept = [jac_chunk(s) for s in starts] if keep else None
    for i, si in enumerate(starts):
        ji = kept[i] if kept is not None else jac_chunk(si)
        ri = slice(si * heads, min(m, si + chunk) * heads)
        for j in range(i, len(starts)):
            sj = starts[j]
            jj = ji if j == i else (kept[j] if kept is not None else jac_chunk(sj))
            rj = slice(sj * heads, min(m, sj + chunk) * heads)
            blk = matmul(ji, jj)
            if j == i:
                blk = (blk + blk.T) / 2.0
            k[ri, rj] = blk
            if j != i:
                k[rj, ri] = blk.T
    return k


class TorchQModel:
    """A torch.nn.Module seen as a Q-network: values, NTK, and the expected DQN step.

    Parameters
    ----------
    model : torch.nn.Module
        The network (a deep copy is taken when converting to ``dtype``; the copy is what
        :meth:`expected_step` trains).
    dtype : {"float64", "float32"} or None
        Precision of every computation (None: the model's own).
    """

    framework = "torch"

    def __init__(self, model: Any, dtype: str | None = "float64") -> None:
        torch = require_torch()
        if not isinstance(model, torch.nn.Module):
            raise InvalidInput(f"model: expected a torch.nn.Module, found {type(model).__name__}")
        self.torch = torch
        self.dtype = _torch_dtype(torch, dtype, model)
        self.model = copy.deepcopy(model).to(self.dtype)
        self.names = [n for n, p in self.model.named_parameters() if p.requires_grad]
        if not self.names:
            raise InvalidInput("model: it has no trainable parameters, so its NTK is 0")

    @property
    def n_params(self) -> int:
        return int(sum(p.numel() for n, p in self.model.named_parameters() if n in self.names))

    def _x(self, x: np.ndarray) -> Any:
        return self.torch.as_tensor(np.asarray(x), dtype=self.dtype)

    def outputs(self, x: np.ndarray) -> np.ndarray:
        """The network's outputs on the rows of ``x``: (m, heads) (heads = 1 for one value)."""
        with self.torch.no_grad():
            out = self.model(self._x(x))
        return output_matrix(out.detach().cpu().numpy().astype(float), x)

    def _jacobian_fn(self) -> Callable[[Any], Any]:
        torch = self.torch
        from torch.func import functional_call, jacrev, vmap

        params = {n: p.detach() for n, p in self.model.named_parameters() if n in self.names}
        frozen = {n: p.detach() for n, p in self.model.named_parameters() if n not in self.names}
        buffers = dict(self.model.named_buffers())

        def f(p: dict, x1: Any) -> Any:
            return functional_call(self.model, ({**p, **frozen}, buffers), (x1.unsqueeze(0),)).reshape(-1)

        jf = vmap(jacrev(f), in_dims=(None, 0))

        def jac(xc: Any) -> Any:
            d = jf(params, xc)
            c = xc.shape[0]
            # (c, heads, *shape) -> (c * heads, |p|): row s * heads + a, state-major
            return torch.cat([d[n].reshape(c * d[n].shape[1], -1) for n in self.names], dim=1)

        return jac

    def kernel(self, x: np.ndarray, chunk_bytes: int = CHUNK_BYTES,
               max_jacobian_bytes: int = MAX_JACOBIAN_BYTES, method: str = "jacobian") -> np.ndarray:
        """The empirical NTK over the (input, head) rows, state-major: (m heads, m heads).

        ``method``: "jacobian" (chunks of J, the default) or "ntvp" (NTK-vector products,
        ``chunk_bytes`` bounds the b P tangents of a block of b columns).
        """
        torch = self.torch
        if method not in ("jacobian", "ntvp"):
            raise InvalidInput(f"method {method!r} is unknown; expected jacobian or ntvp")
        if method == "ntvp":
            return self._kernel_ntvp(np.asarray(x), chunk_bytes)
        x = np.asarray(x)
        heads = self.outputs(x[:1]).shape[1]
        m = x.shape[0]
        item = torch.tensor([], dtype=self.dtype).element_size()
        chunk = max(1, int(chunk_bytes // max(1, item * heads * self.n_params)))
        jac = self._jacobian_fn()
        xt = self._x(x)
        keep = m * heads * self.n_params * item <= max_jacobian_bytes
        if not keep:  # two chunks of J at a time: let them use the budget
            chunk = max(chunk, int(max_jacobian_bytes // (2 * item * heads * self.n_params)))
        with torch.no_grad():
            return gram_blocks(lambda s: jac(xt[s:s + chunk]), m, chunk, heads, keep,
                               lambda a, b: (a @ b.T).cpu().numpy())

    def _kernel_ntvp(self, x: np.ndarray, chunk_bytes: int) -> np.ndarray:
        """K by blocks of columns J (J^T E): vmap of vjp, then vmap of jvp (no J formed)."""
        torch = self.torch
        from torch.func import functional_call, jvp, vjp, vmap

        params = {n: p.detach() for n, p in self.model.named_parameters() if n in self.names}
        frozen = {n: p.detach() for n, p in self.model.named_parameters() if n not in self.names}
        buffers = dict(self.model.named_buffers())
        xt = self._x(x)

        def f(p: dict) -> Any:
            return functional_call(self.model, ({**p, **frozen}, buffers), (xt,)).reshape(-1)

        item = torch.tensor([], dtype=self.dtype).element_size()
        with torch.no_grad():
            n = int(f(params).shape[0])
        b = max(1, min(n, int(chunk_bytes // max(1, item * self.n_params))))
        k = np.empty((n, n))
        _, pullback = vjp(f, params)
        with warnings.catch_warnings():  # torch's jvp still goes through torch.jit.script
            warnings.filterwarnings("ignore", ".*torch.jit.script.*", DeprecationWarning)
            self._ntvp_blocks(f, params, pullback, vmap, jvp, n, b, k)
        return (k + k.T) / 2.0

    def _ntvp_blocks(self, f: Callable, params: dict, pullback: Callable, vmap: Callable,
                     jvp: Callable, n: int, b: int, k: np.ndarray) -> None:
        torch = self.torch
        for start in range(0, n, b):
            stop = min(n, start + b)
            e = torch.zeros((stop - start, n), dtype=self.dtype)
            e[torch.arange(stop - start), torch.arange(start, stop)] = 1.0
            (tangents,) = vmap(pullback)(e)  # J^T e_j for each column j, batched

            def push(v: dict) -> Any:
                return jvp(f, (params,), (v,))[1]

            k[start:stop] = vmap(push)(tangents).detach().cpu().numpy()

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """The full Jacobian J (m heads, n_params) (for tests and small models)."""
        with self.torch.no_grad():
            return self._jacobian_fn()(self._x(x)).cpu().numpy().astype(float)

    def expected_step(self, x: np.ndarray, coeff: np.ndarray, alpha: float) -> None:
        """theta <- theta + alpha J^T coeff, with J over the rows of ``outputs(x)`` flattened
        state-major (``coeff`` = D_rho (T*Q - Q) gives the expected DQN update of seed 001)."""
        torch = self.torch
        ps = [p for n, p in self.model.named_parameters() if n in self.names]
        out = self.model(self._x(x)).reshape(-1)
        c = torch.as_tensor(np.asarray(coeff, dtype=float), dtype=self.dtype)
        if out.shape[0] != c.shape[0]:
            raise InvalidInput(f"coeff: expected {out.shape[0]} entries, found {c.shape[0]}")
        grads = torch.autograd.grad((out * c).sum(), ps)
        with torch.no_grad():
            for p, g in zip(ps, grads, strict=True):
                p.add_(g, alpha=float(alpha))
