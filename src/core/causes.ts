// What each cause is called, how bad it is by default, and what to do about it — the words a
// notification and the CLI print. Pure functions of a finding's facts.

import type { ProviderError } from '../shared/events.js';
import type { CauseId, Component, Finding, Severity, Verdict } from '../shared/types.js';

/** Root causes first: when several findings share a session, the earliest in this list is primary. */
export const CAUSE_PRIORITY: readonly CauseId[] = [
  'credits_exhausted',
  'key_rejected',
  'untyped_429',
  'rate_limited',
  'provider_error',
  'process_died',
  'dead_turns',
  'closed_with_error',
  'never_joined',
  'agent_left',
  'stuck_thinking',
  'agent_silent',
];

export const SILENCE_CAUSES: ReadonlySet<CauseId> = new Set([
  'agent_silent',
  'stuck_thinking',
  'never_joined',
  'agent_left',
]);

const TITLES: Record<CauseId, string> = {
  credits_exhausted: 'Out of inference credits',
  rate_limited: 'Rate limited',
  dead_turns: 'Dead turns: the agent did not answer',
  untyped_429: 'Rejected with HTTP 429',
  key_rejected: 'API key rejected',
  provider_error: 'Provider error',
  closed_with_error: 'Session closed with an error',
  agent_silent: 'Agent silent',
  stuck_thinking: 'Agent stuck thinking',
  never_joined: 'Agent never joined',
  agent_left: 'Agent left the room',
  process_died: 'Agent process died',
};

const COMPONENT_WORDS: Record<Component, string> = {
  llm: 'LLM',
  stt: 'STT',
  tts: 'TTS',
  realtime: 'realtime model',
  session: 'session',
  process: 'process',
  unknown: 'provider',
};

export function componentWord(c: Component): string {
  return COMPONENT_WORDS[c];
}

/** "Rate limited" → "rate limited", but "API key rejected" stays. */
function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

export function titleOf(cause: CauseId, component: Component): string {
  if (
    cause === 'untyped_429' ||
    cause === 'rate_limited' ||
    cause === 'key_rejected' ||
    cause === 'provider_error'
  ) {
    if (component !== 'unknown' && component !== 'session' && component !== 'process')
      return `${COMPONENT_WORDS[component]} ${lowerFirst(TITLES[cause])}`;
  }
  return TITLES[cause];
}

/** Which cause a provider error is evidence of. */
export function causeOfError(e: ProviderError): CauseId {
  if (e.quota?.terminal) return 'credits_exhausted';
  if (e.quota) return 'rate_limited';
  if (e.status === 401 || e.status === 403) return 'key_rejected';
  if (e.status === 429)
    return e.component === 'llm' || e.component === 'realtime' ? 'rate_limited' : 'untyped_429';
  return 'provider_error';
}

export function defaultSeverity(cause: CauseId): Severity {
  switch (cause) {
    case 'rate_limited':
    case 'dead_turns':
    case 'provider_error':
    case 'stuck_thinking':
      return 'warning';
    default:
      return 'critical';
  }
}

const quote = (s: string) => `“${s.replace(/\s+/g, ' ').trim().slice(0, 200)}”`;

/**
 * agents-js's inference STT / TTS websocket (inference/utils.js `connectWs`) failing without a status.
 * Up to 1.7 every handshake failure reads so, the gateway refusing the connection with an HTTP status
 * included: ws reports that as an error without a `code`, and `onError` turns it into
 * `APIConnectionError("Error connecting to LiveKit WebSocket")`. From 1.8 a refusal is an
 * `APIStatusError("Unexpected server response: <status>")` and this text means a network failure.
 */
const INFERENCE_WS_FAILED = /^Error connecting to LiveKit WebSocket\b/;

