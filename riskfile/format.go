package riskfile

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"spotcheck"
)

//go:embed default.toml
var defaultFile []byte

// Default returns the default model file: the platform's first model for
// a city culture & tourism bureau (Fuzhou), which an administrator loads
// as it is or edits into a version of their own.
func Default() []byte { return bytes.Clone(defaultFile) }

// Format writes m in the file format, in the order docs/risk-model.md
// lists the keys, without comments, so that Parse(Format(m)) gives m back.
// It writes a factor's parameters only when its kind takes them.
func Format(m *spotcheck.RiskModel) []byte {
	var b bytes.Buffer
	kv := func(key, format string, args ...any) {
		fmt.Fprintf(&b, "%s = "+format+"\n", append([]any{key}, args...)...)
	}
	str := func(key, s string) { kv(key, "%s", quote(s)) }
	list := func(key string, items []string) {
		q := make([]string, len(items))
		for i, s := range items {
			q[i] = quote(s)
		}
		kv(key, "[%s]", strings.Join(q, ", "))
	}
	str("version", m.Version)
	str("name", m.Name)
	str("effective_from", m.EffectiveFrom)
	if m.Note != "" {
		str("note", m.Note)
	}
	b.WriteString("\n[classes]\n")
	kv("b", "%d", m.Classes.B)
	kv("c", "%d", m.Classes.C)
	kv("d", "%d", m.Classes.D)
	str("legal_source", m.Classes.LegalSource)
	b.WriteString("\n[key]\n")
	list("classes", m.Key.Classes)
	kv("expiry_months", "%d", m.Key.ExpiryMonths)
	str("legal_source", m.Key.LegalSource)
	b.WriteString("\n[overdue]\n")
	kv("max_months", "%d", m.Overdue.MaxMonths)
	str("min_class", m.Overdue.MinClass)
	kv("key", "%t", m.Overdue.Key)
	str("records_from", m.Overdue.RecordsFrom)
	str("legal_source", m.Overdue.LegalSource)
	for _, f := range m.Factors {
		kind, _ := spotcheck.RiskFactorKindOf(f.ID)
		has := func(bit int) bool { return kind.Params&bit != 0 }
		b.WriteString("\n[[factors]]\n")
		str("id", f.ID)
		kv("weight", "%d", f.Weight)
		str("data_source", f.DataSource)
		str("legal_source", f.LegalSource)
		if has(spotcheck.RiskParamYears) {
			kv("years", "%d", f.Years)
		}
		if has(spotcheck.RiskParamCap) {
			kv("cap", "%d", f.Cap)
		}
		if has(spotcheck.RiskParamKeyAt) {
			kv("key_at", "%d", f.KeyAt)
		}
		if has(spotcheck.RiskParamResults) {
			list("results", f.Results)
		}
		if has(spotcheck.RiskParamMonths) {
			kv("months", "%d", f.Months)
		}
		if has(spotcheck.RiskParamShares) {
			codes := make([]string, 0, len(f.Types))
			for c := range f.Types {
				codes = append(codes, c)
			}
			slices.Sort(codes)
			pairs := make([]string, len(codes))
			for i, c := range codes {
				pairs[i] = fmt.Sprintf("%s = %d", quoteKey(c), f.Types[c])
			}
			kv("types", "{ %s }", strings.Join(pairs, ", "))
			kv("default_share", "%d", f.DefaultShare)
			kv("key_item_share", "%d", f.KeyItemShare)
		}
	}
	return b.Bytes()
}

// quote writes s as a TOML basic string: Chinese as it is, the quote,
// the backslash and control characters escaped.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// quoteKey writes a key bare when TOML allows it, quoted otherwise.
func quoteKey(k string) string {
	if k == "" {
		return `""`
	}
	for _, r := range k {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return quote(k)
		}
	}
	return k
}
