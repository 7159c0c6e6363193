package anki

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// This file bounds what the SQLite file in an uploaded Anki package can
// make the server do. The file is the uploader's: a table may be a view, a
// column may be computed (a 3 KB package whose notes.flds was
// printf('%.*c', 900000000, 'x') once took 16 GB), a value may be huge.
// So, before a row is read:
//
//   - the file is opened read-only and immutable on one connection whose
//     SQLITE_LIMIT_LENGTH is maxValue: no string or blob longer than
//     that can exist on it, stored or computed ("string or blob too big");
//   - each table read must be a plain table: not a view, not virtual, no
//     generated or hidden column, no trigger on it (checkShape);
//   - each table is surveyed (survey): its row count, and the byte
//     length of each text column, which octet_length gives from the record
//     header without loading the value; too many rows or a value over
//     maxValue refuses the package before any value is fetched;
//   - the whole read, unpacking included, has Limits.Time (Read):
//     the driver interrupts the statement running when the context ends,
//     and database/sql stops a row loop at the next row.
//
// PRAGMA hard_heap_limit and soft_heap_limit are not used. They cap the
// heap of every SQLite connection in the process, the server's own
// included, so an import near the cap would make other people's grades
// fail; and this driver does not enforce them at all: modernc.org/sqlite
// is built with SQLITE_DEFAULT_MEMSTATUS=0, which turns the limits off
// (with a hard limit of 1 MB, a 50 MB value still read). The per-connection
// length limit and the survey bound memory instead: the file is at most
// Limits.Collection, nothing computed is read, and no value exceeds
// maxValue. max_page_count bounds a database that grows; this one is
// read-only, and its size was capped when it was unpacked.

// maxValue is the longest string or blob read from a collection.
// Real notes hold kilobytes, a legacy col.models JSON a few megabytes.
const maxValue int64 = 16 << 20

// maxTableRows bounds the rows of a table with no limit of its own (note
// types, fields, templates, decks, config): real collections hold hundreds.
const maxTableRows = 100_000

// tableSpec is a table the reader reads, the columns it reads as text or
// bytes, and the most rows it may hold (0: Limits.Cards).
type tableSpec struct {
	name    string
	texts   []string
	maxRows int
	tooMany string // the refusal past maxRows, given maxRows
}

var (
	baseTables = []tableSpec{
		{"col", []string{"models", "decks", "conf"}, maxTableRows, ""},
		{"notes", []string{"guid", "tags", "flds"}, maxNotes, "the package holds more than %d notes"},
		{"cards", nil, 0, ""},
		{"revlog", nil, maxReviews, "the package's review log holds more than %d reviews"},
	}
	// currentTables hold note types and decks in current collections.
	currentTables = []tableSpec{
		{"notetypes", []string{"name", "config"}, maxTableRows, ""},
		{"fields", []string{"name"}, maxTableRows, ""},
		{"templates", []string{"config"}, maxTableRows, ""},
		{"decks", []string{"name"}, maxTableRows, ""},
	}
	configTable = tableSpec{"config", []string{"key", "val"}, maxTableRows, ""}
)

// collectionShape is what checkShape learnt of the collection.
type collectionShape struct {
	current bool // note types and decks are in tables (schema 18)
	config  bool // a config table holds the rollover hour
}

// openCollection opens the unpacked collection read-only, immutable (no journal,
// WAL or lock files beside it), on one connection with the length limit.
func openCollection(ctx context.Context, path string) (*sql.DB, *sql.Conn, error) {
	registerCollation()
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&immutable=1")
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if _, err := sqlite.Limit(conn, sqlite3.SQLITE_LIMIT_LENGTH, int(maxValue)); err != nil {
		conn.Close()
		db.Close()
		return nil, nil, err
	}
	return db, conn, nil
}

