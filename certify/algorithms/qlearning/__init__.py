"""Q-learning as a switched linear system (seed 002): certificates, bounds, simulation."""
