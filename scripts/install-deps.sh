#!/usr/bin/env bash
# Installs everything a fresh Debian 12 machine needs to build, test and run harness.
# Idempotent: re-running it only installs what is missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates
  # libraries harness links against
  libsqlite3-dev sqlite3 libcurl4-openssl-dev nlohmann-json3-dev libyaml-cpp-dev
  libboost-dev libpcre2-dev libseccomp-dev libzip-dev zlib1g-dev libssl-dev
  libgtest-dev libgmock-dev
  python3-langdetect  # IFEval language identification: langdetect's profiles, read at run time
  libginac-dev libcln-dev  # MATH-500 answer algebra (math-verify port)
  # sandbox runners for the code benches
  python3 python3-numpy rustc default-jdk-headless nodejs libjavatuples-java
  # the browser test of the daemon's web page (tests/browser)
  chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# playwright-core for the browser test, at the version pinned in tests/browser/package-lock.json.
# nodejs from some sources (NodeSource) bundles npm; Debian's own nodejs needs the npm package.
browser_tests="$(dirname "$0")/../tests/browser"
if [[ ! -d "$browser_tests/node_modules/playwright-core" ]]; then
  if ! command -v npm >/dev/null; then
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends npm
  fi
  (cd "$browser_tests" && npm ci --no-audit --no-fund)
fi
