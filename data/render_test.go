package data

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/data/cardtext"
	"github.com/flashcards/flashcards/srs"
)

// ---- the stored HTML ----

func TestCardsStoreTheirHTML(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	c, err := s.CreateCard(ctx, u.ID, CardInput{Front: "What is `F1`?", Back: "$F_1 = \\frac{2PR}{P+R}$", KeyPoints: []string{"**harmonic** mean", "precision"}})
	if err != nil {
		t.Fatal(err)
	}
	var front, back, kps string
	var version int
	if err := s.reader.QueryRow("SELECT front_html, back_html, key_points_html, render_version FROM cards WHERE id = ?", c.ID).
		Scan(&front, &back, &kps, &version); err != nil {
		t.Fatal(err)
	}
	if front != "<p>What is <code>F1</code>?</p>\n" || !strings.Contains(back, `<span class="math inline">`) ||
		kps != `["\u003cstrong\u003eharmonic\u003c/strong\u003e mean","precision"]` || version != cardtext.RenderVersion {
		t.Errorf("stored HTML: front %q, back %q, key points %s, version %d", front, back, kps, version)
	}
	if c.FrontHTML != front || c.BackHTML != back || !slices.Equal(c.KeyPointsHTML, []string{"<strong>harmonic</strong> mean", "precision"}) {
		t.Errorf("card read back: %q %q %q", c.FrontHTML, c.BackHTML, c.KeyPointsHTML)
	}

	// Imports render on insert too.
	res, err := s.ImportDocument(ctx, u.ID, "notes.md", []byte("Q: Why ~~accuracy~~?\nA: Use **F1** on imbalanced data.\n"), "", nil)
	if err != nil || res.Added != 1 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	cards, err := s.ListCards(ctx, u.ID, CardFilter{Query: "accuracy"})
	if err != nil || len(cards) != 1 {
		t.Fatalf("imported card: %v, %v", cards, err)
	}
	if err := s.reader.QueryRow("SELECT front_html, render_version FROM cards WHERE id = ?", cards[0].ID).Scan(&front, &version); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(front, "<del>accuracy</del>") || version != cardtext.RenderVersion {
		t.Errorf("imported card stored %q at version %d", front, version)
	}
}

