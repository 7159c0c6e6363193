package data

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/internal/testkit/ankitest"
)

func TestCleanTags(t *testing.T) {
	for _, tc := range []struct {
		in      []string
		want    []string
		refused string // a word of the message, "" when accepted
	}{
		{nil, []string{}, ""},
		{[]string{" company/acme ", "", "round/onsite"}, []string{"company/acme", "round/onsite"}, ""},
		{[]string{"Company/Acme", "company/acme", "COMPANY/ACME"}, []string{"Company/Acme"}, ""},
		{[]string{"источник/блог", "c++", "q&a"}, []string{"источник/блог", "c++", "q&a"}, ""},
		{[]string{"two words"}, nil, "space"},
		{[]string{"tab\there"}, nil, "space"},
		{[]string{"/lead"}, nil, "empty part"},
		{[]string{"trail/"}, nil, "empty part"},
		{[]string{"a//b"}, nil, "empty part"},
		{[]string{strings.Repeat("x", MaxTagRunes+1)}, nil, "too long"},
		{[]string{"bad\xffutf8"}, nil, "UTF-8"},
		{manyTags(MaxTagsPerCard + 1), nil, "at most"},
	} {
		got, err := CleanTags(tc.in)
		if tc.refused != "" {
			if !errors.Is(err, ErrInvalid) || !strings.Contains(Message(err), tc.refused) {
				t.Errorf("CleanTags(%q) = %q, %v; want refused with %q", tc.in, got, err, tc.refused)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("CleanTags(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if got := SplitTags(" company/acme,round/onsite\tsource/blog "); !slices.Equal(got, []string{"company/acme", "round/onsite", "source/blog"}) {
		t.Errorf("SplitTags = %q", got)
	}
}

func manyTags(n int) []string {
	var out []string
	for i := range n {
		out = append(out, "t"+strconv.Itoa(i))
	}
	return out
}

func TestAnkiTags(t *testing.T) {
	got := AnkiTags([]string{"Company::Acme", "::lead::", "a::::b", "plain", "plain", strings.Repeat("y", MaxTagRunes+1), ""})
	want := []string{"Company/Acme", "lead", "a/b", "plain"}
	if !slices.Equal(got, want) {
		t.Errorf("AnkiTags = %q, want %q", got, want)
	}
}

// tagTestCards makes ada's cards: acme (company/acme, round/onsite), globex
// (Company/Globex), blog (source/blog), companyless (companyish: a tag that
// starts like "company" but is not under it), and none.
func tagTestCards(t *testing.T, s *Store, u User) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for _, c := range []struct {
		name string
		tags []string
	}{
		{"acme", []string{"company/acme", "round/onsite"}},
		{"globex", []string{"Company/Globex"}},
		{"blog", []string{"source/blog"}},
		{"companyish", []string{"companyish", "company-x"}},
		{"none", nil},
	} {
		card, err := s.CreateCard(context.Background(), u.ID, CardInput{Front: "Q " + c.name, Back: "A", Tags: c.tags})
		if err != nil {
			t.Fatal(err)
		}
		ids[c.name] = card.ID
	}
	return ids
}

func fronts(cards []Card) []string {
	var out []string
	for _, c := range cards {
		out = append(out, strings.TrimPrefix(c.Front, "Q "))
	}
	slices.Sort(out)
	return out
}

func TestTagsFilterCardsAndFollowThem(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	ada := cardsTestUser(t, s, "ada")
	ids := tagTestCards(t, s, ada)
	bob := cardsTestUser(t, s, "bob")
	if _, err := s.CreateCard(ctx, bob.ID, CardInput{Front: "Q bob", Back: "A", Tags: []string{"company/acme"}}); err != nil {
		t.Fatal(err)
	}

	card, err := s.GetCard(ctx, ada.ID, ids["acme"])
	if err != nil || !slices.Equal(card.Tags, []string{"company/acme", "round/onsite"}) {
		t.Fatalf("card acme has tags %q, %v", card.Tags, err)
	}
	list := func(tag string) []string {
		t.Helper()
		cards, err := s.ListCards(ctx, ada.ID, CardFilter{Tag: tag})
		if err != nil {
			t.Fatal(err)
		}
		return fronts(cards)
	}
	browse := func(tag string) []string {
		t.Helper()
		p, err := s.BrowseCards(ctx, ada.ID, CardBrowse{Tag: tag})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != len(p.Cards) {
			t.Errorf("browse %q: total %d, %d cards", tag, p.Total, len(p.Cards))
		}
		return fronts(p.Cards)
	}
	for _, tc := range []struct {
		tag  string
		want []string
	}{
		{"company", []string{"acme", "globex"}}, // the tag and those under it, case aside; not "companyish"
		{"COMPANY/acme", []string{"acme"}},
		{"company/acme", []string{"acme"}},
		{"company/ac", nil}, // a part is whole
		{"round", []string{"acme"}},
		{"companyish", []string{"companyish"}},
		{"nothing", nil},
		{"", []string{"acme", "blog", "companyish", "globex", "none"}},
	} {
		if got := list(tc.tag); !slices.Equal(got, tc.want) {
			t.Errorf("ListCards tag %q = %q, want %q", tc.tag, got, tc.want)
		}
		if got := browse(tc.tag); !slices.Equal(got, tc.want) {
			t.Errorf("BrowseCards tag %q = %q, want %q", tc.tag, got, tc.want)
		}
	}

	tags, err := s.UserTags(ctx, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []TagCount{{"company-x", 1}, {"company/acme", 1}, {"Company/Globex", 1}, {"companyish", 1}, {"round/onsite", 1}, {"source/blog", 1}}
	if !slices.Equal(tags, want) {
		t.Errorf("UserTags = %v, want %v", tags, want)
	}

	// An edit sets the tags; bad ones change nothing.
	in := CardInput{Front: "Q acme", Back: "A", Tags: []string{"company/acme", "two words"}}
	if err := s.UpdateCard(ctx, ada.ID, ids["acme"], in); !errors.Is(err, ErrInvalid) || !strings.Contains(Message(err), "two words") {
		t.Errorf("update with a bad tag: %v", err)
	}
	if got := list("round"); !slices.Equal(got, []string{"acme"}) {
		t.Errorf("a refused edit changed the tags: round = %q", got)
	}
	in.Tags = []string{"company/acme", "year/2026"}
	if err := s.UpdateCard(ctx, ada.ID, ids["acme"], in); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetCard(ctx, ada.ID, ids["acme"]); !slices.Equal(got.Tags, []string{"company/acme", "year/2026"}) {
		t.Errorf("after the edit: %q", got.Tags)
	}
	if _, err := s.CreateCard(ctx, ada.ID, CardInput{Front: "F", Back: "B", Tags: []string{"a//b"}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("create with a bad tag: %v", err)
	}
	if n, _ := s.CountCards(ctx, ada.ID); n != 5 {
		t.Errorf("a refused card was stored: %d cards", n)
	}

	// The trash keeps a card's tags out of sight and gives them back.
	if _, err := s.TrashCards(ctx, ada.ID, []int64{ids["globex"]}); err != nil {
		t.Fatal(err)
	}
	if got := list("company"); !slices.Equal(got, []string{"acme"}) {
		t.Errorf("a card in the trash is still listed by tag: %q", got)
	}
	if tags, _ := s.UserTags(ctx, ada.ID); slices.ContainsFunc(tags, func(tc TagCount) bool { return tc.Tag == "Company/Globex" }) {
		t.Errorf("a tag only on a card in the trash is suggested: %v", tags)
	}
	if _, err := s.RestoreCards(ctx, ada.ID, []int64{ids["globex"]}); err != nil {
		t.Fatal(err)
	}
	if got := list("company"); !slices.Equal(got, []string{"acme", "globex"}) {
		t.Errorf("a restored card lost its tag: %q", got)
	}
	if _, err := s.TrashCards(ctx, ada.ID, []int64{ids["globex"]}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteTrashedCards(ctx, ada.ID, []int64{ids["globex"]}); err != nil {
		t.Fatal(err)
	}
	var left int
	s.reader.QueryRow("SELECT COUNT(*) FROM card_tags WHERE card_id = ?", ids["globex"]).Scan(&left)
	if left != 0 {
		t.Errorf("a card deleted for good left %d tags", left)
	}
	// Bob's tag is his.
	if cards, _ := s.ListCards(ctx, bob.ID, CardFilter{Tag: "company"}); len(cards) != 1 {
		t.Errorf("bob's tag filter: %d cards", len(cards))
	}
}

func TestTagsNarrowTheReviewQueueAndPractice(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	ada := cardsTestUser(t, s, "ada")
	ids := tagTestCards(t, s, ada)

	q, err := s.Queue(ctx, ada.ID, ReviewFilter{Tag: "company"})
	if err != nil || q.New != 2 {
		t.Errorf("queue of company: %+v, %v; want 2 new", q, err)
	}
	all, _ := s.Queue(ctx, ada.ID, ReviewFilter{})
	if all.New != 5 {
		t.Errorf("whole queue: %d new", all.New)
	}
	seen := map[int64]bool{}
	for range 3 {
		qc, err := s.NextCard(ctx, ada.ID, ReviewFilter{Tag: "Company"}, 0)
		if errors.Is(err, ErrQueueEmpty) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if qc.Card.ID != ids["acme"] && qc.Card.ID != ids["globex"] {
			t.Fatalf("the company queue showed %q", qc.Card.Front)
		}
		seen[qc.Card.ID] = true
		if _, err := s.GradeCard(ctx, ada.ID, Grade{CardID: qc.Card.ID, Grade: 5, Step: qc.Step}); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 2 {
		t.Errorf("the company queue showed %d cards, want 2", len(seen))
	}
	if n, err := s.PracticeCount(ctx, ada.ID, ReviewFilter{Tag: "source"}); err != nil || n != 1 {
		t.Errorf("practice of source: %d, %v", n, err)
	}
	pc, err := s.PracticeNext(ctx, ada.ID, PracticeQuery{Filter: ReviewFilter{Tag: "round/onsite"}})
	if err != nil || pc.Card.ID != ids["acme"] {
		t.Errorf("practice of round/onsite showed %d, %v", pc.Card.ID, err)
	}
}

func TestTagCardsInBulk(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	ada := cardsTestUser(t, s, "ada")
	ids := tagTestCards(t, s, ada)
	bob := cardsTestUser(t, s, "bob")
	bobs, _ := s.CreateCard(ctx, bob.ID, CardInput{Front: "Q bob", Back: "A"})

	n, err := s.TagCards(ctx, ada.ID, []int64{ids["blog"], ids["none"], ids["acme"]}, "year/2026", true)
	if err != nil || n != 3 {
		t.Fatalf("add: %d, %v", n, err)
	}
	if n, err := s.TagCards(ctx, ada.ID, []int64{ids["blog"], ids["none"]}, "YEAR/2026", true); err != nil || n != 0 {
		t.Errorf("adding it again changed %d cards, %v", n, err)
	}
	if cards, _ := s.ListCards(ctx, ada.ID, CardFilter{Tag: "year"}); len(cards) != 3 {
		t.Errorf("%d cards tagged year", len(cards))
	}
	// Removing a tag removes those under it, and counts cards, not tags.
	n, err = s.TagCards(ctx, ada.ID, []int64{ids["acme"], ids["globex"], ids["blog"]}, "company", false)
	if err != nil || n != 2 {
		t.Errorf("remove company: %d, %v; want 2 cards changed", n, err)
	}
	if c, _ := s.GetCard(ctx, ada.ID, ids["acme"]); !slices.Equal(c.Tags, []string{"round/onsite", "year/2026"}) {
		t.Errorf("acme after the removal: %q", c.Tags)
	}
	// A foreign card, or a bad tag, changes nothing.
	before := tagRows(t, s)
	if _, err := s.TagCards(ctx, ada.ID, []int64{ids["none"], bobs.ID}, "x", true); !errors.Is(err, ErrNotFound) {
		t.Errorf("with bob's card: %v", err)
	}
	if _, err := s.TagCards(ctx, ada.ID, []int64{ids["none"]}, "two words", true); !errors.Is(err, ErrInvalid) {
		t.Errorf("a bad tag: %v", err)
	}
	if _, err := s.TagCards(ctx, ada.ID, []int64{ids["none"]}, " ", true); !errors.Is(err, ErrInvalid) {
		t.Errorf("no tag: %v", err)
	}
	if after := tagRows(t, s); after != before {
		t.Errorf("a refused change changed the tags")
	}
	full := CardInput{Front: "Q full", Back: "A", Tags: manyTags(MaxTagsPerCard)}
	fullCard, err := s.CreateCard(ctx, ada.ID, full)
	if err != nil {
		t.Fatal(err)
	}
	before = tagRows(t, s)
	if _, err := s.TagCards(ctx, ada.ID, []int64{ids["none"], fullCard.ID}, "one-more", true); !errors.Is(err, ErrInvalid) || !strings.Contains(Message(err), "at most") {
		t.Errorf("a tag past the limit: %v", err)
	}
	if after := tagRows(t, s); after != before {
		t.Errorf("a refused change changed the tags")
	}
}

func tagRows(t *testing.T, s *Store) string {
	t.Helper()
	rows, err := s.reader.Query("SELECT card_id || ' ' || tag FROM card_tags ORDER BY card_id, tag")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		rows.Scan(&r)
		out = append(out, r)
	}
	return strings.Join(out, "\n")
}

func TestImportedDraftsKeepTheirTags(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	ada := cardsTestUser(t, s, "ada")
	drafts := []CardDraft{
		{Key: "k1", Front: "F1", Back: "B1", Category: "uncategorized", Source: "f line 1", Tags: []string{"company/acme", "Company/ACME"}},
		{Key: "k2", Front: "F2", Back: "B2", Category: "uncategorized", Source: "f line 2"},
	}
	if _, err := s.ImportDrafts(ctx, ada.ID, "Deck", drafts, nil); err != nil {
		t.Fatal(err)
	}
	cards, _ := s.ListCards(ctx, ada.ID, CardFilter{Tag: "company"})
	if len(cards) != 1 || !slices.Equal(cards[0].Tags, []string{"company/acme"}) {
		t.Errorf("imported by tag: %+v", cards)
	}
	bad := []CardDraft{{Key: "k3", Front: "F3", Back: "B3", Category: "uncategorized", Source: "f line 3", Tags: []string{"a//b"}}}
	_, err := s.ImportDrafts(ctx, ada.ID, "Deck", bad, nil)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(Message(err), "f line 3") || !strings.Contains(Message(err), "a//b") {
		t.Errorf("a draft with a bad tag: %v", err)
	}
	if n, _ := s.CountCards(ctx, ada.ID); n != 2 {
		t.Errorf("%d cards after a refused import", n)
	}
}

func TestTagsInExportsAndRestore(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	ada := cardsTestUser(t, s, "ada")
	tagTestCards(t, s, ada)

	var doc bytes.Buffer
	if err := s.ExportJSON(ctx, ada.ID, &doc); err != nil {
		t.Fatal(err)
	}
	var exp struct {
		Cards []map[string]any `json:"cards"`
	}
	if err := json.Unmarshal(doc.Bytes(), &exp); err != nil {
		t.Fatal(err)
	}
	var sawAcme bool
	for _, c := range exp.Cards {
		if c["front"] == "Q acme" {
			sawAcme = true
			if got, _ := json.Marshal(c["tags"]); string(got) != `["company/acme","round/onsite"]` {
				t.Errorf("exported tags %s", got)
			}
		}
		if c["front"] == "Q none" {
			if got, _ := json.Marshal(c["tags"]); string(got) != `[]` {
				t.Errorf("a card without tags exports %s", got)
			}
		}
	}
	if !sawAcme {
		t.Fatal("card acme not exported")
	}

	bob := cardsTestUser(t, s, "bob")
	if _, err := s.RestoreExport(ctx, bob.ID, bytes.NewReader(doc.Bytes())); err != nil {
		t.Fatal(err)
	}
	if cards, _ := s.ListCards(ctx, bob.ID, CardFilter{Tag: "company"}); !slices.Equal(fronts(cards), []string{"acme", "globex"}) {
		t.Errorf("restored by tag: %q", fronts(cards))
	}
	// An export made before tags restores, with none.
	old := strings.ReplaceAll(doc.String(), `"tags":["company/acme","round/onsite"],`, "")
	if old == doc.String() {
		t.Fatal("the test's export has no tags to take out")
	}
	carol := cardsTestUser(t, s, "carol")
	if _, err := s.RestoreExport(ctx, carol.ID, strings.NewReader(old)); err != nil {
		t.Fatalf("an export without tags: %v", err)
	}
	if cards, _ := s.ListCards(ctx, carol.ID, CardFilter{Tag: "round"}); len(cards) != 0 {
		t.Errorf("%d cards tagged round", len(cards))
	}
	// A bad tag refuses the file.
	bad := strings.Replace(doc.String(), `"round/onsite"`, `"round//onsite"`, 1)
	dave := cardsTestUser(t, s, "dave")
	if _, err := s.RestoreExport(ctx, dave.ID, strings.NewReader(bad)); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "round//onsite") {
		t.Errorf("an export with a bad tag: %v", err)
	}
	if n, _ := s.CountCards(ctx, dave.ID); n != 0 {
		t.Errorf("a refused restore stored %d cards", n)
	}

	// The CSV's cards table has them, space-separated, in the last column.
	var z bytes.Buffer
	if err := s.ExportCSV(ctx, ada.ID, &z); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(z.Bytes()), int64(z.Len()))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open("cards.csv")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(f)
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	last := len(recs[0]) - 1
	if recs[0][last] != "tags" {
		t.Errorf("last CSV column %q", recs[0][last])
	}
	var csvTags []string
	for _, r := range recs[1:] {
		if r[4] == "Q acme" {
			csvTags = append(csvTags, r[last])
		}
	}
	if !slices.Equal(csvTags, []string{"company/acme round/onsite"}) {
		t.Errorf("CSV tags of acme: %q", csvTags)
	}

	// Anki: a package keeps them as note tags, "::" for "/", and they come back.
	var pkg bytes.Buffer
	if err := s.ExportApkg(ctx, ada.ID, &pkg); err != nil {
		t.Fatal(err)
	}
	erin := cardsTestUser(t, s, "erin")
	if _, err := s.ImportApkg(ctx, erin.ID, "ada.apkg", bytes.NewReader(pkg.Bytes()), int64(pkg.Len()), "", nil); err != nil {
		t.Fatal(err)
	}
	cards, _ := s.ListCards(ctx, erin.ID, CardFilter{Tag: "company"})
	if !slices.Equal(fronts(cards), []string{"acme", "globex"}) {
		t.Errorf("apkg round trip by tag: %q", fronts(cards))
	}
	for _, c := range cards {
		if c.Front == "Q acme" && !slices.Equal(c.Tags, []string{"company/acme", "round/onsite"}) {
			t.Errorf("apkg round trip tags of acme: %q", c.Tags)
		}
	}
	var tsv bytes.Buffer
	if err := s.ExportAnki(ctx, ada.ID, &tsv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tsv.String(), "Q acme\tA\tuncategorized company::acme round::onsite\r\n") &&
		!strings.Contains(tsv.String(), "Q acme\tA\tuncategorized company::acme round::onsite\n") {
		t.Errorf("Anki text export:\n%s", tsv.String())
	}
}

func TestImportApkgKeepsNoteTags(t *testing.T) {
	s, uid := ankiTestStore(t)
	if _, err := importApkg(t, s, uid, ankiBuild.Layouts(t, ankitest.Sample())["legacy anki2"], ""); err != nil {
		t.Fatal(err)
	}
	got := cardsByKey(t, s, uid)
	// " ML::accuracy_only extra ": the category as before, and both as tags.
	if c := got["anki:revGuid2:0"]; c.Category != "accuracy-only" || !slices.Equal(c.Tags, []string{"extra", "ML/accuracy_only"}) {
		t.Errorf("rev card: category %q, tags %q", c.Category, c.Tags)
	}
	if c := got["anki:clozeGuid3:0"]; len(c.Tags) != 0 {
		t.Errorf("untagged note's card has tags %q", c.Tags)
	}
}

// TestCardTableTagsReachTheCards: a CSV file with a tags column, through
// the one import door, gives cards with those tags (Anki's :: levels
// written /); a bad tag refuses the file and stores nothing.
func TestCardTableTagsReachTheCards(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	ada := cardsTestUser(t, s, "ada")
	importCSV := func(doc string) error {
		_, err := s.Import(ctx, ada.ID, ImportFile{Name: "cards.csv", Content: strings.NewReader(doc), Size: int64(len(doc))})
		return err
	}
	if err := importCSV("front,back,tags\nWhat is a leak?,Test data seen in training,company::acme round/onsite\nWhy stratify?,Keep class balance,\n"); err != nil {
		t.Fatal(err)
	}
	cards, err := s.ListCards(ctx, ada.ID, CardFilter{Tag: "company"})
	if err != nil || len(cards) != 1 || cards[0].Front != "What is a leak?" || !slices.Equal(cards[0].Tags, []string{"company/acme", "round/onsite"}) {
		t.Fatalf("cards tagged company: %+v %v", cards, err)
	}
	if err := importCSV("front,back,tags\nQ3,A3,a//b\n"); !errors.Is(err, ErrInvalid) || !strings.Contains(Message(err), "a//b") {
		t.Errorf("a table with a bad tag: %v", err)
	}
	if n, _ := s.CountCards(ctx, ada.ID); n != 2 {
		t.Errorf("%d cards after a refused table, want 2", n)
	}
}
