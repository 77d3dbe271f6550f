"""The stages along frames (fastmel._engine.FramesOptions) against an obvious
NumPy version (engine_reference.frames_stages), on every compiled kernel,
both dtypes and layouts, bit-identical across thread counts."""

import numpy as np
import pytest
from engine_reference import frames_stages

import fastmel
from fastmel._engine import Cmvn, Delta, FramesOptions, Pcen, Stack, make_frames_plan

KERNELS = fastmel.available_kernels()
EDGES = ["replicate", "reflect", "symmetric", "constant", "wrap", "interp"]


def regression(width):
    """The delta regression filter of ``width`` taps: k / sum(k^2)."""
    k = np.arange(width) - (width - 1) // 2
    return k / max(1.0, float((k * k).sum()))


def features(rows=3, K=21, F=57, seed=0):
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.standard_normal((rows, K, F)), axis=-1)
    x[:, min(3, K - 1)] = 7.0  # a constant feature
    x[1:2] *= 1e-3  # a quiet row
    return x


def options(
    order=2,
    width=5,
    edge="replicate",
    recursive=False,
    layout="bands_frames",
    K=21,
    fill=0.0,
    kernel="auto",
    random=False,
    seed=0,
):
    rng = np.random.default_rng(seed)
    rows = 1 if recursive else order
    if random:
        filters = rng.uniform(-1, 1, (rows, width))
    else:
        f = regression(width)
        filters = np.stack(
            [np.convolve(f, f)[width // 2 : width // 2 + width] if o else f for o in range(rows)]
        )
    return FramesOptions(
        num_features=K,
        layout=layout,
        delta=Delta(order=order, filters=filters, edge=edge, recursive=recursive),
        fill=fill,
        kernel=kernel,
    )


def run(opts, x, dtype, threads=1, lengths=None):
    plan = make_frames_plan(opts, dtype)
    a = np.ascontiguousarray(x, dtype=dtype)
    frames = a.shape[2] if opts.layout == "bands_frames" else a.shape[1]
    out = np.empty(plan.out_shape(a.shape[0], frames), dtype)
    return plan.compute(a, out, threads, lengths=lengths)


def check_close(got, want, dtype):
    scale = max(1.0, float(np.abs(want).max()))
    tol = 1e-12 if np.dtype(dtype) == np.float64 else 2e-6
    np.testing.assert_allclose(np.asarray(got, np.float64), want, rtol=0, atol=tol * scale)


def layout_of(x, layout):
    return np.ascontiguousarray(np.swapaxes(x, 1, 2)) if layout == "frames_bands" else x


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("layout", ["bands_frames", "frames_bands"])
@pytest.mark.parametrize(
    "order, width, recursive, random, edge",
    [
        (*filters, edge)
        for filters in [
            (1, 3, False, False),
            (2, 5, False, False),
            (2, 9, False, True),
            (3, 5, True, False),
            (1, 1, False, True),
            (2, 7, True, True),
        ]
        for edge in EDGES
        if not (edge == "interp" and filters[2])  # interp: filters of the features only
    ],
)
def test_deltas_match_reference(order, width, recursive, random, edge, layout, dtype, kernel):
    opts = options(order, width, edge, recursive, layout, kernel=kernel, random=random)
    x = layout_of(features(), layout)
    check_close(run(opts, x, dtype), frames_stages(x, opts), dtype)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("recursive", [False, True])
@pytest.mark.parametrize("layout", ["bands_frames", "frames_bands"])
@pytest.mark.parametrize("edge", EDGES)
def test_deltas_threads_and_lengths(edge, layout, recursive, kernel):
    """Any thread count is bit-identical; each row of a padded batch equals the
    row alone, and its frames past its length hold the fill value. (A
    frames-major batch goes along its rows, a row alone a block of features
    at a time: the two ways give the same bits.)"""
    if recursive and edge == "interp":
        pytest.skip("interp is for direct filters only")
    opts = options(2, 9, edge, recursive, layout, K=40, fill=-5.0, kernel=kernel)
    x = layout_of(features(rows=4, K=40, F=300, seed=3), layout)
    one = run(opts, x, np.float32)
    for threads in (2, 3, 8):
        np.testing.assert_array_equal(run(opts, x, np.float32, threads=threads), one)
    lengths = np.array([300, 9, 0, 123]) if edge == "interp" else np.array([300, 1, 0, 123])
    got = run(opts, x, np.float32, threads=2, lengths=lengths)
    check_close(got, frames_stages(x, opts, lengths=lengths), np.float32)
    axis = 2 if layout == "bands_frames" else 1
    for r, n in enumerate(lengths):
        alone = run(opts, np.take(x[r : r + 1], np.arange(n), axis=axis), np.float32)
        np.testing.assert_array_equal(np.take(got[r : r + 1], np.arange(n), axis=axis), alone)
        assert np.all(np.take(got[r], np.arange(n, 300), axis=axis - 1) == -5.0)


@pytest.mark.parametrize("layout", ["bands_frames", "frames_bands"])
@pytest.mark.parametrize("frames", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("edge", ["replicate", "reflect", "symmetric", "constant", "wrap"])
def test_deltas_of_sequences_shorter_than_the_filter(edge, frames, layout):
    opts = options(2, 9, edge, False, layout, K=5)
    x = layout_of(features(rows=2, K=5, F=frames, seed=frames), layout)
    check_close(run(opts, x, np.float64), frames_stages(x, opts), np.float64)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("recursive", [False, True])
@pytest.mark.parametrize("K", [1, 2, 3, 8, 13, 16, 17, 31, 32, 40])
def test_frames_major_deltas_of_any_width(K, recursive, dtype, kernel):
    """Frames-major deltas filter rows of a block of features side by side: in
    the output for a full block, in padded scratch for a narrower one (13
    MFCCs, the last block), or, for a batch of 16 features or more, along
    each row (blocks of 16, then 4 at a time); every width, both kinds of
    filter."""
    opts = options(2, 5, "replicate", recursive, "frames_bands", K=K, fill=-1.0, kernel=kernel)
    x = layout_of(features(rows=2, K=K, F=40, seed=K), "frames_bands")
    lengths = np.array([40, 23])
    got = run(opts, x, dtype, threads=2, lengths=lengths)
    check_close(got, frames_stages(x, opts, lengths=lengths), dtype)
    bands = options(2, 5, "replicate", recursive, "bands_frames", K=K, fill=-1.0, kernel=kernel)
    other = run(bands, np.ascontiguousarray(np.swapaxes(x, 1, 2)), dtype, lengths=lengths)
    check_close(got, np.swapaxes(other, 1, 2), dtype)


def test_interp_needs_a_whole_window_in_every_row():
    opts = options(1, 9, "interp", False, K=5)
    run(opts, features(rows=1, K=5, F=9), np.float32)
    with pytest.raises(ValueError, match="invalid argument"):
        run(opts, features(rows=1, K=5, F=8), np.float32)
    with pytest.raises(ValueError, match="invalid argument"):
        run(opts, features(rows=2, K=5, F=20), np.float32, lengths=[20, 3])
    run(opts, features(rows=2, K=5, F=20), np.float32, lengths=[20, 0])  # an empty row is fine


@pytest.mark.parametrize(
    "change",
    [
        dict(width=4),  # even
        dict(order=9),
        dict(edge="interp", recursive=True),
        dict(random=True, seed=-1),  # (a NaN filter, below)
        dict(K=0),
    ],
)
def test_invalid_frames_options_are_refused_by_the_core(change):
    if change.get("seed") == -1:
        opts = options()
        bad = np.array(opts.delta.filters)
        bad[0, 0] = np.nan
        opts = FramesOptions(num_features=21, delta=Delta(order=2, filters=bad))
    else:
        opts = options(**change)
    with pytest.raises(ValueError, match="fastmel core: invalid argument"):
        make_frames_plan(opts, np.float32)


def test_frames_compute_checks_its_arrays():
    opts = options(K=4)
    plan = make_frames_plan(opts, np.float32)
    x = np.zeros((2, 4, 10), np.float32)
    with pytest.raises(ValueError, match="features"):
        plan.compute(
            np.zeros((2, 5, 10), np.float32), np.empty(plan.out_shape(2, 10), np.float32), 1
        )
    with pytest.raises(ValueError, match="out must have shape"):
        plan.compute(x, np.empty((2, 12, 9), np.float32), 1)
    with pytest.raises(ValueError, match="overlap"):
        buf = np.zeros(240, np.float32)
        plan.compute(buf[:80].reshape(2, 4, 10), buf.reshape(2, 12, 10), 1)
    with pytest.raises(TypeError):
        plan.compute(x.astype(np.float64), np.empty(plan.out_shape(2, 10), np.float32), 1)
    with pytest.raises(ValueError, match="lengths must be <="):
        plan.compute(x, np.empty(plan.out_shape(2, 10), np.float32), 1, lengths=[11, 1])


def pcen_options(layout="bands_frames", K=21, order=0, kernel="auto", cmvn=None, **pcen):
    params = dict(enabled=True, smooth=0.06, initial=0.94, gain=0.98, bias=2.0, power=0.5, eps=1e-6)
    params.update(pcen)
    f = np.tile(regression(5), (order, 1))
    return FramesOptions(
        num_features=K,
        layout=layout,
        pcen=Pcen(**params),
        cmvn=Cmvn(enabled=True, **cmvn) if cmvn else Cmvn(),
        delta=Delta(order=order, filters=f if order else None),
        kernel=kernel,
    )


def spectrogram(rows=3, K=21, F=80, seed=0):
    """A linear power spectrogram with silence, a tiny feature and spikes."""
    rng = np.random.default_rng(seed)
    x = np.exp(rng.uniform(-6, 10, (rows, K, F)))
    x[:, 1] = 1e-12
    x[:, -1] = 0.0
    x[:, :, 10:15] = 0.0
    x[0, 2, 30] = 1e9
    return x


PCEN_CASES = {
    "librosa_default": {},
    "log_branch": dict(power=0.0),
    "no_bias": dict(bias=0.0),
    "no_bias_log_branch": dict(bias=0.0, power=0.0),
    "smooth_1": dict(smooth=1.0, initial=0.0),
    "gain_0": dict(gain=0.0, power=1.0),
    "strong": dict(gain=0.8, bias=10.0, power=0.25, eps=1e-3),
    "with_deltas": dict(order=2),
    "then_cmvn": dict(cmvn=dict(window=20, min_window=5)),
    "then_cmvn_and_deltas": dict(cmvn=dict(window=9, center=True), order=1),
}


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("layout", ["bands_frames", "frames_bands"])
@pytest.mark.parametrize("case", list(PCEN_CASES))
def test_pcen_matches_reference(case, layout, dtype, kernel):
    """float64 as librosa's formulas with the C library; float32 with vector
    powers and logarithms, within 2e-6 of the output's peak."""
    opts = pcen_options(layout, kernel=kernel, **PCEN_CASES[case])
    x = layout_of(spectrogram(F=1100), layout)  # the core's tiles: 512 frames
    got = np.asarray(run(opts, x, dtype), np.float64)
    want = frames_stages(x, opts)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    scale = max(1.0, float(np.nanmax(np.abs(want))))
    tol = 1e-12 if dtype == np.float64 else 2e-6
    np.testing.assert_allclose(got, want, rtol=0, atol=tol * scale, equal_nan=True)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("params", [{}, {"gain": 0.5, "power": 0.25}, {"gain": 1.5}])
def test_pcen_special_values_change_only_their_own_feature(params, kernel):
    """float32 PCEN skips the logarithm's and exponential's special cases in
    tiles where every smoothed value is an ordinary number; a tile with a NaN
    or a negative value takes the full path. The two agree bit for bit: the
    features beside a planted NaN or negative value (same tile of frames,
    same block of features) equal those of the clean input."""
    x = (np.abs(np.random.default_rng(5).standard_normal((2, 40, 300))) ** 3 * 1e3).astype(
        np.float32
    )
    stage = fastmel.PCEN(sampling_rate=16000, hop_length=160, kernel=kernel, **params)
    clean = stage(x)
    dirty = x.copy()
    dirty[0, 3, 70] = np.nan  # a later tile of frames, features 0-15
    dirty[1, 20, 5] = -1e3  # the first tile, features 16-31
    out = stage(dirty)
    touched = np.zeros(x.shape, bool)
    touched[0, 3, 70:] = True
    touched[1, 20, 5:] = True
    assert np.array_equal(out[~touched], clean[~touched])
    assert np.isnan(out[0, 3, 70])


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("layout", ["bands_frames", "frames_bands"])
def test_pcen_state_carries_a_signal_across_calls(layout, kernel):
    """Any split of the frames, the state handed from call to call, equals the
    whole call bit for bit; rows of a padded batch end in their own state."""
    opts = pcen_options(layout, kernel=kernel)
    plan = make_frames_plan(opts, np.float32)
    F = 1100  # past two of the core's tiles of 512 frames
    x = spectrogram(rows=2, F=F, seed=4).astype(np.float32)
    whole_state = np.zeros((2, 21))
    whole = plan.compute(
        np.ascontiguousarray(layout_of(x, layout)),
        np.empty(plan.out_shape(2, F), np.float32),
        3,
        state=whole_state,
    )
    for cuts in ([0, 1, F], [0, 77, 78, 600, F], [0, 8, 16, 100, 511, 512, 513, 1025, F - 1, F]):
        state = np.zeros((2, 21))
        parts = []
        for i, (a, b) in enumerate(zip(cuts[:-1], cuts[1:], strict=True)):
            piece = np.ascontiguousarray(layout_of(x[:, :, a:b], layout))
            out = np.empty(plan.out_shape(2, b - a), np.float32)
            parts.append(plan.compute(piece, out, 2, state=state, state_in=i > 0))
        axis = 2 if layout == "bands_frames" else 1
        np.testing.assert_array_equal(np.concatenate(parts, axis=axis), whole)
        np.testing.assert_array_equal(state, whole_state)
    lengths = np.array([F, 601])
    state = np.zeros((2, 21))
    got = plan.compute(
        np.ascontiguousarray(layout_of(x, layout)),
        np.empty(plan.out_shape(2, F), np.float32),
        1,
        lengths=lengths,
        state=state,
    )
    _, want_state = frames_stages(layout_of(x, layout), opts, lengths=lengths, return_state=True)
    np.testing.assert_allclose(state, want_state, rtol=1e-12)
    for threads in (2, 3):
        again = np.zeros((2, 21))
        np.testing.assert_array_equal(
            plan.compute(
                np.ascontiguousarray(layout_of(x, layout)),
                np.empty(plan.out_shape(2, F), np.float32),
                threads,
                lengths=lengths,
                state=again,
            ),
            got,
        )
        np.testing.assert_array_equal(again, state)


@pytest.mark.parametrize(
    "change",
    [
        dict(smooth=0.0),
        dict(smooth=1.5),
        dict(eps=0.0),
        dict(gain=-1.0),
        dict(bias=float("nan")),
        dict(power=-0.5),
        dict(initial=float("inf")),
    ],
)
def test_invalid_pcen_options_are_refused_by_the_core(change):
    with pytest.raises(ValueError, match="fastmel core: invalid argument"):
        make_frames_plan(pcen_options(**change), np.float32)


def test_pcen_state_is_checked():
    plan = make_frames_plan(pcen_options(K=4), np.float32)
    x = np.ones((2, 4, 10), np.float32)
    out = np.empty(plan.out_shape(2, 10), np.float32)
    for bad in (np.zeros((2, 3)), np.zeros((2, 4), np.float32), np.zeros((4, 2)).T):
        with pytest.raises(ValueError, match="state must be"):
            plan.compute(x, out, 1, state=bad)


CMVN_CASES = {
    "kaldi_default": dict(window=600, min_window=100),
    "small_window": dict(window=10, min_window=3),
    "small_window_center": dict(window=10, min_window=3, center=True),
    "odd_window_center_vars": dict(window=11, center=True, norm_vars=True),
    "norm_vars": dict(window=10, min_window=3, norm_vars=True),
    "min_window_past_the_end": dict(window=3, min_window=30),
    "window_1": dict(window=1, min_window=0, norm_vars=True),
}


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("layout", ["bands_frames", "frames_bands"])
@pytest.mark.parametrize("then", ["deltas", "nothing"])
@pytest.mark.parametrize("case", list(CMVN_CASES))
def test_sliding_cmvn_matches_reference(case, then, layout, dtype, kernel):
    """Alone (frames-major: written straight to the output's rows) and with
    deltas after it; on rows of 50 frames and of fewer frames than the minimum
    window (lengths), 21 features (a full block of 16 and a partial one),
    features without a constant one (norm_vars)."""
    x = features(rows=3, K=21, F=50, seed=7)
    x[:, 3] += np.linspace(0, 1, 50)  # no constant feature: norm_vars divides by its spread
    opts = FramesOptions(
        num_features=21,
        layout=layout,
        cmvn=Cmvn(enabled=True, **CMVN_CASES[case]),
        delta=Delta(order=1, filters=regression(5)[None]) if then == "deltas" else Delta(),
        kernel=kernel,
    )
    x = layout_of(x, layout)
    lengths = np.array([50, 17, 2])
    got = run(opts, x, dtype, lengths=lengths)
    want = frames_stages(x, opts, lengths=lengths)
    if opts.cmvn.norm_vars:
        # the variance as Kaldi forms it, the mean of squares less the squared mean (in
        # double, of the values less the row's mean): a few frames of nearly equal
        # values (2 here) lose digits to the subtraction
        tol = 1e-8 if dtype == np.float64 else 2e-5
        np.testing.assert_allclose(got, want, rtol=0, atol=tol * np.abs(want).max())
    else:
        check_close(got, want, dtype)
    for threads in (2, 3):
        np.testing.assert_array_equal(run(opts, x, dtype, threads=threads, lengths=lengths), got)


def test_invalid_cmvn_options_are_refused_by_the_core():
    with pytest.raises(ValueError, match="fastmel core: invalid argument"):
        make_frames_plan(
            FramesOptions(num_features=2, cmvn=Cmvn(enabled=True, window=0)), np.float32
        )


STACK_CASES = {
    "funasr_lfr_7_6": dict(size=7, step=6, left=3),
    "pairs": dict(size=2, step=2, left=0),
    "overlapping_3_1": dict(size=3, step=1, left=1),
    "decimate": dict(size=1, step=3, left=0),
    "left_past_the_frames": dict(size=4, step=5, left=9),
}


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("layout", ["bands_frames", "frames_bands"])
@pytest.mark.parametrize("case", list(STACK_CASES))
@pytest.mark.parametrize("order", [0, 1])
def test_stacking_matches_reference(case, layout, kernel, order):
    """Stacked alone (frames copied as they are) or after deltas, rows of 61,
    7, 1 and 0 frames (lengths), fill past them."""
    opts = FramesOptions(
        num_features=21,
        layout=layout,
        delta=Delta(order=order, filters=regression(5)[None] if order else None),
        stack=Stack(**STACK_CASES[case]),
        fill=-2.0,
        kernel=kernel,
    )
    x = layout_of(features(rows=4, K=21, F=61, seed=9), layout)
    lengths = np.array([61, 7, 1, 0])
    got = run(opts, x, np.float64, lengths=lengths)
    want = frames_stages(x, opts, lengths=lengths)
    if order == 0:  # (copies: the same values)
        np.testing.assert_array_equal(got, want)
    check_close(got, want, np.float64)
    plan = make_frames_plan(opts, np.float32)
    assert plan.out_frames(61) == -(-61 // opts.stack.step)
    one = run(opts, x, np.float32)
    for threads in (2, 3):
        np.testing.assert_array_equal(run(opts, x, np.float32, threads=threads), one)


@pytest.mark.parametrize("stack", [dict(size=2, step=0), dict(size=70000, step=1)])
def test_invalid_stacking_is_refused_by_the_core(stack):
    with pytest.raises(ValueError, match="fastmel core: invalid argument"):
        make_frames_plan(FramesOptions(num_features=2, stack=Stack(**stack)), np.float32)
