"""Write the measurements: JSON, a Markdown table, a PNG chart, the README's headline table."""

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on a server or in CI

import matplotlib.pyplot as plt  # noqa: E402

from benchmarks.measure import TARGETS_MS, Result  # noqa: E402

JSON_NAME = "results.json"
MARKDOWN_NAME = "results.md"
CHART_NAME = "percentiles.png"
README_START = "<!-- results:start -->"
README_END = "<!-- results:end -->"


def table(results: list[Result]) -> str:
    """The results as a Markdown table, one row per page, with pass or miss."""
    lines = [
        "| page | p50 ms | p95 ms | p99 ms | DB p50 ms | queries | requests | target | |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        verdict = "pass" if r.passed else "**miss**: " + "; ".join(r.misses)
        lines.append(
            f"| {r.name} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} | {r.db_p50:.1f} | {r.queries} "
            f"| {r.requests} | {r.target} | {verdict} |"
        )
    return "\n".join(lines)


def summary(meta: dict) -> str:
    """Two lines saying on what data and machine the table was measured."""
    counts = meta["data"]
    generation = meta.get("generation") or {}
    made = (
        f", generated in {generation['seconds'] / 60:.1f} min" if generation.get("seconds") else ""
    )
    machine = meta["machine"]
    return (
        f"Measured {meta['measured_at']} on {machine['cpu']}, {machine['memory']}, "
        f"PostgreSQL {machine['postgresql']}, Python {machine['python']}, "
        f"load average {machine.get('load_average', '?')} before measuring; "
        f"{meta['requests']} requests per page after {meta['warmup']} warm-up requests "
        f"(fewer, at least 20, for a page whose requests took seconds: "
        f"{meta.get('budget_seconds') or 'no'} s budget per page).\n"
        f"Data: {counts.get('contacts_contact', 0):,} contacts and "
        f"{counts.get('companies_company', 0):,} companies in all "
        f"(scale {meta['scale']}){made}; the measured organization is `{meta['slug']}`."
    )


def chart(results: list[Result], path: Path) -> None:
    """Horizontal bars of p50/p95/p99 per page, with each page's p95 target marked."""
    rows = list(reversed(results))
    names = [f"{r.name} ({r.queries} queries)" for r in rows]
    height = 0.26
    figure, axes = plt.subplots(figsize=(11, 0.45 * len(results) + 1.6))
    positions = range(len(rows))
    for offset, (key, color) in enumerate(
        (("p50", "#9ecae1"), ("p95", "#3182bd"), ("p99", "#08519c"))
    ):
        axes.barh(
            [p + (1 - offset) * height for p in positions],
            [getattr(r, key) for r in rows],
            height=height,
            color=color,
            label=key,
        )
    for position, r in zip(positions, rows, strict=True):
        limit = _limit(r)
        if limit is not None:
            axes.plot(
                [limit, limit],
                [position - 1.5 * height, position + 1.5 * height],
                color="#d62728",
                linewidth=2,
            )
        if not r.passed:
            reasons = [m.split(" ", 1)[0] if m.startswith("p95") else "queries" for m in r.misses]
            axes.text(
                max(r.p99, limit or 0) * 1.03,
                position,
                f"miss ({', '.join(reasons)})",
                color="#d62728",
                va="center",
                fontsize=8,
            )
    axes.plot([], [], color="#d62728", linewidth=2, label="p95 target")
    axes.set_yticks(list(positions), names)
    axes.set_xlabel("server time per request (ms)")
    axes.set_title("Rolo directory pages: server time per request", pad=28)
    longest = max(max(r.p99 for r in rows), max((_limit(r) or 0) for r in rows))
    if longest > 10 * max(TARGETS_MS.values()):
        # One slow page would squash every other bar against zero.
        axes.set_xscale("log")
        axes.set_xlim(right=longest * 4)
    else:
        axes.set_xlim(right=longest * 1.3)
    axes.grid(axis="x", alpha=0.3)
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, frameon=False)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _limit(result: Result) -> float | None:
    match = re.search(r"\(([\d.]+) ms\)|p95 ≤ ([\d.]+) ms", result.target)
    if not match:
        return None
    return float(match.group(1) or match.group(2))


def write(results: list[Result], meta: dict, directory: Path) -> dict[str, Path]:
    """Write results.json, results.md and percentiles.png into `directory`."""
    from benchmarks.measure import as_dicts

    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": directory / JSON_NAME,
        "markdown": directory / MARKDOWN_NAME,
        "chart": directory / CHART_NAME,
    }
    paths["json"].write_text(
        json.dumps({**meta, "results": as_dicts(results)}, indent=2, ensure_ascii=False) + "\n"
    )
    paths["markdown"].write_text(
        f"# Benchmark results\n\n{summary(meta)}\n\n{table(results)}\n\n"
        f"![percentiles]({CHART_NAME})\n"
    )
    chart(results, paths["chart"])
    return paths


def update_readme(readme: Path, results: list[Result], meta: dict) -> None:
    """Replace the table between the README's results markers."""
    text = readme.read_text()
    start, end = text.index(README_START), text.index(README_END)
    block = f"{README_START}\n{summary(meta)}\n\n{table(results)}\n{README_END}"
    readme.write_text(text[:start] + block + text[end + len(README_END) :])
