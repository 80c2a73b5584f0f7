"""`python3 -m mlapi_reference`: serve the API with uvicorn in this process."""

from __future__ import annotations

import logging
import signal
import socket
import sys
from types import FrameType

import uvicorn

from .logs import configure_logging
from .server import Service, create_app
from .settings import Settings

log = logging.getLogger("mlapi_reference")


class DrainingServer(uvicorn.Server):
    """Flips /ready to 503 as the very first step of uvicorn's shutdown.

    uvicorn's SIGTERM handler only sets should_exit; its main loop notices within 0.1 s and
    calls shutdown(), which closes the listening sockets and then waits (up to
    timeout_graceful_shutdown) for in-flight requests. Hooking here rather than in a signal
    handler runs before any connection is touched, and outside signal context, where logging
    could hit a reentrant write on stdout. The lifespan shutdown would be too late: uvicorn
    sends it only after the drain.
    """

    def __init__(self, config: uvicorn.Config, service: Service) -> None:
        super().__init__(config)
        self.service = service

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.service.begin_shutdown()
        await super().shutdown(sockets=sockets)


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main() -> int:
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        configure_logging("info")
        log.error("invalid configuration: %s", exc)
        return 2
    configure_logging(settings.log_level)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        timeout_graceful_shutdown=settings.shutdown_timeout_seconds,
        lifespan="on",
        log_config=None,  # keep the JSON handler on the root logger; uvicorn's loggers propagate to it
        log_level=settings.log_level,
        access_log=True,
    )
    server = DrainingServer(config, app.state.service)
    # Once drained, uvicorn restores these handlers and re-raises the signal that stopped it;
    # the default action would end the process with 143, but a drained shutdown is a success.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _exit_cleanly)
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
