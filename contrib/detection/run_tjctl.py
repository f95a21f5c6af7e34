#!/usr/bin/env python3
"""Runs `tjctl detect` on every series of series.json in one process, then measures delays.

Usage: run_tjctl.py TJCTL SERIES.json [tjctl detect option ...]. Without options the
detector's defaults are used. Each series is written to its own file in a temporary
folder and one `tjctl detect FILE FILE ...` examines them all (one JSON line per file,
each naming its file). Delays are measured on growing prefixes (delay.py), one tjctl
process per prefix length. Prints JSON: {"settings": ..., "seconds": ..., "detections":
[[index, ...], ...], "delays": [[delay or null, ...], ...], "premature": count, "delay_seconds": ...}.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import delay

def detect_many(tjctl, options, documents):
    """The detections of each {"values": ..., "higher_is_better": ...} document, in order."""
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="tjctl-eval-") as folder:
        paths = []
        for position, document in enumerate(documents):
            path = os.path.join(folder, f"{position}.json")
            with open(path, "w") as f:
                json.dump(document, f)
            paths.append(path)
        done = subprocess.run([tjctl, "detect", *options, *paths], capture_output=True, check=True)
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    if len(paths) == 1:
        lines[0]["file"] = paths[0]  # one file prints the bare document
    if [line["file"] for line in lines] != paths:
        raise SystemExit(f"tjctl detect answered for other files than it was given: {done.stderr.decode()}")
    return [line["changes"] for line in lines]

def main():
    tjctl, path, options = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(path) as f:
        document = json.load(f)
    started = time.perf_counter()
    detections = detect_many(tjctl, options, [{"values": s["values"], "higher_is_better": s["higher_is_better"]}
                                              for s in document["series"]])
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    many = lambda prefixes: detect_many(tjctl, options, [{"values": v} for v in prefixes])
    delays = delay.delays(document, detections, many)
    premature = delay.premature(document, detections, many)
    delay_seconds = time.perf_counter() - started
    settings = ("tjctl detect with " + (" ".join(options) if options else "its default settings (DETECTION.md)")
                + ", one process for the whole set")
    json.dump({"settings": settings, "seconds": elapsed, "detections": detections, "delays": delays,
               "premature": premature, "delay_seconds": delay_seconds}, sys.stdout)

if __name__ == "__main__":
    main()
