"""The delivery worker: webhooks to CRMs and deadline alerts (`redress worker`, or inside
`redress serve`). An entry point beside the API, so the payloads are the API's own views."""
