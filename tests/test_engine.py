"""The engine's stages against an obvious NumPy version (engine_reference.py),
on every compiled kernel, and bit-identical across thread counts."""

import dataclasses

import numpy as np
import pytest
from engine_reference import engine, gaussian, num_frames

import fastmel
from fastmel import _engine
from fastmel._engine import (
    Bank,
    Condition,
    EngineOptions,
    Floor,
    Framing,
    Log,
    Norm,
    Post,
    Spectrum,
    make_plan,
)

KERNELS = fastmel.available_kernels()
EPS32 = float(np.finfo(np.float32).eps)


def povey(W):
    return (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(W) / (W - 1))) ** 0.85


def random_bank(n, nb, seed=0):
    """Sparse bands at random places over the n//2 + 1 bins, one of them empty."""
    rng = np.random.default_rng(seed)
    nbins = n // 2 + 1
    first = rng.integers(0, nbins, nb)
    length = np.array([rng.integers(0, min(12, nbins - f) + 1) for f in first])
    length[nb // 2] = 0
    weights = rng.uniform(0.1, 1.0, int(length.sum()))
    return Bank(first=first.astype(np.uintp), length=length.astype(np.uintp), weights=weights)


def opts(
    *,
    W=50,
    n=64,
    hop=20,
    start=0,
    reach=None,
    drop=0,
    pad="reflect",
    spre=0.0,
    dither=0.0,
    seed=0,
    dc=False,
    pre=0.0,
    window=True,
    energy="none",
    efloor=-np.inf,
    p=2.0,
    pfloor=0.0,
    poffset=0.0,
    offset=0,
    nb=10,
    log=True,
    floor=("none", 0.0),
    matrix=None,
    bias=None,
    insert=True,
    eidx=0,
    layout="bands_frames",
    fill=0.0,
    norm=("none", 0, 0.0, False),
    kernel="auto",
):
    return EngineOptions(
        framing=Framing(
            frame_length=W,
            hop=hop,
            start=start,
            reach=reach,
            drop_last=drop,
            pad_mode=pad,
            signal_preemphasis=spre,
        ),
        condition=Condition(
            dither=dither,
            dither_seed=seed,
            remove_dc=dc,
            preemphasis=pre,
            window=povey(W) if window else None,
            energy=energy,
            energy_floor=efloor,
        ),
        spectrum=Spectrum(
            fft_length=n, fft_offset=offset, mag_exp=p, power_floor=pfloor, power_offset=poffset
        ),
        bank=random_bank(n, nb),
        log=Log(enabled=log, log_scale=float(np.log(10)), min_power=EPS32),
        floor=Floor(mode=floor[0], range=floor[1]),
        post=Post(
            matrix=matrix,
            bias=bias,
            energy_insert=insert,
            energy_index=eidx,
            layout=layout,
            fill=fill,
        ),
        norm=Norm(*norm),
        kernel=kernel,
    )


def dct(nb, K):
    """Kaldi's MFCC DCT: orthonormal DCT-II rows, first K."""
    k = np.arange(K)[:, None]
    m = np.arange(nb)[None, :]
    d = np.sqrt(2.0 / nb) * np.cos(np.pi / nb * (m + 0.5) * k)
    d[0] = np.sqrt(1.0 / nb)
    return d


# Each stage on its own, then together (names say what they exercise).
CASES = {
    "plain": {},
    "fft_longer_than_frame_at_offset": dict(W=37, n=64, offset=11),
    "kaldi_symmetric_padding": dict(start=-15, reach=10, pad="symmetric"),
    "reflect_padding": dict(start=-32, reach=0, pad="reflect"),
    "constant_padding_drop_last": dict(start=-25, reach=0, pad="constant", drop=1),
    "dither": dict(dither=0.5, seed=7),
    "remove_dc": dict(dc=True),
    "preemphasis": dict(pre=0.97),
    "rectangular_preemphasis": dict(pre=0.97, window=False),
    "raw_energy_inserted_first": dict(energy="raw", dc=True, pre=0.97),
    "windowed_energy_inserted_last": dict(energy="windowed", eidx=10),
    "energy_replaces_with_floor": dict(energy="raw", insert=False, eidx=0, efloor=np.log(30.0)),
    "post_matrix": dict(matrix=dct(10, 6)),
    "post_matrix_energy_frames_major": dict(
        matrix=dct(10, 6), energy="raw", insert=False, layout="frames_bands"
    ),
    "frames_major": dict(layout="frames_bands"),
    "magnitude_no_log": dict(p=1.0, log=False),
    "general_exponent": dict(p=1.5),
    "floor_batch": dict(floor=("batch", 3.0)),
    "subtract_mean": dict(norm=("mean", 0, 0.0, False)),
    "mean_std_eps_outside_frames_major": dict(
        norm=("mean_std", 1, 1e-5, False), layout="frames_bands"
    ),
    "mean_std_parakeet_last_frame_out": dict(
        norm=("mean_std", 1, 1e-5, False, 1), layout="frames_bands", fill=-3.0
    ),
    "mean_std_eps_inside_after_post": dict(
        norm=("mean_std", 1, 1e-7, True), matrix=dct(10, 6), energy="raw", floor=("row", 3.0)
    ),
    "floor_row_before_post": dict(floor=("row", 2.0), matrix=dct(10, 5), energy="raw"),
    "signal_preemphasis_centred_reflect": dict(spre=0.97, start=-32, reach=0),
    "signal_preemphasis_constant_nemo": dict(spre=0.97, start=-25, reach=0, pad="constant"),
    "signal_preemphasis_symmetric": dict(spre=0.5, start=-15, reach=10, pad="symmetric"),
    "signal_preemphasis_from_sample_1_gemma": dict(spre=0.97, start=1, reach=51),
    "signal_and_frame_preemphasis_dither": dict(spre=0.9, pre=0.97, dc=True, dither=0.3),
    "power_floor_magnitude_inkling": dict(p=1.0, pfloor=1e-2),
    "power_offset_magnitude_univnet": dict(p=1.0, poffset=1e-1),
    "power_floor_and_offset_general": dict(p=1.5, pfloor=0.5, poffset=0.25),
    "bias_on_bands": dict(bias=np.linspace(-2, 3, 10)),
    "bias_after_matrix_energy_floor": dict(
        matrix=dct(10, 6), bias=np.arange(6.0), energy="raw", floor=("row", 2.0)
    ),
    "bias_on_bands_with_floor": dict(bias=np.linspace(-2, 3, 10), floor=("batch", 2.0)),
    "kaldi_like": dict(
        W=40,
        n=64,
        hop=16,
        start=-12,
        reach=8,
        pad="symmetric",
        dither=0.1,
        dc=True,
        pre=0.97,
        energy="raw",
        efloor=0.0,
        matrix=dct(10, 7),
        insert=False,
        layout="frames_bands",
    ),
}


def signal(rows=3, n=333, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, n)) + 0.3  # a DC offset for remove_dc to remove
    x[1] *= 1e-2  # a quiet row
    return x


