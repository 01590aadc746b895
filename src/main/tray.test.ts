import { EventEmitter } from 'node:events';
import type { Notification } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { NotificationView } from './app-state.js';
import { heldNotifications, MAX_HELD_NOTIFICATIONS, menuTemplate, showNotification } from './tray.js';
import type { MenuEntry } from './tray-model.js';

describe('the tray menu template', () => {
  it('maps entries to Electron items: separators, disabled headers, checkboxes, clicks', () => {
    const entries: MenuEntry[] = [
      { kind: 'item', label: '1 session needs attention', enabled: false },
      {
        kind: 'item',
        label: 'Agent silent — dev-1',
        enabled: true,
        action: { type: 'open', route: { view: 'session', session: 'AJ_1', finding: 'AJ_1/agent_silent' } },
      },
      { kind: 'separator' },
      {
        kind: 'item',
        label: 'Start at login',
        enabled: true,
        checked: false,
        action: { type: 'login', on: true },
      },
    ];
    const dispatch = vi.fn();
    const t = menuTemplate(entries, dispatch);
    expect(t[0]).toEqual({ label: '1 session needs attention', enabled: false });
    expect(t[2]).toEqual({ type: 'separator' });
    expect(t[3]).toMatchObject({ type: 'checkbox', checked: false, enabled: true });
    (t[1]?.click as () => void)();
    expect(dispatch).toHaveBeenCalledWith({
      type: 'open',
      route: { view: 'session', session: 'AJ_1', finding: 'AJ_1/agent_silent' },
    });
  });
});

/** Electron's Notification as showNotification uses it: options, show(), events. */
class FakeNotification extends EventEmitter {
  static isSupported = () => true;
  shown = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
  }
  show(): void {
    this.shown = true;
  }
}
const N = FakeNotification as unknown as typeof Notification;
const view: NotificationView = {
  title: 'Out of inference credits',
  body: 'AJ_1',
  silent: true,
  urgency: 'critical',
  route: { view: 'session', session: 'AJ_1', finding: 'AJ_1/credits_exhausted' },
};

describe('native notifications', () => {
  it('are silent, and held until clicked or closed so that a late click still opens the finding', () => {
    const before = heldNotifications();
    const onClick = vi.fn();
    const n = showNotification(N, view, '/icons/deadair.png', onClick) as unknown as FakeNotification;
    expect(n.shown).toBe(true);
    expect(n.options).toMatchObject({
      title: view.title,
      silent: true,
      urgency: 'critical',
      icon: '/icons/deadair.png',
    });
    expect(heldNotifications()).toBe(before + 1);
    n.emit('click');
    expect(onClick).toHaveBeenCalledOnce();
    expect(heldNotifications()).toBe(before);
    const closed = showNotification(N, view, undefined, () => undefined) as unknown as FakeNotification;
    expect(heldNotifications()).toBe(before + 1);
    closed.emit('close');
    expect(heldNotifications()).toBe(before);
  });

  it('are held at most MAX_HELD_NOTIFICATIONS at a time (a desktop may never report a close)', () => {
    const shown = Array.from({ length: MAX_HELD_NOTIFICATIONS + 5 }, () =>
      showNotification(N, view, undefined, () => undefined),
    );
    expect(heldNotifications()).toBe(MAX_HELD_NOTIFICATIONS);
    for (const n of shown) n?.emit('close');
    expect(heldNotifications()).toBe(0);
  });

  it('are not shown where the system has none', () => {
    const Unsupported = class extends FakeNotification {
      static override isSupported = () => false;
    } as unknown as typeof Notification;
    expect(showNotification(Unsupported, view, undefined, () => undefined)).toBeUndefined();
  });
});
