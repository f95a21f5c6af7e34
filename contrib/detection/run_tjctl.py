#!/usr/bin/env python3
"""Runs `tjctl detect` on every series of series.json, one process per series.

Usage: run_tjctl.py TJCTL SERIES.json. The detector's defaults are used.
Prints JSON: {"settings": ..., "seconds": ..., "detections": [[index, ...], ...]}.
"""
import json
import subprocess
import sys
import time

def main():
    tjctl, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        document = json.load(f)
    detections = []
    started = time.perf_counter()
    for series in document["series"]:
        request = json.dumps({"values": series["values"], "higher_is_better": series["higher_is_better"]})
        done = subprocess.run([tjctl, "detect", "-"], input=request.encode(), capture_output=True, check=True)
        detections.append(json.loads(done.stdout)["changes"])
    elapsed = time.perf_counter() - started
    settings = "tjctl detect with its default settings (DETECTION.md), one process per series"
    json.dump({"settings": settings, "seconds": elapsed, "detections": detections}, sys.stdout)

if __name__ == "__main__":
    main()
