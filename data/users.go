package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Password limits. bcrypt reads at most 72 bytes, so longer passwords are
// refused rather than silently truncated.
const (
	MinPasswordLength = 8
	MaxPasswordBytes  = 72
	MaxUserNameLength = 64
)

// User is an account.
type User struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	// SessionEpoch is the user's session generation as read with the
	// user: a password change moves it on, and a session is valid only
	// while it was made in the current one (see data/sessions.go).
	SessionEpoch int64
}

// Settings are a user's review preferences.
type Settings struct {
	Timezone      string
	RolloverHour  int
	NewPerDay     int
	ReviewsPerDay int
	TypeAnswers   bool
}

// Limits on the per-day counts a user may set.
const MaxPerDay = 1_000_000

// DefaultSettings are what a new account starts with.
func DefaultSettings() Settings {
	return Settings{Timezone: "UTC", RolloverHour: 4, NewPerDay: 20, ReviewsPerDay: 200}
}

// Validate reports the first thing wrong with s, wrapped in ErrInvalid.
func (st Settings) Validate() error {
	if st.Timezone == "" || st.Timezone == "Local" {
		return Errorf(ErrInvalid, "Time zone must be an IANA name such as Europe/Berlin")
	}
	if _, err := time.LoadLocation(st.Timezone); err != nil {
		return Errorf(ErrInvalid, "Unknown time zone %q", st.Timezone)
	}
	if st.RolloverHour < 0 || st.RolloverHour > 23 {
		return Errorf(ErrInvalid, "Rollover hour must be between 0 and 23")
	}
	if st.NewPerDay < 0 || st.NewPerDay > MaxPerDay {
		return Errorf(ErrInvalid, "New cards per day must be between 0 and %d", MaxPerDay)
	}
	if st.ReviewsPerDay < 0 || st.ReviewsPerDay > MaxPerDay {
		return Errorf(ErrInvalid, "Reviews per day must be between 0 and %d", MaxPerDay)
	}
	return nil
}

// Location is the settings' time zone, UTC when it cannot be loaded.
func (st Settings) Location() *time.Location {
	if loc, ok := locations.Load(st.Timezone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(st.Timezone)
	if err != nil {
		return time.UTC
	}
	locations.Store(st.Timezone, loc)
	return loc
}

// locations caches loaded time zones: loading one reads and parses its
// zoneinfo file, and every request asks for the user's. Only names that
// load are kept, so the cache is bounded by the zone database.
var locations sync.Map

// ValidateUserName checks a login name: 1 to 64 letters, digits, '.', '_' or '-'.
func ValidateUserName(name string) error {
	if name == "" {
		return Errorf(ErrInvalid, "User name is empty")
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > MaxUserNameLength {
		return Errorf(ErrInvalid, "User name must be at most %d characters", MaxUserNameLength)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-", r) {
			return Errorf(ErrInvalid, "User name may hold only letters, digits, '.', '_' and '-'")
		}
	}
	return nil
}

// ValidatePassword checks a new password's length.
func ValidatePassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return Errorf(ErrInvalid, "Password must be at least %d characters", MinPasswordLength)
	}
	if len(pw) > MaxPasswordBytes {
		return Errorf(ErrInvalid, "Password must be at most %d bytes", MaxPasswordBytes)
	}
	return nil
}

// ErrBadCredentials is returned by Authenticate for an unknown user or a wrong password alike.
var ErrBadCredentials = errors.New("wrong user name or password")

// CreateUser adds an account with its settings and the built-in categories,
// in one transaction. A taken name gives ErrConflict.
func (s *Store) CreateUser(ctx context.Context, name, password string, st Settings) (User, error) {
	return s.createUser(ctx, name, password, st, false)
}

// CreateUserWithBuiltinDeck is CreateUser plus the built-in deck, in the
// same transaction: what a person signing up in the browser gets.
func (s *Store) CreateUserWithBuiltinDeck(ctx context.Context, name, password string, st Settings) (User, error) {
	return s.createUser(ctx, name, password, st, true)
}

