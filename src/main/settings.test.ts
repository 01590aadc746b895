import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../core/config.js';
import type { AppState } from './app-state.js';
import {
  checkUpdate,
  restoreState,
  saveState,
  readState,
  SecretBox,
  secretStorage,
  settingsView,
  type SafeStorageLike,
} from './settings.js';

/** A stand-in keychain: "encrypts" by reversing bytes with a marker, so plain text never lands on disk. */
function keychain(available = true, backend = 'gnome_libsecret'): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (t) => Buffer.concat([Buffer.from('ENC:'), Buffer.from(t).reverse()]),
    decryptString: (b) => {
      if (b.subarray(0, 4).toString() !== 'ENC:') throw new Error('not ours');
      return Buffer.from(b.subarray(4)).reverse().toString();
    },
    getSelectedStorageBackend: () => backend,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'deadair-settings-'));

describe('the API secret', () => {
  it('is kept encrypted, readable by the user only, and can be forgotten', () => {
    const file = join(dir, 'secret.bin');
    const box = new SecretBox(keychain(), file);
    expect(box.get()).toBeUndefined();
    box.set('sekrit-value');
    expect(readFileSync(file).toString()).not.toContain('sekrit-value');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(box.get()).toBe('sekrit-value');
    box.set(null);
    expect(box.get()).toBeUndefined();
  });
  it('is refused where the system has no secure storage, and says what to do instead', () => {
    const box = new SecretBox(keychain(false), join(dir, 'none.bin'));
    expect(() => box.set('x')).toThrow(/no secure storage .* LIVEKIT_API_SECRET/);
  });
  it('says how it is kept: encrypted, plain text (Linux without a keyring), or not at all', () => {
    expect(secretStorage(keychain(), 'linux')).toBe('encrypted');
    expect(secretStorage(keychain(true, 'basic_text'), 'linux')).toBe('plain-text');
    expect(secretStorage(keychain(true, 'basic_text'), 'darwin')).toBe('encrypted');
    expect(secretStorage(keychain(false), 'win32')).toBe('unavailable');
  });
  it('never reaches the page: the view says only whether one is set', () => {
    const cfg = parseConfig({
      livekit: { url: 'wss://x.livekit.cloud', apiKey: 'APIk', apiSecret: 'from-file' },
    });
    const v = settingsView(cfg, '/c.json', undefined, 'encrypted');
    expect(JSON.stringify(v)).not.toContain('from-file');
    expect(v).toMatchObject({
      secret: 'set',
      config: { livekit: { url: 'wss://x.livekit.cloud', apiKey: 'APIk' } },
    });
    expect(settingsView(DEFAULT_CONFIG, '/c.json', undefined, 'encrypted').secret).toBe('unset');
  });
});

describe('a settings update', () => {
  it('is checked by the one schema, naming the wrong key', () => {
    expect(checkUpdate({ config: { watch: { paths: ['~/a.log'], rooms: 'dev-*' } } }).config.watch).toEqual({
      paths: ['~/a.log'],
      rooms: 'dev-*',
    });
    expect(() => checkUpdate({ config: { detectors: { silenceSeconds: 0 } } })).toThrow(
      'detectors.silenceSeconds must be a number from 1 to 600 (got 0)',
    );
    expect(() => checkUpdate('x')).toThrow('settings must be an object');
  });
  it('carries the secret apart, never inside the settings', () => {
    expect(checkUpdate({ config: {}, secret: 'abc' })).toMatchObject({ secret: 'abc' });
    expect(checkUpdate({ config: {}, secret: null })).toMatchObject({ secret: null });
    expect(checkUpdate({ config: {} })).not.toHaveProperty('secret');
    expect(() => checkUpdate({ config: { livekit: { apiSecret: 'x' } } })).toThrow(/saved apart/);
    expect(() => checkUpdate({ config: {}, secret: 'two words' })).toThrow(/one word/);
  });
});

describe('the tray state', () => {
  const base: AppState = { paused: false, seenBefore: 0, openAtLogin: false, notify: true, sound: true };
  it('comes back after a restart; a snooze that ended does not', () => {
    const file = join(dir, 'state.json');
    saveState(file, { ...base, paused: true, snoozedUntil: 2000, seenBefore: 500 });
    expect(restoreState(readState(file), base, 1000)).toEqual({
      ...base,
      paused: true,
      snoozedUntil: 2000,
      seenBefore: 500,
    });
    expect(restoreState(readState(file), base, 3000).snoozedUntil).toBeUndefined();
  });
  it('ignores what is not a state', () => {
    expect(restoreState({ paused: 'yes', seenBefore: 'x', snoozedUntil: Infinity }, base, 0)).toEqual(base);
    expect(restoreState(readState(join(dir, 'missing.json')), base, 0)).toEqual(base);
  });
});
