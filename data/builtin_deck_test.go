package data

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/internal/testkit"
)

func TestBuiltinDeckFile(t *testing.T) {
	dec := json.NewDecoder(bytes.NewReader(deckJSON))
	dec.DisallowUnknownFields() // a misspelt field would silently drop data
	var f deckFile
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("deck/ml-interview-mistakes.json: %v", err)
	}
	if f.Name != BuiltinDeckName || f.Slug != BuiltinDeckSlug {
		t.Errorf("file names the deck %q (%q), want %q (%q)", f.Name, f.Slug, BuiltinDeckName, BuiltinDeckSlug)
	}
	if !ValidSlug(BuiltinDeckSlug) {
		t.Errorf("BuiltinDeckSlug %q is not a valid slug", BuiltinDeckSlug)
	}
	if len(BuiltinDeck()) != len(f.Cards) {
		t.Errorf("BuiltinDeck has %d cards, the file %d", len(BuiltinDeck()), len(f.Cards))
	}
}

func TestBuiltinDeck(t *testing.T) {
	cards := BuiltinDeck()
	if len(cards) < 30 || len(cards) > 45 {
		t.Fatalf("the deck has %d cards, want about 30-40", len(cards))
	}
	cats := BuiltinCategories()
	idRe := regexp.MustCompile(`^mlim-([a-z0-9-]+)-[1-9][0-9]*$`)
	sourceRe := regexp.MustCompile(`^ml-interview-mistakes Q([0-9]+)$`)
	ids, fronts := map[string]bool{}, map[string]bool{}
	perCategory := map[string]int{}
	for _, c := range cards {
		where := c.ID
		if where == "" {
			where = c.Front
		}
		if m := idRe.FindStringSubmatch(c.ID); m == nil || m[1] != c.Category {
			t.Errorf("%s: ID should look like mlim-<category>-<n>", where)
		}
		if ids[c.ID] {
			t.Errorf("%s: duplicate ID", where)
		}
		ids[c.ID] = true
		if front := draft.Key("", c.Front); fronts[front] {
			t.Errorf("%s: duplicate front %q", where, c.Front)
		} else {
			fronts[front] = true
		}
		if strings.TrimSpace(c.Front) == "" || strings.TrimSpace(c.Back) == "" {
			t.Errorf("%s: empty front or back", where)
		}
		if n := deckSentences(c.Back); n > 3 {
			t.Errorf("%s: back has %d sentences, keep it to 1-3", where, n)
		}
		m := sourceRe.FindStringSubmatch(c.Source)
		if m == nil {
			t.Errorf("%s: source %q", where, c.Source)
			continue
		}
		q, _ := strconv.Atoi(m[1])
		if q < 1 || q > len(cats) || cats[q-1].Slug != c.Category {
			t.Errorf("%s: category %q does not match its source %s", where, c.Category, c.Source)
		}
		perCategory[c.Category]++
		if len(c.KeyPoints) == 0 {
			t.Errorf("%s: no key points", where)
		}
		for _, kp := range c.KeyPoints {
			if strings.TrimSpace(kp) == "" || len(strings.Fields(kp)) > 5 {
				t.Errorf("%s: key point %q should be a short phrase", where, kp)
			}
			syn := c.Synonyms[kp]
			if len(syn) == 0 {
				t.Errorf("%s: key point %q has no synonyms", where, kp)
			}
			for _, s := range syn {
				if strings.TrimSpace(s) == "" || strings.EqualFold(s, kp) {
					t.Errorf("%s: synonym %q of %q is empty or the key point itself", where, s, kp)
				}
			}
		}
		for k := range c.Synonyms {
			if !slices.Contains(c.KeyPoints, k) {
				t.Errorf("%s: synonyms for %q, which is not a key point", where, k)
			}
		}
	}
	for _, cat := range cats {
		if n := perCategory[cat.Slug]; n < 2 || n > 8 {
			t.Errorf("category %s has %d cards, want 2-4 (more for a list)", cat.Slug, n)
		}
	}
}

