"""Smooth Q-learning (seed 000): moduli, weighted p-norm Lyapunov certificates, ODE and
stochastic simulation, the Boltzmann invariant set, and the top-level analysis."""

from certify.algorithms.smooth.analysis import SmoothResult as SmoothResult
from certify.algorithms.smooth.analysis import analyze_smooth as analyze_smooth
from certify.algorithms.smooth.analysis import run_smooth as run_smooth
from certify.algorithms.smooth.boltzmann_sup import boltzmann_grad_sup as boltzmann_grad_sup
from certify.algorithms.smooth.pnorm import PNormLyapunovCertificate as PNormLyapunovCertificate
from certify.algorithms.smooth.pnorm import plain_threshold_p as plain_threshold_p
from certify.algorithms.smooth.tradeoff import pnorm_tradeoff as pnorm_tradeoff
