"""The interactive panels of notebook 02: reliability sliders and the matrix editor.

- :class:`ReliabilityPanel`: a slider per source for reliability and motive (a per-hypothesis
  motive is shown read-only beside its slider).
- :class:`MatrixEditor`: the evidence matrix as a drop-down per cell, a switch per item to leave
  it out, and a button that transposes it (hypotheses as rows).

Every change recomputes the weights with the exact engine (well under a millisecond), so the
panels redraw at once; no MCMC per move. A button writes the current settings out as a new
scenario file (never over an existing one, never into ``data/``). The logic lives in plain
functions (:func:`weights_for`, :func:`scenario_document`, :func:`apply_edits`,
:func:`edits_document`) so it can be tested without a browser.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np
import yaml

from achlab import paths
from achlab.charts.style import RATING_COLOURS, RATING_TEXT, colour_of
from achlab.engines.exact import Weights, exact_weights
from achlab.files import atomic
from achlab.load.parse import parse_rating
from achlab.model import Case
from achlab.model.scales import NOT_APPLICABLE, RATINGS
from achlab.model.words import estimative_word, percent

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def apply_settings(case: Case, reliabilities: dict[str, float] | None = None,
                   motives: dict[str, float] | None = None) -> Case:
    """A copy of ``case`` with fixed reliabilities and motives for the named sources.

    Sources not named keep their own reliability (a Beta prior stays a prior).
    """
    for sid, value in (reliabilities or {}).items():
        case = case.with_source(sid, reliability=float(value))
    for sid, value in (motives or {}).items():
        case = case.with_source(sid, motive=float(value))
    return case


def weights_for(case: Case, reliabilities: dict[str, float] | None = None,
                motives: dict[str, float] | None = None) -> Weights:
    """Exact weights after setting some sources' reliability and motive (the slider callback)."""
    return exact_weights(apply_settings(case, reliabilities, motives))


def scenario_document(case: Case, name: str, reliabilities: dict[str, float],
                      motives: dict[str, float], title: str = "", description: str = "") -> dict:
    """A scenario (as a mapping) holding the base scenario's assumptions plus the panel's."""
    base = dict(case.scenario.overrides) if case.scenario else {"case": case.id}
    sources = {k: dict(v) for k, v in (base.get("sources") or {}).items()}
    for sid, value in reliabilities.items():
        sources.setdefault(sid, {})["reliability"] = round(float(value), 4)
    moved = apply_settings(case, {}, motives)
    for sid, value in motives.items():
        sources.setdefault(sid, {})["motive"] = _saved_motive(moved.source(sid), value)
    doc = {"name": name,
           "title": title or f"{case.scenario.title if case.scenario else case.title} "
                             "(adjusted in the panel)",
           "description": description or (
               "Saved from the reliability panel of 02_bayesian_weights, starting from "
               f"scenario {case.name}. Changed sources: {', '.join(sorted(sources)) or 'none'}."),
           **{k: v for k, v in base.items() if k != "sources"}}
    if "case" not in doc:
        doc["case"] = case.id
    if case.as_of and "as_of" in doc:
        doc["as_of"] = case.as_of.isoformat()
    if sources:
        doc["sources"] = sources
    return doc


def _saved_motive(source, level: float) -> float | dict[str, float]:
    """What a moved motive slider saves: the number, or the per-hypothesis motives it moved."""
    per = motive_by_hypothesis(source)
    if per is None:
        return round(float(level), 4)
    return {h: round(v, 4) for h, v in per.items()}


def write_scenario(doc: dict, folder: Path | None = None) -> Path:
    """Write a new scenario file ``<folder>/<name>.yaml``; never overwrites an existing one."""
    name = str(doc.get("name", ""))
    if not NAME_PATTERN.match(name):
        raise ValueError(f"scenario name {name!r}: use letters, digits, - and _ only")
    folder = Path(folder or paths.scenarios_dir())
    data = paths.data_dir().resolve()
    if folder.resolve() == data or data in folder.resolve().parents:
        raise ValueError(f"{paths.display_path(folder)} is inside the data folder, which is "
                         "never written: save scenarios to scenarios/ or another folder")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.yaml"
    if target.exists():
        raise FileExistsError(f"{paths.display_path(target)} exists already: choose another name")
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False)
    with atomic(target) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
        if target.exists():  # lost a race: never replace someone's file
            raise FileExistsError(f"{paths.display_path(target)} exists already")
    return target


