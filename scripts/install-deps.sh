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

# nvcc and the CUDA headers/runtime so that engine/cuda and its tests compile on machines
# without a CUDA toolkit (CI, development); the tests skip without a device. They come from
# NVIDIA's PyPI wheels (CUDA 13.5: the cu12 nvcc wheel ships only ptxas), unpacked into one
# toolkit folder that the top-level CMakeLists.txt looks for. Compiler only: nothing the
# product runs is installed this way. A machine with its own toolkit keeps it;
# HARNESS_CUDA_TOOLKIT=0 skips this step.
cuda_home="${HARNESS_CUDA_HOME:-/opt/harness-cuda}"
cuda_wheels=(nvidia-cuda-nvcc==13.5.37 nvidia-cuda-crt==13.5.37 nvidia-nvvm==13.5.37
             nvidia-cuda-runtime==13.5.37 nvidia-cuda-cccl==13.3.5.0.6)
if [[ "${HARNESS_CUDA_TOOLKIT:-1}" != 0 ]] && ! command -v nvcc >/dev/null \
   && [[ ! -x /usr/local/cuda/bin/nvcc ]] \
   && [[ "$(cat "$cuda_home/.wheels" 2>/dev/null)" != "${cuda_wheels[*]}" ]]; then
  if ! python3 -m pip --version >/dev/null 2>&1; then
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends python3-pip
  fi
  wheels_dir="$(mktemp -d)"
  python3 -m pip download --quiet --no-cache-dir --no-deps --dest "$wheels_dir" "${cuda_wheels[@]}"
  unpack_dir="$wheels_dir/unpacked"
  for wheel in "$wheels_dir"/*.whl; do python3 -m zipfile -e "$wheel" "$unpack_dir"; done
  # Every CUDA 13 wheel puts its part of the toolkit under nvidia/cu13/ (bin, include, lib, nvvm).
  SUDO=""
  [[ $(id -u) -ne 0 && ! -w "$(dirname "$cuda_home")" ]] && SUDO="sudo"
  $SUDO rm -rf "$cuda_home"
  $SUDO mkdir -p "$(dirname "$cuda_home")"
  $SUDO mv "$unpack_dir/nvidia/cu13" "$cuda_home"
  # zip keeps no file modes; the libcudart.so link is what CMake's FindCUDAToolkit looks for.
  $SUDO chmod +x "$cuda_home"/bin/* "$cuda_home"/nvvm/bin/*
  $SUDO ln -sf libcudart.so.13 "$cuda_home/lib/libcudart.so"
  echo "${cuda_wheels[*]}" | $SUDO tee "$cuda_home/.wheels" >/dev/null
  rm -rf "$wheels_dir"
  echo "CUDA compiler: $("$cuda_home/bin/nvcc" --version | tail -1) in $cuda_home"
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
