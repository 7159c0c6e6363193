package qa

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/data/category"
	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/internal/testkit"
)

func TestCardsFromQASample(t *testing.T) {
	qas, err := Parse(testkit.Fixture(t, "qa-sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got := Cards("qa-sample.txt", qas, "data-engineering")
	want := []draft.Card{
		{
			Front:    "Why do pipelines need to be idempotent?",
			Back:     "Jobs get retried after failures. An idempotent step can run twice without duplicating rows, so a retry is always safe.",
			Category: "data-engineering", // nothing detected: the fallback
			Source:   "qa-sample.txt Q1",
		},
		{
			Front:     "What should you check before trusting a new data source?",
			Back:      "Judge its data quality before you build on it.\n\nSkipping these checks moves the surprises into production.",
			Category:  "data-quality", // detected from the answer
			KeyPoints: []string{"Row counts against the source system", "Null rates per column", "Duplicate keys", "Time zones of every timestamp"},
			Source:    "qa-sample.txt Q2",
		},
		{
			Front:     "What should you check before trusting a new data source? — Things worth checking first (4 points)",
			Back:      "- Row counts against the source system\n- Null rates per column\n- Duplicate keys\n- Time zones of every timestamp",
			Category:  "data-quality",
			KeyPoints: []string{"Row counts against the source system", "Null rates per column", "Duplicate keys", "Time zones of every timestamp"},
			Source:    "qa-sample.txt Q2",
		},
		{
			Front:    "When is a batch job the better trade-off compared with streaming?",
			Back:     "When the people reading the results look at them once a day, a nightly batch is simpler to run, cheaper, and easier to backfill.",
			Category: "no-trade-offs", // detected from the question
			Source:   "qa-sample.txt Q3",
		},
		{
			Front:    "How do you explain a schema change to analysts?",
			Back:     "Tell them what breaks, when it ships, and what to change on their side. Send the note before the change lands, not after.",
			Category: "data-engineering",
			Source:   "qa-sample.txt Q4",
		},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d drafts, want %d: %+v", len(got), len(want), got)
	}
	keyRe := regexp.MustCompile(`^qa:[0-9a-f]{32}$`)
	keys := map[string]bool{}
	for i := range want {
		if !keyRe.MatchString(got[i].Key) || keys[got[i].Key] {
			t.Errorf("draft %d: key %q is malformed or repeated", i, got[i].Key)
		}
		keys[got[i].Key] = true
		want[i].Key = got[i].Key
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("draft %d:\n got %#v\nwant %#v", i, got[i], want[i])
		}
	}
}

func TestCardsFromQACategory(t *testing.T) {
	for _, tc := range []struct {
		name             string
		qa               QA
		fallback, wanted string
	}{
		{"explicit slug wins over detection", QA{Question: "Why deploy?", Answer: "x", Category: "system-design"}, "", "system-design"},
		{"explicit built-in name", QA{Question: "Why deploy?", Answer: "x", Category: "Data quality"}, "", "data-quality"},
		{"explicit name is slugified", QA{Question: "Why?", Answer: "x", Category: "System Design"}, "", "system-design"},
		{"unusable explicit category falls through", QA{Question: "Why deploy?", Answer: "x", Category: "!!!"}, "", "ignoring-deployment"},
		{"detected from the question", QA{Question: "Why deploy?", Answer: "For accuracy."}, "mine", "ignoring-deployment"},
		{"detected from the answer", QA{Question: "Why?", Answer: "For accuracy."}, "mine", "accuracy-only"},
		{"fallback", QA{Question: "Why?", Answer: "Because."}, "mine", "mine"},
		{"fallback name is slugified", QA{Question: "Why?", Answer: "Because."}, "My Notes", "my-notes"},
		{"uncategorized", QA{Question: "Why?", Answer: "Because."}, "", category.Uncategorized},
		{"unusable fallback", QA{Question: "Why?", Answer: "Because."}, "???", category.Uncategorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Cards("doc", []QA{tc.qa}, tc.fallback)
			if len(got) != 1 || got[0].Category != tc.wanted {
				t.Errorf("got %+v, want category %q", got, tc.wanted)
			}
		})
	}
}

