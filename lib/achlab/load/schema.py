"""The declared shape of ``case.yaml`` and of a scenario file (pydantic models).

The module also bridges pydantic's errors to located ``path:line: field: message`` problems.

The models say which keys exist (``extra="forbid"``), what each holds (ids, text, numbers in
[0, 1], positive integers, literals) and which values are kept as the text the analyst wrote
(:data:`AS_WRITTEN`: ids, names, free text). What needs the case itself (an id that names no
hypothesis, source or item, a prior that does not sum to 1, a rating letter of the case's scale)
is checked by :mod:`achlab.load.case` and :mod:`achlab.load.scenario` after this pass.

:func:`validate` reports every schema problem at once, each at the line of its key
(:meth:`~achlab.load.yamlfile.LocatedYaml.line`) and named like ``sources.ua-gov.motive``, and
returns the document with the bad parts left out, so those later checks still run on the rest.

To widen a field, give it a tagged union (see :data:`Reliability`): a callable discriminator picks
the member from the value's shape, and the tag never shows in a field name. For instance
``motive`` may become one number or a mapping hypothesis -> number (model.md §4)::

    Motive = Annotated[Union[Annotated[Probability, Tag("number")],
                             Annotated[dict[str, Probability], Tag("per-hypothesis")]],
                       Discriminator(_number_or_mapping), Says("give a number in [0, 1] or ...")]
"""

from __future__ import annotations

import copy
import datetime as dt
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from achlab.load.csvfile import Collector
from achlab.load.parse import ID_PATTERN, parse_date
from achlab.load.yamlfile import ANY, LocatedYaml, dotted


# ---------------------------------------------------------------------------- markers
class _AsWritten:
    """Marker: the YAML reader keeps this value as the text written (see :func:`text_paths`)."""

    def __repr__(self) -> str:
        return "AS_WRITTEN"


AS_WRITTEN = _AsWritten()


@dataclass(frozen=True)
class Says:
    """What a problem with a field says, in place of pydantic's own words.

    Attributes
    ----------
    wrong : str
        For a value of the wrong type or out of range, e.g. ``"must be a positive integer"``
        (``", got X"`` is added for a scalar value).
    missing : str
        For a required field that is not there.
    """

    wrong: str = ""
    missing: str = "missing"


# ---------------------------------------------------------------------------- field types
def _check_id(text: str) -> str:
    text = text.strip()
    if not text:
        raise PydanticCustomError("id_empty", "is empty")
    if not ID_PATTERN.match(text):
        raise PydanticCustomError("id_pattern", "{text} is not a valid id (letters, digits, - _ .)",
                                  {"text": repr(text)})
    return text


def _not_bool(value):
    if isinstance(value, bool):  # YAML's yes/no/true/false are not numbers here
        raise PydanticCustomError("bool_number", "bool")
    return value


def _date(value):
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(value)
    except ValueError as exc:
        raise PydanticCustomError("iso_date", "{message}", {"message": str(exc)}) from None


def _letter_or_number(value) -> str | None:
    if isinstance(value, str):
        return "letter"
    if isinstance(value, int | float):
        return "number"
    return None


#: An id (hypothesis, source, evidence item, case, scenario): letters, digits, ``- _ .``,
#: as written (``yes`` is ``"yes"``).
Id = Annotated[str, AS_WRITTEN, AfterValidator(_check_id), Says("must be an id (letters, "
                                                                "digits, - _ .)")]
#: Free text, as written.
Text = Annotated[str, AS_WRITTEN, Says("must be text")]
#: An ISO date ``YYYY-MM-DD``, quoted or not.
Date = Annotated[dt.date, AS_WRITTEN, BeforeValidator(_date)]
#: A number in [0, 1] (a numeric string such as ``"0.5"`` is read as a number).
Probability = Annotated[float, BeforeValidator(_not_bool), Field(ge=0.0, le=1.0),
                        Says("must be a number in [0, 1]")]
PositiveInt = Annotated[int, Field(strict=True, ge=1), Says("must be a positive integer")]
NonNegativeInt = Annotated[int, Field(strict=True, ge=0), Says("must be a non-negative integer")]
PositiveNumber = Annotated[float, BeforeValidator(_not_bool), Field(gt=0.0),
                           Says("must be a positive number")]
Switch = Annotated[bool, Field(strict=True), Says("must be true or false")]
#: An Admiralty letter (checked against the case's scale later) or a point reliability.
Reliability = Annotated[
    Union[Annotated[str, Tag("letter")], Annotated[Probability, Tag("number")]],  # noqa: UP007
    Discriminator(_letter_or_number),
    Says("must be an Admiralty letter or a number in [0, 1]")]
