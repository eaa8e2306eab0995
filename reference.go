package spotcheck

import (
	"context"
	"strings"
)

// TargetType is a kind of supervised entity (检查对象类型, design §11), kept
// as editable reference data. Person types (导游/领队) have no credit code
// and are identified by their 导游证号.
type TargetType struct {
	Code   string // T01…
	Name   string
	Person bool
}

// Division is a GB/T 2260 administrative division. Divisions are reference
// data, so another city is a data change, not a code change.
type Division struct {
	Code   string // 6 digits
	Name   string
	Parent string // "" for the top division known to the system
}

// Entity statuses (经营状态).
const (
	StatusOperating    = "在营"
	StatusSuspended    = "停业"
	StatusDeregistered = "注销"
	StatusRevoked      = "吊销"
	StatusMovedOut     = "迁出"
)

// EntityStatuses lists the business statuses in display order.
var EntityStatuses = []string{StatusOperating, StatusSuspended, StatusDeregistered, StatusRevoked, StatusMovedOut}

// CreditClasses are the credit-risk classes, A (低) to D (高).
var CreditClasses = []string{"A", "B", "C", "D"}

// CreditClassNames gives the Chinese name of each credit-risk class.
var CreditClassNames = map[string]string{"A": "信用风险低", "B": "信用风险一般", "C": "信用风险较高", "D": "信用风险高"}

// Reference is the reference data that validation needs: target types and
// divisions by code. The store loads it; tests build it by hand.
type Reference struct {
	Types     []TargetType
	Divisions []Division
}

// Type finds a target type by code (T01) or by exact name (旅行社).
func (r *Reference) Type(codeOrName string) (TargetType, bool) {
	s := strings.TrimSpace(codeOrName)
	for _, t := range r.Types {
		if strings.EqualFold(t.Code, s) || t.Name == s {
			return t, true
		}
	}
	return TargetType{}, false
}

// Division finds a division by its 6-digit code.
func (r *Reference) Division(code string) (Division, bool) {
	for _, d := range r.Divisions {
		if d.Code == code {
			return d, true
		}
	}
	return Division{}, false
}

// DefaultTargetTypes are the target types of a culture & tourism bureau
// (design §11, domain-rules B3), seeded into a new database.
var DefaultTargetTypes = []TargetType{
	{"T01", "旅行社", false},
	{"T02", "在线旅游经营者", false},
	{"T03", "A级旅游景区", false},
	{"T04", "星级饭店", false},
	{"T05", "导游/领队", true},
	{"T06", "互联网上网服务营业场所", false},
	{"T07", "歌舞娱乐场所", false},
	{"T08", "游艺娱乐场所", false},
	{"T09", "营业性演出主体", false},
	{"T10", "艺术品经营单位", false},
	{"T11", "经营性互联网文化单位", false},
	{"T12", "社会艺术水平考级机构", false},
	{"T13", "出版物发行/印刷经营单位", false},
	{"T14", "电影放映单位", false},
	{"T15", "广播电视相关单位", false},
	{"T16", "文物经营单位", false},
	{"T17", "其他", false},
}

// DefaultDivisions are Fuzhou (350100) and its 13 county-level divisions
// (GB/T 2260), seeded into a new database under Fujian (350000).
var DefaultDivisions = []Division{
	{"350000", "福建省", ""},
	{"350100", "福州市", "350000"},
	{"350102", "鼓楼区", "350100"},
	{"350103", "台江区", "350100"},
	{"350104", "仓山区", "350100"},
	{"350105", "马尾区", "350100"},
	{"350111", "晋安区", "350100"},
	{"350112", "长乐区", "350100"},
	{"350121", "闽侯县", "350100"},
	{"350122", "连江县", "350100"},
	{"350123", "罗源县", "350100"},
	{"350124", "闽清县", "350100"},
	{"350125", "永泰县", "350100"},
	{"350128", "平潭县", "350100"},
	{"350181", "福清市", "350100"},
}

// Inspection methods (检查方式, design §11).
var Methods = []Method{
	{"M01", "实地检查"},
	{"M02", "书面检查"},
	{"M03", "网络监测"},
	{"M04", "信息比对"},
	{"M05", "专业机构协助"},
	{"M06", "远程视频检查"},
}

// Method is an inspection method. M05 (专业机构协助) assists and is never the
// inspecting party.
type Method struct{ Code, Name string }

// MethodByCodeOrName finds an inspection method by code or exact name.
func MethodByCodeOrName(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, m := range Methods {
		if strings.EqualFold(m.Code, s) || m.Name == s {
			return m.Code, true
		}
	}
	return "", false
}

// ReferenceService gives the reference data (regions, industries, target
// types, …). The common contract of every service is in doc.go.
type ReferenceService interface {
	// FindReference returns the reference data; any principal may read
	// it. EUNAUTHORIZED.
	FindReference(ctx context.Context) (*Reference, error)
}
