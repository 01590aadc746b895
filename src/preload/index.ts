// The typed bridge: exposes exactly the DeadairApi, nothing generic — a request names one of the
// contract's channels, a subscription one of its subscription channels, and returns its unsubscribe.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  IPC,
  REQUEST_CHANNELS,
  SUBSCRIPTION_CHANNELS,
  type DeadairApi,
  type RequestChannel,
  type SubscriptionChannel,
} from '../shared/api.js';

const api: DeadairApi = {
  version: () => ipcRenderer.invoke(IPC.version) as Promise<string>,
  request: (channel, params) => {
    if (!REQUEST_CHANNELS.includes(channel as RequestChannel))
      return Promise.reject(new Error('unknown channel'));
    return ipcRenderer.invoke(IPC.request, channel, params) as never;
  },
  subscribe: (channel, fn) => {
    if (!SUBSCRIPTION_CHANNELS.includes(channel as SubscriptionChannel)) throw new Error('unknown channel');
    const listener = (_e: IpcRendererEvent, c: string, value: unknown) => {
      if (c === channel) fn(value as never);
    };
    ipcRenderer.on(IPC.event, listener);
    void ipcRenderer.invoke(IPC.subscribe, channel);
    return () => {
      ipcRenderer.off(IPC.event, listener);
    };
  },
};

contextBridge.exposeInMainWorld('deadair', api);
