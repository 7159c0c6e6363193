package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/handlers"
	"github.com/flashcards/flashcards/srs"
)

// benchOptions are the flags of flashcards-bench.
type benchOptions struct {
	users, cards, clients int
	duration              time.Duration
	mode                  string // http, bare, next or compare
	pairs                 int    // compare: how many http and bare runs
	db                    string // kept when given, else a temporary file
	server                string // the flashcards binary started with serve; "" builds one
	inproc                bool   // serve from this process instead of a child
	cpuprofile            string
}

// benchMaxOps bounds every client's loop besides the duration.
const benchMaxOps = 10_000_000

const benchUsage = `usage: go run ./cmd/flashcards-bench [--users N] [--cards M] [--clients C] [--duration T]
         [--mode http|bare|next|compare] [--pairs P] [--db FILE] [--server PATH]

Creates N users with M cards each and an API token each, then for T drives
the review with C concurrent clients, each owning users round-robin:
  http  GET /api/v1/review/next then POST /api/v1/cards/{id}/grade against the
        real server, started as a child process on 127.0.0.1:0
  bare  the same store.NextCard and store.GradeCard calls without HTTP
  next  GET /api/v1/review/next alone
  compare  P pairs of an http run and a bare run, each on a fresh database,
        and the http rate as a share of bare's
and reports grades/s, latency percentiles, errors and the server's peak RSS.
--db keeps the database (and reuses the bench users in it on the next run).
--server is the flashcards binary started with serve. Without it, http, next
and compare build one first, once, from the source of the module the bench
runs in (go build -o TMPDIR/flashcards github.com/flashcards/flashcards/cmd/flashcards),
so the server measured is the code checked out beside the bench.
Defaults: 32 users, 5000 cards, 32 clients, 10s, http, 1 pair.
`

// run is the whole program: a load generator for the review path.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := benchOptions{}
	fs := flag.NewFlagSet("flashcards-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, benchUsage) }
	fs.IntVar(&o.users, "users", 32, "")
	fs.IntVar(&o.cards, "cards", 5000, "") // enough that 32 users do not run dry at 5,000 grades/s
	fs.IntVar(&o.clients, "clients", 32, "")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "")
	fs.StringVar(&o.mode, "mode", "http", "")
	fs.IntVar(&o.pairs, "pairs", 1, "")
	fs.StringVar(&o.db, "db", "", "")
	fs.StringVar(&o.server, "server", "", "")
	// Hidden: for profiling.
	fs.BoolVar(&o.inproc, "inproc", false, "")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("flashcards-bench takes no arguments, got %q", fs.Args())
	}
	switch {
	case o.mode != "http" && o.mode != "bare" && o.mode != "next" && o.mode != "compare":
		return fmt.Errorf("--mode must be http, bare, next or compare, not %q", o.mode)
	case o.mode == "compare" && (o.db != "" || o.inproc || o.cpuprofile != ""):
		return errors.New("--mode compare runs on fresh databases, each mode as it runs alone: no --db, --inproc or --cpuprofile")
	case o.pairs < 1 || o.pairs > 100:
		return errors.New("--pairs must be 1 to 100")
	case o.users < 1 || o.users > 100_000, o.cards < 1 || o.cards > 100_000, o.clients < 1 || o.clients > 10_000:
		return errors.New("--users and --cards must be 1 to 100000, --clients 1 to 10000")
	case o.duration <= 0 || o.duration > time.Hour:
		return errors.New("--duration must be positive and at most 1h")
	case o.cpuprofile != "" && o.mode != "bare" && !o.inproc:
		return errors.New("--cpuprofile profiles this process: use it with --mode bare or --inproc")
	}

	if o.server == "" && o.mode != "bare" && !o.inproc {
		dir, err := os.MkdirTemp("", "flashcards-bench-server-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if o.server, err = buildServer(ctx, dir, stderr); err != nil {
			return err
		}
	}
	if o.mode == "compare" {
		return benchCompare(ctx, o, stdout, stderr)
	}
	res, err := benchRun(ctx, o, stderr)
	if err != nil {
		return err
	}
	res.print(stdout, o)
	return nil
}

// serverPackage is the server the bench builds when --server is absent.
const serverPackage = "github.com/flashcards/flashcards/cmd/flashcards"

