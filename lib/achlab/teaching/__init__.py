"""Exercises on Heuer's eight steps of ACH, checked against the library.

Heuer's steps (Psychology of Intelligence Analysis, 1999, ch. 8):

1. identify the possible hypotheses;
2. list the significant evidence and arguments;
3. prepare a matrix and rate each item against each hypothesis;
4. refine the matrix: drop evidence that is not diagnostic, reconsider the hypotheses;
5. draw tentative conclusions by trying to disprove hypotheses;
6. analyse how sensitive the conclusion is to a few critical items;
7. report conclusions, with the relative likelihood of every hypothesis;
8. identify milestones for future observation.

Each question in :data:`QUESTIONS` works on the bundled case (``nk-troops-2024``) or the teaching
case (``cuba-missiles-1962``). Numeric answers are computed by the library when the question is
checked, never typed in here, so they follow the data. Use::

    from achlab.teaching import ask, check_answer, solution
    print(ask("linchpin-nk"))
    check_answer("linchpin-nk", 0.8)      # Feedback: .correct, .message
    solution("linchpin-nk")               # the reference answer

A probability may be answered as ``0.62``, ``"62 %"`` or ``62``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from achlab.model import Case, Hypothesis

NK = "nk-troops-2024"
CUBA = "cuba-missiles-1962"
#: Heuer's eight steps, short names.
STEPS = {
    1: "Hypotheses",
    2: "Evidence and arguments",
    3: "Matrix and ratings",
    4: "Refine the matrix",
    5: "Tentative conclusions",
    6: "Sensitivity",
    7: "Report conclusions",
    8: "Milestones",
}
RATING_ANSWERS = ("CC", "C", "N", "I", "II", "NA")


# ---------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``correct`` and a ``message`` explaining why."""

    question_id: str
    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        head = "Correct." if self.correct else "Not quite."
        return f"[{self.question_id}] {head} {self.message}"

    def _repr_markdown_(self) -> str:
        mark = "\u2705 **Correct.**" if self.correct else "\u274c **Not quite.**"
        return f"{mark} {self.message}\n\n<small>question `{self.question_id}`</small>"


@dataclass(frozen=True)
class Question:
    """One exercise.

    Attributes
    ----------
    id : str
        Name used with :func:`check_answer` and :func:`solution`.
    step : int
        Heuer's step (1-8) it practises.
    case_id : str
        Case it is about.
    prompt : str
        The question.
    kind : {"rating", "number", "choice"}
        A Heuer rating, a number (``tolerance`` either side), or one of ``options``.
    reference : callable
        ``() -> answer``: the reference answer, computed by the library when called.
    why : callable
        ``(reference) -> str``: why the reference answer is right.
    options : dict
        Choice key -> text (``kind == "choice"``).
    accepted : callable, optional
        ``(reference) -> set``: every answer counted right (default: the reference only).
    tolerance : float
        Allowed distance for a number.
    probability : bool
        The number is a probability: ``"62 %"`` and ``62`` are read as 0.62.
    hints : dict
        Answer -> why that particular wrong answer is wrong.
    approach : str
        How to get to the answer, shown after a wrong answer (without giving it away).
    """

    id: str
    step: int
    case_id: str
    prompt: str
    kind: str
    reference: Callable[[], Any]
    why: Callable[[Any], str]
    options: dict[str, str] = field(default_factory=dict)
    accepted: Callable[[Any], set] | None = None
    tolerance: float = 0.0
    probability: bool = False
    hints: dict[str, str] = field(default_factory=dict)
    approach: str = ""

    def text(self) -> str:
        """The question as shown to a student, with its options."""
        lines = [f"[{self.id}] Step {self.step} ({STEPS[self.step]}), case {self.case_id}",
                 self.prompt]
        if self.kind == "choice":
            lines += [f"  {k}) {v}" for k, v in self.options.items()]
        elif self.kind == "rating":
            lines.append("  Answer with a rating: " + " ".join(RATING_ANSWERS))
        elif self.probability:
            pts = 100 * self.tolerance
            lines.append(f"  Answer with a probability (0.62, '62 %'), within "
                         f"{pts:g} point{'' if pts == 1 else 's'}.")
        else:
            lines.append("  Answer with a number." if self.tolerance == 0 else
                         f"  Answer with a number, within {self.tolerance:g}.")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        body = self.text().splitlines()
        return f"**{body[0]}**\n\n" + "\n".join(f"{line}  " for line in body[1:])


# ---------------------------------------------------------------------------- library helpers
def _case(case_id: str) -> Case:
    from achlab.load.case import load_case

    return load_case(case_id)


