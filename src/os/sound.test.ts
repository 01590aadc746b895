// The bundled spoken alerts: real files checked with sox, played for real to ALSA's null device.
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clipFor, type AlertClip } from '../core/causes.js';
import { CAUSE_IDS } from '../shared/types.js';
import { clipPath, playerCommands, playFile } from './sound.js';

const CLIPS: AlertClip[] = [
  'credits-exhausted',
  'rate-limited',
  'agent-silent',
  'agent-failed',
  'agent-left',
];
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const reason = !has('sox')
  ? 'sox is not installed'
  : !has('aplay')
    ? 'aplay (alsa-utils) is not installed'
    : '';
if (reason) console.log(`[sound] clip checks skipped: ${reason}`);

describe('player choice', () => {
  it('uses the platform player, with a fallback chain on Linux', () => {
    expect(playerCommands('darwin', '/a.wav')[0]?.cmd).toBe('afplay');
    expect(playerCommands('win32', "/it's.wav")[0]?.args.at(-1)).toContain("'/it''s.wav'");
    expect(playerCommands('linux', '/a.wav').map((c) => c.cmd)).toEqual([
      'paplay',
      'aplay',
      'ffplay',
      'play',
    ]);
    expect(playerCommands('linux', '/a.wav', 'null')).toEqual([
      { cmd: 'aplay', args: ['-q', '-D', 'null', '/a.wav'] },
    ]);
  });

  it('maps every cause to a clip', () => {
    for (const c of CAUSE_IDS) expect(CLIPS).toContain(clipFor(c));
    expect(clipFor('credits_exhausted')).toBe('credits-exhausted');
    expect(clipFor('never_joined')).toBe('agent-left');
  });

  it('says clearly when no player exists', async () => {
    const r = await playFile(clipPath('agent-failed'), { platform: 'darwin' });
    if (!has('afplay'))
      expect(r).toEqual({ ok: false, detail: 'no audio player worked: tried afplay (not installed)' });
    expect((await playFile('/nope.wav')).detail).toBe('sound file missing: /nope.wav');
  });
});

describe.skipIf(reason !== '')('bundled clips', () => {
  it.each(CLIPS)('%s is a short, loud, normalised mono WAV', (clip) => {
    const file = clipPath(clip);
    expect(statSync(file).size).toBeGreaterThan(10_000);
    const info = execFileSync('sox', ['--i', file]).toString();
    expect(info).toMatch(/Channels\s+: 1/);
    expect(info).toMatch(/Sample Rate\s+: 22050/);
    expect(info).toMatch(/16-bit Signed Integer PCM/);
    const stat = spawnSync('sox', [file, '-n', 'stat']).stderr.toString();
    const num = (label: string) => Number(new RegExp(`${label}:\\s+(-?[\\d.]+)`).exec(stat)?.[1]);
    expect(num('Length \\(seconds\\)')).toBeGreaterThan(0.5);
    expect(num('Length \\(seconds\\)')).toBeLessThan(3);
    expect(num('Maximum amplitude')).toBeGreaterThan(0.8); // normalised near -1 dBFS
    expect(num('RMS     amplitude')).toBeGreaterThan(0.05); // speech, not silence
  });

  it.each(CLIPS)('%s plays to completion on the ALSA null device', async (clip) => {
    expect(await playFile(clipPath(clip), { alsaDevice: 'null' })).toEqual({ ok: true, detail: 'aplay' });
  });
});
