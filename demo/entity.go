package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"spotcheck"
)

// demoMark ends every generated name of a firm or person in the directories,
// so that no demo record is ever taken for a real one.
const demoMark = "（示例）"

// Spaces of the organisation-code part (GB 11714, positions 9–17 of the
// credit code). Codes issued before the 2015 reform embed an 8-digit
// organisation code; later ones a letter pair (MA for firms, MJ for social
// organisations) and six characters of the credit-code alphabet.
const (
	oldOrgSpace   = 100_000_000
	newOrgSpace   = 31 * 31 * 31 * 31 * 31 * 31
	guideSpace    = 1_000_000
	usccAlphabet  = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	guideCardHead = "D-3501-"
)

// Founding dates: codes of the post-2015 kind were issued from the reform of
// October 2015 on, codes with an old organisation code to firms founded
// before it (from oldestDay, as far back as a directory usually reaches).
var (
	reformDay = mustDay("2015-10-01")
	oldestDay = mustDay("1995-01-01")
)

// entityGen makes entities one after another. Its state is a few counters
// and permutations, so streams of any length run in constant memory.
type entityGen struct {
	r                  *rand.Rand
	today              time.Time
	count              int
	oldOrg, newOrg     permutation
	guides             permutation
	nOld, nNew, nGuide uint64
	serial             map[string]int  // licence serials by kind
	names              map[string]bool // names in use; nil for streams
	typeTotal          int
	weightTotal        int
	scenicTotal        int
}

func newEntityGen(seed uint64, today time.Time, uniqueNames bool) *entityGen {
	r := newRand(seed, streamEntities)
	g := &entityGen{r: r, today: today, serial: map[string]int{}}
	g.oldOrg = newPermutation(oldOrgSpace, r)
	g.newOrg = newPermutation(newOrgSpace, r)
	g.guides = newPermutation(guideSpace, r)
	if uniqueNames {
		g.names = map[string]bool{}
	}
	for _, t := range types {
		g.typeTotal += t.weight
	}
	for _, d := range districts {
		g.weightTotal += d.weight
		g.scenicTotal += d.scenic
	}
	return g
}

// next returns the next entity of the stream.
func (g *entityGen) next() spotcheck.Entity {
	i := g.count
	g.count++
	t := g.pickType(i)
	d := g.pickDistrict(i, t.code == "T03")
	if t.code == "T05" {
		return g.guide(d)
	}
	r := g.r
	individual := chance(r, t.individual)
	e := spotcheck.Entity{Type: t.code, Division: d.code, Active: true}
	var tags []string
	var road string
	e.Name = g.unique(func() string {
		road = pick(r, d.roads)
		name, tg := g.firmName(t, d, road, individual)
		tags = tg
		return name
	})
	var newStyle bool
	e.ID, newStyle = g.creditCode(t, d, individual)
	if newStyle {
		e.Founded = between(r, reformDay, g.today.AddDate(0, 0, -30))
	} else {
		e.Founded = between(r, oldestDay, reformDay.AddDate(0, 0, -1))
	}
	e.Address = g.address(d, road, t.code != "T03" && t.code != "T04") // scenic areas and hotels have whole sites
	e.LegalRep = personName(r)
	mobile := 30 // firms mostly give an office line, 个体工商户 a mobile
	if individual {
		mobile = 80
	}
	e.Phone = phone(r, chance(r, mobile))
	e.Status = g.status()
	e.CreditClass = g.creditClass()
	g.keyList(&e)
	for _, tag := range t.tags {
		if chance(r, tagChance) && !slices.Contains(tags, tag) {
			tags = append(tags, tag)
		}
	}
	e.LicenceNo, tags = g.licence(&e, tags)
	if len(tags) > 0 {
		e.Tags = tags
	}
	return e
}

// pickType forces the i-th type for the first entities, then draws by weight.
func (g *entityGen) pickType(i int) *typeSpec {
	if i < len(types) {
		return &types[i]
	}
	n := g.r.IntN(g.typeTotal)
	for k := range types {
		if n -= types[k].weight; n < 0 {
			return &types[k]
		}
	}
	return &types[len(types)-1]
}