// buildServer compiles the flashcards binary into dir with the go command,
// as `go run` compiles the bench: the server under load is the source
// beside it, never a stale binary that happens to be lying around.
func buildServer(ctx context.Context, dir string, stderr io.Writer) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("building the server needs the go command (or pass --server PATH): %w", err)
	}
	bin := filepath.Join(dir, "flashcards")
	start := time.Now()
	out, err := exec.CommandContext(ctx, goBin, "build", "-o", bin, serverPackage).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build %s (run inside the flashcards module, or pass --server PATH): %w\n%s", serverPackage, err, out)
	}
	fmt.Fprintf(stderr, "server: built %s in %.1fs\n", serverPackage, time.Since(start).Seconds())
	return bin, nil
}

// benchRun sets up the database (a temporary one unless --db) and runs
// o.mode on it.
func benchRun(ctx context.Context, o benchOptions, stderr io.Writer) (benchResult, error) {
	path := o.db
	if path == "" {
		dir, err := os.MkdirTemp("", "flashcards-bench-")
		if err != nil {
			return benchResult{}, err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "bench.db")
	}
	start := time.Now()
	users, err := benchSetup(ctx, path, o)
	if err != nil {
		return benchResult{}, fmt.Errorf("bench setup: %w", err)
	}
	size := fileSize(path) + fileSize(path+"-wal")
	fmt.Fprintf(stderr, "setup: %d users x %d cards in %.1fs, database %.1f MB\n",
		o.users, o.cards, time.Since(start).Seconds(), float64(size)/1e6)

	if o.mode == "bare" || o.inproc {
		tuneGC() // as the server does
	}
	if o.mode == "bare" {
		return benchBare(ctx, path, users, o)
	}
	return benchHTTP(ctx, path, users, o, stderr)
}

