// The byte path for agents-js chatter (analyze): it must accept only lines the full path would
// account for the same way, and a log read with it must come out exactly as without it.
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../logs/lines.js';
import type { RawLine } from '../logs/types.js';
import { Pipeline } from '../pipeline.js';
import { pinoJobChatter, type JobChatter } from './json.js';

const head =
  '{"level":20,"time":1764000000123,"pid":4242,"hostname":"w","pid":4242,"jobID":"AJ_x","room_id":"RM_y"';
const read = (line: string): JobChatter | undefined => {
  const buf = Buffer.from(line + '\n');
  const out: JobChatter = { job: '', pid: 0, roomSid: '', time: 0 };
  return pinoJobChatter(buf, 0, buf.length - 1, out) ? out : undefined;
};

describe('pinoJobChatter', () => {
  it('reads time, pid, job and room of a chatter line from its bytes', () => {
    expect(read(`${head},"speech_id":"s1","msg":"running EOU detection"}`)).toEqual({
      job: 'AJ_x',
      pid: 4242,
      roomSid: 'RM_y',
      time: 1764000000123,
    });
  });

  it('leaves to the full path every line a rule reads or that teaches something', () => {
    const no = [
      `${head},"msg":"User turn committed"}`, // a turn marker
      `${head.replace('"level":20', '"level":40')},"msg":"running EOU detection"}`, // a warning
      `${head},"lk.pii.room_name":"demo","msg":"running EOU detection"}`, // names its room
      `${head},"msg":"said \\"hi\\""}`, // escapes
      `${head},"msg":"café"}`, // not ASCII
      `${head},"msg":"running EOU detection"`, // cut
      `${head},"msg":"running EOU detection"} trailing`,
      `${head}}`, // no message
      `{"level":20,"time":1764000000123,"pid":4242,"hostname":"w","msg":"no job"}`,
      '{"message": "x", "level": "DEBUG"}',
      'garbage',
    ];
    for (const line of no) expect(read(line), line).toBeUndefined();
  });

  it('gives analyze the same result with and without it', () => {
    const lines = [
      `{"level":30,"time":1764000000000,"pid":4242,"hostname":"w","pid":4242,"jobID":"AJ_x","room_id":"RM_y","msg":"received job request"}`,
      ...Array.from({ length: 50 }, (_, i) =>
        i % 7 === 3
          ? `{"level":30,"time":${1764000000100 + i * 500},"pid":4242,"hostname":"w","pid":4242,"jobID":"AJ_x","room_id":"RM_y","msg":"User turn committed"}`
          : `{"level":20,"time":${1764000000100 + i * 500},"pid":4242,"hostname":"w","pid":4242,"jobID":"AJ_x","room_id":"RM_y","msg":"running EOU detection"}`,
      ),
      `{"level":50,"time":1764000040000,"pid":4242,"hostname":"w","pid":4242,"jobID":"AJ_x","room_id":"RM_y","type":"llm_error","label":"inference.LLM","error":{"message":"429 \\"LLM token credit quota exceeded, category: MaxGatewayCredits\\"","statusCode":429},"recoverable":false,"msg":"AgentSession is closing due to an unrecoverable error"}`,
    ];
    const run = (lazy: boolean) => {
      const p = new Pipeline();
      const split = new LineSplitter('/logs/agent.log', { lazy });
      const batch: RawLine[] = [];
      split.push(Buffer.from(lines.join('\n') + '\n'), (l) => batch.push(l));
      p.push(batch);
      p.end();
      // Lines the byte path accounted for were never decoded.
      const undecoded = batch.filter((l) => (l as unknown as { decoded?: string }).decoded === undefined);
      return {
        sessions: p.sessions(),
        events: p.events,
        files: p.files(),
        undecoded: lazy ? undecoded.length : 0,
      };
    };
    const slow = run(false);
    const fast = run(true);
    expect(fast.undecoded).toBeGreaterThan(35);
    expect({ ...fast, undecoded: 0 }).toEqual(slow);
    expect(slow.sessions[0]?.causes.map((c) => c.cause)).toContain('agent_silent');
  });
});
