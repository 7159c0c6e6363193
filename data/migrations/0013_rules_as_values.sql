-- Each rule in one place (issue 16): srs works out what a grade does, and
-- the store writes those values; SQL only sums them. Until now the re-drill
-- threshold (grade < 4), the day's counts (counted and never graded
-- before) and the mastery credit (the interval capped at 21) were written
-- again in triggers, a generated column and queries.
--
-- Each review keeps the effects srs.EffectsOf gave it:
--   day_new, day_review  what it adds to the day's new-card and review
--                        counts (0 or 1), which the daily limits read;
--   redrill              NULL: it leaves the re-drill queue alone (a
--                        practice grade); 0: takes the card out; 1: puts
--                        it in on the review's study day;
--   credit_delta         the change of the card's mastery credit, which
--                        the mastery trend sums per day (was a generated
--                        column with 21 written in it).
-- Each card keeps its stage (srs.Stage: 0 new, 1 learning, 2 young,
-- 3 mature) and its mastery credit (srs.MasteryCredit), written with its
-- SM-2 state, which the mastery table sums.
DROP INDEX reviews_user_day;
ALTER TABLE reviews DROP COLUMN credit_delta;
ALTER TABLE reviews ADD COLUMN credit_delta INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reviews ADD COLUMN day_new INTEGER NOT NULL DEFAULT 0 CHECK (day_new IN (0, 1));
ALTER TABLE reviews ADD COLUMN day_review INTEGER NOT NULL DEFAULT 0 CHECK (day_review IN (0, 1));
ALTER TABLE reviews ADD COLUMN redrill INTEGER CHECK (redrill IN (0, 1));
CREATE INDEX reviews_user_day ON reviews(user_id, study_day, counted, grade, category_id, credit_delta, card_id, before_due);

ALTER TABLE card_state ADD COLUMN stage INTEGER NOT NULL DEFAULT 0 CHECK (stage BETWEEN 0 AND 3);
ALTER TABLE card_state ADD COLUMN credit INTEGER NOT NULL DEFAULT 0;

-- The same triggers as before (0005, 0009), summing the stored values.
DROP TRIGGER reviews_insert_counts;
CREATE TRIGGER reviews_insert_counts AFTER INSERT ON reviews BEGIN
    INSERT INTO day_counts (user_id, study_day, new_done, reviews_done, latest_review)
    VALUES (NEW.user_id, NEW.study_day, NEW.day_new, NEW.day_review, NEW.id)
    ON CONFLICT (user_id, study_day) DO UPDATE SET
        new_done = new_done + excluded.new_done, reviews_done = reviews_done + excluded.reviews_done,
        latest_review = MAX(COALESCE(latest_review, 0), excluded.latest_review);
    UPDATE card_state SET
        redrill_day = CASE WHEN NEW.redrill THEN NEW.study_day END,
        redrill_since = CASE WHEN NEW.redrill THEN NEW.id END
    WHERE card_id = NEW.card_id AND NEW.redrill IS NOT NULL;
END;

DROP TRIGGER reviews_delete_counts;
CREATE TRIGGER reviews_delete_counts AFTER DELETE ON reviews BEGIN
    UPDATE day_counts SET
        new_done = new_done - OLD.day_new,
        reviews_done = reviews_done - OLD.day_review
    WHERE user_id = OLD.user_id AND study_day = OLD.study_day
        AND EXISTS (SELECT 1 FROM cards WHERE id = OLD.card_id);
    UPDATE day_counts SET
        gone_new = gone_new + OLD.day_new,
        gone_reviews = gone_reviews + OLD.day_review
    WHERE user_id = OLD.user_id AND study_day = OLD.study_day AND OLD.day_new + OLD.day_review > 0
        AND NOT EXISTS (SELECT 1 FROM cards WHERE id = OLD.card_id);
    UPDATE card_state SET
        redrill_day = (SELECT CASE WHEN r.redrill THEN r.study_day END FROM reviews r
            WHERE r.card_id = OLD.card_id AND r.redrill IS NOT NULL ORDER BY r.id DESC LIMIT 1),
        redrill_since = (SELECT CASE WHEN r.redrill THEN r.id END FROM reviews r
            WHERE r.card_id = OLD.card_id AND r.redrill IS NOT NULL ORDER BY r.id DESC LIMIT 1)
    WHERE card_id = OLD.card_id AND OLD.redrill IS NOT NULL;
END;

-- SQL cannot run srs: the reviews and cards written before this migration
-- get their values from Go when the store opens (backfillEffects), which
-- deletes this mark when done. Until then nothing is graded (Open runs it
-- before the store is handed out).
INSERT INTO meta (key, value) VALUES ('effects_backfill', CAST('pending' AS BLOB)) ON CONFLICT (key) DO NOTHING;