// checkShape refuses a collection whose tables are not the plain
// tables an Anki collection has, and surveys each table it will read.
func checkShape(ctx context.Context, conn *sql.Conn, maxCards int) (collectionShape, error) {
	unreadable := func(err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if tooBig(err) {
			return valueTooLarge("schema", "", -1)
		}
		return refusef("The package's collection is not a readable SQLite database (%v)", sqliteReason(err))
	}
	// SQLite's own reading of the schema, not the text of sqlite_schema,
	// which could say "table" of what it parses as a view.
	kinds := map[string]string{} // lower-case name: table, view, virtual or shadow
	rows, err := conn.QueryContext(ctx, "SELECT lower(name), type FROM pragma_table_list WHERE schema = 'main'")
	if err != nil {
		return collectionShape{}, unreadable(err)
	}
	for rows.Next() {
		var name, kind string
		if err := rows.Scan(&name, &kind); err != nil {
			rows.Close()
			return collectionShape{}, unreadable(err)
		}
		kinds[name] = kind
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return collectionShape{}, unreadable(err)
	}
	for _, t := range baseTables {
		if kinds[t.name] == "" {
			return collectionShape{}, refusef("The package's database is not an Anki collection: it has no %s table", t.name)
		}
	}
	shape := collectionShape{config: kinds["config"] != ""}
	shape.current = true
	for _, t := range currentTables {
		shape.current = shape.current && kinds[t.name] != ""
	}
	read := append([]tableSpec(nil), baseTables...)
	if shape.current {
		read = append(read, currentTables...)
	}
	if shape.config {
		read = append(read, configTable)
	}

	// Triggers never fire on a file opened read-only; one on a table read
	// still means the file is not what Anki writes.
	triggers := map[string]string{}
	rows, err = conn.QueryContext(ctx, "SELECT lower(tbl_name), name FROM sqlite_schema WHERE type = 'trigger'")
	if err != nil {
		return collectionShape{}, unreadable(err)
	}
	for rows.Next() {
		var table, name string
		if err := rows.Scan(&table, &name); err != nil {
			rows.Close()
			return collectionShape{}, unreadable(err)
		}
		triggers[table] = name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return collectionShape{}, unreadable(err)
	}

	for _, t := range read {
		switch kinds[t.name] {
		case "table":
		case "view":
			return collectionShape{}, refusef("This Anki package's %s is a view, not a table; it cannot be imported", t.name)
		case "virtual", "shadow":
			return collectionShape{}, refusef("This Anki package's %s table is a virtual table; it cannot be imported", t.name)
		default:
			return collectionShape{}, refusef("This Anki package's %s is a %s, not a table; it cannot be imported", t.name, kinds[t.name])
		}
		if name, ok := triggers[t.name]; ok {
			return collectionShape{}, refusef("This Anki package has a trigger (%s) on its %s table; it cannot be imported", name, t.name)
		}
		if err := checkColumns(ctx, conn, t.name); err != nil {
			if refused(err) {
				return collectionShape{}, err
			}
			return collectionShape{}, unreadable(err)
		}
	}
	for _, t := range read {
		if err := survey(ctx, conn, t, maxCards); err != nil {
			if refused(err) {
				return collectionShape{}, err
			}
			return collectionShape{}, readError(ctx, t.name, err)
		}
	}
	return shape, nil
}

// checkColumns refuses a table with a generated column (whose value
// SQLite would compute on every read) or a hidden one.
func checkColumns(ctx context.Context, conn *sql.Conn, table string) error {
	rows, err := conn.QueryContext(ctx, "SELECT name, hidden FROM pragma_table_xinfo(?)", table)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var hidden int
		if err := rows.Scan(&name, &hidden); err != nil {
			return err
		}
		// 2 and 3: a generated column, virtual or stored; 1: hidden.
		if hidden != 0 {
			return refusef("This Anki package's %s table has a computed column (%s); it cannot be imported", table, printable(name))
		}
	}
	return rows.Err()
}

// survey counts the table's rows and measures its text columns
// without fetching a value, and refuses it past the limits.
func survey(ctx context.Context, conn *sql.Conn, t tableSpec, maxCards int) error {
	// NOT INDEXED: count the table itself, not a smaller index of it,
	// which a crafted file could make hold fewer entries.
	q := "SELECT count(*)"
	for _, c := range t.texts {
		q += `, max(octet_length("` + c + `"))`
	}
	q += ` FROM "` + t.name + `" NOT INDEXED`
	var count int64
	sizes := make([]sql.NullInt64, len(t.texts))
	dest := []any{&count}
	for i := range sizes {
		dest = append(dest, &sizes[i])
	}
	if err := conn.QueryRowContext(ctx, q).Scan(dest...); err != nil {
		return err
	}
	if t.name == "cards" && count > int64(maxCards) {
		return &TooManyCardsError{Cards: int(count)} // refused in the words of every importer's limit
	}
	if t.maxRows > 0 && count > int64(t.maxRows) {
		if t.tooMany != "" {
			return refusef(t.tooMany, t.maxRows)
		}
		return refusef("This Anki package's %s table holds more than %d rows; it cannot be imported", t.name, t.maxRows)
	}
	for i, size := range sizes {
		if size.Valid && size.Int64 > maxValue {
			return valueTooLarge(t.name, t.texts[i], size.Int64)
		}
	}
	return nil
}

// valueTooLarge refuses a value over maxValue; size -1 when the
// length limit stopped it unmeasured.
func valueTooLarge(table, column string, size int64) error {
	if size < 0 {
		return refusef("This Anki package holds a value larger than the %d MiB allowed (in %s); it cannot be imported", maxValue>>20, table)
	}
	return refusef("This Anki package's %s table holds a value of %d MiB (%s), more than the %d MiB allowed; it cannot be imported",
		table, (size+1<<20-1)>>20, column, maxValue>>20)
}

// tooBig reports SQLite refusing a string or blob past the length limit.
func tooBig(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_TOOBIG
}

// printable is a name from the file fit to quote in a message.
func printable(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	if r := []rune(s); len(r) > 64 {
		s = string(r[:64]) + "…"
	}
	return s
}
