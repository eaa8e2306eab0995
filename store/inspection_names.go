package store

import (
	"context"
	"strings"

	"spotcheck"
)

// nameInspections fills what the pages show of each inspection's entity
// (name, address) and team (names, 执法证号), in one query each: the
// inspections the user may see were chosen before, and a team member
// must know where to go and with whom even when the entity or a teammate
// belongs to another department's directory.
func nameInspections(ctx context.Context, q querier, ins []*spotcheck.Inspection) error {
	if len(ins) == 0 {
		return nil
	}
	entities, staff := map[string]bool{}, map[string]bool{}
	for _, in := range ins {
		entities[in.Entity] = true
		for _, s := range in.Team {
			staff[s] = true
		}
	}
	type place struct{ name, address string }
	places := map[string]place{}
	if err := queryIn(ctx, q, `SELECT id, name, address FROM entities WHERE id IN `, entities, func(code, a, b string) {
		places[code] = place{a, b}
	}); err != nil {
		return err
	}
	names, certs := map[string]string{}, map[string]string{}
	if err := queryIn(ctx, q, `SELECT staff_id, name, cert_no FROM inspectors WHERE staff_id IN `, staff, func(code, a, b string) {
		names[code], certs[code] = a, b
	}); err != nil {
		return err
	}
	for _, in := range ins {
		in.EntityName, in.Address = places[in.Entity].name, places[in.Entity].address
		in.Names, in.CertNos = map[string]string{}, map[string]string{}
		for _, s := range in.Team {
			in.Names[s], in.CertNos[s] = names[s], certs[s]
		}
	}
	return nil
}

// queryIn runs sql (ending in "IN ") over codes and hands each row of
// three text columns to row.
func queryIn(ctx context.Context, q querier, sql string, codes map[string]bool, row func(code, a, b string)) error {
	if len(codes) == 0 {
		return nil
	}
	var c conds
	ph := make([]string, 0, len(codes))
	for code := range codes {
		ph = append(ph, c.arg(code))
	}
	rows, err := q.QueryContext(ctx, sql+"("+strings.Join(ph, ", ")+")", c.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code, a, b string
		if err := rows.Scan(&code, &a, &b); err != nil {
			return err
		}
		row(code, a, b)
	}
	return rows.Err()
}
