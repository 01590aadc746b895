// The one composition both shells start: lines → FileParser (per file) → AgentEvents →
// SessionTracker (sessions + detectors) → findings. Sources and sinks are plugged in by the caller.

import type { AgentEvent, FormatId } from '../shared/events.js';
import type { Finding, SessionSummary } from '../shared/types.js';
import { FileParser } from './formats/parser.js';
import type { RawLine } from './logs/types.js';
import { SessionTracker, type Change } from './tracker.js';

export interface PipelineOptions {
  /** Force a format for every file (`--format`). */
  format?: FormatId;
  /** The date to give time-of-day-only lines of a file (default: now). */
  baseTime?: (file: string) => number;
  onEvent?: (ev: AgentEvent) => void;
  /** A finding appeared (`created`) or its severity rose (`escalated`). */
  onFinding?: (f: Finding, how: 'created' | 'escalated') => void;
}

export interface FileStats {
  file: string;
  lines: number;
  /** Lines per format: the most frequent is the file's format. */
  formats: Partial<Record<FormatId, number>>;
}

export class Pipeline {
  readonly tracker = new SessionTracker();
  private readonly parsers = new Map<string, FileParser>();
  private readonly lineCounts = new Map<string, number>();
  events = 0;
  lines = 0;
  private readonly emit = (ev: AgentEvent): void => {
    this.events++;
    this.opts.onEvent?.(ev);
    const change = this.tracker.ingest(ev);
    if (change.created.length > 0 || change.escalated.length > 0) this.report(change);
  };

  constructor(private readonly opts: PipelineOptions = {}) {}

  /** Feed a batch of lines (from one or several files, in order per file). */
  push(lines: readonly RawLine[]): void {
    let parser: FileParser | undefined;
    let file = '';
    let run = 0;
    for (const line of lines) {
      if (line.file !== file) {
        if (run > 0) this.lineCounts.set(file, (this.lineCounts.get(file) ?? 0) + run);
        file = line.file;
        parser = this.parserFor(file);
        run = 0;
      }
      run++;
      (parser as FileParser).push(line, this.emit);
    }
    if (run > 0) this.lineCounts.set(file, (this.lineCounts.get(file) ?? 0) + run);
    this.lines += lines.length;
  }

  /** The source has no more bytes of this file for now: complete any held multi-line record. */
  drained(file: string): void {
    this.parsers.get(file)?.flush(this.emit);
  }

  /** End of input: complete every held record. */
  end(): void {
    for (const p of this.parsers.values()) p.flush(this.emit);
  }

  sessions(): SessionSummary[] {
    return this.tracker.summaries();
  }

  files(): FileStats[] {
    return [...this.parsers.values()].map((p) => ({
      file: p.file,
      lines: this.lineCounts.get(p.file) ?? 0,
      formats: Object.fromEntries(p.formatCounts),
    }));
  }

  private parserFor(file: string): FileParser {
    let p = this.parsers.get(file);
    if (!p) {
      p = new FileParser(file, { format: this.opts.format, baseTime: this.opts.baseTime?.(file) });
      this.parsers.set(file, p);
    }
    return p;
  }

  private report(change: Change): void {
    const cb = this.opts.onFinding;
    if (!cb) return;
    for (const f of change.created) cb(f, 'created');
    for (const f of change.escalated) if (!change.created.includes(f)) cb(f, 'escalated');
  }
}
