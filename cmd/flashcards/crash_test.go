package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs"
)

// gradeOutcome is one grade request of the load: what was sent and, for a
// 200, the state the server answered.
type gradeOutcome struct {
	card    int64
	grade   int
	answer  gradeJSONReply
	ok      bool // got a 200
	unknown bool // no answer: in flight when the server died
}

type gradeJSONReply struct {
	CardID      int64  `json:"card_id"`
	Repetitions int    `json:"repetitions"`
	Interval    int    `json:"interval"`
	Ease        int    `json:"ease"`
	Due         string `json:"due"`
	Redrill     bool   `json:"redrill"`
}

// reviewKey identifies a grade by what it did, to match answers to log rows.
type reviewKey struct {
	card  int64
	grade int
	state gradeJSONReply
}

// TestGradesSurviveSIGKILL kills the real server with SIGKILL while eight
// clients grade, restarts it, and checks the review log: every grade that
// got a 200 is there exactly once, nothing else is but grades in flight at
// the kill, and every card's state is what replaying its log gives.
func TestGradesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary; skipped with -short")
	}
	const clients = 8
	bin := buildFlashcards(t)
	db := filepath.Join(t.TempDir(), "crash.db")
	cli := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "FLASHCARDS_DB="+db)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("flashcards %v: %v", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	cli("correct horse\n", "user", "add", "ada")
	token := cli("", "token", "create", "ada", "--name", "crash")
	addCrashCards(t, db, "ada", 1500)

	ctx := context.Background()
	srv, err := startServerProcess(ctx, bin, db)
	if err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			srv.cmd.Process.Kill()
		}
	})

	base := "http://" + srv.addr() + "/api/v1"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: 10 * time.Second}
	var stop atomic.Bool
	var graded atomic.Int64
	outcomes := make([][]gradeOutcome, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for n := 0; n < 100_000 && !stop.Load(); n++ {
				id, err := crashNext(client, base, token)
				if err != nil {
					return // the server is gone
				}
				if id == 0 {
					return // nothing left today
				}
				o := gradeOutcome{card: id, grade: drawGrade(rng)}
				status, reply, err := crashGrade(client, base, token, id, o.grade)
				switch {
				case err != nil:
					o.unknown = true
				case status == http.StatusOK:
					o.ok, o.answer = true, reply
					graded.Add(1)
				case status != http.StatusConflict:
					t.Errorf("grade card %d: status %d", id, status)
				}
				outcomes[i] = append(outcomes[i], o)
				if err != nil {
					return
				}
			}
		}()
	}
	// Kill mid-load, once grades are flowing.
	deadline := time.Now().Add(10 * time.Second)
	for graded.Load() < 200 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	before := graded.Load()
	if err := srv.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed = true
	<-srv.done
	stop.Store(true)
	wg.Wait()
	client.CloseIdleConnections()
	if before < 50 {
		t.Fatalf("only %d grades before the kill; the load never got going", before)
	}

	var ok []gradeOutcome
	var inFlight []gradeOutcome
	for _, os := range outcomes {
		for _, o := range os {
			switch {
			case o.ok:
				ok = append(ok, o)
			case o.unknown:
				inFlight = append(inFlight, o)
			}
		}
	}
	if len(inFlight) > clients {
		t.Fatalf("%d grades without an answer, more than the %d clients", len(inFlight), clients)
	}
	t.Logf("%d grades answered 200 before SIGKILL, %d in flight", len(ok), len(inFlight))

	// The server starts again on the database it died with and serves.
	srv2, err := startServerProcess(ctx, bin, db)
	if err != nil {
		t.Fatalf("restart after SIGKILL: %v", err)
	}
	if id, err := crashNext(client, "http://"+srv2.addr()+"/api/v1", token); err != nil || id == 0 {
		t.Errorf("after the restart, next = %d, %v", id, err)
	}
	client.CloseIdleConnections()
	if err := srv2.stop(); err != nil {
		t.Errorf("stopping the restarted server: %v", err)
	}

	rows := readReviewLog(t, db)
	checkReplay(t, db, rows)
	// The counts the triggers keep survived with the rows they count.
	store, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.CheckCounts(ctx); err != nil {
		t.Errorf("after the crash: %v", err)
	}

	// Every 200 is in the log exactly once; extra rows are in-flight grades.
	logged := map[reviewKey]int{}
	for _, r := range rows {
		logged[r.key()]++
	}
	for _, o := range ok {
		k := reviewKey{card: o.card, grade: o.grade, state: o.answer}
		if logged[k] == 0 {
			t.Errorf("grade %d of card %d answered 200 %+v but is not in the review log", o.grade, o.card, o.answer)
			continue
		}
		logged[k]--
	}
	extra := map[[2]int64]int{}
	for k, n := range logged {
		if n > 0 {
			extra[[2]int64{k.card, int64(k.grade)}] += n
		}
	}
	for _, o := range inFlight {
		if k := [2]int64{o.card, int64(o.grade)}; extra[k] > 0 {
			extra[k]--
		}
	}
	for k, n := range extra {
		if n > 0 {
			t.Errorf("the review log holds %d grade(s) %d of card %d that no request accounts for", n, k[1], k[0])
		}
	}
}

