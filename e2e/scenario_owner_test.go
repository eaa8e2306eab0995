package e2e

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"spotcheck"
)

// ownershipRows are the attacks of issue 8 item 4 through the API and the
// pages, as the demo's 鼓楼 admin (gladmin) tried them: making the bureau
// an initiator (发起) of a city item and rewriting the item, editing and
// deactivating the city's 专业机构; and item 10: a task or draw of another
// department answers as a missing one.
func ownershipRows(a *app) []scenario {
	fx := a.fx
	item, agency := fx.item.Code, fx.agency.Code
	itemPath := "/api/v1/items/" + url.PathEscape(item)
	agencyPage := "/staff/agencies/" + url.PathEscape(agency)
	unchanged := func(t *testing.T, _ *http.Response, _ string) {
		ctx := sysCtx
		rs, err := a.DB.Responsibilities().FindResponsibilities(ctx, spotcheck.ResponsibilityFilter{Item: item, Dept: homeDept})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs.Items {
			if r.Role == spotcheck.RoleInitiate {
				t.Errorf("%s initiates the city's item %s: %+v", homeDept, item, r)
			}
		}
		it, err := a.DB.Items().FindItemByCode(ctx, item)
		if err != nil || it.LegalBasis != fx.item.LegalBasis {
			t.Errorf("the city's item changed: %+v, %v", it, err)
		}
		ag, err := a.DB.Agencies().FindAgencyByCode(ctx, agency)
		if err != nil || !ag.Active || ag.Phone != fx.agency.Phone {
			t.Errorf("the city's agency changed: %+v, %v", ag, err)
		}
	}
	return []scenario{
		{name: "ownership/a district may not make itself the initiator of a city item", user: "token:gladmin",
			method: "POST", path: "/api/v1/responsibilities",
			body:   jsonBody(`{"item":"` + item + `","dept":"` + homeDept + `","role":"发起"}`),
			status: 403, want: []string{"只有其发起部门可以指定或变更发起部门"}, check: unchanged},
		{name: "ownership/nor rewrite the city item's legal basis", user: "token:gladmin", method: "PUT", path: itemPath,
			body: jsonBody(`{"version":1,"legal_basis":"越权改写的检查依据"}`), status: 403, check: unchanged},
		{name: "ownership/nor edit a city agency", user: "token:gladmin", method: "PUT",
			path: "/api/v1/agencies/" + url.PathEscape(agency), body: jsonBody(`{"version":1,"phone":"0591-00000000"}`),
			status: 403, want: []string{"由市局统一维护"}, check: unchanged},
		{name: "ownership/nor deactivate it on its page", user: "gladmin", method: "POST", path: agencyPage + "/active",
			body: form("version", "1", "active", "0"), status: 403, check: unchanged},
		{name: "ownership/nor create one", user: "token:gladmin", method: "POST", path: "/api/v1/agencies",
			body: jsonBody(`{"code":"` + a.newCreditCode() + `","name":"区局越权新增机构（示例）"}`), status: 403},
		{name: "ownership/the agency's page offers the district no edit", user: "gladmin", method: "GET", path: agencyPage,
			status: 200, want: []string{fx.agency.Name}, wantNot: []string{`href="` + agencyPage + `/edit"`}},
		{name: "ownership/nor its edit form", user: "gladmin", method: "GET", path: agencyPage + "/edit", status: 403},
		{name: "ownership/the city keeps it", user: "cityadmin", method: "GET", path: agencyPage, status: 200,
			want: []string{`href="` + agencyPage + `/edit"`}},
		{name: "ownership/a new item is the city's to make", user: "gladmin", method: "GET", path: "/staff/items/new",
			status: 403},
		{name: "ownership/the city item's page offers the district no edit", user: "gladmin", method: "GET",
			path: "/staff/items/" + url.PathEscape(item), status: 200,
			wantNot: []string{`href="/staff/items/` + url.PathEscape(item) + `/edit"`}},

		{name: "hidden/a task of another department is missing", user: "firedept", method: "GET",
			path: "/staff/tasks/" + url.PathEscape(fx.drawTask), status: 404,
			want: []string{"没有编号为“" + fx.drawTask + "”的抽查任务"}, wantNot: []string{"不属于您的部门"}},
		{name: "hidden/so is its draw", user: "token:firedept", method: "GET",
			path: "/api/v1/draws/" + strconv.FormatInt(fx.drawID, 10), status: 404,
			want: []string{"没有编号为 " + strconv.FormatInt(fx.drawID, 10) + " 的抽取"}, check: apiError(spotcheck.ENOTFOUND)},
		{name: "hidden/and running it", user: "token:firedept", method: "POST",
			path: "/api/v1/draws/" + strconv.FormatInt(fx.drawID, 10) + "/run", body: jsonBody(`{}`), status: 404},
	}
}

// queryRows: the API refuses a list parameter's value it does not take and
// says which parameter and why; a page forgives it.
func queryRows(a *app) []scenario {
	bad := func(path, want string) scenario {
		return scenario{name: "query/" + path, user: "token:cityadmin", method: "GET", path: path, status: 400,
			want: []string{want}, check: apiError(spotcheck.EINVALID)}
	}
	return []scenario{
		bad("/api/v1/entities?active=2", "参数 active：应为 true 或 false"),
		bad("/api/v1/entities?key=maybe", "参数 key：应为 true 或 false"),
		bad("/api/v1/entities?limit=100000000", "参数 limit：应为 1 到 200 之间的整数"),
		bad("/api/v1/inspectors?offset=-1", "参数 offset"),
		bad("/api/v1/items?status=deleted", "参数 status"),
		{name: "query/flags as true and false", user: "token:cityadmin", method: "GET",
			path: "/api/v1/entities?active=true&key=false&limit=200", status: 200, want: []string{`"limit":200`}},
		{name: "query/a page forgives what it cannot use", user: "cityadmin", method: "GET",
			path: "/staff/entities?active=2&key=maybe&limit=100000000&offset=-3", status: 200,
			wantNot: []string{"内部错误"}},
		{name: "query/even a huge offset", user: "cityadmin", method: "GET",
			path: "/staff/inspectors?offset=9223372036854775807", status: 200, wantNot: []string{"内部错误"}},
	}
}
