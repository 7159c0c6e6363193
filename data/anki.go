package data

import (
	"archive/zip"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
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

	"github.com/flashcards/flashcards/srs"
)

// This file reads Anki packages (.apkg): a zip holding the collection, a
// SQLite database, in one of two layouts. The legacy one is
// collection.anki2 or collection.anki21, with note types and decks as JSON
// in the col table; the current one is collection.anki21b, the same
// database compressed with zstd, with notetypes, fields, templates and
// decks tables. The images notes show are read by anki_media.go.
// docs/anki.md describes the mapping onto cards.

// The collection entries an apkg may hold, best first: an export made for
// current Anki versions holds anki21b beside a stub anki2 that only asks
// the reader to update Anki.
var ankiCollectionEntries = []string{"collection.anki21b", "collection.anki21", "collection.anki2"}

// Limits on what a package may make the server unpack and hold.
var (
	// ankiMaxExtracted caps the collection's unpacked size.
	ankiMaxExtracted int64 = 256 << 20
	// ankiRatioFrom is how much an entry may unpack to before its
	// compression ratio is checked: small files compress any which way.
	ankiRatioFrom int64 = 8 << 20
	// ankiMaxWork bounds the bytes of fields and templates rendered into cards.
	ankiMaxWork = 1 << 30
)

const (
	// ankiMaxRatio is the most an entry may grow when unpacked. Real
	// collections compress 3 to 10 times; a zip bomb a thousand times.
	ankiMaxRatio = 100
	ankiMaxNotes = MaxImportCards
	ankiMaxCards = MaxImportCards
	// ankiMaxReviews bounds the review log read from one package.
	ankiMaxReviews = 1_000_000
	// ankiMaxEase and ankiMaxCount bound an imported ease and lapse count.
	ankiMaxEase  = 100_000
	ankiMaxCount = 1_000_000
)

// ankiMinDay is the earliest day an imported review or due date may have.
var ankiMinDay = srs.DateOf(1990, time.January, 1)

// ankiError is a package the importer refuses, with the reason a person can act on.
func ankiError(format string, args ...any) error {
	return Errorf(ErrInvalid, format, args...)
}

// ankiNotetype is what the importer needs of an Anki note type.
type ankiNotetype struct {
	name      string
	cloze     bool
	fields    []string // names, by position
	templates map[int]ankiTemplate
}

type ankiTemplate struct {
	qfmt, afmt string
}

type ankiNote struct {
	guid   string
	mid    int64
	tags   []string
	fields []string
}

// ankiCard is one row of Anki's cards table.
type ankiCard struct {
	id, nid, did              int64
	ord, typ, queue           int
	due                       int64
	ivl, factor, reps, lapses int
	odue, odid                int64
}

// ankiReview is one row of Anki's revlog.
type ankiReview struct {
	id                         int64 // answered at, ms since the epoch
	cid                        int64
	ease, ivl, lastIvl, factor int
	timeMS                     int64
	typ                        int
}

// ankiCollection is everything the importer reads from a package.
type ankiCollection struct {
	crt       int64 // creation time, s since the epoch
	rollover  int   // the hour Anki's day starts
	notetypes map[int64]*ankiNotetype
	decks     map[int64]string
	notes     map[int64]*ankiNote
	cards     []ankiCard
	reviews   map[int64][]ankiReview // by card id, oldest first
	media     *ankiMedia             // the package's media files (anki_media.go)
}

// readApkg unpacks the package's collection into a folder of the store's
// temporary folder, always removed, and reads it, within ankiReadTimeout.
func (s *Store) readApkg(ctx context.Context, pkg io.ReaderAt, size int64) (*ankiCollection, error) {
	tooSlow := ankiError("This Anki package takes longer than %v to read; it cannot be imported", ankiReadTimeout)
	ctx, cancel := context.WithTimeoutCause(ctx, ankiReadTimeout, tooSlow)
	defer cancel()
	col, err := s.readApkgFile(ctx, pkg, size)
	if err != nil && errors.Is(context.Cause(ctx), tooSlow) {
		return nil, tooSlow
	}
	return col, err
}

