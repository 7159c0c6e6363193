package data

import (
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// CloseFrontSimilarity is how alike two fronts must be, as the Jaccard
// index of their word sets, for a new card to count as a close match of
// one the user has: "Is not explaining trade-offs an interview mistake?"
// and "Is leaving out trade-offs an interview mistake?" share 6 of 10
// words and match; "What is overfitting?" and "What is underfitting?"
// share 2 of 4 and do not.
const CloseFrontSimilarity = 0.6

// FrontWords is a front as a set of words: lower-cased, split on anything
// that is not a letter or a digit, so punctuation and apostrophes go.
func FrontWords(front string) []string {
	f := strings.FieldsFunc(strings.ToLower(front), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	})
	seen := make(map[string]bool, len(f))
	words := f[:0]
	for _, w := range f {
		w = strings.NewReplacer("'", "", "’", "").Replace(w)
		if w != "" && !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	sort.Strings(words)
	return words
}

// FrontSimilarity is the Jaccard index of two fronts' word sets: the words
// they share over the words either has, from 0 (none shared) to 1.
func FrontSimilarity(a, b string) float64 {
	return jaccard(FrontWords(a), FrontWords(b))
}

// jaccard takes two sorted sets of words.
func jaccard(a, b []string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	shared, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			shared++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(shared) / float64(len(a)+len(b)-shared)
}

var sourceQuestionRe = regexp.MustCompile(`^(.+) [Qq](\d+)(?: \(.*\))?$`)

// SourceQuestion names the question of a write-up a card was made from,
// the same whatever the file's extension: "ml-interview-mistakes.txt Q4"
// and "ml-interview-mistakes Q4" (the built-in deck, made from that
// write-up) both give "ml-interview-mistakes q4". Sources naming no
// numbered question (a card table's "notes.csv line 3", a card typed in
// by hand) give "".
func SourceQuestion(source string) string {
	m := sourceQuestionRe.FindStringSubmatch(strings.TrimSpace(source))
	if m == nil {
		return ""
	}
	doc := m[1]
	switch strings.ToLower(filepath.Ext(doc)) {
	case ".txt", ".md", ".markdown", ".html", ".htm", ".xhtml":
		doc = strings.TrimSuffix(doc, filepath.Ext(doc))
	}
	doc = strings.ToLower(strings.TrimSpace(doc))
	if doc == "" {
		return ""
	}
	return doc + " q" + strings.TrimLeft(m[2], "0")
}

// CloseMatch is a new card that closely matches one the user has.
type CloseMatch struct {
	Draft      int    // index of the draft
	Front      string // the existing card's front
	Deck       string // and its deck
	SameSource bool   // made from the same question of the same write-up
	Similarity float64
}

// ExistingCard is what the close-match search knows of a user's card.
type ExistingCard struct {
	Key, Front, Source, Deck string
}

// FindCloseMatches pairs each draft with the existing card it most
// closely matches, if any: one made from the same question of the same
// write-up (SourceQuestion), or one whose front is at least
// CloseFrontSimilarity alike. Drafts whose key an existing card has are
// exact duplicates, not close matches, and are left out.
//
// Comparing every draft with every card would take 10^10 steps for two
// tables of 100,000; instead each card's rarest words are indexed (prefix
// filtering: two word sets whose Jaccard index is at least t share a word
// among the first n-ceil(t*n)+1 of each, in one global order), and only
// cards sharing one of a draft's rarest words are compared.
func FindCloseMatches(drafts []CardDraft, existing []ExistingCard) []CloseMatch {
	keys := make(map[string]bool, len(existing))
	bySource := map[string]int{}
	freq := map[string]int{}
	words := make([][]string, len(existing))
	for i, e := range existing {
		keys[e.Key] = true
		if q := SourceQuestion(e.Source); q != "" {
			if _, ok := bySource[q]; !ok {
				bySource[q] = i
			}
		}
		words[i] = FrontWords(e.Front)
		for _, w := range words[i] {
			freq[w]++
		}
	}
	rarestFirst := func(ws []string) []string {
		out := append([]string(nil), ws...)
		sort.Slice(out, func(i, j int) bool {
			if freq[out[i]] != freq[out[j]] {
				return freq[out[i]] < freq[out[j]]
			}
			return out[i] < out[j]
		})
		return out[:prefixLen(len(out))]
	}
	index := map[string][]int{}
	for i, ws := range words {
		for _, w := range rarestFirst(ws) {
			index[w] = append(index[w], i)
		}
	}
	var out []CloseMatch
	for d, draft := range drafts {
		if keys[draft.Key] {
			continue
		}
		if i, ok := bySource[SourceQuestion(draft.Source)]; ok && SourceQuestion(draft.Source) != "" {
			e := existing[i]
			out = append(out, CloseMatch{Draft: d, Front: e.Front, Deck: e.Deck, SameSource: true, Similarity: FrontSimilarity(draft.Front, e.Front)})
			continue
		}
		dw := FrontWords(draft.Front)
		best, bestSim := -1, 0.0
		seen := map[int]bool{}
		for _, w := range rarestFirst(dw) {
			for _, i := range index[w] {
				if seen[i] {
					continue
				}
				seen[i] = true
				if sim := jaccard(dw, words[i]); sim >= CloseFrontSimilarity && sim > bestSim {
					best, bestSim = i, sim
				}
			}
		}
		if best >= 0 {
			out = append(out, CloseMatch{Draft: d, Front: existing[best].Front, Deck: existing[best].Deck, Similarity: bestSim})
		}
	}
	return out
}

// prefixLen is how many of a set's rarest words must include a shared
// one when its Jaccard index with another set is CloseFrontSimilarity or
// more.
func prefixLen(n int) int {
	if n == 0 {
		return 0
	}
	p := n - int(math.Ceil(CloseFrontSimilarity*float64(n)-1e-9)) + 1
	return min(p, n)
}
