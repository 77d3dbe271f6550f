"""``fastmel compute`` and ``plot`` under faults: signals, links, umasks, full
disks, odd files and names, bad sizes. Driven through subprocesses and real
signals, as a user (or an attacker) would."""

import errno
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import require_extra
from test_cli import run, write_wav

import fastmel

# POSIX signals, resource limits and file modes: not Windows.
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and limits")

sf = require_extra("soundfile")

# A slow layer (one frame per sample), so that files take ~50 ms each.
SLOW = ["--hop", "1", "--n-mels", "16", "--workers", "1"]


def _slow_corpus(folder, n):
    folder.mkdir()
    for i in range(n):
        write_wav(folder / f"c{i:03d}.wav", seconds=0.5, seed=i)
    return folder


def _npy(folder):
    return sorted(p.name for p in folder.glob("*.npy"))


def _temporaries(folder):
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]


def _start(*args):
    return subprocess.Popen(
        [sys.executable, "-m", "fastmel", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_outputs(folder, count, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while len(_npy(folder)) < count:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_one_signal_stops_compute_and_skip_existing_resumes(tmp_path, sig, code):
    audio = _slow_corpus(tmp_path / "audio", 120)
    out = tmp_path / "features"
    proc = _start("compute", audio, "-o", out, *SLOW)
    _wait_for_outputs(out, 10, proc)
    sent = time.monotonic()
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=30)
    latency = time.monotonic() - sent
    assert proc.returncode == code, stderr
    assert latency < 1.0, latency  # the file in progress (~50 ms), then the summary
    written = len(_npy(out))
    assert 10 <= written < 120
    assert f"{written} of 120 files written" in stdout
    assert f"{120 - written} not started" in stdout
    assert "--skip-existing" in stderr and "Traceback" not in stderr
    assert not _temporaries(out)
    # Resume: exactly the rest is computed.
    r = run("compute", audio, "-o", out, *SLOW[:4], "--skip-existing")
    assert r.returncode == 0, r.stderr
    assert f"{120 - written} of 120 files written" in r.stdout
    assert f"{written} skipped" in r.stdout
    layer = fastmel.MelSpectrogram(sequence_stride=1, num_mel_bins=16)
    for i in (0, written - 1, written, 119):
        x = sf.read(str(audio / f"c{i:03d}.wav"), dtype="float32")[0]
        np.testing.assert_array_equal(np.load(out / f"c{i:03d}.npy"), layer(x))


def test_a_second_signal_stops_at_once_and_leaves_no_temporary(tmp_path):
    audio = tmp_path / "audio"
    audio.mkdir()
    for i in range(2):  # long files: 200 s each, about 8 s of work, the first one in progress
        write_wav(audio / f"long{i}.wav", seconds=200.0, seed=i)
    out = tmp_path / "features"
    proc = _start("compute", audio, "-o", out, *SLOW)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.2)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 1.0
    assert proc.returncode == 130, stderr
    assert "stopped at once" in stderr and "Traceback" not in stderr
    assert not _temporaries(out)


# -- what is written, and how ---------------------------------------------------------


def test_fastmel_json_and_outputs_never_follow_links(tmp_path):
    clip = tmp_path / "clip.wav"
    write_wav(clip)
    out = tmp_path / "features"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / "fastmel.json").symlink_to(victim)
    r = run("compute", clip, "-o", out)
    assert r.returncode == 2 and "symbolic link" in r.stderr
    r = run("compute", clip, "-o", out, "--overwrite")
    assert r.returncode == 0, r.stderr
    assert victim.read_text() == "precious"
    assert not (out / "fastmel.json").is_symlink()
    # A dangling link is not followed to create its target.
    (out / "fastmel.json").unlink()
    (out / "fastmel.json").symlink_to(tmp_path / "created.txt")
    assert run("compute", clip, "-o", out).returncode == 2
    assert not (tmp_path / "created.txt").exists()
    (out / "fastmel.json").unlink()
    # An output name that is a link: reported without --overwrite, replaced with it.
    (out / "clip.npy").unlink()
    (out / "clip.npy").symlink_to(victim)
    r = run("compute", clip, "-o", out)
    assert r.returncode == 1 and "symbolic link" in r.stderr
    assert run("compute", clip, "-o", out, "--overwrite").returncode == 0
    assert victim.read_text() == "precious" and not (out / "clip.npy").is_symlink()
    assert np.load(out / "clip.npy").shape[0] == 128


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_file_modes_follow_the_umask(tmp_path, umask, mode):
    clip = tmp_path / "clip.wav"
    write_wav(clip)
    out = tmp_path / "features"
    r = subprocess.run(
        [sys.executable, "-m", "fastmel", "compute", str(clip), "-o", str(out)],
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(umask),
    )
    assert r.returncode == 0, r.stderr
    for name in ("clip.npy", "fastmel.json"):
        assert (out / name).stat().st_mode & 0o777 == mode, name


