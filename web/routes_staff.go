package web

// staffRoutes are the pages of the staff workspace. The permission of each
// route is the only check a handler gets before the store, which checks
// the department of every record again.
func (s *Server) staffRoutes() []route {
	return []route{
		{"GET /staff/{$}", Staff, "", s.showHome, interactive},
		{"GET /staff/account", Staff, "", s.showAccount, interactive},
		{"POST /staff/account/password", Staff, "", s.changePassword, interactive},
		{"POST /staff/account/tokens", Staff, useAPI, s.createToken, interactive},
		{"POST /staff/account/tokens/{id}/revoke", Staff, "", s.revokeToken, interactive},
		{"POST /staff/account/tokens/revoke", Staff, "", s.revokeAllTokens, interactive},

		{"GET /staff/entities", Staff, viewDir, s.showEntities, interactive},
		{"GET /staff/entities/new", Staff, editDir, s.showEntityForm, interactive},
		{"POST /staff/entities", Staff, editDir, s.saveEntity, interactive},
		{"GET /staff/entities/{id}", Staff, viewDir, s.showEntity, interactive},
		{"GET /staff/entities/{id}/edit", Staff, editDir, s.showEntityForm, interactive},
		{"POST /staff/entities/{id}", Staff, editDir, s.saveEntity, interactive},
		{"POST /staff/entities/{id}/active", Staff, editDir, s.setEntityActive, interactive},

		// 执法检查人员 and 专家: one directory, two halves, the same handlers.
		{"GET /staff/inspectors", Staff, viewDir, s.showInspectors, interactive},
		{"GET /staff/inspectors/new", Staff, editDir, s.showInspectorForm, interactive},
		{"POST /staff/inspectors", Staff, editDir, s.saveInspector, interactive},
		{"GET /staff/inspectors/{id}", Staff, viewDir, s.showInspector, interactive},
		{"GET /staff/inspectors/{id}/edit", Staff, editDir, s.showInspectorForm, interactive},
		{"POST /staff/inspectors/{id}", Staff, editDir, s.saveInspector, interactive},
		{"POST /staff/inspectors/{id}/active", Staff, editDir, s.setInspectorActive, interactive},
		{"GET /staff/experts", Staff, viewDir, s.showInspectors, interactive},
		{"GET /staff/experts/new", Staff, editDir, s.showInspectorForm, interactive},
		{"POST /staff/experts", Staff, editDir, s.saveInspector, interactive},
		{"GET /staff/experts/{id}", Staff, viewDir, s.showInspector, interactive},
		{"GET /staff/experts/{id}/edit", Staff, editDir, s.showInspectorForm, interactive},
		{"POST /staff/experts/{id}", Staff, editDir, s.saveInspector, interactive},
		{"POST /staff/experts/{id}/active", Staff, editDir, s.setInspectorActive, interactive},

		{"GET /staff/agencies", Staff, viewDir, s.showAgencies, interactive},
		{"GET /staff/agencies/new", Staff, editDir, s.showAgencyForm, interactive},
		{"POST /staff/agencies", Staff, editDir, s.saveAgency, interactive},
		{"GET /staff/agencies/{code}", Staff, viewDir, s.showAgency, interactive},
		{"GET /staff/agencies/{code}/edit", Staff, editDir, s.showAgencyForm, interactive},
		{"POST /staff/agencies/{code}", Staff, editDir, s.saveAgency, interactive},
		{"POST /staff/agencies/{code}/active", Staff, editDir, s.setAgencyActive, interactive},

		{"GET /staff/conflicts", Staff, viewDir, s.showConflicts, interactive},
		{"POST /staff/conflicts", Staff, editDir, s.addConflict, interactive},
		{"POST /staff/conflicts/{staff}/{entity}/{kind}/review", Staff, editDir, s.reviewConflict, interactive},
		{"POST /staff/conflicts/{staff}/{entity}/{kind}/active", Staff, editDir, s.setConflictActive, interactive},

		{"GET /staff/items", Staff, viewLists, s.showItems, interactive},
		{"GET /staff/items/new", Staff, editLists, s.showItemForm, interactive},
		{"POST /staff/items", Staff, editLists, s.saveItem, interactive},
		{"GET /staff/items/{code}", Staff, viewLists, s.showItem, interactive},
		{"GET /staff/items/{code}/edit", Staff, editLists, s.showItemForm, interactive},
		{"POST /staff/items/{code}", Staff, editLists, s.saveItem, interactive},
		{"POST /staff/items/{code}/status", Staff, editLists, s.setItemStatus, interactive},

		{"GET /staff/responsibilities", Staff, viewLists, s.showResponsibilities, interactive},
		{"POST /staff/responsibilities", Staff, editLists, s.addResponsibility, interactive},
		{"POST /staff/responsibilities/{item}/{dept}/active", Staff, editLists, s.setResponsibilityActive, interactive},

		{"GET /staff/departments", Staff, viewDepts, s.showDepartments, interactive},
		{"GET /staff/departments/new", Staff, mngDepts, s.showDepartmentForm, interactive},
		{"POST /staff/departments", Staff, mngDepts, s.saveDepartment, interactive},
		{"GET /staff/departments/{code}", Staff, viewDepts, s.showDepartment, interactive},
		{"GET /staff/departments/{code}/edit", Staff, mngDepts, s.showDepartmentForm, interactive},
		{"POST /staff/departments/{code}", Staff, mngDepts, s.saveDepartment, interactive},
		{"POST /staff/departments/{code}/active", Staff, mngDepts, s.setDepartmentActive, interactive},

		{"GET /staff/users", Staff, mngUsers, s.showUsers, interactive},
		{"GET /staff/users/new", Staff, mngUsers, s.showUserForm, interactive},
		{"POST /staff/users", Staff, mngUsers, s.createUser, interactive},
		{"GET /staff/users/{username}", Staff, mngUsers, s.showUser, interactive},
		{"GET /staff/users/{username}/edit", Staff, mngUsers, s.showUserForm, interactive},
		{"POST /staff/users/{username}", Staff, mngUsers, s.updateUser, interactive},
		{"POST /staff/users/{username}/active", Staff, mngUsers, s.setUserActive, interactive},
		{"POST /staff/users/{username}/password", Staff, mngUsers, s.resetPassword, interactive},
		{"POST /staff/users/{username}/unlock", Staff, mngUsers, s.unlockUser, interactive},
		{"GET /staff/security", Staff, mngUsers, s.showSecurity, interactive},
		{"POST /staff/security", Staff, mngUsers, s.saveSecurity, interactive},

		{"GET /staff/audit", Staff, audit, s.showAudit, interactive},
		// Any signed-in user: the store admits the auditors and the
		// security admin (who handles lockouts) and refuses the others.
		{"GET /staff/audit/logins", Staff, "", s.showLoginAttempts, interactive},

		{"GET /staff/transfer/{kind}", Staff, "", s.showTransfer, interactive},
		{"POST /staff/transfer/{kind}", Staff, "", s.importFile, upload},
		{"GET /staff/transfer/{kind}/template/{file}", Staff, "", s.downloadTemplate, download},
		{"GET /staff/transfer/{kind}/export/{file}", Staff, "", s.exportFile, download},
	}
}
