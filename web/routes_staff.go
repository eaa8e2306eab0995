package web

// staffRoutes are the pages of the staff workspace. The permission of each
// route is the only check a handler gets before the store, which checks
// the department of every record again.
func (s *Server) staffRoutes() []route {
	return []route{
		{"GET /staff/{$}", Staff, "", s.showHome},
		{"GET /staff/account", Staff, "", s.showAccount},
		{"POST /staff/account/password", Staff, "", s.changePassword},
		{"POST /staff/account/tokens", Staff, useAPI, s.createToken},
		{"POST /staff/account/tokens/{id}/revoke", Staff, "", s.revokeToken},
		{"POST /staff/account/tokens/revoke", Staff, "", s.revokeAllTokens},

		{"GET /staff/entities", Staff, viewDir, s.showEntities},
		{"GET /staff/entities/new", Staff, editDir, s.showEntityForm},
		{"POST /staff/entities", Staff, editDir, s.saveEntity},
		{"GET /staff/entities/{id}", Staff, viewDir, s.showEntity},
		{"GET /staff/entities/{id}/edit", Staff, editDir, s.showEntityForm},
		{"POST /staff/entities/{id}", Staff, editDir, s.saveEntity},
		{"POST /staff/entities/{id}/active", Staff, editDir, s.setEntityActive},

		// 执法检查人员 and 专家: one directory, two halves, the same handlers.
		{"GET /staff/inspectors", Staff, viewDir, s.showInspectors},
		{"GET /staff/inspectors/new", Staff, editDir, s.showInspectorForm},
		{"POST /staff/inspectors", Staff, editDir, s.saveInspector},
		{"GET /staff/inspectors/{id}", Staff, viewDir, s.showInspector},
		{"GET /staff/inspectors/{id}/edit", Staff, editDir, s.showInspectorForm},
		{"POST /staff/inspectors/{id}", Staff, editDir, s.saveInspector},
		{"POST /staff/inspectors/{id}/active", Staff, editDir, s.setInspectorActive},
		{"GET /staff/experts", Staff, viewDir, s.showInspectors},
		{"GET /staff/experts/new", Staff, editDir, s.showInspectorForm},
		{"POST /staff/experts", Staff, editDir, s.saveInspector},
		{"GET /staff/experts/{id}", Staff, viewDir, s.showInspector},
		{"GET /staff/experts/{id}/edit", Staff, editDir, s.showInspectorForm},
		{"POST /staff/experts/{id}", Staff, editDir, s.saveInspector},
		{"POST /staff/experts/{id}/active", Staff, editDir, s.setInspectorActive},

		{"GET /staff/agencies", Staff, viewDir, s.showAgencies},
		{"GET /staff/agencies/new", Staff, editDir, s.showAgencyForm},
		{"POST /staff/agencies", Staff, editDir, s.saveAgency},
		{"GET /staff/agencies/{code}", Staff, viewDir, s.showAgency},
		{"GET /staff/agencies/{code}/edit", Staff, editDir, s.showAgencyForm},
		{"POST /staff/agencies/{code}", Staff, editDir, s.saveAgency},
		{"POST /staff/agencies/{code}/active", Staff, editDir, s.setAgencyActive},

		{"GET /staff/conflicts", Staff, viewDir, s.showConflicts},
		{"POST /staff/conflicts", Staff, editDir, s.addConflict},
		{"POST /staff/conflicts/{staff}/{entity}/{kind}/review", Staff, editDir, s.reviewConflict},
		{"POST /staff/conflicts/{staff}/{entity}/{kind}/active", Staff, editDir, s.setConflictActive},

		{"GET /staff/items", Staff, viewLists, s.showItems},
		{"GET /staff/items/new", Staff, editLists, s.showItemForm},
		{"POST /staff/items", Staff, editLists, s.saveItem},
		{"GET /staff/items/{code}", Staff, viewLists, s.showItem},
		{"GET /staff/items/{code}/edit", Staff, editLists, s.showItemForm},
		{"POST /staff/items/{code}", Staff, editLists, s.saveItem},
		{"POST /staff/items/{code}/status", Staff, editLists, s.setItemStatus},

		{"GET /staff/responsibilities", Staff, viewLists, s.showResponsibilities},
		{"POST /staff/responsibilities", Staff, editLists, s.addResponsibility},
		{"POST /staff/responsibilities/{item}/{dept}/active", Staff, editLists, s.setResponsibilityActive},

		{"GET /staff/departments", Staff, viewDepts, s.showDepartments},
		{"GET /staff/departments/new", Staff, mngDepts, s.showDepartmentForm},
		{"POST /staff/departments", Staff, mngDepts, s.saveDepartment},
		{"GET /staff/departments/{code}", Staff, viewDepts, s.showDepartment},
		{"GET /staff/departments/{code}/edit", Staff, mngDepts, s.showDepartmentForm},
		{"POST /staff/departments/{code}", Staff, mngDepts, s.saveDepartment},
		{"POST /staff/departments/{code}/active", Staff, mngDepts, s.setDepartmentActive},

		{"GET /staff/users", Staff, mngUsers, s.showUsers},
		{"GET /staff/users/new", Staff, mngUsers, s.showUserForm},
		{"POST /staff/users", Staff, mngUsers, s.createUser},
		{"GET /staff/users/{username}", Staff, mngUsers, s.showUser},
		{"GET /staff/users/{username}/edit", Staff, mngUsers, s.showUserForm},
		{"POST /staff/users/{username}", Staff, mngUsers, s.updateUser},
		{"POST /staff/users/{username}/active", Staff, mngUsers, s.setUserActive},
		{"POST /staff/users/{username}/password", Staff, mngUsers, s.resetPassword},
		{"POST /staff/users/{username}/unlock", Staff, mngUsers, s.unlockUser},
		{"GET /staff/security", Staff, mngUsers, s.showSecurity},
		{"POST /staff/security", Staff, mngUsers, s.saveSecurity},

		{"GET /staff/audit", Staff, audit, s.showAudit},
		// Any signed-in user: the store admits the auditors and the
		// security admin (who handles lockouts) and refuses the others.
		{"GET /staff/audit/logins", Staff, "", s.showLoginAttempts},

		{"GET /staff/transfer/{kind}", Staff, "", s.showTransfer},
		{"POST /staff/transfer/{kind}", Staff, "", s.importFile},
		{"GET /staff/transfer/{kind}/template/{file}", Staff, "", s.downloadTemplate},
		{"GET /staff/transfer/{kind}/export/{file}", Staff, "", s.exportFile},
	}
}
