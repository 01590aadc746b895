// What the session store keeps of an event beyond its message (src/shared/store.ts EventDetail):
// the few decoded fields the timeline draws (the agent's state, which provider failed) and the
// inspector shows (status, request id, quota). Only what the event carries, so chatter costs nothing.

import type { AgentEvent, ProviderError } from '../shared/events.js';
import type { EventDetail } from '../shared/store.js';

const cap = (t: string, n = 300) => (t.length > n ? t.slice(0, n - 1) + '…' : t);

function errorFields(d: EventDetail, e: ProviderError): void {
  d.component = e.component;
  d.stage = e.stage;
  if (e.status !== undefined) d.status = e.status;
  if (e.requestId !== undefined) d.requestId = cap(e.requestId, 120);
  if (e.errorType !== undefined) d.errorType = cap(e.errorType, 120);
  if (e.attempt !== undefined) d.attempt = e.attempt;
  if (e.recoverable !== undefined) d.recoverable = e.recoverable;
  if (e.quota) d.quota = { ...e.quota };
}

/** The detail of one event, or undefined when it has none worth keeping. */
export function eventDetail(ev: AgentEvent): EventDetail | undefined {
  const d: EventDetail = {};
  if (ev.level === 'warn' || ev.level === 'error' || ev.level === 'fatal') d.level = ev.level;
  switch (ev.kind) {
    case 'agent_state':
      d.state = cap(ev.state, 40);
      break;
    case 'error':
      errorFields(d, ev.error);
      break;
    case 'session_close':
      if (ev.reason !== undefined) d.reason = cap(ev.reason, 120);
      if (ev.error) errorFields(d, ev.error);
      break;
    case 'user_turn_end':
      if (ev.transcript !== undefined) d.text = cap(ev.transcript);
      break;
    case 'agent_speech':
      if (ev.text !== undefined) d.text = cap(ev.text);
      break;
    case 'process_exit':
      if (ev.code !== undefined) d.code = ev.code;
      if (ev.reason !== undefined) d.reason = cap(ev.reason, 120);
      d.crashed = ev.crashed;
      break;
    case 'participant_joined':
    case 'participant_left':
      d.participant = cap(ev.participant, 120);
      d.agent = ev.agent;
      if (ev.kind === 'participant_joined' && ev.state !== undefined) d.state = cap(ev.state, 40);
      break;
    case 'metrics': {
      const m = ev.metrics;
      const measured: NonNullable<EventDetail['measured']> = {};
      for (const k of ['eouDelayMs', 'transcriptionDelayMs', 'ttftMs', 'ttfbMs', 'audioMs'] as const) {
        const v = m[k];
        if (v !== undefined) measured[k] = v;
      }
      if (Object.keys(measured).length) d.measured = measured;
      if (m.speechId !== undefined) d.speechId = cap(m.speechId, 100);
      break;
    }
    case 'observer_connection':
      d.state = cap(ev.state, 40);
      if (ev.reason !== undefined) d.reason = cap(ev.reason, 120);
      break;
    default:
      break;
  }
  return Object.keys(d).length > 0 ? d : undefined;
}
