#!/bin/sh
# Any command line: hyperfine times it (warm-up runs first) and exports every run as JSON.
set -eu
: "${TABLEJOHN_RESULTS:?run this from a tablejohn runner, which sets TABLEJOHN_RESULTS}"
make build >&2
hyperfine --warmup 3 --runs 20 --export-json "$TABLEJOHN_RESULTS" './build/app --version' './build/app selftest'
