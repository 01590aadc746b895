#!/usr/bin/env bash
# Runs inside `dbus-run-session`: a display (Xvfb), a notification daemon (dunst), and
# `deadair watch --ui` on a log, with $BROWSER set to a recorder. Appends the given lines, waits
# for the alert, invokes the notification's default action as a click would (`dunstctl action 0`),
# and prints what deadair printed on stdout followed by one line `opened: <what the browser got>`.
# Usage: dbus-click.sh <deadair-bin> <logfile> <lines-file> <workdir>
set -u
bin=$1 log=$2 lines=$3 work=$4
. "$(dirname "$0")/desktop-session.sh"
# The "browser": records the URL it was asked to open.
opened="$work/opened.txt"
recorder="$work/browser.sh"
printf '#!/bin/sh\nprintf "%%s\\n" "$1" >> "%s"\n' "$opened" > "$recorder"
chmod +x "$recorder"
: > "$log"
out="$work/out.jsonl"
err="$work/err.txt"
DISPLAY=$display BROWSER="$recorder" DEADAIR_ALSA_DEVICE=null node "$bin" watch --ui --json --no-journal --no-sound "$log" > "$out" 2> "$err" &
watcher=$!
for _ in $(seq 200); do grep -q watching "$err" && break; sleep 0.05; done
cat "$lines" >> "$log"
for _ in $(seq 200); do grep -q '"type":"alert"' "$out" && break; sleep 0.05; done
for _ in $(seq 100); do [ "$(dunstctl count displayed)" -ge 1 ] && break; sleep 0.05; done
dunstctl action 0
for _ in $(seq 100); do [ -s "$opened" ] && break; sleep 0.05; done
kill -INT $watcher 2>/dev/null
wait $watcher 2>/dev/null
cat "$out"
echo "opened: $(cat "$opened" 2>/dev/null)"
echo "stderr: $(tr '\n' ' ' < "$err")"
kill $dunst $xvfb 2>/dev/null
