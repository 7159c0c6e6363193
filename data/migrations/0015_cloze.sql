-- Cloze deletions (issue 19). A cloze note ("{{c1::Paris}} is the capital
-- of {{c2::France}}") is one card per deletion number. Every card of a note
-- keeps the note's whole text as its front and the note's extra text as its
-- back, so trash, export and the card list work on it as on any card; what
-- differs is cloze, the number it asks for (0: a basic card). note_id ties
-- the cards of one note together: the id of the note's first card, a label
-- and not a foreign key (that card may be deleted, the others stay one
-- note). NULL for a basic card.
ALTER TABLE cards ADD COLUMN cloze INTEGER NOT NULL DEFAULT 0 CHECK (cloze >= 0);
ALTER TABLE cards ADD COLUMN note_id INTEGER;

-- A note's cards, found when one of them is edited.
CREATE INDEX cards_note ON cards(user_id, note_id) WHERE note_id IS NOT NULL;
