#!/usr/bin/env python3
"""Calls vidgate the way existing clients of the hosted LTX API do, and checks every answer.

Standard library only. What it does, in the order such clients do it:
  1. POST /v1/upload with no body and no Content-Type, treating any status but 200 as a failure;
  2. PUT the file to upload_url with the Content-Type guessed from its name plus the required_headers
     (200 or 201 accepted);
  3. POST /v1/image-to-video and /v1/text-to-video with numbers sent as JSON floats ("duration": 6.0,
     "fps": 24.0) and a long client timeout; the answer is the MP4 itself;
  4. a long edit through v2: POST /v2/extend, poll GET /v2/extend/{id} every few seconds, download
     result.video_url with no Authorization header.
Exits 0 and prints one JSON line of what it saw when every check passed; prints the failure and exits 1 otherwise.

  python3 clients/ltx_client_check.py --url http://localhost:8080 --key vg_... \\
      --image src/test/resources/media/image-landscape.png --video src/test/resources/media/video-landscape.mp4
"""
import argparse
import json
import mimetypes
import os
import sys
import time
import urllib.error
import urllib.request

MP4_BRAND = b"ftyp"


class Failed(Exception):
    pass


def request(method, url, key=None, body=None, headers=None, timeout=60):
    """One HTTP call; returns (status, headers, body bytes) for any status."""
    all_headers = dict(headers or {})
    if key:
        all_headers["Authorization"] = "Bearer " + key
    req = urllib.request.Request(url, data=body, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def expect(what, status, allowed, body):
    if status not in allowed:
        raise Failed(f"{what}: HTTP {status}, expected {allowed}: {body[:500]!r}")


def upload(base, key, path):
    """The hosted API's upload: POST /v1/upload (no body), then PUT the file; the storage_uri."""
    status, _, body = request("POST", base + "/v1/upload", key)
    expect("POST /v1/upload", status, (200,), body)
    ticket = json.loads(body)
    # required_headers first, then the Content-Type guessed from the file's name over it, as some clients do: the
    # harder case, since the upload was created without a type
    headers = dict(ticket.get("required_headers") or {})
    headers["Content-Type"] = mimetypes.guess_type(path)[0] or "application/octet-stream"
    with open(path, "rb") as f:
        data = f.read()
    status, _, body = request("PUT", ticket["upload_url"], body=data, headers=headers)
    expect("PUT " + os.path.basename(path), status, (200, 201), body)
    return ticket["storage_uri"]


def generate_v1(base, key, endpoint, fields, timeout):
    """A synchronous generation: the MP4 in the body of a 200."""
    started = time.monotonic()
    status, headers, body = request("POST", base + "/v1/" + endpoint, key, json.dumps(fields).encode(),
                                    {"Content-Type": "application/json"}, timeout=timeout)
    expect("POST /v1/" + endpoint, status, (200,), body)
    if not headers.get("Content-Type", "").startswith("video/"):
        raise Failed(f"/v1/{endpoint}: Content-Type {headers.get('Content-Type')!r} is not a video")
    if headers.get("Content-Length") is not None and int(headers["Content-Length"]) != len(body):
        raise Failed(f"/v1/{endpoint}: Content-Length {headers['Content-Length']} but {len(body)} bytes came")
    if MP4_BRAND not in body[:16]:
        raise Failed(f"/v1/{endpoint}: the body is not an MP4 ({body[:16]!r})")
    if not headers.get("x-request-id"):
        raise Failed(f"/v1/{endpoint}: no x-request-id")
    return {"bytes": len(body), "job_id": headers.get("x-vidgate-job-id"),
            "seconds": round(time.monotonic() - started, 2)}


def extend_v2(base, key, video_uri, poll_seconds, timeout):
    """A long edit through v2: submit, poll every few seconds, download result.video_url without a key."""
    status, _, body = request("POST", base + "/v2/extend", key,
                              json.dumps({"video_uri": video_uri, "duration": 2.0, "prompt": "The road goes on"}).encode(),
                              {"Content-Type": "application/json"})
    expect("POST /v2/extend", status, (202,), body)
    job_id = json.loads(body)["id"]
    deadline = time.monotonic() + timeout
    while True:
        status, _, body = request("GET", f"{base}/v2/extend/{job_id}", key)
        expect("GET /v2/extend/{id}", status, (200,), body)
        job = json.loads(body)
        if job["status"] in ("completed", "failed", "cancelled"):
            break
        if time.monotonic() > deadline:
            raise Failed(f"extend job {job_id} still {job['status']} after {timeout} s")
        time.sleep(poll_seconds)
    if job["status"] != "completed":
        raise Failed(f"extend job {job_id} ended {job['status']}: {job.get('error')}")
    status, headers, video = request("GET", job["result"]["video_url"])
    expect("GET result.video_url (no key)", status, (200,), video)
    if MP4_BRAND not in video[:16]:
        raise Failed(f"result of {job_id} is not an MP4 ({video[:16]!r})")
    return {"job_id": job_id, "bytes": len(video)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("LTX_API_URL", "http://localhost:8080"))
    parser.add_argument("--key", default=os.environ.get("LTX_API_KEY"))
    parser.add_argument("--image", required=True, help="a 16:9 PNG or JPEG for image-to-video")
    parser.add_argument("--video", required=True, help="a 16:9 MP4 of at least 73 frames for extend")
    parser.add_argument("--timeout", type=float, default=1200, help="the client timeout of a /v1 call, seconds")
    parser.add_argument("--poll-seconds", type=float, default=2.0)
    args = parser.parse_args()
    base = args.url.rstrip("/")
    try:
        image_uri = upload(base, args.key, args.image)
        video_uri = upload(base, args.key, args.video)
        seen = {
            "image_to_video": generate_v1(base, args.key, "image-to-video", {
                "image_uri": image_uri, "prompt": "The lighthouse beam sweeps the waves", "model": "ltx-2-3-fast",
                "duration": 6.0, "resolution": "1920x1080", "fps": 24.0}, args.timeout),
            "text_to_video": generate_v1(base, args.key, "text-to-video", {
                "prompt": "A lighthouse at dusk, waves rolling in", "model": "ltx-2-3-pro", "duration": 8.0,
                "resolution": "1920x1080", "fps": 24.0, "generate_audio": True}, args.timeout),
            "extend": extend_v2(base, args.key, video_uri, args.poll_seconds, args.timeout),
        }
    except (Failed, urllib.error.URLError, OSError, ValueError, KeyError) as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    print(json.dumps(seen, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
