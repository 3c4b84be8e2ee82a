"""Spread: diffusion models and simulation, reverse-reachable sampling, and campaign planning.

Modules: ``_diffusion`` (independent cascade, linear threshold and SIR models, Monte Carlo and
reverse-reachable sampling), ``_campaign`` (budgeted seed selection against the follower-count
plan).
"""

from netinfluence.spread._campaign import (
    DEFAULT_COSTS,
    SEED_COLUMNS,
    CampaignPlan,
    account_costs,
    plan_campaign,
)
from netinfluence.spread._campaign import METHODS as PLAN_METHODS
from netinfluence.spread._diffusion import (
    MODELS,
    PROBABILITIES,
    DiffusionModel,
    SpreadResult,
    diffusion_model,
    edge_probabilities,
    expected_spread,
    simulate_spread,
)

__all__ = [
    "DEFAULT_COSTS",
    "MODELS",
    "PLAN_METHODS",
    "PROBABILITIES",
    "SEED_COLUMNS",
    "CampaignPlan",
    "DiffusionModel",
    "SpreadResult",
    "account_costs",
    "diffusion_model",
    "edge_probabilities",
    "expected_spread",
    "plan_campaign",
    "simulate_spread",
]
