#!/usr/bin/env bash
# Regenerates the spoken alert clips in resources/sounds/ with espeak-ng and sox (Debian packages).
# They are recordings on purpose: they play even when TTS is the exhausted resource.
# Each clip: mono, 22.05 kHz, 16-bit WAV, leading/trailing silence trimmed, peak-normalised to
# -1 dBFS, under 3 s. The voice is the clearest one installed: an MBROLA US voice when present,
# else espeak-ng's American English with a female variant (easier to tell from an agent's voice).
set -euo pipefail
cd "$(dirname "$0")/.."
out=resources/sounds
mkdir -p "$out"
voice="en-us+f3"
if espeak-ng -v mb-us1 -w /dev/null "test" >/dev/null 2>&1; then voice="mb-us1"; fi

say() { # name text
  local raw
  raw=$(mktemp --suffix=.wav)
  espeak-ng -v "$voice" -s 150 -p 45 -w "$raw" "$2"
  sox "$raw" -r 22050 -c 1 -b 16 "$out/$1.wav" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse \
    pad 0.08 0.12 gain -n -1
  rm -f "$raw"
  printf '%-20s %s\n' "$1.wav" "$(sox --i -D "$out/$1.wav")s"
}

say credits-exhausted "Agent out of credits."
say rate-limited "Agent rate limited."
say agent-silent "Agent went silent."
say agent-failed "Agent failed."
say agent-left "Agent left, or never joined."
