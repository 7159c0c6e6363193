// Package qadoc finds the questions and answers in a Markdown document or a
// saved web page, in the shapes real interview write-ups use: question
// headings, bold question lines, <details> blocks, numbered bold questions,
// question/answer tables and alternating bullets, and "Q1." / "Ans:" markers
// in paragraphs. It owns no storage: text goes in, plain Q&A drafts and a
// report of what was left out come back. docs/import-formats.md describes
// every shape.
//
// Markdown is read with goldmark's parser, rendered to HTML with raw HTML
// kept, and read back with golang.org/x/net/html, so that HTML written
// inside Markdown (<details>, <br/>, <code>) nests as a browser would nest
// it, and one reader serves Markdown and saved pages alike. Every answer
// is written back out as Markdown: no tag reaches a card.
package qadoc

import (
	"fmt"
	"strings"
)

// QA is one question and its answer.
type QA struct {
	Number    int      // ordinal among the document's questions, answered or not, from 1
	Line      int      // 1-based line where the question starts (0 when unknown)
	Shape     Shape    // how the question was written
	Question  string   // Markdown, one line, without number, source link or difficulty marks
	Answer    string   // Markdown, as written: paragraphs, lists, code, tables
	ListIntro string   // the sentence before the answer's first list when it ends with ":"
	List      []string // that list's items, as Markdown, when it makes a card of its own
	ListLeads []string // a short phrase per item of List, for that card's key points
	Section   string   // the nearest section heading above the question, "" if none
	Link      string   // the question's trailing source link ("[[src](url)]"), "" if none
	Category  string   // from an explicit "Category: ..." line in the answer
	KeyPoints []string // from an explicit "Key points: a; b" line, else phrases found in the answer
}

// Skipped is a question the document leaves unanswered.
type Skipped struct {
	Line     int
	Question string
	Reason   string // e.g. "no answer", `a placeholder ("Answer here")`
}

// Shape is a way of writing questions that the parser knows.
type Shape int

const (
	ShapeHeading     Shape = iota + 1 // "## What is X?", "#### 3) Explain Y [[src](url)]"
	ShapeBold                         // "**What is X?**" on a line of its own
	ShapeDetails                      // <details><summary>Question</summary> answer </details>
	ShapeListItem                     // "1. **What is X?**" with the answer indented under it
	ShapeTable                        // | Question | Answer |
	ShapeAlternating                  // "- What is X?" then "- The answer"
	ShapeMarker                       // "Q1. What is X?" then "Ans: ..."
)

var shapeNames = map[Shape][2]string{
	ShapeHeading:     {"question heading", "question headings"},
	ShapeBold:        {"bold question line", "bold question lines"},
	ShapeDetails:     {"<details> block", "<details> blocks"},
	ShapeListItem:    {"numbered bold question", "numbered bold questions"},
	ShapeTable:       {"question/answer table row", "question/answer table rows"},
	ShapeAlternating: {"question bullet", "question bullets"},
	ShapeMarker:      {"Q1. question line", "Q1. question lines"},
}

// String names the shape as the import report does, e.g. "bold question lines".
func (s Shape) String() string { return shapeNames[s][1] }

// Count says "1 bold question line" or "3 bold question lines".
func (s Shape) Count(n int) string {
	names, ok := shapeNames[s]
	if !ok {
		return fmt.Sprintf("%d questions", n)
	}
	if n == 1 {
		return "1 " + names[0]
	}
	return fmt.Sprintf("%d %s", n, names[1])
}

// LookedFor lists the shapes the parser knows, for the message that
// refuses a document without any.
const LookedFor = `question headings ("## What is X?", "### 3) Explain Y"), ` +
	`bold question lines ("**What is X?**"), <details><summary> blocks, ` +
	`numbered bold questions with the answer indented under them, ` +
	`Question | Answer tables, alternating question and answer bullets, ` +
	`and "Q1." questions with "Ans:" answers`

// ShapeCount is how many Q&As of one shape a document gave.
type ShapeCount struct {
	Shape Shape
	Found int // Q&As with an answer
	Empty int // questions without one
}

// Document is what Parse found.
type Document struct {
	QAs     []QA
	Skipped []Skipped    // unanswered questions, in document order
	Shapes  []ShapeCount // in the order of Shape
	// Sections counts the distinct section headings the Q&As sit under;
	// with two or more the document has sections worth filing by.
	Sections int
	// TableOfContents is the number of table-of-contents links skipped.
	TableOfContents int
	// Outline is the document's words outside its answers: its title and
	// section headings, the text before the first question, and the
	// questions. It tells a write-up about interview mistakes from others.
	Outline string
	// Saw describes the document's blocks when it holds no Q&A, e.g.
	// "12 headings (none a question), 40 paragraphs and 3 lists".
	Saw string
}

// NothingFound explains a document without a single answered question:
// the shapes found without answers, or else what the document is made of.
func (d Document) NothingFound() string {
	var found []string
	empty := 0
	for _, s := range d.Shapes {
		if s.Empty > 0 {
			found = append(found, s.Shape.Count(s.Empty))
			empty += s.Empty
		}
	}
	if empty == 1 {
		return found[0] + " was found, but no answer followed it"
	}
	if empty > 1 {
		return joinAnd(found) + " were found, but no answer followed them"
	}
	if d.Saw == "" {
		return "the document has no text"
	}
	return "it holds " + d.Saw + ", none of them a question followed by its answer"
}

// Options change how a document is read.
type Options struct {
	// HTMLPage reads the text as a saved web page rather than Markdown.
	HTMLPage bool
}

// Parse reads a Markdown document or, with opts.HTMLPage, a saved web
// page. text must be valid UTF-8 with "\n" line ends; the caller checks
// size and encoding.
func Parse(text string, opts Options) Document {
	var root *contentRoot
	if opts.HTMLPage {
		root = pageContent(text)
	} else {
		root = markdownContent(text)
	}
	return root.read()
}

// LooksLikeHTMLPage reports whether text is a saved web page rather than
// Markdown, from how it starts: a doctype or an <html> tag.
func LooksLikeHTMLPage(text string) bool {
	t := strings.TrimLeft(strings.TrimPrefix(text, "\ufeff"), " \t\r\n")
	if strings.HasPrefix(t, "<?xml") {
		if i := strings.Index(t, "?>"); i >= 0 {
			t = strings.TrimLeft(t[i+2:], " \t\r\n")
		}
	}
	for strings.HasPrefix(t, "<!--") {
		i := strings.Index(t, "-->")
		if i < 0 {
			return false
		}
		t = strings.TrimLeft(t[i+3:], " \t\r\n")
	}
	head := strings.ToLower(t[:min(len(t), 15)])
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html")
}

func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