def _weight(case: Case, hypothesis_id: str) -> float:
    from achlab.engines.exact import exact_weights

    return exact_weights(case)[hypothesis_id]


def _item(case: Case, evidence_id: str):
    return next(e for e in case.evidence if e.id == evidence_id)


def _pair_bits(case: Case, ratings: dict[str, str], a: str, b: str) -> float:
    """|log2 P(E|a) / P(E|b)| of ratings on the case's scale: how well an item separates a, b."""
    scale = case.scales.rating
    return abs(math.log2(scale[ratings[a]] / scale[ratings[b]]))


def unpacked_case(case: Case, hypothesis_id: str, parts: int = 2) -> Case:
    """The case with one hypothesis split into ``parts`` copies rated alike, uniform prior.

    Parameters
    ----------
    case : Case
    hypothesis_id : str
        The hypothesis to unpack (its copies are ``<id>-1``, ``<id>-2``, ...).
    parts : int
        Number of copies.

    Returns
    -------
    Case
    """
    names = [f"{hypothesis_id}-{n + 1}" for n in range(parts)]
    hyps: list[Hypothesis] = []
    for h in case.hypotheses:
        if h.id == hypothesis_id:
            hyps += [Hypothesis(n, f"{h.label} ({k + 1})", h.description)
                     for k, n in enumerate(names)]
        else:
            hyps.append(h)
    items = []
    for e in case.evidence:
        ratings = {k: v for k, v in e.ratings.items() if k != hypothesis_id}
        ratings.update({n: e.ratings.get(hypothesis_id, "NA") for n in names})
        items.append(replace(e, ratings=ratings))
    prior = {h.id: 1.0 / len(hyps) for h in hyps}
    return replace(case, hypotheses=tuple(hyps), evidence=tuple(items), prior=prior)


def _unpacked_weight() -> float:
    case = _case(NK).up_to(dt.date(2024, 10, 8))
    from achlab.engines.exact import exact_weights

    w = exact_weights(unpacked_case(case, "combat"))
    return w["combat-1"] + w["combat-2"]


def _least_diagnostic(case_id: str, options: dict[str, str]) -> str:
    from achlab.engines.classic import item_diagnosticity

    case = _case(case_id)
    return min(options, key=lambda k: item_diagnosticity(case, _item(case, options[k][:3])))


def _least_contradicted_cuba() -> str:
    from achlab.engines.classic import heuer_scores

    lead = heuer_scores(_case(CUBA).up_to(dt.date(1962, 10, 10))).least_contradicted
    return next(k for k, v in _CONTRADICTED.items() if v == lead)


def _words_nk() -> str:
    from achlab.model.words import estimative_word

    word = estimative_word(_weight(_case(NK).up_to(dt.date(2024, 10, 8)), "combat"))
    return next(k for k, v in _ICD_WORDS.items() if v == word)


def _best_separator(case_id: str, options: dict[str, str], ratings: dict[str, dict],
                    a: str, b: str) -> str:
    case = _case(case_id)
    return max(options, key=lambda k: _pair_bits(case, ratings[k], a, b))


# ---------------------------------------------------------------------------- the questions
def _rating_q(qid, step, case_id, evidence_id, hypothesis_id, accepted, why, hints,
              extra="") -> Question:
    def reference() -> str:
        return _item(_case(case_id), evidence_id).ratings[hypothesis_id]

    return Question(
        id=qid, step=step, case_id=case_id,
        prompt=(f"{extra}How consistent is item {evidence_id} with the hypothesis "
                f"'{hypothesis_id}'? Rate the event itself, P(event | hypothesis), on Heuer's "
                "scale (CC very consistent ... II very inconsistent, NA not applicable)."),
        kind="rating", reference=reference, why=why,
        accepted=lambda ref, acc=frozenset(accepted): set(acc) | {ref}, hints=hints)


_MILESTONES_NK = {
    "a": "Another firm Russian denial",
    "b": "North Korean soldiers captured on the battlefield and interrogated",
    "c": "New North Korean arms deliveries to Russia",
    "d": "NATO saying the reports still need verification",
}
_MILESTONE_RATINGS_NK = {
    "a": {"combat": "C", "technical": "C", "none": "C"},
    "b": {"combat": "C", "technical": "II", "none": "II"},
    "c": {"combat": "C", "technical": "CC", "none": "C"},
    "d": {"combat": "N", "technical": "C", "none": "C"},
}
_MILESTONES_CUBA = {
    "a": "Another TASS statement that the arms sent to Cuba are defensive",
    "b": "Photographs of ballistic-missile launch sites in the guarded zone near San Cristóbal",
    "c": "Photographs of more SA-2 sites in eastern Cuba",
    "d": "A Cuban leader telling the UN that Cuba has armed itself for defence",
}
_MILESTONE_RATINGS_CUBA = {
    "a": {"offensive": "C", "defensive": "C", "none": "I"},
    "b": {"offensive": "CC", "defensive": "II", "none": "II"},
    "c": {"offensive": "C", "defensive": "C", "none": "II"},
    "d": {"offensive": "C", "defensive": "C", "none": "I"},
}
_DIAG_NK = {"a": "E05 (NIS: special forces shipped to Vladivostok)",
            "b": "E13 (Russia firmly denies troops)",
            "c": "E21 (US: 3,000 soldiers moved for training)",
            "d": "E35 (two soldiers captured in Kursk)"}
