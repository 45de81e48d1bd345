"""Follow Redress's event feed from a CRM: what an integrator would copy and adapt.

    REDRESS_KEY=<a crm key> python examples/crm_follower.py --api http://127.0.0.1:8000

It asks for the events after the last position it handled, waiting up to --wait seconds for the
next one when it has seen them all (long polling: the service answers as soon as there is one).
Each page is handled, then its last position saved in --checkpoint (written whole, then renamed
over the old one), so a follower stopped at any moment resumes where it left off: an event may be
handled twice after a crash, never missed (handle by the event's `stream_id` and `version`, which
identify it, to make a second time harmless). Needs only httpx (`pip install httpx`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx


def load_checkpoint(path: Path) -> int:
    try:
        return int(path.read_text().strip() or 0)
    except FileNotFoundError:
        return 0


def save_checkpoint(path: Path, position: int) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(f"{position}\n")
    os.replace(temporary, path)  # atomic: the old checkpoint or the new one, never half


def handle(event: dict[str, Any]) -> None:
    """Your CRM's work: here, a line per event (no personal data is printed)."""
    print(event["position"], event["type"], event["stream_id"], event["version"], flush=True)


def follow(api: str, key: str, checkpoint: Path, *, wait: int, once: bool) -> None:
    after = load_checkpoint(checkpoint)
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=api, headers=headers, timeout=wait + 30) as client:
        while True:
            try:
                response = client.get(
                    "/v1/events", params={"after": after, "limit": 100, "wait": 0 if once else wait}
                )
            except httpx.TransportError as error:  # the service is restarting: try again soon
                print(f"feed unreachable ({type(error).__name__}); retrying", file=sys.stderr)
                time.sleep(2)
                continue
            if response.status_code in (429, 503):  # busy, or its replica away: as it says
                time.sleep(float(response.headers.get("Retry-After", "2")))
                continue
            response.raise_for_status()
            page = response.json()
            for event in page["items"]:
                handle(event)
            if page["next_after"] != after:
                after = page["next_after"]
                save_checkpoint(checkpoint, after)
            elif once:  # caught up
                return


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    parser.add_argument("--checkpoint", type=Path, default=Path(".redress-feed-checkpoint"))
    parser.add_argument("--wait", type=int, default=30, help="seconds to wait for new events")
    parser.add_argument("--once", action="store_true", help="stop when caught up")
    args = parser.parse_args()
    key = os.environ.get("REDRESS_KEY")
    if not key:
        parser.error("set REDRESS_KEY to an API key (crm or analyst)")
    follow(args.api, key, args.checkpoint, wait=args.wait, once=args.once)


if __name__ == "__main__":
    main()
