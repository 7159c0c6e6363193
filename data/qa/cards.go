package qa

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/flashcards/flashcards/data/category"
	"github.com/flashcards/flashcards/data/draft"
)

// Cards turns parsed Q&As into card drafts. Each Q&A gives a basic
// card (question -> answer prose, kept as written), and a Q&A with a list
// gives a second card asking for the whole list. The category comes from
// an explicit Category line, else DetectCategory, else fallbackCategory,
// else category.Uncategorized. Drafts with the same Key as an earlier one are
// dropped, so a document that repeats a question imports it once.
func Cards(docName string, qas []QA, fallbackCategory string) []draft.Card {
	return cards(docName, qas, fallbackCategory, func(qa QA) (string, bool) {
		return DetectCategory(qa.Question, qa.Answer)
	})
}

// cards is Cards with the keyword rule given: an import
// applies it only where docs/import-formats.md says it does.
func cards(docName string, qas []QA, fallbackCategory string, detect func(QA) (string, bool)) []draft.Card {
	docName = strings.ToValidUTF8(docName, "\uFFFD") // it ends up in every Source
	fallback := fallbackSlug(fallbackCategory)
	set := newDraftSet(len(qas) * 2)
	for _, qa := range qas {
		slug := category.SlugFor(qa.Category)
		if slug == "" {
			if s, ok := detect(qa); ok {
				slug = s
			} else {
				slug = fallback
			}
		}
		source := documentSource(docName, qa.Number, "")
		list := markdownList(qa.List) // the reader joins an item's lines: one line each
		if qa.Answer == "" {
			// The list is the whole answer: one card, not two saying the same.
			back := list
			if qa.ListIntro != "" {
				back = qa.ListIntro + "\n" + list
			}
			set.add(draft.Card{Front: qa.Question, Back: back, Category: slug,
				KeyPoints: qaFirstNonEmpty(qa.KeyPoints, qaListKeyPoints(qa.List)), Source: source})
			continue
		}
		keyPoints := qaFirstNonEmpty(qa.KeyPoints, qaListKeyPoints(qa.List))
		if keyPoints == nil {
			keyPoints = qaFindPhrases(qa.Answer)
		}
		set.add(draft.Card{Front: qa.Question, Back: qa.Answer, Category: slug,
			KeyPoints: keyPoints, Source: source})
		if len(qa.List) > 0 {
			set.add(draft.Card{Front: qaListFront(qa), Back: list, Category: slug,
				KeyPoints: qaListKeyPoints(qa.List), Source: source})
		}
	}
	return set.drafts
}

// draftSet gathers a document's drafts, each once: a draft with the Key
// of an earlier one is dropped, so a document that repeats a question
// imports it once. Both readers, the plain-text one and qadoc's, add
// their drafts through it.
type draftSet struct {
	drafts []draft.Card
	seen   map[string]bool
}

func newDraftSet(capacity int) *draftSet {
	return &draftSet{drafts: make([]draft.Card, 0, capacity), seen: make(map[string]bool, capacity)}
}

// add keys the draft by its front and keeps it if the key is new.
func (s *draftSet) add(d draft.Card) {
	d.Key = draft.Key("qa:", d.Front)
	if !s.seen[d.Key] {
		s.seen[d.Key] = true
		s.drafts = append(s.drafts, d)
	}
}

// fallbackSlug is the category of the Q&As nothing else files: the
// import's choice, else uncategorized.
func fallbackSlug(choice string) string {
	if slug := category.SlugFor(choice); slug != "" {
		return slug
	}
	return category.Uncategorized
}

// qaListKeyPoints takes a list's items as key points, those that fit one:
// the list stays whole on the card, so a long item costs its answer check,
// not the import of the document.
func qaListKeyPoints(items []string) []string {
	var kps []string
	for _, it := range items {
		if len(kps) < draft.MaxKeyPoints && utf8.RuneCountInString(it) <= draft.MaxKeyPointRunes {
			kps = append(kps, it)
		}
	}
	return kps
}

func qaFirstNonEmpty(lists ...[]string) []string {
	for _, l := range lists {
		if len(l) > 0 {
			return append([]string(nil), l...)
		}
	}
	return nil
}

// qaListFront asks for the list, e.g. "What happens when candidates only
// talk about accuracy? — Candidates should discuss (5 points)".
func qaListFront(qa QA) string {
	n := len(qa.List)
	points := "points"
	if n == 1 {
		points = "point"
	}
	if intro := strings.TrimRight(strings.TrimSpace(qa.ListIntro), ":"); intro != "" {
		return fmt.Sprintf("%s — %s (%d %s)", qa.Question, intro, n, points)
	}
	return fmt.Sprintf("%s — name the %d %s", qa.Question, n, points)
}

// qaPhrases are the terms whose presence in an answer make it a good one
// when a Q&A gives no key points of its own. Patterns follow the rules of
// categoryKeywords ("*" marks a stem). The list is documented in
// docs/import-formats.md: keep the two in step.
var qaPhrases = []struct {
	phrase   string
	patterns []string
}{
	{"precision", []string{"precision"}},
	{"recall", []string{"recall"}},
	{"F1", []string{"f1*", "f-measure", "f-score"}},
	{"ROC-AUC", []string{"roc-auc", "roc auc", "auc", "area under the roc curve"}},
	{"business impact", []string{"business impact", "business value", "business need*"}},
	{"missing values", []string{"missing value*", "missing data"}},
	{"outliers", []string{"outlier*"}},
	{"feature engineering", []string{"feature engineering"}},
	{"data validation", []string{"data validation", "validate the data", "validating the data"}},
	{"data leakage", []string{"data leak*", "leakage"}},
	{"class imbalance", []string{"class imbalance", "imbalanced"}},
	{"data preprocessing", []string{"preprocess*", "pre-process*"}},
	{"monitoring", []string{"monitor*"}},
	{"deployment", []string{"deploy*"}},
	{"trade-offs", []string{"trade-off*", "tradeoff*", "trade off*"}},
	{"latency", []string{"latency"}},
	{"scalability", []string{"scalab*"}},
	{"interpretability", []string{"interpretab*", "explainab*"}},
	{"assumptions", []string{"assumption*"}},
	{"constraints", []string{"constraint*"}},
	{"baseline", []string{"baseline*"}},
	{"overfitting", []string{"overfit*", "over-fit*"}},
	{"cross-validation", []string{"cross-validat*", "cross validat*"}},
	{"regularization", []string{"regulari*"}},
	{"error handling", []string{"error handling"}},
	{"stakeholders", []string{"stakeholder*"}},
	{"clarifying questions", []string{"clarifying question*"}},
}

// qaFindPhrases lists the qaPhrases an answer mentions, in the order they
// first appear in it, so the result is the same on every import.
func qaFindPhrases(answer string) []string {
	folded := categoryFoldText(answer)
	type hit struct {
		at     int
		phrase string
	}
	var hits []hit
	for _, p := range qaPhrases {
		first := -1
		for _, pat := range p.patterns {
			if at, _ := categoryFind(folded, pat); at >= 0 && (first < 0 || at < first) {
				first = at
			}
		}
		if first >= 0 {
			hits = append(hits, hit{first, p.phrase})
		}
	}
	// Insertion sort keeps equal positions in table order; lists are tiny.
	for i := 1; i < len(hits); i++ {
		for j := i; j > 0 && hits[j].at < hits[j-1].at; j-- {
			hits[j], hits[j-1] = hits[j-1], hits[j]
		}
	}
	var out []string
	for _, h := range hits {
		out = append(out, h.phrase)
	}
	return out
}
