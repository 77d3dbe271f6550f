#!/usr/bin/env bash
# tools/test_wheel.sh WHEEL: install a built wheel into a fresh venv, with no
# compiler on PATH and binary packages only, and run the whole test suite
# against the installed package (never the source tree): once with the kernel
# this CPU picks (AVX2 where it has it, which is asserted), once with the
# baseline kernel forced.
#
# Environment: PYTHON (default python3) makes the venv, whose Python must be
# the wheel's; FASTMEL_WHEEL_VENV (default build/wheel-venv) is its place.
set -euo pipefail

wheel=$(cd "$(dirname "${1:?usage: tools/test_wheel.sh WHEEL}")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
venv=${FASTMEL_WHEEL_VENV:-$root/build/wheel-venv}

rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
# Binary packages only: nothing may be compiled, fastmel least of all.
"$venv/bin/python" -m pip install -q --only-binary=:all: "$wheel[test]"

# PATH without compilers or build tools: the system's programs but those.
bin="$venv/no-compilers"
mkdir -p "$bin"
for dir in /usr/local/bin /usr/bin /bin; do
  [ -d "$dir" ] || continue
  for tool in "$dir"/*; do
    name=$(basename "$tool")
    case "$name" in
      cc | c++ | cpp | gcc* | g++* | cpp-* | clang* | *-linux-gnu-gcc* | *-linux-gnu-g++* | \
        *-linux-gnu-cpp* | ld | ld.* | *-linux-gnu-ld* | cmake | ctest | ninja | zig | \
        tcc | icc | icpx | nvcc | cython*) continue ;;
    esac
    [ -e "$bin/$name" ] || ln -s "$tool" "$bin/$name"
  done
done
export PATH="$venv/bin:$bin"
for compiler in cc c++ gcc g++ clang cmake; do
  if command -v "$compiler" > /dev/null; then
    echo "a compiler is still on PATH: $(command -v "$compiler")" >&2
    exit 1
  fi
done

# From outside the source tree: fastmel is the installed wheel's.
cd "$venv"
python - <<'EOF'
import pathlib, sys
import fastmel
where = pathlib.Path(fastmel.__file__).resolve()
assert pathlib.Path(sys.prefix).resolve() in where.parents, f"fastmel imported from {where}"
config = fastmel.show_config()
# What the CPU has, as the kernel reports it, not as fastmel's own check says.
flags = set()
for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
    if line.startswith("flags"):
        flags = set(line.split(":", 1)[1].split())
        break
print(f"fastmel from {where.parent}; kernels {fastmel.available_kernels()}")
if {"avx2", "fma"} <= flags:
    assert config["kernel"].startswith("avx2"), f"AVX2 CPU, but the kernel is {config['kernel']}"
EOF
export FASTMEL_REQUIRE_EXTRAS=1
python -m pytest -q -p no:cacheprovider --rootdir="$root" "$root/tests"
FASTMEL_KERNEL=baseline python -m pytest -q -p no:cacheprovider --rootdir="$root" "$root/tests"
