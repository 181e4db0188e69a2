"""Kernels that run many notebooks in turn, and a pool of workers that each keep one.

Starting a kernel and importing the scientific stack costs seconds; ``achlab run`` and the
course pay it once per worker instead of once per notebook. Between two notebooks a kernel is
put back as it started (:func:`achlab.notebook.session.start_afresh`) in the folder and with the
environment the next notebook asks for.

jupyter_client's own readiness check ends by waiting 0.2 s for IOPub to stay silent, and every
notebook makes two clients (the reset's and papermill's): the clients made here are ready as
soon as IOPub carries the status of their own ``kernel_info`` request.

Nothing here imports jupyter_client or nbclient until a kernel is started: a rerun with nothing
to do makes and shuts down kernels that never started.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

#: Seconds a kernel may take to answer (starting included) before it is replaced.
ANSWER_TIMEOUT = 120.0


def reset_code(cwd: Path, env: dict[str, str | None] | None = None) -> str:
    """The code run in a kernel before each notebook: a fresh namespace in ``cwd`` with ``env``.

    ``env`` maps variable names to values; None removes a variable.
    """
    return ("from achlab.notebook.session import start_afresh\n"
            f"start_afresh(get_ipython(), cwd={str(cwd)!r}, "
            f"env={dict(env or {})!r})\n")


def run_notebook(source: Path, dest: Path, folder: Path, kernel: NotebookKernel | None = None,
                 env: dict[str, str | None] | None = None, parameters: dict | None = None) -> None:
    """Execute ``source`` into ``dest`` with papermill, its kernel working in ``folder``.

    With ``kernel`` the notebook runs in that shared kernel after a reset, with ``env`` set;
    without, in a kernel of its own (which inherits this process's environment). A failing cell
    raises papermill's error, after the kernel's clients are closed.
    """
    import papermill as pm

    try:
        shared = {"km": kernel.fresh(folder, env)} if kernel is not None else {}
        pm.execute_notebook(str(source), str(dest), parameters=parameters,
                            kernel_name="python3", progress_bar=False, log_output=False,
                            # The kernel starts in ``folder`` (nbclient's resources path);
                            # papermill's own cwd= would chdir this whole process, which the
                            # notebooks running in parallel threads share.
                            resources={"metadata": {"path": str(folder)}},
                            extra_arguments=["--IPKernelApp.log_level=CRITICAL"], **shared)
    finally:
        if kernel is not None:
            kernel.close_clients()


class NotebookKernel:
    """One kernel that runs several notebooks in turn, each in a fresh namespace.

    Before each notebook the user namespace is cleared and the working folder and environment
    set (:func:`reset_code`); a kernel that died, or that cannot be reset, is replaced by a new
    one. The clients that talk to it (papermill makes one per notebook) are closed after each.
    """

    def __init__(self, cwd: Path):
        self.cwd = Path(cwd)
        self.km = None
        self.closed = False

    def fresh(self, cwd: Path | None = None, env: dict[str, str | None] | None = None):
        """The manager of a live kernel with a clean namespace, in ``cwd`` (started if needed).

        ``cwd`` defaults to the folder given when the kernel was made; ``env`` sets (or, for
        None, removes) environment variables of the kernel.
        """
        from nbclient.util import run_sync

        if self.closed:
            raise RuntimeError("the run is over: no kernel is started for it any more")
        start_in = Path(cwd or self.cwd)
        code = reset_code(start_in, env)
        if self.km is not None and run_sync(self.km.is_alive)() and self._reset(code) is None:
            return self.km
        self.shutdown()
        start_in.mkdir(parents=True, exist_ok=True)
        self.km = _tracking_manager()(kernel_name="python3")
        run_sync(self.km.start_kernel)(  # history in memory, as papermill's own kernels
            extra_arguments=["--IPKernelApp.log_level=CRITICAL",
                             "--HistoryManager.hist_file=:memory:"], cwd=str(start_in))
        failed = self._reset(code)
        if failed is not None:
            raise RuntimeError(f"a new notebook kernel could not be made ready: {failed}")
        return self.km

    def _reset(self, code: str) -> str | None:
        """Run ``code``: None when done, else what went wrong (the kernel is then replaced)."""
        from nbclient.util import run_sync

        client = self.km.client()
        client.start_channels()
        try:
            run_sync(client.wait_for_ready)(timeout=ANSWER_TIMEOUT)
            reply = run_sync(client.execute_interactive)(code, silent=True, store_history=False,
                                                         timeout=ANSWER_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - a kernel that cannot be reset is replaced
            return f"{type(exc).__name__}: {exc}"
        finally:
            self.close_clients()
        content = reply.get("content", {})
        if content.get("status") != "ok":
            return f"{content.get('ename', 'error')}: {content.get('evalue', '')}".strip()
        return None

    def close_clients(self) -> None:
        """Stop the channels of every client made for the kernel so far."""
        while self.km is not None and self.km.clients:
            self.km.clients.pop().stop_channels()

    def shutdown(self) -> None:
        """Stop the kernel (if one was started; nothing is imported otherwise)."""
        if self.km is not None:
            from nbclient.util import run_sync  # its import pulls in nbformat: seconds

            self.close_clients()
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - it is gone either way
                pass
            self.km = None

    def close(self) -> None:
        """Stop the kernel for good: :meth:`fresh` starts no other."""
        self.closed = True
        self.shutdown()


class KernelPool:
    """``jobs`` worker threads, each keeping one :class:`NotebookKernel` for all it is given.

    ``submit(work, *args)`` runs ``work(*args, kernel)`` on the first worker free, in the order
    submitted. A kernel is only ever used, and stopped, by its own worker while it works; the
    pool stops the kernels of idle workers. :meth:`close` waits for the work queued, then stops
    every kernel; with ``wait`` False (the run was interrupted) the work not yet started is
    dropped, idle kernels are stopped at once and busy ones by their worker as it finishes.
    """

    def __init__(self, jobs: int, cwd: Path):
        self.cwd = Path(cwd)
        self._executor = ThreadPoolExecutor(max_workers=max(1, jobs),
                                            thread_name_prefix="achlab-notebooks")
        self._local = threading.local()
        self._kernels: list[NotebookKernel] = []
        self._busy: set[int] = set()
        self._closed = False
        self._lock = threading.Lock()

    def submit(self, work, *args) -> Future:
        """Queue ``work(*args, kernel)``."""
        return self._executor.submit(self._run, work, args)

    def _run(self, work, args):
        kernel = getattr(self._local, "kernel", None)
        with self._lock:
            if self._closed:
                raise RuntimeError("the run was stopped: no more notebooks are run")
            if kernel is None:
                kernel = self._local.kernel = NotebookKernel(self.cwd)
                self._kernels.append(kernel)
            self._busy.add(id(kernel))
        try:
            return work(*args, kernel)
        finally:
            with self._lock:
                self._busy.discard(id(kernel))
                stopping = self._closed
            if stopping:
                try:
                    kernel.close()
                except Exception:  # noqa: BLE001 - the work's own outcome is what counts
                    pass

    def close(self, wait: bool = True) -> None:
        """Stop the pool and its kernels (see the class); never raises for a kernel."""
        if wait:
            self._executor.shutdown(wait=True)
        with self._lock:
            self._closed = True
            idle = [k for k in self._kernels if id(k) not in self._busy]
        if not wait:
            self._executor.shutdown(wait=False, cancel_futures=True)
        for kernel in idle:
            try:
                kernel.close()
            except Exception:  # noqa: BLE001 - the others are stopped all the same
                pass

    def __enter__(self):
        return self

    def __exit__(self, kind, *rest):
        self.close(wait=kind is None)


@lru_cache(maxsize=1)
def _tracking_manager():
    """jupyter_client's kernel manager, remembering the clients it makes (to close them)."""
    from jupyter_client.manager import AsyncKernelManager

    class TrackingKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.client_factory = _quick_client()
            self.clients = []

        def client(self, **kwargs):
            made = super().client(**kwargs)
            self.clients.append(made)
            return made

    return TrackingKernelManager


@lru_cache(maxsize=1)
def _quick_client():
    """An asynchronous kernel client that is ready as soon as it has heard back on both channels.

    jupyter_client's ``wait_for_ready`` ends by reading IOPub until 0.2 s pass with nothing on
    it. This one sends ``kernel_info`` and is ready when the reply has come on the shell channel
    and the kernel's idle status for that very request on IOPub: both channels are then
    connected, and what IOPub held before belongs to other requests (which clients filter out
    by their own message ids). When the status does not come (IOPub still connecting), it asks
    again, as jupyter_client does.
    """
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.utils import ensure_async

    class QuickReadyClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                asked = self.kernel_info()
                reply = await self._reply_to(asked, deadline)
                if reply is not None and await self._idle_after(asked, deadline):
                    self._handle_kernel_info_reply(reply)
                    return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

        async def _reply_to(self, msg_id: str, deadline: float):
            while time.monotonic() < deadline:
                try:
                    msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
                except Empty:
                    return None
                if msg.get("parent_header", {}).get("msg_id") == msg_id:
                    return msg
            return None

        async def _idle_after(self, msg_id: str, deadline: float) -> bool:
            while time.monotonic() < deadline:
                try:
                    msg = await ensure_async(self.iopub_channel.get_msg(timeout=0.5))
                except Empty:
                    return False
                if (msg.get("parent_header", {}).get("msg_id") == msg_id
                        and msg["msg_type"] == "status"
                        and msg["content"].get("execution_state") == "idle"):
                    return True
            return False

        # jupyter_client binds ``wait_for_ready`` to its own coroutine; this replaces that one.
        _async_wait_for_ready = wait_for_ready

    return QuickReadyClient