def check_close(got, want, dtype, log):
    assert got.shape == want.shape
    got = np.asarray(got, np.float64)
    if np.dtype(dtype) == np.float64:
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9 * max(1, np.abs(want).max()))
    elif log:
        np.testing.assert_allclose(got, want, rtol=0, atol=2e-3 * max(1, np.abs(want).max()))
    else:
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-5 * np.abs(want).max())


def run(options, x, dtype, threads=1, lengths=None, frame_index0=0, dither_key=0):
    plan = make_plan(options, dtype)
    x = np.ascontiguousarray(x, dtype=dtype)
    out = np.empty(plan.out_shape(*x.shape), dtype)
    return plan.compute(
        x, out, threads, lengths=lengths, frame_index0=frame_index0, dither_key=dither_key
    )


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", list(CASES))
def test_stage_matches_reference(case, dtype, kernel):
    options = opts(**CASES[case], kernel=kernel)
    x = signal()
    got = run(options, x, dtype)
    check_close(got, engine(x, options), dtype, options.log.enabled)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("case", list(CASES))
def test_any_thread_count_is_bit_identical(case, kernel):
    options = opts(**CASES[case], kernel=kernel)
    x = signal(rows=5, n=2000)
    one = run(options, x, np.float32, threads=1)
    for threads in (2, 3, 8):
        np.testing.assert_array_equal(run(options, x, np.float32, threads=threads), one)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize(
    "case",
    [
        "plain",
        "kaldi_like",
        "floor_row_before_post",
        "raw_energy_inserted_first",
        "post_matrix_energy_frames_major",
        "reflect_padding",
        "frames_major",
        "mean_std_eps_outside_frames_major",
        "mean_std_eps_inside_after_post",
        "signal_preemphasis_constant_nemo",
        "signal_preemphasis_centred_reflect",
        "bias_after_matrix_energy_floor",
    ],
)
def test_row_lengths_equal_each_row_alone(case, kernel):
    options = opts(**CASES[case], kernel=kernel)
    x = signal(rows=4, n=600)
    lengths = np.array([600, 1, 97, 333])
    got = run(options, x, np.float64, lengths=lengths, threads=2)
    check_close(got, engine(x, options, lengths=lengths), np.float64, options.log.enabled)
    frames_axis = 1 if options.post.layout == "frames_bands" else 2
    for r, length in enumerate(lengths):
        alone = run(options, x[r : r + 1, :length], np.float64)[0]
        count = alone.shape[frames_axis - 1]
        mine = np.take(got[r], np.arange(count), axis=frames_axis - 1)
        # (A batch-wide floor sees the other rows, dither noise the row's index.)
        if options.floor.mode != "batch" and options.condition.dither == 0:
            np.testing.assert_array_equal(mine, alone)
        rest = np.take(got[r], np.arange(count, got.shape[frames_axis]), axis=frames_axis - 1)
        assert np.all(rest == options.post.fill)


