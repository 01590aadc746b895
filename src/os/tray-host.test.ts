import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { needsWindowForTray, sessionBusHas, STATUS_NOTIFIER_WATCHER, trayMayBeHidden } from './tray-host.js';

describe('is there a tray host on this desktop', () => {
  it('keeps a window only on Linux, and only when the bus says no host runs', () => {
    expect(needsWindowForTray('linux', false)).toBe(true);
    expect(needsWindowForTray('linux', true)).toBe(false);
    expect(needsWindowForTray('linux', undefined)).toBe(false);
    expect(needsWindowForTray('darwin', false)).toBe(false);
    expect(needsWindowForTray('win32', false)).toBe(false);
  });

  it('cannot know without a session bus', async () => {
    expect(await sessionBusHas(STATUS_NOTIFIER_WATCHER, { PATH: process.env.PATH })).toBeUndefined();
  });

  const daemon = spawnSync('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=1'], {
    encoding: 'utf8',
  });
  const [address, pid] = daemon.status === 0 ? daemon.stdout.trim().split('\n') : [];
  afterAll(() => {
    if (pid) process.kill(Number(pid));
  });
  it.skipIf(!address)('asks a real session bus who owns a name', async () => {
    const env = { PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: address };
    // The bus itself is always owned; no tray host runs on a bare session bus.
    expect(await sessionBusHas('org.freedesktop.DBus', env)).toBe(true);
    expect(await sessionBusHas(STATUS_NOTIFIER_WATCHER, env)).toBe(false);
    expect(await trayMayBeHidden('linux', env)).toBe(true);
    // Elsewhere the tray is the system's own: the bus is not asked.
    expect(await trayMayBeHidden('darwin', env)).toBe(false);
  });
});
