package anki

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file says what an exported note is called and tagged: its guid,
// from which the importer gives each card its key again, and its tags.

// clozeNotes writes the cards of one cloze note as the cards of one Anki
// note, each with its number's ord.
type clozeNotes struct {
	first map[int64]ExportCard   // NoteID -> its card of the lowest number
	nids  map[int64]int64        // NoteID -> the Anki note, once written
	ords  map[int64]map[int]bool // NoteID -> the numbers written
	alone map[int64]bool         // cards written as a note of their own
}

func newClozeNotes(cards []ExportCard) *clozeNotes {
	s := &clozeNotes{first: map[int64]ExportCard{}, nids: map[int64]int64{}, ords: map[int64]map[int]bool{}, alone: map[int64]bool{}}
	for _, c := range cards {
		if c.Cloze == 0 || c.NoteID == 0 {
			continue
		}
		if f, ok := s.first[c.NoteID]; !ok || c.Cloze < f.Cloze {
			s.first[c.NoteID] = c
		}
	}
	return s
}

// note is the Anki note of a cloze card and its ord; written says the
// note is written already (by another of its cards).
func (s *clozeNotes) note(c ExportCard, ids *uniqueMS) (nid int64, ord int, written bool) {
	if nid, ok := s.nids[c.NoteID]; ok && c.NoteID != 0 {
		if !s.ords[c.NoteID][c.Cloze] {
			s.ords[c.NoteID][c.Cloze] = true
			return nid, c.Cloze - 1, true
		}
		// Two cards of one number (data written by hand): a note each.
		s.alone[c.ID] = true
		return ids.next(c.Created), c.Cloze - 1, false
	}
	nid = ids.next(c.Created)
	if c.NoteID == 0 {
		s.alone[c.ID] = true
		return nid, c.Cloze - 1, false
	}
	s.nids[c.NoteID], s.ords[c.NoteID] = nid, map[int]bool{c.Cloze: true}
	return nid, c.Cloze - 1, false
}

// guid is the guid of the note a cloze card is written in.
func (s *clozeNotes) guid(c ExportCard) string {
	if s.alone[c.ID] {
		return GUIDPrefix + c.Key + "#note"
	}
	f := s.first[c.NoteID]
	return clozeGUID(f.Key, f.Cloze)
}

// clozeGUID is the guid of a cloze note, from the key of its card of the
// lowest number n: "fc:" and the note's key for a note of this server's
// (whose cards' keys are "<note key>#c<n>"), the note's own guid for one
// that came from Anki (whose cards' keys are "anki:<guid>:<ord>"), so that
// importing the package gives each card its key again (the store's
// importer reads the keys back from the guids).
func clozeGUID(key string, n int) string {
	if note, ok := strings.CutSuffix(key, "#c"+strconv.Itoa(n)); ok && note != "" {
		return GUIDPrefix + note
	}
	if rest, ok := strings.CutPrefix(key, "anki:"); ok {
		if guid, ok := strings.CutSuffix(rest, ":"+strconv.Itoa(n-1)); ok && GoodGUID(guid) && len(guid) <= 64 && !strings.HasPrefix(guid, GUIDPrefix) {
			return guid
		}
	}
	return GUIDPrefix + key + "#note"
}

// GoodGUID says whether a guid may stand in a card's key: not empty, at
// most 200 bytes of UTF-8, no space or control character.
func GoodGUID(s string) bool {
	if s == "" || len(s) > 200 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	return true
}

// noteTags is an exported card's Anki note tags: its category (none for
// ""), then its tags with "/" as Anki's "::", in Anki's form " a b ".
func noteTags(category string, tags []string) string {
	var all []string
	if category != "" {
		all = append(all, category)
	}
	all = append(all, TagNames(tags)...)
	if len(all) == 0 {
		return ""
	}
	return " " + strings.Join(all, " ") + " "
}

// TagNames are tags as Anki writes them, "::" for "/".
func TagNames(tags []string) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = strings.ReplaceAll(t, "/", "::")
	}
	return out
}
