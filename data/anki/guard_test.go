package anki

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The connection a collection is read through bounds what one statement
// can do, whatever the schema check missed: no value longer than
// maxValue comes to exist, and a statement that would never end stops
// when the read's time is up.
func TestAnkiConnectionBoundsEachStatement(t *testing.T) {
	path := filepath.Join(t.TempDir(), "collection")
	if err := os.WriteFile(path, build.Stub(t), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, conn, err := openCollection(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	defer conn.Close()

	start := time.Now()
	var n int64
	err = conn.QueryRowContext(ctx, "SELECT octet_length(printf('%.*c', 900000000, 'x'))").Scan(&n)
	if !tooBig(err) {
		t.Errorf("a 900 MB string: %v, %d; want string or blob too big", err, n)
	}
	if took := time.Since(start); took > hostileRefusalBound {
		t.Errorf("refusing a 900 MB string took %v", took)
	}

	ctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	start = time.Now()
	err = conn.QueryRowContext(ctx, "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r").Scan(&n)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("an endless statement: %v; want the deadline's error", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("an endless statement ran %v past a 300 ms deadline", took)
	}
}

// hostileRefusalBound tells a refusal (milliseconds on a quiet machine)
// from reading the hostile value (minutes), with room for a busy machine.
const hostileRefusalBound = 30 * time.Second
