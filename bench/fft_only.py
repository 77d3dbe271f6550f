"""fastmel's own FFTs alone: the core built with FASTMEL_BENCH_FFT_ONLY.

That build (CMake option FASTMEL_BENCH, target fastmel_fftonly, compiled here
into build/bench on first use; never part of the package) runs the same
framing, window and lane-transposed pocketfft as the product and stops after
the FFT. Timing it beside the full layer shows what the stages after the FFT
cost. Driven through the C ABI with ctypes.
"""

from __future__ import annotations

import ctypes as C
import pathlib
import subprocess
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "bench"


class Framing(C.Structure):
    _fields_ = [
        ("frame_length", C.c_size_t),
        ("hop", C.c_size_t),
        ("start", C.c_ssize_t),
        ("reach", C.c_ssize_t),
        ("drop_last", C.c_size_t),
        ("pad_mode", C.c_int),
        ("signal_preemphasis", C.c_double),
    ]


class Condition(C.Structure):
    _fields_ = [
        ("dither", C.c_double),
        ("dither_seed", C.c_uint64),
        ("remove_dc", C.c_int),
        ("preemphasis", C.c_double),
        ("energy", C.c_int),
        ("energy_min", C.c_double),
        ("energy_floor", C.c_double),
    ]


class Spectrum(C.Structure):
    _fields_ = [
        ("fft_length", C.c_size_t),
        ("fft_offset", C.c_size_t),
        ("mag_exp", C.c_double),
        ("power_floor", C.c_double),
        ("power_offset", C.c_double),
    ]


class Bank(C.Structure):
    _fields_ = [("num_bands", C.c_size_t)]


class Log(C.Structure):
    _fields_ = [
        ("enabled", C.c_int),
        ("log_scale", C.c_double),
        ("log_offset", C.c_double),
        ("out_offset", C.c_double),
        ("min_power", C.c_double),
        ("ref_power", C.c_double),
    ]


class Floor(C.Structure):
    _fields_ = [("mode", C.c_int), ("range", C.c_double)]


class Post(C.Structure):
    _fields_ = [
        ("num_features", C.c_size_t),
        ("energy_insert", C.c_int),
        ("energy_index", C.c_size_t),
        ("layout", C.c_int),
        ("fill", C.c_double),
    ]


class Norm(C.Structure):
    _fields_ = [
        ("mode", C.c_int),
        ("ddof", C.c_size_t),
        ("eps", C.c_double),
        ("eps_in_sqrt", C.c_int),
        ("exclude_last", C.c_size_t),
    ]


class Options(C.Structure):
    _fields_ = [
        ("framing", Framing),
        ("condition", Condition),
        ("spectrum", Spectrum),
        ("bank", Bank),
        ("log", Log),
        ("floor", Floor),
        ("post", Post),
        ("norm", Norm),
        ("kernel", C.c_int),
    ]


class Tables(C.Structure):
    _fields_ = [
        ("window", C.c_void_p),
        ("band_first", C.c_void_p),
        ("band_len", C.c_void_p),
        ("band_weights", C.c_void_p),
        ("post_matrix", C.c_void_p),
        ("post_bias", C.c_void_p),
    ]


class Input(C.Structure):
    _fields_ = [
        ("data", C.c_void_p),
        ("n_rows", C.c_size_t),
        ("row_stride", C.c_ssize_t),
        ("sample_stride", C.c_ssize_t),
        ("n_samples", C.c_size_t),
        ("lengths", C.c_void_p),
        ("frame_index0", C.c_uint64),
        ("dither_key", C.c_uint64),
        ("floor_group", C.c_size_t),
        ("zero_from", C.c_void_p),
        ("zeros_unstored", C.c_int),
        ("floor_max", C.c_void_p),
        ("rows", C.c_void_p),
        ("samples_float32", C.c_int),
    ]


def build() -> pathlib.Path:
    """Configure and build the FFT-only library (quietly; once per checkout)."""
    lib = BUILD / "libfastmel_fftonly.so"
    subprocess.run(
        [
            "cmake",
            "-S",
            str(ROOT),
            "-B",
            str(BUILD),
            "-DFASTMEL_BENCH=ON",
            "-DCMAKE_BUILD_TYPE=Release",
            f"-DPython_EXECUTABLE={sys.executable}",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["cmake", "--build", str(BUILD), "--target", "fastmel_fftonly", "-j", "2"],
        check=True,
        capture_output=True,
    )
    return lib


_lib = None


def library() -> C.CDLL:
    global _lib
    if _lib is None:
        lib = C.CDLL(str(build()))
        lib.fm_plan_create.argtypes = [
            C.POINTER(Options),
            C.POINTER(Tables),
            C.c_int,
            C.POINTER(C.c_void_p),
        ]
        lib.fm_num_frames.argtypes = [C.c_void_p, C.c_size_t]
        lib.fm_num_frames.restype = C.c_size_t
        lib.fm_compute.argtypes = [
            C.c_void_p,
            C.POINTER(Input),
            C.c_void_p,
            C.c_int,
            C.c_void_p,
            C.c_void_p,
        ]
        _lib = lib
    return _lib


class FftOnly:
    """``fft_only(x)``: (rows, samples) float32 -> (rows, bands, frames) holding
    FFTPACK coefficient m of each frame as band m, Keras framing (centred,
    reflect), periodic Hann of ``length`` centred in ``n``."""

    def __init__(self, n, length, hop, bands, threads):
        if bands > n:
            raise ValueError("the FFT-only build writes coefficient m as band m: bands <= n")
        lib = library()
        self.lib, self.bands, self.threads = lib, bands, threads
        o = Options()
        offset, pad = (n - length) // 2, n // 2
        o.framing = Framing(length, hop, offset - pad, n - 2 * pad, 0, 0)
        o.spectrum = Spectrum(n, offset, 2.0)
        o.bank = Bank(bands)
        o.condition.energy_min = 1.0
        self.window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(length) / length)
        self.first = np.zeros(bands, np.uintp)
        self.length = np.ones(bands, np.uintp)
        self.weights = np.ones(bands)
        t = Tables(
            self.window.ctypes.data,
            self.first.ctypes.data,
            self.length.ctypes.data,
            self.weights.ctypes.data,
            None,
        )
        self._key, self._args = None, ()
        self.plan = C.c_void_p()
        status = lib.fm_plan_create(C.byref(o), C.byref(t), 0, C.byref(self.plan))
        if status != 0:
            raise RuntimeError(f"fm_plan_create failed with status {status}")

    def __call__(self, x):
        # The call's arguments are made once per input array (the benchmark
        # passes the same one every time), so that a call costs the core plus
        # ctypes's own call overhead, as the product's binding costs the core
        # plus its checks.
        if self._key != id(x):
            x2 = np.ascontiguousarray(x.reshape(-1, x.shape[-1]), dtype=np.float32)
            frames = self.lib.fm_num_frames(self.plan, x2.shape[1])
            out = np.empty((x2.shape[0], self.bands, frames), np.float32)
            inp = Input(x2.ctypes.data, x2.shape[0], x2.shape[1], 1, x2.shape[1], None, 0, 0, 0)
            self._key = id(x)
            self._args = (x, x2, out, inp, C.byref(inp), out.ctypes.data)
        out, inp_ref, out_ptr = self._args[2], self._args[4], self._args[5]
        status = self.lib.fm_compute(self.plan, inp_ref, out_ptr, self.threads, None, None)
        if status != 0:
            raise RuntimeError(f"fm_compute failed with status {status}")
        return out
