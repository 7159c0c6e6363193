package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Sessions are signed-in browsers. A row is what makes a cookie valid, and
// an ended session stays ended: rows are created only for a brand-new id
// at log-in (CreateSession) and otherwise only updated (UpdateSession), so
// a request that loaded a session before it was ended cannot write it back.
// A row is valid only while its epoch is its user's session_epoch, which a
// password change moves on (ChangePassword).

// errSessionEnded is what a session that was ended, expired or never
// existed answers to a load or an update.
var errSessionEnded = fmt.Errorf("session: %w", ErrNotFound)

// LoadSession returns the stored data and user of a live session, or
// ErrNotFound when it never existed, was ended, has expired, or predates
// its user's last password change.
func (s *Store) LoadSession(ctx context.Context, id string) (data string, userID int64, err error) {
	err = s.reader.QueryRowContext(ctx, `SELECT s.data, s.user_id FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = ? AND s.expires_at > ? AND s.epoch = u.session_epoch`,
		id, formatTime(s.now())).Scan(&data, &userID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, errSessionEnded
	}
	return data, userID, err
}

// CreateSession stores a new session for a user whose password was checked
// in the given session epoch (User.SessionEpoch as Authenticate read it).
// If the password has changed since, the epoch has moved on and nothing is
// stored: ErrNotFound.
func (s *Store) CreateSession(ctx context.Context, id string, userID, epoch int64, data string, expires time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, data, created_at, expires_at, epoch)
			SELECT ?, id, ?, ?, ?, session_epoch FROM users WHERE id = ? AND session_epoch = ?`,
			id, data, formatTime(s.now()), formatTime(expires), userID, epoch)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("session: the user's password changed or the user is gone: %w", ErrNotFound)
		}
		return nil
	})
}

// UpdateSession stores a live session's data and new expiry. It never
// creates a row: a session that was ended (log-out, password change) or
// has expired gives ErrNotFound and stays ended.
func (s *Store) UpdateSession(ctx context.Context, id string, userID int64, data string, expires time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET data = ?, expires_at = ?
			WHERE id = ? AND user_id = ? AND expires_at > ?
			AND epoch = (SELECT session_epoch FROM users WHERE users.id = sessions.user_id)`,
			data, formatTime(expires), id, userID, formatTime(s.now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errSessionEnded
		}
		return nil
	})
}

// liveSession reports, inside a write, whether a session is still live for
// the user: what a change made in a session's name checks in its own
// transaction, so it cannot land after the session was ended.
func liveSession(ctx context.Context, tx *sql.Tx, id string, userID int64, now time.Time) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = ? AND s.user_id = ? AND s.expires_at > ? AND s.epoch = u.session_epoch`,
		id, userID, formatTime(now)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return errSessionEnded
	}
	return err
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
