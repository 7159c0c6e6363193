package data

import "context"

// CountCards returns how many cards the user has.
func (s *Store) CountCards(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, "SELECT COUNT(*) FROM cards WHERE user_id = ?", userID).Scan(&n)
	return n, err
}
