"""The HTML report: self-contained, escaped, complete; the `report` command and demo outputs."""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import json
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import netinfluence as ni
from netinfluence.cli import app
from netinfluence.datasets import make_social_network, write_sample
from netinfluence.demo import report_outputs as demo_outputs
from netinfluence.pipeline import analyze
from netinfluence.report import render_html_report, report_figures, write_html_report

EVIL_HANDLE = '<script>alert("pwned")</script>&\'"'
EVIL_TOPIC = "<img src=x onerror=alert(1)>"

runner = CliRunner()


class Page(HTMLParser):
    """Collects what the tests look at: tags with attributes, scripts, text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def all(self, tag, **attrs):
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


@pytest.fixture(scope="module")
def evil_analysis():
    """A small sample where an account's handle and many topics are full of HTML."""
    sample = make_social_network(seed=3, n_accounts=500, n_communities=4)
    users = sample.users.copy()
    users.loc[users.index[7], "handle"] = EVIL_HANDLE
    users["topics"] = users["topics"].astype(str)
    users.loc[users.index[::2], "topics"] = EVIL_TOPIC  # the top topic of every community
    net = ni.read_network(follows=sample.follows, interactions=sample.interactions, users=users)
    return analyze(net, seed=0)


@pytest.fixture(scope="module")
def page_text(evil_analysis):
    return render_html_report(
        evil_analysis, top=None, title='Report <for> "us" & them', generated="2024-01-01 00:00 UTC"
    )


@pytest.fixture(scope="module")
def page(page_text):
    parser = Page()
    parser.feed(page_text)
    return parser


def test_user_data_is_escaped(page_text, page, evil_analysis):
    assert "<script>alert" not in page_text
    assert "<img src=x" not in page_text
    assert html.escape(EVIL_HANDLE, quote=True) in page_text
    assert html.escape(EVIL_TOPIC, quote=True) in page_text
    # one and only one script element: the report's own
    assert len(page.all("script")) == 1
    assert "<title>Report &lt;for&gt; &quot;us&quot; &amp; them</title>" in page_text
    # the escaped handle reads back as the original text in the table's data
    bodies = page.all("tbody", **{"class": "cand"})
    assert any(EVIL_HANDLE.lower() in b["data-search"] for b in bodies)


SCRIPT_PAYLOAD = "<script>alert(1)</script>"
ATTR_PAYLOAD = '"><img src=x onerror=alert(1)>'


def test_hostile_handle_reason_topic_and_id_never_reach_the_page_raw(evil_analysis):
    """Handles, reasons (why), topics and ids come from user files: none may become markup,
    in element text or in attributes (data-search, data-v, option values), nor in the plan."""
    ranked = evil_analysis.ranked.copy()
    top = ranked.sort_values("rank").index[:4]
    ranked.loc[top[0], "handle"] = SCRIPT_PAYLOAD
    ranked.loc[top[1], "handle"] = ATTR_PAYLOAD
    ranked.loc[top[:2], "why"] = [ATTR_PAYLOAD, SCRIPT_PAYLOAD]
    ranked["community_topic"] = ranked["community_topic"].astype(object)
    ranked.loc[ranked["community"] == ranked.loc[top[0], "community"], "community_topic"] = (
        ATTR_PAYLOAD
    )
    ranked.loc[ranked["community"] == ranked.loc[top[1], "community"], "community_topic"] = (
        SCRIPT_PAYLOAD
    )
    ranked.loc[top[2], "node"] = ATTR_PAYLOAD  # shown when there is no handle
    ranked.loc[top[2], "handle"] = ""
    ranked.loc[top[3], "flags"] = SCRIPT_PAYLOAD
    hostile = dataclasses.replace(evil_analysis, ranked=ranked)
    plan = {
        "seeds": pd.DataFrame({"order": [1], "node": [SCRIPT_PAYLOAD], "cumulative_spread": [1.0]}),
        "model": ATTR_PAYLOAD,
    }
    text = render_html_report(hostile, plan=plan, top=None, figures={}, title=ATTR_PAYLOAD)
    for payload in (SCRIPT_PAYLOAD, ATTR_PAYLOAD):
        assert payload not in text
        assert html.escape(payload, quote=True) in text
    assert "<script>alert" not in text and "<img" not in text and "onerror=alert" in text
    assert '"><img' not in text
    parser = Page()
    parser.feed(text)
    assert len(parser.all("script")) == 1 and not parser.all("img")
    assert not [(t, a) for t, a in parser.tags if any(k.startswith("on") for k in a)]
    # the payloads read back as plain text where the page keeps data
    bodies = parser.all("tbody", **{"class": "cand"})
    assert sum(SCRIPT_PAYLOAD in b["data-search"] for b in bodies) >= 2
    assert any(ATTR_PAYLOAD.lower() in b["data-search"] for b in bodies)
    assert parser.all("td", **{"data-v": ATTR_PAYLOAD.lower()})
    assert parser.all("option", value=str(ranked.loc[top[0], "community"]))


