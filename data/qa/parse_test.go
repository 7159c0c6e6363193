package qa

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/flashcards/flashcards/data/category"
	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/internal/testkit"
)

func TestParseQASampleText(t *testing.T) {
	got, err := Parse(testkit.Fixture(t, "qa-sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := []QA{
		{
			Number: 1, Line: 6,
			Question: "Why do pipelines need to be idempotent?",
			Answer:   "Jobs get retried after failures. An idempotent step can run twice without duplicating rows, so a retry is always safe.",
		},
		{
			Number: 2, Line: 8,
			Question:  "What should you check before trusting a new data source?",
			Answer:    "Judge its data quality before you build on it.\n\nSkipping these checks moves the surprises into production.",
			ListIntro: "Things worth checking first:",
			List: []string{
				"Row counts against the source system",
				"Null rates per column",
				"Duplicate keys",
				"Time zones of every timestamp",
			},
		},
		{
			Number: 3, Line: 16,
			Question: "When is a batch job the better trade-off compared with streaming?",
			// A line wrapped mid-sentence joins its paragraph.
			Answer: "When the people reading the results look at them once a day, a nightly batch is simpler to run, cheaper, and easier to backfill.",
		},
		{
			Number: 4, Line: 19,
			Question: "How do you explain a schema change to analysts?",
			// "Closing Thoughts" and the prose after it are not part of the answer.
			Answer: "Tell them what breaks, when it ships, and what to change on their side. Send the note before the change lands, not after.",
		},
	}
	qaDiff(t, got, want)
}

func TestParseQASampleMarkdown(t *testing.T) {
	got, err := Parse(testkit.Fixture(t, "qa-sample.md"))
	if err != nil {
		t.Fatal(err)
	}
	want := []QA{
		{
			Number: 1, Line: 5,
			Question:  "What does a load balancer do?",
			Answer:    "It spreads incoming requests across several servers so no single one is overwhelmed, and it stops sending traffic to servers that fail their health checks.",
			Category:  "system-design",
			KeyPoints: []string{"spread requests", "health checks"},
		},
		{
			Number: 2, Line: 13,
			Question:  "Which caching strategies should you be able to compare?",
			ListIntro: "Be ready to compare:",
			List:      []string{"Cache-aside", "Write-through", "Write-back, also called write-behind"},
			Category:  "caching",
		},
		{
			Number: 3, Line: 24,
			Question: "How would you reverse a linked list?",
			// Code keeps its line breaks and indentation.
			Answer: "Walk the list once, pointing each node at the one before it:\n\n```go\nfor n != nil {\n\tn.next, prev, n = prev, n, n.next\n}\n```",
		},
		{
			Number: 4, Line: 34,
			Question: "What is a p99 latency?",
			Answer:   "The latency that 99% of requests beat. It shows the slow tail that an average hides.",
		},
	}
	qaDiff(t, got, want)
}

func qaDiff(t *testing.T, got, want []QA) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d Q&As, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("Q&A %d:\n got %#v\nwant %#v", i+1, got[i], want[i])
		}
	}
}

