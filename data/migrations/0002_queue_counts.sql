-- The day's queue is asked, on every card shown, how many new cards and how
-- many re-drills are left and which comes first. Both piles used to be
-- walked card by card. Now triggers keep their counts and a partial index
-- holds the new cards in the order they were added.

-- New cards: never graded, not suspended.
CREATE INDEX card_state_new ON card_state(user_id) WHERE due IS NULL AND suspended = 0;

CREATE TABLE new_cards (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    n       INTEGER NOT NULL DEFAULT 0
) STRICT;

INSERT INTO new_cards (user_id, n)
SELECT id, (SELECT COUNT(*) FROM card_state s WHERE s.user_id = users.id AND s.due IS NULL AND s.suspended = 0)
FROM users;

CREATE TRIGGER users_new_cards AFTER INSERT ON users BEGIN
    INSERT INTO new_cards (user_id, n) VALUES (NEW.id, 0);
END;
CREATE TRIGGER card_state_new_insert AFTER INSERT ON card_state
WHEN NEW.due IS NULL AND NEW.suspended = 0 BEGIN
    UPDATE new_cards SET n = n + 1 WHERE user_id = NEW.user_id;
END;
CREATE TRIGGER card_state_new_delete AFTER DELETE ON card_state
WHEN OLD.due IS NULL AND OLD.suspended = 0 BEGIN
    UPDATE new_cards SET n = n - 1 WHERE user_id = OLD.user_id;
END;
CREATE TRIGGER card_state_new_update AFTER UPDATE OF due, suspended ON card_state
WHEN (OLD.due IS NULL AND OLD.suspended = 0) <> (NEW.due IS NULL AND NEW.suspended = 0) BEGIN
    UPDATE new_cards SET n = n + (NEW.due IS NULL AND NEW.suspended = 0) - (OLD.due IS NULL AND OLD.suspended = 0)
    WHERE user_id = NEW.user_id;
END;

-- Re-drills: each day's count of cards whose re-drill day it is, not
-- suspended. A card's redrill_day is always the study day of one of its
-- reviews, whose insert made that day's day_counts row.
ALTER TABLE day_counts ADD COLUMN redrills INTEGER NOT NULL DEFAULT 0;

UPDATE day_counts SET redrills = (SELECT COUNT(*) FROM card_state s
    WHERE s.user_id = day_counts.user_id AND s.redrill_day = day_counts.study_day AND s.suspended = 0);

CREATE TRIGGER card_state_redrill_update AFTER UPDATE OF redrill_day, suspended ON card_state
WHEN (OLD.redrill_day IS NOT NULL AND OLD.suspended = 0) OR (NEW.redrill_day IS NOT NULL AND NEW.suspended = 0) BEGIN
    UPDATE day_counts SET redrills = redrills - 1
    WHERE OLD.redrill_day IS NOT NULL AND OLD.suspended = 0 AND user_id = OLD.user_id AND study_day = OLD.redrill_day;
    UPDATE day_counts SET redrills = redrills + 1
    WHERE NEW.redrill_day IS NOT NULL AND NEW.suspended = 0 AND user_id = NEW.user_id AND study_day = NEW.redrill_day;
END;
CREATE TRIGGER card_state_redrill_delete AFTER DELETE ON card_state
WHEN OLD.redrill_day IS NOT NULL AND OLD.suspended = 0 BEGIN
    UPDATE day_counts SET redrills = redrills - 1 WHERE user_id = OLD.user_id AND study_day = OLD.redrill_day;
END;