def test_self_contained_nothing_loaded_from_elsewhere(page_text, page):
    assert "http://" not in page_text and "https://" not in page_text
    for tag, attrs in page.tags:
        for key in ("src", "href", "action", "data"):
            if key in attrs and tag != "tbody":
                assert attrs[key].startswith(("data:", "#")), (tag, attrs[key][:60])
    csp = page.all("meta", **{"http-equiv": "Content-Security-Policy"})
    assert csp and "default-src 'none'" in csp[0]["content"]
    assert not page.all("link")


def test_embedded_plots_are_real_pngs(page):
    images = page.all("img")
    names = {img["data-figure"] for img in images}
    assert names == {
        "community_map",
        "community_sizes",
        "degree_distributions",
        "score_vs_followers",
        "impact_breakdown",
        "component_breakdown",
    }
    import matplotlib.image as mpimg

    for img in images:
        raw = base64.b64decode(img["src"].split(",", 1)[1])
        assert raw[:8] == b"\x89PNG\r\n\x1a\n"
        pixels = mpimg.imread(io.BytesIO(raw), format="png")
        assert pixels[..., :3].std() > 0.05
        assert img["alt"]


def test_sections_and_candidate_table(page_text, page, evil_analysis):
    for section in ("input", "communities", "candidates", "method"):
        assert page.all("section", id=section)
    assert not page.all("section", id="plan")  # no plan given
    bodies = page.all("tbody", **{"class": "cand"})
    assert len(bodies) == evil_analysis.net.n_nodes  # top=None: every account
    headers = [a for t, a in page.tags if t == "th" and "data-col" in a]
    assert [h["data-kind"] for h in headers][:3] == ["num", "text", "num"]
    assert len(page.all("tr", **{"class": "detail"})) == len(bodies)
    # the load report and the network summary are there
    assert "Load report" in page_text and "Network summary" in page_text
    assert f">{evil_analysis.net.n_nodes:,}<" in page_text
    # every community appears in the overview with its size
    sizes = evil_analysis.labels.value_counts()
    for c, size in sizes.items():
        assert f"<td>{c}</td>" in page_text and f">{size:,}<" in page_text
    # the why column of the first candidate
    why = evil_analysis.ranked["why"].iloc[0]
    assert html.escape(why, quote=True) in page_text


def test_sort_keys_are_the_raw_numbers(page, evil_analysis):
    """The table sorts on data-v: the exact value, not the formatted text."""
    first = page.all("tbody", **{"class": "cand"})[0]
    assert first["data-flagged"] in ("0", "1")
    tds = [a for t, a in page.tags if t == "td" and "data-v" in a]
    followers = float(tds[6]["data-v"])
    assert followers == pytest.approx(float(evil_analysis.ranked["followers"].iloc[0]))
    score = float(tds[2]["data-v"])
    assert score == pytest.approx(float(evil_analysis.ranked["score"].iloc[0]), rel=1e-9)


def test_top_limits_rows_and_bad_arguments(evil_analysis, tmp_path):
    text = render_html_report(evil_analysis, top=25, figures={})
    assert text.count('<tbody class="cand"') == 25
    assert "the top 25 of 500 accounts" in text
    assert "<img" not in text  # figures={} embeds none
    with pytest.raises(ni.InputError, match="top must be"):
        render_html_report(evil_analysis, top=-3, figures={})
    with pytest.raises(ni.InputError, match="title"):
        render_html_report(evil_analysis, title=3, figures={})
    with pytest.raises(ni.InputError, match=r"\.html"):
        write_html_report(evil_analysis, tmp_path / "report.pdf", figures={})
    with pytest.raises(ni.InputError, match="plan must be"):
        render_html_report(evil_analysis, plan=42, figures={})


