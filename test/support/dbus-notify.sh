#!/usr/bin/env bash
# Runs inside `dbus-run-session`: starts a display (Xvfb) and a notification daemon (dunst), runs
# `deadair watch` on a log, appends the given lines, waits for the alerts, then prints dunst's
# history as JSON on stdout. Usage: dbus-notify.sh <deadair-bin> <logfile> <lines-file> <alerts> [config]
set -u
bin=$1 log=$2 lines=$3 want=$4
config=()
[ -n "${5:-}" ] && config=(--config "$5")
. "$(dirname "$0")/desktop-session.sh"
: > "$log"
out=$(mktemp)
err=$(mktemp)
DISPLAY=$display DEADAIR_ALSA_DEVICE=null node "$bin" watch --json --no-journal "${config[@]}" "$log" > "$out" 2> "$err" &
watcher=$!
# Append only once the watcher follows the file.
for _ in $(seq 200); do grep -q watching "$err" && break; sleep 0.05; done
cat "$lines" >> "$log"
for _ in $(seq 200); do [ "$(grep -c '"type":"alert"' "$out")" -ge "$want" ] && break; sleep 0.05; done
# notify-send is asynchronous: wait until dunst has them all.
for _ in $(seq 100); do [ "$(dunstctl count displayed)" -ge "$want" ] && break; sleep 0.05; done
kill -INT $watcher 2>/dev/null
wait $watcher 2>/dev/null
dunstctl close-all
sleep 0.2
dunstctl history
kill $dunst $xvfb 2>/dev/null
rm -f "$out" "$err"
