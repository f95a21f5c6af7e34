#!/bin/sh
# Python: pytest-benchmark writes its JSON report straight to the results file.
set -eu
: "${TABLEJOHN_RESULTS:?run this from a tablejohn runner, which sets TABLEJOHN_RESULTS}"
python3 -m pytest --benchmark-only --benchmark-json="$TABLEJOHN_RESULTS" -q