_SEPARATE_CUBA = {"a": "E01 (surge of Soviet shipping)",
                  "b": "E02 (U-2 photographs of SAM sites)",
                  "c": "E09 (agent: guarded zone near San Cristóbal)",
                  "d": "E12 (Senator Keating: missile sites under construction)"}
_CIRCULAR_CUBA = {"a": "E01", "b": "E02", "c": "E04", "d": "E09"}
_ICD_WORDS = {"a": "very unlikely", "b": "unlikely", "c": "roughly even chance",
              "d": "likely", "e": "very likely", "f": "almost certain"}
_BANDS = {"a": "consensus", "b": "mild", "c": "large", "d": "extreme"}
_CONTRADICTED = {"a": "offensive", "b": "defensive", "c": "none"}


def _why_unpacking(ref: float) -> str:
    case = _case(NK).up_to(dt.date(2024, 10, 8))
    before = _weight(case, "combat")
    return (f"Splitting 'combat' into two copies rated exactly alike and giving all four "
            f"hypotheses the same prior raises combat's prior from 1/3 to 1/2, and its weight "
            f"from {before:.1%} to {ref:.1%}, though not one item changed. That is the unpacking "
            "effect (Tversky and Koehler's support theory): the more finely a hypothesis is "
            "described, the more probable it looks. Keep hypotheses at the level of the question "
            "and set priors on purpose, not by counting hypotheses.")


def _why_linchpin(ref: float) -> str:
    case = _case(NK).up_to(dt.date(2024, 10, 18))
    with_it = _weight(case, "combat")
    return (f"On the evidence to 18 Oct 2024 combat has {with_it:.1%}; without E05 (the NIS "
            f"report of special forces shipped to Vladivostok) it drops to {ref:.1%}. One report "
            "carries a large share of the conclusion, so check it first (Heuer step 6) - who saw "
            "the ships, could the imagery be misread, is it independent of Seoul's other claims? "
            "(In achlab's sensitivity tables a *linchpin* is stricter: an item whose removal "
            "changes which hypothesis leads.)")


def _why_cuba_weight(ref: float) -> str:
    from achlab.model.words import estimative_word

    return (f"On the evidence to 10 Oct 1962 'offensive' has {ref:.1%} ({estimative_word(ref)}). "
            "The SAM sites, MiGs and shipping rule out 'none' but fit both build-ups; the estimate "
            "(E08) and the peripheral U-2 flights (E11) lean defensive, the agent's guarded zone "
            "(E09), the Il-28 crates (E10) and Keating (E12) lean offensive, discounted for their "
            "sources. Only the U-2 flight of 14 Oct over the guarded zone settled it.")


def _why_counted(ref: float) -> str:
    case = _case(NK)
    dropped = case.arrays().dropped
    return (f"{ref:g} of {len(case.evidence)} items count: {len(dropped)} repeat the origin of an "
            "earlier item (the treaty, the NIS 12,000 figure, the NIS special-forces claim, "
            "Kyiv's mid-October claim), so each claim counts once however many outlets repeat "
            "it. Counting them again would be circular reporting dressed up as corroboration.")


def _why_words(ref: str) -> str:
    case = _case(NK).up_to(dt.date(2024, 10, 8))
    w = _weight(case, "combat")
    from achlab.model.words import ICD203, estimative_word

    word = estimative_word(w)
    lower = 0.0
    for edge, name, _ in ICD203:
        if name == word:
            band = f"{100 * lower:g}-{100 * edge:g} %"
            break
        lower = edge
    return (f"Combat has {w:.1%} on the evidence to 8 Oct 2024; ICD 203 calls {band} "
            f"'{word}'. Report the word and the number together, and say what would change it.")


