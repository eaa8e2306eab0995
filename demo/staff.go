package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"spotcheck"
)

// City-level department codes. They are the draw's `unit`, so ASCII.
const (
	deptBureau  = "FZWL" // 福州市文化和旅游局
	deptBrigade = "FZZD" // 福州市文化市场综合执法支队
	deptFire    = "FZXF" // 福州市消防救援支队
	deptPolice  = "FZGA" // 福州市公安局
	deptMarket  = "FZSJ" // 福州市市场监督管理局
	cityCode    = "350100"
)

// departments returns the tree: the city bureau at the root, a bureau for
// each district under it, the enforcement brigade as an internal unit, and
// the partner departments as roots of their own. Partners are not under
// FZWL because they are not part of the culture & tourism hierarchy: they
// manage their own staff, and a bureau's department admin, who keeps the
// directories of the bureau's subtree, must not keep theirs. Joint tasks,
// not the tree, give them what they see.
func departments() []spotcheck.Department {
	ds := []spotcheck.Department{{Code: deptBureau, Name: "福州市文化和旅游局", Division: cityCode, Kind: spotcheck.DeptBureau, Active: true}}
	for _, d := range districts {
		ds = append(ds, spotcheck.Department{Code: d.dept, Name: d.deptName, Parent: deptBureau, Division: d.code,
			Kind: spotcheck.DeptBureau, Active: true})
	}
	return append(ds,
		spotcheck.Department{Code: deptBrigade, Name: "福州市文化市场综合执法支队", Parent: deptBureau, Division: cityCode,
			Kind: spotcheck.DeptOffice, Active: true},
		spotcheck.Department{Code: deptFire, Name: "福州市消防救援支队", Division: cityCode, Kind: spotcheck.DeptPartner, Active: true},
		spotcheck.Department{Code: deptPolice, Name: "福州市公安局", Division: cityCode, Kind: spotcheck.DeptPartner, Active: true},
		spotcheck.Department{Code: deptMarket, Name: "福州市市场监督管理局", Division: cityCode, Kind: spotcheck.DeptPartner, Active: true},
	)
}

// unit is a department that has inspectors, with how many and what they
// know. Partner staff hold their own system's certificates, written as the
// 13-digit numbers of the provincial 行政执法证.
type unit struct {
	dept, prefix, division string
	n                      int
	specialties            []string
	partner                int // 0 for culture & tourism staff, else the partner's digit
}

// units lists the inspecting departments: the brigade holds most culture
// market inspectors, the bureau the tourism ones, each district a few, and
// each partner a handful for joint tasks.
func units() []unit {
	us := []unit{
		{deptBureau, "FZ", cityCode, 12, []string{"旅行社", "导游", "A级景区", "星级饭店", "在线旅游"}, 0},
		{deptBrigade, "ZD", cityCode, 30, []string{"网吧", "娱乐场所", "演出", "艺术品", "网络文化", "出版物", "旅行社"}, 0},
	}
	for _, d := range districts {
		us = append(us, unit{d.dept, d.staff, d.code, d.inspectors,
			[]string{"网吧", "娱乐场所", "旅行社", "演出", "艺术品", "出版物", "A级景区"}, 0})
	}
	return append(us,
		unit{deptFire, "XF", cityCode, 3, []string{"消防安全", "建筑防火"}, 1},
		unit{deptPolice, "GA", cityCode, 3, []string{"治安管理", "网吧实名登记"}, 2},
		unit{deptMarket, "SJ", cityCode, 3, []string{"合同监管", "网络交易", "价格监管"}, 3},
	)
}

// expertFields are the 专家名录库's fields with matching titles and employer
// kinds, in the proportions a culture & tourism bureau needs them.
var expertFields = []struct{ field, employer string }{
	{"消防安全", "消防技术服务有限公司"}, {"消防安全", "消防技术服务有限公司"}, {"消防安全", "建筑设计研究院有限公司"},
	{"文物鉴定", "文物鉴定中心"}, {"文物鉴定", "博物馆"}, {"演出安全", "舞台工程有限公司"}, {"演出安全", "演艺设备有限公司"},
	{"财务审计", "会计师事务所有限公司"}, {"财务审计", "会计师事务所有限公司"}, {"法律", "律师事务所"}, {"法律", "律师事务所"},
	{"网络安全", "信息安全测评有限公司"}, {"旅游服务质量", "旅游职业学院"}, {"建筑结构安全", "建筑设计研究院有限公司"},
	{"游乐设施安全", "特种设备检测有限公司"},
}

