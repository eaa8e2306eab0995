package api

import (
	"net/http"

	"spotcheck/web/internal/view"
)

// The handlers of the directories and lists, one per route: each kind's
// list, record, create and update, through the generic handlers of api.go.

// Me serves the user of the token.
func (h *Handler) Me(w http.ResponseWriter, r *http.Request) { h.me(w, r) }

func (h *Handler) ListEntities(w http.ResponseWriter, r *http.Request) {
	apiList(h, view.EntityFilter, dirSvc.FindEntities, entityToJSON)(w, r)
}
func (h *Handler) GetEntity(w http.ResponseWriter, r *http.Request)    { apiEntities.get(h)(w, r) }
func (h *Handler) CreateEntity(w http.ResponseWriter, r *http.Request) { apiEntities.create(h)(w, r) }
func (h *Handler) UpdateEntity(w http.ResponseWriter, r *http.Request) { apiEntities.update(h)(w, r) }

func (h *Handler) ListInspectors(w http.ResponseWriter, r *http.Request) {
	apiList(h, view.InspectorFilter, dirSvc.FindInspectors, inspectorToJSON)(w, r)
}
func (h *Handler) GetInspector(w http.ResponseWriter, r *http.Request) { apiInspectors.get(h)(w, r) }
func (h *Handler) CreateInspector(w http.ResponseWriter, r *http.Request) {
	apiInspectors.create(h)(w, r)
}
func (h *Handler) UpdateInspector(w http.ResponseWriter, r *http.Request) {
	apiInspectors.update(h)(w, r)
}

func (h *Handler) ListAgencies(w http.ResponseWriter, r *http.Request) {
	apiList(h, view.AgencyFilter, dirSvc.FindAgencies, agencyToJSON)(w, r)
}
func (h *Handler) GetAgency(w http.ResponseWriter, r *http.Request)    { apiAgencies.get(h)(w, r) }
func (h *Handler) CreateAgency(w http.ResponseWriter, r *http.Request) { apiAgencies.create(h)(w, r) }
func (h *Handler) UpdateAgency(w http.ResponseWriter, r *http.Request) { apiAgencies.update(h)(w, r) }

func (h *Handler) ListConflicts(w http.ResponseWriter, r *http.Request) {
	apiList(h, view.ConflictFilter, dirSvc.FindConflicts, conflictToJSON)(w, r)
}
func (h *Handler) GetConflict(w http.ResponseWriter, r *http.Request) { apiConflicts.get(h)(w, r) }
func (h *Handler) CreateConflict(w http.ResponseWriter, r *http.Request) {
	apiConflicts.create(h)(w, r)
}
func (h *Handler) UpdateConflict(w http.ResponseWriter, r *http.Request) {
	apiConflicts.update(h)(w, r)
}

func (h *Handler) ListItems(w http.ResponseWriter, r *http.Request) {
	apiList(h, view.ItemFilter, dirSvc.FindItems, itemToJSON)(w, r)
}
func (h *Handler) GetItem(w http.ResponseWriter, r *http.Request) { apiItems.get(h)(w, r) }
func (h *Handler) ListItemVersions(w http.ResponseWriter, r *http.Request) {
	apiAll(h, apiFindItemVersions, itemToJSON)(w, r)
}
func (h *Handler) CreateItem(w http.ResponseWriter, r *http.Request) { apiItems.create(h)(w, r) }
func (h *Handler) UpdateItem(w http.ResponseWriter, r *http.Request) { apiItems.update(h)(w, r) }

func (h *Handler) ListResponsibilities(w http.ResponseWriter, r *http.Request) {
	apiList(h, view.ResponsibilityFilter, dirSvc.FindResponsibilities, responsibilityToJSON)(w, r)
}
func (h *Handler) GetResponsibility(w http.ResponseWriter, r *http.Request) {
	apiResponsibilities.get(h)(w, r)
}
func (h *Handler) CreateResponsibility(w http.ResponseWriter, r *http.Request) {
	apiResponsibilities.create(h)(w, r)
}
func (h *Handler) UpdateResponsibility(w http.ResponseWriter, r *http.Request) {
	apiResponsibilities.update(h)(w, r)
}

func (h *Handler) ListDepartments(w http.ResponseWriter, r *http.Request) {
	apiAll(h, apiFindDepartments, departmentToJSON)(w, r)
}
func (h *Handler) GetDepartment(w http.ResponseWriter, r *http.Request) { apiDepartments.get(h)(w, r) }
func (h *Handler) CreateDepartment(w http.ResponseWriter, r *http.Request) {
	apiDepartments.create(h)(w, r)
}
func (h *Handler) UpdateDepartment(w http.ResponseWriter, r *http.Request) {
	apiDepartments.update(h)(w, r)
}

// ListChanges serves the audit trail.
func (h *Handler) ListChanges(w http.ResponseWriter, r *http.Request) {
	apiList(h, view.ChangeFilter, dirSvc.FindChanges, changeToJSON)(w, r)
}
