import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { notifyFailure } from './notify.js';

const failing = (args: string[]) =>
  new Promise<Error>((resolve) => execFile('sh', args, (err) => resolve(err as Error)));

describe('notifyFailure', () => {
  it('says which notifier failed and how, in one line without the alert text', async () => {
    const err = await failing([
      '-c',
      'echo "Cannot autolaunch D-Bus" >&2; exit 1',
      'Out of credits',
      'room x',
    ]);
    const line = notifyFailure(err);
    expect(line).toBe(
      'desktop notification failed: sh exited with status 1 (is a notification service running in this session? --no-notify to silence this)',
    );
    expect(line).not.toContain('Out of credits');
  });

  it('reads errors of other shapes too', () => {
    expect(notifyFailure(new Error('spawn notify-send ENOENT'))).toBe(
      'desktop notification failed: spawn notify-send ENOENT',
    );
    expect(notifyFailure('weird')).toBe('desktop notification failed: weird');
  });
});
