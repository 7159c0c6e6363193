package draft

// What one card, and one import, may hold. The store refuses a card past
// these (data.MaxCardTextRunes and its neighbours are these constants);
// the formats use them to skip or trim what would not fit rather than
// refuse a whole document.
const (
	MaxTextRunes     = 20_000 // a card's front or back
	MaxKeyPoints     = 30
	MaxKeyPointRunes = 200
	MaxNameRunes     = 100   // a deck's name, and a file's name in a source
	MaxSourceRunes   = 1_000 // a card's source, as an export may carry it back in
	MaxImportCards   = 200_000

	MaxTypedAnswerRunes = 20_000         // an answer typed before the reveal, as a review keeps it
	MaxAnswerMS         = 10 * 60 * 1000 // a review's answer time: ten minutes

	// MaxCategories bounds one account's categories: the API's category
	// list, the mastery table and every card form show them all at once.
	MaxCategories = 1_000
	// MaxDecks bounds one account's decks, for the same reason: the deck
	// page, the card forms and the import's deck choice list them all.
	MaxDecks = 1_000
)
