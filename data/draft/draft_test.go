package draft

import (
	"errors"
	"strings"
	"testing"
)

// A key ignores what a re-import may change (case, spacing, typographic
// quotes and dashes) and nothing else.
func TestKey(t *testing.T) {
	a := Key("qa:", "Why isn’t  accuracy enough — really?")
	if b := Key("qa:", " why isn't accuracy\tenough - REALLY? "); a != b {
		t.Errorf("same words, other keys: %s %s", a, b)
	}
	if a == Key("qa:", "Why isn't recall enough - really?") || a == Key("csv:", "Why isn’t  accuracy enough — really?") {
		t.Error("other words or another prefix, the same key")
	}
	if Key("csv:", "a b", "c") == Key("csv:", "a", "b c") {
		t.Error("parts are not kept apart")
	}
}

func TestClean(t *testing.T) {
	text, err := Clean([]byte("\ufeffQ1. A?\r\nAns: b.\rc\n"), MaxWriteUpBytes)
	if err != nil || text != "Q1. A?\nAns: b.\nc\n" {
		t.Errorf("got %q, %v", text, err)
	}
	for _, tc := range []struct {
		doc  string
		want error
		line int
	}{
		{"\ufeff \n", ErrEmpty, 0},
		{"a\r\nb\r\n\xff", ErrNotUTF8, 3},
		{strings.Repeat("a", 11), ErrTooLarge, 0},
	} {
		_, err := Clean([]byte(tc.doc), 10)
		var r *Refusal
		if !errors.As(err, &r) || !errors.Is(err, tc.want) || r.Message == "" {
			t.Errorf("%q: %v, want a Refusal for %v", tc.doc, err, tc.want)
			continue
		}
		if tc.line > 0 && (len(r.Problems) != 1 || r.Problems[0].Line != tc.line) {
			t.Errorf("%q: problems %+v, want line %d", tc.doc, r.Problems, tc.line)
		}
	}
}

func TestSourceName(t *testing.T) {
	for in, want := range map[string]string{
		"notes/ml.txt":                 "ml.txt",
		" x.md ":                       "x.md",
		"bad\xffname.csv":              "badname.csv",
		strings.Repeat("é", 150) + "x": strings.Repeat("é", MaxNameRunes),
	} {
		if got := SourceName(in); got != want {
			t.Errorf("SourceName(%q) = %q, want %q", in, got, want)
		}
	}
}
