"""The interactive reliability panel: a slider per source for reliability and motive.

Every move recomputes the weights with the exact engine (well under a millisecond), so the
panel redraws at once; no MCMC per move. A button writes the current settings out as a new
scenario file. The logic lives in plain functions (:func:`weights_for`, :func:`scenario_document`)
so it can be tested without a browser.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from pathlib import Path

import yaml

from achlab import paths
from achlab.charts.style import colour_of
from achlab.engines.exact import Weights, exact_weights
from achlab.model import Case
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
    for sid, value in motives.items():
        sources.setdefault(sid, {})["motive"] = round(float(value), 4)
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


def write_scenario(doc: dict, folder: Path | None = None) -> Path:
    """Write a new scenario file ``<folder>/<name>.yaml``; never overwrites an existing one."""
    name = str(doc.get("name", ""))
    if not NAME_PATTERN.match(name):
        raise ValueError(f"scenario name {name!r}: use letters, digits, - and _ only")
    folder = Path(folder or paths.scenarios_dir())
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.yaml"
    if target.exists():
        raise FileExistsError(f"{paths.display_path(target)} exists already: choose another name")
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".yaml", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    if target.exists():  # lost a race: never replace someone's file
        Path(tmp).unlink()
        raise FileExistsError(f"{paths.display_path(target)} exists already")
    os.replace(tmp, target)
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


class ReliabilityPanel:
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
        self.rel_sliders, self.motive_sliders = {}, {}
        style = {"description_width": "initial"}
        layout = w.Layout(width="330px")
        rows = [w.HTML("<b>Source</b> &mdash; drag <i>reliability</i> (chance its report rests "
                       "on real information) and <i>motive</i> (chance it would say this "
                       "anyway)")]
        for s in case.sources:
            rel = w.FloatSlider(value=round(s.reliability.mean, 2), min=0, max=1, step=0.01,
                                description="reliability", style=style, layout=layout,
                                continuous_update=True, readout_format=".2f")
            mot = w.FloatSlider(value=round(s.motive, 2), min=0, max=1, step=0.01,
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
            rows.append(w.HBox([label, rel, mot]))
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
            self.motive_sliders[s.id].value = round(s.motive, 2)
        self.reliabilities.clear()
        self.motives.clear()
        self.refresh()

    def save(self, name: str | None = None) -> Path:
        """Write the current settings as a new scenario file; returns its path."""
        doc = scenario_document(self.case, name or self.name.value, self.reliabilities,
                                self.motives)
        return write_scenario(doc, self.folder)

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

