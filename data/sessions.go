package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// LoadSession returns the stored data and user of a live session, or
// ErrNotFound when it never existed, was deleted, or has expired.
func (s *Store) LoadSession(ctx context.Context, id string) (data string, userID int64, err error) {
	var uid sql.NullInt64
	err = s.reader.QueryRowContext(ctx, "SELECT data, user_id FROM sessions WHERE id = ? AND expires_at > ?",
		id, formatTime(s.now())).Scan(&data, &uid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, fmt.Errorf("session: %w", ErrNotFound)
	}
	return data, uid.Int64, err
}

// SaveSession creates or replaces a session. userID 0 is an anonymous session.
func (s *Store) SaveSession(ctx context.Context, id string, userID int64, data string, expires time.Time) error {
	var uid any
	if userID != 0 {
		uid = userID
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, data, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, expires_at = excluded.expires_at`,
			id, uid, data, formatTime(s.now()), formatTime(expires))
		return err
	})
}

// DeleteSession removes one session; its cookie stops working.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE id = ?", id)
		return err
	})
}

// DeleteExpiredSessions removes sessions past their expiry and reports how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= ?", formatTime(s.now()))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// CountSessions reports how many sessions are stored (signed-in ones only:
// anonymous sessions live in their cookie).
func (s *Store) CountSessions(ctx context.Context) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, "SELECT COUNT(*) FROM sessions").Scan(&n)
	return n, err
}
