"""A plain livekit-agents app, run with the framework's own CLI: `python agent.py console --text`.

The LLM is `inference.LLM` pointed at the local gateway stand-in (DEADAIR_GATEWAY_URL); the
session is whatever the console gives it (text mode: no audio I/O). Metrics are logged as
LiveKit's examples do. Nothing here touches logging: the console's RichLoggingHandler
(cli/_legacy.py, `_configure_logger`) is installed by `console` itself.
"""

from __future__ import annotations

import os

from livekit.agents import (
    Agent,
    AgentServer,
    AgentSession,
    JobContext,
    MetricsCollectedEvent,
    cli,
    inference,
    metrics,
)

os.environ.setdefault("LIVEKIT_API_KEY", "devkey")
os.environ.setdefault("LIVEKIT_API_SECRET", "devsecret-devsecret-devsecret-devsecret")

server = AgentServer()


class Assistant(Agent):
    def __init__(self) -> None:
        super().__init__(instructions="You are a helpful voice agent. Keep your answers short.")


@server.rtc_session()
async def entrypoint(ctx: JobContext) -> None:
    gateway = os.environ["DEADAIR_GATEWAY_URL"]
    session = AgentSession(llm=inference.LLM("openai/gpt-4.1-mini", base_url=gateway))

    @session.on("metrics_collected")
    def _on_metrics_collected(ev: MetricsCollectedEvent) -> None:
        metrics.log_metrics(ev.metrics)

    await session.start(agent=Assistant(), room=ctx.room)


if __name__ == "__main__":
    cli.run_app(server)
