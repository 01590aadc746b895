// JSON-per-line formats: agents-js production logs (pino: numeric `level`, epoch-ms `time`, `msg`
// last, job bindings `jobID` / `room_id`, errors through pino's serializer) and livekit-agents
// production logs (the framework's JSON formatter: `message`, `level` name, `name`, `exc_info`,
// extras, ISO `timestamp`). Other JSON loggers are read by the same common key names.

import type { FormatId } from '../../shared/events.js';
import type { RawLine } from '../logs/types.js';
import { contextFromFields, isRecord, levelOf, timeOf, type LogRecord } from './record.js';

export function parseJsonLine(line: RawLine, text: string): LogRecord | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(obj)) return undefined;
  const pinoLike = typeof obj.level === 'number' || typeof obj.msg === 'string';
  const format: FormatId = pinoLike ? 'pino-json' : 'python-json';
  const rawMessage = obj.msg ?? obj.message ?? obj.event ?? obj.text;
  const message = typeof rawMessage === 'string' ? rawMessage : rawMessage === undefined ? '' : String(rawMessage);
  const record: LogRecord = {
    format,
    time: timeOf(obj.time ?? obj.timestamp ?? obj.ts ?? obj.asctime ?? obj['@timestamp']),
    level: levelOf(obj.level ?? obj.levelname ?? obj.severity),
    message,
    fields: obj,
    ctx: contextFromFields(obj),
    line,
  };
  const logger = obj.name ?? obj.logger;
  if (typeof logger === 'string') record.logger = logger;
  return record;
}
