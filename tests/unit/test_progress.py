"""Long work reports progress only when asked, and work that would blow up stops first."""

from __future__ import annotations

import time

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence._limits import check_projected_cost, memory_limit, time_limit
from netinfluence._progress import report_progress, task
from netinfluence.spread import (
    awareness_impact,
    expected_spread,
    plan_campaign,
    simulate_spread,
)


@pytest.fixture(scope="module")
def karate():
    return ni.Network.from_networkx(nx.karate_club_graph())


def _record():
    seen: list[tuple[str, int, int | None]] = []
    return seen, lambda label, done, total: seen.append((label, done, total))


def _jobs(seen) -> dict[str, list[tuple[int, int | None]]]:
    out: dict[str, list[tuple[int, int | None]]] = {}
    for label, done, total in seen:
        out.setdefault(label, []).append((done, total))
    return out


def test_every_long_job_reports_progress_and_ends_done(karate):
    seen, callback = _record()
    with report_progress(callback):
        expected_spread(karate, probability="constant", p=0.2, runs=3000, seed=1)
        simulate_spread(karate, [0], probability="constant", p=0.2, runs=500)
        plan_campaign(karate, k=2, probability="constant", p=0.2, runs=50, evaluation_runs=50)
        plan_campaign(karate, k=2, objective="advocacy")
    jobs = _jobs(seen)
    assert {"RR sets", "Monte Carlo runs", "choosing seeds", "threshold cascades"} <= set(jobs)
    rr = jobs["RR sets"]
    assert rr[0] == (0, 3000) and rr[-1] == (3000, 3000)
    assert [d for d, _ in rr] == sorted(d for d, _ in rr)  # never goes backwards
    for label, calls in jobs.items():
        done, total = calls[-1]
        assert total == done, label  # every job's last report says it is over


def test_adaptive_sampling_reports_a_growing_total(karate):
    seen, callback = _record()
    with report_progress(callback):
        out = awareness_impact(karate, min_runs=500, rse=0.01, seed=0)
    rr = _jobs(seen)["RR sets"]
    assert rr[0] == (0, 500)
    assert max(t for _, t in rr if t is not None) == out.attrs["runs"] > 500


def test_library_is_quiet_by_default(karate, capsys):
    expected_spread(karate, probability="constant", p=0.2, runs=2000)
    with task("nobody listens", 3) as tick:
        tick.advance(3)
    assert capsys.readouterr() == ("", "")


def test_progress_reporting_leaves_results_unchanged(karate):
    quiet = expected_spread(karate, probability="constant", p=0.3, runs=4000, seed=3)
    with report_progress(lambda *a: None):
        loud = expected_spread(karate, probability="constant", p=0.3, runs=4000, seed=3)
    pd.testing.assert_frame_equal(quiet, loud)


def test_a_bad_callback_is_an_input_error():
    with pytest.raises(ni.InputError, match="callable"), report_progress(42):  # type: ignore[arg-type]
        pass


# ----------------------------------------------------------------------------- projected cost


@pytest.fixture(scope="module")
def supercritical():
    """20,000 accounts, 200,000 random ties: with every probability 1 one account reaches
    almost all of them, so every reverse-reachable set holds ~20,000 accounts."""
    rng = np.random.default_rng(0)
    n, m = 20_000, 200_000
    edges = pd.DataFrame({"source": rng.integers(0, n, m), "target": rng.integers(0, n, m)})
    return ni.read_network(edges=edges)


def test_imm_on_a_supercritical_network_stops_with_the_options_to_change(supercritical):
    labels = pd.Series(0, index=supercritical.ids)
    t0 = time.perf_counter()
    with pytest.raises(ni.InputError) as err:
        plan_campaign(
            supercritical,
            k=10,
            probability="constant",
            p=1.0,
            method="imm",
            epsilon=0.02,
            labels=labels,
        )
    assert time.perf_counter() - t0 < 30  # the old code allocated hundreds of GiB
    text = str(err.value)
    assert "reverse-reachable sets of about" in text and "GiB of memory" in text
    for option in ("--epsilon", "--probability", "NETINFLUENCE_MAX_MEMORY"):
        assert option in text


def test_expected_spread_with_too_many_sets_stops_before_sampling(supercritical):
    t0 = time.perf_counter()
    with pytest.raises(ni.InputError, match=r"10,000,000 reverse-reachable sets .* (hours|days)"):
        expected_spread(supercritical, probability="constant", p=1.0, runs=10_000_000)
    assert time.perf_counter() - t0 < 30  # the old code sampled for days


def test_awareness_impact_on_supercritical_probabilities_stops(supercritical):
    fc = supercritical.follow_codes
    src, dst = fc["source"].to_numpy(), fc["target"].to_numpy()
    with pytest.raises(ni.InputError, match=r"probabilities=.*min_runs"):
        awareness_impact(
            supercritical, probabilities=(src, dst, np.ones(len(src))), min_runs=1_000_000
        )


def test_limits_can_be_set_from_the_environment(monkeypatch):
    monkeypatch.setenv("NETINFLUENCE_MAX_MEMORY", "1.5G")
    monkeypatch.setenv("NETINFLUENCE_MAX_SECONDS", "90")
    assert memory_limit() == int(1.5 * 2**30) and time_limit() == 90.0
    with pytest.raises(ni.InputError, match=r"about 2\.0 minutes \(limit 1\.5 minutes"):
        check_projected_cost("job", seconds=120, memory=0, work="it", hint="wait less")
    monkeypatch.setenv("NETINFLUENCE_MAX_SECONDS", "soon")
    with pytest.raises(ni.InputError, match="NETINFLUENCE_MAX_SECONDS"):
        time_limit()


def test_ordinary_sampling_passes_the_check(karate):
    # the sample's calibrated tie probabilities are subcritical: no stop, same as ever
    out = awareness_impact(karate, seed=0)
    assert out.attrs["runs"] >= 2000


def test_progress_inside_worker_threads_reaches_the_reporter(monkeypatch):
    from netinfluence._threads import threaded_map

    monkeypatch.setenv("NETINFLUENCE_THREADS", "2")

    def job(n):
        with task(f"job {n}", 1) as tick:
            tick.advance()
        return n

    seen, callback = _record()
    with report_progress(callback):
        assert list(threaded_map(job, [1, 2, 3])) == [1, 2, 3]
    assert {label for label, _, _ in seen} == {"job 1", "job 2", "job 3"}


def test_advocacy_score_reports_its_cascades(karate):
    # the labelled steps of the score run on worker threads: their progress still arrives
    seen, callback = _record()
    with report_progress(callback):
        ni.citizen_score(karate, objective="advocacy", seed=0)
    assert "threshold cascades" in _jobs(seen)
