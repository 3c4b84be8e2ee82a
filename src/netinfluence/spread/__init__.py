"""Spread: diffusion models and simulation, reverse-reachable sampling, and campaign planning.

Modules: ``_diffusion`` (independent cascade, linear threshold and SIR models, Monte Carlo and
reverse-reachable sampling), ``_impact`` (how many real accounts each account moves:
awareness by reverse-reachable sampling, advocacy by threshold cascades), ``_campaign`` (budgeted seed selection against the follower-count
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
from netinfluence.spread._impact import (
    OBJECTIVES,
    AwarenessSample,
    advocacy_impact,
    awareness_impact,
    close_circles,
    counted_weights,
    first_rr_sets,
    more_rr_sets,
    plan_advocacy,
    sample_awareness,
    threshold_spread,
)
from netinfluence.spread._impact import objective as check_objective

__all__ = [
    "DEFAULT_COSTS",
    "MODELS",
    "OBJECTIVES",
    "PLAN_METHODS",
    "PROBABILITIES",
    "SEED_COLUMNS",
    "AwarenessSample",
    "CampaignPlan",
    "DiffusionModel",
    "SpreadResult",
    "account_costs",
    "advocacy_impact",
    "awareness_impact",
    "check_objective",
    "close_circles",
    "counted_weights",
    "diffusion_model",
    "edge_probabilities",
    "expected_spread",
    "first_rr_sets",
    "more_rr_sets",
    "plan_advocacy",
    "plan_campaign",
    "sample_awareness",
    "simulate_spread",
    "threshold_spread",
]
