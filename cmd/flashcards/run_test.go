package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// runCLI runs one command to completion and returns its output.
func runCLI(t *testing.T, db string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, env(map[string]string{"FLASHCARDS_DB": db}), strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

// TestServeStopsOnSignal starts the real run() on port 0, uses it, and
// stops it with SIGINT, as systemd or Ctrl-C would.
func TestServeStopsOnSignal(t *testing.T) {
	db := filepath.Join(t.TempDir(), "data", "fc.db")
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, env(map[string]string{"FLASHCARDS_DB": db}), strings.NewReader(""), io.Discard, pw)
		pw.Close()
	}()
	addrCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addrCh <- m[1]
			}
		}
	}()
	var addr string
	select {
	case addr = <-addrCh:
	case err := <-done:
		t.Fatalf("run returned early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not start")
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		t.Fatalf("healthz: %d %q", resp.StatusCode, body)
	}

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after SIGINT: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop on SIGINT")
	}
	// The database was closed cleanly and opens again.
	s, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("reopen after shutdown: %v", err)
	}
	s.Close()
}

func TestUserAndTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fc.db")
	if _, _, err := runCLI(t, db, "correct horse\n", "user", "add", "ada"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, db, "correct horse\n", "user", "add", "ada"); err == nil || !strings.Contains(err.Error(), "taken") {
		t.Errorf("duplicate user: %v", err)
	}
	if _, _, err := runCLI(t, db, "short\n", "user", "add", "bob"); err == nil {
		t.Error("a short password was accepted")
	}
	if _, _, err := runCLI(t, db, "", "user", "add", "bob"); err == nil {
		t.Error("an empty stdin was accepted as a password")
	}
	out, _, err := runCLI(t, db, "", "user", "list")
	if err != nil || !strings.Contains(out, "ada") || strings.Contains(out, "bob") {
		t.Fatalf("user list: %q %v", out, err)
	}

	out, _, err = runCLI(t, db, "", "token", "create", "ada")
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(out)
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(token, "fc_") || strings.Contains(token, " ") {
		t.Fatalf("token create must print the token alone, got %q", out)
	}
	s, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.UserByToken(context.Background(), token)
	s.Close()
	if err != nil || u.Name != "ada" {
		t.Fatalf("printed token does not authenticate ada: %v %v", u, err)
	}
	out, _, _ = runCLI(t, db, "", "token", "list", "ada")
	if !strings.Contains(out, "cli") {
		t.Errorf("token list: %q", out)
	}
	if _, _, err := runCLI(t, db, "", "token", "revoke", "ada", "1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, db, "", "token", "revoke", "ada", "1"); err == nil {
		t.Error("revoking twice succeeded")
	}

	if _, _, err := runCLI(t, db, "battery staple\n", "user", "passwd", "ada"); err != nil {
		t.Fatal(err)
	}
	s, _ = data.Open(context.Background(), db)
	if _, err := s.Authenticate(context.Background(), "ada", "battery staple"); err != nil {
		t.Errorf("new password refused: %v", err)
	}
	s.Close()

	if _, _, err := runCLI(t, db, "", "user", "delete", "ada"); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := runCLI(t, db, "", "user", "list"); strings.Contains(out, "ada") {
		t.Error("deleted user still listed")
	}
}

// TestUserPasswdRevokesTokens: `user passwd` revokes the user's API tokens
// unless told --revoke-tokens=false, says so, and help says what the
// default is.
func TestUserPasswdRevokesTokens(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fc.db")
	if _, _, err := runCLI(t, db, "correct horse\n", "user", "add", "ada"); err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for range 2 {
		out, _, err := runCLI(t, db, "", "token", "create", "ada")
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, strings.TrimSpace(out))
	}
	works := func(want bool) {
		t.Helper()
		s, err := data.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for _, tok := range tokens {
			if _, err := s.UserByToken(context.Background(), tok); (err == nil) != want {
				t.Fatalf("token works = %v, want %v", err == nil, want)
			}
		}
	}

	_, msg, err := runCLI(t, db, "battery staple\n", "user", "passwd", "ada", "--revoke-tokens=false")
	if err != nil || !strings.Contains(msg, "API tokens kept") {
		t.Fatalf("passwd --revoke-tokens=false: %q %v", msg, err)
	}
	works(true)
	_, msg, err = runCLI(t, db, "correct horse\n", "user", "passwd", "ada")
	if err != nil || !strings.Contains(msg, "2 API tokens revoked") {
		t.Fatalf("passwd: %q %v", msg, err)
	}
	works(false)

	help, _, _ := runCLI(t, db, "", "help")
	if !strings.Contains(help, "--revoke-tokens=false") || !strings.Contains(help, "by default, revokes") {
		t.Errorf("help does not say what passwd does with tokens:\n%s", help)
	}
}

func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fc.db")
	runCLI(t, db, "correct horse\n", "user", "add", "ada")
	dest := filepath.Join(dir, "copy.db")
	if _, _, err := runCLI(t, db, "", "backup", dest); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, dest, "", "user", "list")
	if err != nil || !strings.Contains(out, "ada") {
		t.Fatalf("backup lacks the user: %q %v", out, err)
	}
}

