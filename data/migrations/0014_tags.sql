-- Tags on cards (issue 19). A card has any number of free labels
-- ("company/acme", "round/onsite"), beside its one category, which stays
-- the mistake taxonomy that mastery reports on. Tags are hierarchical with
-- "/": a filter by "company" takes "company" and every tag under it
-- ("company/acme"), as a range on the index (data/tags.go).
--
-- A tag is kept as typed and matched without regard to ASCII case, as
-- SQLite's NOCASE has it. user_id is the card's, copied so that a user's
-- tags and a tag's cards come from the index alone; a card never changes
-- hands. Tags go with their card: deleted with it (the cascade), kept while
-- it is in the trash, back with it when it is restored.
CREATE TABLE card_tags (
    card_id INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    tag     TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (card_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX card_tags_user_tag ON card_tags(user_id, tag, card_id);