func TestCardsFromQAKeyPoints(t *testing.T) {
	for _, tc := range []struct {
		name string
		qa   QA
		want []string
	}{
		{"explicit key points win", QA{Question: "Q?", Answer: "Check recall.", List: []string{"a"}, KeyPoints: []string{"x", "y"}}, []string{"x", "y"}},
		{"then the list", QA{Question: "Q?", Answer: "Check recall.", List: []string{"a", "b"}}, []string{"a", "b"}},
		{
			"then known phrases, in the order the answer mentions them",
			QA{Question: "Q?", Answer: "Watch latency and Outliers; ROC AUC beats accuracy, then deployment and monitoring. Deploy again."},
			[]string{"latency", "outliers", "ROC-AUC", "deployment", "monitoring"},
		},
		{"phrases match whole words", QA{Question: "Q?", Answer: "Recalling the auction outcome."}, nil},
		{"none", QA{Question: "Q?", Answer: "Because."}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Cards("", []QA{tc.qa}, "")
			if len(got) == 0 || !reflect.DeepEqual(got[0].KeyPoints, tc.want) {
				t.Errorf("got %+v, want key points %q", got, tc.want)
			}
		})
	}
}

func TestCardsFromQAListOnly(t *testing.T) {
	got := Cards("doc", []QA{{Number: 3, Question: "Name two metrics.", ListIntro: "Either of:", List: []string{"Precision", "Recall"}}}, "")
	want := []draft.Card{{
		Key:       got[0].Key,
		Front:     "Name two metrics.",
		Back:      "Either of:\n- Precision\n- Recall",
		Category:  "accuracy-only",
		KeyPoints: []string{"Precision", "Recall"},
		Source:    "doc Q3",
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("a Q&A whose answer is only a list should give one card:\n got %#v\nwant %#v", got, want)
	}
}

func TestCardsFromQAListFront(t *testing.T) {
	got := Cards("", []QA{{Question: "Which?", Answer: "These.", List: []string{"one"}}}, "")
	if len(got) != 2 || got[1].Front != "Which? — name the 1 point" || got[1].Back != "- one" {
		t.Errorf("got %+v", got)
	}
}

// Re-importing an edited document must find the same cards again when
// only case, spacing, quotes or dashes changed, and new ones otherwise.
func TestCardsFromQAKeyIsStable(t *testing.T) {
	key := func(q string) string {
		return Cards("", []QA{{Question: q, Answer: "x"}}, "")[0].Key
	}
	base := key("What’s a “trade-off”?")
	for _, same := range []string{"what's a \"trade-off\"?", "  WHAT’S   a “trade‐off”?\n", "What’s a “trade–off”?"} {
		if key(same) != base {
			t.Errorf("%q got a different key than the original", same)
		}
	}
	if key("What’s a trade-off?") == base || key("What is a “trade-off”?") == base {
		t.Error("a changed question kept its key")
	}
	a := Cards("a.txt", []QA{{Question: "Why?", Answer: "One."}}, "")
	b := Cards("b.md", []QA{{Question: "Why?", Answer: "Two."}}, "")
	if a[0].Key != b[0].Key {
		t.Error("the key should depend on the question alone, not on the answer or the document")
	}
}

func TestCardsFromQADropsRepeatedQuestions(t *testing.T) {
	got := Cards("", []QA{
		{Number: 1, Question: "Why?", Answer: "One."},
		{Number: 2, Question: "why?", Answer: "Two."},
		{Number: 3, Question: "How?", Answer: "Three."},
	}, "")
	if len(got) != 2 || got[0].Back != "One." || got[1].Back != "Three." {
		t.Errorf("got %+v", got)
	}
}

// docs/import-formats.md promises users this exact phrase list.
func TestCardsFromQAPhrasesAreDocumented(t *testing.T) {
	rows := categoryDocTable(t, "| phrase | found as (`*` = any ending) |")
	for _, p := range qaPhrases {
		if got, want := rows[p.phrase], strings.Join(p.patterns, ", "); got != want {
			t.Errorf("docs list %s as %q, the code as %q", p.phrase, got, want)
		}
	}
	if len(rows) != len(qaPhrases) {
		t.Errorf("docs list %d phrases, the code %d", len(rows), len(qaPhrases))
	}
}
