"""fastmel.dask on a real two-process LocalCluster over loopback."""

import os

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


def test_output_name_collisions(tmp_path):
    import fastmel.dask

    with pytest.raises(ValueError, match="both write"):
        fastmel.dask.output_paths(["a/x.wav", "b/x.flac"], tmp_path)