def weights_html(case: Case, weights: Weights) -> str:
    """The weights as HTML bars with estimative words (what the panel shows)."""
    rows = []
    for n, h in enumerate(weights.hypothesis_ids):
        m = weights[h]
        word = estimative_word(m, weights.yardstick)
        width = max(0.5, 100 * m)
        rows.append(
            f'<div class="achlab-row" data-hypothesis="{h}" style="display:flex;'
            f'align-items:center;margin:4px 0;font-size:15px">'
            f'<div style="width:210px">{html.escape(case.labels[h])}</div>'
            f'<div style="width:360px;background:#eeeeee;border:1px solid #999">'
            f'<div style="width:{width:.1f}%;height:20px;background:{colour_of(n)}"></div></div>'
            f'<div class="achlab-weight" style="margin-left:10px;font-weight:bold">'
            f'{html.escape(word)} ({percent(m)})</div></div>')
    lead = weights.leading
    head = (f'<div class="achlab-headline" style="font-size:18px;font-weight:bold;'
            f'margin-bottom:6px">{html.escape(case.labels[lead])}: '
            f'{html.escape(estimative_word(weights[lead], weights.yardstick))} '
            f'({percent(weights[lead])})</div>')
    return head + "".join(rows)


class _ScenarioWidget:
    """What the panel and the editor share: a save button's handler and the display hook.

    A subclass has ``widget``, ``status`` (an HTML widget) and ``save()`` returning the path.
    """

    def _save_clicked(self) -> None:
        try:
            path = self.save()
        except (ValueError, FileExistsError) as exc:
            self.status.value = ("<span style='color:#bd1f01'>Not saved: "
                                 f"{html.escape(str(exc))}</span>")
            return
        self.status.value = (f"<span style='color:#1f5f9e'>Saved {html.escape(path.name)} "
                             "&mdash; it is picked up by <code>achlab run</code>.</span>")

    def _ipython_display_(self):  # pragma: no cover - display hook
        from IPython.display import display

        display(self.widget)


