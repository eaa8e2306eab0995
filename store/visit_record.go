package store

import (
	"context"
	"slices"

	"spotcheck"
)

// The combined record of a joint visit (联合总表): the visit, and for each
// of its parts the inspection the part's draw made of the visited entity,
// linked to the visit when it was accepted (linkVisitInspections), with
// its signatures.

// FindVisitRecord returns the combined record of a joint visit.
func (sv *SignatureService) FindVisitRecord(ctx context.Context, id int64) (_ *spotcheck.VisitRecord, err error) {
	defer wrap(&err, "find visit record", id)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	v, err := loadVisit(ctx, sv.db.read, id)
	if err != nil {
		return nil, err
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT `+inspectionCols+` FROM inspections i
		JOIN inspection_revisions r ON r.inspection_id = i.id AND r.revision = i.revision
		WHERE i.visit_id = $1 ORDER BY i.id`, id)
	if err != nil {
		return nil, err
	}
	var ins []*spotcheck.Inspection
	for rows.Next() {
		in, err := scanInspection(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		ins = append(ins, in)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !p.IsSystem() && p.AuthorizeDraw(spotcheck.PermViewDraws, v.Departments()) != nil &&
		!slices.ContainsFunc(ins, func(in *spotcheck.Inspection) bool { return in.Member(p) != "" }) {
		if !p.Has(spotcheck.PermViewDraws) && !p.Has(spotcheck.PermRecordInspections) && !p.Has(spotcheck.PermApproveResults) {
			return nil, p.Authorize(spotcheck.PermViewDraws, "")
		}
		return nil, spotcheck.NoVisit(id)
	}
	if err := nameVisits(ctx, sv.db.read, []*visitRow{v}); err != nil {
		return nil, err
	}
	if err := nameInspections(ctx, sv.db.read, ins); err != nil {
		return nil, err
	}
	sigs, err := signaturesOf(ctx, sv.db.read, ins)
	if err != nil {
		return nil, err
	}
	rec := &spotcheck.VisitRecord{Visit: v.Visit}
	for _, part := range v.Parts {
		rp := spotcheck.VisitRecordPart{VisitPart: part}
		for _, in := range ins {
			if in.Draw == part.Draw && in.Entity == v.Entity {
				rp.Inspection, rp.Signatures = in, sigs[in.ID]
				break
			}
		}
		rec.Parts = append(rec.Parts, rp)
	}
	return rec, nil
}
