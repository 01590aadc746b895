// The tray app's settings window (#/settings): what to watch (log paths with the system's picker,
// a room pattern), the LiveKit server and keys, alerts (notifications, the spoken clip, each cause)
// and the detectors' thresholds. Saved through the contract, checked by the one schema the CLI
// uses: a wrong value comes back as one line naming it. The API secret is write-only here: the
// page learns whether one is set, never what it is.
import { useEffect, useState, type ReactNode } from 'react';
import type { DeadairApi } from '../shared/api.js';
import type { Config, SettingsView } from '../shared/settings.js';
import { CAUSE_IDS, type CauseId } from '../shared/types.js';
import { CAUSE_WORDS } from './format.js';

type Detector = keyof Config['detectors'];
const DETECTORS: readonly [Detector, string, string][] = [
  ['silenceSeconds', 'Silence after a finished user turn', 's'],
  ['thinkingSeconds', 'Agent stuck thinking', 's'],
  ['hangSeconds', 'Nothing written while a user waits', 's'],
  ['rateLimitCriticalMinutes', 'A rate limit becomes critical after', 'min'],
  ['neverJoinedSeconds', 'A user waits with no agent', 's'],
];

function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="muted field-hint">{hint}</span>}
    </label>
  );
}

export function Settings({ api, onDone }: { api: DeadairApi; onDone: () => void }) {
  const [view, setView] = useState<SettingsView>();
  const [draft, setDraft] = useState<Config>();
  const [secret, setSecret] = useState<string | null | undefined>(undefined);
  const [newPath, setNewPath] = useState('');
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [unavailable, setUnavailable] = useState<string>();

  useEffect(() => {
    let live = true;
    api.request('settings.get', {}).then(
      (v) => {
        if (!live) return;
        setView(v);
        setDraft(structuredClone(v.config));
      },
      (e: unknown) => live && setUnavailable(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api]);

  if (unavailable)
    return (
      <section className="settings" data-testid="settings-unavailable">
        <p className="banner">Settings: {unavailable}.</p>
      </section>
    );
  if (!view || !draft) return <p className="muted">Loading settings…</p>;

  const set = (f: (c: Config) => void) => {
    const next = structuredClone(draft);
    f(next);
    setDraft(next);
    setSaved(false);
  };
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const v = await api.request('settings.set', {
        config: draft,
        ...(secret !== undefined ? { secret } : {}),
      });
      setView(v);
      setDraft(structuredClone(v.config));
      setSecret(undefined);
      setSaved(true);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const pick = async (what: 'folder' | 'files') => {
    const chosen = await api.request('settings.pick', { what }).catch(() => [] as readonly string[]);
    if (chosen.length > 0) set((c) => (c.watch.paths = [...new Set([...c.watch.paths, ...chosen])]));
  };
  const addPath = () => {
    const p = newPath.trim();
    if (!p) return;
    set((c) => (c.watch.paths = [...new Set([...c.watch.paths, p])]));
    setNewPath('');
  };
  const nothingWatched = view.config.watch.paths.length === 0 && !view.config.watch.rooms;
  const num = (v: string) => (v.trim() === '' ? Number.NaN : Number(v));

  return (
    <section className="settings" data-testid="settings">
      <div className="settings-head">
        <button type="button" onClick={onDone} data-testid="back">
          ← sessions
        </button>
        <h2>Settings</h2>
        <span className="muted" data-testid="settings-file">
          {view.file}
        </span>
      </div>
      {view.error && (
        <p className="banner error" role="alert" data-testid="settings-file-error">
          The settings file could not be read, so the defaults are shown: {view.error}
        </p>
      )}
      {nothingWatched && (
        <div className="banner" data-testid="first-run">
          Nothing is watched yet. Add your agent&apos;s log files or a room pattern below — or see deadair
          work first:{' '}
          <button
            type="button"
            data-testid="demo"
            onClick={() => {
              void api.request('demo.start', {}).then(onDone, () => undefined);
            }}
          >
            Try the demo
          </button>
        </div>
      )}

      <fieldset>
        <legend>What to watch</legend>
        <ul className="paths" data-testid="paths">
          {draft.watch.paths.map((p) => (
            <li key={p}>
              <code>{p}</code>{' '}
              <button
                type="button"
                aria-label={`remove ${p}`}
                onClick={() => set((c) => (c.watch.paths = c.watch.paths.filter((x) => x !== p)))}
              >
                remove
              </button>
            </li>
          ))}
        </ul>
        <div className="row-inline">
          <input
            aria-label="log file, folder or glob"
            placeholder="~/my-agent/agent.log, a folder, or a glob"
            value={newPath}
            onChange={(e) => setNewPath(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && addPath()}
            data-testid="new-path"
          />
          <button type="button" onClick={addPath} data-testid="add-path">
            Add
          </button>
          <button type="button" onClick={() => void pick('folder')}>
            Folder…
          </button>
          <button type="button" onClick={() => void pick('files')}>
            Files…
          </button>
        </div>
        <Field label="Rooms" hint="a name pattern, e.g. dev-* — deadair joins them hidden and subscribe-only">
          <input
            value={draft.watch.rooms ?? ''}
            placeholder="dev-*"
            data-testid="rooms"
            onChange={(e) =>
              set((c) => {
                const v = e.target.value;
                if (v.trim()) c.watch.rooms = v;
                else delete c.watch.rooms;
              })
            }
          />
        </Field>
      </fieldset>

      <fieldset>
        <legend>LiveKit server</legend>
        <Field label="URL">
          <input
            value={draft.livekit.url ?? ''}
            placeholder="wss://my-project.livekit.cloud"
            data-testid="livekit-url"
            onChange={(e) =>
              set((c) => {
                const v = e.target.value.trim();
                if (v) c.livekit.url = v;
                else delete c.livekit.url;
              })
            }
          />
        </Field>
        <Field label="API key">
          <input
            value={draft.livekit.apiKey ?? ''}
            data-testid="livekit-key"
            onChange={(e) =>
              set((c) => {
                const v = e.target.value.trim();
                if (v) c.livekit.apiKey = v;
                else delete c.livekit.apiKey;
              })
            }
          />
        </Field>
        <Field
          label="API secret"
          hint={
            secret === null
              ? 'will be forgotten when you save'
              : view.secret === 'set'
                ? 'set — type a new one to replace it'
                : 'not set'
          }
        >
          <input
            type="password"
            autoComplete="off"
            value={typeof secret === 'string' ? secret : ''}
            data-testid="livekit-secret"
            disabled={view.secretStorage === 'unavailable'}
            onChange={(e) => {
              setSecret(e.target.value === '' ? undefined : e.target.value);
              setSaved(false);
            }}
          />
        </Field>
        {view.secret === 'set' && (
          <button type="button" onClick={() => setSecret(null)} data-testid="forget-secret">
            Forget the secret
          </button>
        )}
        {view.secretStorage === 'plain-text' && (
          <p className="banner warn" role="status" data-testid="secret-plain-text">
            This system has no keyring: the API secret will be kept in plain text in deadair&apos;s data
            folder. Install a keyring (GNOME Keyring, KWallet) or set LIVEKIT_API_SECRET instead.
          </p>
        )}
        {view.secretStorage === 'unavailable' && (
          <p className="banner warn" role="status" data-testid="secret-unavailable">
            This system offers no secure storage for the API secret: set LIVEKIT_API_SECRET in the environment
            deadair starts in.
          </p>
        )}
      </fieldset>

      <fieldset>
        <legend>Alerts</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.alerts.notify}
            data-testid="notify"
            onChange={(e) => set((c) => (c.alerts.notify = e.target.checked))}
          />{' '}
          Desktop notifications
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.alerts.sound}
            data-testid="sound"
            onChange={(e) => set((c) => (c.alerts.sound = e.target.checked))}
          />{' '}
          Spoken alert
        </label>
        <Field label="Alert on">
          <select
            value={draft.alerts.minSeverity}
            onChange={(e) =>
              set((c) => (c.alerts.minSeverity = e.target.value as Config['alerts']['minSeverity']))
            }
          >
            <option value="critical">critical findings</option>
            <option value="warning">warnings and worse</option>
            <option value="info">everything</option>
          </select>
        </Field>
        <p className="muted">
          Causes that alert, and whether out loud (each is still shown in the timeline when off):
        </p>
        <div className="causes" data-testid="cause-toggles">
          {CAUSE_IDS.map((cause: CauseId) => (
            <div className="cause-row" key={cause}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={draft.alerts.causes[cause] !== false}
                  data-cause={cause}
                  onChange={(e) =>
                    set((c) => {
                      if (e.target.checked) delete c.alerts.causes[cause];
                      else c.alerts.causes[cause] = false;
                    })
                  }
                />{' '}
                {CAUSE_WORDS[cause] ?? cause}
              </label>
              <label className="check spoken" title="say it out loud too">
                <input
                  type="checkbox"
                  checked={draft.alerts.spoken[cause] !== false}
                  disabled={draft.alerts.causes[cause] === false || !draft.alerts.sound}
                  data-spoken={cause}
                  onChange={(e) =>
                    set((c) => {
                      if (e.target.checked) delete c.alerts.spoken[cause];
                      else c.alerts.spoken[cause] = false;
                    })
                  }
                />{' '}
                spoken
              </label>
            </div>
          ))}
        </div>
      </fieldset>

      <fieldset>
        <legend>Detectors</legend>
        {DETECTORS.map(([key, label, unit]) => (
          <Field key={key} label={`${label} (${unit})`}>
            <input
              type="number"
              min={0}
              step="any"
              value={Number.isFinite(draft.detectors[key]) ? draft.detectors[key] : ''}
              data-testid={`detector-${key}`}
              onChange={(e) => set((c) => (c.detectors[key] = num(e.target.value)))}
            />
          </Field>
        ))}
      </fieldset>

      <div className="settings-actions">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void save()}
          data-testid="save"
        >
          Save
        </button>
        {saved && (
          <span className="muted" role="status" data-testid="saved">
            Saved: watching with these settings now.
          </span>
        )}
        {error && (
          <p className="error" role="alert" data-testid="settings-error">
            {error}
          </p>
        )}
      </div>
    </section>
  );
}
