package qadoc

import (
	"reflect"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/internal/testkit"
)

// want is what a test expects of one Q&A; empty fields are not checked
// but for Answer, which is compared exactly unless it starts with "~",
// then as a substring.
type want struct {
	line     int
	question string
	answer   string
	section  string
	link     string
}

func checkQAs(t *testing.T, d Document, wants []want) {
	t.Helper()
	if len(d.QAs) != len(wants) {
		var got []string
		for _, qa := range d.QAs {
			got = append(got, qa.Question)
		}
		t.Fatalf("got %d Q&As %q, want %d", len(d.QAs), got, len(wants))
	}
	for i, w := range wants {
		qa := d.QAs[i]
		if qa.Question != w.question {
			t.Errorf("Q&A %d: question %q, want %q", i+1, qa.Question, w.question)
		}
		if sub, ok := strings.CutPrefix(w.answer, "~"); ok {
			if !strings.Contains(qa.Answer, sub) {
				t.Errorf("Q&A %d: answer %q lacks %q", i+1, qa.Answer, sub)
			}
		} else if qa.Answer != w.answer {
			t.Errorf("Q&A %d: answer %q, want %q", i+1, qa.Answer, w.answer)
		}
		if w.section != "" && qa.Section != w.section {
			t.Errorf("Q&A %d: section %q, want %q", i+1, qa.Section, w.section)
		}
		if qa.Link != w.link {
			t.Errorf("Q&A %d: link %q, want %q", i+1, qa.Link, w.link)
		}
		if w.line != 0 && qa.Line != w.line {
			t.Errorf("Q&A %d: line %d, want %d", i+1, qa.Line, w.line)
		}
	}
}

// Shape 1: bold question lines under topic headings, the answer in the
// paragraphs after each.
func TestShapeBoldQuestions(t *testing.T) {
	doc := `# Database notes

## Indexes

**What does a B-tree index speed up?**

Lookups by key, and range scans, since the keys are kept in order.

**When does an index slow things down? 🐢**

Every insert and update must change the index too.

<br/>

## Transactions

**Isolation in ACID ⭐️**

Concurrent transactions do not see each other's unfinished work.

**What is a dirty read?**

Reading a row another transaction has changed but not committed.
`
	d := Parse(doc, Options{})
	checkQAs(t, d, []want{
		{line: 5, question: "What does a B-tree index speed up?", answer: "Lookups by key, and range scans, since the keys are kept in order.", section: "Indexes"},
		{line: 9, question: "When does an index slow things down?", answer: "Every insert and update must change the index too.", section: "Indexes"},
		// Without "?", but the document writes every question so.
		{line: 17, question: "Isolation in ACID", answer: "Concurrent transactions do not see each other's unfinished work.", section: "Transactions"},
		{line: 21, question: "What is a dirty read?", answer: "Reading a row another transaction has changed but not committed.", section: "Transactions"},
	})
	if d.Sections != 2 || d.Shapes[0] != (ShapeCount{Shape: ShapeBold, Found: 4}) {
		t.Errorf("sections %d, shapes %+v", d.Sections, d.Shapes)
	}
}

// Shape 2: a heading that is a question, numbered or not, with or without
// a trailing source link.
func TestShapeQuestionHeadings(t *testing.T) {
	doc := `# Networking questions

### 1. What is a TCP handshake? [[src](https://example.com/tcp)]

The client sends SYN, the server answers SYN-ACK, and the client replies ACK.

### 2) Explain head-of-line blocking [[src]](https://example.com/hol)

One lost packet holds back every later packet on the same connection.

#### Example

A video call freezes while a single frame is resent.

## What does DNS caching save?

A round trip to the resolver for names looked up recently.

## Q3: Why use UDP for games?

Late data is useless, so retransmitting it only adds delay.

## Further reading

Links to RFCs.
`
	d := Parse(doc, Options{})
	checkQAs(t, d, []want{
		{line: 3, question: "What is a TCP handshake?", answer: "The client sends SYN, the server answers SYN-ACK, and the client replies ACK.", link: "https://example.com/tcp"},
		// A numbered heading among numbered questions is one, "?" or not;
		// a deeper heading under it is part of its answer.
		{line: 7, question: "Explain head-of-line blocking", link: "https://example.com/hol",
			answer: "One lost packet holds back every later packet on the same connection.\n\n**Example**\n\nA video call freezes while a single frame is resent."},
		{line: 15, question: "What does DNS caching save?", answer: "A round trip to the resolver for names looked up recently."},
		{line: 19, question: "Why use UDP for games?", answer: "Late data is useless, so retransmitting it only adds delay."},
	})
}