def test_row_lengths_fill_value_and_zero_length_rows():
    options = opts(fill=-7.5, start=-32, reach=0)
    x = signal(rows=3, n=200)
    got = run(options, x, np.float32, lengths=[0, 200, 5])
    assert np.all(got[0] == -7.5)
    check_close(got, engine(x, options, lengths=[0, 200, 5]), np.float32, True)
    with pytest.raises(ValueError, match="lengths must be <="):
        run(options, x, np.float32, lengths=[0, 201, 5])
    with pytest.raises(ValueError, match="one value per row"):
        run(options, x, np.float32, lengths=[1, 2])


def test_dither_is_reproducible_and_indexed_by_frame():
    options = opts(dither=1.0, seed=3, window=False, log=False)
    x = np.zeros((2, 500))
    a = run(options, x, np.float64)
    np.testing.assert_array_equal(a, run(options, x, np.float64, threads=4))
    assert not np.array_equal(
        a, run(opts(dither=1.0, seed=4, window=False, log=False), x, np.float64)
    )
    assert not np.array_equal(a[0], a[1])  # rows get their own noise
    # frame_index0 = k gives what frames k, k+1, ... of a call starting at 0 got.
    hop = options.framing.hop
    shifted = run(options, x[:, 3 * hop :], np.float64, frame_index0=3)
    check_close(shifted, a[:, :, 3 : 3 + shifted.shape[2]], np.float64, False)
    # A call's dither_key is xor'ed into the plan's seed: seed 3 with key 3^4 is seed 4.
    np.testing.assert_array_equal(
        run(options, x, np.float64, dither_key=3 ^ 4),
        run(opts(dither=1.0, seed=4, window=False, log=False), x, np.float64),
    )