class ReliabilityPanel(_ScenarioWidget):
    """Sliders per source; weights and estimative words redrawn on every move.

    Parameters
    ----------
    case : Case
        The starting scenario. A source whose sliders were never moved keeps its own
        reliability (its Admiralty prior); a moved source is fixed at the slider's value.
    folder : path, optional
        Where "Save as scenario" writes (default ``scenarios/``).
    """

    def __init__(self, case: Case, folder: Path | None = None):
        import ipywidgets as w

        self.case = case
        self.folder = folder
        self.reliabilities: dict[str, float] = {}
        self.motives: dict[str, float] = {}
        self.rel_sliders, self.motive_sliders, self.motive_notes = {}, {}, {}
        style = {"description_width": "initial"}
        layout = w.Layout(width="330px")
        rows = [w.HTML("<b>Source</b> &mdash; drag <i>reliability</i> (chance its report rests "
                       "on real information) and <i>motive</i> (chance it would say this "
                       "anyway)")]
        for s in case.sources:
            rel = w.FloatSlider(value=round(s.reliability.mean, 2), min=0, max=1, step=0.01,
                                description="reliability", style=style, layout=layout,
                                continuous_update=True, readout_format=".2f")
            mot = w.FloatSlider(value=round(single_motive(s), 2), min=0, max=1, step=0.01,
                                description="motive", style=style, layout=layout,
                                continuous_update=True, readout_format=".2f")
            rel.add_class(f"achlab-reliability-{s.id}")
            mot.add_class(f"achlab-motive-{s.id}")
            rel.observe(self._on_change(s.id, "reliability"), names="value")
            mot.observe(self._on_change(s.id, "motive"), names="value")
            self.rel_sliders[s.id], self.motive_sliders[s.id] = rel, mot
            label = w.HTML(f'<div style="width:300px;line-height:1.25" '
                           f'title="{html.escape(s.notes)}"><b>{html.escape(s.name)}</b><br>'
                           f"<small>{s.id}, prior {html.escape(s.reliability.describe())}"
                           "</small></div>", layout=w.Layout(width="310px"))
            note = w.HTML(f"<small>{html.escape(motive_note(case, s))}</small>")
            note.add_class(f"achlab-motive-note-{s.id}")
            self.motive_notes[s.id] = note
            rows.append(w.HBox([label, rel, mot, note]))
        self.output = w.HTML()
        self.name = w.Text(value=f"{case.name}-adjusted", description="new scenario name",
                           style=style, layout=w.Layout(width="420px"))
        self.save_button = w.Button(description="Save as scenario", icon="save",
                                    button_style="primary")
        self.save_button.add_class("achlab-save")
        self.name.add_class("achlab-name")
        self.reset_button = w.Button(description="Reset", icon="undo")
        self.status = w.HTML()
        self.status.add_class("achlab-status")
        self.save_button.on_click(lambda _: self._save_clicked())
        self.reset_button.on_click(lambda _: self.reset())
        self.widget = w.VBox([
            w.HTML("<h3 style='margin:2px'>Hypothesis weights (exact engine)</h3>"),
            self.output, *rows,
            w.HBox([self.name, self.save_button, self.reset_button]), self.status,
        ])
        self.widget.add_class("achlab-panel")
        self.refresh()

    def _on_change(self, source_id: str, what: str):
        def handler(change):
            target = self.reliabilities if what == "reliability" else self.motives
            target[source_id] = float(change["new"])
            self._update_note(source_id)
            self.refresh()
        return handler

    def current_case(self) -> Case:
        """The case under the panel's current settings."""
        return apply_settings(self.case, self.reliabilities, self.motives)

    def refresh(self) -> Weights:
        """Recompute and redraw the weights; returns them."""
        weights = weights_for(self.case, self.reliabilities, self.motives)
        self.output.value = weights_html(self.case, weights) + self._changes_html()
        self.weights = weights
        return weights

    def _changes_html(self) -> str:
        """One line naming what the analyst changed (a moved reliability becomes fixed)."""
        parts = [f"{sid} reliability fixed at {v:.2f}" for sid, v in self.reliabilities.items()]
        parts += [f"{sid} motive {v:.2f}" for sid, v in self.motives.items()]
        text = "; ".join(parts) if parts else "none: the scenario's own reliabilities and motives"
        return (f'<div class="achlab-changes" style="font-size:13px;color:#444;margin-top:4px">'
                f"Changed: {html.escape(text)}</div>")

    def reset(self) -> None:
        """Back to the scenario's own settings."""
        for s in self.case.sources:
            self.rel_sliders[s.id].value = round(s.reliability.mean, 2)
            self.motive_sliders[s.id].value = round(single_motive(s), 2)
        self.reliabilities.clear()
        self.motives.clear()
        for s in self.case.sources:
            self._update_note(s.id)
        self.refresh()

    def _update_note(self, source_id: str) -> None:
        """The per-hypothesis motives beside the slider, as they stand under the panel."""
        current = self.current_case()
        note = motive_note(current, current.source(source_id))
        if note and source_id in self.motives:
            note = f"{note} (moved together by the slider)"
        self.motive_notes[source_id].value = f"<small>{html.escape(note)}</small>"

    def save(self, name: str | None = None) -> Path:
        """Write the current settings as a new scenario file; returns its path."""
        doc = scenario_document(self.case, name or self.name.value, self.reliabilities,
                                self.motives)
        return write_scenario(doc, self.folder)




# ---------------------------------------------------------------------------- matrix editor
#: What each cell's drop-down offers (the case's own rating letters come first when it has any).
RATING_CHOICES = (*RATINGS, NOT_APPLICABLE)


def rating_choices(case: Case) -> tuple[str, ...]:
    """The rating letters a cell may take under the case's scale, then ``NA``."""
    return (*case.scales.rating, NOT_APPLICABLE) if case.scales.rating else RATING_CHOICES


