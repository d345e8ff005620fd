#!/usr/bin/env bash
# Regenerates the voice clips for the waiting-room display's queue call
# ("nomor antrian A dua puluh satu, silakan menuju loket dua" for A-021).
#
# Tools: espeak-ng (tested with 1.51) and sox (tested with 14.4.2). Nothing else.
#
# Voice and options, identical for every speech clip:
#   espeak-ng -v id -s 145 -p 50 -a 100 -g 0 -z -w RAW.wav TEXT
#     -v id   : espeak-ng's built-in Indonesian voice (poz/id), no MBROLA
#     -s 145  : 145 words per minute
#     -p 50   : pitch 50 (espeak default), -a 100: amplitude 100 (default)
#     -z      : no final sentence pause
#   espeak-ng writes mono, 22050 Hz, 16-bit PCM WAV.
#
# Post-processing with sox, identical for every speech clip:
#   1. trim leading and trailing silence: sox `silence` at -50 dBFS, applied to
#      the front, then to the reversed clip for the back (tight, but low enough
#      to keep the s/h breath and plosive bursts);
#   2. ONE common gain for all speech clips, chosen so that the loudest clip
#      peaks at -1 dBFS. Clips are not peak-normalised one by one: espeak's
#      words already have an even loudness (RMS), but their peaks differ by up
#      to ~7 dB, so per-clip peak normalisation would make them uneven;
#   3. 5 ms quarter-sine fade in and fade out (no clicks).
# The chime is synthesised by sox (three decaying sine tones G5-E5-C5, each
# with a quiet octave partial, see below), normalised to -1 dBFS peak and then
# lowered by CHIME_GAIN_DB so that it is not much louder than the voice.
#
# Output: mono, 22050 Hz, 16-bit WAV files next to this script, plus
# clips.txt (every clip name, no extension, sorted). Old *.wav files in this
# folder are removed first, so the folder always matches the list below.
# `sox -R` (repeatable mode) and no dither make reruns byte-identical.
#
# Usage: assets/audio/generate.sh   (from anywhere)

set -euo pipefail

OUT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

VOICE=id
SPEED=145
PITCH=50
AMPLITUDE=100
RATE=22050
TRIM_THRESHOLD=-50d     # sox silence threshold
TARGET_PEAK_DB=-1       # peak of the loudest speech clip
FADE=0.005              # seconds
CHIME_GAIN_DB=-4        # chime level relative to -1 dBFS peak

SOX=(sox -R -D -V1)     # repeatable, no dither, errors only
FORMAT=(-r "$RATE" -c 1 -b 16 -e signed-integer)

command -v espeak-ng >/dev/null || { echo "espeak-ng not found" >&2; exit 1; }
command -v sox >/dev/null || { echo "sox not found" >&2; exit 1; }

# name|text given to espeak-ng. Text in [[...]] is espeak phoneme input, used
# where espeak's Indonesian spelling rules pick the wrong "e":
#   empat   [[@mp'at]]    espeak reads 'Empat (open e); Indonesian: [əmˈpat]
#   enam    [[@n'am]]     espeak reads 'Enam;  Indonesian: [əˈnam]
#   belas   [[b@l'as]]    espeak reads b'Elas; Indonesian: [bəˈlas]
#   sebelas [[s@b@l'as]]  espeak reads s@b'Elas; Indonesian: [səbəˈlas]
#   loket   [[l'okEt]]    espeak reads l'ok@t (schwa); KBBI: lokét [lokɛt]
#   es (S)  [['Es]]       espeak reads 'es (closed e); letter name is [ɛs]
# Letters are spelt as their Indonesian names (be, ce, de, ...).
CLIPS=(
  "nomor-antrian|nomor antrian"
  "huruf-a|a"
  "huruf-b|be"
  "huruf-c|ce"
  "huruf-d|de"
  "huruf-e|e"
  "huruf-f|ef"
  "huruf-g|ge"
  "huruf-h|ha"
  "huruf-i|i"
  "huruf-j|je"
  "huruf-k|ka"
  "huruf-l|el"
  "huruf-m|em"
  "huruf-n|en"
  "huruf-o|o"
  "huruf-p|pe"
  "huruf-q|ki"
  "huruf-r|er"
  "huruf-s|[['Es]]"
  "huruf-t|te"
  "huruf-u|u"
  "huruf-v|fe"
  "huruf-w|we"
  "huruf-x|eks"
  "huruf-y|ye"
  "huruf-z|zet"
  "satu|satu"
  "dua|dua"
  "tiga|tiga"
  "empat|[[@mp'at]]"
  "lima|lima"
  "enam|[[@n'am]]"
  "tujuh|tujuh"
  "delapan|delapan"
  "sembilan|sembilan"
  "sepuluh|sepuluh"
  "sebelas|[[s@b@l'as]]"
  "belas|[[b@l'as]]"
  "puluh|puluh"
  "seratus|seratus"
  "ratus|ratus"
  "seribu|seribu"
  "ribu|ribu"
  "silakan-menuju|silakan menuju"
  "loket|[[l'okEt]]"
)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

