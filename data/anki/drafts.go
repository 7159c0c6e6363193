package anki

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flashcards/flashcards/data/cardtext"
	"github.com/flashcards/flashcards/data/draft"
)

// This file turns a collection read into card drafts: each Anki card's
// front and back rendered from its note type's templates and its note's
// fields (cloze cards included), its key, deck and tags. The store writes
// the drafts (data/anki_import.go); schedule.go maps their scheduling.

// Draft is one Anki card made ready to store.
type Draft struct {
	Key         string
	Deck        string
	Front, Back string
	Tags        []string // the note's tags, as Anki writes them ("::")
	Card        Card     // the Anki card: its scheduling and review log (Schedule)
	// A card of a Cloze note: its number (ord+1) and its note (the Anki
	// note id), whose text is Front and whose extra fields are Back.
	Cloze int
	Note  string
}

// DraftStats counts the cards Drafts leaves out, and the media dropped.
type DraftStats struct {
	Empty   int // a side had no text once HTML and media were dropped
	Unknown int // their note or note type is not in the package
	Media   int // media references (sounds, files that are no image) dropped from the notes read
}

// Images shows the package's images in the cards' text. Image is an
// ImageFunc; Err is the first image refused, which stops the conversion.
type Images interface {
	Image(src, alt string) (markdown string, ok bool)
	Err() error
}

// Drafts turns the collection's cards into drafts, in note order. A card
// whose deck is missing goes to fallbackDeck; images (nil: none kept)
// shows the images the package holds. Rendering many cards of very long
// notes past lim.Work bytes refuses the package (an *Error), as does an
// image that images refuses (its Err, returned as it is).
func Drafts(col *Collection, fallbackDeck string, images Images, lim Limits) ([]Draft, DraftStats, error) {
	var st DraftStats
	// Many cards of one huge note could make the server render it over and
	// over; real collections stay far below this budget of bytes handled.
	var work int64
	var out []Draft
	texts := map[int64][]string{} // each note's fields as text, made once
	var image ImageFunc
	if images != nil {
		image = images.Image
	}
	for _, k := range col.Cards {
		note := col.Notes[k.Nid]
		var nt *Notetype
		if note != nil {
			nt = col.Notetypes[note.Mid]
		}
		if nt == nil {
			st.Unknown++
			continue
		}
		text, ok := texts[k.Nid]
		if !ok {
			text = make([]string, len(note.Fields))
			for i, f := range note.Fields {
				var m int
				text[i], m = FieldTextImages(f, image)
				// No side holds more, so no field need be longer.
				text[i] = truncate(text[i])
				st.Media += m
			}
			texts[k.Nid] = text
		}
		front, back := sides(nt, note.Fields, text, k.Ord, &work)
		if images != nil {
			if err := images.Err(); err != nil {
				return nil, st, err
			}
		}
		if work > lim.Work {
			return nil, st, refusef("The package's notes are too large to read (many cards of very long notes)")
		}
		front, back = truncate(front), truncate(back)
		if front == "" || back == "" && !nt.Cloze { // a cloze note's extra text may be empty
			st.Empty++
			continue
		}
		d := Draft{Key: CardKey(note, k), Deck: deckName(col, k, fallbackDeck), Front: front, Back: back, Tags: note.Tags, Card: k}
		if nt.Cloze {
			d.Key, d.Cloze, d.Note = ClozeCardKey(note, k), k.Ord+1, strconv.FormatInt(k.Nid, 10)
		}
		out = append(out, d)
	}
	return out, st, nil
}

// deckName is the name of the card's deck: its home deck when it sits in
// a filtered deck for now.
func deckName(col *Collection, k Card, fallback string) string {
	id := k.Did
	if k.Odid != 0 {
		id = k.Odid
	}
	name := strings.TrimSpace(strings.ToValidUTF8(col.Decks[id], ""))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "" {
		return fallback
	}
	if r := []rune(name); len(r) > draft.MaxNameRunes {
		name = strings.TrimSpace(string(r[:draft.MaxNameRunes]))
	}
	return name
}

