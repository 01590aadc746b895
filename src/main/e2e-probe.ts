// With DEADAIR_E2E=1 (the Electron end-to-end test only): what the tray shows and the notifications
// raised, readable from the test through `electronApp.evaluate` (globalThis.__deadairE2E), and a
// notification's click, as the desktop would deliver it. Undefined otherwise: nothing is recorded.

export interface E2eProbe {
  state: string;
  tooltip: string;
  notifications: { title: string; body: string; click: () => void }[];
}

export function e2eProbe(env: NodeJS.ProcessEnv): E2eProbe | undefined {
  if (env.DEADAIR_E2E !== '1') return undefined;
  const probe: E2eProbe = { state: '', tooltip: '', notifications: [] };
  (globalThis as Record<string, unknown>).__deadairE2E = {
    tray: () => ({ state: probe.state, tooltip: probe.tooltip }),
    notifications: () => probe.notifications.map(({ title, body }) => ({ title, body })),
    click: (i: number) => probe.notifications[i]?.click(),
  };
  return probe;
}