def test_dither_noise_statistics():
    """The documented generator (that the engine matches above) is N(0, 1) and
    independent between frames and rows."""
    draws = np.stack([gaussian(11, r, t, 400) for r in range(4) for t in range(60)])
    v = draws.ravel()
    assert abs(v.mean()) < 0.01 and abs(v.std() - 1) < 0.01
    kurtosis = ((v - v.mean()) ** 4).mean() / v.var() ** 2
    assert abs(kurtosis - 3) < 0.1
    corr = np.corrcoef(draws[:, :200])
    off_diagonal = corr[~np.eye(len(corr), dtype=bool)]
    # Independent frames: correlations of 200 draws spread as 1/sqrt(200) around 0.
    assert abs(off_diagonal.mean()) < 0.01
    assert abs(off_diagonal.std() * np.sqrt(200) - 1) < 0.05


def test_bias_must_have_one_value_per_feature():
    with pytest.raises(ValueError, match="post.bias must have shape"):
        make_plan(opts(bias=np.zeros(9)), np.float32)
    with pytest.raises(ValueError, match="post.bias must have shape"):
        make_plan(opts(matrix=dct(10, 6), bias=np.zeros(10)), np.float32)


def test_frame_count_rule():
    for reach, hop, drop in [(50, 20, 0), (0, 20, 1), (-5, 7, 0), (10, 1, 3)]:
        options = opts(reach=reach, hop=hop, drop=drop, start=-60)
        plan = make_plan(options, np.float32)
        for n in [0, 1, 2, 9, 10, 11, 49, 50, 51, 333]:
            assert plan.num_frames(n) == num_frames(n, options.framing), (reach, hop, drop, n)


@pytest.mark.parametrize(
    "change",
    [
        dict(W=65, n=64),  # FFT shorter than the frame
        dict(W=50, n=64, offset=15),  # frame past the FFT input's end
        dict(energy="raw", eidx=12),  # energy slot past the features
        dict(energy="raw", insert=False, eidx=10),
        dict(p=0.0),
        dict(floor=("row", 1.0), log=False),
        dict(spre=float("nan")),
        dict(pfloor=-1e-3),
        dict(poffset=float("inf")),
        dict(bias=np.array([0.0] * 9 + [np.inf])),
    ],
)
def test_invalid_options_are_refused_by_the_core(change):
    with pytest.raises(ValueError, match="fastmel core: invalid argument"):
        make_plan(opts(**change), np.float32)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("case", list(CASES))
def test_declared_zero_tails_change_nothing(case, kernel):
    """zero_from: groups of frames reading only a row's promised zeros (its
    padding included, reflected or not) skip the FFT; bit-identical results,
    with and without lengths, on any thread count (dither plans ignore it)."""
    options = opts(**CASES[case], kernel=kernel)
    x = signal(rows=6, n=1500)
    zero_from = np.array([0, 1, 37, 600, 1499, 1500])
    for row, z in zip(x, zero_from, strict=True):
        row[z:] = 0.0
    for lengths in (None, np.array([1500, 1500, 900, 700, 1500, 1200])):
        plan = make_plan(options, np.float32)
        a = np.ascontiguousarray(x, dtype=np.float32)
        want = plan.compute(a, np.empty(plan.out_shape(*a.shape), np.float32), 1, lengths=lengths)
        for threads in (1, 3):
            got = plan.compute(
                a,
                np.empty(plan.out_shape(*a.shape), np.float32),
                threads,
                lengths=lengths,
                zero_from=zero_from,
            )
            np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("pad", ["reflect", "symmetric", "constant"])
def test_zero_tails_at_every_position_near_the_end(pad):
    """Frames running past the end read the signal reflected back: a promised
    zero tail that starts inside their reflection must not skip them."""
    options = opts(W=40, n=64, hop=16, start=-12, reach=8, pad=pad, window=False)
    plan = make_plan(options, np.float32)
    rng = np.random.default_rng(4)
    # 17 frames: the last one alone in its group of lanes (8 or 4), starting 20
    # samples before the end and reading 20 past it
    n = 264
    zs = np.arange(n - 64, n + 1)
    x = np.tile(rng.standard_normal(n).astype(np.float32), (zs.size, 1))
    for row, z in zip(x, zs, strict=True):
        row[z:] = 0.0
    want = plan.compute(x, np.empty(plan.out_shape(*x.shape), np.float32), 1)
    got = plan.compute(x, np.empty(plan.out_shape(*x.shape), np.float32), 2, zero_from=zs)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", list(CASES))
