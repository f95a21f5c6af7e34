#!/bin/sh
# C++: a Google Benchmark binary, 5 repetitions, its JSON report to the results file.
set -eu
: "${TABLEJOHN_RESULTS:?run this from a tablejohn runner, which sets TABLEJOHN_RESULTS}"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >&2
cmake --build build --target benchmarks >&2
./build/benchmarks --benchmark_repetitions=5 --benchmark_out="$TABLEJOHN_RESULTS" --benchmark_out_format=json
