// The contract between log sources (which read bytes from files) and parsers (which read lines).

/** One line of a log file, as read. */
export interface RawLine {
  /** Absolute path of the file the line was read from. */
  file: string;
  /** 1-based line number within the file's current incarnation (restarts after rotation/truncation). */
  line: number;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
  /**
   * The decoded text: invalid UTF-8 replaced by U+FFFD, trailing CR removed, ANSI SGR/CSI escape
   * sequences removed. Never contains '\n'.
   */
  text: string;
  /** The line was longer than the cap and was cut; `text` ends with a marker. */
  truncated?: boolean;
}

/** A problem with one source. The source keeps going where it can; others are unaffected. */
export interface SourceProblem {
  /** The path (or pattern) concerned. */
  path: string;
  /** One line a human understands, e.g. "cannot read /var/log/agent.log: permission denied". */
  message: string;
  /** The errno-style code when there is one (ENOENT, EACCES, EISDIR …). */
  code?: string;
}

/** Where reading of one file stands: enough to resume exactly there after a restart. */
export interface SourcePosition {
  file: string;
  /** Device and inode, to tell a rotated-in file from the one we were reading. */
  dev: number;
  ino: number;
  /** Bytes consumed (always at a line boundary). */
  offset: number;
  /** Lines consumed. */
  line: number;
  /** What is added to the file's local times (its agent's zone: formats/zone.ts), when not 0. */
  zoneShiftMs?: number;
}
