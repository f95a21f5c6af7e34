#!/usr/bin/env bash
# Installs what the tests need, builds everything and runs the whole test suite:
# unit tests (Tests/) and tests of the real binaries (Integration/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/contrib/setup.sh"
cd "$root"
# Warnings are errors: a warning is a defect caught here, not a line scrolled past.
swift build --build-tests -Xswiftc -warnings-as-errors
# One test at a time: many integration tests wait on processes (daemons, chromium, git)
# from the test process's small task pool, and in parallel on 2 cores they starved each
# other's timeouts.
swift test --skip-build --no-parallel "$@"