// CardKey is a card's identity across imports: the note's guid (its id
// when the guid is odd) and the card's template or cloze number. A note
// this server exported carries the card's own key, so the card comes back
// as itself.
func CardKey(n *Note, k Card) string {
	if rest, ok := strings.CutPrefix(n.GUID, GUIDPrefix); ok && k.Ord == 0 && GoodGUID(rest) {
		return rest
	}
	if GoodGUID(n.GUID) && len(n.GUID) <= 64 {
		return "anki:" + n.GUID + ":" + strconv.Itoa(k.Ord)
	}
	return "anki:" + strconv.FormatInt(k.Nid, 10) + ":" + strconv.Itoa(k.Ord)
}

// ClozeCardKey is the key of a card of an Anki Cloze note: the card's key
// within the note this server exported (the guid is "fc:<note key>"),
// else CardKey's.
func ClozeCardKey(n *Note, k Card) string {
	if rest, ok := strings.CutPrefix(n.GUID, GUIDPrefix); ok && GoodGUID(rest) {
		return draft.ClozeCardKey(rest, k.Ord+1)
	}
	return CardKey(n, k)
}

// sides renders an Anki card's front and back from its note's fields (raw
// HTML and reduced text) for the card's template ord. A cloze card's
// front is its note's text with the {{cN::…}} deletions (cardtext renders
// it), its back any extra field its template shows; "" when the text has
// no deletion of its number. Another card shows on the front
// the fields its question template names and on the back those its answer
// template adds; a template naming none falls back to field order (first
// field on the front, reversed for the second template). work counts the
// bytes handled.
func sides(nt *Notetype, raw, text []string, ord int, work *int64) (front, back string) {
	index := func(name string) int {
		for i, f := range nt.Fields {
			if f == name {
				return i
			}
		}
		for i, f := range nt.Fields {
			if strings.EqualFold(f, name) {
				return i
			}
		}
		return -1
	}
	field := func(i int) string {
		if i >= 0 && i < len(text) {
			return text[i]
		}
		return ""
	}
	join := func(idx []int) string {
		var parts []string
		for _, i := range idx {
			*work += int64(1 + len(field(i)))
			if t := field(i); t != "" {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, "\n\n")
	}
	refs := func(tmpl string, withType bool, skip map[int]bool) []int {
		var idx []int
		for _, r := range TemplateFields(tmpl) {
			if r.TypeAns && !withType {
				continue
			}
			if i := index(r.Field); i >= 0 && !skip[i] {
				skip[i] = true
				idx = append(idx, i)
			}
		}
		return idx
	}

	if nt.Cloze {
		t := nt.Templates[0]
		*work += int64(len(t.Qfmt) + len(t.Afmt))
		clozeField := 0
		for _, r := range TemplateFields(t.Qfmt) {
			if i := index(r.Field); r.Cloze && i >= 0 {
				clozeField = i
				break
			}
		}
		if clozeField >= len(raw) {
			return "", ""
		}
		n := ord + 1
		*work += int64(3 * len(raw[clozeField]))
		if nums, _ := cardtext.ClozeNumbers(field(clozeField), false); !slices.Contains(nums, n) {
			return "", ""
		}
		front = field(clozeField)
		extra := refs(t.Afmt, true, map[int]bool{clozeField: true})
		if t.Afmt == "" {
			*work += int64(len(text))
			for i := range text {
				if i != clozeField {
					extra = append(extra, i)
				}
			}
		}
		return front, join(extra)
	}

	t, ok := nt.Templates[ord]
	*work += int64(len(t.Qfmt) + len(t.Afmt))
	used := map[int]bool{}
	var frontIdx, backIdx []int
	if ok {
		frontIdx = refs(t.Qfmt, false, used)
		backIdx = refs(t.Afmt, true, used)
	}
	if len(frontIdx) == 0 {
		used = map[int]bool{}
		if ord == 1 && len(text) > 1 {
			frontIdx = []int{1}
		} else {
			frontIdx = []int{0}
		}
		used[frontIdx[0]] = true
		backIdx = nil
	}
	if len(backIdx) == 0 {
		*work += int64(len(text))
		for i := range text {
			if !used[i] {
				backIdx = append(backIdx, i)
			}
		}
	}
	return join(frontIdx), join(backIdx)
}

// truncate cuts text to the most a card side may hold.
func truncate(s string) string {
	if utf8.RuneCountInString(s) <= draft.MaxTextRunes {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:draft.MaxTextRunes-1])) + "…"
}