/** One sentence a developer can act on. */
export function remedyOf(
  f: Pick<Finding, 'cause' | 'component' | 'quota' | 'status' | 'count'> & {
    label?: string;
    /** The provider error's own words (ProviderError.detail), when there is one. */
    detail?: string;
    /** process_died from no output while a user waited (silence.ts), not from an exit or a crash. */
    hung?: boolean;
  },
): string {
  const comp = COMPONENT_WORDS[f.component];
  const hint = f.quota?.hint ? ` The gateway says: ${quote(f.quota.hint.replace(/[.!\s]+$/, ''))}.` : '';
  switch (f.cause) {
    case 'credits_exhausted':
      if (f.quota?.category === undefined && f.quota?.type === undefined && !f.quota?.hint)
        return `The ${f.label ?? comp} provider account is out of credit: add credit or raise the spending limit in the provider's billing settings, then restart the agent.`;
      return `Top up LiveKit Inference credits or upgrade the plan (LiveKit Cloud → Billing), or wait for the next billing cycle; until then every session closes on its first ${f.quota?.type ? f.quota.type.toUpperCase() + ' ' : ''}request.${hint}`;
    case 'rate_limited':
      return `The ${comp} is at its ${f.quota?.category ? `${f.quota.category} ` : ''}rate or concurrency limit, which recovers in about a minute: lower concurrent sessions or request rate, add a fallback provider, or raise the limit on your plan.${hint}`;
    case 'untyped_429':
      return `The ${comp} rejected the connection with a bare HTTP 429 (no body, so no category): likely out of credits or at the ${comp} concurrency limit — check usage and billing in LiveKit Cloud.`;
    case 'key_rejected':
      return `The ${f.label ?? comp} rejected its credentials (HTTP ${f.status ?? '401/403'}): check the API key the agent's environment gives that provider (or LIVEKIT_API_KEY / LIVEKIT_API_SECRET for LiveKit Inference) and restart the agent.`;
    case 'provider_error':
      if (f.status === undefined && f.detail !== undefined && INFERENCE_WS_FAILED.test(f.detail))
        return `The ${f.label ?? comp} could not open its websocket to LiveKit Inference: check that the gateway is reachable (LIVEKIT_INFERENCE_URL, network, proxy). @livekit/agents before 1.8 also reports the gateway refusing the connection this way (HTTP 429 when the project is out of credits or at its ${comp} concurrency limit, 401 for bad credentials): check usage and billing in LiveKit Cloud too.`;
      return `The ${f.label ?? comp} failed${f.status ? ` with HTTP ${f.status}` : ''}: check the provider's status page and the evidence; a FallbackAdapter with a second provider keeps the agent answering.`;
    case 'dead_turns':
      return `${f.count} user turn${f.count === 1 ? '' : 's'} got no answer because the ${comp} failed; the session closes after max_unrecoverable_errors (default 3) — fix the error above, or add a fallback provider.`;
    case 'closed_with_error':
      return 'The session closed on an unrecoverable error and the agent stopped answering: fix the first failure shown for this session, then start a new session.';
    case 'process_died':
      if (f.hung)
        return 'The agent wrote nothing while a user waited: check that the job process is still alive and not at 100 % CPU, read its last lines before the turn, and look for blocking code on the event loop or a tool call, LLM or TTS request that never returns — give those a timeout.';
      return 'The job process ended while a session was live: read the traceback or exit code in the evidence; check memory limits (job_memory_limit_mb) and unhandled exceptions in the entrypoint.';
    case 'agent_silent':
      return 'The agent did not answer a finished user turn: look for an LLM or TTS error in the same turn, a tool call that never returns, or an exhausted quota.';
    case 'stuck_thinking':
      return 'The agent stayed in “thinking”: the LLM or a tool call is stalled — check timeouts on tools and the LLM provider’s status.';
    case 'never_joined':
      return 'No agent joined the room: check that the worker is running, registered with the right agent name, and that dispatch rules send jobs to this room.';
    case 'agent_left':
      return 'The agent left while the user stayed: the entrypoint probably raised or returned early — read the worker log around that time.';
  }
}

/** A session's verdict from its findings. */
export function verdictOf(findings: readonly Finding[]): Verdict {
  let silent = false;
  let warning = false;
  for (const f of findings) {
    if (f.severity === 'critical') {
      if (!SILENCE_CAUSES.has(f.cause)) return 'failed';
      silent = true;
    } else if (f.severity === 'warning') warning = true;
  }
  if (silent) return 'silent';
  return warning ? 'degraded' : 'healthy';
}

const SEV_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Findings ordered primary first: critical before warning, then root causes before consequences. */
export function orderFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEV_RANK[a.severity] - SEV_RANK[b.severity] ||
      Number(a.consequenceOf !== undefined) - Number(b.consequenceOf !== undefined) ||
      CAUSE_PRIORITY.indexOf(a.cause) - CAUSE_PRIORITY.indexOf(b.cause) ||
      a.time - b.time,
  );
}

/** The bundled spoken alert for each family of causes (resources/sounds/<clip>.wav). */
export type AlertClip = 'credits-exhausted' | 'rate-limited' | 'agent-silent' | 'agent-failed' | 'agent-left';

export function clipFor(cause: CauseId): AlertClip {
  switch (cause) {
    case 'credits_exhausted':
      return 'credits-exhausted';
    case 'rate_limited':
      return 'rate-limited';
    case 'agent_silent':
    case 'stuck_thinking':
      return 'agent-silent';
    case 'agent_left':
    case 'never_joined':
      return 'agent-left';
    default:
      return 'agent-failed';
  }
}
