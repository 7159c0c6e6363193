package anki

import (
	"bytes"
	"testing"
)

// TestTextWriter: the header lines Anki's importer reads, one line per
// card with its tags as Anki writes them, and quoting where a field holds
// a tab, a newline or a quote; no formula guard.
func TestTextWriter(t *testing.T) {
	var buf bytes.Buffer
	tw, err := NewTextWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Card("=What is F1?", "The harmonic mean\nof precision and recall", []string{"data-quality", "company/acme"}); err != nil {
		t.Fatal(err)
	}
	if err := tw.Card("Say \"hi\"", "tab\there", nil); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	want := "#separator:tab\n#html:false\n#tags column:3\n" +
		"=What is F1?\t\"The harmonic mean\nof precision and recall\"\tdata-quality company::acme\n" +
		"\"Say \"\"hi\"\"\"\t\"tab\there\"\t\n"
	if got := buf.String(); got != want {
		t.Errorf("wrote\n%q\nwant\n%q", got, want)
	}
}
