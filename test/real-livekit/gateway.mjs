// A local stand-in for the LiveKit inference gateway for agents that run a whole call: the LLM
// (OpenAI-compatible chat completions, with the outcome a scenario asks for) and working STT and
// TTS websockets speaking the gateway's protocol (agents-js inference/stt.js, tts.js), so a real
// agent hears a real caller and answers with real audio.
//
// STT: the audio the agent streams (`input_audio`, base64 s16le at the session's sample rate) is
// measured, not recognised: speech is audio louder than a threshold; after `endOfSpeechMs` of quiet
// the gateway sends `start_of_speech`… `final_transcript` with the next scripted utterance (the
// caller's lines, in order). TTS: each `input_transcript` is answered with `output_audio` — a
// quiet tone 40 ms per character (at most 2.5 s) — and `session.flush` with `done`.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { QUOTA_BODIES } from '../real-agents/gateway.mjs';

/**
 * llm: 'ok' | 'credits' | 'ratelimit' | 'ratelimit-recovers' (429 for the first `rateLimited`
 *      requests, then answers) | '500' | '401' | 'hang' (200 event stream, keep-alives only).
 * transcripts: what the STT "hears", one per utterance (the last one repeats).
 */
export function startGateway({
  llm = 'ok',
  rateLimited = 2,
  transcripts = ['Hello, can you hear me?'],
  endOfSpeechMs = 500,
  threshold = 400,
} = {}) {
  const requests = [];
  const held = new Set();
  const llmRequests = () => requests.filter((r) => r.url?.includes('/chat/completions')).length;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, at: Date.now() });
      if (!req.url?.includes('/chat/completions')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
        return;
      }
      const rid = `req_${requests.length}`;
      const json = (status, obj) =>
        res
          .writeHead(status, { 'content-type': 'application/json', 'x-request-id': rid })
          .end(JSON.stringify(obj));
      if (llm === 'credits' || llm === 'ratelimit') return json(429, QUOTA_BODIES[llm]);
      if (llm === 'ratelimit-recovers' && llmRequests() <= rateLimited)
        return json(429, QUOTA_BODIES.ratelimit);
      if (llm === '500')
        return json(500, { error: { message: 'upstream model failed', type: 'server_error' } });
      if (llm === '401')
        return json(401, { error: { message: 'invalid token: signature mismatch', type: 'unauthorized' } });
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': rid });
      if (llm === 'hang') {
        held.add(req.socket);
        res.write(': keep-alive\n\n');
        const ping = setInterval(() => res.write(': keep-alive\n\n'), 2000);
        res.on('close', () => clearInterval(ping));
        return;
      }
      const chunk = (choices, usage = null) =>
        `data: ${JSON.stringify({ id: `chatcmpl-${rid}`, object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1-mini', choices, usage })}\n\n`;
      res.write(
        chunk([{ index: 0, delta: { role: 'assistant', content: 'Yes, I hear you.' }, finish_reason: null }]),
      );
      res.write(chunk([{ index: 0, delta: { content: ' How can I help?' }, finish_reason: null }]));
      res.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
      res.write(chunk([], { prompt_tokens: 24, completion_tokens: 8, total_tokens: 32 }));
      res.end('data: [DONE]\n\n');
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  let utterance = 0;
  const heard = [];
  server.on('upgrade', (req, socket, head) => {
    requests.push({ method: 'UPGRADE', url: req.url, at: Date.now() });
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (req.url?.startsWith('/v1/stt')) stt(ws);
      else tts(ws);
    });
  });

  function stt(ws) {
    const session = `stt_${requests.length}`;
    let rate = 16000;
    let at = 0; // seconds of audio received
    let speechStart = -1;
    let lastLoud = -1;
    const finish = () => {
      if (speechStart < 0) return;
      const text = transcripts[Math.min(utterance, transcripts.length - 1)];
      utterance++;
      heard.push({ text, at: Date.now() });
      const words = text
        .split(/\s+/)
        .map((word, i) => ({ word, start: speechStart + i * 0.3, end: speechStart + i * 0.3 + 0.25 }));
      send({
        type: 'final_transcript',
        session_id: session,
        transcript: text,
        language: 'en',
        start: speechStart,
        duration: lastLoud - speechStart,
        confidence: 0.98,
        words,
      });
      speechStart = -1;
    };
    const send = (o) => ws.readyState === 1 && ws.send(JSON.stringify(o));
    ws.on('message', (data) => {
      let msg;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (msg.type === 'session.create') {
        rate = Number(msg.settings?.sample_rate) || 16000;
        send({ type: 'session.created', session_id: session });
      } else if (msg.type === 'input_audio') {
        const pcm = Buffer.from(msg.audio, 'base64');
        const n = Math.floor(pcm.length / 2);
        let sum = 0;
        for (let i = 0; i < n; i++) sum += pcm.readInt16LE(i * 2) ** 2;
        const rms = n ? Math.sqrt(sum / n) : 0;
        const t = at;
        at += n / rate;
        if (rms > threshold) {
          if (speechStart < 0) {
            speechStart = t;
            send({ type: 'start_of_speech' });
          }
          lastLoud = at;
          if (speechStart >= 0)
            send({
              type: 'interim_transcript',
              session_id: session,
              transcript: '…',
              language: 'en',
              start: speechStart,
              duration: at - speechStart,
              confidence: 0.5,
              words: [],
            });
        } else if (speechStart >= 0 && at - lastLoud >= endOfSpeechMs / 1000) finish();
      } else if (msg.type === 'session.finalize') {
        finish();
        send({ type: 'session.finalized' });
      } else if (msg.type === 'session.close') {
        // No `session.closed` reply: agents-js 1.9 may already have closed the stream it queues
        // server events on, and a message then trips a Node assertion that kills the job process.
        ws.close();
      }
    });
  }

  function tts(ws) {
    const session = `tts_${requests.length}`;
    let rate = 16000;
    const send = (o) => ws.readyState === 1 && ws.send(JSON.stringify(o));
    ws.on('message', (data) => {
      let msg;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (msg.type === 'session.create') {
        rate = Number(msg.sample_rate) || 16000;
        send({ type: 'session.created', session_id: session });
      } else if (msg.type === 'input_transcript') {
        const seconds = Math.min(2.5, 0.04 * String(msg.transcript ?? '').length);
        const n = Math.round(seconds * rate);
        const pcm = Buffer.alloc(n * 2);
        for (let i = 0; i < n; i++)
          pcm.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 220 * i) / rate)), i * 2);
        const step = Math.round(rate / 10) * 2; // 100 ms per message
        for (let off = 0; off < pcm.length; off += step)
          send({
            type: 'output_audio',
            session_id: session,
            audio: pcm.subarray(off, off + step).toString('base64'),
          });
      } else if (msg.type === 'session.flush') {
        send({ type: 'done', session_id: session });
      } else if (msg.type === 'session.close') {
        send({ type: 'session.closed', session_id: session });
        ws.close();
      }
    });
  }

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/v1`,
        requests,
        /** What the STT reported hearing, in order. */
        heard,
        llmRequests,
        close: () =>
          new Promise((r) => {
            for (const c of wss.clients) c.terminate();
            for (const s of held) s.destroy();
            server.close(() => r(undefined));
            server.closeAllConnections();
          }),
      });
    });
  });
}
