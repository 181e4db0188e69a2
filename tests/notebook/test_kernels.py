"""Kernels kept across notebooks: a fresh namespace, folder and environment for each; one kernel
per worker; clients ready without waiting for silence."""

from __future__ import annotations

import threading
from queue import Empty

import nbformat
import pytest

from achlab.notebook import kernels, pipeline
from tests.helpers import python_output


def test_a_kernel_never_started_imports_nothing_to_shut_down():
    # A rerun with nothing to run still makes and shuts down its (unstarted) kernels; importing
    # nbclient there pulls in nbformat and jsonschema's format grammars: seconds for nothing.
    code = ("import sys\nfrom pathlib import Path\n"
            "from achlab.notebook.kernels import KernelPool, NotebookKernel\n"
            "NotebookKernel(Path('.')).shutdown()\n"
            "pool = KernelPool(2, Path('.'))\n"
            "pool.submit(lambda kernel: None).result()\npool.close()\n"
            "print(sorted(m for m in ('nbclient', 'nbformat', 'jupyter_client') "
            "if m in sys.modules))")
    assert python_output(code).strip() == "[]"


def test_each_worker_keeps_one_kernel_for_all_its_work_and_none_outlives_the_pool(tmp_path):
    pool = kernels.KernelPool(2, tmp_path)
    seen, gate = [], threading.Barrier(2)

    def work(n, kernel):
        if n < 2:
            gate.wait(timeout=10)  # the first two items are worked on at once, by both workers
        seen.append((threading.current_thread().name, kernel))
        return n

    assert [f.result() for f in [pool.submit(work, n) for n in range(6)]] == list(range(6))
    pool.close()
    by_worker = {}
    for worker, kernel in seen:
        by_worker.setdefault(worker, set()).add(id(kernel))
    assert len(by_worker) == 2 and all(len(k) == 1 for k in by_worker.values())
    assert all(kernel.closed for _, kernel in seen)
    with pytest.raises(RuntimeError, match="no kernel is started"):
        seen[0][1].fresh()


def test_an_interrupted_pool_drops_queued_work_and_each_worker_stops_its_own_kernel(tmp_path):
    """Only a kernel's own worker uses it: a busy kernel is stopped by its worker when its work
    ends, an idle one by the pool at once; nothing queued is started afterwards."""
    pool = kernels.KernelPool(2, tmp_path)
    busy_started, release = threading.Event(), threading.Event()
    kernels_of = {}

    def long_work(kernel):
        kernels_of["busy"] = kernel
        busy_started.set()
        release.wait(timeout=10)
        return kernel.closed

    def short_work(kernel):
        kernels_of["idle"] = kernel

    busy = pool.submit(long_work)
    assert busy_started.wait(timeout=10)
    pool.submit(short_work).result(timeout=10)
    queued = [pool.submit(short_work) for _ in range(3)]
    pool.close(wait=False)
    assert kernels_of["idle"].closed, "an idle kernel is stopped at once"
    assert not kernels_of["busy"].closed, "a busy kernel is left to its worker"
    release.set()
    assert busy.result(timeout=10) is False
    for _ in range(100):
        if kernels_of["busy"].closed:
            break
        threading.Event().wait(0.05)
    assert kernels_of["busy"].closed, "the worker stopped its kernel when its work ended"
    ran = [f for f in queued if not f.cancelled() and f.exception(timeout=10) is None]
    assert ran == [], "work queued before the interruption was still run"


def test_the_reset_code_names_the_folder_and_environment():
    code = kernels.reset_code(tmp := "/somewhere/out", {"ACHLAB_OUT": tmp, "ACHLAB_DATA": None})
    assert "start_afresh(get_ipython(), cwd='/somewhere/out', " in code
    assert "'ACHLAB_DATA': None" in code


SHARED_KERNEL_CELL = """import os
from achlab import notebook
notebook.setup()
import matplotlib.pyplot as plt
print("left over:", globals().get("left_over"), plt.rcParams["lines.linewidth"])
print("in:", os.path.basename(os.getcwd()), "env:", os.environ.get("ACHLAB_TEST_VALUE"))
left_over = "from the notebook before"
plt.rcParams["lines.linewidth"] = 9.0
fig, ax = plt.subplots()
ax.plot([1, 2])"""


