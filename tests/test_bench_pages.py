"""The census benchmark keeps its own page, which `make bench` (rewriting
docs/benchmarks.md whole) links to rather than overwrites."""

from pathlib import Path

from bench import cin_census, run

FIGURES = {
    "council_children": 1000,
    "census_children": 250,
    "episodes": 260,
    "census_mb": 0.2,
    "generate_s": 1.5,
    "facts": 1500,
    "findings_recorded": 12,
    "import_s": 0.5,
    "import_cpu_s": 0.25,
    "import_facts_per_s": 3000,
    "load_average": 1.0,
    "findings": 40,
    "reimport_s": 0.2,
    "reimport_added": 0,
    "evaluate_s": 0.3,
    "obligations": 1200,
    "peak_rss_mb": 90,
}


def test_the_census_benchmark_writes_its_own_page_not_the_one_make_bench_rewrites():
    default = Path(cin_census.ROOT / "docs" / "benchmarks-cin-census.md")

    page = cin_census.render(FIGURES)

    assert default.name != Path(run.ROOT / "docs" / "benchmarks.md").name
    assert page.startswith("# Benchmark: CIN census import")
    assert "1,500 facts and 12 findings in 0.5 s wall, 0.25 s CPU" in page
    assert "about 3,000 facts/s wall, 6,000 facts/s CPU" in page
    assert "| the same census again (nothing new) | 0.2 s, 0 facts added |" in page


def test_the_page_make_bench_writes_links_to_the_census_page():
    assert "[benchmarks-cin-census.md](benchmarks-cin-census.md)" in run.NOTES


def test_the_benchmarks_page_in_the_repository_links_to_the_census_page_which_exists():
    docs = Path(__file__).resolve().parents[1] / "docs"

    assert "(benchmarks-cin-census.md)" in (docs / "benchmarks.md").read_text(encoding="utf-8")
    assert (
        (docs / "benchmarks-cin-census.md")
        .read_text(encoding="utf-8")
        .startswith("# Benchmark: CIN census import")
    )
