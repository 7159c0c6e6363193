package data

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// bigImportTable is a card table of n distinct rows, 200,000 of them
// within MaxCardTableBytes.
func bigImportTable(n int) []byte {
	b := []byte("front,back,category,key points\n")
	for i := range n {
		b = fmt.Appendf(b, "\"Question %d: why does the model drift?\",\"Because the data drifts, answer %d.\",Ignoring deployment,monitoring; retraining\n", i, i)
	}
	return b
}

// TestBigImportWhileGrading measures what the issue asked for: while one
// user imports a 200,000-row card table, another user grades, one grade
// every 10 ms whatever the answers take (so a stall shows in every grade
// it holds up, not in one). It reports the import's time and the grades'
// latency, and fails when their p99 passes 250 ms.
//
//	go test ./data -run TestBigImportWhileGrading -v -args -bigimport
func TestBigImportWhileGrading(t *testing.T) {
	if !*bigImportFlag {
		t.Skip("imports 200,000 cards; run with -bigimport")
	}
	ctx := context.Background()
	s := openTestStore(t)
	st := DefaultSettings()
	st.NewPerDay, st.ReviewsPerDay = MaxPerDay, MaxPerDay
	other, err := s.CreateUser(ctx, "other", "correct horse", st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportDrafts(ctx, other.ID, "d", plainDrafts(20_000), nil); err != nil {
		t.Fatal(err)
	}
	cards, err := s.ListCards(ctx, other.ID, CardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	importer, err := s.CreateUser(ctx, "importer", "correct horse", st)
	if err != nil {
		t.Fatal(err)
	}
	doc := bigImportTable(200_000)

	stop := make(chan struct{})
	var mu sync.Mutex
	var took []time.Duration
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for i := 0; i < len(cards); i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			wg.Add(1)
			go func(id int64) {
				defer wg.Done()
				start := time.Now()
				if _, err := s.GradeCard(ctx, other.ID, Grade{CardID: id, Grade: srs.Grade(4), Step: -1}); err != nil {
					t.Error(err)
				}
				mu.Lock()
				took = append(took, time.Since(start))
				mu.Unlock()
			}(cards[i].ID)
		}
	}()
	start := time.Now()
	var written time.Duration
	res, err := s.ImportDocument(ctx, importer.ID, "big.csv", doc, "", func(done, total int) {
		if done == total {
			written = time.Since(start)
		}
	})
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	if err != nil || res.Added != 200_000 {
		t.Fatalf("import: %+v %v", res.Added, err)
	}
	slices.Sort(took)
	q := func(p float64) time.Duration { return took[min(len(took)-1, int(p*float64(len(took))))] }
	t.Logf("200,000 rows (%d MiB) imported in %v (cards written after %v)", len(doc)>>20, elapsed.Round(time.Millisecond), written.Round(time.Millisecond))
	t.Logf("%d grades of another user meanwhile: p50 %v, p95 %v, p99 %v, max %v", len(took),
		q(0.50).Round(time.Millisecond/10), q(0.95).Round(time.Millisecond/10), q(0.99).Round(time.Millisecond/10), took[len(took)-1].Round(time.Millisecond))
	if q(0.99) > 250*time.Millisecond {
		t.Errorf("grade p99 %v while the import ran; the target is 250 ms", q(0.99))
	}
}