// Shape 3: <details><summary>, the answer inside; an answer wrapped in
// <b> as a whole is not bold on the card.
func TestShapeDetails(t *testing.T) {
	doc := `# Web performance

## Caching

<details>
<summary>What is a <code>cache stampede</code>?</summary><br><b>
Many clients miss the same key at once and all rebuild it.
</b>
</details>

<details>
<summary>How do you prevent one?</summary><br><b>

- Let one request rebuild the value while the others wait
- Add jitter to expiry times

</b></details>

<details><summary>What is write-behind caching?</summary></details>
`
	d := Parse(doc, Options{})
	checkQAs(t, d, []want{
		{line: 6, question: "What is a `cache stampede`?", answer: "Many clients miss the same key at once and all rebuild it.", section: "Caching"},
		{line: 12, question: "How do you prevent one?", answer: "- Let one request rebuild the value while the others wait\n- Add jitter to expiry times", section: "Caching"},
	})
	if len(d.Skipped) != 1 || d.Skipped[0].Question != "What is write-behind caching?" || d.Skipped[0].Line != 19 || d.Skipped[0].Reason != "no answer" {
		t.Errorf("skipped: %+v", d.Skipped)
	}
}

// Shape 4: a numbered list item with a bold question and the answer
// indented under it.
func TestShapeNumberedBoldQuestions(t *testing.T) {
	doc := `Concurrency, in two questions:

1. **What is a deadlock?**

   Two tasks each hold a lock the other needs, so neither moves.

2. **How do you avoid one?**

   Take locks in one global order.

   Or hold one lock at a time.
`
	d := Parse(doc, Options{})
	checkQAs(t, d, []want{
		{line: 3, question: "What is a deadlock?", answer: "Two tasks each hold a lock the other needs, so neither moves."},
		{line: 7, question: "How do you avoid one?", answer: "Take locks in one global order.\n\nOr hold one lock at a time."},
	})
}

// Shape 5: a two-column question/answer table, and alternating bullets.
func TestShapeTableAndAlternatingBullets(t *testing.T) {
	table := `| Question | Answer |
|---|---|
| What port does HTTPS use? | 443 |
| What does TLS add? | Encryption and **server** authentication |
| What is SNI? | |
`
	d := Parse(table, Options{})
	checkQAs(t, d, []want{
		{line: 3, question: "What port does HTTPS use?", answer: "443"},
		{line: 4, question: "What does TLS add?", answer: "Encryption and **server** authentication"},
	})
	if len(d.Skipped) != 1 || d.Skipped[0].Question != "What is SNI?" {
		t.Errorf("skipped: %+v", d.Skipped)
	}

	bullets := `Containers:

- What is a container image?
- A layered file system plus the command to run.
- What is a registry?
- A server that stores images and hands them out.
`
	checkQAs(t, Parse(bullets, Options{}), []want{
		{line: 3, question: "What is a container image?", answer: "A layered file system plus the command to run."},
		{line: 5, question: "What is a registry?", answer: "A server that stores images and hands them out."},
	})
}

// Shape 6: a saved web page. Its article is read; the menu, the sidebar
// and the comments are not; every shape above works in it.
func TestShapeSavedPage(t *testing.T) {
	d := Parse(string(testkit.Fixture(t, "qa-page.html")), Options{HTMLPage: true})
	checkQAs(t, d, []want{
		{question: "What is a message queue?", answer: "~A buffer between producers and consumers", section: "Basics"},
		{question: "What does at-least-once delivery mean?", answer: "~A message may arrive twice", section: "Basics"},
		{question: "Why make consumers idempotent?", answer: "~Processing the same message twice", section: "Delivery"},
		{question: "What is a dead-letter queue?", answer: "~inspected by a person", section: "Delivery"},
		{question: "What is back-pressure?", answer: "~slow down", section: "Flow control"},
		{question: "What is a topic?", answer: "A named stream that many consumers read.", section: "Flow control"},
	})
	for _, qa := range d.QAs {
		for _, s := range []string{qa.Question, qa.Answer} {
			if strings.Contains(s, "<") || strings.Contains(s, "Subscribe") || strings.Contains(s, "Great post") {
				t.Errorf("page clutter in %q", s)
			}
		}
	}
	if d.QAs[1].Answer != "A message may arrive twice, *never* zero times:\\\nthe broker resends until the consumer acknowledges it." {
		t.Errorf("answer with emphasis and a line break: %q", d.QAs[1].Answer)
	}
	if d.QAs[0].Line < 10 {
		t.Errorf("line %d for the first question of the page", d.QAs[0].Line)
	}
}

