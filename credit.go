package spotcheck

import (
	"encoding/json"
	"slices"
	"strings"
)

// CreditRecord is the body of the credit platform push (issue 12, item 5)
// and what the portal's 抽查结果公告 shows of one entity: one published
// inspection result, public fields only. Its keys start from the national
// credit publicity system's own result fields (抽查计划编号/名称,
// 抽查任务编号/名称, 抽查类型, 抽查机关, 抽查完成日期, 检查事项, 检查结果),
// plus the entity's name and credit code, the record's version and, for a
// correction, what it corrects and why; Display is exactly what the Fujian
// 部门协同监管平台 shows under the enterprise (检查实施机关, 类型, 日期,
// 结果). docs/credit-export.md "The record" is its JSON Schema.
//
// No personal data goes in: no inspector (names, phones, 执法证号), no
// natural person's identity number (a person's record has no CreditCode),
// no address, no photos or descriptions typed by the team.
type CreditRecord struct {
	Schema   string `json:"schema"`    // CreditSchema
	RecordID string `json:"record_id"` // Publication.OutboxKey: the same for every version
	Version  int    `json:"version"`   // 1, then one more per correction
	// Corrects is the version this one replaces (0: none) and
	// CorrectionReason why; both are set on a correction only.
	Corrects         int    `json:"corrects,omitempty"`
	CorrectionReason string `json:"correction_reason,omitempty"`

	PlanCode      string `json:"plan_code"`      // 抽查计划编号 ("" for a task outside the annual plan)
	PlanName      string `json:"plan_name"`      // 抽查计划名称
	TaskCode      string `json:"task_code"`      // 抽查任务编号
	TaskName      string `json:"task_name"`      // 抽查任务名称
	DrawType      string `json:"draw_type"`      // 抽查类型: 不定向抽查 or 定向抽查
	Authority     string `json:"authority"`      // 抽查机关 (检查实施机关): the department's name
	AuthorityCode string `json:"authority_code"` // its code in the platform
	Completed     string `json:"completed"`      // 抽查完成日期, YYYY-MM-DD

	EntityName string `json:"entity_name"` // 企业（主体）名称
	CreditCode string `json:"credit_code"` // 统一社会信用代码 ("" for a person)

	Items   []CreditItem   `json:"items"`   // 检查事项 with each item's result
	Results []CreditResult `json:"results"` // 检查结果 (entity level)
	// Published is the day of publication, YYYY-MM-DD (China).
	Published string        `json:"published"`
	Display   CreditDisplay `json:"display"`
}

// CreditSchema names the layout of CreditRecord; a change of layout is a
// new name.
const CreditSchema = "spotcheck-credit/1"

// CreditItem is one 检查事项 and what was found on it.
type CreditItem struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Outcome string `json:"outcome"`         // 未发现问题, 发现问题, 其他情形 or 不涉及
	Basis   string `json:"basis,omitempty"` // the provision a problem breaks
}

// CreditResult is one entity-level result: the local category and the
// national display category it is shown as.
type CreditResult struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	National     string `json:"national,omitempty"` // R01–R08, S01–S05; "" for a remark only
	NationalName string `json:"national_name,omitempty"`
}

// CreditDisplay is the row the Fujian 部门协同监管平台 (国家企业信用信息公示系统
// 抽查检查结果信息) shows: 检查实施机关, 类型, 日期, 结果.
type CreditDisplay struct {
	Authority string `json:"authority"` // 检查实施机关
	Type      string `json:"type"`      // 类型: 双随机抽查（不定向抽查）
	Date      string `json:"date"`      // 日期: the completion date
	Result    string `json:"result"`    // 结果: the national categories' names, joined by "；"
}

// CreditSource is what a record is made of, read by the store.
type CreditSource struct {
	Inspection         *Inspection
	Task               *Task
	PlanCode, PlanName string
	AuthorityName      string
	ItemNames          map[string]string
	Catalogue          ResultCatalogue
	Published          string // day of publication
	RecordID           string
	Version, Corrects  int
	CorrectionReason   string
}

