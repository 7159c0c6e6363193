// Package cardtable reads card tables: CSV and TSV files as Anki and
// spreadsheets export them, one card per row, into card drafts. It knows
// which column holds what from a header row, from Anki's "#key:value"
// lines, or from a mapping the person chose, and says which line of the
// file to fix when a row cannot be read. docs/import-formats.md describes
// the format.
package cardtable

import (
	"encoding/csv"
	"errors"
	"fmt"
	"html"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flashcards/flashcards/data/category"
	"github.com/flashcards/flashcards/data/draft"
)

// Parse reads cards from a CSV or TSV table as Anki and spreadsheets
// export them: front, back, category and key points (separated by ";"),
// one card per row. An optional header row names the columns, in any
// order, and may name a tags column (tags separated by spaces, Anki's
// "::" levels written "/"). Anki's "#separator:", "#html:", "#columns:"
// and "#tags column:" lines at the top are honoured, and other
// "#key:value" lines there skipped. Rows it cannot read are reported as
// draft.ParseErrors with their line numbers, returned together with the
// drafts that did parse; rows repeating an earlier front and back are
// dropped. A table of more than draft.MaxImportCards cards is refused
// whole (a *draft.TooManyCardsError), after counting them without keeping
// them. The format is described in docs/import-formats.md.
func Parse(doc []byte, name string) ([]draft.Card, error) {
	return ParseWith(doc, name, Options{})
}

// Options say how to read a card table; the zero value is Parse's.
type Options struct {
	// Columns says which columns hold what (the import preview's
	// mapping); nil finds them from the header row, or takes front,
	// back, category, key points.
	Columns *Mapping
	// Fallback is the category of cards the table files nowhere ("" for
	// uncategorized), a valid slug.
	Fallback string
	// MaxCards is the most cards a table may hold; 0 is
	// draft.MaxImportCards.
	MaxCards int
}

// ParseWith is Parse with options.
func ParseWith(doc []byte, name string, opts Options) ([]draft.Card, error) {
	mapping, limit := opts.Columns, opts.MaxCards
	if limit <= 0 {
		limit = draft.MaxImportCards
	}
	text, err := draft.Clean(doc, draft.MaxTableBytes)
	if err != nil {
		return nil, err
	}
	head, body, skipped := csvAnkiHeader(text)
	name = strings.ToValidUTF8(name, "\uFFFD") // it ends up in every Source

	r := csv.NewReader(strings.NewReader(body))
	r.Comma = csvSeparator(head, name, body)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true

	cols := head.defaultColumns()
	headerSeen := false
	if head.columns != "" {
		if c, ok := head.headerColumns(strings.Split(head.columns, string(r.Comma))); ok {
			cols, headerSeen = c, true
		}
	}
	if mapping != nil {
		cols = mapping.columns(cols)
	}

	var (
		drafts []draft.Card
		errs   draft.ParseErrors
		seen   = map[string]bool{}
		first  = true
		// headerFields is how many columns a header row names; 0 when
		// the table has no header row.
		headerFields = 0
		over         int // cards past the limit: counted, not kept
	)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// After a quoting error the reader's idea of where rows start
			// is unreliable, so report it and stop rather than guess.
			e := csvReadProblem(err, body, r.Comma)
			e.Line += skipped
			e.Msg += "; rows after it were not read"
			errs = append(errs, e)
			break
		}
		start, _ := r.FieldPos(0)
		line := skipped + start
		if first {
			first = false
			if mapping != nil && mapping.Header {
				continue
			}
			if !headerSeen && mapping == nil {
				if c, ok := head.headerColumns(rec); ok {
					cols, headerFields = c, csvFieldCount(rec)
					continue
				}
			}
		}
		if n := csvFieldCount(rec); headerFields > 0 && n > headerFields {
			// Most often a separator inside a field that is not quoted:
			// every field after it moved one column to the right.
			errs = append(errs, draft.ParseError{Line: line, Msg: fmt.Sprintf(
				"this row has %d fields where the header has %d; put a field that holds %s in quotes",
				n, headerFields, csvSeparatorWord(r.Comma))})
			continue
		}
		d, msg := csvDraft(rec, cols, head.html)
		if msg != "" {
			errs = append(errs, draft.ParseError{Line: line, Msg: msg})
			continue
		}
		if len(drafts) == limit {
			if !seen[d.Key] {
				over++
			}
			continue
		}
		d.Source = "line " + strconv.Itoa(line)
		if src := draft.SourceName(name); src != "" && src != "." {
			d.Source = src + " " + d.Source
		}
		if !seen[d.Key] {
			seen[d.Key] = true
			drafts = append(drafts, d)
		}
	}
	if over > 0 {
		return nil, &draft.TooManyCardsError{Count: len(drafts) + over, Max: limit}
	}
	if len(errs) > 0 {
		return drafts, errs
	}
	if len(drafts) == 0 {
		return nil, draft.ErrNoQA
	}
	if opts.Fallback != "" {
		for i := range drafts {
			if drafts[i].Category == category.Uncategorized {
				drafts[i].Category = opts.Fallback
			}
		}
	}
	return drafts, nil
}

