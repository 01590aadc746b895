// The Electron security baseline as plain decisions, unit-tested without Electron: window options,
// the content security policy, and which navigations and URLs are allowed.

import { isEditorLink } from '../shared/editor.js';

export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // The page styles only from its own stylesheet (and the CSSOM), as under `deadair watch --ui`.
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface WindowOptionsInput {
  preload: string;
  width?: number;
  height?: number;
}

/** BrowserWindow options: isolated, sandboxed, no Node in the page. */
export function windowOptions(input: WindowOptionsInput) {
  return {
    width: input.width ?? 1100,
    height: input.height ?? 720,
    show: false,
    title: 'deadair',
    webPreferences: {
      preload: input.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      spellcheck: false,
    },
  } as const;
}

/** The app's own pages: the built file:// renderer, or the dev server in development. */
export function isAppUrl(url: string, devServer?: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (devServer) {
    try {
      const d = new URL(devServer);
      if (u.origin === d.origin) return true;
    } catch {
      // ignore a malformed dev server URL
    }
  }
  return u.protocol === 'file:' && /\/out\/renderer\/|\/renderer\/index\.html$/.test(u.pathname);
}

/**
 * Links the user may open outside the app: http(s) with no credentials in the URL, and the
 * inspector's "open in editor" links (src/shared/editor.ts).
 */
export function isSafeExternalUrl(url: string): boolean {
  if (isEditorLink(url)) return true;
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** Every permission a page asks for (camera, microphone, notifications, geolocation …) is refused. */
export function denyPermissionRequest(
  _webContents: unknown,
  _permission: string,
  callback: (granted: boolean) => void,
): void {
  callback(false);
}

/** …and every permission check answers no. */
export function denyPermissionCheck(): boolean {
  return false;
}

/** Navigation away from the app's own pages is refused (the page then stays where it is). */
export function shouldBlockNavigation(url: string, devServer?: string): boolean {
  return !isAppUrl(url, devServer);
}

/**
 * A window a page tries to open: never opened in the app; a link that passes isSafeExternalUrl is
 * handed to the system (`open`), anything else is dropped.
 */
export function windowOpenDecision(url: string, open: (url: string) => void): { action: 'deny' } {
  if (isSafeExternalUrl(url)) open(url);
  return { action: 'deny' };
}