func TestLooksLikeHTMLPage(t *testing.T) {
	for doc, want := range map[string]bool{
		"<!DOCTYPE html><html><body>x</body></html>":          true,
		"\ufeff  <!-- saved -->\n<html lang=en>":              true,
		"<?xml version=\"1.0\"?><!doctype html>":              true,
		"# Title\n\n<details><summary>Q?</summary></details>": false,
		"<details><summary>Q?</summary>A.</details>":          false,
	} {
		if got := LooksLikeHTMLPage(doc); got != want {
			t.Errorf("LooksLikeHTMLPage(%q) = %v", doc, got)
		}
	}
}

// Clutter: HTML inside Markdown becomes Markdown, a trailing source link
// goes to Link, a table of contents is skipped, numbered section titles
// end answers, code without a fence keeps its lines, placeholders and
// labels are no answers.
func TestClutter(t *testing.T) {
	t.Run("HTML inside Markdown", func(t *testing.T) {
		doc := "**What does <code>git stash</code> do?**\n\nIt shelves changes.<br/>Use <b>pop</b> and <i>apply</i> to get them back; see <a href=\"https://git-scm.com/docs/git-stash\">the manual</a>.\n\n**Why?**\n\nBecause <sub>small</sub> <unknown-widget>x</unknown-widget> &lt;b&gt; stays text.\n"
		d := Parse(doc, Options{})
		checkQAs(t, d, []want{
			{question: "What does `git stash` do?", answer: "It shelves changes.\\\nUse **pop** and *apply* to get them back; see [the manual](https://git-scm.com/docs/git-stash)."},
			{question: "Why?", answer: `Because _small x \<b> stays text.`},
		})
	})
	t.Run("table of contents", func(t *testing.T) {
		doc := "## Contents\n\n* [What is a shard?](#what-is-a-shard)\n* [What is a replica?](#what-is-a-replica)\n\n## Answers\n\n### What is a shard?\n\nA slice of the data on its own server.\n\n### What is a replica?\n\nA copy of a shard.\n"
		d := Parse(doc, Options{})
		checkQAs(t, d, []want{
			{question: "What is a shard?", answer: "A slice of the data on its own server."},
			{question: "What is a replica?", answer: "A copy of a shard."},
		})
		if d.TableOfContents != 2 || len(d.Skipped) != 0 {
			t.Errorf("table of contents: %d links skipped, %+v unanswered", d.TableOfContents, d.Skipped)
		}
	})
	t.Run("numbered section titles", func(t *testing.T) {
		doc := "1. Storage Basics\n\n**What is a page?**\n\nThe unit a database reads from disk.\n\n2. Storage Engines\n\n**What is an LSM tree?**\n\nA write-optimized structure that merges sorted runs.\n"
		d := Parse(doc, Options{})
		checkQAs(t, d, []want{
			{question: "What is a page?", answer: "The unit a database reads from disk.", section: "Storage Basics"},
			{question: "What is an LSM tree?", answer: "A write-optimized structure that merges sorted runs.", section: "Storage Engines"},
		})
	})
	t.Run("code without a fence", func(t *testing.T) {
		doc := "**How do you list every container?**\n\ndocker ps\ndocker ps -a\n\n**And in a raw HTML block?**\n\n<p>\ncd /srv/app\ngit pull\n</p>\n"
		checkQAs(t, Parse(doc, Options{}), []want{
			{question: "How do you list every container?", answer: "```\ndocker ps\ndocker ps -a\n```"},
			{question: "And in a raw HTML block?", answer: "```\ncd /srv/app\ngit pull\n```"},
		})
	})
	t.Run("placeholders, links and labels", func(t *testing.T) {
		doc := "## Q: What is a heap?\n\nAnswer here\n\n## Q: What is a trie?\n\nTODO\n\n## Q: What is a skip list?\n\n[[Answer]](https://example.com/skip)\n\n## Q: What is a bloom filter?\n\n## Q: What is a ring buffer?\n\n**Answer:**\n\nA fixed array written in a circle.\n\n## Q: What is a B+ tree?\n\nAnswer: A B-tree that keeps all values in its leaves.\n"
		d := Parse(doc, Options{})
		checkQAs(t, d, []want{
			{question: "What is a ring buffer?", answer: "A fixed array written in a circle."},
			{question: "What is a B+ tree?", answer: "A B-tree that keeps all values in its leaves."},
		})
		var got []string
		for _, s := range d.Skipped {
			got = append(got, s.Reason)
		}
		if wantReasons := []string{`a placeholder ("Answer here")`, `a placeholder ("TODO")`, "only a link to an answer elsewhere", "no answer"}; !reflect.DeepEqual(got, wantReasons) {
			t.Errorf("skipped for %q, want %q", got, wantReasons)
		}
		if d.Skipped[0].Line != 1 || d.Skipped[3].Line != 13 {
			t.Errorf("skipped lines: %+v", d.Skipped)
		}
	})
	t.Run("Q1 markers in paragraphs", func(t *testing.T) {
		doc := "Intro text.\n\nQ1. What is a mutex?\nAns: A lock that one thread holds at a time.\n\n**Q2.** What is a semaphore?\n\nA counter of permits.\n\nQ-learning is not a question marker.\n"
		checkQAs(t, Parse(doc, Options{}), []want{
			{line: 3, question: "What is a mutex?", answer: "A lock that one thread holds at a time."},
			{line: 6, question: "What is a semaphore?", answer: "A counter of permits.\n\nQ-learning is not a question marker."},
		})
	})
}

