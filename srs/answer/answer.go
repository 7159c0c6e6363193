// Package answer checks a typed answer against a card's key points:
// which it covers, and the grade that coverage suggests. It is not
// scheduling (package srs): pure functions, no I/O.
package answer

import (
	"iter"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/flashcards/flashcards/srs"
)

// KeyPoint is a phrase a good answer must contain, with the card's own
// extra phrasings of it.
type KeyPoint struct {
	Text     string
	Synonyms []string
}

// Coverage says which key points a typed answer covered, in the card's order.
type Coverage struct {
	Covered []string // KeyPoint.Text values
	Missed  []string
}

// Check matches an answer against key points. Pure, deterministic, fast.
//
// A key point is covered when the answer contains its text, one of its
// KeyPoint.Synonyms, or one of the built-in dictionary's phrasings of it
// (see Synonyms). Matching is lexical, never semantic: "without monitoring"
// covers "monitoring". Both sides are read the same forgiving way:
//
//   - Case and punctuation are ignored: any rune that is not a letter or a
//     digit separates words, so "ROC-AUC" reads as "roc auc". An apostrophe
//     inside a word is dropped: "model's" reads as "models".
//   - Each word is folded to a stem: British spellings become American
//     (regularise, behaviour), plurals become singular (outliers, strategies,
//     processes), -ing and -ed are removed (overfitting, monitored), and so is
//     a final e (scale, scaling and scaled all read as "scal").
//   - A phrase matches a run of answer words in the same order. Small words
//     (the, a, of, and, ...) are optional in a phrase that has at least two
//     other words, and the answer may put one small word between two phrase
//     words: "area under ROC curve" and "area under a ROC curve" both match
//     "area under the ROC curve". "in practice" keeps its "in".
//   - A word written as one matches the same word written in two parts, and
//     the other way round: "tradeoffs", "trade-offs" and "trade offs".
//
// Each key point is judged on its own: the others on the card never change
// whether it is covered.
//   - Typos are forgiven by the length of the shorter stem: one edit (insert,
//     delete, replace, or swap two neighbouring letters) for 5 to 8 letters,
//     two for 9 or more, none for 4 or fewer. The first letter must be right,
//     words with digits must match exactly ("f1" is not "f2"), and a word the
//     dictionary knows is taken as written, never as a typo of another
//     ("classification" is not a typo of "clarification").
//
// The dictionary can rule a match out: "AUC" covers ROC-AUC, but not where
// it starts inside "PR-AUC". A key point with no letters or digits in it is
// never covered.
//
// docs/answer-checking.md has the full rules, the dictionary's scope and the
// known limits.
func Check(answer string, points []KeyPoint) Coverage {
	cov := Coverage{Covered: []string{}, Missed: []string{}}
	c := checker{dict: builtinDictionary(), cardStems: make(map[string]bool)}
	targets := make([]target, len(points))
	for i, kp := range points {
		targets[i] = c.addTarget(kp)
	}
	c.readAnswer(answer)
	for i, kp := range points {
		if c.covers(&targets[i]) {
			cov.Covered = append(cov.Covered, kp.Text)
		} else {
			cov.Missed = append(cov.Missed, kp.Text)
		}
	}
	return cov
}

// SuggestGrade turns coverage into a suggested SM-2 grade; ok is false when
// the card has no key points (nothing to suggest).
//
// The grade follows the share of key points covered:
//
//	all of them       5 Perfect
//	at least 3/4      4 Good
//	at least 1/2      3 Hard (the lowest pass)
//	at least 1/4      2 Almost
//	any               1 Wrong
//	none              0 Blackout
//
// covered is clamped to 0..total. The shares are compared in exact integer
// arithmetic, so 3 of 4 is a 4 and 1 of 2 a 3.
func SuggestGrade(covered, total int) (g srs.Grade, ok bool) {
	if total <= 0 {
		return 0, false
	}
	covered = min(max(covered, 0), total)
	switch {
	case covered == total:
		return 5, true
	case covered >= total-total/4: // ceil(3/4 · total)
		return 4, true
	case covered >= total-total/2: // ceil(1/2 · total)
		return 3, true
	case covered >= ceilQuarter(total):
		return 2, true
	case covered > 0:
		return 1, true
	}
	return 0, true
}

