package store

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"spotcheck"
)

// The column adapters below store domain values in the portable column
// types of the migrations: booleans as INTEGER 0/1, lists as TEXT joined by
// listSep, timestamps as RFC 3339 TEXT. Each is both a sql.Scanner (reading
// into the domain field) and a driver.Valuer (writing from it).

// listSep joins list values in one column; spotcheck.SplitList splits at it.
const listSep = "、"

type boolCol struct{ p *bool }

func (c boolCol) Scan(v any) error {
	switch x := v.(type) {
	case int64:
		*c.p = x != 0
	case bool:
		*c.p = x
	default:
		return fmt.Errorf("boolCol: unexpected %T", v)
	}
	return nil
}

func (c boolCol) Value() (driver.Value, error) {
	if *c.p {
		return int64(1), nil
	}
	return int64(0), nil
}

type listCol struct{ p *[]string }

func (c listCol) Scan(v any) error {
	s, err := asString(v)
	if err != nil {
		return err
	}
	*c.p = nil
	if s != "" {
		*c.p = strings.Split(s, listSep)
	}
	return nil
}

func (c listCol) Value() (driver.Value, error) { return strings.Join(*c.p, listSep), nil }

type leavesCol struct{ p *[]spotcheck.Leave }

func (c leavesCol) Scan(v any) error {
	s, err := asString(v)
	if err != nil {
		return err
	}
	*c.p = spotcheck.ParseLeaves(s)
	return nil
}

func (c leavesCol) Value() (driver.Value, error) { return spotcheck.FormatLeaves(*c.p), nil }

type timeCol struct{ p *time.Time }

func (c timeCol) Scan(v any) error {
	s, err := asString(v)
	if err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("timeCol: %w", err)
	}
	*c.p = t
	return nil
}

func (c timeCol) Value() (driver.Value, error) { return c.p.UTC().Format(time.RFC3339), nil }

func asString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("unexpected %T for a text column", v)
}

// values turns column adapters into plain driver values, as COPY needs.
func values(args []any) ([]any, error) {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case driver.Valuer:
			dv, err := v.Value()
			if err != nil {
				return nil, err
			}
			out[i] = dv
		case *string:
			out[i] = *v
		case *int:
			out[i] = int64(*v)
		default:
			out[i] = a
		}
	}
	return out, nil
}

// timeText scans an RFC 3339 text column that stays empty until an event
// happens (a reveal, a decision) into a time, zero while empty.
type timeText struct{ p *time.Time }

func (c timeText) Scan(v any) error {
	s, err := asString(v)
	if err != nil || s == "" {
		return err
	}
	return timeCol(c).Scan(v)
}
