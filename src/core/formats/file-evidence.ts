// Evidence whose text is read from its file when someone asks for it, not when its line is read.
// The bulk reader (bulk.ts) takes a million user turns of a big log and keeps each one's evidence,
// but only the few that end up in a finding are ever shown: decoding every one as it was read cost
// `analyze` a tenth of its time. A FileEvidence keeps where its record is (file, byte offset,
// length) and a hash of its bytes (scan.ts, `wordHash`), and reads them again — line by line as the
// full path reads a record — the first time its text is asked for. `settle` reads many at once,
// each file opened once (what analyze does before it reports). Made only for a regular file read
// by its own bytes (bulk.ts, `readAhead`): its bytes up to where they were read do not change when
// it grows; if it was replaced or rewritten since, the text says so rather than show other bytes.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Evidence } from '../../shared/types.js';
import { EVIDENCE_MAX } from '../classify.js';
import { stripAnsi } from '../logs/lines.js';
import { recordHash } from './classifier.js';

/** The file evidence is read from, as it was when its lines were read (a rotation replaces it). */
export interface SourceFile {
  path: string;
  dev: number;
  ino: number;
}

export class FileEvidence implements Evidence {
  /** Any were made (in this thread): analyze then settles them before it reports. */
  static made = false;
  /** Its text, once read. */
  private known: string | undefined = undefined;

  constructor(
    readonly file: string,
    readonly line: number,
    readonly offset: number,
    private readonly source: SourceFile,
    /** Its bytes up to its last newline. */
    private readonly length: number,
    private readonly hash: number,
  ) {
    FileEvidence.made = true;
  }

  get text(): string {
    if (this.known === undefined) FileEvidence.settle([this]);
    return this.known as string;
  }

  /** As plain evidence is (what a report or a copy of it holds). */
  plain(): Evidence {
    return { file: this.file, line: this.line, offset: this.offset, text: this.text };
  }

  toJSON(): Evidence {
    return this.plain();
  }

  /** `e` as plain evidence: read, when it is a FileEvidence. */
  static plain(e: Evidence): Evidence {
    return e instanceof FileEvidence ? e.plain() : e;
  }

  /** Reads the text of every FileEvidence among `list` not read yet: each file opened once. */
  static settle(list: Iterable<Evidence>): void {
    const byFile = new Map<SourceFile, FileEvidence[]>();
    for (const e of list) {
      if (!(e instanceof FileEvidence) || e.known !== undefined) continue;
      const those = byFile.get(e.source);
      if (those) those.push(e);
      else byFile.set(e.source, [e]);
    }
    for (const [source, those] of byFile) {
      let fd = -1;
      try {
        fd = openSync(source.path, 'r');
        const st = fstatSync(fd);
        if (st.dev !== source.dev || st.ino !== source.ino) fd = closed(fd);
      } catch {
        fd = closed(fd);
      }
      for (const e of those) e.known = fd < 0 ? gone(source.path) : e.readFrom(fd);
      closed(fd);
    }
  }

  private readFrom(fd: number): string {
    const bytes = Buffer.allocUnsafe(this.length);
    let n = 0;
    try {
      n = readSync(fd, bytes, 0, this.length, this.offset);
    } catch {
      // changed under it: said below
    }
    if (n !== this.length || recordHash(bytes, 0, n) !== this.hash) return gone(this.source.path);
    return textOf(bytes);
  }
}

function closed(fd: number): number {
  if (fd >= 0)
    try {
      closeSync(fd);
    } catch {
      // nothing to do
    }
  return -1;
}

function gone(path: string): string {
  return `(not shown: ${path} changed after it was read)`;
}

/**
 * A record's text from its bytes, as the full path makes it: each line without its trailing CR and
 * colour codes (LazyLine), joined by newlines (evidenceOf), capped. (Decoded at once: a \n byte is
 * never part of a UTF-8 character, so a broken one before it is replaced as line by line.)
 */
function textOf(bytes: Buffer): string {
  const lines = bytes.toString('utf8').split('\n');
  let text = '';
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i] as string;
    if (l.charCodeAt(l.length - 1) === 13) l = l.slice(0, -1);
    text += (i === 0 ? '' : '\n') + stripAnsi(l);
  }
  return text.length > EVIDENCE_MAX ? text.slice(0, EVIDENCE_MAX) + '…' : text;
}
