package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/flashcards/flashcards/srs"
)

// InterviewSettings are a user's interview date and how to prepare for it
// (migration 0010). srs.Interview holds the rules that use them.
type InterviewSettings struct {
	// Date is the interview's day D; meaningful when HasDate.
	Date    srs.Day
	HasDate bool
	// Scope are the slugs of the categories the interview covers, in the
	// order categories are listed; none means every category.
	Scope []string
	// FinalDays is K, srs.MinFinalDays..srs.MaxFinalDays.
	FinalDays int
	// NewOnTime paces the scope's new cards to be introduced before D-K.
	NewOnTime bool
}

// DefaultInterviewSettings are a new account's: no date, every category,
// a final pass of srs.DefaultFinalDays days, new cards on time.
func DefaultInterviewSettings() InterviewSettings {
	return InterviewSettings{FinalDays: srs.DefaultFinalDays, NewOnTime: true}
}

// MaxInterviewDaysAhead bounds how far ahead an interview may be set:
// about ten years.
const MaxInterviewDaysAhead = 3650

// Rules are the srs view of the settings.
func (iv InterviewSettings) Rules() srs.Interview {
	return srs.Interview{Day: iv.Date, FinalDays: iv.FinalDays, NewOnTime: iv.NewOnTime}
}

// Ahead reports whether an interview is set and still to come on today.
func (iv InterviewSettings) Ahead(today srs.Day) bool { return iv.HasDate && iv.Rules().Ahead(today) }

// Interview returns the user's interview settings.
func (s *Store) Interview(ctx context.Context, userID int64) (InterviewSettings, error) {
	var iv InterviewSettings
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		iv, err = interviewSettings(ctx, tx, userID)
		return err
	})
	return iv, err
}

func interviewSettings(ctx context.Context, q querier, userID int64) (InterviewSettings, error) {
	var iv InterviewSettings
	var day sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT interview_day, final_days, new_on_time FROM settings WHERE user_id = ?`, userID).
		Scan(&day, &iv.FinalDays, &iv.NewOnTime)
	if errors.Is(err, sql.ErrNoRows) {
		return iv, fmt.Errorf("user: %w", ErrNotFound)
	}
	if err != nil {
		return iv, err
	}
	iv.Date, iv.HasDate = srs.Day(day.Int64), day.Valid
	rows, err := q.QueryContext(ctx, `SELECT c.slug FROM interview_scope i JOIN categories c ON c.id = i.category_id
		WHERE i.user_id = ? ORDER BY c.builtin DESC, c.slug = 'uncategorized', c.id`, userID)
	if err != nil {
		return iv, err
	}
	defer rows.Close()
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			return iv, err
		}
		iv.Scope = append(iv.Scope, slug)
	}
	return iv, rows.Err()
}

// UpdateInterview validates and stores the user's interview settings.
func (s *Store) UpdateInterview(ctx context.Context, userID int64, iv InterviewSettings) error {
	return s.write(ctx, func(tx *sql.Tx) error { return s.updateInterview(ctx, tx, userID, iv) })
}

// UpdateSettingsAndInterview stores both kinds of settings in one
// transaction: a refusal of either leaves both as they were.
func (s *Store) UpdateSettingsAndInterview(ctx context.Context, userID int64, st Settings, iv InterviewSettings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := writeSettings(ctx, tx, userID, st); err != nil {
			return err
		}
		return s.updateInterview(ctx, tx, userID, iv)
	})
}

// updateInterview checks iv against the stored settings and writes it. A
// date may stay where it is once passed, but a new one must be today
// (in the user's time zone, read in the same transaction) or later.
func (s *Store) updateInterview(ctx context.Context, tx *sql.Tx, userID int64, iv InterviewSettings) error {
	if iv.FinalDays < srs.MinFinalDays || iv.FinalDays > srs.MaxFinalDays {
		return FieldErrorf(ErrInvalid, "final_days", "The final pass must be a whole number of days from %d to %d",
			srs.MinFinalDays, srs.MaxFinalDays)
	}
	st, err := userSettings(ctx, tx, userID)
	if err != nil {
		return err
	}
	old, err := interviewSettings(ctx, tx, userID)
	if err != nil {
		return err
	}
	today := s.studyDay(st)
	if iv.HasDate && (!old.HasDate || old.Date != iv.Date) {
		if iv.Date.Before(today) {
			return FieldErrorf(ErrInvalid, "interview_date", "The interview date %s has passed; today is %s in your time zone", iv.Date, today)
		}
		if iv.Date.Sub(today) > MaxInterviewDaysAhead {
			return FieldErrorf(ErrInvalid, "interview_date", "The interview date %s is more than ten years ahead", iv.Date)
		}
	}
	var scope []int64
	for _, slug := range iv.Scope {
		// categoryID leaves out a category an unfinished import made, as
		// every other choice of a category does.
		id, err := categoryID(ctx, tx, userID, slug)
		if errors.Is(err, ErrInvalid) {
			return FieldErrorf(ErrInvalid, "interview_scope", "The interview's categories name a category %q you do not have", slug)
		}
		if err != nil {
			return err
		}
		if !slices.Contains(scope, id) {
			scope = append(scope, id)
		}
	}
	return writeInterview(ctx, tx, userID, iv, scope)
}

// writeInterview stores checked interview settings, the scope as category
// ids; the settings page and a restore both write through it.
func writeInterview(ctx context.Context, tx *sql.Tx, userID int64, iv InterviewSettings, scope []int64) error {
	var day any
	if iv.HasDate {
		day = int(iv.Date)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE settings SET interview_day = ?, final_days = ?, new_on_time = ? WHERE user_id = ?`,
		day, iv.FinalDays, iv.NewOnTime, userID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM interview_scope WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, id := range scope {
		if _, err := tx.ExecContext(ctx, `INSERT INTO interview_scope (user_id, category_id) VALUES (?, ?)`, userID, id); err != nil {
			return err
		}
	}
	return nil
}

// interviewScope is the interview's scope as the queue uses it.
type interviewScope struct {
	ids []int64 // category ids; none: every category
}

func readInterviewScope(ctx context.Context, q querier, userID int64) (interviewScope, error) {
	var sc interviewScope
	rows, err := q.QueryContext(ctx, `SELECT category_id FROM interview_scope WHERE user_id = ? ORDER BY category_id`, userID)
	if err != nil {
		return sc, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return sc, err
		}
		sc.ids = append(sc.ids, id)
	}
	return sc, rows.Err()
}

// sql is the condition "in the scope" on a category id column: the ids are
// the store's own integers, written into the statement. The "+" keeps it a
// filter: as an index search on (user, category) it walked every card of
// the scope where the piles' own indexes (new cards, due order) stop early.
func (sc interviewScope) sql(column string) string {
	if len(sc.ids) == 0 {
		return "1"
	}
	column = "+" + column
	parts := make([]string, len(sc.ids))
	for i, id := range sc.ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return column + " IN (" + strings.Join(parts, ",") + ")"
}

func (sc interviewScope) has(categoryID int64) bool {
	return len(sc.ids) == 0 || slices.Contains(sc.ids, categoryID)
}
