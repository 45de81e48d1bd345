"""Every bench in bench/ runs here at its smallest size, so none can rot: each must exit 0 and print
its same-run ratio against its reference. The benches need the PostgreSQL server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, POSTGRES_ADMIN_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif("postgresql" not in BACKENDS, reason="the benches run on PostgreSQL"),
]

ROOT = Path(__file__).resolve().parents[2]
RATIO = re.compile(r"^ratio .+: \d+\.\d\dx ", re.MULTILINE)


def bench(module: str, *args: str) -> str:
    env = {**os.environ, "REDRESS_TEST_POSTGRES_URL": POSTGRES_ADMIN_URL}
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_http_bench_compares_three_loads_with_the_bare_endpoint(tmp_path: Path) -> None:
    out = bench("bench.http_appends", "--tiny", "--json", str(tmp_path / "http.json"))
    assert len(RATIO.findall(out)) == 3, out
    for load in ("log", "append", "get"):
        assert re.search(rf"^{load} +1 ", out, re.MULTILINE), out
    assert (tmp_path / "http.json").read_text().count('"contender"') == 6


def test_rebuild_bench_compares_with_a_raw_select() -> None:
    out = bench("bench.rebuild", "--tiny")
    assert "0 differences" in out, out
    assert RATIO.search(out), out


def test_verify_bench_compares_with_a_raw_select_and_times_the_checkpointed_check() -> None:
    out = bench("bench.verify", "--tiny")
    assert re.search(r"^verify --full: \d+ events .* 0 problems ", out, re.MULTILINE), out
    assert RATIO.search(out), out
    timed = re.findall(r"^GET /v1/audit/verify, .* p50 [\d.]+ ms, p99 [\d.]+ ms$", out, re.M)
    assert len(timed) == 2, out


def test_reports_bench_compares_with_a_raw_read_of_the_rows() -> None:
    out = bench("bench.reports", "--tiny")
    assert len(RATIO.findall(out)) >= 4, out


def test_lists_bench_compares_each_list_with_the_bare_endpoint(tmp_path: Path) -> None:
    out = bench("bench.lists", "--tiny", "--json", str(tmp_path / "lists.json"))
    loads = ["get", "all", "status=open", "sla=breached", "sla=due_soon", "next page", "deep page"]
    for load in loads:
        assert re.search(rf"^{load} ", out, re.MULTILINE), out
    assert len(RATIO.findall(out)) == 10, out
    assert (tmp_path / "lists.json").read_text().count('"contender"') == 20


def test_export_bench_compares_with_a_raw_read_and_decode() -> None:
    out = bench("bench.export", "--tiny")
    assert re.search(r"^export: \d+ events .* peak RSS \d+ MiB$", out, re.MULTILINE), out
    assert re.search(r"^export --personal-data: \d+ events ", out, re.MULTILINE), out
    assert len(RATIO.findall(out)) == 2, out


def test_webhooks_bench_compares_deliveries_with_bare_posts() -> None:
    out = bench("bench.webhooks", "--tiny")
    assert re.search(r"^delivered \d+ events .* 0 failed attempts$", out, re.MULTILINE), out
    assert RATIO.search(out), out