func TestHelpListsEverySetting(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, env(nil), strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(out.String(), "--"+s.name) || !strings.Contains(out.String(), s.env) {
			t.Errorf("help lacks --%s / %s", s.name, s.env)
		}
	}
	for _, cmd := range []string{"serve", "user add", "token create", "backup", "version"} {
		if !strings.Contains(out.String(), cmd) {
			t.Errorf("help lacks %q", cmd)
		}
	}
}

func TestBadSettingsAreRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string // what the refusal says, "" for anything
	}{
		{[]string{"serve", "--signup", "maybe"}, nil, ""},
		{[]string{"serve"}, map[string]string{"FLASHCARDS_LOG_FORMAT": "xml"}, ""},
		{[]string{"serve"}, map[string]string{"FLASHCARDS_TRUST_PROXY": "perhaps"}, `FLASHCARDS_TRUST_PROXY: "perhaps" is not true or false`},
		{[]string{"serve"}, map[string]string{"FLASHCARDS_MAX_UPLOAD": "lots"}, `FLASHCARDS_MAX_UPLOAD: "lots" is not a number`},
		{[]string{"serve"}, map[string]string{"FLASHCARDS_MAX_IMAGES_PER_USER": "1e9"}, `FLASHCARDS_MAX_IMAGES_PER_USER: "1e9" is not a number`},
		{[]string{"frobnicate"}, nil, ""},
	} {
		err := run(context.Background(), tc.args, env(tc.env), strings.NewReader(""), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run(%v, %v) = %v, want a refusal saying %q", tc.args, tc.env, err, tc.want)
		}
	}
}

// Settings may stand before the command, between its words or after them;
// after "--" nothing is a flag.
func TestFlagsGoAnywhere(t *testing.T) {
	dir := t.TempDir()
	for i, args := range [][]string{
		{"--db", "%s", "user", "add", "ada"},
		{"user", "--db", "%s", "add", "ada"},
		{"user", "add", "ada", "--db", "%s"},
		{"user", "add", "--db", "%s", "--", "ada"},
	} {
		db := filepath.Join(dir, fmt.Sprint(i, ".db"))
		for j := range args {
			args[j] = strings.ReplaceAll(args[j], "%s", db)
		}
		if _, _, err := runCLI(t, filepath.Join(dir, "elsewhere.db"), "correct horse\n", args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		out, _, err := runCLI(t, db, "", "user", "list")
		if err != nil || !strings.Contains(out, "ada") {
			t.Errorf("%v: the user is not in %s: %q, %v", args, db, out, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "elsewhere.db")); err == nil {
		t.Error("a --db given after the command was ignored")
	}
	_, _, err := runCLI(t, filepath.Join(dir, "x.db"), "correct horse\n", "user", "add", "--", "--db")
	if err != nil {
		t.Errorf("after --, a name that looks like a flag: %v", err)
	}
}

// The load bench is a program of its own (cmd/flashcards-bench): the server
// binary does not know the word.
func TestBenchIsNotAServerCommand(t *testing.T) {
	_, _, err := runCLI(t, filepath.Join(t.TempDir(), "x.db"), "", "bench")
	if err == nil || !strings.Contains(err.Error(), `unknown command "bench"`) {
		t.Errorf("flashcards bench: %v", err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, env(nil), strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "bench") {
		t.Errorf("the help still lists bench:\n%s", out.String())
	}
}

// --help after a command prints its usage and exits 0, not an error.
func TestHelpFlagExitsZero(t *testing.T) {
	bin := buildFlashcards(t)
	for _, args := range [][]string{{"serve", "--help"}, {"user", "--help"}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil || strings.Contains(string(out), "help requested") {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
	}
}

// A command naming a user who does not exist says so, whichever command.
func TestCommandsNameTheMissingUser(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fc.db")
	for _, args := range [][]string{
		{"user", "passwd", "nobody"},
		{"user", "delete", "nobody"},
		{"token", "create", "nobody"},
		{"export", "--user", "nobody"},
		{"import", "--user", "nobody", "x.txt"},
	} {
		_, _, err := runCLI(t, db, "correct horse\n", args...)
		if err == nil || !strings.Contains(err.Error(), `no user named "nobody"`) {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// Each setting fills its own field of the config, from its flag or, when
// the flag is not given, its environment variable.
func TestEverySettingFillsItsField(t *testing.T) {
	var cfg config
	fs, err := newFlagSet("flashcards", &cfg, env(map[string]string{"FLASHCARDS_MAX_IMAGE": "7", "FLASHCARDS_TRUST_PROXY": "true", "FLASHCARDS_DB": "env.db"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"--addr", "a:1", "--db", "b.db", "--signup", "closed", "--log-format", "json",
		"--max-body", "1", "--max-upload", "2", "--max-images-per-user", "3", "--tmp-dir", "t"}); err != nil {
		t.Fatal(err)
	}
	want := config{Addr: "a:1", DB: "b.db", Signup: "closed", TrustProxy: true, LogFormat: "json",
		MaxBody: 1, MaxUpload: 2, TmpDir: "t", MaxImage: 7, MaxImages: 3}
	if cfg != want {
		t.Errorf("settings filled %+v, want %+v", cfg, want)
	}
}
