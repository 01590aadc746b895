// Local times without a zone. livekit-agents `dev` text and pino-pretty print the agent's local
// time and no offset, and deadair reads it as this machine's local time. When the agent runs in
// another zone (a container in UTC, a server abroad), every time is off by the difference: watching
// live, a user's turn then looks an hour old the moment it is written, and its silence is declared
// at once (or, the other way, never).
//
// Watching live, the difference shows: a line read as it is written carries a time a whole number
// of quarter hours (every zone's offset is one) from the clock, give or take the moment it took to
// arrive. The first such line sets the file's shift, and each later one that shows another shift
// (the agent restarted elsewhere, a change of daylight saving) resets it. A line whose distance
// from the clock is not that close to a quarter hour (a line written late, a replay) changes
// nothing. Only lines read live count: a backlog, standard input and `analyze` are history, read
// as the log prints them.

const QUARTER_MS = 15 * 60_000;
/** How long a line may take from its write to its reading, and still tell the zone. */
export const ZONE_LAG_MS = 20_000;
/** Zones are at most 14 hours from UTC (Kiribati); two zones, at most 26 hours apart. */
const MAX_ZONE_GAP_MS = 26 * 3600_000;

export class ZoneShift {
  /** What is added to the file's local times (0: the agent's zone is this machine's). */
  shiftMs = 0;

  /**
   * `t`, a local time of the file's (`dated`: with its date; a time of day alone is dated by the
   * reader, perhaps a day off, which the shift then corrects too), at `now` when read live (else
   * undefined): the time it is. Returns the shift that changed, if one did.
   */
  adjust(t: number, dated: boolean, now: number | undefined): { time: number; changed: boolean } {
    let changed = false;
    if (now !== undefined && Number.isFinite(t)) {
      const d = now - t;
      // (`|| 0`: no -0, which JSON would write as 0 and tests tell apart.)
      const z = Math.round(d / QUARTER_MS) * QUARTER_MS || 0;
      if (
        Math.abs(d - z) <= ZONE_LAG_MS &&
        (!dated || Math.abs(z) <= MAX_ZONE_GAP_MS) &&
        z !== this.shiftMs
      ) {
        this.shiftMs = z;
        changed = true;
      }
    }
    return { time: t + this.shiftMs, changed };
  }
}

/**
 * What a watcher says when a file's shift changes: `agent.log: its local times are 1 h behind this
 * machine's clock (…): each is read 1 h later, …`.
 */
export function zoneNotice(file: string, shiftMs: number): string {
  if (shiftMs === 0) return `${file}: its local times match this machine's clock again`;
  const m = Math.round(Math.abs(shiftMs) / 60_000);
  const h = Math.floor(m / 60);
  const amount = h > 0 && m % 60 > 0 ? `${h} h ${m % 60} min` : h > 0 ? `${h} h` : `${m} min`;
  const behind = shiftMs > 0;
  return `${file}: its local times are ${amount} ${behind ? 'behind' : 'ahead of'} this machine's clock (the agent runs in another time zone): each is read ${amount} ${behind ? 'later' : 'earlier'}, so that silences are timed right`;
}
