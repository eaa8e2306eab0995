-- The task's state machine (issue 10, spotcheck.TaskMachine): the state
-- column is the task's state, kept also in its JSON body. Existing tasks
-- were drawn or about to be: a task with a draw not superseded is drawn,
-- any other published, so that their draws and the demo's keep working.
-- announcement_index is the log entry of the 抽查任务公告 once published.
ALTER TABLE tasks ADD COLUMN state TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE tasks ADD COLUMN announcement_index INTEGER;
UPDATE tasks SET state = 'published';
UPDATE tasks SET state = 'drawn' WHERE code IN (SELECT task FROM draws WHERE state <> 'superseded');
CREATE INDEX tasks_state ON tasks (state, created_at);

-- An inspector's 执法事项范围: the item codes they may inspect, separated
-- as lists are ('' = unrestricted, spotcheck.Inspector.Covers).
ALTER TABLE inspectors ADD COLUMN items TEXT NOT NULL DEFAULT '';

-- 市抽县查: the entities a city's draw selected, each handed to the bureau
-- of its division (指派), which inspects them. One row per draw and
-- entity; a re-draw hands over its own. Never edited.
CREATE TABLE task_handovers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    task        TEXT NOT NULL REFERENCES tasks (code),
    draw_id     INTEGER NOT NULL REFERENCES draws (id),
    entity_id   TEXT NOT NULL,
    dept        TEXT NOT NULL REFERENCES departments (code),
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    UNIQUE (draw_id, entity_id)
);
CREATE INDEX task_handovers_dept ON task_handovers (dept, task);
CREATE INDEX task_handovers_task ON task_handovers (task, draw_id);
