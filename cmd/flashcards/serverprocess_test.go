package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildFlashcards compiles the real binary into a temporary directory, for
// the tests that start it as a process of its own. go test puts its own go
// first on PATH.
func buildFlashcards(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the binary: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "flashcards")
	out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serverProcess is `flashcards serve` in a process of its own, on a port
// of loopback the kernel picked.
type serverProcess struct {
	cmd     *exec.Cmd
	address string
	done    chan error // the process's exit, once
}

func startServerProcess(ctx context.Context, bin, db string) (*serverProcess, error) {
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--signup", "closed", "--log-format", "text")
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &serverProcess{cmd: cmd, done: make(chan error, 1)}
	addr := make(chan string, 1)
	var early []string
	go func() {
		// Drain stderr to the end: a full pipe would stall the server.
		sc := bufio.NewScanner(pipe)
		found := false
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil && !found {
				found = true
				addr <- m[1]
			} else if !found && len(early) < 20 {
				early = append(early, sc.Text())
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case s.address = <-addr:
		return s, nil
	case err := <-s.done:
		return nil, fmt.Errorf("the server exited: %v\n%s", err, strings.Join(early, "\n"))
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		return nil, errors.New("the server did not start within 60s")
	case <-ctx.Done():
		cmd.Process.Kill()
		return nil, ctx.Err()
	}
}

func (s *serverProcess) addr() string { return s.address }

// stop asks the server to shut down cleanly, and kills it after 30s.
func (s *serverProcess) stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		return errors.New("the server did not stop within 30s; killed")
	}
}

// drawGrade is a grade as a learner gives them: mostly passes, some failures.
func drawGrade(rng *rand.Rand) int {
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
