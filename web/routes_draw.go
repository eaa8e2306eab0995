package web

// drawRoutes are the pages of tasks and draws (design §5, spec/draw-v1.md):
// the staff workspace's 计划任务 and 随机抽取, and the public draw pages
// with their bundles. As everywhere, the route's permission is the first
// check; the store checks every task's and draw's departments again, and
// the handlers refuse a draw page to staff outside its departments.
//
// Who does what (design §1): planners (draws.manage) create tasks, plan
// and run draws and request changes; supervisors (draws.witness) commit
// and reveal as themselves, approve changes, see every draw and lift the
// embargo (draws.supervise); approvers (draws.approve) decide changes.
func (s *Server) drawRoutes() []route {
	return []route{
		{"GET /staff/tasks", Staff, viewDraws, s.showTasks, interactive},
		{"GET /staff/tasks/new", Staff, mngDraws, s.showTaskForm, interactive},
		{"POST /staff/tasks", Staff, mngDraws, s.saveTask, interactive},
		{"GET /staff/tasks/{code}", Staff, viewDraws, s.showTask, interactive},
		{"GET /staff/tasks/{code}/draws/new", Staff, mngDraws, s.showDrawForm, interactive},
		{"POST /staff/tasks/{code}/draws", Staff, mngDraws, s.planDraw, interactive},

		{"GET /staff/draws", Staff, viewDraws, s.showDraws, interactive},
		{"GET /staff/draws/{id}", Staff, viewDraws, s.showDraw, interactive},
		{"GET /staff/draws/{id}/bundle.zip", Staff, viewDraws, s.staffDrawBundle, download},
		{"POST /staff/draws/{id}/commit", Staff, witness, s.commitDraw, interactive},
		{"POST /staff/draws/{id}/reveal", Staff, witness, s.revealDraw, interactive},
		{"POST /staff/draws/{id}/withhold", Staff, mngDraws, s.withholdReveal, interactive},
		{"POST /staff/draws/{id}/run", Staff, mngDraws, s.runDraw, interactive},
		{"POST /staff/draws/{id}/changes", Staff, mngDraws, s.requestDrawChange, interactive},
		{"POST /staff/draws/{id}/changes/{change}/decide", Staff, approve, s.decideDrawChange, interactive},
		{"POST /staff/draws/{id}/embargo", Staff, supervise, s.liftEmbargo, interactive},

		// The public portal: every plan and its commitments at once, the
		// result after the embargo; the bundle as spec §9 lets the public
		// see it (staff download theirs from the staff route).
		{"GET /draws", Public, "", s.showPublicDraws, interactive},
		{"GET /draws/{id}", Public, "", s.showPublicDraw, interactive},
		{"GET /draws/{id}/bundle.zip", Public, "", s.publicDrawBundle, download},
	}
}

// drawAPIOps are the API operations of tasks and draws, under the same
// permissions as the pages; apiOps appends them.
func (s *Server) drawAPIOps() []apiOp {
	type (
		task   = taskJSON
		drw    = drawJSON
		change = drawChangeJSON
	)
	return []apiOp{
		{"GET /api/v1/tasks", viewDraws, s.apiTasks, "抽查任务列表（本部门作为发起或联合部门的任务；监督人员为全部）",
			taskQuery, nil, listJSON[task]{}},
		{"GET /api/v1/tasks/{code}", viewDraws, s.apiTask, "抽查任务详情", nil, nil, task{}},
		{"POST /api/v1/tasks", mngDraws, s.apiCreateTask, "新增抽查任务", nil, task{}, task{}},
		{"POST /api/v1/tasks/{task}/draws", mngDraws, s.apiPlanDraw,
			"为任务生成抽取方案并记入日志（重新抽取须给出 supersedes 和 reason）", nil, drawRequestJSON{}, drw{}},

		{"GET /api/v1/draws", viewDraws, s.apiDraws, "抽取列表（新的在前）", drawQuery, nil, listJSON[drw]{}},
		{"GET /api/v1/draws/{id}", viewDraws, s.apiDraw, "抽取详情：方案、承诺与揭示、分层", nil, nil, drw{}},
		{"GET /api/v1/draws/{id}/picks", viewDraws, s.apiDrawPicks, "抽中与备选的检查对象及检查组", pageQuery, nil,
			listJSON[drawPickJSON]{}},
		{"GET /api/v1/draws/{id}/changes", viewDraws, s.apiDrawChanges, "替补、更换和指派的申请与审批记录", pageQuery, nil,
			listJSON[change]{}},
		{"POST /api/v1/draws/{id}/commit", witness, s.apiCommitDraw,
			"以令牌用户本人身份提交承诺值（在本机计算，秘密不提交）", nil, drawCommitmentJSON{}, drw{}},
		{"POST /api/v1/draws/{id}/reveal", witness, s.apiRevealDraw,
			"以令牌用户本人身份揭示秘密（所有承诺记入日志后）", nil, drawRevealJSON{}, drw{}},
		{"POST /api/v1/draws/{id}/withhold", mngDraws, s.apiWithholdReveal,
			"记录参与人未揭示（抽取失败，只能重新抽取）", nil, drawWithholdJSON{}, drw{}},
		{"POST /api/v1/draws/{id}/run", mngDraws, s.apiRunDraw, "执行抽取（随机数与结果保密记入日志）", nil, drawRunJSON{}, drw{}},
		{"POST /api/v1/draws/{id}/changes", mngDraws, s.apiRequestDrawChange, "申请替补检查对象、更换检查人员或指派检查组",
			nil, drawChangeRequestJSON{}, change{}},
		{"POST /api/v1/draws/{draw_id}/changes/{id}/decide", approve, s.apiDecideDrawChange,
			"审批变更申请（申请人本人不能审批）", nil, drawDecisionJSON{}, change{}},
		{"POST /api/v1/draws/{id}/embargo", supervise, s.apiLiftEmbargo, "解除保密，公开随机数与抽取结果", nil,
			drawEmbargoJSON{}, drw{}},
	}
}
