-- New cards (never graded, not suspended) are the bulk of a fresh deck, and
-- the day's queue asked two questions of them on every card shown: how many
-- are there, and which was added first. Both used to walk every new card.
-- Now a partial index holds them in the order they were added, and triggers
-- keep each user's count.
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
