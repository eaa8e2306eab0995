package view

import (
	"strings"

	"spotcheck"
)

// The forms of the directories and lists (web/staff). Each carries the
// version the form was made from (optimistic locking) and turns into the
// record the directory service saves; what the form does not show (a
// record's active flag, the key of a record being edited) the handler
// takes from the stored record.

// EntityForm is the create and edit form of an entity (检查对象).
type EntityForm struct {
	ID          string `form:"id"`
	Name        string `form:"name"`
	Type        string `form:"type"`
	Division    string `form:"division"`
	Address     string `form:"address"`
	LegalRep    string `form:"legal_rep"`
	LicenceNo   string `form:"licence_no"`
	GuideCardNo string `form:"guide_card_no"`
	Status      string `form:"status"`
	CreditClass string `form:"credit_class"`
	Key         bool   `form:"key"`
	KeyReason   string `form:"key_reason"`
	KeyExpiry   string `form:"key_expiry"`
	Tags        string `form:"tags"` // separated by 、 or commas (spotcheck.SplitList)
	Founded     string `form:"founded"`
	Phone       string `form:"phone"`
	Version     int    `form:"version" label:"版本号"`
}

// Entity is the entity of the form, active.
func (f *EntityForm) Entity() *spotcheck.Entity {
	return &spotcheck.Entity{ID: f.ID, Name: f.Name, Type: f.Type, Division: f.Division, Address: f.Address,
		LegalRep: f.LegalRep, LicenceNo: f.LicenceNo, GuideCardNo: f.GuideCardNo, Status: f.Status,
		CreditClass: f.CreditClass, Key: f.Key, KeyReason: f.KeyReason, KeyExpiry: f.KeyExpiry,
		Tags: spotcheck.SplitList(f.Tags), Founded: f.Founded, Phone: f.Phone, Active: true, Version: f.Version}
}

// InspectorForm is the form of a person of the inspector directory, of
// either half (执法检查人员 or 专家, which the path says).
type InspectorForm struct {
	StaffID     string `form:"staff_id"`
	Name        string `form:"name"`
	Dept        string `form:"dept"`
	CertNo      string `form:"cert_no"`
	CertExpiry  string `form:"cert_expiry"`
	Lead        bool   `form:"lead"`
	Field       string `form:"field"`
	Title       string `form:"title"`
	Employer    string `form:"employer"`
	Specialties string `form:"specialties"`
	Items       string `form:"items"` // 执法事项范围, item codes
	Phone       string `form:"phone"`
	// Leaves are typed one period per line (or separated as in files)
	// and read as files are (spotcheck.ParseLeaves).
	Leaves  string `form:"leaves"`
	Version int    `form:"version" label:"版本号"`
}

// Inspector is the person of the form, active, in the half expert says.
func (f *InspectorForm) Inspector(expert bool) *spotcheck.Inspector {
	leaves := strings.NewReplacer("\r\n", "；", "\n", "；").Replace(f.Leaves)
	return &spotcheck.Inspector{StaffID: f.StaffID, Name: f.Name, Dept: f.Dept, CertNo: f.CertNo,
		CertExpiry: f.CertExpiry, Lead: f.Lead, Expert: expert, Field: f.Field, Title: f.Title, Employer: f.Employer,
		Specialties: spotcheck.SplitList(f.Specialties), Items: spotcheck.SplitList(f.Items), Phone: f.Phone, Leaves: spotcheck.ParseLeaves(leaves),
		Active: true, Version: f.Version}
}

// AgencyForm is the form of a 专业机构.
type AgencyForm struct {
	Code          string `form:"code"`
	Name          string `form:"name"`
	Field         string `form:"field"`
	Qualification string `form:"qualification"`
	Contact       string `form:"contact"`
	Phone         string `form:"phone"`
	Version       int    `form:"version" label:"版本号"`
}

