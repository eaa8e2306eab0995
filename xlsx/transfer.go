package xlsx

import (
	"context"
	"io"

	"spotcheck"
)

// Transfer imports and exports one kind through its service,
// whatever its record type, so that the command line and the web pages
// share one path from file to store.
type Transfer struct {
	Kind string
	// ImportFile imports the file at path (.csv or .xlsx).
	ImportFile func(ctx context.Context, path string, opts ...Option) (spotcheck.ImportSummary, error)
	// Import imports an uploaded file; name gives its format.
	Import func(ctx context.Context, name string, r io.ReaderAt, size int64, opts ...Option) (spotcheck.ImportSummary, error)
	// ExportFile writes every record the user may see to path and returns
	// how many there were. There is deliberately no variant that writes to
	// an io.Writer: the store's read stays open while records are written,
	// and a writer such as an HTTP response to a slow client would hold
	// it, with its database connection, for as long as the client takes
	// (issue 8). Serve a file produced first instead.
	ExportFile func(ctx context.Context, path string) (int, error)
}

func transferOf[T any](kind string, c *Codec[T],
	imp func(context.Context, spotcheck.ImportSource[T]) (spotcheck.ImportSummary, error),
	exp func(context.Context, func(*T) error) error) Transfer {
	write := func(ctx context.Context, w *Writer[T]) (int, error) {
		n := 0
		err := exp(ctx, func(v *T) error {
			n++
			return w.Write(v)
		})
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return n, err
	}
	return Transfer{
		Kind: kind,
		ImportFile: func(ctx context.Context, path string, opts ...Option) (spotcheck.ImportSummary, error) {
			src, release, err := openSource(path, c, opts)
			if err != nil {
				return spotcheck.ImportSummary{}, err
			}
			defer release()
			return imp(ctx, *src)
		},
		Import: func(ctx context.Context, name string, r io.ReaderAt, size int64, opts ...Option) (spotcheck.ImportSummary, error) {
			src, release, err := readSource(name, r, size, c, opts)
			if err != nil {
				return spotcheck.ImportSummary{}, err
			}
			defer release()
			return imp(ctx, *src)
		},
		ExportFile: func(ctx context.Context, path string) (int, error) {
			w, err := Create(path, c)
			if err != nil {
				return 0, err
			}
			return write(ctx, w)
		},
	}
}

// Transfers returns the Transfer of every import kind, by kind, through
// the services of d that keep it.
func Transfers(d spotcheck.Transfers) map[string]Transfer {
	inspectors := func(expert bool) Transfer {
		c := Inspectors
		if expert {
			c = Experts
		}
		return transferOf(c.Kind, c,
			func(ctx context.Context, src spotcheck.ImportSource[spotcheck.Inspector]) (spotcheck.ImportSummary, error) {
				return d.Inspectors.ImportInspectors(ctx, expert, src)
			},
			func(ctx context.Context, fn func(*spotcheck.Inspector) error) error {
				return d.Inspectors.ExportInspectors(ctx, expert, fn)
			})
	}
	ts := []Transfer{
		transferOf(spotcheck.KindEntities, Entities, d.Entities.ImportEntities, d.Entities.ExportEntities),
		inspectors(false),
		inspectors(true),
		transferOf(spotcheck.KindAgencies, Agencies, d.Agencies.ImportAgencies, d.Agencies.ExportAgencies),
		transferOf(spotcheck.KindItems, Items, d.Items.ImportItems, d.Items.ExportItems),
		transferOf(spotcheck.KindResponsibilities, Responsibilities, d.Responsibilities.ImportResponsibilities, d.Responsibilities.ExportResponsibilities),
		transferOf(spotcheck.KindDepartments, Departments, d.Departments.ImportDepartments, d.Departments.ExportDepartments),
		transferOf(spotcheck.KindConflicts, Conflicts, d.Conflicts.ImportConflicts, d.Conflicts.ExportConflicts),
	}
	if d.RiskEvents != nil {
		ts = append(ts,
			transferOf(spotcheck.KindComplaints, Complaints, d.RiskEvents.ImportComplaints, d.RiskEvents.ExportComplaints),
			transferOf(spotcheck.KindPenalties, Penalties, d.RiskEvents.ImportPenalties, d.RiskEvents.ExportPenalties))
	}
	out := make(map[string]Transfer, len(ts))
	for _, t := range ts {
		out[t.Kind] = t
	}
	return out
}
