// The contract between the timeline UI and whatever serves it (Electron IPC now, HTTP later).
// The preload exposes exactly this object as `window.deadair`; nothing else crosses.

export interface DeadairApi {
  /** The app's version, e.g. "0.1.0". */
  version(): Promise<string>;
}

/** IPC channel names, one place for both sides. */
export const IPC = {
  version: 'deadair:version',
} as const;

declare global {
  interface Window {
    deadair?: DeadairApi;
  }
}
