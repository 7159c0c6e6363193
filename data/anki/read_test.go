package anki

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/internal/testkit/ankitest"
)

// want is what Read must make of fx: its rows as plain values.
func want(fx ankitest.Fixture) *Collection {
	c := &Collection{Created: fx.Created, Rollover: fx.Rollover, Notetypes: map[int64]*Notetype{}, Decks: fx.Decks,
		Notes: map[int64]*Note{}, Reviews: map[int64][]Review{}}
	for _, nt := range fx.Notetypes {
		n := &Notetype{Name: nt.Name, Cloze: nt.Cloze || strings.Contains(nt.Templates[0][0], "{{cloze:"),
			Fields: nt.Fields, Templates: map[int]Template{}}
		for i, tm := range nt.Templates {
			n.Templates[i] = Template{Qfmt: tm[0], Afmt: tm[1]}
		}
		c.Notetypes[nt.ID] = n
	}
	for _, n := range fx.Notes {
		c.Notes[n.ID] = &Note{GUID: n.GUID, Mid: n.Mid, Tags: strings.Fields(n.Tags), Fields: n.Fields}
	}
	for _, k := range fx.Cards {
		c.Cards = append(c.Cards, Card(k))
	}
	sort.Slice(c.Cards, func(i, j int) bool {
		a, b := c.Cards[i], c.Cards[j]
		if a.Nid != b.Nid {
			return a.Nid < b.Nid
		}
		if a.Ord != b.Ord {
			return a.Ord < b.Ord
		}
		return a.ID < b.ID
	})
	for _, r := range fx.Revlog {
		c.Reviews[r.Cid] = append(c.Reviews[r.Cid], Review(r))
	}
	for _, rs := range c.Reviews {
		sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	}
	return c
}

// Read makes the same plain values of every layout Anki writes: note
// types (a cloze type told by its kind or its template), decks with "::"
// levels, notes, cards with their scheduling as Anki keeps it, the review
// log oldest first, the rollover hour; and leaves no file behind.
func TestReadBothLayouts(t *testing.T) {
	fx := sample()
	for layout, pkg := range build.Layouts(t, fx) {
		t.Run(layout, func(t *testing.T) {
			col, err := read(t, pkg, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if col.Media == nil {
				t.Error("no media")
			}
			col.Media = nil
			if w := want(fx); !reflect.DeepEqual(col, w) {
				t.Errorf("read\n%s\nwant\n%s", dump(col), dump(w))
			}
		})
	}
}

// dump writes the collection a line a value, in a stable order.
func dump(c *Collection) string {
	var lines []string
	for id, nt := range c.Notetypes {
		lines = append(lines, fmt.Sprintf("notetype %d %+v", id, *nt))
	}
	for id, n := range c.Notes {
		lines = append(lines, fmt.Sprintf("note %d %+v", id, *n))
	}
	for id, name := range c.Decks {
		lines = append(lines, fmt.Sprintf("deck %d %q", id, name))
	}
	for _, k := range c.Cards {
		lines = append(lines, fmt.Sprintf("card %+v", k))
	}
	for cid, rs := range c.Reviews {
		lines = append(lines, fmt.Sprintf("reviews %d %+v", cid, rs))
	}
	sort.Strings(lines)
	return fmt.Sprintf("created %d rollover %d\n", c.Created, c.Rollover) + strings.Join(lines, "\n")
}

// A package that is not one, or is hostile or past a limit, is refused
// with the reason a person reads (an *Error), or as too many cards.
func TestReadRefuses(t *testing.T) {
	fx := sample()
	legacy := build.Legacy(t, fx)
	view := ankitest.Alter(t, legacy, "ALTER TABLE notes RENAME TO notes_real", "CREATE VIEW notes AS SELECT * FROM notes_real")
	computed := ankitest.Alter(t, legacy, "ALTER TABLE cards ADD COLUMN big text GENERATED ALWAYS AS (printf('%.*c', 900000000, 'x')) VIRTUAL")
	for _, tc := range []struct {
		name  string
		pkg   []byte
		limit func(*Limits)
		says  string // the message, or "" for too many cards
	}{
		{"not a zip", []byte("not a zip at all"), nil, "This is not an Anki package (.apkg): it is not a zip archive"},
		{"no collection", ankitest.Zip(t, ankitest.File("media", []byte("{}"))), nil, "the zip holds no collection"},
		{"collection over the limit", ankitest.Zip(t, ankitest.File("collection.anki21b", ankitest.ZstdCompress(t, make([]byte, 2<<20)))),
			func(l *Limits) { l.Collection = 1 << 20 }, "The package's collection unpacks to more than 1 MiB"},
		{"too many cards", ankitest.Zip(t, ankitest.File("collection.anki2", legacy)), func(l *Limits) { l.Cards = 3 }, ""},
		{"a view for a table", ankitest.Zip(t, ankitest.File("collection.anki2", view)), nil, "This Anki package's notes is a view, not a table"},
		{"a computed column", ankitest.Zip(t, ankitest.File("collection.anki2", computed)), nil, "cards table has a computed column (big)"},
		{"too many files", ankitest.Zip(t, ankitest.File("collection.anki2", legacy), ankitest.File("media", []byte("{}"))),
			func(l *Limits) { l.Files = 1 }, "The package holds 2 files, more than the 1 allowed"},
		{"a media file over the limit", ankitest.Zip(t, ankitest.File("collection.anki2", legacy), ankitest.File("0", make([]byte, 2<<20))),
			func(l *Limits) { l.MediaFile = 1 << 20 }, "The package holds a file (0) that unpacks to 2 MiB, more than the 1 MiB allowed for one file"},
		{"media over the limit", ankitest.Zip(t, ankitest.File("collection.anki2", legacy), ankitest.File("0", make([]byte, 2<<20)), ankitest.File("1", make([]byte, 2<<20))),
			func(l *Limits) { l.Media = 3 << 20 }, "The package's files unpack to more than the 3 MiB allowed"},
		{"too slow", ankitest.Zip(t, ankitest.File("collection.anki2", legacy)), func(l *Limits) { l.Time = time.Nanosecond },
			"This Anki package takes longer than 1ns to read; it cannot be imported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lim := DefaultLimits()
			if tc.limit != nil {
				tc.limit(&lim)
			}
			col, err := read(t, tc.pkg, lim)
			if col != nil {
				t.Errorf("read a collection: %+v", col)
			}
			var refusal *Error
			var tooMany *TooManyCardsError
			switch {
			case tc.says == "":
				if !errors.As(err, &tooMany) || tooMany.Cards != len(fx.Cards) {
					t.Errorf("error %v; want too many cards (%d)", err, len(fx.Cards))
				}
			case !errors.As(err, &refusal) || !strings.Contains(refusal.Message, tc.says):
				t.Errorf("error %v; want one saying %q", err, tc.says)
			}
		})
	}
}