def _why_least_contradicted(ref: str) -> str:
    from achlab.engines.classic import heuer_scores

    case = _case(CUBA).up_to(dt.date(1962, 10, 10))
    s = heuer_scores(case).weighted_inconsistency
    w = {h: _weight(case, h) for h in case.hypothesis_ids}
    return ("Weighted inconsistency to 10 Oct 1962: "
            + ", ".join(f"{h} {s[h]:.2f}" for h in case.hypothesis_ids)
            + f". '{_CONTRADICTED[ref]}' is least contradicted (nothing is rated I or II "
            "against it), yet the Bayesian weights are ("
            + ", ".join(f"{h} {w[h]:.0%}" for h in case.hypothesis_ids)
            + "): the classic score counts only inconsistencies, while items rated C against N "
            "(E08, E11 for 'defensive') also move the odds.")


def _why_diag_nk(ref: str) -> str:
    return ("E13 is rated C under every hypothesis: Moscow would deny whatever it had sent, so "
            "the denial cannot tell the hypotheses apart (0 bits). Heuer: evidence consistent "
            "with all hypotheses has no diagnostic value, however loud it is.")


def _why_separate_cuba(ref: str) -> str:
    case = _case(CUBA)
    bits = {k: _pair_bits(case, _item(case, v[:3]).ratings, "offensive", "defensive")
            for k, v in _SEPARATE_CUBA.items()}
    return ("Between 'offensive' and 'defensive' the items separate by "
            + ", ".join(f"{_SEPARATE_CUBA[k][:3]} {b:.1f} bits" for k, b in bits.items())
            + f". {_SEPARATE_CUBA[ref][:3]} is the most diagnostic as rated (C against I), yet "
            "Keating named no source (reliability F) and had a motive to raise alarms (0.8), so "
            "the engine discounts it heavily: diagnostic is not the same as credible.")


def _why_milestone(ratings, options, a, b):
    def why(ref: str) -> str:
        case = _case(NK if "combat" in ratings["a"] else CUBA)
        bits = {k: _pair_bits(case, r, a, b) for k, r in ratings.items()}
        return (f"Rated on the case's scale, the observations separate '{a}' from '{b}' by "
                + ", ".join(f"{k}) {v:.1f} bits" for k, v in bits.items())
                + f". Watch for ({ref}) {options[ref]}: it is likely under one hypothesis and "
                "very unlikely under the other; the others would happen either way.")
    return why


def _consensus_ref(votes):
    from achlab.engines.consensus.rules import consensus_rating

    return lambda: consensus_rating(votes)


def _band_ref() -> str:
    from achlab.engines.consensus.rules import consensus
    from achlab.load.analysts import load_analysts

    case = _case(CUBA)
    band = consensus(case, load_analysts(case)).cell("E03", "offensive").band
    return next(k for k, v in _BANDS.items() if v == band)


def _why_band(ref: str) -> str:
    from achlab.engines.consensus.rules import consensus
    from achlab.load.analysts import load_analysts

    case = _case(CUBA)
    cell = consensus(case, load_analysts(case)).cell("E03", "offensive")
    votes = ", ".join(f"{a} {r}" for a, r in cell.votes.items())
    return (f"Votes on E03 (Dobrynin's assurance) under 'offensive': {votes}. The rated values "
            f"give a sample sd of {cell.disagreement:.2f}, so the band is '{cell.band}'. The "
            "estimator reads the assurance as unlikely if Moscow were lying, the hawk as exactly "
            "what Moscow would say while hiding missiles: discuss the cell, do not average it "
            f"away (the consensus {cell.consensus} hides the split).")


