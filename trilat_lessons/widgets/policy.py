"""PolicyWorkbench: weigh the criteria, rank the policy options, compare national perspectives.

The scores are teaching judgments (see the ``policy_options`` codebook): the point is to see how
the ranking depends on whose priorities you adopt, not to find the "right" policy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..analysis.policy import (
    compare_rankings,
    describe_ranking_change,
    full_labels,
    preset_weights,
    rank_options,
    weights_dict,
)
from ..schema import CRITERIA, PERSPECTIVES
from ._base import (
    CONTROL_STYLE,
    ChartExplorer,
    heading,
    load_default,
    paragraph,
    spec_of,
    table_html,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


YOURS = "your weights"
CUSTOM = "custom"


class PolicyWorkbench(ChartExplorer, w.VBox):
    """Weight the criteria with sliders or presets; see the ranking and how perspectives differ.

    ``spec`` is the ranking chart's Vega-Lite spec, ``chart`` the altair chart.
    """

    fallback_name = "Policy workbench"

    def __init__(
        self,
        options: pd.DataFrame | None = None,
        weights: pd.DataFrame | None = None,
        *,
        perspective: str = "balanced",
        compare_with: str | None = None,
    ) -> None:
        import pandas as pd

        self.options = load_default(options, "policy_options")
        self.policy_weights = load_default(weights, "policy_weights")
        present = list(dict.fromkeys(self.policy_weights["perspective"].astype(str)))
        self.perspectives = [p for p in PERSPECTIVES if p in present] + [
            p for p in present if p not in PERSPECTIVES
        ]
        criteria = [c for c in CRITERIA if c in set(self.policy_weights["criterion"].astype(str))]
        top = float(pd.to_numeric(self.policy_weights["weight"]).max()) if len(criteria) else 1.0
        high, step = (1.0, 0.05) if top <= 1 else (float(max(5, math.ceil(top))), 0.5)
        self.preset = w.Dropdown(
            options=[*[(p, p) for p in self.perspectives], ("custom (your own)", CUSTOM)],
            value=perspective,
            description="Perspective preset",
            style=CONTROL_STYLE,
        )
        self.sliders = {
            c: w.FloatSlider(
                value=0.0,
                min=0.0,
                max=high,
                step=step,
                description=CRITERIA[c][0],
                continuous_update=False,
                readout_format=".2f" if high <= 1 else ".1f",
                style=CONTROL_STYLE,
                layout=w.Layout(width="420px"),
            )
            for c in criteria
        }
        others = [p for p in self.perspectives if p != perspective]
        self.compare = w.Dropdown(
            options=self.perspectives,
            value=compare_with or (others[0] if others else perspective),
            description="Compare with",
            style=CONTROL_STYLE,
        )
        self.chart_view = w.HTML(layout=w.Layout(min_height="260px", overflow="auto"))
        self.change_view = w.HTML()
        self.table_view = w.HTML()
        self.ranking: pd.DataFrame = pd.DataFrame()
        self.comparison: pd.DataFrame = pd.DataFrame()
        self.change = ""
        super().__init__(
            [
                heading(
                    "<b>Policy workbench</b>: pick a perspective or move the sliders (0 ="
                    " ignore); options are ranked by weighted score."
                ),
                self.preset,
                *self.sliders.values(),
                self.compare,
                self.chart_view,
                self.change_view,
                self.table_view,
            ]
        )
        self.add_class("trilat-explorer")
        self._apply_preset(perspective)
        self.preset.observe(self._on_preset, names="value")
        self.compare.observe(self._on_change, names="value")
        for s in self.sliders.values():
            s.observe(self._on_slider, names="value")
        self.refresh()

    _holding = False
    _presets: pd.DataFrame | None = None

    def _apply_preset(self, perspective: str) -> None:
        wts = preset_weights(self.policy_weights, perspective)
        self._holding = True
        try:
            for c, s in self.sliders.items():
                s.value = wts.get(c, 0.0)
        finally:
            self._holding = False

    def _on_preset(self, change: dict[str, Any]) -> None:
        if self._holding or change["new"] == CUSTOM:
            return
        self._apply_preset(change["new"])
        self.refresh()

    def _on_slider(self, _change: dict[str, Any]) -> None:
        if self._holding:
            return
        if self.preset.value != CUSTOM:
            self._holding = True
            try:
                self.preset.value = CUSTOM
            finally:
                self._holding = False
        self.refresh()

    def _on_change(self, _change: dict[str, Any]) -> None:
        if not self._holding:
            self.refresh()

    @property
    def value(self) -> dict[str, float]:
        """The current weights, ``{criterion: weight}``."""
        return {c: float(s.value) for c, s in self.sliders.items()}

    @value.setter
    def value(self, weights: Mapping[str, float]) -> None:
        wts = weights_dict(weights)
        self._holding = True
        try:
            self.preset.value = CUSTOM
            for c, v in wts.items():
                self.sliders[c].value = v
        finally:
            self._holding = False
        self.refresh()

    @property
    def weights(self) -> pd.DataFrame:
        """The current weights as a DataFrame (criterion, label, weight) for the exercises."""
        import pandas as pd

        return pd.DataFrame(
            {
                "criterion": list(self.sliders),
                "label": [CRITERIA[c][0] for c in self.sliders],
                "weight": [float(s.value) for s in self.sliders.values()],
            }
        )

    def _update(self) -> None:
        """Re-rank with the current weights; redo comparison, sentence and spec (SVG after)."""
        from ..charts import policy_ranking_parts

        wts = self.value
        self.ranking = rank_options(self.options, wts)
        if self._presets is None:  # the presets' ranks never change: compute them once
            self._presets = compare_rankings(self.options, self.policy_weights)
        yours = self.ranking.set_index("option_id")["rank"]
        self.comparison = self._presets.assign(**{YOURS: yours.reindex(self._presets.index)})
        self.change = describe_ranking_change(
            self.comparison, self.compare.value, YOURS, full_labels(self.options)
        )
        zero = "All weights are 0, so every option scores 0: move a slider."
        self.change_view.value = paragraph(self.change) + (
            paragraph(zero, role=None) if sum(wts.values()) == 0 else ""
        )
        shown = self.comparison.set_index("option")
        shown.columns = [f"rank: {c}" for c in shown.columns]
        self.table_view.value = table_html(
            shown, "Rank of each option under each perspective (1 = best)"
        )
        name = self.preset.value if self.preset.value != CUSTOM else "your"
        self.spec = spec_of(policy_ranking_parts(self.ranking, perspective=name))
