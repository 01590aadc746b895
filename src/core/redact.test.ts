import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { jsonErrorWhere, shownUrl } from './redact.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('secrets in error lines', () => {
  it('masks credentials and tokens in every URL of a text', () => {
    expect(shownUrl('wss://APIkey:s3cr3tS3cr3t@my.livekit.cloud/rtc')).toBe('wss://***@my.livekit.cloud/rtc');
    expect(shownUrl('cannot reach LiveKit at https://u:p@h:7880/x?access_token=eyJabc&v=1: refused')).toBe(
      'cannot reach LiveKit at https://***@h:7880/x?access_token=***&v=***: refused',
    );
    expect(shownUrl('ws://localhost:7880')).toBe('ws://localhost:7880');
  });

  it('describes a settings file that is not JSON by place, never by a quote of it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deadair-redact-'));
    const file = join(dir, 'config.json');
    const secret = 'Zx9SuperSecretValue123';
    writeFileSync(file, `{\n  "livekit": { 'apiSecret': '${secret}' }\n}\n`);
    let message = '';
    try {
      loadConfig(file, true);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/is not valid JSON/);
    expect(message).toMatch(/double quotes/);
    for (let n = 3; n <= secret.length; n++) expect(message).not.toContain(secret.slice(0, n));
    expect(message).not.toContain('apiSecret');
  });

  it('says where JSON breaks when the parser says', () => {
    const text = '{\n  "a": 1,\n  x\n}';
    let m = '';
    try {
      JSON.parse(text);
    } catch (e) {
      m = (e as Error).message;
    }
    expect(jsonErrorWhere(m, text)).not.toContain('"a"');
  });

  it('does not echo a URL’s credentials or an API key given where a string must be', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deadair-redact-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ livekit: { url: 'ftp://k:verysecret@host', apiSecret: 12345678 } }));
    expect(() => loadConfig(file, true)).toThrow(
      /livekit.url must be a wss:\/\/ or ws:\/\/ URL \(got "ftp:\/\/\*\*\*@host"\)/,
    );
    writeFileSync(file, JSON.stringify({ livekit: { apiSecret: 12345678 } }));
    expect(() => loadConfig(file, true)).toThrow(/apiSecret must be an API secret \(got something else\)/);
  });
});