func (s *Store) readApkgFile(ctx context.Context, pkg io.ReaderAt, size int64) (*ankiCollection, error) {
	zr, err := zip.NewReader(pkg, size)
	if err != nil {
		return nil, ankiError("This is not an Anki package (.apkg): it is not a zip archive")
	}
	var entry *zip.File
	for _, want := range ankiCollectionEntries {
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
		return nil, ankiError("This is not an Anki package: the zip holds no collection (collection.anki21b, collection.anki21 or collection.anki2)")
	}
	if entry.UncompressedSize64 > uint64(ankiMaxExtracted) {
		return nil, ankiError("The package's collection unpacks to %d MiB, more than the %d MiB allowed", entry.UncompressedSize64>>20, ankiMaxExtracted>>20)
	}
	dir, err := s.temp.mkdirTemp("apkg-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	// The file gets a name of our own: entry names are never paths here.
	path := filepath.Join(dir, "collection.sqlite")
	if err := ankiExtract(ctx, entry, path); err != nil {
		return nil, err
	}
	return readAnkiCollection(ctx, path)
}

// ankiExtract writes the collection entry to path, unpacking zstd for
// anki21b, and stops at the size and ratio limits.
func ankiExtract(ctx context.Context, f *zip.File, path string) error {
	rc, err := f.Open()
	if err != nil {
		return ankiError("The package is damaged: %v", err)
	}
	defer rc.Close()
	var src io.Reader = rc
	if f.Name == "collection.anki21b" {
		dec, err := zstd.NewReader(rc, zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxMemory(uint64(ankiMaxExtracted)), zstd.WithDecoderMaxWindow(64<<20))
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
	lim := &ankiLimitReader{ctx: ctx, r: src, compressed: int64(min(f.CompressedSize64, uint64(ankiMaxExtracted)))}
	_, err = io.Copy(out, lim)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	switch {
	case lim.err != nil:
		return lim.err
	case errors.Is(err, zstd.ErrDecoderSizeExceeded) || errors.Is(err, zstd.ErrWindowSizeExceeded) || errors.Is(err, zstd.ErrFrameSizeExceeded):
		return ankiError("The package's collection unpacks to more than %d MiB", ankiMaxExtracted>>20)
	case err != nil && f.Name == "collection.anki21b":
		return ankiError("The package's collection.anki21b is damaged or not zstd data: %v", err)
	case err != nil:
		return ankiError("The package is damaged: %v", err)
	}
	return nil
}

// ankiLimitReader counts what an entry unpacks to and fails past the
// total cap or, once past ankiRatioFrom, past ankiMaxRatio times its
// compressed size, or once ctx is done.
type ankiLimitReader struct {
	ctx        context.Context
	r          io.Reader
	n          int64
	compressed int64
	err        error
}

func (l *ankiLimitReader) Read(p []byte) (int, error) {
	if l.err == nil {
		l.err = l.ctx.Err()
	}
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	switch {
	case l.n > ankiMaxExtracted:
		l.err = ankiError("The package's collection unpacks to more than %d MiB", ankiMaxExtracted>>20)
	case l.n > ankiRatioFrom && l.n > max(l.compressed, 1)*ankiMaxRatio:
		l.err = ankiError("The package's collection unpacks to over %d times its packed size; it looks like a zip bomb", ankiMaxRatio)
	}
	if l.err != nil {
		return n, l.err
	}
	return n, err
}

var ankiCollationOnce sync.Once

// ankiRegisterCollation teaches the SQLite driver Anki's "unicase"
// collation, which current collections declare on their name columns.
func ankiRegisterCollation() {
	ankiCollationOnce.Do(func() {
		// Fails only if someone registered it already, which is as good.
		_ = sqlite.RegisterCollationUtf8("unicase", func(a, b string) int {
			return strings.Compare(strings.ToLower(a), strings.ToLower(b))
		})
	})
}

// readAnkiCollection opens the unpacked collection read-only and reads it
// into memory, after checking that it cannot make the server compute or
// hold more than the limits allow (anki_guard.go).
func readAnkiCollection(ctx context.Context, path string) (*ankiCollection, error) {
	db, conn, err := ankiOpen(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	defer conn.Close()
	shape, err := ankiCheckShape(ctx, conn)
	if err != nil {
		return nil, err
	}
	c := &ankiCollection{notetypes: map[int64]*ankiNotetype{}, decks: map[int64]string{}, notes: map[int64]*ankiNote{},
		reviews: map[int64][]ankiReview{}, rollover: 4}
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
		{"cards", func() error { return c.readCards(ctx, conn) }},
		{"revlog", func() error { return c.readRevlog(ctx, conn) }},
	}
	for _, st := range steps {
		if err := st.read(); err != nil {
			return nil, ankiReadError(ctx, st.what, err)
		}
	}
	return c, nil
}

// ankiReadError says why reading the collection failed.
func ankiReadError(ctx context.Context, what string, err error) error {
	switch {
	case errors.Is(err, ErrInvalid):
		return err
	case ctx.Err() != nil:
		// An interrupted statement may report "interrupted" rather than
		// the context's error.
		return ctx.Err()
	case ankiTooBig(err):
		return ankiValueTooLarge(what, "", -1)
	}
	return ankiError("The package's collection cannot be read (%s: %v)", what, ankiSQLiteReason(err))
}

// ankiSQLiteReason shortens a driver error to what it says about the file.
func ankiSQLiteReason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.Contains(msg, "SQLITE_") {
		return msg[i+2:]
	}
	return msg
}

type ankiModelJSON struct {
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

func (c *ankiCollection) readCol(ctx context.Context, conn *sql.Conn, current bool) error {
	var models, decks, conf sql.NullString
	err := conn.QueryRowContext(ctx, "SELECT CAST(crt AS INTEGER), models, decks, conf FROM col LIMIT 1").Scan(&c.crt, &models, &decks, &conf)
	if errors.Is(err, sql.ErrNoRows) {
		return ankiError("The package's collection is empty: its col table has no row")
	}
	if err != nil {
		return err
	}
	var cfg struct {
		Rollover *int `json:"rollover"`
	}
	if json.Unmarshal([]byte(conf.String), &cfg) == nil && cfg.Rollover != nil {
		c.rollover = min(max(*cfg.Rollover, 0), 23)
	}
	if current {
		return nil
	}
	var ms map[string]ankiModelJSON
	if err := json.Unmarshal([]byte(models.String), &ms); err != nil {
		return ankiError("The package's note types (col.models) are not readable JSON: %v", err)
	}
	for id, m := range ms {
		mid, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			continue
		}
		nt := &ankiNotetype{name: m.Name, cloze: m.Type == 1, templates: map[int]ankiTemplate{}}
		flds := m.Flds
		sort.SliceStable(flds, func(i, j int) bool { return flds[i].Ord < flds[j].Ord })
		for _, f := range flds {
			nt.fields = append(nt.fields, f.Name)
		}
		for _, t := range m.Tmpls {
			nt.templates[t.Ord] = ankiTemplate{qfmt: t.Qfmt, afmt: t.Afmt}
		}
		nt.settleKind()
		c.notetypes[mid] = nt
	}
	var ds map[string]struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(decks.String), &ds); err != nil {
		return ankiError("The package's decks (col.decks) are not readable JSON: %v", err)
	}
	for id, d := range ds {
		if did, err := strconv.ParseInt(id, 10, 64); err == nil {
			c.decks[did] = d.Name
		}
	}
	return nil
}