def _limited(limit):
    """A subprocess set-up: files larger than ``limit`` bytes cannot be written
    (EFBIG, as a full quota would refuse them)."""

    def setup():
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return setup


def test_a_write_that_fails_leaves_nothing_behind(tmp_path):
    clip = tmp_path / "clip.wav"
    write_wav(clip, seconds=2.0)
    out = tmp_path / "features"
    cmd = [sys.executable, "-m", "fastmel", "compute", str(clip), "-o", str(out)]
    # fastmel.json (about 600 bytes) cannot be written: no empty file is left
    # to refuse every later run.
    r = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=_limited(100))
    assert r.returncode == 2 and "file too large" in r.stderr and "Traceback" not in r.stderr
    assert not os.path.lexists(out / "fastmel.json") and not _temporaries(out)
    # The features (32 kB) cannot be written: a failure for that file only.
    r = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=_limited(4000))
    assert r.returncode == 1 and "file too large" in r.stderr and "Traceback" not in r.stderr
    assert not os.path.lexists(out / "clip.npy") and not _temporaries(out)
    # Without the limit, everything works from where it stopped.
    r = subprocess.run(cmd + ["--skip-existing"], capture_output=True, text=True)
    assert r.returncode == 0 and np.load(out / "clip.npy").shape == (128, 63)


def test_a_full_disk_is_named(tmp_path, monkeypatch):
    from fastmel.cli import _output

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_output.os, "write", full)
    with pytest.raises(_output.OutputError, match="the disk is full"):
        _output.write_file(tmp_path / "x.npy", b"data")
    assert os.listdir(tmp_path) == []


# -- odd inputs ---------------------------------------------------------------------------


def test_fifo_odd_names_and_non_utf8_names(tmp_path):
    audio = tmp_path / "audio"
    audio.mkdir()
    os.mkfifo(audio / "pipe.wav")  # would block a reader forever
    x = np.zeros(8000, np.float32)
    for name in (b"..wav", b".wav", b"caf\xe9.wav"):  # the last one Latin-1, not UTF-8
        with open(os.fsencode(audio) + b"/" + name, "wb") as f:
            sf.write(f, x, 16000, format="WAV", subtype="FLOAT")
    out = tmp_path / "features"
    r = subprocess.run(
        [sys.executable, "-m", "fastmel", "compute", str(audio), str(audio / "pipe.wav")]
        + ["-o", str(out)],
        capture_output=True,
        timeout=60,
    )
    stderr = r.stderr.decode()
    assert r.returncode == 1, stderr
    assert stderr.count("not a regular file (a FIFO)") == 2 and "Traceback" not in stderr
    # ".wav" is a hidden file without a suffix, as pathlib sees it: not audio.
    assert "2 of 4 files written" in r.stdout.decode()
    assert (out / "..npy").exists() and not (out / ".wav.npy").exists()
    assert os.path.exists(os.fsencode(out) + b"/caf\xe9.npy")


