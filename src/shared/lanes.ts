// Which lane of the timeline an event is drawn in, one place for the page (which draws events) and
// the store's answers (which count them per lane when there are too many to draw one by one).

import type { StoredEvent } from './store.js';

export const LANES = ['user', 'agent', 'state', 'llm', 'stt', 'tts', 'quota', 'findings', 'session'] as const;
export type Lane = (typeof LANES)[number];

export const LANE_TITLES: Record<Lane, string> = {
  user: 'user speech',
  agent: 'agent speech',
  state: 'agent state',
  llm: 'LLM',
  stt: 'STT',
  tts: 'TTS',
  quota: 'quota',
  findings: 'findings',
  session: 'session',
};

/** Is this event a quota error (a typed quota body, or a bare 429)? */
export function isQuotaEvent(ev: Pick<StoredEvent, 'kind' | 'detail'>): boolean {
  return ev.kind === 'error' && (ev.detail?.quota !== undefined || ev.detail?.status === 429);
}

/** The lanes an event is drawn in (a quota error in its provider's lane and in the quota lane). */
export function lanesOf(ev: Pick<StoredEvent, 'kind' | 'detail' | 'metrics'>): Lane[] {
  switch (ev.kind) {
    case 'user_turn_end':
      return ['user'];
    case 'agent_turn':
    case 'agent_speech':
      return ['agent'];
    case 'agent_state':
      return ['state'];
    case 'metrics':
      if (ev.metrics === 'eou') return ['user'];
      if (ev.metrics === 'stt') return ['stt'];
      if (ev.metrics === 'tts') return ['tts'];
      return ['llm'];
    case 'error': {
      const c = ev.detail?.component;
      const lane: Lane =
        c === 'llm' || c === 'realtime' ? 'llm' : c === 'stt' ? 'stt' : c === 'tts' ? 'tts' : 'session';
      return isQuotaEvent(ev) ? [lane, 'quota'] : [lane];
    }
    default:
      return ['session'];
  }
}