#: How to get to each answer, shown after a wrong answer (it does not give the answer away).
_APPROACH = {
    "mece-nk": "Test both properties: can two hypotheses be true at once? Is any state of the "
               "world left uncovered?",
    "mece-cuba-alternative": "Test both properties: can two hypotheses be true at once? Is any "
                             "state of the world left uncovered?",
    "unpacking": "Build the four-hypothesis case with unpacked_case(case.up_to(date), 'combat'), "
                 "run exact_weights and add the two combat weights; by hand, the prior odds "
                 "of combat against each other hypothesis double.",
    "circular-cuba": "Look at the origin column of evidence.csv: items with the same origin "
                     "count once.",
    "rate-nk-E13": "Rate the event, not the source: how likely is a firm denial from Moscow if "
                   "it had sent combat troops?",
    "rate-cuba-E02": "Rate the event: how likely are photographs of SAM sites under "
                     "construction if no Soviet weapons are being installed?",
    "rate-cuba-E11": "Ask where the planes flew, and whether missile sites would have been "
                     "there.",
    "least-diagnostic-nk": "An item is diagnostic when its ratings differ across hypotheses; "
                           "compare the rows of the four items.",
    "consensus-tie": "Map C to 4 and N to 3, take the mean, and apply the tie rule.",
    "consensus-na": "First count NA votes against rated votes.",
    "disagreement-cuba-E03": "Take the votes on the cell, compute the sample sd (ddof=1) of "
                             "the rated values and of the rated-or-NA indicator, keep the "
                             "larger, and read the band.",
    "most-diagnostic-cuba": "For each item compare the ratings under 'offensive' and "
                            "'defensive': the further apart, the more diagnostic.",
    "counted-items-nk": "len(case.arrays().item_ids), or count the distinct origins.",
    "least-contradicted-cuba": "Use heuer_scores(case.up_to(date)).weighted_inconsistency, or "
                               "count the I and II ratings in each column.",
    "linchpin-nk": "exact_weights(load_case('nk-troops-2024').up_to(date(2024, 10, 18))"
                   ".without('E05'))['combat'].",
    "weight-cuba-before-u2": "exact_weights(load_case('cuba-missiles-1962').up_to(date(1962, "
                             "10, 10)))['offensive'].",
    "words-nk": "Compute the weight of combat on the evidence to 8 Oct 2024, then look it up "
                "in the ICD 203 bands (5, 20, 45, 55, 80, 95 %).",
    "milestone-nk": "A good milestone is likely under one hypothesis and unlikely under the "
                    "other; rate each observation under 'combat' and 'technical'.",
    "milestone-cuba": "A good milestone is likely under one hypothesis and unlikely under the "
                      "other; rate each observation under 'offensive' and 'defensive'.",
}

QUESTIONS: dict[str, Question] = {}


def _register(q: Question) -> None:
    if q.id in QUESTIONS:
        raise ValueError(f"duplicate question id {q.id!r}")
    if not q.approach:
        q = replace(q, approach=_APPROACH.get(q.id, "Reread the question and the case files."))
    QUESTIONS[q.id] = q


_register(Question(
    id="mece-nk", step=1, case_id=NK,
    prompt="Are the three hypotheses of nk-troops-2024 - combat troops (possibly with support "
           "staff), technical personnel only, no military personnel deployed - mutually "
           "exclusive and together exhaustive?",
    kind="choice",
    options={"a": "Yes: exclusive and exhaustive", "b": "Exclusive but not exhaustive",
             "c": "Exhaustive but not exclusive", "d": "Neither"},
    reference=lambda: "a",
    why=lambda ref: ("'Technical personnel only' excludes combat units, 'combat' already "
                     "includes any support staff sent with them, and 'no deployment' covers "
                     "every case with no military personnel: exactly one is true. Weights can "
                     "only be probabilities when the set is exclusive and exhaustive."),
    hints={"b": "What case is left out? Civilians or labourers with no soldiers fall under 'no "
                "military personnel deployed'.",
           "c": "Can two be true at once? 'Technical personnel only' rules out combat units, "
                "and support staff with combat units count as 'combat'.",
           "d": "Check each fault in turn: no two can be true together, and nothing is left "
                "out."}))

_register(Question(
    id="mece-cuba-alternative", step=1, case_id=CUBA,
    prompt="A colleague proposes three hypotheses for Cuba in October 1962: H1 'Soviet MRBMs in "
           "Cuba', H2 'Soviet IRBMs in Cuba', H3 'Soviet SAMs in Cuba'. Is this set mutually "
           "exclusive and exhaustive?",
    kind="choice",
    options={"a": "Yes: exclusive and exhaustive", "b": "Exclusive but not exhaustive",
             "c": "Exhaustive but not exclusive", "d": "Neither"},
    reference=lambda: "d",
    why=lambda ref: ("Neither. They can all be true together (Moscow sent SAMs and MRBMs and "
                     "planned IRBMs), so they are not exclusive; and 'no Soviet weapons at all' "
                     "is missing, so they are not exhaustive. The case's set (offensive "
                     "missiles, defensive build-up only, no build-up) is built to avoid both "
                     "faults: each hypothesis is a complete state of the world."),
    hints={"a": "Could MRBMs and SAMs be in Cuba at the same time?",
           "b": "Could MRBMs and SAMs be in Cuba at the same time?",
           "c": "Which state of the world does no hypothesis cover?"}))

_register(Question(
    id="unpacking", step=1, case_id=NK,
    prompt="Unpacking: split 'combat' into two hypotheses ('combat in Kursk', 'combat "
           "elsewhere') rated exactly like 'combat', and give all four hypotheses the same "
           "prior. On the evidence up to 2024-10-08, what total weight do the two combat "
           "hypotheses get? (Compute it with achlab.teaching.unpacked_case and the exact "
           "engine, or by hand from the odds.)",
    kind="number", probability=True, tolerance=0.01,
    reference=_unpacked_weight, why=_why_unpacking))

