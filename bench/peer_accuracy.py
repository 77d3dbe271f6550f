"""Worst differences between fastmel's presets/options and the real peers.

    python bench/peer_accuracy.py

Reads tests/data/peer_golden.npz (made by tests/data/make_peer_golden.py)
and prints, per case, the largest difference in the output's own units, the
largest difference near the peak (within 40 dB) and the largest power
difference relative to the peak power, on the golden files' friendly
signals. The README's accuracy table comes from bench/accuracy.py, which runs
the peers live on hard signals.
"""

import json
import pathlib

import numpy as np

import fastmel

DATA = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data"
TO_POWER = {
    "power": lambda y: y,
    "db": lambda y: 10.0 ** (y / 10.0),
    "natural": np.exp,
    "whisper": lambda y: 10.0 ** (4.0 * (y - 1.0)),
}
UNITS = {
    "power": "power",
    "db": "dB",
    "natural": "ln units",
    "whisper": "whisper units",
    "filters": "weight",
}


def main():
    with np.load(DATA / "peer_golden.npz") as d:
        arrays = {k: d[k] for k in d.files}
    meta = json.loads(str(arrays.pop("meta")))
    print("peers:", ", ".join(f"{k} {v}" for k, v in meta["versions"].items()))
    print(f"{'case':34s} {'kind':8s} {'max |diff|':>12s} {'near peak':>11s} {'power/peak':>11s}")
    for name, case in sorted(meta["cases"].items()):
        layer = fastmel.MelSpectrogram.from_preset(case["preset"], **case["overrides"])
        want = arrays[f"{name}/y"].astype(np.float64)
        kind = case["kind"]
        if kind == "filters":
            got = layer.filter_bank().astype(np.float64)
            diff = np.abs(got - want).max()
            print(
                f"{name:34s} {kind:8s} {diff:12.3g} {'':>11s} {diff / want.max():11.3g}"
                f"  ({UNITS[kind]}; last column relative to the largest weight)"
            )
            continue
        got = layer(arrays[f"{name}/x"]).astype(np.float64)
        pg, pw = TO_POWER[kind](got), TO_POWER[kind](want)
        near = pw > pw.max() * 1e-4
        d = np.abs(got - want)
        near_text = f"{d[near].max():11.3g}" if kind != "power" else f"{'':>11s}"
        print(
            f"{name:34s} {kind:8s} {d.max():12.3g} {near_text} "
            f"{np.abs(pg - pw).max() / pw.max():11.3g}  ({UNITS[kind]})"
        )


if __name__ == "__main__":
    main()
