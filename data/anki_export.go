package data

import (
	"archive/zip"
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/flashcards/flashcards/data/anki"
	"github.com/flashcards/flashcards/srs"
)

// ankiExportGUIDPrefix starts the guid of every note this server exports;
// the rest is the card's key, so a re-import finds the card it came from.
const ankiExportGUIDPrefix = "fc:"

// ankiExportModelID is the id of the one note type an export holds. It
// never changes, so Anki files every export's notes under the same type.
const ankiExportModelID int64 = 1_700_000_000_001

// ApkgFileName is what an Anki package export of the user's cards is called.
func ApkgFileName(user string, day time.Time) string {
	return "flashcards-" + user + "-" + day.UTC().Format(time.DateOnly) + ".apkg"
}

// ApkgContentType is the media type of an Anki package.
const ApkgContentType = "application/apkg"

// ankiExportCard is one card as the export reads it.
type ankiExportCard struct {
	id                   int64
	key                  string
	deckID               int64
	category             string
	front, back          string
	suspended            bool
	created              time.Time
	reps, interval, ease int
	due                  sql.NullInt64
	lapses               int
	counted              int // counted reviews: Anki's reps
	tags                 []string
	cloze                int // the card's cloze number, 0 for a basic card
	noteID               int64
}

type ankiExportReview struct {
	cardID         int64
	at             time.Time
	grade          int
	counted        bool
	answerMS       int
	beforeGraded   bool
	beforeReps     int
	beforeInterval int
	afterInterval  int
	afterEase      int
}

// ExportApkg writes the user's cards as an Anki package (.apkg) in the
// legacy layout every Anki 2.1 reads: collection.anki2 with one Basic note
// type (Front, Back), one Anki deck per deck, categories as tags, the
// scheduling in Anki's terms and the review history as its revlog.
// docs/anki.md has the mapping. The collection is built in a folder of
// the store's temporary folder, always removed, from one read snapshot.
func (s *Store) ExportApkg(ctx context.Context, userID int64, w io.Writer) error {
	var (
		st      Settings
		decks   = map[int64]string{}
		cards   []ankiExportCard
		reviews []ankiExportReview
		images  map[string]Media // by hash: the user's images the cards show
	)
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		if st, err = userSettings(ctx, tx, userID); err != nil {
			return err
		}
		if decks, err = ankiExportDecks(ctx, tx, userID); err != nil {
			return err
		}
		if cards, err = ankiExportCards(ctx, tx, userID); err != nil {
			return err
		}
		if reviews, err = ankiExportReviews(ctx, tx, userID); err != nil {
			return err
		}
		texts := make([]string, 0, 2*len(cards))
		for _, c := range cards {
			texts = append(texts, c.front, c.back)
		}
		images, err = heldMediaTx(ctx, tx, userID, mediaRefs(texts...))
		return err
	})
	if err != nil {
		return err
	}
	dir, err := s.temp.mkdirTemp("apkg-export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "collection.anki2")
	if err := s.writeAnkiCollection(ctx, path, st, decks, cards, reviews, images); err != nil {
		return fmt.Errorf("export apkg: %w", err)
	}
	return s.ankiZip(ctx, w, path, images, s.now())
}

