package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// TestTrashKeepsTheDayAndComesBack: cards in the trash leave the queue, the
// lists, the mastery numbers, the statistics and the exports, while their
// grades of today keep counting against today's limits; restored, they are
// back as they were, counted once; after TrashKeep the sweep deletes them
// for good, their grades still counted. CheckCounts runs at every step.
func TestTrashKeepsTheDayAndComesBack(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.NewPerDay = 3
	s, uid, clock := reviewFixture(t, 5, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	grade(t, s, uid, 1, 5) // a new card learned
	grade(t, s, uid, 2, 2) // a new card failed: in today's re-drill queue
	step := func(what string, wantNew, wantRedrill, wantNewLeft, wantCards int) {
		t.Helper()
		must(s.CheckCounts(ctx))
		q, err := s.Queue(ctx, uid, ReviewFilter{})
		must(err)
		if q.New != wantNew || q.Redrill != wantRedrill || q.NewLeft != wantNewLeft {
			t.Fatalf("after %s: queue has %d new (%d left today) and %d re-drills, want %d (%d) and %d",
				what, q.New, q.NewLeft, q.Redrill, wantNew, wantNewLeft, wantRedrill)
		}
		n, err := s.CountCards(ctx, uid)
		must(err)
		list, err := s.ListCards(ctx, uid, CardFilter{})
		must(err)
		page, err := s.BrowseCards(ctx, uid, CardBrowse{})
		must(err)
		m, err := s.Mastery(ctx, uid)
		must(err)
		inMastery := 0
		for _, c := range m.Categories {
			inMastery += c.Cards
		}
		if n != wantCards || len(list) != wantCards || page.Total != wantCards || len(page.Cards) != wantCards || inMastery != wantCards {
			t.Fatalf("after %s: %d cards counted, %d listed, %d browsed (of %d), %d in mastery; want %d",
				what, n, len(list), len(page.Cards), page.Total, inMastery, wantCards)
		}
	}
	step("two grades", 1, 1, 1, 5) // 3 new cards, 1 more allowed today
	before, err := s.Stats(ctx, uid)
	must(err)

	n, err := s.TrashCards(ctx, uid, []int64{1, 2, 3})
	must(err)
	if n != 3 {
		t.Fatalf("trashed %d cards, want 3", n)
	}
	// Card 3 was new: no longer. Card 2 leaves the re-drill queue. The two
	// new cards graded today still take two of today's three.
	step("the trash", 1, 0, 1, 2)
	for _, id := range []int64{1, 2, 3} {
		if _, err := s.GetCard(ctx, uid, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("card %d in the trash: GetCard %v, want ErrNotFound", id, err)
		}
	}
	if _, err := s.GradeCard(ctx, uid, Grade{CardID: 3, Grade: 5, Step: -1}); !errors.Is(err, ErrNotFound) {
		t.Errorf("grading a card in the trash: %v, want ErrNotFound", err)
	}
	if _, err := s.Undo(ctx, uid); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "trash") {
		t.Errorf("undoing the grade of a card in the trash: %v, want a conflict naming the trash", err)
	}
	stats, err := s.Stats(ctx, uid)
	must(err)
	if got, was := stats.Heatmap[len(stats.Heatmap)-1].Count, before.Heatmap[len(before.Heatmap)-1].Count; was != 2 || got != 0 || stats.Reviews != 0 || stats.Grades != [6]int{} {
		t.Errorf("statistics with the graded cards in the trash: today %d (was %d), %d reviews, grades %v; want none", got, was, stats.Reviews, stats.Grades)
	}
	var doc bytes.Buffer
	must(s.ExportJSON(ctx, uid, &doc))
	if strings.Contains(doc.String(), `"front 0"`) || strings.Contains(doc.String(), `"front 2"`) || strings.Contains(doc.String(), `"grade"`) {
		t.Errorf("the export holds cards or reviews from the trash:\n%.600s", doc.String())
	}
	doc.Reset()
	must(s.ExportAnki(ctx, uid, &doc))
	if strings.Contains(doc.String(), "front 0") || !strings.Contains(doc.String(), "front 3") {
		t.Errorf("the Anki text export holds cards from the trash, or lacks the others:\n%s", doc.String())
	}
	doc.Reset()
	must(s.ExportApkg(ctx, uid, &doc))
	other := cardsTestUser(t, s, "bob")
	res, err := s.ImportApkg(ctx, other.ID, "ada.apkg", bytes.NewReader(doc.Bytes()), int64(doc.Len()), "", nil)
	must(err)
	if res.Added != 2 {
		t.Errorf("the Anki package holds %d cards, want the 2 out of the trash", res.Added)
	}
	trash, err := s.ListTrash(ctx, uid, 10, 0)
	must(err)
	if trash.Total != 3 || len(trash.Cards) != 3 || trash.Cards[0].Reviews+trash.Cards[1].Reviews+trash.Cards[2].Reviews != 2 {
		t.Fatalf("the trash lists %+v, want the 3 cards with their 2 reviews", trash)
	}
	if want := clock.Add(TrashKeep); !trash.Cards[0].PurgeAt.Equal(want) {
		t.Errorf("purged at %v, want %v", trash.Cards[0].PurgeAt, want)
	}

	// A new card studied while the others are away takes the last slot.
	grade(t, s, uid, 4, 5)
	step("a third new card", 0, 0, 0, 2)

	n, err = s.RestoreCards(ctx, uid, []int64{2, 3})
	must(err)
	if n != 2 {
		t.Fatalf("restored %d cards, want 2", n)
	}
	// Cards 3 and 5 are new (no slot left today), card 2 back in re-drill.
	step("the restore", 0, 1, 0, 4)
	c, err := s.GetCard(ctx, uid, 2)
	must(err)
	if c.Key != "k1" || !c.Sched.Graded || c.Lapses != 0 {
		t.Errorf("restored card: key %q, %+v; want it as it was", c.Key, c.Sched)
	}
	if _, err := s.Undo(ctx, uid); err != nil {
		t.Errorf("undo of card 4's grade: %v", err)
	}
	step("an undo", 1, 1, 1, 4)

	// Card 1 stays in the trash: 29 days on it is still there, 30 days on it is gone.
	*clock = clock.Add(TrashKeep - time.Hour)
	purged, err := s.PurgeTrash(ctx)
	must(err)
	if purged != 0 {
		t.Fatalf("after 29 days and 23 hours the sweep purged %d cards", purged)
	}
	*clock = clock.Add(time.Hour)
	purged, err = s.PurgeTrash(ctx)
	must(err)
	if purged != 1 {
		t.Fatalf("after 30 days the sweep purged %d cards, want 1", purged)
	}
	must(s.CheckCounts(ctx))
	var newDone, goneNew int
	must(s.reader.QueryRow("SELECT new_done, gone_new FROM day_counts WHERE user_id = ? AND study_day = ?",
		uid, int(srs.DateOf(2026, 5, 1))).Scan(&newDone, &goneNew))
	if newDone != 2 || goneNew != 1 {
		t.Errorf("1 May after the purge: %d new cards studied (%d of deleted cards), want 2 (1)", newDone, goneNew)
	}
	if trash, _ := s.ListTrash(ctx, uid, 10, 0); trash.Total != 0 {
		t.Errorf("the trash after the purge: %+v", trash)
	}
}

