// Package anki reads Anki packages (.apkg) into plain values: note types
// with their fields and templates, decks, notes, cards with Anki's
// scheduling, the review log and the media files; it turns those into
// card drafts with their scheduling and history in this server's terms
// (Drafts, Schedule); it writes plain cards, decks, reviews and images as
// a package (Write); and it turns Anki's field HTML into plain text and
// back. It opens the package's own SQLite file, never the store, and
// bounds everything a hostile package could make it unpack, hold or
// compute. docs/anki.md describes the mapping onto cards.
package anki

import (
	"archive/zip"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	"modernc.org/sqlite"
)

// This file reads Anki packages (.apkg): a zip holding the collection, a
// SQLite database, in one of two layouts. The legacy one is
// collection.anki2 or collection.anki21, with note types and decks as JSON
// in the col table; the current one is collection.anki21b, the same
// database compressed with zstd, with notetypes, fields, templates and
// decks tables. The media files notes show are opened by media.go.

// The collection entries an apkg may hold, best first: an export made for
// current Anki versions holds anki21b beside a stub anki2 that only asks
// the reader to update Anki.
var collectionEntries = []string{"collection.anki21b", "collection.anki21", "collection.anki2"}

// Limits bound what one package may make the reader unpack, hold and take.
// A zero is a limit too, not its absence: start from DefaultLimits. The
// store's importer sets Cards to its limit of every import.
type Limits struct {
	Cards      int           // cards one package may hold
	Collection int64         // bytes the collection may unpack to
	Files      int           // entries of the package's zip
	MediaFile  int64         // bytes one media file may unpack to
	Media      int64         // bytes all media files may unpack to together
	Time       time.Duration // unpacking and reading the collection
	Work       int64         // bytes of fields and templates Drafts may render into cards
}

// DefaultLimits are the limits of an import: 200,000 cards, a collection
// of 256 MiB, 20,000 files, 100 MiB a media file and 1 GiB of media, two
// minutes, and 1 GiB of fields and templates rendered. The largest package allowed (200,000 notes and cards,
// 600,000 reviews, 126 MiB) read in 12 to 19 s on two shared cores; the
// HTTP server gives up on writing the answer after 5 minutes anyway.
func DefaultLimits() Limits {
	return Limits{Cards: 200_000, Collection: 256 << 20, Files: 20_000, MediaFile: 100 << 20, Media: 1 << 30, Time: 2 * time.Minute, Work: 1 << 30}
}

// ratioFrom is how much an entry may unpack to before its compression
// ratio is checked: small files compress any which way.
const ratioFrom int64 = 8 << 20

const (
	// maxRatio is the most an entry may grow when unpacked. Real
	// collections compress 3 to 10 times; a zip bomb a thousand times.
	maxRatio = 100
	maxNotes = 200_000
	// maxReviews bounds the review log read from one package.
	maxReviews = 1_000_000
)

// Error is a package the reader refuses, with the reason a person can act
// on: Message is a sentence to show as it is.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

// refusef is a package the reader refuses.
func refusef(format string, args ...any) error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// refused reports whether err is a refusal of the package (an *Error, or
// too many cards) rather than a failure to read it.
func refused(err error) bool {
	var e *Error
	var tooMany *TooManyCardsError
	return errors.As(err, &e) || errors.As(err, &tooMany)
}

// TooManyCardsError is a package holding more cards than Limits.Cards:
// the importer refuses it in the words it uses for every file too large.
type TooManyCardsError struct{ Cards int }

func (e *TooManyCardsError) Error() string {
	return fmt.Sprintf("the package holds %d cards, more than allowed", e.Cards)
}

// Notetype is what an importer needs of an Anki note type.
type Notetype struct {
	Name      string
	Cloze     bool             // it makes one card per cloze deletion
	Fields    []string         // names, by position
	Templates map[int]Template // by ord
}

// Template is one card template: its question and answer formats.
type Template struct {
	Qfmt, Afmt string
}

// Note is one row of Anki's notes table.
type Note struct {
	GUID   string
	Mid    int64 // its note type
	Tags   []string
	Fields []string // the fields' HTML, by position
}

// Card is one row of Anki's cards table, with Anki's column names.
type Card struct {
	ID, Nid, Did              int64
	Ord, Type, Queue          int
	Due                       int64
	Ivl, Factor, Reps, Lapses int
	Odue, Odid                int64
}

