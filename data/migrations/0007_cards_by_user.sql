-- A user's cards in id order: the API pages the card list by id (newest
-- first, "cards below this id"), and without this index every page sorted
-- the whole account to find its hundred cards. SQLite ends every index with
-- the rowid, so (user_id) is (user_id, id).
CREATE INDEX cards_user ON cards(user_id);
