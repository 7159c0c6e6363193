package data

import "strings"

// The hot paths' SQL, prepared once when the store opens (see stmtCache).
//
// planOnce casts each parameter of a query that takes only integers. Since
// 3.54, SQLite plans a join's "col = ?" term (and a few others) with the
// bound value in view, so binding a different value expires the statement
// and its next run parses and plans it again: that was a third of the cost
// of showing a card. Behind a CAST the planner cannot see the value, and
// the plan made once at open stays. BenchmarkHotQueries measures it.
func planOnce(q string) string { return strings.ReplaceAll(q, "?", "CAST(? AS INTEGER)") }

var (
	qUserSettings = planOnce(`SELECT timezone, rollover_hour, new_per_day, reviews_per_day, type_answers
		FROM settings WHERE user_id = ?`)
	qDayCounts = planOnce(`SELECT COALESCE(MAX(new_done), 0), COALESCE(MAX(reviews_done), 0), COALESCE(MAX(redrills), 0)
		FROM day_counts WHERE user_id = ? AND study_day = ?`)
	// qDayStart is what every question about the day starts from, in one
	// statement: the settings (which say what today is, and whether an
	// interview is ahead), the counts of the latest day with grades
	// (today's, unless today has none yet), the number of new cards, less
	// those of an import still being written, and the last "study more"
	// raise of the limits with its study day.
	qDayStart = planOnce(`SELECT st.timezone, st.rollover_hour, st.new_per_day, st.reviews_per_day, st.type_answers,
		st.interview_day, st.final_days, st.new_on_time,
		COALESCE((SELECT n FROM new_cards WHERE user_id = st.user_id), 0)
			- COALESCE((SELECT new_cards FROM pending_imports WHERE user_id = st.user_id), 0),
		dc.study_day, dc.new_done, dc.reviews_done, dc.redrills,
		sm.study_day, COALESCE(sm.extra_new, 0), COALESCE(sm.extra_reviews, 0)
		FROM settings st LEFT JOIN day_counts dc ON dc.user_id = st.user_id
			AND dc.study_day = (SELECT MAX(study_day) FROM day_counts WHERE user_id = st.user_id)
			LEFT JOIN study_more sm ON sm.user_id = st.user_id
		WHERE st.user_id = ?`)
	// qGradeState is what a grade needs of a card: its state, and its
	// grades of the study day in order, review grades as digits and
	// practice grades as letters ('a' for 0 to 'f' for 5). A card in the
	// trash is not there to grade. Its parameters: day, card, user, user.
	qGradeState = planOnce(`SELECT repetitions, interval, ease, due, last_day, lapses, suspended, category_id,
		stability, difficulty, memory_day,
		COALESCE((SELECT group_concat(CASE WHEN kind = 'practice' THEN char(97 + grade) ELSE grade END, '') FROM (SELECT grade, kind FROM reviews
			WHERE card_id = card_state.card_id AND study_day = ? ORDER BY id)), '')
		FROM card_state WHERE card_id = ? AND user_id = ? AND trashed = 0 AND card_id < ` + visibleBelow("?"))
	qTokenUser = `SELECT u.id, u.name, u.created_at, u.session_epoch, t.id, COALESCE(t.last_used_at, '')
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = CAST(? AS BLOB)`
	// qCard is one card; its parameters: card, user, user.
	qCard = planOnce("SELECT " + cardColumns + cardFrom + "WHERE c.id = ? AND c.user_id = ? AND s.trashed = 0 AND c.id < " + visibleBelow("?"))
	// qQueueCard is a card with the number of its grades on a study day.
	qQueueCard = planOnce("SELECT " + cardColumns + `, (SELECT COUNT(*) FROM reviews r WHERE r.card_id = c.id AND r.study_day = ?)` +
		cardFrom + "WHERE c.id = ? AND c.user_id = ?")

	// qUpdateMemory sets the memory state alone: after a re-drill, an undo,
	// an import.
	qUpdateMemory = `UPDATE card_state SET stability = ?, difficulty = ?, memory_day = ? WHERE card_id = ?`
)

// dueNow and isNew are srs.StatusOf in SQL, on card_state with the given
// alias prefix ("s." or ""), for the study day in placeholder day: dueNow
// is a card in play up for its counted review (srs.StatusDue: due on or
// before the day and not yet counted on it; day appears twice), isNew one
// in play never graded (srs.StatusNew). Every query that asks "due now?"
// or "new?" uses them; TestStoreAndSrsAgree checks the queue's counts
// against srs.StatusOf.
func dueNow(alias, day string) string {
	return alias + "suspended = 0 AND " + alias + "due <= " + day + " AND (" + alias + "last_day IS NULL OR " + alias + "last_day < " + day + ")"
}

