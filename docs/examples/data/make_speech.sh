#!/usr/bin/env bash
# Regenerates speech.wav, the gallery's speech clip: eSpeak NG 1.51 (Debian 12's
# espeak-ng package) saying one sentence at 22050 Hz, resampled to 16 kHz with
# soxr (HQ) and stored as 16-bit PCM. Synthesised, so it carries no one's voice.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp --suffix=.wav)
trap 'rm -f "$tmp"' EXIT
espeak-ng -v en-us -s 150 -w "$tmp" "Features for speech models, at the speed of the FFT."
python - "$tmp" <<'PY'
import sys

import soundfile
import soxr

x, rate = soundfile.read(sys.argv[1], dtype="float32")
soundfile.write("speech.wav", soxr.resample(x, rate, 16000, quality="HQ"), 16000, subtype="PCM_16")
PY
