#!/bin/sh
# Go: every benchmark of the module, 5 times each with allocations, in go test's text format.
# [bench] method = "command", command = "sh go-test.sh" (or format = "go").
set -eu
: "${TABLEJOHN_RESULTS:?run this from a tablejohn runner, which sets TABLEJOHN_RESULTS}"
go test -run '^$' -bench . -benchmem -count 5 ./... > "$TABLEJOHN_RESULTS"
