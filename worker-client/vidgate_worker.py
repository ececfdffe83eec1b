#!/usr/bin/env python3
"""Reference GPU worker for vidgate's worker API (docs/api.md section 4). Python 3.8+, standard library only.

It does what a real GPU worker does: lease jobs, keep each lease alive with heartbeats while the job runs
(reporting progress), stop at once when a heartbeat says cancel_requested, upload the finished video to vidgate
(a signed result upload: POST /internal/jobs/{id}/result-upload, then PUT the file to its upload_url) and
complete with its storage_uri, or fail (retryable or not). Replace `generate()` with the call into your model;
it returns the path of the video file it made.

    python3 worker-client/vidgate_worker.py --url http://localhost:8080 --token dev-worker-token
"""
import argparse
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request


class LeaseLost(Exception):
    """The service answered 409: the lease is no longer ours (rescued, cancelled, finished). Drop the job."""


class Cancelled(Exception):
    """A heartbeat said cancel_requested: the job's owner cancelled it."""


class WorkerApi:
    def __init__(self, base_url, token, timeout=30):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _post(self, path, body):
        request = urllib.request.Request(
            self.base_url + path, data=json.dumps(body).encode("utf-8"), method="POST",
            headers={"Authorization": "Bearer " + self.token, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            if error.code == 409:
                raise LeaseLost(detail)
            raise RuntimeError("%s %s -> HTTP %d %s" % ("POST", path, error.code, detail))

    def lease(self, worker_id, max_jobs, lease_seconds, types=None, models=None):
        body = {"worker_id": worker_id, "max_jobs": max_jobs, "lease_seconds": lease_seconds}
        if types:
            body["types"] = types
        if models:
            body["models"] = models
        return self._post("/internal/jobs/lease", body)["jobs"]

    def heartbeat(self, job_id, token, progress):
        return self._post("/internal/jobs/%s/heartbeat" % job_id, {"lease_token": token, "progress": progress})

    def complete(self, job_id, token, video_url):
        return self._post("/internal/jobs/%s/complete" % job_id, {"lease_token": token, "video_url": video_url})

    def result_upload(self, job_id, token, content_type="video/mp4"):
        """A signed upload for the job's video (only the live lease may ask): upload_url, storage_uri, ..."""
        return self._post("/internal/jobs/%s/result-upload" % job_id,
                          {"lease_token": token, "content_type": content_type})

    def put_file(self, ticket, path):
        """PUTs the file to the ticket's signed URL, streamed, with its required headers and no Authorization
        header (the signature in the URL is the credential)."""
        size = os.path.getsize(path)
        headers = dict(ticket["required_headers"])
        headers["Content-Length"] = str(size)
        with open(path, "rb") as body:
            request = urllib.request.Request(ticket["upload_url"], data=body, method="PUT", headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as error:
                detail = error.read().decode("utf-8", "replace")
                raise RuntimeError("PUT result upload -> HTTP %d %s" % (error.code, detail))

    def fail(self, job_id, token, error_type, message, retryable):
        return self._post("/internal/jobs/%s/fail" % job_id, {
            "lease_token": token, "retryable": retryable, "error": {"type": error_type, "message": message}})

    def download(self, url):
        """Inline inputs (data URIs) and uploads are handed out as URLs on the service, behind this token."""
        request = urllib.request.Request(url, headers={"Authorization": "Bearer " + self.token})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return response.read()


class Lease:
    """Keeps one job's lease alive from a background thread and records progress and cancellation."""

    def __init__(self, api, job_id, token, lease_seconds):
        self.api, self.job_id, self.token = api, job_id, token
        self.interval = max(1.0, lease_seconds / 3.0)
        self.progress = 0
        self.cancelled = threading.Event()
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _beat(self):
        while not self._stop.wait(self.interval):
            self.beat()

    def beat(self):
        try:
            if self.api.heartbeat(self.job_id, self.token, self.progress)["cancel_requested"]:
                self.cancelled.set()
        except LeaseLost:
            self.lost.set()
        except Exception as error:  # a missed heartbeat is survivable until the lease expires
            print("heartbeat for %s failed: %s" % (self.job_id, error), file=sys.stderr)

    def check(self):
        if self.cancelled.is_set():
            raise Cancelled()
        if self.lost.is_set():
            raise LeaseLost("lease of %s lost" % self.job_id)


_sample = {}


def sample_video(args):
    """The service's own sample clip (no token needed), downloaded once: what this stand-in "generates"."""
    if "path" not in _sample:
        url = "%s/samples/vidgate-sample.mp4" % args.url.rstrip("/")
        handle, path = tempfile.mkstemp(prefix="vidgate-sample-", suffix=".mp4")
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=30) as response:
            shutil.copyfileobj(response, out)
        _sample["path"] = path
    return _sample["path"]


def generate(api, leased, lease, args):
    """Stands in for the GPU: fetches inline inputs, reports progress, returns the path of the video file made."""
    inputs = leased["inputs"]
    for field in ("image_uri", "last_frame_uri", "audio_uri", "video_uri"):
        if inputs.get(field, "").startswith(args.url.rstrip("/") + "/internal/"):
            api.download(inputs[field])
    if args.fail_prompt_containing and args.fail_prompt_containing in inputs.get("prompt", ""):
        raise ValueError("the model could not render this prompt")
    steps = 10
    for step in range(1, steps + 1):
        time.sleep(args.work_seconds / steps)
        lease.progress = min(99, step * 100 // steps)
        lease.beat()
        lease.check()
    if args.video_url:
        return None  # reported as is: nothing to upload
    return args.video_file or sample_video(args)


def deliver(api, job_id, token, path):
    """Uploads the video as the job's result and answers the storage_uri to complete with."""
    ticket = api.result_upload(job_id, token, "video/webm" if path.endswith(".webm") else "video/mp4")
    api.put_file(ticket, path)
    return ticket["storage_uri"]


def run_one(api, leased, args):
    job_id, token = leased["job"]["id"], leased["lease"]["token"]
    try:
        with Lease(api, job_id, token, args.lease_seconds) as lease:
            path = generate(api, leased, lease, args)
            # the lease is kept alive (heartbeats) while the file uploads
            video_url = args.video_url or deliver(api, job_id, token, path)
        api.complete(job_id, token, video_url)
        print("completed %s (attempt %d)" % (job_id, leased["attempt"]))
        return "completed"
    except Cancelled:
        print("cancelled %s: stopped" % job_id)
        return "cancelled"
    except LeaseLost:
        print("lease of %s lost: dropped" % job_id)
        return "lost"
    except ValueError as error:  # a problem with the job itself: retrying will not help
        api.fail(job_id, token, "generation_error", str(error), retryable=False)
        print("failed %s: %s" % (job_id, error))
        return "failed"
    except Exception as error:  # anything else (GPU, network) may go away: let the service retry
        try:
            api.fail(job_id, token, "worker_error", str(error)[:1000], retryable=True)
        except LeaseLost:
            pass
        print("failed %s (retryable): %s" % (job_id, error))
        return "retry"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("VIDGATE_URL", "http://localhost:8080"))
    parser.add_argument("--token", default=os.environ.get("VIDGATE_WORKER_TOKEN"))
    parser.add_argument("--worker-id", default="ref-" + socket.gethostname())
    parser.add_argument("--max-jobs", type=int, default=1)
    parser.add_argument("--lease-seconds", type=int, default=60)
    parser.add_argument("--types", nargs="*")
    parser.add_argument("--models", nargs="*")
    parser.add_argument("--work-seconds", type=float, default=5.0, help="how long one simulated generation takes")
    parser.add_argument("--video-file", help="the video file to upload as every job's result "
                        "(default: the service's sample clip, downloaded once)")
    parser.add_argument("--video-url", help="report this URL of your own on completion instead of uploading")
    parser.add_argument("--fail-prompt-containing", help="fail (not retryable) jobs whose prompt contains this")
    parser.add_argument("--once", action="store_true", help="exit when the queue is empty")
    parser.add_argument("--poll-seconds", type=float, default=1.0)
    args = parser.parse_args()
    if not args.token:
        parser.error("--token or VIDGATE_WORKER_TOKEN is required")
    api = WorkerApi(args.url, args.token)
    counts = {}
    while True:
        jobs = api.lease(args.worker_id, args.max_jobs, args.lease_seconds, args.types, args.models)
        if not jobs:
            if args.once:
                break
            time.sleep(args.poll_seconds)
            continue
        for leased in jobs:
            outcome = run_one(api, leased, args)
            counts[outcome] = counts.get(outcome, 0) + 1
    print("done: %s" % json.dumps(counts, sort_keys=True))


if __name__ == "__main__":
    main()
