-- Each card's FSRS-6 memory state (srs/fsrs.go), kept up to date on every
-- grade, re-drills included, so pages read it instead of replaying the log.
-- srs computes the values; SQL only stores them. stability and difficulty
-- are 0 for a card never reviewed (srs's zero Memory); memory_day is the
-- study day of its last review of any kind, NULL for none, so its recall on
-- a day d is srs.Recall(d - memory_day, stability).
ALTER TABLE card_state ADD COLUMN stability REAL NOT NULL DEFAULT 0;
ALTER TABLE card_state ADD COLUMN difficulty REAL NOT NULL DEFAULT 0;
ALTER TABLE card_state ADD COLUMN memory_day INTEGER;

-- Each review keeps the card's memory state from before it, as it keeps
-- the SM-2 state, so undo restores it bit for bit. NULL memory_day: the
-- card had never been reviewed.
ALTER TABLE reviews ADD COLUMN before_stability REAL NOT NULL DEFAULT 0;
ALTER TABLE reviews ADD COLUMN before_difficulty REAL NOT NULL DEFAULT 0;
ALTER TABLE reviews ADD COLUMN before_memory_day INTEGER;

-- SQL cannot run srs, so the cards reviewed before this migration get
-- their state from Go when the store opens (backfillMemory), which deletes
-- this mark when done.
INSERT INTO meta (key, value) VALUES ('memory_backfill', CAST('pending' AS BLOB)) ON CONFLICT (key) DO NOTHING;