// TestChangesToManyCardsAreAllOrNothing: one foreign, missing or
// wrongly placed id changes nothing.
func TestChangesToManyCardsAreAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s, uid, _ := reviewFixture(t, 3, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	bob := cardsTestUser(t, s, "bob")
	bobs, err := s.CreateCard(ctx, bob.ID, CardInput{Front: "bob's", Back: "b"})
	if err != nil {
		t.Fatal(err)
	}
	deck, err := s.CreateDeck(ctx, uid, "Elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	bobDeck, err := s.CreateDeck(ctx, bob.ID, "Bob's deck")
	if err != nil {
		t.Fatal(err)
	}
	snapshot := func() string {
		t.Helper()
		var b strings.Builder
		rows, err := s.reader.Query(`SELECT c.id, c.user_id, c.deck_id, c.category_id, c.suspended, c.deleted_at IS NULL, c.key, c.updated_at
			FROM cards c ORDER BY c.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, user, deck, cat, susp, live int64
			var key, updated string
			if err := rows.Scan(&id, &user, &deck, &cat, &susp, &live, &key, &updated); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, id, user, deck, cat, susp, live, key, updated)
		}
		return b.String()
	}
	mixed := []int64{1, 2, bobs.ID}
	start := snapshot()
	for _, tc := range []struct {
		what string
		do   func() (int, error)
		want error
	}{
		{"suspend with a foreign card", func() (int, error) { return s.SuspendCards(ctx, uid, mixed, true) }, ErrNotFound},
		{"suspend a missing card", func() (int, error) { return s.SuspendCards(ctx, uid, []int64{1, 999}, true) }, ErrNotFound},
		{"move with a foreign card", func() (int, error) { return s.MoveCards(ctx, uid, mixed, deck.ID, "") }, ErrNotFound},
		{"move to a foreign deck", func() (int, error) { return s.MoveCards(ctx, uid, []int64{1}, bobDeck.ID, "") }, ErrInvalid},
		{"move to no category", func() (int, error) { return s.MoveCards(ctx, uid, []int64{1}, 0, "nope") }, ErrInvalid},
		{"move nowhere", func() (int, error) { return s.MoveCards(ctx, uid, []int64{1}, 0, "") }, ErrInvalid},
		{"trash with a foreign card", func() (int, error) { return s.TrashCards(ctx, uid, mixed) }, ErrNotFound},
		{"restore a card not in the trash", func() (int, error) { return s.RestoreCards(ctx, uid, []int64{1}) }, ErrNotFound},
		{"delete for good a card not in the trash", func() (int, error) { return s.DeleteTrashedCards(ctx, uid, []int64{1}) }, ErrNotFound},
		{"no cards", func() (int, error) { return s.TrashCards(ctx, uid, nil) }, ErrInvalid},
		{"a bad id", func() (int, error) { return s.TrashCards(ctx, uid, []int64{1, -2}) }, ErrInvalid},
		{"too many", func() (int, error) {
			ids := make([]int64, MaxCardsAtOnce+1)
			for i := range ids {
				ids[i] = int64(i + 1)
			}
			return s.TrashCards(ctx, uid, ids)
		}, ErrInvalid},
	} {
		if n, err := tc.do(); !errors.Is(err, tc.want) || n != 0 {
			t.Errorf("%s: %d changed, %v; want %v", tc.what, n, err, tc.want)
		}
		if now := snapshot(); now != start {
			t.Fatalf("%s changed the cards:\n%s\nwas:\n%s", tc.what, now, start)
		}
	}

	// The same ids of her own, twice over: every change applies to each once.
	if n, err := s.SuspendCards(ctx, uid, []int64{1, 2, 2}, true); n != 2 || err != nil {
		t.Fatalf("suspend: %d, %v", n, err)
	}
	if n, err := s.MoveCards(ctx, uid, []int64{1, 3}, deck.ID, "accuracy-only"); n != 2 || err != nil {
		t.Fatalf("move: %d, %v", n, err)
	}
	c, _ := s.GetCard(ctx, uid, 3)
	if c.DeckID != deck.ID || c.Category != "accuracy-only" {
		t.Errorf("moved card: deck %d category %s", c.DeckID, c.Category)
	}
	if n, err := s.SuspendCards(ctx, uid, []int64{1, 3}, false); n != 1 || err != nil {
		t.Fatalf("unsuspend: %d, %v (card 3 was not suspended)", n, err)
	}
	if _, err := s.SuspendCards(ctx, uid, []int64{3}, true); err != nil {
		t.Fatal(err)
	}
	if n, err := s.TrashCards(ctx, uid, []int64{2, 3}); n != 2 || err != nil {
		t.Fatalf("trash: %d, %v", n, err)
	}
	if _, err := s.SuspendCards(ctx, uid, []int64{2}, false); !errors.Is(err, ErrNotFound) {
		t.Errorf("unsuspending a card in the trash: %v, want ErrNotFound", err)
	}
	if err := s.SetSuspended(ctx, uid, 2, false); !errors.Is(err, ErrNotFound) {
		t.Errorf("unsuspending a card in the trash, one at a time: %v, want ErrNotFound", err)
	}
	if n, err := s.DeleteTrashedCards(ctx, uid, []int64{2}); n != 1 || err != nil {
		t.Fatalf("delete for good: %d, %v", n, err)
	}
	if _, err := s.RestoreCards(ctx, uid, []int64{2, 3}); !errors.Is(err, ErrNotFound) {
		t.Errorf("restoring a card deleted for good: %v, want ErrNotFound", err)
	}
	if c, err := s.RestoreCards(ctx, uid, []int64{3}); c != 1 || err != nil {
		t.Errorf("restore: %d, %v", c, err)
	}
	// A suspended card stays suspended through the trash.
	if c, _ := s.GetCard(ctx, uid, 3); !c.Suspended {
		t.Error("card 3 lost its suspension in the trash")
	}
}

// TestTrashedCardAddedAgain: an import of a card in the trash adds it anew,
// as after a delete; restoring the old one then is refused until one of
// the two goes.
func TestTrashedCardAddedAgain(t *testing.T) {
	ctx := context.Background()
	s, uid, _ := reviewFixture(t, 2, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	grade(t, s, uid, 1, 5)
	if _, err := s.TrashCards(ctx, uid, []int64{1}); err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportDrafts(ctx, uid, "deck", []CardDraft{{Key: "k0", Front: "front 0", Back: "back", Category: "data-quality"}}, nil)
	if err != nil || res.Added != 1 {
		t.Fatalf("importing the trashed card again: %+v, %v; want it added", res, err)
	}
	_, err = s.RestoreCards(ctx, uid, []int64{1})
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "front 0") {
		t.Fatalf("restoring a card imported again: %v, want a conflict naming it", err)
	}
	if trash, _ := s.ListTrash(ctx, uid, 10, 0); trash.Total != 1 {
		t.Fatal("the refused restore changed the trash")
	}
	fresh, err := s.ListCards(ctx, uid, CardFilter{Query: "front 0"})
	if err != nil || len(fresh) != 1 {
		t.Fatalf("the copy: %v %v", fresh, err)
	}
	if _, err := s.TrashCards(ctx, uid, []int64{fresh[0].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RestoreCards(ctx, uid, []int64{1}); err != nil {
		t.Fatalf("restoring once the copy is in the trash: %v", err)
	}
	c, err := s.GetCard(ctx, uid, 1)
	if err != nil || c.Key != "k0" || !c.Sched.Graded {
		t.Errorf("the restored card: %+v %v", c, err)
	}
}

// TestBrowseCards sorts and filters the card browser.
func TestBrowseCards(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.NewPerDay = 100
	s, uid, clock := reviewFixture(t, 8, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	today := srs.DateOf(2026, 5, 1)
	// Cards 1-3 learned on 1 May, 4 failed today (re-drill), 5 suspended,
	// 6-8 new. Then states set by hand for distinct keys.
	grade(t, s, uid, 4, 1)
	setCardState(t, s, 1, srs.State{Repetitions: 3, Interval: 10, Ease: 230}, today.AddDays(5), 2)
	setCardState(t, s, 2, srs.State{Repetitions: 2, Interval: 6, Ease: 270}, today.AddDays(-1), 0)
	setCardState(t, s, 3, srs.State{Repetitions: 1, Interval: 1, Ease: 250}, today, 1)
	if err := s.SetSuspended(ctx, uid, 5, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TrashCards(ctx, uid, []int64{8}); err != nil {
		t.Fatal(err)
	}
	*clock = clock.Add(time.Hour)
	ids := func(b CardBrowse) ([]int64, int) {
		t.Helper()
		p, err := s.BrowseCards(ctx, uid, b)
		if err != nil {
			t.Fatalf("%+v: %v", b, err)
		}
		var out []int64
		for _, c := range p.Cards {
			out = append(out, c.ID)
		}
		return out, p.Total
	}
	for _, tc := range []struct {
		b     CardBrowse
		want  []int64
		total int
	}{
		{CardBrowse{}, []int64{1, 2, 3, 4, 5, 6, 7}, 7},
		{CardBrowse{Desc: true, Limit: 3}, []int64{7, 6, 5}, 7},
		{CardBrowse{Desc: true, Limit: 3, Offset: 6}, []int64{1}, 7},
		{CardBrowse{Sort: SortDue}, []int64{2, 3, 4, 1, 5, 6, 7}, 7},             // card 4: due tomorrow; new ones last
		{CardBrowse{Sort: SortDue, Desc: true}, []int64{1, 4, 3, 2, 7, 6, 5}, 7}, // new ones still last
		{CardBrowse{Sort: SortEase, Limit: 3}, []int64{4, 1, 3}, 7},              // 1.96 after a first grade of 1, 2.30, 2.50
		{CardBrowse{Sort: SortInterval, Desc: true, Limit: 2}, []int64{1, 2}, 7},
		{CardBrowse{Sort: SortLapses, Desc: true, Limit: 2}, []int64{1, 3}, 7},
		{CardBrowse{State: NewCards}, []int64{6, 7}, 2},
		{CardBrowse{State: LearningCards}, []int64{4}, 1},
		{CardBrowse{State: DueCards, Sort: SortDue}, []int64{2, 3}, 2},
		{CardBrowse{State: SuspendedCards}, []int64{5}, 1},
		{CardBrowse{State: NewCards, Query: "front 5"}, []int64{6}, 1},
		{CardBrowse{Query: "front 8"}, nil, 0}, // in the trash
	} {
		got, total := ids(tc.b)
		if !slices.Equal(got, tc.want) || total != tc.total {
			t.Errorf("%+v: %v of %d, want %v of %d", tc.b, got, total, tc.want, tc.total)
		}
	}
	if _, err := s.BrowseCards(ctx, uid, CardBrowse{Sort: "front"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("an unknown sort: %v", err)
	}
	if _, err := s.BrowseCards(ctx, uid, CardBrowse{State: "mature"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("an unknown state: %v", err)
	}
}

// TestBrowseQueriesUseIndexes: the card browser's filters seek their
// indexes, and its default order walks one instead of sorting the account.
func TestBrowseQueriesUseIndexes(t *testing.T) {
	s := openTestStore(t)
	for _, tc := range []struct {
		b         CardBrowse
		index     string
		sortsPage bool
	}{
		{CardBrowse{Desc: true}, "card_state_user", false},
		{CardBrowse{}, "card_state_user", false},
		{CardBrowse{Sort: SortEase}, "card_state_user", true},
		{CardBrowse{State: NewCards}, "card_state_new", false},
		{CardBrowse{State: LearningCards}, "card_state_redrill", true},
		{CardBrowse{State: DueCards, Sort: SortDue}, "card_state_queue", true},
		{CardBrowse{State: SuspendedCards}, "card_state_suspended", false},
	} {
		order, err := browseOrder(tc.b.Sort, tc.b.Desc)
		if err != nil {
			t.Fatal(err)
		}
		from, where, args, err := browseWhere(1, tc.b, 20000)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.reader.Query("EXPLAIN QUERY PLAN SELECT s.card_id FROM "+from+" WHERE "+where+" ORDER BY "+order+" LIMIT 50", args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "; ")
		if !strings.Contains(p, "INDEX "+tc.index+" ") || strings.Contains(p, "SCAN s") || strings.Contains(p, "TEMP B-TREE") != tc.sortsPage {
			t.Errorf("%+v: plan %s; want a search of %s, sorting: %v", tc.b, p, tc.index, tc.sortsPage)
		}
	}
}

func TestDecksToStudyAndRename(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.NewPerDay = 2
	s, uid, clock := reviewFixture(t, 4, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)) // in "deck"
	other, err := s.CreateDeck(ctx, uid, "Other")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveCards(ctx, uid, []int64{4}, other.ID, ""); err != nil {
		t.Fatal(err)
	}
	grade(t, s, uid, 1, 5)
	*clock = clock.AddDate(0, 0, 1) // card 1 due
	if _, err := s.TrashCards(ctx, uid, []int64{3}); err != nil {
		t.Fatal(err)
	}
	decks, err := s.DecksToStudy(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(decks)
	want := fmt.Sprint([]DeckToStudy{
		{Deck: Deck{ID: other.ID, Name: "Other", Cards: 1}, New: 1},
		{Deck: Deck{ID: 1, Name: "deck", Cards: 2}, New: 1, Due: 1},
	})
	if got != want {
		t.Errorf("decks to study:\n%s\nwant\n%s", got, want)
	}
	ds, _ := s.ListDecks(ctx, uid)
	if len(ds) != 2 || ds[1].Cards != 2 {
		t.Errorf("ListDecks counts the trash: %+v", ds)
	}

	if err := s.RenameDeck(ctx, uid, other.ID, "  deck "); !errors.Is(err, ErrConflict) {
		t.Errorf("renaming to another deck's name: %v", err)
	}
	if err := s.RenameDeck(ctx, uid, other.ID, " "); !errors.Is(err, ErrInvalid) {
		t.Errorf("renaming to nothing: %v", err)
	}
	bob := cardsTestUser(t, s, "bob")
	if err := s.RenameDeck(ctx, bob.ID, other.ID, "Mine now"); !errors.Is(err, ErrNotFound) {
		t.Errorf("renaming another user's deck: %v", err)
	}
	if err := s.RenameDeck(ctx, uid, other.ID, " Systems "); err != nil {
		t.Fatal(err)
	}
	if err := s.RenameDeck(ctx, uid, other.ID, "Systems"); err != nil {
		t.Errorf("renaming to its own name: %v", err)
	}
	ds, _ = s.ListDecks(ctx, uid)
	if ds[0].ID != other.ID || ds[0].Name != "Systems" {
		t.Errorf("decks after the rename: %+v", ds)
	}
}

func TestCardHistory(t *testing.T) {
	ctx := context.Background()
	s, uid, clock := reviewFixture(t, 2, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	if err := s.UpdateCard(ctx, uid, 1, CardInput{Front: "front 0", Back: "back", Category: "data-quality", KeyPoints: []string{"leak", "split"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GradeCard(ctx, uid, Grade{CardID: 1, Grade: 2, Step: -1, TypedAnswer: "a leak"}); err != nil {
		t.Fatal(err)
	}
	grade(t, s, uid, 1, 4) // the re-drill
	*clock = clock.AddDate(0, 0, 1)
	grade(t, s, uid, 1, 5)
	h, total, err := s.CardHistory(ctx, uid, 1)
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || len(h) != 3 {
		t.Fatalf("history of %d (%d), want 3", len(h), total)
	}
	if h[0].Grade != 2 || !h[0].Counted || h[0].TypedAnswer != "a leak" || !h[0].HasCoverage || h[0].Covered[0] != "leak" || h[0].Missed[0] != "split" {
		t.Errorf("first review: %+v", h[0])
	}
	if h[1].Counted || h[2].Day != srs.DateOf(2026, 5, 2) || h[2].IntervalAfter != 1 || h[2].HasCoverage {
		t.Errorf("later reviews: %+v", h[1:])
	}
	if _, _, err := s.CardHistory(ctx, cardsTestUser(t, s, "bob").ID, 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("another user's card history: %v", err)
	}
	if _, err := s.TrashCards(ctx, uid, []int64{1}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CardHistory(ctx, uid, 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("the history of a card in the trash: %v", err)
	}
}
