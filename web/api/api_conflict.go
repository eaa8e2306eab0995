package api

import (
	"context"
	"strings"
	"time"

	"spotcheck"
)

// conflictJSON is a 回避 relation between an inspector and an entity.
type conflictJSON struct {
	StaffID   string    `json:"staff_id" doc:"工号"`
	EntityID  string    `json:"entity_id" doc:"检查对象代码"`
	Kind      string    `json:"kind" doc:"回避类型"`
	Reason    string    `json:"reason" doc:"回避原因"`
	From      string    `json:"from" doc:"生效日期 YYYY-MM-DD"`
	To        string    `json:"to" doc:"失效日期 YYYY-MM-DD，空为长期"`
	Review    string    `json:"review" doc:"审核状态（申报回避为已通过，申请回避默认待审核）"`
	Active    bool      `json:"active" doc:"true 有效，false 已停用（新增时默认 true）"`
	Version   int       `json:"version" doc:"版本号；修改时须等于当前版本（乐观锁）"`
	UpdatedAt time.Time `json:"updated_at" doc:"最后修改时间" api:"readonly"`
}

func conflictToJSON(c *spotcheck.Conflict) conflictJSON {
	return conflictJSON{c.StaffID, c.EntityID, c.Kind, c.Reason, c.From, c.To, c.Review, c.Active, c.Version, c.UpdatedAt}
}

func (j *conflictJSON) toConflict() *spotcheck.Conflict {
	return &spotcheck.Conflict{StaffID: j.StaffID, EntityID: j.EntityID, Kind: j.Kind, Reason: j.Reason, From: j.From,
		To: j.To, Review: j.Review, Active: j.Active, Version: j.Version}
}

var apiConflicts = apiKind[spotcheck.Conflict, conflictJSON]{
	keys:     []string{"staff_id", "entity_id", "kind"},
	key:      func(c *spotcheck.Conflict) []*string { return []*string{&c.StaffID, &c.EntityID, &c.Kind} },
	version:  func(c *spotcheck.Conflict) *int { return &c.Version },
	toJSON:   conflictToJSON,
	fromJSON: (*conflictJSON).toConflict,
	newJSON:  func() conflictJSON { return conflictJSON{Active: true} },
	find:     apiFindConflict,
	save: func(d services, ctx context.Context, v *spotcheck.Conflict) error {
		return d.Conflicts.SaveConflict(ctx, v)
	},
}

// apiFindConflict finds the conflict of c's inspector, entity and kind.
func apiFindConflict(d services, ctx context.Context, c *spotcheck.Conflict) (*spotcheck.Conflict, error) {
	return d.Conflicts.FindConflict(ctx, strings.TrimSpace(c.StaffID), c.EntityID, strings.TrimSpace(c.Kind))
}

// conflictQuery are the parameters view.ConflictFilter reads.
var conflictQuery = append([]apiParam{
	textParam("staff_id", "工号"),
	textParam("entity_id", "检查对象代码"),
	oneOfParam("review", "审核状态", spotcheck.ReviewPending, spotcheck.ReviewApproved, spotcheck.ReviewRejected),
}, pageQuery...)
