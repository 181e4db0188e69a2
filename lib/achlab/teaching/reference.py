"""Reference answers and the numbers in the explanations, computed from the library at check time.

The questions themselves are data (``questions.yaml``); this module holds only what must be
computed, keyed by question id:

- a *reference* ``(question) -> answer`` for every question without a fixed ``answer`` in the
  YAML, registered with ``@reference("question-id", ...)`` in :data:`REFERENCES`;
- an *explanation* ``(question, ref) -> dict`` for every question whose ``why`` template uses
  fields besides ``{ref}`` and ``{option}``: the values of those fields, registered with
  ``@explanation("question-id", ...)`` in :data:`EXPLANATIONS`.

Both read the case through :func:`_case` when the question is checked, never a stored value, so
they follow the data. A function may serve several questions, reading what differs between them
from the question's ``params``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from achlab.model import Case
from achlab.model.words import percent

if TYPE_CHECKING:
    from achlab.teaching import Question

#: Question id -> ``(question) -> reference answer``.
REFERENCES: dict[str, Callable[[Question], Any]] = {}
#: Question id -> ``(question, ref) -> {field: value}`` for the question's ``why`` template.
EXPLANATIONS: dict[str, Callable[[Question, Any], dict[str, Any]]] = {}


def _registrar(table: dict[str, Callable], question_ids: tuple[str, ...]):
    def register(function: Callable) -> Callable:
        for qid in question_ids:
            if qid in table:
                raise ValueError(f"{function.__name__}: {qid!r} is registered twice")
            table[qid] = function
        return function

    return register


def reference(*question_ids: str):
    """Register a function ``(question) -> answer`` as the reference of these questions."""
    return _registrar(REFERENCES, question_ids)


def explanation(*question_ids: str):
    """Register a function ``(question, ref) -> dict`` filling these questions' ``why``."""
    return _registrar(EXPLANATIONS, question_ids)


# ---------------------------------------------------------------------------- library helpers
def _case(case_id: str) -> Case:
    from achlab.load.case import load_case

    return load_case(case_id)


def _weight(case: Case, hypothesis_id: str) -> float:
    from achlab.engines.exact import exact_weights

    return exact_weights(case)[hypothesis_id]


def _item(case: Case, evidence_id: str):
    return next(e for e in case.evidence if e.id == evidence_id)


def _item_id(option: str) -> str:
    """The evidence id an option starts with: ``"E05 (NIS: ...)"`` -> ``"E05"``."""
    return option.split()[0]


def _option(q: Question, text: str) -> str:
    """The key of the option whose text is ``text``."""
    return next(k for k, v in q.options.items() if v == text)


def _pair_bits(case: Case, ratings: dict[str, str], a: str, b: str) -> float:
    """|log2 P(E|a) / P(E|b)| of ratings on the case's scale: how well an item separates a, b."""
    scale = case.scales.rating
    return abs(math.log2(scale[ratings[a]] / scale[ratings[b]]))


# ---------------------------------------------------------------------------- step 1
UNPACK_DATE = dt.date(2024, 10, 8)


@reference("unpacking")
def unpacked_weight(q: Question) -> float:
    """Total weight of 'combat' split in two (uniform prior), on the evidence to 8 Oct 2024."""
    from achlab.engines.exact import exact_weights
    from achlab.teaching import unpacked_case

    w = exact_weights(unpacked_case(_case(q.case_id).up_to(UNPACK_DATE), "combat"))
    return w["combat-1"] + w["combat-2"]


@explanation("unpacking")
def weight_before_unpacking(q: Question, ref: float) -> dict[str, Any]:
    """``before``: the weight of 'combat' on the same evidence, not unpacked."""
    return {"before": _weight(_case(q.case_id).up_to(UNPACK_DATE), "combat")}


# ---------------------------------------------------------------------------- step 2
@reference("circular-cuba")
def shared_origin(q: Question) -> str:
    """The option naming the item whose origin E05 (McCone's argument) shares."""
    case = _case(q.case_id)
    origin = _item(case, "E05").origin
    return next(k for k, v in q.options.items() if _item(case, v).origin == origin)


