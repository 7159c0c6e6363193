// Package draft holds the plain card drafts that every file format turns
// a document into, and that the store turns into cards, with what the
// formats share in making them: a draft's key, the limits a card and an
// import hold, what a tag may be, the checks every document passes (size,
// emptiness, UTF-8) and the errors a format refuses a document with. It
// imports nothing of ours: a format package fills drafts without a
// database, and the store reads them without knowing the format.
package draft

// Card is one card as a file describes it, before it is stored.
type Card struct {
	Key       string   // stable identity for de-duplication on re-import
	Front     string   // the prompt (Markdown); for a cloze, the note's text with its {{cN::…}} deletions
	Back      string   // the expected answer (Markdown); for a cloze, the note's extra text shown on the back
	Category  string   // a category slug
	KeyPoints []string // phrases a good answer contains
	Source    string   // where it came from, e.g. "ml-interview-mistakes.txt Q4"

	// Tags are the card's free labels ("company/acme", "round/onsite"),
	// hierarchical with "/". Nil or empty: none.
	Tags []string

	// Cloze is the deletion number a cloze card asks for (1 for {{c1::…}});
	// 0 is a basic card. Cards of one cloze note share Note, a name that
	// only has to be unique within one import (Anki's note id, say), and
	// the same Front.
	Cloze int
	Note  string
}
