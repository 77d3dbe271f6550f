#!/usr/bin/env bash
# The core's aarch64 (NEON) path, checked on an x86-64 machine: the C++ test
# harness (tests/native/harness.cpp) is built natively and cross-compiled for
# aarch64; the native build writes reference outputs, and the aarch64 build,
# run under qemu-user, recomputes them and compares (tolerances of
# shared/SPEC.md), checks that it runs 4 float32 lanes, and that its outputs
# are bit-identical for 1, 2 and 3 threads. Exits non-zero on any failure.
#
#   bash tools/aarch64.sh
#
# Needs root (or the packages already installed) on Debian 12: installs
# g++-aarch64-linux-gnu and qemu-user with apt-get when they are missing.
# FASTMEL_AARCH64_BUILD_DIR: where the binaries and logs go (build/aarch64).
# FASTMEL_AARCH64_EXACT=1: also require bit-for-bit equality from an aarch64
# build without fused multiply-adds (-ffp-contract=off), see below.
# An object is recompiled only when its source, a header it reads (the
# pocketfft header included), its flags or its compiler changed.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
build=${FASTMEL_AARCH64_BUILD_DIR:-build/aarch64}
mkdir -p "$build"

if [[ $(uname -m) != x86_64 ]]; then
  echo "tools/aarch64.sh: runs on an x86-64 host (this is $(uname -m))" >&2
  exit 2
fi