func (s *Store) createUser(ctx context.Context, name, password string, st Settings, builtinDeck bool) (User, error) {
	if err := ValidateUserName(name); err != nil {
		return User{}, err
	}
	if err := ValidatePassword(password); err != nil {
		return User{}, err
	}
	if err := st.Validate(); err != nil {
		return User{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.PasswordCost)
	if err != nil {
		return User{}, fmt.Errorf("hash password: %w", err)
	}
	u := User{Name: name, CreatedAt: s.now()}
	err = s.write(ctx, func(tx *sql.Tx) error {
		var taken int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE name = ?", name).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return Errorf(ErrConflict, "The user name %q is taken", name)
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?)",
			name, string(hash), formatTime(u.CreatedAt))
		if err != nil {
			return err
		}
		if u.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (user_id, timezone, rollover_hour, new_per_day, reviews_per_day, type_answers)
			VALUES (?, ?, ?, ?, ?, ?)`, u.ID, st.Timezone, st.RolloverHour, st.NewPerDay, st.ReviewsPerDay, st.TypeAnswers); err != nil {
			return err
		}
		if err := insertBuiltinCategories(ctx, tx, u.ID); err != nil {
			return err
		}
		if builtinDeck {
			_, err = s.addBuiltinDeck(ctx, tx, u.ID)
		}
		return err
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

func insertBuiltinCategories(ctx context.Context, tx *sql.Tx, userID int64) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO categories (user_id, slug, name, description, builtin)
		VALUES (?, ?, ?, ?, 1) ON CONFLICT (user_id, slug) DO NOTHING`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	cats := append(BuiltinCategories(), Category{
		Slug: UncategorizedSlug, Name: "Uncategorized", Description: "Cards not filed under a mistake yet.",
	})
	for _, c := range cats {
		if _, err := stmt.ExecContext(ctx, userID, c.Slug, c.Name, c.Description); err != nil {
			return err
		}
	}
	return nil
}

// Authenticate checks a name and password. Unknown names still cost one
// bcrypt comparison, so timing does not reveal which names exist.
func (s *Store) Authenticate(ctx context.Context, name, password string) (User, error) {
	var u User
	var hash, created string
	err := s.reader.QueryRowContext(ctx, "SELECT id, name, password_hash, created_at, session_epoch FROM users WHERE name = ?", name).
		Scan(&u.ID, &u.Name, &hash, &created, &u.SessionEpoch)
	if errors.Is(err, sql.ErrNoRows) {
		bcrypt.CompareHashAndPassword(s.dummyHash(), []byte(password))
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return User{}, ErrBadCredentials
	}
	u.CreatedAt, _ = parseTime(created)
	return u, nil
}

// dummyHash is a hash at the store's cost, compared against when the user
// does not exist so that a refusal takes as long either way.
func (s *Store) dummyHash() []byte {
	s.dummyOnce.Do(func() {
		s.dummy, _ = bcrypt.GenerateFromPassword([]byte("no password is this"), s.PasswordCost)
	})
	return s.dummy
}

// PasswordChange is what ChangePassword did besides setting the password.
type PasswordChange struct {
	// SessionEpoch is the user's new session epoch: every session made
	// before the change is ended, and a new one must be made in this epoch.
	SessionEpoch int64
	// TokensRevoked counts the API tokens deleted with the change.
	TokensRevoked int
}

// ChangePassword sets a new password and ends every session of the user,
// so a copied cookie stops working; with revokeTokens it also deletes
// every API token of the user. All of it is one transaction: no session
// or token outlives the change, whatever runs beside it.
func (s *Store) ChangePassword(ctx context.Context, userID int64, password string, revokeTokens bool) (PasswordChange, error) {
	var pc PasswordChange
	if err := ValidatePassword(password); err != nil {
		return pc, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.PasswordCost)
	if err != nil {
		return pc, fmt.Errorf("hash password: %w", err)
	}
	if revokeTokens {
		defer s.tokens.invalidate() // after the commit: see tokenCache.gen
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE users SET password_hash = ?, session_epoch = session_epoch + 1
			WHERE id = ? RETURNING session_epoch`, string(hash), userID).Scan(&pc.SessionEpoch)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user: %w", ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return err
		}
		if !revokeTokens {
			return nil
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM api_tokens WHERE user_id = ?", userID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		pc.TokensRevoked = int(n)
		return err
	})
	if err != nil {
		return PasswordChange{}, err
	}
	return pc, nil
}

// DeleteUser removes an account and, through the foreign keys, all its data.
func (s *Store) DeleteUser(ctx context.Context, userID int64) error {
	defer s.tokens.invalidate() // after the commit: see tokenCache.gen
	return s.write(ctx, func(tx *sql.Tx) error {
		// cards reference categories without a cascade, so they go first
		// (taking their state and reviews with them); the rest cascades.
		if _, err := tx.ExecContext(ctx, "DELETE FROM cards WHERE user_id = ?", userID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM users WHERE id = ?", userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// UserByID returns the user with the given id, or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	return s.userWhere(ctx, "id = ?", id)
}

// UserByName returns the user with the given name (case-insensitive), or ErrNotFound.
func (s *Store) UserByName(ctx context.Context, name string) (User, error) {
	return s.userWhere(ctx, "name = ?", name)
}

func (s *Store) userWhere(ctx context.Context, where string, arg any) (User, error) {
	var u User
	var created string
	err := s.reader.QueryRowContext(ctx, "SELECT id, name, created_at, session_epoch FROM users WHERE "+where, arg).
		Scan(&u.ID, &u.Name, &created, &u.SessionEpoch)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("user: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, err
	}
	u.CreatedAt, _ = parseTime(created)
	return u, nil
}

// ListUsers returns every account, by name.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.reader.QueryContext(ctx, "SELECT id, name, created_at, session_epoch FROM users ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var us []User
	for rows.Next() {
		var u User
		var created string
		if err := rows.Scan(&u.ID, &u.Name, &created, &u.SessionEpoch); err != nil {
			return nil, err
		}
		u.CreatedAt, _ = parseTime(created)
		us = append(us, u)
	}
	return us, rows.Err()
}

// CountUsers returns how many accounts exist.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n)
	return n, err
}

// UserSettings returns the user's settings.
func (s *Store) UserSettings(ctx context.Context, userID int64) (Settings, error) {
	return userSettings(ctx, readerStmts{s}, userID)
}

// writeSettings stores checked settings in a write transaction.
func writeSettings(ctx context.Context, tx *sql.Tx, userID int64, st Settings) error {
	res, err := tx.ExecContext(ctx, `UPDATE settings SET timezone = ?, rollover_hour = ?, new_per_day = ?,
		reviews_per_day = ?, type_answers = ? WHERE user_id = ?`,
		st.Timezone, st.RolloverHour, st.NewPerDay, st.ReviewsPerDay, st.TypeAnswers, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("settings: %w", ErrNotFound)
	}
	return nil
}

// UpdateSettings validates and stores the user's settings.
func (s *Store) UpdateSettings(ctx context.Context, userID int64, st Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		return writeSettings(ctx, tx, userID, st)
	})
}
