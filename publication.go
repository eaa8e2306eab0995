package spotcheck

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The publication of inspection results (issue 12, item 1): the 一公开 of
// 双随机、一公开. An approver of the inspection's department publishes an
// approved result (InspActPublish through Inspection.Can); a Publication
// is what the public then sees of it, and the body of its credit record
// (CreditRecord). A publication is never edited: a correction is a new
// publication of the same inspection — a later revision approved again —
// that names the publication it corrects and why. The portal shows both.

// Publication is one published inspection result.
type Publication struct {
	ID         int64
	Inspection int64
	Revision   int // the inspection's revision it publishes
	// Version is 1 for the first publication of an inspection and one more
	// for each correction; Original is the first one's ID, which names the
	// inspection's record at the credit platform (its outbox key).
	Version  int
	Original int64
	Corrects int64  // the publication this one corrects, 0 for none
	Reason   string // why, for a correction
	Task     string
	Dept     string
	Entity   string // credit code (or the directory's id for a person)
	// Record is what the public sees: the public fields only.
	Record      CreditRecord
	Due         string // the publication due date (PublicationDue)
	PublishedOn string // the day in China, YYYY-MM-DD
	PublishedAt time.Time
	PublishedBy string
	// DisplayUntil is the last day it is shown (DisplayEnd).
	DisplayUntil string
	LogIndex     int64
}

// Late reports whether it was published after its due date.
func (p *Publication) Late() bool { return p.Due != "" && p.PublishedOn > p.Due }

// Shown reports whether the portal shows it on day (YYYY-MM-DD): until the
// end of its display period, after which publication stops by itself.
func (p *Publication) Shown(day string) bool { return day <= p.DisplayUntil }

// OutboxKey is the key of its credit record (OutboxRecord.Key): the
// inspection's first publication, so that a correction is the next
// version of the same record at the receiver.
func (p *Publication) OutboxKey() string {
	return fmt.Sprintf("%s%d", PublicationKeyPrefix, p.Original)
}

// PublicationKeyPrefix starts every OutboxKey, before the first
// publication's id; the store's due lists join on it.
const PublicationKeyPrefix = "pub-"

// DisplayYears is how long a published result is shown on the portal: the
// 公示期 of 国市监信规〔2024〕5号 for information other than penalties is
// three years from publication (DisplayRule), after which it is no longer
// shown but kept. It is a constant, not a setting, until a department
// needs another period.
const DisplayYears = 3

// DisplayRule names the source of DisplayYears for pages.
const DisplayRule = "公示期为自公示之日起三年（国市监信规〔2024〕5号），更正的结果与原结果同期；期满后自动停止公示，记录留存"

// DisplayEndOf returns the last day a publication made on day is shown:
// DisplayEnd for a first publication, while a correction (prev, what it
// corrects, not nil) is shown as long as prev — the period runs from the
// result's first publication, so correcting a result never lengthens its
// display.
func DisplayEndOf(day string, prev *Publication) (string, error) {
	if prev != nil {
		return prev.DisplayUntil, nil
	}
	return DisplayEnd(day)
}

// DisplayEnd returns the last day a result published on day is shown.
func DisplayEnd(day string) (string, error) {
	d, err := time.Parse(DateLayout, day)
	if err != nil {
		return "", Errorf(EINVALID, "公示日期“%s”无效", day)
	}
	return d.AddDate(DisplayYears, 0, -1).Format(DateLayout), nil
}

// The ways a department publishes its results (the department chooses).
const (
	// PublishByEntity: each result as soon as it is approved; the draw's
	// embargo is lifted when the last of its results is published.
	PublishByEntity = "entity"
	// PublishByTask: the task's results all at once, when none is still
	// being recorded or approved; publishing lifts the draw's embargo.
	PublishByTask = "task"
)

// PublishModeNames are the modes as pages show them.
var PublishModeNames = map[string]string{PublishByEntity: "逐户公示（审核通过即可公示）", PublishByTask: "按任务统一公示"}

// CanPublish decides whether p may publish in's current revision, in a
// department that publishes by mode, as a correction of prev (nil for the
// first publication) with reason: Can(InspActPublish) — an approver of the
// department, not on the team, and an approved revision — then a
// department that publishes by task refuses one entity's first
// publication, and a correction needs its reason.
func (in *Inspection) CanPublish(p *Principal, mode string, prev *Publication, reason string) error {
	if err := in.Can(InspActPublish, p); err != nil {
		return err
	}
	if prev == nil && mode == PublishByTask && !p.IsSystem() {
		return Errorf(ECONFLICT, "本部门按任务统一公示检查结果：请在任务 %s 的页面公示全部结果", in.Task)
	}
	return ValidateCorrection(prev, reason)
}

// ValidateCorrection checks the reason of a correction of prev (none for a
// first publication): required, bounded, valid text.
func ValidateCorrection(prev *Publication, reason string) error {
	reason = strings.TrimSpace(reason)
	switch {
	case prev == nil:
		return nil
	case reason == "":
		return Errorf(EINVALID, "更正已公示的检查结果须说明更正原因")
	case !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > 500:
		return Errorf(EINVALID, "更正原因须为不超过500字的文本")
	}
	return nil
}

