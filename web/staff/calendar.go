package staff

import (
	"errors"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
	"spotcheck/workday"
)

// The working-day calendar (工作日历, design §7): lunar-go's statutory
// holidays and 调休 days, and the overrides that the system administrator
// (PermManageDepartments) adds from the State Council's notice or imports
// as a CSV. The page lists a year's overrides, which stay forever (a
// correction is a new one), and says whether the year has data.

// calendarYears is how many years the page's year links reach around now.
const calendarYears = 3

// ShowCalendar lists the overrides of ?year= (default: this year).
func (s *Handler) ShowCalendar(w http.ResponseWriter, r *http.Request) {
	s.renderCalendar(w, r, http.StatusOK, map[string]any{})
}

// renderCalendar renders the page with extra (the form's values and
// problems, an import's outcome).
func (s *Handler) renderCalendar(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	ctx := r.Context()
	all, err := s.svc.Calendar.FindCalendarOverrides(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cal := workday.New(workday.Overrides(all))
	this := s.year()
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || year < 1900 || year > 2200 {
		year = this
	}
	var list []spotcheck.CalendarOverride // the year's, newest first
	for _, o := range slices.Backward(all) {
		if strings.HasPrefix(o.Date, strconv.Itoa(year)+"-") {
			list = append(list, o)
		}
	}
	type yearLink struct {
		Year    int
		HasData bool
	}
	var years []yearLink
	for y := this - calendarYears; y <= this+calendarYears; y++ {
		years = append(years, yearLink{y, cal.HasYear(y)})
	}
	windows, err := s.drawWindows(r, cal)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := map[string]any{"Year": year, "HasData": cal.HasYear(year), "Overrides": list, "Years": years, "Windows": windows,
		"F": map[string]string{"date": "", "kind": "休", "note": ""}, "Errors": map[string]string{}}
	for k, v := range extra {
		d[k] = v
	}
	s.renderTitled(w, r, status, "calendar", "工作日历", d)
}

// drawWindowRow is a bureau's fixed draw window as the calendar page
// shows it, with the span of this quarter's window ("" when none or when
// the year has no data), in Now.
type drawWindowRow struct {
	spotcheck.DrawWindow
	Name, Now string
}

// drawWindows lists every active bureau with its window.
func (s *Handler) drawWindows(r *http.Request, cal *workday.Calendar) ([]drawWindowRow, error) {
	depts, err := s.svc.Departments.FindDepartments(r.Context())
	if err != nil {
		return nil, err
	}
	set, err := s.svc.Calendar.FindDrawWindows(r.Context())
	if err != nil {
		return nil, err
	}
	today := s.now().In(spotcheck.ChinaTime)
	var out []drawWindowRow
	for _, d := range depts {
		if d.Kind != spotcheck.DeptBureau || !d.Active {
			continue
		}
		row := drawWindowRow{DrawWindow: spotcheck.DrawWindow{Dept: d.Code}, Name: d.Name}
		if i := slices.IndexFunc(set, func(w spotcheck.DrawWindow) bool { return w.Dept == d.Code }); i >= 0 {
			row.DrawWindow = set[i]
		}
		if row.Days > 0 {
			if first, last, err := row.Span(cal, today); err == nil {
				row.Now = first.Format(spotcheck.DateLayout) + " 至 " + last.Format(spotcheck.DateLayout)
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// SetDrawWindow sets a bureau's fixed draw window from the form (POST
// /staff/calendar/window).
func (s *Handler) SetDrawWindow(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	win := &spotcheck.DrawWindow{Dept: r.PostFormValue("dept"), Note: r.PostFormValue("note")}
	days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
	if err != nil {
		days = -1 // Validate names the field
	}
	win.Days = days
	err = s.svc.Calendar.SetDrawWindow(r.Context(), win)
	if err == nil {
		view.Redirect(w, r, "/staff/calendar?ok=saved#windows")
		return
	}
	if spotcheck.ErrorCode(err) != spotcheck.EINVALID {
		s.fail(w, r, err)
		return
	}
	s.renderCalendar(w, r, http.StatusBadRequest, map[string]any{"WindowError": spotcheck.ErrorMessage(err)})
}

// year is the current year in China.
func (s *Handler) year() int { return s.now().In(view.ChinaTime).Year() }

// AddCalendarOverride records one override from the form (POST
// /staff/calendar).
func (s *Handler) AddCalendarOverride(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	form := map[string]string{"date": r.PostFormValue("date"), "kind": r.PostFormValue("kind"), "note": r.PostFormValue("note")}
	o := &spotcheck.CalendarOverride{Date: form["date"], Work: form["kind"] == "班", Note: form["note"]}
	var ps spotcheck.Problems
	if k := form["kind"]; k != "休" && k != "班" {
		ps.Add("kind", "类型", "应为“休”或“班”")
	}
	if ps == nil {
		err := s.svc.Calendar.AddCalendarOverride(r.Context(), o)
		if err == nil {
			view.Redirect(w, r, "/staff/calendar?year="+o.Date[:4]+"&ok=saved")
			return
		}
		var msg string
		var ok bool
		if ps, msg, ok = view.FormProblems(err); !ok {
			s.fail(w, r, err)
			return
		}
		if msg != "" {
			ps.Add("", "调整", "%s", msg)
		}
	}
	s.renderCalendar(w, r, http.StatusBadRequest, map[string]any{"F": form, "Errors": view.FieldErrors(ps), "Problems": ps})
}

// ImportCalendar records the days of an uploaded CSV, all or nothing
// (POST /staff/calendar/import).
func (s *Handler) ImportCalendar(w http.ResponseWriter, r *http.Request) {
	up, err := uploadedFile(r, "file")
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			s.fail(w, r, err)
			return
		}
		msg := "请选择要导入的 .csv 文件"
		if errors.Is(err, multipart.ErrMessageTooLarge) {
			msg = "上传的表单内容过多：每次只选择一个文件导入"
		}
		s.renderCalendar(w, r, http.StatusBadRequest, map[string]any{"ImportError": msg})
		return
	}
	defer up.Close()
	note := strings.TrimSpace(r.FormValue("note"))
	if note == "" {
		note = "导入自 " + up.Name
	}
	n, err := s.svc.Calendar.ImportCalendar(r.Context(), up.Name, up, note)
	if ie, ok := errors.AsType[*spotcheck.ImportError](err); ok {
		s.renderCalendar(w, r, http.StatusBadRequest, map[string]any{"File": up.Name, "ImportProblems": ie})
		return
	}
	if spotcheck.ErrorCode(err) == spotcheck.EINVALID {
		s.renderCalendar(w, r, http.StatusBadRequest, map[string]any{"File": up.Name, "ImportError": spotcheck.ErrorMessage(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderCalendar(w, r, http.StatusOK, map[string]any{"File": up.Name, "Imported": n})
}

// calendarGaps returns the years of now and next year that have no
// holiday data, for the administrators' banner on the home page; none for
// a user who cannot fix them.
func (s *Handler) calendarGaps(r *http.Request, p *spotcheck.Principal) ([]int, error) {
	if !p.Has(spotcheck.PermManageDepartments) {
		return nil, nil
	}
	cal, err := workday.Load(r.Context(), s.svc.Calendar)
	if err != nil {
		return nil, err
	}
	var gaps []int
	for _, y := range []int{s.year(), s.year() + 1} {
		if !cal.HasYear(y) {
			gaps = append(gaps, y)
		}
	}
	return gaps, nil
}
