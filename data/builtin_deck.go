package data

import (
	_ "embed"
	"encoding/json"
	"maps"
	"slices"
	"sync"
)

// BuiltinCard is one card of a deck that ships with the server.
type BuiltinCard struct {
	// ID stays the same when a release rewords the card, so the progress
	// users made on it carries over.
	ID        string
	Front     string
	Back      string
	Category  string
	KeyPoints []string
	// Synonyms lists, for each key point, other ways a correct typed
	// answer may phrase it.
	Synonyms map[string][]string
	Source   string
}

const (
	BuiltinDeckName = "ML interview mistakes"
	BuiltinDeckSlug = "ml-interview-mistakes"
)

//go:embed deck/ml-interview-mistakes.json
var deckJSON []byte

type deckFile struct {
	Name  string `json:"name"`
	Slug  string `json:"slug"`
	Cards []struct {
		ID        string              `json:"id"`
		Front     string              `json:"front"`
		Back      string              `json:"back"`
		Category  string              `json:"category"`
		KeyPoints []string            `json:"key_points"`
		Synonyms  map[string][]string `json:"synonyms"`
		Source    string              `json:"source"`
	} `json:"cards"`
}

// deckParse decodes the embedded deck once. A broken file yields no
// cards rather than a panic at startup; TestBuiltinDeck catches it.
var deckParse = sync.OnceValue(func() []BuiltinCard {
	cards, err := deckDecode(deckJSON)
	if err != nil {
		return nil
	}
	return cards
})

func deckDecode(b []byte) ([]BuiltinCard, error) {
	var f deckFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	cards := make([]BuiltinCard, 0, len(f.Cards))
	for _, c := range f.Cards {
		cards = append(cards, BuiltinCard{
			ID: c.ID, Front: c.Front, Back: c.Back, Category: c.Category,
			KeyPoints: c.KeyPoints, Synonyms: c.Synonyms, Source: c.Source,
		})
	}
	return cards, nil
}

// BuiltinDeck returns the cards of the "ML interview mistakes" deck in
// their study order. Each call returns a fresh copy, so a caller may
// change it freely.
func BuiltinDeck() []BuiltinCard {
	src := deckParse()
	out := make([]BuiltinCard, len(src))
	for i, c := range src {
		c.KeyPoints = slices.Clone(c.KeyPoints)
		syn := maps.Clone(c.Synonyms)
		for k, v := range syn {
			syn[k] = slices.Clone(v)
		}
		c.Synonyms = syn
		out[i] = c
	}
	return out
}
