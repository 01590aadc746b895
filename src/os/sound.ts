// Plays a bundled spoken alert through the platform's own player, trying each in turn:
// macOS afplay; Windows PowerShell's SoundPlayer; Linux paplay (PulseAudio / PipeWire), then
// aplay (ALSA), then ffplay / play. Which commands to try is a plain function of the platform.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AlertClip } from '../core/causes.js';

export interface PlayerCommand {
  cmd: string;
  args: string[];
}

/** The commands that can play a WAV file here, best first. `alsaDevice` picks an ALSA device. */
export function playerCommands(
  platform: NodeJS.Platform,
  file: string,
  alsaDevice?: string,
): PlayerCommand[] {
  switch (platform) {
    case 'darwin':
      return [{ cmd: 'afplay', args: [file] }];
    case 'win32':
      return [
        {
          cmd: 'powershell',
          args: [
            '-NoProfile',
            '-NonInteractive',
            '-Command',
            `(New-Object Media.SoundPlayer '${file.replace(/'/g, "''")}').PlaySync()`,
          ],
        },
      ];
    default: {
      const aplay: PlayerCommand = {
        cmd: 'aplay',
        args: ['-q', ...(alsaDevice ? ['-D', alsaDevice] : []), file],
      };
      // A chosen ALSA device means ALSA: the sound server would ignore it.
      if (alsaDevice) return [aplay];
      return [
        { cmd: 'paplay', args: [file] },
        aplay,
        { cmd: 'ffplay', args: ['-nodisp', '-autoexit', '-loglevel', 'quiet', file] },
        { cmd: 'play', args: ['-q', file] },
      ];
    }
  }
}

/** Where the bundled clips are: resources/sounds next to the package root. */
export function clipPath(clip: AlertClip, root = fileURLToPath(new URL('../', import.meta.url))): string {
  // From bin/deadair.js and from src/os/sound.ts alike, the package root is one or two levels up.
  for (const base of [root, fileURLToPath(new URL('../../', import.meta.url))]) {
    const p = `${base}resources/sounds/${clip}.wav`;
    if (existsSync(p)) return p;
  }
  return `${root}resources/sounds/${clip}.wav`;
}

export interface PlayResult {
  ok: boolean;
  /** The player that played it, or why nothing could. */
  detail: string;
}

/** Plays a file to completion with the first player that works. Never throws. */
export async function playFile(
  file: string,
  opts: { platform?: NodeJS.Platform; alsaDevice?: string } = {},
): Promise<PlayResult> {
  if (!existsSync(file)) return { ok: false, detail: `sound file missing: ${file}` };
  const tried: string[] = [];
  for (const c of playerCommands(opts.platform ?? process.platform, file, opts.alsaDevice)) {
    const code = await new Promise<number | 'missing'>((resolve) => {
      const child = spawn(c.cmd, c.args, { stdio: 'ignore' });
      child.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ENOENT' ? 'missing' : 1));
      child.on('exit', (status) => resolve(status ?? 1));
    });
    if (code === 0) return { ok: true, detail: c.cmd };
    tried.push(code === 'missing' ? `${c.cmd} (not installed)` : `${c.cmd} (exit ${code})`);
  }
  return { ok: false, detail: `no audio player worked: tried ${tried.join(', ')}` };
}
