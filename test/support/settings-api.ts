// The tray app's settings channels as main answers them (src/main/settings.ts over the one
// schema, a real settings file, a SecretBox with a stand-in keychain), for the settings window's
// component tests. Every answer crosses as JSON, as over IPC; what crossed is kept for checks.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, saveConfig } from '../../src/core/config.js';
import {
  checkUpdate,
  SecretBox,
  secretStorage,
  settingsView,
  type SafeStorageLike,
} from '../../src/main/settings.js';
import type { DeadairApi } from '../../src/shared/api.js';

export function keychain(backend = 'gnome_libsecret', available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (t) => Buffer.concat([Buffer.from('ENC:'), Buffer.from(t).reverse()]),
    decryptString: (b) => Buffer.from(b.subarray(4)).reverse().toString(),
    getSelectedStorageBackend: () => backend,
  };
}

export function settingsApi(o: { backend?: string; available?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'deadair-settings-ui-'));
  const file = join(dir, 'config.json');
  const safe = keychain(o.backend, o.available);
  const box = new SecretBox(safe, join(dir, 'secret.bin'));
  const crossed: string[] = [];
  const demo: number[] = [];
  const view = () => settingsView(loadConfig(file, false), file, box.get(), secretStorage(safe, 'linux'));
  const wire = <T>(v: T): T => {
    const json = JSON.stringify(v);
    crossed.push(json);
    return JSON.parse(json) as T;
  };
  const api: DeadairApi = {
    version: () => Promise.resolve('0.0.0'),
    request: (channel, params) => {
      try {
        switch (channel) {
          case 'settings.get':
            return Promise.resolve(wire(view()) as never);
          case 'settings.set': {
            const u = checkUpdate(JSON.parse(JSON.stringify(params)));
            if (u.secret !== undefined) box.set(u.secret);
            saveConfig(file, u.config);
            return Promise.resolve(wire(view()) as never);
          }
          case 'settings.pick':
            return Promise.resolve(wire(['/picked/folder']) as never);
          case 'demo.start':
            demo.push(Date.now());
            return Promise.resolve(true as never);
          case 'sessions.list':
            return Promise.resolve([] as never);
          default:
            return Promise.reject(new Error(`not in this test: ${channel}`));
        }
      } catch (e) {
        return Promise.reject(new Error((e as Error).message));
      }
    },
    subscribe: () => () => undefined,
  };
  /** The settings file's text, as saved (undefined while none was). */
  const saved = (): string | undefined => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  return { api, file, box, crossed, demo, saved };
}