func TestParseQASeed(t *testing.T) {
	doc := testkit.Seed(t)
	qas, err := Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(qas) != 12 {
		t.Fatalf("found %d Q&As in the seed, want 12", len(qas))
	}
	seenCategory := map[string]int{}
	for i, qa := range qas {
		if qa.Number != i+1 {
			t.Errorf("Q&A %d has number %d", i+1, qa.Number)
		}
		if !strings.HasSuffix(qa.Question, "?") || qa.Answer == "" {
			t.Errorf("Q%d: question %q, answer %q", qa.Number, qa.Question, qa.Answer)
		}
		got, ok := DetectCategory(qa.Question, qa.Answer)
		if !ok || got != categorySeedOrder[i] {
			t.Errorf("Q%d detected as %q, want %q", qa.Number, got, categorySeedOrder[i])
		}
		if prev, dup := seenCategory[got]; dup {
			t.Errorf("Q%d and Q%d share category %q", prev, qa.Number, got)
		}
		seenCategory[got] = qa.Number
		for _, prose := range []string{"Conclusion", "Introduction", "No comment yet"} {
			if strings.Contains(qa.Answer, prose) {
				t.Errorf("Q%d's answer swallowed the %q prose", qa.Number, prose)
			}
		}
		if len(qa.List) > 0 && i != 3 && i != 10 {
			t.Errorf("Q%d has an unexpected list %q", qa.Number, qa.List)
		}
	}

	q4, q11, q12 := qas[3], qas[10], qas[11]
	if want := []string{"Precision", "Recall", "F1 score", "ROC-AUC", "Business impact"}; !reflect.DeepEqual(q4.List, want) {
		t.Errorf("Q4 list = %q, want %q", q4.List, want)
	}
	if q4.ListIntro == "" || !strings.HasSuffix(q4.ListIntro, ":") || strings.Contains(q4.Answer, q4.ListIntro) {
		t.Errorf("Q4 list intro %q not separated from the answer %q", q4.ListIntro, q4.Answer)
	}
	// The sentence after the list still belongs to the answer, as its own paragraph.
	if paras := strings.Split(q4.Answer, "\n\n"); len(paras) != 2 {
		t.Errorf("Q4 answer has %d paragraphs, want 2 (before and after the list): %q", len(paras), q4.Answer)
	}
	if len(q11.List) != 5 || q11.ListIntro == "" {
		t.Errorf("Q11 list = %q (intro %q), want five steps", q11.List, q11.ListIntro)
	}
	if strings.Contains(q12.Answer, "\n") || !strings.HasSuffix(q12.Answer, ".") {
		t.Errorf("Q12 answer should be one paragraph ending its own last sentence, got %q", q12.Answer)
	}
	if n := strings.Count(string(doc), "\n"); q12.Line >= n-2 {
		t.Errorf("Q12 starts on line %d, too close to the end (%d lines) to leave room for the conclusion", q12.Line, n)
	}

	cards := Cards("ml-interview-mistakes.txt", qas, "")
	if len(cards) != 14 {
		t.Errorf("seed gave %d cards, want 12 basic + 2 list cards", len(cards))
	}
}

