package qa

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/flashcards/flashcards/data/category"
	"github.com/flashcards/flashcards/internal/testkit"
)

// corpusDir holds real interview Q&A documents written by other people,
// with hand counts in its README. They are never copied here: the test
// reads them where the workplace keeps them and skips without them.
var corpusDir = filepath.Join("..", "..", "..", "shared", "corpus")

// corpusFiles are the documents and their hand counts. question finds,
// in the file's own source, each line that holds a question: the test's
// oracle for "this card's front is that question".
var corpusFiles = []struct {
	name                string
	questions, answered int
	question            *regexp.Regexp
	sections            bool // the Q&As sit under topic headings
}{
	{"ds-theory.md", 166, 152, regexp.MustCompile(`(?m)^\*\*(.+)\*\*[ \t]*$`), true},
	{"mlquestions.md", 67, 62, regexp.MustCompile(`(?m)^#{3,4} \d+\)(.+)$`), false},
	{"devops-git.md", 39, 38, regexp.MustCompile(`<summary>(.+?)</summary>`), true},
	{"youssef-ml.md", 36, 36, regexp.MustCompile(`(?m)^### (Q\d+:.+)$`), false},
}

func readCorpus(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, name))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("corpus document %s is absent", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	corpusLinkRe = regexp.MustCompile(`!?\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\([^)\s]*\)`)
	corpusTagRe  = regexp.MustCompile(`(?i)</?(?:code|b|br|summary|details|p|a|i|em|strong)\b[^>]*>`)
	// htmlTagRe is a tag a card would show: an HTML element's tag outside
	// code, not escaped.
	htmlTagRe  = regexp.MustCompile(`(?i)(^|[^\\])</?(a|abbr|b|br|code|div|details|summary|em|i|img|li|ol|ul|p|pre|span|strong|sub|sup|table|td|th|tr|thead|tbody|h[1-6]|hr|blockquote|del|s|u|small|kbd|font|center|iframe|script|style)(\s[^>]*)?/?>`)
	codeCutRe  = regexp.MustCompile("(?s)```.*?```|`[^`\n]*`")
	srcLinksRe = regexp.MustCompile(`(?i)\[?\[\[?src\d*\]?\]\([^)]*\)\]?`)
)

// corpusNorm reduces text to its letters and digits, lowercased, so a
// card's front can be found in the line it came from.
func corpusNorm(s string) string {
	s = srcLinksRe.ReplaceAllString(s, "")
	s = corpusLinkRe.ReplaceAllString(s, "$1")
	s = corpusTagRe.ReplaceAllString(s, "")
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestImportCorpus imports each real document as it is and checks the
// cards against the hand counts: at least 95% of the answered Q&As become
// cards whose front is their question, no card holds two Q&As, no tag
// reaches a card, unanswered questions are listed rather than refusing
// the file, and a document with topic headings files under a quarter of
// its cards as uncategorized.
func TestImportCorpus(t *testing.T) {
	for _, f := range corpusFiles {
		t.Run(f.name, func(t *testing.T) {
			doc := readCorpus(t, f.name)
			var oracle []string
			for _, m := range f.question.FindAllStringSubmatch(string(doc), -1) {
				oracle = append(oracle, corpusNorm(m[1]))
			}
			if len(oracle) != f.questions {
				t.Fatalf("the test finds %d question lines, the README counts %d", len(oracle), f.questions)
			}
			p, err := Read(f.name, doc, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(p.Unanswered), f.questions-f.answered; got != want {
				t.Errorf("%d questions reported unanswered, the README counts %d", got, want)
			}
			for _, u := range p.Unanswered {
				if u.Line < 1 || u.Question == "" || u.Reason == "" {
					t.Errorf("unanswered question without line, text or reason: %+v", u)
				}
			}

			bySource := map[string]bool{}
			matched := map[int]string{} // oracle index -> front
			correct, uncategorized, qaCards := 0, 0, 0
			for _, d := range p.Drafts {
				for _, side := range []string{d.Front, d.Back} {
					if m := htmlTagRe.FindString(codeCutRe.ReplaceAllString(side, "")); m != "" {
						t.Errorf("card %q carries the tag %q", d.Front, m)
					}
				}
				if bySource[d.Source] {
					continue // a list card beside its Q&A's card
				}
				bySource[d.Source] = true
				qaCards++
				if d.Category == category.Uncategorized {
					uncategorized++
				}
				front := corpusNorm(d.Front)
				at := -1
				for i, q := range oracle {
					if len(front) >= 8 && strings.Contains(q, front) && len(front)*10 >= len(q)*6 {
						at = i
						break
					}
				}
				if at < 0 {
					t.Errorf("card front %q is none of the document's questions", d.Front)
					continue
				}
				if prev, dup := matched[at]; dup {
					t.Errorf("two cards for one question: %q and %q", prev, d.Front)
					continue
				}
				matched[at] = d.Front
				back := corpusNorm(d.Back)
				merged := false
				for i, q := range oracle {
					if i != at && len(q) >= 25 && strings.Contains(back, q) {
						t.Errorf("card %q holds another question too: %q", d.Front, q)
						merged = true
					}
				}
				if placeholder := strings.TrimSpace(strings.ToLower(d.Back)); placeholder == "answer here" || back == "" {
					t.Errorf("card %q has no answer: %q", d.Front, d.Back)
					continue
				}
				if !merged {
					correct++
				}
			}
			if qaCards > f.answered {
				t.Errorf("%d Q&A cards from %d answered Q&As", qaCards, f.answered)
			}
			if correct*100 < f.answered*95 {
				t.Errorf("%d correct cards of %d answered Q&As, want at least 95%%", correct, f.answered)
			}
			if f.sections && uncategorized*4 >= qaCards {
				t.Errorf("%d of %d cards uncategorized in a document with topic headings", uncategorized, qaCards)
			}
			t.Logf("%d of %d answered Q&As became correct cards (%d cards with list cards), %d uncategorized, %d unanswered listed",
				correct, f.answered, len(p.Drafts), uncategorized, len(p.Unanswered))
		})
	}
}

// The seed write-up imports exactly as before the document reader came:
// the same drafts as the plain-text reader alone gives, 14 cards (12
// Q&As, 2 lists) in the 12 built-in categories.
func TestImportSeedUnchanged(t *testing.T) {
	doc := testkit.Seed(t)
	got, err := readDrafts("ml-interview-mistakes.txt", doc, "")
	if err != nil {
		t.Fatal(err)
	}
	qas, err := Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := Cards("ml-interview-mistakes.txt", qas, "")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the seed's drafts changed:\n got %+v\nwant %+v", got, want)
	}
	categories := map[string]bool{}
	for _, d := range got {
		categories[d.Category] = true
	}
	if len(got) != 14 || len(categories) != 12 || categories[category.Uncategorized] {
		t.Errorf("%d cards in %d categories %v, want 14 in the 12 built-in ones", len(got), len(categories), categories)
	}
}
