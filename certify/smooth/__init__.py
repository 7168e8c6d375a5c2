"""Smooth Q-learning (seed 000): moduli, weighted p-norm Lyapunov certificates, ODE and
stochastic simulation, the Boltzmann invariant set, and the top-level analysis."""

from .analysis import SmoothResult as SmoothResult
from .analysis import analyze_smooth as analyze_smooth
from .analysis import run_smooth as run_smooth
from .boltzmann_sup import boltzmann_grad_sup as boltzmann_grad_sup
from .pnorm import PNormLyapunovCertificate as PNormLyapunovCertificate
from .pnorm import plain_threshold_p as plain_threshold_p
from .tradeoff import pnorm_tradeoff as pnorm_tradeoff
