package api

import (
	"encoding/json"
	"time"

	"spotcheck"
)

// changeJSON is one recorded change, for the audit trail. Before and after
// are the record's states as the store recorded them, null when there is
// none (before a creation).
type changeJSON struct {
	ID      int64           `json:"id" doc:"序号"`
	Kind    string          `json:"kind" doc:"记录种类：entity、inspector、agency、item、responsibility、conflict、department、user"`
	Key     string          `json:"key" doc:"记录主键（多个字段以 | 分隔）"`
	Version int             `json:"version" doc:"变更后的版本号"`
	Action  string          `json:"action" doc:"操作：create、update、deactivate、reactivate、import、password…"`
	Actor   string          `json:"actor" doc:"操作人用户名"`
	At      time.Time       `json:"at" doc:"操作时间"`
	Before  json.RawMessage `json:"before" doc:"变更前的记录（JSON），新增时为 null"`
	After   json.RawMessage `json:"after" doc:"变更后的记录（JSON）"`
}

func changeToJSON(c spotcheck.Change) changeJSON {
	return changeJSON{c.ID, c.Kind, c.Key, c.Version, c.Action, c.Actor, c.At, rawJSON(c.Before), rawJSON(c.After)}
}

// rawJSON embeds a recorded state as JSON: null when empty, and as a
// string should it not be JSON, so that the response is always valid.
func rawJSON(s string) json.RawMessage {
	switch {
	case s == "":
		return json.RawMessage("null")
	case json.Valid([]byte(s)):
		return json.RawMessage(s)
	}
	b, _ := json.Marshal(s)
	return b
}

// changeQuery are the parameters view.ChangeFilter reads.
var changeQuery = append([]apiParam{
	textParam("kind", "记录种类，如 entity、item"),
	textParam("key", "记录主键"),
	textParam("actor", "操作人用户名"),
}, pageQuery...)
