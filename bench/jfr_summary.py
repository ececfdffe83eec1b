#!/usr/bin/env python3
"""Summarises a JFR recording's CPU samples (jdk.ExecutionSample) as Markdown: where the JVM's time goes.

    python3 bench/jfr_summary.py recording.jfr

Two views: the share of samples whose stack holds a frame of each layer (inclusive; a sample can count for several
layers), and the hottest methods by samples on top of the stack (self time).
"""
import collections
import json
import subprocess
import sys

LAYERS = [  # (name, package prefixes), matched against every frame of a sample's stack
    ("vidgate code (io.vidgate)", ("io.vidgate.",)),
    ("PostgreSQL client (io.vertx.pgclient, io.vertx.sqlclient)", ("io.vertx.pgclient.", "io.vertx.sqlclient.")),
    ("Quarkus REST / RESTEasy Reactive", ("org.jboss.resteasy.reactive.", "io.quarkus.resteasy.reactive.")),
    ("JSON (Jackson)", ("com.fasterxml.jackson.",)),
    ("Netty (HTTP and sockets)", ("io.netty.",)),
    ("Mutiny", ("io.smallrye.mutiny.",)),
    ("SmallRye Fault Tolerance", ("io.smallrye.faulttolerance.",)),
    ("Hibernate Reactive", ("org.hibernate.",)),
    ("CDI (ArC)", ("io.quarkus.arc.",)),
    ("logging", ("org.jboss.logging.", "org.jboss.logmanager.")),
    ("JDK crypto (key hash)", ("sun.security.", "java.security.")),
]


def frames(event):
    for frame in event["values"]["stackTrace"]["frames"]:
        method = frame["method"]
        yield method["type"]["name"].replace("/", ".") + "." + method["name"]


def main(path):
    out = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", path],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(out)["recording"]["events"]
    total = len(events)
    if total == 0:
        print("No CPU samples recorded.")
        return
    inclusive = collections.Counter()
    top = collections.Counter()
    for event in events:
        stack = list(frames(event))
        if stack:
            top[stack[0]] += 1
        for name, prefixes in LAYERS:
            if any(f.startswith(prefixes) for f in stack):
                inclusive[name] += 1
    print(f"{total} CPU samples of the app's threads.\n")
    print("| layer (a frame anywhere in the stack) | share of samples |")
    print("|---|---:|")
    for name, _ in LAYERS:
        print(f"| {name} | {100 * inclusive[name] / total:.1f}% |")
    print("\n| hottest methods (top of stack) | share of samples |")
    print("|---|---:|")
    for method, count in top.most_common(12):
        print(f"| `{method}` | {100 * count / total:.1f}% |")


if __name__ == "__main__":
    main(sys.argv[1])
