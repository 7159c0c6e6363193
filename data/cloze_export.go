package data

// ankiExportClozeModelID is the id of the Cloze note type an export holds
// beside the Basic one: Anki's stock Cloze (fields Text and Back Extra,
// one template of {{cloze:Text}}), so Anki makes one card per number.
const ankiExportClozeModelID int64 = 1_700_000_000_002

// ankiClozeModel is the Cloze note type's JSON in col.models.
func ankiClozeModel(mod int64, field func(name string, ord int) map[string]any) map[string]any {
	return map[string]any{
		"id": ankiExportClozeModelID, "name": "Cloze (flashcards)", "type": 1, "mod": mod, "usn": -1, "sortf": 0, "did": 1,
		"tmpls": []any{map[string]any{
			"name": "Cloze", "ord": 0, "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}<br>\n{{Back Extra}}",
			"bqfmt": "", "bafmt": "", "did": nil, "bfont": "", "bsize": 0,
		}},
		"flds": []any{field("Text", 0), field("Back Extra", 1)},
		"css": ".card {\n font-family: arial;\n font-size: 20px;\n text-align: left;\n color: black;\n background-color: white;\n}\n" +
			".cloze {\n font-weight: bold;\n color: blue;\n}\n",
		"latexPre":  "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\begin{document}\n",
		"latexPost": "\\end{document}", "latexsvg": false,
		"tags": []any{}, "vers": []any{},
	}
}

// ankiClozeNoteSet writes the cards of one cloze note as the cards of one
// Anki note, each with its number's ord.
type ankiClozeNoteSet struct {
	first map[int64]ankiExportCard // note_id -> its card of the lowest number
	nids  map[int64]int64          // note_id -> the Anki note, once written
	ords  map[int64]map[int]bool   // note_id -> the numbers written
	alone map[int64]bool           // cards written as a note of their own
}

func ankiClozeNotes(cards []ankiExportCard) *ankiClozeNoteSet {
	s := &ankiClozeNoteSet{first: map[int64]ankiExportCard{}, nids: map[int64]int64{}, ords: map[int64]map[int]bool{}, alone: map[int64]bool{}}
	for _, c := range cards {
		if c.cloze == 0 || c.noteID == 0 {
			continue
		}
		if f, ok := s.first[c.noteID]; !ok || c.cloze < f.cloze {
			s.first[c.noteID] = c
		}
	}
	return s
}

// note is the Anki note of a cloze card and its ord; written says the
// note is written already (by another of its cards).
func (s *ankiClozeNoteSet) note(c ankiExportCard, ids *ankiUniqueMS) (nid int64, ord int, written bool) {
	if nid, ok := s.nids[c.noteID]; ok && c.noteID != 0 {
		if !s.ords[c.noteID][c.cloze] {
			s.ords[c.noteID][c.cloze] = true
			return nid, c.cloze - 1, true
		}
		// Two cards of one number (data written by hand): a note each.
		s.alone[c.id] = true
		return ids.next(c.created), c.cloze - 1, false
	}
	nid = ids.next(c.created)
	if c.noteID == 0 {
		s.alone[c.id] = true
		return nid, c.cloze - 1, false
	}
	s.nids[c.noteID], s.ords[c.noteID] = nid, map[int]bool{c.cloze: true}
	return nid, c.cloze - 1, false
}

// guid is the guid of the note a cloze card is written in.
func (s *ankiClozeNoteSet) guid(c ankiExportCard) string {
	if s.alone[c.id] {
		return ankiExportGUIDPrefix + c.key + "#note"
	}
	f := s.first[c.noteID]
	return ankiClozeGUID(f.key, f.cloze)
}