def check_edits(case: Case, ratings: dict[str, dict[str, str | float]],
                exclude=()) -> dict[str, dict[str, str | float]]:
    """The edits with each rating read as the loader reads it; ValueError naming a bad one."""
    items = {e.id: e for e in case.evidence}
    unknown = [eid for eid in [*ratings, *exclude] if eid not in items]
    if unknown:
        raise ValueError(f"unknown evidence item {unknown[0]!r} in case {case.id!r}")
    checked: dict[str, dict[str, str | float]] = {}
    for eid, cells in ratings.items():
        for hid, value in cells.items():
            if hid not in case.hypothesis_ids:
                raise ValueError(f"{eid}: unknown hypothesis {hid!r}")
            try:
                checked.setdefault(eid, {})[hid] = parse_rating(value, case.scales)
            except ValueError as exc:
                raise ValueError(f"{eid}.{hid}: {exc}") from None
    return checked


def changed_cells(case: Case, ratings: dict[str, dict[str, str | float]]
                  ) -> dict[str, dict[str, str | float]]:
    """Only the edited cells whose rating differs from the case's own."""
    items = {e.id: e for e in case.evidence}
    changed: dict[str, dict[str, str | float]] = {}
    for eid, cells in check_edits(case, ratings).items():
        for hid, value in cells.items():
            if items[eid].ratings.get(hid, NOT_APPLICABLE) != value:
                changed.setdefault(eid, {})[hid] = value
    return changed


def apply_edits(case: Case, ratings: dict[str, dict[str, str | float]] | None = None,
                exclude=()) -> Case:
    """A copy of ``case`` with some cells re-rated and some items left out.

    Parameters
    ----------
    case : Case
        The scenario being edited.
    ratings : dict, optional
        Evidence id -> {hypothesis id -> rating letter or probability}. A cell of a report of a
        named event re-rates the event: every report of it (as a scenario override does).
    exclude : iterable of str
        Evidence ids to leave out.

    Raises
    ------
    ValueError
        For an unknown item or hypothesis, or a rating the case's scale does not know.
    """
    cells: dict[str, dict[str, str | float]] = {}
    members = event_reports(case)
    for eid, row in check_edits(case, ratings or {}, exclude).items():
        for member in members.get(eid, (eid,)):  # an event's reports share its ratings
            cells.setdefault(member, {}).update(row)
    drop = set(exclude)
    items = [replace(e, ratings={**e.ratings, **cells.get(e.id, {})})
             for e in case.evidence if e.id not in drop]
    return case.with_evidence(items)


def event_reports(case: Case) -> dict[str, tuple[str, ...]]:
    """Evidence id -> the ids of every report of its named event, in case order.

    Items without an ``event`` are not listed (each is an event of its own).
    """
    by_event: dict[str, list[str]] = {}
    for item in case.evidence:
        event = getattr(item, "event", "")
        if event:
            by_event.setdefault(event, []).append(item.id)
    return {eid: tuple(ids) for ids in by_event.values() for eid in ids}


def edited_weights(case: Case, ratings: dict[str, dict[str, str | float]] | None = None,
                   exclude=()) -> Weights:
    """Exact weights of the case after the editor's changes (the drop-down callback)."""
    return exact_weights(apply_edits(case, ratings, exclude))


def edits_document(case: Case, name: str, ratings: dict[str, dict[str, str | float]],
                   exclude=(), title: str = "", description: str = "") -> dict:
    """A scenario (as a mapping): the base scenario's assumptions plus the editor's changes.

    Changed cells go to ``evidence.ratings`` and left-out items to ``evidence.exclude``, merged
    with what the base scenario already overrides there.

    Raises
    ------
    ValueError
        When every item would be left out (a scenario needs evidence) or an edit is bad.
    """
    changed = changed_cells(case, ratings)
    drop = [e.id for e in case.evidence if e.id in set(exclude)]
    check_edits(case, {}, drop)
    if len(drop) == len(case.evidence):
        raise ValueError("every evidence item is left out: keep at least one")
    base = copy.deepcopy(dict(case.scenario.overrides) if case.scenario else {"case": case.id})
    evidence = dict(base.pop("evidence", None) or {})
    merged = {eid: dict(cells) for eid, cells in (evidence.get("ratings") or {}).items()}
    for eid, cells in changed.items():
        merged.setdefault(eid, {}).update(cells)
    if merged:
        evidence["ratings"] = merged
    excluded = [*(evidence.get("exclude") or []), *drop]
    if excluded:
        evidence["exclude"] = list(dict.fromkeys(excluded))
    doc = {"name": name,
           "title": title or f"{_base_title(case)} (matrix edited in the notebook)",
           "description": description or _edits_description(case, changed, drop),
           "case": base.pop("case", case.id), **base}
    if evidence:
        doc["evidence"] = evidence
    return doc


