package data

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache holds the hot paths' statements (a grade, the next card),
// prepared once when the store opens: parsing SQL costs more than running
// it, and database/sql keeps a statement prepared per connection after its
// first use. Preparing later, inside a transaction, could deadlock: the
// writer pool has one connection and the transaction holds it. So a query
// not prepared up front simply runs unprepared.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func newStmtCache(ctx context.Context, db *sql.DB, queries []string) (*stmtCache, error) {
	c := &stmtCache{m: map[string]*sql.Stmt{}}
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			c.close()
			return nil, err
		}
		c.m[q] = st
	}
	return c, nil
}

func (c *stmtCache) get(query string) (*sql.Stmt, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.m[query]
	return st, ok
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = map[string]*sql.Stmt{}
}

// stmtTx is a transaction whose queries go through cached statements.
type stmtTx struct {
	tx    *sql.Tx
	cache *stmtCache
}

func (t stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st, ok := t.cache.get(query); ok {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

func (t stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st, ok := t.cache.get(query); ok {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st, ok := t.cache.get(query); ok {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// readerStmts runs single reads outside a transaction through the reader's
// prepared statements.
type readerStmts struct{ s *Store }

func (r readerStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return r.s.queryRow(ctx, query, args...)
}

func (r readerStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st, ok := r.s.rstmts.get(query); ok {
		return st.QueryContext(ctx, args...)
	}
	return r.s.reader.QueryContext(ctx, query, args...)
}

// queryRow is one read on the reader pool, prepared when the query is a hot one.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st, ok := s.rstmts.get(query); ok {
		return st.QueryRowContext(ctx, args...)
	}
	return s.reader.QueryRowContext(ctx, query, args...)
}
