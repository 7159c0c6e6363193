package format

import "testing"

// TestDetect: the name's extension and the first bytes say what a file
// is, and a zip is an Anki package whatever it is called.
func TestDetect(t *testing.T) {
	zip := []byte("PK\x03\x04rest")
	for _, tc := range []struct {
		name string
		head string
		want Format
	}{
		{"notes.txt", "Q1. What?\nAns: That.\n", Text},
		{"notes.md", "## What is X?\n\nY.\n", Text},
		{"Pasted notes", "Q1. What?\nAns: That.\n", Text},
		{"page.html", "<p>Q</p>", HTML},
		{"PAGE.HTM", "", HTML},
		{"saved", "\ufeff  <!DOCTYPE html><html>", HTML},
		{"saved.txt", "<!-- saved -->\n<html lang=en>", HTML},
		{"trees.csv", "front,back\n", CardTable},
		{"trees.TSV", "front\tback\n", CardTable},
		{"backup.json", "not even json", Export},
		{"renamed.txt", "\ufeff\n  {\"format\": \"flashcards-export\"", Export},
		{"braces.md", "{not json}\nQ1. A?\nAns: b.\n", Text},
		{"empty-object", "{}", Export},
		{"deck.apkg", "not a zip", Apkg},
		{"deck.txt", string(zip), Apkg},
		{"deck.csv", string(zip), Apkg},
		{"", "", Text},
	} {
		if got := Detect(tc.name, []byte(tc.head)); got != tc.want {
			t.Errorf("Detect(%q, %q) = %s, want %s", tc.name, tc.head, got, tc.want)
		}
	}
	for in, want := range map[string]bool{"PK\x03\x04rest": true, "PK\x05\x06": true, "PK": false, "Q1. x": false, "": false} {
		if got := IsZip([]byte(in)); got != want {
			t.Errorf("IsZip(%q) = %v", in, got)
		}
	}
	for f, doc := range map[Format]bool{Text: true, HTML: true, CardTable: true, Export: false, Apkg: false} {
		if f.IsDocument() != doc {
			t.Errorf("%s.IsDocument() = %v", f, !doc)
		}
	}
}
