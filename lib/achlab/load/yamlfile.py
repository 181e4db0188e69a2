"""YAML loading that remembers the line of every key, for located error messages."""

from __future__ import annotations

from pathlib import Path

import yaml

from achlab.model import Problem


class LocatedYaml:
    """A parsed YAML document and its node tree, to look up the line of any key path."""

    def __init__(self, path: Path, data, root):
        self.path = path
        self.data = data
        self.root = root

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


def read_yaml(path: Path, shown: str) -> LocatedYaml:
    """Parse ``path`` safely; raise :class:`~achlab.model.InputError` on a syntax error."""
    from achlab.model import InputError

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(shown, 1, "file", "not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(shown, 1, "file", f"cannot be read ({exc})")]) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        message = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError([Problem(shown, line, "yaml", f"not valid YAML: {message}")]) from None
    except ValueError as exc:  # e.g. an unquoted impossible date such as 2024-13-01
        line, field = _bad_scalar(root)
        raise InputError([Problem(shown, line, field, f"{exc} (write dates as YYYY-MM-DD)")]) \
            from None
    return LocatedYaml(path, data, root)


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
