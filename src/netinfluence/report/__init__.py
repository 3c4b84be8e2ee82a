"""Showing results: plots (``netinfluence.report.plots``) and the self-contained HTML report.

Importing this subpackage loads no matplotlib; the functions that draw import it.
"""

from netinfluence.report._html import (
    plan_spread_figure,
    render_html_report,
    report_figures,
    write_html_report,
)

__all__ = ["plan_spread_figure", "render_html_report", "report_figures", "write_html_report"]