peak_db() { # peak level of a file in dBFS
  "${SOX[@]}" "$1" -n stats 2>&1 | awk '/^Pk lev dB/ {print $4}'
}

# Pass 1: speak and trim.
max_peak=-200
for entry in "${CLIPS[@]}"; do
  name="${entry%%|*}"
  text="${entry#*|}"
  espeak-ng -v "$VOICE" -s "$SPEED" -p "$PITCH" -a "$AMPLITUDE" -g 0 -z \
    -w "$WORK/$name.raw.wav" "$text"
  "${SOX[@]}" "$WORK/$name.raw.wav" "${FORMAT[@]}" "$WORK/$name.trim.wav" \
    silence 1 0.002 "$TRIM_THRESHOLD" reverse \
    silence 1 0.002 "$TRIM_THRESHOLD" reverse
  pk="$(peak_db "$WORK/$name.trim.wav")"
  max_peak="$(awk -v a="$max_peak" -v b="$pk" 'BEGIN {print (b > a) ? b : a}')"
done

gain="$(awk -v t="$TARGET_PEAK_DB" -v p="$max_peak" 'BEGIN {printf "%.2f", t - p}')"
echo "loudest speech clip peaks at ${max_peak} dBFS; common gain ${gain} dB"

# Pass 2: common gain and fades.
for entry in "${CLIPS[@]}"; do
  name="${entry%%|*}"
  "${SOX[@]}" "$WORK/$name.trim.wav" "${FORMAT[@]}" "$WORK/$name.wav" \
    gain "$gain" fade q "$FADE" -0 "$FADE"
done

# Chime: three bell-like tones, G5 (784 Hz), E5 (659 Hz), C5 (523 Hz), each a
# sine with a quiet octave partial, an 8 ms attack and a bell-like decay
# (sox's logarithmic fade, about -50 dB per second), starting 0.3 s apart and
# ringing on under the next tone into a C major chord; each tone stops at
# 1.2 s with a short fade, so the chime lasts 1.2 s.
tone() { # tone OUT FREQ START LENGTH   (START + LENGTH = 1.2)
  local out="$1" freq="$2" start="$3" len="$4"
  "${SOX[@]}" -n "${FORMAT[@]}" "$WORK/$out.f.wav" synth 1.5 sine "$freq"
  "${SOX[@]}" -n "${FORMAT[@]}" "$WORK/$out.o.wav" synth 1.5 sine "$(( freq * 2 ))"
  "${SOX[@]}" -m -v 0.8 "$WORK/$out.f.wav" -v 0.2 "$WORK/$out.o.wav" \
    "${FORMAT[@]}" "$WORK/$out.wav" \
    fade q 0.008 fade l 0 1.5 1.5 trim 0 "$len" fade q 0 "$len" 0.08 pad "$start"
}
tone t1 784 0 1.2
tone t2 659 0.3 0.9
tone t3 523 0.6 0.6
"${SOX[@]}" -m "$WORK/t1.wav" "$WORK/t2.wav" "$WORK/t3.wav" "${FORMAT[@]}" \
  "$WORK/chime.wav" norm -1 gain "$CHIME_GAIN_DB" fade q "$FADE" -0 "$FADE"

# Replace the clips in the folder and write the list.
rm -f "$OUT_DIR"/*.wav
names=(chime)
mv "$WORK/chime.wav" "$OUT_DIR/chime.wav"
for entry in "${CLIPS[@]}"; do
  name="${entry%%|*}"
  mv "$WORK/$name.wav" "$OUT_DIR/$name.wav"
  names+=("$name")
done
printf '%s\n' "${names[@]}" | LC_ALL=C sort > "$OUT_DIR/clips.txt"

echo "wrote ${#names[@]} clips to $OUT_DIR"