// Review is one row of Anki's revlog, with Anki's column names.
type Review struct {
	ID                         int64 // answered at, ms since the epoch
	Cid                        int64
	Ease, Ivl, LastIvl, Factor int
	TimeMS                     int64
	Type                       int
}

// Collection is everything Read takes from a package.
type Collection struct {
	Created   int64 // crt: creation time, s since the epoch
	Rollover  int   // the hour Anki's day starts
	Notetypes map[int64]*Notetype
	Decks     map[int64]string // levels separated by "::"
	Notes     map[int64]*Note
	Cards     []Card             // by note, then ord
	Reviews   map[int64][]Review // by card id, oldest first
	Media     *Media             // the package's media files (media.go)
}

// Read reads an Anki package: it checks the zip and opens its media list,
// then unpacks the collection into a new folder in dir, always removed,
// and reads it, within lim.Time. A package that is not one, or is damaged,
// hostile or past a limit, is an *Error or a *TooManyCardsError.
func Read(ctx context.Context, pkg io.ReaderAt, size int64, dir string, lim Limits) (*Collection, error) {
	media, err := openMedia(pkg, size, lim)
	if err != nil {
		return nil, err
	}
	tooSlow := refusef("This Anki package takes longer than %v to read; it cannot be imported", lim.Time)
	ctx, cancel := context.WithTimeoutCause(ctx, lim.Time, tooSlow)
	defer cancel()
	col, err := readPackage(ctx, pkg, size, dir, lim)
	if err != nil && errors.Is(context.Cause(ctx), tooSlow) {
		return nil, tooSlow
	}
	if err != nil {
		return nil, err
	}
	col.Media = media
	return col, nil
}

