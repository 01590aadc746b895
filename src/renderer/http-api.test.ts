// The HTTP transport: the key goes with every request, an answer is unwrapped, and an ApiError or a
// plain-text refusal becomes an error that says what the server said.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpApi } from './http-api.js';

afterEach(() => vi.unstubAllGlobals());

function serve(status: number, body: string) {
  const calls: { url: string; body: string }[] = [];
  vi.stubGlobal('fetch', (url: string, init: { body: string }) => {
    calls.push({ url, body: init.body });
    return Promise.resolve(new Response(body, { status }));
  });
  return calls;
}

describe('httpApi', () => {
  it('posts the channel and its parameters with the key, and unwraps the result', async () => {
    const calls = serve(200, JSON.stringify({ result: { events: [] } }));
    const r = await httpApi('k e y', 'http://h').request('session.events', { session: 'AJ_1', limit: 5 });
    expect(r).toEqual({ events: [] });
    expect(calls).toEqual([
      {
        url: 'http://h/api/call?k=k%20e%20y',
        body: JSON.stringify({ channel: 'session.events', params: { session: 'AJ_1', limit: 5 } }),
      },
    ]);
  });

  it('says what the server said: an ApiError, or a plain-text refusal', async () => {
    serve(400, JSON.stringify({ error: 'buckets must be a number from 1 to 2000' }));
    await expect(httpApi('k').request('version', {})).rejects.toThrow(
      'buckets must be a number from 1 to 2000',
    );
    serve(403, 'forbidden: open the URL deadair printed (it carries the key)\n');
    await expect(httpApi('k').request('version', {})).rejects.toThrow(
      'HTTP 403: forbidden: open the URL deadair printed (it carries the key)',
    );
  });

  it('refuses the tray’s own channels itself: no request, so no failed one in the console', async () => {
    const calls = serve(400, JSON.stringify({ error: 'settings are changed in the tray app' }));
    await expect(httpApi('k').request('settings.get', {})).rejects.toThrow(/tray app/);
    await expect(httpApi('k').request('demo.start', {})).rejects.toThrow(/tray app/);
    expect(calls).toEqual([]);
    // The editor is the host's to say, over HTTP too.
    await httpApi('k')
      .request('editor', {})
      .catch(() => undefined);
    expect(calls.map((c) => JSON.parse(c.body).channel)).toEqual(['editor']);
  });
});
