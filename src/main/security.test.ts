import { describe, expect, it } from 'vitest';
import {
  CSP,
  denyPermissionCheck,
  denyPermissionRequest,
  isAppUrl,
  isSafeExternalUrl,
  shouldBlockNavigation,
  windowOpenDecision,
  windowOptions,
} from './security.js';

describe('Electron security baseline', () => {
  it('builds isolated, sandboxed windows without Node', () => {
    const o = windowOptions({ preload: '/app/preload.cjs' });
    expect(o.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(o.webPreferences.preload).toBe('/app/preload.cjs');
  });

  it('has a CSP that forbids everything not from the app itself', () => {
    expect(CSP).toContain("default-src 'none'");
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toMatch(/unsafe-eval|unsafe-inline/);
  });

  it('allows navigation only to the app pages', () => {
    expect(isAppUrl('file:///opt/deadair/out/renderer/index.html')).toBe(true);
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('https://evil.example/')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('opens only plain http(s) links externally', () => {
    expect(isSafeExternalUrl('https://docs.livekit.io/')).toBe(true);
    expect(isSafeExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isSafeExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isSafeExternalUrl('https://user:pw@example.com/')).toBe(false);
    // The inspector's "open in editor", and no other custom scheme.
    expect(isSafeExternalUrl('vscode://file/home/dev/agent.log:12')).toBe(true);
    expect(isSafeExternalUrl('vscode://extension/evil.ext')).toBe(false);
    expect(isSafeExternalUrl('ms-msdt:/id PCWDiagnostic')).toBe(false);
  });

  it('refuses every permission a page asks for, and answers every check with no', () => {
    for (const perm of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      denyPermissionRequest({}, perm, (g) => (granted = g));
      expect([perm, granted]).toEqual([perm, false]);
    }
    expect(denyPermissionCheck()).toBe(false);
  });

  it('blocks navigation away from the app, and opens no window in it', () => {
    expect(shouldBlockNavigation('https://evil.example/')).toBe(true);
    expect(shouldBlockNavigation('file:///opt/deadair/out/renderer/index.html#/settings')).toBe(false);
    const opened: string[] = [];
    expect(windowOpenDecision('https://docs.livekit.io/', (u) => opened.push(u))).toEqual({ action: 'deny' });
    expect(windowOpenDecision('file:///etc/passwd', (u) => opened.push(u))).toEqual({ action: 'deny' });
    expect(windowOpenDecision('vscode://file/a.log:3', (u) => opened.push(u))).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://docs.livekit.io/', 'vscode://file/a.log:3']);
  });
});
