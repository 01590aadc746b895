import { describe, expect, it, vi } from 'vitest';
import { menuTemplate } from './tray.js';
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