def test_unstored_zero_tails_equal_stored_zeros(case, dtype, kernel):
    """n_samples beyond what x holds: the rows' zero tails are not in memory
    (here NaN sits where they would be, so a read shows). Bit-identical to the
    zeros stored, with and without lengths and per-row zero_from, dither
    plans included, on any thread count."""
    options = opts(**CASES[case], kernel=kernel)
    plan = make_plan(options, dtype)
    held, total = 900, 1500
    x = signal(rows=6, n=held).astype(dtype)
    zero_from = np.array([0, 1, 37, 600, 899, 900])
    full = np.zeros((6, total), dtype)
    memory = np.full((6, held + 64), np.nan, dtype)
    for r, z in enumerate(zero_from):
        full[r, :z] = x[r, :z]
        memory[r, :z] = x[r, :z]
    stored = memory[:, :held]
    for lengths in (None, np.array([1500, 1500, 900, 700, 1500, 1200])):
        want = plan.compute(full, np.empty(plan.out_shape(6, total), dtype), 1, lengths=lengths)
        for threads in (1, 3):
            got = plan.compute(
                stored,
                np.empty(plan.out_shape(6, total), dtype),
                threads,
                lengths=lengths,
                zero_from=zero_from,
                n_samples=total,
            )
            np.testing.assert_array_equal(got, want)
    # without zero_from: the tails start where x ends
    ends = np.zeros((6, total), dtype)
    ends[:, :held] = x
    want = plan.compute(ends, np.empty(plan.out_shape(6, total), dtype), 1)
    got = plan.compute(x, np.empty(plan.out_shape(6, total), dtype), 2, n_samples=total)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("pad", ["reflect", "symmetric", "constant"])
def test_unstored_tails_at_every_position_near_the_end(pad):
    """Frames past the end reflect back into the stored samples or into the
    unstored zeros, for every split point near the end (rows hold NaN past it)."""
    options = opts(W=40, n=64, hop=16, start=-12, reach=8, pad=pad, window=False)
    plan = make_plan(options, np.float32)
    n = 264
    zs = np.arange(n - 64, n)
    base = np.random.default_rng(5).standard_normal(n).astype(np.float32)
    full = np.tile(base, (zs.size, 1))
    memory = np.full_like(full, np.nan)
    for r, z in enumerate(zs):
        full[r, z:] = 0.0
        memory[r, :z] = base[:z]
    want = plan.compute(full, np.empty(plan.out_shape(*full.shape), np.float32), 1)
    held = memory[:, : n - 1]  # the last sample (0 in every row) is not held
    got = plan.compute(
        held, np.empty(plan.out_shape(*full.shape), np.float32), 2, zero_from=zs, n_samples=n
    )
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", list(CASES))
def test_rows_given_apart_equal_the_batch(case, dtype, kernel):
    """A list of separate 1-D rows (each in memory of its own, NaN right after
    what it holds, so a read past it shows): bit-identical to the batch with
    the zeros stored, with and without lengths and zero_from, dither plans
    included, on 1 to 3 threads."""
    options = opts(**CASES[case], kernel=kernel)
    plan = make_plan(options, dtype)
    total = 1500
    x = signal(rows=7, n=total).astype(dtype)
    held = np.array([0, 1, 37, 600, 1499, 1500, 900])
    rows = []
    for r, h in enumerate(held):
        memory = np.full(h + 64, np.nan, dtype)
        memory[:h] = x[r, :h]
        rows.append(memory[:h])
    for lengths in (None, np.array([1500, 1500, 900, 700, 1500, 1200, 1000])):
        # zero_from: the samples from there on are zeros (those held too)
        for zero_from in (None, np.array([0, 0, 20, 600, 1000, 1500, 1500])):
            z = held if zero_from is None else np.minimum(zero_from, held)
            full = np.zeros((7, total), dtype)
            for r in range(7):
                full[r, : z[r]] = x[r, : z[r]]
            want = plan.compute(
                full, np.empty(plan.out_shape(7, total), dtype), 1, lengths=lengths, zero_from=z
            )
            for threads in (1, 2, 3):
                got = plan.compute(
                    rows,
                    np.empty(plan.out_shape(7, total), dtype),
                    threads,
                    lengths=lengths,
                    zero_from=zero_from,
                    n_samples=total,
                )
                np.testing.assert_array_equal(got, want)
    # n_samples defaults to the longest row
    full = np.zeros((7, total), dtype)
    for r, h in enumerate(held):
        full[r, :h] = x[r, :h]
    got = plan.compute(rows, np.empty(plan.out_shape(7, total), dtype), 2)
    want = plan.compute(full, np.empty(plan.out_shape(7, total), dtype), 1)
    np.testing.assert_array_equal(got, want)