// pickDistrict forces the i-th district for the first 13 entities, then
// draws by population weight, or by scenic weight for 景区.
func (g *entityGen) pickDistrict(i int, scenic bool) *district {
	if i < len(districts) {
		return &districts[i]
	}
	total := g.weightTotal
	if scenic {
		total = g.scenicTotal
	}
	n := g.r.IntN(total)
	for k := range districts {
		w := districts[k].weight
		if scenic {
			w = districts[k].scenic
		}
		if n -= w; n < 0 {
			return &districts[k]
		}
	}
	return &districts[len(districts)-1]
}

// unique calls gen until it returns a name not yet used (a few tries, then
// it gives up: real directories hold namesakes too). Streams keep no names.
func (g *entityGen) unique(gen func() string) string {
	name := gen()
	if g.names == nil {
		return name
	}
	for try := 0; g.names[name] && try < 20; try++ {
		name = gen()
	}
	g.names[name] = true
	return name
}

// firmName builds a business name from a place prefix, a 字号 and an
// industry word, e.g. 福州闽都国际旅行社有限公司（示例） or 鼓楼区星际网络会所（示例）,
// with the tags the name implies.
func (g *entityGen) firmName(t *typeSpec, d *district, road string, individual bool) (string, []string) {
	r := g.r
	brand := pick(r, brands)
	if chance(r, 65) {
		brand += pick(r, brandTails)
	}
	var tags []string
	var b strings.Builder
	switch {
	case t.code == "T03":
		b.WriteString(d.name)
		b.WriteString(pick(r, scenicWords))
		if chance(r, 40) {
			b.WriteString(pick(r, scenicWords))
		}
		b.WriteString(pick(r, t.company))
		tags = append(tags, pick(r, []string{"5A级", "4A级", "4A级", "3A级", "3A级", "3A级", "2A级"}))
	case individual:
		if chance(r, 35) && strings.HasPrefix(d.addr, "福州市") {
			b.WriteString("福州市")
		}
		b.WriteString(d.name)
		b.WriteString(brand)
		b.WriteString(pick(r, t.shop))
		if chance(r, 30) { // shops are told apart by their street: 星际网咖五四路店
			b.WriteString(road + "店")
		}
	default:
		prefix := g.companyPrefix(d)
		b.WriteString(prefix)
		b.WriteString(brand)
		word := pick(r, t.company)
		b.WriteString(word)
		if kind := performanceKinds[word]; kind != "" {
			tags = append(tags, kind)
		}
		// A branch belongs to a city-wide firm, not to one named after the
		// district it opens in.
		if (prefix == "福州" || prefix == "福建") && chance(r, t.branch) {
			if t.code == "T01" {
				b.WriteString(shortName(d) + "分社")
				tags = append(tags, "分社")
			} else {
				b.WriteString(shortName(d) + "分公司")
				tags = append(tags, "连锁")
			}
		}
	}
	switch t.code {
	case "T04":
		tags = append(tags, pick(r, []string{"五星级", "四星级", "四星级", "三星级", "三星级", "三星级", "二星级"}))
		if chance(r, 60) {
			tags = append(tags, "24小时营业")
		}
	case "T11":
		tags = append(tags, pick(r, t.tags))
	}
	b.WriteString(demoMark)
	return b.String(), tags
}

// companyPrefix is the place a company name starts with: mostly 福州 or
// 福建, and in the counties often the county itself (福清市…, 闽侯县…); a
// district of the city is written with the city (福州市鼓楼区…).
func (g *entityGen) companyPrefix(d *district) string {
	n := g.r.IntN(100)
	urban := d.towns == nil
	switch {
	case urban && n < 60, !urban && n < 40:
		return "福州"
	case urban && n < 85, !urban && n < 55:
		return "福建"
	case strings.HasSuffix(d.name, "区") && d.code != "350128":
		return "福州市" + d.name
	}
	return d.name
}

// shortName is a division's name without its 区/县/市 suffix, as branch
// names use it (鼓楼分社, 平潭分公司).
func shortName(d *district) string {
	if d.code == "350128" {
		return "平潭"
	}
	return strings.TrimRight(d.name, "区县市")
}