_register(Question(
    id="circular-cuba", step=2, case_id=CUBA,
    prompt="E05 is DCI McCone's argument that the SAM sites make sense only to protect "
           "ballistic missiles. It is an argument, not a new observation: which item's origin "
           "does it share, so that the engine counts the two once?",
    kind="choice", options=_CIRCULAR_CUBA,
    reference=lambda: next(k for k, v in _CIRCULAR_CUBA.items()
                           if _item(_case(CUBA), v).origin == _item(_case(CUBA), "E05").origin),
    why=lambda ref: (f"E05 reinterprets the SAM photographs of {_CIRCULAR_CUBA[ref]} and shares "
                     f"their origin ({_item(_case(CUBA), 'E05').origin}), so it counts once. "
                     "Heuer's step 2 lists arguments beside evidence, but an argument built on "
                     "an item must not count as a second, independent item.")))

_register(_rating_q(
    "rate-nk-E13", 3, NK, "E13", "combat", {"C", "CC"},
    why=lambda ref: ("Moscow would firmly deny under every hypothesis - even technicians would "
                     "be denied - so the denial is likely whatever the truth: rate it C (or CC), "
                     "the same under all three hypotheses. Its value as evidence is then nil, "
                     "which is the point: official denials are nearly worthless."),
    hints={"N": "A coin toss? Moscow denied in any case; the denial is likely under combat.",
           "I": "Would Moscow admit combat troops? A denial is what it says under combat too.",
           "II": "Would Moscow admit combat troops? A denial is what it says under combat too.",
           "NA": "The denial is about exactly this question; rate it."},
    extra="E13: Russia firmly denies that North Korean troops are in Ukraine or fighting for "
          "Russia. "))

_register(_rating_q(
    "rate-cuba-E02", 3, CUBA, "E02", "none", {"II", "I"},
    why=lambda ref: ("U-2 photographs (source A, credibility 1) of SA-2 sites under "
                     "construction are close to impossible if no Soviet weapons are being "
                     "installed: II (I is defensible). Under both build-up hypotheses the same "
                     "photographs are expected, so they separate 'none' from the rest, not "
                     "offensive from defensive."),
    hints={"CC": "Would SAM sites be photographed if no weapons were arriving?",
           "C": "Would SAM sites be photographed if no weapons were arriving?",
           "N": "A coin toss? SAM sites do not build themselves.",
           "NA": "Photographs of new weapons speak directly to 'no build-up'."},
    extra="E02: U-2 photographs show SA-2 surface-to-air missile sites under construction in "
          "western Cuba. "))

_register(_rating_q(
    "rate-cuba-E11", 3, CUBA, "E11", "offensive", {"N", "C"},
    why=lambda ref: ("The missions were kept away from the SAM-defended west, where missile "
                     "sites would be, so not seeing them there is unsurprising even if missiles "
                     "were arriving: N (C is defensible). Absence of evidence counts only where "
                     "you looked."),
    hints={"I": "Where did the planes fly? Not seeing what you did not photograph is no "
                "evidence against it.",
           "II": "Where did the planes fly? Not seeing what you did not photograph is no "
                 "evidence against it.",
           "CC": "Seeing no missile sites is not what 'offensive' predicts best; it is merely "
                 "unsurprising.",
           "NA": "The flights were looking for exactly this; rate it."},
    extra="E11: U-2 missions kept away from the SAM-defended west find more SAM and "
          "coastal-defence sites but no ballistic-missile sites. "))

_register(Question(
    id="least-diagnostic-nk", step=3, case_id=NK,
    prompt="Which of these items of nk-troops-2024 is the least diagnostic (helps least to "
           "tell the hypotheses apart)?",
    kind="choice", options=_DIAG_NK,
    reference=lambda: _least_diagnostic(NK, _DIAG_NK), why=_why_diag_nk,
    hints={"a": "E05 is rated C / II / II: it separates combat from the others strongly.",
           "c": "E21 is rated C / I / II: it separates the hypotheses.",
           "d": "E35 is rated CC / II / II: the most diagnostic of the four."}))