// csvReadProblem says what the CSV reader stumbled on, on the line where
// the user can fix it, and how. Its line counts from the start of body.
func csvReadProblem(err error, body string, sep rune) draft.ParseError {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return draft.ParseError{Line: 1, Msg: err.Error()}
	}
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		// The reader notices only where the quoted field can no longer
		// go on, often many lines (or the whole file) later.
		return draft.ParseError{Line: csvQuotedFieldStart(body, sep, pe),
			Msg: `a quoted field starts here and its closing quote is missing; close it with " (a quote inside a quoted field is written "")`}
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return draft.ParseError{Line: pe.Line, Msg: fmt.Sprintf(
			`a quote at column %d is inside a field that does not start with a quote; put the whole field in quotes and double the quote ("")`,
			csvCharColumn(body, pe.Line, pe.Column))}
	}
	return draft.ParseError{Line: pe.StartLine, Msg: pe.Err.Error()}
}

// csvQuotedFieldStart finds the line on which the quoted field the reader
// gave up in opens. The record starts at pe.StartLine, but an earlier field
// of it may itself be quoted and span lines; the reader stopped at pe.Line
// and pe.Column (a byte count). It reads the record again up to there,
// quoting as the reader does, and returns the line of the last quote that
// opened a field and did not close it.
func csvQuotedFieldStart(body string, sep rune, pe *csv.ParseError) int {
	i := 0
	for line := 1; line < pe.StartLine; line++ {
		nl := strings.IndexByte(body[i:], '\n')
		if nl < 0 {
			return pe.StartLine
		}
		i += nl + 1
	}
	line, col := pe.StartLine, 1
	open, quoted, fieldStart := pe.StartLine, false, true
	for i < len(body) && (line < pe.Line || line == pe.Line && col < pe.Column) {
		r, n := utf8.DecodeRuneInString(body[i:])
		switch {
		case quoted && r == '"' && strings.HasPrefix(body[i+n:], `"`):
			n++ // a doubled quote inside the field
		case quoted && r == '"':
			quoted = false
		case quoted:
		case fieldStart && r == '"':
			open, quoted, fieldStart = line, true, false
		case r == sep:
			fieldStart = true
		default:
			fieldStart = false
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col += n
		}
		i += n
	}
	if !quoted {
		return pe.StartLine
	}
	return open
}

// csvCharColumn turns the reader's byte column on a line of body into the
// character column an editor shows.
func csvCharColumn(body string, line, byteCol int) int {
	for ; line > 1; line-- {
		_, rest, ok := strings.Cut(body, "\n")
		if !ok {
			return byteCol
		}
		body = rest
	}
	text, _, _ := strings.Cut(body, "\n")
	return utf8.RuneCountInString(text[:min(max(byteCol-1, 0), len(text))]) + 1
}

// csvFieldCount counts a row's fields up to its last non-blank one, so
// that a trailing separator is not a field.
func csvFieldCount(rec []string) int {
	n := len(rec)
	for n > 0 && strings.TrimSpace(rec[n-1]) == "" {
		n--
	}
	return n
}

// csvSeparatorWord names a separator in a message.
func csvSeparatorWord(sep rune) string {
	switch sep {
	case ',':
		return "a comma"
	case '\t':
		return "a tab"
	case ';':
		return "a semicolon"
	case '|':
		return "a pipe (|)"
	case ' ':
		return "a space"
	}
	return fmt.Sprintf("a %q", sep)
}

// csvColumns holds 0-based column positions; -1 means absent.
type csvColumns struct {
	front, back, category, keyPoints, tags int
	// firstTag says the category column is the tags column: its first
	// tag names the category.
	firstTag bool
}

// defaultColumns lays out a table without a header row: front, back,
// category, key points, skipping the columns Anki says hold its note ids,
// note types and decks. A tags column Anki names supplies the category.
func (h csvHead) defaultColumns() csvColumns {
	var free []int
	for i := 0; len(free) < 4; i++ {
		if !h.special[i+1] {
			free = append(free, i)
		}
	}
	c := csvColumns{front: free[0], back: free[1], category: free[2], keyPoints: free[3], tags: -1}
	if h.tagsColumn > 0 {
		c.category, c.tags, c.firstTag = h.tagsColumn-1, h.tagsColumn-1, true
		c.keyPoints = free[2]
	}
	return c
}

