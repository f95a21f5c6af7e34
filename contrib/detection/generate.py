#!/usr/bin/env python3
"""Generates contrib/detection/series.json: labelled synthetic benchmark series.

Deterministic: every series comes from its own seeded random.Random, so running this
again writes the same file. Each series has a name, a category, its values (oldest
first), the indices where a new level starts ("changes") and higher_is_better.
Levels are around 100 (think milliseconds); noise is relative to the level.

Usage: generate.py [OUTPUT [SALT]]. A SALT (any word) changes every seed and gives a
different set of the same shape. Two salts are fixed here: TUNING_SALT, the set the
detector's defaults were tuned on (`generate.py /tmp/tuning.json tuning`), and
HELD_OUT_SALT (empty), the committed series.json that DETECTION.md reports on and that
was never used for tuning.
"""
import json
import math
import random
import sys

TUNING_SALT = "tuning"
HELD_OUT_SALT = ""
SALT = sys.argv[2] if len(sys.argv) > 2 else HELD_OUT_SALT

def make(rng, length, levels_at, noise, extra=None):
    """levels_at: list of (start index, level); noise: function(rng, level) -> deviation."""
    values = []
    segment = 0
    for i in range(length):
        while segment + 1 < len(levels_at) and levels_at[segment + 1][0] <= i:
            segment += 1
        level = levels_at[segment][1]
        value = level + noise(rng, level, i)
        if extra:
            value = extra(rng, value, level, i)
        values.append(round(value, 4))
    return values

def normal(sd_fraction):
    return lambda rng, level, i: rng.gauss(0.0, sd_fraction * level)