@explanation("circular-cuba")
def origin_of_e05(q: Question, ref: str) -> dict[str, Any]:
    """``origin``: the origin E05 shares."""
    return {"origin": _item(_case(q.case_id), "E05").origin}


# ---------------------------------------------------------------------------- step 3
@reference("rate-nk-E13", "rate-cuba-E02", "rate-cuba-E11")
def case_rating(q: Question) -> str:
    """The case's own rating of item ``params.evidence`` under ``params.hypothesis``."""
    return _item(_case(q.case_id), q.params["evidence"]).ratings[q.params["hypothesis"]]


@reference("least-diagnostic-nk")
def least_diagnostic(q: Question) -> str:
    """The option naming the item of lowest diagnosticity (first one on a tie)."""
    from achlab.engines.classic import item_diagnosticity

    case = _case(q.case_id)
    return min(q.options,
               key=lambda k: item_diagnosticity(case, _item(case, _item_id(q.options[k]))))


@reference("consensus-tie", "consensus-na")
def consensus_of_votes(q: Question) -> str:
    """The Open Synthesis consensus rating of ``params.votes``."""
    from achlab.engines.consensus import consensus_rating

    return consensus_rating(q.params["votes"])


def _analysts_cell(q: Question):
    """The analysts' consensus on cell (``params.evidence``, ``params.hypothesis``)."""
    from achlab.engines.consensus import consensus
    from achlab.load.analysts import load_analysts

    case = _case(q.case_id)
    return consensus(case, load_analysts(case)).cell(q.params["evidence"],
                                                     q.params["hypothesis"])


@reference("disagreement-cuba-E03")
def disagreement_band(q: Question) -> str:
    """The option naming the analysts' disagreement band on the cell."""
    return _option(q, _analysts_cell(q).band)


@explanation("disagreement-cuba-E03")
def cell_votes(q: Question, ref: str) -> dict[str, Any]:
    """``votes`` (analyst rating, ...), ``sd`` (the disagreement) and ``consensus`` of the cell."""
    cell = _analysts_cell(q)
    return {"votes": ", ".join(f"{a} {r}" for a, r in cell.votes.items()),
            "sd": cell.disagreement, "consensus": cell.consensus}


# ---------------------------------------------------------------------------- step 4
def _item_bits(q: Question) -> dict[str, float]:
    """Option -> bits by which its item separates the two hypotheses ``params.separate``."""
    case = _case(q.case_id)
    a, b = q.params["separate"]
    return {k: _pair_bits(case, _item(case, _item_id(v)).ratings, a, b)
            for k, v in q.options.items()}


@reference("most-diagnostic-cuba")
def best_separating_item(q: Question) -> str:
    """The option naming the item that best separates the two hypotheses, as rated."""
    bits = _item_bits(q)
    return max(bits, key=bits.get)


@explanation("most-diagnostic-cuba")
def item_bits(q: Question, ref: str) -> dict[str, Any]:
    """``bits`` (item, bits, ...) and ``item``: the id of the reference item."""
    bits = ", ".join(f"{_item_id(q.options[k])} {b:.1f} bits" for k, b in _item_bits(q).items())
    return {"bits": bits, "item": _item_id(q.options[ref])}


@reference("counted-items-nk")
def counted_items(q: Question) -> float:
    """The number of items that count once items of the same origin are merged."""
    return float(len(_case(q.case_id).arrays().item_ids))


@explanation("counted-items-nk")
def dropped_items(q: Question, ref: float) -> dict[str, Any]:
    """``items``: all the items; ``dropped``: how many repeat an earlier item's origin."""
    case = _case(q.case_id)
    return {"items": len(case.evidence), "dropped": len(case.arrays().dropped)}


# ---------------------------------------------------------------------------- step 5
BEFORE_U2 = dt.date(1962, 10, 10)


