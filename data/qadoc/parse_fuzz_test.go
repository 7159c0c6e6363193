package qadoc

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/flashcards/flashcards/internal/testkit"
)

// fuzzTagRe is a tag a card would show: an element's tag outside code.
var (
	fuzzTagRe  = regexp.MustCompile(`(?i)(^|[^\\])</?(b|br|code|details|summary|p|div|span|a|img|i|em|strong|table|td|tr|ul|ol|li|pre|script)(\s[^>]*)?/?>`)
	fuzzCodeRe = regexp.MustCompile("(?s)(`+).*?(`+)|```.*?```")
)

// FuzzParse feeds the document reader arbitrary text, as Markdown and as
// a web page, seeded with every shape it knows. It must never panic, and
// every Q&A it returns has a question, an answer and no tag outside code.
func FuzzParse(f *testing.F) {
	f.Add("# T\n\n## S\n\n**What is X?**\n\nIt is <b>x</b>.<br/>\n\n**Why? 👶**\n\nAnswer here\n")
	f.Add("#### 3) Explain Y [[src](https://e.com/y)]\n\nBecause.\n\n### 4. Z?\n[[Answer]](https://e.com)\n")
	f.Add("<details>\n<summary>Q <code>a <B></code>?</summary><br><b>\n\n- x\n- y\n</b></details>\n")
	f.Add("1. **Q?**\n\n   A.\n2. **R?**\n\n| Question | Answer |\n|---|---|\n| a? | b |\n\n- a?\n- b\n- c?\n- d\n")
	f.Add("* [Q1: a?](#a)\n* [Q2: b?](#b)\n\n2. Title Case\n\nQ1. a?\nAns: b\n\n```\n# not a heading\n```\n")
	f.Add(string(testkit.Fixture(f, "qa-page.html")))
	f.Fuzz(func(t *testing.T, doc string) {
		if !utf8.ValidString(doc) {
			return // the importer refuses invalid UTF-8 before reading
		}
		for _, page := range []bool{false, true} {
			d := Parse(doc, Options{HTMLPage: page})
			for _, qa := range d.QAs {
				if strings.TrimSpace(qa.Question) == "" || strings.TrimSpace(qa.Answer) == "" || qa.Line < 0 || qa.Number < 1 {
					t.Fatalf("bad Q&A %+v", qa)
				}
				for _, s := range append([]string{qa.Question, qa.Answer, qa.Section, qa.Link}, append(qa.KeyPoints, qa.List...)...) {
					if !utf8.ValidString(s) || strings.ContainsRune(s, hardBreak) {
						t.Fatalf("bad text %q in %+v", s, qa)
					}
				}
				for _, s := range []string{qa.Question, qa.Answer} {
					if m := fuzzTagRe.FindString(fuzzCodeRe.ReplaceAllString(s, "")); m != "" {
						t.Fatalf("tag %q in %q", m, s)
					}
				}
			}
			for _, s := range d.Skipped {
				if s.Reason == "" || s.Line < 0 {
					t.Fatalf("bad skipped question %+v", s)
				}
			}
			if len(d.QAs) == 0 && d.NothingFound() == "" {
				t.Fatal("nothing found, and no word on what was seen")
			}
		}
	})
}