// TestCardsInsertedWithoutHTMLRenderOnRead: a restore, an Anki import or
// plain SQL inserts cards with no HTML; they show rendered all the same.
func TestCardsInsertedWithoutHTMLRenderOnRead(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	c, err := s.CreateCard(ctx, u.ID, CardInput{Front: "first", Back: "back"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.writer.Exec(`INSERT INTO cards (user_id, deck_id, category_id, key, front, back, key_points, created_at, updated_at)
		VALUES (?, ?, ?, 'sql:1', '**bold** front', 'see <https://example.com>', '["*one*"]', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z')`,
		u.ID, c.DeckID, c.CategoryID)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	got, err := s.GetCard(ctx, u.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.FrontHTML != "<p><strong>bold</strong> front</p>\n" || !strings.Contains(got.BackHTML, `href="https://example.com"`) ||
		!slices.Equal(got.KeyPointsHTML, []string{"<em>one</em>"}) {
		t.Errorf("card inserted without HTML reads as %q, %q, %q", got.FrontHTML, got.BackHTML, got.KeyPointsHTML)
	}
	list, err := s.ListCards(ctx, u.ID, CardFilter{})
	if err != nil || len(list) != 2 || list[0].FrontHTML != got.FrontHTML {
		t.Errorf("ListCards: %v, %v", list, err)
	}
}

// TestRerenderAfterUpgradeKeepsTheSource: cards rendered by an older
// renderer (or none) get fresh HTML at start-up, and nothing else of the
// card changes: not a byte of its Markdown, its progress or its edit time.
func TestRerenderAfterUpgradeKeepsTheSource(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	var ids []int64
	for i, front := range []string{"# Title\n\n`code` *here*  \n", "plain\r\nwith CRLF and trailing space ", "$x$ and <b>raw</b>"} {
		c, err := s.CreateCard(ctx, u.ID, CardInput{Front: front, Back: "back " + front, KeyPoints: []string{"**kp**", "two"}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		setCardState(t, s, c.ID, srs.State{Repetitions: i + 1, Interval: 3, Ease: 240}, srs.DateOf(2026, 3, 20), i)
	}
	// 1200 cards more than a batch holds, inserted as a restore would.
	tx, err := s.writer.Begin()
	if err != nil {
		t.Fatal(err)
	}
	c0, _ := s.GetCard(ctx, u.ID, ids[0])
	for i := range 2*rerenderBatch + 200 {
		if _, err := tx.Exec(`INSERT INTO cards (user_id, deck_id, category_id, key, front, back, key_points, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'b', '[]', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z')`,
			u.ID, c0.DeckID, c0.CategoryID, "restored:"+strconv.Itoa(i), "restored *card* "+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	type rawCard struct {
		front, back, kps, syn, updated []byte
		edited                         int
	}
	snapshot := func() map[int64]rawCard {
		rows, err := s.reader.Query("SELECT id, CAST(front AS BLOB), CAST(back AS BLOB), CAST(key_points AS BLOB), CAST(synonyms AS BLOB), updated_at, edited FROM cards")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		m := map[int64]rawCard{}
		for rows.Next() {
			var id int64
			var r rawCard
			if err := rows.Scan(&id, &r.front, &r.back, &r.kps, &r.syn, &r.updated, &r.edited); err != nil {
				t.Fatal(err)
			}
			m[id] = r
		}
		return m
	}
	before := snapshot()
	var statesBefore string
	s.reader.QueryRow("SELECT group_concat(card_id || ':' || repetitions || ':' || interval || ':' || ease || ':' || due || ':' || lapses, ',') FROM card_state").Scan(&statesBefore)

	// The "upgrade": the typed-in cards were rendered by an older version.
	if _, err := s.writer.Exec("UPDATE cards SET front_html = 'stale', back_html = 'stale', key_points_html = '[\"stale\"]', render_version = ? WHERE id IN (?, ?, ?)",
		cardtext.RenderVersion-1, ids[0], ids[1], ids[2]); err != nil {
		t.Fatal(err)
	}
	n, err := s.RerenderCards(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := 3 + 2*rerenderBatch + 200; n != want {
		t.Errorf("RerenderCards rendered %d cards, want %d", n, want)
	}
	var stale int
	s.reader.QueryRow("SELECT COUNT(*) FROM cards WHERE render_version <> ? OR front_html = 'stale' OR front_html = ''", cardtext.RenderVersion).Scan(&stale)
	if stale != 0 {
		t.Errorf("%d cards still hold stale HTML", stale)
	}
	for _, id := range ids {
		c, err := s.GetCard(ctx, u.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		fresh := cardtext.RenderCard(c.Front, c.Back, c.KeyPoints)
		if c.FrontHTML != fresh.FrontHTML || c.BackHTML != fresh.BackHTML || !slices.Equal(c.KeyPointsHTML, fresh.KeyPointsHTML) {
			t.Errorf("card %d after re-rendering: %q, %q, %q", id, c.FrontHTML, c.BackHTML, c.KeyPointsHTML)
		}
	}
	after := snapshot()
	for id, b := range before {
		a := after[id]
		if string(a.front) != string(b.front) || string(a.back) != string(b.back) || string(a.kps) != string(b.kps) ||
			string(a.syn) != string(b.syn) || string(a.updated) != string(b.updated) || a.edited != b.edited {
			t.Errorf("re-rendering changed card %d: %+v, was %+v", id, a, b)
		}
	}
	var statesAfter string
	s.reader.QueryRow("SELECT group_concat(card_id || ':' || repetitions || ':' || interval || ':' || ease || ':' || due || ':' || lapses, ',') FROM card_state").Scan(&statesAfter)
	if statesAfter != statesBefore || statesBefore == "" {
		t.Error("re-rendering changed the cards' progress")
	}
	if n, err := s.RerenderCards(ctx); err != nil || n != 0 {
		t.Errorf("a second RerenderCards rendered %d cards (%v), want none", n, err)
	}
}

// TestEditRerendersAndKeepsProgress: saving an edit stores the new HTML and
// leaves the schedule as it was.
func TestEditRerendersAndKeepsProgress(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	c, err := s.CreateCard(ctx, u.ID, CardInput{Front: "old", Back: "old back"})
	if err != nil {
		t.Fatal(err)
	}
	state := srs.State{Repetitions: 4, Interval: 12, Ease: 260}
	setCardState(t, s, c.ID, state, srs.DateOf(2026, 4, 1), 2)
	if err := s.UpdateCard(ctx, u.ID, c.ID, CardInput{Front: "new `front`", Back: "```go\nx := 1\n```", KeyPoints: []string{"~~old~~ new"}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetCard(ctx, u.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.FrontHTML != "<p>new <code>front</code></p>\n" || !strings.Contains(got.BackHTML, `class="chroma"`) ||
		!slices.Equal(got.KeyPointsHTML, []string{"<del>old</del> new"}) {
		t.Errorf("after the edit: %q, %q, %q", got.FrontHTML, got.BackHTML, got.KeyPointsHTML)
	}
	if got.Sched.State != state || got.Sched.Due != srs.DateOf(2026, 4, 1) || got.Lapses != 2 {
		t.Errorf("the edit changed the card's progress: %+v, %d lapses", got.Sched, got.Lapses)
	}
}

// An import stores its cards' HTML right after the cards (rendered outside
// the writer's transaction), so reads do not render them.
func TestImportedCardsAreStoredRendered(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	drafts := []CardDraft{{Key: "a", Front: "What is `x`?", Back: "**bold**", Category: "data-quality"}}
	if _, err := s.ImportDrafts(ctx, u.ID, "deck", drafts, nil); err != nil {
		t.Fatal(err)
	}
	var version int
	var back string
	if err := s.reader.QueryRow("SELECT render_version, back_html FROM cards").Scan(&version, &back); err != nil {
		t.Fatal(err)
	}
	if version != cardtext.RenderVersion || !strings.Contains(back, "<strong>bold</strong>") {
		t.Errorf("stored version %d, back %q", version, back)
	}
}
