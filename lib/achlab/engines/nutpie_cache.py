"""nutpie's compile of a PyMC model, kept on disk so that a new process loads it in under a second.

``nutpie.compile_pymc_model(model, backend="numba")`` spends about 12 s of every process in numba,
compiling two small C callbacks (the log density with its gradient, and the expansion of a draw
into the model's variables). PyTensor's own numba functions inside them are read from PyTensor's
disk cache, but the callbacks never are: nutpie builds them from closures over the data arrays,
which numba refuses to cache ("uses dynamic globals").

:func:`compile_model` returns the same compiled model, with callbacks numba can cache:

* **The callbacks** are generated source whose only globals are ``numba``, ``np``, an intrinsic
  that turns an address into a pointer, and PyTensor's jitted functions. They read nutpie's own
  ``user_data`` record as a flat ``uint64`` array (the data pointers, their sizes, then the
  shapes), so ``with_data`` swaps the data as before. They are registered with PyTensor's numba
  cache under a key made of their source, PyTensor's cache keys of the two functions, and the
  versions of numba, PyTensor and nutpie.
* **What nutpie derives from the model** before it compiles (sizes, shapes, the order of the data
  arrays; about 1 s of graph rewriting) is kept beside them in a small JSON file, named by a
  fingerprint of the model's graph *before* rewriting: every operation and its parameters,
  constants by the hash of their data, data containers by name, type and shape, the free
  variables, the library versions, PyTensor's settings and the caller's ``extra_key``. A warm
  process loads the callbacks straight from numba's cache; a miss fails at once and the full
  compile runs.

Both live under PyTensor's ``base_compiledir`` (``numba/`` and ``nutpie_cfunc_meta/``). The draws
are the same as with ``nutpie.compile_pymc_model`` for the same seed. Anything unexpected (a
nutpie release that changes the internals used here) falls back to nutpie's own compile, with a
warning.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sys
import warnings
from uuid import uuid4

import numpy as np

from achlab.files import write_text

#: Part of every key; the fingerprint also hashes this module's code (:func:`_own_code`).
TEMPLATE_VERSION = "2"
_AS_VOIDPTR = None


def compile_model(model, var_names=None, extra_key: str = ""):
    """``nutpie.compile_pymc_model(model, backend="numba", var_names=...)``, kept on disk.

    Parameters
    ----------
    model : pymc.Model
    var_names : list of str, optional
        Variables kept in the draws (default: all).
    extra_key : str
        Anything else the compiled model depends on (the caller's own source, say).

    Returns
    -------
    nutpie.compile_pymc.CompiledPyMCModel
    """
    from achlab.engines.nutpie_sampler import load_nutpie

    load_nutpie()  # before any of nutpie's modules: without ArviZ
    try:
        return _compile_cached(model, var_names, extra_key)
    except Exception as err:  # noqa: BLE001 - nutpie's own compile is always right, only slower
        import nutpie

        warnings.warn(f"nutpie's compile could not be kept on disk ({err}); compiling it "
                      "the usual way", RuntimeWarning, stacklevel=2)
        return nutpie.compile_pymc_model(model, backend="numba", var_names=var_names)


# ---------------------------------------------------------------------------- the two paths
class _NoFastPath(Exception):
    """The kept compile cannot be used; compile in full."""


def _compile_cached(model, var_names, extra_key: str):
    from nutpie.compile_pymc import _make_functions, _wrap_with_lock
    from pymc.initial_point import make_initial_point_fn

    initial_point = _wrap_with_lock(make_initial_point_fn(
        model=model, default_strategy="support_point", jitter_rvs=set(model.free_RVs),
        return_transformed=True))
    meta_file = shared = None
    try:
        key, shared = model_fingerprint(model, var_names, initial_point(0), extra_key)
        meta_file = _meta_dir() / f"{key}.json"
    except _NoFastPath:
        pass
    if meta_file is not None and meta_file.exists():
        try:
            return _fast_path(model, json.loads(meta_file.read_text()), shared, initial_point)
        except (_NoFastPath, KeyError, ValueError, TypeError):
            pass
    (n_dim, n_expanded, logp_fn_pt, expand_fn_pt, initial_point_fn, shape_info,
     reparameterized_names) = _make_functions(
        model, mode="NUMBA", compute_grad=True, join_expanded=True,
        pymc_initial_point_fn=initial_point, var_names=var_names)
    shared_vars = [*logp_fn_pt.get_shared(), *expand_fn_pt.get_shared()]
    shared_var_keys, shared_data, user_data = _shared_setup(shared_vars)
    logp_c, expand_c = _make_cfuncs(n_dim, n_expanded, logp_fn_pt, expand_fn_pt,
                                    shared_var_keys, shared_data, user_data)
    compiled = _build(model, n_dim=n_dim, n_expanded=n_expanded, shape_info=shape_info,
                      reparameterized_names=reparameterized_names,
                      initial_point_fn=initial_point_fn, logp_c=logp_c, expand_c=expand_c,
                      logp_fn_pt=logp_fn_pt, expand_fn_pt=expand_fn_pt,
                      shared_var_keys=shared_var_keys, shared_data=shared_data,
                      user_data=user_data)
    if meta_file is not None and all(v.name in shared for v in shared_var_keys):
        _write_meta(meta_file, n_dim, n_expanded, shape_info, reparameterized_names,
                    shared_var_keys, logp_c, expand_c)
    return compiled


def _fast_path(model, meta: dict, shared: dict, initial_point):
    """The compiled model from the kept metadata and numba's cache, without compiling."""
    import numba
    from nutpie.compile_pymc import _rv_dict_to_flat_array_wrapper
    from pytensor.link.numba.cache import compile_numba_function_src

    order = [shared[name] for name in meta["shared_order"]]
    for var, (ndim, dtype) in zip(order, meta["shared_types"], strict=True):
        if var.ndim != ndim or np.dtype(var.dtype).str != dtype:
            raise _NoFastPath("the data containers changed type")
    shared_var_keys, shared_data, user_data = _shared_setup(order)
    env = {**_globals(), "logp_inner": _Placeholder(), "expand_inner": _Placeholder()}
    cfuncs = []
    for which, signature in (("logp", _logp_signature()), ("expand", _expand_signature())):
        kept = meta[which]
        source = compile_numba_function_src(kept["src"], kept["name"], global_env=dict(env),
                                            cache_key=kept["key"])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cfunc = numba.cfunc(signature, cache=True)(source)
        except Exception as err:  # noqa: BLE001 - a miss: numba tried to type the placeholder
            raise _NoFastPath(f"not in numba's cache ({type(err).__name__})") from None
        if cfunc._cache_hits != 1:
            raise _NoFastPath("not loaded from numba's cache")
        cfuncs.append(cfunc)
    names, slices, shapes = meta["shape_info"]
    shape_info = (names, [slice(a, b) for a, b in slices], [tuple(s) for s in shapes])
    n_free = len(model.free_RVs)
    initial_point_fn = _rv_dict_to_flat_array_wrapper(initial_point, names=names[:n_free],
                                                      shapes=shape_info[2][:n_free])
    return _build(model, n_dim=meta["n_dim"], n_expanded=meta["n_expanded"],
                  shape_info=shape_info, reparameterized_names=meta["reparameterized_names"],
                  initial_point_fn=initial_point_fn, logp_c=cfuncs[0], expand_c=cfuncs[1],
                  shared_var_keys=shared_var_keys, shared_data=shared_data,
                  user_data=user_data)


class _Placeholder:
    """Stands for PyTensor's functions on the fast path.

    numba cannot type it, so a cache miss fails at once instead of compiling.
    """


def _build(model, *, n_dim, n_expanded, shape_info, reparameterized_names, initial_point_fn,
           logp_c, expand_c, shared_var_keys, shared_data, user_data, logp_fn_pt=None,
           expand_fn_pt=None):
    from nutpie.compile_pymc import CompiledPyMCModel, _prepare_dims_and_coords

    dims, coords = _prepare_dims_and_coords(model, shape_info, reparameterized_names)
    return CompiledPyMCModel(
        _n_dim=n_dim, dims=dims, _coords=coords,
        _shapes={name: tuple(shape) for name, _, shape in zip(*shape_info, strict=True)},
        compiled_logp_func=logp_c, compiled_expand_func=expand_c,
        initial_point_func=initial_point_fn, shared_data=shared_data,
        shared_var_keys=shared_var_keys, user_data=user_data, n_expanded=n_expanded,
        shape_info=shape_info, logp_func=logp_fn_pt, expand_func=expand_fn_pt,
        reparameterized_names=reparameterized_names)


def _shared_setup(shared_vars):
    """The data keys, read-only copies of the data, and nutpie's ``user_data`` record."""
    from nutpie.compile_pymc import make_user_data

    shared_data, shared_var_keys = {}, {}
    for var in shared_vars:
        if var in shared_var_keys:
            continue
        key = uuid4().hex
        shared_data[key] = np.array(var.get_value(), order="C", copy=True)
        shared_data[key].flags.writeable = False
        shared_var_keys[var] = key
    return shared_var_keys, shared_data, make_user_data(shared_var_keys, shared_data)


# ---------------------------------------------------------------------------- the callbacks
def _as_voidptr():
    """A module-level intrinsic (so cacheable): an integer address as a ``void*``."""
    global _AS_VOIDPTR
    if _AS_VOIDPTR is None:
        from numba.core import cgutils, types
        from numba.extending import intrinsic

        @intrinsic
        def address_as_void_pointer(typingctx, src):
            def codegen(cgctx, builder, sig, args):
                return builder.inttoptr(args[0], cgutils.voidptr_t)

            return types.voidptr(src), codegen

        _AS_VOIDPTR = address_as_void_pointer
    return _AS_VOIDPTR


def _globals() -> dict:
    import numba

    return {"__name__": __name__, "numba": numba, "np": np, "_as_voidptr": _as_voidptr()}


def _logp_signature():
    from numba import types as t

    return t.int64(t.uint64, t.CPointer(t.double), t.CPointer(t.double), t.CPointer(t.double),
                   t.voidptr)


def _expand_signature():
    from numba import types as t

    return t.int64(t.uint64, t.uint64, t.CPointer(t.double), t.CPointer(t.double), t.voidptr)


def _layout(shared_var_keys) -> tuple[dict, dict, int]:
    """Offsets (in 8-byte words) of each array's pointer and shape in ``user_data``."""
    keys = list(shared_var_keys.values())
    data_at = {key: i for i, key in enumerate(keys)}
    shape_at, pos = {}, 2 * len(keys)
    for var, key in shared_var_keys.items():
        shape_at[key] = pos
        pos += var.ndim
    return data_at, shape_at, pos


def _unpacking(keys, shared_data, data_at, shape_at) -> tuple[list[str], list[str]]:
    """Source lines that view each data array of ``keys`` in ``user_data``, and their names."""
    lines, names = [], []
    for i, key in enumerate(keys):
        arr = shared_data[key]
        shape = ("()" if arr.ndim == 0 else
                 "(" + "".join(f"np.intp(ud[{shape_at[key] + j}]), "
                               for j in range(arr.ndim)) + ")")
        lines.append(f"        s{i} = numba.carray(_as_voidptr(ud[{data_at[key]}]), {shape}, "
                     f"np.{np.dtype(arr.dtype).name})")
        names.append(f"s{i}")
    return lines, names


def _make_cfuncs(n_dim, n_expanded, logp_fn_pt, expand_fn_pt, shared_var_keys, shared_data,
                 user_data):
    """The two callbacks, compiled (or read from numba's cache) under their keys."""
    import numba

    data_at, shape_at, words = _layout(shared_var_keys)
    if words * 8 != user_data.dtype.itemsize:
        raise _NoFastPath("nutpie's user_data is not the record this module reads")
    logp_jit, expand_jit = logp_fn_pt.vm.jit_fn, expand_fn_pt.vm.jit_fn
    env = {**_globals(), "logp_inner": logp_jit, "expand_inner": expand_jit}
    def unpack(fn_pt):
        return _unpacking([shared_var_keys[v] for v in fn_pt.get_shared()], shared_data,
                          data_at, shape_at)

    lines, names = unpack(logp_fn_pt)
    logp_src = _callback_source(
        "ach_nutpie_logp(dim, x_, out_, logp_, user_data_)", [("dim", n_dim)], words, n_dim,
        ["        logp = numba.carray(logp_, ())", *lines,
         f"        logp_val, grad = logp_inner({', '.join(['x', *names])})",
         "        logp[()] = logp_val",
         "        ok = True",
         f"        for i in range({n_dim}):",
         "            g = grad[i]",
         "            out[i] = g",
         "            if not np.isfinite(g):",
         "                ok = False",
         "        if not ok:",
         "            return 3",
         "        if not np.isfinite(logp[()]):",
         "            return 4"], failed=1)
    lines, names = unpack(expand_fn_pt)
    expand_src = _callback_source(
        "ach_nutpie_expand(dim, expanded, x_, out_, user_data_)",
        [("dim", n_dim), ("expanded", n_expanded)], words, n_expanded,
        [*lines,
         f"        (values,) = expand_inner({', '.join(['x', *names])})",
         f"        for i in range({n_expanded}):",
         "            out[i] = values[i]"], failed=-2)
    graphs = (_graph_key(logp_jit), _graph_key(expand_jit))
    logp_py = _registered(logp_src, "ach_nutpie_logp", env, ("logp", *graphs))
    expand_py = _registered(expand_src, "ach_nutpie_expand", env, ("expand", *graphs))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", numba.NumbaWarning)
        logp_c = numba.cfunc(_logp_signature(), cache=True)(logp_py)
        expand_c = numba.cfunc(_expand_signature(), cache=True)(expand_py)
    for w in caught:
        if "Cannot cache" in str(w.message):  # it works, but is compiled in every process
            warnings.warn(f"nutpie callbacks not kept: {w.message}", RuntimeWarning,
                          stacklevel=2)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return logp_c, expand_c


def _callback_source(signature: str, checks, words: int, out_len: int, body: list[str],
                     failed: int) -> str:
    """Source of one callback: its size checks, the views of its pointers, then ``body``.

    ``checks`` are (argument, expected size) pairs, the first being ``dim``; ``failed`` is what
    it returns when ``body`` raises.
    """
    lines = [f"def {signature}:"]
    for name, size in checks:
        lines += [f"    if {name} != {size}:", "        return -1"]
    return "\n".join([
        *lines,
        "    try:",
        f"        ud = numba.carray(user_data_, ({words},), np.uint64)",
        f"        x = numba.carray(x_, ({checks[0][1]},))",
        f"        out = numba.carray(out_, ({out_len},))",
        *body,
        "    except Exception:",
        f"        return {failed}",
        "    return 0",
        "",
    ])


def _graph_key(jit_fn) -> str:
    from pytensor.link.numba.cache import CACHED_SRC_FUNCTIONS

    key = CACHED_SRC_FUNCTIONS.get(jit_fn.py_func)
    if key is None:
        raise _NoFastPath("PyTensor does not cache this function")
    return key


def _registered(source: str, name: str, env: dict, key_parts):
    """``source`` as a function PyTensor's numba cache keeps.

    Its key holds everything the compiled callback depends on.
    """
    import numba
    import nutpie
    import pytensor
    from pytensor.configdefaults import config
    from pytensor.link.numba.cache import compile_numba_function_src

    digest = hashlib.sha256()
    for part in (TEMPLATE_VERSION, source, numba.__version__, pytensor.__version__,
                 nutpie.__version__, str(config.numba__fastmath), *key_parts):
        digest.update(str(part).encode() + b"\0")
    return compile_numba_function_src(source, name, global_env=dict(env),
                                      cache_key=digest.hexdigest())


# ---------------------------------------------------------------------------- the fingerprint
def model_fingerprint(model, var_names, point: dict, extra_key: str = "") -> tuple[str, dict]:
    """A hash of everything nutpie's compile of ``model`` depends on, and its data containers.

    The graph before rewriting (rewrites depend only on it, PyTensor's version and settings):
    each operation's type and parameters in order, constants by the hash of their data, data
    containers by name, type, dtype and shape; the free variables and their shapes at ``point``;
    ``var_names``; the library versions and settings; ``extra_key``.

    Returns
    -------
    (str, dict)
        The hash, and the model's data containers by name.
    """
    import numba
    import nutpie
    import pymc
    import pytensor
    from pytensor.compile.sharedvalue import SharedVariable
    from pytensor.configdefaults import config
    from pytensor.graph.basic import Constant
    from pytensor.graph.traversal import graph_inputs, io_toposort

    outs = [model.logp(), *model.unobserved_value_vars]
    inputs = list(graph_inputs(outs))
    said, shared, parts = {}, {}, []
    for var in inputs:
        if isinstance(var, SharedVariable):
            if not var.name or var.name in shared:
                raise _NoFastPath(f"unnamed or repeated data container {var}")
            shared[var.name] = var
            value = np.asarray(var.get_value(borrow=True))
            said[var] = ("s", var.name, str(var.type), value.dtype.str, value.shape)
        elif isinstance(var, Constant):
            said[var] = ("c", str(var.type), _data_hash(var.data))
        else:
            said[var] = ("i", var.name, str(var.type), type(var).__name__)
    with np.printoptions(threshold=sys.maxsize):  # an array parameter in full, never "..."
        for n, node in enumerate(io_toposort(inputs, outs)):
            op = node.op
            props = getattr(op, "__props__", None)
            what = (("noprops", type(op).__module__, type(op).__qualname__, str(op))
                    if props is None else
                    (type(op).__module__, type(op).__qualname__,
                     tuple((p, repr(getattr(op, p))) for p in props)))
            parts.append((what, tuple(said[i] for i in node.inputs)))
            for j, out in enumerate(node.outputs):
                said[out] = (n, j, str(out.type))
    parts += [tuple(said[o] for o in outs), ("names", [o.name for o in outs]),
              ("model names", sorted(model.named_vars)),
              ("this module", _own_code()),
              ("free", [model.rvs_to_values[v].name for v in model.free_RVs]),
              ("point", sorted((k, np.shape(x)) for k, x in point.items())),
              ("var_names", None if var_names is None else list(var_names)),
              ("check_bounds", bool(model.check_bounds)),
              ("extra", str(extra_key)),
              ("versions", TEMPLATE_VERSION, numba.__version__, pytensor.__version__,
               nutpie.__version__, pymc.__version__, np.__version__,
               str(config.numba__fastmath), str(config.floatX), str(config.mode),
               str(config.optimizer), str(config.optimizer_including),
               str(config.optimizer_excluding), str(config.optimizer_requiring))]
    text = repr(parts)
    if " at 0x" in text:  # an object shown by its address differs from process to process
        raise _NoFastPath("the graph holds an object without a stable description")
    return hashlib.sha256(text.encode()).hexdigest(), shared


def _own_code() -> str:
    """A hash of the code that writes the callbacks and what is kept of them.

    A change to either makes every kept compile unusable, with no version to remember to bump.
    """
    digest = hashlib.sha256()
    for fn in (_make_cfuncs, _callback_source, _unpacking, _layout, _write_meta, _fast_path,
               _build):
        digest.update(marshal.dumps(fn.__code__))
    return digest.hexdigest()


def _data_hash(data) -> str:
    arr = np.asarray(data)
    digest = hashlib.sha256(f"{arr.dtype.str}{arr.shape}".encode())
    digest.update(np.ascontiguousarray(arr).tobytes())
    return digest.hexdigest()


def _meta_dir():
    from pytensor.configdefaults import config

    folder = config.base_compiledir / "nutpie_cfunc_meta"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write_meta(meta_file, n_dim, n_expanded, shape_info, reparameterized_names,
                shared_var_keys, logp_c, expand_c) -> None:
    """Keep what the fast path needs, atomically (a temporary file, then a rename)."""
    from pytensor.link.numba.cache import CACHED_SRC_FUNCTIONS

    names, slices, shapes = shape_info
    meta = {
        "n_dim": int(n_dim), "n_expanded": int(n_expanded),
        "shape_info": [list(names), [[int(s.start), int(s.stop)] for s in slices],
                       [[int(d) for d in s] for s in shapes]],
        "reparameterized_names": list(reparameterized_names),
        "shared_order": [v.name for v in shared_var_keys],
        "shared_types": [[v.ndim, np.dtype(v.dtype).str] for v in shared_var_keys],
        **{which: {"src": c._pyfunc.__source__, "name": c._pyfunc.__name__,
                   "key": CACHED_SRC_FUNCTIONS[c._pyfunc]}
           for which, c in (("logp", logp_c), ("expand", expand_c))},
    }
    write_text(meta_file, json.dumps(meta))