def _base_title(case: Case) -> str:
    return case.scenario.title if case.scenario and case.scenario.title else case.title


def _edits_description(case: Case, changed: dict, drop: list[str]) -> str:
    cells = [f"{eid}/{hid} {value}" for eid, row in changed.items()
             for hid, value in row.items()]
    return (f"Saved from the matrix editor of 02_bayesian_weights, starting from scenario "
            f"{case.name}. Re-rated: {', '.join(cells) or 'none'}. "
            f"Left out: {', '.join(drop) or 'none'}.")


def motive_by_hypothesis(source) -> dict[str, float] | None:
    """A source's motive per hypothesis, or None when it is one number for every hypothesis.

    Reads ``motive_by`` (model.md §4) and, failing that, a ``motive`` given as a mapping.
    """
    for motive in (getattr(source, "motive_by", None), getattr(source, "motive", None)):
        if isinstance(motive, Mapping):
            return {str(h): float(v) for h, v in motive.items()}
    return None


def single_motive(source) -> float:
    """The number the motive slider shows: the motive, or the mean of a per-hypothesis one."""
    motive = getattr(source, "motive", None)
    if isinstance(motive, int | float):
        return float(motive)
    return float(np.mean(list(motive_by_hypothesis(source).values())))


def motive_note(case: Case, source) -> str:
    """Read-only text beside the motive slider: the per-hypothesis motives, if the source has."""
    per = motive_by_hypothesis(source)
    if not per:
        return ""
    labels = case.labels
    return "per hypothesis: " + ", ".join(
        f"{labels.get(h, h)} {v:.2f}" for h, v in per.items())


def not_counted(case: Case) -> list[str]:
    """Items whose cells do not enter the weights, each with the reason.

    Repeats of one ``origin`` and items without a rated cell are dropped.
    """
    return [f"{eid} ({why})" for eid, why in case.arrays().dropped]


def shared_ratings(case: Case) -> list[str]:
    """One entry per named event with several reports (they share the event's ratings)."""
    by_event: dict[str, list[str]] = {}
    for item in case.evidence:
        if getattr(item, "event", ""):
            by_event.setdefault(item.event, []).append(item.id)
    return [f"{event}: {', '.join(ids)}" for event, ids in by_event.items() if len(ids) > 1]


EDITOR_CSS = "<style>" + "".join(
    f".achlab-rating-{r} select{{background:{RATING_COLOURS[r]};color:{RATING_TEXT[r]};"
    "font-weight:bold}" for r in RATING_COLOURS) + (
    ".achlab-changed select{border:3px solid #832db6 !important;"
    "box-shadow:0 0 0 2px #832db6}"
    ".achlab-left-out{opacity:0.45}</style>")


