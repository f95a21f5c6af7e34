#!/bin/sh
# Rust: cargo bench with Criterion.rs (its report text) or the built-in libtest
# harness (its "bench: N ns/iter (+/- D)" lines); tablejohn tells them apart.
set -eu
: "${TABLEJOHN_RESULTS:?run this from a tablejohn runner, which sets TABLEJOHN_RESULTS}"
# Compiler messages go to stderr; the harness's report to the results file.
cargo bench --quiet > "$TABLEJOHN_RESULTS"