def test_plan_section_and_spread_curves(evil_analysis):
    ranked = evil_analysis.ranked
    seeds = pd.DataFrame(
        {
            "order": [1, 2, 3],
            "node": ranked["node"].head(3).tolist(),
            "marginal_gain": [30.0, 20.0, 10.0],
            "cumulative_spread": [30.0, 50.0, 60.0],
            "cost": [100, 100, 500],
        }
    )
    naive = pd.DataFrame(
        {
            "order": [1],
            "node": [ranked.nlargest(1, "followers")["node"].iloc[0]],
            "cumulative_spread": [12.0],
            "cost": [50_000],
        }
    )
    plan = {
        "seeds": seeds,
        "naive": naive,
        "budget": 20_000,
        "expected_spread": 60.0,
        "model": "ic",
    }
    figs = report_figures(evil_analysis, plan=plan)
    assert "spread_curves" in figs
    # the planned seeds are ringed on the community map (with the labelled top 10)
    from matplotlib.collections import PathCollection

    rings = [
        c
        for c in figs["community_map"].axes[0].collections
        if isinstance(c, PathCollection) and not len(c.get_facecolors())
    ]
    assert len(rings[0].get_offsets()) == 10
    text = render_html_report(
        evil_analysis, plan=plan, top=10, figures={"spread_curves": figs["spread_curves"]}
    )
    parser = Page()
    parser.feed(text)
    assert parser.all("section", id="plan")
    assert parser.all("img", **{"data-figure": "spread_curves"})
    assert "expected spread" in text and "20,000" in text
    assert 'href="#plan"' in text
    # a plain seeds table works too
    text = render_html_report(evil_analysis, plan=seeds, top=10, figures={})
    assert "Seeds" in text and "marginal_gain" in text


def test_a_real_campaign_plan(evil_analysis):
    plan = ni.plan_campaign(
        evil_analysis.net,
        k=3,
        probability="weighted_cascade",
        runs=100,
        evaluation_runs=100,
        labels=evil_analysis.labels,
        seed=0,
    )
    figs = report_figures(evil_analysis, plan=plan)
    lines = figs["spread_curves"].axes[0].get_lines()
    assert [ln.get_label().split(":")[0] for ln in lines] == [
        "planned seeds",
        "naive plan (most followers)",
    ]
    np.testing.assert_allclose(lines[0].get_ydata()[1:], plan.seeds["cumulative_spread"])
    text = render_html_report(
        evil_analysis, plan=plan, top=5, figures={"spread_curves": figs["spread_curves"]}
    )
    for table in ("summary", "seeds", "naive", "communities", "parameters"):
        assert f'data-table="{table}"' in text
    assert "weighted_cascade" in text  # a parameter
    assert html.escape(str(plan.seeds["node"].iloc[0])) in text


def _legend_numbers(fig) -> list[str]:
    import re

    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    return [re.search(r": ([\d,]+) with", t).group(1) for t in texts]


def test_console_legend_and_summary_report_one_evaluation(evil_analysis):
    import re

    from netinfluence.demo import plan_sentence

    plan = ni.plan_campaign(
        evil_analysis.net,
        budget=1500,
        probability="weighted_cascade",
        runs=100,
        evaluation_runs=200,
        labels=evil_analysis.labels,
        seed=0,
    )
    assert plan_sentence(plan).startswith("campaign plan (awareness: simple contagion")
    said = re.findall(r"([\d,]+) accounts", plan_sentence(plan))
    shown = _legend_numbers(report_figures(evil_analysis, plan=plan)["spread_curves"])
    evaluated = [f"{v:,.0f}" for v in plan.summary.loc["expected_spread", ["plan", "naive"]]]
    assert said == shown == evaluated
    # the optimiser's own cumulative estimate is a different number: the legend used to say it
    estimated = [f"{t['cumulative_spread'].iloc[-1]:,.0f}" for t in (plan.seeds, plan.naive)]
    assert estimated != evaluated


def test_advocacy_plan_figure_shows_every_plan_evaluated(evil_analysis):
    from netinfluence.demo import plan_sentence

    plan = ni.plan_campaign(evil_analysis.net, k=2, objective="advocacy", seed=0)
    fig = report_figures(evil_analysis, plan=plan)["spread_curves"]
    adopters = plan.summary.loc["expected_adopters"]
    assert _legend_numbers(fig) == [f"{adopters[c]:,.0f}" for c in ("plan", "naive", "top_degree")]
    assert fig.axes[0].get_ylabel() == "expected adopters (cumulative)"
    sentence = plan_sentence(plan)
    assert "complex contagion" in sentence and "not comparable with awareness" in sentence
    for column in ("plan", "top_degree", "naive"):
        assert f"{adopters[column]:,.0f}" in sentence