func ankiExportDecks(ctx context.Context, tx *sql.Tx, userID int64) (map[int64]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, name FROM decks WHERE user_id = ?1 AND id NOT IN "+madeByPendingImport("decks", "?1"), userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}

func ankiExportCards(ctx context.Context, tx *sql.Tx, userID int64) ([]ankiExportCard, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.key, c.deck_id, cat.slug, c.front, c.back, c.suspended, c.created_at,
		s.repetitions, s.interval, s.ease, s.due, s.lapses,
		(SELECT COUNT(*) FROM reviews r WHERE r.card_id = c.id AND r.counted = 1), c.cloze, COALESCE(c.note_id, 0), `+tagsColumn+`
		FROM cards c JOIN categories cat ON cat.id = c.category_id JOIN card_state s ON s.card_id = c.id
		WHERE c.user_id = ?1 AND s.trashed = 0 AND c.id < `+visibleBelow("?1")+` ORDER BY c.id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ankiExportCard
	for rows.Next() {
		var c ankiExportCard
		var created, tags string
		if err := rows.Scan(&c.id, &c.key, &c.deckID, &c.category, &c.front, &c.back, &c.suspended, &created,
			&c.reps, &c.interval, &c.ease, &c.due, &c.lapses, &c.counted, &c.cloze, &c.noteID, &tags); err != nil {
			return nil, err
		}
		c.tags = scanTags(tags)
		c.created, _ = parseTime(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

func ankiExportReviews(ctx context.Context, tx *sql.Tx, userID int64) ([]ankiExportReview, error) {
	rows, err := tx.QueryContext(ctx, `SELECT card_id, reviewed_at, grade, counted, answer_ms,
		before_due IS NOT NULL, before_repetitions, before_interval, after_interval, after_ease
		FROM reviews WHERE user_id = ?1 AND card_id < `+visibleBelow("?1")+`
			AND card_id NOT IN (SELECT card_id FROM card_state WHERE user_id = ?1 AND trashed = 1)
		ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ankiExportReview
	for rows.Next() {
		var r ankiExportReview
		var at string
		if err := rows.Scan(&r.cardID, &at, &r.grade, &r.counted, &r.answerMS, &r.beforeGraded,
			&r.beforeReps, &r.beforeInterval, &r.afterInterval, &r.afterEase); err != nil {
			return nil, err
		}
		var err error
		if r.at, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("review of card %d: %w", r.cardID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ankiAnswer maps an SM-2 grade onto Anki's answer buttons, the inverse of
// ankiGrade: 0 to 2 are Again, 3 Hard, 4 Good, 5 Easy.
func ankiAnswer(grade int) int {
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

// ankiChecksum is Anki's duplicate check of a note's first field: the
// first 32 bits of its SHA-1.
func ankiChecksum(text string) int64 {
	sum := sha1.Sum([]byte(text))
	return int64(binary.BigEndian.Uint32(sum[:4]))
}

// ankiUniqueMS hands out ids that are millisecond timestamps, as Anki's
// are, but never twice.
type ankiUniqueMS struct{ last int64 }

func (u *ankiUniqueMS) next(t time.Time) int64 {
	id := max(t.UnixMilli(), u.last+1)
	u.last = id
	return id
}

func (s *Store) writeAnkiCollection(ctx context.Context, path string, st Settings, decks map[int64]string,
	cards []ankiExportCard, reviews []ankiExportReview, images map[string]Media) error {
	loc, now := st.Location(), s.now()
	today := srs.StudyDay(now, loc, st.RolloverHour)
	// The collection is made on the earliest day it mentions, so every due
	// day counts forward from it.
	created := today
	for _, c := range cards {
		if c.due.Valid {
			created = min(created, srs.Day(c.due.Int64))
		}
	}
	for _, r := range reviews {
		created = min(created, srs.StudyDay(r.at, loc, st.RolloverHour))
	}
	crt := srs.DayStart(created, loc, st.RolloverHour).Unix()

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
	if _, err := tx.ExecContext(ctx, anki.Schema11); err != nil {
		return err
	}

	// Decks: Anki's Default deck (id 1) always exists; ours get ids of their own.
	mod := now.Unix()
	deckIDs := map[int64]int64{}
	deckJSON := map[string]any{"1": ankiDeckJSON(1, "Default", mod)}
	ids := make([]int64, 0, len(decks))
	for id := range decks {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for i, id := range ids {
		aid := now.UnixMilli() + int64(i) + 1
		name := decks[id]
		if strings.EqualFold(name, "Default") {
			aid = 1
		}
		deckIDs[id] = aid
		deckJSON[strconv.FormatInt(aid, 10)] = ankiDeckJSON(aid, name, mod)
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
	var noteIDs, cardIDs ankiUniqueMS
	ankiIDs := map[int64]int64{}
	position := 0
	clozeNotes := ankiClozeNotes(cards) // the cards of one cloze note are one Anki note
	for _, c := range cards {
		cid := cardIDs.next(c.created)
		ankiIDs[c.id] = cid
		tags := ankiNoteTags(c.category, c.tags)
		nid, ord, written := int64(0), 0, false
		if c.cloze > 0 {
			nid, ord, written = clozeNotes.note(c, &noteIDs)
		} else {
			nid = noteIDs.next(c.created)
		}
		if !written {
			guid, model := ankiExportGUIDPrefix+c.key, ankiExportModelID
			if c.cloze > 0 {
				guid, model = clozeNotes.guid(c), ankiExportClozeModelID
			}
			_, err := noteStmt.ExecContext(ctx, nid, guid, model, mod, tags,
				ankiFieldHTMLImages(c.front, images)+"\x1f"+ankiFieldHTMLImages(c.back, images), c.front, ankiChecksum(c.front))
			if err != nil {
				return err
			}
		}
		typ, queue, due, ivl, factor := 0, 0, int64(0), 0, 0
		if c.due.Valid {
			typ, queue, due, ivl, factor = 2, 2, c.due.Int64-int64(created), c.interval, c.ease*10
		} else {
			position++
			due = int64(position)
		}
		if c.suspended {
			queue = -1
		}
		did := deckIDs[c.deckID]
		if did == 0 {
			did = 1
		}
		_, err := cardStmt.ExecContext(ctx, cid, nid, did, ord, mod, typ, queue, due, ivl, factor, max(c.counted, c.reps), c.lapses)
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
	var revIDs ankiUniqueMS
	sort.SliceStable(reviews, func(i, j int) bool { return reviews[i].at.Before(reviews[j].at) })
	for _, r := range reviews {
		cid, ok := ankiIDs[r.cardID]
		if !ok {
			continue
		}
		// Type: 0 learning (the card's first grade), 1 review of a card
		// recalled before (so a failure is a lapse, as srs.IsLapse counts
		// it), 2 relearning after a failure, 3 an answer that changed
		// nothing (a re-drill), as a filtered deck without rescheduling logs it.
		typ, lastIvl := 1, r.beforeInterval
		switch {
		case !r.counted:
			typ = 3
		case !r.beforeGraded:
			typ, lastIvl = 0, 0
		case r.beforeReps == 0:
			typ = 2
		}
		_, err := revStmt.ExecContext(ctx, revIDs.next(r.at), cid, ankiAnswer(r.grade), r.afterInterval, lastIvl,
			r.afterEase*10, r.answerMS, typ)
		if err != nil {
			return err
		}
	}

	conf, models, dconf, deckText, err := ankiColJSON(st, mod, position+1, deckJSON)
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

func ankiDeckJSON(id int64, name string, mod int64) map[string]any {
	return map[string]any{
		"id": id, "name": name, "mod": mod, "usn": -1, "desc": "", "dyn": 0, "conf": 1,
		"lrnToday": []int{0, 0}, "revToday": []int{0, 0}, "newToday": []int{0, 0}, "timeToday": []int{0, 0},
		"collapsed": false, "browserCollapsed": false, "extendNew": 0, "extendRev": 0,
	}
}

// ankiColJSON writes the col table's JSON columns: the collection
// settings, the one note type, the deck options and the decks.
func ankiColJSON(st Settings, mod int64, nextPos int, decks map[string]any) (conf, models, dconf, deckText string, err error) {
	mid := strconv.FormatInt(ankiExportModelID, 10)
	field := func(name string, ord int) map[string]any {
		return map[string]any{"name": name, "ord": ord, "sticky": false, "rtl": false, "font": "Arial", "size": 20, "media": []any{}}
	}
	parts := []any{
		map[string]any{
			"activeDecks": []int{1}, "curDeck": 1, "newSpread": 0, "collapseTime": 1200, "timeLim": 0,
			"estTimes": true, "dueCounts": true, "curModel": mid, "nextPos": nextPos, "sortType": "noteFld",
			"sortBackwards": false, "addToCur": true, "schedVer": 2, "rollover": st.RolloverHour,
		},
		map[string]any{mid: map[string]any{
			"id": ankiExportModelID, "name": "Basic (flashcards)", "type": 0, "mod": mod, "usn": -1, "sortf": 0, "did": 1,
			"tmpls": []any{map[string]any{
				"name": "Card 1", "ord": 0, "qfmt": "{{Front}}", "afmt": "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}",
				"bqfmt": "", "bafmt": "", "did": nil, "bfont": "", "bsize": 0,
			}},
			"flds": []any{field("Front", 0), field("Back", 1)},
			"css":  ".card {\n font-family: arial;\n font-size: 20px;\n text-align: left;\n color: black;\n background-color: white;\n}\n",
			"latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n" +
				"\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
			"latexPost": "\\end{document}", "latexsvg": false,
			"req": []any{[]any{0, "any", []int{0}}}, "tags": []any{}, "vers": []any{},
		},
			strconv.FormatInt(ankiExportClozeModelID, 10): ankiClozeModel(mod, field)},
		map[string]any{"1": map[string]any{
			"id": 1, "mod": 0, "name": "Default", "usn": 0, "maxTaken": 60, "autoplay": true, "timer": 0,
			"replayq": true, "dyn": false,
			"new": map[string]any{"bury": false, "delays": []float64{1, 10}, "initialFactor": 2500,
				"ints": []int{1, 4, 0}, "order": 1, "perDay": st.NewPerDay},
			"rev": map[string]any{"bury": false, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": srs.MaxInterval,
				"perDay": st.ReviewsPerDay, "hardFactor": 1.2},
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

// ankiZip writes the package: the collection, the images the cards show
// as files 0, 1, 2... and the media list naming them, {"0": "<hash>.png"}.
// Each image is read when it is written, so one at a time is in memory; an
// image gone since the snapshot (swept meanwhile) is left out.
func (s *Store) ankiZip(ctx context.Context, w io.Writer, path string, images map[string]Media, now time.Time) error {
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
		data, err := s.mediaBlob(ctx, h)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
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
		names[num] = images[h].FileName()
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
