// The help texts of the commands.

import { FORMAT_IDS } from '../shared/events.js';

export const HELP = `deadair — tells you the moment your LiveKit voice agent fails or goes silent, and why.

Usage:
  deadair analyze [options] <file|dir|glob>...   read logs to the end; one verdict per session
  deadair watch   [options] <file|dir|glob>...   follow logs live; print each finding as it happens
  deadair watch   --room NAME | --rooms PATTERN [<file|dir|glob>...]
                                                 …and observe LiveKit rooms, alone or with the logs
  deadair demo    [--speed N] [--ui]             see it work: a replayed scenario, no agent needed
  deadair help [command]                         this help, or a command's
  deadair --version

Log formats are detected per line: livekit-agents (Python) dev / console text and production JSON,
agents-js (Node) pino JSON and pino-pretty, also read out of what docker (-t), docker compose, the
container runtime (CRI), journald or kubectl (--prefix) put in front of each line, or the JSON
docker's json-file driver and journalctl -o json wrap it in. Lines of no known format are kept as
raw events.

Exit codes (analyze): 0 no session failed or went silent, 1 some did, 2 usage or I/O error.
Run 'deadair help analyze', 'deadair help watch' or 'deadair help demo' for their options.
`;

export const ANALYZE_HELP = `Usage: deadair analyze [options] <file|dir|glob>...

Reads every line of the given logs (directories: their *.log, *.jsonl, *.ndjson, *.json, *.txt,
*.out, *.err files and rotations, gzipped ones too; quote globs: 'logs/**/*.log'; '-' is standard
input; gzip and UTF-16 are decoded) and prints one block per agent session — room, job, span,
turns, verdict, cause, first failure with file:line, and the fix — then a summary.

Options:
  --json               print {"version":1,"sessions":[...],"summary":{...},"problems":[...]} instead of text
  --config <file>      settings file (default: $XDG_CONFIG_HOME/deadair/config.json)
  --format <id>        read every line as one format: ${FORMAT_IDS.filter((f) => f !== 'raw').join(', ')} (default: auto)
  --no-progress        no progress bar (it shows only on a terminal, for large inputs)
  --ui                 then serve these sessions' timeline on 127.0.0.1 until Ctrl-C; each session
                       shows its link (every line then takes the full path: slower on big logs)
  --ui-port <N>        on this port (default: a free one)
  --open               open the timeline in the browser ($BROWSER, or the desktop's opener)
  --no-color           no colour (also: NO_COLOR=1)
  -h, --help           this help

Most lines are read straight from their bytes by a fast path that must agree with the full one;
DEADAIR_BULK=0 reads every line by the full path (slower), to compare should they ever differ.
Files of 8 MB or more are read ahead on a second thread; DEADAIR_READ_AHEAD=0 reads them on one.

Exit codes: 0 no session failed or went silent (healthy or degraded only), 1 some did, 2 usage or I/O error.
`;

export const WATCH_HELP = `Usage: deadair watch [options] <file|dir|glob>...
       deadair watch --room <name> | --rooms <pattern> [options] [<file|dir|glob>...]

Follows the given logs like 'tail -F' (appends, rotation, truncation, new files in a directory;
'-' follows standard input, a named pipe is read across its writers) and joins the given LiveKit rooms as a hidden, subscribe-only observer; prints each finding once,
the moment it happens, and one line when it turns critical. When an agent fails (a critical
finding that is not the consequence of one already alerted) it also raises an alert: a desktop
notification that names the cause, and a short spoken clip. Ctrl-C to stop. With no paths and no room given, it watches what the settings name
(watch.paths, watch.rooms: the same the tray app watches).

Options:
  --from-start         read what the files already hold first (default: only new lines); what is
                       found there over alerts.historyMinutes (10) old is reported without an alert
  --room <name>        observe this room while it is live (repeatable); needs LIVEKIT_URL,
                       LIVEKIT_API_KEY and LIVEKIT_API_SECRET (or livekit.* in the settings),
                       and Chromium or Chrome (DEADAIR_CHROMIUM=<path> to pick one)
  --rooms <pattern>    observe every live room whose name matches ('dev-*', 'support-?')
  --max-rooms <N>      observe at most N rooms at once (default 20)
  --config <file>      settings file (default: $XDG_CONFIG_HOME/deadair/config.json): alert
                       severity floor, per-cause switches, burst window, alerts a minute,
                       detector thresholds — see README
  --json               one JSON object per line per finding (and per alert)
  --journal <file>     where to keep the journal (default: $XDG_STATE_HOME/deadair/, one per set of paths):
                       after a restart, watch resumes exactly where it stopped, raising no alert twice
  --no-journal         keep nothing across restarts (sessions that ended wait in a temporary file,
                       removed when it stops, so the timeline can still show them)
  --ui                 serve the session timeline on 127.0.0.1 (the URL, with this run's key, is
                       printed); each finding then shows its link, and a click on its desktop
                       notification opens it (Linux: notify-send with actions; macOS)
  --ui-port <N>        on this port (default: a free one)
  --open               open it in the browser ($BROWSER, or the desktop's opener)
  --no-notify          no desktop notification for alerts
  --no-sound           no spoken alert (clips are played with afplay / paplay / aplay / PowerShell;
                       DEADAIR_ALSA_DEVICE=<name> plays through that ALSA device)
  --format <id>        read every line as one format (default: auto)
  --no-color           no colour (also: NO_COLOR=1)
  -h, --help           this help
`;

export const DEMO_HELP = `Usage: deadair demo [options]

Replays a bundled scenario into temporary log files in real time — a healthy session, one out of
credits, one rate-limited that recovers, and one that goes silent after the user spoke — watched by
the real pipeline, with real desktop notifications and spoken alerts, then prints the analyze
summary. No agent, credentials or LiveKit account needed. About 22 s.

Options:
  --speed <N>          run N times faster (silence thresholds shrink with it; default 1)
  --keep               keep the log files (their folder is printed)
  --ui                 serve the session timeline on 127.0.0.1 while it plays, and after it until
                       Ctrl-C (the URL is printed; a notification's click opens its finding)
  --ui-port <N>        on this port (default: a free one)
  --open               open the timeline in the browser ($BROWSER, or the desktop's opener)
  --no-notify          no desktop notification
  --no-sound           no spoken alert
  --json               findings as JSON lines, then the summary as analyze --json prints it
  --no-color           no colour (also: NO_COLOR=1)
  -h, --help           this help
`;