func TestParseQAVariants(t *testing.T) {
	type qa struct {
		num          int
		q, a         string
		list         []string
		intro, categ string
	}
	for _, tc := range []struct {
		name string
		doc  string
		want []qa
	}{
		{
			name: "CRLF and BOM",
			doc:  "\ufeffQ1. What is recall?\r\nAns: The share of positives found.\r\n\r\nQ2. Why?\r\nAns: Because.\r\n",
			want: []qa{{num: 1, q: "What is recall?", a: "The share of positives found."}, {num: 2, q: "Why?", a: "Because."}},
		},
		{
			name: "old Mac line ends",
			doc:  "Q1. What is recall?\rAns: Found positives.\r",
			want: []qa{{num: 1, q: "What is recall?", a: "Found positives."}},
		},
		{
			name: "curly quotes survive",
			doc:  "Q1. What’s a “baseline”?\nAns: The model you’d beat first.",
			want: []qa{{num: 1, q: "What’s a “baseline”?", a: "The model you’d beat first."}},
		},
		{
			name: "marker variants",
			doc: "Q1) First?\nA: One.\nQ2: Second?\nAnswer: Two.\nQuestion 3: Third?\nANS. Three.\n" +
				"**Q4.** Fourth?\n**Ans:** Four.\nQ5 - Fifth?\nAns - Five.",
			want: []qa{
				{num: 1, q: "First?", a: "One."}, {num: 2, q: "Second?", a: "Two."},
				{num: 3, q: "Third?", a: "Three."}, {num: 4, q: "Fourth?", a: "Four."},
				{num: 5, q: "Fifth?", a: "Five."},
			},
		},
		{
			name: "unnumbered questions are counted",
			doc:  "Q: First?\nA: One.\n\nQ: Second?\nA: Two.",
			want: []qa{{num: 1, q: "First?", a: "One."}, {num: 2, q: "Second?", a: "Two."}},
		},
		{
			name: "numbered question without Q, followed by an answer marker",
			doc:  "Intro.\n1. What is a baseline?\nAns: The simplest model worth beating.\n2. And then?\n\nAns: Improve on it.",
			want: []qa{{num: 1, q: "What is a baseline?", a: "The simplest model worth beating."}, {num: 2, q: "And then?", a: "Improve on it."}},
		},
		{
			name: "star and dot bullets, numbered items, intro inside the paragraph",
			doc:  "Q1. Which steps?\nAns: Keep it short. Follow these:\n* Define\n• Assume\n3) Solve\n  the problem\nDone in that order.",
			want: []qa{{num: 1, q: "Which steps?", a: "Keep it short.\n\nDone in that order.", intro: "Follow these:", list: []string{"Define", "Assume", "Solve the problem"}}},
		},
		{
			name: "list only",
			doc:  "Q1. Name two metrics.\nAns:\n- Precision\n- Recall",
			want: []qa{{num: 1, q: "Name two metrics.", list: []string{"Precision", "Recall"}}},
		},
		{
			name: "question wrapped over two lines",
			doc:  "Q1. What is the difference between bagging\nand boosting?\nAns: Parallel versus sequential ensembles.",
			want: []qa{{num: 1, q: "What is the difference between bagging and boosting?", a: "Parallel versus sequential ensembles."}},
		},
		{
			name: "answer without a marker",
			doc:  "Q1. What is leakage?\nInformation from the future reaching training.\n\nQ2. Next?\n\nIt follows.",
			want: []qa{{num: 1, q: "What is leakage?", a: "Information from the future reaching training."}, {num: 2, q: "Next?", a: "It follows."}},
		},
		{
			name: "prose that merely starts like a marker",
			doc:  "Q1. Which RL method is off-policy?\nAns: Tabular methods.\nQ-learning is one.\nA) and B) are options.\nAnswering fast is not the goal.",
			want: []qa{{num: 1, q: "Which RL method is off-policy?", a: "Tabular methods. Q-learning is one. A) and B) are options. Answering fast is not the goal."}},
		},
		{
			name: "headings end answers, only after a finished sentence",
			doc:  "Q1. Why?\nAns: Because it is\nSlow on big data.\n\nFinal Thoughts\nBye.\nQ2. How?\nAns: Like this.\n# Appendix\nMore.",
			want: []qa{{num: 1, q: "Why?", a: "Because it is Slow on big data."}, {num: 2, q: "How?", a: "Like this."}},
		},
		{
			name: "title-case heading after a list",
			doc:  "Q1. Which?\nAns: These:\n- One\n- Two\nKey Takeaways From This Guide\nRemember them.",
			want: []qa{{num: 1, q: "Which?", intro: "These:", list: []string{"One", "Two"}}},
		},
		{
			name: "a sentence without its period after a list stays in the answer",
			doc:  "Q1. Which?\nAns: These:\n- One\n- Two\nThis covers the usual cases well enough",
			want: []qa{{num: 1, q: "Which?", a: "This covers the usual cases well enough", intro: "These:", list: []string{"One", "Two"}}},
		},
		{
			name: "horizontal rule ends an answer",
			doc:  "Q1. Why?\nAns: Because.\n---\nUnrelated notes.",
			want: []qa{{num: 1, q: "Why?", a: "Because."}},
		},
		{
			name: "bullets outside any answer are prose",
			doc:  "In this guide:\n- metrics\n- data\n\nQ1. Why?\nAns: Because.",
			want: []qa{{num: 1, q: "Why?", a: "Because."}},
		},
		{
			name: "category and key points in the plain format",
			doc:  "Q1. Why?\nAns: Because.\nCategory: data-quality\nKey points: one; two ;; three",
			want: []qa{{num: 1, q: "Why?", a: "Because.", categ: "data-quality"}},
		},
		{
			name: "markdown with answer marker, answer heading and rule",
			doc:  "Intro\n\n### Question 7: First?\n\n**A:** One.\n\n---\n\nloose text\n\n## Q: Second?\n### Answer\nTwo.\n",
			want: []qa{{num: 1, q: "First?", a: "One."}, {num: 2, q: "Second?", a: "Two."}},
		},
		{
			name: "markdown ignores Q-less numbered lines",
			doc:  "## Q: Steps?\n\n1. Define\n2. Solve\n",
			want: []qa{{num: 1, q: "Steps?", list: []string{"Define", "Solve"}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(tc.doc))
			if err != nil {
				t.Fatalf("ParseQA: %v", err)
			}
			var short []qa
			for _, g := range got {
				short = append(short, qa{g.Number, g.Question, g.Answer, g.List, g.ListIntro, g.Category})
			}
			if !reflect.DeepEqual(short, tc.want) {
				t.Errorf("\n got %+v\nwant %+v", short, tc.want)
			}
		})
	}
}