# Frames that run past the end (or start before the start) by more than they
# hold of the signal: their reflection reads samples outside their own span.
PAST_THE_END = {
    "reflect_frames_past_the_end": dict(start=0, reach=-45, pad="reflect"),
    "reflect_frames_before_the_start": dict(start=-45, reach=0, pad="reflect"),
    "symmetric_frames_past_the_end_preemphasis": dict(
        start=3, reach=-60, pad="symmetric", spre=0.9
    ),
}


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("case", list(CASES) + list(PAST_THE_END))
def test_float64_plans_read_float32_samples(case, kernel):
    """A float64 plan given float32 samples widens each as it reads it:
    bit-identical to the same samples converted first, as a batch (strided,
    reversed, with lengths down to 1 sample, where reflection wraps more than
    once) and as rows apart (NaN right after each, so a read past shows), on
    1 to 3 threads."""
    options = opts(**{**CASES, **PAST_THE_END}[case], kernel=kernel)
    plan = make_plan(options, np.float64)
    x = signal(rows=6, n=333).astype(np.float32)
    wide = x.astype(np.float64)
    out = lambda rows, n: np.empty(plan.out_shape(rows, n), np.float64)  # noqa: E731
    for lengths in (None, np.array([333, 1, 2, 5, 40, 200])):
        want = plan.compute(wide, out(6, 333), 1, lengths=lengths)
        for threads in (1, 2, 3):
            got = plan.compute(x, out(6, 333), threads, lengths=lengths)
            np.testing.assert_array_equal(got, want)
        # strided and reversed views
        got = plan.compute(np.repeat(x, 2, axis=1)[:, ::2], out(6, 333), 2, lengths=lengths)
        np.testing.assert_array_equal(got, want)
        got = plan.compute(x[::-1, ::-1], out(6, 333), 1, lengths=lengths)
        want_rev = plan.compute(wide[::-1, ::-1].copy(), out(6, 333), 1, lengths=lengths)
        np.testing.assert_array_equal(got, want_rev)
    held = np.array([333, 0, 1, 37, 300, 333])
    rows, full = [], np.zeros((6, 333))
    for r, h in enumerate(held):
        memory = np.full(h + 64, np.nan, np.float32)
        memory[:h] = x[r, :h]
        rows.append(memory[:h])
        full[r, :h] = wide[r, :h]
    for lengths in (None, np.array([333, 333, 200, 5, 333, 1])):
        want = plan.compute(full, out(6, 333), 1, lengths=lengths, zero_from=held)
        for threads in (1, 3):
            got = plan.compute(rows, out(6, 333), threads, lengths=lengths, n_samples=333)
            np.testing.assert_array_equal(got, want)
    # rows mixing float32 and float64: refused by the plan, converted by
    # _engine.run (all to float64), with the same result
    mixed = [rows[0], full[1, :0], rows[2].astype(np.float64)] + rows[3:]
    with pytest.raises(TypeError, match="rows and out must all be float64"):
        plan.compute(mixed, out(6, 333), 1, n_samples=333)
    got = out(6, 333)
    _engine.run(plan, mixed, got, 1, n_samples=333)
    np.testing.assert_array_equal(got, plan.compute(full, out(6, 333), 1, zero_from=held))