func readPackage(ctx context.Context, pkg io.ReaderAt, size int64, parent string, lim Limits) (*Collection, error) {
	zr, err := zip.NewReader(pkg, size)
	if err != nil {
		return nil, refusef("This is not an Anki package (.apkg): it is not a zip archive")
	}
	var entry *zip.File
	for _, want := range collectionEntries {
		for _, f := range zr.File {
			if f.Name == want {
				entry = f
				break
			}
		}
		if entry != nil {
			break
		}
	}
	if entry == nil {
		return nil, refusef("This is not an Anki package: the zip holds no collection (collection.anki21b, collection.anki21 or collection.anki2)")
	}
	if entry.UncompressedSize64 > uint64(lim.Collection) {
		return nil, refusef("The package's collection unpacks to %d MiB, more than the %d MiB allowed", entry.UncompressedSize64>>20, lim.Collection>>20)
	}
	dir, err := os.MkdirTemp(parent, "apkg-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	// The file gets a name of our own: entry names are never paths here.
	path := filepath.Join(dir, "collection.sqlite")
	if err := extract(ctx, entry, path, lim.Collection); err != nil {
		return nil, err
	}
	return readCollection(ctx, path, lim.Cards)
}

// extract writes the collection entry to path, unpacking zstd for
// anki21b, and stops at the size and ratio limits.
func extract(ctx context.Context, f *zip.File, path string, maxSize int64) error {
	rc, err := f.Open()
	if err != nil {
		return refusef("The package is damaged: %v", err)
	}
	defer rc.Close()
	var src io.Reader = rc
	if f.Name == "collection.anki21b" {
		dec, err := zstd.NewReader(rc, zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxMemory(uint64(maxSize)), zstd.WithDecoderMaxWindow(64<<20))
		if err != nil {
			return err
		}
		defer dec.Close()
		src = dec
	}
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	lim := &limitReader{ctx: ctx, r: src, max: maxSize, compressed: int64(min(f.CompressedSize64, uint64(maxSize)))}
	_, err = io.Copy(out, lim)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	switch {
	case lim.err != nil:
		return lim.err
	case errors.Is(err, zstd.ErrDecoderSizeExceeded) || errors.Is(err, zstd.ErrWindowSizeExceeded) || errors.Is(err, zstd.ErrFrameSizeExceeded):
		return refusef("The package's collection unpacks to more than %d MiB", maxSize>>20)
	case err != nil && f.Name == "collection.anki21b":
		return refusef("The package's collection.anki21b is damaged or not zstd data: %v", err)
	case err != nil:
		return refusef("The package is damaged: %v", err)
	}
	return nil
}

// limitReader counts what an entry unpacks to and fails past the
// total cap max or, once past ratioFrom, past maxRatio times its
// compressed size, or once ctx is done.
type limitReader struct {
	ctx        context.Context
	r          io.Reader
	n          int64
	max        int64
	compressed int64
	err        error
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.err == nil {
		l.err = l.ctx.Err()
	}
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	switch {
	case l.n > l.max:
		l.err = refusef("The package's collection unpacks to more than %d MiB", l.max>>20)
	case l.n > ratioFrom && l.n > max(l.compressed, 1)*maxRatio:
		l.err = refusef("The package's collection unpacks to over %d times its packed size; it looks like a zip bomb", maxRatio)
	}
	if l.err != nil {
		return n, l.err
	}
	return n, err
}

var collationOnce sync.Once

// registerCollation teaches the SQLite driver Anki's "unicase"
// collation, which current collections declare on their name columns.
func registerCollation() {
	collationOnce.Do(func() {
		// Fails only if someone registered it already, which is as good.
		_ = sqlite.RegisterCollationUtf8("unicase", func(a, b string) int {
			return strings.Compare(strings.ToLower(a), strings.ToLower(b))
		})
	})
}

// readCollection opens the unpacked collection read-only and reads it
// into memory, after checking that it cannot make the server compute or
// hold more than the limits allow (guard.go).
func readCollection(ctx context.Context, path string, maxCards int) (*Collection, error) {
	db, conn, err := openCollection(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	defer conn.Close()
	shape, err := checkShape(ctx, conn, maxCards)
	if err != nil {
		return nil, err
	}
	c := &Collection{Notetypes: map[int64]*Notetype{}, Decks: map[int64]string{}, Notes: map[int64]*Note{},
		Reviews: map[int64][]Review{}, Rollover: 4}
	current := shape.current
	steps := []struct {
		what string
		read func() error
	}{
		{"col", func() error { return c.readCol(ctx, conn, current) }},
		{"note types", func() error {
			if current {
				return c.readNotetypes(ctx, conn)
			}
			return nil
		}},
		{"decks", func() error {
			if current {
				return c.readDecks(ctx, conn)
			}
			return nil
		}},
		{"rollover", func() error {
			if shape.config {
				return c.readConfigRollover(ctx, conn)
			}
			return nil
		}},
		{"notes", func() error { return c.readNotes(ctx, conn) }},
		{"cards", func() error { return c.readCards(ctx, conn, maxCards) }},
		{"revlog", func() error { return c.readRevlog(ctx, conn) }},
	}
	for _, st := range steps {
		if err := st.read(); err != nil {
			return nil, readError(ctx, st.what, err)
		}
	}
	return c, nil
}

// readError says why reading the collection failed.
func readError(ctx context.Context, what string, err error) error {
	switch {
	case refused(err):
		return err
	case ctx.Err() != nil:
		// An interrupted statement may report "interrupted" rather than
		// the context's error.
		return ctx.Err()
	case tooBig(err):
		return valueTooLarge(what, "", -1)
	}
	return refusef("The package's collection cannot be read (%s: %v)", what, sqliteReason(err))
}

// sqliteReason shortens a driver error to what it says about the file.
func sqliteReason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.Contains(msg, "SQLITE_") {
		return msg[i+2:]
	}
	return msg
}

type modelJSON struct {
	Name string `json:"name"`
	Type int    `json:"type"`
	Flds []struct {
		Name string `json:"name"`
		Ord  int    `json:"ord"`
	} `json:"flds"`
	Tmpls []struct {
		Ord  int    `json:"ord"`
		Qfmt string `json:"qfmt"`
		Afmt string `json:"afmt"`
	} `json:"tmpls"`
}

func (c *Collection) readCol(ctx context.Context, conn *sql.Conn, current bool) error {
	var models, decks, conf sql.NullString
	err := conn.QueryRowContext(ctx, "SELECT CAST(crt AS INTEGER), models, decks, conf FROM col LIMIT 1").Scan(&c.Created, &models, &decks, &conf)
	if errors.Is(err, sql.ErrNoRows) {
		return refusef("The package's collection is empty: its col table has no row")
	}
	if err != nil {
		return err
	}
	var cfg struct {
		Rollover *int `json:"rollover"`
	}
	if json.Unmarshal([]byte(conf.String), &cfg) == nil && cfg.Rollover != nil {
		c.Rollover = min(max(*cfg.Rollover, 0), 23)
	}
	if current {
		return nil
	}
	var ms map[string]modelJSON
	if err := json.Unmarshal([]byte(models.String), &ms); err != nil {
		return refusef("The package's note types (col.models) are not readable JSON: %v", err)
	}
	for id, m := range ms {
		mid, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			continue
		}
		nt := &Notetype{Name: m.Name, Cloze: m.Type == 1, Templates: map[int]Template{}}
		flds := m.Flds
		sort.SliceStable(flds, func(i, j int) bool { return flds[i].Ord < flds[j].Ord })
		for _, f := range flds {
			nt.Fields = append(nt.Fields, f.Name)
		}
		for _, t := range m.Tmpls {
			nt.Templates[t.Ord] = Template{Qfmt: t.Qfmt, Afmt: t.Afmt}
		}
		nt.settleKind()
		c.Notetypes[mid] = nt
	}
	var ds map[string]struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(decks.String), &ds); err != nil {
		return refusef("The package's decks (col.decks) are not readable JSON: %v", err)
	}
	for id, d := range ds {
		if did, err := strconv.ParseInt(id, 10, 64); err == nil {
			c.Decks[did] = d.Name
		}
	}
	return nil
}

