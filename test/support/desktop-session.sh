# Sourced by the desktop notification scripts, inside `dbus-run-session`: starts a display (Xvfb,
# on a free display number it reports, so no clash with a stale or parallel one) and a
# notification daemon (dunst) on it. Sets $display, $xvfb and $dunst.
dfile=$(mktemp)
Xvfb -displayfd 3 -screen 0 800x600x24 -nolisten tcp 3>"$dfile" >/dev/null 2>&1 &
xvfb=$!
for _ in $(seq 200); do [ -s "$dfile" ] && break; sleep 0.05; done
display=":$(head -n1 "$dfile")"
rm -f "$dfile"
DISPLAY=$display dunst >/dev/null 2>&1 &
dunst=$!
for _ in $(seq 100); do dunstctl count >/dev/null 2>&1 && break; sleep 0.05; done
