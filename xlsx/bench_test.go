package xlsx

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"spotcheck"
)

// benchEntity makes the i-th entity of a synthetic directory, with every
// column filled as a real one would be.
func benchEntity(i int) spotcheck.Entity {
	first := fmt.Sprintf("9135010%010d", i)
	check, _ := spotcheck.USCCCheckChar(first)
	return spotcheck.Entity{ID: first + string(check), Name: fmt.Sprintf("福州第%d号旅行社有限公司", i), Type: "T01",
		Division: "350102", Address: fmt.Sprintf("福州市鼓楼区五四路%d号", i), LegalRep: "张三",
		LicenceNo: fmt.Sprintf("L-350100-%06d", i), Status: "在营", CreditClass: "ABCD"[i%4 : i%4+1],
		Key: i%10 == 0, KeyReason: "投诉较多", KeyExpiry: "2026-12-31", Tags: []string{"出境游", "研学"},
		Founded: "2010-05-06", Phone: "059187654321", Active: true}
}

// writeEntities writes n synthetic entities to path.
func writeEntities(b testing.TB, path string, n int) {
	w, err := Create(path, Entities)
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		e := benchEntity(i)
		if err := w.Write(&e); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkReadCSVEntities(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "e.csv")
	writeEntities(b, path, n)
	b.ReportAllocs()
	for b.Loop() {
		src, err := Open(path, Entities)
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for r, err := range src.Rows {
			if err != nil || len(r.Problems) > 0 {
				b.Fatal(err, r.Problems)
			}
			rows++
		}
		if rows != n {
			b.Fatalf("%d rows", rows)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
}

func BenchmarkWriteXLSXEntities(b *testing.B) {
	const n = 100_000
	es := make([]spotcheck.Entity, n)
	for i := range es {
		es[i] = benchEntity(i)
	}
	b.ReportAllocs()
	for b.Loop() {
		w, err := NewWriter(io.Discard, XLSX, Entities)
		if err != nil {
			b.Fatal(err)
		}
		for i := range es {
			if err := w.Write(&es[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
}

func BenchmarkReadXLSXEntities(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "e.xlsx")
	writeEntities(b, path, n)
	b.ReportAllocs()
	for b.Loop() {
		src, err := Open(path, Entities)
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for _, err := range src.Rows {
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
		if rows != n {
			b.Fatalf("%d rows", rows)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
}