// Key points are phrases: a term the answer defines, its bold terms, and
// the lead phrase of each list item.
func TestKeyPoints(t *testing.T) {
	doc := "**What is a load balancer?**\n\nA load balancer is a server that spreads requests over a pool. It relies on **health checks** and `keepalive`.\n\n- Round robin: each server in turn\n- Least connections - the idlest server first\n- *Consistent hashing* keeps a client on one server\n"
	d := Parse(doc, Options{})
	if len(d.QAs) != 1 {
		t.Fatalf("got %+v", d.QAs)
	}
	qa := d.QAs[0]
	if w := []string{"load balancer", "keepalive", "health checks", "Round robin", "Least connections", "Consistent hashing"}; !reflect.DeepEqual(qa.KeyPoints, w) {
		t.Errorf("key points %q, want %q", qa.KeyPoints, w)
	}
	if w := []string{"Round robin", "Least connections", "Consistent hashing"}; !reflect.DeepEqual(qa.ListLeads, w) || len(qa.List) != 3 {
		t.Errorf("list card: %q leads %q", qa.List, qa.ListLeads)
	}
	explicit := Parse("## What is a CDN?\n\nServers near users that cache content.\n\nCategory: networking\nKey points: edge servers; cache\n", Options{})
	if qa := explicit.QAs[0]; qa.Category != "networking" || !reflect.DeepEqual(qa.KeyPoints, []string{"edge servers", "cache"}) ||
		qa.Answer != "Servers near users that cache content." {
		t.Errorf("explicit lines: %+v", qa)
	}
}

// A document without a single answered question says what it found.
func TestNothingFound(t *testing.T) {
	for doc, want := range map[string]string{
		"**What is X?**\n\n**What is Y?**\n\n**What is Z?**\n": "3 bold question lines were found, but no answer followed them",
		"Just notes.\n\nMore notes.\n\n- a\n- b\n":             "it holds 2 paragraphs and 1 list, none of them a question followed by its answer",
		"# Title\n\n## What is X?\n":                           "1 question heading was found, but no answer followed it",
	} {
		d := Parse(doc, Options{})
		if len(d.QAs) != 0 || d.NothingFound() != want {
			t.Errorf("%q: %d Q&As, %q\n want %q", doc, len(d.QAs), d.NothingFound(), want)
		}
	}
}

// The outline holds the words outside the answers, for telling a
// write-up about mistakes from other documents.
func TestOutline(t *testing.T) {
	d := Parse("# Five interview mistakes\n\nWhy they hurt.\n\n## Talking\n\n**Why ramble?**\n\nNerves. Not a mistake word in the outline.\n", Options{})
	for _, w := range []string{"Five interview mistakes", "Why they hurt.", "Talking", "Why ramble?"} {
		if !strings.Contains(d.Outline, w) {
			t.Errorf("outline %q lacks %q", d.Outline, w)
		}
	}
	if strings.Contains(d.Outline, "Nerves") {
		t.Errorf("outline %q holds an answer", d.Outline)
	}
}
