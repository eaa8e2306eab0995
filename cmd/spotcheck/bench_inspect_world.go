package main

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"sync"
	"time"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/store"
)

// benchTeam is one inspection of the submission benchmark and the two
// signed-in members of its team, the leader first.
type benchTeam struct {
	id      int64
	items   []string
	users   [2]string
	clients [2]*http.Client
}

// benchInspectionWorld loads the demo's directory with every certificate
// valid, draws a task of the city bureau and returns n of its inspections
// with a team of two, with an account for each member (one password).
func benchInspectionWorld(ctx context.Context, db *store.DB, n int) ([]benchTeam, string, error) {
	sys := spotcheck.NewContextWithPrincipal(ctx, spotcheck.System("bench"))
	now := time.Now().In(spotcheck.ChinaTime)
	data := demo.Generate(demoSeed, 20*n+2000, now.Format(spotcheck.DateLayout))
	for i := range data.Inspectors {
		if data.Inspectors[i].CertNo != "" {
			data.Inspectors[i].CertExpiry = now.AddDate(3, 0, 0).Format(spotcheck.DateLayout)
		}
	}
	if err := demo.Load(sys, db.Transfers(), db.Accounts(), data, nil); err != nil {
		return nil, "", err
	}
	as, err := demoStaff(sys, db, "planner", "supervisor")
	if err != nil {
		return nil, "", err
	}
	code := fmt.Sprintf("%d-FZWL-BENCH-001", now.Year())
	task := &spotcheck.Task{Code: code, Name: "提交性能测试", Authority: "FZWL", Items: []string{"WL-LXS-001"},
		Scope: spotcheck.TaskScope{Types: []string{"T01"}}, StrataBy: spotcheck.StrataByCredit,
		Strata: []spotcheck.StratumRule{{ID: "A", Rate: "100/100"}, {ID: "B", Rate: "100/100"},
			{ID: "C", Rate: "100/100"}, {ID: "D", Rate: "100/100"}},
		Start: now.Format(spotcheck.DateLayout), End: fmt.Sprintf("%d-12-31", now.Year())}
	if err := db.Tasks().CreateTask(as("planner"), task); err != nil {
		return nil, "", err
	}
	if err := db.Tasks().PublishTask(as("planner"), code); err != nil {
		return nil, "", err
	}
	secret := crand.Text()
	if _, err := runDemoDraw(as, db, code, demoDraw{planner: "planner", secret: secret,
		req: spotcheck.DrawRequest{Officials: []string{"supervisor"}}}); err != nil {
		return nil, "", err
	}
	list, err := db.Inspections().FindInspections(as("planner"), spotcheck.InspectionFilter{Task: code})
	if err != nil {
		return nil, "", err
	}
	password := "Bench#" + crand.Text()
	users := map[string]string{}
	var teams []benchTeam
	for _, in := range list {
		if len(in.Team) != 2 || len(teams) == n {
			continue
		}
		t := benchTeam{id: in.ID, items: in.Items}
		for j, s := range in.Team {
			if users[s] == "" {
				users[s] = "bench-" + strconv.Itoa(len(users)+1)
				u := &spotcheck.User{Username: users[s], Name: "性能测试" + s, Dept: in.Dept,
					Roles: []string{spotcheck.RoleInspector}, StaffID: s, Active: true}
				if err := db.Accounts().CreateUser(sys, u, password); err != nil {
					return nil, "", err
				}
			}
			t.users[j] = users[s]
		}
		teams = append(teams, t)
	}
	if len(teams) < n {
		return nil, "", fmt.Errorf("抽取只得到 %d 个两人检查组，需要 %d 个；请减少 --clients", len(teams), n)
	}
	return teams, password, nil
}

// signIn signs user in through the login form.
func signIn(base, user, password string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"username": {user}, "password": {password}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("login %s: %s", user, resp.Status)
	}
	return c, nil
}

// run takes the team's inspection from draft to submitted and returns
// the bytes of the distinct photos it uploaded.
func (t *benchTeam) run(base string, photo []byte, team int, lat map[string]*latencies) int64 {
	var wg sync.WaitGroup
	var sent [2]int64
	for j := range t.clients {
		wg.Go(func() {
			for k := range 2 {
				p := append(photo[:len(photo):len(photo)], fmt.Sprintf("team %d member %d photo %d", team, j, k)...)
				start := time.Now()
				err := t.upload(base, j, p)
				lat["upload"].add(time.Since(start), err == nil)
				if err == nil {
					sent[j] += int64(len(p))
				}
			}
		})
	}
	wg.Wait()
	now := time.Now().In(spotcheck.ChinaTime)
	form := url.Values{"from": {spotcheck.InspectionDraft}, "methods": {spotcheck.MethodSite},
		"check_in": {now.Format("2006-01-02T15:04")}, "completed": {now.Format(spotcheck.DateLayout)},
		"results": {"R01"}}
	for i := range t.items {
		form.Set(fmt.Sprintf("findings.%d.outcome", i), spotcheck.FindingNone)
	}
	if !t.post(base, 0, "save", form, lat["save"]) {
		return sent[0] + sent[1]
	}
	for j := range t.clients {
		wg.Go(func() { t.post(base, j, "confirm", url.Values{"from": {spotcheck.InspectionDraft}}, lat["confirm"]) })
	}
	wg.Wait()
	t.post(base, 0, "submit", url.Values{"from": {spotcheck.InspectionDraft}}, lat["submit"])
	return sent[0] + sent[1]
}

// post sends one step of the inspection's form as member j and times it;
// the pages answer a step that succeeded with a redirect.
func (t *benchTeam) post(base string, j int, step string, form url.Values, l *latencies) bool {
	start := time.Now()
	resp, err := t.clients[j].PostForm(fmt.Sprintf("%s/staff/inspections/%d/%s", base, t.id, step), form)
	ok := err == nil && resp.StatusCode == http.StatusSeeOther
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	l.add(time.Since(start), ok)
	return ok
}

// upload sends one photo as member j, as the page's form does.
func (t *benchTeam) upload(base string, j int, photo []byte) error {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", "现场照片.jpg")
	if err != nil {
		return err
	}
	part.Write(photo)
	w.Close()
	resp, err := t.clients[j].Post(fmt.Sprintf("%s/staff/inspections/%d/evidence", base, t.id), w.FormDataContentType(), &body)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("upload: %s", resp.Status)
	}
	return nil
}

// noiseJPEG encodes random pixels (noise does not compress) as a JPEG
// just under size bytes and pads it to size with comment segments, so
// that the photo weighs what the figure says.
func noiseJPEG(size int) []byte {
	var best []byte
	for side := 64; side < 8000; side = side * 21 / 20 {
		img := image.NewRGBA(image.Rect(0, 0, side, side*3/4))
		r := rand.New(rand.NewPCG(uint64(side), 11))
		for i := range img.Pix {
			img.Pix[i] = byte(r.Uint32())
		}
		var b bytes.Buffer
		jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
		if b.Len() > size-4 {
			break
		}
		best = b.Bytes()
	}
	out := append([]byte{}, best[:2]...) // SOI
	for pad := size - len(best); pad > 0; {
		n := min(pad, 0xffff+2)
		if pad-n > 0 && pad-n < 4 {
			n -= 4 // leave room for a last segment of at least its header
		}
		out = append(out, 0xff, 0xfe, byte((n-2)>>8), byte(n-2))
		out = append(out, make([]byte, n-4)...)
		pad -= n
	}
	return append(out, best[2:]...)
}
