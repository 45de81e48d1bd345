"""The per-key token bucket, on a fake clock."""

from __future__ import annotations

from app.api.ratelimit import RateLimiter, retry_after


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_steady_rate_per_key() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=3, clock=clock)
    assert [limiter.acquire("a") for _ in range(3)] == [None, None, None]
    wait = limiter.acquire("a")
    assert wait is not None
    assert 0.99 < wait <= 1.0
    assert retry_after(wait) == "1"
    assert limiter.acquire("b") is None  # another key has its own bucket
    clock.now = 1.0
    assert limiter.acquire("a") is None
    assert limiter.acquire("a") is not None
    clock.now = 100.0  # a long pause refills the bucket only up to the burst
    assert [limiter.acquire("a") is None for _ in range(4)] == [True, True, True, False]


def test_zero_means_no_limit() -> None:
    limiter = RateLimiter(per_minute=0, burst=1)
    assert not limiter.enabled
    assert all(limiter.acquire("a") is None for _ in range(1000))


def test_memory_stays_bounded() -> None:
    limiter = RateLimiter(per_minute=60, burst=1, max_keys=10)
    for i in range(25):
        assert limiter.acquire(str(i)) is None
    assert len(limiter._buckets) <= 10
