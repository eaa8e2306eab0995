package spotcheck

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// FieldError is one problem with one field of a record: Field is the stable
// ASCII key a form uses, Label the Chinese column or field name people see.
type FieldError struct {
	Field   string
	Label   string
	Message string
}

func (e FieldError) String() string { return e.Label + "：" + e.Message }

// Problems collects the field errors of one record. The zero value is ready.
type Problems []FieldError

// Add records a problem with field (label) and a formatted message.
func (p *Problems) Add(field, label, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Label: label, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when there are no problems, or an EINVALID *Error listing them.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &InvalidError{Fields: p}
}

// InvalidError is an EINVALID error that carries the field-level problems,
// so that forms can show each message beside its field.
type InvalidError struct{ Fields Problems }

func (e *InvalidError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, fe := range e.Fields {
		parts[i] = fe.String()
	}
	return strings.Join(parts, "；")
}

// Unwrap exposes the error as an EINVALID *Error to ErrorCode and ErrorMessage.
func (e *InvalidError) Unwrap() error { return &Error{Code: EINVALID, Message: e.Error()} }

// DateLayout is how dates are written everywhere: in files, forms and SQL.
const DateLayout = "2006-01-02"

// ValidDate reports whether s is a real calendar date in DateLayout.
func ValidDate(s string) bool {
	t, err := time.Parse(DateLayout, s)
	return err == nil && t.Format(DateLayout) == s
}

var (
	asciiID      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)
	divisionCode = regexp.MustCompile(`^[1-9][0-9]{5}$`)
)

// checkRequired adds a problem when s is empty.
func (p *Problems) checkRequired(field, label, s string) bool {
	if strings.TrimSpace(s) == "" {
		p.Add(field, label, "不能为空")
		return false
	}
	return true
}

// checkDate adds a problem when s is set and not a valid date.
func (p *Problems) checkDate(field, label, s string) {
	if s != "" && !ValidDate(s) {
		p.Add(field, label, "“%s”不是有效日期，应为YYYY-MM-DD", s)
	}
}

// checkLen adds a problem when s has more than max characters.
func (p *Problems) checkLen(field, label, s string, max int) {
	if n := len([]rune(s)); n > max {
		p.Add(field, label, "不能超过%d个字符（实际%d个）", max, n)
	}
}

// checkOneOf adds a problem when s is not one of the allowed values.
func (p *Problems) checkOneOf(field, label, s string, allowed ...string) {
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	p.Add(field, label, "“%s”无效，应为%s之一", s, strings.Join(allowed, "、"))
}
