// A local stand-in for the LiveKit inference gateway, on 127.0.0.1: answers the framework's
// inference LLM (OpenAI-compatible chat completions), STT and TTS websockets with the outcome a
// scenario asks for — the quota 429 bodies of livekit/agents PR #6012, a 500, a 401, or success.
import { STATUS_CODES, createServer } from 'node:http';

export const QUOTA_BODIES = {
  credits: {
    type: 'inference_quota_exceeded',
    error: 'LLM token credit quota exceeded, category: MaxGatewayCredits',
    hint: 'Your project is out of LiveKit Inference credits. Upgrade your plan or wait for the next billing cycle.',
    quota_type: 'llm',
    category: 'MaxGatewayCredits',
    remaining_limit: '0',
  },
  ratelimit: {
    type: 'inference_quota_exceeded',
    error: 'LLM requests per minute quota exceeded, category: MaxConcurrentGatewayLLMRpm',
    hint: 'Too many concurrent LLM requests; retry in about a minute.',
    quota_type: 'llm',
    category: 'MaxConcurrentGatewayLLMRpm',
    remaining_limit: '0',
  },
};

/**
 * llm: 'credits' | 'ratelimit' | 'ratelimit-recovers' | '500' | '401' | 'ok', or one of the modes
 * the Python recordings use:
 *   'ok-usage'    a streamed completion that starts after `firstTokenMs` (default 250) and ends with
 *                 a usage chunk, as the real gateway answers `stream_options.include_usage`;
 *   'hang'        accepts the request (200, event stream) and never sends a token, only SSE comment
 *                 keep-alives every 2 s, until the client goes away: no error, no reply;
 *   'no-response' reads the request and never answers at all (no status line): the client times out.
 * stt / tts websockets: the HTTP status to refuse the upgrade with (e.g. 429), or undefined to accept.
 */
export function startGateway({ llm = 'ok', sttStatus = 429, ttsStatus = 429, firstTokenMs = 250 } = {}) {
  const requests = [];
  // Sockets held open by 'hang' and 'no-response': close() must not wait for them.
  const held = new Set();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url });
      if (!req.url?.includes('/chat/completions')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
        return;
      }
      const json = (status, obj) =>
        res
          .writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${requests.length}` })
          .end(JSON.stringify(obj));
      if (llm === 'credits' || llm === 'ratelimit') return json(429, QUOTA_BODIES[llm]);
      // Rate limited for the first two requests, then answering: a session that recovers.
      if (
        llm === 'ratelimit-recovers' &&
        requests.filter((r) => r.url?.includes('/chat/completions')).length <= 2
      )
        return json(429, QUOTA_BODIES.ratelimit);
      if (llm === '500')
        return json(500, { error: { message: 'upstream model failed', type: 'server_error' } });
      if (llm === '401')
        return json(401, { error: { message: 'invalid token: signature mismatch', type: 'unauthorized' } });
      if (llm === 'no-response' || llm === 'hang') held.add(req.socket);
      if (llm === 'no-response') return; // the socket stays open; the client's timeout ends it
      if (llm === 'hang') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': `req_${requests.length}` });
        res.write(': keep-alive\n\n');
        const ping = setInterval(() => res.write(': keep-alive\n\n'), 2000);
        res.on('close', () => clearInterval(ping));
        return;
      }
      if (llm === 'ok-usage') return streamWithUsage(res, `req_${requests.length}`, firstTokenMs);
      // A real streamed completion.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': `req_${requests.length}` });
      const chunk = (delta, finish = null) =>
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: 'Hello' }));
      res.write(chunk({ content: ', how can I help?' }));
      res.write(chunk({}, 'stop'));
      res.end('data: [DONE]\n\n');
    });
  });
  // Websocket handshakes (STT / TTS): refuse the upgrade with a bare status, as the gateway does.
  server.on('upgrade', (req, socket) => {
    requests.push({ method: 'UPGRADE', url: req.url });
    const status = req.url?.startsWith('/v1/stt') ? sttStatus : ttsStatus;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`,
    );
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/v1`,
        requests,
        close: () =>
          new Promise((r) => {
            server.close(r);
            for (const s of held) s.destroy();
          }),
      });
    });
  });
}

// A streamed chat completion the way the gateway sends one when `stream_options.include_usage` is
// set: the first token after `firstTokenMs`, the text in a few chunks, then a usage-only chunk.
function streamWithUsage(res, requestId, firstTokenMs) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': requestId });
  const id = `chatcmpl-${requestId}`;
  const chunk = (choices, usage = null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1-mini', choices, usage })}\n\n`;
  const pieces = ['Hello', ', how', ' can I', ' help?'];
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    if (i < pieces.length) {
      const delta = i === 0 ? { role: 'assistant', content: pieces[i] } : { content: pieces[i] };
      res.write(chunk([{ index: 0, delta, finish_reason: null }]));
      i++;
      setTimeout(next, 20);
      return;
    }
    res.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
    res.write(chunk([], { prompt_tokens: 24, completion_tokens: 7, total_tokens: 31 }));
    res.end('data: [DONE]\n\n');
  };
  setTimeout(next, firstTokenMs);
}