// headerColumns reads a header row's columns; a tags column Anki's
// "#tags column:" line names counts when the row names none.
func (h csvHead) headerColumns(rec []string) (csvColumns, bool) {
	c, ok := csvHeaderColumns(rec)
	if c.tags < 0 && h.tagsColumn > 0 {
		c.tags = h.tagsColumn - 1
	}
	return c, ok
}

// csvHeaderColumns recognizes a header row by its names. It needs both a
// front and a back column, so a card whose front happens to be "Question"
// is not mistaken for a header unless its back is "Answer" too.
func csvHeaderColumns(rec []string) (csvColumns, bool) {
	c := csvColumns{front: -1, back: -1, category: -1, keyPoints: -1, tags: -1}
	for i, f := range rec {
		n := strings.ToLower(strings.TrimSpace(f))
		n = strings.NewReplacer(" ", "", "_", "", "-", "").Replace(n)
		switch n {
		case "front", "question", "q", "prompt":
			c.front = i
		case "back", "answer", "a", "ans":
			c.back = i
		case "category", "categories":
			c.category = i
		case "tags", "tag":
			c.tags = i
		case "keypoints", "keypoint":
			c.keyPoints = i
		}
	}
	if c.category < 0 && c.tags >= 0 {
		c.category, c.firstTag = c.tags, true
	}
	return c, c.front >= 0 && c.back >= 0
}

func csvField(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}

// csvDraft builds one card from a row, or says what is wrong with it.
func csvDraft(rec []string, cols csvColumns, isHTML bool) (draft.Card, string) {
	if len(rec) < 2 {
		return draft.Card{}, "expected at least a front and a back, found 1 column"
	}
	clean := strings.TrimSpace
	if isHTML {
		clean = csvFromHTML
	}
	front, back := clean(csvField(rec, cols.front)), clean(csvField(rec, cols.back))
	switch {
	case front == "" && back == "":
		return draft.Card{}, "empty front and back"
	case front == "":
		return draft.Card{}, "empty front"
	case back == "":
		return draft.Card{}, "empty back"
	}
	slug := strings.TrimSpace(csvField(rec, cols.category))
	if cols.firstTag {
		// Anki tags are space-separated; the first one names the category.
		if tags := strings.Fields(slug); len(tags) > 0 {
			slug = tags[0]
		}
	}
	slug = category.SlugFor(slug)
	if slug == "" {
		slug = category.Uncategorized
	}
	return draft.Card{
		Key:       draft.Key("csv:", front, back),
		Front:     front,
		Back:      back,
		Category:  slug,
		KeyPoints: draft.SplitKeyPoints(csvField(rec, cols.keyPoints)),
		Tags:      csvTags(csvField(rec, cols.tags)),
	}, ""
}

// csvTags reads a tags field as Anki writes it: tags separated by spaces,
// "::" between the levels of a hierarchical tag, which become "/"
// ("company::acme" is "company/acme"). The store checks what a tag may be.
func csvTags(field string) []string {
	var tags []string
	for _, t := range strings.Fields(field) {
		tags = append(tags, strings.ReplaceAll(t, "::", "/"))
	}
	return tags
}

// csvHead is what Anki's "#key:value" lines at the top of an export say.
type csvHead struct {
	separator  rune
	html       bool
	columns    string
	tagsColumn int          // 1-based, 0 when absent
	special    map[int]bool // 1-based columns that hold no card text
}

// csvMaxColumn bounds column numbers read from a header; real exports
// have a handful.
const csvMaxColumn = 1000

var csvHeadLineRe = regexp.MustCompile(`^#([a-z][a-z ]*):(.*)$`)

// csvAnkiHeader splits the "#key:value" lines Anki writes at the top of an
// export from the rows, returning how many lines it skipped so row line
// numbers still match the file.
func csvAnkiHeader(text string) (csvHead, string, int) {
	h := csvHead{special: map[int]bool{}}
	skipped := 0
	for strings.HasPrefix(text, "#") {
		line, rest, _ := strings.Cut(text, "\n")
		m := csvHeadLineRe.FindStringSubmatch(line)
		if m == nil {
			break
		}
		key, value := m[1], strings.TrimSpace(m[2])
		switch key {
		case "separator":
			h.separator = csvSeparatorNamed(value)
		case "html":
			h.html = strings.EqualFold(value, "true")
		case "columns":
			h.columns = m[2]
		case "tags column":
			if n, err := strconv.Atoi(value); err == nil && n > 0 && n <= csvMaxColumn {
				h.tagsColumn = n
				h.special[n] = true
			}
		case "guid column", "notetype column", "deck column":
			if n, err := strconv.Atoi(value); err == nil && n > 0 && n <= csvMaxColumn {
				h.special[n] = true
			}
		}
		text = rest
		skipped++
	}
	return h, text, skipped
}

