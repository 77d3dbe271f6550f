"""The ``fastmel`` command, driven as a user drives it: subprocesses, real files."""

import json
import os
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest
from conftest import require_extra

import fastmel

sf = require_extra("soundfile")


def run(*args, cwd=None, env=None):
    """``python -m fastmel ARGS`` with stdout and stderr captured (not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "fastmel", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, **(env or {})),
    )


def write_wav(path, seconds=0.5, rate=16000, channels=1, seed=0):
    rng = np.random.default_rng(seed)
    x = (0.1 * rng.standard_normal((int(seconds * rate), channels))).astype(np.float32)
    sf.write(str(path), x, rate, subtype="FLOAT" if str(path).endswith(".wav") else None)
    return sf.read(str(path), dtype="float32", always_2d=True)[0]  # as stored


def png_size(path):
    """(width, height) from a PNG's IHDR chunk, checking the signature and CRC."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    body = data[16:29]
    assert struct.unpack(">I", data[29:33])[0] == zlib.crc32(kind + body)
    return struct.unpack(">II", body[:8])


@pytest.fixture
def corpus(tmp_path):
    """A folder of WAV files (one in a subfolder, one stereo), a corrupt one and
    one at the wrong rate."""
    d = tmp_path / "audio"
    (d / "sub").mkdir(parents=True)
    signals = {}
    for i in range(5):
        signals[f"clip{i}"] = write_wav(d / f"clip{i}.wav", seed=i)
    signals["sub/deep"] = write_wav(d / "sub" / "deep.wav", seed=10)
    signals["stereo"] = write_wav(d / "stereo.flac", channels=2, seed=11)
    (d / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot really audio")
    write_wav(d / "rate22k.wav", rate=22050, seed=12)
    (d / "notes.txt").write_text("not audio, not picked up")
    return d, signals


def test_compute_folder_with_failures(corpus, tmp_path):
    d, signals = corpus
    out = tmp_path / "features"
    r = run("compute", d, "-o", out)
    assert r.returncode == 1, r.stderr
    assert "broken.wav" in r.stderr and "rate22k.wav" in r.stderr
    assert "22050 Hz, expected 16000 Hz" in r.stderr and "--resample" in r.stderr
    assert r.stderr.count("broken.wav") == 1  # each failure printed once
    assert "2 failed (listed above)" in r.stdout
    assert "7 of 9 files written" in r.stdout
    layer = fastmel.MelSpectrogram()
    for name, x in signals.items():
        got = np.load(out / f"{name}.npy")
        mono = x.mean(axis=1, dtype=np.float32) if x.shape[1] > 1 else x[:, 0]
        np.testing.assert_array_equal(got, layer(mono))
    assert not (out / "broken.npy").exists() and not (out / "rate22k.npy").exists()
    config = json.loads((out / "fastmel.json").read_text())
    speed_only = ("num_threads", "kernel")
    assert config["layer"] == {k: v for k, v in layer.get_config().items() if k not in speed_only}
    assert "\r" not in r.stderr  # no progress bar drawn into a pipe


def test_compute_never_overwrites_silently(corpus, tmp_path):
    d, _ = corpus
    out = tmp_path / "features"
    clip = d / "clip0.wav"
    assert run("compute", clip, "-o", out).returncode == 0
    before = (out / "clip0.npy").read_bytes()
    # The same features again: up to date, not a failure.
    r = run("compute", clip, "-o", out)
    assert r.returncode == 0 and "1 already up to date" in r.stdout, r.stdout + r.stderr
    # Other bytes under that name: kept, and a failure.
    (out / "clip0.npy").write_bytes(b"something else")
    r = run("compute", clip, "-o", out)
    assert r.returncode == 1 and "other content" in r.stderr and "--overwrite" in r.stderr
    assert (out / "clip0.npy").read_bytes() == b"something else"
    r = run("compute", clip, "-o", out, "--skip-existing")
    assert r.returncode == 0 and "1 skipped" in r.stdout
    assert run("compute", clip, "-o", out, "--overwrite").returncode == 0
    assert (out / "clip0.npy").read_bytes() == before
    # Other parameters into the same folder: refused before any work.
    r = run("compute", clip, "-o", out, "--n-mels", "40", "--overwrite")
    assert r.returncode == 0
    assert np.load(out / "clip0.npy").shape[0] == 40
    r = run("compute", clip, "-o", out, "--n-mels", "64")
    assert r.returncode == 2 and "different layer parameters" in r.stderr


def test_compute_resample_channels_and_options(corpus, tmp_path):
    d, _ = corpus
    out = tmp_path / "f"
    r = run(
        "compute",
        d / "rate22k.wav",
        d / "stereo.flac",
        "-o",
        out,
        "--resample",
        "--channels",
        "keep",
        "--preset",
        "whisper",
        "--workers",
        "2",
    )
    assert r.returncode == 0, r.stderr
    assert np.load(out / "stereo.npy").shape == (2, 80, 50)  # 0.5 s, whisper frames
    resampled = np.load(out / "rate22k.npy")
    assert resampled.shape == (1, 80, 50)
    assert np.isfinite(resampled).all()


def test_compute_progress_bar_when_forced(corpus, tmp_path):
    d, _ = corpus
    r = run("compute", d / "clip1.wav", d / "clip2.wav", "-o", tmp_path / "f", "--progress", "bar")
    assert r.returncode == 0, r.stderr
    assert "s audio" in r.stderr and "2/2 files" in r.stderr


def test_compute_usage_errors(tmp_path):
    r = run("compute", tmp_path / "missing.wav", "-o", tmp_path / "f")
    assert r.returncode == 2 and "no such file" in r.stderr
    (tmp_path / "empty").mkdir()
    r = run("compute", tmp_path / "empty", "-o", tmp_path / "f")
    assert r.returncode == 2 and "no audio files" in r.stderr
    r = run("compute", tmp_path / "empty", "-o", tmp_path / "f", "--fft-length", "0")
    assert r.returncode == 2
    r = run("compute", "-o", tmp_path / "f")
    assert r.returncode == 2 and "usage" in r.stderr


def test_missing_extra_is_named(tmp_path):
    # soundfile made unimportable: the message says which extra to install.
    code = (
        "import sys; sys.modules['soundfile'] = None; from fastmel.cli import main; "
        f"sys.exit(main(['compute', {str(tmp_path)!r}, '-o', {str(tmp_path / 'o')!r}]))"
    )
    (tmp_path / "a.wav").write_bytes(b"")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 2
    assert "pip install 'fastmel[cli]'" in r.stderr


def test_plot_writes_a_png_of_the_requested_size(corpus, tmp_path):
    require_extra("matplotlib")
    d, _ = corpus
    png = tmp_path / "clip.png"
    r = run(
        "plot",
        d / "clip0.wav",
        "-o",
        png,
        "--width",
        "8",
        "--height",
        "3",
        "--dpi",
        "50",
        "--preset",
        "librosa",
        "--sampling-rate",
        "16000",
    )
    assert r.returncode == 0, r.stderr
    assert png_size(png) == (400, 150)
    r = run("plot", d / "clip0.wav", "-o", png)
    assert r.returncode == 2 and "exists" in r.stderr
    r = run("plot", d / "broken.wav", "-o", tmp_path / "b.png")
    assert r.returncode == 1 and "cannot read audio" in r.stderr
    assert not (tmp_path / "b.png").exists()


def test_demo_prints_and_plots(tmp_path):
    require_extra("matplotlib")
    r = run("demo", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "output (128, 94) float32" in r.stdout
    assert "realtime" in r.stdout
    png = tmp_path / "fastmel-demo.png"
    assert f"picture: {png}" in r.stdout
    assert png_size(png) == (1000, 400)


def test_console_script_and_info():
    r = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "fastmel"), "info"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and f"version: {fastmel.__version__}" in r.stdout


def test_plot_into_a_missing_folder_creates_it_and_an_unwritable_one_fails_cleanly(
    corpus, tmp_path
):
    require_extra("matplotlib")
    d, _ = corpus
    r = run("plot", d / "clip0.wav", "-o", tmp_path / "nodir" / "x.png", "--preset", "librosa")
    assert r.returncode == 0, r.stderr
    assert png_size(tmp_path / "nodir" / "x.png") == (1000, 400)
    (tmp_path / "file").write_text("a file, not a folder")
    r = run("plot", d / "clip0.wav", "-o", tmp_path / "file" / "x.png")
    assert r.returncode == 1
    assert "cannot write" in r.stderr and "Traceback" not in r.stderr


def test_demo_picture_keeps_the_time_scale():
    from fastmel.cli._demo import _even_bins, render

    bins = _even_bins(94, 72)
    assert [b[0] for b in bins] == list((np.arange(72) * 94) // 72)
    assert np.array_equal(np.concatenate(bins), np.arange(94))
    # A ramp in time: the shade rises evenly across the columns.
    picture = render(np.tile(np.arange(94.0), (8, 1)), width=72, height=2)
    levels = [" .:-=+*#%@".index(c) for c in picture[0]]
    assert levels == sorted(levels) and levels[35] in (4, 5)


def test_compute_kaldi_features(corpus, tmp_path):
    import fastmel.kaldi

    d, signals = corpus
    out = tmp_path / "fbank"
    args = ["--features", "fbank", "--num-mel-bins", "80", "--use-energy", "--no-snip-edges"]
    r = run("compute", d / "clip0.wav", d / "stereo.flac", "-o", out, *args)
    assert r.returncode == 0, r.stderr
    fb = fastmel.kaldi.Fbank(num_mel_bins=80, use_energy=True, snip_edges=False)
    # Kaldi's samples: the file's at int16 size, as compute-fbank-feats reads them.
    got = np.load(out / "clip0.npy")
    np.testing.assert_array_equal(got, fb(signals["clip0"][:, 0] * 32768))
    assert np.all(got[:, 0] > 1.0)  # the energy (energy_floor 1 would hide a [-1, 1] signal's)
    assert np.load(out / "stereo.npy").shape == (fb.num_frames(8000), 81)
    config = json.loads((out / "fastmel.json").read_text())
    assert config["features"] == "fbank" and config["sample_scale"] == 32768
    # --sample-scale 1: the samples as read, in a folder of their own.
    r = run("compute", d / "clip0.wav", "-o", tmp_path / "raw", *args, "--sample-scale", "1")
    assert r.returncode == 0, r.stderr
    np.testing.assert_array_equal(
        np.load(tmp_path / "raw" / "clip0.npy"), fb(signals["clip0"][:, 0])
    )
    r = run("compute", d / "clip0.wav", "-o", out, *args, "--sample-scale", "1")
    assert r.returncode == 2 and "different layer parameters" in r.stderr
    for bad in ("0", "-1", "nan", "inf"):
        r = run("compute", d / "clip0.wav", "-o", tmp_path / "bad", *args, "--sample-scale", bad)
        assert r.returncode == 2 and "--sample-scale" in r.stderr and "Traceback" not in r.stderr
    # The same folder for other features: refused, as for other parameters.
    r = run("compute", d / "clip0.wav", "-o", out, "--features", "mfcc")
    assert r.returncode == 2 and "different layer parameters" in r.stderr
    r = run(
        "compute",
        d / "clip0.wav",
        "-o",
        tmp_path / "m",
        "--features",
        "mfcc",
        "--num-ceps",
        "20",
        "--num-mel-bins",
        "40",
        "--cepstral-lifter",
        "0",
    )
    assert r.returncode == 0, r.stderr
    mf = fastmel.kaldi.Mfcc(num_ceps=20, num_mel_bins=40, cepstral_lifter=0.0)
    np.testing.assert_array_equal(
        np.load(tmp_path / "m" / "clip0.npy"), mf(signals["clip0"][:, 0] * 32768)
    )
    # Options of one family with the other, and bad values, name the flags.
    for args, flag in [
        (["--features", "fbank", "--n-mels", "40"], "--n-mels"),
        (["--features", "mel", "--num-mel-bins", "40"], "--num-mel-bins"),
        (["--features", "fbank", "--num-ceps", "13"], "--num-ceps"),
        (["--features", "mfcc", "--num-ceps", "40"], "--num-ceps"),
        (["--features", "fbank", "--frame-shift", "0.01"], "--frame-shift"),
    ]:
        r = run("compute", d / "clip0.wav", "-o", tmp_path / "x", *args)
        assert r.returncode == 2 and flag in r.stderr and "Traceback" not in r.stderr, args


def test_kaldi_dither_without_a_seed_reruns_unchanged(corpus, tmp_path):
    """--dither without --dither-seed: the run draws a seed and records it; a rerun
    into the folder reuses it, so its outputs are found up to date (it failed
    every file before: "exists with other content"). Each file's noise is its
    own, from the seed and the file's name."""
    import fastmel.kaldi

    d, signals = corpus
    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / "same.wav").write_bytes((d / "clip0.wav").read_bytes())
    out = tmp_path / "dithered"
    args = ["--features", "fbank", "--dither", "1"]
    inputs = [d / "clip0.wav", d / "clip1.wav", twin / "same.wav"]
    r = run("compute", *inputs, "-o", out, *args)
    assert r.returncode == 0, r.stderr
    first = {p.name: np.load(p) for p in out.glob("*.npy")}
    assert sorted(first) == ["clip0.npy", "clip1.npy", "same.npy"]
    seed = json.loads((out / "fastmel.json").read_text())["layer"]["dither_seed"]
    assert isinstance(seed, int)
    r = run("compute", *inputs, "-o", out, *args)
    assert r.returncode == 0, r.stderr
    assert "3 already up to date" in r.stdout
    for name, a in first.items():
        np.testing.assert_array_equal(np.load(out / name), a)
    plain = fastmel.kaldi.Fbank(dither=0.0)(signals["clip0"][:, 0] * 32768)
    assert not np.array_equal(first["clip0.npy"], plain)  # dithered
    assert not np.array_equal(first["clip0.npy"], first["same.npy"])  # each file its own noise
    # Another folder draws another seed.
    r = run("compute", d / "clip0.wav", "-o", tmp_path / "other", *args)
    assert r.returncode == 0, r.stderr
    assert (
        json.loads((tmp_path / "other" / "fastmel.json").read_text())["layer"]["dither_seed"]
        != seed
    )


def test_progress_bar_total_and_updates_agree(tmp_path):
    """The bar counts whole milliseconds, total and updates alike: float
    seconds (a total rounded to 0.01 s, updates not) left the bar past its end,
    with tqdm's clamping warning and a negative ETA."""
    d = tmp_path / "thirds"
    d.mkdir()
    for i in range(7):
        write_wav(d / f"c{i}.wav", seconds=1 / 3 + i * 0.0123, seed=i)
    r = run("compute", d, "-o", tmp_path / "f", "--progress", "bar")
    assert r.returncode == 0, r.stderr
    assert "Warning" not in r.stderr and "clamping" not in r.stderr, r.stderr
    assert "<-" not in r.stderr, r.stderr  # no negative remaining time
    final = r.stderr.replace("\r", "\n").splitlines()
    done = [line for line in final if "7/7 files" in line]
    assert done and "100%" in done[-1], r.stderr


def test_inputs_sharing_a_stem_keep_their_suffixes(tmp_path):
    """a.flac and a.wav are written as a.flac.npy and a.wav.npy (a lone stem
    keeps b.npy), so neither takes the other's output, even when one fails; one
    name in two places given apart is refused for the later one, by name."""
    d = tmp_path / "audio"
    d.mkdir()
    write_wav(d / "a.wav", seed=1)
    write_wav(d / "a.flac", seed=2)
    (d / "c.wav").write_bytes(b"RIFF broken")
    write_wav(d / "c.flac", seed=3)
    write_wav(d / "b.wav", seed=4)
    out = tmp_path / "f"
    r = run("compute", d, "-o", out)
    assert r.returncode == 1, r.stderr  # c.wav is broken
    assert sorted(p.name for p in out.glob("*.npy")) == [
        "a.flac.npy", "a.wav.npy", "b.npy", "c.flac.npy",
    ]  # fmt: skip
    assert "c.wav" in r.stderr and "already" not in r.stderr
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    write_wav(tmp_path / "x" / "s.wav", seed=5)
    write_wav(tmp_path / "y" / "s.wav", seed=6)
    r = run("compute", tmp_path / "x" / "s.wav", tmp_path / "y" / "s.wav", "-o", tmp_path / "g")
    assert r.returncode == 1 and "already that of" in r.stderr, r.stderr


def test_a_reader_that_goes_away_stops_the_command_quietly():
    """`fastmel demo --no-plot | head -1`: no traceback when the pipe closes."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "fastmel", "demo", "--no-plot"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first = proc.stdout.readline()
    proc.stdout.close()  # as head does after its line
    err = proc.stderr.read().decode()
    proc.stderr.close()
    proc.wait(timeout=60)
    assert first.startswith(b"fastmel demo:")
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert proc.returncode in (0, 1)
