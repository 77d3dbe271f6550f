"""An obvious NumPy version of the engine's stages (csrc/fastmel.h), for the tests.

Frame by frame and row by row in float64, from the stage options of
``fastmel._engine.EngineOptions``: the signal's pre-emphasis, pad with
``np.pad``, cut, condition (dither, DC, energy, pre-emphasis, window), place
in the FFT input, rfft, |X|^p (floored, offset), a dense bank, log, floor,
post matrix, bias, energy slot, normalisation, fill, layout.
Shares no code with fastmel (the dither generator is re-derived from its
documented definition).
"""

import numpy as np

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def gaussian(seed, row, frame, count):
    """The engine's documented dither noise: N(0, 1) values of one frame."""
    state = mix64(mix64(mix64(seed) ^ row) ^ frame)
    out = []
    while len(out) < count:
        state = (state + GOLDEN) & MASK
        d0 = mix64(state)
        state = (state + GOLDEN) & MASK
        d1 = mix64(state)
        u = ((d0 >> 11) + 1) * 2.0**-53
        a = (d1 >> 11) * 2.0**-53 * 2 * np.pi
        r = np.sqrt(-2.0 * np.log(u))
        out += [r * np.cos(a), r * np.sin(a)]
    return np.array(out[:count])


def num_frames(n, framing):
    reach = framing.frame_length if framing.reach is None else framing.reach
    if n == 0 or n < reach:
        return 0
    return max(0, 1 + (n - reach) // framing.hop - framing.drop_last)


def dense_bank(bank, nbins):
    out = np.zeros((nbins, len(bank.first)))
    offset = 0
    for m, (k, n) in enumerate(zip(bank.first, bank.length, strict=False)):
        out[int(k) : int(k) + int(n), m] = bank.weights[offset : offset + int(n)]
        offset += int(n)
    return out


def frames_of(x, framing, count):
    """(count, W) frames of the 1-D signal x with its padding."""
    W, hop, start = framing.frame_length, framing.hop, framing.start
    if count == 0:
        return np.zeros((0, W))
    lo = min(0, start)
    hi = max(len(x), (count - 1) * hop + start + W)
    padded = np.pad(x, (-lo, hi - len(x)), mode=framing.pad_mode)
    idx = np.arange(count)[:, None] * hop + start - lo + np.arange(W)
    return padded[idx]


def engine(x, options, lengths=None, frame_index0=0):
    """(rows, N) -> the engine's output for ``options``, float64."""
    fr, cond, spec, log, floor, post = (
        options.framing,
        options.condition,
        options.spectrum,
        options.log,
        options.floor,
        options.post,
    )
    x = np.asarray(x, dtype=np.float64)
    rows, N = x.shape
    F = num_frames(N, fr)
    W, n = fr.frame_length, spec.fft_length
    bank = dense_bank(options.bank, n // 2 + 1)
    nb = bank.shape[1]
    bands = np.full((rows, F, nb), np.nan)
    energy = np.zeros((rows, F))
    counts = []
    for r in range(rows):
        length = N if lengths is None else int(lengths[r])
        count = min(F, num_frames(length, fr))
        counts.append(count)
        own = x[r, :length]
        c = fr.signal_preemphasis
        if c and length > 1:  # y[0] = x[0], y[j] = x[j] - c x[j-1], then padded and framed
            own = np.concatenate([own[:1], own[1:] - c * own[:-1]])
        f = frames_of(own, fr, count).copy()
        if cond.dither > 0:
            for t in range(count):
                f[t] += cond.dither * gaussian(cond.dither_seed, r, frame_index0 + t, W)
        if cond.remove_dc:
            f -= f.mean(axis=1, keepdims=True)
        if cond.energy == "raw":
            energy[r, :count] = (f * f).sum(axis=1)
        if cond.preemphasis:
            f = np.concatenate(
                [f[:, :1] * (1 - cond.preemphasis), f[:, 1:] - cond.preemphasis * f[:, :-1]], axis=1
            )
        if cond.window is not None:
            f = f * cond.window
        if cond.energy == "windowed":
            energy[r, :count] = (f * f).sum(axis=1)
        buf = np.zeros((count, n))
        buf[:, spec.fft_offset : spec.fft_offset + W] = f
        s = np.abs(np.fft.rfft(buf, axis=1)) ** spec.mag_exp
        if spec.power_floor or spec.power_offset:
            squared = np.abs(np.fft.rfft(buf, axis=1)) ** 2
            s = (np.maximum(squared, spec.power_floor) + spec.power_offset) ** (spec.mag_exp / 2)
        bands[r, :count] = s @ bank
    if log.enabled:
        ref = np.log10(max(abs(log.ref_power), log.min_power))
        bands = (
            log.log_scale * (np.log10(np.maximum(bands + log.log_offset, log.min_power)) - ref)
            + log.out_offset
        )
    if floor.mode != "none":
        valid = [bands[r, : counts[r]] for r in range(rows)]
        peaks = [v[np.isfinite(v)].max() if np.isfinite(v).any() else -np.inf for v in valid]
        if floor.mode == "batch":
            peaks = [max(peaks)] * rows
        for r in range(rows):
            if np.isfinite(peaks[r]):
                bands[r, : counts[r]] = np.maximum(bands[r, : counts[r]], peaks[r] - floor.range)
    feats = bands if post.matrix is None else bands @ np.asarray(post.matrix).T
    if post.bias is not None:
        feats = feats + np.asarray(post.bias)
    if cond.energy != "none":
        e = np.maximum(np.log(np.maximum(energy, cond.energy_min)), cond.energy_floor)
        if post.energy_insert:
            feats = np.insert(feats, post.energy_index, e, axis=2)
        else:
            feats = feats.copy()
            feats[:, :, post.energy_index] = e
    norm = options.norm
    if norm.mode != "none":
        feats = feats.copy()
        for r in range(rows):
            n = max(counts[r] - norm.exclude_last, 0)
            feats[r, n : counts[r]] = post.fill
            if n == 0:
                continue
            v = feats[r, :n] - feats[r, :n].mean(axis=0)
            if norm.mode == "mean_std":
                with np.errstate(invalid="ignore", divide="ignore"):
                    var = (v * v).sum(axis=0) / (n - norm.ddof) if n > norm.ddof else np.nan
                    s = np.sqrt(var + norm.eps) if norm.eps_in_sqrt else np.sqrt(var) + norm.eps
                    v = v / s
            feats[r, :n] = v
    for r in range(rows):
        feats[r, counts[r] :] = post.fill
    return feats if post.layout == "frames_bands" else np.swapaxes(feats, 1, 2)


_EDGE_PADS = {
    "replicate": "edge",
    "reflect": "reflect",
    "symmetric": "symmetric",
    "constant": "constant",
    "wrap": "wrap",
}


def frames_stages(x, options, lengths=None, state=None, return_state=False):
    """The stages along frames (fastmel._engine.FramesOptions) on features
    ``(rows, K, F)`` (or ``(rows, F, K)`` frames-major), float64: each row its
    first ``lengths[r]`` frames, PCEN frame by frame from ``state`` (z per row
    and feature; default pcen.initial), deltas by np.pad and a sum over the
    taps. With ``return_state``: also the state after each row's frames."""
    x = np.asarray(x, dtype=np.float64)
    frames_major = options.layout == "frames_bands"
    if frames_major:
        x = np.swapaxes(x, 1, 2)
    rows, K, F = x.shape
    d = options.delta
    out = np.full((rows, K * (1 + d.order), F), options.fill)
    pc = options.pcen
    zf = np.full((rows, K), float(pc.initial)) if state is None else np.array(state, float)
    filters = None if d.filters is None else np.asarray(d.filters, dtype=np.float64)
    for r in range(rows):
        n = F if lengths is None else int(lengths[r])
        if n == 0:
            continue
        seq = x[r, :, :n]
        if pc.enabled:  # scipy's lfilter in transposed direct form II, then librosa's formulas
            m = np.empty((K, n))
            z = zf[r].copy()
            for t in range(n):
                m[:, t] = pc.smooth * seq[:, t] + z
                z = (1 - pc.smooth) * m[:, t]
            zf[r] = z
            g = np.exp(-pc.gain * (np.log(pc.eps) + np.log1p(m / pc.eps)))
            with np.errstate(divide="ignore", invalid="ignore"):
                if pc.power == 0:
                    seq = np.log1p(seq * g)
                elif pc.bias == 0:
                    seq = np.exp(pc.power * (np.log(seq) + np.log(g)))
                else:
                    seq = pc.bias**pc.power * np.expm1(pc.power * np.log1p(seq * g / pc.bias))
        cm = options.cmvn
        if cm.enabled:
            seq = sliding_cmvn(seq, cm.window, cm.min_window, cm.center, cm.norm_vars)
        out[r, :K, :n] = seq
        prev = seq
        for o in range(1, d.order + 1):
            f = filters[0 if d.recursive else o - 1]
            src = prev if d.recursive else seq
            w = f.size
            h = (w - 1) // 2
            if d.edge == "interp":
                y = np.zeros_like(src)
                for t in range(h, n - h):
                    y[:, t] = src[:, t - h : t + h + 1] @ f
                y[:, :h] = y[:, h : h + 1]
                y[:, n - h :] = y[:, n - 1 - h : n - h]
            else:
                padded = np.pad(src, ((0, 0), (h, h)), mode=_EDGE_PADS[d.edge])
                y = np.stack([padded[:, t : t + w] @ f for t in range(n)], axis=1)
            out[r, o * K : (o + 1) * K, :n] = y
            prev = y
    st = options.stack
    if st.size:  # output frame i, slot j: frame i * step + j - left, clamped to the row
        K1 = out.shape[1]
        Fo = -(-F // st.step)
        stacked = np.full((rows, K1 * st.size, Fo), options.fill)
        for r in range(rows):
            n = F if lengths is None else int(lengths[r])
            for i in range(-(-n // st.step)):
                for j in range(st.size):
                    t = min(max(i * st.step + j - st.left, 0), n - 1)
                    stacked[r, j * K1 : (j + 1) * K1, i] = out[r, :, t]
        out = stacked
    out = np.swapaxes(out, 1, 2) if frames_major else out
    return (out, zf) if return_state else out


def sliding_cmvn(seq, window, min_window, center, norm_vars):
    """Kaldi's apply-cmvn-sliding on (K, n): each frame against the mean (and
    variance) of its window of frames, the window as Kaldi places it."""
    K, n = seq.shape
    out = np.empty_like(seq)
    for t in range(n):
        if center:
            lo = t - window // 2
            hi = lo + window
        else:
            lo, hi = t - window, t + 1
        if lo < 0:
            lo, hi = 0, hi - lo
        if not center:
            hi = max(t + 1, min_window)
        if hi > n:
            lo, hi = max(0, lo - (hi - n)), n
        w = seq[:, lo:hi]
        y = seq[:, t] - w.mean(axis=1)
        if norm_vars:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = (
                    np.zeros(K)
                    if hi - lo == 1
                    else y / np.sqrt(((w - w.mean(axis=1, keepdims=True)) ** 2).mean(axis=1))
                )
        out[:, t] = y
    return out
