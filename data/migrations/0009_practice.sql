-- Practice beyond the schedule (issue 17, section 3).
--
-- A review row has a kind: 'review', a grade given by the day's SM-2 queue
-- (counted or re-drill, as before), or 'practice', a grade given outside
-- the schedule (practice mode, a mock interview). A practice grade moves
-- the card's memory state like any grade and is undone like any grade,
-- but it is written with counted = 0 and its SM-2 state after equal to the
-- state before, so the day's counts and the mastery trend (credit_delta)
-- never see it. It must not touch the re-drill queue either: the triggers
-- below, which set a card's re-drill day from its latest review, now look
-- at review grades only.
ALTER TABLE reviews ADD COLUMN kind TEXT NOT NULL DEFAULT 'review' CHECK (kind IN ('review', 'practice'));

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
    WHERE card_id = NEW.card_id AND NEW.kind = 'review';
END;

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
            WHERE r.card_id = OLD.card_id AND r.kind = 'review' ORDER BY r.id DESC LIMIT 1),
        redrill_since = (SELECT CASE WHEN r.grade < 4 THEN r.id END FROM reviews r
            WHERE r.card_id = OLD.card_id AND r.kind = 'review' ORDER BY r.id DESC LIMIT 1)
    WHERE card_id = OLD.card_id AND OLD.kind = 'review';
END;

-- "Study more today": a one-day raise of the day's new-card and review
-- limits, from the "Done for today" page. One row per user, for the study
-- day it was given on; on any other day it raises nothing, so it is gone
-- the next study day without a clean-up. srs.StudyMore checks the amounts.
CREATE TABLE study_more (
    user_id       INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    study_day     INTEGER NOT NULL,
    extra_new     INTEGER NOT NULL DEFAULT 0 CHECK (extra_new >= 0),
    extra_reviews INTEGER NOT NULL DEFAULT 0 CHECK (extra_reviews >= 0)
) STRICT;
