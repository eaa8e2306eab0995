package staff

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strconv"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The 现场检查笔录 (issue 11, item 3): the print view of an inspection's
// record (A4 on paper, one column on a phone), with a signature line for
// each inspector and one for the entity's representative, who may sign on
// the inspector's phone instead (signature.go). A joint visit's combined
// record (联合总表) prints each department's part the same way, one after
// the other, under the visit's heading. Both are read views: the store
// decides who sees them (InspectionService, SignatureService).

// recordSheet is one inspection's part of a printed record.
type recordSheet struct {
	In         *spotcheck.Inspection
	EntityName string
	Task       *spotcheck.Task // nil: shown by its code
	Methods    []string
	Results    []string
	Findings   []recordFinding
	Team       []teamMember
	Signatures []spotcheck.Signature
	Latest     *spotcheck.Signature // the newest signature or refusal, nil for none
}

// recordPart is one part of a printed record (templates/_record.html):
// the only one of an inspection's record, or one department's of a joint
// visit's 联合总表.
type recordPart struct {
	spotcheck.VisitRecordPart
	Sheet *recordSheet // nil: the department's inspection is not made yet
}

// recordFinding is one line of the checklist as printed.
type recordFinding struct {
	Item, Outcome, Basis, Description, Remark string
}

// sheetOf builds the printed part of in, with its signatures.
func sheetOf(ctx context.Context, tasks *taskCache, cat spotcheck.ResultCatalogue, in *spotcheck.Inspection, sigs []spotcheck.Signature) recordSheet {
	sh := recordSheet{In: in, EntityName: cmp.Or(in.EntityName, in.Entity), Task: tasks.get(ctx, in.Task),
		Methods: methodNames(in.Methods), Results: resultNames(in.Results, cat), Signatures: sigs,
		Latest: spotcheck.Latest(sigs)}
	for _, it := range in.Items {
		f := recordFinding{Item: it}
		for _, x := range in.Findings {
			if x.Item == it {
				f.Outcome, f.Basis, f.Description, f.Remark = spotcheck.FindingNames[x.Outcome], x.Basis, x.Description, x.Remark
			}
		}
		sh.Findings = append(sh.Findings, f)
	}
	for _, sid := range in.Team {
		sh.Team = append(sh.Team, teamMember{StaffID: sid, Name: cmp.Or(in.Names[sid], sid), CertNo: in.CertNos[sid],
			Confirmed: in.Confirmed(sid)})
	}
	return sh
}

// ShowRecord shows the 现场检查笔录 of the inspection of the path to those
// who may see the inspection, with the signature pad for a team member
// while the representative may still sign.
func (s *Handler) ShowRecord(w http.ResponseWriter, r *http.Request) {
	in := s.loadInspection(w, r)
	if in == nil {
		return
	}
	s.renderRecord(w, r, http.StatusOK, in, nil, nil, "")
}

// renderRecord writes the record's page; form holds what was typed into
// the signature or refusal form (nil: nothing yet), ps its problems and
// msg the reason a signature was refused.
func (s *Handler) renderRecord(w http.ResponseWriter, r *http.Request, status int, in *spotcheck.Inspection,
	form url.Values, ps spotcheck.Problems, msg string) {
	ctx := r.Context()
	cat, err := s.svc.Inspections.ResultCatalogue(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sigs, err := s.svc.Signatures.FindSignatures(ctx, in.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tasks := &taskCache{svc: s.svc.Tasks, seen: map[string]*spotcheck.Task{}}
	sh := sheetOf(ctx, tasks, cat, in, sigs)
	p := view.StaffUser(r)
	data := map[string]any{"Parts": []recordPart{{Sheet: &sh}}, "In": in, "Message": msg, "Digest": in.RecordDigest(),
		"Roles": spotcheck.SignerRoles, "SignF": url.Values{}, "RefuseF": url.Values{},
		"SignErr": map[string]string{}, "RefuseErr": map[string]string{}}
	if form != nil {
		// The form that was posted gets back what was typed and its
		// problems; the other stays empty.
		k := "Sign"
		if form.Get("refused") == "1" {
			k = "Refuse"
		}
		data[k+"F"], data[k+"Err"] = form, view.FieldErrors(ps)
		data["Refusing"] = k == "Refuse"
	}
	// A team member sees why the representative cannot sign now (the
	// record is incomplete, or already submitted); others see no pad.
	if in.Member(p) != "" {
		if err := in.CanSign(p); err != nil {
			data["SignBlocked"] = spotcheck.ErrorMessage(err)
		} else {
			data["CanSign"] = true
		}
	}
	s.renderTitled(w, r, status, "record", "现场检查笔录 · "+sh.EntityName, data)
}

// ShowVisitRecord shows the combined record (联合总表) of the joint visit
// of the path: the visit's heading, then each department's part with its
// own signature lines, then the entity's line for the whole.
func (s *Handler) ShowVisitRecord(w http.ResponseWriter, r *http.Request) {
	rec := s.loadVisitRecord(w, r)
	if rec == nil {
		return
	}
	ctx := r.Context()
	cat, err := s.svc.Inspections.ResultCatalogue(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tasks := &taskCache{svc: s.svc.Tasks, seen: map[string]*spotcheck.Task{}}
	var parts []recordPart
	for _, p := range rec.Parts {
		x := recordPart{VisitRecordPart: p}
		if p.Inspection != nil {
			sh := sheetOf(ctx, tasks, cat, p.Inspection, p.Signatures)
			x.Sheet = &sh
		}
		parts = append(parts, x)
	}
	v := &rec.Visit
	s.renderTitled(w, r, http.StatusOK, "visit_record", "联合总表 · "+v.Name(v.Entity), map[string]any{
		"V": v, "Parts": parts, "Unsigned": rec.Unsigned(), "StateNames": spotcheck.VisitStateNames,
	})
}

// ShowVisitSignature serves a representative's signature as the 联合总表
// shows it: to whoever may read the combined record (the store decides),
// and only a signature of it. A department's staff read the other
// departments' parts there, though not their inspections, whose evidence
// is served through the inspection (ShowEvidence).
func (s *Handler) ShowVisitSignature(w http.ResponseWriter, r *http.Request) {
	rec := s.loadVisitRecord(w, r)
	if rec == nil {
		return
	}
	sha := r.PathValue("sha")
	found := false
	for _, p := range rec.Parts {
		for _, sig := range p.Signatures {
			found = found || (!sig.Refused && sig.SHA256 == sha)
		}
	}
	if !found {
		s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "联合检查 #%d 没有这份签字", rec.Visit.ID))
		return
	}
	att, data, err := s.svc.Attachments.ReadAttachment(r.Context(), sha)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendAttachment(w, r, att.Type, att.Name, data)
}

// loadVisitRecord reads the combined record of the visit of the path, or
// answers the request and returns nil.
func (s *Handler) loadVisitRecord(w http.ResponseWriter, r *http.Request) *spotcheck.VisitRecord {
	if err := mayReadInspections(view.StaffUser(r)); err != nil {
		s.fail(w, r, err)
		return nil
	}
	id, err := visitID(r)
	if err != nil {
		s.fail(w, r, err)
		return nil
	}
	rec, err := s.svc.Signatures.FindVisitRecord(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return nil
	}
	return rec
}

// recordPath is the path of inspection id's record.
func recordPath(id int64) string {
	return "/staff/inspections/" + strconv.FormatInt(id, 10) + "/record"
}