// MakeCreditRecord builds the record of a publication from src, public
// fields only (see CreditRecord).
func MakeCreditRecord(src CreditSource) CreditRecord {
	in, tk := src.Inspection, src.Task
	r := CreditRecord{Schema: CreditSchema, RecordID: src.RecordID, Version: src.Version,
		Corrects: src.Corrects, CorrectionReason: strings.TrimSpace(src.CorrectionReason),
		PlanCode: src.PlanCode, PlanName: src.PlanName, TaskCode: tk.Code, TaskName: tk.Name,
		DrawType: TaskKindNames[tk.Kind], Authority: src.AuthorityName, AuthorityCode: in.Dept,
		Completed: in.Completed, EntityName: in.EntityName, Published: src.Published}
	if r.DrawType == "" {
		r.DrawType = TaskKindNames[TaskUndirected]
	}
	if _, err := CheckCreditCode(in.Entity); err == nil {
		r.CreditCode = in.Entity
	}
	for _, code := range in.Items {
		it := CreditItem{Code: code, Name: src.ItemNames[code]}
		if i := slices.IndexFunc(in.Findings, func(f ItemFinding) bool { return f.Item == code }); i >= 0 {
			f := in.Findings[i]
			it.Outcome = FindingNames[f.Outcome]
			if f.Outcome == FindingProblem {
				it.Basis = f.Basis
			}
		}
		r.Items = append(r.Items, it)
	}
	var shown []string
	for _, code := range in.Results {
		c, _ := src.Catalogue.Category(code)
		res := CreditResult{Code: code, Name: c.Name, National: c.National}
		if n, ok := src.Catalogue.Category(c.National); ok && c.National != "" {
			res.NationalName = n.Name
			if !slices.Contains(shown, n.Name) {
				shown = append(shown, n.Name)
			}
		}
		r.Results = append(r.Results, res)
	}
	r.Display = CreditDisplay{Authority: r.Authority, Type: "双随机抽查（" + r.DrawType + "）", Date: r.Completed,
		Result: strings.Join(shown, "；")}
	return r
}

// Validate checks what the receiver needs of a record.
func (r *CreditRecord) Validate() error {
	switch {
	case r.Schema != CreditSchema:
		return Errorf(EINVALID, "信用记录格式“%s”不是 %s", r.Schema, CreditSchema)
	case r.RecordID == "" || r.Version < 1:
		return Errorf(EINVALID, "信用记录缺少编号或版本")
	case r.Version > 1 && (r.Corrects < 1 || r.CorrectionReason == ""):
		return Errorf(EINVALID, "更正记录须注明更正的版本和原因")
	case r.TaskCode == "" || r.Authority == "" || r.Completed == "" || r.EntityName == "":
		return Errorf(EINVALID, "信用记录缺少任务、抽查机关、完成日期或主体名称")
	case len(r.Results) == 0:
		return Errorf(EINVALID, "信用记录没有检查结果")
	}
	return nil
}

// JSON is the record as sent: the outbox payload.
func (r *CreditRecord) JSON() ([]byte, error) { return json.Marshal(r) }

// CreditStop tells the credit platform to stop displaying a published
// result before its display period ends, because a credit repair of it
// was granted (RepairRule): it names the record and the version shown
// until then. It is sent as its own outbox kind, OutboxKindCreditStop,
// whose idempotency key differs from every version's; the record itself
// is never changed (docs/credit-export.md "Stopping the display").
type CreditStop struct {
	Schema     string `json:"schema"`      // CreditStopSchema
	RecordID   string `json:"record_id"`   // the CreditRecord's
	Version    int    `json:"version"`     // the version shown until StoppedOn
	EntityName string `json:"entity_name"` // as the version shows them
	CreditCode string `json:"credit_code"`
	Authority  string `json:"authority"`  // the department that decided
	StoppedOn  string `json:"stopped_on"` // 停止公示日期, YYYY-MM-DD (China): the decision's day
	Reason     string `json:"reason"`     // 停止公示原因: CreditStopRepair
}

// CreditStopSchema names the layout of CreditStop.
const CreditStopSchema = "spotcheck-credit-stop/1"

// CreditStopRepair is the reason a CreditStop gives for a granted repair.
const CreditStopRepair = "信用修复"

// StopCredit is the CreditStop of publication p, the version shown, for a
// repair granted on day.
func StopCredit(p *Publication, day string) CreditStop {
	return CreditStop{Schema: CreditStopSchema, RecordID: p.Record.RecordID, Version: p.Version,
		EntityName: p.Record.EntityName, CreditCode: p.Record.CreditCode, Authority: p.Record.Authority,
		StoppedOn: day, Reason: CreditStopRepair}
}
