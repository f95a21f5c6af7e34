"""Detection delay: how many values of a new level a detector needs before it reports the change.

Shared by the run_*.py scripts (each runs in its own venv; this file needs only the
standard library). A detector examines whole series, so its delay is measured on growing
prefixes: for a true change at index t that the detector finds in the whole series, the
prefixes values[max(0, t - HISTORY) : t + k] for k = 1, 2, ... HORIZON are given to it, and
the delay is the smallest k (the number of values at the new level it has seen, the
change's own value included) at which it reports a change within the set's tolerance of t
that is nearer t than any other true change. A change not reported by k = HORIZON, or by
the end of its series, counts as HORIZON + 1 ("later"). HISTORY bounds the values before
the change, as the daemon's detection window does, and keeps the anchors' quadratic cost
in reach.

A detector that often marks its newest values gets short delays by chance. So the prefix
with k = 0 (no value of the new level yet) is examined too: a change "reported" there is
counted as premature (`premature`), and its delay tells nothing.
"""

HISTORY = 100
HORIZON = 20


def matched_truths(detected, truth, tolerance):
    """The true changes matched by `detected`, closest pairs first (as evaluate.py matches)."""
    pairs = sorted((abs(d - t), t, d) for d in detected for t in truth if abs(d - t) <= tolerance)
    used_d, used_t = set(), set()
    for _, t, d in pairs:
        if d not in used_d and t not in used_t:
            used_d.add(d)
            used_t.add(t)
    return used_t


def reports(detected, start, t, truth, tolerance):
    """Whether `detected` (indices in a prefix that starts at `start`) reports the change at t."""
    return any(abs(d + start - t) <= tolerance and all(abs(d + start - t) <= abs(d + start - u) for u in truth)
               for d in detected)


def premature(document, detections, detect_many):
    """How many of the true changes the detector finds it also reports on the prefix that ends
    just before the change (no value of the new level yet)."""
    tolerance = document["tolerance"]
    jobs = []
    for series, detected in zip(document["series"], detections, strict=True):
        found = matched_truths(detected, series["changes"], tolerance)
        for t in series["changes"]:
            start = max(0, t - HISTORY)
            if t in found and t - start >= 2:
                jobs.append((series, t, start))
    answered = detect_many([series["values"][start:t] for series, t, start in jobs])
    return sum(1 for (series, t, start), detected in zip(jobs, answered, strict=True)
               if reports(detected, start, t, [u for u in series["changes"] if u < t], tolerance))


def delays(document, detections, detect_many):
    """One list per series, one entry per true change: its delay, or None when the detector
    does not find that change in the whole series. `detect_many` takes a list of value lists
    and returns one list of detected indices for each, in order."""
    tolerance = document["tolerance"]
    result = []
    pending = []  # (series position, change position, t, start)
    for position, (series, detected) in enumerate(zip(document["series"], detections, strict=True)):
        found = matched_truths(detected, series["changes"], tolerance)
        result.append([None] * len(series["changes"]))
        for change_position, t in enumerate(series["changes"]):
            if t in found:
                pending.append((position, change_position, t, max(0, t - HISTORY)))
                result[position][change_position] = HORIZON + 1
    for k in range(1, HORIZON + 1):
        jobs = [job for job in pending if job[2] + k <= len(document["series"][job[0]]["values"])]
        if not jobs:
            break
        prefixes = [document["series"][p]["values"][start:t + k] for p, _, t, start in jobs]
        answered = detect_many(prefixes)
        settled = set()
        for job, detected in zip(jobs, answered, strict=True):
            p, c, t, start = job
            truth = [u for u in document["series"][p]["changes"] if u < t + k]
            if reports(detected, start, t, truth, tolerance):
                result[p][c] = k
                settled.add(job)
        pending = [job for job in pending if job not in settled]
    return result