// benchCompare runs an http run then a bare run, o.pairs times, and says
// what share of bare's rate the HTTP path reached in each pair. Pairs run
// back to back because a shared machine's speed drifts from one minute
// to the next.
func benchCompare(ctx context.Context, o benchOptions, stdout, stderr io.Writer) error {
	var shares []float64
	for i := range o.pairs {
		var rates [2]float64
		for j, mode := range []string{"http", "bare"} {
			run := o
			run.mode = mode
			res, err := benchRun(ctx, run, stderr)
			if err != nil {
				return err
			}
			res.print(stdout, run)
			if res.errors > 0 {
				return fmt.Errorf("the %s run had %d errors", mode, res.errors)
			}
			rates[j] = float64(res.grades) / res.elapsed.Seconds()
		}
		shares = append(shares, 100*rates[0]/rates[1])
		fmt.Fprintf(stdout, "pair %d: http %.0f grades/s, bare %.0f/s: http at %.0f %% of bare\n\n", i+1, rates[0], rates[1], shares[i])
	}
	slices.Sort(shares)
	fmt.Fprintf(stdout, "http at %.0f-%.0f %% of bare over %d pairs, median %.0f %%\n",
		shares[0], shares[len(shares)-1], len(shares), median(shares))
	return nil
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

type benchUser struct {
	id    int64
	token string
}

// benchSetup creates (or, in a kept database, reuses) the bench users with
// their cards, daily limits high enough that the queue never runs dry, and
// a fresh API token each.
func benchSetup(ctx context.Context, path string, o benchOptions) ([]benchUser, error) {
	store, err := data.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	store.PasswordCost = bcrypt.MinCost
	st := data.DefaultSettings()
	st.NewPerDay, st.ReviewsPerDay = data.MaxPerDay, data.MaxPerDay
	cats := data.BuiltinCategories()
	drafts := make([]data.CardDraft, o.cards)
	for i := range drafts {
		drafts[i] = data.CardDraft{
			Key:       fmt.Sprintf("bench:%d", i+1),
			Front:     fmt.Sprintf("Bench question %d: why does a model that scores well offline fail in production?", i+1),
			Back:      "Because the offline split leaked information the live system never has, or the data drifted.",
			Category:  cats[i%len(cats)].Slug,
			KeyPoints: []string{"leakage", "drift"},
			Source:    "bench",
		}
	}
	users := make([]benchUser, o.users)
	for i := range users {
		name := fmt.Sprintf("bench-%05d", i+1)
		u, err := store.UserByName(ctx, name)
		if errors.Is(err, data.ErrNotFound) {
			u, err = store.CreateUser(ctx, name, "bench-password", st)
		} else if err == nil {
			err = store.UpdateSettings(ctx, u.ID, st)
		}
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", name, err)
		}
		n, err := store.CountCards(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		if n < o.cards {
			// ImportDrafts may rewrite the drafts; give it a copy.
			if _, err := store.ImportDrafts(ctx, u.ID, "Bench", slices.Clone(drafts), nil); err != nil {
				return nil, fmt.Errorf("cards of %s: %w", name, err)
			}
		}
		token, _, err := store.CreateToken(ctx, u.ID, "bench")
		if err != nil {
			return nil, err
		}
		users[i] = benchUser{id: u.ID, token: token}
	}
	return users, nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// benchGrade draws a grade: mostly passes, so re-drill does not dominate,
// with some failures so the re-drill path is exercised too.
func benchGrade(rng *rand.Rand) int {
	switch r := rng.IntN(100); {
	case r < 45:
		return 5
	case r < 85:
		return 4
	case r < 92:
		return 3
	case r < 97:
		return 2
	default:
		return rng.IntN(2)
	}
}

// clientStats is what one client saw; merged into a benchResult at the end.
type clientStats struct {
	grades, nexts, conflicts, errors, empty int
	gradeLat, nextLat                       []time.Duration
	doneAt                                  []time.Duration // since the start, of every round that counted

	firstError string
}

func (s *clientStats) fail(format string, args ...any) {
	s.errors++
	if s.firstError == "" {
		s.firstError = fmt.Sprintf(format, args...)
	}
}

type benchResult struct {
	clientStats
	elapsed   time.Duration
	peakRSS   int64 // bytes; 0 when unknown
	rssOf     string
	serverLog string // what the server logged at level ERROR
	// CPU time spent while the clients ran: by the server process when it
	// is a child, and by this process. On a shared machine they say more
	// than the wall-clock rates.
	serverCPU, selfCPU time.Duration
}

// ownedUsers deals users to clients round-robin; with fewer users than
// clients, clients share users (and then expect 409s).
func ownedUsers(users []benchUser, clients, i int) []benchUser {
	if len(users) < clients {
		return []benchUser{users[i%len(users)]}
	}
	var mine []benchUser
	for j := i; j < len(users); j += clients {
		mine = append(mine, users[j])
	}
	return mine
}

// drive runs one loop per client until the deadline, the op bound, or every
// client's users have nothing left today. step does one next (→ grade)
// round for a user and reports false when the user's queue is empty. Its
// ctx ends a minute after the deadline, so a stuck server or store shows up
// as errors instead of a bench that never returns.
func drive(ctx context.Context, o benchOptions, users []benchUser, step func(ctx context.Context, client int, rng *rand.Rand, u benchUser, st *clientStats) bool) benchResult {
	stats := make([]clientStats, o.clients)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(o.duration)
	ctx, cancel := context.WithDeadline(ctx, deadline.Add(time.Minute))
	defer cancel()
	for i := range o.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := &stats[i]
			rng := rand.New(rand.NewPCG(uint64(i)+1, uint64(start.UnixNano())))
			live := ownedUsers(users, o.clients, i)
			for n := 0; n < benchMaxOps && len(live) > 0 && time.Now().Before(deadline); n++ {
				k := n % len(live)
				grades, nexts := st.grades, st.nexts
				if !step(ctx, i, rng, live[k], st) {
					st.empty++
					live = slices.Delete(live, k, k+1)
				}
				if st.grades > grades || (o.mode == "next" && st.nexts > nexts) {
					st.doneAt = append(st.doneAt, time.Since(start))
				}
			}
		}()
	}
	wg.Wait()
	res := benchResult{elapsed: time.Since(start)}
	for _, st := range stats {
		res.grades += st.grades
		res.nexts += st.nexts
		res.conflicts += st.conflicts
		res.errors += st.errors
		res.empty += st.empty
		res.gradeLat = append(res.gradeLat, st.gradeLat...)
		res.nextLat = append(res.nextLat, st.nextLat...)
		res.doneAt = append(res.doneAt, st.doneAt...)
		if res.firstError == "" {
			res.firstError = st.firstError
		}
	}
	return res
}