// ceilQuarter is ceil(n/4) for n > 0, without overflow.
func ceilQuarter(n int) int {
	q := n / 4
	if n%4 != 0 {
		q++
	}
	return q
}

// phrase is a key point, a synonym or a dictionary entry, split and folded.
type phrase struct {
	words []phraseWord
	// key identifies the phrase in the dictionary: the stems of its required
	// words, space-separated.
	key string
}

type phraseWord struct {
	raw  string // lowercase, as written
	stem string
	// optional marks a small word inside a longer phrase.
	optional bool
	// joined is the stem of this word and the next written as one word, ""
	// for the last word or beside an optional one.
	joined string
}

// compilePhrase splits and folds text. Small words are optional only in a
// phrase with at least two other words, so "in practice" and "at scale" do
// not shrink to one bare word; optional words at either end are dropped,
// since they could never change whether the phrase matches.
func compilePhrase(text string) *phrase {
	raws := slices.Collect(words(text))
	content := 0
	for _, w := range raws {
		if !isStopWord(w) {
			content++
		}
	}
	pw := make([]phraseWord, 0, len(raws))
	for _, w := range raws {
		pw = append(pw, phraseWord{raw: w, stem: fold(w), optional: content >= 2 && isStopWord(w)})
	}
	for len(pw) > 0 && pw[0].optional {
		pw = pw[1:]
	}
	for len(pw) > 0 && pw[len(pw)-1].optional {
		pw = pw[:len(pw)-1]
	}
	var key strings.Builder
	for i := range pw {
		w := &pw[i]
		if i+1 < len(pw) && !w.optional && !pw[i+1].optional {
			w.joined = fold(w.raw + pw[i+1].raw)
		}
		if !w.optional {
			if key.Len() > 0 {
				key.WriteByte(' ')
			}
			key.WriteString(w.stem)
		}
	}
	return &phrase{words: pw, key: key.String()}
}