# ---- (i) the cross compiler and qemu-user, only if missing -------------------
missing=()
command -v aarch64-linux-gnu-g++ >/dev/null || missing+=(g++-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
if ((${#missing[@]})); then
  echo "== installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # apt-get update only when the package lists do not know a package, or an
  # install from the lists we have fails (stale lists: files gone from the
  # mirror).
  known=1
  for p in "${missing[@]}"; do
    apt-cache show --no-all-versions "$p" >/dev/null 2>&1 || known=0
  done
  if ((known == 0)); then apt-get update -q; fi
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi
# the aarch64 C library and libstdc++ that qemu-aarch64 loads the binary with
sysroot=/usr/aarch64-linux-gnu
[[ -e $sysroot/lib/ld-linux-aarch64.so.1 ]] || {
  echo "tools/aarch64.sh: no aarch64 sysroot at $sysroot" >&2
  exit 2
}

# ---- (ii) the pocketfft header, found as CMakeLists.txt finds it --------------
py=$(command -v python || command -v python3)
pocketfft_of_pythran() {
  "$py" -c "import importlib.util, pathlib; s = importlib.util.find_spec('pythran'); print(pathlib.Path(s.origin).parent / 'pythonic' / 'numpy' / 'fft' / 'pocketfft.hpp')" 2>/dev/null
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
header=$(pocketfft_of_pythran || true)
if [[ -z $header || ! -f $header ]]; then
  # Only the header is needed: the wheel alone, without its dependencies.
  echo "== pythran not importable: pip install pythran==0.19.0 into a temporary directory"
  if ! "$py" -m pip install --no-deps --target "$tmp/pythran" pythran==0.19.0 \
    >"$build/pip.log" 2>&1; then
    cat "$build/pip.log" >&2
    exit 2
  fi
  header=$(PYTHONPATH="$tmp/pythran" pocketfft_of_pythran || true)
fi
if [[ -z $header || ! -f $header ]]; then
  echo "tools/aarch64.sh: pocketfft header not found" >&2
  exit 2
fi
echo "== pocketfft header: $header"

# ---- (iii) two builds of the harness, side by side ---------------------------
core=(csrc/plan.cpp csrc/pool.cpp csrc/kernel_baseline.cpp)
flags=(-O2 -std=c++17 -pthread -Icsrc)
# The harness's own signals must not depend on fused multiply-adds (see its
# comments); the core is built as CMakeLists.txt's baseline kernel would be,
# without FASTMEL_HAVE_AVX2 and without kernel_avx2.cpp.
harness_flags=(-ffp-contract=off)

# build_one CXX NAME [FLAGS...]: compile each source into $build/NAME/ (the
# extra FLAGS for every source) and link $build/harness-NAME. An object is
# compiled again only when its stamp changes: the compiler, its flags, its
# source and what it includes (the harness: fastmel.h; the core: csrc's
# headers and the pocketfft header, by content: the header's path may be a
# new temporary directory on every run).
build_one() {
  local cxx=$1 name=$2
  shift 2
  local extra=("$@")
  local dir=$build/$name version src obj stamp relink=0 objs=()
  mkdir -p "$dir"
  version=$("$cxx" --version | head -n 1)
  [[ -x $build/harness-$name ]] || relink=1
  for src in tests/native/harness.cpp "${core[@]}"; do
    obj=$dir/$(basename "$src" .cpp).o
    objs+=("$obj")
    local cmd=("$cxx" "${flags[@]}" "${extra[@]}")
    if [[ $src == tests/* ]]; then
      cmd+=("${harness_flags[@]}")
      stamp=$({ echo "$version"; printf '%s\n' "${cmd[@]}"; cat "$src" csrc/fastmel.h; } |
        sha256sum | cut -d' ' -f1)
    else
      stamp=$({ echo "$version"; printf '%s\n' "${cmd[@]}"; cat "$src" csrc/*.h csrc/*.hpp "$header"; } |
        sha256sum | cut -d' ' -f1)
      cmd+=("-DFASTMEL_POCKETFFT_HEADER=\"$header\"")
    fi
    if [[ -f $obj && -f $obj.stamp && $(cat "$obj.stamp") == "$stamp" ]]; then
      continue
    fi
    rm -f "$obj.stamp"
    echo "   $name: compiling $src"
    "${cmd[@]}" -c "$src" -o "$obj"
    echo "$stamp" >"$obj.stamp"
    relink=1
  done
  if ((relink)); then
    "$cxx" -pthread "${objs[@]}" -o "$build/harness-$name"
    echo "== $name: built $build/harness-$name"
  else
    echo "== $name: up to date"
  fi
}

# FASTMEL_AARCH64_EXACT=1 adds a third build: aarch64 with -ffp-contract=off
# everywhere, required to match x86-64 bit for bit. (GCC fuses a*b + c into
# one rounding by default on aarch64, and x86-64's baseline has no FMA: the
# only source of the differences the tolerances absorb.)
exact=${FASTMEL_AARCH64_EXACT:-0}
builds=(x86_64 aarch64)
((exact)) && builds+=(aarch64-nofma)
echo "== building ${builds[*]} (in parallel)"
b0=$(date +%s)
pids=()
build_one g++ x86_64 >"$build/build-x86_64.log" 2>&1 &
pids+=($!)
build_one aarch64-linux-gnu-g++ aarch64 >"$build/build-aarch64.log" 2>&1 &
pids+=($!)
if ((exact)); then
  build_one aarch64-linux-gnu-g++ aarch64-nofma -ffp-contract=off \
    >"$build/build-aarch64-nofma.log" 2>&1 &
  pids+=($!)
fi
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
for b in "${builds[@]}"; do cat "$build/build-$b.log"; done
if ((status)); then
  echo "tools/aarch64.sh: build failed" >&2
  exit 1
fi
echo "== build: $(($(date +%s) - b0)) s"
file "$build/harness-aarch64" 2>/dev/null | sed 's/^/   /' || true

# ---- (iv) the reference on x86-64, the check on aarch64 under qemu -----------
ref=$build/reference-x86_64.bin
echo
echo "== x86-64 (native): writing $ref"
native_ok=1
"$build/harness-x86_64" --write "$ref" >"$build/x86_64.log" 2>&1 || native_ok=0
# its kernel and its verdict (the full table is in the log)
grep -E '^(kernel|platform|FAIL|PASSED|FAILED)| (zf-)?DIFFER |ERROR:' "$build/x86_64.log" | sed 's/^/   /'

echo
echo "== aarch64 (qemu-aarch64 -L $sysroot): checking against the x86-64 reference"
r0=$(date +%s)
aarch64_ok=1
qemu-aarch64 -L "$sysroot" "$build/harness-aarch64" --check "$ref" --lanes 4 \
  >"$build/aarch64.log" 2>&1 || aarch64_ok=0
cat "$build/aarch64.log"
echo "== aarch64 run under qemu: $(($(date +%s) - r0)) s"
exact_ok=1
if ((exact)); then
  echo
  echo "== aarch64 built with -ffp-contract=off: bit-for-bit against x86-64 (--exact)"
  qemu-aarch64 -L "$sysroot" "$build/harness-aarch64-nofma" --check "$ref" --lanes 4 --exact \
    >"$build/aarch64-nofma.log" 2>&1 || exact_ok=0
  grep -E '^(kernel|lanes|reference|--exact|FAIL|PASSED|FAILED)|(OK|FAIL)$' "$build/aarch64-nofma.log"
fi

# ---- summary --------------------------------------------------------------------
echo
echo "== summary"
lanes() { grep -E "^kernel $2:" "$1" | sed "s/^kernel $2: //"; }
echo "   x86-64 reference  float32: $(lanes "$build/x86_64.log" float32); float64: $(lanes "$build/x86_64.log" float64)"
echo "   aarch64 (qemu)    float32: $(lanes "$build/aarch64.log" float32); float64: $(lanes "$build/aarch64.log" float64)"
# the case table's rows: name, threads verdict, max|diff|, measure, tolerance, status
awk '/^case /{t=1; next} t && NF==0 {t=0} t {
       printf "   %-24s threads 1/2/3 %-9s max|diff| to x86-64 %-10s measure %-10s tol %-10s %s\n",
              $1, $4, $5, $6, $7, $NF }' "$build/aarch64.log"
if ((exact && exact_ok)); then
  echo "   aarch64 with -ffp-contract=off: every case bit-for-bit equal to x86-64"
fi
if ((native_ok && aarch64_ok && exact_ok)); then
  echo "   PASS: aarch64 agrees with x86-64 within tolerance, 4 float32 lanes, bit-identical across thread counts ($(($(date +%s) - t0)) s)"
else
  ((native_ok)) || echo "   FAIL: the x86-64 run failed (see $build/x86_64.log)"
  ((aarch64_ok)) || echo "   FAIL: the aarch64 run failed (see $build/aarch64.log)"
  ((exact_ok)) || echo "   FAIL: the -ffp-contract=off aarch64 build is not bit-for-bit (see $build/aarch64-nofma.log)"
  exit 1
fi
