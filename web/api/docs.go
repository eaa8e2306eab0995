package api

// doc is what the OpenAPI document says of one operation besides what the
// route table declares: its summary, the query parameters it takes (the
// others are refused: Strict), and the JSON types of its body and of its
// answer, a zero value of each, from which the schemas are generated.
type doc struct {
	summary string
	query   []apiParam
	in      any // request body; nil for none
	out     any // success response
}

// updated is what every PUT's summary adds.
const updated = "（须带 version；未给出的字段保持原值）"

// docs describe the API routes, by pattern. Each kind has the operations
// of its staff pages: list (filters as on the pages, paged), one record,
// create, and update with version.
var docs = map[string]doc{
	"GET /api/v1/me": {"当前用户及其部门范围", nil, nil, meJSON{}},

	"GET /api/v1/entities":      {"检查对象列表（限于本部门及下级部门）", entityQuery, nil, listJSON[entityJSON]{}},
	"GET /api/v1/entities/{id}": {"检查对象详情", nil, nil, entityJSON{}},
	"POST /api/v1/entities":     {"新增检查对象", nil, entityJSON{}, entityJSON{}},
	"PUT /api/v1/entities/{id}": {"修改检查对象" + updated, nil, entityJSON{}, entityJSON{}},

	"GET /api/v1/inspectors":            {"执法检查人员与专家列表", inspectorQuery, nil, listJSON[inspectorJSON]{}},
	"GET /api/v1/inspectors/{staff_id}": {"执法检查人员或专家详情", nil, nil, inspectorJSON{}},
	"POST /api/v1/inspectors":           {"新增执法检查人员或专家", nil, inspectorJSON{}, inspectorJSON{}},
	"PUT /api/v1/inspectors/{staff_id}": {"修改执法检查人员或专家" + updated, nil, inspectorJSON{}, inspectorJSON{}},

	"GET /api/v1/agencies":        {"专业机构列表", agencyQuery, nil, listJSON[agencyJSON]{}},
	"GET /api/v1/agencies/{code}": {"专业机构详情", nil, nil, agencyJSON{}},
	"POST /api/v1/agencies":       {"新增专业机构", nil, agencyJSON{}, agencyJSON{}},
	"PUT /api/v1/agencies/{code}": {"修改专业机构" + updated, nil, agencyJSON{}, agencyJSON{}},

	"GET /api/v1/conflicts":                               {"回避关系列表", conflictQuery, nil, listJSON[conflictJSON]{}},
	"GET /api/v1/conflicts/{staff_id}/{entity_id}/{kind}": {"回避关系详情", nil, nil, conflictJSON{}},
	"POST /api/v1/conflicts":                              {"新增回避关系", nil, conflictJSON{}, conflictJSON{}},
	"PUT /api/v1/conflicts/{staff_id}/{entity_id}/{kind}": {"修改回避关系（审核、停用等）" + updated, nil, conflictJSON{},
		conflictJSON{}},

	"GET /api/v1/items":                 {"抽查事项列表（各事项的当前版本）", itemQuery, nil, listJSON[itemJSON]{}},
	"GET /api/v1/items/{code}":          {"抽查事项的当前版本", nil, nil, itemJSON{}},
	"GET /api/v1/items/{code}/versions": {"抽查事项的全部版本（从旧到新）", pageQuery, nil, listJSON[itemJSON]{}},
	"POST /api/v1/items":                {"新增抽查事项", nil, itemJSON{}, itemJSON{}},
	"PUT /api/v1/items/{code}":          {"修改抽查事项，生成新版本" + updated, nil, itemJSON{}, itemJSON{}},

	"GET /api/v1/responsibilities":               {"监管责任列表", responsibilityQuery, nil, listJSON[responsibilityJSON]{}},
	"GET /api/v1/responsibilities/{item}/{dept}": {"监管责任详情", nil, nil, responsibilityJSON{}},
	"POST /api/v1/responsibilities":              {"新增监管责任", nil, responsibilityJSON{}, responsibilityJSON{}},
	"PUT /api/v1/responsibilities/{item}/{dept}": {"修改监管责任" + updated, nil, responsibilityJSON{},
		responsibilityJSON{}},

	"GET /api/v1/departments":        {"部门列表（整棵部门树）", pageQuery, nil, listJSON[departmentJSON]{}},
	"GET /api/v1/departments/{code}": {"部门详情", nil, nil, departmentJSON{}},
	"POST /api/v1/departments":       {"新增部门", nil, departmentJSON{}, departmentJSON{}},
	"PUT /api/v1/departments/{code}": {"修改部门" + updated, nil, departmentJSON{}, departmentJSON{}},

	"GET /api/v1/changes": {"操作记录（审计）", changeQuery, nil, listJSON[changeJSON]{}},

	"GET /api/v1/plans":             {"年度抽查计划列表（本部门及下级部门的，以及已发布的）", planQuery, nil, listJSON[planJSON]{}},
	"GET /api/v1/plans/{key}":       {"年度抽查计划（已发布的版本，否则最新草稿）及其任务编号", nil, nil, planJSON{}},
	"GET /api/v1/plans/{key}/check": {"年度抽查计划的合规检查", nil, nil, checkJSON{}},

	"GET /api/v1/tasks":        {"抽查任务列表（本部门作为发起或联合部门的任务；监督人员为全部）", taskQuery, nil, listJSON[taskJSON]{}},
	"GET /api/v1/tasks/{code}": {"抽查任务详情", nil, nil, taskJSON{}},
	"POST /api/v1/tasks":       {"新增抽查任务（草稿）", nil, taskJSON{}, taskJSON{}},
	"PUT /api/v1/tasks/{code}": {"修改草稿任务（已发布的任务不能修改，只能撤销）", nil, taskJSON{}, taskJSON{}},
	"POST /api/v1/tasks/{code}/publish": {"发布任务：抽查任务公告记入日志并在门户公示，此后可以抽取", nil,
		taskStepJSON{}, taskJSON{}},
	"POST /api/v1/tasks/{code}/cancel": {"撤销任务（草稿、已发布或已抽取时；须说明理由）", nil, taskStepJSON{}, taskJSON{}},
	"POST /api/v1/tasks/{code}/start":  {"开始检查（已抽取 → 检查中）", nil, taskStepJSON{}, taskJSON{}},
	"POST /api/v1/tasks/{code}/submit": {"提交审核（检查中 → 待审核）", nil, taskStepJSON{}, taskJSON{}},
	"POST /api/v1/tasks/{code}/publicize": {"审核公示检查结果（待审核 → 已公示；审核人员）", nil, taskStepJSON{},
		taskJSON{}},
	"POST /api/v1/tasks/{code}/follow-up": {"转入后续处置（已公示 → 后续处置）", nil, taskStepJSON{}, taskJSON{}},
	"POST /api/v1/tasks/{code}/close":     {"办结（已公示或后续处置 → 办结）", nil, taskStepJSON{}, taskJSON{}},
	"POST /api/v1/tasks/{task}/draws": {"为任务生成抽取方案并记入日志（重新抽取须给出 supersedes 和 reason）", nil,
		drawRequestJSON{}, drawJSON{}},

	"GET /api/v1/visits":               {"联合检查列表（本部门任务参与的合并建议与联合检查，新的在前，最多500条）", visitQuery, nil, listJSON[visitJSON]{}},
	"GET /api/v1/visits/{id}":          {"联合检查详情：参与任务、各部门事项与检查人员", nil, nil, visitJSON{}},
	"POST /api/v1/visits/{id}/accept":  {"牵头部门确认合并：一个检查日期、一份通知书", nil, visitDecisionJSON{}, visitJSON{}},
	"POST /api/v1/visits/{id}/decline": {"牵头部门确认不合并（须说明原因）", nil, visitDecisionJSON{}, visitJSON{}},

	"GET /api/v1/draws":      {"抽取列表（新的在前）", drawQuery, nil, listJSON[drawJSON]{}},
	"GET /api/v1/draws/{id}": {"抽取详情：方案、承诺与揭示、分层", nil, nil, drawJSON{}},
	"GET /api/v1/draws/{id}/picks": {"抽中与备选的检查对象及检查组", pageQuery, nil,
		listJSON[drawPickJSON]{}},
	"GET /api/v1/draws/{id}/changes": {"替补、更换和指派的申请与审批记录", pageQuery, nil,
		listJSON[drawChangeJSON]{}},
	"POST /api/v1/draws/{id}/commit": {"以令牌用户本人身份提交承诺值（在本机计算，秘密不提交）", nil,
		drawCommitmentJSON{}, drawJSON{}},
	"POST /api/v1/draws/{id}/reveal": {"以令牌用户本人身份揭示秘密（所有承诺记入日志后）", nil, drawRevealJSON{},
		drawJSON{}},
	"POST /api/v1/draws/{id}/withhold": {"记录参与人未揭示（抽取失败，只能重新抽取）", nil, drawWithholdJSON{},
		drawJSON{}},
	"POST /api/v1/draws/{id}/run": {"执行抽取（随机数与结果保密记入日志）", nil, drawRunJSON{}, drawJSON{}},
	"POST /api/v1/draws/{id}/changes": {"申请替补检查对象、更换检查人员或指派检查组", nil, drawChangeRequestJSON{},
		drawChangeJSON{}},
	"POST /api/v1/draws/{draw_id}/changes/{id}/decide": {"审批变更申请（申请人本人不能审批）", nil, drawDecisionJSON{},
		drawChangeJSON{}},
	"POST /api/v1/draws/{id}/embargo": {"解除保密，公开随机数与抽取结果", nil, drawEmbargoJSON{}, drawJSON{}},
}