// benchBare makes the same store calls as the API handlers, without HTTP.
func benchBare(ctx context.Context, path string, users []benchUser, o benchOptions) (benchResult, error) {
	store, err := data.Open(ctx, path)
	if err != nil {
		return benchResult{}, err
	}
	defer store.Close()
	stop, err := startCPUProfile(o.cpuprofile)
	if err != nil {
		return benchResult{}, err
	}
	self0 := cpuTime(os.Getpid())
	res := drive(ctx, o, users, func(ctx context.Context, _ int, rng *rand.Rand, u benchUser, st *clientStats) bool {
		t0 := time.Now()
		qc, err := store.NextCard(ctx, u.id, data.ReviewFilter{}, 0)
		st.nextLat = append(st.nextLat, time.Since(t0))
		st.nexts++
		if errors.Is(err, data.ErrQueueEmpty) {
			return false
		}
		if err != nil {
			st.fail("next: %v", err)
			return true
		}
		g := data.Grade{CardID: qc.Card.ID, Grade: srs.Grade(benchGrade(rng)), AnswerMS: 3000 + rng.IntN(5000), Step: -1}
		t0 = time.Now()
		_, err = store.GradeCard(ctx, u.id, g)
		st.gradeLat = append(st.gradeLat, time.Since(t0))
		switch {
		case err == nil:
			st.grades++
		case errors.Is(err, data.ErrConflict):
			st.conflicts++
		default:
			st.fail("grade: %v", err)
		}
		return true
	})
	res.selfCPU = cpuTime(os.Getpid()) - self0
	if err := stop(); err != nil {
		return res, err
	}
	res.peakRSS, _ = peakRSS(os.Getpid())
	res.rssOf = "this process (store and load generator)"
	return res, nil
}

func startCPUProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// benchHTTP drives /api/v1 on the real server: a child process (so its
// RSS is its own) or, with --inproc, this process.
func benchHTTP(ctx context.Context, path string, users []benchUser, o benchOptions, stderr io.Writer) (benchResult, error) {
	var srv benchServer
	var err error
	if o.inproc {
		srv, err = startInprocServer(ctx, path)
	} else {
		srv, err = startChildServer(ctx, o.server, path)
	}
	if err != nil {
		return benchResult{}, err
	}
	stop, err := startCPUProfile(o.cpuprofile)
	if err != nil {
		srv.stop()
		return benchResult{}, err
	}
	clients := make([]*rawClient, o.clients)
	for i := range clients {
		clients[i] = newRawClient(srv.addr())
	}
	defer func() {
		for _, c := range clients {
			c.close()
		}
	}()
	const base = "/api/v1"
	call := func(ctx context.Context, client int, method, url, token, body string, out any) (int, error) {
		status, raw, err := clients[client].do(ctx, method, url, token, body)
		if err != nil {
			return status, err
		}
		if status == http.StatusOK && out != nil {
			return status, json.Unmarshal(raw, out)
		}
		if status >= 300 && status != http.StatusConflict {
			return status, fmt.Errorf("%s %s: %d %.200s", method, url, status, raw)
		}
		return status, nil
	}
	type nextJSON struct {
		Card struct {
			ID int64 `json:"id"`
		} `json:"card"`
	}
	nextURL := base + "/review/next"
	self0, server0 := cpuTime(os.Getpid()), srv.cpu()
	res := drive(ctx, o, users, func(ctx context.Context, client int, rng *rand.Rand, u benchUser, st *clientStats) bool {
		var next nextJSON
		t0 := time.Now()
		status, err := call(ctx, client, http.MethodGet, nextURL, u.token, "", &next)
		st.nextLat = append(st.nextLat, time.Since(t0))
		st.nexts++
		switch {
		case status == http.StatusNoContent:
			return false
		case err != nil || status != http.StatusOK:
			st.fail("next: %d %v", status, err)
			return true
		case o.mode == "next":
			return true
		}
		body := fmt.Sprintf(`{"grade":%d,"answer_ms":%d}`, benchGrade(rng), 3000+rng.IntN(5000))
		t0 = time.Now()
		status, err = call(ctx, client, http.MethodPost, base+"/cards/"+strconv.FormatInt(next.Card.ID, 10)+"/grade", u.token, body, nil)
		st.gradeLat = append(st.gradeLat, time.Since(t0))
		switch {
		case err == nil && status == http.StatusOK:
			st.grades++
		case err == nil && status == http.StatusConflict:
			st.conflicts++
		default:
			st.fail("grade: %d %v", status, err)
		}
		return true
	})
	res.selfCPU, res.serverCPU = cpuTime(os.Getpid())-self0, srv.cpu()-server0
	if err := stop(); err != nil {
		srv.stop()
		return res, err
	}
	res.peakRSS, res.rssOf = srv.peakRSS()
	if err := srv.stop(); err != nil {
		fmt.Fprintln(stderr, "bench: stopping the server:", err)
	}
	if n, first := srv.loggedErrors(); n > 0 {
		res.serverLog = fmt.Sprintf("%d error lines, the first: %s", n, first)
	}
	return res, nil
}