// Agency is the agency of the form, active.
func (f *AgencyForm) Agency() *spotcheck.Agency {
	return &spotcheck.Agency{Code: f.Code, Name: f.Name, Field: f.Field, Qualification: f.Qualification,
		Contact: f.Contact, Phone: f.Phone, Active: true, Version: f.Version}
}

// ItemForm is the form of a 抽查事项; saving it stores a new version.
type ItemForm struct {
	Code          string   `form:"code"`
	Name          string   `form:"name"`
	Parent        string   `form:"parent"`
	LegalBasis    string   `form:"legal_basis"`
	Body          string   `form:"body"`
	TargetTypes   []string `form:"target_types"`
	Content       string   `form:"content"`
	Standards     string   `form:"standards"`
	Methods       []string `form:"methods"`
	Ratio         string   `form:"ratio"`
	Frequency     int      `form:"frequency" label:"抽查频次"`
	Class         string   `form:"class"`
	EffectiveFrom string   `form:"effective_from"`
	EffectiveTo   string   `form:"effective_to"`
	Status        string   `form:"status"`
	Version       int      `form:"version" label:"版本号"`
}

// Item is the item of the form.
func (f *ItemForm) Item() *spotcheck.Item {
	return &spotcheck.Item{Code: f.Code, Name: f.Name, Parent: f.Parent, LegalBasis: f.LegalBasis, Body: f.Body,
		TargetTypes: f.TargetTypes, Content: f.Content, Standards: f.Standards, Methods: f.Methods, Ratio: f.Ratio,
		Frequency: f.Frequency, Class: f.Class, EffectiveFrom: f.EffectiveFrom, EffectiveTo: f.EffectiveTo,
		Status: f.Status, Version: f.Version}
}

// ResponsibilityForm adds a responsibility from the list page.
type ResponsibilityForm struct {
	Item string `form:"item"`
	Dept string `form:"dept"`
	Role string `form:"role"`
	Note string `form:"note"`
}

// Responsibility is the responsibility of the form, active.
func (f *ResponsibilityForm) Responsibility() *spotcheck.Responsibility {
	return &spotcheck.Responsibility{Item: f.Item, Dept: f.Dept, Role: f.Role, Note: f.Note, Active: true}
}

// ConflictForm adds a conflict (回避关系) from the list page.
type ConflictForm struct {
	StaffID  string `form:"staff_id"`
	EntityID string `form:"entity_id"`
	Kind     string `form:"kind"`
	Reason   string `form:"reason"`
	From     string `form:"from"`
	To       string `form:"to"`
}

// Conflict is the conflict of the form, active.
func (f *ConflictForm) Conflict() *spotcheck.Conflict {
	return &spotcheck.Conflict{StaffID: f.StaffID, EntityID: f.EntityID, Kind: f.Kind, Reason: f.Reason,
		From: f.From, To: f.To, Active: true}
}

// DepartmentForm is the form of a department.
type DepartmentForm struct {
	Code     string `form:"code"`
	Name     string `form:"name"`
	Parent   string `form:"parent"`
	Division string `form:"division"`
	Kind     string `form:"kind"`
	Version  int    `form:"version" label:"版本号"`
}

// Department is the department of the form, active.
func (f *DepartmentForm) Department() *spotcheck.Department {
	return &spotcheck.Department{Code: f.Code, Name: f.Name, Parent: f.Parent, Division: f.Division, Kind: f.Kind,
		Active: true, Version: f.Version}
}

// StateForm is the form of the buttons that change one flag of a record at
// the version it was shown at: 停用/恢复启用 (active=0 or 1), an item's
// 启用/停用 (status), a conflict request's 通过/驳回 (review); next is the
// page to return to.
type StateForm struct {
	Active  bool   `form:"active"`
	Status  string `form:"status"`
	Review  string `form:"review"`
	Next    string `form:"next"`
	Version int    `form:"version" label:"版本号"`
}