// CanPublishTask decides whether p may publish the task's results at once:
// the task's inspections (current revisions) must be decided — approved,
// published, rejected or withdrawn — with at least one approved to
// publish; each approved one must pass Can(InspActPublish).
func CanPublishTask(p *Principal, task string, ins []Inspection) error {
	if p == nil {
		return Errorf(EUNAUTHORIZED, msgNoPrincipal)
	}
	var open []string
	n := 0
	for i := range ins {
		in := &ins[i]
		switch in.State {
		case InspectionApproved:
			if err := in.Can(InspActPublish, p); err != nil {
				return err
			}
			n++
		case InspectionPublished, InspectionRejected, InspectionWithdrawn:
		default:
			open = append(open, fmt.Sprintf("%s（%s）", in.EntityName, InspectionStateNames[in.State]))
		}
	}
	if len(open) > 0 {
		return Errorf(ECONFLICT, "任务 %s 尚有检查结果未审核，不能统一公示：%s", task, strings.Join(open, "、"))
	}
	if n == 0 {
		return Errorf(ECONFLICT, "任务 %s 没有待公示的已审核检查结果", task)
	}
	return nil
}

// PublicationFilter selects publications for the portal's search: by the
// words of an enterprise's name or its credit code (Query), or one task.
// Day is today in China: what is past its display period is left out.
type PublicationFilter struct {
	Query  string
	Task   string
	Day    string
	Limit  int
	Offset int
}

// PublicSearchEntities is how many enterprises a search by name shows the
// results of: the first that match, in order of entry; a longer name or
// the credit code narrows it (the portal says so when the limit is met).
const PublicSearchEntities = 20

// MaxPublicQuery is the longest search the portal accepts, in bytes.
const MaxPublicQuery = 200

// ParsePublicQuery checks what the public typed into the results search:
// valid UTF-8, no control characters, at most MaxPublicQuery bytes (the
// portal's form is bounded before at 10 KB); it returns the query trimmed.
// Quotes and SQL words are plain text: the store never formats a value
// into SQL.
func ParsePublicQuery(q string) (string, error) {
	switch {
	case !utf8.ValidString(q):
		return "", Errorf(EINVALID, "查询内容含有无效字符，请输入企业名称或统一社会信用代码")
	case len(q) > MaxPublicQuery:
		return "", Errorf(EINVALID, "查询内容过长（最多%d个字节），请输入企业名称或统一社会信用代码", MaxPublicQuery)
	case strings.ContainsFunc(q, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", Errorf(EINVALID, "查询内容含有控制字符，请输入企业名称或统一社会信用代码")
	}
	return strings.TrimSpace(q), nil
}

// Timeliness counts a department's approved results by publication: on
// time, late, and not yet published (of which overdue, past the due date).
type Timeliness struct {
	Dept           string
	OnTime, Late   int
	Pending        int
	PendingOverdue int
}

// LatePublication is one result published late or still unpublished past
// its due date, with the approver responsible (the person who approved it
// and must publish it).
type LatePublication struct {
	Inspection  int64
	Task        string
	Dept        string
	EntityName  string
	Approver    string
	Due         string
	PublishedOn string // "" while unpublished
}

// ResultTask is one task with results on the portal: how many are shown
// and the day of the latest.
type ResultTask struct {
	Task, Name, Authority string
	Count                 int
	Last                  string
}

// PublicationService publishes approved results and answers the portal.
type PublicationService interface {
	// PublishInspection publishes the current, approved revision of
	// inspection id (CanPublish); a correction (a revision after a
	// published one) needs reason. ECONFLICT when the department publishes
	// by task.
	PublishInspection(ctx context.Context, id int64, reason string) (*Publication, error)
	// PublishTaskResults publishes every approved result of task at once
	// (CanPublishTask) and lifts its draws' embargo.
	PublishTaskResults(ctx context.Context, task string) ([]Publication, error)
	// FindPublications is the portal's search (anyone): the publications
	// shown on f.Day (default today).
	FindPublications(ctx context.Context, f PublicationFilter) ([]Publication, error)
	// FindResultTasks lists the tasks with results shown on day (default
	// today), the latest first, at most limit.
	FindResultTasks(ctx context.Context, day string, limit int) ([]ResultTask, error)
	// ShownVersion changes whenever what the portal shows of results may
	// have changed, but for renamed entities: it is today's date with the
	// size of the log, where every publication, correction and repair
	// decision is written in the transaction that makes it. The portal
	// keys its kept answers on it (web/portal/answers.go).
	ShownVersion(ctx context.Context) (string, error)
	// CountExpired counts task's publications past their display period
	// on day (default today).
	CountExpired(ctx context.Context, task, day string) (int, error)
	// FindInspectionPublications lists an inspection's publications, the
	// first first (Inspection.CanView).
	FindInspectionPublications(ctx context.Context, id int64) ([]Publication, error)
	// FindTimeliness counts on time, late and unpublished results per
	// department the user sees; supervisors also get the late ones.
	FindTimeliness(ctx context.Context) ([]Timeliness, []LatePublication, error)
	// FindPublicationMode and SetPublicationMode: how a department
	// publishes (PublishByEntity, PublishByTask); set by its approvers.
	FindPublicationMode(ctx context.Context, dept string) (string, error)
	SetPublicationMode(ctx context.Context, dept, mode string) error
}
