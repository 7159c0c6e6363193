-- The trash (issue 18). Deleting a card used to delete it with its history
-- at once; now it goes to the trash for 30 days, whence it comes back as it
-- was, and only then is it deleted for good (Store.PurgeTrash, hourly).
--
-- A card in the trash keeps its row, its state and its reviews, so the
-- day's counts need no care: its grades of today still count against
-- today's limits while it is there, and restoring it adds nothing twice.
-- When the purge deletes it, migration 0005's trigger moves its counted
-- grades to gone_new and gone_reviews as for any deleted card.
--
-- cards.deleted_at is when it went (NULL: not in the trash). card_state
-- mirrors it twice, by trigger: trashed, and suspended, which there means
-- "out of play" (suspended by the user, or in the trash). So every query
-- that leaves suspended cards out of the queue, the mastery numbers and the
-- forecast leaves trashed cards out too, with the indexes and statements it
-- had, and the triggers of 0002 keep the new-card and re-drill counts right:
-- a trashed new card is no longer a new card in the queue.
ALTER TABLE cards ADD COLUMN deleted_at TEXT;
ALTER TABLE card_state ADD COLUMN trashed INTEGER NOT NULL DEFAULT 0;

-- The trash page, newest first, and the purge of old ones.
CREATE INDEX cards_trash ON cards(user_id, deleted_at) WHERE deleted_at IS NOT NULL;
-- The card browser: a user's cards out of the trash in the order added,
-- and their count, from the index alone. Grades never change these columns,
-- so it costs the review path nothing.
CREATE INDEX card_state_user ON card_state(user_id, trashed);

DROP TRIGGER cards_insert_state;
CREATE TRIGGER cards_insert_state AFTER INSERT ON cards BEGIN
    INSERT INTO card_state (card_id, user_id, category_id, deck_id, suspended, trashed)
    VALUES (NEW.id, NEW.user_id, NEW.category_id, NEW.deck_id,
        NEW.suspended <> 0 OR NEW.deleted_at IS NOT NULL, NEW.deleted_at IS NOT NULL);
END;
DROP TRIGGER cards_update_state;
CREATE TRIGGER cards_update_state AFTER UPDATE OF category_id, deck_id, suspended, deleted_at ON cards BEGIN
    UPDATE card_state SET category_id = NEW.category_id, deck_id = NEW.deck_id,
        suspended = (NEW.suspended <> 0 OR NEW.deleted_at IS NOT NULL), trashed = (NEW.deleted_at IS NOT NULL)
    WHERE card_id = NEW.id;
END;