// expertTitles gives the professional titles (职称) usual in each field.
var expertTitles = map[string][]string{
	"消防安全": {"高级工程师", "一级注册消防工程师"}, "文物鉴定": {"研究馆员", "副研究馆员"}, "演出安全": {"高级工程师", "工程师"},
	"财务审计": {"注册会计师", "高级会计师"}, "法律": {"律师", "一级律师"}, "网络安全": {"高级工程师"},
	"旅游服务质量": {"教授", "副教授"}, "建筑结构安全": {"正高级工程师", "高级工程师"}, "游乐设施安全": {"高级工程师"},
}

// inspectors returns about 100 inspectors and 15 experts. About three in
// four may lead, as in a bureau where every certified officer with some
// years of service leads teams (the first of every department among them,
// so every unit can form a team), which lets the demo's draws staff every
// selected entity; a few certificates have expired or are about to, and a few people
// are on leave around today, so that the draw's roster filters have
// something to filter.
func inspectors(r *rand.Rand, today time.Time) []spotcheck.Inspector {
	var out []spotcheck.Inspector
	used := map[string]bool{}
	name := func() string {
		n := personName(r)
		for used[n] {
			n = personName(r)
		}
		used[n] = true
		return n
	}
	cert := 1000
	for _, u := range units() {
		for k := 1; k <= u.n; k++ {
			cert += 1 + r.IntN(40)
			in := spotcheck.Inspector{
				StaffID:    fmt.Sprintf("%s%04d", u.prefix, k),
				Name:       name(),
				Dept:       u.dept,
				CertExpiry: day(today, 60+r.IntN(1740)),
				Lead:       k == 1 || chance(r, 75),
				Phone:      phone(r, true),
				Active:     true,
			}
			if u.partner == 0 {
				in.CertNo = fmt.Sprintf("闽文旅执字第%s%05d号", u.division, cert)
			} else {
				in.CertNo = fmt.Sprintf("3501%d%08d", u.partner, cert)
			}
			in.Specialties = specialties(r, u.specialties)
			out = append(out, in)
		}
	}
	// Expired and soon-expiring certificates, and leaves, on distinct people.
	order := r.Perm(len(out))
	for _, i := range order[:4] {
		out[i].CertExpiry = day(today, -(10 + r.IntN(290)))
	}
	for _, i := range order[4:7] {
		out[i].CertExpiry = day(today, 1+r.IntN(30))
	}
	leaves := [][2]int{{-2, 5}, {-1, 1}, {10, 16}, {21, 30}, {35, 37}, {-60, -55}}
	for k, i := range order[7 : 7+len(leaves)] {
		l := leaves[k]
		out[i].Leaves = []spotcheck.Leave{{From: day(today, l[0]), To: day(today, l[1])}}
	}
	out[order[7]].Leaves = append(out[order[7]].Leaves, spotcheck.Leave{From: day(today, 45), To: day(today, 49)})

	for k, f := range expertFields {
		out = append(out, spotcheck.Inspector{
			StaffID:     fmt.Sprintf("ZJ%04d", k+1),
			Name:        name(),
			Dept:        deptBureau,
			Expert:      true,
			Field:       f.field,
			Title:       pick(r, expertTitles[f.field]),
			Employer:    "福建" + pick(r, brands) + f.employer + demoMark,
			Specialties: []string{f.field},
			Phone:       phone(r, true),
			Active:      true,
		})
	}
	return out
}

// specialties draws one to three distinct specialties, in list order.
func specialties(r *rand.Rand, from []string) []string {
	idx := r.Perm(len(from))[:1+r.IntN(min(3, len(from)))]
	slices.Sort(idx)
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = from[i]
	}
	return out
}

