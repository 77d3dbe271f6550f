"""Check that an x86-64 build of fastmel runs on any x86-64 CPU: outside the
AVX2 kernel, its extension module holds no VEX- or EVEX-encoded instruction.

The AVX2 kernel (csrc/kernel_avx2.cpp, compiled with -mavx2 -mfma) puts all of
its own code, pocketfft included, in the namespace ``fastmel_isa_avx2`` but
its entry points ``fastmel::<name>_avx2`` (the factories ``make_kernel_avx2``
and ``make_frames_avx2``, ``torch_randn_avx2``, ``utterance_cmvn_avx2``: plan.cpp
calls them only on a CPU with AVX2 and FMA, and the compiler may inline the
kernel's code into them); the
library templates it instantiates on 256-bit vector types (``float
__vector(8)``, ``double __vector(4)``) exist in no other translation unit and
are called only from it. Any other function with such an instruction (a
template both kernels instantiate, whose AVX2 copy the linker kept; a
-march=native build) would crash a CPU without AVX. The baseline kernel must
also be built for the x86-64 baseline: SSE4 and newer instructions outside the
AVX2 kernel are reported too.

    python tools/check_isa.py [--require-avx2] MODULE
    python tools/check_isa.py [--require-avx2] --same-code WHEEL MODULE

MODULE is a _core*.so or a wheel holding one. Function names come from the
symbol table, which an installed module no longer has (scikit-build-core
strips it): --same-code checks the unstripped MODULE of the build tree after
making sure that its code (.text) is byte for byte the code of WHEEL's module.

Prints what it found and exits 1 if anything is out of place (or, with
--require-avx2, if the build has no AVX2 kernel).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

# Functions allowed to use AVX: the kernel's namespace, its entry points (called
# only once the CPU was seen to have AVX2 and FMA) and code on its vector types.
AVX2_ONLY = re.compile(
    r"fastmel_isa_avx2|fastmel::\w+_avx2\("
    r"|float __vector\(8\)|double __vector\(4\)"
)
# VEX/EVEX-encoded general-purpose instructions (BMI1/BMI2) have no "v" prefix.
BMI = {"andn", "bextr", "blsi", "blsmsk", "blsr", "bzhi", "mulx", "pdep", "pext", "rorx",
       "sarx", "shlx", "shrx"}  # fmt: skip
# SSE3 .. SSE4.2 mnemonics, which the x86-64 baseline (SSE2) does not have.
NEWER_SSE = re.compile(
    r"^(addsubp[sd]|hadd|hsub|movddup|movs[hl]dup|lddqu|pabs|palignr|phadd|phsub|pmaddubsw|"
    r"pmulhrsw|pshufb|psign|blendv?p[sd]|dpp[sd]|extractps|insertps|movntdqa|mpsadbw|"
    r"packusdw|pblend|pcmpeqq|pcmpgtq|pcmp[ei]str|pextr[bdq]|phminposuw|pinsr[bdq]|pmax[su][bdw]|"
    r"pmin[su][bdw]|pmov[sz]x|pmuldq|pmulld|ptest|round[ps][sd]|popcnt|crc32)"
)
FUNCTION = re.compile(r"^[0-9a-f]+ <(.*)>:$")
INSTRUCTION = re.compile(r"^\s+[0-9a-f]+:\t(\S+)")


def shared_object(path: Path, tmp: str) -> Path:
    """The extension module: ``path`` itself, or the one inside a wheel."""
    if path.suffix != ".whl":
        return path
    with zipfile.ZipFile(path) as wheel:
        names = [n for n in wheel.namelist() if re.search(r"fastmel/_core.*\.so$", n)]
        if len(names) != 1:
            raise SystemExit(f"{path}: expected one fastmel/_core*.so, found {names}")
        return Path(wheel.extract(names[0], tmp))


def text_section(so: Path, tmp: str) -> bytes:
    """The bytes of the module's .text section."""
    dump = Path(tmp) / f"{so.name}.{abs(hash(str(so)))}.text"
    subprocess.run(
        ["objcopy", "-O", "binary", "--only-section=.text", str(so), str(dump)], check=True
    )
    return dump.read_bytes()


def offending(so: Path) -> tuple[Counter[str], int, int]:
    """(function -> out-of-place instructions, functions seen, AVX2-kernel functions)."""
    text = subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn", "-C", str(so)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    bad: Counter[str] = Counter()
    function, functions, kernel = "", 0, 0
    for line in text.splitlines():
        m = FUNCTION.match(line)
        if m:
            function = m.group(1)
            functions += 1
            kernel += bool(AVX2_ONLY.search(function))
            continue
        m = INSTRUCTION.match(line)
        if not m or AVX2_ONLY.search(function):
            continue
        op = m.group(1)
        vex = op.startswith("v") and op not in ("verr", "verw")
        if vex or op in BMI or NEWER_SSE.match(op):
            bad[f"{function}: {op}"] += 1
    return bad, functions, kernel


def main() -> int:
    args = sys.argv[1:]
    require = "--require-avx2" in args
    same = "--same-code" in args
    args = [a for a in args if a not in ("--require-avx2", "--same-code")]
    if len(args) != (2 if same else 1):
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        so = shared_object(Path(args[-1]), tmp)
        if same:
            shipped = shared_object(Path(args[0]), tmp)
            code = text_section(so, tmp)
            if text_section(shipped, tmp) != code:
                print(f"{so}: its code differs from that of {args[0]}")
                return 1
            print(f"{so.name}: the same {len(code):,} bytes of code as in {Path(args[0]).name}")
        bad, functions, kernel = offending(so)
    print(
        f"{so.name}: {functions} functions, {kernel} in the AVX2 kernel or on its vector types; "
        f"{sum(bad.values())} instructions beyond x86-64 (SSE2) elsewhere"
    )
    for where, count in bad.most_common(30):
        print(f"  {count:5d}  {where}")
    if kernel == 0:
        print("  no AVX2 kernel in this build")
    return 1 if bad or (require and kernel == 0) else 0


if __name__ == "__main__":
    sys.exit(main())
