package data

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Token is an API token as listed; the secret itself is never stored.
type Token struct {
	ID         int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
}

// tokenPrefix makes tokens recognizable in logs and secret scanners.
const tokenPrefix = "fc_"

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateToken makes a new API token for the user and returns its secret,
// which is shown once and stored only as a hash.
func (s *Store) CreateToken(ctx context.Context, userID int64, name string) (string, Token, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "token"
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > 100 {
		return "", Token{}, fmt.Errorf("%w: token name must be at most 100 characters", ErrInvalid)
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	t := Token{Name: name, CreatedAt: s.now()}
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO api_tokens (user_id, name, hash, created_at) VALUES (?, ?, ?, ?)",
			userID, name, hashToken(secret), formatTime(t.CreatedAt))
		if err != nil {
			return err
		}
		t.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return "", Token{}, err
	}
	return secret, t, nil
}

// ListTokens returns the user's tokens, newest first.
func (s *Store) ListTokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id, name, created_at, COALESCE(last_used_at, '')
		FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ts []Token
	for rows.Next() {
		var t Token
		var created, used string
		if err := rows.Scan(&t.ID, &t.Name, &created, &used); err != nil {
			return nil, err
		}
		t.CreatedAt, _ = parseTime(created)
		if used != "" {
			t.LastUsedAt, _ = parseTime(used)
		}
		ts = append(ts, t)
	}
	return ts, rows.Err()
}

// RevokeToken deletes one of the user's tokens; ErrNotFound if it is not theirs.
func (s *Store) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM api_tokens WHERE id = ? AND user_id = ?", tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("token: %w", ErrNotFound)
		}
		return nil
	})
}

// tokenTouchEvery limits how often last_used_at is written, so API reads stay reads.
const tokenTouchEvery = time.Hour

// UserByToken returns the owner of a live token, or ErrNotFound.
func (s *Store) UserByToken(ctx context.Context, secret string) (User, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return User{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	var u User
	var tokenID int64
	var created, used string
	err := s.queryRow(ctx, qTokenUser, hashToken(secret)).
		Scan(&u.ID, &u.Name, &created, &tokenID, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, err
	}
	u.CreatedAt, _ = parseTime(created)
	now := s.now()
	if last, _ := parseTime(used); used == "" || now.Sub(last) > tokenTouchEvery {
		err := s.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", formatTime(now), tokenID)
			return err
		})
		if err != nil {
			return User{}, err
		}
	}
	return u, nil
}
