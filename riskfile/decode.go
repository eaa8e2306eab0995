package riskfile

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"spotcheck"
)

// The keys of the file, by table. A key not here is refused, so that a
// misspelt key (weigth) cannot silently leave a value at zero.
var (
	rootKeys    = []string{"version", "name", "effective_from", "note"}
	classKeys   = []string{"b", "c", "d", "legal_source"}
	keyKeys     = []string{"classes", "expiry_months", "legal_source"}
	overdueKeys = []string{"max_months", "min_class", "key", "records_from", "legal_source"}
	factorKeys  = []string{"id", "weight", "data_source", "legal_source", "years", "cap", "key_at",
		"results", "months", "types", "default_share", "key_item_share"}
)

var factorPath = regexp.MustCompile(`^factors\[([0-9]+)\]\.(.+)$`)

// decode builds the model from the flattened file, refusing unknown keys
// and values of the wrong type. The model's own rules are Validate's.
func (r *reader) decode() *spotcheck.RiskModel {
	m := &spotcheck.RiskModel{Factors: make([]spotcheck.RiskFactor, r.arrays["factors"])}
	for name, n := range r.arrays {
		if name != "factors" {
			r.problem(r.tables[fmt.Sprintf("%s[%d]", name, n)], name, "未知的表数组 [[%s]]（只有 [[factors]]）", name)
		}
	}
	for _, path := range r.order {
		v := r.vals[path]
		into, hint := r.target(m, path)
		if into == nil {
			r.problem(v.line, path, "%s", hint)
			continue
		}
		if msg := into(v); msg != "" {
			r.problem(v.line, path, "%s", msg)
		}
	}
	return m
}

// target returns where the value at path goes, or nil and why it has no
// place in the file.
func (r *reader) target(m *spotcheck.RiskModel, path string) (typed, string) {
	if mm := factorPath.FindStringSubmatch(path); mm != nil {
		i, _ := strconv.Atoi(mm[1])
		if i < 1 || i > len(m.Factors) {
			return nil, "未知的键"
		}
		return factorTarget(&m.Factors[i-1], mm[2])
	}
	table, key, nested := strings.Cut(path, ".")
	if !nested {
		switch path {
		case "version":
			return stringInto(&m.Version), ""
		case "name":
			return stringInto(&m.Name), ""
		case "effective_from":
			return dateInto(&m.EffectiveFrom), ""
		case "note":
			return stringInto(&m.Note), ""
		case "factors":
			return nil, "因子应逐个写成 [[factors]] 表"
		case "classes", "key", "overdue":
			return nil, fmt.Sprintf("应写成表 [%s]", path)
		}
		return nil, unknown("文件顶层", rootKeys)
	}
	switch table {
	case "classes":
		c := &m.Classes
		switch key {
		case "b":
			return intInto(&c.B), ""
		case "c":
			return intInto(&c.C), ""
		case "d":
			return intInto(&c.D), ""
		case "legal_source":
			return stringInto(&c.LegalSource), ""
		}
		return nil, unknown("[classes]", classKeys)
	case "key":
		k := &m.Key
		switch key {
		case "classes":
			return listInto(&k.Classes), ""
		case "expiry_months":
			return intInto(&k.ExpiryMonths), ""
		case "legal_source":
			return stringInto(&k.LegalSource), ""
		}
		return nil, unknown("[key]", keyKeys)
	case "overdue":
		o := &m.Overdue
		switch key {
		case "max_months":
			return intInto(&o.MaxMonths), ""
		case "min_class":
			return stringInto(&o.MinClass), ""
		case "key":
			return boolInto(&o.Key), ""
		case "records_from":
			return dateInto(&o.RecordsFrom), ""
		case "legal_source":
			return stringInto(&o.LegalSource), ""
		}
		return nil, unknown("[overdue]", overdueKeys)
	case "factors":
		return nil, "因子的键应写在 [[factors]] 表中"
	}
	return nil, "未知的键（文件只有顶层键和 [classes]、[key]、[overdue]、[[factors]] 表）"
}

// factorTarget is target for a key of one factor.
func factorTarget(f *spotcheck.RiskFactor, key string) (typed, string) {
	if code, ok := strings.CutPrefix(key, "types."); ok {
		if strings.Contains(code, ".") {
			return nil, "未知的键"
		}
		return func(v value) string {
			n, msg := integer(v)
			if msg == "" {
				if f.Types == nil {
					f.Types = map[string]int{}
				}
				f.Types[code] = n
			}
			return msg
		}, ""
	}
	switch key {
	case "id":
		return stringInto(&f.ID), ""
	case "weight":
		return intInto(&f.Weight), ""
	case "data_source":
		return stringInto(&f.DataSource), ""
	case "legal_source":
		return stringInto(&f.LegalSource), ""
	case "years":
		return intInto(&f.Years), ""
	case "cap":
		return intInto(&f.Cap), ""
	case "key_at":
		return intInto(&f.KeyAt), ""
	case "results":
		return listInto(&f.Results), ""
	case "months":
		return intInto(&f.Months), ""
	case "default_share":
		return intInto(&f.DefaultShare), ""
	case "key_item_share":
		return intInto(&f.KeyItemShare), ""
	case "types":
		return nil, "应为类型风险系数表，如 types = { T01 = 60, T07 = 80 }"
	}
	return nil, unknown("[[factors]]", factorKeys)
}

// unknown says that a key is not one of where's keys, and which there are.
func unknown(where string, keys []string) string {
	return "未知的键（" + where + "可用的键：" + strings.Join(keys, "、") + "）"
}

// isKnown reports whether path is a key the format has, so that a
// problem with it when the file lacks it can say it is missing.
func isKnown(path string) bool {
	if mm := factorPath.FindStringSubmatch(path); mm != nil {
		k := mm[2]
		return slices.Contains(factorKeys, k) && k != "types"
	}
	table, key, nested := strings.Cut(path, ".")
	if !nested {
		return slices.Contains(rootKeys, path)
	}
	switch table {
	case "classes":
		return slices.Contains(classKeys, key)
	case "key":
		return slices.Contains(keyKeys, key)
	case "overdue":
		return slices.Contains(overdueKeys, key)
	}
	return false
}