// addCrashCards gives the user n cards and daily limits the load cannot reach.
func addCrashCards(t *testing.T, db, name string, n int) {
	t.Helper()
	ctx := context.Background()
	store, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	u, err := store.UserByName(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.UserSettings(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	st.NewPerDay, st.ReviewsPerDay = data.MaxPerDay, data.MaxPerDay
	if err := store.UpdateSettings(ctx, u.ID, st); err != nil {
		t.Fatal(err)
	}
	drafts := make([]data.CardDraft, n)
	for i := range drafts {
		drafts[i] = data.CardDraft{Key: fmt.Sprintf("crash:%d", i), Front: fmt.Sprintf("Question %d", i), Back: "Answer",
			Category: "accuracy-only", KeyPoints: []string{"recall"}}
	}
	if _, err := store.ImportDrafts(ctx, u.ID, "Crash", drafts, nil); err != nil {
		t.Fatal(err)
	}
}

// crashNext answers the next card's id, 0 when the day is done.
func crashNext(c *http.Client, base, token string) (int64, error) {
	req, _ := http.NewRequest(http.MethodGet, base+"/review/next", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNoContent {
		return 0, nil
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("next: status %d", resp.StatusCode)
	}
	var next struct {
		Card struct {
			ID int64 `json:"id"`
		} `json:"card"`
	}
	err = json.NewDecoder(resp.Body).Decode(&next)
	return next.Card.ID, err
}

func crashGrade(c *http.Client, base, token string, id int64, grade int) (int, gradeJSONReply, error) {
	var reply gradeJSONReply
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/cards/%d/grade", base, id), strings.NewReader(fmt.Sprintf(`{"grade":%d}`, grade)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, reply, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		// The status came but the body did not: the grade may or may not be in.
		return 0, reply, err
	}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &reply); err != nil {
			return 0, reply, err
		}
	}
	return resp.StatusCode, reply, nil
}

// logRow is one row of the review log with the card state around it.
type logRow struct {
	id, card             int64
	day                  srs.Day
	grade                int
	counted              bool
	before, after        srs.Card
	beforeLaps, afterLap int
	redrill              bool // filled by checkReplay
}

func (r logRow) key() reviewKey {
	due := ""
	if r.after.Graded {
		due = r.after.Due.String()
	}
	return reviewKey{card: r.card, grade: r.grade, state: gradeJSONReply{CardID: r.card,
		Repetitions: r.after.State.Repetitions, Interval: r.after.State.Interval, Ease: r.after.State.Ease, Due: due, Redrill: r.redrill}}
}