func TestParseQAKeyPoints(t *testing.T) {
	got, err := Parse([]byte("## Q: Why?\nBecause.\nKey points: one; two ;; three\nKey points: ignored\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"one", "two", "three"}; len(got) != 1 || !reflect.DeepEqual(got[0].KeyPoints, want) {
		t.Errorf("got %+v, want key points %q", got, want)
	}
}

func TestParseQAErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		doc   string
		lines []int    // line of each error, in order
		msgs  []string // a fragment of each message
		good  int      // Q&As still returned
	}{
		{
			name:  "question without answer",
			doc:   "Q1. What?\nQ2. Why?\nAns: Because.",
			lines: []int{1}, msgs: []string{"Q1 has no answer"}, good: 1,
		},
		{
			name:  "last question without answer before a heading",
			doc:   "Q1. Why?\nAns: Because.\nQ2. What?\nConclusion\nThe end.",
			lines: []int{3}, msgs: []string{"Q2 has no answer"}, good: 1,
		},
		{
			name:  "answer without question",
			doc:   "Intro.\nAns: orphan.\nQ1. What?\nAns: This.",
			lines: []int{2}, msgs: []string{"answer without a question"}, good: 1,
		},
		{
			name:  "duplicate number",
			doc:   "Q1. A?\nAns: x.\n\nQ1. B?\nAns: y.",
			lines: []int{4}, msgs: []string{"duplicate question number Q1 (first used on line 1)"}, good: 1,
		},
		{
			name:  "second answer marker",
			doc:   "Q1. A?\nAns: x.\nA: y.\nmore text",
			lines: []int{3}, msgs: []string{"second answer for Q1"}, good: 1,
		},
		{
			name:  "question marker without text",
			doc:   "Q1.\nAns: x.\nQ2. B?\nAns: y.",
			lines: []int{1}, msgs: []string{"Q1 has no question text"}, good: 1,
		},
		{
			name:  "several, sorted by line",
			doc:   "Ans: orphan.\nQ3. A?\nQ3. B?\nAns: y.\nQ4. C?",
			lines: []int{1, 2, 3, 5}, msgs: []string{"answer without", "Q3 has no answer", "duplicate", "Q4 has no answer"}, good: 0,
		},
		{
			name:  "markdown question without answer",
			doc:   "## Q: What is recall?\n\n## Q: What is precision?\nShare of flagged that are right.",
			lines: []int{1}, msgs: []string{`"What is recall?" has no answer`}, good: 1,
		},
		{
			name:  "markdown question heading without text",
			doc:   "## Q:\nAn answer.\n## Q: Real?\nYes.",
			lines: []int{1}, msgs: []string{"no question text"}, good: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(tc.doc))
			var pe draft.ParseErrors
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want draft.ParseErrors", err)
			}
			if len(pe) != len(tc.lines) {
				t.Fatalf("got %d errors, want %d:\n%v", len(pe), len(tc.lines), err)
			}
			for i, e := range pe {
				if e.Line != tc.lines[i] || !strings.Contains(e.Msg, tc.msgs[i]) {
					t.Errorf("error %d = %q, want line %d containing %q", i, e.Error(), tc.lines[i], tc.msgs[i])
				}
				if !strings.Contains(err.Error(), e.Error()) {
					t.Errorf("the combined message does not list %q", e.Error())
				}
			}
			if len(got) != tc.good {
				t.Errorf("got %d good Q&As, want %d", len(got), tc.good)
			}
		})
	}
}

