"""The ``fastmel`` command: compute, plot, demo, bench, info (the ``cli`` extra)."""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from .._layer import MelSpectrogram
from .._options import (
    DTYPES,
    LOG_MODES,
    MEL_SCALES,
    NORMS,
    PAD_MODES,
    TOP_DB_SCOPES,
    WINDOWS,
    available_cores,
)
from .._presets import PRESETS
from ._audio import AudioError, duration, find_audio, process, read, require

# --option -> MelSpectrogram argument, with its type.
_LAYER_OPTIONS = [
    ("--sampling-rate", "sampling_rate", float, "input sampling rate, Hz"),
    ("--fft-length", "fft_length", int, "FFT size"),
    ("--hop", "sequence_stride", int, "hop between frames, samples"),
    ("--win-length", "sequence_length", int, "window length, samples (<= FFT size)"),
    ("--n-mels", "num_mel_bins", int, "number of mel bands"),
    ("--min-freq", "min_freq", float, "lowest band edge, Hz"),
    ("--max-freq", "max_freq", float, "highest band edge, Hz"),
    ("--log-offset", "log_offset", float, "added to the power before the log"),
]
# --option -> MelSpectrogram argument, with its allowed values ("none" is None).
_CHOICES = [
    ("--window", "window", [*WINDOWS, "none"]),
    ("--mel-scale", "mel_scale", list(MEL_SCALES)),
    ("--norm", "norm", ["none" if v is None else v for v in NORMS]),
    ("--pad-mode", "pad_mode", list(PAD_MODES)),
    ("--log-mode", "log_mode", list(LOG_MODES)),
    ("--top-db-scope", "top_db_scope", list(TOP_DB_SCOPES)),
    ("--dtype", "dtype", list(DTYPES)),
]


def _top_db(text):
    return None if text.lower() == "none" else float(text)


def add_layer_options(parser, default_preset="keras"):
    g = parser.add_argument_group(
        "layer options", "A preset, then any MelSpectrogram argument to change in it."
    )
    g.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        default=default_preset,
        help=f"starting point (default: {default_preset})",
    )
    for flag, _, typ, help_ in _LAYER_OPTIONS:
        g.add_argument(flag, type=typ, help=help_)
    for flag, _, choices in _CHOICES:
        g.add_argument(flag, choices=choices)
    g.add_argument(
        "--top-db",
        type=_top_db,
        default=argparse.SUPPRESS,
        help="dynamic range kept below the maximum, dB ('none': no floor)",
    )
    g.add_argument(
        "--power", action="store_true", help="output mel power, no log (power_to_db=False)"
    )
    g.add_argument(
        "--no-center", action="store_true", help="frame 0 starts at sample 0 (no padding)"
    )
    g.add_argument("--drop-last-frame", action="store_true", help="leave out the last frame")


def layer_from_args(args, num_threads=None):
    kwargs = {}
    for flag, name, _, _ in _LAYER_OPTIONS:
        value = getattr(args, flag[2:].replace("-", "_"))
        if value is not None:
            kwargs[name] = value
    for flag, name, _ in _CHOICES:
        value = getattr(args, flag[2:].replace("-", "_"))
        if value is not None:
            kwargs[name] = None if value == "none" else value
    if hasattr(args, "top_db"):
        kwargs["top_db"] = args.top_db
    if args.power:
        kwargs["power_to_db"] = False
    if args.no_center:
        kwargs["center"] = False
    if args.drop_last_frame:
        kwargs["drop_last_frame"] = True
    if num_threads is not None:
        kwargs["num_threads"] = num_threads
    return MelSpectrogram.from_preset(args.preset, **kwargs)


def _fail(message, code=2):
    print(f"fastmel: error: {message}", file=sys.stderr)
    return code


# -- compute ---------------------------------------------------------------------


def _outputs(files, outdir):
    """``(output path, earlier input writing the same path or None)`` per input."""
    owner: dict[pathlib.Path, pathlib.Path] = {}
    outs = []
    for path, stem in files:
        out = outdir / stem.with_name(stem.name + ".npy")
        outs.append((out, owner.get(out)))
        owner.setdefault(out, path)
    return outs


