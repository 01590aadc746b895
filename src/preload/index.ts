// The typed bridge: exposes exactly the DeadairApi, nothing generic.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC, type DeadairApi } from '../shared/api.js';

const api: DeadairApi = {
  version: () => ipcRenderer.invoke(IPC.version) as Promise<string>,
};

contextBridge.exposeInMainWorld('deadair', api);