// settleKind decides whether a note type makes cloze cards: when Anki
// says so (type or kind 1), when a template shows {{cloze:...}}, or, with
// no template to go by, when its name says Cloze.
func (nt *ankiNotetype) settleKind() {
	if nt.cloze {
		return
	}
	for _, t := range nt.templates {
		for _, r := range ankiTemplateFields(t.qfmt) {
			if r.cloze {
				nt.cloze = true
				return
			}
		}
	}
	if len(nt.templates) == 0 && strings.Contains(strings.ToLower(nt.name), "cloze") {
		nt.cloze = true
	}
}

func (c *ankiCollection) readNotetypes(ctx context.Context, conn *sql.Conn) error {
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
		nt := &ankiNotetype{name: name, templates: map[int]ankiTemplate{}}
		// Notetype.Config: field 1 is the kind, 1 for cloze.
		ankiProtoFields(config, func(num, wire int, v uint64, _ []byte) {
			if num == 1 && wire == 0 && v == 1 {
				nt.cloze = true
			}
		})
		c.notetypes[id] = nt
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
	for _, nt := range c.notetypes {
		nt.settleKind()
	}
	return nil
}

func (c *ankiCollection) readNotetypeFields(ctx context.Context, conn *sql.Conn) error {
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
		if nt := c.notetypes[ntid]; nt != nil {
			nt.fields = append(nt.fields, name)
		}
	}
	return rows.Err()
}

