#!/bin/sh
# Scores tablejohn's change-point detector against Apache Otava and MongoDB's E-divisive
# on the labelled series in contrib/detection/series.json and prints one table.
#
# Needs python3 with venv and pip (PyPI reachable) and a Swift toolchain. The two anchors
# get their own venvs under .build-eval/ (MongoDB's package needs numpy < 2); tablejohn
# runs through the built `tjctl detect`, one process for the whole set. Each detector's
# delays are measured on growing prefixes (delay.py) in the same run.
# Usage: contrib/detection/evaluate.sh [SERIES.json]    (from anywhere; SERIES defaults to
# the committed held-out set series.json; set TJCTL to use another binary)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/contrib/detection"
work="$root/.build-eval"
series=$(cd "$(dirname "${1:-$here/series.json}")" && pwd)/$(basename "${1:-$here/series.json}")
set_name=$(basename "$series" .json)
mkdir -p "$work"

if [ ! -x "$work/otava/bin/python" ] || ! "$work/otava/bin/python" -c "import otava" 2>/dev/null; then
    echo "making $work/otava with apache-otava 0.8.0" >&2
    python3 -m venv "$work/otava"
    "$work/otava/bin/pip" install -q "apache-otava==0.8.0"
fi
if [ ! -x "$work/mongo/bin/python" ] || ! "$work/mongo/bin/python" -c "import signal_processing_algorithms" 2>/dev/null; then
    echo "making $work/mongo with signal-processing-algorithms 2.1.6 and numpy<2" >&2
    python3 -m venv "$work/mongo"
    "$work/mongo/bin/pip" install -q "signal-processing-algorithms==2.1.6" "numpy<2"
fi

tjctl=${TJCTL:-}
if [ -z "$tjctl" ]; then
    echo "building tjctl (release)" >&2
    (cd "$root" && swift build -c release --product tjctl >&2)
    tjctl="$root/.build/release/tjctl"
fi

# Runs one detector unless its output for this very series.json and runner script is
# already in .build-eval (the anchors take minutes: E-divisive is quadratic in the series
# length). Delete .build-eval/*.key to run everything again. tablejohn always runs.
run() {
    name=$1; shift
    out="$work/$name-$set_name"
    key=$(cat "$series" "$here/run_$name.py" "$here/delay.py" | sha256sum | cut -c1-64)
    if [ "$name" != tjctl ] && [ -s "$out.json" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
        echo "reusing $out.json (same series and runner)" >&2
        return
    fi
    echo "running $name" >&2
    "$@" > "$out.json.part"
    mv "$out.json.part" "$out.json"
    echo "$key" > "$out.key"
}
run tjctl python3 "$here/run_tjctl.py" "$tjctl" "$series"
run otava "$work/otava/bin/python" "$here/run_otava.py" "$series"
run mongo "$work/mongo/bin/python" "$here/run_mongo.py" "$series"

python3 "$here/evaluate.py" "$series" tablejohn="$work/tjctl-$set_name.json" otava="$work/otava-$set_name.json" \
    mongodb="$work/mongo-$set_name.json"
