// A small voice agent written the way users write one with @livekit/agents (agents-js), run the way
// they run it: `node node-agent.mjs start` (JSON logs) or `dev` (pretty logs), with LIVEKIT_URL,
// LIVEKIT_API_KEY and LIVEKIT_API_SECRET set. Its inference STT, LLM and TTS go to
// LIVEKIT_INFERENCE_URL (the tests' gateway stand-in). Explicit dispatch: it joins the rooms whose
// token names E2E_AGENT_NAME.
import { fileURLToPath } from 'node:url';
import { cli, defineAgent, inference, ServerOptions, voice } from '@livekit/agents';

export default defineAgent({
  entry: async (ctx) => {
    await ctx.connect();
    const session = new voice.AgentSession({
      stt: new inference.STT({ model: 'deepgram/nova-3', language: 'en' }),
      llm: new inference.LLM({ model: 'openai/gpt-4.1-mini' }),
      tts: new inference.TTS({ model: 'cartesia/sonic-3', voice: 'test-voice' }),
      turnHandling: { turnDetection: 'stt' },
    });
    await session.start({
      agent: new voice.Agent({ instructions: 'You are a helpful voice agent. Answer briefly.' }),
      room: ctx.room,
    });
  },
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  cli.runApp(
    new ServerOptions({
      agent: fileURLToPath(import.meta.url),
      agentName: process.env.E2E_AGENT_NAME ?? 'e2e-node',
      // One warm job process is enough here; the default warms several on a 2-core machine.
      numIdleProcesses: 1,
      // The worker's load is the machine's CPU by default, and the test machines are shared and
      // busy: at 0.7 or more the server (target load 0.7) dispatches the job to no one ("no servers
      // available"). This worker serves one test call at a time: report it idle.
      loadFunc: async () => 0,
      // A health-check port of its own, not the default 8081 (several workers may run at once).
      port: Number(process.env.E2E_HEALTH_PORT) || undefined,
    }),
  );
}
