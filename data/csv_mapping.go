package data

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CardTableMapping says which of a card table's columns hold what, by
// 0-based position; -1 is "none" for the category and key points.
type CardTableMapping struct {
	Front, Back, Category, KeyPoints int
	// Header says the first row names the columns and holds no card.
	Header bool
}

func (m CardTableMapping) columns(found csvColumns) csvColumns {
	return csvColumns{front: m.Front, back: m.Back, category: m.Category, keyPoints: m.KeyPoints,
		tags: found.tags && found.category == m.Category}
}

// CardTableLayout is what a card table's first rows show: a label for
// each column and the mapping the importer would use by itself.
type CardTableLayout struct {
	Columns []string // "front" from a header row, else `Column 2: "first value"`
	Mapping CardTableMapping
}

// layoutRows is how many rows are read to count a table's columns.
const layoutRows = 50

// ReadCardTableLayout reads a card table's columns and the mapping the
// importer finds for them.
func ReadCardTableLayout(doc []byte, name string) (CardTableLayout, error) {
	text, err := qaCleanDocument(doc, MaxCardTableBytes)
	if err != nil {
		return CardTableLayout{}, err
	}
	head, body, _ := csvAnkiHeader(text)
	r := csv.NewReader(strings.NewReader(body))
	r.Comma = csvSeparator(head, name, body)
	r.FieldsPerRecord = -1
	var rows [][]string
	for len(rows) < layoutRows {
		rec, err := r.Read()
		if err != nil {
			break // the parse reports it, with its line
		}
		rows = append(rows, rec)
	}
	cols, names := head.defaultColumns(), []string(nil)
	header := false
	if head.columns != "" {
		if c, ok := csvHeaderColumns(strings.Split(head.columns, string(r.Comma))); ok {
			cols, names = c, strings.Split(head.columns, string(r.Comma))
		}
	} else if len(rows) > 0 {
		if c, ok := csvHeaderColumns(rows[0]); ok {
			cols, names, header = c, rows[0], true
		}
	}
	n := len(names)
	for _, row := range rows {
		n = max(n, len(row))
	}
	n = min(max(n, 2), csvMaxColumn)
	l := CardTableLayout{Mapping: CardTableMapping{Front: cols.front, Back: cols.back, Category: cols.category, KeyPoints: cols.keyPoints, Header: header}}
	for i := range n {
		label := "Column " + strconv.Itoa(i+1)
		switch {
		case i < len(names) && strings.TrimSpace(names[i]) != "":
			label += ": " + clip(strings.TrimSpace(names[i]), 30)
		case !header && len(rows) > 0 && i < len(rows[0]):
			if v := strings.TrimSpace(rows[0][i]); v != "" {
				label += fmt.Sprintf(": “%s”", clip(v, 30))
			}
		}
		l.Columns = append(l.Columns, label)
	}
	for _, p := range []*int{&l.Mapping.Category, &l.Mapping.KeyPoints} {
		if *p >= n {
			*p = -1
		}
	}
	return l, nil
}

// Check says what is wrong with a mapping for a table of n columns.
func (m CardTableMapping) Check(n int) error {
	in := func(i int) bool { return i >= 0 && i < n }
	switch {
	case !in(m.Front) || !in(m.Back):
		return Errorf(ErrInvalid, "Choose a column for the front and one for the back")
	case m.Front == m.Back:
		return Errorf(ErrInvalid, "The front and the back must be different columns")
	case m.Category != -1 && !in(m.Category), m.KeyPoints != -1 && !in(m.KeyPoints):
		return Errorf(ErrInvalid, "Choose one of the table's columns, or none")
	}
	return nil
}

// clip shortens s to at most n characters, marking the cut.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