def test_write_is_atomic_utf8(evil_analysis, tmp_path):
    path = write_html_report(evil_analysis, tmp_path / "r.html", top=30, figures={})
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temporary left behind


@pytest.mark.slow
def test_demo_outputs(evil_analysis, tmp_path):
    written = demo_outputs(evil_analysis, tmp_path / "demo", seed=0)
    assert set(written) == {
        "report",
        "community_map",
        "community_sizes",
        "degree_distributions",
        "score_vs_followers",
        "impact_breakdown",
        "component_breakdown",
    }
    for key, p in written.items():
        assert p.is_file() and p.stat().st_size > 5_000, key
        if key != "report":
            assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------------------------ CLI


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    write_sample(folder, seed=11, n_accounts=400, n_communities=3)
    return folder


@pytest.mark.slow
def test_report_command_writes_the_report_and_meta(small, tmp_path):
    out = tmp_path / "report.html"
    res = runner.invoke(
        app,
        [
            "--quiet",
            "report",
            "--follows",
            str(small / "follows.csv"),
            "--interactions",
            str(small / "interactions.csv"),
            "--users",
            str(small / "users.csv"),
            "--out",
            str(out),
            "--top",
            "40",
            "--title",
            "Small <net>",
            "--seed",
            "2",
        ],
    )
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert text.count('<tbody class="cand"') == 40
    assert "Small &lt;net&gt;" in text
    meta = json.loads((tmp_path / "report.html.meta.json").read_text())
    assert meta["parameters"]["seed"] == 2 and meta["parameters"]["top"] == 40
    assert len(meta["inputs"]) == 3
    assert sum(1 for c in app.registered_commands if c.name == "report") == 1


def test_report_command_bad_input_is_one_line_and_exit_2(small, tmp_path):
    res = runner.invoke(
        app,
        ["report", "--follows", str(small / "follows.csv"), "--out", str(tmp_path / "report.pdf")],
    )
    assert res.exit_code == 2
    assert "html" in res.output
    res = runner.invoke(
        app,
        ["report", "--follows", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "r.html")],
    )
    assert res.exit_code == 2
    assert not (tmp_path / "r.html").exists()
    assert np.all([line.startswith("error:") for line in res.output.strip().splitlines()])


@pytest.mark.slow
def test_report_command_with_a_campaign(small, tmp_path):
    out = tmp_path / "report.html"
    res = runner.invoke(
        app,
        [
            "--quiet",
            "report",
            "--follows",
            str(small / "follows.csv"),
            "--interactions",
            str(small / "interactions.csv"),
            "--users",
            str(small / "users.csv"),
            "--out",
            str(out),
            "--k",
            "3",
            "--top",
            "20",
        ],
    )
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert 'id="plan"' in text and 'data-figure="spread_curves"' in text
    meta = json.loads((tmp_path / "report.html.meta.json").read_text())
    assert meta["parameters"]["k"] == 3 and meta["parameters"]["plan"]["method"]


def test_report_command_ranks_by_the_chosen_objective(small, tmp_path):
    out = tmp_path / "report.html"
    inputs = ["--follows", str(small / "follows.csv"), "--interactions"]
    inputs += [str(small / "interactions.csv"), "--users", str(small / "users.csv")]
    args = ["--quiet", "report", *inputs, "--out", str(out), "--top", "10", "--k", "2"]
    res = runner.invoke(app, [*args, "--objective", "advocacy"])
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert 'data-objective="advocacy"' in text and "Ranked for advocacy" in text
    assert "expected_adopters" in text  # the advocacy plan beside top degree and followers
    meta = json.loads((tmp_path / "report.html.meta.json").read_text())
    assert meta["parameters"]["objective"] == "advocacy"
    assert meta["parameters"]["plan"]["objective"] == "advocacy"
    res = runner.invoke(app, [*args, "--objective", "advocacy", "--budget", "900"])
    assert res.exit_code == 2 and "--k" in res.output
    res = runner.invoke(app, [*args[:-2], "--objective", "awareness"])
    assert res.exit_code == 0, res.output
    assert 'data-objective="awareness"' in out.read_text(encoding="utf-8")
