package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"time"
)

// Idempotency keys: a request that carries one is run at most once per
// user and key; a copy gets the first answer back (see the HTTP side in
// handlers/idempotency.go and migration 0005).

const (
	// IdempotencyKeyLifetime is how long a key's answer is kept and replayed.
	IdempotencyKeyLifetime = 24 * time.Hour
	// idempotencyAbandoned is how long a request may hold a key unanswered
	// before it is taken for dead (the server stopped under it) and a copy
	// may run in its place. No request runs that long: the server's write
	// timeout is 5 minutes.
	idempotencyAbandoned = 10 * time.Minute
)

// IdempotentRequest is what a key is reserved for.
type IdempotentRequest struct {
	UserID int64
	Key    string
	Method string
	Path   string
}

// KeptAnswer is the first answer given under a key.
type KeptAnswer struct {
	Method, Path string
	BodyHash     []byte // of the first request's body; nil: not compared
	Done         bool   // false while the first request runs
	Status       int
	ContentType  string
	Location     string
	Body         []byte
	BodyKept     bool // false: the answer was too large to keep
}

// SameRequest reports whether a copy with this method, path and body hash
// is the request the key was first used for. A nil hash on either side
// (a form's key) compares method and path alone.
func (k KeptAnswer) SameRequest(method, path string, bodyHash []byte) bool {
	if k.Method != method || k.Path != path {
		return false
	}
	return k.BodyHash == nil || bodyHash == nil || bytes.Equal(k.BodyHash, bodyHash)
}

// ReserveIdempotencyKey claims the key for a request about to run. A
// reservation other than 0 means the caller holds the key and must run the
// request, then FinishIdempotencyKey or ReleaseIdempotencyKey with it; 0
// comes with what is kept under the key, which another request holds
// (running or answered). Keys older than IdempotencyKeyLifetime and keys
// abandoned by a request that never answered are free again.
func (s *Store) ReserveIdempotencyKey(ctx context.Context, r IdempotentRequest) (reservation int64, kept KeptAnswer, err error) {
	err = s.write(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var started time.Time
		var found bool
		var err error
		kept, started, found, err = keptAnswer(ctx, tx, r.UserID, r.Key)
		if err != nil {
			return err
		}
		if found {
			expired := now.Sub(started) >= IdempotencyKeyLifetime
			abandoned := !kept.Done && now.Sub(started) >= idempotencyAbandoned
			if !expired && !abandoned {
				return nil
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?", r.UserID, r.Key); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, method, path, started_at)
			VALUES (?, ?, ?, ?, ?)`, r.UserID, r.Key, r.Method, r.Path, formatTime(now))
		if err != nil {
			return err
		}
		reservation, err = res.LastInsertId()
		return err
	})
	if err != nil || reservation != 0 {
		return reservation, KeptAnswer{}, err
	}
	return 0, kept, nil
}

// IdempotencyKey reads what is kept under a key; found is false when
// nothing is (never used, expired, or released).
func (s *Store) IdempotencyKey(ctx context.Context, userID int64, key string) (kept KeptAnswer, found bool, err error) {
	err = s.read(ctx, func(tx *sql.Tx) error {
		var started time.Time
		kept, started, found, err = keptAnswer(ctx, tx, userID, key)
		found = found && s.now().Sub(started) < IdempotencyKeyLifetime
		return err
	})
	return kept, found, err
}

func keptAnswer(ctx context.Context, tx *sql.Tx, userID int64, key string) (KeptAnswer, time.Time, bool, error) {
	var k KeptAnswer
	var started string
	var status sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT method, path, body_hash, started_at, status, content_type, location, body, body_kept
		FROM idempotency_keys WHERE user_id = ? AND key = ?`, userID, key).
		Scan(&k.Method, &k.Path, &k.BodyHash, &started, &status, &k.ContentType, &k.Location, &k.Body, &k.BodyKept)
	if errors.Is(err, sql.ErrNoRows) {
		return KeptAnswer{}, time.Time{}, false, nil
	}
	if err != nil {
		return KeptAnswer{}, time.Time{}, false, err
	}
	at, err := parseTime(started)
	if err != nil {
		return KeptAnswer{}, time.Time{}, false, err
	}
	k.Done, k.Status = status.Valid, int(status.Int64)
	return k, at, true, nil
}

// FinishIdempotencyKey keeps the answer of the request that holds the
// reservation. bodyHash is the request body's hash (nil: copies are not
// compared by body); body is kept when keepBody is true.
func (s *Store) FinishIdempotencyKey(ctx context.Context, reservation int64, bodyHash []byte, status int, contentType, location string, body []byte, keepBody bool) error {
	if !keepBody || body == nil {
		body = []byte{}
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET body_hash = ?, status = ?, content_type = ?, location = ?,
			body = ?, body_kept = ? WHERE id = ? AND status IS NULL`, bodyHash, status, contentType, location, body, keepBody, reservation)
		return err
	})
}

// ReleaseIdempotencyKey frees a key whose request changed nothing (it
// failed), so a copy runs again.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, reservation int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE id = ? AND status IS NULL", reservation)
		return err
	})
}

// DeleteExpiredIdempotencyKeys removes keys older than their lifetime and
// reports how many.
func (s *Store) DeleteExpiredIdempotencyKeys(ctx context.Context) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE started_at <= ?",
			formatTime(s.now().Add(-IdempotencyKeyLifetime)))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