#: A Heuer rating (checked against the case's scale later) or a probability.
Rating = Annotated[
    Union[Annotated[str, Tag("letter")], Annotated[Probability, Tag("number")]],  # noqa: UP007
    Discriminator(_letter_or_number),
    Says("must be a rating letter or a number in [0, 1]")]
def _number_or_mapping(value) -> str | None:
    if isinstance(value, dict):
        return "per-hypothesis"
    if isinstance(value, int | float | str):
        return "number"
    return None


#: How likely a source would make the report anyway: one number, or a mapping hypothesis id ->
#: number (model.md §4; that it names every hypothesis is checked against the case later).
Motive = Annotated[
    Union[Annotated[Probability, Tag("number")],  # noqa: UP007
          Annotated[dict[Annotated[str, AS_WRITTEN], Probability], Tag("per-hypothesis")]],
    Discriminator(_number_or_mapping, custom_error_type="motive_shape",
                  custom_error_message="must be a number in [0, 1] or a mapping hypothesis -> "
                                       "number, e.g. {combat: 0.8, technical: 0.9, none: 0.5}")]


class Strict(BaseModel):
    """Base of every file model: unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------- case.yaml
class HypothesisEntry(Strict):
    """One entry of ``hypotheses``."""

    id: Annotated[Id, Says(missing="missing: give every hypothesis an id")]
    label: Text = ""
    description: Text = ""


class ReliabilityLevel(Strict):
    """One letter of ``reliability_scale``: mean reliability and Beta concentration."""

    mean: Annotated[Probability, Says(missing="give {mean: x, concentration: y}")]
    concentration: PositiveNumber | None = None


class Resolution(Strict):
    """How the question was resolved (for replaying a case against its outcome)."""

    hypothesis: Annotated[Id, Says(missing="missing: the hypothesis that proved true")]
    date: Annotated[Date, Says(missing="missing: the date it was known (YYYY-MM-DD)")]
    note: Text = ""


class CaseFile(Strict):
    """``case.yaml`` (model.md §2)."""

    id: Annotated[Id, Says(missing="missing: the case id")]
    title: Text = ""
    question: Text = ""
    description: Text = ""
    hypotheses: Annotated[list[Annotated[HypothesisEntry, Says(
        "must be a mapping with id, label, description")]], Field(min_length=2),
                          Says("give a list of at least two hypotheses",
                               missing="give a list of at least two hypotheses")]
    prior: Annotated[dict[str, Probability],
                     Says("must map each hypothesis id to a probability")] | None = None
    rating_scale: Annotated[dict[str, Probability],
                            Says("must be a mapping rating -> number")] | None = None
    reliability_scale: Annotated[dict[str, ReliabilityLevel],
                                 Says("must be a mapping letter -> {mean, concentration}")
                                 ] | None = None
    credibility_scale: Annotated[dict[str, Probability],
                                 Says("must be a mapping code -> number")] | None = None
    resolution: Resolution | None = None
    handling: Text = ""
    source_note: Text = ""


# ---------------------------------------------------------------------------- scenario files
class SourceOverride(Strict):
    """A scenario's change to one source."""

    reliability: Reliability | None = None
    motive: Motive | None = None
    group: Text | None = None


class EvidenceOverrides(Strict):
    """A scenario's changes to the evidence."""

    exclude: Annotated[list[Id], Says("must be a list of ids")] | None = None
    ratings: Annotated[dict[str, Annotated[dict[str, Rating],
                                           Says("must map hypothesis ids to ratings")]],
                       Says("must map evidence ids to {hypothesis: rating}")] | None = None


class McmcSettings(Strict):
    """Sampler settings for the PyMC engine."""

    draws: PositiveInt | None = None
    tune: PositiveInt | None = None
    chains: PositiveInt | None = None
    target_accept: Probability | None = None


class ScenarioFile(Strict):
    """A scenario file (model.md §2)."""

    name: Id | None = None
    title: Text = ""
    description: Text = ""
    case: Annotated[Id, Says(missing="missing: name the case folder under data/")]
    as_of: Date | None = None
    prior: Annotated[dict[str, Probability],
                     Says("must map each hypothesis id to a probability")] | None = None
    sources: Annotated[dict[str, Annotated[SourceOverride, Says(
        "give a mapping such as {reliability: D, motive: 0.9}")]],
                       Says("must map source ids to overrides")] | None = None
    evidence: Annotated[EvidenceOverrides,
                        Says("must be a mapping with exclude and/or ratings")] | None = None
    seed: NonNegativeInt | None = None
    pooling: Switch | None = None
    language: Annotated[Literal["icd203", "uk"], AS_WRITTEN] | None = None
    handling: Text | None = None
    mcmc: Annotated[McmcSettings, Says("must be a mapping (draws, tune, chains)")] | None = None


