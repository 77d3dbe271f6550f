"""The ``fastmel`` command: compute, plot, demo, bench, info (the ``cli`` extra)."""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import pathlib
import secrets
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from .._layer import MelSpectrogram
from .._options import (
    DTYPES,
    LOG_MODES,
    MAX_THREADS,
    MEL_SCALES,
    NORMS,
    PAD_MODES,
    TOP_DB_SCOPES,
    WINDOWS,
    available_cores,
)
from .._presets import PRESETS
from ._audio import AudioError, duration, file_rate, find_audio, process, read, require
from ._output import display, remove_temporaries, sweep_temporaries, write_file

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
    ("--power", "mag_exp", float, "magnitude exponent (librosa's power): 1 magnitude, 2 power"),
    ("--min-power", "min_power", float, "floor on the power inside the log (librosa's amin)"),
    ("--ref-power", "ref_power", float, "reference power of 0 dB (librosa's ref)"),
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
        default=None,
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
        "--no-log", action="store_true", help="output the mel power itself (power_to_db=False)"
    )
    g.add_argument(
        "--no-center", action="store_true", help="frame 0 starts at sample 0 (no padding)"
    )
    g.add_argument("--drop-last-frame", action="store_true", help="leave out the last frame")


def _kaldi_options():
    """Every torchaudio.compliance.kaldi keyword of fbank and mfcc but the rate
    (--sampling-rate) and the channel (--channels), with its default
    (kaldi-native-fbank's extra options are for its configurations, not flags)."""
    from ..kaldi import _EXTRA, _KNF_MEL, Fbank, Mfcc

    options = {**Fbank._DEFAULTS, **Mfcc._DEFAULTS}
    for name in ("sample_frequency", "use_log_floor", "eps", *_KNF_MEL, *_EXTRA):
        del options[name]
    return options


def add_kaldi_options(parser):
    from ..kaldi import WINDOW_TYPES

    g = parser.add_argument_group(
        "Kaldi options (--features fbank or mfcc)",
        "torchaudio.compliance.kaldi's keywords as flags, with its defaults; the rate is "
        "--sampling-rate (default 16000).",
    )
    for name, default in _kaldi_options().items():
        flag = "--" + name.replace("_", "-")
        dest = "kaldi_" + name
        if isinstance(default, bool):
            g.add_argument(
                flag, dest=dest, action=argparse.BooleanOptionalAction, help=f"default: {default}"
            )
        elif name == "window_type":
            g.add_argument(flag, dest=dest, choices=WINDOW_TYPES, help=f"default: {default}")
        else:
            g.add_argument(flag, dest=dest, type=type(default), help=f"default: {default}")
    g.add_argument(
        "--dither-seed", dest="kaldi_dither_seed", type=int, help="seed of the dither noise"
    )


def _given_mel_flags(args):
    """The MelSpectrogram flags set on the command line."""
    flags = [flag for flag, *_ in _LAYER_OPTIONS] + [flag for flag, *_ in _CHOICES]
    given = [
        f
        for f in flags
        if getattr(args, f[2:].replace("-", "_")) is not None and f != "--sampling-rate"
    ]
    given += [
        f
        for f in ("--no-log", "--no-center", "--drop-last-frame")
        if getattr(args, f[2:].replace("-", "_"))
    ]
    if hasattr(args, "top_db"):
        given.append("--top-db")
    if args.preset is not None:
        given.append("--preset")
    return given


def features_from_args(args, num_threads=None):
    """The front end that --features names, built from the flags."""
    kaldi = {
        name: getattr(args, "kaldi_" + name)
        for name in (*_kaldi_options(), "dither_seed")
        if getattr(args, "kaldi_" + name, None) is not None
    }
    if args.features == "mel":
        if kaldi:
            flags = ", ".join("--" + k.replace("_", "-") for k in kaldi)
            raise ValueError(f"{flags}: Kaldi options, for --features fbank or mfcc")
        return layer_from_args(args, num_threads=num_threads)
    given = _given_mel_flags(args)
    if given:
        raise ValueError(f"{', '.join(given)}: MelSpectrogram options, for --features mel")
    from ..kaldi import Fbank, Mfcc

    cls = Fbank if args.features == "fbank" else Mfcc
    if cls is Fbank and ("num_ceps" in kaldi or "cepstral_lifter" in kaldi):
        raise ValueError("--num-ceps, --cepstral-lifter: for --features mfcc")
    if cls is Mfcc and ("use_log_fbank" in kaldi or "use_power" in kaldi):
        raise ValueError("--use-log-fbank, --use-power: for --features fbank")
    rate = args.sampling_rate if args.sampling_rate is not None else 16000.0
    return cls(**kaldi, sample_frequency=rate, num_threads=num_threads)


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
    if args.no_log:
        kwargs["power_to_db"] = False
    if args.no_center:
        kwargs["center"] = False
    if args.drop_last_frame:
        kwargs["drop_last_frame"] = True
    if num_threads is not None:
        kwargs["num_threads"] = num_threads
    return MelSpectrogram.from_preset(args.preset or "keras", **kwargs)


