"""YAML loading that remembers the line of every key, for located error messages.

Three rules on top of YAML's safe loader, so that a file means what the analyst wrote:

- every mapping key is the text as written (``yes:`` is the key ``"yes"``, ``1:`` is ``"1"``,
  never ``True`` or ``1``);
- the values at the paths the caller names (ids, names, free text: see
  :func:`achlab.load.schema.text_paths`) are the text as written too (``id: no`` is ``"no"``,
  ``id: 1.10`` is ``"1.10"``); an empty value is ``""``;
- a key given twice in one mapping is a problem at the second key's line,
  ``key: duplicate key (first at line N)`` (YAML would silently keep the last value);
- aliases may repeat at most :data:`MAX_ALIASED` values in all: a file whose aliases expand
  further (a "billion laughs" bomb) is refused at the line of the alias that crosses the cap,
  before anything is built from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from achlab.model import Problem

STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
#: Matches any mapping key or list index in a text path.
ANY = "*"
#: Most values (nodes) that all the aliases of one file may repeat together.
MAX_ALIASED = 10_000


class AliasBomb(Exception):
    """Aliases that expand past :data:`MAX_ALIASED` values, at ``line`` and ``field``."""

    def __init__(self, line: int, field: str, anchor: str):
        self.line, self.field, self.anchor = line, field, anchor
        super().__init__(f"alias *{anchor} makes the file repeat more than {MAX_ALIASED} "
                         "values; write the values out instead of nesting aliases")


def dotted(keys: Sequence) -> str:
    """A key path as a field name, list indices in brackets.

    For example ``("sources", "ua-gov", "motive")`` -> ``sources.ua-gov.motive``, and
    ``hypotheses[2].id`` for a list index.
    """
    out = ""
    for key in keys:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            out += f".{key}" if out else str(key)
    return out or "value"


class LocatedYaml:
    """A parsed YAML document and its node tree, to look up the line of any key path.

    Attributes
    ----------
    path : Path
        The file read.
    data : object
        The document (keys and the named text paths as written).
    root : yaml.Node or None
        The node tree (None for an empty file).
    problems : list of Problem
        Duplicate keys found while reading; the loaders report them with their own problems.
    """

    def __init__(self, path: Path, data, root, problems: list[Problem] | None = None):
        self.path = path
        self.data = data
        self.root = root
        self.problems = list(problems or [])

    def line(self, *keys) -> int:
        """Line (1-based) of the deepest node reached along ``keys``; 1 for an empty file."""
        node = self.root
        if node is None:
            return 1
        best = node.start_mark.line + 1
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                for k_node, v_node in node.value:
                    if str(k_node.value) == str(key):
                        best = k_node.start_mark.line + 1
                        node = v_node
                        break
                else:
                    return best
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if key >= len(node.value):
                    return best
                node = node.value[key]
                best = node.start_mark.line + 1
            else:
                return best
        return best


class TextLoader(yaml.SafeLoader):
    """The safe loader, with keys (and values at given paths) kept as the text written.

    The node tree already holds each scalar's source text; the loader re-tags those nodes as
    strings before constructing the document, so ``yes``, ``off``, ``1``, ``null`` or ``0.5``
    stay that text instead of becoming ``True``, ``False``, ``1``, ``None`` or ``0.5``.
    """

    def __init__(self, stream, text_paths: Iterable[tuple] = ()):
        super().__init__(stream)
        self.text_paths = [tuple(p) for p in text_paths]
        self.aliased = 0
        self.sizes: dict[int, int] = {}
        self.keys: list = []

    def compose_node(self, parent, index):
        """Compose as YAML does, counting what each alias repeats (see :class:`AliasBomb`)."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            node = self.anchors.get(event.anchor)
            if node is not None:
                self.aliased += expanded_size(node, self.sizes)
                if self.aliased > MAX_ALIASED:
                    raise AliasBomb(event.start_mark.line + 1, dotted([*self.keys, *_key(index)]),
                                    event.anchor)
        self.keys.extend(_key(index))
        try:
            return super().compose_node(parent, index)
        finally:
            del self.keys[len(self.keys) - len(_key(index)):]

    def located(self, path: Path, shown: str) -> LocatedYaml:
        """Compose, check for duplicate keys, re-tag, construct; one pass over the text."""
        root = self.get_single_node()
        if root is None:
            return LocatedYaml(path, None, None)
        problems = [Problem(shown, line, field, message)
                    for line, field, message in duplicate_keys(root)]
        _as_text(root, (), self.text_paths, set())
        try:
            data = self.construct_document(root)
        except ValueError as exc:  # e.g. an unquoted impossible date such as 2024-13-01
            line, field = _bad_scalar(root)
            raise _input_error(shown, line, field, f"{exc} (write dates as YYYY-MM-DD)") from None
        return LocatedYaml(path, data, root, problems)


