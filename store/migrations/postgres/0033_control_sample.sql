-- The control sample of a draw (issue 14, item 3; draw/control.go,
-- docs/risk-model.md §9). draws.control is the size the task asked for,
-- copied when the plan is logged (and logged itself, as a "control"
-- entry right after the plan, before any randomness exists);
-- draw_picks.control marks the picks that form it, set with the picks.
-- draws.risk_model is the risk model version whose classes the frozen
-- frame's strata took ("" when the classes were not set by a model run):
-- the dashboard compares hit rates per model version.
ALTER TABLE draws ADD COLUMN control INTEGER NOT NULL DEFAULT 0;
ALTER TABLE draws ADD COLUMN control_index INTEGER;
ALTER TABLE draws ADD COLUMN risk_model TEXT NOT NULL DEFAULT '';
ALTER TABLE draw_picks ADD COLUMN control INTEGER NOT NULL DEFAULT 0;
