// The observer window's bridge (the tray app): the page reports each observation as JSON through
// the one function the CLI's headless Chromium exposes too, and it goes to main on its own channel.
// Nothing else is exposed; main checks the sender and the shape of every message.
import { contextBridge, ipcRenderer } from 'electron';
import { OBSERVATION_IPC, REPORT_BINDING } from '../shared/observation.js';

contextBridge.exposeInMainWorld(REPORT_BINDING, (json: unknown) => {
  if (typeof json === 'string') ipcRenderer.send(OBSERVATION_IPC, json);
});
