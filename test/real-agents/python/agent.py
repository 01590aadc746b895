"""Runs one scenario with the REAL livekit-agents (Python) framework and lets it log to stdout
exactly as a deployed agent does. Usage:

    python agent.py <scenario> <json|dev> <LEVEL> <gateway_url>

`json` is what `python agent.py start` prints (the framework's JsonFormatter), `dev` what
`python agent.py dev` prints (its ColoredFormatter); both are installed with the framework's own
`livekit.agents.cli.log.setup_logging`, called with the arguments `cli._run_worker` passes.

There is no LiveKit server, so the worker is the framework's own `AgentServer`, run the way the
console and `connect` commands run it (`server.run(devmode=..., unregistered=True)`): it starts its
process pool, and the job is handed to `ProcPool.launch_job` with the `RunningJobInfo` the worker
builds when the server assigns it one (`worker.py`, `_on_accept`). The job runs in a real job
process (`ipc/job_proc_lazy_main.py`); the supervisor in the worker re-logs each of its records
with `pid`, `job_id`, `room`, `room_id` stamped on (`ipc/supervised_proc.py`). The only
difference from a dispatched job is `fake_job=True`, which gives the job the framework's mock room
(the one `console` uses) instead of a room connection; the session therefore runs text-only, with
no room I/O: the LLM is `inference.LLM` pointed at the local gateway stand-in, and user turns are
pushed with `session.generate_reply(user_input=...)`, the call the framework's own text input
makes (`room_io/types.py`, `_default_text_input_cb`).

Two scenarios need audio, and get it the way the framework takes custom I/O without a room (set on
`session.input.audio` / `session.output.audio` before `start()`; `AgentSession.start` builds no
RoomIO when no room is given): `stt-429` streams a microphone (`MicInput`, real-time 16 kHz
frames) to `inference.STT`, and `tts-error` plays the agent's replies on a speaker (`Speaker`) fed
by `inference.TTS`; both point at the same gateway stand-in.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

from livekit.agents import (
    Agent,
    AgentServer,
    AgentSession,
    APIConnectOptions,
    JobContext,
    JobExecutorType,
    JobProcess,
    MetricsCollectedEvent,
    inference,
    metrics,
)
from livekit.agents.voice import io
from livekit.agents.voice.agent_session import SessionConnectOptions
from livekit import rtc

SCENARIOS = (
    "hang",
    "llm-timeout",
    "healthy-metrics",
    "info-only",
    "two-sessions",
    "credits",
    "llm-401",
    "llm-500",
    "stt-429",
    "tts-error",
)


def _new_session(
    llm_conn_options: APIConnectOptions | None = None,
    *,
    log_metrics: bool = True,
    stt: bool = False,
    tts: bool = False,
) -> AgentSession:
    gateway = os.environ["DEADAIR_GATEWAY_URL"]
    llm = inference.LLM("openai/gpt-4.1-mini", base_url=gateway)
    kwargs = {}
    if llm_conn_options is not None:
        kwargs["conn_options"] = SessionConnectOptions(llm_conn_options=llm_conn_options)
    if stt:
        kwargs["stt"] = inference.STT("deepgram/nova-3", language="en", base_url=gateway)
    if tts:
        kwargs["tts"] = inference.TTS("cartesia/sonic-3", voice="test-voice", base_url=gateway)
    session = AgentSession(llm=llm, **kwargs)

    if log_metrics:
        # As LiveKit's examples do.
        @session.on("metrics_collected")
        def _on_metrics_collected(ev: MetricsCollectedEvent) -> None:
            metrics.log_metrics(ev.metrics)

    return session


def prewarm(proc: JobProcess) -> None:
    """Runs in each job process before it takes a job (the `setup_fnc` / prewarm hook).

    The fake job's mock room (`ipc/mock_room.py`, cached) is built with unittest.mock, which takes
    0.1-0.7 s of CPU; built here, outside the job's event loop, it stays out of the recordings,
    where the framework's loop monitor would otherwise report it as `event loop blocked ...
    importing difflib` / `create_autospec`. A real room has no such cost."""
    from livekit.agents.ipc.mock_room import create_mock_room

    create_mock_room()


class MicInput(io.AudioInput):
    """A microphone without a room: 20 ms frames of 16 kHz mono, paced in real time, a quiet
    220 Hz tone (the caller talking) — what RoomIO's audio input would hand the session. Custom
    audio I/O is set on `session.input.audio` / `session.output.audio` before `start()`."""

    RATE = 16000
    SAMPLES = 320

    def __init__(self) -> None:
        super().__init__(label="deadair-mic")
        import math

        self._pcm = b"".join(
            int(3000 * math.sin(2 * math.pi * 220 * i / self.RATE)).to_bytes(2, "little", signed=True)
            for i in range(self.SAMPLES)
        )

    async def __anext__(self) -> rtc.AudioFrame:
        await asyncio.sleep(self.SAMPLES / self.RATE)
        return rtc.AudioFrame(
            data=self._pcm, sample_rate=self.RATE, num_channels=1, samples_per_channel=self.SAMPLES
        )


class Speaker(io.AudioOutput):
    """A speaker without a room: takes the agent's audio and reports each segment played at once
    (RoomIO's audio output reports it when the track has played it)."""

    def __init__(self) -> None:
        super().__init__(label="deadair-speaker", capabilities=io.AudioOutputCapabilities(pause=False))
        self._pushed = 0.0

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        self._pushed += frame.duration

    def flush(self) -> None:
        super().flush()
        if self._pushed:
            pushed, self._pushed = self._pushed, 0.0
            self.on_playback_finished(playback_position=pushed, interrupted=False)

    def clear_buffer(self) -> None:
        if self._pushed:
            self._pushed = 0.0
            self.on_playback_finished(playback_position=0.0, interrupted=True)


class Assistant(Agent):
    def __init__(self) -> None:
        super().__init__(instructions="You are a helpful voice agent. Keep your answers short.")


async def _turns(session: AgentSession, texts: list[str], *, wait: float = 15.0) -> None:
    """One user turn after the other, each once the previous reply has played out (or failed)."""
    for text in texts:
        handle = session.generate_reply(user_input=text)
        try:
            await asyncio.wait_for(handle.wait_for_playout(), timeout=wait)
        except asyncio.TimeoutError:
            pass
        await asyncio.sleep(0.2)


async def entrypoint(ctx: JobContext) -> None:
    scenario = os.environ["DEADAIR_SCENARIO"]

    if scenario == "hang":
        # One user turn; the gateway accepts the request and never answers. The job ends 12 s later.
        session = _new_session()
        await session.start(agent=Assistant())
        session.generate_reply(user_input="what are your opening hours?")
        await asyncio.sleep(12)
        ctx.shutdown(reason="user hung up")
        return

    if scenario == "llm-timeout":
        # The only user turn; every attempt times out after 1.5 s (3 retries, the default).
        session = _new_session(APIConnectOptions(timeout=1.5))
        await session.start(agent=Assistant())
        await _turns(session, ["can you hear me?"], wait=14)
        await asyncio.sleep(0.5)
        ctx.shutdown(reason="user hung up")
        return

    if scenario in ("healthy-metrics", "info-only"):
        # info-only: no metrics handler, so only what the framework itself writes.
        session = _new_session(log_metrics=scenario == "healthy-metrics")
        await session.start(agent=Assistant())
        await _turns(session, ["hi there", "what can you do?", "thanks, bye"])
        ctx.shutdown(reason="user hung up")
        return

    if scenario == "two-sessions":
        first = _new_session()
        await first.start(agent=Assistant())
        await _turns(first, ["hi there", "what can you do?"])
        await first.aclose()
        second = _new_session()
        await second.start(agent=Assistant())
        await _turns(second, ["hello again"])
        await second.aclose()
        ctx.shutdown(reason="user hung up")
        return

    if scenario == "stt-429":
        # A caller on a microphone (custom audio input, no room); the gateway refuses the STT
        # websocket at the handshake with a bare 429. Nothing else happens: the job waits for the
        # session to close (or 40 s).
        session = _new_session(stt=True)
        closed = asyncio.Event()
        session.on("close", lambda _ev: closed.set())
        session.input.audio = MicInput()
        await session.start(agent=Assistant())
        try:
            await asyncio.wait_for(closed.wait(), timeout=40)
        except asyncio.TimeoutError:
            pass
        ctx.shutdown(reason="user hung up")
        return

    if scenario in ("credits", "llm-401", "llm-500", "tts-error"):
        # credits: every request gets the gateway's quota 429; llm-401: every LLM request is
        # refused with 401; llm-500: every LLM attempt gets a 500; tts-error: the LLM answers and
        # the TTS websocket is refused at the handshake with a 500 (the agent's speech goes to a
        # speaker, custom audio output, no room). With the default max_unrecoverable_errors (3),
        # the 4th failed turn closes the session.
        session = _new_session(tts=scenario == "tts-error")
        if scenario == "tts-error":
            session.output.audio = Speaker()
        closed = asyncio.Event()
        session.on("close", lambda _ev: closed.set())
        await session.start(agent=Assistant())
        for text in ["hello?", "are you there?", "hello??", "anyone?"]:
            if closed.is_set():
                break
            handle = session.generate_reply(user_input=text)
            try:
                await asyncio.wait_for(handle.wait_for_playout(), timeout=8)
            except asyncio.TimeoutError:
                pass
            await asyncio.sleep(0.2)
        try:
            await asyncio.wait_for(closed.wait(), timeout=2)
        except asyncio.TimeoutError:
            pass
        ctx.shutdown(reason="user hung up")
        return

    raise ValueError(f"unknown scenario {scenario!r}")


async def _run(scenario: str, fmt: str) -> None:
    from livekit.protocol import agent as agent_pb, models

    from livekit.agents.job import JobAcceptArguments, RunningJobInfo
    from livekit.agents.utils import shortuuid

    devmode = fmt == "dev"
    server = AgentServer(
        job_executor_type=JobExecutorType.PROCESS,
        num_idle_processes=1,
        port=0,
        shutdown_process_timeout=5.0,
        setup_fnc=prewarm,
    )
    server.rtc_session()(entrypoint)

    job_done = asyncio.Event()
    job_id = shortuuid("AJ_")

    def _on_closed(proc) -> None:  # noqa: ANN001
        if proc.running_job and proc.running_job.job.id == job_id:
            job_done.set()

    async def _dispatch() -> None:
        # What the worker does when the server assigns it a job (worker.py, _on_accept).
        room = models.Room(sid=shortuuid("RM_"), name=f"deadair-{scenario}")
        job = agent_pb.Job(id=job_id, room=room, type=agent_pb.JobType.JT_ROOM)
        now = time.time()
        info = RunningJobInfo(
            accept_arguments=JobAcceptArguments(name="", identity=shortuuid("agent-"), metadata=""),
            job=job,
            url="",
            token="",
            worker_id=server.id,
            fake_job=True,
        )
        for stamp in ("received_at", "accepted_at", "assigned_at"):
            if hasattr(info, stamp):  # dispatch timeline fields, 1.8+
                setattr(info, stamp, now)
        server._proc_pool.on("process_closed", _on_closed)
        await server._proc_pool.launch_job(info)
        await job_done.wait()
        await server.aclose()

    dispatch_task: asyncio.Task[None] | None = None

    @server.once("worker_started")
    def _started() -> None:
        nonlocal dispatch_task
        dispatch_task = asyncio.get_running_loop().create_task(_dispatch())

    await server.run(devmode=devmode, unregistered=True)
    if dispatch_task is not None:
        await dispatch_task


def main() -> None:
    scenario, fmt, level, gateway_url = sys.argv[1:5]
    if scenario not in SCENARIOS or fmt not in ("json", "dev"):
        raise SystemExit(f"usage: agent.py <{'|'.join(SCENARIOS)}> <json|dev> <LEVEL> <gateway_url>")

    # Read by the job process (it inherits the environment).
    os.environ["DEADAIR_SCENARIO"] = scenario
    os.environ["DEADAIR_GATEWAY_URL"] = gateway_url
    os.environ.setdefault("LIVEKIT_API_KEY", "devkey")
    os.environ.setdefault("LIVEKIT_API_SECRET", "devsecret-devsecret-devsecret-devsecret")

    from livekit.agents.cli.log import setup_logging

    # As cli._run_worker does for `start` (devmode=False) and `dev` (devmode=True).
    setup_logging(level, devmode=fmt == "dev", console=False)
    asyncio.run(_run(scenario, fmt))


if __name__ == "__main__":
    main()
