"""Synthetic networks with planted truth: the bundled sample and held-out validation generators.

Modules: ``_sample`` (the bundled sample's generator, :func:`load_sample`, :func:`write_sample`),
``_planted`` (LFR and degree-corrected block-model networks with planted roles, used to validate
the score on truths it was not tuned on: :func:`lfr_social`, :func:`dcsbm_social`).
"""

from netinfluence.datasets._planted import PLANTED_ROLES, PlantedNetwork, dcsbm_social, lfr_social
from netinfluence.datasets._sample import (
    INTERACTION_TYPES,
    ROLES,
    SAMPLE_FILES,
    SAMPLE_SEED,
    TOPICS,
    WINDOW_END,
    WINDOW_START,
    SocialSample,
    load_sample,
    make_social_network,
    write_sample,
)

__all__ = [
    "INTERACTION_TYPES",
    "PLANTED_ROLES",
    "ROLES",
    "SAMPLE_FILES",
    "SAMPLE_SEED",
    "TOPICS",
    "WINDOW_END",
    "WINDOW_START",
    "PlantedNetwork",
    "SocialSample",
    "dcsbm_social",
    "lfr_social",
    "load_sample",
    "make_social_network",
    "write_sample",
]