// A cancelled read is the context's error, not a refusal.
func TestReadCancelled(t *testing.T) {
	pkg := build.Layouts(t, sample())["legacy anki2"]
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Read(ctx, bytes.NewReader(pkg), int64(len(pkg)), t.TempDir(), DefaultLimits())
	if !errors.Is(err, context.Canceled) || refused(err) {
		t.Errorf("error %v; want the context's", err)
	}
}

// The media files are found by the name notes use, as written or
// URL-escaped, in both layouts, and read unpacked; a file said to be
// larger than asked for is refused unread.
func TestMediaFiles(t *testing.T) {
	legacy := build.Legacy(t, sample())
	roc, diag := bytes.Repeat([]byte("roc "), 100), []byte("diagonal")
	pkgs := map[string][]byte{
		"legacy": ankitest.Zip(t, ankitest.File("collection.anki2", legacy), ankitest.File("0", roc), ankitest.File("1", diag),
			ankitest.File("media", []byte(`{"0": "roc curve.png", "1": "diagonal.png", "2": "gone.png"}`))),
		"current": ankitest.Zip(t, ankitest.File("collection.anki2", legacy),
			ankitest.File("0", ankitest.ZstdCompress(t, roc)), ankitest.File("1", ankitest.ZstdCompress(t, diag)),
			ankitest.File("media", ankitest.ZstdCompress(t, ankitest.MediaList("roc curve.png", "diagonal.png")))),
	}
	for layout, pkg := range pkgs {
		t.Run(layout, func(t *testing.T) {
			col, err := read(t, pkg, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			for src, want := range map[string][]byte{"roc%20curve.png": roc, "roc curve.png": roc, "diagonal.png": diag} {
				f, ok := col.Media.File(src)
				if !ok {
					t.Errorf("%s: not found", src)
					continue
				}
				b, err := f.Read(1 << 20)
				if err != nil || !bytes.Equal(b, want) {
					t.Errorf("%s: read %q, %v", src, b, err)
				}
			}
			for _, src := range []string{"gone.png", "0", "media", "collection.anki2"} {
				if _, ok := col.Media.File(src); ok {
					t.Errorf("%s found", src)
				}
			}
		})
	}

	col, err := read(t, pkgs["legacy"], DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	f, _ := col.Media.File("roc curve.png")
	var tooLarge *MediaTooLargeError
	if _, err := f.Read(100); !errors.As(err, &tooLarge) || tooLarge.Size != int64(len(roc)) || tooLarge.Name != "roc curve.png" {
		t.Errorf("a file over the limit: %v; want it refused unread", err)
	}
	if _, ok := (*Media)(nil).File("roc curve.png"); ok {
		t.Error("no media holds a file")
	}
}

// The package's zip is checked before the collection is unpacked.
func TestReadChecksTheZipFirst(t *testing.T) {
	pkg := ankitest.Zip(t, ankitest.File("collection.anki21b", []byte("not zstd")), ankitest.File("0", nil), ankitest.File("1", nil))
	lim := DefaultLimits()
	lim.Files = 2
	_, err := read(t, pkg, lim)
	if err == nil || !strings.Contains(err.Error(), "The package holds 3 files") {
		t.Errorf("error %v; want the files' limit", err)
	}
}