def read_yaml(path: Path, shown: str, text_paths: Iterable[tuple] = ()) -> LocatedYaml:
    """Parse ``path`` safely, keys as written.

    Raises :class:`~achlab.model.InputError` on a syntax error.

    Parameters
    ----------
    path : Path
        The YAML file.
    shown : str
        The path as shown in messages.
    text_paths : iterable of tuple
        Key paths whose scalar values keep their source text (``"*"`` matches any key or list
        index), e.g. ``("hypotheses", "*", "id")``.

    Returns
    -------
    LocatedYaml
        With ``problems`` holding any duplicate key.
    """
    text = _read_text(path, shown)
    loader = TextLoader(text, text_paths)
    try:
        return loader.located(path, shown)
    except AliasBomb as exc:
        raise _input_error(shown, exc.line, exc.field, str(exc)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        message = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _input_error(shown, line, "yaml", f"not valid YAML: {message}") from None
    finally:
        loader.dispose()


def _key(index) -> list:
    """The key (or list index) under which the composer places a node; [] for a mapping key."""
    if isinstance(index, yaml.ScalarNode):
        return [index.value]
    return [index] if isinstance(index, int) else []


def _read_text(path: Path, shown: str) -> str:
    """The text; InputError when missing, unreadable or not UTF-8 (at the bad byte's line)."""
    if path.is_dir():
        raise _input_error(shown, 1, "file", "is a folder, not a YAML file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _input_error(shown, 1, "file", "not found") from None
    except OSError as exc:
        raise _input_error(shown, 1, "file", f"cannot be read ({exc.strerror or exc})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise _input_error(shown, line, "encoding", f"byte 0x{raw[exc.start]:02X} is not UTF-8; "
                           "save the file as UTF-8") from None


def expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many nodes ``node`` stands for once every alias in it is written out (memoised)."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    sizes[key] = 1  # a node that refers to itself counts once
    if isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    else:
        children = []
    sizes[key] = min(1 + sum(expanded_size(c, sizes) for c in children), 10 * MAX_ALIASED)
    return sizes[key]


def duplicate_keys(root: yaml.Node) -> list[tuple[int, str, str]]:
    """``(line, field, message)`` for every key given twice in one mapping, at the second key."""
    found, seen_nodes = [], set()
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())]
    while stack:
        node, keys = stack.pop()
        if id(node) in seen_nodes:  # an alias of a node already checked
            continue
        seen_nodes.add(id(node))
        children = []
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for k_node, v_node in node.value:
                if not isinstance(k_node, yaml.ScalarNode) or k_node.tag == MERGE_TAG:
                    children.append((v_node, keys))
                    continue
                line = k_node.start_mark.line + 1
                if k_node.value in first:
                    found.append((line, dotted((*keys, k_node.value)),
                                  f"duplicate key (first at line {first[k_node.value]})"))
                else:
                    first[k_node.value] = line
                children.append((v_node, (*keys, k_node.value)))
        elif isinstance(node, yaml.SequenceNode):
            children = [(v, (*keys, n)) for n, v in enumerate(node.value)]
        stack.extend(reversed(children))
    return sorted(found)


def _matches(keys: tuple, pattern: tuple) -> bool:
    return len(keys) == len(pattern) and all(p == ANY or p == k for k, p in zip(keys, pattern,
                                                                               strict=True))


def _as_text(node: yaml.Node, keys: tuple, text_paths: list[tuple], seen: set) -> None:
    """Re-tag every mapping key, and the scalars at ``text_paths``, as strings (in place)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if any(_matches(keys, p) for p in text_paths):
            if _is_empty_text(node, keys):
                node.value = ""
            node.tag = STR_TAG
    elif isinstance(node, yaml.MappingNode):
        for k_node, v_node in node.value:
            if isinstance(k_node, yaml.ScalarNode) and k_node.tag != MERGE_TAG:
                k_node.tag = STR_TAG
                _as_text(v_node, (*keys, k_node.value), text_paths, seen)
            else:
                _as_text(v_node, keys, text_paths, seen)
    elif isinstance(node, yaml.SequenceNode):
        for n, item in enumerate(node.value):
            _as_text(item, (*keys, n), text_paths, seen)


#: Plain YAML words for "nothing"; as an id they are that text, as free text they are empty.
NULL_WORDS = frozenset({"~", "null", "Null", "NULL"})
#: Keys whose values are ids or names, kept as written even when they read as null.
ID_KEYS = frozenset({"id", "name", "case", "hypothesis"})


def _is_empty_text(node: yaml.ScalarNode, keys: tuple) -> bool:
    """A plain ``~`` or ``null`` written as free text (a title, a note), which means empty."""
    last = keys[-1] if keys else None
    return (node.style is None and node.value in NULL_WORDS and isinstance(last, str)
            and last not in ID_KEYS)


def _input_error(shown: str, line: int, field: str, message: str):
    from achlab.model import InputError

    return InputError([Problem(shown, line, field, message)])


def _bad_scalar(node, key: str = "value") -> tuple[int, str]:
    """Line and key of the first scalar the safe loader cannot construct (e.g. a bad date)."""
    loader = yaml.SafeLoader("")
    stack = [(node, key)]
    while stack:
        current, name = stack.pop(0)
        if isinstance(current, yaml.MappingNode):
            stack[:0] = [(v, str(k.value)) for k, v in current.value]
        elif isinstance(current, yaml.SequenceNode):
            stack[:0] = [(v, name) for v in current.value]
        elif isinstance(current, yaml.ScalarNode):
            try:
                loader.construct_object(current, deep=True)
            except ValueError:
                return current.start_mark.line + 1, name
    return 1, key
