#!/usr/bin/env bash
# Builds tablejohnd (release) and serves the git repository in the current directory,
# with a runner in the same process that benchmarks new commits (internal method by default).
# Usage, from inside any git checkout: bash /path/to/tablejohn/contrib/serve.sh [serve options]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/contrib/setup.sh"
swift build -c release --package-path "$root" --product tablejohnd >&2
exec "$(swift build -c release --package-path "$root" --show-bin-path)/tablejohnd" serve --local-runner "$@"