_register(Question(
    id="consensus-tie", step=3, case_id=NK,
    prompt="Four analysts rate one cell C, C, N, N. What is the consensus rating (Open "
           "Synthesis rules: NA if NA votes outnumber rated ones, else the mean of the rated "
           "votes on II 1 ... CC 5, rounded, a tie going toward N)?",
    kind="rating", reference=_consensus_ref(["C", "C", "N", "N"]),
    why=lambda ref: ("The mean of 4, 4, 3, 3 is 3.5, exactly between N and C; the tie goes "
                     f"toward N, so the consensus is {ref}. Rounding toward neutral keeps a "
                     "split panel from looking more sure than any half of it."),
    hints={"C": "3.5 is a tie between N and C; ties go toward N."}))

_register(Question(
    id="consensus-na", step=3, case_id=NK,
    prompt="Five analysts rate one cell NA, NA, NA, C, CC. What is the consensus?",
    kind="rating", reference=_consensus_ref(["NA", "NA", "NA", "C", "CC"]),
    why=lambda ref: ("Three NA votes outnumber two rated ones, so the panel judges the item "
                     f"not applicable: {ref}. Applicability is decided first, by majority; the "
                     "mean of the rated votes only matters when most analysts rated the cell."),
    hints={"C": "Count first: do more analysts say NA or rate the cell?",
           "CC": "Count first: do more analysts say NA or rate the cell?"}))

_register(Question(
    id="disagreement-cuba-E03", step=3, case_id=CUBA,
    prompt="In the three Cuba analysts' files (data/cuba-missiles-1962/analysts), which "
           "disagreement band does E03 (Dobrynin's assurance) fall in under 'offensive'? Bands: "
           "consensus < 0.5 <= mild < 1.5 <= large < 2.0 <= extreme (larger of the sample sd of "
           "the rated votes and of the rated-or-NA indicator).",
    kind="choice", options=_BANDS, reference=_band_ref, why=_why_band))

_register(Question(
    id="most-diagnostic-cuba", step=4, case_id=CUBA,
    prompt="Which of these items best separates 'offensive' from 'defensive' as rated in the "
           "case (largest |log2 P(E|offensive) / P(E|defensive)|)?",
    kind="choice", options=_SEPARATE_CUBA,
    reference=lambda: max(_SEPARATE_CUBA, key=lambda k: _pair_bits(
        _case(CUBA), _item(_case(CUBA), _SEPARATE_CUBA[k][:3]).ratings, "offensive",
        "defensive")),
    why=_why_separate_cuba,
    hints={"a": "The shipping is rated C under both build-ups: it separates them not at all.",
           "b": "SAM sites are rated C under both build-ups: they separate them not at all."}))

_register(Question(
    id="counted-items-nk", step=4, case_id=NK,
    prompt="Items with the same origin (one claim repeated by several outlets) count once. How "
           "many of the items of nk-troops-2024 count in the Bayesian weights?",
    kind="number", tolerance=0.0,
    reference=lambda: float(len(_case(NK).arrays().item_ids)), why=_why_counted))

_register(Question(
    id="least-contradicted-cuba", step=5, case_id=CUBA,
    prompt="On the evidence up to 1962-10-10, which hypothesis has the weighted inconsistency "
           "nearest zero (PARC ACH 2.0: I counts 1, II counts 2, weighted by credibility and "
           "relevance)?",
    kind="choice",
    options=_CONTRADICTED,
    reference=_least_contradicted_cuba,
    why=_why_least_contradicted,
    hints={"c": "'None' is contradicted by every photograph of new weapons."}))

_register(Question(
    id="linchpin-nk", step=6, case_id=NK,
    prompt="Sensitivity: on the evidence up to 2024-10-18, what is the weight of combat after "
           "excluding E05 (the NIS report of special forces shipped to Vladivostok)? "
           "(case.up_to(...).without('E05'), exact engine)",
    kind="number", probability=True, tolerance=0.01,
    reference=lambda: _weight(_case(NK).up_to(dt.date(2024, 10, 18)).without("E05"), "combat"),
    why=_why_linchpin))

_register(Question(
    id="weight-cuba-before-u2", step=7, case_id=CUBA,
    prompt="What weight does the exact engine give 'offensive' on the evidence up to "
           "1962-10-10, before the U-2 flight of 14 October?",
    kind="number", probability=True, tolerance=0.02,
    reference=lambda: _weight(_case(CUBA).up_to(dt.date(1962, 10, 10)), "offensive"),
    why=_why_cuba_weight))

_register(Question(
    id="words-nk", step=7, case_id=NK,
    prompt="Which ICD 203 expression goes with the weight of combat on the evidence up to "
           "2024-10-08?",
    kind="choice", options=_ICD_WORDS,
    reference=_words_nk,
    why=_why_words))

