package staff

import (
	"net/http"
	"strconv"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The steps of an inspection, each a POST from its page to
// /staff/inspections/{id}/{action}: the team saves, confirms and submits;
// the approver approves, returns or rejects; a team member opens the
// next revision of an approved or rejected record, with a reason. Each form carries the state
// the page showed, so that a step posted from a page that is out of date,
// or twice (a double tap on a phone), is refused and changes nothing.

// SaveInspection saves the recording form (POST
// /staff/inspections/{id}/save); a refused save shows the form as typed
// with each field's message, and nothing is saved.
func (s *Handler) SaveInspection(w http.ResponseWriter, r *http.Request) {
	in := s.loadInspection(w, r)
	if in == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	rec, ps := parseInspectionForm(in, r.PostForm)
	ctx, keyed := submission(r) // the store checks "from" itself (web/staff/offline.go)
	var err error
	switch {
	case !keyed && r.PostFormValue("from") != in.State:
		err = staleInspection(in)
	case len(ps) > 0:
		err = ps.Err()
	default:
		err = s.svc.Inspections.SaveInspection(ctx, rec)
	}
	if err == nil {
		view.Redirect(w, r, view.WithFlash(inspectionPath(in.ID), "inspection-save"))
		return
	}
	ps, msg, ok := view.FormProblems(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	if msg == "" {
		msg = "请修改标红的字段后重新保存，检查记录未保存。"
	}
	status, _, _ := view.ErrorStatus(err)
	s.renderInspection(w, r, status, in, r.PostForm, ps, msg)
}

// InspectionStep returns the handler of POST /staff/inspections/{id}/{a}
// for the steps other than save.
func (s *Handler) InspectionStep(a spotcheck.Action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in := s.loadInspection(w, r)
		if in == nil {
			return
		}
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
			return
		}
		svc, comment := s.svc.Inspections, r.PostFormValue("comment")
		ctx, keyed := submission(r)                   // the store checks "from" itself (web/staff/offline.go)
		keyed = keyed && a != spotcheck.InspActRevise // revise takes no key
		var err error
		switch {
		case !keyed && r.PostFormValue("from") != in.State:
			err = staleInspection(in)
		case a == spotcheck.InspActConfirm:
			err = svc.ConfirmInspection(ctx, in.ID)
		case a == spotcheck.InspActSubmit:
			err = svc.SubmitInspection(ctx, in.ID)
		case a == spotcheck.InspActApprove:
			err = svc.ApproveInspection(ctx, in.ID, comment)
		case a == spotcheck.InspActReturn:
			err = svc.ReturnInspection(ctx, in.ID, comment)
		case a == spotcheck.InspActReject:
			err = svc.RejectInspection(ctx, in.ID, comment)
		case a == spotcheck.InspActRevise:
			err = svc.ReviseInspection(ctx, in.ID, r.PostFormValue("reason"))
		default:
			err = spotcheck.Errorf(spotcheck.ENOTFOUND, "没有这个操作")
		}
		if err == nil {
			view.Redirect(w, r, view.WithFlash(inspectionPath(in.ID), "inspection-"+string(a)))
			return
		}
		ps, msg, ok := view.FormProblems(err)
		if !ok && spotcheck.ErrorCode(err) == spotcheck.EFORBIDDEN && a == spotcheck.InspActConfirm {
			// An expired 执法证: the page says so where the button was.
			msg, ok = spotcheck.ErrorMessage(err), true
		}
		if !ok {
			s.fail(w, r, err)
			return
		}
		if len(ps) > 0 {
			msg = "检查记录尚不完整，不能提交："
			for i, p := range ps {
				if i > 0 {
					msg += "；"
				}
				msg += p.Label + p.Message
			}
		}
		status, _, _ := view.ErrorStatus(err)
		s.renderInspection(w, r, status, in, nil, ps, msg)
	}
}

// staleInspection refuses a step posted from a page that showed another
// state than the inspection has now.
func staleInspection(in *spotcheck.Inspection) error {
	return spotcheck.Errorf(spotcheck.ECONFLICT, "检查记录 %d 当前状态为“%s”，页面已过期，请查看后重新操作",
		in.ID, spotcheck.InspectionStateNames[in.State])
}

func inspectionPath(id int64) string { return "/staff/inspections/" + strconv.FormatInt(id, 10) }