@reference("least-contradicted-cuba")
def least_contradicted(q: Question) -> str:
    """The option naming the hypothesis with the lowest weighted inconsistency to 10 Oct 1962."""
    from achlab.engines.classic import heuer_scores

    return _option(q, heuer_scores(_case(q.case_id).up_to(BEFORE_U2)).least_contradicted)


@explanation("least-contradicted-cuba")
def scores_and_weights(q: Question, ref: str) -> dict[str, Any]:
    """``scores``: weighted inconsistency per hypothesis; ``weights``: the exact weights."""
    from achlab.engines.classic import heuer_scores

    case = _case(q.case_id).up_to(BEFORE_U2)
    s = heuer_scores(case).weighted_inconsistency
    w = {h: _weight(case, h) for h in case.hypothesis_ids}
    return {"scores": ", ".join(f"{h} {s[h]:.2f}" for h in case.hypothesis_ids),
            "weights": ", ".join(f"{h} {percent(w[h])}" for h in case.hypothesis_ids)}


# ---------------------------------------------------------------------------- step 6
LINCHPIN_DATE = dt.date(2024, 10, 18)


@reference("linchpin-nk")
def weight_without_e05(q: Question) -> float:
    """The weight of 'combat' on the evidence to 18 Oct 2024, E05 excluded."""
    return _weight(_case(q.case_id).up_to(LINCHPIN_DATE).without("E05"), "combat")


@explanation("linchpin-nk")
def weight_with_e05(q: Question, ref: float) -> dict[str, Any]:
    """``with_e05``: the weight of 'combat' on the same evidence with E05."""
    return {"with_e05": _weight(_case(q.case_id).up_to(LINCHPIN_DATE), "combat")}


# ---------------------------------------------------------------------------- step 7
@reference("weight-cuba-before-u2")
def weight_before_u2(q: Question) -> float:
    """The weight of 'offensive' on the evidence to 10 Oct 1962."""
    return _weight(_case(q.case_id).up_to(BEFORE_U2), "offensive")


@explanation("weight-cuba-before-u2")
def estimative_word_of(q: Question, ref: float) -> dict[str, Any]:
    """``word``: the ICD 203 expression of the reference weight."""
    from achlab.model.words import estimative_word

    return {"word": estimative_word(ref)}


@reference("words-nk")
def words_for_combat(q: Question) -> str:
    """The option naming the ICD 203 expression of combat's weight on the evidence to 8 Oct 2024."""
    from achlab.model.words import estimative_word

    return _option(q, estimative_word(_weight(_case(q.case_id).up_to(UNPACK_DATE), "combat")))


@explanation("words-nk")
def icd203_band(q: Question, ref: str) -> dict[str, Any]:
    """``weight``: combat's weight; ``band``: the ICD 203 range of its expression ("20-45 %")."""
    from achlab.model.words import band_of

    w = _weight(_case(q.case_id).up_to(UNPACK_DATE), "combat")
    lower, upper, _ = band_of(w)
    return {"weight": w, "band": f"{100 * lower:g}-{100 * upper:g} %"}


# ---------------------------------------------------------------------------- step 8
def _milestone_bits(q: Question) -> dict[str, float]:
    """Option -> bits by which its rating (``params.ratings``) separates ``params.separate``."""
    case = _case(q.case_id)
    a, b = q.params["separate"]
    return {k: _pair_bits(case, r, a, b) for k, r in q.params["ratings"].items()}


@reference("milestone-nk", "milestone-cuba")
def best_milestone(q: Question) -> str:
    """The observation whose ratings best separate the two hypotheses (first one on a tie)."""
    bits = _milestone_bits(q)
    return max(bits, key=bits.get)


@explanation("milestone-nk", "milestone-cuba")
def milestone_bits(q: Question, ref: str) -> dict[str, Any]:
    """``bits``: "a) 0.0 bits, b) ..." for every observation."""
    return {"bits": ", ".join(f"{k}) {v:.1f} bits" for k, v in _milestone_bits(q).items())}