def _write_config(outdir, layer, overwrite):
    """OUTDIR/fastmel.json records the parameters; a different one is never replaced
    silently."""
    from .. import __version__

    layer_config = layer.get_config()
    # How fast, not what: neither the thread count nor the kernel is a parameter of
    # the features (kernels agree to float rounding).
    del layer_config["num_threads"], layer_config["kernel"]
    config = {"fastmel": __version__, "layer": layer_config}
    path = outdir / "fastmel.json"
    if path.exists() and not overwrite:
        try:
            old = json.loads(path.read_text())
        except (OSError, ValueError):
            old = None
        if old is None or old.get("layer") != config["layer"]:
            raise FileExistsError(
                f"{path} records different layer parameters; use another output "
                "directory or pass --overwrite"
            )
        return
    outdir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=1) + "\n")


def compute(args):
    try:
        files = find_audio(args.inputs)
        require("soundfile", "cli")
    except (FileNotFoundError, ImportError) as e:
        return _fail(str(e))
    if not files:
        return _fail(
            "no audio files found in the inputs "
            f"(looked for {', '.join(s for s in ('.wav', '.flac', '.ogg', '.mp3'))})"
        )
    try:
        workers = available_cores() if args.workers is None else int(args.workers)
        if workers < 1:
            raise ValueError(f"--workers must be >= 1, got {workers}")
        threads_per_call = max(1, workers // min(workers, len(files)))
        layer = layer_from_args(args, num_threads=threads_per_call)
    except (TypeError, ValueError) as e:
        return _fail(str(e))
    outdir = pathlib.Path(args.output)
    try:
        _write_config(outdir, layer, args.overwrite)
    except OSError as e:
        return _fail(str(e))

    outs = _outputs(files, outdir)
    show_bar = args.progress == "bar" or (args.progress == "auto" and sys.stderr.isatty())
    bar = None
    seconds: list[float | None] = [None] * len(files)
    if show_bar:
        # The bar's total: one header read per file, only when a bar is drawn.
        seconds = [duration(p) for p, _ in files]
        total = sum(s for s in seconds if s)
        tqdm = require("tqdm", "cli").tqdm
        bar = tqdm(
            total=round(total, 2),
            unit="s",
            desc="audio",
            file=sys.stderr,
            dynamic_ncols=True,
            bar_format="{l_bar}{bar}| {n:.1f}/{total:.1f} s audio "
            "[{elapsed}<{remaining}, {rate_fmt}]{postfix}",
        )

    failed, skipped, done, audio_seconds = [], 0, 0, 0.0

    def report(path, message):
        failed.append((path, message))
        line = f"fastmel: FAILED {path}: {message}"
        if bar is not None:
            bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        jobs = {}
        for (path, _), (out, other), secs in zip(files, outs, seconds, strict=False):
            if other is not None:
                report(path, f"its output name collides with that of {other}")
                continue
            if args.skip_existing and out.exists():
                skipped += 1
                if bar is not None and secs:
                    bar.update(secs)
                continue
            jobs[
                pool.submit(
                    process,
                    path,
                    out,
                    layer,
                    resample=args.resample,
                    channels=args.channels,
                    overwrite=args.overwrite,
                )
            ] = (path, secs)
        for future in as_completed(jobs):
            path, secs = jobs[future]
            try:
                got_seconds, _shape = future.result()
            except (AudioError, OSError, ValueError, MemoryError) as e:
                report(path, str(e))
            else:
                done += 1
                audio_seconds += got_seconds
            if bar is not None:
                if secs:
                    bar.update(secs)
                bar.set_postfix_str(
                    f"{done + len(failed) + skipped}/{len(files)} files", refresh=False
                )
    if bar is not None:
        bar.close()
    elapsed = time.perf_counter() - start
    rate = audio_seconds / elapsed if elapsed > 0 else float("inf")
    print(
        f"fastmel compute: {done} of {len(files)} files written to {outdir} "
        f"({audio_seconds:.1f} s of audio in {elapsed:.2f} s, {rate:,.0f}x realtime, "
        f"{workers} worker{'s' if workers != 1 else ''})"
        + (f", {skipped} skipped (output exists)" if skipped else "")
    )
    if failed:
        print(
            f"fastmel compute: {len(failed)} file{'s' if len(failed) != 1 else ''} failed:",
            file=sys.stderr,
        )
        for path, message in failed:
            print(f"  {path}: {message}", file=sys.stderr)
        return 1
    return 0


# -- plot --------------------------------------------------------------------------


def plot(args):
    from ._plot import describe, save_png

    try:
        require("soundfile", "cli")
        require("matplotlib", "plot")
        layer = layer_from_args(args, num_threads=-1)
    except (ImportError, TypeError, ValueError) as e:
        return _fail(str(e))
    out = pathlib.Path(args.output)
    if out.exists() and not args.overwrite:
        return _fail(f"{out} exists (pass --overwrite to replace it)")
    try:
        audio = read(args.file, layer.sampling_rate, resample=args.resample, channels="mix")
    except AudioError as e:
        return _fail(f"{args.file}: {e}", 1)
    mel = layer(audio)
    title = f"{pathlib.Path(args.file).name}: {describe(layer)}"
    try:
        save_png(mel, layer, out, title=title, width=args.width, height=args.height, dpi=args.dpi)
    except OSError as e:
        return _fail(f"cannot write {out}: {e.strerror or e}", 1)
    print(
        f"fastmel plot: {mel.shape[0]} mels x {mel.shape[1]} frames of "
        f"{audio.shape[-1] / layer.sampling_rate:.2f} s -> {out}"
    )
    return 0


# -- parser -------------------------------------------------------------------------


def build_parser():
    parser = argparse.ArgumentParser(
        prog="fastmel", description="Mel spectrograms on the CPU at the speed of the FFT."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "compute",
        help="features of audio files, one .npy per file",
        description="Compute mel spectrograms of audio files (WAV, FLAC, OGG, MP3 via "
        "soundfile) and write one .npy per input (float32, or float64 with --dtype "
        "float64): OUTDIR/<name>.npy, with a directory's files "
        "named by their path inside it. OUTDIR/fastmel.json records "
        "the parameters. Unreadable files are reported and skipped; the exit code is 1 "
        "if any file failed.",
    )
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    p.add_argument(
        "--workers", type=int, default=None, help="files processed at once (default: all cores)"
    )
    p.add_argument(
        "--resample",
        action="store_true",
        help="resample files whose rate differs from --sampling-rate (soxr, HQ) "
        "instead of failing them",
    )
    p.add_argument(
        "--channels",
        choices=["mix", "keep"],
        default="mix",
        help="mix: mean of the channels, output (mels, frames); keep: output "
        "(channels, mels, frames) (default: mix)",
    )
    exist = p.add_mutually_exclusive_group()
    exist.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    exist.add_argument(
        "--skip-existing", action="store_true", help="leave existing outputs and skip their inputs"
    )
    p.add_argument(
        "--progress",
        choices=["auto", "bar", "none"],
        default="auto",
        help="progress bar on stderr (auto: when stderr is a terminal)",
    )
    add_layer_options(p)

    p = sub.add_parser(
        "plot",
        help="a PNG picture of one file's mel spectrogram",
        description="Draw the mel spectrogram of an audio file (channels mixed): time in "
        "seconds, mel bands labelled with their centre frequency in Hz, colour bar in dB.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="PNG")
    p.add_argument(
        "--resample", action="store_true", help="resample if the rate differs from --sampling-rate"
    )
    p.add_argument("--overwrite", action="store_true", help="replace an existing PNG")
    p.add_argument("--width", type=float, default=10.0, help="inches (default 10)")
    p.add_argument("--height", type=float, default=4.0, help="inches (default 4)")
    p.add_argument("--dpi", type=int, default=100, help="pixels per inch (default 100)")
    add_layer_options(p)

    p = sub.add_parser("demo", help="compute and plot the mel spectrogram of a synthetic clip")
    p.add_argument(
        "-o",
        "--output",
        default="fastmel-demo.png",
        metavar="PNG",
        help="where the picture goes (default: ./fastmel-demo.png)",
    )
    p.add_argument("--no-plot", action="store_true", help="terminal picture only")

    sub.add_parser("info", help="print the version and the kernel this machine runs")
    p = sub.add_parser(
        "bench",
        help="how fast fastmel runs the standard workloads on this machine",
        description="Time MelSpectrogram on the standard workloads (float32, dB, random "
        "normal input) with one thread and with all cores, and print seconds per call and "
        "x realtime. The comparison with the FFTs alone, NumPy and the peers is "
        "bench/bench.py in fastmel's source tree.",
    )
    p.add_argument(
        "--budget", type=float, default=0.5, help="seconds of timing per measurement (default 0.5)"
    )
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "compute":
        return compute(args)
    if args.command == "plot":
        return plot(args)
    if args.command == "demo":
        from ._demo import main as demo

        return demo(output=None if args.no_plot else args.output)
    if args.command == "bench":
        from ._bench import main as bench

        return bench(budget=args.budget)
    if args.command == "info":
        from .. import show_config

        show_config()
        return 0
    raise AssertionError(args.command)  # pragma: no cover
