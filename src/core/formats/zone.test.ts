import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../shared/events.js';
import { FileParser } from './parser.js';
import { ZONE_LAG_MS, ZoneShift, zoneNotice } from './zone.js';

const H = 3600_000;
const two = (n: number) => String(n).padStart(2, '0');
/** `t` as livekit-agents `dev` text prints it: the local time of this process's zone, no offset. */
function devStamp(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())},${String(d.getMilliseconds()).padStart(3, '0')}`;
}
/** `t` as pino-pretty prints a time of day. */
function prettyStamp(t: number): string {
  const d = new Date(t);
  return `[${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}]`;
}

describe('ZoneShift: the zone of a log that prints local time without one', () => {
  const now = Date.UTC(2026, 11, 5, 9, 0, 0);

  it('learns the shift from a line read as it is written, and keeps it for the lines after', () => {
    const z = new ZoneShift();
    // The agent's clock reads an hour earlier than ours (a container in UTC, watched from Berlin),
    // and the line took 1.2 s to arrive.
    const r = z.adjust(now - H - 1200, true, now);
    expect(r).toEqual({ time: now - 1200, changed: true });
    expect(z.shiftMs).toBe(H);
    expect(z.adjust(now - H + 500, true, now + 600)).toEqual({ time: now + 500, changed: false });
    // Read as history (a backlog after a restart): the shift is applied, nothing is learnt.
    expect(z.adjust(now - 3 * H, true, undefined)).toEqual({ time: now - 2 * H, changed: false });
  });

  it('takes quarter hours (India, Nepal) and zones ahead of ours', () => {
    const z = new ZoneShift();
    expect(z.adjust(now + 5.5 * H, true, now).changed).toBe(true);
    expect(z.shiftMs).toBe(-5.5 * H);
    expect(z.adjust(now - 5.75 * H + 3000, true, now).changed).toBe(true);
    expect(z.shiftMs).toBe(5.75 * H);
  });

  it('leaves a line written late, a replay of old lines, and our own zone alone', () => {
    const z = new ZoneShift();
    // Seven minutes late is no zone.
    expect(z.adjust(now - 7 * 60_000, true, now)).toEqual({ time: now - 7 * 60_000, changed: false });
    // Just past the lag a line may take.
    expect(z.adjust(now - H - ZONE_LAG_MS - 1000, true, now).changed).toBe(false);
    // Three days old, dated: no two zones are that far apart.
    expect(z.adjust(now - 72 * H, true, now).changed).toBe(false);
    expect(z.shiftMs).toBe(0);
    // Our own zone: nothing to change.
    expect(z.adjust(now - 800, true, now)).toEqual({ time: now - 800, changed: false });
  });

  it('corrects the day a time of day alone was given as well (no bound on it)', () => {
    const z = new ZoneShift();
    // 23:30 read as today's, where the agent (an hour behind) meant yesterday's: 23 hours back.
    expect(z.adjust(now + 23 * H, false, now).changed).toBe(true);
    expect(z.shiftMs).toBe(-23 * H);
  });

  it('goes back to none when the agent moves to our zone', () => {
    const z = new ZoneShift();
    z.adjust(now - 2 * H, true, now);
    expect(z.adjust(now + 10_000 - 500, true, now + 10_000)).toEqual({ time: now + 9500, changed: true });
    expect(z.shiftMs).toBe(0);
  });

  it('is said in one line a developer understands', () => {
    expect(zoneNotice('agent.log', H)).toBe(
      "agent.log: its local times are 1 h behind this machine's clock (the agent runs in another time zone): each is read 1 h later, so that silences are timed right",
    );
    expect(zoneNotice('a.log', -5.5 * H)).toContain('5 h 30 min ahead of this machine');
    expect(zoneNotice('a.log', -5.5 * H)).toContain('read 5 h 30 min earlier');
    expect(zoneNotice('a.log', 45 * 60_000)).toContain('45 min behind');
    expect(zoneNotice('a.log', 0)).toBe("a.log: its local times match this machine's clock again");
  });
});

describe('FileParser watching a log in another zone', () => {
  const line = (text: string, n: number) => ({ file: 'agent.log', line: n, offset: n * 100, text });

  it('reads dev text and pino-pretty local times in the zone the live lines show', () => {
    let wall = Date.now();
    const zones: number[] = [];
    const p = new FileParser('agent.log', { live: () => wall, onZone: (ms) => zones.push(ms) });
    const out: AgentEvent[] = [];
    const emit = (ev: AgentEvent) => out.push(ev);
    // The agent's local time is two hours behind ours.
    p.push(
      line(`${devStamp(wall - 2 * H - 300)} - INFO livekit.agents - starting worker {"pid": 7}`, 1),
      emit,
    );
    p.flush(emit);
    expect(zones).toEqual([2 * H]);
    expect(out[0]?.time).toBe(wall - 300);
    wall += 4000;
    p.push(
      line(`${devStamp(wall - 2 * H - 100)} - DEBUG livekit.agents - user turn committed {"pid": 7}`, 2),
      emit,
    );
    p.flush(emit);
    expect(out[1]?.time).toBe(wall - 100);
    expect(zones).toEqual([2 * H]);

    const q = new FileParser('dev.log', { live: () => wall, onZone: (ms) => zones.push(ms) });
    q.push(line(`${prettyStamp(wall + 3 * H)} INFO (12): Creating speech handle`, 1), emit);
    q.flush(emit);
    expect(out[2]?.time).toBe(wall);
    expect(Math.abs(q.zoneShiftMs % (15 * 60_000))).toBe(0);
    expect(q.zoneShiftMs).not.toBe(0);
  });

  it('reads a backlog as the log prints it until a live line shows the zone', () => {
    let live: number | undefined = undefined;
    const p = new FileParser('agent.log', { live: () => live });
    const out: AgentEvent[] = [];
    const emit = (ev: AgentEvent) => out.push(ev);
    const wall = Date.now();
    const stamp = devStamp(wall - H);
    p.push(line(`${stamp} - INFO livekit.agents - starting worker {"pid": 7}`, 1), emit);
    p.flush(emit);
    expect(out[0]?.time).toBe(wall - H);
    live = wall;
    p.push(line(`${stamp} - INFO livekit.agents - process initialized {"pid": 7}`, 2), emit);
    p.flush(emit);
    expect(out[1]?.time).toBe(wall);
  });

  it('never shifts a time that names its instant, nor anything read without `live` (analyze)', () => {
    const wall = Date.now();
    const out: AgentEvent[] = [];
    const emit = (ev: AgentEvent) => out.push(ev);
    const p = new FileParser('dev.log', { live: () => wall });
    // pino-pretty with its date and zone, and with an epoch: instants, read as they are.
    p.push(line(`[2026-12-05 03:20:01.123 +01:00] INFO (1): Creating speech handle`, 1), emit);
    p.push(line(`[${wall - 2 * H}] INFO (1): Creating speech handle`, 2), emit);
    p.push(line(`[2026-12-05 03:20:01.123Z] INFO (1): Creating speech handle`, 3), emit);
    p.flush(emit);
    expect(out.map((e) => e.time)).toEqual([
      Date.UTC(2026, 11, 5, 2, 20, 1, 123),
      wall - 2 * H,
      Date.UTC(2026, 11, 5, 3, 20, 1, 123),
    ]);
    expect(p.zoneShiftMs).toBe(0);
    const a = new FileParser('agent.log');
    a.push(line(`${devStamp(wall - 2 * H)} - INFO livekit.agents - starting worker {"pid": 7}`, 1), emit);
    a.flush(emit);
    expect(out[3]?.time).toBe(wall - 2 * H);
  });
});

describe('Pipeline watching: the log’s clock never ticks past the wall clock', () => {
  const py = (t: number, job: string, message: string, extra = '') =>
    `{"message": "${message}", "level": "DEBUG", "name": "livekit.agents"${extra}, "pid": 1, "job_id": "${job}", "room": "r-${job}", "room_id": "RM_${job}", "timestamp": "${new Date(t).toISOString().replace('Z', '+00:00')}"}`;

  it('so a log stamped ahead of it makes no other session’s deadline pass', async () => {
    const { Pipeline } = await import('../pipeline.js');
    for (const wall of [true, false]) {
      const now = Date.UTC(2026, 11, 5, 9, 0, 0);
      const created: string[] = [];
      const p = new Pipeline({
        wallClock: wall ? () => now : undefined,
        onFinding: (f, how) => how === 'created' && created.push(`${f.job} ${f.cause}`),
      });
      let n = 0;
      const line = (text: string, file: string) => ({ file, line: ++n, offset: n * 100, text });
      // A user's turn ends on agent A, just now.
      p.push([line(py(now - 1000, 'AJ_a', 'conversation_item_added', ', "role": "user"'), 'a.log')]);
      p.drained('a.log');
      // Agent B's log is stamped five minutes ahead (a skewed clock), two lines to be believed.
      p.push([
        line(py(now + 300_000, 'AJ_b', 'process initialized'), 'b.log'),
        line(py(now + 300_500, 'AJ_b', 'process initialized'), 'b.log'),
      ]);
      p.drained('b.log');
      // Watching, the wall clock bounds the log's; reading history, each session's deadlines pass
      // by its own file's clock: either way, B's lines pass none of A's.
      expect(created).toEqual([]);
    }
  });
});
