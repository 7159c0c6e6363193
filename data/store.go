// Package data owns everything the server keeps: the SQLite store and its
// migrations, accounts, sessions and tokens, cards and their review log,
// and the formats cards are imported from and exported to.
package data

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// timeFormat is how every time is written to the database: UTC, sortable.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

// Store is the SQLite database. Writes go through a single connection with
// immediate transactions, so writers queue in Go instead of failing with
// SQLITE_BUSY; reads go through a pool that WAL lets run beside the writer.
type Store struct {
	path   string
	writer *sql.DB
	reader *sql.DB

	// Now is the store's clock; tests replace it.
	Now func() time.Time
	// PasswordCost is the bcrypt cost; tests lower it.
	PasswordCost int
	// MediaLimits bound the images a user keeps (data/media.go).
	MediaLimits MediaLimits

	dummyOnce sync.Once
	dummy     []byte

	wstmts, rstmts *stmtCache
	commits        *groupCommitter
	checkpoints    *checkpointer
	tokens         tokenCache
	temp           *tempRun
	pending        pendingImports // uploads waiting for their confirmation

	// importChunk bounds one transaction of an import (see runImport);
	// tests shorten it, and importChunkDone, when set, hears of each chunk.
	importChunk     time.Duration
	importChunkDone func(chunk int)
	// writersWaiting counts the writes waiting for the writer connection:
	// an import's chunk ends early for them (chunkClock).
	writersWaiting atomic.Int32
}

// An Option changes how Open opens the store.
type Option func(*openOptions)

type openOptions struct {
	tempDir string
}

// WithTempDir keeps the store's temporary files in dir instead of in
// <db>.tmp beside the database; "" keeps the default.
func WithTempDir(dir string) Option {
	return func(o *openOptions) { o.tempDir = dir }
}

// Open opens (creating if needed) the database at path and applies
// migrations. It also makes this process's folder for temporary files,
// first removing what processes that are gone left there (tempdir.go).
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("open database: empty path")
	}
	var o openOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.tempDir == "" {
		o.tempDir = path + ".tmp"
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
	}
	s := &Store{path: path, Now: time.Now, PasswordCost: bcrypt.DefaultCost, MediaLimits: DefaultMediaLimits, importChunk: defaultImportChunk}
	var err error
	if s.temp, err = openTempRun(o.tempDir); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if s.writer, err = sql.Open("sqlite", dsn(path, true)); err != nil {
		s.temp.close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	s.writer.SetMaxOpenConns(1)
	s.writer.SetConnMaxIdleTime(0)
	s.writer.SetConnMaxLifetime(0)
	if s.reader, err = sql.Open("sqlite", dsn(path, false)); err != nil {
		s.writer.Close()
		s.temp.close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	s.reader.SetMaxOpenConns(8)
	s.reader.SetMaxIdleConns(8)
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if s.wstmts, err = newStmtCache(ctx, s.writer, writerQueries); err != nil {
		s.Close()
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if s.rstmts, err = newStmtCache(ctx, s.reader, readerQueries); err != nil {
		s.Close()
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if s.checkpoints, err = startCheckpointer(path); err != nil {
		s.Close()
		return nil, err
	}
	s.commits = newGroupCommitter(s)
	return s, nil
}

// busyTimeout is how long a connection waits for a lock another holds.
const busyTimeout = 5 * time.Second

// serverPragmas tune SQLite for a server: WAL lets reads run beside the
// writer, NORMAL sync is durable in WAL except on power loss.
var serverPragmas = []string{fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()), "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)", "temp_store(MEMORY)"}

func dsn(path string, writer bool, pragmas ...string) string {
	q := url.Values{}
	if pragmas == nil {
		pragmas = serverPragmas
		if writer {
			pragmas = append(pragmas[:len(pragmas):len(pragmas)], fmt.Sprintf("wal_autocheckpoint(%d)", walBackstopPages))
		} else {
			pragmas = append(pragmas[:len(pragmas):len(pragmas)], "query_only(1)")
		}
	}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	if writer {
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Close closes both pools; the writer last, so WAL is checkpointed cleanly.
func (s *Store) Close() error {
	if s.commits != nil {
		s.commits.close()
	}
	if s.wstmts != nil {
		s.wstmts.close()
	}
	if s.rstmts != nil {
		s.rstmts.close()
	}
	var cerr error
	if s.checkpoints != nil {
		cerr = s.checkpoints.close()
	}
	rerr := s.reader.Close()
	werr := s.writer.Close()
	terr := s.temp.close()
	return errors.Join(cerr, rerr, werr, terr)
}

// TempDir is the folder the store keeps its temporary files in.
func (s *Store) TempDir() string { return s.temp.root }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.reader.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

func (s *Store) now() time.Time { return s.Now().UTC() }

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(v string) (time.Time, error) { return time.Parse(time.RFC3339Nano, v) }

// write runs fn in one immediate transaction on the writer connection.
// A full disk is reported as ErrDiskFull, whichever statement found it.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	defer func() { err = diskFull(err) }()
	s.writersWaiting.Add(1)
	tx, err := s.writer.BeginTx(ctx, nil)
	s.writersWaiting.Add(-1)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			// A cancelled context rolls the transaction back under the
			// statement running, which then reports "statement is closed":
			// the cancellation is the cause worth reporting.
			return cerr
		}
		return err
	}
	return tx.Commit()
}

// read runs fn in one read transaction, so it sees one snapshot.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %q: name must start with a number", e.Name())
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// migrate applies the embedded migrations not yet recorded, each in its own
// transaction, so a failed one leaves the database at the previous version.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms {
		err := s.write(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, formatTime(s.now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
	}
	// Steps SQL cannot take, once, after the migration that asks for them.
	if _, err = s.backfillMemory(ctx); err != nil {
		return err
	}
	_, err = s.backfillEffects(ctx)
	return err
}

// SchemaVersion reports the highest migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.reader.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v)
	return int(v.Int64), err
}

// Backup writes a consistent copy of the database to dest with VACUUM INTO,
// which is safe while the server runs. dest must not exist yet.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists", dest)
	}
	if dir := filepath.Dir(dest); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	// The reader pool is query-only and the writer must stay free for
	// grades, so the copy gets a connection of its own; in WAL mode its
	// read transaction does not block writers.
	db, err := sql.Open("sqlite", dsn(s.path, false, "busy_timeout(5000)"))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// Meta reads a server-wide value, creating it with make when absent. Used
// for the session keys, generated on first start and kept across restarts.
func (s *Store) Meta(ctx context.Context, key string, make func() ([]byte, error)) ([]byte, error) {
	var v []byte
	err := s.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if v, err = make(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, ?)", key, v)
		return err
	})
	return v, err
}
