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