def test_float32_plans_refuse_float64_samples():
    plan = make_plan(opts(), np.float32)
    x = signal(rows=2, n=100)
    with pytest.raises(TypeError, match="must both be float32"):
        plan.compute(x, np.empty(plan.out_shape(2, 100), np.float32), 1)
    with pytest.raises(TypeError, match="rows and out must all be float32"):
        plan.compute(list(x), np.empty(plan.out_shape(2, 100), np.float32), 1)


def test_rows_given_apart_outlive_their_list():
    """The core reads the rows without the GIL: a thread that empties the
    caller's list meanwhile (the list held the only references to the rows,
    over 32 MiB each, so that freeing one returns it to the system) changes
    nothing (it crashed the process before the binding kept its own)."""
    import gc
    import threading
    import time

    plan = make_plan(opts(W=400, n=512, hop=48), np.float32)
    n = 9_000_000  # 36 MB of float32: above glibc's largest mmap threshold
    rng = np.random.default_rng(9)
    base = rng.standard_normal(n).astype(np.float32)
    want = plan.compute([base, base], np.empty(plan.out_shape(2, n), np.float32), 1)
    apart = [base.copy(), base.copy()]
    emptied = threading.Event()

    def empty_it():
        time.sleep(0.03)
        apart.clear()
        gc.collect()
        emptied.set()

    thread = threading.Thread(target=empty_it)
    thread.start()
    got = plan.compute(apart, np.empty(plan.out_shape(2, n), np.float32), 1)
    thread.join()
    assert emptied.is_set() and not apart
    np.testing.assert_array_equal(got, want)


def test_rows_given_apart_are_checked():
    plan = make_plan(opts(), np.float32)
    out = np.empty(plan.out_shape(2, 100), np.float32)
    row = signal(rows=2, n=100).astype(np.float32)[0]
    with pytest.raises(TypeError, match="rows and out must all be float32"):
        plan.compute([row, row.astype(np.float64)], out, 1)
    with pytest.raises(ValueError, match="contiguous"):
        plan.compute([row, np.repeat(row, 2)[::2]], out, 1)
    with pytest.raises(ValueError, match="1-D"):
        plan.compute([row, row[None]], out, 1)
    with pytest.raises(TypeError, match="NumPy arrays"):
        plan.compute([row, list(row)], out, 1)
    with pytest.raises(TypeError, match="an array or a list of arrays"):
        plan.compute((row, row), out, 1)
    with pytest.raises(ValueError, match="out must have shape"):
        plan.compute([row, row], out, 1, n_samples=200)
    with pytest.raises(ValueError, match="lengths must be <="):
        plan.compute([row, row], out, 1, lengths=[100, 101])
    empty = np.empty(plan.out_shape(0, 100), np.float32)
    assert plan.compute([], empty, 1, n_samples=100) is empty


def test_unstored_tails_arguments_are_checked():
    plan = make_plan(opts(), np.float32)
    x = signal(rows=2, n=100).astype(np.float32)
    with pytest.raises(ValueError, match="n_samples must be at least"):
        plan.compute(x, np.empty(plan.out_shape(2, 50), np.float32), 1, n_samples=50)
    with pytest.raises(ValueError, match="zero_from must hold one value per row"):
        plan.compute(
            x, np.empty(plan.out_shape(2, 200), np.float32), 1, zero_from=[1], n_samples=200
        )
    with pytest.raises(ValueError, match="out must have shape"):
        plan.compute(x, np.empty(plan.out_shape(2, 100), np.float32), 1, n_samples=200)


