#!/usr/bin/env python3
"""Runs MongoDB's E-divisive (signal-processing-algorithms 2.1.6) on every series of series.json.

Run with the Python of a venv that has signal-processing-algorithms==2.1.6 and numpy<2
(evaluate.sh makes one). Uses energy_statistics.e_divisive with the settings of the
package's README example, pvalue=0.01 and permutations=100 (the function's own default
pvalue is 0.05), inside the package's deterministic_numpy_random(1234) so the permutation
test gives the same answer every time. Then measures the delay of every change it found
on growing prefixes (delay.py). Usage: run_mongo.py SERIES.json [PVALUE].
Prints JSON: {"settings": ..., "seconds": ..., "detections": [[index, ...], ...],
"delays": [[delay or null, ...], ...], "premature": count, "delay_seconds": ...}.
"""
import json
import sys
import time

from signal_processing_algorithms.determinism import deterministic_numpy_random
from signal_processing_algorithms.energy_statistics import energy_statistics

import delay

PVALUE = float(sys.argv[2]) if len(sys.argv) > 2 else 0.01
PERMUTATIONS = 100

def detect(values):
    with deterministic_numpy_random(1234):
        found = energy_statistics.e_divisive(list(values), pvalue=PVALUE, permutations=PERMUTATIONS)
    return sorted(int(index) for index in found)

def main():
    with open(sys.argv[1]) as f:
        document = json.load(f)
    started = time.perf_counter()
    detections = [detect(series["values"]) for series in document["series"]]
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    many = lambda prefixes: [detect(values) for values in prefixes]
    delays = delay.delays(document, detections, many)
    premature = delay.premature(document, detections, many)
    delay_seconds = time.perf_counter() - started
    settings = (f"energy_statistics.e_divisive, pvalue={PVALUE}, permutations={PERMUTATIONS} "
                f"({'README example' if PVALUE == 0.01 else 'function default' if PVALUE == 0.05 else 'custom'}), "
                "numpy seed 1234")
    json.dump({"settings": settings, "seconds": elapsed, "detections": detections, "delays": delays,
               "premature": premature, "delay_seconds": delay_seconds}, sys.stdout)

if __name__ == "__main__":
    main()