// agencies returns six 专业机构 that assist tasks (audit, fire and equipment
// testing, legal, network security), never as the inspecting party. Their
// codes come from g so they never equal an entity's.
func agencies(r *rand.Rand, g *entityGen) []spotcheck.Agency {
	specs := []struct{ head, place, kind, field, qual string }{
		{"91", "福建", "会计师事务所有限公司", "财务审计", "会计师事务所执业证书"},
		{"91", "福州", "会计师事务所（特殊普通合伙）", "财务审计", "会计师事务所执业证书"},
		{"91", "福建", "消防检测有限公司", "消防设施检测", "社会消防技术服务（消防设施维护保养检测）"},
		{"91", "福建", "检测技术有限公司", "游艺设备及特种设备检测", "检验检测机构资质认定（CMA）"},
		{"31", "福建", "律师事务所", "法律服务", "律师事务所执业许可证"},
		{"91", "福建", "信息安全测评有限公司", "网络安全及内容审核技术支持", "网络安全等级测评机构"},
	}
	out := make([]spotcheck.Agency, len(specs))
	for j, s := range specs {
		out[j] = spotcheck.Agency{
			Code:          g.agencyCode(j, s.head, cityCode),
			Name:          s.place + pick(r, brands) + s.kind + demoMark,
			Field:         s.field,
			Qualification: s.qual,
			Contact:       personName(r),
			Phone:         phone(r, false),
			Active:        true,
		}
	}
	return out
}

// conflicts returns about ten declared relations (申报回避) and three
// enterprise recusal requests (申请回避), some pending and some approved,
// all starting before today. A declared relation usually ties an inspector
// to a firm of their own district, where such ties arise.
func conflicts(r *rand.Rand, today time.Time, ins []spotcheck.Inspector, ents []spotcheck.Entity) []spotcheck.Conflict {
	byDivision := map[string][]int{}
	var all []int
	for i, e := range ents {
		if e.ID != "" && e.Status == spotcheck.StatusOperating && e.LegalRep != "" {
			byDivision[e.Division] = append(byDivision[e.Division], i)
			all = append(all, i)
		}
	}
	if len(all) == 0 || len(ins) == 0 {
		return nil
	}
	divisionOf := map[string]string{}
	for _, d := range districts {
		divisionOf[d.dept] = d.code
	}
	seen := map[[2]string]bool{}
	var out []spotcheck.Conflict
	add := func(c spotcheck.Conflict) bool {
		key := [2]string{c.StaffID, c.EntityID}
		if seen[key] {
			return false
		}
		seen[key] = true
		out = append(out, c)
		return true
	}
	entityFor := func(in spotcheck.Inspector) spotcheck.Entity {
		if local := byDivision[divisionOf[in.Dept]]; len(local) > 0 && chance(r, 80) {
			return ents[pick(r, local)]
		}
		return ents[pick(r, all)]
	}
	for tries := 0; len(out) < 10 && tries < 100; tries++ {
		in := pick(r, ins)
		e := entityFor(in)
		y := today.Year() - 6 + r.IntN(3)
		reason := pick(r, []string{
			"亲属关系：该单位法定代表人" + e.LegalRep + "系其配偶的兄弟姐妹",
			"亲属关系：该单位法定代表人" + e.LegalRep + "系其表兄弟",
			"亲属关系：其子女在该单位任职",
			"曾在该单位任职（" + strconv.Itoa(y) + "—" + strconv.Itoa(y+1+r.IntN(3)) + "年）",
			"本人近亲属持有该单位股份",
		})
		add(spotcheck.Conflict{StaffID: in.StaffID, EntityID: e.ID, Kind: spotcheck.ConflictDeclared, Reason: reason,
			From: day(today, -(30 + r.IntN(700))), Review: spotcheck.ReviewApproved, Active: true})
	}
	requests := []struct{ reason, review string }{
		{"企业申请：该检查人员曾参与对本单位的行政处罚案件办理，申请回避", spotcheck.ReviewPending},
		{"企业申请：该检查人员与本单位存在经济纠纷，申请回避", spotcheck.ReviewApproved},
		{"企业申请：该检查人员近亲属在同业竞争企业任职，申请回避", spotcheck.ReviewPending},
	}
	var staff []spotcheck.Inspector // requests name inspectors, who visit; experts only advise
	for _, in := range ins {
		if !in.Expert {
			staff = append(staff, in)
		}
	}
	for k, tries := 0, 0; k < len(requests) && len(staff) > 0 && tries < 100; tries++ {
		in := pick(r, staff)
		e := ents[pick(r, all)]
		if add(spotcheck.Conflict{StaffID: in.StaffID, EntityID: e.ID, Kind: spotcheck.ConflictRequested,
			Reason: requests[k].reason, From: day(today, -(1 + r.IntN(40))), Review: requests[k].review, Active: true}) {
			k++
		}
	}
	return out
}