@pytest.mark.parametrize("kernel", KERNELS)
def test_float64_log_within_two_ulp_of_the_c_library(kernel):
    """The vector log of float64 plans, over the whole range of powers."""
    options = EngineOptions(
        framing=Framing(frame_length=1, hop=1),
        spectrum=Spectrum(fft_length=1),
        bank=Bank(first=np.zeros(1, np.uintp), length=np.ones(1, np.uintp), weights=np.ones(1)),
        log=Log(enabled=True, log_scale=float(np.log(10)), min_power=1e-300),
        kernel=kernel,
    )
    plan = make_plan(options, np.float64)
    rng = np.random.default_rng(0)
    power = np.concatenate(
        [
            np.exp(rng.uniform(-680, 680, 100000)),
            1 + rng.uniform(-1e-6, 1e-6, 5000),
            np.array([0.5, 1.0, 2.0, 1.9999999, 2.0000001, 0.4999999, 0.5000001]),
        ]
    )
    x = np.sqrt(power)
    power = x * x  # the value the engine squares
    out = plan.compute(x[None], np.empty(plan.out_shape(1, x.size)), 1)[0, 0]
    want = np.log(power)
    nonzero = want != 0
    ulp = np.abs(out[nonzero] - want[nonzero]) / np.spacing(np.abs(want[nonzero]))
    assert ulp.max() <= 2
    assert (out[~nonzero] == 0).all()


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("case", ["floor_batch", "floor_row_before_post"])
def test_floor_against_a_carried_maximum(case, kernel):
    """``floor_max`` (a stream's state): the floor's maximum is taken with the
    value carried in (NaN there is ignored, as in the data) and written back
    per row as the maximum the row's floor used; with -inf carried in, the
    call is the plain one."""
    options = opts(**dict(CASES[case], kernel=kernel))
    plan = make_plan(options, np.float32)
    levels = np.array([[1.0], [1e-3], [0.1], [0.0]])  # and a silent row
    x = (np.random.default_rng(3).standard_normal((4, 700)) * levels).astype(np.float32)

    def run(floor_max=None, group=0):
        out = np.empty(plan.out_shape(4, 700), np.float32)
        return plan.compute(x, out, 2, floor_group=group, floor_max=floor_max)

    batch = options.floor.mode == "batch"
    plain = run()
    carried = np.full(4, -np.inf)
    np.testing.assert_array_equal(run(carried), plain)
    unfloored = make_plan(dataclasses.replace(options, floor=Floor()), np.float32)
    raw = unfloored.compute(x, np.empty(plan.out_shape(4, 700), np.float32), 1)
    if options.post.matrix is None:
        row_max = raw.reshape(4, -1).max(axis=1).astype(np.float64)
        want = np.full(4, row_max.max()) if batch else row_max
        np.testing.assert_array_equal(carried, want)
    # A loud past: every frame floored at that maximum less the range.
    past = np.array([50.0, np.nan, 50.0, 50.0])
    state = past.copy()
    got = run(state)
    if batch:
        np.testing.assert_array_equal(state, np.full(4, 50.0))
    else:
        assert state[0] == state[2] == state[3] == 50.0 and state[1] == carried[1]
    if options.post.matrix is None:
        thr = np.float32(50.0) - np.float32(options.floor.range)
        for r in [0, 1, 2, 3] if batch else [0, 2, 3]:
            np.testing.assert_array_equal(got[r], np.maximum(raw[r], thr))
    # Rows grouped two by two (a per-row plan; "batch" plans take all rows).
    if not batch:
        state = np.array([-np.inf, 50.0, -np.inf, -np.inf])
        run(state, group=2)
        assert state[0] == state[1] == 50.0 and state[2] == state[3] == max(carried[2:])
    for bad in (np.zeros(3), np.zeros(4, np.float32), np.zeros((4, 1)), np.zeros(8)[::2]):
        with pytest.raises(ValueError, match="floor_max must be"):
            run(bad)
