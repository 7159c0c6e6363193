package qadoc

import (
	"fmt"
	"strconv"
)

// Reading a document costs memory and time in proportion to the nodes it
// becomes: goldmark's tree, then the HTML, then x/net/html's tree, each
// with a node or more per line, list item, table cell, tag and code span.
// A 4 MiB table of 350,000 tiny rows took 850 MB and 16 s that way. Before
// anything is parsed, CheckBudget counts what makes nodes, in one pass
// that allocates nothing, and refuses a document whose reading would cost
// more than budgetBytes.
//
// The weights are bytes of peak Go heap per element, measured on 4 MiB
// documents made of nothing else (TestHostileDocumentsAreBounded,
// BenchmarkHostileDocuments), rounded up. The real write-ups in the
// corpus (10-100 KB) cost at most 3% of the budget; a saved page of a few
// hundred kilobytes, a few percent more.
const (
	budgetBytes = 100 << 20

	costLine      = 700  // a line with text: a paragraph, heading or its text node
	costBlankLine = 150  // a blank line
	costListItem  = 1100 // a list marker, on top of its line: list, item and text block
	costTableCell = 800  // a "|": a table cell and its <td>
	costTag       = 1000 // a "<": an HTML element, comment or autolink
	costBacktick  = 600  // a "`": half a code span
	costMark      = 300  // a "*", "_", "~" or "[": emphasis, strikethrough or a link
	costEntity    = 100  // a "&": a character reference
)

// budgetKinds name the kinds of element a document is charged for, as
// the refusal names the costliest.
var budgetKinds = [...]string{
	"lines", "list items", "table rows", "HTML tags", "code spans",
	"emphasis marks and link brackets", "character references",
}

// TooComplexError refuses a document whose reading would cost more memory
// or time than the importer allows any one file.
type TooComplexError struct {
	Count int    // how many of the costliest kind of element the document has
	What  string // that kind, e.g. "table rows"
	Max   int    // how many of them a file of the same mix may hold
}

func (e *TooComplexError) Error() string {
	return fmt.Sprintf("this document is too complex to import: it has %s %s; split it into files of at most %s %s",
		thousands(e.Count), e.What, thousands(e.Max), e.What)
}

// CheckBudget returns a *TooComplexError for a document that would cost
// more than the importer allows to read, as Markdown or as a page, and
// nil for any other. It reads text once and allocates nothing.
func CheckBudget(text string) error {
	count, cost := budgetCount(text)
	total, worst := 0, 0
	for k := range budgetKinds {
		total += cost[k]
		if cost[k] > cost[worst] {
			worst = k
		}
	}
	if total <= budgetBytes {
		return nil
	}
	// A file of the same mix holding Max of the worst kind fits the budget.
	most := int(int64(count[worst]) * budgetBytes / int64(total))
	return &TooComplexError{Count: count[worst], What: budgetKinds[worst], Max: roundDown(most)}
}

// budgetCount counts a document's elements by kind, in the order of
// budgetKinds, and what they cost in bytes.
func budgetCount(text string) (count, cost [len(budgetKinds)]int) {
	const lines, lists, tables, tags, code, marks, entities = 0, 1, 2, 3, 4, 5, 6
	lineStart, blank, hasPipe := true, true, false
	endLine := func() {
		count[lines]++
		if blank {
			cost[lines] += costBlankLine
		} else {
			cost[lines] += costLine
		}
		if hasPipe {
			count[tables]++
		}
	}
	for i := 0; i < len(text); i++ {
		if lineStart {
			lineStart, blank, hasPipe = false, true, false
			// The list markers that open the line, as far as guardMarkdown keeps them.
			_, n := containerPrefix(text[i:], guardPrefix)
			count[lists] += n
			cost[lists] += n * costListItem
		}
		switch c := text[i]; c {
		case '\n':
			endLine()
			lineStart = true
			continue
		case ' ', '\t':
			continue
		case '|':
			hasPipe = true
			cost[tables] += costTableCell
		case '<':
			count[tags]++
			cost[tags] += costTag
		case '`':
			count[code]++ // two make a span: halved below
			cost[code] += costBacktick
		case '*', '_', '~', '[':
			count[marks]++
			cost[marks] += costMark
		case '&':
			count[entities]++
			cost[entities] += costEntity
		}
		blank = false
	}
	if !lineStart {
		endLine()
	}
	count[code] = (count[code] + 1) / 2
	return count, cost
}

// roundDown keeps two significant digits: 41,943 becomes 41,000.
func roundDown(n int) int {
	unit := 1
	for n/unit >= 100 {
		unit *= 10
	}
	return max(1, n/unit*unit)
}

// thousands writes 349525 as "349,525".
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
