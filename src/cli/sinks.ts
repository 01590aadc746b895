// Where alerts go in the terminal shell: a desktop notification (node-notifier) and a spoken clip
// (the OS audio player), one at a time, each kind of failure of a sink said once.

import type { Alert } from '../core/alerts.js';
import type { CauseId } from '../shared/types.js';
import type { Io } from './common.js';
import { notifyDesktop, prepareNotifier, releaseNotifications } from './notify.js';
import { openUrl } from '../os/open.js';
import { clipPath, playFile } from '../os/sound.js';

export class AlertSinks {
  private queue: Promise<void> = Promise.resolve();
  private readonly pending = new Set<Promise<void>>();
  private readonly reported = new Set<string>();
  constructor(
    private readonly io: Io,
    private readonly on: {
      notify: boolean;
      sound: boolean;
      /** Causes whose spoken clip is off (`alerts.spoken`): alerted by notification only. */
      spoken?: Partial<Record<CauseId, boolean>>;
      /** The timeline's link for an alert (with `--ui`): in `--json`, and what a click opens. */
      link?: (alert: Alert) => string | undefined;
    },
  ) {
    if (on.notify) prepareNotifier();
  }
  raise(alert: Alert, json: boolean): void {
    const link = this.on.link?.(alert);
    if (json)
      this.io.out.write(
        JSON.stringify({
          type: 'alert',
          id: alert.id,
          cause: alert.finding.cause,
          session: alert.finding.session,
          title: alert.title,
          body: alert.body,
          clip: alert.clip,
          ...(link ? { link } : {}),
        }) + '\n',
      );
    const bench = this.io.env.DEADAIR_BENCH === '1';
    if (this.on.notify) {
      if (bench) this.io.err.write(`deadair-bench notify ${alert.id} ${Date.now()}\n`);
      const sent = notifyDesktop(alert, {
        link,
        open: (url) => openUrl(url, this.io.env, (line) => this.problem(line)),
      }).then((p) => this.problem(p));
      this.pending.add(sent);
      void sent.finally(() => this.pending.delete(sent));
    }
    if (this.on.sound && this.on.spoken?.[alert.finding.cause] !== false) {
      // Clips play one after another; a notification never waits for them, nor they for it.
      this.queue = this.queue.then(async () => {
        if (bench) this.io.err.write(`deadair-bench sound ${alert.id} ${Date.now()}\n`);
        const r = await playFile(clipPath(alert.clip), {
          alsaDevice: this.io.env.DEADAIR_ALSA_DEVICE || undefined,
        });
        if (!r.ok) this.problem(`spoken alert not played: ${r.detail} (--no-sound to silence this)`);
      });
    }
  }
  /** Reports each kind of sink failure once. */
  private problem(p: string | undefined): void {
    if (p && !this.reported.has(p)) {
      this.reported.add(p);
      this.io.err.write(`deadair: ${p}\n`);
    }
  }
  async idle(): Promise<void> {
    await Promise.all([...this.pending]);
    await this.queue;
    releaseNotifications();
  }
}