def _flag_names(message, features="mel"):
    """An error message of the front end with its argument names replaced by the
    flags the user typed (`num_mel_bins` -> --n-mels, or --num-mel-bins for Kaldi's)."""
    if features == "mel":
        for flag, name, *_ in (*_LAYER_OPTIONS, *_CHOICES, ("--top-db", "top_db")):
            message = message.replace(f"`{name}`", flag)
        return message
    for name in (*_kaldi_options(), "dither_seed"):
        message = message.replace(f"`{name}`", "--" + name.replace("_", "-"))
    return message.replace("`sample_frequency`", "--sampling-rate")


def _bounded(kind, low, high, what):
    """An argparse type: ``kind`` in [low, high], else a usage error."""

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not (low <= value <= high):
            raise argparse.ArgumentTypeError(f"{what} must be in [{low:g}, {high:g}], got {text}")
        return value

    return parse


def _fail(message, code=2):
    print(f"fastmel: error: {message}", file=sys.stderr)
    return code


# -- compute ---------------------------------------------------------------------


def _read_config(path: pathlib.Path) -> dict | None:
    """OUTDIR/fastmel.json's contents; None if absent; ValueError if it is a
    link, unreadable or not a fastmel record."""
    if not os.path.lexists(path):
        return None
    if path.is_symlink():
        raise ValueError(f"{display(path)} is a symbolic link; fastmel does not follow it")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as f:
            record = json.loads(f.read())
    except (OSError, ValueError) as e:
        raise ValueError(f"{display(path)} cannot be read ({e})") from None
    if not isinstance(record, dict) or "layer" not in record:
        raise ValueError(f"{display(path)} is not a fastmel record")
    return record


# Kaldi's tools read 16-bit samples as the integers they are: the files' samples
# (floats in [-1, 1) as soundfile reads them) times 2**15.
KALDI_SAMPLE_SCALE = 32768.0


def _parameters(layer):
    """The front end's configuration as fastmel.json records it: how fast (threads,
    kernel) is not a parameter of the features (kernels agree to float rounding)."""
    config = layer.get_config()
    del config["num_threads"], config["kernel"]
    return config


def _with_dither_seed(outdir, layer, features, scale):
    """Kaldi features with dither and no --dither-seed: the run draws a seed, and a
    run into a folder whose fastmel.json records the same parameters reuses the
    seed recorded there, so that its outputs are the same and found up to date."""
    if features == "mel" or not layer.dither or layer.dither_seed is not None:
        return layer
    try:
        old = _read_config(outdir / "fastmel.json")
    except ValueError:
        old = None
    ours = dict(_parameters(layer), dither_seed=None)
    if (
        old is not None
        and old.get("features") == features
        and old.get("sample_scale", 1.0) == scale
        and isinstance(old.get("layer"), dict)
        and isinstance(old["layer"].get("dither_seed"), int)
        and dict(old["layer"], dither_seed=None) == ours
    ):
        return layer.replace(dither_seed=old["layer"]["dither_seed"])
    return layer.replace(dither_seed=secrets.randbits(63))


def _per_file(layer, out, outdir):
    """The front end for one output file: with a dither seed, its own, drawn from
    the run's seed and the output's path in the folder (each file its own noise,
    the same in every run with that seed)."""
    seed = getattr(layer, "dither_seed", None)
    if not getattr(layer, "dither", 0) or seed is None:
        return layer
    name = os.path.relpath(out, outdir).replace(os.sep, "/")
    digest = hashlib.blake2b(f"{seed}:{name}".encode(), digest_size=8).digest()
    return layer.replace(dither_seed=int.from_bytes(digest, "little"))


