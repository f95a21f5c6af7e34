#!/usr/bin/env bash
# Installs the Debian packages tablejohn needs to build, test and run.
# Idempotent: apt-get runs only when something is missing. Needs root (or sudo).
set -euo pipefail

packages=(
  git              # the repositories tablejohn watches; tests make their own
  pkg-config       # locates libgit2 and jansson for the Swift build
  libgit2-dev      # reading and fetching repositories
  libjansson-dev   # JSON on the RPC and runner wire
  libsqlite3-dev   # the database (through GRDB)
  libarchive-dev   # tree archives sent to runners, and unpacking them
  libtomlplusplus-dev  # the configuration reader: toml++ (header-only here, nothing needed where the daemon runs)
  sqlite3          # the benchmark harness compares exports with the sqlite3 shell; runner tests hold the write lock with it
  ca-certificates  # fetching over https
  curl             # the benchmark harness measures HTTP exports with it
  wrk              # the benchmark harness loads the runner API with it
  libjs-dygraphs   # the graph page's plotting library, served by the daemon from /usr/share/javascript
  chromium         # the integration tests drive the web pages in headless chromium
  chromium-driver  # … through chromedriver (W3C WebDriver on loopback)
  fonts-dejavu-core  # a font for headless chromium, so screenshots have readable text
  python3-pip      # installs kubernetes-validate and pytest-benchmark below
  hyperfine        # the fleet tests run contrib/bench/hyperfine.sh with the real harness
  make             # … which builds its sample program with make
)
# The fleet tests verify contrib/systemd/*.service with systemd-analyze; install systemd
# only where the tool is missing (a container without it), never over a running one.
if ! command -v systemd-analyze >/dev/null; then
  packages+=(systemd)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: run as root to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The fleet tests validate contrib/kubernetes/*.yaml against the Kubernetes schemas,
# which kubernetes-validate carries with it (no cluster, no network at test time).
# The fleet tests also run contrib/bench/pytest-benchmark.sh with the real plugin.
pip_install() {
  python3 -m pip install --quiet --disable-pip-version-check "$@" 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$@"
}
if ! command -v kubernetes-validate >/dev/null; then
  echo "setup: installing kubernetes-validate (pip)" >&2
  pip_install kubernetes-validate
fi
if ! python3 -c "import pytest_benchmark" 2>/dev/null; then
  echo "setup: installing pytest-benchmark (pip)" >&2
  pip_install pytest pytest-benchmark
fi
# The operations tests parse GET /metrics with the Prometheus project's own text parser.
if ! python3 -c "import prometheus_client.parser" 2>/dev/null; then
  echo "setup: installing prometheus-client (pip)" >&2
  pip_install prometheus-client
fi

if ! command -v swift >/dev/null; then
  echo "setup: the Swift 6.3 toolchain is not on PATH; install it from swift.org first" >&2
  exit 1
fi