func csvSeparatorNamed(v string) rune {
	switch strings.ToLower(v) {
	case "tab", "\t":
		return '\t'
	case "comma", ",":
		return ','
	case "semicolon", ";":
		return ';'
	case "pipe", "|":
		return '|'
	case "space", " ":
		return ' '
	}
	return 0
}

// csvSeparator picks the field separator: Anki's "#separator:" line, else
// tab for .tsv files, files whose first row has a tab, and .txt files
// (Anki's export) whose first row has no comma either; else comma.
func csvSeparator(h csvHead, name, body string) rune {
	if h.separator != 0 {
		return h.separator
	}
	firstRow, _, _ := strings.Cut(body, "\n")
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case ext == ".tsv", strings.Contains(firstRow, "\t"):
		return '\t'
	case ext == ".txt" && !strings.Contains(firstRow, ","):
		return '\t'
	}
	return ','
}

var csvBreakTagRe = regexp.MustCompile(`(?i)<\s*(?:br\s*/?|/\s*(?:div|p|li))\s*>`)
var csvTagRe = regexp.MustCompile(`<[^>]*>`)

// csvFromHTML turns a field Anki exported as HTML into plain text: line
// breaks stay line breaks, other tags go, and entities are decoded.
func csvFromHTML(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.TrimSpace(s)
	}
	s = csvBreakTagRe.ReplaceAllString(s, "\n")
	s = csvTagRe.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = strings.ReplaceAll(s, "\u00a0", " ")
	return strings.TrimSpace(s)
}

// Mapping says which of a card table's columns hold what, by
// 0-based position; -1 is "none" for the category, key points and tags.
// A category column that is also the tags column takes the first tag.
type Mapping struct {
	Front, Back, Category, KeyPoints, Tags int
	// Header says the first row names the columns and holds no card.
	Header bool
}

func (m Mapping) columns(found csvColumns) csvColumns {
	return csvColumns{front: m.Front, back: m.Back, category: m.Category, keyPoints: m.KeyPoints, tags: m.Tags,
		firstTag: found.firstTag && found.category == m.Category}
}

// Layout is what a card table's first rows show: a label for
// each column and the mapping the importer would use by itself.
type Layout struct {
	Columns []string // "front" from a header row, else `Column 2: "first value"`
	Mapping Mapping
}

// layoutRows is how many rows are read to count a table's columns.
const layoutRows = 50

// ReadLayout reads a card table's columns and the mapping the
// importer finds for them.
func ReadLayout(doc []byte, name string) (Layout, error) {
	text, err := draft.Clean(doc, draft.MaxTableBytes)
	if err != nil {
		return Layout{}, err
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
		if c, ok := head.headerColumns(strings.Split(head.columns, string(r.Comma))); ok {
			cols, names = c, strings.Split(head.columns, string(r.Comma))
		}
	} else if len(rows) > 0 {
		if c, ok := head.headerColumns(rows[0]); ok {
			cols, names, header = c, rows[0], true
		}
	}
	n := len(names)
	for _, row := range rows {
		n = max(n, len(row))
	}
	n = min(max(n, 2), csvMaxColumn)
	l := Layout{Mapping: Mapping{Front: cols.front, Back: cols.back, Category: cols.category, KeyPoints: cols.keyPoints, Tags: cols.tags, Header: header}}
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
	for _, p := range []*int{&l.Mapping.Category, &l.Mapping.KeyPoints, &l.Mapping.Tags} {
		if *p >= n {
			*p = -1
		}
	}
	return l, nil
}

// Check says what is wrong with a mapping for a table of n columns: a
// *draft.Refusal with the sentence the preview shows.
func (m Mapping) Check(n int) error {
	in := func(i int) bool { return i >= 0 && i < n }
	switch {
	case !in(m.Front) || !in(m.Back):
		return draft.Refusef("Choose a column for the front and one for the back")
	case m.Front == m.Back:
		return draft.Refusef("The front and the back must be different columns")
	case m.Category != -1 && !in(m.Category), m.KeyPoints != -1 && !in(m.KeyPoints), m.Tags != -1 && !in(m.Tags):
		return draft.Refusef("Choose one of the table's columns, or none")
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
