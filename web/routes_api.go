package web

import (
	"net/http"

	"spotcheck"
)

// apiOp is one operation of the JSON API: its line of the route table and
// what the OpenAPI document says about it. Keeping both in one table means
// the document cannot describe a route that does not exist or miss one
// that does; the types of in and out are what the document's schemas are
// generated from.
type apiOp struct {
	pattern string
	perm    spotcheck.Permission // besides api.use, which every token needs
	handle  http.HandlerFunc
	summary string
	query   []apiParam // the query parameters taken; others are refused
	in      any        // request body: a zero value of its JSON type; nil for none
	out     any        // success response: a zero value of its JSON type
}

// apiRoutes are the JSON API under /api/v1 (the OpenAPI document itself
// is public, in publicRoutes).
func (s *Server) apiRoutes() []route {
	var out []route
	for _, op := range s.apiOps() {
		out = append(out, route{op.pattern, API, op.perm, s.strictQuery(op.query, op.handle), interactive})
	}
	return out
}

// apiOps is the table of API operations. Each kind has the operations of
// its staff pages, under the same permissions: list (filters as on the
// pages, paged), one record, create, and update with version.
func (s *Server) apiOps() []apiOp {
	type (
		entity  = entityJSON
		insp    = inspectorJSON
		agency  = agencyJSON
		item    = itemJSON
		resp    = responsibilityJSON
		confl   = conflictJSON
		dept    = departmentJSON
		changes = listJSON[changeJSON]
	)
	const updated = "（须带 version；未给出的字段保持原值）"
	return append([]apiOp{
		{"GET /api/v1/me", "", s.apiMe, "当前用户及其部门范围", nil, nil, meJSON{}},

		{"GET /api/v1/entities", viewDir, apiList(s, entityListParams, dirSvc.FindEntities, entityToJSON),
			"检查对象列表（限于本部门及下级部门）", entityQuery, nil, listJSON[entity]{}},
		{"GET /api/v1/entities/{id}", viewDir, apiEntities.get(s), "检查对象详情", nil, nil, entity{}},
		{"POST /api/v1/entities", editDir, apiEntities.create(s), "新增检查对象", nil, entity{}, entity{}},
		{"PUT /api/v1/entities/{id}", editDir, apiEntities.update(s), "修改检查对象" + updated, nil, entity{}, entity{}},

		{"GET /api/v1/inspectors", viewDir, apiList(s, apiInspectorFilter, dirSvc.FindInspectors, inspectorToJSON),
			"执法检查人员与专家列表", inspectorQuery, nil, listJSON[insp]{}},
		{"GET /api/v1/inspectors/{staff_id}", viewDir, apiInspectors.get(s), "执法检查人员或专家详情", nil, nil, insp{}},
		{"POST /api/v1/inspectors", editDir, apiInspectors.create(s), "新增执法检查人员或专家", nil, insp{}, insp{}},
		{"PUT /api/v1/inspectors/{staff_id}", editDir, apiInspectors.update(s), "修改执法检查人员或专家" + updated,
			nil, insp{}, insp{}},

		{"GET /api/v1/agencies", viewDir, apiList(s, apiAgencyFilter, dirSvc.FindAgencies, agencyToJSON),
			"专业机构列表", agencyQuery, nil, listJSON[agency]{}},
		{"GET /api/v1/agencies/{code}", viewDir, apiAgencies.get(s), "专业机构详情", nil, nil, agency{}},
		{"POST /api/v1/agencies", editDir, apiAgencies.create(s), "新增专业机构", nil, agency{}, agency{}},
		{"PUT /api/v1/agencies/{code}", editDir, apiAgencies.update(s), "修改专业机构" + updated, nil, agency{}, agency{}},

		{"GET /api/v1/conflicts", viewDir, apiList(s, apiConflictFilter, dirSvc.FindConflicts, conflictToJSON),
			"回避关系列表", conflictQuery, nil, listJSON[confl]{}},
		{"GET /api/v1/conflicts/{staff_id}/{entity_id}/{kind}", viewDir, apiConflicts.get(s), "回避关系详情",
			nil, nil, confl{}},
		{"POST /api/v1/conflicts", editDir, apiConflicts.create(s), "新增回避关系", nil, confl{}, confl{}},
		{"PUT /api/v1/conflicts/{staff_id}/{entity_id}/{kind}", editDir, apiConflicts.update(s),
			"修改回避关系（审核、停用等）" + updated, nil, confl{}, confl{}},

		{"GET /api/v1/items", viewLists, apiList(s, apiItemFilter, dirSvc.FindItems, itemToJSON),
			"抽查事项列表（各事项的当前版本）", itemQuery, nil, listJSON[item]{}},
		{"GET /api/v1/items/{code}", viewLists, apiItems.get(s), "抽查事项的当前版本", nil, nil, item{}},
		{"GET /api/v1/items/{code}/versions", viewLists, apiAll(s, apiFindItemVersions, itemToJSON),
			"抽查事项的全部版本（从旧到新）", pageQuery, nil, listJSON[item]{}},
		{"POST /api/v1/items", editLists, apiItems.create(s), "新增抽查事项", nil, item{}, item{}},
		{"PUT /api/v1/items/{code}", editLists, apiItems.update(s), "修改抽查事项，生成新版本" + updated,
			nil, item{}, item{}},

		{"GET /api/v1/responsibilities", viewLists,
			apiList(s, apiResponsibilityFilter, dirSvc.FindResponsibilities, responsibilityToJSON),
			"监管责任列表", responsibilityQuery, nil, listJSON[resp]{}},
		{"GET /api/v1/responsibilities/{item}/{dept}", viewLists, apiResponsibilities.get(s), "监管责任详情",
			nil, nil, resp{}},
		{"POST /api/v1/responsibilities", editLists, apiResponsibilities.create(s), "新增监管责任", nil, resp{}, resp{}},
		{"PUT /api/v1/responsibilities/{item}/{dept}", editLists, apiResponsibilities.update(s),
			"修改监管责任" + updated, nil, resp{}, resp{}},

		{"GET /api/v1/departments", viewDepts, apiAll(s, apiFindDepartments, departmentToJSON),
			"部门列表（整棵部门树）", pageQuery, nil, listJSON[dept]{}},
		{"GET /api/v1/departments/{code}", viewDepts, apiDepartments.get(s), "部门详情", nil, nil, dept{}},
		{"POST /api/v1/departments", mngDepts, apiDepartments.create(s), "新增部门", nil, dept{}, dept{}},
		{"PUT /api/v1/departments/{code}", mngDepts, apiDepartments.update(s), "修改部门" + updated,
			nil, dept{}, dept{}},

		{"GET /api/v1/changes", audit, apiList(s, apiChangeFilter, dirSvc.FindChanges, changeToJSON),
			"操作记录（审计）", changeQuery, nil, changes{}},
	}, s.drawAPIOps()...)
}