func isNew(alias string) string {
	return alias + "due IS NULL AND " + alias + "suspended = 0"
}

// The day's queue, with the filter's extra WHERE terms on card_state s
// ("" for none). Counts stop at today's limits, so a deck of 10,000 cards
// costs no more than one of 100. Their parameters are all integers: the
// statements are run through planOnce. Each starts with the user, twice:
// pileOf stops it below the cards of an import still being written (the
// card id is in each index, so it costs no lookup).
func qQueueDue(where string) string {
	return `SELECT COUNT(*) FROM (SELECT 1 FROM card_state s
		WHERE ` + pileOf + ` AND ` + dueNow("s.", "?") + where + ` LIMIT ?)`
}

func qQueueNew(where string) string {
	return `SELECT COUNT(*) FROM (SELECT 1 FROM card_state s
		WHERE ` + pileOf + ` AND ` + isNew("s.") + where + ` LIMIT ?)`
}

func qQueueRedrill(where string) string {
	return `SELECT COUNT(*) FROM card_state s WHERE ` + pileOf + ` AND s.redrill_day = ? AND s.suspended = 0` + where
}

// pileOf is the user's cards in card_state s, those of an import still
// being written left out. Its parameters: user, user. The "+" keeps the
// bound a filter, read off whichever index the pile uses: as a range it
// drew the planner to other indexes than the piles use without it.
var pileOf = "s.user_id = ? AND +s.card_id < " + visibleBelow("?")

// qQueueCounts is the three counts in one statement, for a filtered queue.
// The filter's terms are put in after planOnce: a tag filter binds text.
func qQueueCounts(where string) string {
	const mark = "\x00filter\x00"
	q := planOnce("SELECT (" + qQueueDue(mark) + "), (" + qQueueNew(mark) + "), (" + qQueueRedrill(mark) + ")")
	return strings.ReplaceAll(q, mark, where)
}

// qQueueHead is what the whole queue needs beyond the kept counts: the due
// count (it changes with the day, not with a write) and the first card of
// each pile, 0 for an empty one. Its parameters: user, user, day, day,
// reviews left (the due count); user, user, day, day (the due card); user,
// user (the new card); user, user, day (the re-drill).
var qQueueHead = planOnce("SELECT (" + qQueueDue("") + "), COALESCE((" + qNextDue("") + "), 0), COALESCE((" +
	qNextNew("") + "), 0), COALESCE((" + qNextRedrill("") + "), 0)")

// qNextCard picks the card to show in the whole queue and reads it in one
// statement: the first due card while reviews are allowed, else the first
// new card while new cards are allowed, else the re-drill waiting longest.
// With the card come its grades of the study day and the due count. Its
// parameters: day; user, user, day, day, reviews left (the due count);
// reviews left, user, user, day, day (the due card); new left, user, user
// (the new card); user, user, day (the re-drill); user.
var qNextCard = planOnce("SELECT " + cardColumns + `,
	(SELECT COUNT(*) FROM reviews r WHERE r.card_id = c.id AND r.study_day = ?),
	(` + qQueueDue("") + `)` + cardFrom + `WHERE c.id = COALESCE(
		CASE WHEN ? > 0 THEN (` + qNextDue("") + `) END,
		CASE WHEN ? > 0 THEN (` + qNextNew("") + `) END,
		(` + qNextRedrill("") + `)) AND c.user_id = ?`)

// qNextDue orders due cards as card_state_queue holds them: most overdue
// first, then the longest unseen, then in the order added.
func qNextDue(where string) string {
	return `SELECT s.card_id FROM card_state s
		WHERE ` + pileOf + ` AND ` + dueNow("s.", "?") + where + `
		ORDER BY s.due, s.last_day, s.card_id LIMIT 1`
}

func qNextNew(where string) string {
	return `SELECT s.card_id FROM card_state s WHERE ` + pileOf + ` AND ` + isNew("s.") + where + `
		ORDER BY s.card_id LIMIT 1`
}

func qNextRedrill(where string) string {
	return `SELECT s.card_id FROM card_state s WHERE ` + pileOf + ` AND s.redrill_day = ? AND s.suspended = 0` + where + `
		ORDER BY s.redrill_since LIMIT 1`
}

// writerQueries and readerQueries are prepared on each pool at open.
var (
	writerQueries = []string{qDayCounts, qDayStart, qGradeState, qInsertReview, qUpdateState, qUpdateCounted, qUpdateMemory}
	readerQueries = []string{qUserSettings, qDayCounts, qDayStart, qGradeState, qTokenUser, qCard, qQueueCard,
		qQueueHead, qNextCard}
)