func (c *ankiCollection) readNotetypeTemplates(ctx context.Context, conn *sql.Conn) error {
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
		nt := c.notetypes[ntid]
		if nt == nil {
			continue
		}
		// Template.Config: field 1 is the question format, 2 the answer's.
		var t ankiTemplate
		ankiProtoFields(config, func(num, wire int, _ uint64, data []byte) {
			switch {
			case num == 1 && wire == 2:
				t.qfmt = string(data)
			case num == 2 && wire == 2:
				t.afmt = string(data)
			}
		})
		nt.templates[ord] = t
	}
	return rows.Err()
}

func (c *ankiCollection) readDecks(ctx context.Context, conn *sql.Conn) error {
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
		c.decks[id] = strings.ReplaceAll(name, "\x1f", "::")
	}
	return rows.Err()
}

func (c *ankiCollection) readConfigRollover(ctx context.Context, conn *sql.Conn) error {
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
		c.rollover = min(max(h, 0), 23)
	}
	return nil
}

func (c *ankiCollection) readNotes(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, "SELECT CAST(id AS INTEGER), guid, CAST(mid AS INTEGER), tags, flds FROM notes")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n ankiNote
		var tags, flds string
		if err := rows.Scan(&id, &n.guid, &n.mid, &tags, &flds); err != nil {
			return err
		}
		if len(c.notes) >= ankiMaxNotes {
			return ankiError("The package holds more than %d notes", ankiMaxNotes)
		}
		n.tags = strings.Fields(tags)
		n.fields = strings.Split(flds, "\x1f")
		c.notes[id] = &n
	}
	return rows.Err()
}

func (c *ankiCollection) readCards(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, `SELECT CAST(id AS INTEGER), CAST(nid AS INTEGER), CAST(did AS INTEGER), CAST(ord AS INTEGER),
		CAST(type AS INTEGER), CAST(queue AS INTEGER), CAST(due AS INTEGER), CAST(ivl AS INTEGER), CAST(factor AS INTEGER),
		CAST(reps AS INTEGER), CAST(lapses AS INTEGER), CAST(odue AS INTEGER), CAST(odid AS INTEGER)
		FROM cards ORDER BY nid, ord, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k ankiCard
		if err := rows.Scan(&k.id, &k.nid, &k.did, &k.ord, &k.typ, &k.queue, &k.due, &k.ivl, &k.factor,
			&k.reps, &k.lapses, &k.odue, &k.odid); err != nil {
			return err
		}
		if len(c.cards) == importCardLimit {
			rows.Close()
			n := len(c.cards) + 1
			conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM cards").Scan(&n) // for the message only
			return tooManyCards(max(n, len(c.cards)+1))
		}
		c.cards = append(c.cards, k)
	}
	return rows.Err()
}

func (c *ankiCollection) readRevlog(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, `SELECT CAST(id AS INTEGER), CAST(cid AS INTEGER), CAST(ease AS INTEGER), CAST(ivl AS INTEGER),
		CAST(lastIvl AS INTEGER), CAST(factor AS INTEGER), CAST(time AS INTEGER), CAST(type AS INTEGER)
		FROM revlog ORDER BY cid, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var r ankiReview
		if err := rows.Scan(&r.id, &r.cid, &r.ease, &r.ivl, &r.lastIvl, &r.factor, &r.timeMS, &r.typ); err != nil {
			return err
		}
		if n++; n > ankiMaxReviews {
			return ankiError("The package's review log holds more than %d reviews", ankiMaxReviews)
		}
		c.reviews[r.cid] = append(c.reviews[r.cid], r)
	}
	return rows.Err()
}

// ankiProtoFields calls fn with each top-level field of a protobuf message:
// its number, wire type, and the varint value or the bytes. Anki keeps note
// type and template settings as protobuf; this reads the few it needs
// without the schema. Malformed input ends the walk quietly.
func ankiProtoFields(b []byte, fn func(num, wire int, v uint64, data []byte)) {
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