def _write_config(outdir, layer, overwrite, features="mel", scale=1.0):
    """OUTDIR/fastmel.json records the parameters; a different or unreadable one
    is replaced only with --overwrite."""
    from .. import __version__

    config = {
        "fastmel": __version__,
        "features": features,
        "sample_scale": scale,
        "layer": _parameters(layer),
    }
    path = outdir / "fastmel.json"
    try:
        old = _read_config(path)
    except ValueError as e:
        if not overwrite:
            raise FileExistsError(f"{e}; pass --overwrite to replace it") from None
        old = None
    if (
        old is not None
        and old.get("features", "mel") == features
        and old.get("sample_scale", 1.0) == scale
        and old.get("layer") == config["layer"]
    ):
        return
    if old is not None and not overwrite:
        raise FileExistsError(
            f"{display(path)} records different layer parameters; use another output "
            "folder or pass --overwrite"
        )
    write_file(path, (json.dumps(config, indent=1) + "\n").encode(), overwrite=True)


class _Stop:
    """SIGINT/SIGTERM while files are processed: the first asks the run to stop
    after the files in progress; a second stops at once."""

    def __init__(self):
        self.signal = None
        self.previous = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self.previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.signal is not None:
            raise KeyboardInterrupt  # the second: now
        self.signal = signum

    def __exit__(self, *exc):
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        return False


def _rate(audio_seconds, elapsed):
    """x realtime with two significant digits below 100 (never "0x")."""
    rate = audio_seconds / elapsed if elapsed > 0 else float("inf")
    return f"{rate:,.0f}x" if rate >= 100 or rate == float("inf") else f"{rate:.2g}x"


def _plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def compute(args):
    outdir = pathlib.Path(args.output)
    try:
        jobs = find_audio(args.inputs, outdir)
        require("soundfile", "cli")
    except (FileNotFoundError, ImportError) as e:
        return _fail(str(e))
    if not jobs:
        return _fail(
            "no audio files found in the inputs "
            f"(looked for {', '.join(s for s in ('.wav', '.flac', '.ogg', '.mp3'))})"
        )
    workers = available_cores() if args.workers is None else args.workers
    threads_per_call = max(1, workers // min(workers, len(jobs)))
    scale = args.sample_scale
    if scale is None:
        scale = 1.0 if args.features == "mel" else KALDI_SAMPLE_SCALE
    if not (math.isfinite(scale) and scale > 0):
        return _fail(f"--sample-scale must be a finite number > 0, got {scale:g}")
    try:
        layer = features_from_args(args, num_threads=threads_per_call)
        layer = _with_dither_seed(outdir, layer, args.features, scale)
        _write_config(outdir, layer, args.overwrite, args.features, scale)
    except (TypeError, ValueError) as e:
        return _fail(_flag_names(str(e), args.features))
    except OSError as e:
        return _fail(str(e))
    for folder in {job.out.parent for job in jobs if job.out is not None}:
        sweep_temporaries(folder)  # left by a run killed with SIGKILL

    show_bar = args.progress == "bar" or (args.progress == "auto" and sys.stderr.isatty())
    bar = None
    ticks: list[int | None] = [None] * len(jobs)  # each file's audio, whole milliseconds
    if show_bar:
        # The bar's total: one header read per file, only when a bar is drawn.
        # In whole milliseconds, total and updates alike (shown in seconds by
        # unit_scale): float seconds summed in another order than the total
        # left the bar past its end (tqdm's clamping warning, a negative ETA).
        seconds = [duration(job.path) if job.error is None else None for job in jobs]
        ticks = [None if s is None else round(s * 1000) for s in seconds]
        total = sum(t for t in ticks if t)
        tqdm = require("tqdm", "cli").tqdm
        bar = tqdm(
            total=total,
            unit="s",
            unit_scale=0.001,
            desc="audio",
            file=sys.stderr,
            dynamic_ncols=True,
            bar_format="{l_bar}{bar}| {n:.1f}/{total:.1f} s audio "
            "[{elapsed}<{remaining}, {rate_fmt}]{postfix}",
        )

    counts = {"written": 0, "unchanged": 0, "skipped": 0, "failed": 0}
    audio_seconds = 0.0

    def say(line):
        if bar is not None:
            bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr)

    def report(path, message):
        counts["failed"] += 1
        say(f"fastmel: FAILED {display(path)}: {message}")

    def advance(secs):
        if bar is not None:
            if secs:
                bar.update(secs)
            bar.set_postfix_str(f"{sum(counts.values())}/{len(jobs)} files", refresh=False)

    start = time.perf_counter()
    todo = []
    for job, secs in zip(jobs, ticks, strict=True):
        if job.error is not None or job.out is None:
            report(job.path, job.error)
        elif args.skip_existing and os.path.lexists(job.out):
            counts["skipped"] += 1
            advance(secs)
        else:
            todo.append((job, job.out, secs))
    not_started = 0
    with _Stop() as stop:
        pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(todo))))
        try:
            running = {}
            for job, out, secs in todo:
                future = pool.submit(
                    process,
                    job.path,
                    out,
                    _per_file(layer, out, outdir),
                    resample=args.resample,
                    channels=args.channels,
                    overwrite=args.overwrite,
                    scale=scale,
                )
                running[future] = (job, secs)
            while running:
                if stop.signal is not None:
                    # Files not started are dropped; those in progress finish.
                    not_started += sum(f.cancel() for f in running)
                    running = {f: v for f, v in running.items() if not f.cancelled()}
                done, _ = wait(running, timeout=0.1, return_when=FIRST_COMPLETED)
                for future in done:
                    job, secs = running.pop(future)
                    try:
                        outcome, got_seconds, _shape = future.result()
                    except (AudioError, OSError, ValueError, MemoryError) as e:
                        report(job.path, str(e))
                    else:
                        counts[outcome] += 1
                        audio_seconds += got_seconds
                    advance(secs)
            pool.shutdown(wait=True)
        except KeyboardInterrupt:
            # A second signal: drop everything, remove what was being written,
            # and leave without waiting for the files in progress.
            pool.shutdown(wait=False, cancel_futures=True)
            remove_temporaries()
            if bar is not None:
                bar.close()
            print(
                "fastmel compute: stopped at once; the outputs in progress were not written",
                file=sys.stderr,
            )
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(128 + (stop.signal or signal.SIGINT))
    if bar is not None:
        bar.close()
    elapsed = time.perf_counter() - start
    done_text = [
        f"{counts['written']} of {len(jobs)} files written to {display(outdir)}",
        f"({audio_seconds:.1f} s of audio in {elapsed:.2f} s, "
        f"{_rate(audio_seconds, elapsed)} realtime, {_plural(workers, 'worker')})",
    ]
    extra = []
    if counts["unchanged"]:
        extra.append(f"{counts['unchanged']} already up to date")
    if counts["skipped"]:
        extra.append(f"{counts['skipped']} skipped (output exists)")
    if counts["failed"]:
        extra.append(f"{counts['failed']} failed (listed above)")
    if not_started:
        extra.append(f"{not_started} not started")
    print("fastmel compute: " + " ".join(done_text) + "".join(f", {e}" for e in extra))
    if stop.signal is not None:
        name = signal.Signals(stop.signal).name
        print(
            f"fastmel compute: stopped by {name}; run again with --skip-existing to "
            "compute the rest",
            file=sys.stderr,
        )
        return 128 + stop.signal
    return 1 if counts["failed"] else 0


