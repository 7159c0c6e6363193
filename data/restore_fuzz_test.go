package data

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

// FuzzReadExport feeds the export reader arbitrary bytes, seeded with a
// real export and pieces of it. It must never panic, and it either accepts
// a document or refuses it as invalid input: never another kind of error,
// since the bytes come from memory.
func FuzzReadExport(f *testing.F) {
	s, uid, clock := reviewFixture(f, 3, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	grade(f, s, uid, 1, 5)
	grade(f, s, uid, 2, 2)
	grade(f, s, uid, 2, 4)
	*clock = clock.AddDate(0, 0, 1)
	grade(f, s, uid, 1, 3)
	var doc bytes.Buffer
	if err := s.ExportJSON(context.Background(), uid, &doc); err != nil {
		f.Fatal(err)
	}
	f.Add(doc.Bytes())
	f.Add(doc.Bytes()[:doc.Len()/2])
	f.Add(bytes.Replace(doc.Bytes(), []byte(`"grade":5`), []byte(`"grade":9`), 1))
	f.Add(bytes.Replace(doc.Bytes(), []byte(`"version":1`), []byte(`"version":2`), 1))
	f.Add([]byte(`{"format":"flashcards-export","version":1}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]`))
	f.Add([]byte("\xef\xbb\xbf{}"))
	f.Fuzz(func(t *testing.T, in []byte) {
		exp, err := ReadExport(bytes.NewReader(in))
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("an in-memory document refused with %v, not as invalid input", err)
			}
			return
		}
		if exp == nil {
			t.Fatal("no error and no export")
		}
	})
}