// benchServer is the server under load.
type benchServer interface {
	addr() string
	peakRSS() (int64, string)
	cpu() time.Duration // 0 when the server is this process
	loggedErrors() (int, string)
	stop() error
}

// childServer is `flashcards serve` in a process of its own.
type childServer struct {
	cmd     *exec.Cmd
	address string
	done    chan error

	mu         sync.Mutex
	errLines   int
	firstError string
}

var benchListening = regexp.MustCompile(`msg=listening addr=(\S+)`)

func startChildServer(ctx context.Context, bin, db string) (*childServer, error) {
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--signup", "closed", "--log-format", "text")
	cmd.Stdout = io.Discard
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the server: %w", err)
	}
	s := &childServer{cmd: cmd, done: make(chan error, 1)}
	addrCh := make(chan string, 1)
	var early []string
	go func() {
		// Drain stderr for the whole run: a full pipe would stall the server.
		sc := bufio.NewScanner(pipe)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		found := false
		for sc.Scan() {
			line := sc.Text()
			if !found {
				if m := benchListening.FindStringSubmatch(line); m != nil {
					found = true
					addrCh <- m[1]
					continue
				}
				if len(early) < 20 {
					early = append(early, line)
				}
			}
			if strings.Contains(line, "level=ERROR") {
				s.mu.Lock()
				s.errLines++
				if s.firstError == "" {
					s.firstError = line
				}
				s.mu.Unlock()
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case s.address = <-addrCh:
	case err := <-s.done:
		return nil, fmt.Errorf("the server exited: %v\n%s", err, strings.Join(early, "\n"))
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		return nil, errors.New("the server did not start within 60s")
	case <-ctx.Done():
		cmd.Process.Kill()
		return nil, ctx.Err()
	}
	if err := requireLoopback(s.address); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// requireLoopback keeps the load generator off every other address.
func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("bench drives only loopback addresses, not %s", addr)
	}
	return nil
}

func (s *childServer) addr() string { return s.address }

func (s *childServer) peakRSS() (int64, string) {
	n, err := peakRSS(s.cmd.Process.Pid)
	if err != nil {
		return 0, "the server process (unknown: " + err.Error() + ")"
	}
	return n, "the server process"
}

func (s *childServer) cpu() time.Duration { return cpuTime(s.cmd.Process.Pid) }

func (s *childServer) loggedErrors() (int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.errLines, s.firstError
}

// stop asks the server to shut down cleanly, and kills it after 30s.
func (s *childServer) stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		return errors.New("the server did not stop within 30s; killed")
	}
}

// inprocServer serves from this process: one CPU profile covers the server
// and the load generator. It is not serve: serve's start-up (the built-in
// deck's sync, the re-render of cards, the http.Server timeouts, the
// session sweep, the buffered log) lives in package main of cmd/flashcards,
// which no other program can import. Sharing it would take a package of
// its own; until then a profile taken here misses those steps, none of
// which runs per request.
type inprocServer struct {
	store *data.Store
	srv   *http.Server
	ln    net.Listener
}

