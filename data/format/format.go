// Package format tells what kind of file an import was handed, from its
// name and first bytes. It is the one place formats are sniffed: every
// front door (the import form, POST /api/v1/import, flashcards import)
// and the document reader ask Detect. It needs no database.
package format

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/flashcards/flashcards/data/qadoc"
)

// Format is a kind of file the importer reads.
type Format string

// The formats an import takes.
const (
	// Text is a Q&A write-up: "Q1. / Ans:" plain text or Markdown.
	Text Format = "text"
	// HTML is a saved web page of questions and answers.
	HTML Format = "html"
	// CardTable is a CSV or TSV table with a front and a back column.
	CardTable Format = "table"
	// Export is a JSON export of this server, restored with its history.
	Export Format = "export"
	// Apkg is an Anki package: a zip holding an Anki collection.
	Apkg Format = "apkg"
)

// HeadSize is how many first bytes Detect looks at; a caller may pass
// fewer (a shorter file) or more (they are not read).
const HeadSize = 512

// IsDocument reports whether the format is read into card drafts (a
// write-up, a page or a table), as opposed to a whole account's file.
func (f Format) IsDocument() bool { return f == Text || f == HTML || f == CardTable }

// Detect says what a file is. A zip is an Anki package whatever it is
// called; otherwise the name's extension decides (.apkg, .json, .csv,
// .tsv, .html, .htm, .xhtml), then the content: a JSON object is an
// export, a page that starts like one (<!doctype html>, <html>) is a
// saved page, and anything else a Q&A write-up.
func Detect(name string, head []byte) Format {
	head = head[:min(len(head), HeadSize)]
	if IsZip(head) {
		return Apkg
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".apkg":
		return Apkg
	case ".json":
		return Export
	case ".csv", ".tsv":
		return CardTable
	case ".html", ".htm", ".xhtml":
		return HTML
	}
	text := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	if startsJSONObject(text) {
		return Export
	}
	if qadoc.LooksLikeHTMLPage(string(text)) {
		return HTML
	}
	return Text
}

// startsJSONObject reports text that opens a JSON object: "{" and then a
// member name or the end, so a write-up that opens with "{braces}" stays a
// write-up.
func startsJSONObject(text []byte) bool {
	if len(text) == 0 || text[0] != '{' {
		return false
	}
	rest := bytes.TrimLeft(text[1:], " \t\r\n")
	return len(rest) == 0 || rest[0] == '"' || rest[0] == '}'
}

// IsZip reports whether a file starts like a zip archive, as an Anki
// package does; the import then says whether it really is one.
func IsZip(head []byte) bool {
	return len(head) >= 4 && head[0] == 'P' && head[1] == 'K' &&
		((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))
}