func readReviewLog(t *testing.T, db string) []logRow {
	t.Helper()
	h, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	rs, err := h.Query(`SELECT id, card_id, study_day, grade, counted,
		before_repetitions, before_interval, before_ease, before_due, before_lapses, before_last_day,
		after_repetitions, after_interval, after_ease, after_due, after_lapses
		FROM reviews ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var rows []logRow
	for rs.Next() {
		var r logRow
		var day int
		var bDue, bLast, aDue sql.NullInt64
		if err := rs.Scan(&r.id, &r.card, &day, &r.grade, &r.counted,
			&r.before.State.Repetitions, &r.before.State.Interval, &r.before.State.Ease, &bDue, &r.beforeLaps, &bLast,
			&r.after.State.Repetitions, &r.after.State.Interval, &r.after.State.Ease, &aDue, &r.afterLap); err != nil {
			t.Fatal(err)
		}
		r.day = srs.Day(day)
		r.before.Graded, r.before.Due, r.before.LastCounted = bDue.Valid, srs.Day(bDue.Int64), srs.Day(bLast.Int64)
		r.after.Graded, r.after.Due = aDue.Valid, srs.Day(aDue.Int64)
		rows = append(rows, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// checkReplay replays every card's log from a new card through the SM-2
// session rules and compares each row's before and after, and the final
// state with card_state. It fills each row's redrill flag.
func checkReplay(t *testing.T, db string, rows []logRow) {
	t.Helper()
	type replay struct {
		card   srs.Card
		lapses int
		grades map[srs.Day][]srs.Grade
	}
	states := map[int64]*replay{}
	for i := range rows {
		r := &rows[i]
		st := states[r.card]
		if st == nil {
			st = &replay{card: srs.Card{State: srs.New()}, grades: map[srs.Day][]srs.Grade{}}
			states[r.card] = st
		}
		if !sameCard(r.before, st.card, true) || r.beforeLaps != st.lapses {
			t.Errorf("review %d of card %d: before = %+v lapses %d, the log before it gives %+v lapses %d",
				r.id, r.card, r.before, r.beforeLaps, st.card, st.lapses)
		}
		out, err := srs.ApplyGrade(st.card, r.day, st.grades[r.day], srs.Grade(r.grade), true)
		if err != nil {
			t.Errorf("review %d of card %d: grade %d was not allowed: %v", r.id, r.card, r.grade, err)
			continue
		}
		if out.Counted != r.counted {
			t.Errorf("review %d of card %d: counted = %v, replay says %v", r.id, r.card, r.counted, out.Counted)
		}
		if out.Counted {
			next, _ := srs.Next(st.card.State, srs.Grade(r.grade))
			if next != r.after.State {
				t.Errorf("review %d of card %d: after = %+v, srs.Next gives %+v", r.id, r.card, r.after.State, next)
			}
			if st.card.Graded && srs.IsLapse(st.card.State, srs.Grade(r.grade)) {
				st.lapses++
			}
		}
		if !sameCard(r.after, out.Card, false) || r.afterLap != st.lapses {
			t.Errorf("review %d of card %d: after = %+v lapses %d, replay gives %+v lapses %d",
				r.id, r.card, r.after, r.afterLap, out.Card, st.lapses)
		}
		st.card = out.Card
		st.grades[r.day] = append(st.grades[r.day], srs.Grade(r.grade))
		r.redrill = out.Redrill
	}

	h, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	rs, err := h.Query("SELECT card_id, repetitions, interval, ease, due, lapses, last_day FROM card_state")
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		var id int64
		var c srs.Card
		var lapses int
		var due, last sql.NullInt64
		if err := rs.Scan(&id, &c.State.Repetitions, &c.State.Interval, &c.State.Ease, &due, &lapses, &last); err != nil {
			t.Fatal(err)
		}
		c.Graded, c.Due, c.LastCounted = due.Valid, srs.Day(due.Int64), srs.Day(last.Int64)
		want := replay{card: srs.Card{State: srs.New()}}
		if st := states[id]; st != nil {
			want = *st
		}
		if !sameCard(c, want.card, true) || lapses != want.lapses {
			t.Errorf("card %d: state %+v lapses %d, its log gives %+v lapses %d", id, c, lapses, want.card, want.lapses)
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
}

// sameCard compares scheduling states; Due and LastCounted only matter for
// a graded card, and LastCounted only where the row records it.
func sameCard(a, b srs.Card, withLast bool) bool {
	if a.State != b.State || a.Graded != b.Graded {
		return false
	}
	if !a.Graded {
		return true
	}
	return a.Due == b.Due && (!withLast || a.LastCounted == b.LastCounted)
}
