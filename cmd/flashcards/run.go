package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/handlers"
)

// commands are the words run dispatches on.
var commands = []string{"serve", "user", "token", "import", "export", "backup", "version", "help"}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// run is the whole program. It returns when the command is done or, for
// serve, after SIGINT/SIGTERM (or ctx) has stopped the server cleanly.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd, named := "serve", false
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args, named = args[0], args[1:], true
	}
	switch cmd {
	case "help", "-h", "--help":
		printHelp(stdout)
		return nil
	case "version":
		fmt.Fprintln(stdout, "flashcards", version)
		return nil
	}
	var cfg config
	fs, err := newFlagSet(cmd, &cfg, getenv, stderr)
	if err != nil {
		return err
	}
	tokenName := fs.String("name", "cli", "name of a new token (token create)")
	importUser := fs.String("user", "", "the user whose cards an import adds to, or an export reads (import, export)")
	importCategory := fs.String("category", "", "category slug for Q&As nothing else files (import)")
	ignoreHeadings := fs.Bool("ignore-headings", false, "make no categories from a document's section headings (import)")
	exportFormat := fs.String("format", "json", "json, csv, anki or apkg (export)")
	exportOut := fs.String("o", "", "file to write; standard output when absent (export)")
	revokeTokens := fs.Bool("revoke-tokens", true, "also revoke every API token of the user; --revoke-tokens=false keeps them (user passwd)")
	rest, err := parseAnywhere(fs, args)
	if err != nil {
		return err
	}
	if !named && len(rest) > 0 && slices.Contains(commands, rest[0]) {
		// flashcards --db x user add ada
		cmd, rest = rest[0], rest[1:]
		if cmd == "help" || cmd == "version" {
			return fmt.Errorf("%s takes none of the server's settings: run `flashcards %s`", cmd, cmd)
		}
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	switch cmd {
	case "serve":
		if len(rest) > 0 {
			return fmt.Errorf("serve takes no arguments, got %q", rest)
		}
		return serve(ctx, cfg, stderr)
	case "user":
		return withStore(ctx, cfg, func(s *data.Store) error {
			return userCommand(ctx, s, rest, *revokeTokens, getenv, stdin, stdout, stderr)
		})
	case "token":
		return withStore(ctx, cfg, func(s *data.Store) error { return tokenCommand(ctx, s, rest, *tokenName, stdout) })
	case "import":
		return withStore(ctx, cfg, func(s *data.Store) error {
			opts := data.ImportOptions{FallbackCategory: *importCategory, IgnoreHeadings: *ignoreHeadings}
			return importCommand(ctx, s, *importUser, opts, rest, stdout, stderr)
		})
	case "export":
		return withStore(ctx, cfg, func(s *data.Store) error {
			return exportCommand(ctx, s, *importUser, *exportFormat, *exportOut, rest, stdout, stderr)
		})
	case "backup":
		if len(rest) != 1 {
			return errors.New("usage: flashcards backup FILE")
		}
		return withStore(ctx, cfg, func(s *data.Store) error {
			if err := s.Backup(ctx, rest[0]); err != nil {
				return err
			}
			fmt.Fprintln(stderr, "backup written to", rest[0])
			return nil
		})
	}
	return fmt.Errorf("unknown command %q; run `flashcards help`", cmd)
}

// parseAnywhere parses flags wherever they stand among the arguments, so
// that `flashcards user add ada --db x` works as well as `flashcards user
// --db x add ada`. After "--" every argument is positional.
func parseAnywhere(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		parsed := args[:len(args)-fs.NArg()]
		args = fs.Args()
		if len(parsed) > 0 && parsed[len(parsed)-1] == "--" {
			return append(rest, args...), nil
		}
		if len(args) == 0 {
			return rest, nil
		}
		rest, args = append(rest, args[0]), args[1:]
	}
}

// userNamed finds a user for a command: "no user named" only when there is
// none, any other failure as it is.
func userNamed(ctx context.Context, s *data.Store, name string) (data.User, error) {
	u, err := s.UserByName(ctx, name)
	if errors.Is(err, data.ErrNotFound) {
		return data.User{}, fmt.Errorf("no user named %q", name)
	}
	return u, err
}

