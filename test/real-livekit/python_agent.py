"""A small voice agent written the way users write one with livekit-agents (Python), run the way
they run it: `python python_agent.py start` (JSON logs) or `dev` (coloured text), with
LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET set. Its inference STT, LLM and TTS go to
LIVEKIT_INFERENCE_URL (the tests' gateway stand-in). Explicit dispatch: it joins the rooms whose
token names E2E_AGENT_NAME.
"""

from __future__ import annotations

import os

from livekit.agents import Agent, AgentServer, AgentSession, JobContext, cli, inference

server = AgentServer(
    # One warm job process is enough here; the default warms one per CPU.
    num_idle_processes=1,
    # A health-check port of its own, not the default 8081 (several workers may run at once).
    port=int(os.environ.get("E2E_HEALTH_PORT", "0")),
    # The load is the machine's CPU by default, and the test machines are shared and busy: past
    # the server's target load it dispatches the job to no one. This worker serves one test call.
    load_fnc=lambda: 0.0,
)


@server.rtc_session(agent_name=os.environ.get("E2E_AGENT_NAME", "e2e-python"))
async def entrypoint(ctx: JobContext) -> None:
    session = AgentSession(
        stt=inference.STT("deepgram/nova-3", language="en"),
        llm=inference.LLM("openai/gpt-4.1-mini"),
        tts=inference.TTS("cartesia/sonic-3", voice="test-voice"),
        turn_handling={"turn_detection": "stt"},
    )
    await session.start(
        agent=Agent(instructions="You are a helpful voice agent. Answer briefly."),
        room=ctx.room,
    )


if __name__ == "__main__":
    cli.run_app(server)
