"""fastmel.dask on a real two-process LocalCluster over loopback."""

import os
import sys

import numpy as np
import pytest
from conftest import require_extra

distributed = require_extra("distributed")
sf = require_extra("soundfile")


def test_compute_files_on_a_local_cluster(tmp_path):
    import fastmel.dask

    rng = np.random.default_rng(0)
    paths, signals = [], []
    for i in range(12):
        x = (0.1 * rng.standard_normal(4000 + 997 * i)).astype(np.float32)
        path = tmp_path / f"a{i:02d}.wav"
        sf.write(str(path), x, 16000, subtype="FLOAT")
        paths.append(path)
        signals.append(x)
    (tmp_path / "bad.wav").write_bytes(b"garbage")
    paths.append(tmp_path / "bad.wav")
    out = tmp_path / "features"
    layer = fastmel.MelSpectrogram.from_preset("whisper")

    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        results = fastmel.dask.compute_files(client, paths, out, layer)
        pids = set(client.run(os.getpid).values())
        assert len(pids) == 2 and os.getpid() not in pids  # two worker processes

    assert [r["path"] for r in results] == [str(p) for p in paths]
    for r, x in zip(results[:-1], signals, strict=False):
        assert r["error"] is None
        np.testing.assert_array_equal(np.load(r["output"]), layer(x))
    assert results[-1]["error"] is not None and "cannot read audio" in results[-1]["error"]
    assert not (out / "bad.npy").exists()


def test_output_paths_mirror_the_common_folder(tmp_path):
    import fastmel.dask

    got = fastmel.dask.output_paths(["/data/a/x.wav", "/data/b/x.flac", "/data/y.mp3"], "/out")
    assert got == ["/out/a/x.npy", "/out/b/x.npy", "/out/y.npy"]
    assert fastmel.dask.output_paths(["/d/x.wav", "/d/..wav"], "/o") == ["/o/x.npy", "/o/..npy"]
    assert fastmel.dask.output_paths(["/d/a/x.wav"], "/o", root="/d") == ["/o/a/x.npy"]
    with pytest.raises(ValueError, match="not under the root"):
        fastmel.dask.output_paths(["/e/x.wav"], "/o", root="/d")


def _cluster():
    return distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )


def _corpus(folder, n, seconds=0.5):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    paths = []
    for i in range(n):
        path = folder / f"s{i:03d}.wav"
        sf.write(str(path), (0.1 * rng.standard_normal(int(16000 * seconds))), 16000, "FLOAT")
        paths.append(path)
    return paths


def test_a_retried_task_finds_its_own_output(tmp_path):
    """What Dask does when a worker dies after writing but before reporting."""
    import fastmel
    from fastmel.dask import _process_one

    (path,) = _corpus(tmp_path / "a", 1)
    out = tmp_path / "f" / "s000.npy"
    layer = fastmel.MelSpectrogram()
    args = (str(path), str(out), None, layer, False, "mix", False, False)
    first, again = _process_one(*args), _process_one(*args)
    assert first["status"] == "written" and first["error"] is None
    assert again["status"] == "unchanged" and again["error"] is None
    assert again["shape"] == first["shape"]


def test_shared_stems_keep_their_suffixes_and_calls_are_independent(tmp_path):
    import fastmel
    import fastmel.dask

    paths = _corpus(tmp_path / "audio", 6)
    twin = tmp_path / "audio" / "s000.flac"  # same stem as s000.wav
    sf.write(str(twin), np.zeros(8000), 16000)
    odd = tmp_path / "audio" / "odd.wav"
    sf.write(str(odd), np.zeros(22050), 22050, "FLOAT")
    nested = _corpus(tmp_path / "audio" / "sub", 1)
    layer = fastmel.MelSpectrogram.from_preset("whisper")
    with _cluster() as cluster, distributed.Client(cluster) as client:
        for attempt in range(6):  # back to back: each call has its own layer key
            results = fastmel.dask.compute_files(
                client, [*paths, twin, odd, *nested], tmp_path / "f", layer
            )
            assert [r["error"] is None for r in results] == [True] * 7 + [False, True]
            want = "written" if attempt == 0 else "unchanged"
            assert {r["status"] for r in results[1:7]} == {want}
    # s000.wav and s000.flac share a stem: both keep their suffix
    assert results[0]["output"] == str(tmp_path / "f" / "s000.wav.npy")
    assert results[6]["output"] == str(tmp_path / "f" / "s000.flac.npy")
    assert results[1]["output"] == str(tmp_path / "f" / "s001.npy")
    assert "resample=True" in results[7]["error"] and "--resample" not in results[7]["error"]
    assert results[8]["output"] == str(tmp_path / "f" / "sub" / "s000.npy")  # mirrored
    assert (tmp_path / "f" / "sub" / "s000.npy").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_worker_killed_mid_run_loses_nothing(tmp_path):
    import signal
    import threading
    import time

    import fastmel
    import fastmel.dask

    paths = _corpus(tmp_path / "audio", 40)
    out = tmp_path / "f"
    # One frame per sample: about 50 ms per file, 1 s for the whole run.
    layer = fastmel.MelSpectrogram(sequence_stride=1, num_mel_bins=16)
    with _cluster() as cluster, distributed.Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
        box = {}
        runner = threading.Thread(
            target=lambda: box.update(r=fastmel.dask.compute_files(client, paths, out, layer))
        )
        runner.start()
        deadline = time.monotonic() + 60
        while len(list(out.glob("*.npy"))) < 8:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        os.kill(pids[0], signal.SIGKILL)
        runner.join(timeout=120)
        assert not runner.is_alive()
    results = box["r"]
    assert [r["error"] for r in results] == [None] * 40
    assert {r["status"] for r in results} <= {"written", "unchanged"}
    for path in paths[::7]:
        x = sf.read(str(path), dtype="float32")[0]
        np.testing.assert_array_equal(np.load(out / (path.stem + ".npy")), layer(x))
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