func withStore(ctx context.Context, cfg config, fn func(*data.Store) error) error {
	s, err := data.Open(ctx, cfg.DB, data.WithTempDir(cfg.TmpDir))
	if err != nil {
		return err
	}
	s.MediaLimits = cfg.mediaLimits()
	return errors.Join(fn(s), s.Close())
}

func newLogger(cfg config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// serve runs the HTTP server until a signal or ctx stops it, then lets
// in-flight requests finish and closes the database.
func serve(ctx context.Context, cfg config, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	tuneGC()
	out := newBufferedLog(stderr)
	defer out.Flush()
	log := slog.New(flushingHandler{newLogger(cfg, out).Handler(), out, slog.LevelWarn})
	flushCtx, stopFlushing := context.WithCancel(context.Background())
	defer stopFlushing()
	go out.flushEvery(flushCtx, logFlushEvery)

	// Opening the store empties its temporary folder of what a killed run
	// left there; a command running beside the server keeps its own.
	store, err := data.Open(ctx, cfg.DB, data.WithTempDir(cfg.TmpDir))
	if err != nil {
		return err
	}
	defer store.Close()
	store.MediaLimits = cfg.mediaLimits()
	// Imports a process left half-written when it died: their writer's
	// lock is free. A command-line import running meanwhile holds its own
	// and goes on.
	if n, err := store.RemoveUnfinishedImports(ctx, data.StaleImportAfter); err != nil {
		return fmt.Errorf("remove unfinished imports: %w", err)
	} else if n > 0 {
		log.Info("removed imports left unfinished", "count", n)
	}
	if n, err := store.SyncBuiltinDeck(ctx); err != nil {
		return fmt.Errorf("update the built-in deck: %w", err)
	} else if n > 0 {
		log.Info("reworded built-in cards", "count", n)
	}
	if n, err := store.RerenderCards(ctx); err != nil {
		return fmt.Errorf("render cards: %w", err)
	} else if n > 0 {
		log.Info("rendered cards for this version", "count", n)
	}
	e, err := handlers.New(ctx, handlers.Config{
		SignupOpen:     cfg.Signup == "open",
		TrustProxy:     cfg.TrustProxy,
		MaxBodyBytes:   cfg.MaxBody,
		MaxUploadBytes: cfg.MaxUpload,
		Version:        version,
	}, store, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	db, _ := filepath.Abs(cfg.DB)
	tmp, _ := filepath.Abs(store.TempDir())
	log.Info("listening", "addr", ln.Addr().String(), "db", db, "tmp", tmp, "signup", cfg.Signup, "version", version)
	out.Flush()

	go sweep(ctx, store, log)
	go sweepImports(ctx, store, log)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// sweep deletes, once an hour, expired sessions, idempotency keys past
// their 24 hours, and cards in the trash for data.TrashKeep.
func sweep(ctx context.Context, store *data.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		sweepOnce(ctx, store, log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func sweepOnce(ctx context.Context, store *data.Store, log *slog.Logger) {
	for _, job := range []struct {
		what string
		run  func(context.Context) (int64, error)
	}{
		{"expired sessions", store.DeleteExpiredSessions},
		{"expired idempotency keys", store.DeleteExpiredIdempotencyKeys},
		{"cards from the trash", store.PurgeTrash},
		{"images no card shows", store.SweepMedia},
	} {
		if n, err := job.run(ctx); err != nil && ctx.Err() == nil {
			log.Warn("deleting "+job.what, "err", err)
		} else if n > 0 {
			log.Info("deleted "+job.what, "count", n)
		}
	}
}

// sweepImports removes, once a minute, imports whose writer died while the
// server runs (a killed "flashcards import"): until then their user can
// add no card.
func sweepImports(ctx context.Context, store *data.Store, log *slog.Logger) {
	t := time.NewTicker(data.StaleImportAfter)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := store.RemoveUnfinishedImports(ctx, data.StaleImportAfter); err != nil && ctx.Err() == nil {
			log.Warn("removing unfinished imports", "err", err)
		} else if n > 0 {
			log.Info("removed imports left unfinished", "count", n)
		}
	}
}

func userCommand(ctx context.Context, s *data.Store, args []string, revokeTokens bool, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: flashcards user add|list|passwd|delete [NAME]")
	}
	sub, args := args[0], args[1:]
	needName := func() (string, error) {
		if len(args) != 1 {
			return "", fmt.Errorf("usage: flashcards user %s NAME", sub)
		}
		return args[0], nil
	}
	// namedUser is the existing user the command names.
	namedUser := func() (data.User, error) {
		name, err := needName()
		if err != nil {
			return data.User{}, err
		}
		return userNamed(ctx, s, name)
	}
	switch sub {
	case "list":
		users, err := s.ListUsers(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED")
		for _, u := range users {
			fmt.Fprintf(tw, "%d\t%s\t%s\n", u.ID, u.Name, u.CreatedAt.Format(time.RFC3339))
		}
		return tw.Flush()
	case "add":
		name, err := needName()
		if err != nil {
			return err
		}
		pw, err := readPassword(stdin, stderr)
		if err != nil {
			return err
		}
		st := data.DefaultSettings()
		st.Timezone = localZoneName(getenv)
		u, err := s.CreateUser(ctx, name, pw, st)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "created user %s (id %d, time zone %s)\n", u.Name, u.ID, st.Timezone)
		return nil
	case "passwd":
		u, err := namedUser()
		if err != nil {
			return err
		}
		pw, err := readPassword(stdin, stderr)
		if err != nil {
			return err
		}
		changed, err := s.ChangePassword(ctx, u.ID, pw, revokeTokens)
		if err != nil {
			return err
		}
		if revokeTokens {
			fmt.Fprintf(stderr, "password of %s changed; their sessions were logged out and %d API tokens revoked\n", u.Name, changed.TokensRevoked)
		} else {
			fmt.Fprintf(stderr, "password of %s changed; their sessions were logged out, their API tokens kept\n", u.Name)
		}
		return nil
	case "delete":
		u, err := namedUser()
		if err != nil {
			return err
		}
		if err := s.DeleteUser(ctx, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "deleted user %s and all their data\n", u.Name)
		return nil
	}
	return fmt.Errorf("unknown user command %q", sub)
}

// readPassword prompts twice on a terminal; otherwise it reads one line from stdin.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Repeat: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input")
	}
	return line, nil
}

// localZoneName is the server's IANA zone for accounts made on the CLI:
// $TZ, then /etc/timezone, then the /etc/localtime link, else UTC.
func localZoneName(getenv func(string) string) string {
	valid := func(name string) bool {
		if name == "" || name == "Local" {
			return false
		}
		_, err := time.LoadLocation(name)
		return err == nil
	}
	if tz := strings.TrimPrefix(getenv("TZ"), ":"); valid(tz) {
		return tz
	}
	if b, err := os.ReadFile("/etc/timezone"); err == nil && valid(strings.TrimSpace(string(b))) {
		return strings.TrimSpace(string(b))
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if _, name, ok := strings.Cut(target, "zoneinfo/"); ok && valid(name) {
			return name
		}
	}
	return "UTC"
}

func tokenCommand(ctx context.Context, s *data.Store, args []string, name string, stdout io.Writer) error {
	if len(args) < 2 {
		return errors.New("usage: flashcards token create|list|revoke USER [ID]")
	}
	sub, userName := args[0], args[1]
	u, err := userNamed(ctx, s, userName)
	if err != nil {
		return err
	}
	switch sub {
	case "create":
		secret, _, err := s.CreateToken(ctx, u.ID, name)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, secret)
		return nil
	case "list":
		tokens, err := s.ListTokens(ctx, u.ID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tLAST USED")
		for _, t := range tokens {
			used := "never"
			if !t.LastUsedAt.IsZero() {
				used = t.LastUsedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.Format(time.RFC3339), used)
		}
		return tw.Flush()
	case "revoke":
		if len(args) != 3 {
			return errors.New("usage: flashcards token revoke USER ID")
		}
		id, err := strconv.ParseInt(args[2], 10, 64)
		if err != nil {
			return fmt.Errorf("token id %q is not a number", args[2])
		}
		if err := s.RevokeToken(ctx, u.ID, id); err != nil {
			return fmt.Errorf("user %s has no token %d", u.Name, id)
		}
		fmt.Fprintf(stdout, "revoked token %d\n", id)
		return nil
	}
	return fmt.Errorf("unknown token command %q", sub)
}