class MatrixEditor(_ScenarioWidget):
    """The evidence matrix as drop-downs; the exact weights redrawn on every change.

    Parameters
    ----------
    case : Case
        The starting scenario.
    folder : path, optional
        Where "Save as scenario" writes (default ``scenarios/``; never ``data/``).
    """

    def __init__(self, case: Case, folder: Path | None = None):
        import ipywidgets as w

        self.case, self.folder = case, folder
        self.ratings: dict[str, dict[str, str | float]] = {}
        self.excluded: set[str] = set()
        self.transposed = False
        self._quiet = self._syncing = False
        self._items = {e.id: e for e in case.evidence}
        self.members = event_reports(case)
        self.cells = {(e.id, h): self._cell(e, h) for e in case.evidence
                      for h in case.hypothesis_ids}
        self.switches = {e.id: self._switch(e.id) for e in case.evidence}
        self.output = w.HTML()
        self.output.add_class("achlab-editor-weights")
        self.grid = w.GridBox(layout=w.Layout(grid_gap="2px 6px", align_items="center"))
        self.transpose_button = w.Button(description="Hypotheses as rows", icon="retweet",
                                         layout=w.Layout(width="190px"))
        self.transpose_button.add_class("achlab-transpose")
        self.transpose_button.on_click(lambda _: self.transpose())
        self.reset_button = w.Button(description="Reset", icon="undo")
        self.reset_button.on_click(lambda _: self.reset())
        self.name = w.Text(value=f"{case.name}-edited", description="new scenario name",
                           style={"description_width": "initial"},
                           layout=w.Layout(width="420px"))
        self.name.add_class("achlab-editor-name")
        self.save_button = w.Button(description="Save as scenario", icon="save",
                                    button_style="primary")
        self.save_button.add_class("achlab-editor-save")
        self.save_button.on_click(lambda _: self._save_clicked())
        self.status = w.HTML()
        self.status.add_class("achlab-editor-status")
        self.widget = w.VBox([
            w.HTML(EDITOR_CSS + "<h3 style='margin:2px'>Hypothesis weights after your edits "
                   "(exact engine)</h3>"),
            self.output, w.HBox([self.transpose_button, self.reset_button]),
            w.Box([self.grid], layout=w.Layout(overflow="auto", max_width="100%",
                                               max_height="560px")),
            w.HBox([self.name, self.save_button]), self.status])
        self.widget.add_class("achlab-editor")
        self._arrange()
        self.refresh()

    # ------------------------------------------------------------------ widgets
    def _cell(self, item, hypothesis_id: str):
        import ipywidgets as w

        value = item.ratings.get(hypothesis_id, NOT_APPLICABLE)
        options = [(r, r) for r in rating_choices(self.case)]
        if not isinstance(value, str):
            options.insert(0, (f"{value:.2f}", value))
        cell = w.Dropdown(options=options, value=value, layout=w.Layout(width="72px"))
        cell.add_class("achlab-cell")
        cell.add_class(f"achlab-cell-{item.id}-{hypothesis_id}")
        cell.add_class(f"achlab-rating-{self._letter(value)}")
        cell.observe(self._on_rating(item.id, hypothesis_id), names="value")
        return cell

    def _switch(self, item_id: str):
        import ipywidgets as w

        switch = w.Checkbox(value=True, description="", indent=False,
                            layout=w.Layout(width="30px"))
        switch.add_class(f"achlab-use-{item_id}")
        switch.observe(self._on_switch(item_id), names="value")
        return switch

    def _letter(self, value) -> str:
        return value if isinstance(value, str) else self.case.scales.nearest_rating(float(value))

    def _arrange(self) -> None:
        """Lay the grid out: items as rows, or (transposed) hypotheses as rows."""
        import ipywidgets as w

        case, head = self.case, "<b>{}</b>"
        items, hyps = case.evidence, case.hypothesis_ids
        if self.transposed:
            children = [w.HTML(head.format("hypothesis \\ item"))]
            children += [w.HTML(f'<b title="{html.escape(e.summary)}">{e.id}</b>') for e in items]
            children += [w.HTML("<i>use</i>"), *(self.switches[e.id] for e in items)]
            for h in hyps:
                children.append(w.HTML(head.format(html.escape(case.labels[h]))))
                children += [self.cells[e.id, h] for e in items]
            columns = f"180px repeat({len(items)}, 76px)"
        else:
            children = [w.HTML(head.format("item")), w.HTML("<i>use</i>")]
            children += [w.HTML(head.format(html.escape(case.labels[h]))) for h in hyps]
            for e in items:
                children += [self._item_label(e), self.switches[e.id]]
                children += [self.cells[e.id, h] for h in hyps]
            columns = f"minmax(220px, 420px) 56px repeat({len(hyps)}, 110px)"
        self.grid.children = tuple(children)
        self.grid.layout.grid_template_columns = columns
        self.transpose_button.description = ("Items as rows" if self.transposed
                                             else "Hypotheses as rows")

    @staticmethod
    def _item_label(item):
        import ipywidgets as w

        short = item.summary if len(item.summary) <= 70 else item.summary[:67] + "..."
        return w.HTML(f'<div title="{html.escape(item.summary)}" style="line-height:1.2">'
                      f"<b>{item.id}</b> <small>{html.escape(item.source_id)}: "
                      f"{html.escape(short)}</small></div>")

    # ------------------------------------------------------------------ callbacks
    def _on_rating(self, item_id: str, hypothesis_id: str):
        def handler(change):
            if not self._syncing:
                self.set_rating(item_id, hypothesis_id, change["new"])
        return handler

    def _on_switch(self, item_id: str):
        def handler(change):
            self.set_included(item_id, bool(change["new"]))
        return handler

    def set_rating(self, item_id: str, hypothesis_id: str, value) -> None:
        """Re-rate one cell (what its drop-down does) and redraw the weights.

        The reports of one named event share its ratings: their cells change together.
        """
        members = self.members.get(item_id, (item_id,))
        self._syncing = True
        try:
            for eid in members:
                self.cells[eid, hypothesis_id].value = value
                self._mark(eid, hypothesis_id)
        finally:
            self._syncing = False
        first = members[0]
        row = self.ratings.setdefault(first, {})
        row[hypothesis_id] = value
        if value == self._original(first, hypothesis_id):
            del row[hypothesis_id]
        if not row:
            del self.ratings[first]
        if not self._quiet:
            self.refresh()

    def _original(self, item_id: str, hypothesis_id: str):
        return self._items[item_id].ratings.get(hypothesis_id, NOT_APPLICABLE)

    def _mark(self, item_id: str, hypothesis_id: str) -> None:
        """Colour a cell by its rating and outline it when it differs from the scenario."""
        cell = self.cells[item_id, hypothesis_id]
        for c in list(cell._dom_classes):
            if c.startswith("achlab-rating-") or c == "achlab-changed":
                cell.remove_class(c)
        cell.add_class(f"achlab-rating-{self._letter(cell.value)}")
        if cell.value != self._original(item_id, hypothesis_id):
            cell.add_class("achlab-changed")

    def set_included(self, item_id: str, included: bool) -> None:
        """Leave an item out or take it back (what its switch does) and redraw the weights."""
        switch = self.switches[item_id]
        if switch.value != included:
            switch.value = included
            return
        (self.excluded.discard if included else self.excluded.add)(item_id)
        for h in self.case.hypothesis_ids:
            self.cells[item_id, h].disabled = not included
        if not self._quiet:
            self.refresh()

    def transpose(self) -> None:
        """Swap rows and columns (hypotheses as rows, or items as rows)."""
        self.transposed = not self.transposed
        self._arrange()

    def reset(self) -> None:
        """Back to the scenario's own matrix."""
        self._quiet = True
        try:
            for e in self.case.evidence:
                self.set_included(e.id, True)
                for h in self.case.hypothesis_ids:
                    self.set_rating(e.id, h, e.ratings.get(h, NOT_APPLICABLE))
        finally:
            self._quiet = False
        self.refresh()

    # ------------------------------------------------------------------ results
    def current_case(self) -> Case:
        """The case with the editor's changes."""
        return apply_edits(self.case, self.ratings, sorted(self.excluded))

    def refresh(self) -> Weights:
        """Recompute and redraw the weights; returns them."""
        edited = self.current_case()
        weights = exact_weights(edited)
        self.output.value = weights_html(self.case, weights) + self._changes_html(edited)
        self.weights = weights
        return weights

    def _changes_html(self, edited: Case) -> str:
        cells = [f"{eid} / {self.case.labels[h]} → {self._shown(v)}"
                 for eid, row in self.ratings.items() for h, v in row.items()]
        lines = [f"Re-rated: {'; '.join(cells) or 'none'}",
                 f"Left out: {', '.join(sorted(self.excluded)) or 'none'}"]
        if not edited.evidence:
            lines.append("Every item is left out: the weights are the prior.")
        repeats = not_counted(edited)
        if repeats:
            lines.append("Not counted (editing them changes nothing): " + "; ".join(repeats))
        shared = shared_ratings(self.case)
        if shared:
            lines.append("Reports of one event share its ratings (re-rated together): "
                         + "; ".join(shared))
        return ('<div class="achlab-editor-changes" style="font-size:13px;color:#444;'
                'margin-top:4px">' + "<br>".join(html.escape(t) for t in lines) + "</div>")

    @staticmethod
    def _shown(value) -> str:
        return value if isinstance(value, str) else f"{value:.2f}"

    def save(self, name: str | None = None) -> Path:
        """Write the changes as a new scenario file; returns its path."""
        doc = edits_document(self.case, name or self.name.value, self.ratings,
                             sorted(self.excluded))
        return write_scenario(doc, self.folder)