func TestParseQAErrorsMessageIsBounded(t *testing.T) {
	var doc strings.Builder
	for range 100 {
		doc.WriteString("Ans: orphan.\n")
	}
	_, err := Parse([]byte(doc.String()))
	var pe draft.ParseErrors
	if !errors.As(err, &pe) || len(pe) != 100 {
		t.Fatalf("want 100 errors, got %v", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "line 1: answer without a question\nline 2:") ||
		!strings.HasSuffix(msg, "(and 80 more)") {
		t.Errorf("unexpected message:\n%s", msg)
	}
}

func TestParseQASentinels(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  []byte
		want error
		line string
	}{
		{"nil", nil, draft.ErrEmpty, ""},
		{"blank lines", []byte("\n \r\n\t\n"), draft.ErrEmpty, ""},
		{"only a BOM", []byte("\ufeff"), draft.ErrEmpty, ""},
		{"invalid UTF-8 on line 3", []byte("Q1. What?\r\nAns: fine.\r\nbad \xff byte\n"), draft.ErrNotUTF8, "line 3"},
		{"Latin-1 file", []byte("Q1. Caf\xe9?\nAns: yes."), draft.ErrNotUTF8, "line 1"},
		{"too large", bytes.Repeat([]byte("a"), draft.MaxWriteUpBytes+1), draft.ErrTooLarge, ""},
		{"prose only", []byte("Conclusion\nThere are no questions here.\n- not even in a list"), draft.ErrNoQA, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			qas, err := Parse(tc.doc)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
			if qas != nil {
				t.Errorf("got Q&As %+v with a document-level error", qas)
			}
			named := err.Error()
			for _, p := range refusalProblems(err) {
				named += fmt.Sprintf(" line %d", p.Line)
			}
			if !strings.Contains(named, tc.line) {
				t.Errorf("error %q does not name %q", err, tc.line)
			}
		})
	}
}

// A document of exactly the size limit is accepted.
func TestParseQAAtSizeLimit(t *testing.T) {
	doc := []byte("Q1. Why?\nAns: Because.\n")
	doc = append(doc, bytes.Repeat([]byte(" "), draft.MaxWriteUpBytes-len(doc))...)
	qas, err := Parse(doc)
	if err != nil || len(qas) != 1 {
		t.Fatalf("got %d Q&As, %v", len(qas), err)
	}
}

func FuzzParseQA(f *testing.F) {
	for _, name := range []string{"qa-sample.txt", "qa-sample.md"} {
		f.Add(testkit.Fixture(f, name))
	}
	f.Add([]byte("Q1. A?\nAns: x\n- a\n  b\nQ1. B?\nA: y\n```\ncode\n"))
	f.Add([]byte("## Q: A?\n### Answer\n1. a\nCategory: x\nKey points: a;b\n---\n"))
	f.Add([]byte("**Q:** A\nB\n\nC\nFinal Thoughts\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		qas, err := Parse(doc)
		var pe draft.ParseErrors
		if err != nil && !errors.As(err, &pe) && len(qas) > 0 {
			t.Fatalf("document-level error %v came with Q&As", err)
		}
		for _, e := range pe {
			if e.Line < 1 || e.Msg == "" {
				t.Fatalf("bad error %+v", e)
			}
		}
		for _, qa := range qas {
			if strings.TrimSpace(qa.Question) == "" {
				t.Fatalf("empty question in %+v", qa)
			}
			if strings.TrimSpace(qa.Answer) == "" && len(qa.List) == 0 {
				t.Fatalf("no answer and no list in %+v", qa)
			}
			if qa.Line < 1 {
				t.Fatalf("line %d in %+v", qa.Line, qa)
			}
			for _, s := range append([]string{qa.Question, qa.Answer, qa.ListIntro, qa.Category}, append(qa.List, qa.KeyPoints...)...) {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 in %q", s)
				}
			}
			for _, item := range qa.List {
				if strings.TrimSpace(item) == "" {
					t.Fatalf("empty list item in %+v", qa)
				}
			}
		}
		for _, d := range Cards("fuzz", qas, "") {
			if d.Front == "" || d.Back == "" || !category.ValidSlug(d.Category) {
				t.Fatalf("bad draft %+v", d)
			}
		}
	})
}

// Worst-case shapes near the size limit: a quadratic slip (string
// concatenation per wrapped line) turns these from milliseconds into minutes.
func BenchmarkParseQALongRuns(b *testing.B) {
	docs := map[string]string{
		"wrapped list item": "Q1. A?\nAns:\n- a\n" + strings.Repeat("  x\n", 1_000_000),
		"wrapped question":  "Q1. A" + strings.Repeat("\nx", 2_000_000) + "?\nAns: b.",
		"long paragraph":    "Q1. A?\nAns: x\n" + strings.Repeat("word\n", 800_000),
		"many questions":    strings.Repeat("## Q: A?\nb\n", 350_000),
	}
	for name, doc := range docs {
		b.Run(name, func(b *testing.B) {
			in := []byte(doc[:min(len(doc), draft.MaxWriteUpBytes)])
			for b.Loop() {
				if _, err := Parse(in); err != nil {
					var pe draft.ParseErrors
					if !errors.As(err, &pe) {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
