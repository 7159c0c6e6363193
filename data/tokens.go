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
	"sync"
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

// MaxTokens bounds one account's live API tokens: each is checked on
// every request that carries one, and the settings page lists them all.
const MaxTokens = 100

// tokenPrefix makes tokens recognizable in logs and secret scanners.
const tokenPrefix = "fc_"

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateToken makes a new API token for the user and returns its secret,
// which is shown once and stored only as a hash.
func (s *Store) CreateToken(ctx context.Context, userID int64, name string) (string, Token, error) {
	return s.createToken(ctx, userID, name, "")
}

// CreateSessionToken is CreateToken for a signed-in browser: the token is
// made only if the session is still live when it is stored, so a request
// that began before a log-out or password change cannot leave a token
// behind it. An ended session gives ErrNotFound.
func (s *Store) CreateSessionToken(ctx context.Context, sessionID string, userID int64, name string) (string, Token, error) {
	if sessionID == "" {
		return "", Token{}, errSessionEnded
	}
	return s.createToken(ctx, userID, name, sessionID)
}

func (s *Store) createToken(ctx context.Context, userID int64, name, sessionID string) (string, Token, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "token"
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > 100 {
		return "", Token{}, Errorf(ErrInvalid, "Token name must be at most 100 characters")
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	t := Token{Name: name, CreatedAt: s.now()}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if sessionID != "" {
			if err := liveSession(ctx, tx, sessionID, userID, t.CreatedAt); err != nil {
				return err
			}
		}
		var live int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM api_tokens WHERE user_id = ?", userID).Scan(&live); err != nil {
			return err
		}
		if live >= MaxTokens {
			return Errorf(ErrInvalid, "An account may have at most %d API tokens; revoke one you no longer use", MaxTokens)
		}
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
	defer s.tokens.invalidate() // after the commit: see tokenCache.gen
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

// tokenCacheTTL is how long a checked token is trusted without asking the
// database again. Revoking a token or deleting a user through this server
// takes effect at once; through another process (the command line) within
// this long.
const tokenCacheTTL = time.Second

// maxCachedTokens bounds the cache; when full it starts over.
const maxCachedTokens = 10_000

// tokenCache remembers tokens checked in the last tokenCacheTTL: an API
// client sends its token with every request, and looking it up was a tenth
// of a request's cost.
type tokenCache struct {
	mu      sync.Mutex
	entries map[[sha256.Size]byte]cachedToken
	// gen counts invalidations, so a lookup that raced with one does not
	// store what it read before it.
	gen uint64
}

type cachedToken struct {
	user     User
	tokenID  int64
	lastUsed time.Time // as stored: zero when never used
	checked  time.Time // on the monotonic clock
}

func (c *tokenCache) get(hash [sha256.Size]byte) (cachedToken, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if ok && time.Since(e.checked) > tokenCacheTTL {
		delete(c.entries, hash)
		ok = false
	}
	return e, c.gen, ok
}

func (c *tokenCache) put(hash [sha256.Size]byte, e cachedToken, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) >= maxCachedTokens {
		c.entries = map[[sha256.Size]byte]cachedToken{}
	}
	c.entries[hash] = e
}

// invalidate forgets every cached token: after a token or a user is deleted.
func (c *tokenCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries = nil
}

// UserByToken returns the owner of a live token, or ErrNotFound.
func (s *Store) UserByToken(ctx context.Context, secret string) (User, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return User{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	hash := sha256.Sum256([]byte(secret))
	e, gen, ok := s.tokens.get(hash)
	if !ok {
		var created, used string
		err := s.queryRow(ctx, qTokenUser, hash[:]).Scan(&e.user.ID, &e.user.Name, &created, &e.user.SessionEpoch, &e.tokenID, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return User{}, fmt.Errorf("token: %w", ErrNotFound)
		}
		if err != nil {
			return User{}, err
		}
		e.user.CreatedAt, _ = parseTime(created)
		e.lastUsed, _ = parseTime(used)
		e.checked = time.Now()
	}
	if now := s.now(); e.lastUsed.IsZero() || now.Sub(e.lastUsed) > tokenTouchEvery {
		err := s.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", formatTime(now), e.tokenID)
			return err
		})
		// The time of use is bookkeeping: on a full disk the request, a
		// read most likely, goes on without it.
		if err != nil && !errors.Is(err, ErrDiskFull) {
			return User{}, err
		}
		e.lastUsed = now
	}
	s.tokens.put(hash, e, gen)
	return e.user, nil
}