// settleKind decides whether a note type makes cloze cards: when Anki
// says so (type or kind 1), when a template shows {{cloze:...}}, or, with
// no template to go by, when its name says Cloze.
func (nt *Notetype) settleKind() {
	if nt.Cloze {
		return
	}
	for _, t := range nt.Templates {
		for _, r := range TemplateFields(t.Qfmt) {
			if r.Cloze {
				nt.Cloze = true
				return
			}
		}
	}
	if len(nt.Templates) == 0 && strings.Contains(strings.ToLower(nt.Name), "cloze") {
		nt.Cloze = true
	}
}

func (c *Collection) readNotetypes(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, "SELECT CAST(id AS INTEGER), name, config FROM notetypes")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		var config []byte
		if err := rows.Scan(&id, &name, &config); err != nil {
			return err
		}
		nt := &Notetype{Name: name, Templates: map[int]Template{}}
		// Notetype.Config: field 1 is the kind, 1 for cloze.
		protoFields(config, func(num, wire int, v uint64, _ []byte) {
			if num == 1 && wire == 0 && v == 1 {
				nt.Cloze = true
			}
		})
		c.Notetypes[id] = nt
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := c.readNotetypeFields(ctx, conn); err != nil {
		return err
	}
	if err := c.readNotetypeTemplates(ctx, conn); err != nil {
		return err
	}
	for _, nt := range c.Notetypes {
		nt.settleKind()
	}
	return nil
}

func (c *Collection) readNotetypeFields(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, "SELECT CAST(ntid AS INTEGER), CAST(ord AS INTEGER), name FROM fields ORDER BY ntid, ord")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ntid int64
		var ord int
		var name string
		if err := rows.Scan(&ntid, &ord, &name); err != nil {
			return err
		}
		if nt := c.Notetypes[ntid]; nt != nil {
			nt.Fields = append(nt.Fields, name)
		}
	}
	return rows.Err()
}

func (c *Collection) readNotetypeTemplates(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, "SELECT CAST(ntid AS INTEGER), CAST(ord AS INTEGER), config FROM templates")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ntid int64
		var ord int
		var config []byte
		if err := rows.Scan(&ntid, &ord, &config); err != nil {
			return err
		}
		nt := c.Notetypes[ntid]
		if nt == nil {
			continue
		}
		// Template.Config: field 1 is the question format, 2 the answer's.
		var t Template
		protoFields(config, func(num, wire int, _ uint64, data []byte) {
			switch {
			case num == 1 && wire == 2:
				t.Qfmt = string(data)
			case num == 2 && wire == 2:
				t.Afmt = string(data)
			}
		})
		nt.Templates[ord] = t
	}
	return rows.Err()
}

func (c *Collection) readDecks(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, "SELECT CAST(id AS INTEGER), name FROM decks")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		// Current collections separate deck levels with \x1f; people write "::".
		c.Decks[id] = strings.ReplaceAll(name, "\x1f", "::")
	}
	return rows.Err()
}

