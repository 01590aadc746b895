// What was clicked, in full: the raw line or room message verbatim with its file:line, the fields
// decoded from it (quota type, category, terminal or retryable, status, request id …), and the
// finding it is evidence of — its explanation and remedy — with copy buttons. All text as text.
import { useContext, useEffect, useState, type ReactNode } from 'react';
import type { DeadairApi } from '../shared/api.js';
import { EDITOR_NAMES, editorLink } from '../shared/editor.js';
import { lanesOf } from '../shared/lanes.js';
import type { EventDetail, FindingVersion, StoredEvent } from '../shared/store.js';
import type { Evidence, Finding, QuotaInfo } from '../shared/types.js';
import { EditorContext } from './editor-context.js';
import { clock, dateTime } from './format.js';

function Copy({ text, label, id }: { text: string; label: string; id: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="copy"
      data-testid={`copy-${id}`}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => setDone(true),
          () => undefined,
        );
      }}
    >
      {done ? 'copied' : label}
    </button>
  );
}

function Fields({ rows }: { rows: [string, ReactNode][] }) {
  if (rows.length === 0) return null;
  return (
    <dl className="fields" data-testid="inspector-fields">
      {rows.map(([k, v]) => (
        <div key={k} className="field" data-field={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function quotaRows(q: QuotaInfo | undefined): [string, ReactNode][] {
  if (!q) return [];
  const rows: [string, ReactNode][] = [];
  if (q.type) rows.push(['quota type', q.type]);
  if (q.category) rows.push(['category', q.category]);
  rows.push(['terminal', q.terminal ? 'yes: the session closes' : 'no']);
  rows.push(['retryable', q.retryable ? 'yes' : 'no']);
  if (q.remainingLimit) rows.push(['remaining', q.remainingLimit]);
  if (q.hint) rows.push(['hint', q.hint]);
  if (q.message) rows.push(['gateway says', q.message]);
  return rows;
}

function detailRows(d: EventDetail | undefined): [string, ReactNode][] {
  if (!d) return [];
  const rows: [string, ReactNode][] = [];
  if (d.component) rows.push(['component', d.component]);
  if (d.stage)
    rows.push([
      'stage',
      d.stage === 'retry' ? `retry${d.attempt ? ` (attempt ${d.attempt})` : ''}` : d.stage,
    ]);
  if (d.status !== undefined) rows.push(['status', String(d.status)]);
  if (d.requestId) rows.push(['request id', d.requestId]);
  if (d.errorType) rows.push(['error type', d.errorType]);
  if (d.recoverable !== undefined) rows.push(['recoverable', d.recoverable ? 'yes' : 'no']);
  rows.push(...quotaRows(d.quota));
  if (d.state) rows.push(['state', d.state]);
  if (d.reason) rows.push(['reason', d.reason]);
  if (d.code !== undefined) rows.push(['exit code', String(d.code)]);
  if (d.crashed !== undefined) rows.push(['crashed', d.crashed ? 'yes' : 'no']);
  if (d.participant) rows.push(['participant', `${d.participant}${d.agent ? ' (agent)' : ''}`]);
  if (d.text) rows.push(['said', d.text]);
  const names = {
    eouDelayMs: 'end of utterance',
    transcriptionDelayMs: 'transcription',
    ttftMs: 'LLM TTFT',
    ttfbMs: 'TTS TTFB',
    audioMs: 'audio',
  } as const;
  for (const [k, v] of Object.entries(d.measured ?? {}))
    rows.push([names[k as keyof typeof names] ?? k, `${Math.round(v)} ms`]);
  if (d.speechId) rows.push(['speech id', d.speechId]);
  if (d.level) rows.push(['level', d.level]);
  return rows;
}

const where = (x: { file?: string; line?: number; room?: string }) =>
  x.file !== undefined ? `${x.file}:${x.line ?? '?'}` : `room ${x.room ?? ''}`;

function EvidenceBlock({ ev, n }: { ev: Evidence; n: number }) {
  const editor = useContext(EditorContext);
  const open =
    editor && ev.file !== undefined && ev.line !== undefined
      ? editorLink(editor, ev.file, ev.line)
      : undefined;
  return (
    <div className="evidence">
      <div className="where">
        <code data-testid="inspector-where">{where(ev)}</code>
        <Copy text={where(ev)} label="copy place" id={`where-${n}`} />
        <Copy text={ev.text} label="copy line" id={`line-${n}`} />
        {editor && open && (
          <a
            className="button"
            href={open}
            target="_blank"
            rel="noreferrer"
            data-testid={`open-in-editor-${n}`}
          >
            open in {EDITOR_NAMES[editor]}
          </a>
        )}
      </div>
      <pre data-testid="inspector-evidence">{ev.text}</pre>
    </div>
  );
}

function FindingPart({
  f,
  versions,
  link,
}: {
  f: Finding;
  versions?: readonly FindingVersion[];
  link?: string;
}) {
  return (
    <div className={`finding-part ${f.severity}`} data-testid="inspector-finding" data-finding={f.id}>
      <h4>
        {f.title} <span className={`badge ${f.severity}`}>{f.severity}</span>
      </h4>
      <p data-testid="inspector-summary">{f.summary}</p>
      <p className="remedy">
        <b>Remedy: </b>
        <span data-testid="inspector-remedy">{f.remedy}</span>{' '}
        <Copy text={f.remedy} label="copy" id="remedy" />
      </p>
      <Fields
        rows={[
          ['cause', f.cause],
          ['component', f.component],
          ['when', `${dateTime(f.time)}${f.lastTime > f.time ? ` – ${clock(f.lastTime)}` : ''}`],
          // How many records raised it (a provider error's retries and the close that names it once
          // more; a silence's unanswered turns): not the session's error count, said so.
          ...(f.count > 1 ? ([['seen', `${f.count} times`]] as [string, ReactNode][]) : []),
          ...(f.status !== undefined ? ([['status', String(f.status)]] as [string, ReactNode][]) : []),
          ...quotaRows(f.quota),
          ...(f.consequenceOf ? ([['consequence of', f.consequenceOf]] as [string, ReactNode][]) : []),
          ...(f.recovered !== undefined
            ? ([['recovered', clock(f.recovered, true)]] as [string, ReactNode][])
            : []),
        ]}
      />
      {versions && versions.length > 1 && (
        <ol className="versions">
          {versions.map((v, i) => (
            <li key={i}>
              {clock(v.at, true)} {v.how} ({v.finding.severity})
            </li>
          ))}
        </ol>
      )}
      {link && <Copy text={link} label="copy link" id="finding-link" />}
    </div>
  );
}

export function Inspector({
  api,
  session,
  event,
  finding,
  related,
  versions,
  link,
  onClose,
}: {
  api: DeadairApi;
  session: string;
  event?: StoredEvent | undefined;
  finding?: Finding | undefined;
  /** The finding the event is evidence of. */
  related?: Finding | undefined;
  versions: ReadonlyMap<string, readonly FindingVersion[]>;
  link: string;
  onClose: () => void;
}) {
  const [text, setText] = useState<string | null>();
  useEffect(() => {
    setText(undefined);
    if (!event) return;
    let live = true;
    api.request('event.evidence', { session, event: event.id }).then(
      (t) => live && setText(t),
      () => live && setText(null),
    );
    return () => {
      live = false;
    };
  }, [api, session, event]);

  if (!event && !finding)
    return (
      <aside className="inspector empty" data-testid="inspector" aria-label="inspector">
        <p>Click an event, a bar or a finding to see its line, its fields and what to do.</p>
      </aside>
    );
  return (
    <aside className="inspector" data-testid="inspector" aria-label="inspector">
      <div className="inspector-head">
        <h3>{event ? event.kind.replace(/_/g, ' ') : 'finding'}</h3>
        <Copy text={link} label="copy link" id="link" />
        <button type="button" className="close" onClick={onClose} aria-label="close inspector">
          ×
        </button>
      </div>
      {event && (
        <>
          <Fields
            rows={[
              ['time', `${dateTime(event.time)}.${String(Math.floor(event.time % 1000)).padStart(3, '0')}`],
              ['lane', lanesOf(event).join(', ')],
              ['source', event.source],
              ...detailRows(event.detail),
            ]}
          />
          <EvidenceBlock
            n={0}
            ev={{
              ...(event.file !== undefined ? { file: event.file } : {}),
              ...(event.line !== undefined ? { line: event.line } : {}),
              ...(event.room !== undefined ? { room: event.room } : {}),
              text: text === undefined ? '…' : (text ?? event.message),
            }}
          />
          {text === null && (
            <p className="muted">
              The line could not be read back (the file moved or was truncated): its message is shown.
            </p>
          )}
        </>
      )}
      {(finding ?? related) && (
        <FindingPart
          f={(finding ?? related) as Finding}
          versions={versions.get(((finding ?? related) as Finding).id)}
        />
      )}
      {finding && finding.evidence.map((ev, i) => <EvidenceBlock key={i} ev={ev} n={i + 1} />)}
    </aside>
  );
}