// words yields the lowercase words of text. Words are runs of letters and
// digits; an apostrophe between two of them is dropped rather than splitting
// the word ("don't", "model's"). Words already in lowercase ASCII are slices
// of text; only the others are copied.
func words(text string) iter.Seq[string] {
	return func(yield func(string) bool) {
		start := -1
		plain := true // the word so far is lowercase ASCII without apostrophes
		for i := 0; i < len(text); {
			if b := text[i]; b < utf8.RuneSelf && asciiWord[b] != 0 { // the common case, inlined
				if start < 0 {
					start, plain = i, true
				}
				plain = plain && asciiWord[b] == 1
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			switch {
			case isApostrophe(r): // before isWordRune: ʼ is a Unicode letter
				if start >= 0 && startsWithWordRune(text[i+size:]) {
					plain = false // dropped by lowerWord
					break
				}
				if start >= 0 {
					if !yield(lowerWord(text[start:i], plain)) {
						return
					}
					start = -1
				}
			case isWordRune(r):
				if start < 0 {
					start, plain = i, false
				}
				plain = false
			case start >= 0:
				if !yield(lowerWord(text[start:i], plain)) {
					return
				}
				start = -1
			}
			i += size
		}
		if start >= 0 {
			yield(lowerWord(text[start:], plain))
		}
	}
}

func lowerWord(w string, plain bool) string {
	if plain {
		return w
	}
	return strings.Map(func(r rune) rune {
		if isApostrophe(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, w)
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r] != 0
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// asciiWord is 1 for lowercase letters and digits, 2 for capitals.
var asciiWord = func() (t [utf8.RuneSelf]byte) {
	for _, r := range "abcdefghijklmnopqrstuvwxyz0123456789" {
		t[r] = 1
	}
	for _, r := range "ABCDEFGHIJKLMNOPQRSTUVWXYZ" {
		t[r] = 2
	}
	return t
}()

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

func startsWithWordRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return isWordRune(r) && !isApostrophe(r)
}

// isStopWord reports the small words that may be left out of, or slipped
// into, a phrase.
func isStopWord(w string) bool {
	switch w {
	case "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from",
		"with", "into", "and", "or", "as", "is", "are", "be", "was", "were",
		"it", "its", "this", "that", "these", "those", "my", "your", "our", "their":
		return true
	}
	return false
}

// fold reduces a lowercase word to the stem it is matched by, in this order:
// a short table of irregular forms; British to American endings; plural to
// singular; -ing and -ed; a final e. Words of one or two letters and words
// with a digit are left alone. The stem is only a matching key, never shown.
func fold(w string) string {
	if len(w) <= 2 || hasDigit(w) {
		return w
	}
	if s, ok := irregularForms[w]; ok {
		return s
	}
	w = americanSpelling(w)
	w = singular(w)
	w = stripVerbEnding(w)
	// Drop a final e, so that "scale" meets "scaling" at "scal"; short words
	// keep it, so "use" stays apart from "us" and "tune" meets "tuning"
	// through stripVerbEnding's restored e.
	if n := len(w); n >= 5 && w[n-1] == 'e' && w[n-2] != 'e' {
		w = w[:n-1]
	}
	return w
}

func hasDigit(w string) bool {
	for _, r := range w {
		if '0' <= r && r <= '9' || r >= utf8.RuneSelf && unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// irregularForms maps words the rules would fold wrongly straight to their
// stems: Greek and Latin plurals, words that only look plural or past
// ("bias", "embed"), and British doubled l.
var irregularForms = map[string]string{
	"analyses": "analysis", "hypotheses": "hypothesis", "diagnoses": "diagnosis",
	"syntheses": "synthesis", "theses": "thesis", "crises": "crisis",
	"emphases": "emphasis", "axes": "axis",
	"indices": "index", "matrices": "matrix", "vertices": "vertex", "appendices": "appendix",
	"criteria": "criterion", "phenomena": "phenomenon", "corpora": "corpus",
	"bias": "bias", "biases": "bias", "alias": "alias", "aliases": "alias",
	"statuses": "status", "focuses": "focus", "viruses": "virus", "bonuses": "bonus",
	"embed": "embed", "embeds": "embed",
	"modelling": "model", "modelled": "model", "labelling": "label", "labelled": "label",
	"controlled": "control", "controlling": "control", "cancelled": "cancel",
	"cancelling": "cancel", "travelled": "travel", "travelling": "travel",
	"signalling": "signal", "signalled": "signal", "levelled": "level", "levelling": "level",
	"programme": "program", "programmes": "program",
	"versus": "vs",
}

// britishEndings turn British endings American, longest first. The ending
// must follow at least three letters, so "raise", "noise" and "hour" stay.
var britishEndings = [...]struct{ uk, us string }{
	{"isations", "izations"}, {"isation", "ization"},
	{"ising", "izing"}, {"isers", "izers"}, {"ised", "ized"}, {"ises", "izes"},
	{"iser", "izer"}, {"ise", "ize"},
	{"ysing", "yzing"}, {"ysed", "yzed"}, {"yse", "yze"},
	{"ouring", "oring"}, {"oured", "ored"}, {"ours", "ors"}, {"our", "or"},
}

func americanSpelling(w string) string {
	// Every ending has "is", "ys" or "our" within its last eight letters.
	tail := w[max(len(w)-8, 0):]
	if !strings.Contains(tail, "is") && !strings.Contains(tail, "ys") && !strings.Contains(tail, "our") {
		return w
	}
	for _, e := range britishEndings {
		if strings.HasSuffix(w, e.uk) && len(w)-len(e.uk) >= 3 {
			return w[:len(w)-len(e.uk)] + e.us
		}
	}
	return w
}

// singular folds English plurals: strategies → strategy, processes →
// process, approaches → approach, outliers → outlier. Words ending in ss, us
// or is are singular already (loss, status, analysis).
func singular(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "shes"),
		strings.HasSuffix(w, "ches"), len(w) > 3 && strings.HasSuffix(w, "xes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s"):
		return w[:len(w)-1]
	}
	return w
}

// stripVerbEnding removes -ing and -ed: overfitting → overfit, monitored →
// monitor, applied → apply. A doubled final consonant is undoubled
// (fitting → fit) except l, s and z (calling, missing, buzzing); a short
// stem that must have lost an e gets it back (tuning → tune, using → use).
// "-eed" is left alone (need, speed), as are stems with no vowel left
// (string, thing).
func stripVerbEnding(w string) string {
	var stem string
	switch {
	case len(w) >= 5 && strings.HasSuffix(w, "ing"):
		stem = w[:len(w)-3]
	case len(w) >= 5 && strings.HasSuffix(w, "ied"):
		return w[:len(w)-3] + "y"
	case len(w) >= 4 && strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed"):
		stem = w[:len(w)-2]
	default:
		return w
	}
	if !strings.ContainsAny(stem, "aeiouy") {
		return w
	}
	n := len(stem)
	if n >= 4 && stem[n-1] == stem[n-2] && isConsonant(stem[n-1]) && !strings.ContainsRune("lsz", rune(stem[n-1])) {
		return stem[:n-1]
	}
	if lostE(stem) {
		return stem + "e"
	}
	return stem
}

func isConsonant(b byte) bool {
	return 'a' <= b && b <= 'z' && !strings.ContainsRune("aeiou", rune(b))
}

// lostE reports a stem like "us", "tun" or "hop": vowel-consonant, or
// consonant-vowel-consonant, ending in neither w, x nor y. English doubles
// that consonant before -ing and -ed unless the word ended in e (hopping,
// hoping), so an undoubled one had an e.
func lostE(stem string) bool {
	endsRight := func(b byte) bool { return isConsonant(b) && b != 'w' && b != 'x' && b != 'y' }
	switch len(stem) {
	case 2:
		return strings.ContainsRune("aeiou", rune(stem[0])) && endsRight(stem[1])
	case 3:
		return isConsonant(stem[0]) && strings.ContainsRune("aeiouy", rune(stem[1])) && endsRight(stem[2])
	}
	return false
}

// maxTypoLetters bounds the words typo matching considers; longer ones
// must match exactly, which keeps the edit distance cheap on odd input.
const maxTypoLetters = 64

// typoBudget is how many edits two stems may differ by, given the length in
// letters of the shorter one.
func typoBudget(letters int) int {
	switch {
	case letters <= 4:
		return 0
	case letters <= 8:
		return 1
	}
	return 2
}

// withinEdits reports whether a and b are at most limit edits apart, counting
// an insertion, a deletion, a substitution or a swap of two neighbouring
// letters as one edit (the optimal string alignment form of
// Damerau-Levenshtein distance).
func withinEdits(a, b string, limit int) bool {
	if isASCII(a) && isASCII(b) {
		return withinEditsOf([]byte(a), []byte(b), limit)
	}
	return withinEditsOf([]rune(a), []rune(b), limit)
}

func withinEditsOf[E byte | rune](a, b []E, limit int) bool {
	la, lb := len(a), len(b)
	if abs(la-lb) > limit {
		return false
	}
	var buf [3 * 33]int
	var rows []int
	if 3*(lb+1) <= len(buf) {
		rows = buf[:3*(lb+1)]
	} else {
		rows = make([]int, 3*(lb+1))
	}
	older, prev, cur := rows[:lb+1], rows[lb+1:2*(lb+1)], rows[2*(lb+1):]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		best := i
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, older[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > limit {
			return false
		}
		older, prev, cur = prev, cur, older
	}
	return prev[lb] <= limit
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// target is one key point ready to match: its phrases, and the phrases
// inside which a match does not count.
type target struct {
	phrases []*phrase
	unless  []*phrase
}

// vocabWord is one distinct stem of the answer.
type vocabWord struct {
	stem    string
	letters int
	first   rune
	single  bool // occurs as a word, not only as two words joined
	typoOK  bool // may be read as a typo of a phrase word
}

// checker holds one Check call's working state; nothing outlives it.
type checker struct {
	dict *dictionary
	// cardStems holds the stems of the key points' own words and
	// synonyms, to find answer words worth joining.
	cardStems map[string]bool

	ids    []int32 // vocabulary id of each answer word
	stop   []bool  // each answer word is a small word
	joined []int32 // id of word j and j+1 written as one, or -1

	vocab map[string]int32
	words []vocabWord
	// Positions of each vocabulary id as a single word (atSingle) and as
	// a joined pair (atJoined), in compressed rows: positions of id i are
	// pos[start[i]:start[i+1]].
	atSingle, atJoined postings

	matches  map[string][]int32 // phrase stem → vocabulary ids it matches
	byLetter map[rune][]int32   // typoOK ids by first letter
	exactIDs map[string][]int32 // phrase stem → its own id, for small words

	resolved []resolvedWord
	memo     []memoSlot
	try      uint32 // stamps memo slots, so no slot needs clearing
}

// memoSlot caches one matchRun.at result: the end of the match, or -1. It
// is valid only while try equals the checker's current try.
type memoSlot struct {
	try uint32
	end int32
}

type postings struct{ start, pos []int32 }

func (p *postings) of(id int32) []int32 { return p.pos[p.start[id]:p.start[id+1]] }

func buildPostings(ids []int32, vocabSize int) postings {
	start := make([]int32, vocabSize+1)
	for _, id := range ids {
		if id >= 0 {
			start[id+1]++
		}
	}
	for i := 1; i <= vocabSize; i++ {
		start[i] += start[i-1]
	}
	pos := make([]int32, start[vocabSize])
	fill := append([]int32(nil), start[:vocabSize]...)
	for j, id := range ids {
		if id >= 0 {
			pos[fill[id]] = int32(j)
			fill[id]++
		}
	}
	return postings{start: start, pos: pos}
}

func (c *checker) addTarget(kp KeyPoint) target {
	var t target
	text := compilePhrase(kp.Text)
	t.phrases = append(t.phrases, text)
	for _, s := range kp.Synonyms {
		t.phrases = append(t.phrases, compilePhrase(s))
	}
	for _, p := range t.phrases {
		for _, w := range p.words {
			c.cardStems[w.stem] = true
		}
	}
	if g := c.dict.group(text.key); g != nil {
		for _, e := range g.entries {
			if e.phrase.key != text.key {
				t.phrases = append(t.phrases, e.phrase)
			}
		}
		t.unless = g.unless
	}
	return t
}

// readAnswer splits and folds the answer and indexes its words.
func (c *checker) readAnswer(answer string) {
	guess := len(answer)/6 + 1  // words in English prose average under six bytes with a space
	distinct := min(guess, 256) // a long answer repeats its words
	c.ids = make([]int32, 0, guess)
	c.stop = make([]bool, 0, guess)
	c.joined = make([]int32, 0, guess)
	c.vocab = make(map[string]int32, distinct)
	c.words = make([]vocabWord, 0, distinct)

	// A pair of answer words is worth joining only when the first is the
	// start of some phrase word and the second goes on with the letter that
	// follows: "trade" "offs" for "tradeoff", "f" "1" for "f1".
	cardStems := make([]string, 0, len(c.cardStems))
	for s := range c.cardStems {
		cardStems = append(cardStems, s)
	}
	slices.Sort(cardStems)
	type rawWord struct {
		id   int32
		next byteSet // bytes that continue this word into a phrase stem
	}
	seen := make(map[string]rawWord, distinct)
	var prev rawWord
	prevWord := ""
	for w := range words(answer) {
		r, ok := seen[w]
		if !ok {
			r.id = c.intern(fold(w))
			r.next = c.dict.continuations[w]
			continuations(cardStems, w, &r.next)
			seen[w] = r
		}
		c.words[r.id].single = true
		if prevWord != "" && prev.next.has(w[0]) {
			// Keep the join only if folding left the first word in front,
			// as the test above assumed; then whether a pair is joined
			// never depends on which other key points are checked.
			if j := fold(prevWord + w); len(j) > len(prevWord) && strings.HasPrefix(j, prevWord) && j[len(prevWord)] == w[0] {
				c.joined[len(c.joined)-1] = c.intern(j)
			}
		}
		c.ids = append(c.ids, r.id)
		c.stop = append(c.stop, isStopWord(w))
		c.joined = append(c.joined, -1)
		prev, prevWord = r, w
	}

	c.atSingle = buildPostings(c.ids, len(c.words))
	c.atJoined = buildPostings(c.joined, len(c.words))

	c.byLetter = make(map[rune][]int32)
	for id := range c.words {
		w := &c.words[id]
		w.typoOK = w.single && w.letters >= 5 && w.letters <= maxTypoLetters && !hasDigit(w.stem) && !c.dict.known[w.stem]
		if w.typoOK {
			c.byLetter[w.first] = append(c.byLetter[w.first], int32(id))
		}
	}
	c.matches = make(map[string][]int32)
	c.exactIDs = make(map[string][]int32)
}

// byteSet is a set of bytes.
type byteSet [4]uint64

func (s *byteSet) add(b byte)      { s[b>>6] |= 1 << (b & 63) }
func (s *byteSet) has(b byte) bool { return s[b>>6]&(1<<(b&63)) != 0 }

// continuations adds to next the byte that follows prefix in each string of
// sorted that is longer than prefix and starts with it.
func continuations(sorted []string, prefix string, next *byteSet) {
	i, _ := slices.BinarySearch(sorted, prefix)
	for ; i < len(sorted) && strings.HasPrefix(sorted[i], prefix); i++ {
		if len(sorted[i]) > len(prefix) {
			next.add(sorted[i][len(prefix)])
		}
	}
}

func (c *checker) intern(stem string) int32 {
	if id, ok := c.vocab[stem]; ok {
		return id
	}
	id := int32(len(c.words))
	first, _ := utf8.DecodeRuneInString(stem)
	c.words = append(c.words, vocabWord{stem: stem, letters: utf8.RuneCountInString(stem), first: first})
	c.vocab[stem] = id
	return id
}

// matching returns the vocabulary ids a phrase stem matches: itself, and
// unless exact, words that are a small typo away.
func (c *checker) matching(stem string, exact bool) []int32 {
	if stem == "" {
		return nil
	}
	cache := c.matches
	if exact {
		cache = c.exactIDs
	}
	if ids, ok := cache[stem]; ok {
		return ids
	}
	var ids []int32
	if id, ok := c.vocab[stem]; ok {
		ids = append(ids, id)
	}
	letters := utf8.RuneCountInString(stem)
	if !exact && letters >= 5 && letters <= maxTypoLetters && !hasDigit(stem) {
		first, _ := utf8.DecodeRuneInString(stem)
		for _, id := range c.byLetter[first] {
			w := &c.words[id]
			if w.stem == stem {
				continue
			}
			budget := typoBudget(min(letters, w.letters))
			if budget > 0 && abs(letters-w.letters) <= budget && withinEdits(stem, w.stem, budget) {
				ids = append(ids, id)
			}
		}
	}
	cache[stem] = ids
	return ids
}

// resolvedWord is a phrase word with the answer's vocabulary ids it matches:
// alone, with typos unless optional; written apart in the answer, exactly
// (exact); and joined with the next phrase word, with typos.
type resolvedWord struct {
	match, joinedMatch []int32
	exact              int32 // -1 if the answer has no such stem
	optional           bool
}

func (c *checker) resolve(p *phrase) []resolvedWord {
	rw := c.resolved[:0]
	for _, w := range p.words {
		exact, ok := c.vocab[w.stem]
		if !ok {
			exact = -1
		}
		rw = append(rw, resolvedWord{
			match:       c.matching(w.stem, w.optional),
			joinedMatch: c.matching(w.joined, false),
			exact:       exact,
			optional:    w.optional,
		})
	}
	c.resolved = rw
	return rw
}

// covers reports whether the answer covers the key point.
func (c *checker) covers(t *target) bool {
	if len(c.ids) == 0 {
		return false
	}
	var spans [][2]int
	for _, p := range t.unless {
		c.eachMatch(p, func(start, end int) bool {
			spans = append(spans, [2]int{start, end})
			return true
		})
	}
	for _, p := range t.phrases {
		found := false
		c.eachMatch(p, func(start, _ int) bool {
			for _, s := range spans {
				if s[0] <= start && start < s[1] {
					return true // inside an exclusion: keep looking
				}
			}
			found = true
			return false
		})
		if found {
			return true
		}
	}
	return false
}

// eachMatch calls yield with the start and end of matches of p in the
// answer, one per start position, until yield returns false.
func (c *checker) eachMatch(p *phrase, yield func(start, end int) bool) {
	if len(p.words) == 0 {
		return
	}
	rw := c.resolve(p)
	// Every required word needs something to match, alone or joined with a
	// neighbour; most phrases fail here without a scan.
	for k := range rw {
		if !rw[k].optional && len(rw[k].match) == 0 && len(rw[k].joinedMatch) == 0 &&
			(k == 0 || len(rw[k-1].joinedMatch) == 0) {
			return
		}
	}
	m := matchRun{c: c, words: rw, width: 3*len(rw) + 1}
	if need := len(rw) * m.width; len(c.memo) < need {
		c.memo = make([]memoSlot, need)
		c.try = 0
	}
	try := func(start int) bool {
		c.try++
		if c.try == 0 { // wrapped: forget every stamp
			clear(c.memo)
			c.try = 1
		}
		m.base = start
		if end := m.at(0, start); end >= 0 {
			return yield(start, end)
		}
		return true
	}
	// The first word is required, so a match starts where it does.
	for _, id := range rw[0].match {
		for _, j := range c.atSingle.of(id) {
			if !try(int(j)) {
				return
			}
		}
	}
	if id := rw[0].exact; id >= 0 {
		for _, j := range c.atJoined.of(id) {
			if !try(int(j)) {
				return
			}
		}
	}
	for _, id := range rw[0].joinedMatch {
		for _, j := range c.atSingle.of(id) {
			if !try(int(j)) {
				return
			}
		}
	}
}

// matchRun matches one phrase from one start position. The checker's memo
// caches at(k, j) for j in [base, base+width): each phrase word consumes at
// most two answer words and one small word after them, so no match reaches
// further.
type matchRun struct {
	c     *checker
	words []resolvedWord
	base  int
	width int
}

// at matches phrase words k.. starting exactly at answer word j and returns
// the end of the match, or -1.
func (m *matchRun) at(k, j int) int {
	if k == len(m.words) {
		return j
	}
	c, w := m.c, &m.words[k]
	slot := &c.memo[k*m.width+j-m.base]
	if slot.try == c.try {
		return int(slot.end)
	}
	end := -1
	if w.optional {
		end = m.at(k+1, j)
	}
	if end < 0 && j < len(c.ids) {
		if contains(w.match, c.ids[j]) {
			end = m.next(k+1, j+1)
		}
		if end < 0 && w.exact >= 0 && c.joined[j] == w.exact {
			end = m.next(k+1, j+2)
		}
		if end < 0 && k+1 < len(m.words) && contains(w.joinedMatch, c.ids[j]) {
			end = m.next(k+2, j+1)
		}
	}
	// The memo was sized before the run, so slot still points into it.
	*slot = memoSlot{try: c.try, end: int32(end)}
	return end
}

// next continues after a matched phrase word: the following phrase word
// starts at answer word j, or at j+1 if j is a small word.
func (m *matchRun) next(k, j int) int {
	if k == len(m.words) {
		return j
	}
	if end := m.at(k, j); end >= 0 {
		return end
	}
	if j < len(m.c.stop) && m.c.stop[j] {
		return m.at(k, j+1)
	}
	return -1
}

func contains(ids []int32, id int32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
