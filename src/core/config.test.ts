import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, loadConfig, parseConfig, saveConfig } from './config.js';

describe('settings', () => {
  it('fills what is not set with the defaults', () => {
    const c = parseConfig({
      alerts: { minSeverity: 'warning', causes: { rate_limited: false } },
      detectors: { silenceSeconds: 5 },
    });
    expect(c.alerts).toMatchObject({
      minSeverity: 'warning',
      causes: { rate_limited: false },
      burstSeconds: 10,
    });
    expect(c.detectors).toEqual({ ...DEFAULT_CONFIG.detectors, silenceSeconds: 5 });
  });

  it.each([
    [
      { alerts: { minSeverity: 'loud' } },
      'alerts.minSeverity must be one of critical, warning, info (got "loud")',
    ],
    [
      { detectors: { silenceSeconds: '8' } },
      'detectors.silenceSeconds must be a number from 1 to 600 (got "8")',
    ],
    [{ detectors: { hangSeconds: 0 } }, 'detectors.hangSeconds must be a number from 5 to 86400 (got 0)'],
    [{ alerts: { notify: 'yes' } }, 'alerts.notify must be true or false (got "yes")'],
    [
      { detectors: { silenceSeconds: Infinity } },
      'detectors.silenceSeconds must be a number from 1 to 600 (got Infinity)',
    ],
    [{ alerts: { maxPerMinute: 1.5 } }, 'alerts.maxPerMinute must be a whole number from 1 to 600 (got 1.5)'],
    [
      { alerts: { causes: { out_of_money: true } } },
      /^unknown cause alerts\.causes\.out_of_money \(expected one of credits_exhausted/,
    ],
    [{ alerts: { snooze: 1 } }, /^unknown key alerts\.snooze \(expected minSeverity, /],
    [{ colours: {} }, 'unknown key colours (expected alerts, detectors, watch, livekit)'],
    [
      { watch: { paths: 'agent.log' } },
      'watch.paths must be a list of log files, folders or globs (at most 100 non-empty strings)',
    ],
    [{ watch: { paths: ['a.log', ''] } }, /^watch\.paths must be a list/],
    [
      { alerts: { spoken: { rate_limited: 'no' } } },
      'alerts.spoken.rate_limited must be true or false (got "no")',
    ],
    [{ alerts: { spoken: { shouting: false } } }, /^unknown cause alerts\.spoken\.shouting/],
    [{ watch: { rooms: ' dev-*' } }, /^watch\.rooms must be a room name pattern/],
    [[], 'the settings must be a JSON object'],
  ])('rejects %j with one line naming the key', (raw, message) => {
    expect(() => parseConfig(raw)).toThrow(message);
  });

  it('reads the file, treats a missing default file as defaults, and names the file in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deadair-config-'));
    expect(loadConfig(join(dir, 'none.json'), false)).toEqual(DEFAULT_CONFIG);
    expect(() => loadConfig(join(dir, 'none.json'), true)).toThrow(/^cannot read .*none\.json/);
    writeFileSync(join(dir, 'bad.json'), '{"alerts": {');
    expect(() => loadConfig(join(dir, 'bad.json'), true)).toThrow(/bad\.json is not valid JSON/);
    writeFileSync(join(dir, 'wrong.json'), '{"alerts": {"maxPerMinute": 0}}');
    expect(() => loadConfig(join(dir, 'wrong.json'), true)).toThrow(
      /wrong\.json: alerts\.maxPerMinute must be a whole number from 1 to 600 \(got 0\)$/,
    );
  });
  it('takes the LiveKit server from the file, checking each value and never echoing a secret', () => {
    const c = parseConfig({ livekit: { url: 'wss://dev.livekit.cloud', apiKey: 'APIabc', maxRooms: 5 } });
    expect(c.livekit).toEqual({ url: 'wss://dev.livekit.cloud', apiKey: 'APIabc', maxRooms: 5 });
    expect(() => parseConfig({ livekit: { url: 'dev.livekit.cloud' } })).toThrow(
      'livekit.url must be a wss:// or ws:// URL (got "dev.livekit.cloud")',
    );
    expect(() => parseConfig({ livekit: { apiSecret: 'has a space' } })).toThrow(
      'livekit.apiSecret must be an API secret (got something else)',
    );
    expect(() => parseConfig({ livekit: { room: 'x' } })).toThrow(
      'unknown key livekit.room (expected url, apiKey, apiSecret, maxRooms)',
    );
  });

  it('takes a per-cause switch of the spoken clip', () => {
    expect(parseConfig({ alerts: { spoken: { rate_limited: false } } }).alerts.spoken).toEqual({
      rate_limited: false,
    });
    expect(parseConfig({}).alerts.spoken).toEqual({});
  });

  it('saves what it reads: validated, atomically, readable by the user only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deadair-config-'));
    const file = join(dir, 'sub', 'config.json');
    const cfg = parseConfig({
      watch: { paths: ['~/agent/*.log'], rooms: 'dev-*' },
      alerts: { sound: false },
    });
    saveConfig(file, cfg);
    expect(loadConfig(file, true)).toEqual(cfg);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const bad = { ...cfg, alerts: { ...cfg.alerts, maxPerMinute: 0 } };
    expect(() => saveConfig(file, bad)).toThrow(/alerts\.maxPerMinute/);
    expect(loadConfig(file, true)).toEqual(cfg);
  });
});
