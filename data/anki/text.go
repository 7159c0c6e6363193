package anki

import (
	"bufio"
	"encoding/csv"
	"io"
	"strings"
)

// TextWriter writes cards as a tab-separated file Anki's "Import File"
// reads: front, back and the note's tags, after the header lines that
// tell Anki so. Fields holding a tab, a newline or a quote are quoted,
// which Anki's importer understands. There is no formula guard here: Anki
// is no spreadsheet, and it would show the apostrophe on the card.
type TextWriter struct {
	bw  *bufio.Writer
	cw  *csv.Writer
	rec []string
}

// NewTextWriter writes the header lines to w.
func NewTextWriter(w io.Writer) (*TextWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("#separator:tab\n#html:false\n#tags column:3\n"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = '\t'
	return &TextWriter{bw: bw, cw: cw, rec: make([]string, 3)}, nil
}

// Card writes one card; its tags are written as Anki writes them ("::"
// for "/", space-separated).
func (t *TextWriter) Card(front, back string, tags []string) error {
	t.rec[0], t.rec[1], t.rec[2] = front, back, strings.Join(TagNames(tags), " ")
	return t.cw.Write(t.rec)
}

// Close writes out what is buffered.
func (t *TextWriter) Close() error {
	t.cw.Flush()
	if err := t.cw.Error(); err != nil {
		return err
	}
	return t.bw.Flush()
}
