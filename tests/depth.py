"""How hard the property tests and the fuzzer try: quick by default, so the README's test command
stays within minutes; `REDRESS_DEEP_TESTS=1` for the deep run (before a release, or nightly)."""

from __future__ import annotations

import os

DEEP = os.environ.get("REDRESS_DEEP_TESTS", "") not in ("", "0")


def examples(quick: int, deep: int) -> int:
    """Hypothesis examples for one test: `quick` normally, `deep` in the deep run."""
    return deep if DEEP else quick