# -- plot --------------------------------------------------------------------------


def plot(args):
    from ._plot import MAX_PIXELS, describe, save_png

    if args.width * args.dpi > MAX_PIXELS or args.height * args.dpi > MAX_PIXELS:
        return _fail(
            f"--width {args.width:g} x --height {args.height:g} at --dpi {args.dpi} is over "
            f"{MAX_PIXELS} pixels a side"
        )
    if not os.path.lexists(args.file):
        return _fail(f"no such file: {display(args.file)}")
    try:
        require("soundfile", "cli")
        require("matplotlib", "plot")
        if args.sampling_rate is None and not args.resample:
            # The file's own rate, unless told otherwise.
            args.sampling_rate = file_rate(args.file)
        layer = layer_from_args(args, num_threads=-1)
    except (ImportError, AudioError) as e:
        return _fail(f"{display(args.file)}: {e}" if isinstance(e, AudioError) else str(e), 1)
    except (TypeError, ValueError) as e:
        return _fail(_flag_names(str(e)))
    out = pathlib.Path(args.output)
    if os.path.lexists(out) and not args.overwrite:
        return _fail(f"{display(out)} exists (pass --overwrite to replace it)")
    try:
        audio = read(args.file, layer.sampling_rate, resample=args.resample, channels="mix")
    except AudioError as e:
        return _fail(f"{display(args.file)}: {e}", 1)
    mel = layer(audio)
    title = f"{display(pathlib.Path(args.file).name)}: {describe(layer)}"
    try:
        save_png(mel, layer, out, title=title, width=args.width, height=args.height, dpi=args.dpi)
    except OSError as e:
        return _fail(str(e), 1)
    print(
        f"fastmel plot: {mel.shape[0]} mels x {mel.shape[1]} frames of "
        f"{audio.shape[-1] / layer.sampling_rate:.2f} s -> {display(out)}"
    )
    return 0


