-- The whole first schema. Times are UTC text (RFC 3339 with nanoseconds);
-- study days are integers: days since 1970-01-01 in the user's zone after rollover.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE settings (
    user_id         INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    timezone        TEXT NOT NULL DEFAULT 'UTC',
    rollover_hour   INTEGER NOT NULL DEFAULT 4 CHECK (rollover_hour BETWEEN 0 AND 23),
    new_per_day     INTEGER NOT NULL DEFAULT 20 CHECK (new_per_day >= 0),
    reviews_per_day INTEGER NOT NULL DEFAULT 200 CHECK (reviews_per_day >= 0),
    type_answers    INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A session row is what makes a cookie valid: deleting it logs the cookie out.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- API tokens are stored as SHA-256 hashes; the token itself is shown once.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    hash         BLOB NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE categories (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    builtin     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (user_id, slug)
) STRICT;

CREATE TABLE decks (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    builtin    TEXT NOT NULL DEFAULT '', -- slug of the built-in deck it came from
    created_at TEXT NOT NULL,
    UNIQUE (user_id, name)
) STRICT;

-- Cards belong to one user. key is the card's stable identity (a built-in
-- card id, or a hash of imported content) so re-imports and rewordings keep progress.
CREATE TABLE cards (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    deck_id     INTEGER NOT NULL REFERENCES decks(id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories(id),
    key         TEXT NOT NULL,
    front       TEXT NOT NULL,
    back        TEXT NOT NULL,
    key_points  TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    synonyms    TEXT NOT NULL DEFAULT '{}', -- JSON object: key point -> other phrasings
    source      TEXT NOT NULL DEFAULT '',
    suspended   INTEGER NOT NULL DEFAULT 0,
    edited      INTEGER NOT NULL DEFAULT 0, -- the user changed it: releases no longer reword it
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    -- front, back and key_points are Markdown, the editable truth; these are
    -- their HTML from the renderer of render_version (data/render.go). A row
    -- inserted without them (version 0) is rendered when read, and for good
    -- at start-up. Only the renderer writes them: never import them.
    front_html      TEXT NOT NULL DEFAULT '',
    back_html       TEXT NOT NULL DEFAULT '',
    key_points_html TEXT NOT NULL DEFAULT '[]', -- JSON array, one per key point
    render_version  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (user_id, key)
) STRICT;
CREATE INDEX cards_user_category ON cards(user_id, category_id);
CREATE INDEX cards_deck ON cards(deck_id);

-- The scheduling state of a card, one row per card, narrow so the queue,
-- mastery and statistics scan it instead of the wide cards table. due is NULL
-- for a card never graded; last_day is the study day of its last counted
-- grade. category_id, deck_id and suspended mirror cards through triggers.
CREATE TABLE card_state (
    card_id     INTEGER PRIMARY KEY REFERENCES cards(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL,
    deck_id     INTEGER NOT NULL,
    suspended   INTEGER NOT NULL DEFAULT 0,
    repetitions INTEGER NOT NULL DEFAULT 0,
    interval    INTEGER NOT NULL DEFAULT 0,
    ease        INTEGER NOT NULL DEFAULT 250,
    due         INTEGER,
    lapses      INTEGER NOT NULL DEFAULT 0,
    last_day    INTEGER,
    -- The study day on which the card's last grade was below 4: while it is
    -- today, the card is in today's re-drill queue (kept by triggers on
    -- reviews), and redrill_since orders that queue, longest waiting first.
    redrill_day   INTEGER,
    redrill_since INTEGER
) STRICT;
-- The day's queue: due cards in due order, new cards in the order added.
CREATE INDEX card_state_queue ON card_state(user_id, suspended, due, last_day);
CREATE INDEX card_state_user_category ON card_state(user_id, category_id);
CREATE INDEX card_state_suspended ON card_state(user_id) WHERE suspended = 1;
CREATE INDEX card_state_redrill ON card_state(user_id, redrill_day, redrill_since) WHERE redrill_day IS NOT NULL;

CREATE TRIGGER cards_insert_state AFTER INSERT ON cards BEGIN
    INSERT INTO card_state (card_id, user_id, category_id, deck_id, suspended)
    VALUES (NEW.id, NEW.user_id, NEW.category_id, NEW.deck_id, NEW.suspended);
END;
CREATE TRIGGER cards_update_state AFTER UPDATE OF category_id, deck_id, suspended ON cards BEGIN
    UPDATE card_state SET category_id = NEW.category_id, deck_id = NEW.deck_id, suspended = NEW.suspended
    WHERE card_id = NEW.id;
END;

-- The review log. Every grade is a row, counted or re-drill, with the card's
-- state before and after it, so undo and replay need nothing else.
CREATE TABLE reviews (
    id                 INTEGER PRIMARY KEY,
    user_id            INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    card_id            INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    reviewed_at        TEXT NOT NULL,
    study_day          INTEGER NOT NULL,
    grade              INTEGER NOT NULL CHECK (grade BETWEEN 0 AND 5),
    counted            INTEGER NOT NULL,
    answer_ms          INTEGER NOT NULL DEFAULT 0,
    before_repetitions INTEGER NOT NULL,
    before_interval    INTEGER NOT NULL,
    before_ease        INTEGER NOT NULL,
    before_due         INTEGER,
    before_lapses      INTEGER NOT NULL,
    before_last_day    INTEGER,
    after_repetitions  INTEGER NOT NULL,
    after_interval     INTEGER NOT NULL,
    after_ease         INTEGER NOT NULL,
    after_due          INTEGER,
    after_lapses       INTEGER NOT NULL,
    typed_answer       TEXT NOT NULL DEFAULT '',
    covered            TEXT NOT NULL DEFAULT '', -- JSON, filled by answer practice
    -- The card's category, kept here (and moved with the card by a trigger)
    -- so per-category statistics read this table alone.
    category_id        INTEGER NOT NULL,
    -- How much the grade changed the card's mastery credit, min(interval, 21)
    -- counting 0 for a card never graded: the mastery trend sums it per day.
    credit_delta       INTEGER GENERATED ALWAYS AS (
        MIN(MAX(after_interval, 0), 21)
        - CASE WHEN before_due IS NULL THEN 0 ELSE MIN(MAX(before_interval, 0), 21) END) VIRTUAL
) STRICT;
-- Covers the day counts, the heatmap, the grade distribution and the trend.
CREATE INDEX reviews_user_day ON reviews(user_id, study_day, counted, grade, category_id, credit_delta, card_id, before_due);

-- Each user's counted grades per study day, new cards and reviews apart,
-- kept by triggers: the daily limits read one row instead of the day's log.
CREATE TABLE day_counts (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    study_day    INTEGER NOT NULL,
    new_done     INTEGER NOT NULL DEFAULT 0,
    reviews_done INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, study_day)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER reviews_insert_counts AFTER INSERT ON reviews BEGIN
    INSERT INTO day_counts (user_id, study_day, new_done, reviews_done)
    VALUES (NEW.user_id, NEW.study_day, NEW.counted AND NEW.before_due IS NULL, NEW.counted AND NEW.before_due IS NOT NULL)
    ON CONFLICT (user_id, study_day) DO UPDATE SET
        new_done = new_done + excluded.new_done, reviews_done = reviews_done + excluded.reviews_done;
    UPDATE card_state SET
        redrill_day = CASE WHEN NEW.grade < 4 THEN NEW.study_day END,
        redrill_since = CASE WHEN NEW.grade < 4 THEN NEW.id END
    WHERE card_id = NEW.card_id;
END;
CREATE TRIGGER reviews_delete_counts AFTER DELETE ON reviews BEGIN
    UPDATE day_counts SET
        new_done = new_done - (OLD.counted AND OLD.before_due IS NULL),
        reviews_done = reviews_done - (OLD.counted AND OLD.before_due IS NOT NULL)
    WHERE user_id = OLD.user_id AND study_day = OLD.study_day;
    UPDATE card_state SET
        redrill_day = (SELECT CASE WHEN r.grade < 4 THEN r.study_day END FROM reviews r
            WHERE r.card_id = OLD.card_id ORDER BY r.id DESC LIMIT 1),
        redrill_since = (SELECT CASE WHEN r.grade < 4 THEN r.id END FROM reviews r
            WHERE r.card_id = OLD.card_id ORDER BY r.id DESC LIMIT 1)
    WHERE card_id = OLD.card_id;
END;

-- The few reviews with a typed answer, for the most-missed key points.
CREATE INDEX reviews_typed ON reviews(user_id, study_day) WHERE covered <> '';

CREATE TRIGGER cards_move_reviews AFTER UPDATE OF category_id ON cards
WHEN NEW.category_id <> OLD.category_id BEGIN
    UPDATE reviews SET category_id = NEW.category_id WHERE card_id = NEW.id;
END;
CREATE INDEX reviews_card ON reviews(card_id, id);