func (c *Collection) readConfigRollover(ctx context.Context, conn *sql.Conn) error {
	var val []byte
	err := conn.QueryRowContext(ctx, "SELECT val FROM config WHERE key = 'rollover'").Scan(&val)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	var h int
	if json.Unmarshal(val, &h) == nil {
		c.Rollover = min(max(h, 0), 23)
	}
	return nil
}

func (c *Collection) readNotes(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, "SELECT CAST(id AS INTEGER), guid, CAST(mid AS INTEGER), tags, flds FROM notes")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n Note
		var tags, flds string
		if err := rows.Scan(&id, &n.GUID, &n.Mid, &tags, &flds); err != nil {
			return err
		}
		if len(c.Notes) >= maxNotes {
			return refusef("The package holds more than %d notes", maxNotes)
		}
		n.Tags = strings.Fields(tags)
		n.Fields = strings.Split(flds, "\x1f")
		c.Notes[id] = &n
	}
	return rows.Err()
}

func (c *Collection) readCards(ctx context.Context, conn *sql.Conn, maxCards int) error {
	rows, err := conn.QueryContext(ctx, `SELECT CAST(id AS INTEGER), CAST(nid AS INTEGER), CAST(did AS INTEGER), CAST(ord AS INTEGER),
		CAST(type AS INTEGER), CAST(queue AS INTEGER), CAST(due AS INTEGER), CAST(ivl AS INTEGER), CAST(factor AS INTEGER),
		CAST(reps AS INTEGER), CAST(lapses AS INTEGER), CAST(odue AS INTEGER), CAST(odid AS INTEGER)
		FROM cards ORDER BY nid, ord, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k Card
		if err := rows.Scan(&k.ID, &k.Nid, &k.Did, &k.Ord, &k.Type, &k.Queue, &k.Due, &k.Ivl, &k.Factor,
			&k.Reps, &k.Lapses, &k.Odue, &k.Odid); err != nil {
			return err
		}
		if len(c.Cards) == maxCards {
			rows.Close()
			n := len(c.Cards) + 1
			conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM cards").Scan(&n) // for the message only
			return &TooManyCardsError{Cards: max(n, len(c.Cards)+1)}
		}
		c.Cards = append(c.Cards, k)
	}
	return rows.Err()
}

func (c *Collection) readRevlog(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, `SELECT CAST(id AS INTEGER), CAST(cid AS INTEGER), CAST(ease AS INTEGER), CAST(ivl AS INTEGER),
		CAST(lastIvl AS INTEGER), CAST(factor AS INTEGER), CAST(time AS INTEGER), CAST(type AS INTEGER)
		FROM revlog ORDER BY cid, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var r Review
		if err := rows.Scan(&r.ID, &r.Cid, &r.Ease, &r.Ivl, &r.LastIvl, &r.Factor, &r.TimeMS, &r.Type); err != nil {
			return err
		}
		if n++; n > maxReviews {
			return refusef("The package's review log holds more than %d reviews", maxReviews)
		}
		c.Reviews[r.Cid] = append(c.Reviews[r.Cid], r)
	}
	return rows.Err()
}

// protoFields calls fn with each top-level field of a protobuf message:
// its number, wire type, and the varint value or the bytes. Anki keeps note
// type and template settings as protobuf; this reads the few it needs
// without the schema. Malformed input ends the walk quietly.
func protoFields(b []byte, fn func(num, wire int, v uint64, data []byte)) {
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return
		}
		b = b[n:]
		num, wire := int(key>>3), int(key&7)
		switch wire {
		case 0:
			v, n := binary.Uvarint(b)
			if n <= 0 {
				return
			}
			b = b[n:]
			fn(num, wire, v, nil)
		case 1:
			if len(b) < 8 {
				return
			}
			fn(num, wire, binary.LittleEndian.Uint64(b), nil)
			b = b[8:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return
			}
			fn(num, wire, 0, b[n:n+int(l)])
			b = b[n+int(l):]
		case 5:
			if len(b) < 4 {
				return
			}
			fn(num, wire, uint64(binary.LittleEndian.Uint32(b)), nil)
			b = b[4:]
		default:
			return
		}
	}
}