def _notebook(path, *sources: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


@pytest.mark.slow
def test_notebooks_sharing_a_kernel_start_afresh_where_and_as_told(tmp_path, monkeypatch):
    import papermill as pm

    monkeypatch.setenv("MPLBACKEND", pipeline.KERNEL_ENV["MPLBACKEND"])
    kernel = kernels.NotebookKernel(tmp_path)
    _notebook(tmp_path / "in.ipynb", SHARED_KERNEL_CELL)
    said, images, counts = [], [], []
    try:
        for n, value in enumerate(["one", None, "three"]):
            folder = tmp_path / f"folder{n}"
            folder.mkdir()
            km = kernel.fresh(folder, {"ACHLAB_TEST_VALUE": value})
            pm.execute_notebook(str(tmp_path / "in.ipynb"), str(tmp_path / f"out{n}.ipynb"),
                                kernel_name="python3", progress_bar=False, km=km)
            kernel.close_clients()
            cell = nbformat.read(tmp_path / f"out{n}.ipynb", as_version=4).cells[0]
            said.append("".join(o.text for o in cell.outputs if o.output_type == "stream"))
            images.append(sum("image/png" in o.get("data", {}) for o in cell.outputs))
            counts.append(cell.execution_count)
    finally:
        kernel.shutdown()
    assert images == [1, 1, 1], "a notebook after the first shows no figure"
    assert all("left over: None" in s and "9.0" not in s for s in said), said
    assert [s.splitlines()[1] for s in said] == [
        "in: folder0 env: one", "in: folder1 env: None", "in: folder2 env: three"]
    assert counts == [1, 1, 1]


@pytest.mark.slow
def test_a_client_is_ready_once_it_hears_its_own_request_back(tmp_path):
    """jupyter_client's own check ends by waiting 0.2 s for IOPub to stay silent (an Empty);
    these clients are ready on the idle status of their own kernel_info request."""
    from nbclient.util import run_sync

    kernel = kernels.NotebookKernel(tmp_path)
    try:
        km = kernel.fresh()
        client = km.client()
        client.start_channels()
        heard_back = []
        heard = client.iopub_channel.get_msg

        async def noting(*args, **kwargs):
            try:
                message = await heard(*args, **kwargs)
            except Empty:
                heard_back.append("silence")
                raise
            heard_back.append("message")
            return message

        client.iopub_channel.get_msg = noting
        run_sync(client.wait_for_ready)(timeout=60)
        # A late IOPub subscription may cost a silence and a second request; the wait never
        # ends on one.
        assert heard_back and heard_back[-1] == "message", heard_back
        reply = run_sync(client.execute_interactive)("x = 6 * 7", timeout=60)
        assert reply["content"]["status"] == "ok"
    finally:
        kernel.close()


EXPORT_THEN_SHOW_CELL = """import io
from PIL import Image
from achlab import notebook
from achlab.charts import export_figure, new_figure
notebook.setup()
fig, ax = new_figure()
ax.plot([1, 2])
export_figure(fig, "line", out="charts")
other, ax = new_figure()
ax.plot([2, 1])"""


CHANGE_IN_A_LATER_CELL = """from IPython.display import display
fig.axes[0].xaxis.label.set_text("changed, and matplotlib does not mark the figure stale")
display(fig)"""


@pytest.mark.slow
def test_a_notebook_shows_an_exported_chart_as_exported(tmp_path, monkeypatch):
    """Shown from its export (the whole slide, halved), not drawn again and cropped; a figure
    not exported is drawn by the inline backend as before (cropped to its content)."""
    import base64
    import io

    import numpy as np
    import papermill as pm
    from PIL import Image

    monkeypatch.setenv("MPLBACKEND", pipeline.KERNEL_ENV["MPLBACKEND"])
    monkeypatch.setenv("ACHLAB_CHART_FORMATS", "png")
    _notebook(tmp_path / "in.ipynb", EXPORT_THEN_SHOW_CELL, CHANGE_IN_A_LATER_CELL)
    pm.execute_notebook(str(tmp_path / "in.ipynb"), str(tmp_path / "out.ipynb"),
                        kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    cell = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0]
    shown = [Image.open(io.BytesIO(base64.b64decode(o["data"]["image/png"])))
             for o in cell.outputs if "image/png" in o.get("data", {})]
    assert len(shown) == 2
    exported = Image.open(tmp_path / "charts" / "line.png").convert("RGBA")
    assert shown[0].size == (exported.width // 2, exported.height // 2)
    assert np.array_equal(np.asarray(shown[0].convert("RGBA")),
                          np.asarray(exported.reduce(2)))
    assert shown[1].size != shown[0].size, "the figure not exported is drawn as before"
    later = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[1]
    again = [Image.open(io.BytesIO(base64.b64decode(o["data"]["image/png"])))
             for o in later.outputs if "image/png" in o.get("data", {})]
    assert len(again) == 1 and again[0].size != shown[0].size, (
        "a chart shown in a later cell (a change matplotlib does not mark may have come) is "
        "drawn again, not shown as exported")
