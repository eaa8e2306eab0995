package api

import (
	"net/http"

	"spotcheck/web/internal/view"
)

// The handlers of the directories and lists, one per route: each kind's
// list, record, create and update, through the generic handlers of api.go.

// Me serves the user of the token.
func (s *Handler) Me(w http.ResponseWriter, r *http.Request) { s.me(w, r) }

func (s *Handler) ListEntities(w http.ResponseWriter, r *http.Request) {
	apiList(s, view.EntityFilter, s.svc.Entities.FindEntities, entityToJSON)(w, r)
}
func (s *Handler) GetEntity(w http.ResponseWriter, r *http.Request)    { apiEntities.get(s)(w, r) }
func (s *Handler) CreateEntity(w http.ResponseWriter, r *http.Request) { apiEntities.create(s)(w, r) }
func (s *Handler) UpdateEntity(w http.ResponseWriter, r *http.Request) { apiEntities.update(s)(w, r) }

func (s *Handler) ListInspectors(w http.ResponseWriter, r *http.Request) {
	apiList(s, view.InspectorFilter, s.svc.Inspectors.FindInspectors, inspectorToJSON)(w, r)
}
func (s *Handler) GetInspector(w http.ResponseWriter, r *http.Request) { apiInspectors.get(s)(w, r) }
func (s *Handler) CreateInspector(w http.ResponseWriter, r *http.Request) {
	apiInspectors.create(s)(w, r)
}
func (s *Handler) UpdateInspector(w http.ResponseWriter, r *http.Request) {
	apiInspectors.update(s)(w, r)
}

func (s *Handler) ListAgencies(w http.ResponseWriter, r *http.Request) {
	apiList(s, view.AgencyFilter, s.svc.Agencies.FindAgencies, agencyToJSON)(w, r)
}
func (s *Handler) GetAgency(w http.ResponseWriter, r *http.Request)    { apiAgencies.get(s)(w, r) }
func (s *Handler) CreateAgency(w http.ResponseWriter, r *http.Request) { apiAgencies.create(s)(w, r) }
func (s *Handler) UpdateAgency(w http.ResponseWriter, r *http.Request) { apiAgencies.update(s)(w, r) }

func (s *Handler) ListConflicts(w http.ResponseWriter, r *http.Request) {
	apiList(s, view.ConflictFilter, s.svc.Conflicts.FindConflicts, conflictToJSON)(w, r)
}
func (s *Handler) GetConflict(w http.ResponseWriter, r *http.Request) { apiConflicts.get(s)(w, r) }
func (s *Handler) CreateConflict(w http.ResponseWriter, r *http.Request) {
	apiConflicts.create(s)(w, r)
}
func (s *Handler) UpdateConflict(w http.ResponseWriter, r *http.Request) {
	apiConflicts.update(s)(w, r)
}

func (s *Handler) ListItems(w http.ResponseWriter, r *http.Request) {
	apiList(s, view.ItemFilter, s.svc.Items.FindItems, itemToJSON)(w, r)
}
func (s *Handler) GetItem(w http.ResponseWriter, r *http.Request) { apiItems.get(s)(w, r) }
func (s *Handler) ListItemVersions(w http.ResponseWriter, r *http.Request) {
	apiAll(s, apiFindItemVersions, itemToJSON)(w, r)
}
func (s *Handler) CreateItem(w http.ResponseWriter, r *http.Request) { apiItems.create(s)(w, r) }
func (s *Handler) UpdateItem(w http.ResponseWriter, r *http.Request) { apiItems.update(s)(w, r) }

func (s *Handler) ListResponsibilities(w http.ResponseWriter, r *http.Request) {
	apiList(s, view.ResponsibilityFilter, s.svc.Responsibilities.FindResponsibilities, responsibilityToJSON)(w, r)
}
func (s *Handler) GetResponsibility(w http.ResponseWriter, r *http.Request) {
	apiResponsibilities.get(s)(w, r)
}
func (s *Handler) CreateResponsibility(w http.ResponseWriter, r *http.Request) {
	apiResponsibilities.create(s)(w, r)
}
func (s *Handler) UpdateResponsibility(w http.ResponseWriter, r *http.Request) {
	apiResponsibilities.update(s)(w, r)
}

func (s *Handler) ListDepartments(w http.ResponseWriter, r *http.Request) {
	apiAll(s, apiFindDepartments, departmentToJSON)(w, r)
}
func (s *Handler) GetDepartment(w http.ResponseWriter, r *http.Request) { apiDepartments.get(s)(w, r) }
func (s *Handler) CreateDepartment(w http.ResponseWriter, r *http.Request) {
	apiDepartments.create(s)(w, r)
}
func (s *Handler) UpdateDepartment(w http.ResponseWriter, r *http.Request) {
	apiDepartments.update(s)(w, r)
}

// ListChanges serves the audit trail.
func (s *Handler) ListChanges(w http.ResponseWriter, r *http.Request) {
	apiList(s, view.ChangeFilter, s.svc.Changes.FindChanges, changeToJSON)(w, r)
}
