// A local stand-in for the LiveKit inference gateway, on 127.0.0.1: answers the framework's
// inference LLM (OpenAI-compatible chat completions), STT and TTS websockets with the outcome a
// scenario asks for — the quota 429 bodies of livekit/agents PR #6012, a 500, a 401, or success.
import { createServer } from 'node:http';

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
 * llm: 'credits' | 'ratelimit' | 'ratelimit-recovers' | '500' | '401' | 'ok';
 * stt / tts websockets: the HTTP status to refuse the upgrade with (e.g. 429), or undefined to accept.
 */
export function startGateway({ llm = 'ok', sttStatus = 429, ttsStatus = 429 } = {}) {
  const requests = [];
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
      `HTTP/1.1 ${status} ${status === 429 ? 'Too Many Requests' : 'Error'}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`,
    );
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/v1`,
        requests,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}