# -- parser -------------------------------------------------------------------------


def _version():
    from .. import __version__

    return __version__


def build_parser():
    parser = argparse.ArgumentParser(
        prog="fastmel", description="Mel spectrograms on the CPU at the speed of the FFT."
    )
    parser.add_argument("--version", action="version", version=f"fastmel {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "compute",
        help="features of audio files, one .npy per file",
        description="Compute mel spectrograms (or, with --features, Kaldi filter banks or "
        "MFCCs) of audio files (WAV, FLAC, OGG, MP3 via "
        "soundfile) and write one .npy per input (float32, or float64 with --dtype "
        "float64): OUTDIR/<name>.npy, with a directory's files "
        "named by their path inside it; inputs whose names differ only in their "
        "suffix keep it (a.flac.npy, a.wav.npy). OUTDIR/fastmel.json records "
        "the parameters. Each output is written whole or not at all (never through a "
        "symbolic link, with the mode the umask gives). An existing output is kept: "
        "one that already holds the same features counts as up to date, one that "
        "differs is a failure unless --overwrite. Unreadable files are reported and "
        "skipped. Ctrl-C (or SIGTERM) stops after the files in progress and prints "
        "what was done; a second one stops at once. Exit code: 0, 1 if any file "
        "failed, 2 for a usage error, 130 (143) when stopped by SIGINT (SIGTERM).",
    )
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    p.add_argument(
        "--workers",
        type=_bounded(int, 1, MAX_THREADS, "--workers"),
        default=None,
        help=f"files processed at once, 1 to {MAX_THREADS} (default: all cores)",
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
    exist.add_argument(
        "--overwrite", action="store_true", help="replace existing outputs that differ"
    )
    exist.add_argument(
        "--skip-existing", action="store_true", help="leave existing outputs and skip their inputs"
    )
    p.add_argument(
        "--progress",
        choices=["auto", "bar", "none"],
        default="auto",
        help="progress bar on stderr (auto: when stderr is a terminal)",
    )
    p.add_argument(
        "--features",
        choices=["mel", "fbank", "mfcc"],
        default="mel",
        help="mel: MelSpectrogram (the layer options below; output (mels, frames)); "
        "fbank, mfcc: Kaldi's (fastmel.kaldi; the Kaldi options below; output "
        "(frames, bins)) (default: mel)",
    )
    p.add_argument(
        "--sample-scale",
        type=float,
        metavar="S",
        help="multiply the samples (read as floats in [-1, 1)) by S first (default: 32768 "
        "for --features fbank and mfcc, the file's samples at int16 size as Kaldi's "
        "compute-fbank-feats reads them, which Kaldi-trained models expect; 1 for mel)",
    )
    add_layer_options(p)
    add_kaldi_options(p)

    p = sub.add_parser(
        "plot",
        help="a PNG picture of one file's mel spectrogram",
        description="Draw the mel spectrogram of an audio file (channels mixed): time in "
        "seconds, mel bands labelled with their centre frequency in Hz, colour bar in dB.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="PNG")
    p.add_argument(
        "--resample",
        action="store_true",
        help="resample to --sampling-rate (the preset's unless given) if the file's rate differs; "
        "without it, the file's own rate is the layer's unless --sampling-rate is given",
    )
    p.add_argument("--overwrite", action="store_true", help="replace an existing PNG")
    p.add_argument(
        "--width", type=_bounded(float, 1, 100, "--width"), default=10.0, help="inches (default 10)"
    )
    p.add_argument(
        "--height", type=_bounded(float, 1, 100, "--height"), default=4.0, help="inches (default 4)"
    )
    p.add_argument(
        "--dpi",
        type=_bounded(int, 10, 1000, "--dpi"),
        default=100,
        help="pixels per inch (default 100); the picture is at most 10000 pixels a side",
    )
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
    try:
        return _run(build_parser().parse_args(argv))
    except BrokenPipeError:
        # The reader went away (`fastmel demo | head -1`): stop quietly, as
        # other commands do, with stdout pointed at /dev/null so that the
        # interpreter's own flush at exit does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _run(args):
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