# ---------------------------------------------------------------------------- type walking
@dataclass
class _Step:
    """One key of an error's location: how it can be left out of the document."""

    key: Any
    kind: str  # "field" (optional), "required", "extra", "entry" (of a map), "item" (of a list)


def _unwrap(tp) -> tuple[Any, list]:
    """Strip ``Annotated`` and ``X | None``; return the bare type and the metadata met."""
    meta: list = []
    while True:
        if typing.get_origin(tp) is Annotated:
            meta = [*meta, *tp.__metadata__]
            tp = tp.__origin__
            continue
        if typing.get_origin(tp) in (Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp, meta


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    return typing.get_type_hints(model, include_extras=True)


def _tagged_members(tp) -> dict[str, Any] | None:
    """Tag -> member of a tagged union; None for any other type."""
    if typing.get_origin(tp) not in (Union, types.UnionType):
        return None
    members = {}
    for arg in typing.get_args(tp):
        tags = [m.tag for m in _unwrap(arg)[1] if isinstance(m, Tag)]
        if tags:
            members[tags[0]] = arg
    return members


def _walk(model: type[BaseModel], loc: tuple) -> tuple[list[_Step], Any, list]:
    """Follow a pydantic ``loc`` through the model's types.

    Returns the steps of the key path (union tags and ``[key]`` markers dropped), the type found
    at the end (None past an unknown key) and the metadata of that last level.
    """
    steps: list[_Step] = []
    tp, meta = _unwrap(model)
    i = 0
    while i < len(loc):
        key = loc[i]
        members = _tagged_members(tp)
        if members is not None:  # the union's own words describe every member
            union_says = [m for m in meta if isinstance(m, Says)]
            tp, meta = _unwrap(members.get(key, Any))
            meta = [*meta, *union_says]
            i += 1
            continue
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            hints = _fields(tp)
            if key in hints:
                required = tp.model_fields[key].is_required()
                steps.append(_Step(key, "required" if required else "field"))
                tp, meta = _unwrap(hints[key])
            else:
                steps.append(_Step(key, "extra"))
                tp, meta = None, []
            i += 1
            continue
        origin = typing.get_origin(tp)
        if origin is dict:
            key_type, value_type = typing.get_args(tp)
            steps.append(_Step(key, "entry"))
            if i + 1 < len(loc) and loc[i + 1] == "[key]":
                tp, meta = _unwrap(key_type)
                i += 2
            else:
                tp, meta = _unwrap(value_type)
                i += 1
            continue
        if origin is list:
            steps.append(_Step(key, "item"))
            tp, meta = _unwrap(typing.get_args(tp)[0])
            i += 1
            continue
        steps.append(_Step(key, "item"))  # nothing known below: keep the key for the line
        tp, meta = None, []
        i += 1
    return steps, tp, meta


def text_paths(model: type[BaseModel]) -> list[tuple]:
    """Key paths (``"*"`` for any key or index) of the fields marked :data:`AS_WRITTEN`.

    The YAML reader keeps the values there as the text written (``id: yes`` -> ``"yes"``).
    """
    out: list[tuple] = []

    def visit(tp, prefix: tuple, depth: int) -> None:
        if depth > 12:
            return
        tp, meta = _unwrap(tp)
        if any(m is AS_WRITTEN for m in meta):
            out.append(prefix)
            return
        members = _tagged_members(tp)
        if members is not None:
            for member in members.values():
                visit(member, prefix, depth + 1)
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            for name, hint in _fields(tp).items():
                visit(hint, (*prefix, name), depth + 1)
        elif typing.get_origin(tp) is dict:
            visit(typing.get_args(tp)[1], (*prefix, ANY), depth + 1)
        elif typing.get_origin(tp) is list:
            visit(typing.get_args(tp)[0], (*prefix, ANY), depth + 1)

    visit(model, (), 0)
    return sorted(set(out), key=lambda p: (len(p), [str(k) for k in p]))


# ---------------------------------------------------------------------------- errors
_SCALARS = (str, int, float, bool, dt.date, type(None))


def _says(meta: list) -> Says | None:
    """The words for a field, from its :class:`Says` markers.

    They are the innermost non-empty ``wrong`` and ``missing`` of those markers (a field may add
    ``missing`` to a type that says ``wrong``).
    """
    found = [m for m in meta if isinstance(m, Says)]
    if not found:
        return None
    wrong = next((m.wrong for m in reversed(found) if m.wrong), "")
    missing = next((m.missing for m in reversed(found) if m.missing != "missing"), "missing")
    return Says(wrong, missing)


def _message(error: dict, tp, meta: list, parent_allowed: list[str]) -> str:
    """Plain words for one pydantic error."""
    kind = error["type"]
    value = error.get("input")
    says = _says(meta)
    got = f", got {value!r}" if isinstance(value, _SCALARS) else ""
    if kind == "extra_forbidden":
        return f"unknown field (allowed: {', '.join(sorted(parent_allowed))})"
    if kind == "missing":
        return says.missing if says else "missing"
    if kind in {"id_empty", "id_pattern", "iso_date"}:
        return error["msg"]
    if kind == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", "")).replace("'", "")
        return f"must be {expected}{got}"
    if says and says.wrong:
        return f"{says.wrong}{got}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "must be a mapping"
    if kind == "list_type":
        return "must be a list"
    message = error["msg"]
    return f"{message[:1].lower()}{message[1:]}{got}"


@dataclass
class Checked:
    """The result of :func:`validate`.

    Attributes
    ----------
    model : BaseModel or None
        The document with every part that had a problem left out; None when that is impossible
        (a required part is wrong).
    failed : set of tuple
        Key paths (and their parents) where a problem was found: later checks skip them.
    """

    model: BaseModel | None
    failed: set[tuple]

    def ok(self, *keys) -> bool:
        """True when nothing at or below ``keys`` had a problem."""
        return not any(f[:len(keys)] == keys for f in self.failed)


def validate(model: type[BaseModel], doc: LocatedYaml, col: Collector) -> Checked:
    """Check ``doc.data`` against ``model``; add one located problem per error to ``col``.

    Parameters
    ----------
    model : type
        :class:`CaseFile` or :class:`ScenarioFile`.
    doc : LocatedYaml
        The document, read with :func:`text_paths` of ``model``.
    col : Collector
        Where the problems go, as ``path:line: field: message``.

    Returns
    -------
    Checked
    """
    data = copy.deepcopy(doc.data)
    failed: set[tuple] = set()
    for keys in _empty_values(model, data):
        col.add(doc.line(*keys), dotted(keys), "is empty: give a value or leave the key out")
        failed.update(keys[:n] for n in range(1, len(keys) + 1))
        _remove(data, keys)
    try:
        return Checked(model.model_validate(data), failed)
    except ValidationError as exc:
        errors = exc.errors()
    for error in errors:
        loc = tuple(error["loc"])
        steps, tp, meta = _walk(model, loc)
        keys = tuple(s.key for s in steps)
        allowed = []
        if error["type"] == "extra_forbidden":
            parent = _walk(model, loc[:-1])[1]
            if isinstance(parent, type) and issubclass(parent, BaseModel):
                allowed = list(parent.model_fields)
        col.add(doc.line(*keys), dotted(keys), _message(error, tp, meta, allowed))
        failed.update(keys[:n] for n in range(1, len(keys) + 1))
    # Leave the bad parts out and check again, until what is left is sound (leaving out a part
    # can uncover nothing new but a missing required part, which is not reported again).
    for _ in range(20):
        cuts = {_cut_point(_walk(model, tuple(error["loc"]))[0]) for error in errors}
        if None in cuts:  # a required part is wrong: nothing sound is left to check further
            return Checked(None, failed)
        for keys in sorted(cuts, key=len, reverse=True):
            _remove(data, keys)
        try:
            return Checked(model.model_validate(data), failed)
        except ValidationError as exc:
            errors = exc.errors()
    return Checked(None, failed)


def _cut_point(steps: list[_Step]) -> tuple | None:
    """The deepest part of the path that can be left out, or None.

    A list item cannot be left out: the indices of the others would shift.
    """
    for n in range(len(steps), 0, -1):
        if steps[n - 1].kind in {"field", "extra", "entry"}:
            return tuple(s.key for s in steps[:n])
    return None


def _bare(tp):
    """``tp`` without ``Annotated`` and without ``None`` in a union (``X | None`` is ``X``)."""
    while True:
        if typing.get_origin(tp) is Annotated:
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) in (Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _is_model(tp) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _empty_values(model: type[BaseModel], data, keys: tuple = ()) -> list[tuple]:
    """Key paths written with an empty value where the field is not free text.

    ``seed:`` with nothing after it is a mistake, not "no seed"; an empty ``title:`` is an
    empty title.
    """
    found: list[tuple] = []
    if not isinstance(data, dict):
        return found
    for name, value in data.items():
        field = model.model_fields.get(name)
        if field is None:
            continue
        tp = _bare(field.annotation)
        if value is None:
            if tp is not str:
                found.append((*keys, name))
        elif _is_model(tp):
            found += _empty_values(tp, value, (*keys, name))
        elif typing.get_origin(tp) is dict and isinstance(value, dict):
            inner = _bare(typing.get_args(tp)[1])
            if _is_model(inner):
                for key, item in value.items():
                    found += _empty_values(inner, item, (*keys, name, key))
    return found


def _remove(data, keys: tuple) -> None:
    node = data
    for key in keys[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(node, dict):
        node.pop(keys[-1], None)