def series_list():
    out = []

    def add(name, category, values, changes, higher_is_better=False):
        out.append({"name": name, "category": category, "values": values,
                    "changes": changes, "higher_is_better": higher_is_better})

    # Single steps: four sizes against three noise levels, up and down, three seeds.
    for step in (0.02, 0.05, 0.10, 0.25):
        for noise in (0.005, 0.01, 0.03):
            for seed in range(3):
                rng = random.Random(SALT + f"step-{step}-{noise}-{seed}")
                length = rng.choice((120, 200, 300))
                at = rng.randint(length // 4, 3 * length // 4)
                sign = 1 if seed % 2 == 0 else -1
                values = make(rng, length, [(0, 100.0), (at, 100.0 * (1 + sign * step))], normal(noise))
                add(f"step {step:.0%} noise {noise:.1%} #{seed}", "step", values, [at])

    # No change: Gaussian noise of several sizes and lengths.
    for noise in (0.005, 0.02, 0.05):
        for length in (60, 300, 1000):
            rng = random.Random(SALT + f"none-{noise}-{length}")
            add(f"no change noise {noise:.1%} n={length}", "none", make(rng, length, [(0, 100.0)], normal(noise)), [])

    # Outliers: 2 % of the values are spikes of 1.5x to 3x, with and without a step.
    def spikes(rng, value, level, i):
        return value * rng.uniform(1.5, 3.0) if rng.random() < 0.02 else value
    for seed in range(6):
        rng = random.Random(SALT + f"outliers-{seed}")
        length = 300
        if seed % 2 == 0:
            add(f"outliers, no change #{seed}", "outliers", make(rng, length, [(0, 100.0)], normal(0.01), spikes), [])
        else:
            at = rng.randint(80, 220)
            add(f"outliers, step 8% #{seed}", "outliers",
                make(rng, length, [(0, 100.0), (at, 108.0)], normal(0.01), spikes), [at])

    # Bimodal noise: each value comes from one of two modes 6 % apart (a machine that
    # is sometimes slow), with and without a step.
    def bimodal(p):
        return lambda rng, level, i: (0.06 * level if rng.random() < p else 0.0) + rng.gauss(0.0, 0.005 * level)
    for seed in range(6):
        rng = random.Random(SALT + f"bimodal-{seed}")
        p = (0.2, 0.5)[seed % 2]
        length = 300
        if seed < 4:
            add(f"bimodal p={p}, no change #{seed}", "bimodal", make(rng, length, [(0, 100.0)], bimodal(p)), [])
        else:
            at = rng.randint(80, 220)
            add(f"bimodal p={p}, step 15% #{seed}", "bimodal",
                make(rng, length, [(0, 100.0), (at, 115.0)], bimodal(p)), [at])

    # Slow drift: the level creeps up by 5 to 15 % over the series; no step, or one step.
    for seed in range(6):
        rng = random.Random(SALT + f"drift-{seed}")
        length = (500, 1000)[seed % 2]
        total = (0.05, 0.10, 0.15)[seed % 3]
        step_at = rng.randint(length // 3, 2 * length // 3) if seed >= 4 else None
        def drift(rng, level, i, length=length, total=total):
            return level * total * i / length + rng.gauss(0.0, 0.01 * level)
        levels = [(0, 100.0)] + ([(step_at, 110.0)] if step_at else [])
        add(f"drift {total:.0%}{', step 10%' if step_at else ''} #{seed}", "drift",
            make(rng, length, levels, drift), [step_at] if step_at else [])

    # Several changes in one series.
    for seed in range(6):
        rng = random.Random(SALT + f"multi-{seed}")
        count = rng.randint(3, 5)
        starts = []
        position = 0
        for _ in range(count):
            position += rng.randint(40, 150)
            starts.append(position)
        length = position + rng.randint(40, 150)
        level = 100.0
        levels = [(0, level)]
        for start in starts:
            level *= 1 + rng.choice((-1, 1)) * rng.uniform(0.05, 0.20)
            levels.append((start, level))
        add(f"{count} changes #{seed}", "multi", make(rng, length, levels, normal(0.01)), starts)

    # Short series: 16 to 40 values, half with a 10 % step.
    for seed in range(8):
        rng = random.Random(SALT + f"short-{seed}")
        length = rng.randint(16, 40)
        if seed % 2:
            at = rng.randint(8, length - 8)
            add(f"short n={length}, step 10% #{seed}", "short",
                make(rng, length, [(0, 100.0), (at, 110.0)], normal(0.01)), [at])
        else:
            add(f"short n={length}, no change #{seed}", "short", make(rng, length, [(0, 100.0)], normal(0.01)), [])

    # Long series: 5,000 values, heavy-tailed noise, six changes.
    for seed in range(2):
        rng = random.Random(SALT + f"long-{seed}")
        length = 5000
        starts = sorted(rng.sample(range(300, 4700, 50), 6))
        levels = [(0, 100.0)]
        level = 100.0
        for start in starts:
            level *= 1 + rng.choice((-1, 1)) * rng.uniform(0.04, 0.12)
            levels.append((start, level))
        def heavy(rng, level, i):
            # Student's t with 3 degrees of freedom, scaled to about 1 % of the level.
            t = rng.gauss(0, 1) / math.sqrt(sum(rng.gauss(0, 1) ** 2 for _ in range(3)) / 3)
            return 0.01 * level * t / math.sqrt(3)
        add(f"long n=5000, 6 changes, heavy tails #{seed}", "long", make(rng, length, levels, heavy), starts)

    # The kinds below are where a detector gives up recall (DETECTION.md, "Evaluation").

    # Short series: 12 to 40 values with steps of 3 to 10 noise standard deviations, or none.
    for seed in range(16):
        rng = random.Random(SALT + f"short2-{seed}")
        length = rng.randint(12, 40)
        noise = rng.choice((0.01, 0.02))
        if seed % 8 < 5:
            sigmas = rng.uniform(3.0, 10.0)
            at = rng.randint(5, length - 5)
            sign = rng.choice((-1, 1))
            add(f"short n={length}, step {sigmas:.1f} sd #{seed}", "short2",
                make(rng, length, [(0, 100.0), (at, 100.0 * (1 + sign * sigmas * noise))], normal(noise)), [at])
        else:
            add(f"short n={length}, no change #{seed}", "short2", make(rng, length, [(0, 100.0)], normal(noise)), [])

    # Tail steps: a step of 4 to 10 standard deviations in the last 3 to 10 values (the
    # commits a team just pushed).
    for seed in range(12):
        rng = random.Random(SALT + f"tail-{seed}")
        length = rng.choice((60, 100, 200, 300))
        after = rng.randint(3, 10)
        sigmas = rng.uniform(4.0, 10.0)
        noise = 0.01
        at = length - after
        sign = rng.choice((-1, 1))
        add(f"tail step {sigmas:.1f} sd, {after} values after #{seed}", "tail",
            make(rng, length, [(0, 100.0), (at, 100.0 * (1 + sign * sigmas * noise))], normal(noise)), [at])

    # Subtle steps: 1, 1.5 and 2 noise standard deviations in 60 to 300 values.
    for sigmas in (1.0, 1.5, 2.0):
        for length in (60, 120, 300):
            for seed in range(2):
                rng = random.Random(SALT + f"subtle-{sigmas}-{length}-{seed}")
                noise = rng.choice((0.005, 0.01, 0.02))
                at = rng.randint(length // 3, 2 * length // 3)
                sign = 1 if seed % 2 == 0 else -1
                add(f"subtle step {sigmas} sd n={length} #{seed}", "subtle",
                    make(rng, length, [(0, 100.0), (at, 100.0 * (1 + sign * sigmas * noise))], normal(noise)), [at])

    # Drift of 15 to 30 % up or down (up to 0.04 standard deviations a value), without a
    # step or with one of 4 to 6 standard deviations.
    for seed in range(8):
        rng = random.Random(SALT + f"drift2-{seed}")
        length = rng.choice((400, 700, 1000))
        total = rng.choice((0.15, 0.2, 0.3)) * min(1.0, length / 750) * rng.choice((-1, 1))
        step_at = rng.randint(length // 4, 3 * length // 4) if seed % 2 else None
        step = rng.uniform(0.04, 0.06) * rng.choice((-1, 1))
        def drift2(rng, level, i, length=length, total=total):
            return 100.0 * total * i / length + rng.gauss(0.0, 0.01 * 100.0)
        levels = [(0, 100.0)] + ([(step_at, 100.0 * (1 + step))] if step_at else [])
        add(f"drift {total:+.0%}{f', step {step:+.0%}' if step_at else ''} #{seed}", "drift2",
            make(rng, length, levels, drift2), [step_at] if step_at else [])
    return out

def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "series.json"
    document = {"tolerance": 5, "series": series_list()}
    with open(path, "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")
    points = sum(len(s["values"]) for s in document["series"])
    changes = sum(len(s["changes"]) for s in document["series"])
    print(f"{path}: {len(document['series'])} series, {points} points, {changes} true changes")

if __name__ == "__main__":
    main()