// creditCode makes a valid, stream-unique 统一社会信用代码 and reports whether
// it is of the post-2015 kind. Position 1–2: 91 企业, 92 个体工商户, 52 民办非企业
// (考级机构); 3–8: the registering division (the city for about a third of
// firms); 9–17: an organisation code with a valid GB 11714 check character,
// except for a few 个体工商户, as real ones were sometimes issued; 18: the
// GB 32100 check character.
func (g *entityGen) creditCode(t *typeSpec, d *district, individual bool) (string, bool) {
	r := g.r
	head, region, prefix := "91", d.code, "MA"
	newStyle := chance(r, 65)
	switch {
	case t.code == "T12":
		head, region, prefix, newStyle = "52", "350100", "MJ", true
	case individual:
		head, newStyle = "92", true
	case chance(r, 35):
		region = "350100"
	}
	var org string
	if newStyle {
		org = prefix + base31(g.newOrg.at(g.nNew), 6)
		g.nNew++
	} else {
		org = fmt.Sprintf("%08d", g.oldOrg.at(g.nOld))
		g.nOld++
	}
	check := spotcheck.OrgCodeCheckChar(org)
	if individual && chance(r, 2) {
		check = "0123456789X"[(strings.IndexByte("0123456789X", check)+1)%11]
	}
	return withCheckChar(head + region + org + string(check)), newStyle
}

// withCheckChar appends the GB 32100 check character to 17 valid characters.
func withCheckChar(first17 string) string {
	c, err := spotcheck.USCCCheckChar(first17)
	if err != nil {
		panic("demo: bad credit code body " + first17 + ": " + err.Error())
	}
	return first17 + string(c)
}

// base31 writes v with n characters of the credit-code alphabet.
func base31(v uint64, n int) string {
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = usccAlphabet[v%31]
		v /= 31
	}
	return string(b)
}

// address is a street address in d on road (a real road of the district):
// the town for the counties, an invented number and, for premises in a
// building, sometimes a floor or shop number.
func (g *entityGen) address(d *district, road string, building bool) string {
	r := g.r
	var b strings.Builder
	b.WriteString(d.addr)
	if d.towns != nil {
		b.WriteString(pick(r, d.towns))
	}
	b.WriteString(road)
	b.WriteString(strconv.Itoa(1 + r.IntN(399)))
	b.WriteString("号")
	if !building {
		return b.String()
	}
	switch r.IntN(6) {
	case 0:
		b.WriteString(strconv.Itoa(1+r.IntN(5)) + "层")
	case 1:
		b.WriteString(pick(r, brands) + "大厦" + strconv.Itoa(2+r.IntN(20)) + "层")
	case 2:
		b.WriteString(strconv.Itoa(1+r.IntN(9)) + "号店面")
	}
	return b.String()
}

// status is mostly 在营; the rest are the outcomes a directory accumulates.
func (g *entityGen) status() string {
	switch n := g.r.IntN(1000); {
	case n < 900:
		return spotcheck.StatusOperating
	case n < 940:
		return spotcheck.StatusSuspended
	case n < 970:
		return spotcheck.StatusDeregistered
	case n < 985:
		return spotcheck.StatusRevoked
	}
	return spotcheck.StatusMovedOut
}

// creditClass draws A 30 %, B 55 %, C 12 %, D 3 %.
func (g *entityGen) creditClass() string {
	switch n := g.r.IntN(100); {
	case n < 30:
		return "A"
	case n < 85:
		return "B"
	case n < 97:
		return "C"
	}
	return "D"
}

// keyList puts every C/D entity and about 5 % of the others on the 重点检查
// 对象 list, with a reason and an expiry, as the domain rules require.
func (g *entityGen) keyList(e *spotcheck.Entity) {
	r := g.r
	switch {
	case e.CreditClass == "C" || e.CreditClass == "D":
		e.KeyReason = "信用风险分类为" + e.CreditClass + "类"
		if chance(r, 30) {
			e.KeyReason += "；近一年被投诉" + strconv.Itoa(2+r.IntN(5)) + "次"
		}
	case chance(r, 5):
		reasons := []string{"近一年被投诉" + strconv.Itoa(3+r.IntN(4)) + "次", "列入经营异常名录", "上一轮抽查发现问题待后续处理",
			"12345热线转办投诉", "曾受行政处罚（" + strconv.Itoa(g.today.Year()-1) + "年）"}
		if e.Type == "T06" || e.Type == "T07" || e.Type == "T08" {
			reasons = append(reasons, "群众举报涉嫌接纳未成年人")
		}
		e.KeyReason = pick(r, reasons)
	default:
		return
	}
	e.Key = true
	e.KeyExpiry = day(g.today, 90+r.IntN(276))
}

