-- A large import writes its cards in many short transactions, so other
-- users' grades run between them, and stays all or nothing for its user
-- (data/pending_imports.go). While it writes, its user has a row here:
-- the user's cards from first_card on are the import's, and every read of
-- the user's cards stops below first_card. Deleting the row is the import's
-- commit; a row left by a process that died is removed with the cards.
-- One import per user at a time: the primary key is the lock.
CREATE TABLE pending_imports (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token        INTEGER NOT NULL, -- the writer's: a chunk goes on only while its token is here
    status       TEXT NOT NULL DEFAULT 'writing' CHECK (status IN ('writing', 'removing')),
    first_card   INTEGER NOT NULL,
    -- Its cards never graded and not suspended, kept by the triggers below:
    -- new_cards counts them already, the day's queue takes them off.
    new_cards    INTEGER NOT NULL DEFAULT 0,
    decks        TEXT NOT NULL DEFAULT '[]', -- JSON ids of the decks it created: removed with it
    categories   TEXT NOT NULL DEFAULT '[]', -- JSON ids of the categories it created
    started_at   TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL  -- every chunk; an old one means its writer died
) STRICT;

CREATE TRIGGER card_state_pending_insert AFTER INSERT ON card_state
WHEN NEW.due IS NULL AND NEW.suspended = 0 BEGIN
    UPDATE pending_imports SET new_cards = new_cards + 1 WHERE user_id = NEW.user_id AND NEW.card_id >= first_card;
END;
CREATE TRIGGER card_state_pending_delete AFTER DELETE ON card_state
WHEN OLD.due IS NULL AND OLD.suspended = 0 BEGIN
    UPDATE pending_imports SET new_cards = new_cards - 1 WHERE user_id = OLD.user_id AND OLD.card_id >= first_card;
END;
CREATE TRIGGER card_state_pending_update AFTER UPDATE OF due, suspended ON card_state
WHEN (OLD.due IS NULL AND OLD.suspended = 0) <> (NEW.due IS NULL AND NEW.suspended = 0) BEGIN
    UPDATE pending_imports SET new_cards = new_cards + (NEW.due IS NULL AND NEW.suspended = 0) - (OLD.due IS NULL AND OLD.suspended = 0)
    WHERE user_id = NEW.user_id AND NEW.card_id >= first_card;
END;
