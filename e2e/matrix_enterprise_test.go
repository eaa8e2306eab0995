package e2e

import (
	"context"
	"fmt"
	"strconv"

	"spotcheck"
)

// After publication (issue 12, items 2 and 3; web/portal/enterprise.go,
// web/staff/appeals.go): the enterprise's page /e/{code} is public, like
// the visit's forms under /v/{token}; the department's list of
// objections and credit repairs is for the approvers who decide them and
// the supervisors who watch the deadlines (the store's scope); deciding
// is the approvers' of the record's department, and to the others of the
// role an objection of another department does not exist.
func init() {
	publicPaths = append(publicPaths, "/e")
	appealView := roles(spotcheck.RoleApprover, spotcheck.RoleSupervisor)
	appealDecide := roles(spotcheck.RoleApprover)
	resources = append(resources,
		resource{"appeals", appealView, appealView, false, false, "", ""},
		resource{"objections", appealView, appealDecide, true, true, "", ""},
		// No repair is pending in the fixture (one needs three months of
		// display): its {id} names none, which every user of the role is
		// answered as missing.
		resource{"repairs", appealView, appealDecide, true, true, "", ""})
}

// enterpriseFixture is a published result and an objection filed to it.
type enterpriseFixture struct {
	entity    string // the credit code of the published result's entity
	objection int64
	dept      string // the objection's department
}

// makeEnterpriseFixture files an objection, with its notice's token, to
// the published result of the follow-up fixture's inspection (approved
// with a problem), for /e/{code} and /staff/objections/{id}/decide.
func makeEnterpriseFixture(ctx context.Context, a *app, followUp int64) (enterpriseFixture, error) {
	var fx enterpriseFixture
	f, err := a.DB.FollowUps().FindFollowUpByID(ctx, followUp)
	if err != nil {
		return fx, err
	}
	// makePublicationFixture has published it already (the draw
	// fixture's one approved result).
	pubs, err := a.DB.Publications().FindInspectionPublications(ctx, f.Inspection)
	if err != nil {
		return fx, err
	}
	if len(pubs) == 0 {
		return fx, fmt.Errorf("the follow-up's inspection %d is not published", f.Inspection)
	}
	pub := pubs[0]
	n, err := a.DB.Notices().Notice(ctx, f.Inspection)
	if err != nil {
		return fx, err
	}
	public := spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public())
	o, err := a.DB.AfterPublication().FileObjection(public, n.Token, "权限矩阵：检查结果有误")
	if err != nil {
		return fx, err
	}
	return enterpriseFixture{entity: pub.Entity, objection: o.ID, dept: o.Dept}, nil
}

// param is the value of the path parameter of the resource res.
func (fx enterpriseFixture) param(res string) (string, string, error) {
	switch res {
	case "e":
		return fx.entity, "", nil
	case "objections":
		return strconv.FormatInt(fx.objection, 10), fx.dept, nil
	}
	return "0", fx.dept, nil
}
