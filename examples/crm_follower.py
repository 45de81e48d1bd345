"""Follow Redress's event feed from a CRM: what an integrator would copy and adapt.

    REDRESS_KEY=<a crm key> python examples/crm_follower.py --api http://127.0.0.1:8000

It asks for the events after the last position it handled, waiting up to --wait seconds for the
next one when it has seen them all (long polling: the service answers as soon as there is one).
Each page is handled, then its last position saved in --checkpoint (written whole, then renamed
over the old one), so a follower stopped at any moment resumes where it left off: an event may be
handled twice after a crash, never missed (handle by the event's `stream_id` and `version`, which
identify it, to make a second time harmless). Needs only httpx (`pip install httpx`).

Or be told instead of asking: subscribe a URL (`POST /v1/webhooks`, keep the secret it returns) and
receive the deliveries, each verified with the `standardwebhooks` package
(`pip install standardwebhooks`) before it is handled:

    REDRESS_WEBHOOK_SECRET=whsec_... python examples/crm_follower.py --listen 8080

A delivery whose signature does not verify (or is over five minutes old) is answered 400 and never
handled; one already handled (the same `webhook-id`, sent again because our answer was lost) is
answered 204 again without handling it twice. Put it behind your HTTPS proxy: Redress sends only
to https addresses unless its operator allows otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


def receiver(secret: str, seen: set[str]) -> type[BaseHTTPRequestHandler]:
    """A request handler that verifies each delivery, then handles its event once."""
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    webhook = Webhook(secret)

    class Deliveries(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            try:
                payload = webhook.verify(body, dict(self.headers.items()))
            except WebhookVerificationError:
                self._answer(400)
                return
            message = self.headers["webhook-id"]
            if message not in seen:  # keep these in your database in a real receiver
                handle(payload["data"]["event"])
                seen.add(message)
            self._answer(204)

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return  # no request lines: a URL may carry ids

    return Deliveries


def listen(port: int, secret: str) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", port), receiver(secret, set()))
    print(f"receiving webhooks on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    parser.add_argument("--checkpoint", type=Path, default=Path(".redress-feed-checkpoint"))
    parser.add_argument("--wait", type=int, default=30, help="seconds to wait for new events")
    parser.add_argument("--once", action="store_true", help="stop when caught up")
    parser.add_argument("--listen", type=int, help="receive webhooks on this port instead")
    args = parser.parse_args()
    if args.listen is not None:
        secret = os.environ.get("REDRESS_WEBHOOK_SECRET")
        if not secret:
            parser.error("set REDRESS_WEBHOOK_SECRET to the subscription's secret (whsec_...)")
        listen(args.listen, secret)
        return
    key = os.environ.get("REDRESS_KEY")
    if not key:
        parser.error("set REDRESS_KEY to an API key (crm or analyst)")
    follow(args.api, key, args.checkpoint, wait=args.wait, once=args.once)


if __name__ == "__main__":
    main()
