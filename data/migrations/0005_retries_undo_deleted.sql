-- Requests that could change more than they should (issue 15), in three parts.

-- What was studied stays counted. Deleting a card (or its deck) deletes
-- its reviews through the foreign key, and the delete trigger used to take
-- their grades off the day's counts: delete a studied card and its slot in
-- the daily limit came back. Now only an undo gives a slot back. The
-- reviews of a deleted card still go (the export, the statistics and the
-- mastery trend describe the cards you have, as before), but their counted
-- grades move to gone_new and gone_reviews, so new_done and reviews_done
-- keep counting them and Store.CheckCounts can still check every count
-- against the log: new_done = the day's counted new-card grades + gone_new.
-- Keeping the log rows themselves (card_id NULL, as Anki keeps its revlog)
-- would have meant rebuilding the reviews table and teaching every export,
-- restore and statistic about reviews without a card; counting apart needs
-- neither, and the daily limits read the same columns as before.
--
-- A review whose card still exists is being undone; during a card's
-- deletion the cascade runs after the card's row is gone.
ALTER TABLE day_counts ADD COLUMN gone_new INTEGER NOT NULL DEFAULT 0;
ALTER TABLE day_counts ADD COLUMN gone_reviews INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER reviews_delete_counts;
CREATE TRIGGER reviews_delete_counts AFTER DELETE ON reviews BEGIN
    UPDATE day_counts SET
        new_done = new_done - (OLD.counted AND OLD.before_due IS NULL),
        reviews_done = reviews_done - (OLD.counted AND OLD.before_due IS NOT NULL)
    WHERE user_id = OLD.user_id AND study_day = OLD.study_day
        AND EXISTS (SELECT 1 FROM cards WHERE id = OLD.card_id);
    UPDATE day_counts SET
        gone_new = gone_new + (OLD.counted AND OLD.before_due IS NULL),
        gone_reviews = gone_reviews + (OLD.counted AND OLD.before_due IS NOT NULL)
    WHERE user_id = OLD.user_id AND study_day = OLD.study_day AND OLD.counted
        AND NOT EXISTS (SELECT 1 FROM cards WHERE id = OLD.card_id);
    UPDATE card_state SET
        redrill_day = (SELECT CASE WHEN r.grade < 4 THEN r.study_day END FROM reviews r
            WHERE r.card_id = OLD.card_id ORDER BY r.id DESC LIMIT 1),
        redrill_since = (SELECT CASE WHEN r.grade < 4 THEN r.id END FROM reviews r
            WHERE r.card_id = OLD.card_id ORDER BY r.id DESC LIMIT 1)
    WHERE card_id = OLD.card_id;
END;

-- Undo takes back the user's most recent grade, which is not always on
-- the latest study day (a time zone moved west, a later rollover hour).
-- latest_review is the id of the last review ever written on that day: an
-- upper bound of the day's reviews that undo and card deletion leave alone,
-- so the most recent review is found by looking at a few days, newest
-- bound first, instead of walking the user's whole log or indexing every
-- grade once more. The insert trigger, replaced here, sets it in the
-- upsert it already does.
ALTER TABLE day_counts ADD COLUMN latest_review INTEGER;
UPDATE day_counts SET latest_review = (SELECT MAX(r.id) FROM reviews r
    WHERE r.user_id = day_counts.user_id AND r.study_day = day_counts.study_day);

DROP TRIGGER reviews_insert_counts;
CREATE TRIGGER reviews_insert_counts AFTER INSERT ON reviews BEGIN
    INSERT INTO day_counts (user_id, study_day, new_done, reviews_done, latest_review)
    VALUES (NEW.user_id, NEW.study_day, NEW.counted AND NEW.before_due IS NULL, NEW.counted AND NEW.before_due IS NOT NULL, NEW.id)
    ON CONFLICT (user_id, study_day) DO UPDATE SET
        new_done = new_done + excluded.new_done, reviews_done = reviews_done + excluded.reviews_done,
        latest_review = MAX(COALESCE(latest_review, 0), excluded.latest_review);
    UPDATE card_state SET
        redrill_day = CASE WHEN NEW.grade < 4 THEN NEW.study_day END,
        redrill_since = CASE WHEN NEW.grade < 4 THEN NEW.id END
    WHERE card_id = NEW.card_id;
END;

-- Idempotency keys. A client that sends the same Idempotency-Key again
-- (a retry after a lost answer, a double click) gets the first answer back
-- instead of a second change. A key is reserved by inserting its row
-- before the request runs: the UNIQUE pair makes that the one atomic
-- step, so of two copies arriving at once exactly one runs. status is NULL
-- while that request runs; then the answer is kept: its status, content
-- type and redirect target, and its body when small (body_kept 0: too
-- large to keep, replayed as its status alone). body_hash (SHA-256 of the
-- request body) tells a retry from another request under the same key; a
-- form's key has none (any body of that form is the same request).
-- Rows are kept 24 hours from started_at (see DeleteExpiredIdempotencyKeys).
-- id names one reservation and is never reused (AUTOINCREMENT): a request
-- taken for dead that answers after all cannot write over its successor.
CREATE TABLE idempotency_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    body_hash    BLOB,
    started_at   TEXT NOT NULL,
    status       INTEGER,
    content_type TEXT NOT NULL DEFAULT '',
    location     TEXT NOT NULL DEFAULT '',
    body         BLOB NOT NULL DEFAULT X'',
    body_kept    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (user_id, key)
) STRICT;
CREATE INDEX idempotency_keys_started ON idempotency_keys(started_at);