_register(Question(
    id="milestone-nk", step=8, case_id=NK,
    prompt="Milestones: which future observation would best separate 'combat' from "
           "'technical'?",
    kind="choice", options=_MILESTONES_NK,
    reference=lambda: _best_separator(NK, _MILESTONES_NK, _MILESTONE_RATINGS_NK, "combat",
                                      "technical"),
    why=_why_milestone(_MILESTONE_RATINGS_NK, _MILESTONES_NK, "combat", "technical"),
    hints={"a": "Moscow denies whatever the truth: no information.",
           "c": "Arms deliveries happen under every hypothesis.",
           "d": "Calls for verification fit every hypothesis early on."}))

_register(Question(
    id="milestone-cuba", step=8, case_id=CUBA,
    prompt="Milestones: in early October 1962, which observation would best separate "
           "'offensive' from 'defensive'?",
    kind="choice", options=_MILESTONES_CUBA,
    reference=lambda: _best_separator(CUBA, _MILESTONES_CUBA, _MILESTONE_RATINGS_CUBA,
                                      "offensive", "defensive"),
    why=_why_milestone(_MILESTONE_RATINGS_CUBA, _MILESTONES_CUBA, "offensive", "defensive"),
    hints={"a": "Moscow calls the arms defensive under either build-up.",
           "c": "More SAM sites fit both build-ups.",
           "d": "A defence claim fits both build-ups."}))


# ---------------------------------------------------------------------------- the interface
def questions(step: int | None = None, case_id: str | None = None) -> list[Question]:
    """Registered questions, optionally only one Heuer step or one case."""
    return [q for q in QUESTIONS.values()
            if (step is None or q.step == step) and (case_id is None or q.case_id == case_id)]


def _question(question_id: str) -> Question:
    try:
        return QUESTIONS[question_id]
    except KeyError:
        raise KeyError(f"no question {question_id!r}; questions: "
                       f"{', '.join(QUESTIONS)}") from None


def ask(question_id: str) -> str:
    """The text of a question, with its options."""
    return _question(question_id).text()


def solution(question_id: str):
    """The reference answer of a question (computed by the library where numeric).

    Returns
    -------
    str or float
        A rating, an option key (``"a"``...) or a number (a probability for weights).
    """
    return _question(question_id).reference()


def _read_number(answer, probability: bool) -> float | None:
    if isinstance(answer, bool):
        return None
    text = str(answer).strip()
    pct = text.endswith("%")
    try:
        value = float(text.rstrip("%").strip()) if isinstance(answer, str) else float(answer)
    except (TypeError, ValueError):
        return None
    if math.isnan(value):
        return None
    if probability and (pct or 1.0 < value <= 100.0):
        value /= 100.0
    return value


def check_answer(question_id: str, answer) -> Feedback:
    """Check an answer and explain why it is right or wrong.

    Parameters
    ----------
    question_id : str
        A key of :data:`QUESTIONS` (see :func:`questions`).
    answer : str or float
        A rating (``"C"``), an option key or its text, or a number (``0.62``, ``"62 %"``).

    Returns
    -------
    Feedback
        ``.correct`` and ``.message``.

    Raises
    ------
    KeyError
        For an unknown question id (the message lists the known ones).
    """
    q = _question(question_id)
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return Feedback(q.id, False, "No answer yet: set `answer` above and run the cell again."
                        f"\n\n{q.text()}")
    ref = q.reference()
    why = q.why(ref)
    tail = f" (solution('{q.id}') shows the reference answer.)"
    if q.kind == "number":
        value = _read_number(answer, q.probability)
        if value is None:
            return Feedback(q.id, False, f"{answer!r} is not a number.{tail}")
        if abs(value - ref) <= q.tolerance + 1e-12:
            return Feedback(q.id, True, why)
        direction = "high" if value > ref else "low"
        shown = f"{value:.1%}" if q.probability else f"{value:g}"
        return Feedback(q.id, False, f"{shown} is too {direction}. {q.approach}{tail}")
    text = str(answer).strip()
    if q.kind == "rating":
        given = text.upper()
        if given not in RATING_ANSWERS:
            return Feedback(q.id, False, f"{answer!r} is not a rating; answer one of "
                            f"{' '.join(RATING_ANSWERS)}.")
    else:
        by_text = {v.lower(): k for k, v in q.options.items()}
        given = text.lower() if text.lower() in q.options else by_text.get(text.lower())
        if given is None:
            return Feedback(q.id, False, f"{answer!r} is not one of the options "
                            f"({', '.join(q.options)}).")
    accepted = q.accepted(ref) if q.accepted else {ref}
    if given in accepted:
        return Feedback(q.id, True, why)
    hint = q.hints.get(given) or q.approach
    return Feedback(q.id, False, f"{hint}{tail}")