// Each list of the write-up gets a card asking for the whole list.
func TestBuiltinDeckListCards(t *testing.T) {
	for _, want := range [][]string{
		{"precision", "recall", "F1", "ROC-AUC", "business impact"},
		{"define the problem", "assumptions", "solution steps", "trade-offs", "real-world considerations"},
	} {
		found := false
		for _, c := range BuiltinDeck() {
			if slices.Equal(c.KeyPoints, want) {
				found = true
				if !strings.Contains(c.Front, "five") {
					t.Errorf("%s: the list card should say how many items it wants", c.ID)
				}
			}
		}
		if !found {
			t.Errorf("no card asks for the list %q", want)
		}
	}
}

// Shipped IDs carry users' progress: a release may reword a card but must
// keep its ID.
func TestBuiltinDeckKeepsShippedIDs(t *testing.T) {
	have := map[string]bool{}
	for _, c := range BuiltinDeck() {
		have[c.ID] = true
	}
	sc := bufio.NewScanner(bytes.NewReader(testkit.Fixture(t, "builtin-deck-ids.txt")))
	n := 0
	for sc.Scan() {
		id := strings.TrimSpace(sc.Text())
		if id == "" || strings.HasPrefix(id, "#") {
			continue
		}
		n++
		if !have[id] {
			t.Errorf("shipped card %s is gone; users would lose their progress on it", id)
		}
	}
	if n == 0 {
		t.Fatal("testdata/builtin-deck-ids.txt lists no IDs")
	}
	if n != len(have) {
		t.Errorf("the deck has %d cards but %d shipped IDs: add new IDs to testdata/builtin-deck-ids.txt", len(have), n)
	}
}

func TestBuiltinDeckReturnsCopies(t *testing.T) {
	a := BuiltinDeck()
	a[0].Front = "changed"
	a[0].KeyPoints[0] = "changed"
	for _, syn := range a[0].Synonyms {
		syn[0] = "changed"
	}
	a[0].Synonyms["new"] = []string{"x"}
	b := BuiltinDeck()
	if b[0].Front == "changed" || b[0].KeyPoints[0] == "changed" || b[0].Synonyms["new"] != nil {
		t.Fatal("a caller's change leaked into the shared deck")
	}
	for _, s := range b[0].Synonyms {
		if s[0] == "changed" {
			t.Fatal("a caller's change to a synonym leaked into the shared deck")
		}
	}
}

// The deck is written in our own words: no card may share a run of eight
// or more consecutive words with the seed write-up it was learned from.
func TestBuiltinDeckIsOriginal(t *testing.T) {
	seed := deckWords(string(testkit.Seed(t)))
	const run = 8
	seen := map[string]bool{}
	for i := 0; i+run <= len(seed); i++ {
		seen[strings.Join(seed[i:i+run], " ")] = true
	}
	for _, c := range BuiltinDeck() {
		texts := append([]string{c.Front, c.Back}, c.KeyPoints...)
		for _, syn := range c.Synonyms {
			texts = append(texts, syn...)
		}
		for _, text := range texts {
			w := deckWords(text)
			for i := 0; i+run <= len(w); i++ {
				if g := strings.Join(w[i:i+run], " "); seen[g] {
					t.Errorf("%s copies %q from the seed", c.ID, g)
				}
			}
		}
	}
}

// The check must catch a copied sentence, or it proves nothing.
func TestDeckWordsFindsCopies(t *testing.T) {
	a := deckWords("Real-world thinking: it’s the “key”—isn't it?")
	b := deckWords("real world thinking its the key isnt it")
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("%q and %q should tokenize alike", a, b)
	}
}

// deckWords lowercases text into words, ignoring punctuation and
// apostrophes, so a copied sentence is found however it is punctuated.
func deckWords(s string) []string {
	s = strings.NewReplacer("'", "", "’", "").Replace(strings.ToLower(s))
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// deckSentences counts sentences by their ends, ignoring decimals like "0.5".
func deckSentences(s string) int {
	n := 0
	for i, r := range s {
		if strings.ContainsRune(".!?", r) && (i+1 == len(s) || s[i+1] == ' ') {
			n++
		}
	}
	return n
}
