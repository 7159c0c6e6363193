package data

import (
	"errors"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data/qadoc"
	"github.com/flashcards/flashcards/internal/testkit"
)

// peakHeap runs f and returns how far the Go heap (live objects and
// garbage not yet swept) grew above where it stood before, sampled every
// 200µs, and how long f took.
func peakHeap(f func()) (uint64, time.Duration) {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	base, peak := s[0].Value.Uint64(), s[0].Value.Uint64()
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(200 * time.Microsecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				metrics.Read(s)
				peak = max(peak, s[0].Value.Uint64())
			}
		}
	}()
	start := time.Now()
	f()
	took := time.Since(start)
	close(done)
	<-stopped
	return peak - base, took
}

// hostileDocuments are uploads built to exhaust the importer, each within
// the 4 MiB limit. refused says whether the budget turns them away; the
// others are cheap enough to read.
var hostileDocuments = []struct {
	name, doc string
	refused   string // the refusal's count and kind, "" when the document is read
}{
	{"table of 350,000 rows", "| Question | Answer |\n|---|---|\n" + strings.Repeat("| q? | a |\n", 349_000), "349,002 table rows"},
	{"100,000 list items", strings.Repeat("- a\n", 100_000), "100,000 list items"},
	{"4 MiB of [", strings.Repeat("[", MaxDocumentBytes), "4,194,304 emphasis marks and link brackets"},
	{"4 MiB of *a_", strings.Repeat("*a_", MaxDocumentBytes/3), "2,796,202 emphasis marks and link brackets"},
	{"2 million lines", strings.Repeat("a\n", MaxDocumentBytes/2), "2,097,152 lines"},
	{"nested <div><b>", "**Q?**\n\n" + strings.Repeat("<div><b>", 400_000), "800,000 HTML tags"},
	{"saved page of 1.4 million <p>", "<!doctype html><html><body>" + strings.Repeat("<p>", 1_390_000), "1,390,003 HTML tags"},
	{"80,000 *a_ in a row", strings.Repeat("*a_", 80_000), ""},
	{"4 MiB of nested quotes", strings.Repeat(">", MaxDocumentBytes-3) + " x\n", ""},
	{"lists nested 2,000 deep", testkit.NestedList(2000), ""},
}

// TestHostileDocumentsAreBounded imports each hostile document: it is
// refused at once with a message that says what is too many and how to
// split the file, or read, and either way the Go heap grows by less than
// 150 MB, so a few parallel uploads fit a 1 GB server (issue #15).
func TestHostileDocumentsAreBounded(t *testing.T) {
	for _, h := range hostileDocuments {
		t.Run(h.name, func(t *testing.T) {
			if len(h.doc) > MaxDocumentBytes {
				t.Fatalf("the document has %d bytes, over the limit", len(h.doc))
			}
			var err error
			peak, took := peakHeap(func() { _, err = ParseDocumentWith("doc.md", []byte(h.doc), ImportOptions{}) })
			t.Logf("%.1f MB, %v: %v", float64(peak)/1e6, took.Round(time.Millisecond), err)
			if peak > 150e6 {
				t.Errorf("the heap grew by %.0f MB, want under 150 MB", float64(peak)/1e6)
			}
			var tc *qadoc.TooComplexError
			if h.refused == "" {
				if errors.As(err, &tc) {
					t.Errorf("refused: %v", err)
				}
				return
			}
			if !errors.As(err, &tc) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want a TooComplexError", err)
			}
			want := "This document is too complex to import: it has " + h.refused + "; split it into files of at most "
			if !strings.Contains(err.Error(), want) || tc.Max < 1 || tc.Max >= tc.Count {
				t.Errorf("got %q, want it to say %q and a smaller count", err, want)
			}
			if took > 3*time.Second { // reading them took 4 to 30 s; refusing takes milliseconds, more under -race
				t.Errorf("refusing took %v, want under 3 s", took)
			}
		})
	}
}

// BenchmarkHostileDocuments measures reading each hostile document, and
// the largest document of each hostile shape the budget still lets in:
// peak-MB is the Go heap's growth while reading one.
func BenchmarkHostileDocuments(b *testing.B) {
	docs := map[string]string{}
	for _, h := range hostileDocuments {
		docs[h.name] = h.doc
	}
	for name, shape := range map[string][2]string{
		"table rows":       {"| Question | Answer |\n|---|---|\n", "| q? | a |\n"},
		"one-column table": {"|a\n|-\n", "a|\n"},
		"list items":       {"", "- a\n"},
		"headings":         {"", "#\n"},
		"paragraphs":       {"", "a\n\n"},
		"code spans":       {"", "`a"},
		"autolinks":        {"", "<http://a> "},
		"strikethrough":    {"", "~~a~~ "},
		"saved page list":  {"<!doctype html><html><body><ul>", "<li>a"},
		"nested lists":     {"", "- - - - - - - - - - a\n"},
	} {
		docs["largest within budget: "+name] = largestWithinBudget(shape[0], shape[1])
	}
	for name, doc := range docs {
		b.Run(name, func(b *testing.B) {
			var peak uint64
			for b.Loop() {
				p, _ := peakHeap(func() { ParseDocumentWith("doc.md", []byte(doc), ImportOptions{}) })
				peak = max(peak, p)
			}
			b.ReportMetric(float64(peak)/1e6, "peak-MB")
			b.ReportMetric(float64(len(doc)), "doc-bytes")
		})
	}
}

// largestWithinBudget is prefix and as many units as the budget lets in.
func largestWithinBudget(prefix, unit string) string {
	fits := func(n int) bool { return qadoc.CheckBudget(prefix+strings.Repeat(unit, n)) == nil }
	lo, hi := 0, (MaxDocumentBytes-len(prefix))/len(unit)+1
	for lo < hi-1 {
		if m := (lo + hi) / 2; fits(m) {
			lo = m
		} else {
			hi = m
		}
	}
	return prefix + strings.Repeat(unit, lo)
}