func startInprocServer(ctx context.Context, db string) (*inprocServer, error) {
	store, err := data.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := handlers.New(ctx, handlers.Config{Version: "bench"}, store, log)
	if err != nil {
		store.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		store.Close()
		return nil, err
	}
	s := &inprocServer{store: store, ln: ln, srv: &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *inprocServer) addr() string { return s.ln.Addr().String() }

func (s *inprocServer) peakRSS() (int64, string) {
	n, _ := peakRSS(os.Getpid())
	return n, "this process (server and load generator)"
}

func (s *inprocServer) cpu() time.Duration { return 0 }

func (s *inprocServer) loggedErrors() (int, string) { return 0, "" }

func (s *inprocServer) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return errors.Join(s.srv.Shutdown(ctx), s.store.Close())
}

// peakRSS reads VmHWM, the peak resident set size, of a Linux process.
func peakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// cpuTime reads the user and system CPU time of a Linux process from
// /proc/PID/stat, in clock ticks of 1/100 s (USER_HZ on Linux); 0 when
// it cannot be read.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name in parentheses may hold spaces; fields follow it.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// percentile is the p-th percentile (0 < p <= 1) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func latencyLine(lat []time.Duration) string {
	slices.Sort(lat)
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) + "ms" }
	return fmt.Sprintf("p50 %s  p95 %s  p99 %s  max %s", ms(percentile(lat, .50)), ms(percentile(lat, .95)),
		ms(percentile(lat, .99)), ms(percentile(lat, 1)))
}

// print writes the report; bench_test.go and docs/benchmarks.md read its lines.
func (r benchResult) print(w io.Writer, o benchOptions) {
	secs := r.elapsed.Seconds()
	fmt.Fprintf(w, "mode %s: %d clients, %d users x %d cards, %.1fs, GOMAXPROCS %d\n",
		o.mode, o.clients, o.users, o.cards, secs, runtime.GOMAXPROCS(0))
	if o.mode != "next" {
		fmt.Fprintf(w, "grades     %8d  %8.0f/s  %s\n", r.grades, float64(r.grades)/secs, latencyLine(r.gradeLat))
	}
	fmt.Fprintf(w, "next       %8d  %8.0f/s  %s\n", r.nexts, float64(r.nexts)/secs, latencyLine(r.nextLat))
	if len(r.doneAt) > 0 {
		// The rate through the run: the queue's cost grows with the day's reviews.
		var quarters [4]int
		for _, at := range r.doneAt {
			quarters[min(int(4*at/r.elapsed), 3)]++
		}
		q := secs / 4
		fmt.Fprintf(w, "by quarter %8.0f/s %8.0f/s %8.0f/s %8.0f/s\n",
			float64(quarters[0])/q, float64(quarters[1])/q, float64(quarters[2])/q, float64(quarters[3])/q)
	}
	fmt.Fprintf(w, "conflicts  %8d  (409: the card was not up for review any more)\n", r.conflicts)
	fmt.Fprintf(w, "errors     %8d\n", r.errors)
	if r.firstError != "" {
		fmt.Fprintf(w, "first error: %s\n", r.firstError)
	}
	if r.serverLog != "" {
		fmt.Fprintf(w, "server log: %s\n", r.serverLog)
	}
	fmt.Fprintf(w, "queue empty %7d  (next answered 204: a client's user had nothing left today)\n", r.empty)
	if r.peakRSS > 0 {
		fmt.Fprintf(w, "peak RSS   %8.1f MB  (%s)\n", float64(r.peakRSS)/(1<<20), r.rssOf)
	}
	perOp := func(cpu time.Duration) string {
		n := r.grades
		what := "grade"
		if o.mode == "next" {
			n, what = r.nexts, "next"
		}
		if n == 0 {
			return ""
		}
		return fmt.Sprintf(" (%.2f ms per %s)", float64(cpu)/1e6/float64(n), what)
	}
	switch {
	case r.serverCPU > 0:
		fmt.Fprintf(w, "CPU        server %.1fs%s, load generator %.1fs, in %.1fs on %d CPUs\n",
			r.serverCPU.Seconds(), perOp(r.serverCPU), r.selfCPU.Seconds(), secs, runtime.NumCPU())
	case r.selfCPU > 0:
		fmt.Fprintf(w, "CPU        this process %.1fs%s, in %.1fs on %d CPUs\n", r.selfCPU.Seconds(), perOp(r.selfCPU), secs, runtime.NumCPU())
	}
}
