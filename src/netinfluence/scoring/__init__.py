"""The citizen score, the ranked candidate table with a plain-words reason per rank, and the
validation of rankings against simulated spread.

Modules: ``_score`` (inputs, components, weights and the score), ``_rank`` (ranking, filters,
reasons), ``_validation`` (Kitsak et al. spreading efficiency and imprecision of rankings).
"""

from netinfluence.scoring._rank import (
    RANK_COLUMNS,
    community_topics,
    explain,
    explain_all,
    filter_ranked,
    rank,
    rank_table,
)
from netinfluence.scoring._score import (
    COMPONENTS,
    ScoreWeights,
    awareness_budget,
    citizen_score,
    combine,
    impact_score,
    score_inputs,
)
from netinfluence.scoring._validation import (
    RANKINGS,
    epidemic_threshold,
    imprecision,
    spreading_efficiency,
    validate_rankings,
)

__all__ = [
    "COMPONENTS",
    "RANKINGS",
    "RANK_COLUMNS",
    "ScoreWeights",
    "awareness_budget",
    "citizen_score",
    "combine",
    "community_topics",
    "epidemic_threshold",
    "explain",
    "explain_all",
    "filter_ranked",
    "impact_score",
    "imprecision",
    "rank",
    "rank_table",
    "score_inputs",
    "spreading_efficiency",
    "validate_rankings",
]