def test_an_unlistable_folder_is_a_failure(tmp_path, monkeypatch, capsys):
    from fastmel import cli

    audio = tmp_path / "audio"
    (audio / "locked").mkdir(parents=True)
    write_wav(audio / "a.wav")
    write_wav(audio / "locked" / "b.wav")
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)  # root reads any folder
    assert cli.main(["compute", str(audio), "-o", str(tmp_path / "f")]) == 1
    err = capsys.readouterr().err
    assert "locked: cannot list folder: Permission denied" in err


# -- usage -------------------------------------------------------------------------------


def test_version_and_usage_errors_name_the_flags(tmp_path):
    clip = tmp_path / "clip.wav"
    write_wav(clip)
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"fastmel {fastmel.__version__}"
    for args, flag in [
        (["--n-mels", "0"], "--n-mels"),
        (["--hop", "0"], "--hop"),
        (["--fft-length", "10000000000"], "--fft-length"),
        (["--workers", "100000"], "--workers"),
        (["--power", "0"], "--power"),
    ]:
        r = run("compute", clip, "-o", tmp_path / "f", *args)
        assert r.returncode == 2 and flag in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stderr and "num_mel_bins" not in r.stderr


def test_power_flags_are_librosas(tmp_path):
    clip = tmp_path / "clip.wav"
    x = write_wav(clip)[:, 0]
    out = tmp_path / "f"
    args = ["--power", "1", "--min-power", "1e-5", "--ref-power", "2", "--top-db", "none"]
    assert run("compute", clip, "-o", out, *args).returncode == 0
    layer = fastmel.MelSpectrogram(mag_exp=1.0, min_power=1e-5, ref_power=2.0, top_db=None)
    np.testing.assert_array_equal(np.load(out / "clip.npy"), layer(x))
    assert run("compute", clip, "-o", out / "p", "--no-log").returncode == 0
    np.testing.assert_array_equal(
        np.load(out / "p" / "clip.npy"), fastmel.MelSpectrogram(power_to_db=False)(x)
    )


def test_plot_sizes_and_the_files_own_rate(tmp_path):
    require_extra("matplotlib")
    clip = tmp_path / "clip22k.wav"
    write_wav(clip, rate=22050)
    for args in (
        ["--width", "600", "--height", "600"],
        ["--dpi", "0"],
        ["--width", "90", "--dpi", "1000"],
        ["--fft-length", "10000000000"],
    ):
        r = run("plot", clip, "-o", tmp_path / "x.png", *args)
        assert r.returncode == 2 and "Traceback" not in r.stderr, (args, r.stderr)
    r = run("plot", tmp_path / "missing.wav", "-o", tmp_path / "x.png")
    assert r.returncode == 2 and "no such file" in r.stderr  # as compute
    r = run("plot", clip, "-o", tmp_path / "x.png")  # 22.05 kHz: the file's rate
    assert r.returncode == 0 and "0.50 s" in r.stdout, r.stderr


def test_summary_rates_never_round_to_zero():
    from fastmel.cli import _rate

    assert _rate(0.5, 2.0) == "0.25x"
    assert _rate(3.0, 1.0) == "3x"
    assert _rate(12345.0, 1.0) == "12,345x"


def test_temporaries_of_killed_runs_are_swept(tmp_path):
    from fastmel.cli._output import _HOST

    clip = tmp_path / "clip.wav"
    write_wav(clip)
    out = tmp_path / "features"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a pid that no longer runs
    stale = out / f".clip.npy.{_HOST}.{dead.pid}.0a1b2c3d.tmp"
    stale.write_bytes(b"half a file")
    alive = out / f".other.npy.{_HOST}.{os.getpid()}.0a1b2c3d.tmp"  # this process: kept
    alive.write_bytes(b"in progress")
    assert run("compute", clip, "-o", out).returncode == 0
    assert not stale.exists() and alive.exists()