// licence returns the 许可证号 of types that need one, in the style of the
// issuing authority, numbered by a per-kind serial so numbers do not repeat.
func (g *entityGen) licence(e *spotcheck.Entity, tags []string) (string, []string) {
	r := g.r
	serial := func(kind string) int { g.serial[kind]++; return g.serial[kind] + 100 }
	switch e.Type {
	case "T01":
		if chance(r, 25) {
			return fmt.Sprintf("L-FJ-CJ%05d", serial("travel")), append(tags, "出境游")
		}
		return fmt.Sprintf("L-FJ-%05d", serial("travel")), tags
	case "T02":
		if chance(r, 40) {
			return fmt.Sprintf("L-FJ-%05d", serial("travel")), tags
		}
	case "T06":
		return fmt.Sprintf("%s1%05d", e.Division, serial("netbar")), tags
	case "T07", "T08":
		return fmt.Sprintf("%s2%05d", e.Division, serial("entertainment")), tags
	case "T09":
		return fmt.Sprintf("%s4%05d", e.Division, serial("performance")), tags
	case "T11":
		year := max(2016, mustDay(e.Founded).Year())
		return fmt.Sprintf("闽网文〔%d〕%04d-%03d号", year, serial("netculture"), r.IntN(1000)), tags
	case "T13":
		if strings.Contains(e.Name, "印") {
			return fmt.Sprintf("（闽）印证字3501%05d号", serial("print")), tags
		}
		return fmt.Sprintf("新出发榕字第%05d号", serial("publication")), tags
	case "T14":
		return fmt.Sprintf("闽影放证字第%04d号", serial("cinema")), tags
	case "T16":
		return fmt.Sprintf("闽文物经字第%04d号", serial("relics")), tags
	}
	return "", tags
}

// guide makes a 导游/领队: a person with no credit code, identified by the
// 导游证号 (D-3501-xxxxxx). ID stays empty; the domain's Validate derives it.
func (g *entityGen) guide(d *district) spotcheck.Entity {
	r := g.r
	card := guideCardHead
	if g.nGuide < guideSpace {
		card += fmt.Sprintf("%06d", g.guides.at(g.nGuide))
	} else {
		card += strconv.FormatUint(g.nGuide, 10) // 7+ digits: never equal to a 6-digit one
	}
	g.nGuide++
	e := spotcheck.Entity{
		Name:        g.unique(func() string { return personName(r) + demoMark }),
		Type:        "T05",
		Division:    d.code,
		GuideCardNo: card,
		Phone:       phone(r, true),
		Active:      true,
		Tags: []string{pick(r, []string{"中文", "中文", "中文", "英语", "日语", "韩语", "闽南语"}),
			pick(r, []string{"初级", "初级", "初级", "中级", "中级", "高级"})},
	}
	if chance(r, 20) {
		e.Tags = append(e.Tags, "领队")
	}
	e.Status = g.status()
	if e.Status == spotcheck.StatusRevoked || e.Status == spotcheck.StatusMovedOut {
		e.Status = spotcheck.StatusDeregistered // a person is neither revoked nor moved like a firm
	}
	e.CreditClass = g.creditClass()
	g.keyList(&e)
	return e
}

// agencyCode returns a firm credit code that no entity of the stream can
// have: it takes organisation codes from the top of the new-style space,
// which entity counters never reach.
func (g *entityGen) agencyCode(j int, head, region string) string {
	org := "MA" + base31(g.newOrg.at(newOrgSpace-1-uint64(j)), 6)
	return withCheckChar(head + region + org + string(spotcheck.OrgCodeCheckChar(org)))
}
