package anki

import (
	"archive/zip"
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// This file writes Anki packages in the legacy layout every Anki 2.1
// reads: collection.anki2 with one Basic note type (Front, Back) and one
// Cloze note type, one Anki deck per deck, categories and tags as tags,
// the scheduling in Anki's terms and the review history as its revlog.
// docs/anki.md has the mapping.

// Package is what Write puts in an Anki package, in this server's terms:
// the user's settings, decks, cards, review history and images.
type Package struct {
	Now           time.Time      // when the package is made
	Location      *time.Location // the user's time zone
	Rollover      int            // the hour a study day starts
	NewPerDay     int
	ReviewsPerDay int

	Decks   map[int64]string // by the deck's id: its name
	Cards   []ExportCard     // new cards are numbered in this order
	Reviews []ExportReview
	Images  map[string]Image // by hash: the images the cards show
}

// ExportCard is one card to write.
type ExportCard struct {
	ID          int64  // the card's id, which its reviews name
	Key         string // the card's key: its note's guid says it
	Deck        int64  // one of Package.Decks; another is Anki's Default deck
	Category    string // a tag, "" for none
	Tags        []string
	Front, Back string // card text (Markdown); images are /media/<hash>.<ext>
	Suspended   bool
	Created     time.Time
	// The card's SM-2 state; a card never graded is New and has no due day.
	New                  bool
	Due                  srs.Day
	Reps, Interval, Ease int // Ease in percent
	Lapses               int
	Counted              int // the card's counted reviews: Anki's reps
	// A cloze card's number, 0 for a basic card, and its note: the cards
	// of one note are the cards of one Anki Cloze note.
	Cloze  int
	NoteID int64
}

// ExportReview is one row of a card's review log.
type ExportReview struct {
	Card     int64 // the ExportCard's ID
	At       time.Time
	Grade    int  // SM-2's 0 to 5
	Counted  bool // false for an answer that changed nothing (a re-drill)
	AnswerMS int
	// The card's state before and after the grade; BeforeGraded is false
	// for the card's first grade.
	BeforeGraded   bool
	BeforeReps     int
	BeforeInterval int
	AfterInterval  int
	AfterEase      int
}

// Image is an image the package carries.
type Image struct {
	FileName string // its name in the package, which the fields' <img src> use
	// Read reads the bytes when the image is written, so that one image at
	// a time is in memory; false leaves the image out (gone meanwhile).
	Read func(ctx context.Context) (data []byte, ok bool, err error)
}

// GUIDPrefix starts the guid of every note this server exports; the rest
// is the card's key, so a re-import finds the card it came from.
const GUIDPrefix = "fc:"

// Note type ids. They never change, so Anki files every export's notes
// under the same types.
const (
	basicModelID int64 = 1_700_000_000_001
	// The Cloze note type beside the Basic one: Anki's stock Cloze (fields
	// Text and Back Extra, one template of {{cloze:Text}}), so Anki makes
	// one card per number.
	clozeModelID int64 = 1_700_000_000_002
)

// Write writes pkg as an Anki package to w. The collection is built in a
// new folder in dir, always removed.
func Write(ctx context.Context, w io.Writer, pkg Package, dir string) error {
	dir, err := os.MkdirTemp(dir, "apkg-export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "collection.anki2")
	if err := writeCollection(ctx, path, pkg); err != nil {
		return fmt.Errorf("export apkg: %w", err)
	}
	return writeZip(ctx, w, path, pkg.Images, pkg.Now)
}

// answer maps an SM-2 grade onto Anki's answer buttons, the inverse of
// the importer's: 0 to 2 are Again, 3 Hard, 4 Good, 5 Easy.
func answer(grade int) int {
	switch {
	case grade <= 2:
		return 1
	case grade == 3:
		return 2
	case grade == 4:
		return 3
	}
	return 4
}

// checksum is Anki's duplicate check of a note's first field: the first
// 32 bits of its SHA-1.
func checksum(text string) int64 {
	sum := sha1.Sum([]byte(text))
	return int64(binary.BigEndian.Uint32(sum[:4]))
}

// uniqueMS hands out ids that are millisecond timestamps, as Anki's are,
// but never twice.
type uniqueMS struct{ last int64 }

func (u *uniqueMS) next(t time.Time) int64 {
	id := max(t.UnixMilli(), u.last+1)
	u.last = id
	return id
}

// fieldHTML is card text as the HTML of an Anki field, each image the
// package carries written as its file.
func fieldHTML(text string, images map[string]Image) string {
	return FieldHTMLImages(text, func(hash string) (string, bool) {
		img, ok := images[hash]
		return img.FileName, ok
	})
}

func writeCollection(ctx context.Context, path string, pkg Package) error {
	loc, now := pkg.Location, pkg.Now // a nil Location is UTC
	today := srs.StudyDay(now, loc, pkg.Rollover)
	// The collection is made on the earliest day it mentions, so every due
	// day counts forward from it.
	created := today
	for _, c := range pkg.Cards {
		if !c.New {
			created = min(created, c.Due)
		}
	}
	for _, r := range pkg.Reviews {
		created = min(created, srs.StudyDay(r.At, loc, pkg.Rollover))
	}
	crt := srs.DayStart(created, loc, pkg.Rollover).Unix()

	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=journal_mode(DELETE)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, Schema11); err != nil {
		return err
	}

	// Decks: Anki's Default deck (id 1) always exists; ours get ids of their own.
	mod := now.Unix()
	deckIDs := map[int64]int64{}
	deckJSON := map[string]any{"1": deckJSONOf(1, "Default", mod)}
	ids := make([]int64, 0, len(pkg.Decks))
	for id := range pkg.Decks {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for i, id := range ids {
		aid := now.UnixMilli() + int64(i) + 1
		name := pkg.Decks[id]
		if strings.EqualFold(name, "Default") {
			aid = 1
		}
		deckIDs[id] = aid
		deckJSON[strconv.FormatInt(aid, 10)] = deckJSONOf(aid, name, mod)
	}

	noteStmt, err := tx.PrepareContext(ctx, `INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data)
		VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')`)
	if err != nil {
		return err
	}
	defer noteStmt.Close()
	cardStmt, err := tx.PrepareContext(ctx, `INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor,
		reps, lapses, left, odue, odid, flags, data) VALUES (?, ?, ?, ?, ?, -1, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, '')`)
	if err != nil {
		return err
	}
	defer cardStmt.Close()
	var noteIDs, cardIDs uniqueMS
	ankiIDs := map[int64]int64{}
	position := 0
	clozeNotes := newClozeNotes(pkg.Cards) // the cards of one cloze note are one Anki note
	for _, c := range pkg.Cards {
		cid := cardIDs.next(c.Created)
		ankiIDs[c.ID] = cid
		tags := noteTags(c.Category, c.Tags)
		nid, ord, written := int64(0), 0, false
		if c.Cloze > 0 {
			nid, ord, written = clozeNotes.note(c, &noteIDs)
		} else {
			nid = noteIDs.next(c.Created)
		}
		if !written {
			guid, model := GUIDPrefix+c.Key, basicModelID
			if c.Cloze > 0 {
				guid, model = clozeNotes.guid(c), clozeModelID
			}
			_, err := noteStmt.ExecContext(ctx, nid, guid, model, mod, tags,
				fieldHTML(c.Front, pkg.Images)+"\x1f"+fieldHTML(c.Back, pkg.Images), c.Front, checksum(c.Front))
			if err != nil {
				return err
			}
		}
		typ, queue, due, ivl, factor := 0, 0, int64(0), 0, 0
		if !c.New {
			typ, queue, due, ivl, factor = 2, 2, int64(c.Due-created), c.Interval, c.Ease*10
		} else {
			position++
			due = int64(position)
		}
		if c.Suspended {
			queue = -1
		}
		did := deckIDs[c.Deck]
		if did == 0 {
			did = 1
		}
		_, err := cardStmt.ExecContext(ctx, cid, nid, did, ord, mod, typ, queue, due, ivl, factor, max(c.Counted, c.Reps), c.Lapses)
		if err != nil {
			return err
		}
	}

	revStmt, err := tx.PrepareContext(ctx, `INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)
		VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer revStmt.Close()
	var revIDs uniqueMS
	reviews := append([]ExportReview(nil), pkg.Reviews...)
	sort.SliceStable(reviews, func(i, j int) bool { return reviews[i].At.Before(reviews[j].At) })
	for _, r := range reviews {
		cid, ok := ankiIDs[r.Card]
		if !ok {
			continue
		}
		// Type: 0 learning (the card's first grade), 1 review of a card
		// recalled before (so a failure is a lapse, as srs.IsLapse counts
		// it), 2 relearning after a failure, 3 an answer that changed
		// nothing (a re-drill), as a filtered deck without rescheduling logs it.
		typ, lastIvl := 1, r.BeforeInterval
		switch {
		case !r.Counted:
			typ = 3
		case !r.BeforeGraded:
			typ, lastIvl = 0, 0
		case r.BeforeReps == 0:
			typ = 2
		}
		_, err := revStmt.ExecContext(ctx, revIDs.next(r.At), cid, answer(r.Grade), r.AfterInterval, lastIvl,
			r.AfterEase*10, r.AnswerMS, typ)
		if err != nil {
			return err
		}
	}

	conf, models, dconf, deckText, err := colJSON(pkg, mod, position+1, deckJSON)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO col (id, crt, mod, scm, ver, dty, usn, ls, conf, models, decks, dconf, tags)
		VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')`, crt, now.UnixMilli(), now.UnixMilli(), conf, models, deckText, dconf)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return db.Close()
}

func deckJSONOf(id int64, name string, mod int64) map[string]any {
	return map[string]any{
		"id": id, "name": name, "mod": mod, "usn": -1, "desc": "", "dyn": 0, "conf": 1,
		"lrnToday": []int{0, 0}, "revToday": []int{0, 0}, "newToday": []int{0, 0}, "timeToday": []int{0, 0},
		"collapsed": false, "browserCollapsed": false, "extendNew": 0, "extendRev": 0,
	}
}

// colJSON writes the col table's JSON columns: the collection settings,
// the note types, the deck options and the decks.
func colJSON(pkg Package, mod int64, nextPos int, decks map[string]any) (conf, models, dconf, deckText string, err error) {
	mid := strconv.FormatInt(basicModelID, 10)
	parts := []any{
		map[string]any{
			"activeDecks": []int{1}, "curDeck": 1, "newSpread": 0, "collapseTime": 1200, "timeLim": 0,
			"estTimes": true, "dueCounts": true, "curModel": mid, "nextPos": nextPos, "sortType": "noteFld",
			"sortBackwards": false, "addToCur": true, "schedVer": 2, "rollover": pkg.Rollover,
		},
		map[string]any{
			mid:                                 basicModel(mod),
			strconv.FormatInt(clozeModelID, 10): clozeModel(mod),
		},
		map[string]any{"1": map[string]any{
			"id": 1, "mod": 0, "name": "Default", "usn": 0, "maxTaken": 60, "autoplay": true, "timer": 0,
			"replayq": true, "dyn": false,
			"new": map[string]any{"bury": false, "delays": []float64{1, 10}, "initialFactor": 2500,
				"ints": []int{1, 4, 0}, "order": 1, "perDay": pkg.NewPerDay},
			"rev": map[string]any{"bury": false, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": srs.MaxInterval,
				"perDay": pkg.ReviewsPerDay, "hardFactor": 1.2},
			"lapse": map[string]any{"delays": []float64{10}, "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0},
		}},
		decks,
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		b, err := json.Marshal(p)
		if err != nil {
			return "", "", "", "", err
		}
		out[i] = string(b)
	}
	return out[0], out[1], out[2], out[3], nil
}

// modelField is one field of a note type in col.models.
func modelField(name string, ord int) map[string]any {
	return map[string]any{"name": name, "ord": ord, "sticky": false, "rtl": false, "font": "Arial", "size": 20, "media": []any{}}
}

// basicModel is the Basic note type's JSON in col.models.
func basicModel(mod int64) map[string]any {
	return map[string]any{
		"id": basicModelID, "name": "Basic (flashcards)", "type": 0, "mod": mod, "usn": -1, "sortf": 0, "did": 1,
		"tmpls": []any{map[string]any{
			"name": "Card 1", "ord": 0, "qfmt": "{{Front}}", "afmt": "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}",
			"bqfmt": "", "bafmt": "", "did": nil, "bfont": "", "bsize": 0,
		}},
		"flds": []any{modelField("Front", 0), modelField("Back", 1)},
		"css":  ".card {\n font-family: arial;\n font-size: 20px;\n text-align: left;\n color: black;\n background-color: white;\n}\n",
		"latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n" +
			"\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
		"latexPost": "\\end{document}", "latexsvg": false,
		"req": []any{[]any{0, "any", []int{0}}}, "tags": []any{}, "vers": []any{},
	}
}

// clozeModel is the Cloze note type's JSON in col.models.
func clozeModel(mod int64) map[string]any {
	return map[string]any{
		"id": clozeModelID, "name": "Cloze (flashcards)", "type": 1, "mod": mod, "usn": -1, "sortf": 0, "did": 1,
		"tmpls": []any{map[string]any{
			"name": "Cloze", "ord": 0, "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}<br>\n{{Back Extra}}",
			"bqfmt": "", "bafmt": "", "did": nil, "bfont": "", "bsize": 0,
		}},
		"flds": []any{modelField("Text", 0), modelField("Back Extra", 1)},
		"css": ".card {\n font-family: arial;\n font-size: 20px;\n text-align: left;\n color: black;\n background-color: white;\n}\n" +
			".cloze {\n font-weight: bold;\n color: blue;\n}\n",
		"latexPre":  "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\begin{document}\n",
		"latexPost": "\\end{document}", "latexsvg": false,
		"tags": []any{}, "vers": []any{},
	}
}

// writeZip writes the package: the collection, the images as files 0, 1,
// 2... (by hash, in order) and the media list naming them,
// {"0": "<hash>.png"}. Each image is read when it is written, so one at a
// time is in memory; an image gone meanwhile is left out.
func writeZip(ctx context.Context, w io.Writer, path string, images map[string]Image, now time.Time) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(w)
	cw, err := zw.CreateHeader(&zip.FileHeader{Name: "collection.anki2", Method: zip.Deflate, Modified: now})
	if err != nil {
		return err
	}
	if _, err := io.Copy(cw, f); err != nil {
		return err
	}
	hashes := make([]string, 0, len(images))
	for h := range images {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	names := map[string]string{}
	for _, h := range hashes {
		img := images[h]
		data, ok, err := img.Read(ctx)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		num := strconv.Itoa(len(names))
		// Stored: images are compressed already.
		iw, err := zw.CreateHeader(&zip.FileHeader{Name: num, Method: zip.Store, Modified: now})
		if err != nil {
			return err
		}
		if _, err := iw.Write(data); err != nil {
			return err
		}
		names[num] = img.FileName
	}
	list, err := json.Marshal(names)
	if err != nil {
		return err
	}
	mw, err := zw.CreateHeader(&zip.FileHeader{Name: "media", Method: zip.Deflate, Modified: now})
	if err != nil {
		return err
	}
	if _, err := mw.Write(list); err != nil {
		return err
	}
	return zw.Close()
}
